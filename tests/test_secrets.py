"""Secrets stay secret (issue 7, items 6 and 14). Under `pulumi up` the program gets secret
config as plaintext and learns only which top-level keys were secret; these tests hand it just
that, as the engine does."""

import json

import pytest

from components.errors import ConfigError
from pipeline.mock_engine import run_program
from tests.conftest import PROJECT, ROOT, USERS, parse, settings_for

EMAIL = "oncall@corp.example"
ROLE = "arn:aws:iam::123456789012:role/secret-deployer"
NETWORK = {"vpcId": "vpc-0123456789abcdef0", "routeTableIds": ["rtb-01234567"], "adminRoleArns": [ROLE]}


@pytest.fixture(scope="module")
def plan():
    settings = settings_for({"users": USERS}, raw={"aws:secretKey": "SuperSecretKey123"},
                            alarms={"email": EMAIL, "latencyMs": 77}, network=NETWORK)
    settings.secret_keys = ["koneksi-dynamodb:alarms", "koneksi-dynamodb:network", "aws:secretKey"]
    return run_program(ROOT, PROJECT, "prod", settings)


def secret_inputs(plan, type_):
    """The inputs that hold a secret, whole or in part."""
    return {name for r in plan.resources(type_) for name, value in r["inputs"].items() if "[secret]" in json.dumps(value)}


def test_no_secret_value_appears_anywhere_in_the_plan(plan):
    document = json.dumps([step["newState"] for step in plan.steps]) + json.dumps(plan.outputs)
    for secret in (EMAIL, ROLE, "SuperSecretKey123", NETWORK["vpcId"], "rtb-01234567"):
        assert secret not in document


def test_inputs_derived_from_secret_keys_reach_their_resources_as_secrets(plan):
    assert secret_inputs(plan, "aws:sns/topicSubscription:TopicSubscription") == {"endpoint"}
    assert secret_inputs(plan, "pulumi:providers:aws") == {"secretKey"}
    # The policy names the secret role; the VPC and route tables are the secret network's too.
    assert secret_inputs(plan, "aws:ec2/vpcEndpoint:VpcEndpoint") == {"policy", "routeTableIds", "vpcId"}
    # A number of a secret key counts too: the latency threshold came from the secret `alarms`.
    assert secret_inputs(plan, "aws:cloudwatch/metricAlarm:MetricAlarm") == {"threshold"}


def test_inputs_from_plain_keys_stay_readable(plan):
    [table] = plan.resources("aws:dynamodb/table:Table")
    assert table["inputs"]["name"] == "koneksi-prod-users"


def test_an_error_never_echoes_a_secret_value():
    settings = settings_for({"users": USERS}, alarms={"email": "not-an-address-but-secret"})
    with pytest.raises(ConfigError) as raised:
        from components.config.reader import parse_stack_config
        parse_stack_config(settings.values, "staging", "Pulumi.staging.yaml", ["koneksi-dynamodb:alarms"])
    message = str(raised.value)
    assert "not-an-address-but-secret" not in message
    assert "koneksi-dynamodb:alarms.email: '[secret]' is not an email address" in message


def test_synth_checks_around_a_secret_it_cannot_decrypt():
    """Offline, a `secure:` leaf is the placeholder: text values pass, the rest is still checked."""
    config = parse({"users": USERS}, alarms={"email": "[secret]"})
    assert config.alarms.email == "[secret]"


def test_marking_keeps_every_inputs_shape(plan):
    """Only the values holding a secret are wrapped: a list of route tables stays a list, and an
    alarm's actions stay a list of one topic."""
    [endpoint] = plan.resources("aws:ec2/vpcEndpoint:VpcEndpoint")
    assert endpoint["inputs"]["routeTableIds"] == ["[secret]"]
    assert all(a["inputs"]["alarmActions"] == ["[unknown]"] for a in plan.resources("aws:cloudwatch/metricAlarm:MetricAlarm"))


def test_a_secret_number_is_kept_secret_only_where_that_keys_numbers_go():
    """`alarms.latencyMs: 5` is secret in the latency alarms' thresholds, not in a table's read
    capacity of 5 or an alarm's 5 evaluation periods."""
    table = {**USERS, "billingMode": "PROVISIONED", "capacity": {"read": 5, "write": 5}}
    settings = settings_for({"users": table}, alarms={"email": EMAIL, "latencyMs": 5})
    settings.secret_keys = ["koneksi-dynamodb:alarms"]
    plan = run_program(ROOT, PROJECT, "prod", settings)
    [table_state] = plan.resources("aws:dynamodb/table:Table")
    assert (table_state["inputs"]["readCapacity"], table_state["inputs"]["writeCapacity"]) == (5, 5)
    alarms = {a["inputs"]["name"]: a["inputs"] for a in plan.resources("aws:cloudwatch/metricAlarm:MetricAlarm")}
    assert alarms["koneksi-prod-users-GetItem-latency"]["threshold"] == "[secret]"
    assert alarms["koneksi-prod-users-read-throttles"]["evaluationPeriods"] == 5


def test_under_a_secret_key_no_value_of_it_shows_however_short():
    settings = settings_for({"users": {**USERS, "billingMode": "PROVISIONED",
                                      "capacity": {"read": {"min": 7, "max": 3}, "write": 1}}})
    from components.config.reader import parse_stack_config
    with pytest.raises(ConfigError) as raised:
        parse_stack_config(settings.values, "staging", "Pulumi.staging.yaml", ["koneksi-dynamodb:tables"])
    message = str(raised.value)
    assert "min ([secret]) is greater than max ([secret])" in message
    assert "hashKey" not in message or "'id'" not in message


@pytest.mark.parametrize("key", ["project", "environment"])
def test_a_key_that_names_resources_cannot_be_a_secret(key):
    from components.config.reader import parse_stack_config
    settings = settings_for({"users": USERS}, **{key: "qa"})
    with pytest.raises(ConfigError) as raised:
        parse_stack_config(settings.values, "staging", "Pulumi.staging.yaml", [f"koneksi-dynamodb:{key}"])
    [problem] = raised.value.problems
    assert problem.path == (key,) and "Pulumi never encrypts resource names" in problem.reason
    # Offline, the placeholder is refused the same way.
    from tests.conftest import problems
    assert any("never encrypts" in p.reason for p in problems({"users": {**USERS, "name": "[secret]"}}))


def test_a_short_secret_value_marks_only_strings_where_it_stands_as_a_token():
    """Every value of a secret key counts as secret: a seed item's `status: on` must not make the
    provider's default tags (`koneksi`, `Environment`) secret, while a short tag value written into
    the default tags' JSON is still kept secret there."""
    tables = {"users": {**USERS, "items": [{"id": "admin", "status": "on"}]}}
    settings = settings_for(tables, tags={"team": "abc"})
    settings.secret_keys = ["koneksi-dynamodb:tables", "koneksi-dynamodb:tags"]
    plan = run_program(ROOT, PROJECT, "staging", settings)
    [provider] = plan.resources("pulumi:providers:aws")
    assert provider["inputs"]["defaultTags"] == "[secret]"  # holds the secret tag value `abc`
    settings = settings_for(tables)
    settings.secret_keys = ["koneksi-dynamodb:tables"]
    [provider] = run_program(ROOT, PROJECT, "staging", settings).resources("pulumi:providers:aws")
    assert json.loads(provider["inputs"]["defaultTags"])["tags"]["Environment"] == "staging"
