"""`synth`: the whole plan of a stack, offline, as preview-shaped JSON or as text (`pipeline.text`)."""

import json
from pathlib import Path
from typing import Any

from .mock_engine import Plan, run_program
from .stack_files import StackSettings, project_name, read_stack_file


def synthesize(project_root: Path, stack: str, stack_file: Path) -> tuple[Plan, StackSettings]:
    settings = read_stack_file(stack_file)
    return run_program(project_root, project_name(project_root), stack, settings), settings


def preview_document(plan: Plan, settings: StackSettings) -> dict[str, Any]:
    """Shaped like `pulumi preview --json`, so tools written for one read the other."""
    return {
        "stack": plan.stack,
        "config": dict(settings.values),
        "steps": plan.steps,
        "diagnostics": plan.diagnostics,
        "changeSummary": {"create": len(plan.steps)},
        "outputs": plan.outputs,
    }


def write_json(plan: Plan, settings: StackSettings) -> str:
    return json.dumps(preview_document(plan, settings), indent=2) + "\n"



from .text import render as write_text  # noqa: E402  (the command's text form; see pipeline.text)
