"""Building blocks of the config schema: the error type and the declared-field helper.

Kept apart from the config groups themselves (sim/config.py, sim/operations_config.py) so that
every group module can declare its fields the same way.
"""

from __future__ import annotations

from dataclasses import field


class ConfigError(ValueError):
    """A config value that cannot be used; the message is one line meant for the user."""


def param(default, lo=None, hi=None, choices=None, help="", source="assumption"):
    """A dataclass field with its allowed range, meaning and source.

    Args:
        default: the default value.
        lo, hi: inclusive bounds for numbers.
        choices: allowed values for strings.
        help: what the parameter means (with its unit).
        source: where the default comes from; `assumption` if from no source; `setting` for
            choices of the run rather than facts about communities.
    """
    meta = {"lo": lo, "hi": hi, "choices": choices, "help": help, "source": source}
    if isinstance(default, dict):  # mutable defaults need a factory
        return field(default_factory=lambda: dict(default), metadata=meta)
    return field(default=default, metadata=meta)
