"""The DynamoDB and DAX metrics this program watches, defined once: alarms and dashboards both read
them from here, so the two never disagree. Each metric carries its namespace. Dimensions are those
CloudWatch publishes each metric with (DynamoDB developer guide, "DynamoDB metrics and dimensions"
and "DAX metrics and dimensions")."""

from dataclasses import dataclass, field
from typing import Optional, Union

import pulumi

NAMESPACE = "AWS/DynamoDB"
DAX_NAMESPACE = "AWS/DAX"
KEY_OPERATIONS = ("GetItem", "PutItem", "UpdateItem", "Query")
DIMENSIONS = ("Read", "Write")
# The `Operation` values SystemErrors is published for (DynamoDB developer guide, "DynamoDB
# metrics and dimensions", SystemErrors).
ERROR_OPERATIONS = ("BatchExecuteStatement", "BatchGetItem", "BatchWriteItem", "DeleteItem", "ExecuteStatement",
                    "ExecuteTransaction", "GetItem", "GetRecords", "PutItem", "Query", "Scan", "TransactGetItems",
                    "TransactWriteItems", "UpdateItem")


@dataclass(frozen=True)
class Metric:
    name: str
    statistic: str
    dimensions: dict[str, pulumi.Input[str]] = field(default_factory=dict)
    period: int = 60
    namespace: str = NAMESPACE

    # A dashboard counts every metric it draws against its quota, hidden ones included.
    metric_count = 1

    def widget_line(self, **options) -> list:
        """The metric as a line of a CloudWatch dashboard widget."""
        line: list = [self.namespace, self.name]
        for key, value in self.dimensions.items():
            line += [key, value]
        return [*line, {"stat": self.statistic, "period": self.period, **options}]


@dataclass(frozen=True)
class InsightsQuery:
    """A CloudWatch Metrics Insights query that sums one metric of a table over the dimension it is
    split by. SystemErrors is published per TableName + Operation only, so an alarm on TableName
    alone never has data; the query reads every operation's series (CloudWatch user guide, "Query
    your metrics with CloudWatch Metrics Insights"; alarms on such a query: "Create alarms on
    Metrics Insights queries")."""

    metric: str
    split_by: str
    table_name: pulumi.Input[str]
    metric_count: int
    period: int = 60

    def sql(self) -> pulumi.Input[str]:
        """The query; table names are `[a-zA-Z0-9_.-]`, so single quotes need no escaping."""
        def render(table_name: str) -> str:
            return (f'SELECT SUM({self.metric}) FROM SCHEMA("{NAMESPACE}", {self.split_by}, TableName) '
                    f"WHERE TableName = '{table_name}'")
        if isinstance(self.table_name, str):
            return render(self.table_name)
        return pulumi.Output.from_input(self.table_name).apply(render)

    def widget_line(self, **options) -> list:
        return [{"expression": self.sql(), **options}]


Watched = Union[Metric, InsightsQuery]


def _scope(table_name: pulumi.Input[str], index_name: Optional[pulumi.Input[str]]) -> dict:
    scope = {"TableName": table_name}
    if index_name is not None:
        scope["GlobalSecondaryIndexName"] = index_name
    return scope


def throttle_events(dimension: str, table_name, index_name=None) -> Metric:
    return Metric(f"{dimension}ThrottleEvents", "Sum", _scope(table_name, index_name))


def consumed_capacity(dimension: str, table_name, index_name=None, period: int = 300) -> Metric:
    return Metric(f"Consumed{dimension}CapacityUnits", "Sum", _scope(table_name, index_name), period)


def provisioned_capacity(dimension: str, table_name, index_name=None, period: int = 300) -> Metric:
    return Metric(f"Provisioned{dimension}CapacityUnits", "Average", _scope(table_name, index_name), period)


def system_errors(table_name) -> InsightsQuery:
    return InsightsQuery("SystemErrors", "Operation", table_name, metric_count=len(ERROR_OPERATIONS))


def request_latency(table_name, operation: str) -> Metric:
    return Metric("SuccessfulRequestLatency", "Average", {"TableName": table_name, "Operation": operation})


def account_capacity_utilization(dimension: str) -> Metric:
    return Metric(f"AccountProvisioned{dimension}CapacityUtilization", "Maximum", period=300)


def conditional_check_failures(table_name) -> Metric:
    return Metric("ConditionalCheckFailedRequests", "Sum", {"TableName": table_name})


def ttl_deletions(table_name) -> Metric:
    return Metric("TimeToLiveDeletedItemCount", "Sum", {"TableName": table_name}, period=300)


def user_errors() -> Metric:
    """HTTP 400 errors of the account in the region: published without dimensions."""
    return Metric("UserErrors", "Sum")


def replication_latency(table_name, receiving_region: str) -> Metric:
    """Published in the region writes come from, per region they go to (DynamoDB developer guide,
    "Monitoring global tables")."""
    return Metric("ReplicationLatency", "Average", {"TableName": table_name, "ReceivingRegion": receiving_region})


# DAX publishes per cluster (`ClusterId`, the cluster's name) and per node, and only non-zero
# values ("DAX metrics and dimensions"). Utilizations are read as Maximum: one busy node (the
# primary takes every write) is trouble before the average shows it.
DAX_CACHES = ("Item", "Query", "Scan")


def _dax(name: str, statistic: str, cluster_id) -> Metric:
    return Metric(name, statistic, {"ClusterId": cluster_id}, namespace=DAX_NAMESPACE)


def dax_cpu_utilization(cluster_id) -> Metric:
    return _dax("CPUUtilization", "Maximum", cluster_id)


def dax_cache_memory_utilization(cluster_id) -> Metric:
    """"If CacheMemoryUtilization reaches 100% on any node, write requests will be throttled"."""
    return _dax("CacheMemoryUtilization", "Maximum", cluster_id)


def dax_requests(kind: str, cluster_id) -> Metric:
    """`Total`, `Throttled` (by a node or the cluster, DynamoDB's own throttles not counted), `Error`
    (user errors, throttles included), `Fault` (internal errors) requests."""
    return _dax(f"{kind}RequestCount", "Sum", cluster_id)


def dax_cache(cache: str, outcome: str, cluster_id) -> Metric:
    """Hits or misses of the item, query or scan cache."""
    return _dax(f"{cache}Cache{outcome}", "Sum", cluster_id)


def dax_client_connections(cluster_id) -> Metric:
    return _dax("ClientConnections", "Maximum", cluster_id)


def dax_estimated_size(cluster_id) -> Metric:
    return _dax("EstimatedDbSize", "Maximum", cluster_id)


def dax_evicted_size(cluster_id) -> Metric:
    """Bytes evicted: growing with the miss rate, it calls for a larger node type."""
    return _dax("EvictedSize", "Sum", cluster_id)
