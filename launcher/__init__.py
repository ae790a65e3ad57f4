"""Starts, checks and stops the assistant's services (used by `make run` and the tests)."""
