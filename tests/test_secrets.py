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
    return {name for r in plan.resources(type_) for name, value in r["inputs"].items() if value == "[secret]"}


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
