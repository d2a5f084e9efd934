"""The stack's DynamoDB gateway endpoint, whose policy lets through only the data-plane actions
on exactly the stack's tables, their indexes and their streams."""

# Annotations stay unevaluated: `aws.ec2` takes most of a second to import, and only stacks with
# a `network` should pay for it.
from __future__ import annotations

from typing import Mapping

import pulumi
import pulumi_aws as aws

from .config import StackConfig, Table

TABLE_ACTIONS = sorted([
    "dynamodb:BatchGetItem", "dynamodb:BatchWriteItem", "dynamodb:ConditionCheckItem", "dynamodb:DeleteItem",
    "dynamodb:DescribeTable", "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query", "dynamodb:Scan",
    "dynamodb:UpdateItem",
])
STREAM_ACTIONS = ["dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator"]


def partition(region: str) -> str:
    if region.startswith("cn-"):
        return "aws-cn"
    if region.startswith("us-gov-"):
        return "aws-us-gov"
    return "aws"


def endpoint_policy(config: StackConfig, account_id: str, table_names: Mapping[str, str]) -> dict:
    """`table_names` maps each table key to its deployed name."""
    def arn(name: str) -> str:
        return f"arn:{partition(config.region)}:dynamodb:{config.region}:{account_id}:table/{name}"

    tables: dict[str, Table] = config.tables
    item_resources, stream_resources = [], []
    for key, name in table_names.items():
        indexes = [*tables[key].global_secondary_indexes, *tables[key].local_secondary_indexes]
        item_resources += [arn(name), *(f"{arn(name)}/index/{index}" for index in indexes)]
        if tables[key].stream:
            # A stream's label is chosen by DynamoDB when the stream is enabled.
            stream_resources.append(f"{arn(name)}/stream/*")
    principal = {"AWS": f"arn:{partition(config.region)}:iam::{account_id}:root"}
    statements = [{"Sid": "StackTables", "Effect": "Allow", "Principal": principal,
                   "Action": TABLE_ACTIONS, "Resource": item_resources}]
    if stream_resources:
        statements.append({"Sid": "StackTableStreams", "Effect": "Allow", "Principal": principal,
                           "Action": STREAM_ACTIONS, "Resource": stream_resources})
    return {"Version": "2012-10-17", "Statement": statements}


def gateway_endpoint(config: StackConfig, account_id: pulumi.Input[str], table_names: dict[str, pulumi.Output[str]],
                     prefix: str, opts: pulumi.ResourceOptions) -> aws.ec2.VpcEndpoint:
    policy = pulumi.Output.all(account_id, pulumi.Output.all(**table_names)).apply(
        lambda args: pulumi.Output.json_dumps(endpoint_policy(config, args[0], args[1])))
    return aws.ec2.VpcEndpoint(
        f"{prefix}-dynamodb-endpoint",
        vpc_id=config.network.vpc_id,
        service_name=f"com.amazonaws.{config.region}.dynamodb",
        vpc_endpoint_type="Gateway",
        route_table_ids=config.network.route_table_ids,
        policy=policy,
        opts=opts,
    )
