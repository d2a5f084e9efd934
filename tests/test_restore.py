"""`restore`: a table created from point-in-time recovery (issue 8, item 7).

The provider (terraform-provider-aws `resourceTableCreate`) sends RestoreTableToPointInTime's
index overrides from the table's inline GSIs only, and without an override DynamoDB restores every
index of the source. So a restored table carries its configured GSIs inline: they become the
override, and the restored table has exactly those indexes."""

import pytest

from components.table import FROM_THE_SOURCE, RESTORE_INPUTS
from pipeline.text import render
from tests.conftest import GSI, TABLE, USERS, named, parse, problems, synth_tables
from tests.planned_requests import requests

SOURCE_ARN = "arn:aws:dynamodb:ap-southeast-2:123456789012:table/koneksi-prod-users"
RESTORED = {**USERS, "billingMode": "PROVISIONED",
            "capacity": {"read": {"min": 5, "max": 50}, "write": 5},
            "globalSecondaryIndexes": {"EmailIndex": {"hashKey": "email", "capacity": {"read": 2, "write": 3}},
                                       "NameIndex": {"hashKey": "name", "projection": "KEYS_ONLY",
                                                     "capacity": {"read": 1, "write": 1}}},
            "restore": {"sourceName": "koneksi-prod-users", "pointInTime": "2026-11-01T12:00:00Z"}}


@pytest.fixture(scope="module")
def plan():
    return synth_tables({"users": RESTORED, "sessions": {"attributes": {"id": "S"}, "hashKey": "id",
                                                         "restore": {"sourceTableArn": SOURCE_ARN, "latest": True}}})


def test_the_table_is_created_from_the_source_at_that_time(plan):
    inputs = named(plan, TABLE, "users-table")["inputs"]
    assert (inputs["restoreSourceName"], inputs["restoreDateTime"]) == ("koneksi-prod-users", "2026-11-01T12:00:00Z")
    assert "restoreSourceTableArn" not in inputs and "restoreToLatestTime" not in inputs
    latest = named(plan, TABLE, "sessions-table")["inputs"]
    assert (latest["restoreSourceTableArn"], latest["restoreToLatestTime"]) == (SOURCE_ARN, True)


def test_the_restore_inputs_are_ignored_after_creation(plan):
    """terraform-provider-aws replaces a table whose restoreDateTime or restoreToLatestTime change
    or go, and whose source changes."""
    for name in ("users-table", "sessions-table"):
        table = named(plan, TABLE, name)
        set_by_restore = {key for key in table["inputs"] if key.startswith("restore")}
        assert set_by_restore and set_by_restore <= set(RESTORE_INPUTS) <= set(table["ignoreChanges"])


def test_removing_restore_later_still_ignores_what_the_state_keeps_of_it():
    """Only the state knows a table was restored: every table ignores the restore inputs, so the
    same table without `restore` plans no replacement."""
    unrestored = {key: value for key, value in RESTORED.items() if key != "restore"}
    table = named(synth_tables({"users": unrestored}), TABLE, "users-table")
    assert set(RESTORE_INPUTS) <= set(table["ignoreChanges"])
    assert not any(key.startswith("restore") for key in table["inputs"])


def test_what_the_source_decides_is_fixed_at_the_restore(plan):
    """The key schema comes from the source, and its LSIs when none are configured: a config that
    states them otherwise must not make the next `up` replace the restored table."""
    table = named(plan, TABLE, "users-table")
    assert set(FROM_THE_SOURCE) <= set(table["ignoreChanges"])
    assert table["customTimeouts"] == {"create": 86400, "update": 86400}  # the provider's default is 30 minutes
    assert not set(FROM_THE_SOURCE) & set(named(synth_tables({"users": USERS}), TABLE, "users-table")["ignoreChanges"])


def test_the_restored_table_carries_exactly_the_configured_indexes_inline(plan):
    inputs = named(plan, TABLE, "users-table")["inputs"]
    assert plan.resources(GSI) == []  # no standalone index would be sent as an override
    assert inputs["globalSecondaryIndexes"] == [
        {"name": "EmailIndex", "keySchemas": [{"attributeName": "email", "keyType": "HASH"}],
         "projectionType": "ALL", "readCapacity": 2, "writeCapacity": 3},
        {"name": "NameIndex", "keySchemas": [{"attributeName": "name", "keyType": "HASH"}],
         "projectionType": "KEYS_ONLY", "readCapacity": 1, "writeCapacity": 1}]
    # An inline GSI's key attributes are the table's to define.
    assert {a["name"] for a in inputs["attributes"]} == {"id", "email", "name"}


def test_the_restore_request_overrides_the_indexes_with_exactly_those(plan):
    [restore] = [c.params for c in requests(plan).calls
                 if c.operation == "RestoreTableToPointInTime" and c.params["TargetTableName"] == "koneksi-staging-users"]
    assert [gsi["IndexName"] for gsi in restore["GlobalSecondaryIndexOverride"]] == ["EmailIndex", "NameIndex"]
    assert restore["ProvisionedThroughputOverride"] == {"ReadCapacityUnits": 5, "WriteCapacityUnits": 5}
    assert restore["SourceTableName"] == "koneksi-prod-users"


def test_the_inline_indexes_are_watched_like_any_other(plan):
    alarms = {r["inputs"]["name"] for r in plan.resources("aws:cloudwatch/metricAlarm:MetricAlarm")}
    assert {"koneksi-staging-users-EmailIndex-read-throttles", "koneksi-staging-users-NameIndex-write-throttles"} <= alarms


def test_table_level_auto_scaling_still_follows_the_restored_table(plan):
    targets = plan.resources("aws:appautoscaling/target:Target")
    assert [t["inputs"]["scalableDimension"] for t in targets] == ["dynamodb:table:ReadCapacityUnits"]


def test_the_plan_text_says_where_the_table_comes_from(plan):
    text = render(plan, color=False)
    assert "restored from koneksi-prod-users as of 2026-11-01T12:00:00Z" in text
    assert f"restored from {SOURCE_ARN} as of its latest restorable time" in text
    assert "GSI EmailIndex: key email (S, HASH), projection ALL, read 2 write 3" in text


def test_an_on_demand_restore_with_a_multi_attribute_index():
    config = parse({"events": {"attributes": {"id": "S", "a": "S", "b": "N"}, "hashKey": "id",
                               "globalSecondaryIndexes": {"ByAB": {"hashKey": ["a", "b"]}},
                               "restore": {"sourceName": "koneksi-prod-events", "latest": True}}})
    assert config.tables["events"].key_attribute_names() == ["id", "a", "b"]


@pytest.mark.parametrize("restore, path, reason", [
    ({"sourceName": "koneksi-prod-users", "sourceTableArn": SOURCE_ARN, "latest": True}, ("restore",),
     "either sourceTableArn or sourceName"),
    ({"latest": True}, ("restore",), "either sourceTableArn or sourceName"),
    ({"sourceName": "koneksi-prod-users"}, ("restore",), "exactly one time"),
    ({"sourceName": "koneksi-prod-users", "latest": True, "pointInTime": "2026-11-01T12:00:00Z"}, ("restore",),
     "exactly one time"),
    ({"sourceName": "koneksi-prod-users", "latest": False}, ("restore", "latest"), "names no time"),
    ({"sourceName": "koneksi-prod-users", "pointInTime": "2026-11-01 12:00:00"}, ("restore", "pointInTime"),
     "not an RFC 3339 time"),
    ({"sourceName": "koneksi-prod-users", "pointInTime": "2026-11-01T12:00Z"}, ("restore", "pointInTime"),
     "not an RFC 3339 time"),
    ({"sourceName": "koneksi-prod-users", "pointInTime": "2026-02-30T00:00:00Z"}, ("restore", "pointInTime"),
     "no date and time of the calendar"),
    ({"sourceName": "koneksi-prod-users", "pointInTime": "2999-01-01T00:00:00Z"}, ("restore", "pointInTime"),
     "in the future"),
    ({"sourceTableArn": "koneksi-prod-users", "latest": True}, ("restore", "sourceTableArn"), "a DynamoDB table ARN"),
    ({"sourceTableArn": "arn:aws-cn:dynamodb:cn-north-1:123456789012:table/users", "latest": True},
     ("restore", "sourceTableArn"), "partition aws-cn"),
    ({"sourceName": "users table", "latest": True}, ("restore", "sourceName"), "characters AWS refuses"),
    ({"sourceName": "koneksi-prod-users", "latest": True, "backupArn": "x"}, ("restore", "backupArn"), "unknown key"),
])
def test_a_restore_without_one_source_and_one_time_is_refused(restore, path, reason):
    found = problems({"users": {**USERS, "restore": restore}})
    assert [p.path for p in found] == [("tables", "users", *path)]
    assert reason in found[0].reason and found[0].fix


def test_a_table_is_not_both_imported_and_restored():
    found = problems({"users": {**USERS, "import": True, "restore": {"sourceName": "koneksi-prod-users",
                                                                      "latest": True}}})
    assert [p.path for p in found] == [("tables", "users", "restore")]
    assert "either adopted (import) or created from a restore" in found[0].reason


def test_a_restored_index_with_auto_scaled_capacity_is_refused():
    own = {**RESTORED, "globalSecondaryIndexes": {"EmailIndex": {"hashKey": "email", "capacity": {
        "read": {"min": 1, "max": 10}, "write": 1}}}}
    found = problems({"users": own})
    assert [p.path for p in found] == [("tables", "users", "globalSecondaryIndexes", "EmailIndex", "capacity")]
    assert "read capacity is auto-scaled" in found[0].reason and "fixed capacity" in found[0].fix
    inherited = {**RESTORED, "globalSecondaryIndexes": {"EmailIndex": {"hashKey": "email"}}}
    found = problems({"users": inherited})
    assert [p.path for p in found] == [("tables", "users", "globalSecondaryIndexes", "EmailIndex")]
    assert "(inherited from the table)" in found[0].reason


def test_what_only_the_source_decides_is_warned_about():
    config = parse({"events": {"attributes": {"id": "S"}, "hashKey": "id", "replicas": ["us-west-2"],
                               "restore": {"sourceName": "koneksi-prod-events", "latest": True}}})
    assert any(w.startswith("koneksi-dynamodb:tables.events.restore: no globalSecondaryIndexes are listed, so DynamoDB restores "
                            "every GSI of the source") for w in config.warnings)
    assert any(w.startswith("koneksi-dynamodb:tables.events.replicas: a restore turns on no stream") for w in config.warnings)
    assert not [w for w in parse({"users": RESTORED}).warnings if "restore" in w]


def test_a_cross_region_restore_from_or_to_hong_kong_or_bahrain_is_refused():
    found = problems({"users": {**USERS, "restore": {
        "sourceTableArn": "arn:aws:dynamodb:ap-east-1:123456789012:table/users", "latest": True}}})
    assert [p.path for p in found] == [("tables", "users", "restore", "sourceTableArn")]
    assert "ap-east-1" in found[0].reason
    parse({"users": {**USERS, "restore": {"sourceTableArn": "arn:aws:dynamodb:me-south-1:123456789012:table/users",
                                          "latest": True}}}, region="me-south-1")  # the same region: allowed


def test_a_restored_provisioned_table_with_gsis_and_replicas_gets_one_consistent_fix():
    global_table = {**RESTORED, "capacity": {"read": 5, "write": {"min": 5, "max": 50}}, "replicas": ["us-west-2"]}
    found = problems({"users": global_table})
    assert [p.path for p in found] == [("tables", "users", "replicas")]
    assert "PAY_PER_REQUEST" in found[0].fix
