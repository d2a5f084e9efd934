"""Application Auto Scaling for a table or one of its GSIs: a target and a target-tracking policy
for each auto-scaled dimension (read, write), each dimension independent of the other."""

from typing import Literal, Optional

import pulumi
import pulumi_aws as aws

from .config.capacity import Capacity
from .naming import scaling_policy, table_child


def autoscale(key: str, index: Optional[str], resource_id: pulumi.Input[str], capacity: Capacity,
              physical_table: str, parent: pulumi.Resource) -> list[aws.appautoscaling.Policy]:
    """`resource_id` is `table/<table>` or `table/<table>/index/<index>`, derived from the scaled
    resource's outputs so the targets wait for it and nothing else."""
    scope: Literal["table", "index"] = "index" if index else "table"
    policies = []
    for field, setting in capacity.autoscaled().items():
        base = table_child(key, *([index] if index else []), field)
        target = aws.appautoscaling.Target(
            f"{base}-target",
            service_namespace="dynamodb",
            resource_id=resource_id,
            scalable_dimension=f"dynamodb:{scope}:{field.capitalize()}CapacityUnits",
            min_capacity=setting.min,
            max_capacity=setting.max,
            opts=pulumi.ResourceOptions(parent=parent),
        )
        policies.append(aws.appautoscaling.Policy(
            f"{base}-policy",
            name=scaling_policy(physical_table, field, index),
            policy_type="TargetTrackingScaling",
            service_namespace=target.service_namespace,
            resource_id=target.resource_id,
            scalable_dimension=target.scalable_dimension,
            target_tracking_scaling_policy_configuration=aws.appautoscaling.PolicyTargetTrackingScalingPolicyConfigurationArgs(
                predefined_metric_specification=aws.appautoscaling.PolicyTargetTrackingScalingPolicyConfigurationPredefinedMetricSpecificationArgs(
                    predefined_metric_type=f"DynamoDB{field.capitalize()}CapacityUtilization",
                ),
                target_value=setting.target_utilization,
                scale_in_cooldown=setting.scale_in_cooldown,
                scale_out_cooldown=setting.scale_out_cooldown,
            ),
            opts=pulumi.ResourceOptions(parent=parent),
        ))
    return policies
