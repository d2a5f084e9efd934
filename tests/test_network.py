"""The stack's DynamoDB gateway endpoint and its policy (issue 3, item 4; issue 7, item 1)."""

import json

import pytest

from components.dynamodb_actions import ACCOUNT_LIST_AND_DESCRIBE, DATA, TABLE as ADMIN_ACTIONS
from tests.conftest import TABLE, USERS, problems, synth_tables

ENDPOINT = "aws:ec2/vpcEndpoint:VpcEndpoint"
ENDPOINT_POLICY = "aws:ec2/vpcEndpointPolicy:VpcEndpointPolicy"
NETWORK = {"vpcId": "vpc-0123456789abcdef0", "routeTableIds": ["rtb-0123456789abcdef0", "rtb-89abcdef"]}
DEPLOYER = "arn:aws:iam::123456789012:role/deployer"
SESSIONS = {"attributes": {"id": "S", "at": "N", "kind": "S", "user": "S"}, "hashKey": "id", "rangeKey": "at",
            "stream": "NEW_AND_OLD_IMAGES", "globalSecondaryIndexes": {"ByUser": {"hashKey": "user"}},
            "localSecondaryIndexes": {"ByKind": {"rangeKey": "kind"}}}
ARN = "arn:aws:dynamodb:ap-southeast-1:[account]:table/"


@pytest.fixture(scope="module")
def plan():
    return synth_tables({"users": USERS, "sessions": SESSIONS}, network=NETWORK)


def statements(plan, type_=ENDPOINT):
    [resource] = plan.resources(type_)
    return {s["Sid"]: s for s in json.loads(resource["inputs"]["policy"])["Statement"]}


def test_no_network_no_endpoint():
    assert not synth_tables({"users": USERS}).resources(ENDPOINT)


def test_one_gateway_endpoint_on_the_given_route_tables(plan):
    [endpoint] = plan.resources(ENDPOINT)
    assert endpoint["inputs"]["vpcId"] == "vpc-0123456789abcdef0"
    assert endpoint["inputs"]["serviceName"] == "com.amazonaws.ap-southeast-1.dynamodb"
    assert endpoint["inputs"]["vpcEndpointType"] == "Gateway"
    assert endpoint["inputs"]["routeTableIds"] == NETWORK["routeTableIds"]


def test_the_accounts_principals_are_admitted_by_condition_not_by_a_root_principal(plan):
    """A gateway endpoint's principal must be `*`; `arn:aws:iam::<account>:root` would admit the
    root user only (PrivateLink guide, "Principals for gateway endpoints")."""
    [statement] = statements(plan).values()
    assert statement["Principal"] == "*"
    assert statement["Condition"] == {"StringEquals": {"aws:PrincipalAccount": "[account]"}}
    assert statement["Effect"] == "Allow"


def test_policy_names_exactly_the_stacks_tables_and_indexes_and_no_stream(plan):
    [statement] = statements(plan).values()
    assert sorted(statement["Resource"]) == sorted([
        f"{ARN}koneksi-staging-users", f"{ARN}koneksi-staging-sessions",
        f"{ARN}koneksi-staging-sessions/index/ByUser", f"{ARN}koneksi-staging-sessions/index/ByKind"])
    # Streams never go through a gateway endpoint: a statement for them would mislead.
    assert not any("/stream" in resource for resource in statement["Resource"])


def test_applications_get_the_data_plane_only(plan):
    [statement] = statements(plan).values()
    assert statement["Action"] == list(DATA)
    assert not {"dynamodb:DeleteTable", "dynamodb:CreateTable", "dynamodb:UpdateTable"} & set(statement["Action"])


def test_admin_roles_get_every_table_action_and_the_account_wide_list_calls():
    plan = synth_tables({"users": USERS}, network={**NETWORK, "adminRoleArns": [DEPLOYER]})
    found = statements(plan)
    assert set(found) == {"StackTablesForTheAccount", "AdminRolesOnStackTables", "AdminRolesListAndDescribe"}
    on_tables, listing = found["AdminRolesOnStackTables"], found["AdminRolesListAndDescribe"]
    for statement in (on_tables, listing):
        assert statement["Principal"] == "*"
        assert statement["Condition"] == {"ArnEquals": {"aws:PrincipalArn": [DEPLOYER]}}
    assert on_tables["Action"] == list(ADMIN_ACTIONS)
    assert {"dynamodb:UpdateTable", "dynamodb:DescribeContinuousBackups", "dynamodb:DescribeTimeToLive",
            "dynamodb:ListTagsOfResource"} <= set(on_tables["Action"])
    assert on_tables["Resource"] == [f"{ARN}koneksi-staging-users", f"{ARN}koneksi-staging-users/*"]
    # List and describe calls have no resource type: only "*" matches them.
    assert (listing["Action"], listing["Resource"]) == (list(ACCOUNT_LIST_AND_DESCRIBE), "*")


def test_an_existing_endpoint_gets_only_its_policy_managed():
    plan = synth_tables({"users": USERS}, network={"endpointId": "vpce-0123456789abcdef0"})
    assert not plan.resources(ENDPOINT)
    [policy] = plan.resources(ENDPOINT_POLICY)
    assert policy["inputs"]["vpcEndpointId"] == "vpce-0123456789abcdef0"
    assert statements(plan, ENDPOINT_POLICY)["StackTablesForTheAccount"]["Resource"] == [f"{ARN}koneksi-staging-users"]
    assert plan.outputs["vpcEndpointId"] == "vpce-0123456789abcdef0"


def test_endpoint_waits_for_the_tables_only(plan):
    [endpoint] = plan.resources(ENDPOINT)
    assert endpoint["dependencies"] == sorted(t["urn"] for t in plan.resources(TABLE))


def test_endpoint_outputs(plan):
    assert plan.outputs["vpcEndpointId"] == "[unknown]"


def test_partition_follows_the_region():
    plan = synth_tables({"users": USERS}, network=NETWORK, region="cn-north-1")
    [statement] = statements(plan).values()
    assert statement["Resource"][0].startswith("arn:aws-cn:dynamodb:cn-north-1:")


@pytest.mark.parametrize("network, path, words", [
    ({**NETWORK, "endpointId": "vpce-01234567"}, ("network", "vpcId"), "names an existing one"),
    ({"vpcId": "vpc-01234567"}, ("network", "routeTableIds"), "required"),
    ({"endpointId": "vpce-xyz"}, ("network", "endpointId"), "vpce-0123456789abcdef0"),
    ({**NETWORK, "adminRoleArns": ["deployer"]}, ("network", "adminRoleArns", 0), "arn:aws:iam::"),
    ({**NETWORK, "adminRoleArns": [DEPLOYER, DEPLOYER]}, ("network", "adminRoleArns"), "twice"),
    ({**NETWORK, "adminRoleArns": ["arn:aws-cn:iam::123456789012:role/deployer"]}, ("network", "adminRoleArns", 0),
     "partition"),
])
def test_network_rules(network, path, words):
    found = problems({"users": USERS}, network=network)
    assert any(p.path == path and words in p.reason + p.fix for p in found), found


def test_a_policy_over_awss_size_limit_is_refused_before_deployment():
    """An endpoint policy holds at most 20,480 characters."""
    tables = {f"table{i:03d}": {**USERS, "globalSecondaryIndexes": {"EmailIndex": {"hashKey": "email"}}}
              for i in range(150)}
    [problem] = [p for p in problems(tables, network=NETWORK) if p.path == ("network",)]
    assert "AWS allows 20480" in problem.reason


def test_synth_text_shows_what_the_endpoint_policy_allows(capsys, tmp_path):
    from pipeline.__main__ import main
    stack_file = tmp_path / "Pulumi.staging.yaml"
    stack_file.write_text("config:\n  aws:region: ap-southeast-1\n"
                          "  koneksi-dynamodb:network: {vpcId: vpc-01234567, routeTableIds: [rtb-01234567]}\n"
                          "  koneksi-dynamodb:tables:\n    users: {attributes: {id: S}, hashKey: id}\n")
    assert main(["synth", "--stack", "staging", "--config", str(stack_file)]) == 0
    text = " ".join(capsys.readouterr().out.split())
    assert (f"policy: the account's principals may do {len(DATA)} data-plane actions on "
            f"{ARN}koneksi-staging-users") in text
