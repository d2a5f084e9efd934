"""Every derived name is unique where it must be and fits its service's rules (issue 7, items 4
and 5). The check lists names the way the builders make them: a test proves the two agree."""

import pytest

from components.config.limits import ALARM_NAME, DASHBOARD_NAME, KMS_ALIAS, TOPIC_NAME
from tests.conftest import GSI, POLICY, TARGET, USERS, autoscaled, parse, problems, synth_tables

ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
SCALED = {"attributes": {"id": "S", "email": "S"}, "hashKey": "id", "billingMode": "PROVISIONED",
          "capacity": {"read": autoscaled(), "write": autoscaled()},
          "globalSecondaryIndexes": {"byEmail": {"hashKey": "email"}}}


def test_a_gsi_and_a_table_named_alike_are_refused_naming_both():
    """`users` with GSI `byEmail` and a table `users-byEmail` would both make `users-byEmail-read-target`."""
    found = problems({"users": SCALED, "users-byEmail": SCALED})
    [problem] = [p for p in found if p.path == ("tables", "users-byEmail")]
    assert "'users-byEmail-read-target'" in problem.reason
    assert "koneksi-dynamodb:tables.users.globalSecondaryIndexes.byEmail" in problem.reason
    assert "rename one of them" in problem.fix


def test_a_table_keyed_account_cannot_take_the_stacks_account_alarm_names():
    provisioned = {**USERS, "billingMode": "PROVISIONED", "capacity": {"read": 5, "write": 5}}
    [problem] = problems({"account": provisioned}, alarms={"level": "enhanced"})
    assert problem.path == ("tables", "account")
    assert "'koneksi-staging-account-read-capacity-utilization'" in problem.reason
    assert "koneksi-dynamodb:alarms" in problem.reason
    # With basic alarms there are no account alarms, so no clash.
    assert parse({"account": provisioned}).tables["account"].name == "koneksi-staging-account"


def test_derived_alarm_names_must_fit_cloudwatchs_255_characters():
    table = {**USERS, "name": "a" * 240, "globalSecondaryIndexes": {"EmailIndex": {"hashKey": "email"}}}
    found = problems({"users": table})
    assert found and all(p.path == ("tables", "users") and "derived alarm name" in p.reason for p in found)
    assert all("AWS allows 1-255" in p.reason for p in found)


@pytest.mark.parametrize("key, value", [("project", "my.co"), ("environment", "qa.eu"), ("project", "my co")])
def test_project_and_environment_take_only_what_topics_aliases_and_dashboards_accept(key, value):
    [problem] = problems({"users": USERS}, **{key: value})
    assert problem.path == (key,) and "not usable in the names of topics, keys and dashboards" in problem.reason


def test_a_stack_name_with_a_dot_needs_an_explicit_environment():
    [problem] = problems({"users": USERS}, stack="qa.eu")
    assert problem.path == ("environment",) and "set `environment`" in problem.fix
    assert parse({"users": USERS}, stack="qa.eu", environment="qa-eu").environment == "qa-eu"


def test_stack_wide_names_must_fit():
    found = problems({"users": {**USERS, "name": "users"}}, project="p" * 240)
    assert {p.reason.split(" '")[0] for p in found if p.path == ("project",)} == {
        "derived KMS alias", "derived SNS topic name", "derived dashboard name", "derived backup vault name",
        "derived backup plan name", "derived backup selection name", "derived IAM role name"}


def test_the_rules_are_awss():
    assert TOPIC_NAME.problem("a" * 256) == "" and TOPIC_NAME.problem("a" * 257)
    assert TOPIC_NAME.problem("has.dot") and DASHBOARD_NAME.problem("has.dot")
    assert KMS_ALIAS.problem("alias/aws/mine") and not KMS_ALIAS.problem("alias/koneksi-prod-dynamodb")
    assert ALARM_NAME.problem("a" * 256) and not ALARM_NAME.problem("a" * 255)


def test_the_checked_names_are_the_names_the_builders_make():
    """Whatever the check lists for a feature-rich stack is exactly what gets registered."""
    tables = {"users": SCALED, "orders": {**SCALED, "name": "legacy.orders", "contributorInsights": True}}
    config = parse(tables, alarms={"level": "enhanced"})
    checked = {(d.unique_among, d.name) for d in config.derived_names()}
    plan = synth_tables(tables, alarms={"level": "enhanced"})

    def registered(type_):
        return {r["urn"].rsplit("::", 1)[1] for r in plan.resources(type_)}
    assert {name for kind, name in checked if kind == "alarm names"} == {a["inputs"]["name"] for a in plan.resources(ALARM)}
    assert {name for kind, name in checked if kind == "scaling target resources"} == registered(TARGET)
    assert {name for kind, name in checked if kind == "scaling policy resources"} == registered(POLICY)
    assert {name for kind, name in checked if kind is None} == {p["inputs"]["name"] for p in plan.resources(POLICY)}
    assert {name for kind, name in checked if kind == "global secondary index resources"} == registered(GSI)
    assert {name for kind, name in checked if kind == "table names"} == {"koneksi-staging-users", "legacy.orders"}
