"""`community-sim-validate`: the validation suite (sim.validation.suite), failures as one line (sim/failures.py)."""

from sim.failures import command
from sim.validation.suite import main as _main

main = command("community-sim-validate")(_main)
