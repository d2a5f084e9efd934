"""Planned resources as the requests of the API calls that create them.

Every resource of a synthesized plan becomes the request(s) the provider makes for it
(terraform-provider-aws, which pulumi-aws wraps). Values known only after deployment are replaced
by well-formed stand-ins; the fields that get one are listed in `STAND_INS`.
"""

import json
from dataclasses import dataclass
from typing import Any, Callable, Optional

from components.config import limits
from pipeline.mock_engine import ACCOUNT, UNKNOWN, Plan
from tests.conftest import ROOT


ACCOUNT_ID = "123456789012"
KEY_ID = "1234abcd-12ab-34cd-56ef-1234567890ab"
EXAMPLES = ROOT / "examples"

# Field -> what stands in for it when the plan leaves it unknown.
STAND_INS = {
    "dynamodb.CreateTable.SSESpecification.KMSMasterKeyId": "the stack key's ARN",
    "sns.CreateTopic.Attributes.KmsMasterKeyId": "the stack key's ARN",
    "kms.CreateAlias.TargetKeyId": "the stack key's id",
    "kms.EnableKeyRotation.KeyId": "the key's own id (assigned by CreateKey)",
    "kms.ScheduleKeyDeletion.KeyId": "the key's own id (assigned by CreateKey)",
    "cloudwatch.PutMetricAlarm.AlarmActions": "the alarm topic's ARN",
    "cloudwatch.PutMetricAlarm.OKActions": "the alarm topic's ARN",
    "sns.Subscribe.TopicArn": "the alarm topic's ARN",
    "dynamodb.UpdateTable.TableName": "the main table's ARN (a replica's global table)",
    "backup.CreateBackupVault.EncryptionKeyArn": "the stack key's ARN",
    "backup.CopyAction.DestinationBackupVaultArn": "the copy vault's ARN",
    "backup.CreateBackupSelection.BackupPlanId": "the plan's id",
    "backup.BackupSelection.IamRoleArn": "the backup role's ARN",
    "backup.BackupSelection.Resources": "the tables' ARNs",
    "iam.AttachRolePolicy.RoleName": "the backup role's name",
    "iam.PutRolePolicy.RoleName": "the DAX role's name",
    "dax.CreateCluster.IamRoleArn": "the DAX role's ARN",
    "dynamodb.CreateReplicationGroupMemberAction.KMSMasterKeyId": "the stack key's ARN in the replica's region",
    "[account]": "account 123456789012, in policies and ARNs",
}


@dataclass(frozen=True)
class Call:
    service: str
    operation: str
    params: dict
    resource: str  # logical name, for messages
    resource_type: str

    @property
    def label(self) -> str:
        return f"{self.resource_type} {self.resource}: {self.service}.{self.operation}"


def _compact(value: Any) -> Any:
    """Leaves out members that are None, as the SDK does with unset fields."""
    if isinstance(value, dict):
        return {k: _compact(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_compact(v) for v in value]
    return value


class Context:
    """What a plan's requests share: region, default tags, the stand-ins for its unknowns."""

    def __init__(self, plan: Plan):
        [provider] = plan.resources("pulumi:providers:aws")
        inputs = provider["inputs"]
        self.region = inputs["region"]
        self.partition = limits.partition_of(self.region)
        default_tags = inputs.get("defaultTags")
        self.default_tags = (json.loads(default_tags) if isinstance(default_tags, str) else default_tags or {}).get("tags", {})
        self.key_arn = f"arn:{self.partition}:kms:{self.region}:{ACCOUNT_ID}:key/{KEY_ID}"
        topics = plan.resources("aws:sns/topic:Topic")
        self.topic_arn = (f"arn:{self.partition}:sns:{self.region}:{ACCOUNT_ID}:{topics[0]['inputs']['name']}"
                          if topics else None)
        self.tables = {t["inputs"]["name"]: t["inputs"] for t in plan.resources("aws:dynamodb/table:Table")}
        self.substituted: set[str] = set()

    def known(self, value: Any, stand_in: Any, field: str) -> Any:
        if value == UNKNOWN:
            assert stand_in is not None, f"{field} is unknown and has no stand-in"
            self.substituted.add(field)
            return stand_in
        return value

    def with_account(self, value: Any) -> Any:
        if isinstance(value, str) and ACCOUNT in value:
            self.substituted.add("[account]")
            return value.replace(ACCOUNT, ACCOUNT_ID)
        if isinstance(value, dict):
            return {k: self.with_account(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self.with_account(v) for v in value]
        return value

    def tags(self, own: Optional[dict]) -> dict:
        """A resource's tags as the provider sends them: the default tags, then its own."""
        return {**self.default_tags, **(own or {})}

    def tag_list(self, own: Optional[dict], key: str = "Key", value: str = "Value") -> Optional[list]:
        return [{key: k, value: v} for k, v in self.tags(own).items()] or None


class Inputs:
    """A resource's inputs; `take` marks each as mapped, `left` lists those no request carries."""

    def __init__(self, inputs: dict):
        self.inputs = inputs
        self.taken: set[str] = set()

    def take(self, name: str, default: Any = None) -> Any:
        self.taken.add(name)
        return self.inputs.get(name, default)

    def left(self) -> list[str]:
        return sorted(set(self.inputs) - self.taken)


def _key_schema(hash_key: str, range_key: Optional[str]) -> list[dict]:
    return [{"AttributeName": hash_key, "KeyType": "HASH"},
            *([{"AttributeName": range_key, "KeyType": "RANGE"}] if range_key else [])]


def _projection(projection_type: Optional[str], non_key: Optional[list]) -> dict:
    return {"ProjectionType": projection_type, "NonKeyAttributes": non_key or None}


def table_calls(i: Inputs, ctx: Context) -> list[tuple[str, str, dict]]:
    """terraform-provider-aws resourceTableCreate: CreateTable, then UpdateTimeToLive and
    UpdateContinuousBackups (each only when enabled)."""
    name = i.take("name")
    hash_key = i.take("hashKey")
    billing = i.take("billingMode", "PROVISIONED")
    sse = i.take("serverSideEncryption")
    stream = i.take("streamEnabled")
    view_type = i.take("streamViewType")
    read, write = i.take("readCapacity"), i.take("writeCapacity")
    on_demand = i.take("onDemandThroughput")
    params = {
        "TableName": name,
        "BillingMode": billing,
        "KeySchema": _key_schema(hash_key, i.take("rangeKey")),
        "AttributeDefinitions": [{"AttributeName": a["name"], "AttributeType": a["type"]}
                                 for a in i.take("attributes", [])],
        "ProvisionedThroughput": ({"ReadCapacityUnits": read or 0, "WriteCapacityUnits": write or 0}
                                  if billing == "PROVISIONED" else None),
        "LocalSecondaryIndexes": [{"IndexName": lsi["name"], "KeySchema": _key_schema(hash_key, lsi["rangeKey"]),
                                   "Projection": _projection(lsi.get("projectionType"), lsi.get("nonKeyAttributes"))}
                                  for lsi in i.take("localSecondaryIndexes") or []] or None,
        "StreamSpecification": {"StreamEnabled": True, "StreamViewType": view_type} if stream else None,
        # expandEncryptAtRestOptions: a key (and SSEType KMS) only when enabled with a key ARN.
        "SSESpecification": sse and {
            "Enabled": bool(sse.get("enabled")),
            **({"SSEType": "KMS", "KMSMasterKeyId": ctx.known(sse["kmsKeyArn"], ctx.key_arn,
                                                                 "dynamodb.CreateTable.SSESpecification.KMSMasterKeyId")}
               if sse.get("enabled") and sse.get("kmsKeyArn") else {})},
        "TableClass": i.take("tableClass"),
        "DeletionProtectionEnabled": i.take("deletionProtectionEnabled") or None,
        "OnDemandThroughput": on_demand and {"MaxReadRequestUnits": on_demand.get("maxReadRequestUnits"),
                                             "MaxWriteRequestUnits": on_demand.get("maxWriteRequestUnits")},
        "Tags": ctx.tag_list(i.take("tags")),
    }
    calls = [("dynamodb", "CreateTable", params)]
    if i.inputs.get("restoreSourceName") or i.inputs.get("restoreSourceTableArn"):
        calls = _restore_calls(i, params)
    ttl = i.take("ttl")
    if ttl and ttl.get("enabled"):
        calls.append(("dynamodb", "UpdateTimeToLive", {
            "TableName": name, "TimeToLiveSpecification": {"AttributeName": ttl.get("attributeName"), "Enabled": True}}))
    pitr = i.take("pointInTimeRecovery")
    if pitr and pitr.get("enabled"):
        calls.append(("dynamodb", "UpdateContinuousBackups", {"TableName": name, "PointInTimeRecoverySpecification": {
            "PointInTimeRecoveryEnabled": True, "RecoveryPeriodInDays": pitr.get("recoveryPeriodInDays")}}))
    return calls


def _restore_calls(i: Inputs, create: dict) -> list[tuple[str, str, dict]]:
    """resourceTableCreate's restore branch: RestoreTableToPointInTime with the overrides it sends
    (capacity when both read and write are set, the LSIs, the inline GSIs, encryption), no billing
    mode, tags, stream, class or deletion protection; the next `up` sets those with UpdateTable
    and TagResource."""
    billing = create["BillingMode"]
    read, write = i.inputs.get("readCapacity"), i.inputs.get("writeCapacity")
    restore = {
        "TargetTableName": create["TableName"],
        "SourceTableName": i.take("restoreSourceName"), "SourceTableArn": i.take("restoreSourceTableArn"),
        "RestoreDateTime": i.take("restoreDateTime"), "UseLatestRestorableTime": i.take("restoreToLatestTime"),
        "ProvisionedThroughputOverride": create["ProvisionedThroughput"] if read and write else None,
        "LocalSecondaryIndexOverride": create["LocalSecondaryIndexes"],
        "GlobalSecondaryIndexOverride": [{
            "IndexName": gsi["name"],
            "KeySchema": [{"AttributeName": k["attributeName"], "KeyType": k["keyType"]} for k in gsi["keySchemas"]],
            "Projection": _projection(gsi.get("projectionType"), gsi.get("nonKeyAttributes")),
            "ProvisionedThroughput": {"ReadCapacityUnits": gsi.get("readCapacity"),
                                      "WriteCapacityUnits": gsi.get("writeCapacity")} if billing == "PROVISIONED"
            else None,
            "OnDemandThroughput": gsi.get("onDemandThroughput") and {
                "MaxReadRequestUnits": gsi["onDemandThroughput"].get("maxReadRequestUnits"),
                "MaxWriteRequestUnits": gsi["onDemandThroughput"].get("maxWriteRequestUnits")},
        } for gsi in i.take("globalSecondaryIndexes") or []] or None,
        "SSESpecificationOverride": create["SSESpecification"],
    }
    settle = {key: create[key] for key in ("TableName", "BillingMode", "ProvisionedThroughput", "StreamSpecification",
                                           "DeletionProtectionEnabled", "OnDemandThroughput")}
    table_arn = f"arn:aws:dynamodb:us-east-1:123456789012:table/{create['TableName']}"  # stand-in: region irrelevant
    return [("dynamodb", "RestoreTableToPointInTime", restore), ("dynamodb", "UpdateTable", settle),
            ("dynamodb", "UpdateTable", {"TableName": create["TableName"], "TableClass": create["TableClass"]}),
            *([("dynamodb", "TagResource", {"ResourceArn": table_arn, "Tags": create["Tags"]})] if create["Tags"]
              else [])]


def gsi_calls(i: Inputs, ctx: Context) -> list[tuple[str, str, dict]]:
    """aws_dynamodb_global_secondary_index Create: UpdateTable with the table's attribute
    definitions plus the index's key attributes, and one Create action."""
    table = i.take("tableName")
    keys = i.take("keySchemas", [])
    definitions = {a["name"]: a["type"] for a in ctx.tables.get(table, {}).get("attributes", [])}
    for key in keys:
        definitions.setdefault(key["attributeName"], key["attributeType"])
    projection = i.take("projection") or {}
    throughput = i.take("provisionedThroughput")
    on_demand = i.take("onDemandThroughput")
    i.take("warmThroughput")  # none planned; would map to WarmThroughput
    create = {
        "IndexName": i.take("indexName"),
        "KeySchema": [{"AttributeName": k["attributeName"], "KeyType": k["keyType"]} for k in keys],
        "Projection": _projection(projection.get("projectionType"), projection.get("nonKeyAttributes")),
        "ProvisionedThroughput": throughput and {"ReadCapacityUnits": throughput.get("readCapacityUnits"),
                                                 "WriteCapacityUnits": throughput.get("writeCapacityUnits")},
        "OnDemandThroughput": on_demand and {"MaxReadRequestUnits": on_demand.get("maxReadRequestUnits"),
                                             "MaxWriteRequestUnits": on_demand.get("maxWriteRequestUnits")},
    }
    return [("dynamodb", "UpdateTable", {
        "TableName": table,
        "AttributeDefinitions": [{"AttributeName": n, "AttributeType": t} for n, t in definitions.items()],
        "GlobalSecondaryIndexUpdates": [{"Create": create}]})]


def contributor_insights_calls(i: Inputs, ctx: Context) -> list[tuple[str, str, dict]]:
    return [("dynamodb", "UpdateContributorInsights", {
        "TableName": i.take("tableName"), "IndexName": i.take("indexName"), "ContributorInsightsAction": "ENABLE",
        "ContributorInsightsMode": i.take("mode")})]


def target_calls(i: Inputs, ctx: Context) -> list[tuple[str, str, dict]]:
    return [("application-autoscaling", "RegisterScalableTarget", {
        "ServiceNamespace": i.take("serviceNamespace"), "ResourceId": i.take("resourceId"),
        "ScalableDimension": i.take("scalableDimension"), "MinCapacity": i.take("minCapacity"),
        "MaxCapacity": i.take("maxCapacity"), "RoleARN": i.take("roleArn"),
        "Tags": ctx.tags(i.take("tags")) or None})]


def policy_calls(i: Inputs, ctx: Context) -> list[tuple[str, str, dict]]:
    tracking = i.take("targetTrackingScalingPolicyConfiguration")
    predefined = (tracking or {}).get("predefinedMetricSpecification")
    return [("application-autoscaling", "PutScalingPolicy", {
        "PolicyName": i.take("name"), "ServiceNamespace": i.take("serviceNamespace"),
        "ResourceId": i.take("resourceId"), "ScalableDimension": i.take("scalableDimension"),
        "PolicyType": i.take("policyType"),
        "TargetTrackingScalingPolicyConfiguration": tracking and {
            "TargetValue": tracking.get("targetValue"),
            "PredefinedMetricSpecification": predefined and {
                "PredefinedMetricType": predefined.get("predefinedMetricType"),
                "ResourceLabel": predefined.get("resourceLabel")},
            "ScaleInCooldown": tracking.get("scaleInCooldown"), "ScaleOutCooldown": tracking.get("scaleOutCooldown"),
            "DisableScaleIn": bool(tracking.get("disableScaleIn", False))}})]


def _dimensions(dimensions: Optional[dict]) -> Optional[list]:
    return [{"Name": k, "Value": v} for k, v in dimensions.items()] if dimensions else None


def alarm_calls(i: Inputs, ctx: Context) -> list[tuple[str, str, dict]]:
    """expandPutMetricAlarmInput (terraform-provider-aws, cloudwatch/metric_alarm.go)."""
    def actions(name: str, field: str) -> Optional[list]:
        return [ctx.known(a, ctx.topic_arn, f"cloudwatch.PutMetricAlarm.{field}") for a in i.take(name) or []] or None

    def query(q: dict) -> dict:
        metric = q.get("metric")
        return {"Id": q.get("id"), "Expression": q.get("expression") or None, "Label": q.get("label") or None,
                "ReturnData": bool(q.get("returnData", False)), "Period": q.get("period") or None,
                "AccountId": q.get("accountId"),
                "MetricStat": metric and {
                    "Metric": {"Namespace": metric.get("namespace"), "MetricName": metric.get("metricName"),
                               "Dimensions": _dimensions(metric.get("dimensions"))},
                    "Period": metric.get("period"), "Stat": metric.get("stat"), "Unit": metric.get("unit")}}

    return [("cloudwatch", "PutMetricAlarm", {
        "AlarmName": i.take("name"), "AlarmDescription": i.take("alarmDescription"),
        "ActionsEnabled": i.take("actionsEnabled", True),
        "AlarmActions": actions("alarmActions", "AlarmActions"), "OKActions": actions("okActions", "OKActions"),
        "InsufficientDataActions": actions("insufficientDataActions", "InsufficientDataActions"),
        "MetricName": i.take("metricName"), "Namespace": i.take("namespace"), "Statistic": i.take("statistic"),
        "ExtendedStatistic": i.take("extendedStatistic"), "Dimensions": _dimensions(i.take("dimensions")),
        "Period": i.take("period"), "Unit": i.take("unit"), "EvaluationPeriods": i.take("evaluationPeriods"),
        "DatapointsToAlarm": i.take("datapointsToAlarm"), "Threshold": i.take("threshold"),
        "ThresholdMetricId": i.take("thresholdMetricId"), "ComparisonOperator": i.take("comparisonOperator"),
        "TreatMissingData": i.take("treatMissingData", "missing"),
        "EvaluateLowSampleCountPercentile": i.take("evaluateLowSampleCountPercentiles"),
        "Metrics": [query(q) for q in i.take("metricQueries") or []] or None,
        "Tags": ctx.tag_list(i.take("tags"))})]


def dashboard_calls(i: Inputs, ctx: Context) -> list[tuple[str, str, dict]]:
    return [("cloudwatch", "PutDashboard", {"DashboardName": i.take("dashboardName"),
                                            "DashboardBody": i.take("dashboardBody")})]


def topic_calls(i: Inputs, ctx: Context) -> list[tuple[str, str, dict]]:
    key = i.take("kmsMasterKeyId")
    attributes = {"KmsMasterKeyId": key and ctx.known(key, ctx.key_arn, "sns.CreateTopic.Attributes.KmsMasterKeyId")}
    return [("sns", "CreateTopic", {"Name": i.take("name"), "Attributes": _compact(attributes) or None,
                                    "Tags": ctx.tag_list(i.take("tags"))})]


def subscription_calls(i: Inputs, ctx: Context) -> list[tuple[str, str, dict]]:
    return [("sns", "Subscribe", {
        "TopicArn": ctx.known(i.take("topic"), ctx.topic_arn, "sns.Subscribe.TopicArn"),
        "Protocol": i.take("protocol"), "Endpoint": i.take("endpoint"), "ReturnSubscriptionArn": True})]


def key_calls(i: Inputs, ctx: Context) -> list[tuple[str, str, dict]]:
    """CreateKey; EnableKeyRotation when rotation is on; ScheduleKeyDeletion when it is deleted."""
    calls = [("kms", "CreateKey", {
        "Policy": i.take("policy"), "Description": i.take("description"),
        "KeyUsage": i.take("keyUsage", "ENCRYPT_DECRYPT"), "KeySpec": i.take("customerMasterKeySpec", "SYMMETRIC_DEFAULT"),
        "BypassPolicyLockoutSafetyCheck": bool(i.take("bypassPolicyLockoutSafetyCheck", False)),
        "MultiRegion": i.take("multiRegion"), "Tags": ctx.tag_list(i.take("tags"), "TagKey", "TagValue")})]
    if i.take("enableKeyRotation"):
        calls.append(("kms", "EnableKeyRotation", {"KeyId": ctx.known(UNKNOWN, KEY_ID, "kms.EnableKeyRotation.KeyId"),
                                                   "RotationPeriodInDays": i.take("rotationPeriodInDays")}))
    calls.append(("kms", "ScheduleKeyDeletion", {
        "KeyId": ctx.known(UNKNOWN, KEY_ID, "kms.ScheduleKeyDeletion.KeyId"),
        "PendingWindowInDays": i.take("deletionWindowInDays")}))
    return calls


def alias_calls(i: Inputs, ctx: Context) -> list[tuple[str, str, dict]]:
    return [("kms", "CreateAlias", {"AliasName": i.take("name"),
                                    "TargetKeyId": ctx.known(i.take("targetKeyId"), KEY_ID, "kms.CreateAlias.TargetKeyId")})]


def endpoint_calls(i: Inputs, ctx: Context) -> list[tuple[str, str, dict]]:
    tags = ctx.tag_list(i.take("tags"))
    return [("ec2", "CreateVpcEndpoint", {
        "VpcId": i.take("vpcId"), "ServiceName": i.take("serviceName"),
        "VpcEndpointType": i.take("vpcEndpointType", "Gateway"), "RouteTableIds": i.take("routeTableIds"),
        "PolicyDocument": i.take("policy"),
        "TagSpecifications": tags and [{"ResourceType": "vpc-endpoint", "Tags": tags}]})]


def endpoint_policy_calls(i: Inputs, ctx: Context) -> list[tuple[str, str, dict]]:
    return [("ec2", "ModifyVpcEndpoint", {"VpcEndpointId": i.take("vpcEndpointId"), "PolicyDocument": i.take("policy")})]


def replica_calls(i: Inputs, ctx: Context) -> list[tuple[str, str, dict]]:
    """UpdateTable on the main table with ReplicaUpdates.Create; then, in the replica's region,
    UpdateContinuousBackups and deletion protection (terraform-provider-aws, table_replica.go)."""
    return [
        ("dynamodb", "UpdateTable", {
            "TableName": ctx.known(i.take("globalTableArn"), "arn:aws:dynamodb:ap-southeast-1:123456789012:table/t",
                                   "dynamodb.UpdateTable.TableName"),
            "ReplicaUpdates": [{"Create": {
                "RegionName": i.inputs.get("region"),
                "KMSMasterKeyId": i.take("kmsKeyArn") and ctx.known(
                    i.inputs["kmsKeyArn"], ctx.key_arn, "dynamodb.CreateReplicationGroupMemberAction.KMSMasterKeyId"),
                "TableClassOverride": i.take("tableClassOverride")}}]}),
        ("dynamodb", "UpdateContinuousBackups", {
            "TableName": "t", "PointInTimeRecoverySpecification": {
                "PointInTimeRecoveryEnabled": bool(i.take("pointInTimeRecovery", False))}}),
        ("dynamodb", "UpdateTable", {"TableName": "t", "DeletionProtectionEnabled": i.take("deletionProtectionEnabled")}),
    ]


def _backup_lifecycle(lifecycle: Optional[dict]) -> Optional[dict]:
    return lifecycle and {"DeleteAfterDays": lifecycle.get("deleteAfter"),
                          "MoveToColdStorageAfterDays": lifecycle.get("coldStorageAfter")}


def vault_calls(i: Inputs, ctx: Context) -> list[tuple[str, str, dict]]:
    return [("backup", "CreateBackupVault", {
        "BackupVaultName": i.take("name"), "BackupVaultTags": ctx.tags(i.take("tags")) or None,
        "EncryptionKeyArn": i.take("kmsKeyArn") and ctx.known(i.inputs["kmsKeyArn"], ctx.key_arn,
                                                              "backup.CreateBackupVault.EncryptionKeyArn")})]


def plan_calls(i: Inputs, ctx: Context) -> list[tuple[str, str, dict]]:
    return [("backup", "CreateBackupPlan", {"BackupPlanTags": ctx.tags(i.take("tags")) or None, "BackupPlan": {
        "BackupPlanName": i.take("name"),
        "Rules": [{"RuleName": rule["ruleName"], "TargetBackupVaultName": rule["targetVaultName"],
                   "ScheduleExpression": rule.get("schedule"), "Lifecycle": _backup_lifecycle(rule.get("lifecycle")),
                   "CopyActions": [{"DestinationBackupVaultArn": ctx.known(
                       copy["destinationVaultArn"], f"arn:aws:backup:us-west-2:{ACCOUNT_ID}:backup-vault:v",
                       "backup.CopyAction.DestinationBackupVaultArn"),
                       "Lifecycle": _backup_lifecycle(copy.get("lifecycle"))} for copy in rule.get("copyActions", [])]
                   or None}
                  for rule in i.take("rules")]}})]


def selection_calls(i: Inputs, ctx: Context) -> list[tuple[str, str, dict]]:
    return [("backup", "CreateBackupSelection", {
        "BackupPlanId": ctx.known(i.take("planId"), "11111111-2222-3333-4444-555555555555",
                                  "backup.CreateBackupSelection.BackupPlanId"),
        "BackupSelection": {"SelectionName": i.take("name"),
                            "IamRoleArn": ctx.known(i.take("iamRoleArn"), f"arn:aws:iam::{ACCOUNT_ID}:role/r",
                                                    "backup.BackupSelection.IamRoleArn"),
                            "Resources": [ctx.known(arn, f"arn:aws:dynamodb:{ctx.region}:{ACCOUNT_ID}:table/t",
                                                    "backup.BackupSelection.Resources")
                                          for arn in i.take("resources")]}})]


def region_settings_calls(i: Inputs, ctx: Context) -> list[tuple[str, str, dict]]:
    return [("backup", "UpdateRegionSettings", {
        "ResourceTypeOptInPreference": i.take("resourceTypeOptInPreference"),
        "ResourceTypeManagementPreference": i.take("resourceTypeManagementPreference")})]


def role_calls(i: Inputs, ctx: Context) -> list[tuple[str, str, dict]]:
    return [("iam", "CreateRole", {"RoleName": i.take("name"), "AssumeRolePolicyDocument": i.take("assumeRolePolicy"),
                                   "Description": i.take("description"), "Tags": ctx.tag_list(i.take("tags"))})]


def role_policy_attachment_calls(i: Inputs, ctx: Context) -> list[tuple[str, str, dict]]:
    return [("iam", "AttachRolePolicy", {
        "RoleName": ctx.known(i.take("role"), "r", "iam.AttachRolePolicy.RoleName"), "PolicyArn": i.take("policyArn")})]


def managed_policy_calls(i: Inputs, ctx: Context) -> list[tuple[str, str, dict]]:
    return [("iam", "CreatePolicy", {"PolicyName": i.take("name"), "PolicyDocument": i.take("policy"),
                                     "Description": i.take("description"), "Tags": ctx.tag_list(i.take("tags"))})]


def role_policy_calls(i: Inputs, ctx: Context) -> list[tuple[str, str, dict]]:
    return [("iam", "PutRolePolicy", {"RoleName": ctx.known(i.take("role"), "r", "iam.PutRolePolicy.RoleName"),
                                      "PolicyName": i.take("name"), "PolicyDocument": i.take("policy")})]


def table_item_calls(i: Inputs, ctx: Context) -> list[tuple[str, str, dict]]:
    i.take("hashKey"), i.take("rangeKey")  # the provider reads the key back with them, no field of PutItem
    return [("dynamodb", "PutItem", {"TableName": i.take("tableName"), "Item": json.loads(i.take("item"))})]


def dax_cluster_calls(i: Inputs, ctx: Context) -> list[tuple[str, str, dict]]:
    role_arn = f"arn:{ctx.partition}:iam::{ACCOUNT_ID}:role/the-dax-role"
    return [("dax", "CreateCluster", {
        "ClusterName": i.take("clusterName"), "NodeType": i.take("nodeType"), "Description": i.take("description"),
        "ReplicationFactor": i.take("replicationFactor"), "SubnetGroupName": i.take("subnetGroupName"),
        "SecurityGroupIds": i.take("securityGroupIds"), "ParameterGroupName": i.take("parameterGroupName"),
        "IamRoleArn": ctx.known(i.take("iamRoleArn"), role_arn, "dax.CreateCluster.IamRoleArn"),
        "SSESpecification": {"Enabled": (i.take("serverSideEncryption") or {}).get("enabled")},
        "ClusterEndpointEncryptionType": i.take("clusterEndpointEncryptionType"),
        "Tags": ctx.tag_list(i.take("tags"))})]


def dax_subnet_group_calls(i: Inputs, ctx: Context) -> list[tuple[str, str, dict]]:
    return [("dax", "CreateSubnetGroup", {"SubnetGroupName": i.take("name"), "Description": i.take("description"),
                                          "SubnetIds": i.take("subnetIds")})]


def dax_parameter_group_calls(i: Inputs, ctx: Context) -> list[tuple[str, str, dict]]:
    name = i.take("name")
    return [("dax", "CreateParameterGroup", {"ParameterGroupName": name, "Description": i.take("description")}),
            ("dax", "UpdateParameterGroup", {"ParameterGroupName": name, "ParameterNameValues": [
                {"ParameterName": p["name"], "ParameterValue": p["value"]} for p in i.take("parameters") or []]})]


MAPPINGS: dict[str, Callable[[Inputs, Context], list]] = {
    "aws:iam/policy:Policy": managed_policy_calls,
    "aws:iam/rolePolicy:RolePolicy": role_policy_calls,
    "aws:dynamodb/tableItem:TableItem": table_item_calls,
    "aws:dax/cluster:Cluster": dax_cluster_calls,
    "aws:dax/subnetGroup:SubnetGroup": dax_subnet_group_calls,
    "aws:dax/parameterGroup:ParameterGroup": dax_parameter_group_calls,
    "aws:backup/vault:Vault": vault_calls,
    "aws:backup/plan:Plan": plan_calls,
    "aws:backup/selection:Selection": selection_calls,
    "aws:backup/regionSettings:RegionSettings": region_settings_calls,
    "aws:iam/role:Role": role_calls,
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment": role_policy_attachment_calls,
    "aws:dynamodb/tableReplica:TableReplica": replica_calls,
    "aws:dynamodb/table:Table": table_calls,
    "aws:dynamodb/globalSecondaryIndex:GlobalSecondaryIndex": gsi_calls,
    "aws:dynamodb/contributorInsights:ContributorInsights": contributor_insights_calls,
    "aws:appautoscaling/target:Target": target_calls,
    "aws:appautoscaling/policy:Policy": policy_calls,
    "aws:cloudwatch/metricAlarm:MetricAlarm": alarm_calls,
    "aws:cloudwatch/dashboard:Dashboard": dashboard_calls,
    "aws:sns/topic:Topic": topic_calls,
    "aws:sns/topicSubscription:TopicSubscription": subscription_calls,
    "aws:kms/key:Key": key_calls,
    "aws:kms/alias:Alias": alias_calls,
    "aws:ec2/vpcEndpoint:VpcEndpoint": endpoint_calls,
    "aws:ec2/vpcEndpointPolicy:VpcEndpointPolicy": endpoint_policy_calls,
}
# Registered but never sent to an AWS API: the provider and the program's components.
NOT_API_RESOURCES = ("pulumi:providers:aws", "koneksi:dynamodb:Table", "koneksi:dynamodb:Dax")
OPERATIONS = (  # every operation a mapping can produce, for the pattern check
    ("dynamodb", "CreateTable"), ("dynamodb", "UpdateTimeToLive"), ("dynamodb", "UpdateContinuousBackups"),
    ("dynamodb", "UpdateTable"), ("dynamodb", "UpdateContributorInsights"), ("dynamodb", "RestoreTableToPointInTime"),
    ("dynamodb", "TagResource"),
    ("application-autoscaling", "RegisterScalableTarget"), ("application-autoscaling", "PutScalingPolicy"),
    ("cloudwatch", "PutMetricAlarm"), ("cloudwatch", "PutDashboard"), ("sns", "CreateTopic"), ("sns", "Subscribe"),
    ("kms", "CreateKey"), ("kms", "EnableKeyRotation"), ("kms", "ScheduleKeyDeletion"), ("kms", "CreateAlias"),
    ("ec2", "CreateVpcEndpoint"), ("ec2", "ModifyVpcEndpoint"),
    ("backup", "CreateBackupVault"), ("backup", "CreateBackupPlan"), ("backup", "CreateBackupSelection"),
    ("backup", "UpdateRegionSettings"), ("iam", "CreateRole"), ("iam", "AttachRolePolicy"),
    ("iam", "CreatePolicy"), ("iam", "PutRolePolicy"), ("dynamodb", "PutItem"), ("dax", "CreateCluster"),
    ("dax", "CreateSubnetGroup"), ("dax", "CreateParameterGroup"), ("dax", "UpdateParameterGroup"),
)


@dataclass
class Requests:
    calls: list[Call]
    unmapped: list[str]  # inputs no request carries, and resource types without a mapping
    substituted: set[str]


def requests(plan: Plan) -> Requests:
    ctx = Context(plan)
    calls, unmapped = [], []
    for resource in plan.resources():
        type_, name = resource["type"], resource["urn"].rsplit("::", 1)[1]
        if type_ in NOT_API_RESOURCES:
            continue
        if type_ not in MAPPINGS:
            unmapped.append(f"{type_} {name}: no mapping to an API call")
            continue
        inputs = Inputs(resource["inputs"])
        inputs.take("region")  # which regional endpoint receives the requests, not a field of them
        for service_name, operation, params in MAPPINGS[type_](inputs, ctx):
            calls.append(Call(service_name, operation, ctx.with_account(_compact(params)), name, type_))
        unmapped += [f"{type_} {name}: input {key} is not mapped to a request" for key in inputs.left()]
    return Requests(calls, unmapped, ctx.substituted)


