"""AWS Backup for the stack's tables: a vault (and one in `copyToRegion`), a plan whose rules
follow `backup` or the compliance tier, a selection of the tables by ARN, and the role AWS Backup
assumes with AWS's managed backup and restore policies. A backup plan covers the resources of its
own region only (AWS Backup developer guide, "Creating a backup plan"; Security Hub DynamoDB.4
judges each replica in its region), so each replica region gets a vault, the same rules and a
selection of the replicas there.

A vault holds the recovery points, so it is kept like the tables (Pulumi `protect` and
`retainOnDelete` where the stack protects its data). The region's Backup settings (DynamoDB
opt-in, advanced features) belong to the account and region: only a stack with
`backup.manageRegionSettings: true` sets them, once, and leaves later changes made elsewhere alone.
"""

import json
from dataclasses import dataclass
from typing import Optional

import pulumi
import pulumi_aws as aws

from .context import StackContext
from .table import DynamoTable

# AWS managed policy reference: both carry the `service-role/` path (the `aws-service-role/`
# ones belong to the service-linked role).
MANAGED_POLICIES = {"backup": "service-role/AWSBackupServiceRolePolicyForBackup",
                    "restores": "service-role/AWSBackupServiceRolePolicyForRestores"}


@dataclass(frozen=True)
class StackBackup:
    vault: aws.backup.Vault
    plan: aws.backup.Plan


def stack_backup(ctx: StackContext, tables: list[DynamoTable]) -> Optional[StackBackup]:
    config, names = ctx.config, ctx.names
    plan_config = config.backup_plan
    if plan_config is None:
        return None
    kept = dict(protect=config.protects_data, retain_on_delete=config.protects_data)

    def vault(region: Optional[str]) -> aws.backup.Vault:
        # With advanced DynamoDB backup the vault's key encrypts the backups (AWS Backup developer
        # guide, "Encryption for backups"): the stack's key where the tier needs a customer key.
        key_arn = ctx.key_arn(region) if region in config.vault_key_regions else None
        return aws.backup.Vault(names.backup if region == ctx.region else f"{names.backup}-{region}",
                                name=names.backup, kms_key_arn=key_arn, opts=ctx.opts(**kept),
                                **ctx.in_region(region))

    vaults = {region: vault(region) for region in config.vault_regions}
    primary = vaults[ctx.region]
    copy = vaults[plan_config.copy_to_region] if plan_config.copy_to_region else None
    role = aws.iam.Role(names.backup_role, name=names.backup_role, opts=ctx.opts(),
                        description="Assumed by AWS Backup to back up and restore the stack's DynamoDB tables",
                        assume_role_policy=json.dumps({"Version": "2012-10-17", "Statement": [{
                            "Effect": "Allow", "Principal": {"Service": "backup.amazonaws.com"},
                            "Action": "sts:AssumeRole"}]}))
    grants = [aws.iam.RolePolicyAttachment(f"{names.backup_role}-{purpose}", role=role.name, opts=ctx.opts(),
                                           policy_arn=f"arn:{ctx.partition}:iam::aws:policy/{policy}")
              for purpose, policy in MANAGED_POLICIES.items()]

    def plan_in(region: str, resources: list[pulumi.Output[str]], copy_to: Optional[aws.backup.Vault]) -> aws.backup.Plan:
        suffix = "" if region == ctx.region else f"-{region}"
        plan = aws.backup.Plan(names.backup + suffix, name=names.backup, opts=ctx.opts(), rules=[
            aws.backup.PlanRuleArgs(
                rule_name=rule.name, target_vault_name=vaults[region].name, schedule=rule.schedule,
                lifecycle=_lifecycle(rule),
                copy_actions=[aws.backup.PlanRuleCopyActionArgs(destination_vault_arn=copy_to.arn,
                                                                lifecycle=_lifecycle(rule))] if copy_to else None)
            for rule in plan_config.rules], **ctx.in_region(region))
        aws.backup.Selection(names.backup_selection + suffix, name=names.backup_selection, plan_id=plan.id,
                             iam_role_arn=role.arn, resources=resources, opts=ctx.opts(depends_on=grants),
                             **ctx.in_region(region))
        return plan

    plan = plan_in(ctx.region, [table.arns.table for table in tables], copy)
    for region in config.replica_regions:  # the replicas' backups stay in their region: no copies
        plan_in(region, [table.arns.replicas[region] for table in tables if region in table.arns.replicas], None)
    if plan_config.manage_region_settings:
        for region in config.vault_regions:
            aws.backup.RegionSettings(
                f"{ctx.names.prefix}-backup-region-settings" + ("" if region == ctx.region else f"-{region}"),
                resource_type_opt_in_preference={"DynamoDB": True},
                resource_type_management_preference={"DynamoDB": True},
                # The provider reads back every resource type of the region: without this, each
                # preview would show the types this stack does not name as changes.
                opts=ctx.opts(ignore_changes=["resourceTypeOptInPreference", "resourceTypeManagementPreference"]),
                **ctx.in_region(region))
    return StackBackup(primary, plan)


def _lifecycle(rule) -> aws.backup.PlanRuleLifecycleArgs:
    return aws.backup.PlanRuleLifecycleArgs(delete_after=rule.retention_days,
                                            cold_storage_after=rule.cold_storage_after_days)
