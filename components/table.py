"""One DynamoDB table as a component: the table first, then what hangs off it (its GSIs, one
after another, seed items, auto-scaling, contributor insights, alarms). It hands out its own ARNs
and what it is watched by, so other builders ask it rather than rebuild them from config."""

from dataclasses import dataclass
from typing import Optional, Union

import pulumi
import pulumi_aws as aws

from .config.capacity import OnDemand
from .config.replicas import Replica
from .config.table import GlobalSecondaryIndex, Table
from .context import StackContext
from .items import seed
from .monitoring.alarms import create_alarm
from .monitoring.catalogue import WatchedIndex, WatchedTable, table_alarms, watches
from .naming import table_child, table_resource
from .scaling import adopted, autoscale

COMPONENT_TYPE = "koneksi:dynamodb:Table"
# What a restore reads when the table is created, and never after. terraform-provider-aws replaces
# a table whose restore_date_time or restore_to_latest_time change or go (ForceNew; Read never
# clears them from the state), and one whose source changes (ForceNewIfChange). Every table ignores
# them, since only the state knows whether a table was restored: so editing or removing `restore`
# never replaces a table.
RESTORE_INPUTS = ["restoreSourceName", "restoreSourceTableArn", "restoreDateTime", "restoreToLatestTime"]
# What a restored table takes from its source: RestoreTableToPointInTime takes no key schema, and
# restores the source's LSIs when no override is sent. Fixed at the restore, so a config that
# states them otherwise cannot make the next `up` replace the restored table (all three ForceNew).
FROM_THE_SOURCE = ["hashKey", "rangeKey", "localSecondaryIndexes"]
# A restore takes as long as DynamoDB needs, "not always correlated directly to the size of the
# table" (developer guide, "Point-in-time recovery: how it works"); the provider gives a create 30
# minutes (createTableTimeout) and waits for a restored table's inline GSIs within the update
# timeout.
RESTORE_TIMEOUTS = pulumi.CustomTimeouts(create="24h", update="24h")


@dataclass(frozen=True)
class TableArns:
    table: pulumi.Output[str]
    indexes: dict[str, pulumi.Output[str]]  # GSIs and LSIs, by index name
    stream: pulumi.Output[str]
    replicas: dict[str, pulumi.Output[str]]  # by region


class DynamoTable(pulumi.ComponentResource):
    """`tables.<key>` of the stack config.

    GSIs are standalone `aws.dynamodb.GlobalSecondaryIndex` resources rather than the table's
    inline set: each can then ignore the capacity auto-scaling sets on it, and adding or removing
    one leaves the table and the other indexes untouched. DynamoDB builds one online index per
    table at a time, so each GSI waits for the one before it. A restored table is the exception
    (`Table.inline_indexes`): its GSIs are the restore's index overrides.
    """

    def __init__(self, ctx: StackContext, key: str, table: Table, opts: Optional[pulumi.ResourceOptions] = None):
        super().__init__(COMPONENT_TYPE, key, None,
                         pulumi.ResourceOptions.merge(pulumi.ResourceOptions(providers=[ctx.provider]), opts))
        self.table = aws.dynamodb.Table(
            table_child(key, "table"),
            **table_args(table, ctx.key_arn()),
            opts=adopted(pulumi.ResourceOptions(
                parent=self,
                # Protect the table, not the component: children inherit protect.
                protect=table.protect,
                retain_on_delete=table.protect,
                ignore_changes=[*(f"{field}Capacity" for field in (table.capacity.autoscaled() if table.provisioned
                                                                   else ())),
                                # Replicas are resources of their own (never mixed with inline ones).
                                *(["replicas"] if table.replicas else []),
                                *RESTORE_INPUTS, *(FROM_THE_SOURCE if table.restore else [])],
                custom_timeouts=RESTORE_TIMEOUTS if table.restore else None,
            ), table.name if table.import_ else None),
        )
        self.scaling: list[aws.appautoscaling.Policy] = []
        if table.provisioned:
            self.scaling += autoscale(key, None, pulumi.Output.concat("table/", self.table.name), table.capacity,
                                      table.name, self, adopt=table.import_)
        self.indexes: dict[str, aws.dynamodb.GlobalSecondaryIndex] = {}
        previous: Optional[pulumi.Resource] = None
        for index_name, gsi in ({} if table.inline_indexes else table.global_secondary_indexes).items():
            previous = self.indexes[index_name] = self._index(key, table, index_name, gsi, previous)
        self.items = seed(key, table, self.table, self)
        self.replicas = {replica.region: self._replica(ctx, key, table, replica) for replica in table.replica_list}
        if table.contributor_insights or watches(ctx.config.alarm_level, "comprehensive"):
            aws.dynamodb.ContributorInsights(table_child(key, "contributor-insights"), table_name=self.table.name,
                                             opts=pulumi.ResourceOptions(parent=self))

        self.arns = TableArns(
            table=ctx.arn("dynamodb", self.table.name.apply(table_resource)),
            indexes={index_name: ctx.arn("dynamodb", self.table.name.apply(
                lambda name, index_name=index_name: table_resource(name, index_name)))
                for index_name in [*table.global_secondary_indexes, *table.local_secondary_indexes]},
            stream=self.table.stream_arn,
            replicas={region: replica.arn for region, replica in self.replicas.items()},
        )
        # What `access` policies grant of this table: it and its indexes and streams, in every region.
        self.grantable = ctx.account_id.apply(lambda account: ctx.config.grantable(key, account))
        watched_indexes = tuple(WatchedIndex(name, self.table.name, name) for name in table.global_secondary_indexes) \
            if table.inline_indexes else \
            tuple(WatchedIndex(name, index.table_name, index.index_name) for name, index in self.indexes.items())
        self.watched = WatchedTable(
            table.name, self.table.name, watched_indexes,
            table.provisioned, expires_items=table.ttl_attribute is not None,
            replica_regions=tuple(self.replicas))
        thresholds = ctx.config.thresholds(table)
        self.alarms = {spec.key: create_alarm(ctx, spec, thresholds, parent=self)
                       for spec in table_alarms(self.watched, ctx.config.alarm_level)}

        self.outputs = {
            "name": self.table.name,
            "arn": self.table.arn,
            "id": self.table.id,
            "streamArn": self.table.stream_arn,
            "streamLabel": self.table.stream_label,
            "readThrottleAlarmArn": self.alarms["readThrottles"].arn,
            "writeThrottleAlarmArn": self.alarms["writeThrottles"].arn,
            **({"replicaArns": self.arns.replicas} if self.replicas else {}),
        }
        self.register_outputs(self.outputs)

    def _index(self, key: str, table: Table, index_name: str, gsi: GlobalSecondaryIndex,
               previous: Optional[pulumi.Resource]) -> aws.dynamodb.GlobalSecondaryIndex:
        capacity = table.index_capacity(gsi)
        projection_type, non_key_attributes = projection(gsi.projection)
        autoscaled = capacity.autoscaled() if capacity else {}
        index = aws.dynamodb.GlobalSecondaryIndex(
            table_child(key, index_name, "index"),
            table_name=self.table.name,
            index_name=index_name,
            key_schemas=[
                aws.dynamodb.GlobalSecondaryIndexKeySchemaArgs(
                    attribute_name=attribute, attribute_type=table.attributes[attribute], key_type=key_type)
                for key_type, attribute in index_key(gsi)
            ],
            projection=aws.dynamodb.GlobalSecondaryIndexProjectionArgs(
                projection_type=projection_type, non_key_attributes=non_key_attributes),
            provisioned_throughput=capacity and aws.dynamodb.GlobalSecondaryIndexProvisionedThroughputArgs(
                read_capacity_units=capacity.initial_units("read"),
                write_capacity_units=capacity.initial_units("write"),
            ),
            on_demand_throughput=on_demand_args(aws.dynamodb.GlobalSecondaryIndexOnDemandThroughputArgs, gsi.on_demand),
            opts=adopted(pulumi.ResourceOptions(
                parent=self,
                depends_on=[previous] if previous else None,
                # Nested paths must be in wire form; the SDK only translates top-level names.
                ignore_changes=[f"provisionedThroughput.{field}CapacityUnits" for field in autoscaled],
            ), f"{table.name},{index_name}" if table.import_ else None),  # the provider's import id
        )
        if capacity:
            resource_id = pulumi.Output.format("table/{0}/index/{1}", index.table_name, index.index_name)
            self.scaling += autoscale(key, index_name, resource_id, capacity, table.name, self, adopt=table.import_)
        return index

    def _replica(self, ctx: StackContext, key: str, table: Table, replica: Replica) -> aws.dynamodb.TableReplica:
        """A replica in its own region. It waits for every index and scaling policy of the table:
        DynamoDB adds a replica to a PROVISIONED table only once write auto-scaling exists, and
        copies the table's indexes and scaling settings to it; so one `pulumi up` creates the table,
        its indexes, their scaling and the replicas, in that order. The replica holds the table's
        data, so it is protected like the table."""
        key_arn = replica.kms_key_arn or (ctx.key_arn(replica.region) if table.encryption == "CUSTOMER_MANAGED"
                                          else None)
        return aws.dynamodb.TableReplica(
            table_child(key, "replica", replica.region),
            global_table_arn=self.table.arn,
            kms_key_arn=key_arn,
            point_in_time_recovery=table.pitr_enabled if replica.point_in_time_recovery is None
            else replica.point_in_time_recovery,
            deletion_protection_enabled=table.deletion_protection,
            region=replica.region,
            # A replica's import id names the main table and its region.
            opts=adopted(pulumi.ResourceOptions(parent=self, depends_on=[*self.indexes.values(), *self.scaling],
                                                protect=table.protect, retain_on_delete=table.protect),
                         f"{table.name}:{ctx.region}" if table.import_ else None),
        )


def table_args(table: Table, stack_key_arn: Optional[pulumi.Input[str]]) -> dict:
    """The `aws.dynamodb.Table` arguments of a table's config (its GSIs are separate resources,
    but for a restored table's)."""
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
        server_side_encryption=server_side_encryption(table.encryption, stack_key_arn),
        table_class=table.table_class,
    )
    if table.provisioned:
        args.update(read_capacity=table.capacity.initial_units("read"),
                    write_capacity=table.capacity.initial_units("write"))
    if table.on_demand:
        args["on_demand_throughput"] = on_demand_args(aws.dynamodb.TableOnDemandThroughputArgs, table.on_demand)
    if table.restore:
        args.update(restore_source_table_arn=table.restore.source_table_arn,
                    restore_source_name=table.restore.source_name,
                    restore_date_time=table.restore.point_in_time,
                    restore_to_latest_time=table.restore.latest,
                    global_secondary_indexes=[inline_index(table, name, gsi)
                                              for name, gsi in table.global_secondary_indexes.items()] or None)
    return args


def inline_index(table: Table, name: str, gsi: GlobalSecondaryIndex) -> aws.dynamodb.TableGlobalSecondaryIndexArgs:
    """A GSI in the table's own set (a restored table's); its capacity is fixed (config rule)."""
    capacity = table.index_capacity(gsi)
    projection_type, non_key_attributes = projection(gsi.projection)
    return aws.dynamodb.TableGlobalSecondaryIndexArgs(
        name=name,
        key_schemas=[aws.dynamodb.TableGlobalSecondaryIndexKeySchemaArgs(attribute_name=attribute, key_type=key_type)
                     for key_type, attribute in index_key(gsi)],
        projection_type=projection_type,
        non_key_attributes=non_key_attributes,
        read_capacity=capacity and capacity.initial_units("read"),
        write_capacity=capacity and capacity.initial_units("write"),
        on_demand_throughput=on_demand_args(aws.dynamodb.TableGlobalSecondaryIndexOnDemandThroughputArgs,
                                            gsi.on_demand),
    )


def index_key(gsi: GlobalSecondaryIndex) -> list[tuple[str, str]]:
    """(key type, attribute) of a GSI's key: the partition key first, a multi-attribute key in
    its order."""
    return [(key_type, attribute) for key_type, attributes in (("HASH", gsi.hash_key), ("RANGE", gsi.range_key or []))
            for attribute in attributes]


def on_demand_args(args_type, on_demand: Optional[OnDemand]):
    """The provider's on-demand throughput arguments (one type each for table, inline and
    standalone GSI) of an `onDemand` setting."""
    return on_demand and args_type(max_read_request_units=on_demand.max_read_request_units,
                                   max_write_request_units=on_demand.max_write_request_units)


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
