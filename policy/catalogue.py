"""Every control of the pack, and `evaluate`, the pure entry point synth calls."""

from typing import Any, Iterable, Mapping

from . import backup, dax_controls, dynamodb_controls, encryption, endpoint, iam, scaling
from .control import Control, Violation
from .resources import from_plan

CONTROLS: tuple[Control, ...] = (
    *scaling.CONTROLS,  # DynamoDB.1
    *dynamodb_controls.CONTROLS,  # DynamoDB.2, .5, .6
    *dax_controls.CONTROLS,  # DynamoDB.3, .7
    *backup.CONTROLS,  # DynamoDB.4
    *encryption.CONTROLS,  # KONEKSI.KMS
    *iam.CONTROLS,  # KONEKSI.IAM
    *endpoint.CONTROLS,  # KONEKSI.ENDPOINT
)


def evaluate(resources: Iterable[Mapping[str, Any]]) -> list[Violation]:
    """The violations of a plan: `resources` are synth's `newState` dicts (wire-name `inputs`,
    `dependencies`, `provider` as `<provider URN>::<id>`), providers included."""
    plan = from_plan(resources)
    return [violation for control in CONTROLS for violation in control.violations(plan)]
