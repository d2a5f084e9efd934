"""`python -m pipeline synth` as the contract describes it (issue 2, item 8)."""

import json
import subprocess
import sys

import pytest

from pipeline.__main__ import main
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
    assert prod_document["changeSummary"] == {"create": len(prod_document["steps"])}
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
    assert table["ignoreChanges"] == ["readCapacity", "writeCapacity"]


def test_components_are_steps_too(prod_document):
    components = [s["newState"] for s in prod_document["steps"] if not s["newState"]["custom"]]
    assert {c["type"] for c in components} == {"pulumi:pulumi:Stack", "koneksi:dynamodb:Table"}


def test_outputs_are_in_the_document(prod_document):
    assert prod_document["outputs"]["tables"]["users"]["name"] == "koneksi-prod-users"


def test_text_is_a_tree_with_a_summary(capsys):
    status, out, _ = synth(capsys, "--stack", "prod")
    assert status == 0
    lines = out.splitlines()
    assert lines[0] == "koneksi-dynamodb stack prod"
    assert any("koneksi:dynamodb:Table users" in line for line in lines)
    assert any("│   ├── aws:dynamodb/table:Table users-table  koneksi-prod-users" in line for line in lines)
    assert "protect; retainOnDelete" in out
    assert lines[-1] == ("22 resources: 1 table, 2 scaling targets, 2 scaling policies, 1 KMS key, 1 KMS alias, "
                         "1 provider, 11 alarms, 1 SNS topic, 1 dashboard, 1 table component")


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
    assert status == 1 and err.strip() == f"error: {ROOT / 'Pulumi.qa.yaml'}: no such file"


def test_commands_not_built_yet_say_so(capsys):
    assert main(["up", "--stack", "prod"]) == 2
    assert "not supported yet" in capsys.readouterr().err


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
