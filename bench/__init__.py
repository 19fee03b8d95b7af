"""Benchmarks of Invoice Portal against baselines measured in the same run (`make bench`)."""
