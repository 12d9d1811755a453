"""Benchmarks: data generators and timing scripts (run with `python -m bench.<name>`)."""
