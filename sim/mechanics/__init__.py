"""Member mechanics, one module per concern, each vectorised over the member table.

Mechanics are pure functions of arrays: they receive today's state and the day's uniform draws
(drawn by the model from the mechanic's own named stream, full length, every day) and return what
happened. They use the array module of their inputs (numpy or cupy) and never draw randomness.
"""
