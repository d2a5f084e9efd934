"""The stack's customer-managed KMS key: for its CUSTOMER_MANAGED tables and its alarm topic."""

import pulumi
import pulumi_aws as aws

from .context import StackContext


def stack_key(ctx: StackContext) -> aws.kms.Key:
    """Losing the key makes the tables' data unreadable, so in prod it is as protected as the
    tables: Pulumi `protect` and `retainOnDelete`."""
    config = ctx.config
    key = aws.kms.Key(
        ctx.names.key,
        description=f"Encrypts the DynamoDB tables and alarm topic of {config.project} {config.environment}",
        enable_key_rotation=True,
        deletion_window_in_days=30,
        policy=ctx.account_id.apply(lambda account: pulumi.Output.json_dumps(key_policy(ctx, account))),
        opts=ctx.opts(protect=config.is_prod, retain_on_delete=config.is_prod),
    )
    aws.kms.Alias(f"{ctx.names.key}-alias", name=ctx.names.key_alias, target_key_id=key.key_id, opts=ctx.opts())
    return key


def key_policy(ctx: StackContext, account_id: str) -> dict:
    """AWS's default key policy (the account administers the key through IAM), plus, when the
    stack has its own alarm topic, what CloudWatch needs to publish to the encrypted topic
    (SNS developer guide, "Encryption at rest": CloudWatch needs kms:Decrypt and
    kms:GenerateDataKey* on a customer managed key).

    A key policy's `Resource` is always `*`: it means this key and nothing else.
    """
    statements = [{
        "Sid": "AccountAdministersThroughIam",
        "Effect": "Allow",
        "Principal": {"AWS": f"arn:{ctx.partition}:iam::{account_id}:root"},
        "Action": "kms:*",
        "Resource": "*",
    }]
    if ctx.config.creates_alarm_topic:
        statements.append({
            "Sid": "CloudWatchAlarmsPublishToTheEncryptedTopic",
            "Effect": "Allow",
            "Principal": {"Service": "cloudwatch.amazonaws.com"},
            "Action": ["kms:Decrypt", "kms:GenerateDataKey"],
            "Resource": "*",
            "Condition": {"StringEquals": {"aws:SourceAccount": account_id}},
        })
    return {"Version": "2012-10-17", "Statement": statements}
