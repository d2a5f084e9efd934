"""`replicas` of a table: the regions of its global table (DynamoDB global tables, version
2019.11.21), each with its own key, PITR and deletion protection.

AWS's requirements (DynamoDB developer guide, "Global tables: how it works" and "Best practices
and requirements for managing global tables"): the table streams NEW_AND_OLD_IMAGES; it is on
demand, or PROVISIONED with write auto-scaling, whose settings DynamoDB copies to every replica;
a customer-managed key needs a key in each replica's region ("KMSMasterKeyId must be specified for
each replica"); a replica's region differs from the table's.
"""

from collections import Counter
from typing import Annotated, Iterator, Optional, Union

from pydantic import Field, Tag

from ..errors import Problem
from .base import ConfigModel, RegionName, arn_in_stack, matching, stack_region
from .capacity import object_or
from .limits import KMS_KEY_ARN, partition_of

KeyArn = Annotated[str, matching(KMS_KEY_ARN, "a KMS key ARN", "use the form arn:aws:kms:<region>:<account>:key/<key-id>"),
                   arn_in_stack(KMS_KEY_ARN, "KMS key", same_region=False)]


class Replica(ConfigModel):
    region: RegionName = Field(description="a region other than the stack's")
    kms_key_arn: Optional[KeyArn] = Field(
        None, description="a key of that region, for a table with a customer-managed key; default: the stack's key "
                          "there (CUSTOMER_MANAGED)")
    point_in_time_recovery: Optional[bool] = Field(None, description="default: as the table")


ReplicaSetting = Annotated[
    Union[Annotated[RegionName, Tag("as name")], Annotated[Replica, Tag("as object")]],
    object_or("as name"),
]


def as_replicas(settings: list) -> list[Replica]:
    """Every replica as an object (a bare region is a replica with the defaults)."""
    return [setting if isinstance(setting, Replica) else Replica(region=setting) for setting in settings]


def replica_problems(replicas: list[Replica], context) -> Iterator[Problem]:
    """Problems of the list that no single replica shows: the stack's own region, a region twice,
    a key of another region."""
    own = stack_region(context)
    counts = Counter(replica.region for replica in replicas)
    for number, replica in enumerate(replicas):
        path = ("replicas", number)
        if replica.region == own:
            yield Problem(path, f"{own} is the table's own region, not a replica's",
                          "remove it: the table in the stack's region is already one copy")
        # A partition's credentials, endpoints and ARNs reach none of another's (botocore
        # partitions.json; aws-cn and aws-us-gov are separate accounts altogether).
        elif own and partition_of(replica.region) != partition_of(own):
            yield Problem(path, f"{replica.region} is in partition {partition_of(replica.region)}, the table in "
                          f"{partition_of(own)}; a global table stays within its partition",
                          f"use a region of {partition_of(own)}")
        elif counts[replica.region] > 1:
            yield Problem(path, f"{replica.region} is listed {counts[replica.region]} times",
                          "list each replica region once")
        found = KMS_KEY_ARN.fullmatch(replica.kms_key_arn or "")
        if found and found["region"] != replica.region:
            yield Problem((*path, "kmsKeyArn"), f"the key is in {found['region']}, the replica in {replica.region}; "
                          "a replica is encrypted only with a key of its own region", f"use a key of {replica.region}")
