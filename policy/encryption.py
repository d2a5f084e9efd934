"""KONEKSI.KMS: where the compliance tier requires a customer-managed key
(`components.config.compliance`, `Tier.customer_managed_key`), what holds the tables' data is
encrypted with one: tables, replicas, backup vaults.

How the provider reads the settings (terraform-provider-aws docs, aws_dynamodb_table
`server_side_encryption`: `enabled = false` is the AWS owned key, `enabled = true` without
`kms_key_arn` the AWS managed key `alias/aws/dynamodb`; aws_dynamodb_table_replica `kms_key_arn`:
without it, `alias/aws/dynamodb`; aws_backup_vault `kms_key_arn`: without it, AWS Backup's managed
key). A key the plan cannot show (an output of the stack's key, a secret) counts as the customer's:
only keys this program creates or is given end up there. DAX clusters are exempt: DAX encrypts at
rest with "the single service default key", an AWS managed key, and takes no key of the customer's
(DynamoDB developer guide, "DAX encryption at rest")."""

from typing import Any, Iterator

from .control import ResourceControl
from .resources import Resource, known
from .scope import tier
from .tables import REPLICA, TABLE, describe

VAULT = "aws:backup/vault:Vault"
AWS_MANAGED_ALIAS = "alias/aws/"


def _customer_key(value: Any) -> bool:
    if not known(value):
        return True
    return isinstance(value, str) and bool(value) and AWS_MANAGED_ALIAS not in value


def _customer_managed(resource: Resource) -> Iterator[str]:
    resource_tier = tier(resource)
    if resource_tier is not None and not resource_tier.customer_managed_key:
        return
    required = f"compliance {resource_tier.name} requires" if resource_tier else "the stack's tier may require"
    if resource.type == TABLE:
        enabled = resource.get("serverSideEncryption", "enabled")
        if not known(enabled):
            return
        key = resource.get("serverSideEncryption", "kmsKeyArn") if enabled is True else None
        fix = "set `encryption: CUSTOMER_MANAGED` (the stack's key) or a key ARN of yours"
    elif resource.type == REPLICA:
        key = resource.get("kmsKeyArn")
        fix = ("encrypt its table with `CUSTOMER_MANAGED` (each replica then gets a stack key of its region), or give "
               "the replica a key of its region (`replicas[].kmsKeyArn`)")
    else:
        key = resource.get("kmsKeyArn")
        fix = "encrypt the vault with the stack's key (the program does so where the tier requires it)"
    if not _customer_key(key):
        what = describe(resource) if resource.type != VAULT else f"backup vault {resource.get('name') or resource.name}"
        yield f"{what} is not encrypted with a customer-managed KMS key, which {required}. Fix: {fix}"


CONTROLS = (
    ResourceControl(id="KONEKSI.KMS", title="Data of a compliance tier that requires it is encrypted with a "
                    "customer-managed KMS key",
                    source="components/config/compliance.py (the tiers); README, \"Compliance tiers\"",
                    severity="high", types=(TABLE, REPLICA, VAULT), check=_customer_managed),
)
