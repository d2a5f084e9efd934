"""Every rule of the contract and every DynamoDB limit, one case each: the error names the key
path, says what is wrong and how to fix it (issue 2, item 7)."""

import pytest
from pulumi.runtime import settings as runtime_settings

from components.errors import ConfigError
from tests.conftest import ROOT, USERS, autoscaled, parse, problems, settings_for
from pipeline.mock_engine import run_program

PROVISIONED = {**USERS, "billingMode": "PROVISIONED", "capacity": {"read": 5, "write": 5}}
SORTED = {"attributes": {"pk": "S", "sk": "S", "lsk": "S"}, "hashKey": "pk", "rangeKey": "sk"}
DAX = {"tables": ["users"], "nodeType": "dax.r5.large", "subnetIds": ["subnet-0123456789abcdef0"],
       "securityGroupIds": ["sg-0123456789abcdef0"]}


def gsi(**index):
    return {**USERS, "globalSecondaryIndexes": {"EmailIndex": {"hashKey": "email", **index}}}


def scaled(**overrides):
    return {**PROVISIONED, "capacity": {"read": {**autoscaled(), **overrides}, "write": 5}}


def many_attributes(count):
    return {f"a{i}": "S" for i in range(count)}


# (case, table config, key path below tables.t, words the reason or fix must contain)
TABLE_RULES = [
    ("unknown key, with a suggestion", {**USERS, "hashkey": "id"}, "hashkey", "did you mean 'hashKey'"),
    ("unknown nested key", scaled(targetUtilisation=50), "capacity.read.targetUtilisation", "targetUtilization"),
    ("a list where a map is expected", {**USERS, "attributes": ["id"]}, "attributes", "expected a map"),
    ("a map where a list is expected", gsi(projection={"a": 1}), "globalSecondaryIndexes.EmailIndex.projection",
     "ALL"),
    ("missing attributes", {"hashKey": "id"}, "attributes", "required"),
    ("missing hashKey", {"attributes": {"id": "S"}}, "hashKey", "required"),
    ("attribute type other than S/N/B", {**USERS, "attributes": {"id": "X"}}, "attributes.id", "'S', 'N' or 'B'"),
    ("hash key not among attributes", {**USERS, "hashKey": "nope"}, "hashKey", "add `nope: S`"),
    ("range key not among attributes", {**USERS, "rangeKey": "nope"}, "rangeKey", "not listed in attributes"),
    ("range key equal to hash key", {**USERS, "rangeKey": "id"}, "rangeKey", "must differ"),
    ("name shorter than 3", {**USERS, "name": "ab"}, "name", "3-255 characters"),
    ("name with forbidden characters", {**USERS, "name": "users table"}, "name", "has characters AWS refuses"),
    ("name longer than 255", {**USERS, "name": "a" * 256}, "name", "3-255"),
    ("billing mode unknown", {**USERS, "billingMode": "ON_DEMAND"}, "billingMode", "PAY_PER_REQUEST"),
    ("PROVISIONED without capacity", {**USERS, "billingMode": "PROVISIONED"}, "capacity", "needs capacity"),
    ("capacity on an on-demand table", {**USERS, "capacity": {"read": 5, "write": 5}}, "capacity",
     "PROVISIONED tables only"),
    ("onDemand on a provisioned table", {**PROVISIONED, "onDemand": {"maxReadRequestUnits": 5}}, "onDemand",
     "PAY_PER_REQUEST tables only"),
    ("fixed capacity below 1", {**PROVISIONED, "capacity": {"read": 0, "write": 5}}, "capacity.read",
     "below the minimum of 1"),
    ("capacity missing write", {**PROVISIONED, "capacity": {"read": 5}}, "capacity.write", "required"),
    ("scaling min below 1", scaled(min=0), "capacity.read.min", "below the minimum of 1"),
    ("scaling min above max", scaled(min=200, max=100), "capacity.read.min", "set min to at most 100"),
    ("target utilization below 20", scaled(targetUtilization=10), "capacity.read.targetUtilization", "20"),
    ("target utilization above 90", scaled(targetUtilization=95), "capacity.read.targetUtilization", "90"),
    ("negative scale-in cooldown", scaled(scaleInCooldown=-1), "capacity.read.scaleInCooldown", "0"),
    ("negative scale-out cooldown", scaled(scaleOutCooldown=-5), "capacity.read.scaleOutCooldown", "0"),
    ("on-demand maximum below 1", {**USERS, "onDemand": {"maxWriteRequestUnits": 0}},
     "onDemand.maxWriteRequestUnits", "below the minimum of 1"),
    ("GSI on-demand maximum below 1", gsi(onDemand={"maxReadRequestUnits": 0}),
     "globalSecondaryIndexes.EmailIndex.onDemand.maxReadRequestUnits", "below the minimum of 1"),
    ("GSI capacity on an on-demand table", gsi(capacity={"read": 1, "write": 1}),
     "globalSecondaryIndexes.EmailIndex.capacity", "PROVISIONED tables only"),
    ("GSI onDemand on a provisioned table",
     {**PROVISIONED, "globalSecondaryIndexes": {"EmailIndex": {"hashKey": "email", "onDemand": {}}}},
     "globalSecondaryIndexes.EmailIndex.onDemand", "PAY_PER_REQUEST tables only"),
    ("GSI key not among attributes", gsi(rangeKey="nope"), "globalSecondaryIndexes.EmailIndex.rangeKey",
     "not listed in attributes"),
    ("GSI name too short", {**USERS, "globalSecondaryIndexes": {"ix": {"hashKey": "email"}}},
     "globalSecondaryIndexes.ix", "3-255 characters"),
    ("more than 20 GSIs",
     {"attributes": {"id": "S"}, "hashKey": "id",
      "globalSecondaryIndexes": {f"index{i}": {"hashKey": "id"} for i in range(21)}},
     "globalSecondaryIndexes", "at most 20"),
    ("more than 4 attributes in a multi-attribute key",
     {"attributes": many_attributes(5), "hashKey": "a0",
      "globalSecondaryIndexes": {"WideIndex": {"hashKey": list(many_attributes(5))}}},
     "globalSecondaryIndexes.WideIndex.hashKey", "at most 4"),
    ("an attribute twice in one index key",
     {**USERS, "globalSecondaryIndexes": {"EmailIndex": {"hashKey": ["email"], "rangeKey": ["email"]}}},
     "globalSecondaryIndexes.EmailIndex", "used twice"),
    ("projection other than ALL, KEYS_ONLY or a list", gsi(projection="INCLUDE"),
     "globalSecondaryIndexes.EmailIndex.projection", "'ALL' or 'KEYS_ONLY'"),
    ("more than 20 INCLUDE attributes in one index",
     {**USERS, "globalSecondaryIndexes": {"EmailIndex": {"hashKey": "email",
                                                         "projection": list(many_attributes(21))}}},
     "globalSecondaryIndexes.EmailIndex.projection", "at most 20"),
    ("more than 100 INCLUDE attributes across the indexes, the same attribute counting twice",
     {**USERS, "globalSecondaryIndexes": {f"Index{i}": {"hashKey": "email", "projection": list(many_attributes(17))}
                                          for i in range(6)}},
     "globalSecondaryIndexes", "allows 100 per table"),
    ("LSI without a table sort key",
     {**USERS, "localSecondaryIndexes": {"NameIndex": {"rangeKey": "name"}}}, "localSecondaryIndexes",
     "set rangeKey on the table"),
    ("more than 5 LSIs",
     {**SORTED, "localSecondaryIndexes": {f"local{i}": {"rangeKey": "lsk"} for i in range(6)}},
     "localSecondaryIndexes", "at most 5"),
    ("LSI sort key equal to a table key", {**SORTED, "localSecondaryIndexes": {"SameIndex": {"rangeKey": "sk"}}},
     "localSecondaryIndexes.SameIndex.rangeKey", "must differ"),
    ("LSI missing rangeKey", {**SORTED, "localSecondaryIndexes": {"LsiIndex": {}}},
     "localSecondaryIndexes.LsiIndex.rangeKey", "required"),
    ("index name used by a GSI and an LSI",
     {**SORTED, "globalSecondaryIndexes": {"TwinIndex": {"hashKey": "lsk"}},
      "localSecondaryIndexes": {"TwinIndex": {"rangeKey": "lsk"}}}, "localSecondaryIndexes.TwinIndex",
     "its own name"),
    ("stream view type unknown", {**USERS, "stream": "ALL"}, "stream", "NEW_AND_OLD_IMAGES"),
    ("TTL attribute not a number", {**USERS, "ttlAttribute": "email"}, "ttlAttribute", "TTL needs a Number"),
    ("PITR period of 0 days", {**USERS, "pointInTimeRecovery": {"recoveryPeriodDays": 0}},
     "pointInTimeRecovery.recoveryPeriodDays", "below the minimum of 1"),
    ("PITR period over 35 days", {**USERS, "pointInTimeRecovery": {"recoveryPeriodDays": 36}},
     "pointInTimeRecovery.recoveryPeriodDays", "above the maximum of 35"),
    ("PITR neither bool nor object", {**USERS, "pointInTimeRecovery": "always"}, "pointInTimeRecovery", "true or false"),
    ("encryption neither mode nor key ARN", {**USERS, "encryption": "KMS"}, "encryption", "CUSTOMER_MANAGED"),
    ("table class unknown", {**USERS, "tableClass": "INFREQUENT"}, "tableClass", "STANDARD_INFREQUENT_ACCESS"),
    ("contributor insights not a bool", {**USERS, "contributorInsights": "sometimes"}, "contributorInsights",
     "true or false"),
    ("table alarms take thresholds only", {**USERS, "alarms": {"email": "ops@example.com"}}, "alarms.email",
     "unknown key"),
    ("table threshold out of range", {**USERS, "alarms": {"latencyMs": 0}}, "alarms.latencyMs", "greater than 0"),
    ("seed items on an adopted table", {**USERS, "import": True, "items": [{"id": "admin"}]}, "items",
     "new, empty table"),
]


@pytest.mark.parametrize("table, path, words", [case[1:] for case in TABLE_RULES],
                         ids=[case[0] for case in TABLE_RULES])
def test_table_rule(table, path, words):
    found = problems({"t": table})
    assert [p for p in found if p.path == ("tables", "t", *path.split("."))], found
    rendered = [p.render("Pulumi.staging.yaml") for p in found]
    assert any(f"koneksi-dynamodb:tables.t.{path}:" in line and words in line for line in rendered), rendered


@pytest.mark.parametrize("key", ["deletionProtection", "pointInTimeRecovery", "protect"])
def test_prod_refuses_switching_off_a_protection(key):
    [problem] = problems({"users": {**USERS, key: False}}, stack="prod")
    assert problem.path == ("tables", "users", key)
    assert "not allowed in prod" in problem.reason and "set it to true" in problem.fix


def test_prod_is_decided_by_environment_not_the_stack_name():
    [problem] = problems({"users": {**USERS, "deletionProtection": False}}, stack="live", environment="prod")
    assert problem.path == ("tables", "users", "deletionProtection")


STACK_RULES = [
    ("missing region", dict(region=None), ("aws", "region"), "required"),
    ("no tables", dict(tables={}), ("tables",), "at least 1"),
    ("unknown stack key", dict(tabels={}), ("tabels",), "did you mean 'tables'"),
    ("reserved tag", dict(tags={"Project": "x"}), ("tags", "Project"), "set by the program"),
    ("tags not strings", dict(tags=["a"]), ("tags",), "expected a map"),
    ("compliance unknown", dict(compliance="pci"), ("compliance",), "commercial"),
    ("project with spaces", dict(project="my project"), ("project",), "not usable in the names"),
    ("derived name too long", dict(project="p" * 250), ("tables", "users"), "set the table's `name`"),
    ("unknown dax key", dict(dax={"nodes": 3}), ("dax", "nodes"), "valid keys here"),
    ("alarm email malformed", dict(alarms={"email": "ops"}), ("alarms", "email"), "ops@example.com"),
    ("alarm topic ARN malformed", dict(alarms={"snsTopicArn": "ops-topic"}), ("alarms", "snsTopicArn"),
     "arn:aws:sns:"),
    ("email and topic together", dict(alarms={"email": "ops@example.com",
                                              "snsTopicArn": "arn:aws:sns:ap-southeast-1:123456789012:ops"}),
     ("alarms", "email"), "exclusive"),
    ("alarm level unknown", dict(alarms={"level": "verbose"}), ("alarms", "level"), "'basic'"),
    ("negative throttle threshold", dict(alarms={"readThrottleEvents": -1}), ("alarms", "readThrottleEvents"),
     "below the minimum of 0"),
    ("utilization over 100", dict(alarms={"capacityUtilizationPercent": 120}),
     ("alarms", "capacityUtilizationPercent"), "100"),
    ("unknown alarms key", dict(alarms={"emial": "ops@example.com"}), ("alarms", "emial"), "did you mean 'email'"),
    ("network without route tables", dict(network={"vpcId": "vpc-0123456789abcdef0"}),
     ("network", "routeTableIds"), "required"),
    ("empty route tables", dict(network={"vpcId": "vpc-0123456789abcdef0", "routeTableIds": []}),
     ("network", "routeTableIds"), "at least 1"),
    ("malformed VPC id", dict(network={"vpcId": "vpc-xyz", "routeTableIds": ["rtb-0123456789abcdef0"]}),
     ("network", "vpcId"), "vpc-0123456789abcdef0"),
    ("malformed route table id", dict(network={"vpcId": "vpc-01234567", "routeTableIds": ["rtb-1", "subnet-1"]}),
     ("network", "routeTableIds", 0), "rtb-0123456789abcdef0"),
    ("route table twice", dict(network={"vpcId": "vpc-01234567", "routeTableIds": ["rtb-01234567"] * 2}),
     ("network", "routeTableIds"), "twice"),
    ("network as a list", dict(network=["vpc-01234567"]), ("network",), "expected a map"),
]


@pytest.mark.parametrize("stack_keys, path, words", [case[1:] for case in STACK_RULES],
                         ids=[case[0] for case in STACK_RULES])
def test_stack_rule(stack_keys, path, words):
    stack_keys = dict(stack_keys)
    found = problems(stack_keys.pop("tables", {"users": USERS}), **stack_keys)
    matching = [p for p in found if p.path == path]
    assert matching and any(words in p.reason + p.fix for p in matching), found


def test_two_tables_cannot_share_a_physical_name():
    [problem] = problems({"users": USERS, "people": {**USERS, "name": "koneksi-staging-users"}})
    assert problem.path == ("tables", "people", "name")
    assert "table names must be unique, but 'koneksi-staging-users' comes from both koneksi-dynamodb:tables.users" \
        in problem.reason


def test_every_problem_of_the_file_is_reported_in_one_run():
    found = problems({"users": {**USERS, "stream": "ALL", "tableClass": "X"}, "orders": {"hashKey": "id"}},
                     dax={**DAX, "nodeType": "r5.large"})
    assert {p.path for p in found} == {("tables", "users", "stream"), ("tables", "users", "tableClass"),
                                       ("tables", "orders", "attributes"), ("dax", "nodeType")}


def test_the_message_names_file_key_reason_and_fix():
    with pytest.raises(ConfigError) as raised:
        parse({"users": {**USERS, "billingMode": "PROVISIONED"}}, stack="uat")
    assert str(raised.value).splitlines() == [
        "Pulumi.uat.yaml: 1 configuration problem",
        "  Pulumi.uat.yaml: koneksi-dynamodb:tables.users.capacity: billingMode PROVISIONED needs capacity. "
        "Fix: set capacity: {read: 5, write: 5} or an auto-scaling object",
    ]


def test_invalid_config_registers_no_resource():
    with pytest.raises(ConfigError):
        run_program(ROOT, "koneksi-dynamodb", "staging", settings_for({"users": {**USERS, "stream": "ALL"}}))
    registered = [request.type for _, request in runtime_settings.SETTINGS.monitor.registrations]
    assert registered == ["pulumi:pulumi:Stack"]


def test_valid_values_at_the_limits_are_accepted():
    config = parse({"t": {
        "name": "abc", "attributes": {**many_attributes(8), "n": "N", "b": "B"}, "hashKey": "a0", "rangeKey": "n",
        "billingMode": "PROVISIONED",
        "capacity": {"read": {"min": 1, "max": 1, "targetUtilization": 20, "scaleInCooldown": 0}, "write": 1},
        "pointInTimeRecovery": {"recoveryPeriodDays": 35},
        "encryption": "arn:aws:kms:ap-southeast-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
        "globalSecondaryIndexes": {"Wide": {"hashKey": ["a0", "a1", "a2", "a3"], "rangeKey": ["a4", "a5", "a6", "a7"],
                                            "capacity": {"read": {"min": 1, "max": 2, "targetUtilization": 90},
                                                         "write": 1}}},
        "localSecondaryIndexes": {f"lsi{i}": {"rangeKey": "b"} for i in range(5)},
    }})
    assert config.tables["t"].global_secondary_indexes["Wide"].key_attributes == [f"a{i}" for i in range(8)]


# Item 13 of the hardening issue: strict types inside structured config.
@pytest.mark.parametrize("key, value, words", [
    ("deletionProtection", "no", "expected true or false, got text 'no'"),
    ("contributorInsights", 1, "expected true or false, got a number 1"),
    ("pointInTimeRecovery", "yes", "true or false"),
    ("stream", 5, "'KEYS_ONLY'"),
    ("hashKey", 5, "expected text, got a number 5"),
])
def test_booleans_are_true_or_false_and_text_is_text(key, value, words):
    found = problems({"users": {**USERS, key: value}})
    assert any(p.path == ("tables", "users", key) and words in p.reason + p.fix for p in found), found


def test_a_number_where_text_belongs_is_refused_with_the_quoted_fix():
    [problem] = problems({"users": USERS}, tags={"CostCenter": 42})
    assert problem.path == ("tags", "CostCenter")
    assert problem.fix == "put the value in quotes, exactly as meant (unquoted, YAML reads it as a number)"


def test_numbers_may_come_as_numeric_text_as_pulumi_config_set_stores_them():
    config = parse({"users": {**PROVISIONED, "capacity": {"read": "5", "write": {"min": "2", "max": "10"}},
                              "alarms": {"latencyMs": "72.5"}}})
    table = config.tables["users"]
    assert (table.capacity.read, table.capacity.write.min, table.alarms.latency_ms) == (5, 2, 72.5)


@pytest.mark.parametrize("value", [float("inf"), float("-inf"), float("nan"), "inf", "NaN"])
def test_numbers_must_be_finite(value):
    found = problems({"users": USERS}, alarms={"latencyMs": value})
    assert [p.path for p in found] == [("alarms", "latencyMs")]


@pytest.mark.parametrize("value", [5.5, True, "five"])
def test_whole_numbers_are_whole(value):
    [problem] = problems({"users": {**PROVISIONED, "capacity": {"read": value, "write": 5}}})
    assert problem.path == ("tables", "users", "capacity", "read") and "whole number" in problem.reason


def test_every_problem_ends_with_a_fix():
    cases = [({"t": case[1]}, {}) for case in TABLE_RULES] + [
        (case[1].get("tables", {"users": USERS}), {k: v for k, v in case[1].items() if k != "tables"})
        for case in STACK_RULES]
    for tables, stack_keys in cases:
        for problem in problems(tables, **stack_keys):
            assert problem.fix, problem
            assert problem.render("F").count(". Fix: ") == 1


def test_a_file_with_mistakes_of_every_kind_reports_them_all_at_once():
    """Field errors, a table's cross-field rules, cross-table rules and stack rules, in one run."""
    found = problems({"users": {**USERS, "stream": "ALL", "hashKey": "nope", "capacity": {"read": 1, "write": 1}},
                      "a": {**USERS, "name": "dup-name"}, "b": {**USERS, "name": "dup-name"},
                      "orders": {"hashKey": "id"}},
                     tags={"aws:team": "x"}, dax={**DAX, "subnetIds": ["subnet-1"]}, region="eu-west-9")
    assert {p.path for p in found} == {
        ("aws", "region"), ("tags", "aws:team"), ("dax", "subnetIds", 0),
        ("tables", "users", "stream"),  # a field
        ("tables", "users", "hashKey"), ("tables", "users", "capacity"),  # the table's own rules
        ("tables", "b", "name"),  # across tables
        ("tables", "orders", "attributes")}


def _apply(config: dict, path: tuple, value) -> dict:
    """`config` with `value` at `path` (a copy)."""
    import copy
    changed = copy.deepcopy(config)
    node = changed
    for part in path[:-1]:
        node = node[part]
    node[path[-1]] = value
    return changed


def _suggested_values(fix: str) -> list:
    """The concrete values a fix proposes."""
    import re
    import yaml
    for pattern in (r"use a value of at (?:least|most) (\S+)$", r"did you mean (\S+)\?$", r"use the form (\S+)$",
                    r"set \w+: (\{.*\}) or"):
        found = re.search(pattern, fix)
        if found:
            return [yaml.safe_load(found.group(1))]
    found = re.search(r"use one of (.+)$", fix)
    if found:
        return [yaml.safe_load(v.strip(" '")) if v.strip(" '").isdigit() else v.strip(" '")
                for v in re.split(r", | or ", found.group(1))]
    if fix.startswith("write true or false"):
        return [True, False]
    return []


# (broken table, key path below the table) whose problems propose concrete values.
FIXABLE = [
    ({**USERS, "stream": "ALL"}, ("stream",)),
    ({**USERS, "billingMode": "ON_DEMAND"}, ("billingMode",)),
    ({**USERS, "tableClass": "INFREQUENT"}, ("tableClass",)),
    ({**USERS, "deletionProtection": "no"}, ("deletionProtection",)),
    ({**USERS, "pointInTimeRecovery": {"recoveryPeriodDays": 36}}, ("pointInTimeRecovery", "recoveryPeriodDays")),
    ({**USERS, "pointInTimeRecovery": {"recoveryPeriodDays": 0}}, ("pointInTimeRecovery", "recoveryPeriodDays")),
    (scaled(targetUtilization=95), ("capacity", "read", "targetUtilization")),
    (scaled(targetUtilization=10), ("capacity", "read", "targetUtilization")),
    ({**PROVISIONED, "capacity": {"read": 0, "write": 5}}, ("capacity", "read")),
    ({**USERS, "billingMode": "PROVISIONED"}, ("capacity",)),
    (gsi(projection="INCLUDE"), ("globalSecondaryIndexes", "EmailIndex", "projection")),
]


@pytest.mark.parametrize("table, path", FIXABLE, ids=[".".join(p) for _, p in FIXABLE])
def test_no_fix_suggests_a_value_that_is_then_refused(table, path):
    [problem] = [p for p in problems({"t": table}) if p.path == ("tables", "t", *path)]
    values = _suggested_values(problem.fix)
    assert values, problem.fix
    for value in values:
        fixed = _apply(table, path, value)
        try:
            parse({"t": fixed})
        except ConfigError as error:
            assert not [p for p in error.problems if p.path == ("tables", "t", *path)], (value, error.problems)


@pytest.mark.parametrize("stack_keys, path", [
    (dict(region="eu-west-9"), ("aws", "region")),
    (dict(network={"vpcId": "vpc-xyz", "routeTableIds": ["rtb-01234567"]}), ("network", "vpcId")),
    (dict(network={"vpcId": "vpc-01234567", "routeTableIds": ["rtb-x"]}), ("network", "routeTableIds", 0)),
    (dict(alarms={"email": "ops"}), ("alarms", "email")),
    (dict(alarms={"level": "verbose"}), ("alarms", "level")),
    (dict(alarms={"capacityUtilizationPercent": 120}), ("alarms", "capacityUtilizationPercent")),
])
def test_no_stack_fix_suggests_a_value_that_is_then_refused(stack_keys, path):
    [problem] = [p for p in problems({"users": USERS}, **stack_keys) if p.path == path]
    values = _suggested_values(problem.fix)
    assert values, problem.fix
    for value in values:
        if path[0] == "aws":
            fixed = dict(region=value)
        else:
            fixed = {path[0]: _apply(stack_keys[path[0]], path[1:], value)}
        parse({"users": USERS}, **fixed)


# Found by a review of the hardening: each was accepted, or reported one run at a time.
KEY_IN = "arn:aws:kms:{region}:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"


def test_numbers_must_fit_the_api_fields_they_reach():
    """botocore types DynamoDB units as `long` and Application Auto Scaling capacities as `integer`."""
    found = problems({"users": {**PROVISIONED, "capacity": {
        "read": 2**63, "write": {"min": 1, "max": 2**31, "scaleInCooldown": 2**31}}}})
    assert {p.path[-1]: p.reason.split(" is ")[1] for p in found} == {
        "read": "above the maximum of 9223372036854775807", "max": "above the maximum of 2147483647",
        "scaleInCooldown": "above the maximum of 2147483647"}


def test_key_arns_of_other_regions_are_refused_for_every_table_at_once():
    found = problems({"a": {**USERS, "encryption": KEY_IN.format(region="eu-west-1")},
                      "b": {**USERS, "encryption": KEY_IN.format(region="us-east-1"), "stream": "ALL"}})
    assert {p.path for p in found} == {("tables", "a", "encryption"), ("tables", "b", "encryption"),
                                       ("tables", "b", "stream")}
    assert all("use a KMS key of ap-southeast-1" in p.fix for p in found if p.path[-1] == "encryption")


def test_an_alarm_topic_of_another_partition_is_refused_and_of_another_region_warned():
    [problem] = problems({"users": USERS}, alarms={"snsTopicArn": "arn:aws-cn:sns:cn-north-1:123456789012:ops"})
    assert problem.path == ("alarms", "snsTopicArn") and "partition aws-cn" in problem.reason
    config = parse({"users": USERS}, alarms={"snsTopicArn": "arn:aws:sns:us-east-1:123456789012:ops"})
    assert any("is a topic in us-east-1" in warning for warning in config.warnings)


def test_one_wrong_tag_does_not_hide_anothers_problems():
    found = problems({"users": USERS}, tags={"aws:team": "x", "n": 5, "Owner": "line\nbreak"})
    assert {p.path for p in found} == {("tags", "aws:team"), ("tags", "n"), ("tags", "Owner")}


def test_an_include_projection_names_each_non_key_attribute_once():
    found = problems({"users": {**USERS, "globalSecondaryIndexes": {
        "Twice": {"hashKey": "email", "projection": ["name", "name"]},
        "Keys": {"hashKey": "email", "projection": ["id", "email", "name"]}}}})
    reasons = {p.path[-2]: p.reason for p in found}
    assert reasons["Twice"] == "attribute(s) name listed twice"
    assert reasons["Keys"].startswith("key attribute(s) email, id are always projected")


def test_a_map_over_its_limit_says_how_many_entries_it_has():
    table = {"attributes": {"id": "S"}, "hashKey": "id",
             "globalSecondaryIndexes": {f"index{i}": {"hashKey": "id"} for i in range(21)}}
    [problem] = problems({"t": table})
    assert problem.reason == "has 21 entries, at most 20 allowed"


def test_an_empty_key_is_called_empty():
    [problem] = problems({"users": USERS}, network="null")
    assert problem.reason == "expected a map of keys, got nothing"


def test_stack_wide_names_that_do_not_fit_say_to_shorten_project_or_environment():
    found = problems({"users": {**USERS, "name": "users"}}, project="p" * 240)
    assert found and all(p.fix == "shorten `project` or `environment` (they start every name of the stack)"
                         for p in found)


def test_prod_in_other_letters_is_warned_about():
    config = parse({"users": USERS}, stack="Prod")
    assert not config.is_prod
    assert any("environment Prod is not `prod`" in warning for warning in config.warnings)
