"""One DynamoDB table as a component: the table first, then what hangs off it (its GSIs,
auto-scaling, contributor insights, alarms)."""

from typing import Optional, Union

import pulumi
import pulumi_aws as aws

from .alarms import AlarmSettings, table_alarms
from .config import GlobalSecondaryIndex, Table
from .scaling import autoscale, autoscaled_fields, initial_units

COMPONENT_TYPE = "koneksi:dynamodb:Table"


class DynamoTable(pulumi.ComponentResource):
    """`tables.<key>` of the stack config.

    GSIs are standalone `aws.dynamodb.GlobalSecondaryIndex` resources rather than the table's
    inline set: each can then ignore the capacity auto-scaling sets on it, and adding or removing
    one leaves the table and the other indexes untouched.
    """

    def __init__(self, key: str, table: Table, kms_key_arn: Optional[pulumi.Input[str]], alarms: AlarmSettings,
                 opts: Optional[pulumi.ResourceOptions] = None):
        super().__init__(COMPONENT_TYPE, key, None, opts)
        self.table = aws.dynamodb.Table(
            f"{key}-table",
            **table_args(table, kms_key_arn),
            opts=pulumi.ResourceOptions(
                parent=self,
                # Protect the table, not the component: children inherit protect.
                protect=table.protect,
                retain_on_delete=table.protect,
                ignore_changes=[f"{field}Capacity" for field in autoscaled_fields(table.capacity)],
            ),
        )
        if table.provisioned:
            autoscale(key, pulumi.Output.concat("table/", self.table.name), "table", table.capacity,
                      table.name, parent=self)
        self.indexes = {name: self._index(key, table, name, gsi)
                        for name, gsi in table.global_secondary_indexes.items()}
        if table.contributor_insights:
            aws.dynamodb.ContributorInsights(f"{key}-contributor-insights", table_name=self.table.name,
                                             opts=pulumi.ResourceOptions(parent=self))
        self.alarms = table_alarms(table.name, table.provisioned, self.table, self.indexes, alarms, parent=self)

        self.outputs = {
            "name": self.table.name,
            "arn": self.table.arn,
            "id": self.table.id,
            "streamArn": self.table.stream_arn,
            "streamLabel": self.table.stream_label,
            "readThrottleAlarmArn": self.alarms["readThrottles"].arn,
            "writeThrottleAlarmArn": self.alarms["writeThrottles"].arn,
        }
        self.register_outputs(self.outputs)

    def _index(self, key: str, table: Table, index_name: str,
               gsi: GlobalSecondaryIndex) -> aws.dynamodb.GlobalSecondaryIndex:
        capacity = table.index_capacity(gsi) if table.provisioned else None
        projection_type, non_key_attributes = projection(gsi.projection)
        index = aws.dynamodb.GlobalSecondaryIndex(
            f"{key}-{index_name}-index",
            table_name=self.table.name,
            index_name=index_name,
            key_schemas=[
                aws.dynamodb.GlobalSecondaryIndexKeySchemaArgs(
                    attribute_name=attribute, attribute_type=table.attributes[attribute], key_type=key_type)
                for key_type, attributes in (("HASH", gsi.hash_key), ("RANGE", gsi.range_key or []))
                for attribute in attributes
            ],
            projection=aws.dynamodb.GlobalSecondaryIndexProjectionArgs(
                projection_type=projection_type, non_key_attributes=non_key_attributes),
            provisioned_throughput=capacity and aws.dynamodb.GlobalSecondaryIndexProvisionedThroughputArgs(
                read_capacity_units=initial_units(capacity, "read"),
                write_capacity_units=initial_units(capacity, "write"),
            ),
            on_demand_throughput=gsi.on_demand and aws.dynamodb.GlobalSecondaryIndexOnDemandThroughputArgs(
                max_read_request_units=gsi.on_demand.max_read_request_units,
                max_write_request_units=gsi.on_demand.max_write_request_units,
            ),
            opts=pulumi.ResourceOptions(
                parent=self,
                # Nested paths must be in wire form; the SDK only translates top-level names.
                ignore_changes=[f"provisionedThroughput.{field}CapacityUnits" for field in autoscaled_fields(capacity)],
            ),
        )
        if capacity:
            resource_id = pulumi.Output.format("table/{0}/index/{1}", index.table_name, index.index_name)
            autoscale(f"{key}-{index_name}", resource_id, "index", capacity, f"{table.name}-{index_name}", parent=self)
        return index


def table_args(table: Table, kms_key_arn: Optional[pulumi.Input[str]]) -> dict:
    """The `aws.dynamodb.Table` arguments of a table's config (its GSIs are separate resources)."""
    args = dict(
        name=table.name,
        billing_mode=table.billing_mode,
        hash_key=table.hash_key,
        range_key=table.range_key,
        attributes=[aws.dynamodb.TableAttributeArgs(name=name, type=table.attributes[name])
                    for name in table.key_attribute_names()],
        local_secondary_indexes=[local_index(name, lsi.range_key, lsi.projection)
                                 for name, lsi in table.local_secondary_indexes.items()] or None,
        stream_enabled=table.stream is not None,
        stream_view_type=table.stream,
        ttl=table.ttl_attribute and aws.dynamodb.TableTtlArgs(attribute_name=table.ttl_attribute, enabled=True),
        point_in_time_recovery=aws.dynamodb.TablePointInTimeRecoveryArgs(
            enabled=table.pitr_enabled,
            recovery_period_in_days=getattr(table.point_in_time_recovery, "recovery_period_days", None),
        ),
        deletion_protection_enabled=table.deletion_protection,
        server_side_encryption=server_side_encryption(table.encryption, kms_key_arn),
        table_class=table.table_class,
    )
    if table.provisioned:
        args.update(read_capacity=initial_units(table.capacity, "read"),
                    write_capacity=initial_units(table.capacity, "write"))
    if table.on_demand:
        args["on_demand_throughput"] = aws.dynamodb.TableOnDemandThroughputArgs(
            max_read_request_units=table.on_demand.max_read_request_units,
            max_write_request_units=table.on_demand.max_write_request_units,
        )
    return args


def local_index(name: str, range_key: str, config_projection) -> aws.dynamodb.TableLocalSecondaryIndexArgs:
    projection_type, non_key_attributes = projection(config_projection)
    return aws.dynamodb.TableLocalSecondaryIndexArgs(
        name=name, range_key=range_key, projection_type=projection_type, non_key_attributes=non_key_attributes)


def projection(config_projection: Union[str, list[str]]) -> tuple[str, Optional[list[str]]]:
    """`ALL` / `KEYS_ONLY` as they are; a list of attributes means INCLUDE them."""
    if isinstance(config_projection, list):
        return "INCLUDE", config_projection
    return config_projection, None


def server_side_encryption(mode: str, stack_key_arn: Optional[pulumi.Input[str]]):
    if mode == "AWS_OWNED":
        return aws.dynamodb.TableServerSideEncryptionArgs(enabled=False)
    if mode == "AWS_MANAGED":
        return aws.dynamodb.TableServerSideEncryptionArgs(enabled=True)
    key_arn = stack_key_arn if mode == "CUSTOMER_MANAGED" else mode
    return aws.dynamodb.TableServerSideEncryptionArgs(enabled=True, kms_key_arn=key_arn)
