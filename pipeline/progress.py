"""The engine's events as `preview`/`up`/`destroy`/`refresh` stream them (`pipeline.automation`).

On a terminal each step is a line coloured as `pulumi` colours it (`+` create, `~` update, `+-`
replace, `-` delete); anywhere else the same lines come plain (`creating <type> <name>` ...
`created <type> <name>`), so that a CI log reads without escape codes. Unchanged resources are
not shown, as `pulumi` leaves them out. Warnings are shown as they come; errors are collected for
the one block that explains a failure (`Operation.errors`).
"""

import re
import sys
from dataclasses import dataclass, field
from typing import Any, Mapping, Optional, TextIO

from pulumi.automation.events import (DiagnosticEvent, EngineEvent, PolicyEvent, StepEventMetadata,
                                      SummaryEvent)
from rich.console import Console
from rich.text import Text

# pulumi's own markers and colours (sdk/go/common/display, diag/colors: SpecCreate, SpecUpdate, ...).
MARKERS = {"same": " ", "create": "+", "update": "~", "delete": "-", "replace": "+-", "create-replacement": "++",
           "delete-replaced": "--", "read": ">", "read-replacement": ">>", "refresh": "~", "discard": "<",
           "discard-replaced": "<<", "import": "=", "import-replacement": "=>"}
STYLES = {"create": "green", "update": "yellow", "delete": "red", "replace": "bright_magenta",
          "create-replacement": "bright_green", "delete-replaced": "bright_red", "read": "bright_cyan",
          "read-replacement": "bright_cyan", "refresh": "bright_cyan", "import": "cyan", "import-replacement": "cyan"}
VERBS = {"create": ("creating", "created"), "update": ("updating", "updated"), "delete": ("deleting", "deleted"),
         "replace": ("replacing", "replaced"), "create-replacement": ("creating replacement", "created replacement"),
         "delete-replaced": ("deleting original", "deleted original"), "read": ("reading", "read"),
         "refresh": ("refreshing", "refreshed"), "import": ("importing", "imported"),
         "discard": ("discarding", "discarded")}
# The summary counts logical steps only: a replacement's create and delete are part of its `replace`.
COUNTED = (("create", "to create", "created"), ("update", "to update", "updated"),
           ("replace", "to replace", "replaced"), ("delete", "to delete", "deleted"),
           ("import", "to import", "imported"), ("read", "to read", "read"), ("discard", "to discard", "discarded"))
SEVERITY_STYLES = {"error": "bold red", "warning": "yellow"}
# The engine writes its colour directives into diagnostic text (`<{%fg 3%}>`, `<{%reset%}>`).
COLOUR_DIRECTIVE = re.compile(r"<\{%[^%]*%\}>")


def op_name(step: StepEventMetadata) -> str:
    return getattr(step.op, "value", step.op)


def resource_name(urn: str) -> str:
    return urn.rsplit("::", 1)[-1]


def clean(message: str) -> str:
    return COLOUR_DIRECTIVE.sub("", message).strip()


@dataclass
class Operation:
    """What one run of the CLI reported, for the guard, the summary and the JSON document."""

    steps: list[StepEventMetadata] = field(default_factory=list)  # every resource_pre_event, in order
    errors: list[str] = field(default_factory=list)  # error diagnostics, rendered
    summary: Optional[SummaryEvent] = None


class Progress:
    """Renders the events of one command's CLI runs; `on_event` is what the Automation API calls."""

    def __init__(self, stream: Optional[TextIO] = None, rich: bool = False):
        self.stream = stream or sys.stdout
        self.rich = rich
        self.console = Console(file=self.stream, highlight=False, soft_wrap=True, force_terminal=rich or None)
        self.current = Operation()
        self.diagnostics: list[dict[str, Any]] = []  # every run's, shaped like synth's `diagnostics`

    def start(self) -> Operation:
        self.current = Operation()
        return self.current

    def on_event(self, event: EngineEvent) -> None:
        if event.resource_pre_event:
            self._step(event.resource_pre_event.metadata, event.resource_pre_event.planning, done=False)
        elif event.res_outputs_event and not event.res_outputs_event.planning:
            self._step(event.res_outputs_event.metadata, False, done=True)
        elif event.res_op_failed_event:
            self._failed(event.res_op_failed_event.metadata)
        elif event.diagnostic_event:
            self._diagnostic(event.diagnostic_event)
        elif event.policy_event:
            self._policy(event.policy_event)
        elif event.summary_event:
            self.current.summary = event.summary_event

    def line(self, text: Text) -> None:
        if self.rich:
            self.console.print(text)
        else:
            self.stream.write(text.plain + "\n")
            self.stream.flush()

    def summary(self, changes: Mapping[str, int], done: bool) -> None:
        """`+ 2 to create, ~ 1 to update, 25 unchanged` (or `created`, ... once done)."""
        text = Text()
        for op, planned, finished in COUNTED:
            if changes.get(op):
                if text:
                    text.append(", ")
                text.append(MARKERS[op], style=STYLES.get(op))
                text.append(f" {changes[op]} {finished if done else planned}")
        if changes.get("same"):
            text.append(f"{', ' if text else ''}{changes['same']} unchanged")
        self.line(text if text else Text("no changes"))

    def _step(self, step: StepEventMetadata, planning: Optional[bool], done: bool) -> None:
        op = op_name(step)
        if not done:
            self.current.steps.append(step)
        if op == "same" or (op == "refresh" and not done):  # a refresh shows what it found, not each read
            return
        if planning:
            self._resource_line(op, step, op, details=self._details(step))
        else:
            present, past = VERBS.get(op, (op, op))
            self._resource_line(op, step, past if done else present)

    def _details(self, step: StepEventMetadata) -> str:
        if step.keys and op_name(step) in ("replace", "create-replacement"):
            return f" (replaced because of: {', '.join(step.keys)})"
        if step.diffs and op_name(step) == "update":
            return f" (diff: {', '.join(step.diffs)})"
        return ""

    def _failed(self, step: StepEventMetadata) -> None:
        op = op_name(step)
        what = op.replace("-replacement", " replacement").replace("-replaced", " original")
        self._resource_line(op, step, f"failed to {what}", failed=True)

    def _resource_line(self, op: str, step: StepEventMetadata, status: str, details: str = "",
                       failed: bool = False) -> None:
        if not self.rich:  # `creating aws:dynamodb/table:Table users-table`
            self.line(Text(f"{status} {step.type} {resource_name(step.urn)}{details}"))
            return
        text = Text()
        text.append(f"{MARKERS.get(op, op):<2} ", style=STYLES.get(op))
        text.append(step.type, style="dim")
        text.append(f" {resource_name(step.urn)} ", style="bold")
        text.append(status, style="bold red" if failed else STYLES.get(op))
        text.append(details, style="dim")
        self.line(text)

    def _diagnostic(self, event: DiagnosticEvent) -> None:
        message = clean(event.message)
        if event.ephemeral or not message or event.severity == "debug":
            return
        severity = "info" if event.severity == "info#err" else event.severity
        record = {"urn": event.urn, "severity": severity, "message": message} if event.urn else \
            {"severity": severity, "message": message}
        self.diagnostics.append(record)
        where = f"{self._label(event.urn)}: " if event.urn else ""
        if severity == "error":
            self.current.errors.append(f"{where}{message}")
            return
        self._say(severity, f"{where}{message}")

    def _policy(self, event: PolicyEvent) -> None:
        severity = "error" if event.enforcement_level == "mandatory" else "warning"
        message = f"[{event.policy_pack_name}/{event.policy_name}] {clean(event.message)}"
        record = {"severity": severity, "message": message}
        if event.resource_urn:
            record["urn"] = event.resource_urn
        self.diagnostics.append(record)
        where = f"{self._label(event.resource_urn)}: " if event.resource_urn else ""
        if severity == "error":
            self.current.errors.append(f"{where}{message}")
        self._say(f"policy {event.enforcement_level or severity}", f"{where}{message}", style=SEVERITY_STYLES[severity])

    def _say(self, severity: str, message: str, style: Optional[str] = None) -> None:
        text = Text()
        text.append(f"{severity}: " if severity != "info" else "", style=style or SEVERITY_STYLES.get(severity))
        text.append(message)
        self.line(text)

    def _label(self, urn: Optional[str]) -> str:
        parts = (urn or "").split("::")  # urn:pulumi:<stack>::<project>::<parent types$>type::name
        return f"{parts[2].rsplit('$', 1)[-1]} {parts[-1]}" if len(parts) >= 4 else parts[-1]
