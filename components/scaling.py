"""Application Auto Scaling for a table or one of its GSIs: a target and a target-tracking policy
for each auto-scaled dimension (read, write), each dimension independent of the other."""

from typing import Literal, Optional

import pulumi
import pulumi_aws as aws

from .config.capacity import Capacity
from .naming import scaling_policy, table_child


def autoscale(key: str, index: Optional[str], resource_id: pulumi.Input[str], capacity: Capacity,
              physical_table: str, parent: pulumi.Resource, adopt: bool = False) -> list[aws.appautoscaling.Policy]:
    """`resource_id` is `table/<table>` or `table/<table>/index/<index>`, derived from the scaled
    resource's outputs so the targets wait for it and nothing else. `adopt`: import the live
    targets and policies (import ids as terraform-provider-aws reads them:
    `dynamodb/<resource id>/<dimension>`, then `/<policy name>` for a policy)."""
    scope: Literal["table", "index"] = "index" if index else "table"
    live_resource_id = f"table/{physical_table}" + (f"/index/{index}" if index else "")
    policies = []
    for field, setting in capacity.autoscaled().items():
        base = table_child(key, *([index] if index else []), field)
        dimension = f"dynamodb:{scope}:{field.capitalize()}CapacityUnits"
        policy_name = setting.policy_name or scaling_policy(physical_table, field, index)
        target_id = f"dynamodb/{live_resource_id}/{dimension}"
        target = aws.appautoscaling.Target(
            f"{base}-target",
            service_namespace="dynamodb",
            resource_id=resource_id,
            scalable_dimension=dimension,
            min_capacity=setting.min,
            max_capacity=setting.max,
            opts=adopted(pulumi.ResourceOptions(parent=parent), target_id if adopt else None),
        )
        policies.append(aws.appautoscaling.Policy(
            f"{base}-policy",
            name=policy_name,
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
            opts=adopted(pulumi.ResourceOptions(parent=parent), f"{target_id}/{policy_name}" if adopt else None),
        ))
    return policies


def adopted(opts: pulumi.ResourceOptions, import_id: Optional[str]) -> pulumi.ResourceOptions:
    """`opts` importing the live resource `import_id`, if any. Tags are left as they are while
    importing (the provider's default tags would otherwise make the first `up` an update too);
    once `import` is removed, they are set in place."""
    if import_id is None:
        return opts
    return pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(import_=import_id,
                                                                     ignore_changes=["tags", "tagsAll"]))
