"""`preview`, `up`, `destroy` and `refresh`: this project driven through the Pulumi Automation API.

One program, three runners: `pulumi up`, `python -m pipeline synth` and this module all run the
unchanged `__main__.py` of the project root. Here a `LocalWorkspace` on the project directory
selects the stack, so the Pulumi CLI reads the same `Pulumi.yaml` (its `venv/`) and
`Pulumi.<stack>.yaml`; there is no inline program and no second copy of the wiring.

Before the CLI runs, the stack file is validated as `synth` validates it. `up` previews with
`--save-plan`, hands the planned steps to the data-loss guard (`pipeline.guard`, the same one as
`synth --against`) and deploys that very plan (`up --plan`), so what was checked is what runs.
`destroy` is guarded through `destroy --preview-only` the same way.
"""

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import threading
from pathlib import Path
from typing import Any, Callable, Iterable, Optional

from pulumi.automation import CommandError, LocalWorkspace, PulumiCommand, Stack, StackNotFoundError
from pulumi.automation.errors import InvalidVersionError
from pulumi.automation.events import StepEventMetadata, StepEventStateMetadata
from rich.text import Text

from components.errors import SECRET_PLACEHOLDER

from .__main__ import EXIT_INVALID, EXIT_REFUSED, EXIT_USAGE, PROJECT_ROOT, problem_report
from .diff import Change, State, state_of
from .guard import verdict
from .mock_engine import plain
from .progress import Operation, Progress, op_name

EXIT_FAILED = EXIT_INVALID  # the CLI ran and the operation failed
MISSING_CLI = ("error: `{command}` needs the Pulumi CLI, and there is no `pulumi` on PATH. Install it "
               "(https://www.pulumi.com/docs/iac/download-install/, or `curl -fsSL https://get.pulumi.com | sh`), "
               "or check the plan offline with `python -m pipeline synth --stack {stack}`")
# The engine ops that lose the old resource: all three steps of a replacement are one `replace`.
REPLACING = ("replace", "create-replacement", "delete-replaced")


def run(args: argparse.Namespace, pulumi_command: Optional[PulumiCommand] = None,
        project_root: Path = PROJECT_ROOT) -> int:
    """`pulumi_command` stands in for the CLI (tests); without it, the `pulumi` on PATH runs."""
    problem = check_stack_file(args.stack, project_root)
    if problem is not None:
        print(problem, file=sys.stderr)
        return EXIT_INVALID
    if args.command in ("up", "destroy") and not args.yes and not interactive():
        print(f"error: `{args.command}` asks before it changes anything, and stdin is not a terminal: pass --yes "
              "to go ahead without asking", file=sys.stderr)
        return EXIT_USAGE
    if pulumi_command is None and shutil.which("pulumi") is None:
        print(MISSING_CLI.format(command=args.command, stack=args.stack), file=sys.stderr)
        return EXIT_USAGE
    session = Session(args, project_root)
    # The SDK reads the CLI's events in a thread of its own; an event it cannot parse (an op newer
    # than this SDK) ends that thread with a traceback. Say it in one line instead: the run then
    # ends without a summary, which is a failure, and the guard refuses what it did not see.
    unreadable_event = threading.excepthook
    threading.excepthook = lambda failure: session.say(
        f"error: an engine event could not be read ({failure.exc_type.__name__}: {failure.exc_value}); is the "
        "Pulumi CLI newer than this project's pulumi SDK? (`pulumi version`, requirements.txt)")
    try:
        return session.run(pulumi_command)
    finally:
        threading.excepthook = unreadable_event
        session.finish()


def check_stack_file(stack: str, project_root: Path) -> Optional[str]:
    """What `synth` would say of `Pulumi.<stack>.yaml` (unreadable, or its config invalid), or None."""
    from components.config.reader import parse_stack_config
    from components.errors import ConfigError

    from .stack_files import StackFileError, project_name, read_stack_file

    stack_file = project_root / f"Pulumi.{stack}.yaml"
    if not stack_file.is_file():  # said here: the reader's advice names `--config`, which only synth has
        return (f"error: {stack_file}: no such file. Fix: check the stack name (a stack's file is Pulumi.<stack>.yaml "
                "in the project root)")
    try:
        settings = read_stack_file(stack_file, project_name(project_root))
    except StackFileError as error:
        return f"error: {error}"
    try:
        parse_stack_config(settings.values, stack, stack_file.name, settings.secret_keys)
    except ConfigError as error:
        return problem_report(stack_file.name, settings.problems, error)
    if settings.problems:  # the program accepts the values, but the Pulumi CLI refuses the file
        return problem_report(stack_file.name, settings.problems, None)
    return None


def interactive() -> bool:
    try:
        return sys.stdin is not None and sys.stdin.isatty()
    except ValueError:  # stdin closed
        return False


def changes_from(steps: Iterable[StepEventMetadata]) -> list[Change]:
    """The planned steps as the guard reads them: one Change per URN, in the order first seen."""
    changes: dict[str, Change] = {}
    for step in steps:
        op = "replace" if op_name(step) in REPLACING else op_name(step)
        change = changes.setdefault(step.urn, Change(op, step.urn, step.type))
        if op == "replace" or (op == "delete" and change.op != "replace"):
            change.op = op
        change.old = change.old or engine_state(step.old)
        change.new = change.new or engine_state(step.new)
        change.replace_reasons += [key for key in step.keys or [] if key not in change.replace_reasons]
        change.diffs += [key for key in step.diffs or [] if key not in change.diffs]
    return list(changes.values())


def engine_state(state: Optional[StepEventStateMetadata]) -> Optional[State]:
    """A step's old or new state shaped as `synth --against` shapes a stack export's resources."""
    if state is None:
        return None
    return state_of({"type": state.type, "urn": state.urn, "custom": bool(state.custom), "parent": state.parent,
                     "provider": state.provider, "inputs": plain(state.inputs or {}), "protect": state.protect,
                     "retainOnDelete": state.retain_on_delete})


class Session:
    """One command: its progress display, its messages, and with --json the one document on stdout."""

    def __init__(self, args: argparse.Namespace, project_root: Path):
        self.args = args
        self.root = project_root
        stream = sys.stderr if args.json else sys.stdout
        self.progress = Progress(stream, rich=not args.json and stream.isatty())
        self.document: dict[str, Any] = {"stack": args.stack, "command": args.command, "result": "failed",
                                         "changeSummary": {}, "steps": [], "refusals": [],
                                         "diagnostics": self.progress.diagnostics}
        if args.command == "up":
            self.document["outputs"] = {}
        self.started = False

    def run(self, pulumi_command: Optional[PulumiCommand]) -> int:
        try:
            workspace = LocalWorkspace(work_dir=str(self.root), pulumi_command=pulumi_command)
        except (OSError, subprocess.CalledProcessError, InvalidVersionError) as error:
            self.say(f"error: the Pulumi CLI cannot be used: {' '.join(str(error).split())}")
            return EXIT_USAGE
        self.started = True
        try:
            stack = Stack.select(self.args.stack, workspace)
        except StackNotFoundError:
            self.say(f"error: the Pulumi backend the CLI is logged in to has no stack {self.args.stack}. Fix: `pulumi "
                     f"stack init {self.args.stack}`, or `pulumi login` to the backend that holds it (`pulumi whoami "
                     "-v` shows the current one)")
            return EXIT_FAILED
        except CommandError as error:
            return self.failed(f"pulumi stack select {self.args.stack}", error, Operation())
        return getattr(self, f"_{self.args.command}")(stack)

    def finish(self) -> None:
        if self.args.json and self.started:
            sys.stdout.write(json.dumps(self.document, indent=2) + "\n")
            sys.stdout.flush()

    # The four commands
    def _preview(self, stack: Stack) -> int:
        result, operation, error = self.attempt(lambda on_event: stack.preview(
            on_event=on_event, policy_packs=self.policy_packs()))
        self.guard(changes_from(operation.steps), allowed=(), enforce=False)
        if error is not None:
            return self.failed("pulumi preview", error, operation)
        return self.succeeded(result.change_summary, planned=True)

    def _up(self, stack: Stack) -> int:
        with tempfile.TemporaryDirectory(prefix="koneksi-plan-") as scratch:
            plan = str(Path(scratch) / "plan.json")
            status = self.guarded_preview(lambda on_event: stack.preview(
                plan=plan, on_event=on_event, policy_packs=self.policy_packs()), "pulumi preview", "update")
            if status is not None:
                return status
            result, operation, error = self.attempt(lambda on_event: stack.up(
                plan=plan, on_event=on_event, policy_packs=self.policy_packs()))
        if error is not None:
            return self.failed("pulumi up", error, operation)
        self.document["outputs"] = {name: SECRET_PLACEHOLDER if output.secret else output.value
                                    for name, output in result.outputs.items()}
        status = self.succeeded(result.summary.resource_changes or {}, planned=False)
        if not self.args.json and self.document["outputs"]:
            self.progress.line(Text("outputs:"))
            for name, value in self.document["outputs"].items():
                self.progress.line(Text(f"  {name}: {json.dumps(value)}"))
        return status

    def _destroy(self, stack: Stack) -> int:
        status = self.guarded_preview(lambda on_event: stack.preview_destroy(on_event=on_event),
                                      "pulumi destroy --preview-only", "destroy")
        if status is not None:
            return status
        result, operation, error = self.attempt(lambda on_event: stack.destroy(on_event=on_event))
        if error is not None:
            return self.failed("pulumi destroy", error, operation)
        return self.succeeded(result.summary.resource_changes or {}, planned=False)

    def _refresh(self, stack: Stack) -> int:
        result, operation, error = self.attempt(lambda on_event: stack.refresh(on_event=on_event))
        if error is not None:
            return self.failed("pulumi refresh", error, operation)
        return self.succeeded(result.summary.resource_changes or {}, planned=False)

    # Shared steps
    def attempt(self, call: Callable[[Callable], Any]) -> tuple[Any, Operation, Optional[CommandError]]:
        """Runs one CLI operation with the progress display; a failure comes back, not raised."""
        operation = self.progress.start()
        try:
            result, error = call(self.progress.on_event), None
        except CommandError as failure:
            result, error = None, failure
        except RuntimeError as failure:  # "summary event never found": the CLI ended without one
            result, error = None, CommandError(str(failure))
        self.document["steps"] = [{"op": op_name(step), "urn": step.urn, "type": step.type}
                                  for step in operation.steps]
        if operation.summary is not None:
            self.document["changeSummary"] = dict(operation.summary.resource_changes)
        return result, operation, error

    def guarded_preview(self, preview: Callable[[Callable], Any], what: str, verb: str) -> Optional[int]:
        """The preview an `up` or `destroy` runs first, the guard on its steps, and the go-ahead:
        None to go on, else the exit status."""
        result, operation, error = self.attempt(preview)
        status = self.checked(operation, error, what, verb)
        if status is not None:
            return status
        self.progress.summary(result.change_summary, done=False)
        if not self.args.yes and not confirmed(verb):
            return self.declined()
        return None

    def checked(self, operation: Operation, error: Optional[CommandError], what: str, verb: str) -> Optional[int]:
        """The guard on a preview's steps: refused (even when the preview failed too, as the engine
        fails one that replaces what it protects), failed, or None to go on and {verb}."""
        refused = self.guard(changes_from(operation.steps), self.args.allow_replace, enforce=True)
        unseen = _unseen_changes(operation)
        if unseen:  # the SDK drops an event it cannot parse (a warning, not an error): never guess
            refused.append(unseen)
            self.document["refusals"] = refused
            self.say(f"refused: {unseen}")
        if refused:
            if error is not None:
                self.failed(what, error, operation)
            self.document["result"] = "refused"
            self.say(f"nothing was changed: the {verb} is refused")
            return EXIT_REFUSED
        if error is not None:
            return self.failed(what, error, operation)
        return None

    def guard(self, changes: list[Change], allowed: Iterable[str], enforce: bool) -> list[str]:
        """Says what the guard lets through and refuses (or, in a preview, would refuse)."""
        notes, refused = verdict(changes, allowed, self.args.stack, destroying=self.args.command == "destroy")
        for note in notes:
            self.say(note)
        messages = [refusal.render() for refusal in refused]
        self.document["refusals"] = messages
        prefix = "refused" if enforce else "warning: `up` would refuse this plan"
        for message in messages:
            self.say(f"{prefix}: {message}")
        return messages

    def succeeded(self, changes: dict[str, int], planned: bool) -> int:
        self.document["result"] = "succeeded"
        self.document["changeSummary"] = dict(changes)
        self.progress.summary(changes, done=not planned)
        return 0

    def failed(self, what: str, error: CommandError, operation: Operation) -> int:
        """The failure in one block: the engine's error diagnostics, else what the CLI printed."""
        self.document["result"] = "failed"
        code, stderr = _command_result(error)
        reasons = operation.errors or [line for line in stderr if line.startswith("error:")] or stderr[-3:]
        lines = [f"error: `{what}` failed on stack {self.args.stack}" + (f" (exit code {code})" if code else "") + ":"]
        for reason in reasons or ["the CLI said nothing more; run the same `pulumi` command by hand to see why"]:
            first, *rest = reason.removeprefix("error: ").splitlines() or [""]
            lines += [f"  {first}", *(f"    {line}" for line in rest)]
        self.say("\n".join(lines))
        return EXIT_FAILED

    def declined(self) -> int:
        self.document["result"] = "declined"
        self.say("nothing was changed")
        return EXIT_FAILED

    def policy_packs(self) -> Optional[list[str]]:
        pack = self.root / "policy"
        return [str(pack)] if pack.is_dir() else None

    def say(self, message: str) -> None:
        print(message, file=sys.stderr, flush=True)


def _unseen_changes(operation: Operation) -> str:
    """Why the guard cannot vouch for a preview: its summary counts more changes than the steps
    that reached the guard."""
    if operation.summary is None:
        return ""
    counted = sum(count for op, count in (operation.summary.resource_changes or {}).items()
                  if getattr(op, "value", op) != "same")
    seen = len({step.urn for step in operation.steps if op_name(step) != "same"})
    if seen >= counted:
        return ""
    return (f"the preview counts {counted} changes, but only {seen} reached the data-loss guard, which cannot vouch "
            "for the others. Fix: run the command again; if it persists, report it with the CLI's version")


def confirmed(verb: str) -> bool:
    print(f"Do you want to perform this {verb}? [y/N] ", end="", file=sys.stderr, flush=True)
    return sys.stdin.readline().strip().lower() in ("y", "yes")


def _command_result(error: CommandError) -> tuple[Optional[str], list[str]]:
    """Exit code and stderr lines of a CommandError, which keeps them only in its text
    (`pulumi.automation._cmd.CommandResult.__str__`)."""
    text = str(error)
    code = text.split(" code: ", 1)[1].split("\n", 1)[0].strip() if " code: " in text else None
    stderr = text.split("\n stderr: ", 1)[1] if "\n stderr: " in text else ""
    return code, [line.strip() for line in stderr.splitlines() if line.strip()]
