"""The DynamoDB metrics this program watches, defined once: alarms and the dashboard both read
them from here, so the two never disagree."""

from dataclasses import dataclass, field
from typing import Optional

import pulumi

NAMESPACE = "AWS/DynamoDB"
KEY_OPERATIONS = ("GetItem", "PutItem", "UpdateItem", "Query")
DIMENSIONS = ("Read", "Write")


@dataclass(frozen=True)
class Metric:
    name: str
    statistic: str
    dimensions: dict[str, pulumi.Input[str]] = field(default_factory=dict)
    period: int = 60

    def widget_line(self, **options) -> list:
        """The metric as a line of a CloudWatch dashboard widget."""
        line: list = [NAMESPACE, self.name]
        for key, value in self.dimensions.items():
            line += [key, value]
        return [*line, {"stat": self.statistic, "period": self.period, **options}]


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


def system_errors(table_name) -> Metric:
    return Metric("SystemErrors", "Sum", {"TableName": table_name})


def request_latency(table_name, operation: str) -> Metric:
    return Metric("SuccessfulRequestLatency", "Average", {"TableName": table_name, "Operation": operation})


def account_capacity_utilization(dimension: str) -> Metric:
    return Metric(f"AccountProvisioned{dimension}CapacityUtilization", "Maximum", period=300)
