"""Which input changes make the provider replace a resource, and which inputs it holds as sets.

Read from the provider's source (terraform-provider-aws, which pulumi-aws 7.51 wraps): a
`ForceNew: true` schema attribute, a `RequiresReplace` plan modifier, or a CustomizeDiff that
calls `ForceNew`. Inputs in Pulumi's wire names; `parent.child` for an attribute inside a block.
"""

TABLE = "aws:dynamodb/table:Table"
INDEX = "aws:dynamodb/globalSecondaryIndex:GlobalSecondaryIndex"
REPLICA = "aws:dynamodb/tableReplica:TableReplica"

REPLACED_WHEN: dict[str, tuple[str, ...]] = {
    # internal/service/dynamodb/table.go: `name`, `hash_key`, `range_key`, `local_secondary_index`
    # and the restore_* attributes are ForceNew.
    TABLE: ("name", "hashKey", "rangeKey", "localSecondaryIndexes", "restoreDateTime", "restoreSourceName",
            "restoreSourceTableArn", "restoreToLatestTime"),
    INDEX: ("tableName", "indexName", "keySchemas"),
    REPLICA: ("globalTableArn", "region"),
    "aws:dynamodb/contributorInsights:ContributorInsights": ("tableName", "indexName"),
    "aws:kms/key:Key": ("customerMasterKeySpec", "keyUsage", "multiRegion", "customKeyStoreId", "xksKeyId"),
    "aws:kms/alias:Alias": ("name", "namePrefix"),
    "aws:backup/vault:Vault": ("name", "kmsKeyArn", "region"),
    "aws:backup/plan:Plan": ("region",),
    "aws:backup/selection:Selection": ("name", "planId", "iamRoleArn", "resources", "notResources", "conditions",
                                       "selectionTags"),
    "aws:appautoscaling/target:Target": ("resourceId", "scalableDimension", "serviceNamespace"),
    "aws:appautoscaling/policy:Policy": ("name", "resourceId", "scalableDimension", "serviceNamespace"),
    "aws:cloudwatch/metricAlarm:MetricAlarm": ("name",),
    "aws:cloudwatch/dashboard:Dashboard": ("dashboardName",),
    "aws:sns/topic:Topic": ("name", "namePrefix", "fifoTopic"),
    "aws:sns/topicSubscription:TopicSubscription": ("topic", "protocol", "endpoint"),
    "aws:iam/role:Role": ("name", "namePrefix"),
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment": ("role", "policyArn"),
    "aws:ec2/vpcEndpoint:VpcEndpoint": ("vpcId", "serviceName", "vpcEndpointType"),
    "aws:ec2/vpcEndpointPolicy:VpcEndpointPolicy": ("vpcEndpointId",),
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
