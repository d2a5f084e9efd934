"""The stack's CloudWatch dashboard (one per 50 tables), drawn from the same metrics as the
alarms: per table (GSIs included) consumed vs provisioned capacity, throttles, errors and latency."""

import json

import pulumi
import pulumi_aws as aws

from .metrics import (DIMENSIONS, KEY_OPERATIONS, consumed_capacity, provisioned_capacity, request_latency,
                      system_errors, throttle_events)
from .table import DynamoTable

WIDTH, HEIGHT = 6, 6
# Four widgets a table: 200 a dashboard, well inside CloudWatch's 500, and a body of a few
# hundred kilobytes even for tables with many GSIs.
TABLES_PER_DASHBOARD = 50


def _widget(title: str, region: str, metrics: list, x: int, y: int) -> dict:
    return {"type": "metric", "x": x, "y": y, "width": WIDTH, "height": HEIGHT,
            "properties": {"title": title, "region": region, "view": "timeSeries", "stacked": False,
                           "metrics": metrics}}


def _capacity_lines(table_name, index_name, label: str, ordinal: int) -> list:
    """Consumed units per second (the period's sum over its seconds) against provisioned units.
    `ordinal` keeps the ids of hidden metrics unique within the widget."""
    lines = []
    for dimension in DIMENSIONS:
        ref = f"consumed{dimension}{ordinal}"
        lines += [
            consumed_capacity(dimension, table_name, index_name, 60).widget_line(id=ref, visible=False),
            [{"expression": f"{ref} / PERIOD({ref})", "label": f"{label} consumed {dimension.lower()}"}],
            provisioned_capacity(dimension, table_name, index_name, 60).widget_line(
                label=f"{label} provisioned {dimension.lower()}"),
        ]
    return lines


def table_widgets(table_name: str, index_names: list[str], region: str, y: int) -> list[dict]:
    capacity = _capacity_lines(table_name, None, "table", 0)
    throttles = [throttle_events(d, table_name).widget_line(label=f"table {d.lower()}") for d in DIMENSIONS]
    for ordinal, index_name in enumerate(index_names, start=1):
        capacity += _capacity_lines(table_name, index_name, index_name, ordinal)
        throttles += [throttle_events(d, table_name, index_name).widget_line(label=f"{index_name} {d.lower()}")
                      for d in DIMENSIONS]
    return [
        _widget(f"{table_name} capacity", region, capacity, 0, y),
        _widget(f"{table_name} throttles", region, throttles, WIDTH, y),
        _widget(f"{table_name} errors", region, [system_errors(table_name).widget_line()], 2 * WIDTH, y),
        _widget(f"{table_name} latency", region,
                [request_latency(table_name, op).widget_line(label=op) for op in KEY_OPERATIONS], 3 * WIDTH, y),
    ]


def _dashboard(name: str, region: str, tables: list[DynamoTable],
               opts: pulumi.ResourceOptions) -> aws.cloudwatch.Dashboard:
    """The body is rendered once from the tables' deployed names (so the dashboard waits for the
    tables), as plain JSON: nesting outputs in it would cost an output per metric line."""
    def body(table_names: list[str]) -> str:
        widgets = [widget for row, (table_name, table) in enumerate(zip(table_names, tables))
                   for widget in table_widgets(table_name, list(table.indexes), region, row * HEIGHT)]
        return json.dumps({"widgets": widgets})

    return aws.cloudwatch.Dashboard(name, dashboard_name=name, opts=opts,
                                    dashboard_body=pulumi.Output.all(*(t.table.name for t in tables)).apply(body))


def stack_dashboards(prefix: str, region: str, tables: list[DynamoTable],
                     opts: pulumi.ResourceOptions) -> list[aws.cloudwatch.Dashboard]:
    """`<prefix>-dynamodb`, then `-2`, `-3`, ... for every further TABLES_PER_DASHBOARD tables:
    a dashboard holds at most 500 widgets."""
    pages = [tables[start:start + TABLES_PER_DASHBOARD] for start in range(0, len(tables), TABLES_PER_DASHBOARD)]
    return [_dashboard(f"{prefix}-dynamodb" + (f"-{number}" if number > 1 else ""), region, page, opts)
            for number, page in enumerate(pages, start=1)]
