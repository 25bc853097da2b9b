"""cibwatch benchmarks: run with `make bench` (python -m bench.run_all)."""
