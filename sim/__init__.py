"""community-sim: an agent-based simulator of community growth and operations (社群运营).

The public entry points are `sim.runner.run` (config in, results out) and the Hydra command
`community-sim` in `sim.cli`. See README.md for usage and docs/ for the model description.
"""

__version__ = "0.5.0"
