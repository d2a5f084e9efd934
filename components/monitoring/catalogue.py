"""What is watched at each level: AWS's recommended alarms for DynamoDB (CloudWatch user guide,
"Best practice alarm recommendations for AWS services", DynamoDB), and the DAX cluster's alarms
(DynamoDB developer guide, "Monitoring DAX" and "Creating CloudWatch alarms to monitor DAX"), as
plain data.

The alarm builder creates these; the config check reads the same list to prove every alarm name
is unique and fits before anything is deployed.
"""

from dataclasses import dataclass
from typing import Union

import pulumi

from .metrics import (DIMENSIONS, KEY_OPERATIONS, Metric, Watched, account_capacity_utilization,
                      conditional_check_failures, consumed_capacity, dax_cache_memory_utilization, dax_cpu_utilization,
                      dax_requests, provisioned_capacity, replication_latency, request_latency, system_errors,
                      throttle_events, ttl_deletions, user_errors)

LEVELS = ("basic", "enhanced", "comprehensive")  # each watches all the one before it does


def watches(level: str, at_least: str) -> bool:
    return LEVELS.index(level) >= LEVELS.index(at_least)


@dataclass(frozen=True)
class Judgement:
    """How long a metric must breach, and what missing data means for it."""

    datapoints: int
    treat_missing_data: str


# Throttles and errors are only published when they happen: no data means none happened.
THROTTLING = Judgement(datapoints=5, treat_missing_data="notBreaching")
ERRORS = Judgement(datapoints=15, treat_missing_data="notBreaching")
# No requests, no latency to judge.
LATENCY = Judgement(datapoints=10, treat_missing_data="notBreaching")
CAPACITY = Judgement(datapoints=2, treat_missing_data="notBreaching")
# Published for every account with provisioned tables: a gap is worth keeping the state through.
ACCOUNT = Judgement(datapoints=2, treat_missing_data="missing")
# Client errors and failed conditions are published when they happen; ten minutes of them is a
# trend, not a blip (UserErrors: Sum over 60 s, 10 of 10, as AWS recommends).
CLIENT_ERRORS = Judgement(datapoints=10, treat_missing_data="notBreaching")
# Replication lag (Average over 60 s, 15 of 15, as AWS recommends); no writes, no lag to judge.
REPLICATION = Judgement(datapoints=15, treat_missing_data="notBreaching")
# TTL deletions in 5-minute sums: three in a row over the threshold is a mass expiry.
EXPIRY = Judgement(datapoints=3, treat_missing_data="notBreaching")
# A DAX fault: AWS's example alarm judges one 60-second sum ("Creating CloudWatch alarms to monitor
# DAX"). DAX publishes only non-zero values, so no data is no fault.
DAX_FAULTS = Judgement(datapoints=1, treat_missing_data="notBreaching")
# A node's CPU or cache memory: five minutes over is load, not a blip. Both are published while the
# cluster runs, so a gap keeps the alarm's state.
SATURATION = Judgement(datapoints=5, treat_missing_data="missing")


@dataclass(frozen=True)
class Utilization:
    """Consumed vs provisioned capacity, in percent: consumed units are a sum over the period,
    provisioned units a rate per second."""

    consumed: Metric
    provisioned: Metric
    expression = "100 * (consumed / PERIOD(consumed)) / provisioned"


@dataclass(frozen=True)
class AlarmSpec:
    key: str  # how the table component lists it, e.g. `readThrottles`, `EmailIndex.readThrottles`
    name: str
    description: str
    judgement: Judgement
    threshold: str  # the `alarms` threshold key it compares with, as a field name
    watched: Union[Watched, Utilization]


@dataclass(frozen=True)
class WatchedIndex:
    name: str
    table_name: pulumi.Input[str]  # the index's own outputs, so its alarms wait for it
    index_name: pulumi.Input[str]


@dataclass(frozen=True)
class WatchedTable:
    physical_name: str
    name: pulumi.Input[str]  # the table's deployed name, so its alarms wait for it
    indexes: tuple[WatchedIndex, ...]
    provisioned: bool
    expires_items: bool = False  # a TTL attribute
    replica_regions: tuple[str, ...] = ()


@dataclass(frozen=True)
class WatchedCluster:
    name: str  # as configured
    cluster_id: pulumi.Input[str]  # the deployed cluster's name, so its alarms wait for it


def cluster_alarms(cluster: WatchedCluster, level: str) -> list[AlarmSpec]:
    """A DAX cluster's alarms: at every level what AWS says to watch at the least ("Monitoring
    DAX": CPU utilization, throttled requests; error rates low), and from enhanced the cache's
    memory, whose exhaustion throttles writes, and user errors."""
    name, cluster_id = cluster.name, cluster.cluster_id
    specs = [
        AlarmSpec("faultRequests", f"{name}-dax-fault-requests", f"DAX cluster {name} fails requests with internal "
                  "errors", DAX_FAULTS, "fault_requests", dax_requests("Fault", cluster_id)),
        AlarmSpec("throttledRequests", f"{name}-dax-throttled-requests", f"DAX cluster {name} throttles requests: "
                  "its nodes are at capacity", THROTTLING, "throttled_requests", dax_requests("Throttled", cluster_id)),
        AlarmSpec("cpuUtilization", f"{name}-dax-cpu-utilization", f"A node of DAX cluster {name} is busy",
                  SATURATION, "cpu_utilization_percent", dax_cpu_utilization(cluster_id)),
    ]
    if watches(level, "enhanced"):
        specs += [
            AlarmSpec("cacheMemoryUtilization", f"{name}-dax-cache-memory-utilization",
                      f"The cache of a node of DAX cluster {name} is nearly full (at 100% DAX throttles writes)",
                      SATURATION, "cache_memory_utilization_percent", dax_cache_memory_utilization(cluster_id)),
            AlarmSpec("errorRequests", f"{name}-dax-error-requests", f"DAX cluster {name} answers requests with user "
                      "errors", CLIENT_ERRORS, "error_requests", dax_requests("Error", cluster_id)),
        ]
    return specs


def table_alarms(table: WatchedTable, level: str) -> list[AlarmSpec]:
    """The alarms of one table and its GSIs."""
    physical, name = table.physical_name, table.name
    specs = []
    for dimension in DIMENSIONS:
        field = dimension.lower()
        specs.append(AlarmSpec(
            f"{field}Throttles", f"{physical}-{field}-throttles",
            f"{dimension} requests to {physical} are being throttled",
            THROTTLING, f"{field}_throttle_events", throttle_events(dimension, name)))
        specs += [AlarmSpec(
            f"{index.name}.{field}Throttles", f"{physical}-{index.name}-{field}-throttles",
            f"{dimension} requests to index {index.name} of {physical} are being throttled",
            THROTTLING, f"{field}_throttle_events", throttle_events(dimension, index.table_name, index.index_name))
            for index in table.indexes]
    specs.append(AlarmSpec(
        "systemErrors", f"{physical}-system-errors",
        f"DynamoDB answers {physical}'s requests with server errors (all operations)",
        ERRORS, "system_errors", system_errors(name)))
    if not watches(level, "enhanced"):
        return specs
    specs += [AlarmSpec(
        f"{operation}Latency", f"{physical}-{operation}-latency", f"{operation} on {physical} is slower than usual",
        LATENCY, "latency_ms", request_latency(name, operation)) for operation in KEY_OPERATIONS]
    specs += [AlarmSpec(
        f"{region}.replicationLatency", f"{physical}-{region}-replication-latency",
        f"Writes to {physical} reach its replica in {region} late", REPLICATION, "replication_latency_ms",
        replication_latency(name, region)) for region in table.replica_regions]
    if table.provisioned:
        specs += [AlarmSpec(
            f"{dimension.lower()}Utilization", f"{physical}-{dimension.lower()}-capacity-utilization",
            f"{physical} consumes most of its provisioned {dimension.lower()} capacity",
            CAPACITY, "capacity_utilization_percent",
            Utilization(consumed_capacity(dimension, name), provisioned_capacity(dimension, name)))
            for dimension in DIMENSIONS]
    if not watches(level, "comprehensive"):
        return specs
    specs.append(AlarmSpec(
        "conditionalCheckFailures", f"{physical}-conditional-check-failures",
        f"Conditional writes to {physical} keep failing", CLIENT_ERRORS, "conditional_check_failures",
        conditional_check_failures(name)))
    if table.expires_items:
        specs.append(AlarmSpec(
            "ttlDeletions", f"{physical}-ttl-deletions", f"TTL deletes items of {physical} in bulk", EXPIRY,
            "ttl_deletions", ttl_deletions(name)))
    return specs


def account_alarms(prefix: str, level: str) -> list[AlarmSpec]:
    """Once per stack: the account's provisioned capacity against its quota (enhanced), and its
    client errors (comprehensive: UserErrors is only published for the whole account)."""
    specs = []
    if watches(level, "enhanced"):
        specs += [AlarmSpec(
            f"account{dimension}Utilization", f"{prefix}-account-{dimension.lower()}-capacity-utilization",
            f"The account's provisioned {dimension.lower()} capacity nears its quota",
            ACCOUNT, "account_capacity_utilization_percent", account_capacity_utilization(dimension))
            for dimension in DIMENSIONS]
    if watches(level, "comprehensive"):
        specs.append(AlarmSpec("accountUserErrors", f"{prefix}-account-user-errors",
                               "DynamoDB answers the account's requests with client errors (HTTP 400)",
                               CLIENT_ERRORS, "user_errors", user_errors()))
    return specs
