"""`dax`: a DynamoDB Accelerator cluster in front of some of the stack's tables.

The cluster is encrypted at rest and serves TLS only; both are fixed when a cluster is created, so
they are not settings. Sources: the DAX API reference (CreateCluster, CreateSubnetGroup,
UpdateParameterGroup) and the DynamoDB developer guide's DAX chapters; the limits, each with its
source, are in `limits`."""

import re
from typing import Annotated, Optional

from pydantic import AfterValidator, Field

from ..errors import SECRET_PLACEHOLDER, Problem, invalid, key_path
from .base import ConfigModel, NotSecret, Whole, follows, listed_twice, matching, rule
from .compliance import tier_of
from .limits import (DAX_CLUSTER_NAME, DAX_DEFAULT_TTL_MILLIS, DAX_FAULT_TOLERANT_NODES, DAX_NODE_TYPES,
                     DAX_UNENCRYPTABLE_FAMILIES, DAX_REPLICATION_FACTOR, MAX_DAX_SUBNETS)
from .monitoring import Count, Percent

# EC2 user guide, "Resource IDs": a prefix and 8 (before 2016) or 17 hexadecimal characters. The
# EC2 model carries no pattern for these ids.
SUBNET_ID = re.compile(r"subnet-([0-9a-f]{8}|[0-9a-f]{17})")
SECURITY_GROUP_ID = re.compile(r"sg-([0-9a-f]{8}|[0-9a-f]{17})")
NODE_TYPE = re.compile(r"dax\.(?P<family>[a-z][a-z0-9]*)\.(?P<size>[a-z0-9]+)")


ENCRYPTABLE_FAMILIES = [family for family in DAX_NODE_TYPES if family not in DAX_UNENCRYPTABLE_FAMILIES]


def _known_node_type(value: str) -> str:
    found = NODE_TYPE.fullmatch(value)
    if found is None:  # a secret synth cannot read: checked when `pulumi up` has its value
        return value
    sizes = DAX_NODE_TYPES.get(found["family"])
    if sizes is None:
        raise invalid(reason=f"{value!r} is not a DAX node type: DAX has no family {found['family']!r}",
                      fix=f"use a family of {', '.join(ENCRYPTABLE_FAMILIES)}, e.g. dax.r5.large (the README says "
                          "where the list comes from)")
    family = f"dax.{found['family']}"
    if found["family"] in DAX_UNENCRYPTABLE_FAMILIES:
        raise invalid(reason=f"{family} nodes cannot be encrypted at rest, and every DAX cluster here is",
                      fix=f"use dax.r5.{found['size'] if found['size'] in DAX_NODE_TYPES['r5'] else 'large'}")
    if found["size"] not in sizes:
        raise invalid(reason=f"{value!r} is not a DAX node type: {family} has no size {found['size']!r}",
                      fix=f"use one of {', '.join(f'{family}.{size}' for size in sizes)}")
    return value


NodeType = Annotated[str, matching(NODE_TYPE, "a DAX node type", "write dax.<family>.<size>, e.g. dax.r5.large"),
                     AfterValidator(_known_node_type)]
SubnetId = Annotated[str, matching(SUBNET_ID, "a subnet id", "use the form subnet-0123456789abcdef0")]
SecurityGroupId = Annotated[str, matching(SECURITY_GROUP_ID, "a security group id",
                                          "use the form sg-0123456789abcdef0")]
ClusterName = Annotated[str, NotSecret, follows(DAX_CLUSTER_NAME)]
Millis = Annotated[Whole, Field(ge=0)]


class DaxParameterGroup(ConfigModel):
    """The cluster's parameter group: the only two parameters DAX has (UpdateParameterGroup:
    "record-ttl-millis and query-ttl-millis are the only supported parameter names")."""

    query_ttl_millis: Millis = Field(DAX_DEFAULT_TTL_MILLIS, description="how long a Query or Scan result stays "
                                     "cached (`query-ttl-millis`); 0 caches none; AWS's default")
    record_ttl_millis: Millis = Field(DAX_DEFAULT_TTL_MILLIS, description="how long an item stays in the item cache "
                                      "(`record-ttl-millis`); 0 keeps items until evicted or written through; AWS's "
                                      "default")


class DaxThresholds(ConfigModel):
    """The cluster's alarm thresholds. AWS gives one (a fault, in its alarm example); the others are
    this program's defaults."""

    fault_requests: Count = Field(0, description="requests failing with an internal error per minute "
                                                 "(FaultRequestCount; AWS's example alarm)")
    throttled_requests: Count = Field(0, description="requests the nodes throttle per minute (ThrottledRequestCount)")
    cpu_utilization_percent: Percent = Field(80, description="CPU of the busiest node (CPUUtilization)")
    cache_memory_utilization_percent: Percent = Field(
        90, description="cache memory of the fullest node (CacheMemoryUtilization; at 100 DAX throttles writes) "
                        "(enhanced)")
    error_requests: Count = Field(10, description="requests failing with a user error per minute, throttles "
                                                  "included (ErrorRequestCount) (enhanced)")


class Dax(ConfigModel):
    """One DAX cluster of the stack: its nodes, network, caches and alarms."""

    tables: list[Annotated[str, NotSecret]] = Field(
        min_length=1, description="keys under `tables` the cluster reads and writes (its role grants exactly these "
                                  "and their indexes)")
    node_type: NodeType = Field(description="`dax.<family>.<size>`, e.g. `dax.r5.large`; a new node type means a new "
                                            "cluster")
    replication_factor: Annotated[Whole, Field(ge=DAX_REPLICATION_FACTOR[0], le=DAX_REPLICATION_FACTOR[1])] = Field(
        DAX_FAULT_TOLERANT_NODES, description="nodes: one primary and read replicas; at least "
                                              f"{DAX_FAULT_TOLERANT_NODES} in prod and the fedramp tiers")
    subnet_ids: list[SubnetId] = Field(min_length=1, max_length=MAX_DAX_SUBNETS,
                                       description="distinct `subnet-` ids of one VPC, in the Availability Zones the "
                                                   "nodes go to")
    security_group_ids: list[SecurityGroupId] = Field(
        min_length=1, description="distinct `sg-` ids; clients reach the TLS endpoint on port 9111")
    parameter_group: DaxParameterGroup = Field(DaxParameterGroup(), description="the caches' TTLs")
    cluster_name: Optional[ClusterName] = Field(
        None, description="default: `{project}-{environment}` in lowercase; 1-20 of a-z, 0-9 and '-', starting with "
                          "a letter")
    alarms: DaxThresholds = Field(DaxThresholds(), description="the cluster's alarm thresholds")

    @rule("tables")
    def _each_table_once(self, context):
        yield from listed_twice("tables", self.tables)

    @rule("subnet_ids")
    def _each_subnet_once(self, context):
        yield from listed_twice("subnetIds", self.subnet_ids)

    @rule("security_group_ids")
    def _each_security_group_once(self, context):
        yield from listed_twice("securityGroupIds", self.security_group_ids)

    @rule("replication_factor", "subnet_ids")
    def _fault_tolerant_where_required(self, context):
        tier = tier_of(context)
        required_by = " and ".join([*(["prod"] if context.get("prod") else []),
                                    *([f"compliance {tier.name}"] if tier.protected else [])])
        if not required_by:
            return
        if self.replication_factor < DAX_FAULT_TOLERANT_NODES:
            nodes = f"{self.replication_factor} node{'s' if self.replication_factor != 1 else ''}"
            yield Problem(("replicationFactor",), f"a cluster of {nodes} is not fault-tolerant, which {required_by} "
                          f"requires (AWS recommends at least {DAX_FAULT_TOLERANT_NODES} nodes for production)",
                          f"set replicationFactor to {DAX_FAULT_TOLERANT_NODES} or more (or remove it: "
                          f"{DAX_FAULT_TOLERANT_NODES} is the default)")
        warnings = context.get("warnings")
        spread = len(self.subnet_ids)  # distinct, or refused: `_each_subnet_once`
        if spread < DAX_FAULT_TOLERANT_NODES and SECRET_PLACEHOLDER not in self.subnet_ids and warnings is not None:
            warnings.append(f"{key_path(('dax', 'subnetIds'))}: DAX puts nodes only in the Availability Zones of "
                            f"its subnets, and {spread} subnet(s) span at most {spread}: name subnets in "
                            f"{DAX_FAULT_TOLERANT_NODES} Availability Zones for a fault-tolerant cluster")



def dax_table_problems(dax: Dax, tables: dict) -> list[Problem]:
    """The tables `dax` caches must be the stack's."""
    fix = f"use one of: {', '.join(sorted(tables))}"
    return [Problem(("dax", "tables", number), f"no table {key!r} under tables", fix)
            for number, key in enumerate(dax.tables) if key not in tables]
