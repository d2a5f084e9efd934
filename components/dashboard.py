"""One CloudWatch dashboard per stack, drawn from the same metrics as the alarms: per table
(GSIs included) consumed vs provisioned capacity, throttles, errors and latency."""

import pulumi
import pulumi_aws as aws

from .metrics import (DIMENSIONS, KEY_OPERATIONS, consumed_capacity, provisioned_capacity, request_latency,
                      system_errors, throttle_events)
from .table import DynamoTable

WIDTH, HEIGHT = 6, 6


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


def table_widgets(table: DynamoTable, region: str, y: int) -> list[dict]:
    name = table.table.name
    capacity = _capacity_lines(name, None, "table", 0)
    throttles = [throttle_events(d, name).widget_line(label=f"table {d.lower()}") for d in DIMENSIONS]
    for ordinal, (index_name, index) in enumerate(table.indexes.items(), start=1):
        capacity += _capacity_lines(name, index.index_name, index_name, ordinal)
        throttles += [throttle_events(d, name, index.index_name).widget_line(label=f"{index_name} {d.lower()}")
                      for d in DIMENSIONS]
    return [
        _widget(pulumi.Output.concat(name, " capacity"), region, capacity, 0, y),
        _widget(pulumi.Output.concat(name, " throttles"), region, throttles, WIDTH, y),
        _widget(pulumi.Output.concat(name, " errors"), region, [system_errors(name).widget_line()], 2 * WIDTH, y),
        _widget(pulumi.Output.concat(name, " latency"), region,
                [request_latency(name, op).widget_line(label=op) for op in KEY_OPERATIONS], 3 * WIDTH, y),
    ]


def stack_dashboard(name: str, region: str, tables: list[DynamoTable],
                    opts: pulumi.ResourceOptions) -> aws.cloudwatch.Dashboard:
    widgets = [w for row, table in enumerate(tables) for w in table_widgets(table, region, row * HEIGHT)]
    return aws.cloudwatch.Dashboard(name, dashboard_name=name,
                                    dashboard_body=pulumi.Output.json_dumps({"widgets": widgets}), opts=opts)
