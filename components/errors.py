"""Configuration problems, and the one place they are turned into messages for people."""

import difflib
from dataclasses import dataclass
from typing import Any, Iterable, Optional, Union, get_args, get_origin

import pulumi
from pydantic import BaseModel, ValidationError

NAMESPACE = "koneksi-dynamodb"

# Tags that pick a branch of a union ("a number or an object"). Pydantic puts them in an error's
# location, but they are not keys a user wrote.
UNION_TAGS = frozenset({"as number", "as object", "as bool", "as name", "as list"})


@dataclass(frozen=True)
class Problem:
    path: tuple[Union[str, int], ...]
    reason: str
    fix: str = ""

    def render(self, stack_file: str) -> str:
        line = f"{stack_file}: {key_path(self.path)}: {self.reason}"
        return f"{line}. Fix: {self.fix}" if self.fix else line


class Invalid(ValueError):
    """Raised by a model's validator for problems it finds below its own position.

    Each problem's path is relative to the model that raised it; `problems_from` prefixes it
    with the model's own location.
    """

    def __init__(self, problems: Iterable[Problem]):
        self.problems = list(problems)
        super().__init__("; ".join(p.reason for p in self.problems))


def invalid(*path: Union[str, int], reason: str, fix: str = "") -> Invalid:
    return Invalid([Problem(tuple(path), reason, fix)])


class ConfigError(pulumi.RunError):
    """The stack's configuration is invalid. Raised before any resource is registered.

    A RunError, so `pulumi up` prints the message without a Python traceback.
    """

    def __init__(self, problems: list[Problem], stack_file: str):
        self.problems = problems
        self.stack_file = stack_file
        super().__init__(self.render(stack_file))

    def render(self, stack_file: str) -> str:
        count = len(self.problems)
        heading = f"{stack_file}: {count} configuration problem{'s' if count != 1 else ''}"
        return "\n".join([heading, *("  " + p.render(stack_file) for p in self.problems)])


def key_path(path: tuple[Union[str, int], ...]) -> str:
    """`("tables", "users", "hashKey")` -> `koneksi-dynamodb:tables.users.hashKey`."""
    if not path:
        return f"{NAMESPACE}:"
    head, *rest = path
    head = str(head) if ":" in str(head) else f"{NAMESPACE}:{head}"
    return ".".join([head, *(f"[{p}]" if isinstance(p, int) else str(p) for p in rest)])


def problems_from(error: ValidationError, model: type[BaseModel]) -> list[Problem]:
    problems: list[Problem] = []
    for detail in error.errors():
        loc = tuple(p for p in detail["loc"] if p not in UNION_TAGS and p != "[key]")
        raised = detail.get("ctx", {}).get("error")
        if isinstance(raised, Invalid):
            problems.extend(Problem(loc + p.path, p.reason, p.fix) for p in raised.problems)
        else:
            problems.append(_describe(detail, loc, model))
    return problems


def _describe(detail: dict[str, Any], loc: tuple, model: type[BaseModel]) -> Problem:
    kind, given = detail["type"], detail.get("input")
    if kind == "extra_forbidden":
        valid = _keys_at(model, loc[:-1])
        close = difflib.get_close_matches(str(loc[-1]), valid, n=1)
        hint = f"did you mean '{close[0]}'? " if close else ""
        return Problem(loc, "unknown key", f"{hint}valid keys here: {', '.join(valid)}")
    if kind == "missing":
        return Problem(loc, "required key is missing", "add it")
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return Problem(loc, f"expected a map of keys, got {_shape(given)}", "write it as `key: value` lines")
    if kind == "list_type":
        return Problem(loc, f"expected a list, got {_shape(given)}", "write it as `[a, b]`")
    if kind == "literal_error":
        return Problem(loc, f"{given!r} is not allowed", f"use one of {detail['ctx']['expected']}")
    return Problem(loc, f"{detail['msg'].removeprefix('Value error, ')} (got {given!r})")


def _shape(value: Any) -> str:
    return {list: "a list", str: "a string", bool: "a boolean", int: "a number", float: "a number"}.get(
        type(value), type(value).__name__
    )


def _keys_at(model: type[BaseModel], loc: tuple) -> list[str]:
    """The keys a user may write at `loc`: the fields of the model found there."""
    node: Any = model
    for part in loc:
        node = _model_in(node)
        if node is None:
            return []
        if isinstance(node, type) and issubclass(node, BaseModel):
            node = next((f.annotation for n, f in node.model_fields.items() if (f.alias or n) == part), None)
        else:  # a map: the part is a user-chosen name
            node = get_args(node)[1]
    found = _model_in(node)
    if isinstance(found, type) and issubclass(found, BaseModel):
        # `aws:region` and the like belong to other namespaces: never suggested as our keys.
        return sorted(key for n, f in found.model_fields.items() if ":" not in (key := f.alias or n))
    return []


def _model_in(annotation: Any) -> Optional[Any]:
    """The model class or map type inside an annotation (through Optional, Annotated, unions)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    if get_origin(annotation) is dict:
        return annotation
    for arg in get_args(annotation):
        found = _model_in(arg)
        if found is not None:
            return found
    return None
