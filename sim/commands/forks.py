"""`community-sim-resume` and `community-sim-fork`: finish a run from a checkpoint, continue one
under other policies (sim/forks.py), failures as one line (sim/failures.py)."""

from sim.failures import command
from sim.forks import fork_main, resume_main

resume = command("community-sim-resume")(resume_main)
fork = command("community-sim-fork")(fork_main)
