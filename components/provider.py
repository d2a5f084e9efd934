"""The explicit AWS provider every resource of the stack goes through."""

import pulumi
import pulumi_aws as aws

from .config import StackConfig
from .network import partition

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


def stack_key(config: StackConfig, account_id: pulumi.Input[str], opts: pulumi.ResourceOptions) -> aws.kms.Key:
    """The one customer-managed KMS key of the stack: for its CUSTOMER_MANAGED tables and its
    alarm topic.

    Losing it makes the tables' data unreadable, so it is as protected as the tables of a prod
    stack.
    """
    name = f"{config.prefix}-dynamodb"
    key = aws.kms.Key(
        f"{name}-key",
        description=f"Encrypts the DynamoDB tables and alarm topic of {config.project} {config.environment}",
        enable_key_rotation=True,
        deletion_window_in_days=30,
        policy=pulumi.Output.from_input(account_id).apply(
            lambda account: pulumi.Output.json_dumps(key_policy(config, account))),
        opts=pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(protect=config.is_prod,
                                                                       retain_on_delete=config.is_prod)),
    )
    aws.kms.Alias(f"{name}-key-alias", name=f"alias/{name}", target_key_id=key.key_id, opts=opts)
    return key


def key_policy(config: StackConfig, account_id: str) -> dict:
    """AWS's default key policy (the account administers the key through IAM), plus, when the
    stack has its own alarm topic, what CloudWatch needs to publish to the encrypted topic.

    A key policy's `Resource` is always `*`: it means this key and nothing else.
    """
    statements = [{
        "Sid": "AccountAdministersThroughIam",
        "Effect": "Allow",
        "Principal": {"AWS": f"arn:{partition(config.region)}:iam::{account_id}:root"},
        "Action": "kms:*",
        "Resource": "*",
    }]
    if config.creates_alarm_topic:
        statements.append({
            "Sid": "CloudWatchAlarmsPublishToTheEncryptedTopic",
            "Effect": "Allow",
            "Principal": {"Service": "cloudwatch.amazonaws.com"},
            "Action": ["kms:Decrypt", "kms:GenerateDataKey"],
            "Resource": "*",
            "Condition": {"StringEquals": {"aws:SourceAccount": account_id}},
        })
    return {"Version": "2012-10-17", "Statement": statements}
