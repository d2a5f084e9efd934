"""`synth`: the whole plan of a stack, offline, as preview-shaped JSON (text: `pipeline.text`)."""

import json
from pathlib import Path
from typing import Any

from .mock_engine import Plan, run_program
from .stack_files import StackSettings, project_name


def synthesize(project_root: Path, stack: str, settings: StackSettings) -> Plan:
    """The plan of `stack` with the settings of its stack file (`stack_files.read_stack_file`)."""
    return run_program(project_root, project_name(project_root), stack, settings)


def preview_document(plan: Plan, settings: StackSettings) -> dict[str, Any]:
    """Shaped like `pulumi preview --json`, so tools written for one read the other."""
    return {
        "stack": plan.stack,
        "config": dict(settings.values),
        "steps": plan.steps,
        "diagnostics": plan.diagnostics,
        "changeSummary": plan.change_summary(),
        "outputs": plan.outputs,
    }


def write_json(plan: Plan, settings: StackSettings) -> str:
    return json.dumps(preview_document(plan, settings), indent=2) + "\n"
