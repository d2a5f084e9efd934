"""Helpers that synthesize a stack in-process and hand back what it would deploy as plain data:
the same `newState` dicts `python -m pipeline synth --json` prints."""

import json
from pathlib import Path
from typing import Any

import pytest

from components.config.stack import StackConfig
from components.errors import ConfigError, Problem
from components.config.reader import parse_stack_config
from pipeline.mock_engine import Plan, run_program
from pipeline.stack_files import StackSettings, read_stack_file
from pipeline.synth import synthesize

ROOT = Path(__file__).resolve().parent.parent
PROJECT = "koneksi-dynamodb"

TABLE = "aws:dynamodb/table:Table"
GSI = "aws:dynamodb/globalSecondaryIndex:GlobalSecondaryIndex"
TARGET = "aws:appautoscaling/target:Target"
POLICY = "aws:appautoscaling/policy:Policy"
KMS_KEY = "aws:kms/key:Key"
COMPONENT = "koneksi:dynamodb:Table"


def synth_stack(stack: str, stack_file: Path | None = None) -> Plan:
    return synthesize(ROOT, stack, read_stack_file(stack_file or ROOT / f"Pulumi.{stack}.yaml"))


def settings_for(tables: dict[str, Any], raw: dict[str, str] | None = None, **stack_keys: Any) -> StackSettings:
    """Settings as the engine hands them over: `stack_keys` are `koneksi-dynamodb:` keys, `raw`
    any `namespace:key` text; `region=None` leaves `aws:region` out."""
    region = stack_keys.pop("region", "ap-southeast-1")
    values = {f"{PROJECT}:tables": json.dumps(tables), **({"aws:region": region} if region else {})}
    for key, value in stack_keys.items():
        values[f"{PROJECT}:{key}"] = value if isinstance(value, str) else json.dumps(value)
    return StackSettings(values={**values, **(raw or {})})


def synth_tables(tables: dict[str, Any], stack: str = "staging", raw: dict[str, str] | None = None,
                 **stack_keys: Any) -> Plan:
    return run_program(ROOT, PROJECT, stack, settings_for(tables, raw, **stack_keys))


def parse(tables: dict[str, Any], stack: str = "staging", raw: dict[str, str] | None = None,
          **stack_keys: Any) -> StackConfig:
    return parse_stack_config(settings_for(tables, raw, **stack_keys).values, stack, f"Pulumi.{stack}.yaml")


def problems(tables: dict[str, Any], stack: str = "staging", raw: dict[str, str] | None = None,
             **stack_keys: Any) -> list[Problem]:
    with pytest.raises(ConfigError) as raised:
        parse(tables, stack, raw, **stack_keys)
    return raised.value.problems


def named(plan: Plan, type_: str, name: str) -> dict[str, Any]:
    """The one resource of `type_` whose logical name is `name`."""
    found = [r for r in plan.resources(type_) if r["urn"].rsplit("::", 1)[1] == name]
    assert len(found) == 1, f"expected one {type_} named {name}, found {[r['urn'] for r in plan.resources(type_)]}"
    return found[0]


USERS = {"attributes": {"id": "S", "name": "S", "email": "S"}, "hashKey": "id"}


def autoscaled(min_units: int = 5, max_units: int = 100) -> dict[str, Any]:
    return {"min": min_units, "max": max_units, "targetUtilization": 70}


