"""DynamoDB's IAM actions, grouped by what they act on. Source: Service Authorization Reference,
"Actions, resources, and condition keys for Amazon DynamoDB" (actions marked "permission only",
which no API call through a VPC endpoint makes, are left out)."""

# What applications do with items: reads, writes, and the PartiQL forms of both.
DATA = (
    "dynamodb:BatchGetItem", "dynamodb:BatchWriteItem", "dynamodb:ConditionCheckItem", "dynamodb:DeleteItem",
    "dynamodb:DescribeTable", "dynamodb:GetItem", "dynamodb:PartiQLDelete", "dynamodb:PartiQLInsert",
    "dynamodb:PartiQLSelect", "dynamodb:PartiQLUpdate", "dynamodb:PutItem", "dynamodb:Query", "dynamodb:Scan",
    "dynamodb:UpdateItem",
)
# Every action on the `table` resource type (and on a table's backups, exports and imports, whose
# ARNs sit under the table's).
TABLE = tuple(sorted({
    *DATA, "dynamodb:CreateBackup", "dynamodb:CreateGlobalTable", "dynamodb:CreateTable",
    "dynamodb:DeleteBackup", "dynamodb:DeleteResourcePolicy", "dynamodb:DeleteTable", "dynamodb:DescribeBackup",
    "dynamodb:DescribeContinuousBackups", "dynamodb:DescribeContributorInsights", "dynamodb:DescribeExport",
    "dynamodb:DescribeImport", "dynamodb:DescribeKinesisStreamingDestination",
    "dynamodb:DescribeTableReplicaAutoScaling", "dynamodb:DescribeTimeToLive",
    "dynamodb:DisableKinesisStreamingDestination", "dynamodb:EnableKinesisStreamingDestination",
    "dynamodb:ExportTableToPointInTime", "dynamodb:GetResourcePolicy", "dynamodb:ImportTable",
    "dynamodb:ListTagsOfResource", "dynamodb:PutResourcePolicy", "dynamodb:RestoreTableFromBackup",
    "dynamodb:RestoreTableToPointInTime", "dynamodb:TagResource", "dynamodb:UntagResource",
    "dynamodb:UpdateContinuousBackups", "dynamodb:UpdateContributorInsights", "dynamodb:UpdateGlobalTable",
    "dynamodb:UpdateGlobalTableSettings", "dynamodb:UpdateKinesisStreamingDestination", "dynamodb:UpdateTable",
    "dynamodb:UpdateTableReplicaAutoScaling", "dynamodb:UpdateTimeToLive",
}))
# Account-wide list and describe calls: they have no resource type, so only `"Resource": "*"`
# matches them. (ListStreams is left out: streams do not go through a gateway endpoint.)
ACCOUNT_LIST_AND_DESCRIBE = (
    "dynamodb:DescribeEndpoints", "dynamodb:DescribeLimits", "dynamodb:ListBackups",
    "dynamodb:ListContributorInsights", "dynamodb:ListExports", "dynamodb:ListGlobalTables", "dynamodb:ListImports",
    "dynamodb:ListTables",
)
# Lists the account's streams: no resource type either. Streams do not go through a gateway
# endpoint, so only the `streamRead` access level grants it.
LIST_STREAMS = "dynamodb:ListStreams"
ACCOUNT_WIDE = (*ACCOUNT_LIST_AND_DESCRIBE, LIST_STREAMS)
