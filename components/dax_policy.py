"""The document of the DAX cluster's role, from the ARNs the tables hand out (strings when the
config check measures it, outputs when the role is built).

Actions: those the DynamoDB developer guide lists for the DAX service role ("Creating an IAM role
for DAX"; "DAX access control": "`dynamodb:DescribeTable` action is required for DAX to maintain
metadata about the table"), which are the access levels' read, describe and write sets together.
Resources: the tables in the cluster's region (DAX caches no other region's replica) and, for Query
and Scan, their indexes, the one resource type those two take besides a table (Service
Authorization Reference, DynamoDB). DAX authorizes every request through it with this role alone,
so it is the widest grant any client of the cluster has ("DAX access control")."""

from typing import Any, Sequence

from .access_policy import DESCRIBE, READ, WRITE

DAX_ROLE_ACTIONS = tuple(sorted({*READ, *DESCRIBE, *WRITE}))
INDEX_ACTIONS = ("dynamodb:Query", "dynamodb:Scan")
DAX_SERVICE = "dax.amazonaws.com"


def dax_role_document(tables: Sequence[Any], indexes: Sequence[Any]) -> dict:
    statements = [{"Sid": "CachedTables", "Effect": "Allow", "Action": list(DAX_ROLE_ACTIONS),
                   "Resource": list(tables)}]
    if indexes:
        statements.append({"Sid": "CachedTablesIndexes", "Effect": "Allow", "Action": list(INDEX_ACTIONS),
                           "Resource": list(indexes)})
    return {"Version": "2012-10-17", "Statement": statements}


def dax_trust_document() -> dict:
    return {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": DAX_SERVICE},
                                                    "Action": "sts:AssumeRole"}]}
