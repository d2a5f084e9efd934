"""The policy of the stack's DynamoDB gateway endpoint, as a plain document.

For a gateway endpoint the principal must be `*`, narrowed by a condition: a principal of the
account (`arn:aws:iam::<account>:root`) would admit only its root user (AWS PrivateLink guide,
"Control access to VPC endpoints using endpoint policies", "Principals for gateway endpoints").
The policy governs all DynamoDB traffic of the endpoint's route tables, so the account's
principals get the data-plane actions on the stack's tables and indexes only; roles named in
`network.adminRoleArns` (a deploy runner in the VPC) get every action on those tables and the
account-wide list and describe calls. DynamoDB Streams never go through a gateway endpoint
(DynamoDB developer guide, "Using AWS PrivateLink for DynamoDB Streams"), so no stream appears.
"""

from typing import Mapping, Sequence

from .dynamodb_actions import ACCOUNT_LIST_AND_DESCRIBE, DATA, TABLE

# AWS PrivateLink guide, "Control access to VPC endpoints using endpoint policies": at most
# 20,480 characters, white space included.
MAX_CHARACTERS = 20480


def endpoint_policy(account_id: str, tables: Mapping[str, Sequence[str]], admin_role_arns: Sequence[str]) -> dict:
    """`tables` maps each table's ARN to its indexes' ARNs."""
    data = [arn for table_arn, index_arns in tables.items() for arn in (table_arn, *index_arns)]
    statements = [{"Sid": "StackTablesForTheAccount", "Effect": "Allow", "Principal": "*", "Action": list(DATA),
                   "Resource": data, "Condition": {"StringEquals": {"aws:PrincipalAccount": account_id}}}]
    if admin_role_arns:
        admins = {"ArnEquals": {"aws:PrincipalArn": list(admin_role_arns)}}
        statements += [
            {"Sid": "AdminRolesOnStackTables", "Effect": "Allow", "Principal": "*", "Action": list(TABLE),
             "Resource": [arn for table_arn in tables for arn in (table_arn, f"{table_arn}/*")], "Condition": admins},
            # These calls have no resource type: only "*" matches them.
            {"Sid": "AdminRolesListAndDescribe", "Effect": "Allow", "Principal": "*",
             "Action": list(ACCOUNT_LIST_AND_DESCRIBE), "Resource": "*", "Condition": admins},
        ]
    return {"Version": "2012-10-17", "Statement": statements}
