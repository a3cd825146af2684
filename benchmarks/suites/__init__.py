"""Benchmark suites, one module each (see the benchmarks package docstring)."""
