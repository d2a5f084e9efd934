"""The whole stack: its provider and KMS key, a component per table, then what watches and
reaches them (notifications, account alarms, the dashboards, the gateway endpoint)."""

# Annotations stay unevaluated: `aws.ec2` takes most of a second to import, and only stacks with
# a `network` should pay for it.
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

import pulumi
import pulumi_aws as aws

from .alarms import AlarmSettings, account_alarms
from .config import StackConfig
from .dashboard import stack_dashboards
from .network import gateway_endpoint
from .notifications import alarm_topic_arn
from .provider import aws_provider, stack_key
from .table import DynamoTable


@dataclass
class Stack:
    tables: dict[str, DynamoTable]
    alarm_topic_arn: pulumi.Input[str]
    dashboards: list[aws.cloudwatch.Dashboard]
    endpoint: Optional[aws.ec2.VpcEndpoint]

    def outputs(self) -> dict:
        outputs = {
            "tables": {key: table.outputs for key, table in self.tables.items()},
            "alarmTopicArn": self.alarm_topic_arn,
            "dashboardName": self.dashboards[0].dashboard_name,
            "dashboardNames": [dashboard.dashboard_name for dashboard in self.dashboards],
        }
        if self.endpoint:
            outputs["vpcEndpointId"] = self.endpoint.id
            outputs["vpcEndpointDnsEntries"] = self.endpoint.dns_entries
        return outputs


def build_stack(config: StackConfig) -> Stack:
    prefix = config.prefix
    provider = aws_provider(config)
    with_provider = pulumi.ResourceOptions(provider=provider)
    account_id = aws.get_caller_identity_output(opts=pulumi.InvokeOutputOptions(provider=provider)).account_id
    kms_key = stack_key(config, account_id, with_provider) if config.needs_stack_key else None
    topic_arn = alarm_topic_arn(config, kms_key, prefix, with_provider)

    tables = {
        key: DynamoTable(key, table, kms_key.arn if kms_key else None,
                         AlarmSettings(config.alarm_level, config.thresholds(table), topic_arn),
                         opts=pulumi.ResourceOptions(providers=[provider]))
        for key, table in config.tables.items()
    }
    account_alarms(prefix, AlarmSettings(config.alarm_level, config.alarms, topic_arn), with_provider)
    dashboards = stack_dashboards(prefix, config.region, list(tables.values()), with_provider)
    endpoint = config.network and gateway_endpoint(
        config, account_id, {k: t.table.name for k, t in tables.items()}, prefix, with_provider)
    return Stack(tables, topic_arn, dashboards, endpoint)
