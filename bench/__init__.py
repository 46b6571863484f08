"""Benchmarks: scripts that measure newsbot and print figures (never run as unit tests)."""
