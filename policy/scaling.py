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

from collections import defaultdict
from typing import Iterator, Optional, Sequence

from components.naming import table_resource

from .control import Finding, StackControl
from .resources import Resource, known, of_type
from .tables import GSI, SECURITY_HUB, TABLE, describe, table_name

TARGET = "aws:appautoscaling/target:Target"
SCALING_POLICY = "aws:appautoscaling/policy:Policy"
DIMENSIONS = ("Read", "Write")
TARGET_KEYS = ("resourceId", "scalableDimension", "serviceNamespace")


class _AutoScaling:
    """The plan's auto scaling, indexed once (a plan holds thousands of targets): what a target
    with a scaling policy on it scales, by `resourceId` where known, else by reference."""

    def __init__(self, resources: Sequence[Resource]):
        policies = of_type(resources, SCALING_POLICY)
        referenced = {urn for policy in policies for urn in policy.dependencies}
        acting_on = {tuple(policy.get(key) for key in TARGET_KEYS) for policy in policies}
        self.by_id: set[tuple[str, str]] = set()
        self.by_reference: set[tuple[str, str]] = set()
        for target in of_type(resources, TARGET):
            keys = tuple(target.get(key) for key in TARGET_KEYS)
            # A scaling policy acts on the target with its resource and dimension.
            if not (target.urn in referenced or (all(known(key) for key in keys) and keys in acting_on)):
                continue
            dimension, target_id = target.get("scalableDimension"), target.get("resourceId")
            if known(target_id):
                self.by_id.add((target_id, dimension))
            else:
                self.by_reference |= {(urn, dimension) for urn in target.dependencies}

    def covers(self, table: Resource, scaled: Resource, index: Optional[str], dimension: str) -> bool:
        name = table_name(table)
        scalable_dimension = f"dynamodb:{'index' if index else 'table'}:{dimension}CapacityUnits"
        if name and (table_resource(name, index), scalable_dimension) in self.by_id:
            return True
        # An unknown resourceId may still be told by reference, but only for what has a
        # resource of its own: the table, or a standalone GSI.
        has_own_resource = index is None or scaled is not table
        return has_own_resource and (scaled.urn, scalable_dimension) in self.by_reference


def _autoscaled(resources: Sequence[Resource]) -> Iterator[Finding]:
    scaling = _AutoScaling(resources)
    gsis_by_table = defaultdict(list)  # a table's name or URN -> its standalone GSIs
    for gsi in of_type(resources, GSI):
        for key in {gsi.get("tableName"), *gsi.dependencies}:
            if isinstance(key, str):
                gsis_by_table[key].append(gsi)
    for table in of_type(resources, TABLE):
        # The provider's default billing mode is PROVISIONED.
        if (table.get("billingMode") or "PROVISIONED") != "PROVISIONED":
            continue
        missing = [f"{what} {dimension.lower()}" for what, scaled, index in _scaled_parts(table, gsis_by_table)
                   for dimension in DIMENSIONS if not scaling.covers(table, scaled, index, dimension)]
        if missing:
            yield table, (f"{describe(table)} has PROVISIONED capacity without auto scaling of: {', '.join(missing)}. "
                          "Fix: give `capacity.read` and `capacity.write` (and each GSI's `capacity`) a {min, max} "
                          "range, or use `billingMode: PAY_PER_REQUEST`")


def _scaled_parts(table: Resource, gsis_by_table: dict[str, list[Resource]]) -> Iterator[tuple[str, Resource, Optional[str]]]:
    """What must scale: the table, its standalone GSIs, its inline GSIs (a restored table's)."""
    yield "table", table, None
    name, standalone = table_name(table), set()
    found = [*gsis_by_table.get(name, []), *gsis_by_table.get(table.urn, [])] if name else gsis_by_table.get(table.urn, [])
    for gsi in {gsi.urn: gsi for gsi in found}.values():
        standalone.add(gsi.get("indexName"))
        yield f"index {gsi.get('indexName')}", gsi, gsi.get("indexName")
    # A table's outputs list every GSI it has, standalone ones too: those are judged above.
    inline = table.get("globalSecondaryIndexes") or []
    for gsi in inline if isinstance(inline, list) else []:
        if isinstance(gsi, dict) and gsi.get("name") not in standalone:
            yield f"index {gsi.get('name')}", table, gsi.get("name")


CONTROLS = (
    StackControl(id="DynamoDB.1", title="DynamoDB tables should automatically scale capacity with demand",
                 source=SECURITY_HUB, severity="medium", check=_autoscaled),
)
