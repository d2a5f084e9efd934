"""Auto-scaled capacity is never reset by a later `pulumi up`, and one GSI's change never touches
the table or the other GSIs (issue 2, item 3)."""

from components.table import RESTORE_INPUTS
from tests.conftest import GSI, POLICY, TABLE, TARGET, USERS, autoscaled, named, synth_tables

ORDERS = {
    "attributes": {"order_id": "S", "user_id": "S", "status": "S"},
    "hashKey": "order_id",
    "billingMode": "PROVISIONED",
    "capacity": {"read": autoscaled(5, 100), "write": autoscaled(2, 50)},
    "globalSecondaryIndexes": {"UserIndex": {"hashKey": "user_id"}},
}


def with_index(table, name, index):
    return {**table, "globalSecondaryIndexes": {**table["globalSecondaryIndexes"], name: index}}


def test_gsis_are_standalone_resources_not_an_inline_set():
    plan = synth_tables({"orders": ORDERS})
    assert "globalSecondaryIndexes" not in named(plan, TABLE, "orders-table")["inputs"]
    index = named(plan, GSI, "orders-UserIndex-index")
    assert index["inputs"]["tableName"] == "koneksi-staging-orders"
    assert index["inputs"]["keySchemas"] == [{"attributeName": "user_id", "attributeType": "S", "keyType": "HASH"}]
    assert named(plan, TABLE, "orders-table")["urn"] in index["dependencies"]


def test_an_autoscaled_gsi_ignores_the_capacity_scaling_sets_in_wire_form():
    index = named(synth_tables({"orders": ORDERS}), GSI, "orders-UserIndex-index")
    assert index["ignoreChanges"] == ["provisionedThroughput.readCapacityUnits",
                                      "provisionedThroughput.writeCapacityUnits"]
    assert index["inputs"]["provisionedThroughput"] == {"readCapacityUnits": 5, "writeCapacityUnits": 2}


def test_an_autoscaled_gsi_gets_its_own_targets_and_policies_per_dimension():
    plan = synth_tables({"orders": ORDERS})
    for field, dimension, low, high in (("read", "Read", 5, 100), ("write", "Write", 2, 50)):
        target = named(plan, TARGET, f"orders-UserIndex-{field}-target")["inputs"]
        assert target["resourceId"] == "table/koneksi-staging-orders/index/UserIndex"
        assert target["scalableDimension"] == f"dynamodb:index:{dimension}CapacityUnits"
        assert (target["minCapacity"], target["maxCapacity"]) == (low, high)
        policy = named(plan, POLICY, f"orders-UserIndex-{field}-policy")["inputs"]
        assert policy["name"] == f"koneksi-staging-orders-UserIndex-{field}-scaling"
        assert policy["resourceId"] == "table/koneksi-staging-orders/index/UserIndex"


def test_read_and_write_scale_independently():
    table = {**USERS, "billingMode": "PROVISIONED", "capacity": {"read": autoscaled(), "write": 10}}
    plan = synth_tables({"users": table})
    assert named(plan, TABLE, "users-table")["ignoreChanges"] == ["readCapacity", *RESTORE_INPUTS]
    assert named(plan, TABLE, "users-table")["inputs"]["writeCapacity"] == 10
    assert [t["inputs"]["scalableDimension"] for t in plan.resources(TARGET)] == ["dynamodb:table:ReadCapacityUnits"]


def test_fixed_capacity_is_managed_by_pulumi_not_ignored():
    table = {**USERS, "billingMode": "PROVISIONED", "capacity": {"read": 3, "write": 4},
             "globalSecondaryIndexes": {"EmailIndex": {"hashKey": "email"}}}
    plan = synth_tables({"users": table})
    assert named(plan, TABLE, "users-table")["ignoreChanges"] == RESTORE_INPUTS
    index = named(plan, GSI, "users-EmailIndex-index")
    assert index["ignoreChanges"] == []
    assert index["inputs"]["provisionedThroughput"] == {"readCapacityUnits": 3, "writeCapacityUnits": 4}
    assert not plan.resources(TARGET)


def test_cooldowns_reach_the_policy():
    table = {**USERS, "billingMode": "PROVISIONED",
             "capacity": {"read": {**autoscaled(), "scaleInCooldown": 300, "scaleOutCooldown": 0}, "write": 5}}
    tracking = named(synth_tables({"users": table}), POLICY, "users-read-policy")["inputs"][
        "targetTrackingScalingPolicyConfiguration"]
    assert (tracking["scaleInCooldown"], tracking["scaleOutCooldown"]) == (300, 0)


def test_adding_a_gsi_leaves_the_table_and_the_other_gsis_as_they_were():
    before = synth_tables({"orders": ORDERS})
    after = synth_tables({"orders": with_index(ORDERS, "StatusIndex", {"hashKey": "status"})})
    for type_, name in ((TABLE, "orders-table"), (GSI, "orders-UserIndex-index")):
        assert named(after, type_, name) == named(before, type_, name)
    assert len(after.resources(GSI)) == 2


def test_removing_a_gsi_leaves_the_table_and_the_other_gsis_as_they_were():
    both = synth_tables({"orders": with_index(ORDERS, "StatusIndex", {"hashKey": "status"})})
    one = synth_tables({"orders": ORDERS})
    assert named(one, TABLE, "orders-table") == named(both, TABLE, "orders-table")
    assert named(one, GSI, "orders-UserIndex-index") == named(both, GSI, "orders-UserIndex-index")


def test_gsis_are_built_one_after_another():
    """DynamoDB builds one online index per table at a time: each GSI waits for the one before."""
    attributes = {"order_id": "S", "user_id": "S", "status": "S", "day": "S"}
    table = {"attributes": attributes, "hashKey": "order_id", "globalSecondaryIndexes": {
        "UserIndex": {"hashKey": "user_id"}, "StatusIndex": {"hashKey": "status"}, "DayIndex": {"hashKey": "day"}}}
    plan = synth_tables({"orders": table})
    user, status, day = (named(plan, GSI, f"orders-{name}-index") for name in ("UserIndex", "StatusIndex", "DayIndex"))
    table_urn = named(plan, TABLE, "orders-table")["urn"]
    assert user["dependencies"] == [table_urn]
    assert status["dependencies"] == sorted([table_urn, user["urn"]])
    assert day["dependencies"] == sorted([table_urn, status["urn"]])
