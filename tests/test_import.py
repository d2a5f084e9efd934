"""Adopting existing tables: `import: true` (issue 8, item 6)."""

import pytest

from pipeline.synth import preview_document
from pipeline.stack_files import StackSettings
from tests.conftest import GSI, POLICY, TABLE, TARGET, USERS, autoscaled, named, parse, problems, synth_tables

ADOPTED = {**USERS, "import": True, "billingMode": "PROVISIONED",
           "capacity": {"read": {**autoscaled(), "policyName": "DynamoDBReadCapacityUtilization:table/koneksi-prod-users"},
                        "write": autoscaled()},
           "globalSecondaryIndexes": {"EmailIndex": {"hashKey": "email"}}}


@pytest.fixture(scope="module")
def plan():
    return synth_tables({"users": ADOPTED}, stack="prod")


def test_the_table_its_index_and_its_scaling_are_imported_not_created(plan):
    table, index = named(plan, TABLE, "users-table"), named(plan, GSI, "users-EmailIndex-index")
    assert table["importID"] == "koneksi-prod-users"
    assert index["importID"] == "koneksi-prod-users,EmailIndex"
    steps = {step["urn"]: step["op"] for step in plan.steps}
    assert steps[table["urn"]] == steps[index["urn"]] == "import"
    imported = {r["urn"].rsplit("::", 1)[1]: r["importID"] for r in [*plan.resources(TARGET), *plan.resources(POLICY)]}
    assert imported == {
        "users-read-target": "dynamodb/table/koneksi-prod-users/dynamodb:table:ReadCapacityUnits",
        "users-read-policy": "dynamodb/table/koneksi-prod-users/dynamodb:table:ReadCapacityUnits/"
                             "DynamoDBReadCapacityUtilization:table/koneksi-prod-users",
        "users-write-target": "dynamodb/table/koneksi-prod-users/dynamodb:table:WriteCapacityUnits",
        "users-write-policy": "dynamodb/table/koneksi-prod-users/dynamodb:table:WriteCapacityUnits/"
                              "koneksi-prod-users-write-scaling",
        "users-EmailIndex-read-target": "dynamodb/table/koneksi-prod-users/index/EmailIndex/dynamodb:index:"
                                        "ReadCapacityUnits",
        "users-EmailIndex-read-policy": "dynamodb/table/koneksi-prod-users/index/EmailIndex/dynamodb:index:"
                                        "ReadCapacityUnits/koneksi-prod-users-EmailIndex-read-scaling",
        "users-EmailIndex-write-target": "dynamodb/table/koneksi-prod-users/index/EmailIndex/dynamodb:index:"
                                         "WriteCapacityUnits",
        "users-EmailIndex-write-policy": "dynamodb/table/koneksi-prod-users/index/EmailIndex/dynamodb:index:"
                                         "WriteCapacityUnits/koneksi-prod-users-EmailIndex-write-scaling"}


def test_a_policy_keeps_its_live_name(plan):
    assert named(plan, POLICY, "users-read-policy")["inputs"]["name"] == \
        "DynamoDBReadCapacityUtilization:table/koneksi-prod-users"


def test_tags_are_left_alone_while_importing(plan):
    """The provider's default tags would otherwise make the import an update too."""
    for resource in [named(plan, TABLE, "users-table"), *plan.resources(TARGET)]:
        assert {"tags", "tagsAll"} <= set(resource["ignoreChanges"])


def test_the_plan_counts_imports_apart(plan):
    summary = preview_document(plan, StackSettings())["changeSummary"]
    assert summary["import"] == 10 and "create" in summary  # alarms, dashboard, backup are new


def test_an_imported_table_may_be_below_the_stacks_minimums_with_a_warning():
    config = parse({"users": {**ADOPTED, "deletionProtection": False, "pointInTimeRecovery": False}}, stack="prod")
    assert any("an imported table: deletionProtection: false is not allowed in prod" in w for w in config.warnings)
    # Without `import` the same config is refused.
    found = problems({"users": {**USERS, "deletionProtection": False}}, stack="prod")
    assert [p.path for p in found] == [("tables", "users", "deletionProtection")]


def test_removing_import_changes_nothing_but_the_import():
    """The resources keep their names and inputs; only the import option (and the tags it let
    be) goes: the next `up` updates in place."""
    imported = synth_tables({"users": ADOPTED}, stack="prod")
    managed = synth_tables({"users": {**ADOPTED, "import": False}}, stack="prod")
    assert {s["urn"] for s in imported.steps} == {s["urn"] for s in managed.steps}
    for before, after in zip(sorted(imported.resources(), key=lambda r: r["urn"]),
                             sorted(managed.resources(), key=lambda r: r["urn"])):
        assert before["inputs"] == after["inputs"]
