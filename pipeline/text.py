"""The plan as text a reviewer reads before `pulumi up`: one `+` line per resource to create (`=`
per resource to import), as `pulumi preview` draws them, each followed by every setting it was configured with, then the
diagnostics, the stack's outputs and a `N to create` summary that counts what the JSON counts.

Width follows the terminal (`COLUMNS` when set); piped output is 120 columns wide. Lines break
only between facts, never inside a value: a fact longer than the line keeps its own line.
Colour only on a terminal.
"""

import io
import json
import os
from collections import Counter
from typing import Any, Callable, Optional

from rich.console import Console
from rich.text import Text

from components.monitoring.dashboard import ACCOUNT_ROW, DAX_ROW
from components.table import RESTORE_INPUTS

from .diff import OTHER_REASONS, Change, change_summary
from .mock_engine import STACK_TYPE, Plan

PIPED_WIDTH = 120
# The markers `pulumi preview` uses, by op, and how the summary says each.
SUMMARY = {"create": ("+", "green", "to create"), "import": ("=", "cyan", "to import"),
           "update": ("~", "yellow", "to update"), "replace": ("+-", "magenta", "to replace"),
           "delete": ("-", "red", "to delete"), "same": (" ", "dim", "unchanged")}
State = dict[str, Any]


def _keys(schema: list[dict], attributes: Optional[dict] = None) -> str:
    """A GSI's key; an inline GSI's key schema has no types, the table's attributes have them."""
    return " + ".join(f"{k['attributeName']} ({k.get('attributeType') or (attributes or {}).get(k['attributeName'])}, "
                      f"{k['keyType']})" for k in schema)


def _projection(projection_type: Optional[str], attributes: Optional[list[str]]) -> str:
    return f"projection INCLUDE {', '.join(attributes)}" if attributes else f"projection {projection_type}"


def _ignored(names: list[str]) -> list[str]:
    """The ignored inputs, the four every table ignores for a restore read as one."""
    if not set(RESTORE_INPUTS) <= set(names):
        return names
    return [name for name in names if name not in RESTORE_INPUTS] + ["restore*"]


def _on_demand(throughput: Optional[dict]) -> list[str]:
    if not throughput:
        return []
    return [f"on-demand max read {throughput.get('maxReadRequestUnits', 'unlimited')} "
            f"write {throughput.get('maxWriteRequestUnits', 'unlimited')}"]


def _table(i: State, plan: "References") -> list[str]:
    attributes = {a["name"]: a["type"] for a in i.get("attributes", [])}
    keys = " + ".join(f"{name} ({attributes.get(name)})" for name in filter(None, [i.get("hashKey"), i.get("rangeKey")]))
    billing = i.get("billingMode")
    if billing == "PROVISIONED":
        billing += f", created with read {i.get('readCapacity')} write {i.get('writeCapacity')}"
    sse = i.get("serverSideEncryption", {})
    if not sse.get("enabled"):
        encryption = "AWS owned key"
    elif "kmsKeyArn" not in sse:
        encryption = "AWS managed key"
    else:
        encryption = plan.named_dependency(i, sse["kmsKeyArn"], "aws:kms/key:Key", "key")
    pitr = i.get("pointInTimeRecovery", {})
    facts = [f"name {i.get('name')}", f"key {keys}", billing, *_on_demand(i.get("onDemandThroughput")),
             f"class {i.get('tableClass')}", f"encryption: {encryption}",
             "PITR " + (f"on, {pitr.get('recoveryPeriodInDays', 35)} days" if pitr.get("enabled") else "off"),
             f"deletion protection {'on' if i.get('deletionProtectionEnabled') else 'off'}",
             f"stream {i['streamViewType']}" if i.get("streamEnabled") else "no stream"]
    if i.get("ttl"):
        facts.append(f"TTL on {i['ttl'].get('attributeName')}")
    facts += [f"LSI {lsi['name']}: sort key {lsi['rangeKey']} ({attributes.get(lsi['rangeKey'])}), "
              f"{_projection(lsi.get('projectionType'), lsi.get('nonKeyAttributes'))}"
              for lsi in i.get("localSecondaryIndexes", [])]
    facts += [f"GSI {gsi['name']}: key {_keys(gsi.get('keySchemas', []), attributes)}, "
              f"{_projection(gsi.get('projectionType'), gsi.get('nonKeyAttributes'))}"
              + (f", read {gsi['readCapacity']} write {gsi['writeCapacity']}" if "readCapacity" in gsi else "")
              for gsi in i.get("globalSecondaryIndexes", [])]
    source = i.get("restoreSourceName") or i.get("restoreSourceTableArn")
    if source:
        facts.append(f"restored from {source} as of "
                     + ("its latest restorable time" if i.get("restoreToLatestTime") else i.get("restoreDateTime"))
                     + " (billing mode, stream, class, deletion protection and tags follow at the next `up`)")
    return facts


def _index(i: State, plan: "References") -> list[str]:
    projection = i.get("projection", {})
    facts = [f"index {i.get('indexName')} of {i.get('tableName')}", f"key {_keys(i.get('keySchemas', []))}",
             _projection(projection.get("projectionType"), projection.get("nonKeyAttributes"))]
    throughput = i.get("provisionedThroughput")
    if throughput:
        facts.append(f"created with read {throughput['readCapacityUnits']} write {throughput['writeCapacityUnits']}")
    before = plan.dependency_names("aws:dynamodb/globalSecondaryIndex:GlobalSecondaryIndex")
    if before:  # DynamoDB builds one index of a table at a time
        facts.append(f"built after {', '.join(before)}")
    return facts + _on_demand(i.get("onDemandThroughput"))


def _target(i: State, plan: "References") -> list[str]:
    return [f"{i.get('resourceId')} {i.get('scalableDimension')}", f"between {i.get('minCapacity')} and "
            f"{i.get('maxCapacity')} units"]


def _policy(i: State, plan: "References") -> list[str]:
    tracking = i.get("targetTrackingScalingPolicyConfiguration", {})
    metric = tracking.get("predefinedMetricSpecification", {}).get("predefinedMetricType")

    def cooldown(key: str) -> str:
        return f"{tracking[key]} s" if key in tracking else "AWS's default"
    return [f"{i.get('name')}", f"keeps {metric} at {tracking.get('targetValue')}%",
            f"scale-in cooldown {cooldown('scaleInCooldown')}", f"scale-out cooldown {cooldown('scaleOutCooldown')}"]


def _alarm(i: State, plan: "References") -> list[str]:
    if "metricQueries" in i:
        returned = next(q for q in i["metricQueries"] if q.get("returnData"))
        watched = [returned["expression"]] + [
            f"{q['id']} = {q['metric']['stat']} {q['metric']['metricName']} over {q['metric']['period']} s"
            for q in i["metricQueries"] if "metric" in q]
        period = returned.get("period")
    else:
        dimensions = ", ".join(f"{k}={v}" for k, v in sorted((i.get("dimensions") or {}).items()))
        watched = [f"{i.get('statistic')} {i.get('metricName')}" + (f" [{dimensions}]" if dimensions else "")]
        period = i.get("period")
    return [*watched,
            f"alarm when > {i.get('threshold')} for {i.get('datapointsToAlarm')} of {i.get('evaluationPeriods')} "
            f"periods" + (f" of {period} s" if period else ""),
            f"missing data {i.get('treatMissingData')}",
            f"notifies {', '.join(plan.named_dependency(i, arn, 'aws:sns/topic:Topic', 'topic') for arn in i.get('alarmActions', []))} on ALARM and OK"]


def _policy_brief(policy_text: str) -> list[str]:
    try:
        statements = json.loads(policy_text)["Statement"]
    except (TypeError, ValueError, KeyError):
        return [f"policy {policy_text}"]
    facts = []
    for statement in statements:
        condition = next(iter(statement.get("Condition", {}).values()), {})
        if "aws:PrincipalAccount" in condition:
            who = "the account's principals"
        elif "aws:PrincipalArn" in condition:
            who = f"the roles {', '.join(condition['aws:PrincipalArn'])}"
        else:
            who = json.dumps(statement.get("Principal"))
        resources = statement["Resource"]
        where = ", ".join(resources) if isinstance(resources, list) else f"{resources} (account-wide calls)"
        kind = "data-plane actions" if statement.get("Sid") == "StackTablesForTheAccount" else "actions"
        facts.append(f"policy: {who} may do {len(statement['Action'])} {kind} on {where}")
    return facts


def _endpoint(i: State, plan: "References") -> list[str]:
    return [f"{i.get('vpcEndpointType')} endpoint for {i.get('serviceName')} in {i.get('vpcId')}",
            f"route tables {', '.join(i.get('routeTableIds', []))}", *_policy_brief(i.get("policy", ""))]


def _endpoint_policy(i: State, plan: "References") -> list[str]:
    return [f"policy of the existing endpoint {i.get('vpcEndpointId')}", *_policy_brief(i.get("policy", ""))]


def _key(i: State, plan: "References") -> list[str]:
    facts = [f"rotation {'on' if i.get('enableKeyRotation') else 'off'}",
             f"deletion window {i.get('deletionWindowInDays')} days"]
    try:
        facts += [f"key policy statement {s['Sid']}" for s in json.loads(i.get("policy", ""))["Statement"]]
    except (TypeError, ValueError, KeyError):
        pass
    return facts


def _document(i: State, key: str) -> Optional[dict]:
    """A JSON input as data; None when it is a secret (a secret anywhere in it makes the whole
    input one) or unknown before deployment."""
    try:
        document = json.loads(i.get(key) or "{}")
    except (TypeError, ValueError):
        return None
    return document if isinstance(document, dict) else None


def _provider(i: State, plan: "References") -> list[str]:
    facts = [f"{key} {value}" for key, value in sorted(i.items())
             if key not in ("defaultTags", "skipCredentialsValidation", "skipRegionValidation", "version")]
    default_tags = _document(i, "defaultTags")
    if default_tags is None:
        return facts + [f"default tags {i.get('defaultTags')}"]
    return facts + [f"default tags {', '.join(f'{k}={v}' for k, v in sorted(default_tags.get('tags', {}).items()))}"]


def _dashboard(i: State, plan: "References") -> list[str]:
    body = _document(i, "dashboardBody")
    if body is None:
        return [f"name {i.get('dashboardName')}", f"body {i.get('dashboardBody')}"]
    widgets = body.get("widgets", [])
    titles = [w["properties"]["title"] for w in widgets]
    tables = list(dict.fromkeys(t.rsplit(" ", 1)[0] for t in titles if not t.startswith((ACCOUNT_ROW, DAX_ROW))))
    account = [t.removeprefix(ACCOUNT_ROW).strip() for t in titles if t.startswith(ACCOUNT_ROW)]
    clusters = list(dict.fromkeys(t.removeprefix(DAX_ROW).split()[0] for t in titles if t.startswith(DAX_ROW)))
    return [f"name {i.get('dashboardName')}", *([f"the account's {' and '.join(account)}"] if account else []),
            *([f"the DAX cluster {', '.join(clusters)}: CPU, cache memory, requests, hits and misses, size"]
              if clusters else []),
            f"capacity, throttles, errors and latency of {len(tables)} table{'s' if len(tables) != 1 else ''} "
            f"({', '.join(tables)}): {len(widgets)} widgets"]


def _replica(i: State, plan: "References") -> list[str]:
    key = i.get("kmsKeyArn")
    encryption = plan.named_dependency(i, key, "aws:kms/key:Key", "key") if "kmsKeyArn" in i else "as the table's"
    return [f"replica of {plan.named_dependency(i, i.get('globalTableArn'), 'aws:dynamodb/table:Table', 'table')}",
            f"encryption: {encryption}", f"PITR {'on' if i.get('pointInTimeRecovery') else 'off'}",
            f"deletion protection {'on' if i.get('deletionProtectionEnabled') else 'off'}"]


def _backup_plan(i: State, plan: "References") -> list[str]:
    facts = [f"name {i.get('name')}"]
    for rule in i.get("rules", []):
        lifecycle = rule.get("lifecycle", {})
        kept = f"kept {lifecycle.get('deleteAfter')} days" + (
            f", cold after {lifecycle['coldStorageAfter']}" if lifecycle.get("coldStorageAfter") else "")
        # The copy vault is the plan's vault in another region.
        copy_vaults = [f"the vault {d['urn'].rsplit('::', 1)[1]} in {d['inputs']['region']}"
                       for d in plan.dependencies if d["type"] == "aws:backup/vault:Vault" and "region" in d["inputs"]]
        copies = f" and copied to {', '.join(copy_vaults)}" if rule.get("copyActions") else ""
        facts.append(f"rule {rule.get('ruleName')}: {rule.get('schedule')} UTC, {kept}{copies}")
    return facts


def _backup_selection(i: State, plan: "References") -> list[str]:
    tables = plan.dependency_names("aws:dynamodb/table:Table")
    return [f"name {i.get('name')}", f"backs up {len(tables)} table{'s' if len(tables) != 1 else ''} ({', '.join(tables)})",
            f"as the role {', '.join(plan.dependency_names('aws:iam/role:Role'))}"]


def _where(resources: Any) -> str:
    """ARNs as `table/x (ap-southeast-1, eu-west-1)`: each resource once, with its regions."""
    regions: dict[str, list[str]] = {}
    for arn in resources if isinstance(resources, list) else [resources]:
        parts = str(arn).split(":", 5)
        resource, region = (parts[5], parts[3]) if len(parts) == 6 else (str(arn), "")
        regions.setdefault(resource, []).append(region)
    return ", ".join(f"{resource} ({', '.join(filter(None, where))})" if any(where) else resource
                     for resource, where in regions.items())


def _access_policy(i: State, plan: "References") -> list[str]:
    document = _document(i, "policy")
    if document is None:
        return [f"name {i.get('name')}", f"policy {i.get('policy')}"]
    facts = [f"name {i.get('name')}"]
    for statement in document.get("Statement", []):
        actions = ", ".join(action.removeprefix("dynamodb:") for action in statement.get("Action", []))
        conditions = [f"{key.removeprefix('dynamodb:')} {operator} "
                      f"{'/'.join(values) if isinstance(values, list) else values}"
                      for operator, test in statement.get("Condition", {}).items() for key, values in test.items()]
        facts.append(f"{statement.get('Sid')}: {actions} on {_where(statement.get('Resource'))}"
                     + (f" when {'; '.join(conditions)}" if conditions else ""))
    return facts


def _table_item(i: State, plan: "References") -> list[str]:
    table = plan.named_dependency(i, i.get("tableName"), "aws:dynamodb/table:Table", "table")
    keys = [name for name in (i.get("hashKey"), i.get("rangeKey")) if name]
    item = _document(i, "item")
    if item is None:  # a secret anywhere in the item makes the whole input one
        return [f"item of {table}", f"key {' + '.join(keys)}", "values secret"]

    def shown(value: dict) -> str:
        kind, content = next(iter(value.items()))
        text = content if kind in ("N", "B") else json.dumps(content)
        return f"{text if len(text) <= 40 else text[:37] + '...'} ({kind})"
    names = [f"{name} ({next(iter(value))})" for name, value in item.items()]
    more = f" and {len(names) - 10} more" if len(names) > 10 else ""
    return [f"item of {table}", "key " + ", ".join(f"{name} {shown(item[name])}" for name in keys if name in item),
            f"{len(names)} attribute{'s' if len(names) != 1 else ''}: {', '.join(names[:10])}{more}",
            "written once: later edits of its values in the config are not sent"]


def _dax_cluster(i: State, plan: "References") -> list[str]:
    encrypted = (i.get("serverSideEncryption") or {}).get("enabled") is True
    role = plan.dependency_names("aws:iam/role:Role")
    return [f"name {i.get('clusterName')}", f"{i.get('replicationFactor')} nodes of {i.get('nodeType')}",
            "encrypted at rest (DAX's AWS managed key)" if encrypted else "NOT encrypted at rest",
            f"endpoint encryption {i.get('clusterEndpointEncryptionType', 'NONE')}",
            f"subnet group {i.get('subnetGroupName')}", f"parameter group {i.get('parameterGroupName')}",
            f"security groups {', '.join(i.get('securityGroupIds', []))}",
            f"as the role {role[0] if len(role) == 1 else i.get('iamRoleArn')}"]


def _dax_parameters(i: State, plan: "References") -> list[str]:
    return [f"name {i.get('name')}", *(f"{p.get('name')} {p.get('value')}" for p in i.get("parameters", []))]


def _role_policy(i: State, plan: "References") -> list[str]:
    """An inline policy of a role, drawn as `_access_policy` draws managed ones."""
    role = plan.dependency_names("aws:iam/role:Role")
    return [f"of the role {role[0] if len(role) == 1 else i.get('role')}", *_access_policy(i, plan)]


def _role(i: State, plan: "References") -> list[str]:
    principals = [s.get("Principal") for s in (_document(i, "assumeRolePolicy") or {}).get("Statement", [])]
    return [f"name {i.get('name')}", f"assumed by {', '.join(json.dumps(p) for p in principals)}"]


DESCRIBE: dict[str, Callable[[State, "References"], list[str]]] = {
    "aws:backup/vault:Vault": lambda i, plan: [
        f"name {i.get('name')}",
        "encrypted with " + (plan.named_dependency(i, i["kmsKeyArn"], "aws:kms/key:Key", "key") if "kmsKeyArn" in i
                             else "AWS Backup's default key")],
    "aws:backup/plan:Plan": _backup_plan,
    "aws:backup/selection:Selection": _backup_selection,
    "aws:backup/regionSettings:RegionSettings": lambda i, plan: [
        f"opt in {', '.join(sorted(i.get('resourceTypeOptInPreference', {})))}",
        f"advanced features for {', '.join(sorted(i.get('resourceTypeManagementPreference', {})))}"],
    "aws:iam/role:Role": _role,
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment": lambda i, plan: [f"policy {i.get('policyArn')}"],
    "aws:iam/policy:Policy": _access_policy,
    "aws:iam/rolePolicy:RolePolicy": _role_policy,
    "aws:dax/cluster:Cluster": _dax_cluster,
    "aws:dax/subnetGroup:SubnetGroup": lambda i, plan: [f"name {i.get('name')}",
                                                        f"subnets {', '.join(i.get('subnetIds', []))}"],
    "aws:dax/parameterGroup:ParameterGroup": _dax_parameters,
    "aws:dynamodb/tableReplica:TableReplica": _replica,
    "aws:dynamodb/tableItem:TableItem": _table_item,
    "aws:dynamodb/table:Table": _table,
    "aws:dynamodb/globalSecondaryIndex:GlobalSecondaryIndex": _index,
    "aws:appautoscaling/target:Target": _target,
    "aws:appautoscaling/policy:Policy": _policy,
    "aws:cloudwatch/metricAlarm:MetricAlarm": _alarm,
    "aws:cloudwatch/dashboard:Dashboard": _dashboard,
    "aws:sns/topic:Topic": lambda i, plan: [
        f"name {i.get('name')}",
        f"encrypted with {plan.named_dependency(i, i.get('kmsMasterKeyId'), 'aws:kms/key:Key', 'key')}"],
    "aws:sns/topicSubscription:TopicSubscription": lambda i, plan: [f"{i.get('protocol')} {i.get('endpoint')}"],
    "aws:ec2/vpcEndpoint:VpcEndpoint": _endpoint,
    "aws:ec2/vpcEndpointPolicy:VpcEndpointPolicy": _endpoint_policy,
    "aws:kms/key:Key": _key,
    "aws:kms/alias:Alias": lambda i, plan: [f"{i.get('name')} for "
                                             f"{plan.named_dependency(i, i.get('targetKeyId'), 'aws:kms/key:Key', 'key')}"],
    "pulumi:providers:aws": _provider,
    "aws:dynamodb/contributorInsights:ContributorInsights": lambda i, plan: [f"on {i.get('tableName')}"],
}

NOUNS = {  # type -> (singular, plural)
    "aws:dynamodb/table:Table": ("table", "tables"),
    "aws:dynamodb/globalSecondaryIndex:GlobalSecondaryIndex": ("global secondary index", "global secondary indexes"),
    "aws:dynamodb/tableReplica:TableReplica": ("table replica", "table replicas"),
    "aws:dynamodb/tableItem:TableItem": ("table item", "table items"),
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
    "aws:ec2/vpcEndpointPolicy:VpcEndpointPolicy": ("VPC endpoint policy", "VPC endpoint policies"),
    "aws:backup/vault:Vault": ("backup vault", "backup vaults"),
    "aws:backup/plan:Plan": ("backup plan", "backup plans"),
    "aws:backup/selection:Selection": ("backup selection", "backup selections"),
    "aws:backup/regionSettings:RegionSettings": ("backup region settings", "backup region settings"),
    "aws:iam/role:Role": ("IAM role", "IAM roles"),
    "aws:iam/policy:Policy": ("IAM policy", "IAM policies"),
    "aws:iam/rolePolicy:RolePolicy": ("role policy", "role policies"),
    "aws:dax/cluster:Cluster": ("DAX cluster", "DAX clusters"),
    "aws:dax/subnetGroup:SubnetGroup": ("DAX subnet group", "DAX subnet groups"),
    "aws:dax/parameterGroup:ParameterGroup": ("DAX parameter group", "DAX parameter groups"),
    "koneksi:dynamodb:Dax": ("DAX component", "DAX components"),
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment": ("role policy attachment", "role policy attachments"),
    "koneksi:dynamodb:Table": ("table component", "table components"),
    STACK_TYPE: ("stack", "stacks"),
}


class References:
    """Names what a resource's inputs know only by reference: a value unknown until deployment
    that comes from a resource it depends on (the topic's key, an alarm's topic)."""

    def __init__(self, state: State, states: dict[str, State]):
        self.dependencies = [states[urn] for urn in state["dependencies"] if urn in states]

    def dependency_names(self, type_: str) -> list[str]:
        return [d["urn"].rsplit("::", 1)[1] for d in self.dependencies if d["type"] == type_]

    def named_dependency(self, inputs: State, value: Any, type_: str, noun: str) -> str:
        if value not in ("[unknown]", None):
            return str(value)
        found = self.dependency_names(type_)
        return f"the {noun} {found[0]}" if len(found) == 1 else "a value known after deployment"


def summary(plan: Plan) -> str:
    """Resources of the plan by kind (the stack itself left out), e.g. `3 tables, 6 alarms`."""
    rank = {type_: i for i, type_ in enumerate(NOUNS)}
    counts = Counter(sorted((r["type"] for r in plan.resources()), key=lambda t: (rank.get(t, len(rank)), t)))
    return ", ".join(f"{count} {NOUNS.get(type_, (type_, type_))[count != 1]}" for type_, count in counts.items())


def _flattened(value: Any, prefix: str = "") -> list[tuple[str, Any]]:
    """Nested outputs as `tables.users.name`-style keys, in key order."""
    if isinstance(value, dict) and value:
        return [item for key in sorted(value) for item in _flattened(value[key], f"{prefix}{key}.")]
    return [(prefix.rstrip("."), value)]


def _wrap(facts: list[str], width: int, separator: str = "; ") -> list[str]:
    """Facts joined into lines of at most `width`, breaking only between facts; a broken line
    keeps its separator (`;`, `,`), so the text reads the same wrapped or not."""
    lines: list[str] = []
    for fact in facts:
        if lines and len(lines[-1]) + len(separator) + len(fact) <= width - len(separator.rstrip()):
            lines[-1] += f"{separator}{fact}"
        else:
            if lines:
                lines[-1] += separator.rstrip()
            lines.append(fact)
    return lines


def _changed(change: Change) -> list[str]:
    """What an update or replace changes, input by input, as `pulumi preview --diff` lists them."""
    old, new = (change.old or {}).get("inputs", {}), (change.new or {}).get("inputs", {})

    def shown(value: Any) -> str:
        text = value if isinstance(value, str) else json.dumps(value, sort_keys=True)
        return text if len(text) <= 60 else text[:57] + "..."
    facts = []
    for name in change.diffs:
        forces = " (forces replacement)" if any(r.partition(".")[0] == name for r in change.replace_reasons) else ""
        if name not in old:
            facts.append(f"{name} added: {shown(new[name])}{forces}")
        elif name not in new:
            facts.append(f"{name} removed (was {shown(old[name])}){forces}")
        else:
            inside = _document_changes(old[name], new[name])
            facts += [f"{name}{'' if path.startswith('[') else '.'}{path}: {shown(before)} -> {shown(after)}{forces}"
                      for path, before, after in inside] \
                or [f"{name}: {shown(old[name])} -> {shown(new[name])}{forces}"]
    facts += [f"{name} may change (a secret, or known only after deployment)" for name in change.may_change]
    facts += [f"may be replaced: {name} cannot be compared offline" for name in change.may_replace]
    facts += [f"replaced: {OTHER_REASONS[reason]}" for reason in change.replace_reasons if reason in OTHER_REASONS]
    return facts


def _document_changes(old: Any, new: Any, path: str = "", limit: int = 6) -> list[tuple[str, Any, Any]]:
    """Where two JSON documents (a policy, a dashboard body, written as text) or two structured
    inputs differ, leaf by leaf: a reviewer reads the change, not two cut-off documents."""
    if path == "" and isinstance(old, str) and isinstance(new, str):
        try:
            old, new = json.loads(old), json.loads(new)
        except ValueError:
            return []
    if path == "" and not (isinstance(old, (dict, list)) and isinstance(new, (dict, list))):
        return []
    found: list[tuple[str, Any, Any]] = []
    if isinstance(old, dict) and isinstance(new, dict):
        parts = [(key, old.get(key), new.get(key)) for key in sorted(old.keys() | new.keys(), key=str)]
    elif isinstance(old, list) and isinstance(new, list) and len(old) == len(new):
        parts = [(f"[{n}]", o, w) for n, (o, w) in enumerate(zip(old, new))]
    else:
        return [(path or "(whole)", old, new)] if old != new else []
    for key, before, after in parts:
        if before != after and len(found) < limit:
            where = f"{path}{key}" if str(key).startswith("[") or not path else f"{path}.{key}"
            found += _document_changes(before, after, where, limit - len(found))
    return found


def render(plan: Plan, width: Optional[int] = None, color: Optional[bool] = None,
           changes: Optional[list[Change]] = None, against: Optional[str] = None) -> str:
    """`width` and `color` default to what the output is: a terminal or not. With `changes`
    (`synth --against`), each step is drawn as the change it is from what `against` held."""
    probe = Console()  # what stdout is: rich reads the terminal's size, or COLUMNS
    color = probe.is_terminal if color is None else color
    width = width or (probe.width if probe.is_terminal or "COLUMNS" in os.environ else PIPED_WIDTH)
    out = io.StringIO()
    console = Console(file=out, width=width, force_terminal=color, color_system="auto" if color else None,
                      soft_wrap=True, highlight=False)
    if changes is None:
        changes = [Change("import" if step["newState"].get("importID") else "create", step["urn"],
                          step["newState"]["type"], new=step["newState"]) for step in plan.steps]
    by_urn = {change.urn: change for change in changes}
    states = {change.urn: change.state for change in changes}
    pad = max((len(SUMMARY[change.op][0]) for change in changes), default=1) + 1  # `+-` is wider than `+`
    children: dict[Optional[str], list[State]] = {}
    for change in changes:
        children.setdefault(change.state.get("parent"), []).append(change.state)
    # As `pulumi preview` draws a diff: what changes, and the parents that lead to it.
    drawn = {change.urn for change in changes if change.op != "same" or change.may_replace}
    for urn in list(drawn):
        while (urn := states[urn].get("parent")) in states and urn not in drawn:
            drawn.add(urn)
    if not drawn:
        drawn = {urn for urn, state in states.items() if state["type"] == STACK_TYPE}

    if against is None:
        console.print(Text(f"Plan of stack {plan.stack} (offline synth: the steps of a first `pulumi up`)",
                           style="bold"))
    else:
        console.print(Text(f"Changes to stack {plan.stack} from {against} (offline synth --against)", style="bold"))
    console.print()

    def draw(state: State, prefix: str, last: bool, root: bool) -> None:
        change = by_urn[state["urn"]]
        marker, style, _ = SUMMARY[change.op]
        branch = "" if root else ("└─ " if last else "├─ ")
        name = f"{plan.project}-{plan.stack}" if state["type"] == STACK_TYPE else state["urn"].rsplit("::", 1)[1]
        line = Text(f"{marker:<{pad}}", style=style)
        line.append(prefix + branch, style="dim")
        line.append(f"{state['type']} ", style="dim" if change.op == "same" else "cyan")
        line.append(name, style="dim" if change.op == "same" else "bold")
        flags = [flag for flag in ("protect", "retainOnDelete") if state[flag]]
        if state.get("importID"):
            flags.insert(0, f"import {state['importID']}")
        if state["ignoreChanges"]:
            flags.append(f"ignoreChanges {', '.join(_ignored(state['ignoreChanges']))}")
        if flags and change.op != "same":
            line.append(f"  ({'; '.join(flags)})", style="yellow")
        console.print(line)
        below = prefix + ("" if root else ("   " if last else "│  "))
        kids = [kid for kid in children.get(state["urn"], []) if kid["urn"] in drawn]
        describe = DESCRIBE.get(state["type"]) if change.op in ("create", "import") else None
        facts = _changed(change) if change.op in ("update", "replace") or change.may_replace else []
        if describe:
            facts = describe(state["inputs"], References(state, states))
            if "region" in state["inputs"] and not state["type"].startswith("pulumi:providers:"):
                # a resource outside the stack's region says where
                facts = [f"in {state['inputs']['region']}", *facts]
        guide = below + ("│  " if kids else "   ")
        for fact_line in _wrap(facts, max(console.width - len(guide) - 4, 40)):
            console.print(Text(" " * pad + guide + "  ", style="dim") + Text(fact_line))
        for number, kid in enumerate(kids):
            draw(kid, below, number == len(kids) - 1, False)

    for top in children.get(None, []):
        if top["urn"] in drawn:
            draw(top, "", True, True)
    if plan.diagnostics:
        console.print()
        console.print(Text("Diagnostics:", style="bold"))
        for diagnostic in plan.diagnostics:
            style = "red" if diagnostic["severity"] == "error" else "yellow"
            console.print(Text(f"  {diagnostic['severity']}: ", style=style) + Text(diagnostic["message"]))
    console.print()
    console.print(Text("Outputs:", style="bold"))
    for name, value in _flattened(plan.outputs):
        console.print(Text(f"    {name}: ") + Text(value if isinstance(value, str) else json.dumps(value)))
    console.print()
    console.print(Text("Resources:", style="bold"))
    for op, count in change_summary(changes).items():
        marker, style, label = SUMMARY[op]
        console.print(Text(f"    {marker} {count} {label}", style=style))
    uncertain = sum(1 for change in changes if change.may_replace)
    if uncertain:
        console.print(Text(f"    ? {uncertain} may be replaced: an input that would force it cannot be compared offline",
                           style="magenta"))
    for line in _wrap(summary(plan).split(", "), width - 4, ", "):
        console.print(Text(f"    {line}"))
    return out.getvalue()

