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
