"""Inputs a hunt for bad inputs found mishandled (issue 8): each is now refused with its key path
and a fix, or accepted and handled, and never ends in a traceback."""

import copy
import json

import pytest

from pipeline.__main__ import main
from pipeline.adopt import adopt
from pipeline.mock_engine import run_program
from pipeline.stack_files import StackSettings
from pipeline.terraform_state import AdoptError, read_state
from pipeline.text import render
from tests.conftest import PROJECT, ROOT, USERS, parse, problems, settings_for
from tests.test_adopt import STATE, state_resources, table_of

SECRET = "[secret]"  # what the stack file reader hands over for a `secure:` value


def test_a_secret_in_the_tables_or_tags_is_drawn_not_a_crash():
    """A secret anywhere in a structured value makes the whole input a secret (the dashboard
    body, the provider's default tags): the text names it so rather than parsing it."""
    settings = settings_for({"users": {**USERS, "encryption": SECRET}}, tags={"Team": SECRET})
    secret = StackSettings(values=settings.values, secret_keys=[f"{PROJECT}:tables", f"{PROJECT}:tags"])
    text = render(run_program(ROOT, PROJECT, "staging", secret), color=False)
    assert "body [secret]" in text and "default tags [secret]" in text


@pytest.mark.parametrize("tables, stack_keys, path, words", [
    ({"users": {**USERS, "hash_key": "id"}}, {}, ("tables", "users", "hash_key"), "did you mean 'hashKey'"),
    ({"users": USERS}, {"compliance": ["fedramp-high"]}, ("compliance",), "is not allowed"),
    ({"users": {**USERS, "restore": None}}, {}, ("tables", "users", "restore"), "written without a value"),
    ({"users": {**USERS, "restore": {"sourceName": "koneksi-prod-users",
                                     "pointInTime": "2026-11-20T12:00:00+00:99"}}}, {},
     ("tables", "users", "restore", "pointInTime"), "not an RFC 3339 time"),
    ({"users": {**USERS, "restore": {"sourceTableArn": "arn:aws:dynamodb:us-gov-west-1:123456789012:table/users",
                                     "latest": True}}}, {},
     ("tables", "users", "restore", "sourceTableArn"), "partition aws-us-gov, but the ARN says aws"),
    ({"users": {**USERS, "restore": {"sourceTableArn": "arn:aws:dynamodb:xx-fake-9:123456789012:table/users",
                                     "latest": True}}}, {},
     ("tables", "users", "restore", "sourceTableArn"), "which AWS does not have"),
    ({"users": {**USERS, "restore": {"sourceTableArn": "arn:aws:dynamodb:ap-southeast-1:１２３４５６７８９０１２:"
                                                       "table/users", "latest": True}}}, {},
     ("tables", "users", "restore", "sourceTableArn"), "is not a DynamoDB table ARN"),
    ({"users": {**USERS, "restore": {"sourceName": "koneksi-staging-users", "latest": True}}}, {},
     ("tables", "users", "restore", "sourceName"), "restored from itself"),
    ({"users": {**USERS, "replicas": ["cn-north-1"]}}, {}, ("tables", "users", "replicas", 0),
     "a global table stays within its partition"),
    ({"users": {**USERS, "replicas": [SECRET]}}, {}, ("tables", "users", "replicas", 0), "names resources"),
    ({"users": USERS}, {"backup": {"copyToRegion": "us-gov-west-1"}}, ("backup", "copyToRegion"),
     "AWS Backup copies within a partition"),
    ({"users": USERS}, {"backup": {"rules": [{"name": "d", "schedule": "cron(0 5 ? 13 * *)", "retentionDays": 30}]}},
     ("backup", "rules", 0, "schedule"), "outside the month 1-12"),
    ({"users": USERS}, {"backup": {"rules": [{"name": "d", "schedule": "cron(0 */0 ? * * *)", "retentionDays": 30}]}},
     ("backup", "rules", 0, "schedule"), "never advances"),
    ({"users": USERS}, {"backup": True}, ("backup",), "what leaving `backup` out means"),
])
def test_refused_with_path_and_fix(tables, stack_keys, path, words):
    found = problems(tables, **stack_keys)
    matching = [p for p in found if p.path == path]
    assert matching and words in f"{matching[0].reason} {matching[0].fix}" and matching[0].fix, found


def test_a_broken_restore_hides_none_of_the_tables_other_problems():
    """The rules that only need `restore` to be there run while its value is wrong."""
    table = {**USERS, "import": True, "billingMode": "PROVISIONED",
             "capacity": {"read": {"min": 1, "max": 10}, "write": 1},
             "globalSecondaryIndexes": {"ByName": {"hashKey": "name"}},
             "restore": {"sourceName": "koneksi-prod-users", "pointInTime": "yesterday"}}
    paths = {p.path for p in problems({"users": table})}
    assert paths == {("tables", "users", "restore", "pointInTime"), ("tables", "users", "restore"),
                     ("tables", "users", "globalSecondaryIndexes", "ByName")}


def test_a_secret_point_in_time_is_left_to_pulumi_up():
    parse({"users": {**USERS, "restore": {"sourceName": "koneksi-prod-users", "pointInTime": SECRET}}})


def test_each_imported_tables_warning_names_its_key():
    imported = {**USERS, "import": True, "deletionProtection": False}
    warnings = parse({"users": imported, "orders": imported}, stack="prod").warnings
    assert [w.split(":", 2)[1] for w in warnings if "an imported table" in w] == \
        ["tables.users.deletionProtection", "tables.orders.deletionProtection"]


@pytest.mark.parametrize("change, words", [
    (lambda t: t["attributes"].pop("hash_key"), "no 'hash_key'"),
    (lambda t: t["attributes"].update(attribute={"id": "S"}), "TypeError"),
    (lambda t: t["attributes"].update(ttl=[None], point_in_time_recovery=[None]), "AttributeError"),
    (lambda t: t["attributes"].update(tags_all=["a"]), "AttributeError"),
    (lambda t: t["attributes"]["replica"].append({"kms_key_arn": ""}), "no 'region_name'"),
])
def test_a_table_terraform_would_not_write_is_left_with_the_reason(change, words):
    resources = state_resources()
    table = table_of(resources)
    table["attributes"]["replica"] = []
    change(table)
    adoption = adopt(resources, "staging")
    assert adoption.tables == {} and adoption.handed_over == []
    [reason] = [line for line in adoption.left if line.startswith("module.users.aws_dynamodb_table.this")]
    assert "not as terraform-provider-aws writes a table" in reason and words in reason


@pytest.mark.parametrize("content, words", [
    ("[]", "a JSON list, not an object"),
    (json.dumps({"version": 5, "resources": []}), "newer than adopt knows"),
    (json.dumps({"version": "4", "resources": []}), "version '4'"),
    (json.dumps({"version": 4, "resources": {"a": 1}}), "`resources` is not a list"),
    (json.dumps({"version": 4, "resources": [{"mode": "managed", "type": "t", "name": "n", "instances": None}]}),
     "without the type, name or instances"),
    (json.dumps({"version": 4, "resources": [{"mode": "managed", "type": "t", "name": "n",
                                              "instances": [{"attributes_flat": {}}]}]}), "no `attributes` object"),
    ("[" * 100000 + "]" * 100000, "nested too deeply"),
    ('{"version": 4, "n": ' + "9" * 5000 + "}", "not a Terraform state"),
])
def test_a_file_terraform_would_not_write_is_refused_in_one_line(tmp_path, content, words):
    state = tmp_path / "terraform.tfstate"
    state.write_text(content)
    with pytest.raises(AdoptError, match="Fix:") as raised:
        read_state(state)
    assert words in str(raised.value)


def test_a_byte_order_mark_is_no_reason_to_refuse_a_state(tmp_path):
    state = tmp_path / "terraform.tfstate"
    state.write_bytes(b"\xef\xbb\xbf" + STATE.read_bytes())
    assert read_state(state) == read_state(STATE)


def test_a_device_or_directory_is_no_state(tmp_path):
    with pytest.raises(AdoptError, match="not a file"):
        read_state(tmp_path)


def test_one_name_twice_in_a_region_is_left_not_guessed():
    resources = state_resources()
    twin = copy.deepcopy(table_of(resources))
    twin["address"] = "module.other.aws_dynamodb_table.this"
    adoption = adopt([*resources, twin], "staging")
    assert adoption.tables == {}
    assert all("2 tables named 'koneksi-staging-users'" in line for line in adoption.left
               if ".aws_dynamodb_table." in line)


def test_a_strongly_consistent_global_table_stays_with_terraform():
    resources = state_resources()
    table_of(resources)["attributes"]["replica"] = [{"region_name": "us-east-2", "consistency_mode": "STRONG"}]
    adoption = adopt(resources, "staging")
    assert adoption.tables == {} and any("multi-Region strong consistency" in line for line in adoption.left)


def test_a_second_tracking_policy_on_one_target_is_named():
    resources = state_resources()
    second = copy.deepcopy(next(r for r in resources if r["address"] == "module.users.aws_appautoscaling_policy."
                                                                         "table_read"))
    second["address"], second["attributes"]["name"] = "aws_appautoscaling_policy.extra", "extra"
    adoption = adopt([*resources, second], "staging")
    assert any(line.startswith("aws_appautoscaling_policy.extra: a second target-tracking policy") for line in
               adoption.left)
    assert "aws_appautoscaling_policy.extra" not in adoption.handed_over


def test_a_directory_as_output_is_named_so(capsys, tmp_path):
    assert main(["adopt", "--from-terraform", str(STATE), "--stack", "staging", "--output", str(tmp_path)]) == 2
    assert "is a directory" in capsys.readouterr().err
