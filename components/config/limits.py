"""The AWS rules this program checks before anything is deployed, each with its source.

Where botocore's service models carry a rule (min, max, pattern of a request field), the value
here is that rule, and `tests/test_aws_limits.py` checks it against the pinned botocore. Where
they carry none (SNS topic and dashboard names, service quotas), the service's documentation is
named.
"""

import re
from dataclasses import dataclass

from pulumi_aws import Region


@dataclass(frozen=True)
class NameRule:
    """What a derived or configured name must satisfy."""

    what: str
    pattern: re.Pattern
    max_length: int
    min_length: int = 1
    allowed: str = ""  # the characters, in words, for messages

    def problem(self, name: str) -> str:
        """Why `name` breaks this rule, or "" when it does not."""
        if not self.min_length <= len(name) <= self.max_length:
            return f"{self.what} {name!r} has {len(name)} characters; AWS allows {self.min_length}-{self.max_length}"
        if not self.pattern.fullmatch(name):
            return f"{self.what} {name!r} has characters AWS refuses; allowed are {self.allowed}"
        return ""


# botocore dynamodb/2012-08-10 shapes TableName and IndexName.
TABLE_NAME = NameRule("table name", re.compile(r"[a-zA-Z0-9_.-]+"), 255, 3, "a-z, A-Z, 0-9, '_', '-', '.'")
INDEX_NAME = NameRule("index name", re.compile(r"[a-zA-Z0-9_.-]+"), 255, 3, "a-z, A-Z, 0-9, '_', '-', '.'")
# botocore dynamodb KeySchemaAttributeName.
ATTRIBUTE_NAME_MAX = 255
# botocore monitoring/2010-08-01 AlarmName (no pattern) and AlarmDescription.
ALARM_NAME = NameRule("alarm name", re.compile(r"[^\x00-\x1f\x7f]+"), 255, 1, "any characters but control characters")
ALARM_DESCRIPTION_MAX = 1024
# CloudWatch PutDashboard API reference, DashboardName: "can contain only alphanumerics, dash (-),
# and underscore (_)"; botocore carries no pattern. Dashboards are global to the account.
DASHBOARD_NAME = NameRule("dashboard name", re.compile(r"[A-Za-z0-9_-]+"), 255, 1, "A-Z, a-z, 0-9, '-', '_'")
# botocore application-autoscaling/2016-02-06 PolicyName (pattern \p{Print}+) and ResourceIdMaxLen1600.
SCALING_POLICY_NAME = NameRule("scaling policy name", re.compile(r"[\x20-\x7e]+"), 256, 1,
                               "printable ASCII characters (space to ~)")
SCALING_RESOURCE_ID_MAX = 1600
# SNS CreateTopic API reference, Name: "up to 256 characters... uppercase and lowercase ASCII
# letters, numbers, underscores, and hyphens" (".fifo" only for FIFO topics); botocore has no pattern.
TOPIC_NAME = NameRule("SNS topic name", re.compile(r"[A-Za-z0-9_-]+"), 256, 1, "A-Z, a-z, 0-9, '-', '_'")
# botocore kms/2014-11-01 AliasNameType: 1-256, ^[a-zA-Z0-9:/_-]+$; the KMS developer guide adds
# that it begins with `alias/` and that `alias/aws/` is reserved for AWS managed keys.
KMS_ALIAS = NameRule("KMS alias", re.compile(r"alias/(?!aws/)[a-zA-Z0-9/_-]+"), 256, 1,
                     "'alias/' then a-z, A-Z, 0-9, '/', '_', '-' (not 'alias/aws/')")

# Names this program builds from `project` and `environment` reach topics, aliases and dashboards,
# so those two are limited to what all of them accept.
NAME_PART = re.compile(r"[a-zA-Z0-9_-]+")

# DynamoDB developer guide, "Service, account, and table quotas": secondary indexes per table,
# attributes projected with INCLUDE (20 per index: botocore NonKeyAttributeNameList max; 100 summed
# across the table's indexes, an attribute in two indexes counting twice).
MAX_GSIS = 20
MAX_LSIS = 5
MAX_KEY_ATTRIBUTES_PER_SIDE = 4  # multi-attribute GSI keys: up to 4 HASH and 4 RANGE attributes
MAX_INCLUDE_PER_INDEX = 20
MAX_INCLUDE_PER_TABLE = 100
# Integer widths of the API fields numbers reach: botocore types DynamoDB's capacity and request
# units as `long` (PositiveLongObject, LongObject) and Application Auto Scaling's capacities and
# cooldowns as `integer` (ResourceCapacity, Cooldown): Java's 64- and 32-bit integers.
LONG_MAX = 2**63 - 1
INTEGER_MAX = 2**31 - 1
# botocore dynamodb PointInTimeRecoverySpecification.RecoveryPeriodInDays.
RECOVERY_PERIOD_DAYS = (1, 35)
# Application Auto Scaling target tracking for DynamoDB: target value 20-90 percent (DynamoDB
# developer guide, "Managing throughput capacity automatically with DynamoDB auto scaling").
TARGET_UTILIZATION = (20, 90)

# CloudWatch user guide, "Create alarms on Metrics Insights queries" (limits): a default of 200
# alarms on Metrics Insights queries per account and region; each table's SystemErrors alarm is one.
MAX_METRICS_INSIGHTS_ALARMS = 200

# Tagging: botocore dynamodb TagKeyString (1-128) and TagValueString (0-256); at most 50 tags
# per resource and the `aws:` prefix reserved (DynamoDB developer guide, "Tagging restrictions").
TAG_KEY_MAX = 128
TAG_VALUE_MAX = 256
MAX_TAGS = 50
RESERVED_TAG_PREFIX = "aws:"
# Allowed tag characters: letters, numbers, spaces, and + - = . _ : / (DynamoDB developer guide,
# "Tagging restrictions in DynamoDB"; stricter than the general rule, which adds @, and than
# botocore's models, whose tag patterns accept any text).
TAG_TEXT = re.compile(r"[A-Za-z0-9_ +\-=._:/]*")

ACCOUNT_ID = re.compile(r"[0-9]{12}")

# botocore partitions.json: each partition's `regionRegex` (the ARN partition is its id). The ISO
# partitions come first: their prefixes overlap the commercial partition's.
PARTITIONS = (
    ("aws-iso", re.compile(r"us-iso-\w+-\d+", re.ASCII)),
    ("aws-iso-b", re.compile(r"us-isob-\w+-\d+", re.ASCII)),
    ("aws-iso-e", re.compile(r"eu-isoe-\w+-\d+", re.ASCII)),
    ("aws-iso-f", re.compile(r"us-isof-\w+-\d+", re.ASCII)),
    ("aws-us-gov", re.compile(r"us-gov-\w+-\d+", re.ASCII)),
    ("aws-cn", re.compile(r"cn-\w+-\d+", re.ASCII)),
    ("aws-eusc", re.compile(r"eusc-(de)-\w+-\d+", re.ASCII)),
    ("aws", re.compile(r"(us|eu|ap|sa|ca|me|af|il|mx)-\w+-\d+", re.ASCII)),
)


def partition_of(region: str) -> str:
    return next((name for name, pattern in PARTITIONS if pattern.fullmatch(region)), "aws")


# The regions the provider knows (pulumi_aws's Region enum, equal to botocore's endpoints.json).
KNOWN_REGIONS = sorted(region.value for region in Region)

# ARN of a DynamoDB table (Service Authorization Reference, "Resource types defined by Amazon
# DynamoDB": arn:${Partition}:dynamodb:${Region}:${Account}:table/${TableName}).
DYNAMODB_TABLE_ARN = re.compile(r"arn:(?P<partition>aws[a-z-]*):dynamodb:(?P<region>[a-z0-9-]+):[0-9]{12}:table/"
                                r"(?P<table>[a-zA-Z0-9_.-]{3,255})")
# ARN of a KMS key (AWS KMS developer guide, "Key identifiers": key ARN), with its partition and region.
KMS_KEY_ARN = re.compile(r"arn:(?P<partition>aws[a-z-]*):kms:(?P<region>[a-z0-9-]+):[0-9]{12}:key/[a-zA-Z0-9-]+")

# AWS Backup (botocore backup model): BackupVaultName ^[a-zA-Z0-9\-\_]{2,50}$; a plan's and a
# selection's name 1-50 of [a-zA-Z0-9-_.] (BackupPlanInput.BackupPlanName, BackupSelectionName);
# at most 500 resource ARNs in a selection without wildcards (BackupSelection.Resources).
BACKUP_VAULT_NAME = NameRule("backup vault name", re.compile(r"[a-zA-Z0-9\-_]+"), 50, 2, "a-z, A-Z, 0-9, '-', '_'")
BACKUP_PLAN_NAME = NameRule("backup plan name", re.compile(r"[a-zA-Z0-9\-_.]+"), 50, 1, "a-z, A-Z, 0-9, '-', '_', '.'")
BACKUP_SELECTION_NAME = NameRule("backup selection name", re.compile(r"[a-zA-Z0-9\-_.]+"), 50, 1,
                                 "a-z, A-Z, 0-9, '-', '_', '.'")
MAX_BACKUP_SELECTION_RESOURCES = 500
# IAM user guide, "IAM and AWS STS quotas": role names of 1-64 of letters, digits and +=,.@_-.
IAM_ROLE_NAME = NameRule("IAM role name", re.compile(r"[A-Za-z0-9_+=,.@-]+"), 64, 1, "letters, digits, '+=,.@_-'")
# botocore iam CreatePolicy PolicyName (policyNameType): `[\w+=,.@-]+`, 1-128. IAM names are
# unique per account, across stacks: the stack's prefix keeps them apart.
IAM_POLICY_NAME = NameRule("IAM policy name", re.compile(r"[A-Za-z0-9_+=,.@-]+"), 128, 1, "letters, digits, '+=,.@_-'")
# IAM quotas: a managed policy's document has at most 6,144 characters, white space not counted
# (IAM user guide, "IAM and AWS STS quotas").
MAX_MANAGED_POLICY_CHARACTERS = 6144

# DAX. botocore dax/2017-04-19 carries no pattern or bound for these: the rules are the API
# reference's words (CreateCluster). ClusterName: "1 to 20 alphanumeric characters or hyphens. The
# first character must be a letter. A name cannot end with a hyphen or contain two consecutive
# hyphens"; DAX stores it in lowercase, and terraform-provider-aws (dax/cluster.go, which
# pulumi-aws wraps) takes only lowercase.
DAX_CLUSTER_NAME = NameRule("DAX cluster name", re.compile(r"[a-z](-?[a-z0-9])*"), 20, 1,
                            "a-z, 0-9 and '-', starting with a letter, without '--' or a trailing '-'")
# ReplicationFactor: "1 will create a single-node cluster ... between 3 (one primary and two read
# replicas) and 10 (one primary and nine read replicas)". The developer guide ("DAX cluster
# components") allows 11 nodes; the API reference's 10 is the bound the API documents for this field.
DAX_REPLICATION_FACTOR = (1, 10)
# DynamoDB developer guide, "DAX cluster components": "For production usage, we strongly recommend
# using DAX with at least three nodes, where each node is placed in different Availability Zones.
# Three nodes are required for a DAX cluster to be fault-tolerant."
DAX_FAULT_TOLERANT_NODES = 3
# NodeType is free text in the API, whose docs point to the DynamoDB pricing page for the list. The
# list here is the AWS CloudFormation resource specification's allowed values of AWS::DAX::Cluster
# NodeType (us-east-1; as generated into cue-sh/cfn-cue, aws/useast1/DAX.cue), agreeing with the
# developer guide's "Sizing your DAX cluster" (dax.r5.large to 24xlarge) and "Burstable
# performance instances" (T2 and T3 small and medium). Family -> sizes.
DAX_NODE_TYPES = {
    "r3": ("large", "xlarge", "2xlarge", "4xlarge", "8xlarge"),
    "r4": ("large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "16xlarge"),
    "r5": ("large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge", "24xlarge"),
    "t2": ("small", "medium"),
    "t3": ("small", "medium"),
}
# Developer guide, "DAX encryption at rest": not supported on dax.r3 nodes; every cluster this
# program builds is encrypted at rest, so r3 is refused.
DAX_UNENCRYPTABLE_FAMILIES = ("r3",)
# DynamoDB developer guide, "Quotas in Amazon DynamoDB" (DAX): up to 20 subnets per subnet group.
MAX_DAX_SUBNETS = 20
# Developer guide, "Managing DAX clusters" (Configuring TTL settings): the item and query caches keep
# entries 5 minutes by default (AWS's default parameter group); no maximum is documented.
DAX_DEFAULT_TTL_MILLIS = 300000
# The regions whose `dax` endpoint botocore's endpoints.json lists (botocore 1.44.5; the AWS General
# Reference, "DynamoDB Accelerator endpoints", is the authority): every commercial region but
# me-central-1 and me-south-1, both China regions, both GovCloud regions, no ISO or EUSC region.
DAX_REGIONS = (
    "af-south-1", "ap-east-1", "ap-east-2", "ap-northeast-1", "ap-northeast-2", "ap-northeast-3", "ap-south-1",
    "ap-south-2", "ap-southeast-1", "ap-southeast-2", "ap-southeast-3", "ap-southeast-4", "ap-southeast-5",
    "ap-southeast-6", "ap-southeast-7", "ca-central-1", "ca-west-1", "cn-north-1", "cn-northwest-1",
    "eu-central-1", "eu-central-2", "eu-north-1", "eu-south-1", "eu-south-2", "eu-west-1", "eu-west-2", "eu-west-3",
    "il-central-1", "mx-central-1", "sa-east-1", "us-east-1", "us-east-2", "us-gov-east-1", "us-gov-west-1",
    "us-west-1", "us-west-2",
)
# IAM quotas: a role's inline policies hold at most 10,240 characters together, white space not
# counted (IAM user guide, "IAM and AWS STS quotas": role policy size).
MAX_ROLE_POLICY_CHARACTERS = 10240
