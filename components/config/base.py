"""The base of every config model, and the field types they share.

Two promises live here:
- **Strict types.** A boolean is `true` or `false`, never `"no"` or `1`; text is text. Numbers may
  come as numeric text, because `pulumi config set --path` stores a float such as `72.5` as a
  string. No number may be infinite or NaN.
- **Every problem in one run.** Pydantic runs a model's cross-field checks only when all of its
  fields are valid, so a file with several mistakes used to take several runs. Here cross-field
  checks are *rules* that name the fields they read (`@rule("hash_key", "attributes")`); when some
  field is invalid, each field is validated on its own and every rule whose fields are valid still
  runs. A map of models (tables, indexes) keeps its valid entries for the rules too. Rules must
  therefore hold on any subset of a map's entries: they report what is wrong among what they see.
"""

import difflib
import math
import re
from functools import cache
from typing import Annotated, Any, Callable, Iterable, Mapping, Optional, get_args, get_origin

from pydantic import (AfterValidator, AllowInfNan, BaseModel, BeforeValidator, ConfigDict, Field, PrivateAttr,
                      TypeAdapter,
                      ValidationError, ValidationInfo, model_validator)
from pydantic.alias_generators import to_camel
from pydantic.errors import PydanticUserError

from ..errors import SECRET_PLACEHOLDER, Invalid, Problem, invalid, problems_from
from .limits import KNOWN_REGIONS, NameRule, partition_of

Rule = Callable[[Any, Mapping[str, Any]], Iterable[Problem]]


def rule(*fields: str) -> Callable[[Rule], Rule]:
    """Marks a method `(self, context) -> problems` as a rule over `fields` (field names)."""
    def mark(method: Rule) -> Rule:
        method.rule_fields = frozenset(fields)
        return method
    return mark


class ConfigModel(BaseModel):
    """camelCase keys, unknown keys rejected, strict types, every problem reported at once.

    Validate with `context={"prod": <environment is prod>, "region": <aws:region as written>,
    "warnings": []}`: fields check ARNs against the stack's region and partition, and append what
    deserves a warning only. After every rule has passed, `settle(context)` fills the defaults that
    depend on more than one field.
    """

    # Keys as the contract writes them (camelCase) only: a field's Python name is an unknown key.
    model_config = ConfigDict(extra="forbid", alias_generator=to_camel, validate_by_name=False, strict=True)
    # Of a partial model (some fields invalid): every field written, valid or not.
    _written_fields: Optional[frozenset] = PrivateAttr(None)

    @property
    def written(self) -> frozenset:
        """The fields the config writes, whether valid or not: a rule that only needs to know
        that a key is there runs even while its value is wrong."""
        return self._written_fields if self._written_fields is not None else frozenset(self.model_fields_set)

    @model_validator(mode="wrap")
    @classmethod
    def _every_problem(cls, data: Any, handler, info: ValidationInfo):
        context = info.context or {}
        # `key:` with nothing after it (or `~`): a value left out by mistake, never "the default"
        # (a `restore:` whose body was commented out must not create an empty table).
        empty = [Problem((key,), "written without a value", "give it a value, or remove the key")
                 for key, value in data.items() if value is None] if isinstance(data, dict) else []
        try:
            model = handler(data)
        except ValidationError as error:
            problems = empty + [problem for problem in problems_from(error, cls)
                                if not any(problem.path[:1] == written.path for written in empty)]
            valid = cls._valid_fields(data, context)
            if valid is not None:
                usable = valid.keys() | cls._defaulted(data)
                partial = cls._partial(valid, usable)
                partial._written_fields = frozenset(name for name, field in cls.model_fields.items()
                                                    if (field.alias or name) in data)
                problems += partial._broken_rules(context, usable, partial=True)
            raise Invalid(problems) from None
        problems = empty + model._broken_rules(context, cls.model_fields.keys())
        if problems:
            raise Invalid(problems)
        model.settle(context)
        return model

    def settle(self, context: Mapping[str, Any]) -> None:
        """Defaults that depend on other fields or on the context; runs once the model is valid."""

    def _broken_rules(self, context: Mapping[str, Any], valid_fields: Iterable[str],
                      partial: bool = False) -> list[Problem]:
        valid_fields = set(valid_fields)
        problems = []
        for check in _rules_of(type(self)):
            if check.rule_fields <= valid_fields:
                try:
                    problems += list(check(self, context))
                except AttributeError:
                    if not partial:
                        raise
                    # The rule reads a field that is invalid, absent from the partial model.
        return problems

    @classmethod
    def _partial(cls, valid: dict[str, Any], usable: set[str]) -> "ConfigModel":
        """A model of the usable fields only (valid, or unwritten with their default): an invalid
        or missing field is absent, not its default, so a rule that reads it stops rather than
        judging a value nobody wrote."""
        partial = cls.model_construct(**valid)
        for name in cls.model_fields.keys() - usable:
            partial.__dict__.pop(name, None)
        return partial

    @classmethod
    def _defaulted(cls, data: Any) -> set[str]:
        """Fields not written, which hold their (valid) default."""
        return {name for name, field in cls.model_fields.items()
                if not field.is_required() and (field.alias or name) not in data}

    @classmethod
    def _valid_fields(cls, data: Any, context: Mapping[str, Any]) -> Optional[dict[str, Any]]:
        """Each written field validated on its own: the valid values, and of an invalid map of
        models its valid entries. None when `data` is not a map at all."""
        if not isinstance(data, dict):
            return None
        valid = {}
        for name, field in cls.model_fields.items():
            key = field.alias or name
            if key not in data:
                continue
            try:
                valid[name] = _adapter(cls, name).validate_python(data[key], context=context)
            except ValidationError:
                entries = _valid_entries(field.annotation, data[key], context)
                if entries is not None:
                    valid[name] = entries
        return valid


@cache
def _rules_of(model: type[BaseModel]) -> list[Rule]:
    return [member for klass in reversed(model.__mro__) for member in vars(klass).values()
            if callable(member) and hasattr(member, "rule_fields")]


@cache
def _adapter(model: type[BaseModel], name: str) -> TypeAdapter:
    field = model.model_fields[name]
    annotation = Annotated[(field.annotation, *field.metadata)] if field.metadata else field.annotation
    try:
        return TypeAdapter(annotation, config=ConfigDict(strict=True))
    except PydanticUserError:  # a model type carries its own config
        return TypeAdapter(annotation)


def _valid_entries(annotation: Any, value: Any, context: Mapping[str, Any]) -> Optional[dict]:
    """The entries of a map of models that are valid on their own."""
    if get_origin(annotation) is not dict or not isinstance(value, dict):
        return None
    key_type, value_type = get_args(annotation)
    keys, values = _map_adapters(key_type, value_type)
    entries = {}
    for key, entry in value.items():
        try:
            entries[keys.validate_python(key, context=context)] = values.validate_python(entry, context=context)
        except ValidationError:
            continue
    return entries


@cache
def _map_adapters(key_type: Any, value_type: Any) -> tuple[TypeAdapter, TypeAdapter]:
    return TypeAdapter(key_type, config=ConfigDict(strict=True)), TypeAdapter(value_type)


def matching(pattern: re.Pattern, what: str, fix: str) -> AfterValidator:
    """Accepts only text matching `pattern`; `what` names the expected kind. A secret that synth
    cannot decrypt passes: it is checked when `pulumi up` runs with its value."""
    def check(value: str) -> str:
        if value != SECRET_PLACEHOLDER and not pattern.fullmatch(value):
            raise invalid(reason=f"{value!r} is not {what}", fix=fix)
        return value
    return AfterValidator(check)


_WHOLE_TEXT = re.compile(r"^[-+]?[0-9]+$")
_NUMBER_TEXT = re.compile(r"^[-+]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?$")


def follows(name_rule: NameRule) -> AfterValidator:
    """Accepts only names that satisfy `name_rule`."""
    def check(value: str) -> str:
        broken = name_rule.problem(value)
        if broken:
            raise invalid(reason=broken,
                          fix=f"use {name_rule.min_length}-{name_rule.max_length} characters of {name_rule.allowed}")
        return value
    return AfterValidator(check)


def _number_from_text(value: Any) -> Any:
    """`pulumi config set --path` stores a float such as `72.5` as text."""
    if isinstance(value, str):
        if _WHOLE_TEXT.match(value):
            return int(value)
        if _NUMBER_TEXT.match(value):
            return float(value)
    return value


def _whole_float(value: Any) -> Any:
    """`5.0` is the whole number 5 (JSON writers may add the `.0`); `5.5` is not."""
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        return int(value)
    return value


Whole = Annotated[int, BeforeValidator(_whole_float), BeforeValidator(_number_from_text)]
Number = Annotated[float, AllowInfNan(False), BeforeValidator(_number_from_text)]
Text = Annotated[str, Field(min_length=1)]


def stack_region(context: "ValidationInfo | Mapping[str, Any]") -> Optional[str]:
    """The stack's region from a validator's info or a rule's context, if it is a known region
    (when it is not, nothing is compared with it)."""
    context = context if isinstance(context, Mapping) else (context.context or {})
    region = context.get("region")
    return region if isinstance(region, str) and region in KNOWN_REGIONS else None


def warn(info: ValidationInfo, message: str) -> None:
    warnings = (info.context or {}).get("warnings")
    if warnings is not None and message not in warnings:
        warnings.append(message)


def arn_in_stack(pattern: re.Pattern, what: str, same_region: bool = True) -> AfterValidator:
    """An ARN (matched by `pattern`, with groups `partition` and `region`) must be in the stack's
    partition, and (`same_region`) its region."""
    def check(value: str, info: ValidationInfo) -> str:
        found = pattern.fullmatch(value)
        region = stack_region(info)
        if not found or region is None:
            return value
        arn_region = found.groupdict().get("region")
        if arn_region is not None and arn_region not in KNOWN_REGIONS:
            raise invalid(reason=f"the {what} names the region {arn_region!r}, which AWS does not have",
                          fix=f"use the ARN of a {what} in an existing region, e.g. {region}")
        if arn_region is not None and partition_of(arn_region) != found["partition"]:
            raise invalid(reason=f"the {what}'s region {arn_region} is in partition {partition_of(arn_region)}, but the "
                          f"ARN says {found['partition']}", fix=f"write arn:{partition_of(arn_region)}:... for {arn_region}")
        if found["partition"] != partition_of(region):
            raise invalid(reason=f"the {what} is in partition {found['partition']}, the stack in {partition_of(region)}",
                          fix=f"use a {what} of the {partition_of(region)} partition")
        if same_region and found.groupdict().get("region") not in (None, region):
            raise invalid(reason=f"the {what} is in {found['region']}, the stack in {region}",
                          fix=f"use a {what} of {region}")
        return value
    return AfterValidator(check)


NAMES_ARE_NEVER_SECRET = ("is a secret, but it names resources, and Pulumi never encrypts resource names (URNs, "
                          "physical names)", "set it without --secret")


def _not_secret(value: Any) -> Any:
    if value == SECRET_PLACEHOLDER:
        raise invalid(reason=NAMES_ARE_NEVER_SECRET[0], fix=NAMES_ARE_NEVER_SECRET[1])
    return value


# A value that names resources: refused as a secret (`reader` refuses its key under `pulumi up`).
NotSecret = BeforeValidator(_not_secret)


def _known_region(value: str) -> str:
    if value not in KNOWN_REGIONS:
        close = difflib.get_close_matches(value, KNOWN_REGIONS, n=1)
        raise invalid(reason=f"{value!r} is not an AWS region known to the provider",
                      fix=f"did you mean {close[0]}?" if close else f"use one of {', '.join(KNOWN_REGIONS)}")
    return value


# A region that places resources (a replica, a copy vault) is part of their names and URNs.
RegionName = Annotated[str, NotSecret, AfterValidator(_known_region)]


def listed_twice(key: str, values: list) -> list[Problem]:
    """The values a list names more than once; secrets, which synth reads all alike, are not
    compared (`pulumi up` has their values)."""
    repeated = sorted({value for value in values if values.count(value) > 1 and value != SECRET_PLACEHOLDER})
    return [Problem((key,), f"{', '.join(map(str, repeated))} listed twice", "list each once")] if repeated else []
