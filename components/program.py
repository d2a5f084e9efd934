"""The program: the one place that wires the stack. `__main__.py` runs it under `pulumi up`,
`python -m pipeline synth` runs that same `__main__.py` under Pulumi's mock runtime."""

from typing import Any

import pulumi

from .access import stack_access
from .backup import stack_backup
from .config.stack import StackConfig
from .context import base_context
from .dax import DaxCluster
from .encryption import stack_keys
from .monitoring.alarms import stack_alarms
from .monitoring.dashboard import stack_dashboards
from .monitoring.notifications import alarm_topic_arn
from .secrets import keep_secret
from .table import DynamoTable


def program(config: StackConfig) -> dict[str, Any]:
    """Registers the stack's resources: its provider and keys, where alarms go, a component per
    table, then what backs up, caches, watches and reaches the tables. Returns the stack outputs."""
    for warning in config.warnings:
        pulumi.log.warn(warning)
    keep_secret(config.secret_values)
    ctx = base_context(config)
    ctx = ctx.with_(keys=stack_keys(ctx))
    ctx = ctx.with_(alarm_topic_arn=alarm_topic_arn(ctx))

    tables = {key: DynamoTable(ctx, key, table) for key, table in config.tables.items()}
    backup = stack_backup(ctx, list(tables.values()))
    dax = DaxCluster(ctx, config.dax, {key: table.arns for key, table in tables.items()}) if config.dax else None
    stack_alarms(ctx)
    dashboards = stack_dashboards(ctx, [table.watched for table in tables.values()], dax.watched if dax else None)
    outputs = {
        "tables": {key: table.outputs for key, table in tables.items()},
        "alarmTopicArn": ctx.alarm_topic_arn,
        "dashboardName": dashboards[0].dashboard_name,
        "dashboardNames": [dashboard.dashboard_name for dashboard in dashboards],
        **({"backupVaultName": backup.vault.name, "backupPlanId": backup.plan.id} if backup else {}),
    }
    if dax:
        outputs["dax"] = dax.outputs
    if config.access:
        outputs["accessPolicyArns"] = {name: policy.arn for name, policy in stack_access(ctx, tables).items()}
    if config.network:
        from .network import stack_endpoint  # aws.ec2 is slow to import: only stacks with a network pay
        endpoint = stack_endpoint(ctx, list(tables.values()))
        outputs["vpcEndpointId"] = endpoint.vpc_endpoint_id if not config.network.manages_endpoint else endpoint.id
    return outputs
