"""The console scripts of pyproject.toml: each tool's main function wrapped by
sim.failures.command, so that every failure is one line on stderr and an exit status.

One module per tool, so that a command imports only what its own tool needs (`community-sim`
itself is wrapped where it is defined, sim/cli). Calling a tool's own `main` from Python (tests,
notebooks) is unchanged: it raises, or exits with the status it chose.
"""
