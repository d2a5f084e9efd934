"""The stack's DynamoDB gateway endpoint, or the policy of an existing one (`network.endpointId`:
a route table routes to one gateway endpoint per service, so route tables that already use one
cannot take another)."""

# Annotations stay unevaluated: `aws.ec2` takes most of a second to import, and only stacks with
# a `network` should pay for it.
from __future__ import annotations

import pulumi
import pulumi_aws as aws

from .context import StackContext
from .endpoint_policy import endpoint_policy
from .table import DynamoTable


def stack_endpoint(ctx: StackContext, tables: list[DynamoTable]) -> aws.ec2.VpcEndpoint | aws.ec2.VpcEndpointPolicy:
    """The policy names the tables' and indexes' ARNs, which the tables hand out."""
    network = ctx.config.network
    arns = [pulumi.Output.all(table.arns.table, *table.arns.indexes.values()) for table in tables]
    policy = pulumi.Output.all(ctx.account_id, *arns).apply(lambda resolved: pulumi.Output.json_dumps(endpoint_policy(
        resolved[0], {table_arn: index_arns for table_arn, *index_arns in resolved[1:]}, network.admin_role_arns)))
    if not network.manages_endpoint:
        # Deleting this resource resets the endpoint to the default full-access policy
        # (terraform-provider-aws, aws_vpc_endpoint_policy: ModifyVpcEndpoint ResetPolicy).
        return aws.ec2.VpcEndpointPolicy(f"{ctx.names.endpoint}-policy", vpc_endpoint_id=network.endpoint_id,
                                         policy=policy, opts=ctx.opts())
    return aws.ec2.VpcEndpoint(
        ctx.names.endpoint,
        vpc_id=network.vpc_id,
        service_name=f"com.amazonaws.{ctx.region}.dynamodb",
        vpc_endpoint_type="Gateway",
        route_table_ids=network.route_table_ids,
        policy=policy,
        opts=ctx.opts(),
    )
