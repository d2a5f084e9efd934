"""Secret config stays secret in every resource input derived from it.

Under `pulumi up` a program receives secret config as plaintext and learns only which top-level
keys were secret. Rather than trusting each builder to wrap what it derives, one stack
transformation (it runs in the SDK, under `pulumi up` and under `synth` alike) marks as a Pulumi
secret every input that contains a value of a secret key: the text itself anywhere inside a
string (a policy document, an ARN), or the same number. It may mark more than is derived from the
key, never less. Booleans and map keys (table and index names) are not matched: names are part of
resource URNs, which Pulumi never encrypts.
"""

from typing import Any, Collection

import pulumi
from pulumi import _types


def keep_secret(values: Collection[Any]) -> None:
    """From now on, every resource input containing one of `values` is stored as a secret."""
    texts = tuple(value for value in values if isinstance(value, str))
    numbers = frozenset(value for value in values if isinstance(value, (int, float)))
    if not (texts or numbers):
        return

    def contains_secret(value: Any) -> bool:
        if isinstance(value, str):
            return any(text in value for text in texts)
        if isinstance(value, bool):  # before numbers: True == 1
            return False
        if isinstance(value, (int, float)):
            return value in numbers
        if isinstance(value, dict):
            return any(contains_secret(item) for item in value.values())
        if isinstance(value, (list, tuple)):
            return any(contains_secret(item) for item in value)
        if _types.is_input_type(type(value)):
            return contains_secret(_types.input_type_to_dict(value))
        return False

    def as_secret_if_derived(value: Any) -> Any:
        return pulumi.Output.secret(value) if contains_secret(value) else value

    def mark(args: pulumi.ResourceTransformationArgs) -> pulumi.ResourceTransformationResult:
        props = {name: value if value is None or isinstance(value, pulumi.Resource)
                 else pulumi.Output.from_input(value).apply(as_secret_if_derived)
                 for name, value in args.props.items()}
        return pulumi.ResourceTransformationResult(props, args.opts)

    pulumi.runtime.register_stack_transformation(mark)
