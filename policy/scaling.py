"""DynamoDB.1: a table scales its capacity with demand: on demand, or PROVISIONED with auto
scaling of read and write on the table and on each of its GSIs. Sources: `tables.SECURITY_HUB`
("The control fails if the table doesn't use on-demand capacity mode or provisioned mode with auto
scaling configured"), and the AWS Config rule it runs, dynamodb-autoscaling-enabled ("Checks if
Amazon DynamoDB tables or global secondary indexes can process read/write capacity using
on-demand mode or provisioned mode with auto scaling enabled",
https://docs.aws.amazon.com/config/latest/developerguide/dynamodb-autoscaling-enabled.html).

Auto scaling is an Application Auto Scaling target with a scaling policy on it. A target's
`resourceId` (`table/<name>[/index/<index>]`) names what it scales; where it is unknown, the
target's reference to the table or index resource does. Replicas are not judged: DynamoDB copies
the table's write scaling to them (README, "Global tables") and no resource of the plan states
their read capacity.
"""

from typing import Iterator, Optional, Sequence

from components.naming import table_resource

from .control import Finding, StackControl
from .resources import Resource, known, of_type
from .tables import GSI, SECURITY_HUB, TABLE, describe, table_name

TARGET = "aws:appautoscaling/target:Target"
SCALING_POLICY = "aws:appautoscaling/policy:Policy"
DIMENSIONS = ("Read", "Write")


def _autoscaled(resources: Sequence[Resource]) -> Iterator[Finding]:
    targets, policies = of_type(resources, TARGET), of_type(resources, SCALING_POLICY)
    for table in of_type(resources, TABLE):
        # The provider's default billing mode is PROVISIONED.
        if (table.get("billingMode") or "PROVISIONED") != "PROVISIONED":
            continue
        missing = [f"{what} {dimension.lower()}" for what, scaled, index in _scaled_parts(table, resources)
                   for dimension in DIMENSIONS
                   if not _has_auto_scaling(table, scaled, index, dimension, targets, policies)]
        if missing:
            yield table, (f"{describe(table)} has PROVISIONED capacity without auto scaling of: {', '.join(missing)}. "
                          "Fix: give `capacity.read` and `capacity.write` (and each GSI's `capacity`) a {min, max} "
                          "range, or use `billingMode: PAY_PER_REQUEST`")


def _scaled_parts(table: Resource, resources: Sequence[Resource]) -> Iterator[tuple[str, Resource, Optional[str]]]:
    """What must scale: the table, its standalone GSIs, its inline GSIs (a restored table's)."""
    yield "table", table, None
    name, standalone = table_name(table), set()
    for gsi in of_type(resources, GSI):
        if (name is not None and gsi.get("tableName") == name) or table.urn in gsi.dependencies:
            standalone.add(gsi.get("indexName"))
            yield f"index {gsi.get('indexName')}", gsi, gsi.get("indexName")
    # A table's outputs list every GSI it has, standalone ones too: those are judged above.
    inline = table.get("globalSecondaryIndexes") or []
    for gsi in inline if isinstance(inline, list) else []:
        if isinstance(gsi, dict) and gsi.get("name") not in standalone:
            yield f"index {gsi.get('name')}", table, gsi.get("name")


def _has_auto_scaling(table: Resource, scaled: Resource, index: Optional[str], dimension: str,
                      targets: list[Resource], policies: list[Resource]) -> bool:
    name = table_name(table)
    resource_id = table_resource(name, index) if name else None
    scalable_dimension = f"dynamodb:{'index' if index else 'table'}:{dimension}CapacityUnits"
    for target in targets:
        if target.get("scalableDimension") != scalable_dimension:
            continue
        target_id = target.get("resourceId")
        # An unknown resourceId may still be told by reference, but only for what has a
        # resource of its own: the table, or a standalone GSI.
        has_own_resource = index is None or scaled is not table
        by_reference = not known(target_id) and scaled.urn in target.dependencies and has_own_resource
        if (known(target_id) and target_id == resource_id) or by_reference:
            if any(_policy_of(target, policy) for policy in policies):
                return True
    return False


def _policy_of(target: Resource, policy: Resource) -> bool:
    """A scaling policy acts on the target with its resource and dimension."""
    if target.urn in policy.dependencies:
        return True
    return all(known(target.get(key)) and policy.get(key) == target.get(key)
               for key in ("resourceId", "scalableDimension", "serviceNamespace"))


CONTROLS = (
    StackControl(id="DynamoDB.1", title="DynamoDB tables should automatically scale capacity with demand",
                 source=SECURITY_HUB, severity="medium", check=_autoscaled),
)
