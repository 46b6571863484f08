"""Stand-ins and fakes the tests and benchmarks share."""
