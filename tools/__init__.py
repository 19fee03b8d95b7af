"""Developer tools: the local stack behind `make demo` and the end-to-end tests."""
