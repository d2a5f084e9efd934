"""CloudWatch alarms from the catalogue: one resource per entry, judged and notified alike."""

from typing import Optional

import pulumi
import pulumi_aws as aws

from ..config.monitoring import Thresholds
from ..context import StackContext
from .catalogue import AlarmSpec, Utilization, account_alarms
from .metrics import InsightsQuery, Metric


def _watching(watched) -> dict:
    """The MetricAlarm arguments that say what an alarm judges."""
    if isinstance(watched, Metric):
        return dict(namespace=watched.namespace, metric_name=watched.name, dimensions=watched.dimensions or None,
                    statistic=watched.statistic, period=watched.period)
    if isinstance(watched, InsightsQuery):
        # The provider sends return_data false unless set (terraform-provider-aws, metric_query).
        return dict(metric_queries=[aws.cloudwatch.MetricAlarmMetricQueryArgs(
            id="query", expression=watched.sql(), period=watched.period, return_data=True,
            label=f"{watched.metric}, all {watched.split_by} values")])
    return dict(metric_queries=[*(aws.cloudwatch.MetricAlarmMetricQueryArgs(
        id=id_, return_data=False, metric=aws.cloudwatch.MetricAlarmMetricQueryMetricArgs(
            namespace=metric.namespace, metric_name=metric.name, dimensions=metric.dimensions, stat=metric.statistic,
            period=metric.period))
        for id_, metric in (("consumed", watched.consumed), ("provisioned", watched.provisioned))),
        aws.cloudwatch.MetricAlarmMetricQueryArgs(id="utilization", expression=Utilization.expression,
                                                  label="percent of provisioned capacity consumed", return_data=True)])


def create_alarm(ctx: StackContext, spec: AlarmSpec, thresholds: Thresholds,
                 parent: Optional[pulumi.Resource] = None) -> aws.cloudwatch.MetricAlarm:
    """Notifies the stack's alarm destination on ALARM and on OK."""
    return aws.cloudwatch.MetricAlarm(
        spec.name,
        name=spec.name,
        alarm_description=spec.description,
        evaluation_periods=spec.judgement.datapoints,
        datapoints_to_alarm=spec.judgement.datapoints,
        comparison_operator="GreaterThanThreshold",
        threshold=getattr(thresholds, spec.threshold),
        treat_missing_data=spec.judgement.treat_missing_data,
        alarm_actions=[ctx.alarm_topic_arn],
        ok_actions=[ctx.alarm_topic_arn],
        opts=pulumi.ResourceOptions(parent=parent) if parent else ctx.opts(),
        **_watching(spec.watched),
    )


def stack_alarms(ctx: StackContext) -> list[aws.cloudwatch.MetricAlarm]:
    """The account-level alarms, once per stack."""
    return [create_alarm(ctx, spec, ctx.config.alarms) for spec in account_alarms(ctx.config.prefix,
                                                                                  ctx.config.alarm_level)]
