"""Which input changes make the provider replace a resource, and which inputs it holds as sets.

Read from the provider's source: terraform-provider-aws (v6 code, the major pulumi-aws 7 wraps),
files under `internal/service/`: a `ForceNew: true` schema attribute, a `RequiresReplace` plan
modifier (plugin-framework resources), or a CustomizeDiff that forces new. Inputs in Pulumi's
wire names; `parent.child` for an attribute inside a block. The exact upstream release behind
pulumi-aws 7.51.1 could not be pinned offline (README, "Limitations"); these flags have been
stable across v5 and v6.
"""

TABLE = "aws:dynamodb/table:Table"
INDEX = "aws:dynamodb/globalSecondaryIndex:GlobalSecondaryIndex"
REPLICA = "aws:dynamodb/tableReplica:TableReplica"

# Every regional resource: the per-resource `region` of pulumi-aws 7 (internal/provider/sdkv2/
# region.go `forceNewIfRegionChanges`; framework/region.go for plugin-framework resources).
REGION = ("region",)

REPLACED_WHEN: dict[str, tuple[str, ...]] = {
    # dynamodb/table.go: name, hash_key, range_key, local_secondary_index (the whole set) and
    # restore_date_time / restore_to_latest_time are ForceNew. restore_source_name and
    # restore_source_table_arn force new only when changed to another non-empty value
    # (customdiff.ForceNewIfChange); every table of this program ignores all four anyway. A change
    # of inline GSIs, replicas, attributes, TTL, encryption, PITR, billing or stream updates in place.
    TABLE: ("name", "hashKey", "rangeKey", "localSecondaryIndexes", "restoreDateTime", "restoreToLatestTime",
            *REGION),
    # dynamodb/global_secondary_index.go: RequiresReplace on table_name, index_name, key_schema
    # and projection; throughput updates in place.
    INDEX: ("tableName", "indexName", "keySchemas", "projection", *REGION),
    # dynamodb/table_replica.go: global_table_arn, kms_key_arn, table_class_override.
    REPLICA: ("globalTableArn", "kmsKeyArn", "tableClassOverride", *REGION),
    # dynamodb/table_item.go: table_name, hash_key, range_key; `item` updates in place (UpdateItem).
    "aws:dynamodb/tableItem:TableItem": ("tableName", "hashKey", "rangeKey", *REGION),
    # dynamodb/contributor_insights.go
    "aws:dynamodb/contributorInsights:ContributorInsights": ("tableName", "indexName", *REGION),
    # kms/key.go, kms/alias.go
    "aws:kms/key:Key": ("customKeyStoreId", "customerMasterKeySpec", "keyUsage", "multiRegion", "xksKeyId", *REGION),
    "aws:kms/alias:Alias": ("name", "namePrefix", *REGION),
    # backup/vault.go, backup/plan.go, backup/selection.go (no Update: every argument is ForceNew),
    # backup/region_settings.go
    "aws:backup/vault:Vault": ("name", "kmsKeyArn", *REGION),
    "aws:backup/plan:Plan": ("name", *REGION),
    "aws:backup/selection:Selection": ("name", "planId", "iamRoleArn", "resources", "notResources", "conditions",
                                       "selectionTags", *REGION),
    "aws:backup/regionSettings:RegionSettings": REGION,
    # appautoscaling/target.go, appautoscaling/policy.go
    "aws:appautoscaling/target:Target": ("resourceId", "scalableDimension", "serviceNamespace", *REGION),
    "aws:appautoscaling/policy:Policy": ("name", "resourceId", "scalableDimension", "serviceNamespace", *REGION),
    # cloudwatch/metric_alarm.go (alarm_name, `name` in Pulumi), cloudwatch/dashboard.go
    "aws:cloudwatch/metricAlarm:MetricAlarm": ("name", *REGION),
    "aws:cloudwatch/dashboard:Dashboard": ("dashboardName", *REGION),
    # sns/topic.go, sns/topic_subscription.go (topic_arn is `topic` in Pulumi)
    "aws:sns/topic:Topic": ("name", "namePrefix", "fifoTopic", *REGION),
    "aws:sns/topicSubscription:TopicSubscription": ("topic", "protocol", "endpoint", *REGION),
    # dax/cluster.go, dax/subnet_group.go, dax/parameter_group.go
    "aws:dax/cluster:Cluster": ("clusterName", "iamRoleArn", "nodeType", "availabilityZones",
                                "clusterEndpointEncryptionType", "serverSideEncryption.enabled", "subnetGroupName",
                                *REGION),
    "aws:dax/subnetGroup:SubnetGroup": ("name", *REGION),
    "aws:dax/parameterGroup:ParameterGroup": ("name", "description", *REGION),
    # iam/role.go, iam/role_policy.go, iam/role_policy_attachment.go: IAM is global, no `region`
    "aws:iam/rolePolicy:RolePolicy": ("name", "namePrefix", "role"),
    "aws:iam/policy:Policy": ("name", "namePrefix", "path", "description"),
    "aws:iam/role:Role": ("name", "namePrefix", "path"),
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment": ("role", "policyArn"),
    # ec2/vpc_endpoint.go, ec2/vpc_endpoint_policy.go
    "aws:ec2/vpcEndpoint:VpcEndpoint": ("vpcId", "serviceName", "vpcEndpointType", *REGION),
    "aws:ec2/vpcEndpointPolicy:VpcEndpointPolicy": ("vpcEndpointId", *REGION),
}

# Blocks the provider keeps as sets (schema.TypeSet): their order means nothing.
SET_INPUTS: frozenset[tuple[str, str]] = frozenset({
    (TABLE, "attributes"), (TABLE, "globalSecondaryIndexes"), (TABLE, "localSecondaryIndexes"),
    (TABLE, "replicas"),
    ("aws:backup/selection:Selection", "resources"), ("aws:backup/plan:Plan", "rules"),
    ("aws:cloudwatch/metricAlarm:MetricAlarm", "alarmActions"), ("aws:cloudwatch/metricAlarm:MetricAlarm", "okActions"),
    ("aws:cloudwatch/metricAlarm:MetricAlarm", "metricQueries"),
    ("aws:ec2/vpcEndpoint:VpcEndpoint", "routeTableIds"),
})
