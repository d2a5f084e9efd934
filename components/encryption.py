"""The stack's customer-managed KMS key: for its CUSTOMER_MANAGED tables and its alarm topic."""

import pulumi
import pulumi_aws as aws

from .context import StackContext


def stack_keys(ctx: StackContext) -> dict[str, aws.kms.Key]:
    """The stack's key in each region that needs one: an independent key per region (making a key
    multi-Region later would replace it, which a protected key cannot be).

    Losing a key makes the tables' data unreadable, so in prod it is as protected as the tables:
    Pulumi `protect` and `retainOnDelete`."""
    config = ctx.config
    keys = {}
    for region in config.key_regions:
        name = ctx.names.key if region == ctx.region else f"{ctx.names.key}-{region}"
        keys[region] = key = aws.kms.Key(
            name,
            description=f"Encrypts the DynamoDB tables and alarm topic of {config.project} {config.environment}",
            enable_key_rotation=True,
            deletion_window_in_days=30,
            policy=ctx.account_id.apply(lambda account, region=region: pulumi.Output.json_dumps(
                key_policy(ctx, account, encrypts_alarm_topic=region == ctx.region))),
            opts=ctx.opts(protect=config.protects_data, retain_on_delete=config.protects_data),
            **ctx.in_region(region),
        )
        aws.kms.Alias(f"{name}-alias", name=ctx.names.key_alias, target_key_id=key.key_id, opts=ctx.opts(),
                      **ctx.in_region(region))
    return keys


def key_policy(ctx: StackContext, account_id: str, encrypts_alarm_topic: bool) -> dict:
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
    if encrypts_alarm_topic and ctx.config.creates_alarm_topic:
        statements.append({
            "Sid": "CloudWatchAlarmsPublishToTheEncryptedTopic",
            "Effect": "Allow",
            "Principal": {"Service": "cloudwatch.amazonaws.com"},
            "Action": ["kms:Decrypt", "kms:GenerateDataKey"],
            "Resource": "*",
            "Condition": {"StringEquals": {"aws:SourceAccount": account_id}},
        })
    return {"Version": "2012-10-17", "Statement": statements}
