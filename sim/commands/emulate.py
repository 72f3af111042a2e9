"""`community-sim-emulate`: Gaussian-process emulators of KPIs (sim.analysis.emulator), failures as one line (sim/failures.py)."""

from sim.analysis.emulator import main as _main
from sim.failures import command

main = command("community-sim-emulate")(_main)
