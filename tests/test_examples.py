"""The designs our users come from, each synthesized from `examples/` (issue 2, item 6)."""

import pytest

from tests.conftest import COMPONENT, GSI, KMS_KEY, ROOT, TABLE, TARGET, named, synth_stack

EXAMPLES = ROOT / "examples"


def example(name):
    return synth_stack("staging", EXAMPLES / f"{name}.yaml")


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.yaml")), ids=lambda p: p.stem)
def test_every_example_synthesizes_one_component_per_table(path):
    plan = synth_stack("staging", path)
    assert len(plan.resources(COMPONENT)) == len(plan.resources(TABLE)) >= 1


def test_orders_has_a_composite_key_and_two_indexes():
    plan = example("orders")
    table = named(plan, TABLE, "orders-table")["inputs"]
    assert (table["hashKey"], table["rangeKey"]) == ("order_id", "created_at")
    assert table["attributes"] == [{"name": "order_id", "type": "S"}, {"name": "created_at", "type": "S"}]
    user = named(plan, GSI, "orders-UserIndex-index")["inputs"]
    assert user["keySchemas"] == [{"attributeName": "user_id", "attributeType": "S", "keyType": "HASH"},
                                  {"attributeName": "created_at", "attributeType": "S", "keyType": "RANGE"}]
    assert user["projection"] == {"projectionType": "ALL"}
    status = named(plan, GSI, "orders-StatusIndex-index")
    assert [k["attributeName"] for k in status["inputs"]["keySchemas"]] == ["status", "updated_at"]
    assert status["inputs"]["projection"] == {"projectionType": "KEYS_ONLY"}
    assert status["inputs"]["provisionedThroughput"] == {"readCapacityUnits": 10, "writeCapacityUnits": 5}
    assert status["ignoreChanges"] == []  # fixed capacity stays Pulumi's
    assert {t["inputs"]["resourceId"] for t in plan.resources(TARGET)} == {
        "table/koneksi-staging-orders", "table/koneksi-staging-orders/index/UserIndex"}


def test_events_is_on_demand_with_ceilings_and_a_time_index():
    plan = example("events")
    table = named(plan, TABLE, "events-table")["inputs"]
    assert table["onDemandThroughput"] == {"maxReadRequestUnits": 1000, "maxWriteRequestUnits": 500}
    assert table["tableClass"] == "STANDARD_INFREQUENT_ACCESS"
    index = named(plan, GSI, "events-timestamp-index-index")["inputs"]
    assert index["indexName"] == "timestamp-index"
    assert index["keySchemas"] == [{"attributeName": "timestamp", "attributeType": "N", "keyType": "HASH"}]
    assert "provisionedThroughput" not in index


def test_sessions_expire_stream_and_use_the_stack_key():
    plan = example("sessions")
    table = named(plan, TABLE, "sessions-table")
    assert table["inputs"]["ttl"] == {"attributeName": "expiresAt", "enabled": True}
    assert table["inputs"]["streamViewType"] == "NEW_AND_OLD_IMAGES"
    assert table["inputs"]["pointInTimeRecovery"] == {"enabled": True, "recoveryPeriodInDays": 14}
    assert table["inputs"]["serverSideEncryption"]["kmsKeyArn"] == "[unknown]"
    assert named(plan, KMS_KEY, "koneksi-staging-dynamodb-key")["urn"] in table["dependencies"]


def test_sessions_lsi_projects_user_agent_and_ip_address():
    table = named(example("sessions"), TABLE, "sessions-table")["inputs"]
    assert table["localSecondaryIndexes"] == [{"name": "SessionTypeIndex", "rangeKey": "sessionType",
                                               "projectionType": "INCLUDE",
                                               "nonKeyAttributes": ["userAgent", "ipAddress"]}]
    assert [a["name"] for a in table["attributes"]] == ["sessionId", "createdAt", "sessionType"]


def test_sessions_indexes_by_user_and_by_expiry():
    plan = example("sessions")
    by_user = named(plan, GSI, "sessions-UserIdIndex-index")["inputs"]
    assert [(k["attributeName"], k["attributeType"]) for k in by_user["keySchemas"]] == [("userId", "S"),
                                                                                        ("createdAt", "N")]
    expiry = named(plan, GSI, "sessions-ExpirationIndex-index")["inputs"]
    assert expiry["projection"] == {"projectionType": "KEYS_ONLY"}
    assert expiry["keySchemas"][0]["attributeType"] == "N"


def test_multi_attribute_gsi_keys_keep_their_order_hash_first():
    plan = example("multi-attribute-gsi")
    index = named(plan, GSI, "matches-TournamentRegionIndex-index")["inputs"]
    assert [(k["attributeName"], k["keyType"]) for k in index["keySchemas"]] == [
        ("tournamentId", "HASH"), ("region", "HASH"), ("score", "RANGE"), ("playedAt", "RANGE")]
    assert index["projection"] == {"projectionType": "INCLUDE", "nonKeyAttributes": ["playerName"]}
    insights = plan.resources("aws:dynamodb/contributorInsights:ContributorInsights")
    assert [i["inputs"]["tableName"] for i in insights] == ["koneksi-staging-matches"]


def test_app_access_shows_the_policy_the_cluster_and_the_typed_items():
    """Issue 10's "done when": a read policy scoped by leading keys, a DAX cluster with
    encryption and TLS, and typed seed items, all readable in the plan."""
    import json
    plan = synth_stack("prod", EXAMPLES / "app-access.yaml")
    policies = {p["inputs"]["name"]: json.loads(p["inputs"]["policy"]) for p in plan.resources("aws:iam/policy:Policy")}
    reads = policies["koneksi-prod-dynamodb-app-users"]["Statement"][0]
    assert reads["Condition"] == {"ForAllValues:StringEquals": {"dynamodb:LeadingKeys": ["${aws:PrincipalTag/user_id}"]}}
    assert "dynamodb:Scan" not in reads["Action"]
    [cluster] = plan.resources("aws:dax/cluster:Cluster")
    assert cluster["inputs"]["serverSideEncryption"] == {"enabled": True}
    assert cluster["inputs"]["clusterEndpointEncryptionType"] == "TLS"
    items = {i["urn"].rsplit("::", 1)[1]: json.loads(i["inputs"]["item"])
             for i in plan.resources("aws:dynamodb/tableItem:TableItem")}
    enterprise = next(item for name, item in items.items() if name.startswith("plans-item-enterprise"))
    assert enterprise == {"plan": {"S": "enterprise"}, "seats": {"N": "500"}, "features": {"M": {"sso": {"BOOL": True}}}}
    assert not [d for d in plan.diagnostics if d["severity"] == "error"]
