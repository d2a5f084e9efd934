"""The JSON Schema of the stack files (issue 9, item 7): committed as generated from the config
models, and agreeing with the program on the shipped stack files and on inputs it refuses."""

import json
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft7Validator

from bench.workload import stack_file
from components.config.reader import parse_stack_config
from components.config.schema import DEFAULT_PATH, render
from components.config.stack import StackConfig
from components.errors import ConfigError
from pipeline.stack_files import read_stack_file
from pipeline.yaml_reader import SECURE, YamlReader
from tests.conftest import PROJECT, ROOT

SHIPPED = [ROOT / f"Pulumi.{stack}.yaml" for stack in ("staging", "uat", "prod")] + sorted((ROOT / "examples").glob("*.yaml"))
BASE = """config:
  aws:region: ap-southeast-1
  koneksi-dynamodb:tables:
    users:
      attributes: {id: S, email: S}
      hashKey: id
"""


@pytest.fixture(scope="module")
def generated() -> str:
    return render()


@pytest.fixture(scope="module")
def validator(generated) -> Draft7Validator:
    schema = json.loads(generated)
    Draft7Validator.check_schema(schema)
    return Draft7Validator(schema)


def document(path: Path) -> Any:
    """The stack file as the program reads it (YAML 1.2, as the Pulumi CLI), with each secret
    as written: `{secure: <ciphertext>}`."""
    def written(value: Any) -> Any:
        if value is SECURE:
            return {"secure": "v1:ciphertext"}
        if isinstance(value, dict):
            return {key: written(item) for key, item in value.items()}
        if isinstance(value, list):
            return [written(item) for item in value]
        return value
    return written(YamlReader(path).read())


def schema_errors(validator: Draft7Validator, path: Path) -> list[str]:
    return [f"{'.'.join(map(str, error.absolute_path))}: {error.message}"
            for error in validator.iter_errors(document(path))]


def program_refuses(path: Path) -> bool:
    settings = read_stack_file(path, PROJECT)
    if settings.problems:
        return True
    try:
        parse_stack_config(settings.values, "staging", path.name, settings.secret_keys)
    except ConfigError:
        return True
    return False


def stack(tmp_path: Path, text: str) -> Path:
    """A stack file of `text`: a whole file, or lines to add to BASE."""
    path = tmp_path / "Pulumi.staging.yaml"
    path.write_text(text if text.startswith("config:") else BASE + text)
    return path


def test_the_committed_schema_is_a_fresh_generation(generated):
    assert (ROOT / DEFAULT_PATH).read_text() == generated, \
        f"{DEFAULT_PATH} differs from the config models: run `make schema` and commit it"


@pytest.mark.parametrize("path", SHIPPED, ids=lambda path: str(path.relative_to(ROOT)))
def test_every_shipped_stack_file_matches_the_schema(validator, path):
    assert schema_errors(validator, path) == []


def test_the_benchmark_estate_matches_the_schema(validator, tmp_path):
    assert schema_errors(validator, stack(tmp_path, stack_file(3))) == []


# Each refused by the program (checked too), and so by the schema: editors flag it.
REFUSED = {
    "unknown key in a table": "      colour: blue\n",
    "unknown stack key": "  koneksi-dynamodb:tabels: {}\n",
    "key without a namespace": "  region: ap-southeast-1\n",
    "snake_case key": "      billing_mode: PROVISIONED\n",
    "wrong enum": "      billingMode: ON_DEMAND\n",
    "attribute type not S, N or B": "    orders:\n      attributes: {id: STRING}\n      hashKey: id\n",
    "out of range: PITR window": "      pointInTimeRecovery: {recoveryPeriodDays: 36}\n",
    "out of range: target utilization": "      billingMode: PROVISIONED\n"
                                        "      capacity: {read: {min: 1, max: 5, targetUtilization: 95}, write: 5}\n",
    "below the minimum: capacity": "      billingMode: PROVISIONED\n      capacity: {read: 0, write: 5}\n",
    "more than 4 key attributes": "      globalSecondaryIndexes:\n"
                                  "        byAll: {hashKey: [id, email, id, email, id]}\n",
    "a number where text is meant": "      rangeKey: 5\n",
    "text where a boolean is meant": "      deletionProtection: 'yes'\n",
    "a key written without a value": "      restore:\n",
    "items: a list of text": "      items: [admin]\n",
    "not supported yet: dax": "  koneksi-dynamodb:dax: {}\n",
    "access: unknown level": "  koneksi-dynamodb:access: {app: {tables: [users], level: admin}}\n",
    "access: leading keys not a policy variable": "  koneksi-dynamodb:access: {app: {tables: [users], level: read, "
                                                  "leadingKeys: alice}}\n",
    "unknown region": "      replicas: [mars-east-1]\n",
    "unknown stack region": BASE.replace("ap-southeast-1", "mars-east-1"),
    "pattern: VPC id": "  koneksi-dynamodb:network: {vpcId: vpc-123, routeTableIds: [rtb-0123456789abcdef0]}\n",
    "pattern: topic ARN": "  koneksi-dynamodb:alarms: {snsTopicArn: 'arn:aws:sqs:ap-southeast-1:123456789012:q'}\n",
    "pattern: table name": "      name: 'users table'\n",
    "pattern: tag value": "  koneksi-dynamodb:tags: {team: 'a&b'}\n",
    "reserved tag key": "  koneksi-dynamodb:tags: {Project: x}\n",
    "backup schedule as rate()": "  koneksi-dynamodb:backup: {rules: [{name: d, schedule: 'rate(1 day)', retentionDays: 7}]}\n",
    "backup: true": "  koneksi-dynamodb:backup: true\n",
    "provider enum": "  aws:retryMode: fast\n",
    "provider flag as text": "  aws:insecure: 'yes'\n",
    "a secret name": "      name: {secure: v1:abc}\n",
    "a secret region": "      replicas: [{secure: v1:abc}]\n",
    "a secret number": "  koneksi-dynamodb:alarms: {latencyMs: {secure: v1:abc}}\n",
    "a secret enum": "  koneksi-dynamodb:compliance: {secure: v1:abc}\n",
    "a whole map as a secret": "  koneksi-dynamodb:tags: {secure: v1:abc}\n",
    "the stack region as a secret": BASE.replace("ap-southeast-1", "{secure: v1:abc}"),
    "a secret project": "  koneksi-dynamodb:project: {secure: v1:abc}\n",
}


@pytest.mark.parametrize("lines", REFUSED.values(), ids=REFUSED.keys())
def test_what_the_program_refuses_the_schema_refuses(validator, tmp_path, lines):
    path = stack(tmp_path, lines)
    assert program_refuses(path), "the case must be one the program refuses"
    assert schema_errors(validator, path) != []


# Each accepted by the program, in the forms stack files are written in, and so by the schema.
ACCEPTED = {
    "a secret text value": "  koneksi-dynamodb:alarms: {email: {secure: v1:abc}}\n",
    "a secret tag value": "  koneksi-dynamodb:tags: {team: {secure: v1:abc}}\n",
    "a secret provider setting": "  aws:secretKey: {secure: v1:abc}\n",
    "a number as text (pulumi config set --path)": "  koneksi-dynamodb:alarms: {latencyMs: '72.5'}\n",
    "a top-level flag as text (pulumi config set)": "  aws:skipCredentialsValidation: 'true'\n",
    "a top-level number as text": "  aws:maxRetries: '5'\n",
    "a top-level number for text": "  koneksi-dynamodb:environment: 2024\n",
    "backup: false as text": "  koneksi-dynamodb:backup: 'false'\n",
    "one key attribute without a list": "      globalSecondaryIndexes: {byEmail: {hashKey: email}}\n",
    "another namespace (warned)": "  pulumi:tags: {team: data}\n  koneksi-other:setting: 1\n",
    "an aws: key the provider does not have (warned)": "  aws:regoin: ap-southeast-1\n",
    "an encryption key ARN": "      encryption: arn:aws:kms:ap-southeast-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab\n",
}


@pytest.mark.parametrize("lines", ACCEPTED.values(), ids=ACCEPTED.keys())
def test_what_the_program_accepts_the_schema_accepts(validator, tmp_path, lines):
    path = stack(tmp_path, lines)
    assert not program_refuses(path), "the case must be one the program accepts"
    assert schema_errors(validator, path) == []


def test_pulumis_own_keys_beside_config_are_accepted(validator, tmp_path):
    path = tmp_path / "Pulumi.staging.yaml"
    path.write_text("secretsprovider: awskms://alias/pulumi\nencryptedkey: AQICAHh\n" + BASE)
    assert schema_errors(validator, path) == [] and not program_refuses(path)


def test_every_stack_key_is_described(generated):
    keys = json.loads(generated)["properties"]["config"]["properties"]
    for name, field in StackConfig.model_fields.items():
        if name == "aws":
            continue
        key = f"{PROJECT}:{field.alias or name}"
        assert keys[key]["description"], key
