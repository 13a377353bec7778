"""Benchmarks and the synthetic corpus generator (run them by hand, never in the test suite)."""
