"""The whole stack: its provider, its KMS key when a table asks for one, and a component per table."""

import pulumi

from .config import StackConfig
from .provider import aws_provider, stack_key
from .table import DynamoTable


def build_stack(config: StackConfig) -> dict[str, DynamoTable]:
    provider = aws_provider(config)
    with_provider = pulumi.ResourceOptions(provider=provider)
    key_arn = stack_key(config, with_provider).arn if config.needs_stack_key else None
    return {
        key: DynamoTable(key, table, key_arn, opts=pulumi.ResourceOptions(providers=[provider]))
        for key, table in config.tables.items()
    }
