"""Table settings reach the deployed table as the contract says."""

import json

import pytest

from tests.conftest import KMS_KEY, TABLE, USERS, named, synth_tables

TOPIC_ARN = "arn:aws:sns:ap-southeast-1:123456789012:ops"
KEY_ARN = "arn:aws:kms:ap-southeast-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"


@pytest.mark.parametrize("mode, expected, stack_key", [
    ("AWS_OWNED", {"enabled": False}, False),
    ("AWS_MANAGED", {"enabled": True}, False),
    ("CUSTOMER_MANAGED", {"enabled": True, "kmsKeyArn": "[unknown]"}, True),
    (KEY_ARN, {"enabled": True, "kmsKeyArn": KEY_ARN}, False),
])
def test_encryption_modes(mode, expected, stack_key):
    # With alarms going to an existing topic, only CUSTOMER_MANAGED tables call for the stack key.
    plan = synth_tables({"users": {**USERS, "encryption": mode}}, alarms={"snsTopicArn": TOPIC_ARN})
    assert named(plan, TABLE, "users-table")["inputs"]["serverSideEncryption"] == expected
    assert len(plan.resources(KMS_KEY)) == int(stack_key)


def test_one_stack_key_serves_every_customer_managed_table():
    tables = {name: {**USERS, "encryption": "CUSTOMER_MANAGED"} for name in ("users", "people", "admins")}
    plan = synth_tables(tables)
    [key] = plan.resources(KMS_KEY)
    assert all(key["urn"] in t["dependencies"] for t in plan.resources(TABLE))
    assert (key["protect"], key["retainOnDelete"]) == (False, False)  # kept only in prod


def test_defaults_on_demand_pitr_aws_managed_standard_no_stream():
    table = named(synth_tables({"users": USERS}), TABLE, "users-table")["inputs"]
    assert table["billingMode"] == "PAY_PER_REQUEST"
    assert table["pointInTimeRecovery"] == {"enabled": True}
    assert table["serverSideEncryption"] == {"enabled": True}
    assert table["tableClass"] == "STANDARD"
    assert table["streamEnabled"] is False and "streamViewType" not in table
    assert "ttl" not in table


def test_pitr_can_be_switched_off_outside_prod():
    table = named(synth_tables({"users": {**USERS, "pointInTimeRecovery": False}}), TABLE, "users-table")
    assert table["inputs"]["pointInTimeRecovery"] == {"enabled": False}


def test_protection_can_be_asked_for_outside_prod():
    table = named(synth_tables({"users": {**USERS, "deletionProtection": True, "protect": True}}), TABLE,
                  "users-table")
    assert table["inputs"]["deletionProtectionEnabled"] is True
    assert (table["protect"], table["retainOnDelete"]) == (True, True)


def test_name_override_and_naming_keys():
    plan = synth_tables({"users": {**USERS, "name": "legacy.users-v1"}, "orders": USERS},
                        project="acme", environment="qa")
    assert named(plan, TABLE, "users-table")["inputs"]["name"] == "legacy.users-v1"
    assert named(plan, TABLE, "orders-table")["inputs"]["name"] == "acme-qa-orders"


def test_user_tags_join_the_standard_tags_on_the_provider():
    plan = synth_tables({"users": USERS}, tags={"CostCenter": "42"}, environment="qa")
    tags = json.loads(named(plan, "pulumi:providers:aws", "aws")["inputs"]["defaultTags"])["tags"]
    assert tags == {"CostCenter": "42", "Project": "koneksi", "Environment": "qa",
                    "ManagedBy": "pulumi:koneksi-dynamodb"}


def test_contributor_insights_only_when_asked():
    assert not synth_tables({"users": USERS}).resources("aws:dynamodb/contributorInsights:ContributorInsights")


def test_region_comes_from_aws_region():
    plan = synth_tables({"users": USERS}, region="eu-west-1")
    assert named(plan, "pulumi:providers:aws", "aws")["inputs"]["region"] == "eu-west-1"
