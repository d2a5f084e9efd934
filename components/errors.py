"""Configuration problems, and the one place they are turned into messages for people.

Every problem names its key path, says what is wrong, and ends with a `Fix:`. Messages never show
a value that came from a secret config key.
"""

import difflib
import re
from dataclasses import dataclass
from typing import Any, Collection, Iterable, Optional, Union, get_args, get_origin

import pulumi
from pydantic import BaseModel, ValidationError

NAMESPACE = "koneksi-dynamodb"
# The AWS provider's settings (`aws:region`, `aws:profile`, ...) are validated as the `aws` group
# of the stack config; their paths render as `aws:<key>`.
PROVIDER_NAMESPACE = "aws"
# What a secret config value reads as where it cannot be decrypted (offline `synth`).
SECRET_PLACEHOLDER = "[secret]"

# Tags that pick a branch of a union ("a number or an object"). Pydantic puts them in an error's
# location, but they are not keys a user wrote.
UNION_TAGS = frozenset({"as number", "as object", "as bool", "as name", "as list"})

Path = tuple[Union[str, int], ...]


@dataclass(frozen=True)
class Problem:
    path: Path
    reason: str
    fix: str

    def render(self, stack_file: str, secrets: Collection[str] = (), secret_keys: Collection[str] = ()) -> str:
        """`secrets` never show; under a key of `secret_keys` no value of them shows, however short."""
        where = key_path(self.path)
        under_secret = any(where == key or where.startswith((f"{key}.", f"{key}[")) for key in secret_keys)
        return scrub(f"{stack_file}: {where}: {self.reason}. Fix: {self.fix}", secrets, everywhere=under_secret)


class Invalid(ValueError):
    """Raised by a model's validator for problems it finds below its own position.

    Each problem's path is relative to the model that raised it; `problems_from` prefixes it
    with the model's own location.
    """

    def __init__(self, problems: Iterable[Problem]):
        self.problems = list(problems)
        super().__init__("; ".join(p.reason for p in self.problems))


def invalid(*path: Union[str, int], reason: str, fix: str) -> Invalid:
    return Invalid([Problem(tuple(path), reason, fix)])


class ConfigError(pulumi.RunError):
    """The stack's configuration is invalid. Raised before any resource is registered.

    A RunError, so `pulumi up` prints the message without a Python traceback. `secrets` are the
    values of the stack's secret keys: no message shows them.
    """

    def __init__(self, problems: list[Problem], stack_file: str, secrets: Collection[str] = (),
                 secret_keys: Collection[str] = ()):
        self.problems = problems
        self.stack_file = stack_file
        self.secrets = secrets
        self.secret_keys = secret_keys
        super().__init__(self.render(stack_file))

    def render(self, stack_file: str) -> str:
        count = len(self.problems)
        heading = f"{stack_file}: {count} configuration problem{'s' if count != 1 else ''}"
        return "\n".join([heading, *("  " + p.render(stack_file, self.secrets, self.secret_keys)
                                     for p in self.problems)])


def scrub(text: str, secrets: Collection[str], everywhere: bool = False) -> str:
    """`text` with every secret value replaced by the placeholder, longest first (a secret may
    contain another). A value of fewer than four characters is replaced only where it stands
    quoted, as messages quote the values they echo (`id` must not blank every word "id"), unless
    `everywhere`: then each standalone occurrence goes."""
    for secret in sorted(secrets, key=len, reverse=True):
        if len(secret) >= 8:
            text = text.replace(secret, SECRET_PLACEHOLDER)
        elif len(secret) >= 4 or everywhere:
            text = re.sub(rf"(?<![\w.@-]){re.escape(secret)}(?![\w.@-])", SECRET_PLACEHOLDER, text)
        else:
            text = re.sub(rf"(['\"`]){re.escape(secret)}\1", rf"\g<1>{SECRET_PLACEHOLDER}\g<1>", text)
    return text


def key_path(path: Path) -> str:
    """`("tables", "users", "hashKey")` -> `koneksi-dynamodb:tables.users.hashKey`;
    `("aws", "region")` -> `aws:region`."""
    if not path:
        return f"{NAMESPACE}:"
    head, *rest = path
    if head == PROVIDER_NAMESPACE and rest:
        head, *rest = rest
        head = f"{PROVIDER_NAMESPACE}:{head}"
    else:
        head = f"{NAMESPACE}:{head}"
    return head + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in rest)


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


def _describe(detail: dict[str, Any], loc: Path, model: type[BaseModel]) -> Problem:
    kind, given, ctx = detail["type"], detail.get("input"), detail.get("ctx", {})
    if kind == "extra_forbidden":
        valid = _keys_at(model, loc[:-1])
        close = difflib.get_close_matches(str(loc[-1]), valid, n=1)
        hint = f"did you mean '{close[0]}'? " if close else ""
        return Problem(loc, "unknown key", f"{hint}valid keys here: {', '.join(valid)}")
    if given == SECRET_PLACEHOLDER:
        return Problem(loc, "is a secret, which synth cannot decrypt, and this key needs a value it can check",
                       "keep this key in plain text: only text values (addresses, ARNs, ids) may be secrets")
    if kind == "missing":
        return Problem(loc, "required key is missing", f"add {key_path(loc).rsplit('.', 1)[-1].split(':')[-1]}")
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return Problem(loc, f"expected a map of keys, got {_shape(given)}", "write it as `key: value` lines")
    if kind == "list_type":
        return Problem(loc, f"expected a list, got {_shape(given)}", "write it as a list, e.g. `[a, b]`")
    if kind == "literal_error":
        return Problem(loc, f"{given!r} is not allowed", f"use one of {ctx['expected']}")
    if kind == "bool_type":
        return Problem(loc, f"expected true or false, got {_shape(given)} {given!r}",
                       "write true or false, without quotes (YAML's yes/no/on/off are text)")
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return Problem(loc, f"expected a whole number, got {_shape(given)} {given!r}", "write a whole number, e.g. 5")
    if kind in ("float_type", "float_parsing"):
        return Problem(loc, f"expected a number, got {_shape(given)} {given!r}", "write a number, e.g. 72.5")
    if kind == "finite_number":
        return Problem(loc, f"{given!r} is not a finite number", "write a finite number, e.g. 72.5")
    if kind == "string_type":
        # YAML has already read the unquoted value: 012345678901 became 12345678901, so echoing
        # what was read back as the fix could propose a different value.
        return Problem(loc, f"expected text, got {_shape(given)} {given!r}",
                       f"put the value in quotes, exactly as meant (unquoted, YAML reads it as {_shape(given)})"
                       if isinstance(given, (int, float, bool)) else "write it as text")
    if kind in _BOUNDS:
        reason, fix = _BOUNDS[kind]
        if ctx.get("actual_length") is None and hasattr(given, "__len__"):
            ctx = {**ctx, "actual_length": len(given)}  # pydantic leaves it out for maps
        return Problem(loc, reason.format(given=given, **ctx), fix.format(**ctx))
    return Problem(loc, f"{detail['msg'].removeprefix('Value error, ')} (got {given!r})",
                   "see the README's configuration reference for this key")


# Pydantic's constraint errors: (reason, fix), formatted with the error's context.
_BOUNDS = {
    "greater_than_equal": ("{given!r} is below the minimum of {ge}", "use a value of at least {ge}"),
    "greater_than": ("{given!r} is not greater than {gt}", "use a value greater than {gt}"),
    "less_than_equal": ("{given!r} is above the maximum of {le}", "use a value of at most {le}"),
    "less_than": ("{given!r} is not less than {lt}", "use a value less than {lt}"),
    "too_short": ("has {actual_length} entries, at least {min_length} needed", "list at least {min_length}"),
    "too_long": ("has {actual_length} entries, at most {max_length} allowed", "keep at most {max_length}"),
    "string_too_short": ("{given!r} is shorter than {min_length} characters", "use at least {min_length} characters"),
    "string_too_long": ("is longer than {max_length} characters", "use at most {max_length} characters"),
}


def _shape(value: Any) -> str:
    if value in (None, "", "null"):  # an empty key reaches the program as null
        return "nothing"
    return {list: "a list", dict: "a map", str: "text", bool: "a boolean", int: "a number",
            float: "a number"}.get(type(value), type(value).__name__)


def _keys_at(model: type[BaseModel], loc: Path) -> list[str]:
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
        # The `aws` group belongs to another namespace: never suggested as one of our keys.
        return sorted(key for n, f in found.model_fields.items() if (key := f.alias or n) != PROVIDER_NAMESPACE)
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
