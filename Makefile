# The README's two commands: `make demo` and `make test`. Both set up .venv first.
.PHONY: demo test setup lint bench clean app experiments

setup:
	@bash scripts/bootstrap.sh

demo: setup
	.venv/bin/community-sim

test: setup
	.venv/bin/python -m pytest -q

app: setup
	.venv/bin/community-sim-app

lint: setup
	.venv/bin/ruff check . && .venv/bin/ruff format --check .

# every worked experiment rerun and its README's result blocks regenerated (many minutes; not CI)
experiments: setup
	.venv/bin/python experiments/rerun.py

bench: setup
	.venv/bin/python benchmarks/bench_growth.py

clean:
	rm -rf outputs multirun .pytest_cache
