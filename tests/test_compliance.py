"""Compliance tiers (issue 8, item 3), and a fedramp-high stack end to end."""

import pytest

from tests.conftest import GSI, POLICY, ROOT, USERS, parse, problems, synth_stack

ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
KEY_ARN = "arn:aws:kms:ap-southeast-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"


@pytest.fixture(scope="module")
def high():
    return synth_stack("prod", ROOT / "examples" / "fedramp-high.yaml")


def by_region(resources):
    return {r["inputs"].get("region", "ap-southeast-1"): r for r in resources}


def test_replicas_with_their_own_regions_keys(high):
    keys = by_region(high.resources("aws:kms/key:Key"))
    replicas = by_region(high.resources("aws:dynamodb/tableReplica:TableReplica"))
    assert set(replicas) == {"us-west-2", "eu-west-1"}
    assert set(keys) == {"ap-southeast-1", "ap-southeast-2", "us-west-2", "eu-west-1"}
    for region, replica in replicas.items():
        assert keys[region]["urn"] in replica["dependencies"] and replica["protect"]


def test_a_provisioned_table_with_a_gsi_and_two_replicas_plans_in_one_up(high):
    """Every replica waits for the GSI and every scaling policy: no second `up` is needed."""
    waits = [set(r["dependencies"]) for r in high.resources("aws:dynamodb/tableReplica:TableReplica")]
    needed = {r["urn"] for r in [*high.resources(GSI), *high.resources(POLICY)]}
    assert len(waits) == 2 and all(needed <= wait for wait in waits)


def test_the_backup_plan_vaults_and_selection(high):
    vaults = by_region(high.resources("aws:backup/vault:Vault"))
    keys = by_region(high.resources("aws:kms/key:Key"))
    assert set(vaults) == {"ap-southeast-1", "ap-southeast-2", "us-west-2", "eu-west-1"}  # copies, replicas
    for region, vault in vaults.items():
        assert keys[region]["urn"] in vault["dependencies"] and vault["protect"]  # the stack's key there
    plans = by_region(high.resources("aws:backup/plan:Plan"))
    assert set(plans) == {"ap-southeast-1", "us-west-2", "eu-west-1"}
    weekly = next(r for r in plans["ap-southeast-1"]["inputs"]["rules"] if r["ruleName"] == "weekly")
    assert weekly["lifecycle"] == {"deleteAfter": 3650, "coldStorageAfter": 90} and weekly["copyActions"]
    selections = by_region(high.resources("aws:backup/selection:Selection"))
    assert selections["ap-southeast-1"]["inputs"]["resources"] == [
        "arn:aws:dynamodb:ap-southeast-1:[account]:table/koneksi-prod-ledger"]


def test_each_replica_is_backed_up_in_its_region(high):
    """A backup plan covers its own region only (Security Hub DynamoDB.4 judges each replica)."""
    plans = by_region(high.resources("aws:backup/plan:Plan"))
    vaults = by_region(high.resources("aws:backup/vault:Vault"))
    replicas = by_region(high.resources("aws:dynamodb/tableReplica:TableReplica"))
    for region, selection in by_region(high.resources("aws:backup/selection:Selection")).items():
        if region == "ap-southeast-1":
            continue
        assert plans[region]["urn"] in selection["dependencies"] and replicas[region]["urn"] in selection["dependencies"]
        assert vaults[region]["urn"] in plans[region]["dependencies"]
        assert all("copyActions" not in rule for rule in plans[region]["inputs"]["rules"])
        assert [r["ruleName"] for r in plans[region]["inputs"]["rules"]] == ["daily", "weekly"]


def test_comprehensive_alarms_by_default(high):
    names = {a["inputs"]["name"] for a in high.resources(ALARM)}
    assert {"koneksi-prod-account-user-errors", "koneksi-prod-ledger-conditional-check-failures",
            "koneksi-prod-ledger-us-west-2-replication-latency"} <= names
    assert high.resources("aws:dynamodb/contributorInsights:ContributorInsights")


def test_the_tier_turns_on_what_it_requires():
    config = parse({"users": USERS}, stack="staging", compliance="fedramp-moderate")
    table = config.tables["users"]
    assert (table.encryption, table.deletion_protection, table.protect, table.pitr_enabled) == (
        "CUSTOMER_MANAGED", True, True, True)
    assert config.alarm_level == "comprehensive" and config.protects_data
    assert [(r.name, r.retention_days) for r in config.backup_plan.rules] == [("daily", 35), ("weekly", 365)]


@pytest.mark.parametrize("tier, table, stack_keys, path, words", [
    ("fedramp-moderate", {**USERS, "encryption": "AWS_MANAGED"}, {}, ("tables", "t", "encryption"),
     "requires a customer-managed key"),
    ("fedramp-moderate", {**USERS, "deletionProtection": False}, {}, ("tables", "t", "deletionProtection"),
     "not allowed in compliance fedramp-moderate"),
    ("fedramp-moderate", {**USERS, "protect": False}, {}, ("tables", "t", "protect"), "fedramp-moderate"),
    ("fedramp-moderate", {**USERS, "pointInTimeRecovery": False}, {}, ("tables", "t", "pointInTimeRecovery"),
     "fedramp-moderate"),
    ("fedramp-moderate", USERS, {"backup": "false"}, ("backup",), "requires backups"),
    ("fedramp-moderate", USERS, {"backup": {"rules": [{"name": "d", "schedule": "cron(0 5 ? * * *)",
                                                      "retentionDays": 364}]}}, ("backup", "rules"), "at least 365"),
    ("fedramp-high", USERS, {}, ("tables", "t", "replicas"), "at least 1 replica region"),
    ("fedramp-high", {**USERS, "replicas": ["us-west-2"]},
     {"backup": {"rules": [{"name": "d", "schedule": "cron(0 5 ? * * *)", "retentionDays": 365}]}},
     ("backup", "rules"), "at least 3650"),
])
def test_a_tier_refuses_what_is_below_its_minimums_naming_tier_and_minimum(tier, table, stack_keys, path, words):
    found = problems({"t": table}, compliance=tier, **stack_keys)
    assert any(p.path == path and words in p.reason for p in found), found


def test_a_key_the_user_brings_is_accepted_with_a_warning_about_rotation():
    config = parse({"users": {**USERS, "encryption": KEY_ARN}}, compliance="fedramp-moderate")
    assert any("cannot be checked offline" in warning for warning in config.warnings)


def test_commercial_allows_what_the_tiers_refuse():
    config = parse({"users": {**USERS, "encryption": "AWS_OWNED"}}, backup="false")
    assert config.backup_plan is None and config.tables["users"].encryption == "AWS_OWNED"
