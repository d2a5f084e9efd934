"""The pack as `pulumi preview --policy-pack policy` runs it (from the project root). Nothing may
import this module: constructing `PolicyPack` starts its gRPC server and blocks.

Imports: Pulumi starts `python -m pulumi.policy <engine> .` inside `policy/` (PulumiPolicy.yaml),
which runs this file with `runpy.run_path(".")`: `sys.path[0]` is this directory, and the project
root, where `components/` and the `policy` package itself live, is not importable. synth imports
the same modules as `policy.<module>` from the root. The root goes first on the path and this
directory comes off it, so here too every module is imported as `policy.<module>` only: one
module object per file, and no `policy/backup.py` taking the place of a top-level `backup` for
anything else in the process."""

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:] = [str(HERE.parent), *(entry for entry in sys.path if Path(entry or ".").resolve() != HERE)]

from pulumi_policy import PolicyPack  # noqa: E402

from policy.pack import POLICIES  # noqa: E402

PolicyPack("koneksi-dynamodb", POLICIES)
