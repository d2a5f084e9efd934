"""`access`: least-privilege IAM managed policies for the tables (issue 10, item 1)."""

import json

import pytest

import policy
from components.access_policy import Grantable, access_document
from components.config.access import Access
from tests.conftest import USERS, parse, problems, synth_tables

POLICY = "aws:iam/policy:Policy"
USERS_WITH_INDEX = {**USERS, "stream": "NEW_AND_OLD_IMAGES",
                    "globalSecondaryIndexes": {"EmailIndex": {"hashKey": "email", "projection": "KEYS_ONLY"}}}
TABLE_ARN = "arn:aws:dynamodb:ap-southeast-1:[account]:table/koneksi-staging-users"


def documents(access, tables=None, **stack_keys):
    plan = synth_tables(tables or {"users": USERS_WITH_INDEX}, access=access, **stack_keys)
    return plan, {p["inputs"]["name"]: json.loads(p["inputs"]["policy"]) for p in plan.resources(POLICY)}


def by_sid(document):
    return {statement["Sid"]: statement for statement in document["Statement"]}


def test_a_read_policy_names_exactly_the_table_and_its_indexes():
    plan, docs = documents({"app": {"tables": ["users"], "level": "read"}})
    statements = by_sid(docs["koneksi-staging-dynamodb-app"])
    assert statements["ReadItems"]["Action"] == ["dynamodb:BatchGetItem", "dynamodb:ConditionCheckItem",
                                                 "dynamodb:GetItem", "dynamodb:Query", "dynamodb:Scan"]
    assert statements["ReadItems"]["Resource"] == [TABLE_ARN]
    # Only Query and Scan read an index.
    assert statements["QueryIndexes"]["Action"] == ["dynamodb:Query", "dynamodb:Scan"]
    assert statements["QueryIndexes"]["Resource"] == [f"{TABLE_ARN}/index/EmailIndex"]
    assert statements["DescribeTables"] == {"Sid": "DescribeTables", "Effect": "Allow",
                                            "Action": ["dynamodb:DescribeTable"], "Resource": [TABLE_ARN]}
    assert "Condition" not in statements["ReadItems"]
    assert plan.outputs["accessPolicyArns"] == {"app": "[unknown]"}


def test_leading_keys_restrict_by_partition_key_and_leave_scan_out():
    _, docs = documents({"app": {"tables": ["users"], "level": "readWrite", "leadingKeys": "${aws:userid}"}})
    statements = by_sid(docs["koneksi-staging-dynamodb-app"])
    assert "dynamodb:Scan" not in statements["ReadItems"]["Action"]
    for sid in ("ReadItems", "WriteItems"):
        assert statements[sid]["Condition"] == {"ForAllValues:StringEquals": {"dynamodb:LeadingKeys": ["${aws:userid}"]}}
    assert statements["WriteItems"]["Action"] == ["dynamodb:BatchWriteItem", "dynamodb:DeleteItem",
                                                  "dynamodb:PutItem", "dynamodb:UpdateItem"]
    assert statements["WriteItems"]["Resource"] == [TABLE_ARN]  # writes go to tables, never indexes


def test_attributes_follow_the_fine_grained_access_guide():
    _, docs = documents({"app": {"tables": ["users"], "level": "readWrite", "attributes": ["id", "email", "name"]}})
    statements = by_sid(docs["koneksi-staging-dynamodb-app"])
    for sid in ("ReadItems", "QueryIndexes"):
        assert statements[sid]["Condition"] == {
            "ForAllValues:StringEquals": {"dynamodb:Attributes": ["id", "email", "name"]},
            "StringEqualsIfExists": {"dynamodb:Select": "SPECIFIC_ATTRIBUTES"}}
    # ConditionCheckItem can return the whole item when its condition fails.
    assert "dynamodb:ConditionCheckItem" not in statements["ReadItems"]["Action"]
    assert statements["WriteItems"]["Action"] == ["dynamodb:UpdateItem"]  # Put/Delete/BatchWrite replace whole items
    # UpdateItem always carries ReturnValues: StringEquals, as the guide's write-only policy has it.
    assert statements["WriteItems"]["Condition"]["StringEquals"] == {
        "dynamodb:ReturnValues": ["NONE", "UPDATED_OLD", "UPDATED_NEW"]}


def test_stream_read_grants_the_tables_streams_and_listing_them():
    _, docs = documents({"consumer": {"tables": ["users"], "level": "streamRead"}})
    statements = by_sid(docs["koneksi-staging-dynamodb-consumer"])
    assert statements["ReadStreams"]["Action"] == ["dynamodb:DescribeStream", "dynamodb:GetRecords",
                                                   "dynamodb:GetShardIterator"]
    assert statements["ReadStreams"]["Resource"] == [f"{TABLE_ARN}/stream/*"]
    # ListStreams has no resource type: only `*` matches it (Service Authorization Reference).
    assert statements["ListStreams"]["Action"] == ["dynamodb:ListStreams"] and statements["ListStreams"]["Resource"] == "*"


def test_replicas_are_granted_in_their_regions():
    tables = {"users": {**USERS_WITH_INDEX, "replicas": ["eu-west-1"]}}
    _, docs = documents({"app": {"tables": ["users"], "level": "write"}}, tables)
    assert by_sid(docs["koneksi-staging-dynamodb-app"])["WriteItems"]["Resource"] == [
        TABLE_ARN, "arn:aws:dynamodb:eu-west-1:[account]:table/koneksi-staging-users"]


def test_no_policy_has_a_wildcard_action_or_resource_but_list_streams():
    plan, docs = documents({"app": {"tables": ["users"], "level": "readWrite"},
                            "consumer": {"tables": ["users"], "level": "streamRead"}})
    for document in docs.values():
        for statement in document["Statement"]:
            assert all("*" not in action for action in statement["Action"])
            if statement["Action"] != ["dynamodb:ListStreams"]:
                assert all(arn.startswith("arn:aws:dynamodb:") for arn in statement["Resource"])
    assert [v for v in policy.evaluate(plan.resources()) if v.control == "KONEKSI.IAM"] == []


def test_the_document_builder_on_its_own():
    grantable = Grantable(tables=["t"], indexes=["t/index/i"], streams=["t/stream/*"])
    document = access_document(Access.model_validate({"tables": ["users"], "level": "read", "leadingKeys": "${x:y}"}),
                               [grantable])
    assert document["Version"] == "2012-10-17"  # policy variables need it
    assert by_sid(document)["ReadItems"]["Resource"] == ["t"]
    assert "QueryIndexes" not in by_sid(document)  # no index is known to share the partition key


def test_leading_keys_reach_only_the_indexes_keyed_by_the_tables_partition_key():
    tables = {"orders": {"attributes": {"customer": "S", "placed": "S", "status": "S"}, "hashKey": "customer",
                         "rangeKey": "placed",
                         "localSecondaryIndexes": {"ByStatus": {"rangeKey": "status"}},
                         "globalSecondaryIndexes": {"ByCustomerStatus": {"hashKey": "customer", "rangeKey": "status"},
                                                    "ByStatusOnly": {"hashKey": "status"}}}}
    _, docs = documents({"mine": {"tables": ["orders"], "level": "read", "leadingKeys": "${aws:userid}"}}, tables)
    indexes = by_sid(docs["koneksi-staging-dynamodb-mine"])["QueryIndexes"]["Resource"]
    assert [arn.rsplit("/", 1)[1] for arn in indexes] == ["ByCustomerStatus", "ByStatus"]


def test_changing_what_a_policy_grants_updates_it_in_place():
    """An attached policy of a fixed name can be neither created beside the old one nor deleted."""
    from pipeline.diff import against
    before = synth_tables({"users": USERS_WITH_INDEX, "orders": USERS},
                          access={"app": {"tables": ["users"], "level": "read"}})
    after = synth_tables({"users": USERS_WITH_INDEX, "orders": USERS},
                         access={"app": {"tables": ["users", "orders"], "level": "readWrite"}})
    [change] = [c for c in against(after, {s["urn"]: s["newState"] for s in before.steps}) if c.type == POLICY]
    assert (change.op, change.diffs) == ("update", ["policy"])


@pytest.mark.parametrize("access, tables, path, words", [
    ({"a": {"tables": ["orders"], "level": "read"}}, None, ("access", "a", "tables", 0), "no table 'orders'"),
    ({"a": {"tables": ["users"], "level": "admin"}}, None, ("access", "a", "level"), "read"),
    ({"a": {"tables": ["users"], "level": "streamRead"}}, {"users": USERS}, ("access", "a", "tables", 0),
     "has no stream to read"),
    ({"a": {"tables": ["users"], "level": "read", "leadingKeys": "alice"}}, None, ("access", "a", "leadingKeys"),
     "an IAM policy variable"),
    ({"a": {"tables": ["users"], "level": "read", "attributes": ["name"]}}, None, ("access", "a", "attributes"),
     "misses key attribute(s) id, email"),
    ({"a": {"tables": ["users"], "level": "streamRead", "leadingKeys": "${aws:userid}"}}, None,
     ("access", "a", "leadingKeys"), "restrict nothing"),
    ({"a": {"tables": [], "level": "read"}}, None, ("access", "a", "tables"), "at least 1"),
    ({"a": {"tables": ["users", "users"], "level": "read"}}, None, ("access", "a", "tables"), "listed twice"),
    ({"bad name!": {"tables": ["users"], "level": "read"}}, None, ("access", "bad name!"), "IAM policy name"),
    ({"a": {"tables": ["users"], "level": "read", "leadingkeys": "${aws:userid}"}}, None,
     ("access", "a", "leadingkeys"), "leadingKeys"),
    ({"a" * 110: {"tables": ["users"], "level": "read"}}, None, ("access", "a" * 110), "IAM policy name"),
    ({"a": {"tables": ["users"], "level": "read", "attributes": ["id", "email", "名前"]}}, None,
     ("access", "a", "attributes", 2), "IAM policy"),
    ({"Readers": {"tables": ["users"], "level": "read"}, "readers": {"tables": ["users"], "level": "read"}}, None,
     ("access", "readers"), "differ only in case"),
])
def test_bad_access_entries_are_refused_with_their_key_and_a_fix(access, tables, path, words):
    found = problems(tables or {"users": USERS_WITH_INDEX}, access=access)
    assert any(p.path == path and words in f"{p.reason} {p.fix}" for p in found), [(p.path, p.reason) for p in found]
    assert all(p.fix for p in found)


def test_a_policy_too_large_for_iam_is_refused():
    tables = {f"table{n:02d}": {**USERS, "replicas": ["eu-west-1", "us-west-2"],
                                "globalSecondaryIndexes": {f"Index{i}": {"hashKey": "email"} for i in range(5)}}
              for n in range(12)}
    found = problems(tables, access={"all": {"tables": sorted(tables), "level": "readWrite"}})
    assert any(p.path == ("access", "all") and "6144 in a managed policy" in p.reason for p in found)


def test_a_default_in_leading_keys_is_warned_about():
    shared = "${aws:PrincipalTag/user, 'shared'}"
    config = parse({"users": USERS_WITH_INDEX}, access={"app": {"tables": ["users"], "level": "read", "leadingKeys": shared}})
    assert any("every caller without that key reaches the items of partition 'shared'" in w for w in config.warnings)


def test_attributes_listed_twice_are_refused():
    found = problems({"users": USERS_WITH_INDEX},
                     access={"a": {"tables": ["users"], "level": "read", "attributes": ["id", "email", "id"]}})
    assert any(p.path == ("access", "a", "attributes") and "id listed twice" in p.reason for p in found)
