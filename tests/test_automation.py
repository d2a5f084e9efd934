"""`preview`, `up`, `destroy` and `refresh` through the Automation API, with no Pulumi CLI.

The SDK's own LocalWorkspace and Stack code runs; only the CLI process is replaced: `FakePulumi`
answers `stack select`, `stack output` and `stack history`, and for an operation writes a
recorded event log (tests/fixtures/events, see build.py there) into the `--event-log` file the
SDK asked for, then exits 0, or 255 when the log holds an error, as the CLI does.
"""

import functools
import io
import json
import shutil
from pathlib import Path
from typing import Optional

import pytest
from pulumi.automation import CommandResult, PulumiCommand
from pulumi.automation.errors import create_command_error
from pulumi.automation.events import EngineEvent
from semver import VersionInfo

from pipeline import automation
from pipeline.__main__ import EXIT_REFUSED, main
from pipeline.guard import refusals
from pipeline.progress import Progress

ROOT = Path(__file__).resolve().parent.parent
EVENTS = ROOT / "tests" / "fixtures" / "events"
RECORDED = sorted(EVENTS.glob("*.jsonl"))
VERB = {"preview": "preview", "preview-destroy": "preview", "up": "update", "destroy": "destroy",
        "refresh": "refresh"}


def events(name: str) -> list[EngineEvent]:
    return [EngineEvent.from_json(json.loads(line)) for line in (EVENTS / f"{name}.jsonl").read_text().splitlines()]


def _readable(line: str) -> Optional[EngineEvent]:
    """An event as this SDK reads it, or None for one it cannot (the CLI writes it regardless)."""
    try:
        return EngineEvent.from_json(json.loads(line))
    except ValueError:
        return None


class FakePulumi(PulumiCommand):
    """Stands in for the `pulumi` binary, whose `pulumi version` it never runs; `logs` maps an
    operation (`preview`, `up`, `preview-destroy`, `destroy`, `refresh`) to the log it replays."""

    def __init__(self, stacks: tuple[str, ...] = ("prod", "staging"), **logs: str):
        self.command = "pulumi"
        # Up to 3.205 the SDK reads the events from the `--event-log` file (Stack._setup_event_log).
        self.version = VersionInfo.parse("3.200.0")
        self.stacks = stacks
        self.logs = logs
        self.calls: list[list[str]] = []
        self.cwds: set[str] = set()
        self.last: list[EngineEvent] = []

    def run(self, args, cwd, additional_env, on_output=None, on_error=None):
        args = list(args)
        self.calls.append(args)
        self.cwds.add(cwd)
        stack = args[args.index("--stack") + 1]
        if args[:2] == ["stack", "select"]:
            if stack not in self.stacks:
                raise create_command_error(CommandResult("", f"error: no stack named '{stack}' found", 255))
            return CommandResult("", "", 0)
        if args[:2] == ["stack", "output"]:
            root = next(e.res_outputs_event.metadata for e in reversed(self.last) if e.res_outputs_event
                        and e.res_outputs_event.metadata.type == "pulumi:pulumi:Stack")
            return CommandResult(json.dumps(root.new.outputs), "", 0)
        if args[:2] == ["stack", "history"]:
            summary = next(e.summary_event for e in self.last if e.summary_event)
            entry = {"kind": args[0], "startTime": "2026-01-01T00:00:00.000000Z", "message": "", "environment": {},
                     "config": {}, "result": "succeeded", "endTime": "2026-01-01T00:00:14.000000Z", "version": 8,
                     "resourceChanges": summary.resource_changes}
            return CommandResult(json.dumps([entry]), "", 0)
        operation = "preview-destroy" if args[0] == "destroy" and "--preview-only" in args else args[0]
        text = (EVENTS / f"{self.logs[operation]}.jsonl").read_text()
        with open(args[args.index("--event-log") + 1], "a", encoding="utf-8") as log:
            log.write(text)
        self.last = [event for event in map(_readable, text.splitlines()) if event is not None]
        if "--plan" in args and not Path(args[args.index("--plan") + 1]).is_file():
            raise create_command_error(CommandResult("", "error: could not read the plan: no such file", 255))
        if any(e.diagnostic_event and e.diagnostic_event.severity == "error" for e in self.last):
            raise create_command_error(CommandResult("Diagnostics: ...", f"error: {VERB[operation]} failed", 255))
        if "--save-plan" in args:
            planned = {e.resource_pre_event.metadata.urn: e.resource_pre_event.metadata.op.value
                       for e in self.last if e.resource_pre_event}
            Path(args[args.index("--save-plan") + 1]).write_text(json.dumps({"resourcePlans": planned}))
        return CommandResult(f"{VERB[operation].capitalize()} ({stack}) done", "", 0)

    def ran(self, operation: str) -> Optional[list[str]]:
        return next((args for args in self.calls if args[0] == operation), None)


@pytest.fixture
def cli(monkeypatch):
    """`python -m pipeline ...` with `fake` as the Pulumi CLI."""
    run = automation.run

    def invoke(argv: list[str], fake: FakePulumi, project_root: Path = ROOT) -> int:
        monkeypatch.setattr(automation, "run", functools.partial(run, pulumi_command=fake, project_root=project_root))
        return main(argv)
    monkeypatch.setattr("sys.stdin", io.StringIO(""))  # not a terminal unless a test says so
    return invoke


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize("path", RECORDED, ids=lambda path: path.stem)
def test_every_recorded_event_is_one_engine_event(path):
    lines = path.read_text(encoding="utf-8").splitlines()
    parsed = [EngineEvent.from_json(json.loads(line)) for line in lines]
    for sequence, (line, event) in enumerate(zip(lines, parsed)):
        payloads = [name for name, value in vars(event).items() if value is not None and name not in
                    ("sequence", "timestamp")]
        assert len(payloads) == 1, line[:200]
        assert event.sequence == sequence
    assert parsed[0].prelude_event and parsed[-1].cancel_event
    assert sum(1 for event in parsed if event.summary_event) == 1
    for event in parsed:
        step = event.resource_pre_event or event.res_outputs_event or event.res_op_failed_event
        if step is not None:
            assert step.metadata.urn.startswith(f"urn:pulumi:{path.stem.split('-')[0]}::koneksi-dynamodb::")
            assert step.metadata.type == (step.metadata.old or step.metadata.new).type


def test_preview_streams_the_plan_and_its_summary(cli, capsys):
    fake = FakePulumi(preview="prod-preview-update")
    assert cli(["preview", "--stack", "prod"], fake) == 0
    out, err = capsys.readouterr()
    assert "create aws:cloudwatch/metricAlarm:MetricAlarm koneksi-prod-users-Query-latency" in out
    assert ("update aws:appautoscaling/policy:Policy users-read-policy (diff: targetTrackingScalingPolicyConfiguration)"
            in out)
    assert "warning: alarms go to the topic koneksi-prod-dynamodb-alarms, which nobody is subscribed to" in out
    assert out.rstrip().endswith("+ 2 to create, ~ 2 to update, 25 unchanged")
    assert "users-table" not in out and err == ""  # unchanged resources are not shown
    preview = fake.ran("preview")
    assert preview[preview.index("--policy-pack") + 1] == str(ROOT / "policy")
    assert "--event-log" in preview and "--save-plan" not in preview
    assert fake.calls[0][:2] == ["stack", "select"] and fake.cwds == {str(ROOT)}
    assert fake.ran("up") is None


def test_up_deploys_exactly_the_plan_it_checked(cli, capsys):
    fake = FakePulumi(preview="prod-preview-update", up="prod-up-update")
    assert cli(["up", "--stack", "prod", "--yes"], fake) == 0
    out, err = capsys.readouterr()
    preview, up = fake.ran("preview"), fake.ran("up")
    plan = preview[preview.index("--save-plan") + 1]
    assert up[up.index("--plan") + 1] == plan and not Path(plan).exists()  # the same file, removed afterwards
    assert up[up.index("--policy-pack") + 1] == str(ROOT / "policy")
    assert [args[0] for args in fake.calls if args[0] in ("preview", "up")] == ["preview", "up"]
    assert "creating aws:cloudwatch/metricAlarm:MetricAlarm koneksi-prod-users-Query-latency" in out
    assert "created aws:cloudwatch/metricAlarm:MetricAlarm koneksi-prod-users-Query-latency" in out
    assert "updated aws:appautoscaling/policy:Policy users-write-policy" in out
    assert "+ 2 to create, ~ 2 to update, 25 unchanged" in out
    assert "+ 2 created, ~ 2 updated, 25 unchanged" in out
    assert '  backupVaultName: "koneksi-prod-dynamodb"' in out
    assert err == ""


def test_up_json_is_one_document_on_stdout(cli, capsys):
    fake = FakePulumi(preview="prod-preview-update", up="prod-up-update")
    assert cli(["up", "--stack", "prod", "--yes", "--json"], fake) == 0
    out, err = capsys.readouterr()
    document = json.loads(out)
    assert document["stack"] == "prod" and document["command"] == "up" and document["result"] == "succeeded"
    assert document["changeSummary"] == {"create": 2, "same": 25, "update": 2}
    assert len(document["steps"]) == 29 and document["steps"][0] == {
        "op": "same", "urn": "urn:pulumi:prod::koneksi-dynamodb::pulumi:pulumi:Stack::koneksi-dynamodb-prod",
        "type": "pulumi:pulumi:Stack"}
    assert document["refusals"] == []
    assert document["diagnostics"][0]["severity"] == "warning"
    assert document["outputs"]["tables"]["users"]["name"] == "koneksi-prod-users"
    assert "created aws:cloudwatch/metricAlarm:MetricAlarm koneksi-prod-users-UpdateItem-latency" in err
    assert "\x1b[" not in err


def test_up_refuses_to_replace_the_protected_prod_users_table(cli, capsys):
    fake = FakePulumi(preview="prod-preview-replace-users")
    assert cli(["up", "--stack", "prod", "--yes", "--json"], fake) == EXIT_REFUSED
    out, err = capsys.readouterr()
    assert fake.ran("up") is None
    refusal = ("refused: this plan replaces table koneksi-prod-users (hashKey id -> email), and with it the data it "
               "holds. Fix: undo that change, or pass --allow-replace users if losing the data is intended")
    assert refusal in err.splitlines()
    assert "as it is currently marked for protection" in err  # the engine's own refusal, shown too
    document = json.loads(out)
    assert document["result"] == "refused" and document["refusals"] == [refusal.removeprefix("refused: ")]
    assert {"op": "replace", "urn": "urn:pulumi:prod::koneksi-dynamodb::koneksi:dynamodb:Table$aws:dynamodb/table:"
            "Table::users-table", "type": "aws:dynamodb/table:Table"} in document["steps"]
    assert "Traceback" not in err


def test_allow_replace_lets_the_replacement_run_and_its_failure_is_one_block(cli, capsys):
    """After `pulumi state unprotect` the engine would replace the table; the guard still refuses
    until --allow-replace names it. Then AWS refuses: the retained old table keeps the name."""
    fake = FakePulumi(preview="prod-preview-replace-users-unprotected", up="prod-up-replace-users")
    assert cli(["up", "--stack", "prod", "--yes"], fake) == EXIT_REFUSED
    assert fake.ran("up") is None
    assert "refused: this plan replaces table koneksi-prod-users (hashKey id -> email)" in capsys.readouterr().err

    fake = FakePulumi(preview="prod-preview-replace-users-unprotected", up="prod-up-replace-users")
    assert cli(["up", "--stack", "prod", "--yes", "--allow-replace", "users"], fake) == 1
    out, err = capsys.readouterr()
    assert fake.ran("up") is not None
    assert "allowed by --allow-replace: this plan replaces table koneksi-prod-users (hashKey id -> email)" in err
    assert "failed to create replacement aws:dynamodb/table:Table users-table" in out
    block = err[err.index("error: `pulumi up` failed on stack prod"):]
    assert block.splitlines()[1] == (
        "  aws:dynamodb/table:Table users-table: sdk-v2/provider2.go:572: sdk.helper_schema: creating AWS DynamoDB "
        "Table (koneksi-prod-users): operation error DynamoDB: CreateTable, https response error StatusCode: 400, "
        "RequestID: 4KBNVRGD0HL3FQ7B5N8SQ1CJ3FVV4KQNSO5AEMVJF66Q9ASUAAJG, ResourceInUseException: Table already "
        "exists: koneksi-prod-users: provider=aws@7.51.1")
    assert "<{%" not in err and "Traceback" not in out + err


def test_destroy_of_prod_is_refused(cli, capsys):
    fake = FakePulumi(**{"preview-destroy": "prod-preview-destroy"})
    assert cli(["destroy", "--stack", "prod", "--yes"], fake) == EXIT_REFUSED
    err = capsys.readouterr().err
    assert [args[:2] for args in fake.calls if args[0] == "destroy"] == [["destroy", "--preview-only"]]
    refused = [line for line in err.splitlines() if line.startswith("refused: ")]
    assert [line.split(", and with it")[0] for line in refused] == [
        "refused: destroying the stack deletes table koneksi-prod-users",
        "refused: destroying the stack deletes KMS key koneksi-prod-dynamodb-key",
        "refused: destroying the stack deletes backup vault koneksi-prod-dynamodb"]
    assert "Fix: pass --allow-replace users if losing the data is intended" in refused[0]


def test_destroy_of_an_unprotected_staging_stack_goes_through_with_yes(cli, capsys):
    fake = FakePulumi(**{"preview-destroy": "staging-preview-destroy", "destroy": "staging-destroy"})
    assert cli(["destroy", "--stack", "staging", "--yes"], fake) == 0
    out, err = capsys.readouterr()
    preview, destroy = [args for args in fake.calls if args[0] == "destroy"]
    assert "--preview-only" in preview and {"--skip-preview", "--yes"} <= set(destroy)
    assert "deleted aws:dynamodb/table:Table users-table" in out
    assert out.rstrip().endswith("- 17 deleted") and err == ""


@pytest.mark.parametrize("command", ["up", "destroy"])
def test_up_and_destroy_need_yes_when_stdin_is_not_a_terminal(cli, capsys, command):
    fake = FakePulumi()
    assert cli([command, "--stack", "staging"], fake) == 2
    assert fake.calls == []
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "pass --yes" in err


def test_on_a_terminal_up_asks_after_the_guarded_preview(cli, capsys, monkeypatch):
    fake = FakePulumi(preview="prod-preview-update", up="prod-up-update")
    monkeypatch.setattr("sys.stdin", Terminal("n\n"))
    assert cli(["up", "--stack", "prod"], fake) == 1
    assert "Do you want to perform this update? [y/N] " in capsys.readouterr().err
    assert fake.ran("preview") is not None and fake.ran("up") is None

    monkeypatch.setattr("sys.stdin", Terminal("y\n"))
    assert cli(["up", "--stack", "prod"], fake) == 0
    assert fake.ran("up") is not None


def test_without_the_cli_one_line_says_how_to_get_it(monkeypatch, capsys, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))
    assert shutil.which("pulumi") is None
    monkeypatch.setattr(automation, "LocalWorkspace", lambda **_: pytest.fail("no workspace without a CLI"))
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    assert main(["up", "--stack", "prod", "--yes"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "https://www.pulumi.com/docs/iac/download-install/" in err
    assert "curl -fsSL https://get.pulumi.com | sh" in err and "python -m pipeline synth --stack prod" in err


def test_invalid_stack_config_is_reported_before_any_cli_call(cli, capsys, tmp_path):
    shutil.copy(ROOT / "Pulumi.yaml", tmp_path / "Pulumi.yaml")
    (tmp_path / "Pulumi.broken.yaml").write_text(
        "config:\n  aws:region: ap-southeast-1\n  koneksi-dynamodb:tables:\n    users:\n"
        "      attributes: {id: S}\n      hashKey: id\n      billingMode: ON_DEMAND\n")
    fake = FakePulumi()
    assert cli(["up", "--stack", "broken", "--yes"], fake, project_root=tmp_path) == 1
    assert fake.calls == []
    err = capsys.readouterr().err
    assert err.startswith("Pulumi.broken.yaml: 1 configuration problem\n") and "billingMode" in err


def test_a_missing_stack_is_one_line(cli, capsys):
    fake = FakePulumi(stacks=("staging",))
    assert cli(["refresh", "--stack", "prod"], fake) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "has no stack prod" in err and "pulumi stack init prod" in err


def test_refresh_shows_drift(cli, capsys):
    fake = FakePulumi(refresh="prod-refresh")
    assert cli(["refresh", "--stack", "prod"], fake) == 0
    out = capsys.readouterr().out
    assert out.splitlines() == ["updated aws:dynamodb/table:Table users-table", "~ 1 updated, 25 unchanged"]
    assert fake.ran("refresh")[:3] == ["refresh", "--skip-preview", "--yes"]


def test_the_guard_reads_one_change_per_urn_from_the_engine_steps():
    steps = [event.resource_pre_event.metadata for event in events("prod-preview-replace-users")
             if event.resource_pre_event]
    changes = automation.changes_from(steps)
    assert len(steps) == 31 and len(changes) == 29
    table = next(change for change in changes if change.urn.endswith("::users-table"))
    assert table.op == "replace" and table.replace_reasons == ["hashKey"]
    assert table.diffs == ["attributes", "hashKey"]
    assert table.old["protect"] and table.new["protect"]
    assert table.old["inputs"]["hashKey"] == "id" and table.new["inputs"]["hashKey"] == "email"
    assert "__defaults" not in table.new["inputs"]
    assert [refusal.name for refusal in refusals(changes)] == ["koneksi-prod-users"]
    assert refusals(changes, ["koneksi-prod-users"]) == []


def test_progress_on_a_terminal_is_coloured_as_pulumi_colours_it():
    stream = io.StringIO()
    progress = Progress(stream, rich=True)
    for event in events("prod-up-update"):
        progress.on_event(event)
    progress.summary(progress.current.summary.resource_changes, done=True)
    text = stream.getvalue()
    assert "\x1b[32m+ " in text and "\x1b[33m~ " in text  # green create, yellow update
    assert "koneksi-prod-users-Query-latency" in text and "created" in text


def test_an_up_whose_preview_lost_a_step_is_refused(cli, capsys, monkeypatch, tmp_path):
    """The SDK turns an event it cannot parse into a warning: the guard must not vouch for what it
    never saw."""
    lines = (EVENTS / "prod-preview-update.jsonl").read_text().splitlines()
    created = next(json.loads(line)["resourcePreEvent"]["metadata"]["urn"] for line in lines
                   if '"resourcePreEvent"' in line and json.loads(line)["resourcePreEvent"]["metadata"]["op"] == "create")
    kept = [line for line in lines if not ('"resourcePreEvent"' in line and created in line)]
    for path in EVENTS.glob("*.jsonl"):
        shutil.copy(path, tmp_path / path.name)
    (tmp_path / "lossy-preview.jsonl").write_text("\n".join(kept) + "\n")
    monkeypatch.setitem(globals(), "EVENTS", tmp_path)  # where FakePulumi reads its logs
    fake = FakePulumi(preview="lossy-preview", up="prod-up-update")
    assert cli(["up", "--stack", "prod", "--yes"], fake) == EXIT_REFUSED
    err = capsys.readouterr().err
    assert "the preview counts 4 changes, but only 3 reached the data-loss guard" in err
    assert fake.ran("up") is None


def test_an_event_this_sdk_cannot_read_is_one_line_and_a_refusal(cli, capsys, monkeypatch, tmp_path):
    """A CLI newer than the SDK may send an op the SDK's OpType lacks: its reader thread dies."""
    lines = (EVENTS / "prod-preview-update.jsonl").read_text().splitlines()
    position = next(i for i, line in enumerate(lines) if '"resourcePreEvent"' in line and '"op":"update"' in line)
    lines[position] = lines[position].replace('"op":"update"', '"op":"frobnicate"')
    for path in EVENTS.glob("*.jsonl"):
        shutil.copy(path, tmp_path / path.name)
    (tmp_path / "newer-preview.jsonl").write_text("\n".join(lines) + "\n")
    monkeypatch.setitem(globals(), "EVENTS", tmp_path)
    fake = FakePulumi(preview="newer-preview", up="prod-up-update")
    status = cli(["up", "--stack", "prod", "--yes"], fake)
    err = capsys.readouterr().err
    assert status in (EXIT_REFUSED, 1) and fake.ran("up") is None
    assert "an engine event could not be read (ValueError" in err and "Traceback" not in err
