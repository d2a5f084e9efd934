"""Alarms, notifications and the dashboard (issue 3)."""

import json

import pytest

from components.monitoring.catalogue import WatchedIndex, WatchedTable
from components.monitoring.dashboard import laid_out, pages, table_row
from tests.conftest import KMS_KEY, TABLE, USERS, autoscaled, named, synth_stack, synth_tables

ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
TOPIC = "aws:sns/topic:Topic"
SUBSCRIPTION = "aws:sns/topicSubscription:TopicSubscription"
DASHBOARD = "aws:cloudwatch/dashboard:Dashboard"
TOPIC_ARN = "arn:aws:sns:ap-southeast-1:123456789012:ops"
INDEXED = {**USERS, "globalSecondaryIndexes": {"EmailIndex": {"hashKey": "email"}}}
PROVISIONED = {**INDEXED, "billingMode": "PROVISIONED", "capacity": {"read": autoscaled(), "write": 5}}


def alarms_by_name(plan):
    return {a["inputs"]["name"]: a for a in plan.resources(ALARM)}


@pytest.fixture(scope="module")
def prod():
    return synth_stack("prod")


@pytest.fixture(scope="module")
def staging():
    return synth_stack("staging")


def test_one_encrypted_topic_per_stack_under_the_stack_key(staging):
    [topic] = staging.resources(TOPIC)
    key = named(staging, KMS_KEY, "koneksi-staging-dynamodb-key")
    assert topic["inputs"]["name"] == "koneksi-staging-dynamodb-alarms"
    assert topic["inputs"]["kmsMasterKeyId"] == "[unknown]" and key["urn"] in topic["dependencies"]


def test_the_stack_key_lets_cloudwatch_publish_to_the_encrypted_topic(staging):
    policy = json.loads(named(staging, KMS_KEY, "koneksi-staging-dynamodb-key")["inputs"]["policy"])
    [cloudwatch] = [s for s in policy["Statement"] if s["Principal"] == {"Service": "cloudwatch.amazonaws.com"}]
    assert cloudwatch["Action"] == ["kms:Decrypt", "kms:GenerateDataKey"]
    assert cloudwatch["Condition"] == {"StringEquals": {"aws:SourceAccount": "[account]"}}


def test_email_is_subscribed_to_the_stack_topic():
    plan = synth_tables({"users": USERS}, alarms={"email": "ops@example.com"})
    [subscription] = plan.resources(SUBSCRIPTION)
    assert subscription["inputs"]["protocol"] == "email"
    assert subscription["inputs"]["endpoint"] == "ops@example.com"


def test_an_existing_topic_replaces_the_stack_topic():
    plan = synth_tables({"users": USERS}, alarms={"snsTopicArn": TOPIC_ARN})
    assert not plan.resources(TOPIC) and not plan.resources(KMS_KEY)
    assert all(a["inputs"]["alarmActions"] == [TOPIC_ARN] == a["inputs"]["okActions"] for a in plan.resources(ALARM))
    assert plan.outputs["alarmTopicArn"] == TOPIC_ARN


def test_basic_level_watches_throttles_of_table_and_gsis_and_system_errors():
    plan = synth_tables({"users": INDEXED})
    assert set(alarms_by_name(plan)) == {
        "koneksi-staging-users-read-throttles", "koneksi-staging-users-write-throttles",
        "koneksi-staging-users-EmailIndex-read-throttles", "koneksi-staging-users-EmailIndex-write-throttles",
        "koneksi-staging-users-system-errors"}


@pytest.mark.parametrize("dimension", ["Read", "Write"])
def test_throttle_alarms_follow_the_recommended_alarm(dimension):
    alarms = alarms_by_name(synth_tables({"users": INDEXED}))
    table = alarms[f"koneksi-staging-users-{dimension.lower()}-throttles"]["inputs"]
    assert {k: table[k] for k in ("namespace", "metricName", "dimensions", "statistic", "period", "evaluationPeriods",
                                  "datapointsToAlarm", "comparisonOperator", "threshold", "treatMissingData")} == {
        "namespace": "AWS/DynamoDB", "metricName": f"{dimension}ThrottleEvents",
        "dimensions": {"TableName": "koneksi-staging-users"}, "statistic": "Sum", "period": 60,
        "evaluationPeriods": 5, "datapointsToAlarm": 5, "comparisonOperator": "GreaterThanThreshold",
        "threshold": 0, "treatMissingData": "notBreaching"}
    index = alarms[f"koneksi-staging-users-EmailIndex-{dimension.lower()}-throttles"]["inputs"]
    assert index["dimensions"] == {"TableName": "koneksi-staging-users", "GlobalSecondaryIndexName": "EmailIndex"}


def test_system_errors_alarm_sums_every_operation_with_a_metrics_insights_query():
    """SystemErrors is published per TableName + Operation only: an alarm on TableName alone
    would never have data."""
    alarm = alarms_by_name(synth_tables({"users": USERS}))["koneksi-staging-users-system-errors"]["inputs"]
    assert not {"metricName", "dimensions", "namespace", "statistic"} & set(alarm)
    [query] = alarm["metricQueries"]
    assert query == {"id": "query", "returnData": True, "period": 60, "label": "SystemErrors, all Operation values",
                     "expression": 'SELECT SUM(SystemErrors) FROM SCHEMA("AWS/DynamoDB", Operation, TableName) '
                                   "WHERE TableName = 'koneksi-staging-users'"}
    assert (alarm["datapointsToAlarm"], alarm["evaluationPeriods"], alarm["treatMissingData"]) == (15, 15, "notBreaching")


def test_every_alarm_notifies_the_topic_on_alarm_and_on_ok(prod):
    topic = named(prod, TOPIC, "koneksi-prod-dynamodb-alarms")
    for alarm in prod.resources(ALARM):
        assert alarm["inputs"]["alarmActions"] == alarm["inputs"]["okActions"] == ["[unknown]"]
        assert topic["urn"] in alarm["dependencies"]


def test_enhanced_level_is_the_prod_default_and_adds_latency_capacity_and_account_alarms(prod):
    names = set(alarms_by_name(prod))
    assert {f"koneksi-prod-users-{op}-latency" for op in ("GetItem", "PutItem", "UpdateItem", "Query")} <= names
    assert {"koneksi-prod-users-read-capacity-utilization", "koneksi-prod-users-write-capacity-utilization",
            "koneksi-prod-account-read-capacity-utilization",
            "koneksi-prod-account-write-capacity-utilization"} <= names


def test_latency_alarm_watches_one_operation(prod):
    alarm = alarms_by_name(prod)["koneksi-prod-users-Query-latency"]["inputs"]
    assert alarm["dimensions"] == {"TableName": "koneksi-prod-users", "Operation": "Query"}
    assert (alarm["metricName"], alarm["statistic"], alarm["threshold"]) == ("SuccessfulRequestLatency", "Average", 100)
    assert (alarm["datapointsToAlarm"], alarm["evaluationPeriods"]) == (10, 10)


def test_capacity_alarm_compares_consumed_per_second_with_provisioned(prod):
    alarm = alarms_by_name(prod)["koneksi-prod-users-read-capacity-utilization"]["inputs"]
    queries = {q["id"]: q for q in alarm["metricQueries"]}
    assert queries["consumed"]["metric"]["metricName"] == "ConsumedReadCapacityUnits"
    assert queries["consumed"]["metric"]["stat"] == "Sum"
    assert queries["provisioned"]["metric"]["metricName"] == "ProvisionedReadCapacityUnits"
    assert queries["utilization"] == {"id": "utilization", "returnData": True,
                                      "expression": "100 * (consumed / PERIOD(consumed)) / provisioned",
                                      "label": "percent of provisioned capacity consumed"}
    assert alarm["threshold"] == 80


def test_capacity_alarms_only_for_provisioned_tables():
    plan = synth_tables({"users": USERS}, alarms={"level": "enhanced"})
    assert not [n for n in alarms_by_name(plan) if "users-read-capacity" in n]


def test_account_alarms_use_the_maximum_over_five_minutes(prod):
    alarm = alarms_by_name(prod)["koneksi-prod-account-write-capacity-utilization"]["inputs"]
    assert "dimensions" not in alarm
    assert (alarm["metricName"], alarm["statistic"], alarm["period"]) == (
        "AccountProvisionedWriteCapacityUtilization", "Maximum", 300)
    assert (alarm["threshold"], alarm["datapointsToAlarm"], alarm["treatMissingData"]) == (80, 2, "missing")


def test_thresholds_are_set_per_stack_and_overridden_per_table():
    plan = synth_tables({"users": {**PROVISIONED, "alarms": {"readThrottleEvents": 10}}, "orders": PROVISIONED},
                        alarms={"level": "enhanced", "readThrottleEvents": 3, "latencyMs": 40,
                                "capacityUtilizationPercent": 90, "accountCapacityUtilizationPercent": 70})
    alarms = {name: a["inputs"]["threshold"] for name, a in alarms_by_name(plan).items()}
    assert alarms["koneksi-staging-users-read-throttles"] == 10
    assert alarms["koneksi-staging-users-EmailIndex-read-throttles"] == 10
    assert alarms["koneksi-staging-orders-read-throttles"] == 3
    assert alarms["koneksi-staging-users-write-throttles"] == 0
    assert alarms["koneksi-staging-orders-GetItem-latency"] == 40
    assert alarms["koneksi-staging-orders-read-capacity-utilization"] == 90
    assert alarms["koneksi-staging-account-read-capacity-utilization"] == 70


def test_alarms_are_children_of_their_table_and_wait_only_for_what_they_read():
    plan = synth_tables({"users": INDEXED})
    table = named(plan, TABLE, "users-table")
    index = named(plan, "aws:dynamodb/globalSecondaryIndex:GlobalSecondaryIndex", "users-EmailIndex-index")
    topic = plan.resources(TOPIC)[0]
    alarms = alarms_by_name(plan)
    assert alarms["koneksi-staging-users-read-throttles"]["dependencies"] == sorted([table["urn"], topic["urn"]])
    assert alarms["koneksi-staging-users-EmailIndex-read-throttles"]["dependencies"] == sorted(
        [index["urn"], topic["urn"]])
    assert all(a["parent"] == table["parent"] for a in plan.resources(ALARM))


def test_throttle_alarm_arns_are_table_outputs(prod):
    assert set(prod.outputs["tables"]["users"]) >= {"readThrottleAlarmArn", "writeThrottleAlarmArn"}


def dashboard_body(dashboard):
    return json.loads(dashboard["inputs"]["dashboardBody"])


def drawn_lines(body):
    return [line for widget in body["widgets"] for line in widget["properties"]["metrics"]]


def test_one_dashboard_per_stack_named_with_its_region_covers_every_table_and_gsi():
    plan = synth_tables({"users": INDEXED, "orders": USERS})
    [dashboard] = plan.resources(DASHBOARD)
    # Dashboards are global to the account: the region keeps two regions' stacks apart.
    assert dashboard["inputs"]["dashboardName"] == "koneksi-staging-ap-southeast-1-dynamodb"
    widgets = dashboard_body(dashboard)["widgets"]
    titles = [w["properties"]["title"] for w in widgets]
    assert titles == ["account: capacity utilization", "account: client errors"] + [
        f"koneksi-staging-{t} {kind}" for t in ("users", "orders") for kind in ("capacity", "throttles", "errors", "latency")]
    users_capacity = json.dumps(widgets[2]["properties"]["metrics"])
    assert "ProvisionedReadCapacityUnits" in users_capacity and '"GlobalSecondaryIndexName", "EmailIndex"' in users_capacity
    throttle_metrics = [m[1] for m in widgets[3]["properties"]["metrics"]]
    assert throttle_metrics == ["ReadThrottleEvents", "WriteThrottleEvents"] * 2
    assert plan.outputs["dashboardName"] == "koneksi-staging-ap-southeast-1-dynamodb"


def test_dashboard_draws_what_the_alarms_watch():
    plan = synth_tables({"users": INDEXED})
    lines = drawn_lines(dashboard_body(named(plan, DASHBOARD, "koneksi-staging-dynamodb")))
    drawn = {(line[1], frozenset(zip(line[2:-1:2], line[3:-1:2]))) for line in lines if line[0] == "AWS/DynamoDB"}
    queries = {line[0]["expression"] for line in lines if isinstance(line[0], dict)}
    alarms = [a["inputs"] for a in plan.resources(ALARM)]
    watched = {(a["metricName"], frozenset(a["dimensions"].items())) for a in alarms if "metricName" in a}
    watched_queries = {q["expression"] for a in alarms for q in a.get("metricQueries", []) if "SELECT" in q.get("expression", "")}
    assert watched and watched <= drawn
    assert watched_queries and watched_queries <= queries


def test_a_table_with_twenty_gsis_fits_one_dashboard():
    attributes = {"id": "S", **{f"k{i}": "S" for i in range(20)}}
    table = {"attributes": attributes, "hashKey": "id",
             "globalSecondaryIndexes": {f"Index{i:02d}": {"hashKey": f"k{i}"} for i in range(20)}}
    [dashboard] = synth_tables({"wide": table}).resources(DASHBOARD)
    lines = drawn_lines(dashboard_body(dashboard))
    # capacity (consumed and provisioned, read and write), throttles, conditional checks, latency,
    # and the account's row (read and write utilization, client errors).
    assert len([line for line in lines if line[0] == "AWS/DynamoDB"]) == 21 * 4 + 21 * 2 + 1 + 4 + 3


def test_dashboards_split_where_cloudwatch_limits_widgets_and_metrics():
    """CloudWatch: 500 widgets and 2,500 metrics (hidden ones included) per dashboard."""
    wide = WatchedTable("wide", "wide", tuple(WatchedIndex(f"i{n}", "wide", f"i{n}") for n in range(20)), True)
    small = WatchedTable("small", "small", (), False)
    for tables, expected in (([wide] * 18, [17, 1]), ([small] * 130, [100, 30])):
        grouped = pages([table_row(t) for t in tables])
        assert [len(page) for page in grouped] == expected
        for page in grouped:
            widgets = [widget for row in page for widget in row]
            assert len(widgets) <= 500 and sum(w.metric_count for w in widgets) <= 2500


def test_every_dashboard_is_named_and_listed_in_the_outputs():
    plan = synth_tables({f"t{i:03d}": USERS for i in range(101)})
    names = sorted(d["inputs"]["dashboardName"] for d in plan.resources(DASHBOARD))
    assert names == ["koneksi-staging-ap-southeast-1-dynamodb", "koneksi-staging-ap-southeast-1-dynamodb-2"]
    assert sorted(plan.outputs["dashboardNames"]) == names


def test_a_topic_without_subscriber_is_a_warning():
    plan = synth_tables({"users": USERS})
    assert [d["severity"] for d in plan.diagnostics] == ["warning"]
    assert "nobody is subscribed" in plan.diagnostics[0]["message"]
    assert "koneksi-dynamodb:alarms.email" in plan.diagnostics[0]["message"]
    assert not synth_tables({"users": USERS}, alarms={"email": "ops@example.com"}).diagnostics


def test_comprehensive_adds_client_errors_failed_conditions_ttl_deletions_and_contributor_insights():
    ttl = {**USERS, "attributes": {**USERS["attributes"], "expiresAt": "N"}, "ttlAttribute": "expiresAt"}
    plan = synth_tables({"users": USERS, "sessions": ttl}, alarms={"level": "comprehensive", "userErrors": 5})
    alarms = alarms_by_name(plan)
    enhanced = alarms_by_name(synth_tables({"users": USERS, "sessions": ttl}, alarms={"level": "enhanced"}))
    assert set(alarms) - set(enhanced) == {
        "koneksi-staging-account-user-errors", "koneksi-staging-users-conditional-check-failures",
        "koneksi-staging-sessions-conditional-check-failures", "koneksi-staging-sessions-ttl-deletions"}
    user_errors = alarms["koneksi-staging-account-user-errors"]["inputs"]
    assert "dimensions" not in user_errors  # UserErrors is published for the whole account only
    assert (user_errors["metricName"], user_errors["statistic"], user_errors["period"], user_errors["threshold"],
            user_errors["datapointsToAlarm"]) == ("UserErrors", "Sum", 60, 5, 10)
    ttl_alarm = alarms["koneksi-staging-sessions-ttl-deletions"]["inputs"]
    assert (ttl_alarm["metricName"], ttl_alarm["dimensions"], ttl_alarm["period"], ttl_alarm["threshold"]) == (
        "TimeToLiveDeletedItemCount", {"TableName": "koneksi-staging-sessions"}, 300, 100000)
    insights = plan.resources("aws:dynamodb/contributorInsights:ContributorInsights")
    assert sorted(i["inputs"]["tableName"] for i in insights) == ["koneksi-staging-sessions", "koneksi-staging-users"]


def test_the_dashboard_draws_the_account_row_first():
    plan = synth_tables({"users": USERS}, alarms={"level": "comprehensive"})
    lines = drawn_lines(dashboard_body(plan.resources(DASHBOARD)[0]))
    assert [line[1] for line in lines[:3]] == ["AccountProvisionedReadCapacityUtilization",
                                              "AccountProvisionedWriteCapacityUtilization", "UserErrors"]


def test_a_table_with_replicas_gets_a_fifth_widget_wrapped_inside_the_24_column_grid():
    table = WatchedTable("t", "t", (), False, replica_regions=("us-west-2",))
    widgets = laid_out([table_row(table), table_row(table)], "ap-southeast-1")
    assert all(w["x"] + w["width"] <= 24 for w in widgets)
    assert [(w["x"], w["y"]) for w in widgets[:6]] == [(0, 0), (6, 0), (12, 0), (18, 0), (0, 6), (0, 12)]
    assert widgets[4]["properties"]["title"] == "t replication"
