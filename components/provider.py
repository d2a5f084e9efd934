"""The explicit AWS provider every resource of the stack goes through."""

import pulumi
import pulumi_aws as aws

from .config import StackConfig

MANAGED_BY = "pulumi:koneksi-dynamodb"


def standard_tags(config: StackConfig) -> dict[str, str]:
    return {"Project": config.project, "Environment": config.environment, "ManagedBy": MANAGED_BY}


def aws_provider(config: StackConfig) -> aws.Provider:
    # Explicit rather than `aws:defaultTags`, so the tags are part of the program and testable.
    return aws.Provider(
        "aws",
        region=config.region,
        default_tags=aws.ProviderDefaultTagsArgs(tags={**config.tags, **standard_tags(config)}),
    )


def stack_key(config: StackConfig, opts: pulumi.ResourceOptions) -> aws.kms.Key:
    """The one customer-managed KMS key of the stack's CUSTOMER_MANAGED tables.

    Losing it makes the tables' data unreadable, so it is as protected as the tables of a prod
    stack.
    """
    name = f"{config.project}-{config.environment}-dynamodb"
    key = aws.kms.Key(
        f"{name}-key",
        description=f"Encrypts the DynamoDB tables of {config.project} {config.environment}",
        enable_key_rotation=True,
        deletion_window_in_days=30,
        opts=pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(protect=config.is_prod,
                                                                       retain_on_delete=config.is_prod)),
    )
    aws.kms.Alias(f"{name}-key-alias", name=f"alias/{name}", target_key_id=key.key_id, opts=opts)
    return key
