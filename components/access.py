"""`access`: one IAM managed policy per entry, granting the tables it names as those tables hand
them out (`DynamoTable.grantable`). Attach it to the roles that need it; the stack outputs its ARN."""

import json

import pulumi
import pulumi_aws as aws

from .access_policy import access_document
from .context import StackContext
from .table import DynamoTable


def stack_access(ctx: StackContext, tables: dict[str, DynamoTable]) -> dict[str, aws.iam.Policy]:
    policies = {}
    for name, entry in ctx.config.access.items():
        document = pulumi.Output.all(*(tables[key].grantable for key in entry.tables)).apply(
            lambda grantables, entry=entry: json.dumps(access_document(entry, grantables)))
        policies[name] = aws.iam.Policy(
            ctx.names.access_policy(name), name=ctx.names.access_policy(name), policy=document, opts=ctx.opts(),
            # Fixed: the provider replaces a policy whose description changes, and a policy of a fixed
            # name that is attached to a role can be neither created beside the old one nor deleted.
            description=f"DynamoDB access policy {name} of {ctx.names.prefix}")
    return policies
