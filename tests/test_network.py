"""The stack's DynamoDB gateway endpoint and its least-privilege policy (issue 3, item 4)."""

import json

import pytest

from tests.conftest import TABLE, USERS, synth_tables

ENDPOINT = "aws:ec2/vpcEndpoint:VpcEndpoint"
NETWORK = {"vpcId": "vpc-0123456789abcdef0", "routeTableIds": ["rtb-0123456789abcdef0", "rtb-89abcdef"]}
SESSIONS = {"attributes": {"id": "S", "at": "N", "kind": "S", "user": "S"}, "hashKey": "id", "rangeKey": "at",
            "stream": "NEW_AND_OLD_IMAGES", "globalSecondaryIndexes": {"ByUser": {"hashKey": "user"}},
            "localSecondaryIndexes": {"ByKind": {"rangeKey": "kind"}}}


@pytest.fixture(scope="module")
def plan():
    return synth_tables({"users": USERS, "sessions": SESSIONS}, network=NETWORK)


def policy_of(plan):
    return json.loads(plan.resources(ENDPOINT)[0]["inputs"]["policy"])


def test_no_network_no_endpoint():
    assert not synth_tables({"users": USERS}).resources(ENDPOINT)


def test_one_gateway_endpoint_on_the_given_route_tables(plan):
    [endpoint] = plan.resources(ENDPOINT)
    assert endpoint["inputs"]["vpcId"] == "vpc-0123456789abcdef0"
    assert endpoint["inputs"]["serviceName"] == "com.amazonaws.ap-southeast-1.dynamodb"
    assert endpoint["inputs"]["vpcEndpointType"] == "Gateway"
    assert endpoint["inputs"]["routeTableIds"] == NETWORK["routeTableIds"]


def test_policy_names_exactly_the_stacks_tables_and_indexes(plan):
    [tables, streams] = policy_of(plan)["Statement"]
    arn = "arn:aws:dynamodb:ap-southeast-1:[account]:table/"
    assert sorted(tables["Resource"]) == sorted([
        f"{arn}koneksi-staging-users", f"{arn}koneksi-staging-sessions",
        f"{arn}koneksi-staging-sessions/index/ByUser", f"{arn}koneksi-staging-sessions/index/ByKind"])
    assert streams["Resource"] == [f"{arn}koneksi-staging-sessions/stream/*"]


def test_policy_allows_only_data_plane_actions_to_the_own_account(plan):
    for statement in policy_of(plan)["Statement"]:
        assert statement["Effect"] == "Allow"
        assert statement["Principal"] == {"AWS": "arn:aws:iam::[account]:root"}
        assert "*" not in statement["Resource"] and all(a.startswith("dynamodb:") for a in statement["Action"])
        assert not {"dynamodb:DeleteTable", "dynamodb:CreateTable", "dynamodb:UpdateTable"} & set(statement["Action"])
    assert "dynamodb:GetItem" in policy_of(plan)["Statement"][0]["Action"]


def test_no_stream_statement_without_streams():
    plan = synth_tables({"users": USERS}, network=NETWORK)
    assert [s["Sid"] for s in policy_of(plan)["Statement"]] == ["StackTables"]


def test_endpoint_waits_for_the_tables_only(plan):
    [endpoint] = plan.resources(ENDPOINT)
    assert endpoint["dependencies"] == sorted(t["urn"] for t in plan.resources(TABLE))


def test_endpoint_outputs(plan):
    assert plan.outputs["vpcEndpointId"] == "[unknown]"
    assert "vpcEndpointDnsEntries" in plan.outputs


def test_partition_follows_the_region():
    plan = synth_tables({"users": USERS}, network=NETWORK, region="cn-north-1")
    assert policy_of(plan)["Statement"][0]["Resource"][0].startswith("arn:aws-cn:dynamodb:cn-north-1:")


def test_synth_text_shows_what_the_endpoint_policy_allows(capsys, tmp_path):
    from pipeline.__main__ import main
    stack_file = tmp_path / "Pulumi.staging.yaml"
    stack_file.write_text("config:\n  aws:region: ap-southeast-1\n"
                          "  koneksi-dynamodb:network: {vpcId: vpc-01234567, routeTableIds: [rtb-01234567]}\n"
                          "  koneksi-dynamodb:tables:\n    users: {attributes: {id: S}, hashKey: id}\n")
    assert main(["synth", "--stack", "staging", "--config", str(stack_file), "--json"]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "arn:aws:dynamodb:ap-southeast-1:[account]:table/koneksi-staging-users" in out
    assert main(["synth", "--stack", "staging", "--config", str(stack_file)]) == 0
    text = " ".join(capsys.readouterr().out.split())
    assert "policy allows 10 actions on arn:aws:dynamodb:ap-southeast-1:[account]:table/koneksi-staging-users" in text
