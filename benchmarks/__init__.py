"""Speed and memory harness (never part of the test run); `reference/` is the per-agent Mesa model."""
