"""`python -m pipeline adopt --from-terraform STATE --stack NAME` (issue 8, item 6): a Terraform
state of the users table becomes a stack config whose synth imports the table and its index and
creates no table. The fixture is a version-4 state as Terraform 1.9 with the AWS provider writes
it: a module's table with a GSI, TTL, tags and target-tracking auto-scaling, a table item, an
IAM role and a data source."""

import copy
import json
from pathlib import Path

import pytest
import yaml

from components.config.reader import parse_stack_config
from pipeline.__main__ import main
from pipeline.adopt import adopt
from pipeline.stack_files import read_stack_file
from pipeline.synth import preview_document, synthesize
from pipeline.terraform_state import AdoptError, read_state
from tests.conftest import GSI, POLICY, ROOT, TABLE, TARGET, named

STATE = ROOT / "tests" / "fixtures" / "terraform-users.tfstate"
KEY = "arn:aws:kms:ap-southeast-1:123456789012:key/5b7e0c1d-2f3a-4b5c-8d9e-0f1a2b3c4d5e"
REPLICA_KEY = "arn:aws:kms:ap-southeast-2:123456789012:key/0c1d2f3a-5b7e-4b5c-8d9e-0f1a2b3c4d5e"


def state_resources() -> list[dict]:
    return read_state(STATE)


def table_of(resources: list[dict]) -> dict:
    return next(r for r in resources if r["type"] == "aws_dynamodb_table")


def run(capsys, *args):
    status = main(["adopt", *args])
    out, err = capsys.readouterr()
    return status, out, err


@pytest.fixture(scope="module")
def adopted_file(tmp_path_factory):
    output = tmp_path_factory.mktemp("adopt") / "Pulumi.staging.yaml"
    assert main(["adopt", "--from-terraform", str(STATE), "--stack", "staging", "--output", str(output)]) == 0
    return output


@pytest.fixture(scope="module")
def adopted_plan(adopted_file):
    return synthesize(ROOT, "staging", read_stack_file(adopted_file))


def test_the_state_is_read_with_addresses_and_without_data_sources():
    addresses = [r["address"] for r in state_resources()]
    assert "module.users.aws_dynamodb_table.this" in addresses
    assert 'module.users.aws_appautoscaling_target.index_read["EmailIndex"]' in addresses
    assert not any("aws_caller_identity" in a for a in addresses)


def test_the_users_table_becomes_an_imported_table_with_its_live_settings(adopted_file):
    config = yaml.safe_load(adopted_file.read_text())["config"]
    assert config["aws:region"] == "ap-southeast-1"
    assert config["koneksi-dynamodb:tags"] == {"CostCenter": "cc-114", "Team": "identity"}
    users = config["koneksi-dynamodb:tables"]["users"]
    assert "name" not in users  # koneksi-staging-users is the name the stack derives
    assert users["import"] is True
    assert users["attributes"] == {"email": "S", "id": "S"} and users["hashKey"] == "id"
    assert users["billingMode"] == "PROVISIONED"
    assert users["capacity"] == {
        "read": {"min": 5, "max": 100, "targetUtilization": 70, "scaleInCooldown": 60, "scaleOutCooldown": 60,
                 "policyName": "DynamoDBReadCapacityUtilization:table/koneksi-staging-users"},
        "write": {"min": 5, "max": 50, "targetUtilization": 70,
                  "policyName": "DynamoDBWriteCapacityUtilization:table/koneksi-staging-users"}}
    index = users["globalSecondaryIndexes"]["EmailIndex"]
    assert index["hashKey"] == "email" and index["projection"] == "ALL"
    assert index["capacity"]["read"]["policyName"] == \
        "DynamoDBReadCapacityUtilization:table/koneksi-staging-users/index/EmailIndex"
    assert users["ttlAttribute"] == "expiresAt"
    assert users["pointInTimeRecovery"] is True and users["deletionProtection"] is False
    assert users["encryption"] == "AWS_MANAGED"  # the provider empties the AWS managed key's ARN


def test_synth_of_the_adopted_config_imports_the_table_and_its_index_and_creates_no_table(adopted_plan):
    table = named(adopted_plan, TABLE, "users-table")
    index = named(adopted_plan, GSI, "users-EmailIndex-index")
    ops = {step["urn"]: step["op"] for step in adopted_plan.steps}
    assert (ops[table["urn"]], table["importID"]) == ("import", "koneksi-staging-users")
    assert (ops[index["urn"]], index["importID"]) == ("import", "koneksi-staging-users,EmailIndex")
    scaling = [*adopted_plan.resources(TARGET), *adopted_plan.resources(POLICY)]
    assert len(scaling) == 8 and all(ops[r["urn"]] == "import" for r in scaling)
    assert {r["inputs"]["name"] for r in adopted_plan.resources(POLICY)} == {
        f"DynamoDB{side}CapacityUtilization:table/koneksi-staging-users{index}"
        for side in ("Read", "Write") for index in ("", "/index/EmailIndex")}
    created = [s["newState"]["type"] for s in adopted_plan.steps if s["op"] == "create"]
    assert TABLE not in created and GSI not in created
    summary = preview_document(adopted_plan, read_stack_file(ROOT / "Pulumi.staging.yaml"))["changeSummary"]
    assert summary["import"] == 10


def test_the_imported_table_keeps_its_live_inputs(adopted_plan):
    """What the import compares with the live table: the same keys, capacity and settings."""
    inputs = named(adopted_plan, TABLE, "users-table")["inputs"]
    assert inputs["billingMode"] == "PROVISIONED" and (inputs["readCapacity"], inputs["writeCapacity"]) == (5, 5)
    assert inputs["serverSideEncryption"] == {"enabled": True}
    assert inputs["ttl"] == {"attributeName": "expiresAt", "enabled": True}
    assert inputs["deletionProtectionEnabled"] is False


def test_what_cannot_be_mapped_is_named_with_the_reason(capsys, tmp_path):
    status, out, err = run(capsys, "--from-terraform", str(STATE), "--stack", "staging",
                           "--output", str(tmp_path / "adopted.yaml"))
    assert status == 0 and err == ""
    assert "check before" not in out  # nothing needs a second look
    assert "wrote" in out and "users" in out
    assert "module.users.aws_dynamodb_table_item.admin: a table item: it stays in the table" in out
    assert "aws_iam_role.users_service: not a DynamoDB table or its auto-scaling" in out
    assert "aws_appautoscaling" not in out.split("terraform state rm")[0]  # every target and policy was mapped
    command = out.split("  terraform state rm ", 1)[1].splitlines()[0]
    assert command.split(" ")[0] == "module.users.aws_dynamodb_table.this"
    assert "'module.users.aws_appautoscaling_policy.index_read[\"EmailIndex\"]'" in command
    assert "module.users.aws_dynamodb_table_item.admin" in command  # the item goes with its table
    assert "aws_iam_role" not in command


def test_an_existing_stack_file_is_never_written_over(capsys, tmp_path):
    existing = tmp_path / "Pulumi.staging.yaml"
    existing.write_text("config: {}\n")
    status, _, err = run(capsys, "--from-terraform", str(STATE), "--stack", "staging", "--output", str(existing))
    assert status == 2 and "adopt never writes over a file" in err and "--output" in err
    assert existing.read_text() == "config: {}\n"
    status, _, err = run(capsys, "--from-terraform", str(STATE), "--stack", "staging")  # the repo's staging file
    assert status == 2 and "Pulumi.staging.yaml exists" in err


@pytest.mark.parametrize("content, message", [
    (None, "no such file"),
    ("not json", "not a Terraform state"),
    (json.dumps({"version": 3, "modules": []}), "state format version 3; adopt reads version 4"),
    (json.dumps({"version": 4, "resources": []}), "holds no aws_dynamodb_table to adopt; nothing written"),
])
def test_a_state_that_cannot_be_adopted_is_refused_and_nothing_is_written(capsys, tmp_path, content, message):
    state = tmp_path / "terraform.tfstate"
    if content is not None:
        state.write_text(content)
    output = tmp_path / "adopted.yaml"
    status, _, err = run(capsys, "--from-terraform", str(state), "--stack", "staging", "--output", str(output))
    assert status == 1 and message in err and "Traceback" not in err
    assert "Fix:" in err
    assert not output.exists()


@pytest.mark.parametrize("other", ["users", "koneksi-staging-users-2"])
def test_a_table_whose_key_is_taken_keeps_its_physical_name(other):
    """`users` is the key of koneksi-staging-users; a table named `users` must not become
    koneksi-staging-users' twin, nor lose its own name."""
    resources = state_resources()
    twin = copy.deepcopy(table_of(resources))
    twin["attributes"]["name"], twin["address"] = other, "aws_dynamodb_table.twin"
    for order in ([*resources, twin], [twin, *resources]):
        adoption = adopt(order, "staging")
        config = parse_adopted(adoption)
        assert sorted(config.physical_name(key, table) for key, table in config.tables.items()) == \
            sorted(["koneksi-staging-users", other])


def parse_adopted(adoption):
    document = adoption.stack_document("koneksi-dynamodb", "koneksi")["config"]
    return parse_stack_config({key: json.dumps(value) if not isinstance(value, str) else value
                               for key, value in document.items()}, "staging", "adopted.yaml")


def test_an_lsis_attributes_keep_their_order():
    """On the table an LSI's non-key attributes are an ordered list that forces a new table."""
    resources = state_resources()
    table_of(resources)["attributes"].update(range_key="email", local_secondary_index=[
        {"name": "ByEmail", "range_key": "email", "projection_type": "INCLUDE", "non_key_attributes": ["z", "a"]}])
    adoption = adopt(resources, "staging")
    assert adoption.tables["users"]["localSecondaryIndexes"]["ByEmail"]["projection"] == ["z", "a"]


def test_what_the_program_would_change_is_named_before_the_first_up():
    resources = state_resources()
    for resource in resources:
        if resource["address"] == "module.users.aws_appautoscaling_target.table_write":
            resource["type"] = "aws_s3_bucket"  # no target scales the table's writes
    table_of(resources)["attributes"]["replica"] = [
        {"region_name": "us-west-2", "kms_key_arn": "", "deletion_protection_enabled": True}]
    table_of(resources)["attributes"]["server_side_encryption"] = [{"enabled": True, "kms_key_arn": KEY}]
    notes = adopt(resources, "staging").notes
    assert any("dynamodb:table:WriteCapacityUnits is adopted as fixed capacity (5 units)" in n for n in notes)
    assert any("replica in us-west-2 has deletion protection on, the table off" in n for n in notes)
    assert any(f"encrypted with {KEY}, a key this state does not manage" in n for n in notes)


def test_a_name_outside_the_naming_scheme_is_kept_as_the_tables_name():
    resources = state_resources()
    legacy = copy.deepcopy(table_of(resources))
    legacy["attributes"]["name"] = "UsersLegacy"
    legacy["address"] = "aws_dynamodb_table.legacy"
    adoption = adopt([*resources, legacy], "staging")
    assert adoption.tables["UsersLegacy"]["name"] == "UsersLegacy"
    assert "name" not in adoption.tables["users"]


def test_another_project_prefix_is_written_as_the_stacks_project():
    adoption = adopt(state_resources(), "staging", project="acme")
    assert adoption.tables["koneksi-staging-users"]["name"] == "koneksi-staging-users"
    assert adoption.stack_document("koneksi-dynamodb", "acme")["config"]["koneksi-dynamodb:project"] == "acme"


def test_a_table_in_another_region_is_left_with_the_reason():
    resources = state_resources()
    other = copy.deepcopy(table_of(resources))
    other["attributes"].update(name="koneksi-staging-audit", region="eu-west-1",
                               arn="arn:aws:dynamodb:eu-west-1:123456789012:table/koneksi-staging-audit")
    other["address"] = "aws_dynamodb_table.audit"
    adoption = adopt([*resources, other], "staging")
    assert list(adoption.tables) == ["users"]
    assert any(line.startswith("aws_dynamodb_table.audit: in eu-west-1") for line in adoption.left)


def test_tags_on_some_tables_only_are_named():
    resources = state_resources()
    orders = copy.deepcopy(table_of(resources))
    orders["attributes"].update(name="koneksi-staging-orders", tags_all={"Team": "payments", "Project": "legacy"})
    orders["address"] = "aws_dynamodb_table.orders"
    adoption = adopt([*resources, orders], "staging")
    assert adoption.tags == {}
    assert any("Team=identity" in note and "this table only" in note for note in adoption.notes)
    assert any("Project=legacy becomes Project=koneksi" in note for note in adoption.notes)


def test_a_step_scaling_policy_leaves_the_capacity_fixed_with_a_note():
    resources = state_resources()
    for resource in resources:
        if resource["address"] == "module.users.aws_appautoscaling_policy.table_write":
            resource["attributes"].update(policy_type="StepScaling", target_tracking_scaling_policy_configuration=[])
    adoption = adopt(resources, "staging")
    assert adoption.tables["users"]["capacity"]["write"] == 5
    assert any("table_write" in note and "adopted as fixed capacity (5 units)" in note for note in adoption.notes)
    assert not any("table_write" in line for line in adoption.left)


def test_an_on_demand_table_with_replicas_and_a_deposed_object():
    resources = state_resources()
    table = table_of(resources)
    table["attributes"].update(
        billing_mode="PAY_PER_REQUEST", read_capacity=0, write_capacity=0, stream_enabled=True,
        stream_view_type="NEW_AND_OLD_IMAGES", server_side_encryption=[{"enabled": True, "kms_key_arn": KEY}],
        on_demand_throughput=[{"max_read_request_units": 400, "max_write_request_units": -1}],
        replica=[{"region_name": "ap-southeast-2", "kms_key_arn": REPLICA_KEY, "point_in_time_recovery": True,
                  "consistency_mode": "EVENTUAL"}])
    deposed = {**copy.deepcopy(table), "deposed": True}
    adoption = adopt([*resources, deposed], "staging")
    users = adoption.tables["users"]
    assert "capacity" not in users and "capacity" not in users["globalSecondaryIndexes"]["EmailIndex"]
    assert users["onDemand"] == {"maxReadRequestUnits": 400}
    assert users["stream"] == "NEW_AND_OLD_IMAGES" and users["encryption"] == KEY
    assert users["replicas"] == [{"region": "ap-southeast-2", "kmsKeyArn": REPLICA_KEY, "pointInTimeRecovery": True}]
    assert any("deposed object" in line for line in adoption.left)
    assert any("scales no table adopted here" in line for line in adoption.left)  # the PROVISIONED scaling


def test_read_state_refuses_a_state_without_version_4(tmp_path):
    state = tmp_path / "old.tfstate"
    state.write_text(json.dumps({"version": 3}))
    with pytest.raises(AdoptError, match="version 3"):
        read_state(Path(state))
