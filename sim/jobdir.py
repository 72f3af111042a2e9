"""Names of sweep job folders: readable from the job's overrides, never too long for the filesystem.

configs/config.yaml names every job folder of a sweep after its swept values,
`hydra.sweep.subdir: ${job_dir:${hydra.job.override_dirname}}`, so a restarted sweep finds the jobs
that finished. Hydra's own name (`days=30,network.n_people=2000,seed=3`) is kept whenever it fits;
a folder name longer than the filesystem allows (255 bytes on Linux and macOS) becomes a readable
prefix and a hash of the whole override string, which is the same on every restart and differs
between any two override sets. The job's full overrides stay in its `.hydra/overrides.yaml`.
"""

from __future__ import annotations

import hashlib

from omegaconf import OmegaConf

RESOLVER = "job_dir"
NAME_MAX_BYTES = 255  # NAME_MAX of ext4, xfs, btrfs, APFS: longer names are refused (ENAMETOOLONG)
SHORT_NAME_BYTES = 200  # a shortened name leaves room for a suffix a tool may add beside the folder
HASH_HEX = 16  # 64 bits of SHA-256: a collision among a sweep's jobs is out of reach


def job_dir(override_dirname: str) -> str:
    """The job folder (relative to the sweep folder) for Hydra's `override_dirname`.

    Args:
        override_dirname: the job's overrides as Hydra joins them, e.g. `policy/referral=none,seed=0`
            (a group override's `/` makes nested folders, as Hydra has always done).

    Returns:
        `override_dirname` itself when every folder in it fits in NAME_MAX_BYTES; otherwise one
        folder `PREFIX~HASH` of at most SHORT_NAME_BYTES, the prefix cut on a character boundary.
    """
    if all(len(part.encode()) <= NAME_MAX_BYTES for part in override_dirname.split("/")):
        return override_dirname
    digest = hashlib.sha256(override_dirname.encode()).hexdigest()[:HASH_HEX]
    room = SHORT_NAME_BYTES - len(digest) - 1
    # one folder: a `/` inside the cut prefix would nest folders with nothing to tell them apart
    prefix = override_dirname.replace("/", ".").encode()[:room].decode(errors="ignore")
    return f"{prefix}~{digest}"


def register_resolver() -> None:
    """Make `${job_dir:...}` available to OmegaConf (idempotent)."""
    if not OmegaConf.has_resolver(RESOLVER):
        OmegaConf.register_new_resolver(RESOLVER, job_dir)
