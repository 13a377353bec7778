"""A benchmark's measuring child run on another checkout of the package (`--baseline TREE`)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run_child(tree: Path, module: str, args: list[str], home: str | None = None) -> str:
    """`python -m MODULE --child ARGS` with `tree`'s package first on the path (this tree's
    `bench` after it); its output, or the end of its errors when it failed."""
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(tree), str(ROOT)]))
    if home is not None:
        env["READER_HOME"] = home
    command = [sys.executable, "-m", module, "--child", *args]
    done = subprocess.run(command, env=env, cwd=tree, capture_output=True, text=True)
    if done.returncode != 0:
        return done.stderr.strip()[-400:]
    return done.stdout.strip()
