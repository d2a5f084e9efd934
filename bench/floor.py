"""The floor: the resources `synth` registers for the benchmark estate, registered directly
through pulumi_aws classes under the mock runtime, with no config model or component logic.

`python -m bench.floor N` registers them for N tables and prints how many it registered.
"""

import sys

import pulumi
import pulumi_aws as aws
from pulumi.runtime.stack import wait_for_rpcs
from pulumi.runtime.sync_await import _sync_await

from .workload import GSIS, REGION, SCALING


class _Mocks(pulumi.runtime.Mocks):
    def new_resource(self, args):
        return "", dict(args.inputs)

    def call(self, args):
        return {}


class Counting(pulumi.runtime.mocks.MockMonitor):
    registered = 0

    def RegisterResource(self, request):
        Counting.registered += 1
        return super().RegisterResource(request)


def scaling_pair(name: str, resource_id: str, scope: str, dimension: str, parent: pulumi.Resource):
    target = aws.appautoscaling.Target(
        f"{name}-{dimension.lower()}-target", service_namespace="dynamodb", resource_id=resource_id,
        scalable_dimension=f"dynamodb:{scope}:{dimension}CapacityUnits",
        min_capacity=SCALING["min"], max_capacity=SCALING["max"], opts=pulumi.ResourceOptions(parent=parent))
    aws.appautoscaling.Policy(
        f"{name}-{dimension.lower()}-policy", name=f"{name}-{dimension.lower()}-scaling",
        policy_type="TargetTrackingScaling", service_namespace="dynamodb", resource_id=target.resource_id,
        scalable_dimension=target.scalable_dimension,
        target_tracking_scaling_policy_configuration={
            "predefined_metric_specification": {"predefined_metric_type": f"DynamoDB{dimension}CapacityUtilization"},
            "target_value": SCALING["targetUtilization"]},
        opts=pulumi.ResourceOptions(parent=parent))


def register(tables: int) -> None:
    provider = aws.Provider("aws", region=REGION, default_tags={"tags": {"Project": "koneksi"}})
    key = aws.kms.Key("key", enable_key_rotation=True, opts=pulumi.ResourceOptions(provider=provider))
    aws.kms.Alias("key-alias", name="alias/bench", target_key_id=key.key_id,
                  opts=pulumi.ResourceOptions(provider=provider))
    for i in range(tables):
        name = f"koneksi-bench-table{i:04d}"
        component = pulumi.ComponentResource("koneksi:dynamodb:Table", f"table{i:04d}",
                                             opts=pulumi.ResourceOptions(providers=[provider]))
        table = aws.dynamodb.Table(
            f"table{i:04d}-table", name=name, billing_mode="PROVISIONED", hash_key="pk", range_key="sk",
            attributes=[{"name": "pk", "type": "S"}, {"name": "sk", "type": "S"}],
            read_capacity=5, write_capacity=5, stream_enabled=True, stream_view_type="NEW_AND_OLD_IMAGES",
            ttl={"attribute_name": "expiresAt", "enabled": True}, point_in_time_recovery={"enabled": True},
            server_side_encryption={"enabled": True, "kms_key_arn": key.arn},
            opts=pulumi.ResourceOptions(parent=component, ignore_changes=["readCapacity", "writeCapacity"]))
        for dimension in ("Read", "Write"):
            scaling_pair(f"table{i:04d}", pulumi.Output.concat("table/", table.name), "table", dimension, component)
        for index_name in GSIS:
            index = aws.dynamodb.GlobalSecondaryIndex(
                f"table{i:04d}-{index_name}-index", table_name=table.name, index_name=index_name,
                key_schemas=[{"attribute_name": "customer", "attribute_type": "S", "key_type": "HASH"}],
                projection={"projection_type": "ALL"},
                provisioned_throughput={"read_capacity_units": 5, "write_capacity_units": 5},
                opts=pulumi.ResourceOptions(parent=component))
            for dimension in ("Read", "Write"):
                scaling_pair(f"table{i:04d}-{index_name}", pulumi.Output.format(
                    "table/{0}/index/{1}", index.table_name, index.index_name), "index", dimension, component)


def main() -> None:
    mocks = _Mocks()
    pulumi.runtime.set_mocks(mocks, project="koneksi-dynamodb", stack="bench", preview=True,
                             monitor=Counting(mocks))
    register(int(sys.argv[1]))
    _sync_await(wait_for_rpcs())
    print(Counting.registered - 1)  # the root stack is not a resource of the plan


if __name__ == "__main__":
    main()
