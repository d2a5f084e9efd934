"""The `aws:` config a user writes reaches the stack's provider (issue 7, item 7)."""

import json

import pytest

from components.config.provider import SETTINGS, AwsConfig
from tests.conftest import USERS, named, problems, synth_tables

PROVIDER = "pulumi:providers:aws"
ASSUME = [{"roleArn": "arn:aws:iam::123456789012:role/deploy", "sessionName": "ci"}]


def synth_with(aws_settings: dict[str, str]):
    return synth_tables({"users": USERS}, raw=aws_settings)


@pytest.fixture(scope="module")
def provider_plan():
    return synth_with({"aws:profile": "deployer", "aws:allowedAccountIds": '["123456789012"]',
                       "aws:assumeRoles": json.dumps(ASSUME), "aws:defaultTags": '{"tags": {"Team": "data"}}',
                       "aws:skipMetadataApiCheck": "true", "aws:maxRetries": "5"})


def test_every_aws_key_written_reaches_the_provider(provider_plan):
    inputs = named(provider_plan, PROVIDER, "aws")["inputs"]
    assert inputs["profile"] == "deployer"
    assert json.loads(inputs["allowedAccountIds"]) == ["123456789012"]  # the guard against the wrong account
    assert json.loads(inputs["assumeRoles"]) == ASSUME  # camelCase, as the provider's wire form
    assert (inputs["skipMetadataApiCheck"], inputs["maxRetries"]) == ("true", "5")
    assert inputs["region"] == "ap-southeast-1"


def test_aws_default_tags_merge_with_the_programs(provider_plan):
    tags = json.loads(named(provider_plan, PROVIDER, "aws")["inputs"]["defaultTags"])["tags"]
    assert tags == {"Team": "data", "Project": "koneksi", "Environment": "staging",
                    "ManagedBy": "pulumi:koneksi-dynamodb"}


def test_the_valid_keys_are_the_providers():
    import inspect

    import pulumi_aws
    assert set(SETTINGS) == set(inspect.signature(pulumi_aws.ProviderArgs.__init__).parameters) - {"self", "__self__"}
    assert {"region", "profile", "assume_roles", "allowed_account_ids", "default_tags"} <= set(SETTINGS)


def test_an_unknown_aws_key_warns_with_the_closest_valid_key():
    plan = synth_with({"aws:regoin": "eu-west-1"})
    assert any(d["severity"] == "warning" and "aws:regoin" in d["message"] and "did you mean aws:region?" in d["message"]
               for d in plan.diagnostics)
    assert AwsConfig.unknown_keys(["profile"]) == []


def test_a_key_of_an_unknown_namespace_warns():
    plan = synth_with({"koneksi-dynamdb:alarms": "{}"})
    assert any("did you mean koneksi-dynamodb:alarms?" in d["message"] for d in plan.diagnostics)


@pytest.mark.parametrize("key, value, path, words", [
    ("aws:skipMetadataApiCheck", "yes", ("aws", "skipMetadataApiCheck"), "true or false"),
    ("aws:maxRetries", "many", ("aws", "maxRetries"), "whole number"),
    ("aws:allowedAccountIds", '["12345"]', ("aws", "allowedAccountIds", 0), "12 digits"),
    ("aws:allowedAccountIds", '"123456789012"', ("aws", "allowedAccountIds"), "expected a list"),
    ("aws:assumeRoles", '{"roleArn": "x"}', ("aws", "assumeRoles"), "expected a list"),
    ("aws:defaultTags", '{"tags": {"Project": "x"}}', ("aws", "defaultTags", "tags", "Project"), "set by the program"),
    ("aws:defaultTags", '{"tag": {}}', ("aws", "defaultTags", "tag"), "unknown key"),
    ("aws:region", "eu-west-9", ("aws", "region"), "did you mean eu-west-3?"),
])
def test_aws_keys_are_checked_as_the_provider_types_them(key, value, path, words):
    found = problems({"users": USERS}, raw={key: value})
    assert any(p.path == path and words in p.reason + p.fix for p in found), found


@pytest.mark.parametrize("key, value, path, words", [
    ("aws:retryMode", "bogus", ("aws", "retryMode"), "'standard' or 'adaptive'"),
    ("aws:ec2MetadataServiceEndpointMode", "IPv7", ("aws", "ec2MetadataServiceEndpointMode"), "'IPv4' or 'IPv6'"),
    ("aws:s3UsEast1RegionalEndpoint", "whatever", ("aws", "s3UsEast1RegionalEndpoint"), "'legacy' or 'regional'"),
    ("aws:maxRetries", "-1", ("aws", "maxRetries"), "at least 0"),
    ("aws:assumeRoles", '[{"roleArn": "not-an-arn"}]', ("aws", "assumeRoles", 0, "roleArn"), "IAM role ARN"),
    ("aws:assumeRoles", '[{"roleArn": "arn:aws:iam::123456789012:role/r", "duration": "5"}]',
     ("aws", "assumeRoles", 0, "duration"), "not a duration"),
    ("aws:assumeRoles", '[{"roleArn": "arn:aws:iam::123456789012:role/r", "duration": "13h"}]',
     ("aws", "assumeRoles", 0, "duration"), "15 minutes to 12 hours"),
    ("aws:assumeRoles", '[{"roleArn": "arn:aws:iam::123456789012:role/r", "duration": 5}]',
     ("aws", "assumeRoles", 0, "duration"), "expected text"),
    ("aws:assumeRoles", '[{"rolearn": "x"}]', ("aws", "assumeRoles", 0, "rolearn"), "did you mean 'roleArn'"),
    ("aws:ignoreTags", '{"keys": "x"}', ("aws", "ignoreTags", "keys"), "expected a list"),
])
def test_the_providers_documented_values_are_checked(key, value, path, words):
    found = problems({"users": USERS}, raw={key: value})
    assert any(p.path == path and words in p.reason + p.fix for p in found), found


def test_allowed_and_forbidden_account_ids_exclude_each_other():
    found = problems({"users": USERS}, raw={"aws:allowedAccountIds": '["123456789012"]',
                                            "aws:forbiddenAccountIds": '["210987654321"]'})
    assert [p.path for p in found] == [("aws", "forbiddenAccountIds")]


def test_structured_settings_reach_the_provider_as_written():
    plan = synth_with({"aws:assumeRoles": json.dumps([{**ASSUME[0], "duration": "1h"}]),
                       "aws:ignoreTags": '{"keyPrefixes": ["kubernetes.io/"]}'})
    inputs = named(plan, PROVIDER, "aws")["inputs"]
    assert json.loads(inputs["assumeRoles"]) == [{**ASSUME[0], "duration": "1h"}]
    assert json.loads(inputs["ignoreTags"]) == {"keyPrefixes": ["kubernetes.io/"]}
