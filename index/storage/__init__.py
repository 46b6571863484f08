"""Where a corpus is kept: the protocols the library uses, and newsbot's implementations."""
