"""The stack's CloudWatch dashboards: a row per table (GSIs included) of consumed vs provisioned
capacity, throttles, errors and latency, and a row for the DAX cluster, drawn from the same metrics
as the alarms.

CloudWatch allows 500 widgets and 2,500 metrics per dashboard, counting metrics drawn only as
inputs of math, and 500 metrics per widget (CloudWatch user guide, "CloudWatch service quotas",
dashboards); a table with 20 GSIs draws 84 capacity metrics, well inside a widget. Rows fill a
dashboard up to those limits; the next table starts the next dashboard, so a table with 20 GSIs
fits as well as a hundred small ones.
"""

import json
from dataclasses import dataclass, field
from typing import Optional, Union

import pulumi_aws as aws

from ..context import StackContext
from .catalogue import WatchedCluster, WatchedTable
from .metrics import (DAX_CACHES, DIMENSIONS, KEY_OPERATIONS, InsightsQuery, Metric, account_capacity_utilization,
                      conditional_check_failures, consumed_capacity, dax_cache, dax_cache_memory_utilization,
                      dax_client_connections, dax_cpu_utilization, dax_estimated_size, dax_evicted_size, dax_requests,
                      provisioned_capacity, replication_latency, request_latency, system_errors, throttle_events,
                      ttl_deletions, user_errors)

MAX_WIDGETS = 500
MAX_METRICS = 2500
WIDTH, HEIGHT = 6, 6
GRID_COLUMNS = 24
ACCOUNT_ROW = "account:"  # the title's start of the account's widgets; a table's start with its name
DAX_ROW = "dax:"  # the title's start of the DAX cluster's widgets, then the cluster's name


@dataclass(frozen=True)
class Line:
    drawn: Union[Metric, InsightsQuery, str]  # text: math over other lines of the widget
    options: dict = field(default_factory=dict)

    @property
    def metric_count(self) -> int:
        return 0 if isinstance(self.drawn, str) else self.drawn.metric_count

    def render(self) -> list:
        if isinstance(self.drawn, str):
            return [{"expression": self.drawn, **self.options}]
        return self.drawn.widget_line(**self.options)


@dataclass(frozen=True)
class Widget:
    title: str
    lines: list[Line]

    @property
    def metric_count(self) -> int:
        return sum(line.metric_count for line in self.lines)

    def render(self, region: str, x: int, y: int) -> dict:
        return {"type": "metric", "x": x, "y": y, "width": WIDTH, "height": HEIGHT,
                "properties": {"title": self.title, "region": region, "view": "timeSeries", "stacked": False,
                               "metrics": [line.render() for line in self.lines]}}


def _capacity_lines(table_name: str, index_name, label: str, ordinal: int) -> list[Line]:
    """Consumed units per second (the period's sum over its seconds) against provisioned units.
    `ordinal` keeps the ids of hidden metrics unique within the widget."""
    lines = []
    for dimension in DIMENSIONS:
        ref = f"consumed{dimension}{ordinal}"
        lines += [
            Line(consumed_capacity(dimension, table_name, index_name, 60), {"id": ref, "visible": False}),
            Line(f"{ref} / PERIOD({ref})", {"label": f"{label} consumed {dimension.lower()}"}),
            Line(provisioned_capacity(dimension, table_name, index_name, 60),
                 {"label": f"{label} provisioned {dimension.lower()}"}),
        ]
    return lines


def table_row(table: WatchedTable) -> list[Widget]:
    """The four widgets of a table, from its own metrics."""
    name, index_names = table.physical_name, [index.name for index in table.indexes]
    capacity = _capacity_lines(name, None, "table", 0)
    throttles = [Line(throttle_events(d, name), {"label": f"table {d.lower()}"}) for d in DIMENSIONS]
    for ordinal, index_name in enumerate(index_names, start=1):
        capacity += _capacity_lines(name, index_name, index_name, ordinal)
        throttles += [Line(throttle_events(d, name, index_name), {"label": f"{index_name} {d.lower()}"})
                      for d in DIMENSIONS]
    return [
        Widget(f"{name} capacity", capacity),
        Widget(f"{name} throttles", throttles),
        Widget(f"{name} errors", [
            Line(system_errors(name), {"label": "SystemErrors, all operations", "id": "errors"}),
            Line(conditional_check_failures(name), {"label": "conditional check failures"}),
            *([Line(ttl_deletions(name), {"label": "TTL deletions per 5 minutes"})] if table.expires_items else []),
        ]),
        Widget(f"{name} latency", [Line(request_latency(name, op), {"label": op}) for op in KEY_OPERATIONS]),
        *([Widget(f"{name} replication", [Line(replication_latency(name, region), {"label": f"to {region}"})
                                          for region in table.replica_regions])] if table.replica_regions else []),
    ]


def pages(rows: list[list[Widget]]) -> list[list[list[Widget]]]:
    """Rows grouped into dashboards, each within CloudWatch's widget and metric limits."""
    grouped: list[list[list[Widget]]] = []
    widgets = metrics = 0
    for row in rows:
        row_metrics = sum(widget.metric_count for widget in row)
        if not grouped or widgets + len(row) > MAX_WIDGETS or metrics + row_metrics > MAX_METRICS:
            grouped.append([])
            widgets = metrics = 0
        grouped[-1].append(row)
        widgets, metrics = widgets + len(row), metrics + row_metrics
    return grouped


def laid_out(rows: list[list[Widget]], region: str) -> list[dict]:
    """Each row's widgets left to right, wrapping at the dashboard's 24 columns (CloudWatch
    dashboard body structure: a widget's x + width is at most 24); each row starts a new line."""
    rendered, y = [], 0
    for widgets in rows:
        for number, widget in enumerate(widgets):
            x = number * WIDTH % GRID_COLUMNS
            if number and x == 0:
                y += HEIGHT
            rendered.append(widget.render(region, x, y))
        y += HEIGHT
    return rendered


def account_row() -> list[Widget]:
    """What the account-level alarms watch: provisioned capacity against the quota, client errors."""
    return [Widget(f"{ACCOUNT_ROW} capacity utilization", [Line(account_capacity_utilization(d), {"label": d.lower()})
                                                          for d in DIMENSIONS]),
            Widget(f"{ACCOUNT_ROW} client errors", [Line(user_errors(), {"label": "UserErrors"})])]


def cluster_row(cluster: WatchedCluster) -> list[Widget]:
    """What the DAX cluster's alarms watch, and what tells whether it caches well: hits against
    misses of each cache, and the size it holds against what it evicts."""
    name = cluster.name
    return [
        Widget(f"{DAX_ROW} {name} CPU and cache memory", [
            Line(dax_cpu_utilization(name), {"label": "CPU, busiest node"}),
            Line(dax_cache_memory_utilization(name), {"label": "cache memory, fullest node"})]),
        Widget(f"{DAX_ROW} {name} requests", [
            Line(dax_requests(kind, name), {"label": label}) for kind, label in (
                ("Total", "all"), ("Throttled", "throttled"), ("Error", "user errors"), ("Fault", "faults"))]),
        Widget(f"{DAX_ROW} {name} cache hits and misses", [
            Line(dax_cache(cache, outcome, name), {"label": f"{cache.lower()} {outcome.lower()}"})
            for cache in DAX_CACHES for outcome in ("Hits", "Misses")]),
        Widget(f"{DAX_ROW} {name} size and connections", [
            Line(dax_estimated_size(name), {"label": "estimated cached bytes"}),
            Line(dax_evicted_size(name), {"label": "evicted bytes"}),
            Line(dax_client_connections(name), {"label": "client connections", "yAxis": "right"})]),
    ]


def stack_dashboards(ctx: StackContext, tables: list[WatchedTable],
                     cluster: Optional[WatchedCluster] = None) -> list[aws.cloudwatch.Dashboard]:
    """The body is plain JSON built from the tables' and the cluster's names as configured, so
    `synth` shows it whole and the dashboards need not wait for them. The first dashboard starts
    with the account's row, then the DAX cluster's."""
    rows = [account_row(), *([cluster_row(cluster)] if cluster else []), *(table_row(table) for table in tables)]
    dashboards = []
    for number, page in enumerate(pages(rows), start=1):
        resource_name, dashboard_name = ctx.names.dashboard(number)
        body = {"widgets": laid_out(page, ctx.region)}
        dashboards.append(aws.cloudwatch.Dashboard(resource_name, dashboard_name=dashboard_name,
                                                   dashboard_body=json.dumps(body), opts=ctx.opts()))
    return dashboards
