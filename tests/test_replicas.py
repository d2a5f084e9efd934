"""Global tables: `replicas` (issue 8, item 2)."""

import pytest

from tests.conftest import GSI, POLICY, TABLE, USERS, autoscaled, named, problems, synth_tables

REPLICA = "aws:dynamodb/tableReplica:TableReplica"
KMS_KEY = "aws:kms/key:Key"
ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
KEY_IN = "arn:aws:kms:{region}:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
ORDERS = {"attributes": {"id": "S", "user": "S"}, "hashKey": "id", "billingMode": "PROVISIONED",
          "capacity": {"read": autoscaled(), "write": autoscaled()}, "encryption": "CUSTOMER_MANAGED",
          "globalSecondaryIndexes": {"ByUser": {"hashKey": "user"}},
          "replicas": ["us-west-2", {"region": "eu-west-1", "pointInTimeRecovery": False}]}


@pytest.fixture(scope="module")
def plan():
    return synth_tables({"orders": ORDERS}, stack="prod")


def replicas(plan):
    return {r["inputs"]["region"]: r for r in plan.resources(REPLICA)}


def test_each_replica_is_a_resource_in_its_region_protected_like_the_table(plan):
    found = replicas(plan)
    assert set(found) == {"us-west-2", "eu-west-1"}
    table = named(plan, TABLE, "orders-table")
    for replica in found.values():
        assert replica["inputs"]["deletionProtectionEnabled"] is True
        assert (replica["protect"], replica["retainOnDelete"]) == (True, True)
        assert replica["parent"] == table["parent"] and table["urn"] in replica["dependencies"]
    assert found["us-west-2"]["inputs"]["pointInTimeRecovery"] is True
    assert found["eu-west-1"]["inputs"]["pointInTimeRecovery"] is False


def test_a_customer_managed_table_gets_an_independent_stack_key_in_each_replica_region(plan):
    keys = {k["inputs"].get("region", "ap-southeast-1"): k for k in plan.resources(KMS_KEY)}
    assert set(keys) == {"ap-southeast-1", "us-west-2", "eu-west-1"}
    assert all(not k["inputs"].get("multiRegion") and k["protect"] for k in keys.values())
    for region, replica in replicas(plan).items():
        assert keys[region]["urn"] in replica["dependencies"]


def test_replicas_wait_for_every_index_and_scaling_policy_so_one_up_creates_them(plan):
    """DynamoDB adds a replica to a PROVISIONED table only once write auto-scaling exists: with
    inline replicas Terraform needs two applies."""
    waits_for = set(replicas(plan)["us-west-2"]["dependencies"])
    assert {r["urn"] for r in plan.resources(POLICY)} <= waits_for
    assert {r["urn"] for r in plan.resources(GSI)} <= waits_for


def test_the_table_streams_new_and_old_images_and_ignores_inline_replicas(plan):
    table = named(plan, TABLE, "orders-table")
    assert table["inputs"]["streamViewType"] == "NEW_AND_OLD_IMAGES"
    assert "replicas" in table["ignoreChanges"] and "replicas" not in table["inputs"]


def test_replication_latency_is_watched_per_replica_region(plan):
    alarms = {a["inputs"]["name"]: a["inputs"] for a in plan.resources(ALARM)}
    for region in ("us-west-2", "eu-west-1"):
        alarm = alarms[f"koneksi-prod-orders-{region}-replication-latency"]
        assert alarm["dimensions"] == {"TableName": "koneksi-prod-orders", "ReceivingRegion": region}
        assert (alarm["statistic"], alarm["period"], alarm["datapointsToAlarm"], alarm["threshold"]) == (
            "Average", 60, 15, 180000)


def test_replica_arns_are_outputs(plan):
    assert set(plan.outputs["tables"]["orders"]["replicaArns"]) == {"us-west-2", "eu-west-1"}


def test_a_replica_names_its_own_key():
    table = {**USERS, "encryption": KEY_IN.format(region="ap-southeast-1"),
             "replicas": [{"region": "us-west-2", "kmsKeyArn": KEY_IN.format(region="us-west-2")}]}
    plan = synth_tables({"users": table}, alarms={"snsTopicArn": "arn:aws:sns:ap-southeast-1:123456789012:ops"})
    [replica] = plan.resources(REPLICA)
    assert replica["inputs"]["kmsKeyArn"] == KEY_IN.format(region="us-west-2")
    assert not plan.resources(KMS_KEY)


@pytest.mark.parametrize("table, path, words", [
    ({**USERS, "replicas": ["ap-southeast-1"]}, ("replicas", 0), "the table's own region"),
    ({**USERS, "replicas": ["us-west-2", "us-west-2"]}, ("replicas", 1), "listed 2 times"),
    ({**USERS, "replicas": ["us-west-9"]}, ("replicas", 0), "did you mean us-west-2?"),
    ({**USERS, "encryption": "CUSTOMER_MANAGED",
      "replicas": [{"region": "us-west-2", "kmsKeyArn": KEY_IN.format(region="us-east-1")}]},
     ("replicas", 0, "kmsKeyArn"), "a key of its own region"),
    ({**USERS, "replicas": [{"region": "us-west-2", "kmsKeyArn": KEY_IN.format(region="us-west-2")}]},
     ("replicas", 0, "kmsKeyArn"), "customer-managed table key"),
    ({**USERS, "encryption": KEY_IN.format(region="ap-southeast-1"), "replicas": ["us-west-2"]},
     ("replicas", 0, "kmsKeyArn"), "needs a key of that region"),
    ({**USERS, "stream": "KEYS_ONLY", "replicas": ["us-west-2"]}, ("stream",), "NEW_AND_OLD_IMAGES"),
    ({**ORDERS, "capacity": {"read": autoscaled(), "write": 5}}, ("capacity", "write"), "needs write auto-scaling"),
    ({**ORDERS, "globalSecondaryIndexes": {"ByUser": {"hashKey": "user", "capacity": {"read": 5, "write": 5}}}},
     ("globalSecondaryIndexes", "ByUser", "capacity", "write"), "needs write auto-scaling"),
])
def test_replica_rules(table, path, words):
    found = problems({"t": table})
    assert any(p.path == ("tables", "t", *path) and words in p.reason + p.fix for p in found), found


def test_an_on_demand_table_needs_no_scaling_for_its_replicas():
    plan = synth_tables({"users": {**USERS, "replicas": ["us-west-2"]}})
    assert len(plan.resources(REPLICA)) == 1
