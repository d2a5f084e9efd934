"""Each planned resource against its API's model (issue 7, item 5).

The requests of several synthesized stacks (`tests/planned_requests.py`) are validated against
the operations' input shapes in the pinned botocore (`tests/botocore_shapes.py`): required
members, types, enums, min/max and patterns. Rules AWS documents but the models do not carry
(CloudWatch periods, evaluation range, metric queries, dashboard quotas, SNS topic names, KMS
policy size and deletion window, the endpoint policy size, DynamoDB key and projection rules, the
Metrics Insights alarm quota) are checked beside them, each with its source.

The stacks: the shipped `prod`, `staging` and `uat`, every file of `examples/`, and three built
here: `feature-rich` (auto-scaled PROVISIONED table and GSIs with cooldowns, an LSI projecting
INCLUDE, a multi-attribute GSI key, stream, TTL, PITR days, CUSTOMER_MANAGED and key-ARN
encryption, on-demand ceilings, contributor insights, enhanced alarms, an email subscription, a
network with adminRoleArns), `existing-endpoint` (network.endpointId, alarms to an existing
topic, another region) and `at-the-limits` (20 GSIs, 5 LSIs, 4+4 key attributes, 100 INCLUDE
attributes, 255-character attribute names, 50 tags of the longest keys and values).
"""

import json
import re
from typing import Any, Callable, Optional

import pytest
from botocore.validate import ParamValidator

from components.config import limits
from components.errors import ConfigError
from pipeline.mock_engine import ACCOUNT, UNKNOWN, Plan
from tests.botocore_shapes import botocore_service, request_problems
from tests.planned_requests import ACCOUNT_ID, EXAMPLES, KEY_ID, MAPPINGS, STAND_INS, Call, Requests, requests
from tests.conftest import USERS, parse, synth_stack, synth_tables


# --- the stacks ---

FEATURE_RICH = {
    "orders": {
        "attributes": {"pk": "S", "sk": "S", "gsi1pk": "S", "gsi1sk": "N", "lsi1": "S", "t1": "S", "t2": "S",
                       "a": "S", "b": "N", "expires": "N"},
        "hashKey": "pk", "rangeKey": "sk", "billingMode": "PROVISIONED",
        "capacity": {"read": {"min": 5, "max": 500, "targetUtilization": 60, "scaleInCooldown": 300,
                              "scaleOutCooldown": 30},
                     "write": {"min": 2, "max": 50, "targetUtilization": 75}},
        "globalSecondaryIndexes": {
            "ByGsi1": {"hashKey": "gsi1pk", "rangeKey": "gsi1sk", "projection": "ALL"},
            "MultiKey": {"hashKey": ["t1", "t2"], "rangeKey": ["a", "b"], "projection": ["x", "y"],
                         "capacity": {"read": 3, "write": {"min": 1, "max": 10, "scaleInCooldown": 60}}},
        },
        "localSecondaryIndexes": {"ByLsi1": {"rangeKey": "lsi1", "projection": ["x", "y", "z"]}},
        "stream": "NEW_AND_OLD_IMAGES", "ttlAttribute": "expires", "pointInTimeRecovery": {"recoveryPeriodDays": 7},
        "encryption": "CUSTOMER_MANAGED", "contributorInsights": True, "tableClass": "STANDARD_INFREQUENT_ACCESS",
        "replicas": ["us-west-2", {"region": "eu-west-1", "pointInTimeRecovery": False}],
    },
    "events": {
        "attributes": {"id": "S", "ts": "N"}, "hashKey": "id",
        "onDemand": {"maxReadRequestUnits": 1000, "maxWriteRequestUnits": 500},
        "encryption": f"arn:aws:kms:ap-southeast-1:{ACCOUNT_ID}:key/{KEY_ID}",
        "globalSecondaryIndexes": {"ByTs": {"hashKey": "ts", "onDemand": {"maxReadRequestUnits": 100}}},
        "pointInTimeRecovery": False, "alarms": {"latencyMs": 12.5},
    },
}
FEATURE_RICH_STACK = dict(
    backup={"rules": [{"name": "daily", "schedule": "cron(0 5 ? * * *)", "retentionDays": 35},
                      {"name": "monthly.archive", "schedule": "cron(0 3 1 * ? *)", "retentionDays": 400,
                       "coldStorageAfterDays": 30}],
            "copyToRegion": "us-west-2", "manageRegionSettings": True},
    alarms={"level": "enhanced", "email": "ops@example.com", "readThrottleEvents": 3},
    network={"vpcId": "vpc-0123456789abcdef0", "routeTableIds": ["rtb-0123456789abcdef0", "rtb-01234567"],
             "adminRoleArns": [f"arn:aws:iam::{ACCOUNT_ID}:role/deployer"]},
    tags={"CostCenter": "1234", "Team": "platform"},
)
EXISTING_ENDPOINT = {
    "users": {"attributes": {"id": "S"}, "hashKey": "id", "encryption": "AWS_OWNED", "stream": "KEYS_ONLY"},
    "audit": {"attributes": {"id": "S", "at": "N"}, "hashKey": "id", "rangeKey": "at", "encryption": "CUSTOMER_MANAGED",
              "billingMode": "PROVISIONED", "capacity": {"read": 1, "write": 1}},
    "restored": {"attributes": {"pk": "S", "sk": "S", "email": "S", "at": "N"}, "hashKey": "pk", "rangeKey": "sk",
                 "billingMode": "PROVISIONED", "capacity": {"read": {"min": 5, "max": 50}, "write": 5},
                 "globalSecondaryIndexes": {"ByEmail": {"hashKey": "email", "capacity": {"read": 2, "write": 2}}},
                 "localSecondaryIndexes": {"ByAt": {"rangeKey": "at", "projection": "KEYS_ONLY"}},
                 "encryption": "CUSTOMER_MANAGED",
                 "restore": {"sourceName": "koneksi-prod-audit", "pointInTime": "2026-11-01T12:00:00Z"}},
    "restored-latest": {"attributes": {"id": "S", "t1": "S", "t2": "N"}, "hashKey": "id",
                        "globalSecondaryIndexes": {"Multi": {"hashKey": ["t1", "t2"], "projection": ["x"],
                                                             "onDemand": {"maxReadRequestUnits": 50}}},
                        "restore": {"sourceTableArn": f"arn:aws:dynamodb:eu-central-1:{ACCOUNT_ID}:table/users",
                                    "latest": True}},
}
EXISTING_ENDPOINT_STACK = dict(
    region="eu-west-1",
    alarms={"snsTopicArn": f"arn:aws:sns:eu-west-1:{ACCOUNT_ID}:ops-alarms", "level": "enhanced"},
    network={"endpointId": "vpce-0123456789abcdef0"},
)


def _at_the_limits() -> dict:
    """One table at what the config accepts: 20 GSIs, 5 LSIs, 4+4 attribute GSI keys, 100 INCLUDE
    attributes, attribute names of 255 characters, long table and index names."""
    long_attribute = "a" * 255
    attributes = {"pk": "S", "sk": "S", long_attribute: "S", **{f"k{n}": "S" for n in range(8)},
                  **{f"l{n}": "N" for n in range(5)}, **{f"g{n}": "S" for n in range(20)}}
    gsis = {f"{'I' * 110}{n:02d}": {"hashKey": f"g{n}", "projection": [f"p{n}-{m}" for m in range(4)]}
            for n in range(18)}
    gsis["multi-attribute-key-index"] = {"hashKey": [f"k{n}" for n in range(4)],
                                         "rangeKey": [f"k{n}" for n in range(4, 8)],
                                         "projection": [f"q{m:02d}{'x' * 250}" for m in range(20)]}
    gsis["long-attribute-index"] = {"hashKey": long_attribute, "projection": "KEYS_ONLY"}
    # 18 x 4 + 20 + 3 x 2 + 2 x 1 = 100 INCLUDE attributes.
    lsis = {f"lsi-{'L' * 240}-{n}": {"rangeKey": f"l{n}", "projection": [f"r{n}-{m}" for m in range(2 if n < 3 else 1)]}
            for n in range(5)}
    return {"big": {"name": "t" * 120, "attributes": attributes, "hashKey": "pk", "rangeKey": "sk",
                    "billingMode": "PROVISIONED",
                    "capacity": {"read": {"min": 1, "max": 40000}, "write": {"min": 1, "max": 40000}},
                    "globalSecondaryIndexes": gsis, "localSecondaryIndexes": lsis, "stream": "NEW_IMAGE",
                    "ttlAttribute": "t" * 255, "pointInTimeRecovery": {"recoveryPeriodDays": 35},
                    "encryption": "CUSTOMER_MANAGED"}}


LIMITS_STACK = dict(
    project="p" * 20, alarms={"level": "enhanced", "email": "o" * 40 + "@example.com"},
    # With the program's Project, Environment and ManagedBy: 50 tags, the most a resource takes.
    tags={**{"k" * 128: "v" * 256}, **{f"tag-{n}": f"value {n} +-=._:/" for n in range(46)}},
)

STACKS: dict[str, Callable[[], Plan]] = {
    "prod": lambda: synth_stack("prod"),
    "staging": lambda: synth_stack("staging"),
    "uat": lambda: synth_stack("uat"),
    **{f"example-{path.stem}": (lambda path=path: synth_stack("staging", path))
       for path in sorted(EXAMPLES.glob("*.yaml"))},
    "feature-rich": lambda: synth_tables(FEATURE_RICH, **FEATURE_RICH_STACK),
    "existing-endpoint": lambda: synth_tables(EXISTING_ENDPOINT, stack="prod", **EXISTING_ENDPOINT_STACK),
    "at-the-limits": lambda: synth_tables(_at_the_limits(), **LIMITS_STACK),
}


@pytest.fixture(scope="module")
def plans() -> dict[str, Plan]:
    return {name: build() for name, build in STACKS.items()}


@pytest.fixture(scope="module")
def planned(plans) -> dict[str, Requests]:
    return {name: requests(plan) for name, plan in plans.items()}


def calls_of(planned: dict[str, Requests], stack: str, operation: str) -> list[Call]:
    return [call for call in planned[stack].calls if call.operation == operation]


def test_the_stacks_cover_every_resource_type_and_feature(plans, planned):
    types = {r["type"] for plan in plans.values() for r in plan.resources()}
    assert set(MAPPINGS) <= types
    creates = [c.params for c in planned["feature-rich"].calls if c.operation == "CreateTable"]
    assert any("LocalSecondaryIndexes" in p and p.get("StreamSpecification") for p in creates)
    assert {p["SSESpecification"].get("KMSMasterKeyId") for p in creates} == {
        f"arn:aws:kms:ap-southeast-1:{ACCOUNT_ID}:key/{KEY_ID}"}
    assert "dynamodb.CreateTable.SSESpecification.KMSMasterKeyId" in planned["feature-rich"].substituted  # the stack key
    assert any("OnDemandThroughput" in p for p in creates)
    assert any({"ScaleInCooldown", "ScaleOutCooldown"} <= set(c.params["TargetTrackingScalingPolicyConfiguration"])
               for c in calls_of(planned, "feature-rich", "PutScalingPolicy"))
    assert any(p["Projection"].get("NonKeyAttributes") for c in creates for p in c.get("LocalSecondaryIndexes", []))
    assert any(len(c.params["GlobalSecondaryIndexUpdates"][0]["Create"]["KeySchema"]) == 4
               for c in calls_of(planned, "feature-rich", "UpdateTable") if "GlobalSecondaryIndexUpdates" in c.params)
    assert {c.params["ReplicaUpdates"][0]["Create"]["RegionName"] for c in calls_of(planned, "feature-rich", "UpdateTable")
            if "ReplicaUpdates" in c.params} == {"us-west-2", "eu-west-1"}
    assert any("RecoveryPeriodInDays" in c.params["PointInTimeRecoverySpecification"]
               for c in calls_of(planned, "feature-rich", "UpdateContinuousBackups"))
    assert calls_of(planned, "feature-rich", "UpdateTimeToLive") and calls_of(planned, "feature-rich", "Subscribe")
    assert calls_of(planned, "existing-endpoint", "ModifyVpcEndpoint")
    assert "dynamodb:UpdateItem" in calls_of(planned, "feature-rich", "CreateVpcEndpoint")[0].params["PolicyDocument"]


@pytest.mark.parametrize("stack", STACKS)
def test_every_input_of_every_resource_reaches_a_request(planned, stack):
    assert planned[stack].unmapped == []


@pytest.mark.parametrize("stack", STACKS)
def test_only_the_documented_fields_needed_stand_ins(planned, stack):
    assert planned[stack].substituted <= set(STAND_INS)
    for call in planned[stack].calls:
        text = json.dumps(call.params)
        assert UNKNOWN not in text and ACCOUNT not in text, call.label


@pytest.mark.parametrize("stack", STACKS)
def test_every_request_fits_its_botocore_input_shape(planned, stack):
    problems = [f"{call.label}: {problem}" for call in planned[stack].calls
                for problem in request_problems(call.service, call.operation, call.params)]
    assert problems == []


@pytest.mark.parametrize("stack", STACKS)
def test_botocores_own_validator_agrees(planned, stack):
    validator = ParamValidator()
    reports = []
    for call in planned[stack].calls:
        report = validator.validate(call.params, botocore_service(call.service).operation_model(call.operation).input_shape)
        if report.has_errors():
            reports.append(f"{call.label}: {report.generate_report()}")
    assert reports == []


# --- rules AWS documents that the models do not carry ---

def _period_problems(where: str, period: Optional[int]) -> list[str]:
    # CloudWatch API reference, PutMetricAlarm Period (and terraform-provider-aws metric_alarm.go):
    # 10, 20, 30 or any multiple of 60.
    if period is None or period in (10, 20, 30) or period % 60 == 0:
        return []
    return [f"{where}: period {period} is not 10, 20, 30 or a multiple of 60"]


# CloudWatch user guide, "Create alarms on Metrics Insights queries"/PutMetricAlarm Metrics: the
# ids of metric data queries start with a lowercase letter; letters, digits and underscores.
METRIC_ID = re.compile(r"[a-z][a-zA-Z0-9_]*")
TREAT_MISSING_DATA = ("breaching", "notBreaching", "ignore", "missing")  # PutMetricAlarm TreatMissingData


def alarm_rule_problems(call: Call) -> list[str]:
    p, where = call.params, call.label
    problems = _period_problems(where, p.get("Period"))
    metrics = p.get("Metrics") or []
    periods = [p["Period"]] if p.get("Period") else []
    for query in metrics:
        problems += _period_problems(f"{where} query {query['Id']}", query.get("Period"))
        if query.get("MetricStat"):
            problems += _period_problems(f"{where} query {query['Id']}", query["MetricStat"]["Period"])
            periods.append(query["MetricStat"]["Period"])
        if query.get("Period"):
            periods.append(query["Period"])
        if not METRIC_ID.fullmatch(query["Id"]):
            problems.append(f"{where}: metric query id {query['Id']!r} must start with a lowercase letter")
        # terraform-provider-aws metric_query.expression: StringLenBetween(1, 1024).
        if len(query.get("Expression", "")) > 1024:
            problems.append(f"{where}: expression of {query['Id']} has {len(query['Expression'])} characters; "
                            "the provider allows 1024")
        if bool(query.get("Expression")) == bool(query.get("MetricStat")):
            problems.append(f"{where}: query {query['Id']} needs exactly one of Expression and MetricStat")
    if metrics:
        # PutMetricAlarm Metrics: one result (ReturnData true) is the alarm's; at most 10 queries
        # retrieve metrics.
        if sum(bool(q.get("ReturnData")) for q in metrics) != 1:
            problems.append(f"{where}: exactly one metric query must have ReturnData true")
        fetching = sum(bool(q.get("MetricStat")) for q in metrics)
        if fetching > 10:
            problems.append(f"{where}: {fetching} metric queries retrieve a metric; CloudWatch allows 10")
        if {"MetricName", "Namespace", "Statistic", "Dimensions", "Period"} & set(p):
            problems.append(f"{where}: Metrics exclude MetricName, Namespace, Statistic, Dimensions and Period")
        if len({q["Id"] for q in metrics}) != len(metrics):
            problems.append(f"{where}: metric query ids repeat")
    elif not (p.get("MetricName") and p.get("Namespace") and p.get("Period") and p.get("Statistic")):
        problems.append(f"{where}: an alarm on a single metric needs MetricName, Namespace, Period and Statistic")
    # PutMetricAlarm EvaluationPeriods: "the number multiplied by Period cannot be more than 86,400
    # seconds" for periods under an hour; 7 days for hourly ones.
    if periods:
        period = max(periods)
        span = period * p["EvaluationPeriods"]
        if span > (86400 if period < 3600 else 7 * 86400):
            problems.append(f"{where}: {p['EvaluationPeriods']} evaluation periods of {period} s span {span} s")
    if p.get("DatapointsToAlarm", 0) > p["EvaluationPeriods"]:
        problems.append(f"{where}: DatapointsToAlarm exceeds EvaluationPeriods")
    if p.get("TreatMissingData") not in TREAT_MISSING_DATA:
        problems.append(f"{where}: TreatMissingData {p.get('TreatMissingData')!r} is not one of {TREAT_MISSING_DATA}")
    return problems


@pytest.mark.parametrize("stack", STACKS)
def test_alarms_follow_cloudwatchs_documented_rules(planned, stack):
    alarms = calls_of(planned, stack, "PutMetricAlarm")
    assert alarms
    assert [problem for call in alarms for problem in alarm_rule_problems(call)] == []


# CloudWatch user guide, "CloudWatch service quotas": 500 widgets per dashboard, 2,500 metrics per
# dashboard (metrics drawn only as inputs of math count too), 500 metrics per widget.
MAX_DASHBOARD_WIDGETS, MAX_DASHBOARD_METRICS, MAX_WIDGET_METRICS = 500, 2500, 500
# DynamoDB developer guide, "DynamoDB metrics and dimensions", SystemErrors: the Operation values
# it is published for. A Metrics Insights query over SystemErrors by Operation draws one metric each.
SYSTEM_ERROR_OPERATIONS = ("BatchExecuteStatement", "BatchGetItem", "BatchWriteItem", "DeleteItem", "ExecuteStatement",
                           "ExecuteTransaction", "GetItem", "GetRecords", "PutItem", "Query", "Scan",
                           "TransactGetItems", "TransactWriteItems", "UpdateItem")
SYSTEM_ERRORS_QUERY = re.compile(r'SELECT SUM\(SystemErrors\) FROM SCHEMA\("AWS/DynamoDB", Operation, TableName\) .*')


def _is_insights_query(first: Any) -> bool:
    return isinstance(first, dict) and first.get("expression", "").lstrip().upper().startswith("SELECT")


def line_metrics(line: list) -> int:
    """How many metrics a line of a metric widget draws, as the quota counts them."""
    first = line[0]
    if isinstance(first, dict):  # an expression: math draws nothing itself, a query what it selects
        expression = first["expression"]
        if expression.lstrip().upper().startswith("SELECT"):
            assert SYSTEM_ERRORS_QUERY.fullmatch(expression), f"cannot count the metrics of {expression!r}"
            return len(SYSTEM_ERROR_OPERATIONS)
        return 0
    return 1


def dashboard_rule_problems(call: Call) -> list[str]:
    where, name = call.label, call.params["DashboardName"]
    problems = [f"{where}: {broken}" for broken in [limits.DASHBOARD_NAME.problem(name)] if broken]
    body = json.loads(call.params["DashboardBody"])
    widgets = body["widgets"]
    if len(widgets) > MAX_DASHBOARD_WIDGETS:
        problems.append(f"{where}: {len(widgets)} widgets; CloudWatch allows {MAX_DASHBOARD_WIDGETS}")
    total = 0
    for number, widget in enumerate(widgets):
        # CloudWatch API reference, "Dashboard Body Structure and Syntax": width 1-24, height
        # 1-1000, x 0-23 (a widget ends inside the 24 columns).
        if not (1 <= widget.get("width", 6) <= 24 and 1 <= widget.get("height", 6) <= 1000
                and 0 <= widget.get("x", 0) and widget.get("x", 0) + widget.get("width", 6) <= 24):
            problems.append(f"{where}: widget {number} is outside the 24-column grid")
        lines = widget["properties"].get("metrics", [])
        count = sum(line_metrics(line) for line in lines)
        # CloudWatch user guide, "Metrics Insights quotas": one query per GetMetricData call, so
        # one per widget (a dashboard has a widget per query).
        if sum(_is_insights_query(line[0]) for line in lines) > 1:
            problems.append(f"{where}: widget {number} has more than one Metrics Insights query")
        if count > MAX_WIDGET_METRICS:
            problems.append(f"{where}: widget {number} draws {count} metrics; CloudWatch allows {MAX_WIDGET_METRICS}")
        ids = [option["id"] for line in lines for option in line if isinstance(option, dict) and "id" in option]
        if len(set(ids)) != len(ids) or not all(METRIC_ID.fullmatch(i) for i in ids):
            problems.append(f"{where}: widget {number} has repeated or malformed metric ids {ids}")
        total += count
    if total > MAX_DASHBOARD_METRICS:
        problems.append(f"{where}: {total} metrics; CloudWatch allows {MAX_DASHBOARD_METRICS} per dashboard")
    return problems


@pytest.mark.parametrize("stack", STACKS)
def test_dashboards_fit_cloudwatchs_quotas(planned, stack):
    dashboards = calls_of(planned, stack, "PutDashboard")
    assert dashboards
    assert [problem for call in dashboards for problem in dashboard_rule_problems(call)] == []


QUERY = 'SELECT SUM(SystemErrors) FROM SCHEMA("AWS/DynamoDB", Operation, TableName) WHERE TableName = \'t\''


def test_the_dashboard_rules_bite():
    assert line_metrics(["AWS/DynamoDB", "ReadThrottleEvents", "TableName", "t", {"visible": False}]) == 1
    assert line_metrics([{"expression": "m0 / PERIOD(m0)"}]) == 0
    assert line_metrics([{"expression": QUERY}]) == 14
    metric = ["AWS/DynamoDB", "ConsumedReadCapacityUnits", "TableName", "t", {"stat": "Sum", "id": "m0"}]
    widgets = [{"type": "metric", "x": 0, "y": 0, "width": 6, "height": 6,
                "properties": {"metrics": [metric] * 501}},  # 501 metrics, and the id m0 501 times
               {"type": "metric", "x": 20, "y": 0, "width": 6, "height": 6,  # beyond column 24
                "properties": {"metrics": [[{"expression": QUERY}], [{"expression": QUERY}]]}}]
    widgets += [{"type": "metric", "properties": {"metrics": [[{"expression": QUERY}]]}}] * 499  # 14 metrics each
    call = Call("cloudwatch", "PutDashboard", {"DashboardName": "a.b", "DashboardBody": json.dumps(
        {"widgets": widgets})}, "d", "dashboard")
    found = " | ".join(dashboard_rule_problems(call))
    for words in ("has characters AWS refuses", "501 widgets; CloudWatch allows 500", "widget 0 draws 501 metrics", "repeated or malformed",
                  "widget 1 is outside", "more than one Metrics Insights query", "allows 2500 per dashboard"):
        assert words in found


def test_the_alarm_rules_bite():
    bad = Call("cloudwatch", "PutMetricAlarm", {
        "AlarmName": "a", "EvaluationPeriods": 1441, "DatapointsToAlarm": 1442, "TreatMissingData": "ok",
        "Namespace": "AWS/DynamoDB", "Metrics": [
            {"Id": "Upper", "MetricStat": {"Metric": {}, "Period": 45, "Stat": "Sum"}, "ReturnData": True},
            {"Id": "e", "Expression": "x" * 1025, "ReturnData": True},
            *({"Id": f"m{n}", "MetricStat": {"Metric": {}, "Period": 60, "Stat": "Sum"}} for n in range(10))]},
        "a", "alarm")
    found = " | ".join(alarm_rule_problems(bad))
    for words in ("period 45 is not", "must start with a lowercase letter", "has 1025 characters",
                  "exactly one metric query", "11 metric queries retrieve", "Metrics exclude",
                  "span 86460 s", "DatapointsToAlarm exceeds", "TreatMissingData 'ok'"):
        assert words in found


def test_the_dynamodb_rules_bite():
    table = {"TableName": "t", "KeySchema": [{"AttributeName": "a", "KeyType": "RANGE"}],
             "AttributeDefinitions": [{"AttributeName": "a", "AttributeType": "S"},
                                      {"AttributeName": "z", "AttributeType": "S"}],
             "LocalSecondaryIndexes": [{"IndexName": "l", "KeySchema": [{"AttributeName": "b", "KeyType": "HASH"}],
                                        "Projection": {"ProjectionType": "ALL", "NonKeyAttributes": ["c"]}}]}
    index = {"TableName": "t", "AttributeDefinitions": [{"AttributeName": "a", "AttributeType": "S"}],
             "GlobalSecondaryIndexUpdates": [{"Create": {
                 "IndexName": "g", "Projection": {"ProjectionType": "INCLUDE", "NonKeyAttributes": ["x"] * 101},
                 "KeySchema": [{"AttributeName": f"h{n}", "KeyType": "HASH"} for n in range(5)]}}]}
    found = " | ".join(dynamodb_rule_problems([Call("dynamodb", "CreateTable", table, "t", "table"),
                                               Call("dynamodb", "UpdateTable", index, "g", "index")]))
    for words in ("key schema ['RANGE']", "LSI l: NonKeyAttributes go with", "must share the table's HASH",
                  "attribute definitions ['a', 'z']", "key schema ['HASH', 'HASH', 'HASH', 'HASH', 'HASH']",
                  "102 INCLUDE attributes"):
        assert words in found


@pytest.mark.parametrize("stack", STACKS)
def test_topics_keys_and_endpoint_policies_follow_the_documented_rules(planned, stack):
    problems = []
    for call in calls_of(planned, stack, "CreateTopic"):
        # SNS API reference, CreateTopic Name: 1-256 of A-Za-z0-9_- (plus ".fifo" for FIFO topics).
        if not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", call.params["Name"]):
            problems.append(f"{call.label}: topic name {call.params['Name']!r}")
    for call in calls_of(planned, stack, "CreateKey"):
        # KMS developer guide, "Key policies": a key policy document is at most 32 KB.
        policy = call.params["Policy"]
        json.loads(policy)
        if len(policy.encode()) > 32768:
            problems.append(f"{call.label}: key policy of {len(policy.encode())} bytes")
    for call in calls_of(planned, stack, "ScheduleKeyDeletion"):
        # KMS API reference, ScheduleKeyDeletion PendingWindowInDays: 7-30 (botocore says 1-365).
        if not 7 <= call.params.get("PendingWindowInDays", 30) <= 30:
            problems.append(f"{call.label}: deletion window {call.params['PendingWindowInDays']}")
    for call in [*calls_of(planned, stack, "CreateVpcEndpoint"), *calls_of(planned, stack, "ModifyVpcEndpoint")]:
        # AWS PrivateLink guide, endpoint policies: at most 20,480 characters, white space included.
        policy = call.params["PolicyDocument"]
        json.loads(policy)
        if len(policy) > 20480:
            problems.append(f"{call.label}: endpoint policy of {len(policy)} characters")
    for call in calls_of(planned, stack, "CreateVpcEndpoint"):
        # A gateway endpoint serves com.amazonaws.<region>.<service> on route tables, without subnets.
        if call.params["VpcEndpointType"] == "Gateway" and (
                not call.params.get("RouteTableIds") or not re.fullmatch(r"com\.amazonaws\.[a-z0-9-]+\.dynamodb",
                                                                         call.params["ServiceName"])):
            problems.append(f"{call.label}: gateway endpoint without route tables or with service "
                            f"{call.params['ServiceName']}")
    assert problems == []


def _key_problems(where: str, schema: list[dict], most_per_side: int) -> list[str]:
    kinds = [k["KeyType"] for k in schema]
    hashes, ranges = kinds.count("HASH"), kinds.count("RANGE")
    if kinds != ["HASH"] * hashes + ["RANGE"] * ranges or not 1 <= hashes <= most_per_side or ranges > most_per_side:
        return [f"{where}: key schema {kinds} is not 1-{most_per_side} HASH then 0-{most_per_side} RANGE"]
    if len({k["AttributeName"] for k in schema}) != len(schema):
        return [f"{where}: an attribute appears twice in the key schema"]
    return []


def _projection_problems(where: str, projection: dict) -> list[str]:
    # DynamoDB API reference, Projection: NonKeyAttributes only, and then required, with INCLUDE.
    if (projection.get("ProjectionType") == "INCLUDE") != bool(projection.get("NonKeyAttributes")):
        return [f"{where}: NonKeyAttributes go with ProjectionType INCLUDE, and only with it"]
    return []


def dynamodb_rule_problems(stack_calls: list[Call]) -> list[str]:
    """DynamoDB API reference, CreateTable/UpdateTable: the attribute definitions are exactly the
    attributes of the key schemas; a table key is one HASH and at most one RANGE, an LSI shares
    the table's HASH; a GSI key is 1-4 HASH then 0-4 RANGE attributes (multi-attribute keys);
    at most 5 LSIs, 20 GSIs and 100 INCLUDE attributes per table (developer guide, quotas)."""
    problems = []
    indexes: dict[str, list[dict]] = {}  # table -> projections of its LSIs and GSIs
    gsis: dict[str, int] = {}
    for call in stack_calls:
        p, where = call.params, call.label
        if call.operation == "CreateTable":
            schemas = [p["KeySchema"], *(lsi["KeySchema"] for lsi in p.get("LocalSecondaryIndexes", []))]
            problems += _key_problems(where, p["KeySchema"], 1)
            for lsi in p.get("LocalSecondaryIndexes", []):
                problems += _key_problems(f"{where} LSI {lsi['IndexName']}", lsi["KeySchema"], 1)
                problems += _projection_problems(f"{where} LSI {lsi['IndexName']}", lsi["Projection"])
                if lsi["KeySchema"][0] != p["KeySchema"][0] or len(lsi["KeySchema"]) != 2:
                    problems.append(f"{where}: LSI {lsi['IndexName']} must share the table's HASH key and add a RANGE")
            if len(p.get("LocalSecondaryIndexes", [])) > limits.MAX_LSIS:
                problems.append(f"{where}: more than {limits.MAX_LSIS} LSIs")
            indexes.setdefault(p["TableName"], []).extend(lsi["Projection"] for lsi in p.get("LocalSecondaryIndexes", []))
        elif call.operation == "RestoreTableToPointInTime":  # keys and attributes come from the source table
            for gsi in p.get("GlobalSecondaryIndexOverride", []):
                problems += _key_problems(f"{where} GSI {gsi['IndexName']}", gsi["KeySchema"],
                                          limits.MAX_KEY_ATTRIBUTES_PER_SIDE)
                problems += _projection_problems(f"{where} GSI {gsi['IndexName']}", gsi["Projection"])
            for lsi in p.get("LocalSecondaryIndexOverride", []):
                problems += _key_problems(f"{where} LSI {lsi['IndexName']}", lsi["KeySchema"], 1)
                problems += _projection_problems(f"{where} LSI {lsi['IndexName']}", lsi["Projection"])
            overrides = [*p.get("GlobalSecondaryIndexOverride", []), *p.get("LocalSecondaryIndexOverride", [])]
            indexes.setdefault(p["TargetTableName"], []).extend(index["Projection"] for index in overrides)
            gsis[p["TargetTableName"]] = len(p.get("GlobalSecondaryIndexOverride", []))
            continue
        elif call.operation == "UpdateTable" and "GlobalSecondaryIndexUpdates" in p:
            create = p["GlobalSecondaryIndexUpdates"][0]["Create"]
            schemas = [create["KeySchema"]]
            problems += _key_problems(f"{where} GSI {create['IndexName']}", create["KeySchema"],
                                      limits.MAX_KEY_ATTRIBUTES_PER_SIDE)
            problems += _projection_problems(f"{where} GSI {create['IndexName']}", create["Projection"])
            indexes.setdefault(p["TableName"], []).append(create["Projection"])
            gsis[p["TableName"]] = gsis.get(p["TableName"], 0) + 1
            # The table's own definitions are in use by its (and its LSIs') keys; the ones added are the index's.
            table = next(c.params for c in stack_calls
                         if c.operation == "CreateTable" and c.params["TableName"] == p["TableName"])
            schemas += [table["KeySchema"], *(lsi["KeySchema"] for lsi in table.get("LocalSecondaryIndexes", []))]
        else:
            continue
        defined = [a["AttributeName"] for a in p.get("AttributeDefinitions", [])]
        keyed = {k["AttributeName"] for schema in schemas for k in schema}
        if len(set(defined)) != len(defined) or set(defined) != keyed:
            problems.append(f"{where}: attribute definitions {sorted(defined)} are not the key attributes {sorted(keyed)}")
    problems += [f"table {table}: {count} GSIs" for table, count in gsis.items() if count > limits.MAX_GSIS]
    for table, projections in indexes.items():
        included = sum(len(p.get("NonKeyAttributes", [])) for p in projections)
        if included > limits.MAX_INCLUDE_PER_TABLE:
            problems.append(f"table {table}: {included} INCLUDE attributes across its indexes")
    return problems


@pytest.mark.parametrize("stack", STACKS)
def test_tables_and_indexes_follow_dynamodbs_key_rules(planned, stack):
    assert dynamodb_rule_problems(planned[stack].calls) == []


# CloudWatch user guide, "Alarms" > "Limits": "A default of 200 alarms using the Metrics Insights
# query per account per Region" (and "Metrics Insights quotas": "as many as 200 Metrics Insights
# alarms per Region").
MAX_METRICS_INSIGHTS_ALARMS = 200


def metrics_insights_alarms(stack_calls: list[Call]) -> int:
    return sum(any(_is_insights_query({"expression": q.get("Expression", "")}) for q in call.params.get("Metrics", []))
               for call in stack_calls if call.operation == "PutMetricAlarm")


@pytest.mark.parametrize("stack", STACKS)
def test_each_table_gets_one_metrics_insights_alarm(planned, stack):
    tables = sum(call.operation in ("CreateTable", "RestoreTableToPointInTime") for call in planned[stack].calls)
    assert metrics_insights_alarms(planned[stack].calls) == tables <= MAX_METRICS_INSIGHTS_ALARMS


def test_the_config_refuses_more_tables_than_metrics_insights_alarms_allowed(planned):
    per_table = metrics_insights_alarms(planned["prod"].calls) // len(calls_of(planned, "prod", "CreateTable"))
    assert per_table == 1
    fitting = MAX_METRICS_INSIGHTS_ALARMS // per_table
    parse({f"t{n}": USERS for n in range(fitting)})  # as many tables as fit are fine
    with pytest.raises(ConfigError):
        parse({f"t{n}": USERS for n in range(fitting + 1)})


def test_the_limits_stack_reaches_the_limits(planned):
    calls = planned["at-the-limits"].calls
    [create] = [c.params for c in calls if c.operation == "CreateTable"]
    assert len(create["LocalSecondaryIndexes"]) == limits.MAX_LSIS
    gsis = [c.params["GlobalSecondaryIndexUpdates"][0]["Create"] for c in calls
            if c.operation == "UpdateTable" and "GlobalSecondaryIndexUpdates" in c.params]
    assert len(gsis) == limits.MAX_GSIS
    assert sum(len(p["Projection"].get("NonKeyAttributes", [])) for p in [*gsis, *create["LocalSecondaryIndexes"]]) \
        == limits.MAX_INCLUDE_PER_TABLE
    defined = [a["AttributeName"] for c in calls for a in c.params.get("AttributeDefinitions", [])]
    assert max(map(len, defined)) == limits.ATTRIBUTE_NAME_MAX
    assert max(len(p["IndexName"]) for p in [*gsis, *create["LocalSecondaryIndexes"]]) > 240
    assert max(len(c.params["PolicyName"]) for c in calls if c.operation == "PutScalingPolicy") > 240
    assert max(len(c.params["AlarmName"]) for c in calls if c.operation == "PutMetricAlarm") > 240
    tags = create["Tags"]
    assert len(tags) == limits.MAX_TAGS
    assert max(len(t["Key"]) for t in tags) == limits.TAG_KEY_MAX
    assert max(len(t["Value"]) for t in tags) == limits.TAG_VALUE_MAX

