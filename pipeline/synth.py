"""`synth`: the whole plan of a stack, offline, as a readable tree or preview-shaped JSON."""

import io
import json
from collections import Counter
from pathlib import Path
from typing import Any, Callable

from rich.console import Console
from rich.markup import escape
from rich.tree import Tree

from .mock_engine import STACK_TYPE, Plan, run_program
from .stack_files import StackSettings, project_name, read_stack_file


def synthesize(project_root: Path, stack: str, stack_file: Path) -> tuple[Plan, StackSettings]:
    settings = read_stack_file(stack_file)
    return run_program(project_root, project_name(project_root), stack, settings), settings


def preview_document(plan: Plan, settings: StackSettings) -> dict[str, Any]:
    """Shaped like `pulumi preview --json`, so tools written for one read the other."""
    return {
        "stack": plan.stack,
        "config": dict(settings.values),
        "steps": plan.steps,
        "diagnostics": plan.diagnostics,
        "changeSummary": {"create": len(plan.steps)},
        "outputs": plan.outputs,
    }


def write_json(plan: Plan, settings: StackSettings) -> str:
    return json.dumps(preview_document(plan, settings), indent=2) + "\n"


# What a reviewer wants to see of each resource type, from its inputs.
def _table(i: dict) -> str:
    keys = " + ".join(filter(None, [i.get("hashKey"), i.get("rangeKey")]))
    billing = i.get("billingMode")
    if billing == "PROVISIONED":
        billing += f" read {i.get('readCapacity')} write {i.get('writeCapacity')}"
    sse = i.get("serverSideEncryption", {})
    encryption = ("customer key" if sse.get("kmsKeyArn") else "AWS managed key") if sse.get("enabled") else "AWS owned key"
    parts = [i.get("name"), f"key {keys}", billing, f"encryption: {encryption}",
             f"PITR {'on' if i.get('pointInTimeRecovery', {}).get('enabled') else 'off'}",
             f"deletion protection {'on' if i.get('deletionProtectionEnabled') else 'off'}"]
    if i.get("streamEnabled"):
        parts.append(f"stream {i.get('streamViewType')}")
    if i.get("ttl"):
        parts.append(f"TTL {i['ttl'].get('attributeName')}")
    parts += [f"LSI {lsi['name']}" for lsi in i.get("localSecondaryIndexes", [])]
    return ", ".join(map(str, parts))


def _index(i: dict) -> str:
    keys = " + ".join(f"{k['attributeName']}({k['keyType']})" for k in i.get("keySchemas", []))
    throughput = i.get("provisionedThroughput")
    capacity = f", read {throughput['readCapacityUnits']} write {throughput['writeCapacityUnits']}" if throughput else ""
    return f"{i.get('indexName')}: {keys}, {i.get('projection', {}).get('projectionType')}{capacity}"


def _target(i: dict) -> str:
    return f"{i.get('resourceId')} {i.get('scalableDimension')} {i.get('minCapacity')}-{i.get('maxCapacity')}"


def _policy(i: dict) -> str:
    config = i.get("targetTrackingScalingPolicyConfiguration", {})
    return f"{i.get('name')}: target {config.get('targetValue')}%"


def _alarm(i: dict) -> str:
    if "metricQueries" in i:
        watched = next(q["expression"] for q in i["metricQueries"] if q.get("returnData"))
    else:
        dimensions = ",".join(f"{k}={v}" for k, v in (i.get("dimensions") or {}).items())
        watched = f"{i.get('statistic')} {i.get('metricName')}" + (f" [{dimensions}]" if dimensions else "")
    return (f"{watched} > {i.get('threshold')} for {i.get('datapointsToAlarm')} of {i.get('evaluationPeriods')} "
            f"periods, missing data {i.get('treatMissingData')}")


def _endpoint(i: dict) -> str:
    where = f"{i.get('vpcEndpointType')} {i.get('serviceName')} in {i.get('vpcId')} on {', '.join(i.get('routeTableIds', []))}"
    try:
        statements = json.loads(i.get("policy", ""))["Statement"]
    except (TypeError, ValueError, KeyError):
        return where
    allowed = "; ".join(f"{len(s['Action'])} actions on {', '.join(s['Resource'])}" for s in statements)
    return f"{where}; policy allows {allowed}"


DESCRIBE: dict[str, Callable[[dict], str]] = {
    "aws:cloudwatch/metricAlarm:MetricAlarm": _alarm,
    "aws:sns/topic:Topic": lambda i: f"encrypted with {i.get('kmsMasterKeyId')}",
    "aws:sns/topicSubscription:TopicSubscription": lambda i: f"{i.get('protocol')} {i.get('endpoint')}",
    "aws:ec2/vpcEndpoint:VpcEndpoint": _endpoint,
    "aws:dynamodb/table:Table": _table,
    "aws:dynamodb/globalSecondaryIndex:GlobalSecondaryIndex": _index,
    "aws:appautoscaling/target:Target": _target,
    "aws:appautoscaling/policy:Policy": _policy,
    "aws:kms/key:Key": lambda i: f"rotation {'on' if i.get('enableKeyRotation') else 'off'}",
    "aws:kms/alias:Alias": lambda i: str(i.get("name")),
    "pulumi:providers:aws": lambda i: f"region {i.get('region')}",
    "aws:dynamodb/contributorInsights:ContributorInsights": lambda i: str(i.get("tableName")),
}

NOUNS = {  # type -> (singular, plural)
    "aws:dynamodb/table:Table": ("table", "tables"),
    "aws:dynamodb/globalSecondaryIndex:GlobalSecondaryIndex": ("global secondary index", "global secondary indexes"),
    "aws:appautoscaling/target:Target": ("scaling target", "scaling targets"),
    "aws:appautoscaling/policy:Policy": ("scaling policy", "scaling policies"),
    "aws:kms/key:Key": ("KMS key", "KMS keys"),
    "aws:kms/alias:Alias": ("KMS alias", "KMS aliases"),
    "pulumi:providers:aws": ("provider", "providers"),
    "aws:dynamodb/contributorInsights:ContributorInsights": ("contributor insights", "contributor insights"),
    "aws:cloudwatch/metricAlarm:MetricAlarm": ("alarm", "alarms"),
    "aws:sns/topic:Topic": ("SNS topic", "SNS topics"),
    "aws:sns/topicSubscription:TopicSubscription": ("subscription", "subscriptions"),
    "aws:cloudwatch/dashboard:Dashboard": ("dashboard", "dashboards"),
    "aws:ec2/vpcEndpoint:VpcEndpoint": ("VPC endpoint", "VPC endpoints"),
    "koneksi:dynamodb:Table": ("table component", "table components"),
}


def summary(plan: Plan) -> str:
    resources = plan.resources()
    rank = {type_: i for i, type_ in enumerate(NOUNS)}
    counts = Counter(sorted((r["type"] for r in resources), key=lambda t: (rank.get(t, len(rank)), t)))
    parts = [f"{count} {NOUNS.get(type_, (type_, type_))[count != 1]}" for type_, count in counts.items()]
    return f"{len(resources)} resources: {', '.join(parts)}"


def write_text(plan: Plan, width: int = 160) -> str:
    nodes: dict[str, Tree] = {}
    root = None
    for step in plan.steps:
        state = step["newState"]
        if state["type"] == STACK_TYPE:
            root = nodes[state["urn"]] = Tree(f"[bold]{plan.project}[/] stack [bold]{plan.stack}[/]")
            continue
        label = f"{state['type']} [bold]{escape(state['urn'].rsplit('::', 1)[1])}[/]"
        described = DESCRIBE.get(state["type"])
        if described:
            label += f"  {escape(described(state['inputs']))}"
        flags = [flag for flag in ("protect", "retainOnDelete") if state[flag]]
        if state["ignoreChanges"]:
            flags.append(f"ignoreChanges {', '.join(state['ignoreChanges'])}")
        if flags:
            label += f"  [yellow]({escape('; '.join(flags))})[/]"
        nodes[state["urn"]] = nodes.get(state.get("parent"), root).add(label)
    text = io.StringIO()
    console = Console(file=text, width=width, color_system=None)
    console.print(root)
    for diagnostic in plan.diagnostics:
        console.print(escape(f"{diagnostic['severity']}: {diagnostic['message']}"))
    console.print(summary(plan))
    return text.getvalue()
