"""AWS Backup for the stack's tables (issue 8, item 4)."""

import json

import pytest

from tests.conftest import TABLE, USERS, named, parse, problems, synth_stack, synth_tables

VAULT = "aws:backup/vault:Vault"
PLAN = "aws:backup/plan:Plan"
SELECTION = "aws:backup/selection:Selection"
ROLE = "aws:iam/role:Role"
ATTACHMENT = "aws:iam/rolePolicyAttachment:RolePolicyAttachment"
REGION_SETTINGS = "aws:backup/regionSettings:RegionSettings"
CUSTOM = {"rules": [{"name": "daily", "schedule": "cron(0 5 ? * * *)", "retentionDays": 35},
                    {"name": "monthly", "schedule": "cron(0 3 1 * ? *)", "retentionDays": 400,
                     "coldStorageAfterDays": 30}],
          "copyToRegion": "us-west-2", "manageRegionSettings": True}


@pytest.fixture(scope="module")
def prod():
    return synth_stack("prod")


def test_by_default_a_stack_backs_up_its_tables_daily_for_30_days(prod):
    [plan] = prod.resources(PLAN)
    [rule] = plan["inputs"]["rules"]
    assert (rule["ruleName"], rule["schedule"], rule["lifecycle"]) == ("daily", "cron(0 5 ? * * *)", {"deleteAfter": 30})
    [vault] = prod.resources(VAULT)
    assert vault["inputs"]["name"] == "koneksi-prod-dynamodb" and vault["urn"] in plan["dependencies"]


def test_the_vault_holds_recovery_points_so_a_protected_stack_keeps_it(prod):
    [vault] = prod.resources(VAULT)
    assert (vault["protect"], vault["retainOnDelete"]) == (True, True)
    [staging_vault] = synth_stack("staging").resources(VAULT)
    assert (staging_vault["protect"], staging_vault["retainOnDelete"]) == (False, False)


def test_the_selection_names_the_tables_arns_as_the_tables_hand_them_out(prod):
    [selection] = prod.resources(SELECTION)
    assert selection["inputs"]["resources"] == ["arn:aws:dynamodb:ap-southeast-1:[account]:table/koneksi-prod-users"]
    assert named(prod, TABLE, "users-table")["urn"] in selection["dependencies"]


def test_aws_backup_assumes_a_role_with_awss_managed_backup_and_restore_policies(prod):
    [role] = prod.resources(ROLE)
    trust = json.loads(role["inputs"]["assumeRolePolicy"])["Statement"]
    assert trust == [{"Effect": "Allow", "Principal": {"Service": "backup.amazonaws.com"}, "Action": "sts:AssumeRole"}]
    assert sorted(a["inputs"]["policyArn"] for a in prod.resources(ATTACHMENT)) == [
        "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup",
        "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForRestores"]
    [selection] = prod.resources(SELECTION)
    assert {a["urn"] for a in prod.resources(ATTACHMENT)} <= set(selection["dependencies"])


def test_backup_false_backs_up_nothing():
    plan = synth_tables({"users": USERS}, backup="false")
    assert not plan.resources(VAULT) and not plan.resources(PLAN) and not plan.resources(ROLE)


def test_rules_cold_storage_and_a_copy_to_another_region():
    plan = synth_tables({"users": USERS}, backup=CUSTOM)
    vaults = {v["inputs"].get("region", "ap-southeast-1"): v for v in plan.resources(VAULT)}
    assert set(vaults) == {"ap-southeast-1", "us-west-2"}
    [backup_plan] = plan.resources(PLAN)
    monthly = next(r for r in backup_plan["inputs"]["rules"] if r["ruleName"] == "monthly")
    assert monthly["lifecycle"] == {"deleteAfter": 400, "coldStorageAfter": 30}
    assert monthly["copyActions"] == [{"destinationVaultArn": "[unknown]",
                                       "lifecycle": {"deleteAfter": 400, "coldStorageAfter": 30}}]
    assert vaults["us-west-2"]["urn"] in backup_plan["dependencies"]


def test_the_regions_backup_settings_are_set_only_when_asked_and_only_once():
    assert not synth_tables({"users": USERS}).resources(REGION_SETTINGS)
    settings = synth_tables({"users": USERS}, backup=CUSTOM).resources(REGION_SETTINGS)
    assert {s["inputs"].get("region", "ap-southeast-1") for s in settings} == {"ap-southeast-1", "us-west-2"}
    for setting in settings:
        assert setting["inputs"]["resourceTypeOptInPreference"] == {"DynamoDB": True}
        assert setting["inputs"]["resourceTypeManagementPreference"] == {"DynamoDB": True}
        assert setting["ignoreChanges"] == ["resourceTypeOptInPreference", "resourceTypeManagementPreference"]


def test_advanced_features_without_the_region_settings_are_a_warning():
    config = parse({"users": USERS}, backup={**CUSTOM, "manageRegionSettings": False})
    assert any("advanced DynamoDB features" in w for w in config.warnings)


@pytest.mark.parametrize("backup, path, words", [
    ({"rules": [{"name": "d", "schedule": "rate(1 day)", "retentionDays": 30}]}, ("rules", 0, "schedule"), "no rate()"),
    ({"rules": [{"name": "d", "schedule": "cron(*/5 * ? * * *)", "retentionDays": 30}]}, ("rules", 0, "schedule"),
     "at most hourly"),
    ({"rules": [{"name": "d", "schedule": "cron(0 5 * * * *)", "retentionDays": 30}]}, ("rules", 0, "schedule"),
     "? in exactly one"),
    ({"rules": [{"name": "d", "schedule": "cron(0 5 ? * * *)", "retentionDays": 100, "coldStorageAfterDays": 30}]},
     ("rules", 0, "retentionDays"), "at least 120"),
    ({"rules": [{"name": "d", "schedule": "cron(0 5 ? * * *)", "retentionDays": 36501}]}, ("rules", 0, "retentionDays"),
     "36500"),
    ({"rules": [{"name": "d d", "schedule": "cron(0 5 ? * * *)", "retentionDays": 30}]}, ("rules", 0, "name"),
     "backup rule name"),
    ({"rules": [{"name": "d", "schedule": "cron(0 5 ? * * *)", "retentionDays": 30}] * 2}, ("rules", 1, "name"),
     "used twice"),
    ({"copyToRegion": "ap-southeast-1"}, ("copyToRegion",), "another region"),
    ({"rules": []}, ("rules",), "at least 1"),
])
def test_backup_rules(backup, path, words):
    found = problems({"users": USERS}, backup=backup)
    assert any(p.path == ("backup", *path) and words in p.reason + p.fix for p in found), found


def test_backup_names_must_fit_aws_backup():
    found = problems({"users": {**USERS, "name": "users"}}, project="p" * 40)
    assert any("derived backup vault name" in p.reason for p in found)
