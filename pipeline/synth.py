"""`synth`: the whole plan of a stack, offline, as preview-shaped JSON (text: `pipeline.text`)."""

import json
from pathlib import Path
from typing import Any, Optional

from policy import evaluate

from .diff import Change, change_summary
from .mock_engine import Plan, run_program
from .stack_files import StackSettings, project_name


def synthesize(project_root: Path, stack: str, settings: StackSettings) -> Plan:
    """The plan of `stack` with the settings of its stack file (`stack_files.read_stack_file`),
    judged by the policy pack: each violation a diagnostic of its resource, an error where the
    control is mandatory (prod, the fedramp tiers), else a warning."""
    plan = run_program(project_root, project_name(project_root), stack, settings)
    plan.diagnostics += [{"urn": violation.urn, "severity": "error" if violation.mandatory else "warning",
                          "message": violation.message} for violation in evaluate(plan.resources())]
    return plan


def mandatory_violations(plan: Plan) -> list[dict[str, str]]:
    return [diagnostic for diagnostic in plan.diagnostics if diagnostic["severity"] == "error"]


def preview_document(plan: Plan, settings: StackSettings, changes: Optional[list[Change]] = None) -> dict[str, Any]:
    """Shaped like `pulumi preview --json`, so tools written for one read the other. With
    `changes` (`synth --against`), the steps are those changes."""
    return {
        "stack": plan.stack,
        "config": dict(settings.values),
        "steps": plan.steps if changes is None else [change.step() for change in changes],
        "diagnostics": plan.diagnostics,
        "changeSummary": plan.change_summary() if changes is None else change_summary(changes),
        "outputs": plan.outputs,
    }


def write_json(plan: Plan, settings: StackSettings, changes: Optional[list[Change]] = None) -> str:
    return json.dumps(preview_document(plan, settings, changes), indent=2) + "\n"
