"""`python -m pipeline synth` as the contract describes it (issue 2, item 8)."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from components.table import RESTORE_INPUTS
from pipeline.__main__ import cli, main
from tests.conftest import ROOT


def synth(capsys, *args):
    status = main(["synth", *args])
    out, err = capsys.readouterr()
    return status, out, err


@pytest.fixture(scope="module")
def prod_document():
    result = subprocess.run([sys.executable, "-m", "pipeline", "synth", "--stack", "prod", "--json"],
                            cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_json_is_shaped_like_pulumi_preview(prod_document):
    assert set(prod_document) == {"stack", "config", "steps", "diagnostics", "changeSummary", "outputs"}
    assert prod_document["stack"] == "prod"
    assert prod_document["config"]["aws:region"] == "ap-southeast-1"
    assert prod_document["changeSummary"] == {"create": len(prod_document["steps"])}  # nothing imported
    for step in prod_document["steps"]:
        assert step["op"] == "create" and step["urn"] == step["newState"]["urn"]
        assert {"type", "urn", "custom", "inputs", "protect", "retainOnDelete", "ignoreChanges",
                "dependencies"} <= set(step["newState"])


def test_json_shows_the_prod_users_table_as_deployed(prod_document):
    [table] = [s["newState"] for s in prod_document["steps"] if s["newState"]["type"] == "aws:dynamodb/table:Table"]
    assert table["urn"] == "urn:pulumi:prod::koneksi-dynamodb::koneksi:dynamodb:Table$aws:dynamodb/table:Table::users-table"
    assert table["parent"] == "urn:pulumi:prod::koneksi-dynamodb::koneksi:dynamodb:Table::users"
    assert table["inputs"]["name"] == "koneksi-prod-users"
    assert table["inputs"]["deletionProtectionEnabled"] is True
    assert (table["protect"], table["retainOnDelete"]) == (True, True)
    assert table["ignoreChanges"] == ["readCapacity", "writeCapacity", *RESTORE_INPUTS]


def test_components_are_steps_too(prod_document):
    components = [s["newState"] for s in prod_document["steps"] if not s["newState"]["custom"]]
    assert {c["type"] for c in components} == {"pulumi:pulumi:Stack", "koneksi:dynamodb:Table"}


def test_outputs_are_in_the_document(prod_document):
    assert prod_document["outputs"]["tables"]["users"]["name"] == "koneksi-prod-users"


def test_text_is_a_tree_with_a_summary(capsys):
    status, out, _ = synth(capsys, "--stack", "prod")
    assert status == 0
    lines = out.splitlines()
    assert lines[0].startswith("Plan of stack prod")
    assert "+ ├─ koneksi:dynamodb:Table users" in lines
    assert any(line.startswith("+ │  ├─ aws:dynamodb/table:Table users-table  (protect; retainOnDelete") for line in lines)
    assert "name koneksi-prod-users" in out
    summary = out[out.index("Resources:"):].split()
    assert " ".join(summary) == (
        "Resources: + 29 to create 1 table, 2 scaling targets, 2 scaling policies, 1 KMS key, 1 KMS alias, 1 provider, "
        "11 alarms, 1 SNS topic, 1 dashboard, 1 backup vault, 1 backup plan, 1 backup selection, 1 IAM role, "
        "2 role policy attachments, 1 table component")


def test_the_plan_is_the_same_on_every_run(capsys):
    runs = [synth(capsys, "--stack", "prod", "--json")[1] for _ in range(3)]
    assert runs[0] == runs[1] == runs[2]


def test_config_flag_reads_another_stack_file(capsys):
    status, out, _ = synth(capsys, "--stack", "staging", "--config", str(ROOT / "examples" / "events.yaml"))
    assert status == 0 and "koneksi-staging-events" in out


def test_output_flag_writes_the_document_to_a_file(capsys, tmp_path):
    target = tmp_path / "plan.json"
    status, out, _ = synth(capsys, "--stack", "uat", "--json", "--output", str(target))
    assert status == 0 and out == ""
    assert json.loads(target.read_text())["stack"] == "uat"


def test_invalid_config_exits_non_zero_naming_file_and_key(capsys, tmp_path):
    broken = tmp_path / "broken.yaml"
    broken.write_text("config:\n  aws:region: ap-southeast-1\n  koneksi-dynamodb:tables:\n"
                      "    users: {attributes: {id: S}, hashKey: id, billingMode: PROVISIONED}\n")
    status, out, err = synth(capsys, "--stack", "prod", "--config", str(broken))
    assert status == 1 and out == ""
    assert f"{broken}: koneksi-dynamodb:tables.users.capacity: billingMode PROVISIONED needs capacity" in err


def test_missing_stack_file_is_one_clear_line(capsys):
    status, _, err = synth(capsys, "--stack", "qa")
    assert status == 1 and err.startswith(f"error: {ROOT / 'Pulumi.qa.yaml'}: no such file. Fix: ")
    assert err.count("\n") == 1


def test_no_traceback_reaches_the_user(tmp_path):
    broken = tmp_path / "Pulumi.prod.yaml"
    broken.write_text("config:\n  aws:region: ap-southeast-1\n  koneksi-dynamodb:tables: [users]\n")
    result = subprocess.run([sys.executable, "-m", "pipeline", "synth", "--stack", "prod", "--config", str(broken)],
                            cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "koneksi-dynamodb:tables: expected a map of keys, got a list" in result.stderr


def test_secrets_are_never_printed(capsys, tmp_path):
    stack_file = tmp_path / "Pulumi.staging.yaml"
    stack_file.write_text((ROOT / "Pulumi.staging.yaml").read_text()
                          + "  koneksi-dynamodb:token:\n    secure: v1:c2VjcmV0LXZhbHVl\n")
    status, out, err = synth(capsys, "--stack", "staging", "--config", str(stack_file), "--json")
    assert "c2VjcmV0LXZhbHVl" not in out + err
    assert status == 1 and "koneksi-dynamodb:token: unknown key" in err


# The stack file as the Pulumi CLI reads it: its problems and the config's, in one block

STAGING = (ROOT / "Pulumi.staging.yaml").read_text()


def test_file_and_config_problems_are_one_block_file_problems_first(capsys, tmp_path):
    broken = tmp_path / "Pulumi.prod.yaml"
    broken.write_text("config:\n"
                      "  aws:region: ap-southeast-1\n"
                      "  koneksi-dynamodb:tables:\n"
                      "    users: {attributes: {id: S}, hashKey: id, billingMode: PROVISIONED}\n"
                      "  alarms: {level: basic}\n"
                      "  aws:region: ap-southeast-1\n")
    status, out, err = synth(capsys, "--stack", "prod", "--config", str(broken))
    assert status == 1 and out == ""
    heading, *problems = err.splitlines()
    assert heading == f"{broken}: {len(problems)} configuration problems"
    assert problems[:2] == [
        f"  {broken}:5: alarms: configuration keys should be of the form `<namespace>:<name>`. "
        "Fix: write it as `koneksi-dynamodb:alarms`",
        f"  {broken}:6: aws:region: duplicate key (first at line 2). Fix: keep one of them",
    ]
    assert any(line.startswith(f"  {broken}: koneksi-dynamodb:tables.users.capacity: ") for line in problems[2:])


def test_file_problems_fail_the_command_even_when_the_config_is_valid(capsys, tmp_path):
    stack_file = tmp_path / "Pulumi.staging.yaml"
    stack_file.write_text(STAGING + "  aws:region: ap-southeast-1\n")
    status, out, err = synth(capsys, "--stack", "staging", "--config", str(stack_file))
    assert status == 1 and out == ""
    assert err.splitlines() == [
        f"{stack_file}: 1 configuration problem",
        f"  {stack_file}:10: aws:region: duplicate key (first at line 2). Fix: keep one of them",
    ]


def test_a_stack_file_that_is_not_utf8_is_one_line(capsys, tmp_path):
    stack_file = tmp_path / "Pulumi.staging.yaml"
    stack_file.write_bytes(STAGING.encode() + b"  koneksi-dynamodb:tags: {Owner: Jos\xe9}\n")
    status, out, err = synth(capsys, "--stack", "staging", "--config", str(stack_file))
    assert status == 1 and out == ""
    assert err.startswith(f"error: {stack_file}:10: not UTF-8 text") and err.count("\n") == 1


def test_a_nested_secure_value_is_never_printed(capsys, tmp_path):
    stack_file = tmp_path / "Pulumi.staging.yaml"
    stack_file.write_text(STAGING + "  koneksi-dynamodb:alarms:\n    email:\n      secure: v1:bmVzdGVkLXNlY3JldA==\n")
    status, out, err = synth(capsys, "--stack", "staging", "--config", str(stack_file), "--json")
    assert status == 0 and "bmVzdGVkLXNlY3JldA" not in out + err
    document = json.loads(out)
    assert json.loads(document["config"]["koneksi-dynamodb:alarms"]) == {"email": "[secret]"}


# --output

def test_output_that_cannot_be_written_is_one_line(capsys, tmp_path):
    if os.geteuid() == 0:  # root may write anywhere but on a filesystem that refuses it
        no_permission = Path("/sys/plan.json")
    else:
        locked = tmp_path / "locked"
        locked.mkdir()
        locked.chmod(0o500)
        no_permission = locked / "plan.json"
    cases = [(tmp_path / "missing" / "plan.json", "no directory"), (tmp_path, "it is a directory"),
             (no_permission, "permission denied")]
    for target, says in cases:
        status, out, err = synth(capsys, "--stack", "staging", "--json", "--output", str(target))
        assert status == 1 and out == ""
        assert err.startswith(f"error: cannot write --output {target}: {says}") and err.count("\n") == 1
        assert not (target.exists() and target.is_file())


@pytest.mark.parametrize("name", ["Pulumi.staging.yaml", "Pulumi.yaml", "Pulumi.prod.yaml", "Pulumi.newstack.yaml"])
def test_output_never_overwrites_a_project_or_stack_file(capsys, name, tmp_path, monkeypatch):
    project = tmp_path / "project"  # a copy, so that a regression cannot clobber the real files
    project.mkdir()
    for existing in ("Pulumi.yaml", "Pulumi.staging.yaml", "Pulumi.prod.yaml"):
        shutil.copy(ROOT / existing, project / existing)
    monkeypatch.setattr("pipeline.__main__.PROJECT_ROOT", project)
    monkeypatch.chdir(tmp_path)  # a relative path that resolves into the project root
    target = project / name
    before = target.read_bytes() if target.exists() else None
    status, out, err = synth(capsys, "--stack", "staging", "--json", "--output", os.path.join("project", ".", name))
    assert status == 2 and out == "" and err.count("\n") == 1 and "never writes over it" in err
    assert (target.read_bytes() if target.exists() else None) == before


def test_output_never_overwrites_the_stack_file_being_read(capsys, tmp_path):
    stack_file = tmp_path / "mine.yaml"
    stack_file.write_text(STAGING)
    (tmp_path / "link.yaml").symlink_to(stack_file)
    status, _, err = synth(capsys, "--stack", "staging", "--config", str(stack_file),
                           "--output", str(tmp_path / "link.yaml"))
    assert status == 2 and "is the stack file being read" in err
    assert stack_file.read_text() == STAGING


# Outside the venv, and failures nobody expected

BARE_PYTHON = [getattr(sys, "_base_executable", sys.executable), "-S"]  # no site-packages: no dependencies


def run_bare(args, cwd):
    env = {key: value for key, value in os.environ.items() if not key.startswith("PYTHON")}
    return subprocess.run([*BARE_PYTHON, "-m", "pipeline", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=120)


def test_a_python_without_the_dependencies_reruns_with_the_venv():
    if not (ROOT / "venv" / "bin" / "python").exists():
        pytest.skip("no venv/ in the project root")
    result = run_bare(["synth", "--stack", "qa"], ROOT)
    # Reaching the stack file means the program's imports worked: it ran in venv/.
    assert result.returncode == 1, result.stderr
    assert result.stderr.startswith(f"error: {ROOT / 'Pulumi.qa.yaml'}: no such file")


def test_without_a_venv_one_line_says_how_to_get_one(tmp_path):
    project = tmp_path / "project"
    shutil.copytree(ROOT / "pipeline", project / "pipeline", ignore=shutil.ignore_patterns("__pycache__"))
    result = run_bare(["synth", "--stack", "prod", "--json"], project)
    assert result.returncode == 2 and result.stdout == ""
    [line] = result.stderr.splitlines()
    assert "run `make synth STACK=prod` once (it creates venv/)" in line
    assert "`venv/bin/python -m pipeline synth --stack prod --json`" in line

    # A venv/ without the packages: one line again, and no endless re-running.
    subprocess.run([*BARE_PYTHON[:1], "-m", "venv", "--without-pip", str(project / "venv")], check=True, timeout=60)
    result = run_bare(["synth", "--stack", "prod"], project)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    [line] = result.stderr.splitlines()
    assert f"{project / 'venv'} lacks pulumi" in line and "make synth STACK=prod" in line


def test_an_unexpected_failure_is_one_line_and_exit_3(capsys, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("mock runtime fell over\nsecond line")

    monkeypatch.setattr("pipeline.synth.synthesize", broken)
    assert cli(["synth", "--stack", "staging"]) == 3
    out, err = capsys.readouterr()
    assert out == "" and err == ("error: RuntimeError: mock runtime fell over second line (this is a bug: please "
                                 "report it with the command you ran)\n")
    with pytest.raises(RuntimeError):  # only the command line hides it: tests still see the failure
        main(["synth", "--stack", "staging"])


HEADER = "config:\n  aws:region: ap-southeast-1\n"
USERS_TABLE = "  koneksi-dynamodb:tables:\n    users: {attributes: {id: S}, hashKey: id}\n"


@pytest.mark.parametrize("body, status, says", [
    ("  koneksi-dynamodb:tables:\n    my table: {attributes: {id: S}, hashKey: id}\n", 1,
     "koneksi-dynamodb:tables.my table: 'my table' is not a valid table key"),
    (USERS_TABLE + "  koneksi-dynamodb:my key: 1\n", 1, "koneksi-dynamodb:my key: unknown key"),
    (USERS_TABLE + "  koneksi-dynamodb:alarms: {latencyMs: .inf}\n", 1,
     "koneksi-dynamodb:alarms.latencyMs: inf is not a finite number"),
    (USERS_TABLE + "  koneksi-dynamodb:alarms: {readThrottleEvents: .nan}\n", 1, "readThrottleEvents"),
    (USERS_TABLE + "  koneksi-dynamodb:tags: {Since: 2024-01-01}\n", 0, ""),
    (USERS_TABLE + "  koneksi-dynamodb:alarms: {latencyMs: {secure: v1:c2VjcmV0}}\n", 1,
     "koneksi-dynamodb:alarms.latencyMs: is a secret, which synth cannot decrypt"),
])
def test_inputs_that_once_crashed_get_an_answer(capsys, tmp_path, body, status, says):
    stack_file = tmp_path / "Pulumi.staging.yaml"
    stack_file.write_text(HEADER + body)
    assert main(["synth", "--stack", "staging", "--config", str(stack_file)]) == status
    err = capsys.readouterr().err
    assert says in err and "Traceback" not in err


def test_a_run_closes_every_event_loop_it_opened(monkeypatch):
    """A loop left open is closed by the garbage collector at exit, after its sockets: that printed
    `Exception ignored in: BaseEventLoop.__del__` in about one run in twenty."""
    import asyncio

    from tests.conftest import USERS, synth_tables
    opened = []
    original = asyncio.BaseEventLoop.__init__

    def tracking(self, *args, **kwargs):
        original(self, *args, **kwargs)
        opened.append(self)
    monkeypatch.setattr(asyncio.BaseEventLoop, "__init__", tracking)
    synth_tables({"users": USERS})
    assert len(opened) >= 2 and all(loop.is_closed() for loop in opened)


def test_advisory_policy_violations_are_warnings_of_their_resource(capsys):
    status, out, _ = synth(capsys, "--stack", "staging", "--json")
    assert status == 0
    [warning] = [d for d in json.loads(out)["diagnostics"] if d["message"].startswith("DynamoDB.6:")]
    assert warning["severity"] == "warning"
    assert warning["urn"].endswith("koneksi:dynamodb:Table$aws:dynamodb/table:Table::users-table")


def test_a_mandatory_policy_violation_is_an_error_and_fails_synth(capsys):
    """orders.yaml gives a GSI fixed capacity: fine in staging (advisory), not in prod."""
    status, out, err = synth(capsys, "--stack", "prod", "--config", str(ROOT / "examples" / "orders.yaml"), "--json")
    assert status == 1
    [error] = [d for d in json.loads(out)["diagnostics"] if d["severity"] == "error"]
    assert error["message"].startswith("DynamoDB.1: table koneksi-prod-orders")
    assert err.startswith("examples/orders.yaml: 1 mandatory policy violated") or "1 mandatory policy violated" in err
    assert "index StatusIndex read" in err
