"""What each of the three stacks would deploy (issue 2, items 4 and 5)."""

import pytest

from components.table import RESTORE_INPUTS
from tests.conftest import COMPONENT, KMS_KEY, POLICY, TABLE, TARGET, named, synth_stack

PROVIDER = "pulumi:providers:aws"


@pytest.fixture(scope="module")
def prod():
    return synth_stack("prod")


@pytest.fixture(scope="module", params=["staging", "uat"])
def nonprod(request):
    return request.param, synth_stack(request.param)


def test_every_stack_names_its_users_table_after_project_and_environment(prod, nonprod):
    stack, plan = nonprod
    assert named(plan, TABLE, "users-table")["inputs"]["name"] == f"koneksi-{stack}-users"
    assert named(prod, TABLE, "users-table")["inputs"]["name"] == "koneksi-prod-users"


def test_only_key_attributes_are_sent_to_dynamodb(prod, nonprod):
    for plan in (prod, nonprod[1]):
        table = named(plan, TABLE, "users-table")["inputs"]
        assert table["attributes"] == [{"name": "id", "type": "S"}]
        assert table["hashKey"] == "id"


def test_prod_users_table_is_protected_three_ways(prod):
    table = named(prod, TABLE, "users-table")
    assert table["inputs"]["deletionProtectionEnabled"] is True
    assert table["protect"] is True
    assert table["retainOnDelete"] is True


def test_prod_protection_stops_at_what_holds_data_the_table_its_key_and_the_backup_vault(prod):
    protected = {r["type"] for r in prod.resources() if r["protect"] or r["retainOnDelete"]}
    assert protected == {TABLE, KMS_KEY, "aws:backup/vault:Vault"}
    assert {COMPONENT, TARGET, POLICY, "aws:cloudwatch/metricAlarm:MetricAlarm"} <= {r["type"] for r in prod.resources()}


def test_staging_and_uat_tables_are_not_protected(nonprod):
    _, plan = nonprod
    table = named(plan, TABLE, "users-table")
    assert table["inputs"]["deletionProtectionEnabled"] is False
    assert (table["protect"], table["retainOnDelete"]) == (False, False)


def test_staging_and_uat_are_on_demand_with_pitr_and_aws_managed_key(nonprod):
    _, plan = nonprod
    table = named(plan, TABLE, "users-table")["inputs"]
    assert table["billingMode"] == "PAY_PER_REQUEST"
    assert table["pointInTimeRecovery"] == {"enabled": True}
    assert table["serverSideEncryption"] == {"enabled": True}
    assert "readCapacity" not in table and not plan.resources(TARGET)


def test_prod_is_provisioned_with_stream_pitr_and_the_stack_key(prod):
    table = named(prod, TABLE, "users-table")
    key = named(prod, KMS_KEY, "koneksi-prod-dynamodb-key")
    assert table["inputs"]["billingMode"] == "PROVISIONED"
    assert (table["inputs"]["readCapacity"], table["inputs"]["writeCapacity"]) == (5, 5)
    assert table["inputs"]["streamEnabled"] is True
    assert table["inputs"]["streamViewType"] == "NEW_AND_OLD_IMAGES"
    assert table["inputs"]["pointInTimeRecovery"]["enabled"] is True
    assert table["inputs"]["serverSideEncryption"] == {"enabled": True, "kmsKeyArn": "[unknown]"}
    assert key["urn"] in table["dependencies"]


def test_the_stack_key_rotates_has_an_alias_and_is_kept_in_prod(prod):
    key = named(prod, KMS_KEY, "koneksi-prod-dynamodb-key")
    assert key["inputs"]["enableKeyRotation"] is True
    assert (key["protect"], key["retainOnDelete"]) == (True, True)
    alias = named(prod, "aws:kms/alias:Alias", "koneksi-prod-dynamodb-key-alias")
    assert alias["inputs"]["name"] == "alias/koneksi-prod-dynamodb"


@pytest.mark.parametrize("dimension", ["Read", "Write"])
def test_prod_users_scales_each_dimension_from_5_to_100_at_70_percent(prod, dimension):
    field = dimension.lower()
    target = named(prod, TARGET, f"users-{field}-target")["inputs"]
    assert target == {"serviceNamespace": "dynamodb", "resourceId": "table/koneksi-prod-users",
                      "scalableDimension": f"dynamodb:table:{dimension}CapacityUnits",
                      "minCapacity": 5, "maxCapacity": 100}
    policy = named(prod, POLICY, f"users-{field}-policy")["inputs"]
    assert policy["policyType"] == "TargetTrackingScaling"
    assert policy["resourceId"] == "table/koneksi-prod-users"
    tracking = policy["targetTrackingScalingPolicyConfiguration"]
    assert tracking["targetValue"] == 70
    assert tracking["predefinedMetricSpecification"] == {"predefinedMetricType": f"DynamoDB{dimension}CapacityUtilization"}


def test_prod_table_capacity_is_left_to_auto_scaling(prod):
    assert named(prod, TABLE, "users-table")["ignoreChanges"] == ["readCapacity", "writeCapacity",
                                                               *RESTORE_INPUTS]


def test_every_resource_goes_through_the_stack_provider_with_default_tags(prod):
    provider = named(prod, PROVIDER, "aws")
    assert provider["inputs"]["region"] == "ap-southeast-1"
    assert '"Project": "koneksi"' in provider["inputs"]["defaultTags"]
    assert '"Environment": "prod"' in provider["inputs"]["defaultTags"]
    assert '"ManagedBy"' in provider["inputs"]["defaultTags"]
    custom = [r for r in prod.resources() if r["custom"] and r["type"] != PROVIDER]
    assert custom and all(r["provider"].startswith(provider["urn"] + "::") for r in custom)


def test_every_child_is_parented_to_its_table_component(prod):
    component = named(prod, COMPONENT, "users")
    children = [r for r in prod.resources() if r["type"] in (TABLE, TARGET, POLICY)]
    assert len(children) == 5 and all(r["parent"] == component["urn"] for r in children)
    assert named(prod, TABLE, "users-table")["urn"] == (
        "urn:pulumi:prod::koneksi-dynamodb::koneksi:dynamodb:Table$aws:dynamodb/table:Table::users-table")


def test_stack_outputs_list_every_table_with_its_outputs(prod):
    users = prod.outputs["tables"]["users"]
    assert set(users) == {"name", "arn", "id", "streamArn", "streamLabel", "readThrottleAlarmArn",
                          "writeThrottleAlarmArn"}
    assert users["name"] == "koneksi-prod-users"
    assert users["arn"] == "[unknown]"  # known only after deployment, as in a real preview
