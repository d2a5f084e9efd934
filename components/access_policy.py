"""The document of an `access` policy, from the ARNs the tables hand out (strings when the config
check measures it, outputs when the policy is built).

Actions and the resources they take: Service Authorization Reference, "Actions, resources, and
condition keys for Amazon DynamoDB": item reads and writes and DescribeTable take the `table`
resource type, Query and Scan also `index`, the stream reads `stream`; ListStreams takes none, so
only `"Resource": "*"` matches it. Conditions: DynamoDB developer guide, "Using IAM policy
conditions for fine-grained access control" (its overview policy and examples 1, 2 and 5)."""

from dataclasses import dataclass
from typing import Any, Sequence

from .config.access import Access
from .dynamodb_actions import LIST_STREAMS

READ = ("dynamodb:BatchGetItem", "dynamodb:ConditionCheckItem", "dynamodb:GetItem", "dynamodb:Query", "dynamodb:Scan")
DESCRIBE = ("dynamodb:DescribeTable",)
WRITE = ("dynamodb:BatchWriteItem", "dynamodb:DeleteItem", "dynamodb:PutItem", "dynamodb:UpdateItem")
# With `attributes`, only UpdateItem writes: "This policy doesn't permit PutItem, DeleteItem, or
# BatchWriteItem. These actions always replace the entire previous item" (the guide, example 2).
WRITE_ATTRIBUTES = ("dynamodb:UpdateItem",)
INDEX_READS = ("dynamodb:Query", "dynamodb:Scan")
STREAM_READ = ("dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator")
# UpdateItem's implicit read: only these return no attribute beyond those written (example 2).
RETURN_VALUES = ["NONE", "UPDATED_OLD", "UPDATED_NEW"]


@dataclass(frozen=True)
class Grantable:
    """One table's ARNs in its region and in each replica's."""

    tables: Sequence[Any]
    indexes: Sequence[Any]
    streams: Sequence[Any]
    indexes_by_partition_key: Sequence[Any] = ()  # those keyed by the table's partition key


def access_document(entry: Access, grantables: Sequence[Grantable]) -> dict:
    tables = [arn for grantable in grantables for arn in grantable.tables]
    indexes = [arn for grantable in grantables
               for arn in (grantable.indexes_by_partition_key if entry.leading_keys else grantable.indexes)]
    statements = []
    if entry.level in ("read", "readWrite"):
        # A Scan carries no key, and ForAllValues over no values is true: with leading keys, a
        # Scan would read the whole table. With attributes, ConditionCheckItem is left out: it
        # takes ReturnValuesOnConditionCheckFailure, which can return the whole item.
        reads = [action for action in READ if not (entry.leading_keys and action == "dynamodb:Scan")
                 and not (entry.attributes and action == "dynamodb:ConditionCheckItem")]
        select = {"StringEqualsIfExists": {"dynamodb:Select": "SPECIFIC_ATTRIBUTES"}}
        statements.append(_statement("ReadItems", reads, tables, entry, select))
        if indexes:  # only Query and Scan read an index
            statements.append(_statement("QueryIndexes", [a for a in reads if a in INDEX_READS], indexes, entry,
                                         select))
        statements.append(_statement("DescribeTables", list(DESCRIBE), tables))
    if entry.level in ("write", "readWrite"):
        # UpdateItem always carries ReturnValues (NONE unless asked): StringEquals, as the guide's
        # write-only policy has it.
        statements.append(_statement("WriteItems", list(WRITE_ATTRIBUTES if entry.attributes else WRITE), tables,
                                     entry, {"StringEquals": {"dynamodb:ReturnValues": RETURN_VALUES}}))
    if entry.level == "streamRead":
        statements.append(_statement("ReadStreams", list(STREAM_READ),
                                     [arn for grantable in grantables for arn in grantable.streams]))
        statements.append(_statement("ListStreams", [LIST_STREAMS], "*"))
    return {"Version": "2012-10-17", "Statement": statements}  # 2012-10-17: policy variables need it


def _statement(sid: str, actions: list[str], resources: Any, entry: Access = None,
               attribute_condition: dict = None) -> dict:
    statement = {"Sid": sid, "Effect": "Allow", "Action": actions, "Resource": resources}
    if entry is None:
        return statement
    condition: dict[str, dict] = {}
    if entry.leading_keys:
        condition.setdefault("ForAllValues:StringEquals", {})["dynamodb:LeadingKeys"] = [entry.leading_keys]
    if entry.attributes:
        condition.setdefault("ForAllValues:StringEquals", {})["dynamodb:Attributes"] = list(entry.attributes)
        condition.update(attribute_condition)
    if condition:
        statement["Condition"] = condition
    return statement
