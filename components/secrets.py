"""Secret config stays secret in every resource input derived from it.

Under `pulumi up` a program receives secret config as plaintext and learns only which top-level
keys were secret. Rather than trusting each builder to wrap what it derives, one stack
transformation (it runs in the SDK, under `pulumi up` and under `synth` alike) marks as a Pulumi
secret every value inside an input that holds a value of a secret key:
- text anywhere inside a string (a policy document, an ARN, a name); a short text only as a token
  of its own (`TOKEN_BELOW`);
- a number only in the inputs that key's numbers feed (`NUMBERS_FEED`): numbers are too common to
  match everywhere (a secret `alarms.latencyMs: 5` must not hide a table's read capacity of 5).
Only the matching values are wrapped, so every input keeps its shape (a list stays a list). It may
mark more than is derived from the key, never less. Booleans and map keys (table and index names)
are not matched: names are part of resource URNs, which Pulumi never encrypts.
"""

import copy
import re
from typing import Any, Callable, Collection, Mapping

import pulumi
from pulumi import _types
from pydantic.alias_generators import to_snake

from .errors import NAMESPACE, PROVIDER_NAMESPACE

_TABLE_NUMBERS = {
    "aws:dynamodb/table:Table": ("read_capacity", "write_capacity", "point_in_time_recovery", "on_demand_throughput"),
    "aws:dynamodb/globalSecondaryIndex:GlobalSecondaryIndex": ("provisioned_throughput", "on_demand_throughput"),
    "aws:appautoscaling/target:Target": ("min_capacity", "max_capacity"),
    "aws:appautoscaling/policy:Policy": ("target_tracking_scaling_policy_configuration",),
    "aws:cloudwatch/metricAlarm:MetricAlarm": ("threshold",),  # a table's own thresholds
}
# Config key -> resource type -> the inputs (Python names) its numbers reach.
NUMBERS_FEED: dict[str, dict[str, tuple[str, ...]]] = {
    f"{NAMESPACE}:tables": _TABLE_NUMBERS,
    f"{NAMESPACE}:alarms": {"aws:cloudwatch/metricAlarm:MetricAlarm": ("threshold",)},
    f"{NAMESPACE}:dax": {"aws:dax/cluster:Cluster": ("replication_factor",),
                         "aws:cloudwatch/metricAlarm:MetricAlarm": ("threshold",)},
}


def _numbers_feed(key: str) -> dict[str, tuple[str, ...]]:
    """`aws:maxRetries` feeds the provider's `max_retries`; other keys as listed."""
    if key.startswith(f"{PROVIDER_NAMESPACE}:"):
        return {"pulumi:providers:aws": (to_snake(key.split(":", 1)[1]),)}
    return NUMBERS_FEED.get(key, {})


def keep_secret(secrets: Mapping[str, Collection[Any]]) -> None:
    """From now on, every value of a resource input that holds one of the values of `secrets`
    (secret config key -> its values) is stored as a secret."""
    texts = tuple({value for values in secrets.values() for value in values if isinstance(value, str)})
    numbers: dict[tuple[str, str], frozenset] = {}
    for key, values in secrets.items():
        found = frozenset(value for value in values if isinstance(value, (int, float)))
        for type_, names in _numbers_feed(key).items():
            for name in names:
                numbers[(type_, name)] = numbers.get((type_, name), frozenset()) | found
    if not (texts or numbers):
        return

    def mark(args: pulumi.ResourceTransformationArgs) -> pulumi.ResourceTransformationResult:
        props = {name: _mark(value, _matcher(texts, numbers.get((args.type_, name), frozenset())))
                 for name, value in args.props.items()}
        return pulumi.ResourceTransformationResult(props, args.opts)

    pulumi.runtime.register_stack_transformation(mark)


# A secret text shorter than this is matched inside a longer string only as a token of its own
# (between characters that are not letters or digits): every value of a secret key counts as
# secret, and a short one (`on`, `S`, `id`) would otherwise mark half the stack, the provider's
# default tags among them. What embeds a secret (an ARN, a JSON document) delimits it.
TOKEN_BELOW = 8


def _matcher(texts: tuple[str, ...], numbers: frozenset) -> Callable[[Any], bool]:
    short = [re.compile(rf"(?<![A-Za-z0-9]){re.escape(text)}(?![A-Za-z0-9])")
             for text in texts if len(text) < TOKEN_BELOW]
    long = [text for text in texts if len(text) >= TOKEN_BELOW]

    def holds_secret(value: Any) -> bool:
        if isinstance(value, str):
            return any(text in value for text in long) or any(token.search(value) for token in short)
        if isinstance(value, bool):  # before numbers: True == 1
            return False
        if isinstance(value, (int, float)):
            return value in numbers
        if isinstance(value, dict):
            return any(holds_secret(item) for item in value.values())
        if isinstance(value, (list, tuple)):
            return any(holds_secret(item) for item in value)
        if _types.is_input_type(type(value)):
            return holds_secret(_types.input_type_to_dict(value))
        return False
    return holds_secret


def _mark(value: Any, holds_secret: Callable[[Any], bool]) -> Any:
    """`value` with each of its parts that holds a secret wrapped as a Pulumi secret."""
    if value is None or isinstance(value, pulumi.Resource):
        return value
    if isinstance(value, pulumi.Output):
        return value.apply(lambda resolved: pulumi.Output.secret(resolved) if holds_secret(resolved) else resolved)
    if isinstance(value, dict):
        return {key: _mark(item, holds_secret) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_mark(item, holds_secret) for item in value]
    if _types.is_input_type(type(value)):
        marked = copy.copy(value)
        for name, item in _types.input_type_to_untranslated_dict(value).items():
            pulumi.set(marked, name, _mark(item, holds_secret))
        return marked
    return pulumi.Output.secret(value) if holds_secret(value) else value
