"""CloudWatch alarms after AWS's recommended alarms for DynamoDB (CloudWatch user guide,
"Recommended alarms"): one call per alarm, with named thresholds from the stack config."""

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from .metrics import (DIMENSIONS, KEY_OPERATIONS, NAMESPACE, Metric, account_capacity_utilization, consumed_capacity,
                      provisioned_capacity, request_latency, system_errors, throttle_events)
from .monitoring_config import Thresholds

ENHANCED = "enhanced"


@dataclass(frozen=True)
class Judgement:
    """How long a metric must breach, and what missing data means for it."""

    datapoints: int
    treat_missing_data: str


# Throttles and errors are only published when they happen: no data means none happened.
THROTTLING = Judgement(datapoints=5, treat_missing_data="notBreaching")
ERRORS = Judgement(datapoints=15, treat_missing_data="notBreaching")
# No requests, no latency to judge.
LATENCY = Judgement(datapoints=10, treat_missing_data="notBreaching")
CAPACITY = Judgement(datapoints=2, treat_missing_data="notBreaching")
# Published for every account with provisioned tables: a gap is worth keeping the state through.
ACCOUNT = Judgement(datapoints=2, treat_missing_data="missing")


@dataclass(frozen=True)
class AlarmSettings:
    level: str
    thresholds: Thresholds
    topic_arn: pulumi.Input[str]


def _alarm(name: str, description: str, judgement: Judgement, threshold: float, topic_arn: pulumi.Input[str],
           opts: pulumi.ResourceOptions, **watched) -> aws.cloudwatch.MetricAlarm:
    """What every alarm shares: its judgement, and notifying the topic on ALARM and on OK.
    `watched` is the metric (or metric queries) it judges."""
    return aws.cloudwatch.MetricAlarm(
        name,
        name=name,
        alarm_description=description,
        evaluation_periods=judgement.datapoints,
        datapoints_to_alarm=judgement.datapoints,
        comparison_operator="GreaterThanThreshold",
        threshold=threshold,
        treat_missing_data=judgement.treat_missing_data,
        alarm_actions=[topic_arn],
        ok_actions=[topic_arn],
        opts=opts,
        **watched,
    )


def metric_alarm(name: str, description: str, metric: Metric, judgement: Judgement, threshold: float,
                 topic_arn: pulumi.Input[str], opts: pulumi.ResourceOptions) -> aws.cloudwatch.MetricAlarm:
    return _alarm(name, description, judgement, threshold, topic_arn, opts,
                  namespace=NAMESPACE, metric_name=metric.name, dimensions=metric.dimensions or None,
                  statistic=metric.statistic, period=metric.period)


def utilization_alarm(name: str, description: str, consumed: Metric, provisioned: Metric, percent: float,
                      topic_arn: pulumi.Input[str], opts: pulumi.ResourceOptions) -> aws.cloudwatch.MetricAlarm:
    """Consumed vs provisioned capacity, in percent: consumed units are a sum over the period,
    provisioned units a rate per second."""
    def query(id_: str, metric: Metric):
        return aws.cloudwatch.MetricAlarmMetricQueryArgs(id=id_, return_data=False, metric=(
            aws.cloudwatch.MetricAlarmMetricQueryMetricArgs(
                namespace=NAMESPACE, metric_name=metric.name, dimensions=metric.dimensions,
                stat=metric.statistic, period=metric.period)))
    return _alarm(name, description, CAPACITY, percent, topic_arn, opts, metric_queries=[
        query("consumed", consumed),
        query("provisioned", provisioned),
        aws.cloudwatch.MetricAlarmMetricQueryArgs(
            id="utilization", expression="100 * (consumed / PERIOD(consumed)) / provisioned",
            label="percent of provisioned capacity consumed", return_data=True),
    ])


def table_alarms(physical_name: str, provisioned: bool, table: aws.dynamodb.Table,
                 indexes: dict[str, aws.dynamodb.GlobalSecondaryIndex], settings: AlarmSettings,
                 parent: pulumi.Resource) -> dict[str, aws.cloudwatch.MetricAlarm]:
    """The alarms of one table, keyed by what they watch. Dimensions come from the table's and
    indexes' outputs, so each alarm waits for what it reads and nothing else."""
    opts = pulumi.ResourceOptions(parent=parent)
    limits, topic = settings.thresholds, settings.topic_arn
    alarms = {}
    for dimension in DIMENSIONS:
        threshold = getattr(limits, f"{dimension.lower()}_throttle_events")
        alarms[f"{dimension.lower()}Throttles"] = metric_alarm(
            f"{physical_name}-{dimension.lower()}-throttles",
            f"{dimension} requests to {physical_name} are being throttled",
            throttle_events(dimension, table.name), THROTTLING, threshold, topic, opts)
        for index_name, index in indexes.items():
            alarms[f"{index_name}.{dimension.lower()}Throttles"] = metric_alarm(
                f"{physical_name}-{index_name}-{dimension.lower()}-throttles",
                f"{dimension} requests to index {index_name} of {physical_name} are being throttled",
                throttle_events(dimension, index.table_name, index.index_name), THROTTLING, threshold, topic, opts)
    alarms["systemErrors"] = metric_alarm(
        f"{physical_name}-system-errors", f"DynamoDB answers {physical_name}'s requests with server errors",
        system_errors(table.name), ERRORS, limits.system_errors, topic, opts)
    if settings.level != ENHANCED:
        return alarms
    for operation in KEY_OPERATIONS:
        alarms[f"{operation}Latency"] = metric_alarm(
            f"{physical_name}-{operation}-latency", f"{operation} on {physical_name} is slower than usual",
            request_latency(table.name, operation), LATENCY, limits.latency_ms, topic, opts)
    if provisioned:
        for dimension in DIMENSIONS:
            alarms[f"{dimension.lower()}Utilization"] = utilization_alarm(
                f"{physical_name}-{dimension.lower()}-capacity-utilization",
                f"{physical_name} consumes most of its provisioned {dimension.lower()} capacity",
                consumed_capacity(dimension, table.name), provisioned_capacity(dimension, table.name),
                limits.capacity_utilization_percent, topic, opts)
    return alarms


def account_alarms(prefix: str, settings: AlarmSettings,
                   opts: pulumi.ResourceOptions) -> list[aws.cloudwatch.MetricAlarm]:
    """Once per stack (enhanced): the account's provisioned capacity against its quota."""
    if settings.level != ENHANCED:
        return []
    return [metric_alarm(f"{prefix}-account-{dimension.lower()}-capacity-utilization",
                         f"The account's provisioned {dimension.lower()} capacity nears its quota",
                         account_capacity_utilization(dimension), ACCOUNT,
                         settings.thresholds.account_capacity_utilization_percent, settings.topic_arn, opts)
            for dimension in DIMENSIONS]
