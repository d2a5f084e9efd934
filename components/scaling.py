"""Application Auto Scaling for a table or one of its GSIs: a target and a target-tracking policy
for each auto-scaled dimension (read, write), each dimension independent of the other."""

from typing import Literal

import pulumi
import pulumi_aws as aws

from .config import AutoScaling, Capacity
from .metrics import DIMENSIONS


def autoscale(
    name: str,
    resource_id: pulumi.Input[str],
    scope: Literal["table", "index"],
    capacity: Capacity,
    physical_name: str,
    parent: pulumi.Resource,
) -> list[aws.appautoscaling.Policy]:
    """`resource_id` is `table/<table>` or `table/<table>/index/<index>`, derived from the scaled
    resource's outputs so the targets wait for it and nothing else."""
    policies = []
    for dimension in DIMENSIONS:
        field = dimension.lower()
        setting = getattr(capacity, field)
        if not isinstance(setting, AutoScaling):
            continue
        target = aws.appautoscaling.Target(
            f"{name}-{field}-target",
            service_namespace="dynamodb",
            resource_id=resource_id,
            scalable_dimension=f"dynamodb:{scope}:{dimension}CapacityUnits",
            min_capacity=setting.min,
            max_capacity=setting.max,
            opts=pulumi.ResourceOptions(parent=parent),
        )
        policies.append(aws.appautoscaling.Policy(
            f"{name}-{field}-policy",
            name=f"{physical_name}-{field}-scaling",
            policy_type="TargetTrackingScaling",
            service_namespace=target.service_namespace,
            resource_id=target.resource_id,
            scalable_dimension=target.scalable_dimension,
            target_tracking_scaling_policy_configuration=aws.appautoscaling.PolicyTargetTrackingScalingPolicyConfigurationArgs(
                predefined_metric_specification=aws.appautoscaling.PolicyTargetTrackingScalingPolicyConfigurationPredefinedMetricSpecificationArgs(
                    predefined_metric_type=f"DynamoDB{dimension}CapacityUtilization",
                ),
                target_value=setting.target_utilization,
                scale_in_cooldown=setting.scale_in_cooldown,
                scale_out_cooldown=setting.scale_out_cooldown,
            ),
            opts=pulumi.ResourceOptions(parent=parent),
        ))
    return policies


def initial_units(capacity: Capacity, field: str) -> int:
    """Units to create with: the fixed value, or the scaling minimum (CreateTable needs a number)."""
    setting = getattr(capacity, field)
    return setting.min if isinstance(setting, AutoScaling) else setting


def autoscaled_fields(capacity: "Capacity | None") -> list[str]:
    """Which of read/write auto-scaling owns after creation."""
    if capacity is None:
        return []
    return [field for field in map(str.lower, DIMENSIONS) if isinstance(getattr(capacity, field), AutoScaling)]
