"""`dax`: a DAX cluster in front of chosen tables (issue 10, item 2): encrypted at rest, TLS
endpoints, its subnet and parameter groups, the role DAX assumes with exactly those tables, its
alarms and dashboard row, and every refusal with its key path and a fix."""

import json
from pathlib import Path

import pytest
from botocore.loaders import create_loader

import policy
from components.config.limits import (DAX_CLUSTER_NAME, DAX_NODE_TYPES, DAX_REGIONS, DAX_UNENCRYPTABLE_FAMILIES,
                                     KNOWN_REGIONS)
from components.dax_policy import DAX_ROLE_ACTIONS, dax_role_document
from components.monitoring.catalogue import WatchedCluster, cluster_alarms
from components.monitoring.dashboard import DAX_ROW, cluster_row
from pipeline.mock_engine import run_program
from tests.botocore_shapes import request_problems
from tests.planned_requests import requests
from tests.conftest import PROJECT, USERS, named, parse, problems, settings_for, synth_tables

CLUSTER, SUBNET_GROUP, PARAMETER_GROUP = ("aws:dax/cluster:Cluster", "aws:dax/subnetGroup:SubnetGroup",
                                          "aws:dax/parameterGroup:ParameterGroup")
ROLE, ROLE_POLICY = "aws:iam/role:Role", "aws:iam/rolePolicy:RolePolicy"
ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
DASHBOARD = "aws:cloudwatch/dashboard:Dashboard"
SUBNETS = ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1", "subnet-01234567"]
SECURITY_GROUP = "sg-0123456789abcdef0"
DAX = {"tables": ["users"], "nodeType": "dax.r5.large", "subnetIds": SUBNETS, "securityGroupIds": [SECURITY_GROUP]}
USERS_INDEXED = {"attributes": {"id": "S", "at": "S", "email": "S"}, "hashKey": "id", "rangeKey": "at",
                 "globalSecondaryIndexes": {"EmailIndex": {"hashKey": "email"}},
                 "localSecondaryIndexes": {"ByEmail": {"rangeKey": "email"}}}
TABLES = {"users": USERS_INDEXED, "orders": USERS}
TABLE_ARN = "arn:aws:dynamodb:ap-southeast-1:[account]:table/koneksi-staging-users"
# The DynamoDB developer guide's actions for the DAX service role ("Creating an IAM role for DAX").
AWS_DAX_ROLE_ACTIONS = {"dynamodb:DescribeTable", "dynamodb:PutItem", "dynamodb:GetItem", "dynamodb:UpdateItem",
                        "dynamodb:DeleteItem", "dynamodb:Query", "dynamodb:Scan", "dynamodb:BatchGetItem",
                        "dynamodb:BatchWriteItem", "dynamodb:ConditionCheckItem"}


def synth(dax=None, tables=None, **stack_keys):
    return synth_tables(tables or TABLES, dax={**DAX, **(dax or {})}, **stack_keys)


@pytest.fixture(scope="module")
def plan():
    return synth()


def role_document(plan):
    [role_policy] = plan.resources(ROLE_POLICY)
    return {s["Sid"]: s for s in json.loads(role_policy["inputs"]["policy"])["Statement"]}


# --- the cluster, through the whole program ---------------------------------------------------

def test_the_cluster_is_encrypted_at_rest_and_serves_tls_only(plan):
    cluster = named(plan, CLUSTER, "dax-cluster")["inputs"]
    assert cluster["serverSideEncryption"] == {"enabled": True}
    assert cluster["clusterEndpointEncryptionType"] == "TLS"
    assert {k: cluster[k] for k in ("clusterName", "nodeType", "replicationFactor", "securityGroupIds")} == {
        "clusterName": "koneksi-staging", "nodeType": "dax.r5.large", "replicationFactor": 3,
        "securityGroupIds": [SECURITY_GROUP]}
    assert "kmsKeyArn" not in cluster["serverSideEncryption"]  # DAX takes no customer key


def test_the_cluster_runs_in_its_subnet_group_with_its_parameter_group(plan):
    cluster = named(plan, CLUSTER, "dax-cluster")
    subnets, parameters = named(plan, SUBNET_GROUP, "dax-subnets"), named(plan, PARAMETER_GROUP, "dax-parameters")
    assert subnets["inputs"]["subnetIds"] == SUBNETS
    assert cluster["inputs"]["subnetGroupName"] == subnets["inputs"]["name"] == "koneksi-staging"
    assert cluster["inputs"]["parameterGroupName"] == parameters["inputs"]["name"] == "koneksi-staging"
    assert {subnets["urn"], parameters["urn"]} <= set(cluster["dependencies"])
    # AWS's defaults: five minutes in both caches.
    assert parameters["inputs"]["parameters"] == [{"name": "query-ttl-millis", "value": "300000"},
                                                  {"name": "record-ttl-millis", "value": "300000"}]


def test_the_parameter_group_takes_the_ttls_written():
    plan = synth({"parameterGroup": {"queryTtlMillis": 0, "recordTtlMillis": "600000"}})
    assert named(plan, PARAMETER_GROUP, "dax-parameters")["inputs"]["parameters"] == [
        {"name": "query-ttl-millis", "value": "0"}, {"name": "record-ttl-millis", "value": "600000"}]


def test_the_role_is_dax_s_and_grants_exactly_the_cached_tables_and_their_indexes(plan):
    role = named(plan, ROLE, "dax-role")
    assert json.loads(role["inputs"]["assumeRolePolicy"])["Statement"] == [
        {"Effect": "Allow", "Principal": {"Service": "dax.amazonaws.com"}, "Action": "sts:AssumeRole"}]
    assert role["inputs"]["name"] == "koneksi-staging-dynamodb-dax"
    statements = role_document(plan)
    assert set(statements["CachedTables"]["Action"]) == AWS_DAX_ROLE_ACTIONS
    assert statements["CachedTables"]["Resource"] == [TABLE_ARN]  # not orders
    assert statements["CachedTablesIndexes"]["Action"] == ["dynamodb:Query", "dynamodb:Scan"]
    assert statements["CachedTablesIndexes"]["Resource"] == [f"{TABLE_ARN}/index/EmailIndex",
                                                             f"{TABLE_ARN}/index/ByEmail"]
    cluster = named(plan, CLUSTER, "dax-cluster")
    [role_policy] = plan.resources(ROLE_POLICY)
    assert role_policy["urn"] in cluster["dependencies"]  # DAX checks its access when the cluster is created
    assert named(plan, "aws:dynamodb/table:Table", "users-table")["urn"] in role_policy["dependencies"]


def test_the_role_grants_the_cached_tables_in_the_clusters_region_only():
    plan = synth(tables={"users": {**USERS, "replicas": ["eu-west-1"]}})
    assert role_document(plan)["CachedTables"]["Resource"] == [TABLE_ARN]
    assert "CachedTablesIndexes" not in role_document(plan)


def test_the_cluster_is_not_protected_even_in_prod():
    """A cache holds no data of record: the tables are protected, the cluster is not."""
    plan = synth(stack="prod")
    for type_ in (CLUSTER, SUBNET_GROUP, PARAMETER_GROUP, ROLE, ROLE_POLICY):
        [resource] = plan.resources(type_) if type_ != ROLE else [named(plan, ROLE, "dax-role")]
        assert (resource["protect"], resource["retainOnDelete"]) == (False, False), type_
    assert named(plan, "aws:dynamodb/table:Table", "users-table")["protect"] is True


def test_the_stack_outputs_the_clusters_endpoints_and_arn(plan):
    assert plan.outputs["dax"] == {"clusterName": "koneksi-staging", "arn": "[unknown]", "clusterAddress": "[unknown]",
                                   "configurationEndpoint": "[unknown]", "port": "[unknown]", "roleArn": "[unknown]"}


def test_no_dax_no_cluster():
    plan = synth_tables(TABLES)
    assert not plan.resources(CLUSTER) and "dax" not in plan.outputs


def test_the_cluster_name_is_the_stack_prefix_in_lowercase_unless_set():
    plan = synth(project="Acme", environment="QA")
    assert named(plan, CLUSTER, "dax-cluster")["inputs"]["clusterName"] == "acme-qa"
    plan = synth({"clusterName": "orders-cache"})
    assert {r["inputs"]["name"] for r in [*plan.resources(SUBNET_GROUP), *plan.resources(PARAMETER_GROUP)]} == {
        "orders-cache"}
    assert named(plan, CLUSTER, "dax-cluster")["inputs"]["clusterName"] == "orders-cache"
    assert {a["inputs"]["name"] for a in plan.resources(ALARM) if a["inputs"].get("namespace") == "AWS/DAX"} == {
        "orders-cache-dax-fault-requests", "orders-cache-dax-throttled-requests", "orders-cache-dax-cpu-utilization"}


# --- the component on its own ----------------------------------------------------------------

COMPONENT_PROGRAM = '''
import pulumi
from components.config.reader import read_stack_config
from components.context import base_context
from components.dax import DaxCluster
from components.table import TableArns

config = read_stack_config()
ctx = base_context(config).with_(alarm_topic_arn="arn:aws:sns:ap-southeast-1:123456789012:ops")
handed_out = {key: TableArns(table=f"handed-out:{key}", indexes={"AnyIndex": f"handed-out:{key}/AnyIndex"},
                             stream=None, replicas={}) for key in config.tables}
pulumi.export("dax", DaxCluster(ctx, config.dax, handed_out).outputs)
'''


def test_the_component_on_its_own_grants_what_the_tables_hand_out(tmp_path: Path):
    """Given ARNs no config could derive, the role grants exactly those: it rebuilds nothing."""
    (tmp_path / "__main__.py").write_text(COMPONENT_PROGRAM)
    plan = run_program(tmp_path, PROJECT, "staging", settings_for(TABLES, dax={**DAX, "tables": ["orders", "users"]}))
    statements = role_document(plan)
    assert statements["CachedTables"]["Resource"] == ["handed-out:orders", "handed-out:users"]
    assert statements["CachedTablesIndexes"]["Resource"] == ["handed-out:orders/AnyIndex", "handed-out:users/AnyIndex"]
    assert {r["type"] for r in plan.resources()} == {"koneksi:dynamodb:Dax", "pulumi:providers:aws", CLUSTER,
                                                      SUBNET_GROUP, PARAMETER_GROUP, ROLE, ROLE_POLICY, ALARM}
    component = [r for r in plan.resources() if r["type"] == "koneksi:dynamodb:Dax"][0]
    assert all(r.get("parent") == component["urn"] for r in plan.resources() if r["type"] in (CLUSTER, ROLE, ALARM))
    assert all(a["inputs"]["alarmActions"] == ["arn:aws:sns:ap-southeast-1:123456789012:ops"]
               for a in plan.resources(ALARM))


def test_the_role_document_on_its_own():
    document = dax_role_document(["t"], [])
    assert document == {"Version": "2012-10-17", "Statement": [
        {"Sid": "CachedTables", "Effect": "Allow", "Action": sorted(AWS_DAX_ROLE_ACTIONS), "Resource": ["t"]}]}
    assert set(DAX_ROLE_ACTIONS) == AWS_DAX_ROLE_ACTIONS


# --- policies --------------------------------------------------------------------------------

@pytest.mark.parametrize("stack_keys", [{}, {"stack": "prod"}, {"stack": "prod", "compliance": "fedramp-high"}],
                         ids=["staging", "prod", "fedramp-high"])
def test_the_policy_pack_finds_nothing_wrong_with_the_cluster(stack_keys):
    tables = TABLES if stack_keys.get("compliance") != "fedramp-high" else {
        key: {**table, "replicas": ["eu-west-1"]} for key, table in TABLES.items()}
    plan = synth(tables=tables, **stack_keys)
    dax_urns = {r["urn"] for r in plan.resources() if "koneksi:dynamodb:Dax" in r["urn"]}
    assert len(dax_urns) > 5
    assert [v for v in policy.evaluate(plan.resources()) if v.urn in dax_urns] == []


def test_the_policy_pack_reads_the_cluster(plan):
    """Not vacuous: the same plan with the cluster unencrypted breaks DynamoDB.3 and .7."""
    cluster = named(plan, CLUSTER, "dax-cluster")
    unencrypted = {**cluster, "inputs": {**cluster["inputs"], "serverSideEncryption": {"enabled": False},
                                         "clusterEndpointEncryptionType": "NONE"}}
    resources = [unencrypted if r is cluster else r for r in plan.resources()]
    assert {v.control for v in policy.evaluate(resources) if v.urn == cluster["urn"]} == {"DynamoDB.3", "DynamoDB.7"}


def test_the_role_policy_has_no_wildcard(plan):
    for statement in role_document(plan).values():
        assert not any("*" in action for action in statement["Action"])
        assert all(arn.startswith("arn:aws:dynamodb:ap-southeast-1:") and "*" not in arn
                   for arn in statement["Resource"])


# --- alarms and the dashboard ----------------------------------------------------------------

def dax_alarms(plan):
    return {a["inputs"]["name"]: a for a in plan.resources(ALARM) if a["inputs"].get("namespace") == "AWS/DAX"}


def test_basic_alarms_watch_faults_throttles_and_cpu_in_the_dax_namespace(plan):
    alarms = dax_alarms(plan)
    assert set(alarms) == {"koneksi-staging-dax-fault-requests", "koneksi-staging-dax-throttled-requests",
                           "koneksi-staging-dax-cpu-utilization"}
    fault = alarms["koneksi-staging-dax-fault-requests"]["inputs"]
    # AWS's example alarm ("Creating CloudWatch alarms to monitor DAX"): Sum > 0 over one minute.
    assert {k: fault[k] for k in ("metricName", "dimensions", "statistic", "period", "evaluationPeriods",
                                  "comparisonOperator", "threshold", "treatMissingData")} == {
        "metricName": "FaultRequestCount", "dimensions": {"ClusterId": "koneksi-staging"}, "statistic": "Sum",
        "period": 60, "evaluationPeriods": 1, "comparisonOperator": "GreaterThanThreshold", "threshold": 0,
        "treatMissingData": "notBreaching"}
    cpu = alarms["koneksi-staging-dax-cpu-utilization"]
    assert (cpu["inputs"]["statistic"], cpu["inputs"]["threshold"]) == ("Maximum", 80)
    assert named(plan, CLUSTER, "dax-cluster")["urn"] in cpu["dependencies"]  # waits for the cluster
    topic = named(plan, "aws:sns/topic:Topic", "koneksi-staging-dynamodb-alarms")["urn"]
    assert all(topic in a["dependencies"] for a in alarms.values())


def test_enhanced_alarms_add_cache_memory_and_user_errors_with_the_thresholds_written():
    plan = synth({"alarms": {"cacheMemoryUtilizationPercent": 75, "errorRequests": 3}}, alarms={"level": "enhanced"})
    alarms = dax_alarms(plan)
    assert len(alarms) == 5
    memory = alarms["koneksi-staging-dax-cache-memory-utilization"]["inputs"]
    assert (memory["metricName"], memory["statistic"], memory["threshold"]) == ("CacheMemoryUtilization", "Maximum", 75)
    assert alarms["koneksi-staging-dax-error-requests"]["inputs"]["threshold"] == 3


def test_the_checked_alarm_names_are_the_alarms_built():
    config = parse(TABLES, dax=DAX, alarms={"level": "enhanced"})
    checked = {d.name for d in config.dax_derived_names() if d.unique_among == "alarm names"}
    assert checked == set(dax_alarms(synth(alarms={"level": "enhanced"})))


def test_the_dashboard_has_a_row_for_the_cluster(plan):
    body = json.loads(plan.resources(DASHBOARD)[0]["inputs"]["dashboardBody"])
    widgets = [w for w in body["widgets"] if w["properties"]["title"].startswith(DAX_ROW)]
    assert [w["properties"]["title"] for w in widgets] == [
        "dax: koneksi-staging CPU and cache memory", "dax: koneksi-staging requests",
        "dax: koneksi-staging cache hits and misses", "dax: koneksi-staging size and connections"]
    lines = [line for w in widgets for line in w["properties"]["metrics"]]
    assert all(line[:1] == ["AWS/DAX"] and line[2:4] == ["ClusterId", "koneksi-staging"] for line in lines)
    assert {line[1] for line in lines} >= {"CPUUtilization", "CacheMemoryUtilization", "ThrottledRequestCount",
                                           "ErrorRequestCount", "FaultRequestCount", "EvictedSize"}
    assert len({w["y"] for w in widgets}) == 1  # one row


def test_the_row_and_the_alarms_read_the_same_metrics():
    cluster = WatchedCluster("c", "c")
    drawn = {(line[0], line[1], line[-1]["stat"]) for widget in cluster_row(cluster) for line in
             (line.render() for line in widget.lines)}
    watched = {(spec.watched.namespace, spec.watched.name, spec.watched.statistic)
               for spec in cluster_alarms(cluster, "comprehensive")}
    assert watched <= drawn


# --- what AWS's API takes --------------------------------------------------------------------

def test_the_requests_the_provider_makes_fit_the_dax_and_iam_models(plan):
    """The requests mapped as for every example (tests/planned_requests.py), checked against
    botocore's dax and iam models."""
    calls = [call for call in requests(plan).calls if call.service == "dax" or call.operation == "PutRolePolicy"]
    assert {call.operation for call in calls} == {"CreateCluster", "CreateSubnetGroup", "CreateParameterGroup",
                                                  "UpdateParameterGroup", "PutRolePolicy"}
    assert [problem for call in calls for problem in request_problems(call.service, call.operation, call.params)] == []


def test_dax_regions_are_those_botocore_lists_a_dax_endpoint_for():
    partitions = create_loader().load_data("endpoints")["partitions"]
    listed = {region for partition in partitions for region in partition["services"].get("dax", {}).get(
        "endpoints", {}) if region in partition["regions"]}
    assert set(DAX_REGIONS) == listed and set(DAX_REGIONS) <= set(KNOWN_REGIONS)


def test_the_cluster_name_rule_is_the_api_references():
    for good in ("a", "koneksi-prod", "a1-b2", "a" * 20):
        assert DAX_CLUSTER_NAME.problem(good) == "", good
    for bad in ("", "a" * 21, "1abc", "-abc", "abc-", "a--b", "Abc", "a_b", "a.b"):
        assert DAX_CLUSTER_NAME.problem(bad), bad


@pytest.mark.parametrize("node_type", [f"dax.{family}.{size}" for family, sizes in DAX_NODE_TYPES.items()
                                       for size in sizes if family not in DAX_UNENCRYPTABLE_FAMILIES])
def test_every_known_node_type_that_encrypts_is_accepted(node_type):
    assert parse(TABLES, dax={**DAX, "nodeType": node_type}).dax.node_type == node_type


def test_r3_nodes_are_refused_since_they_cannot_be_encrypted_at_rest():
    [problem] = problems(TABLES, dax={**DAX, "nodeType": "dax.r3.large"})
    assert problem.path == ("dax", "nodeType") and "cannot be encrypted at rest" in problem.reason
    assert problem.fix == "use dax.r5.large"


# --- refusals --------------------------------------------------------------------------------

REFUSED = [
    ("node type without the dax prefix", dict(nodeType="r5.large"), {}, ("dax", "nodeType"), "dax.<family>.<size>"),
    ("unknown node family", dict(nodeType="dax.r6g.large"), {}, ("dax", "nodeType"), "no family 'r6g'"),
    ("unknown node size", dict(nodeType="dax.t3.large"), {}, ("dax", "nodeType"), "dax.t3.small, dax.t3.medium"),
    ("no nodes", dict(replicationFactor=0), {}, ("dax", "replicationFactor"), "at least 1"),
    ("more nodes than the API takes", dict(replicationFactor=11), {}, ("dax", "replicationFactor"), "at most 10"),
    ("one node in prod", dict(replicationFactor=1), dict(stack="prod"), ("dax", "replicationFactor"),
     "set replicationFactor to 3 or more"),
    ("two nodes in fedramp-moderate", dict(replicationFactor=2), dict(compliance="fedramp-moderate"),
     ("dax", "replicationFactor"), "AWS recommends at least 3"),
    ("malformed subnet id", dict(subnetIds=["subnet-xyz"]), {}, ("dax", "subnetIds", 0), "subnet-0123456789abcdef0"),
    ("a security group among the subnets", dict(subnetIds=[SUBNETS[0], SECURITY_GROUP]), {}, ("dax", "subnetIds", 1),
     "not a subnet id"),
    ("subnet id of 9 digits", dict(subnetIds=["subnet-012345678"]), {}, ("dax", "subnetIds", 0), "not a subnet id"),
    ("no subnets", dict(subnetIds=[]), {}, ("dax", "subnetIds"), "at least 1"),
    ("more subnets than a subnet group takes", dict(subnetIds=[f"subnet-{n:08x}" for n in range(21)]), {},
     ("dax", "subnetIds"), "at most 20"),
    ("a subnet twice", dict(subnetIds=[SUBNETS[0]] * 2), {}, ("dax", "subnetIds"), "listed twice"),
    ("malformed security group id", dict(securityGroupIds=["sg-1"]), {}, ("dax", "securityGroupIds", 0),
     "sg-0123456789abcdef0"),
    ("a security group twice", dict(securityGroupIds=[SECURITY_GROUP] * 2), {}, ("dax", "securityGroupIds"),
     "listed twice"),
    ("a table not in the stack", dict(tables=["users", "nope"]), {}, ("dax", "tables", 1),
     "use one of: orders, users"),
    ("no tables", dict(tables=[]), {}, ("dax", "tables"), "at least 1"),
    ("a table twice", dict(tables=["users", "users"]), {}, ("dax", "tables"), "listed twice"),
    ("cluster name in capitals", dict(clusterName="Orders"), {}, ("dax", "clusterName"), "characters AWS refuses"),
    ("cluster name with two hyphens", dict(clusterName="orders--cache"), {}, ("dax", "clusterName"), "without '--'"),
    ("cluster name ending in a hyphen", dict(clusterName="orders-"), {}, ("dax", "clusterName"), "trailing '-'"),
    ("cluster name starting with a digit", dict(clusterName="1orders"), {}, ("dax", "clusterName"),
     "starting with a letter"),
    ("cluster name too long", dict(clusterName="o" * 21), {}, ("dax", "clusterName"), "1-20"),
    ("derived cluster name too long", {}, dict(project="koneksi-dynamodb"), ("dax",),
     "set dax.clusterName to 1-20 of a-z, 0-9 and '-', starting with a letter, without '--' or a trailing '-', e.g. "
     "'koneksi-dynamodb-sta'"),
    ("derived cluster name with an underscore", {}, dict(project="ko_nek"), ("dax",), "e.g. 'ko-nek-staging'"),
    ("a region without DAX", {}, dict(region="me-south-1"), ("dax",), "not offered in me-south-1"),
    ("a negative TTL", dict(parameterGroup={"queryTtlMillis": -1}), {}, ("dax", "parameterGroup", "queryTtlMillis"),
     "at least 0"),
    ("a parameter DAX does not have", dict(parameterGroup={"ttl": 1}), {}, ("dax", "parameterGroup", "ttl"),
     "queryTtlMillis, recordTtlMillis"),
    ("a CPU threshold over 100", dict(alarms={"cpuUtilizationPercent": 120}), {},
     ("dax", "alarms", "cpuUtilizationPercent"), "at most 100"),
    ("a misspelt key", dict(nodetype="dax.r5.large"), {}, ("dax", "nodetype"), "did you mean 'nodeType'"),
]


@pytest.mark.parametrize("dax, stack_keys, path, words", [case[1:] for case in REFUSED], ids=[c[0] for c in REFUSED])
def test_bad_dax_settings_are_refused_with_their_key_and_a_fix(dax, stack_keys, path, words):
    stack_keys = dict(stack_keys)
    found = problems(TABLES, stack=stack_keys.pop("stack", "staging"), dax={**DAX, **dax}, **stack_keys)
    assert any(p.path == path and words in f"{p.reason}. Fix: {p.fix}" for p in found), \
        [(p.path, p.reason, p.fix) for p in found]
    assert all(p.fix for p in found)


def test_missing_keys_are_named():
    found = problems(TABLES, dax={"tables": ["users"]})
    assert {p.path for p in found} == {("dax", "nodeType"), ("dax", "subnetIds"), ("dax", "securityGroupIds")}


def test_a_role_policy_too_large_for_iam_is_refused():
    tables = {f"t{n}": {**USERS, "name": f"{n}" + "x" * 250,
                        "globalSecondaryIndexes": {f"Index{i}": {"hashKey": "email"} for i in range(20)}}
              for n in range(2)}
    found = problems(tables, dax={**DAX, "tables": sorted(tables)})
    assert any(p.path == ("dax", "tables") and "IAM allows 10240" in p.reason for p in found), found


def test_every_problem_of_dax_is_reported_in_one_run():
    found = problems(TABLES, dax={**DAX, "nodeType": "dax.x1.large", "subnetIds": ["subnet-1"],
                                  "clusterName": "A", "replicationFactor": 0})
    assert {p.path for p in found} == {("dax", "nodeType"), ("dax", "subnetIds", 0), ("dax", "clusterName"),
                                       ("dax", "replicationFactor")}


# --- warnings --------------------------------------------------------------------------------

def test_prod_warns_when_the_subnets_cannot_span_three_availability_zones():
    config = parse(TABLES, stack="prod", dax={**DAX, "subnetIds": SUBNETS[:2]})
    assert any("dax.subnetIds: DAX puts nodes only in the Availability Zones" in w for w in config.warnings)
    assert not any("dax.subnetIds" in w for w in parse(TABLES, stack="prod", dax=DAX).warnings)


def test_fine_grained_access_to_a_cached_table_warns_that_dax_bypasses_it():
    access = {"app": {"tables": ["users"], "level": "read", "leadingKeys": "${aws:userid}"},
              "plain": {"tables": ["users"], "level": "read"}}
    config = parse(TABLES, dax=DAX, access=access)
    [warning] = [w for w in config.warnings if "DAX" in w]
    assert warning.startswith("koneksi-dynamodb:access.app: requests through the DAX cluster to users")


def test_two_secret_subnets_are_not_the_same_subnet():
    """synth reads every secret as one placeholder: `pulumi up` compares their values."""
    config = parse(TABLES, dax={**DAX, "subnetIds": ["[secret]", "[secret]", SUBNETS[0]]})
    assert config.dax.subnet_ids.count("[secret]") == 2
