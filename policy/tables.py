"""DynamoDB's resources as the plan holds them. A replica (`TableReplica`) is a table of its own in
its region, and AWS Config and Security Hub evaluate it there like any table."""

from typing import Mapping, Optional

from .resources import Resource, known

TABLE = "aws:dynamodb/table:Table"
REPLICA = "aws:dynamodb/tableReplica:TableReplica"
GSI = "aws:dynamodb/globalSecondaryIndex:GlobalSecondaryIndex"
TABLES = (TABLE, REPLICA)
# Security Hub's controls for DynamoDB, the source of every DynamoDB.n control here.
SECURITY_HUB = "https://docs.aws.amazon.com/securityhub/latest/userguide/dynamodb-controls.html"


def table_name(table: Resource) -> Optional[str]:
    """The physical name, where the plan knows it (this program always writes it)."""
    name = table.get("name")
    return name if isinstance(name, str) and known(name) else None


def physical_name(table: Resource, tables_by_urn: Mapping[str, Resource]) -> Optional[str]:
    """A table's name; a replica has its table's, which it references."""
    if table.type != REPLICA:
        return table_name(table)
    return next((table_name(tables_by_urn[urn]) for urn in sorted(table.dependencies) if urn in tables_by_urn), None)


def describe(resource: Resource) -> str:
    if resource.type == REPLICA:
        return f"replica {resource.name} in {resource.region or 'its region'}"
    return f"table {table_name(resource) or resource.name}"
