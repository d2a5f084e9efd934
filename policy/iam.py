"""KONEKSI.IAM: no `*` action or resource in the IAM policies this program writes for principals
(managed policies, role policies, a role's inline policies). An `Allow` with `NotAction` or
`NotResource` grants everything but what it names, so it counts as `*` too (IAM user guide, "IAM
JSON policy elements: NotAction", "NotResource").

Not read: trust policies (`assumeRolePolicy` names who may assume, not what), AWS managed
policies attached by ARN (AWS's to write), key policies (their `Resource` is always `*`, meaning
the key itself: KMS developer guide, "Key policies"). DynamoDB's account-wide list and describe
calls (ListStreams too) have no resource type, so `"Resource": "*"` is the only form they take (Service
Authorization Reference, DynamoDB): a statement of only those is allowed it."""

from typing import Iterator

from components.dynamodb_actions import ACCOUNT_WIDE

from .control import ResourceControl
from .documents import allows, label, statements, values
from .resources import Resource

MANAGED_POLICY = "aws:iam/policy:Policy"
ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"
ROLE = "aws:iam/role:Role"


def _documents(resource: Resource) -> Iterator[tuple[str, object]]:
    if resource.type == ROLE:
        inline = resource.get("inlinePolicies", default=[])
        for policy in inline if isinstance(inline, list) else []:
            if isinstance(policy, dict):
                role = resource.get("name") or resource.name
                yield f"role {role}, inline policy {policy.get('name')}", policy.get("policy")
    else:
        kind = "policy" if resource.type == MANAGED_POLICY else "role policy"
        yield f"{kind} {resource.get('name') or resource.name}", resource.get("policy")


def _no_wildcards(resource: Resource) -> Iterator[str]:
    for what, document in _documents(resource):
        for position, statement in enumerate(statements(document) or []):
            if not allows(statement):
                continue
            actions = values(statement.get("Action"))
            if any(_wildcard_action(action) for action in actions) or "NotAction" in statement:
                yield (f"{what}: {label(statement, position)} allows every action. Fix: name the actions "
                       "(components/dynamodb_actions.py groups DynamoDB's)")
            list_calls_only = bool(actions) and all(action in ACCOUNT_WIDE for action in actions)
            if (any(_wildcard_resource(arn) for arn in values(statement.get("Resource"))) or "NotResource" in statement) \
                    and not list_calls_only:
                yield (f"{what}: {label(statement, position)} allows every resource. Fix: name the tables' and "
                       "indexes' ARNs")


def _wildcard_action(action: object) -> bool:
    """`*`, or a service's every action (`dynamodb:*`); a named family (`dynamodb:Get*`) is not."""
    return isinstance(action, str) and (action == "*" or action.endswith(":*"))


def _wildcard_resource(arn: object) -> bool:
    """`*`, an ARN with a wildcard where the partition, service, region or account is, or in the
    table's name (`table/*`, `table/koneksi-*`): each reaches beyond the stack's own tables. A table's streams or indexes
    (`table/<name>/stream/*`) stay within it."""
    if not isinstance(arn, str):
        return False
    if arn == "*":
        return True
    parts = arn.split(":", 5)
    path = parts[5].split("/") if len(parts) == 6 else []
    return len(parts) == 6 and (any("*" in part for part in parts[1:5]) or (path[:1] == ["table"] and len(path) > 1
                                                                           and "*" in path[1]))


CONTROLS = (
    ResourceControl(id="KONEKSI.IAM", title="IAM policies for principals name their actions and resources",
                    source="IAM user guide, \"Security best practices in IAM\" (grant least privilege)",
                    severity="high", types=(MANAGED_POLICY, ROLE_POLICY, ROLE), check=_no_wildcards),
)
