"""A JSON Schema of the stack files (`Pulumi.<stack>.yaml`), generated from the config models so
that editors complete and check them as this program reads them, and cannot drift from it.

`make schema` (`venv/bin/python -m components.config.schema schema/stack-file.schema.json`)
writes it; a test fails when the committed file differs from a fresh generation.

What it holds, each from the models (walked as `reference` walks them for the README):
- the top level of a stack file: `config`, and the keys Pulumi keeps beside it;
- under `config`, each `koneksi-dynamodb:<key>` of StackConfig and `aws:region` with the AWS
  provider's settings, camelCase as written; an unknown `koneksi-dynamodb:` key, a key without a
  namespace, `null` and an unknown key inside a value are refused, as the program refuses them;
- types, enums (Literal), minimums and maximums (AWS's limits), lengths, the patterns of the
  `matching` and `follows` validators, and the values of the few validators that check a list
  (regions, encryption modes);
- descriptions from the fields' descriptions (the provider's own docs for `aws:` keys);
- `{secure: <ciphertext>}` wherever the program accepts a secret: where the value's own
  validators accept the placeholder `synth` reads a secret as; never for names (`NotSecret`),
  numbers, booleans or enums;
- how values reach the program: a number may be numeric text (`pulumi config set --path`
  writes `72.5` so), and a top-level scalar arrives as its text (`aws:insecure: "true"`).

What it cannot hold: the rules across keys (`@rule`: key attributes listed, billing and capacity,
replicas and keys, unique names...), checks against the stack's region and partition, and the
tiers' minimums. Those are Python code: `make synth` checks them. So, too, a secret the value's
own validators accept can still break such a rule offline (a secret `hashKey` is not among the
attributes), and a number written as text is not range-checked. It is stricter than the program
in three corners: the old `namespace:config:key` spelling, a top-level text key left empty (which
the program reads as the text "null"), and a structured value written as JSON text.
"""

import argparse
import inspect
import json
import re
import typing
from pathlib import Path
from typing import Any, Literal, Union

import annotated_types
from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, TypeAdapter, ValidationError
from pydantic.errors import PydanticUserError
from pulumi_aws import ProviderArgs
from pulumi_aws import _inputs as provider_inputs
from pulumi_aws.config import vars as provider_settings

from ..errors import NAMESPACE, PROVIDER_NAMESPACE, SECRET_PLACEHOLDER
from .backup import _CRON_FIELDS, _schedule, backup_setting
from .base import _NUMBER_TEXT, _WHOLE_TEXT, _known_region, _number_from_text, follows, matching
from .limits import KMS_KEY_ARN, KNOWN_REGIONS, RESERVED_TAG_PREFIX, TAG_KEY_MAX, TAG_TEXT, TAG_VALUE_MAX, NameRule
from . import provider
from .provider import AwsConfig, _flag_from_text
from .reference import _annotated_metadata, _default, _optional_member, flat_metadata
from .restore import RFC3339, _point_in_time
from .stack import StackConfig
from .table import ENCRYPTION_MODES, _encryption
from .tags import STANDARD_TAGS, _tag_key, _tag_value

# Draft-07, not 2020-12: Red Hat's YAML language server (VS Code's YAML extension, and the
# editors that embed it) supports 2019-09 and 2020-12 only since its 1.20.0
# (redhat-developer/yaml-language-server CHANGELOG.md: "Support JSON Schema 2019-09 and 2020-12");
# its README up to 1.19 says "Supports JSON Schema 7 and below" (and issue #856, "Support for
# json-schema > draft-7", stayed open for years), so draft-07 works in every version people have.
# JetBrains IDEs offer "JSON Schema version 7" among their mapping versions too. Nothing here needs
# a later draft. In draft-07 a `$ref` ignores its sibling keywords, so a `$ref` here stands beside
# annotations (description) only. Checked with yaml-language-server 1.25.0's validation, hover and
# completion on the shipped stack files and on tests/test_schema.py's cases.
DRAFT = "http://json-schema.org/draft-07/schema#"
DEFAULT_PATH = Path("schema/stack-file.schema.json")

SECRET, NUMBER_TEXT, WHOLE_TEXT, REGION = "secret", "numberText", "wholeText", "region"
RULES_NOTE = ("Rules across keys (key attributes listed, billing and capacity, replicas and their keys, unique "
              "names, compliance tiers' minimums) and checks against the stack's region are the program's code: "
              "`make synth` checks the rest.")

# A YAML number or boolean at the top of `config:` reaches the program as its text: these texts
# tell whether a text key takes them.
_TEXT_OF = {"integer": ("12", "-1"), "number": ("1.5",), "boolean": ("true", "false")}

# A stack file's keys beside `config` (Pulumi's workspace.ProjectStack). Neither Pulumi nor this
# program refuses other keys, so neither does the schema.
PULUMI_KEYS = {
    "secretsprovider": {"type": "string", "description": "the stack's secrets provider (`pulumi stack init "
                                                          "--secrets-provider`), e.g. `awskms://alias/pulumi`"},
    "encryptedkey": {"type": "string", "description": "the data key of a cloud secrets provider, encrypted by it; "
                                                       "written by Pulumi"},
    "encryptionsalt": {"type": "string", "description": "the salt of the passphrase secrets provider; written by "
                                                         "Pulumi"},
    "environment": {"description": "Pulumi ESC environments the stack imports (a list, or an inline definition); "
                                   "`make synth` reads only `config`",
                    "anyOf": [{"type": "array", "items": {"type": "string"}}, {"type": "object"}]},
    "mainEnvironment": {"type": "string", "description": "the one Pulumi ESC environment that holds the stack's "
                                                         "configuration, `<project>/<env>[@<version>]`; `make synth` "
                                                         "reads only `config`"},
}


def ecma_pattern(pattern: Union[re.Pattern, str]) -> str:
    """A Python pattern as a JSON Schema `pattern` (ECMA-262, unanchored search) that matches the
    whole text as `fullmatch` does. Named groups become plain groups: ECMA-262 spells them
    `(?<name>...)`, which Python's `re` (the tests' validator) does not read."""
    text = pattern.pattern if isinstance(pattern, re.Pattern) else pattern
    if isinstance(pattern, re.Pattern) and pattern.flags & ~(re.UNICODE | re.ASCII):
        raise ValueError(f"{text!r}: flags have no JSON Schema form")
    text = re.sub(r"\(\?P<\w+>", "(?:", text)
    if "(?P" in text or re.search(r"\(\?[aiLmsux]", text):
        raise ValueError(f"{text!r}: has Python-only syntax")
    return text if text.startswith("^") and text.endswith("$") else f"^(?:{text})$"


def _literal(text: str) -> str:
    """`text` as a pattern that matches it: only ECMA-262's syntax characters escaped (in its
    Unicode mode, which editors try first, escaping any other character is an error)."""
    return re.sub(r"([\\^$.|?*+()\[\]{}])", r"\\\1", text)


def _ref(name: str) -> dict:
    return {"$ref": f"#/definitions/{name}"}


# The closures of `matching(...)` and `follows(...)` carry their pattern and rule.
_MATCHING_CODE = matching(re.compile(""), "", "").func.__code__
_FOLLOWS_CODE = follows(NameRule("", re.compile(""), 1)).func.__code__

# Validators that check a value against a list or a pattern of their own: what they accept.
_CHECKED_BY: dict[Any, dict] = {
    _known_region: _ref(REGION),
    _encryption: {"anyOf": [{"enum": list(ENCRYPTION_MODES)}, {"pattern": ecma_pattern(KMS_KEY_ARN)}]},
    _point_in_time: {"pattern": ecma_pattern(RFC3339), "patternErrorMessage": "not an RFC 3339 time, e.g. "
                                                                            "2026-11-01T12:00:00Z"},
    _tag_value: {"maxLength": TAG_VALUE_MAX, "pattern": ecma_pattern(TAG_TEXT),
                 "patternErrorMessage": "letters, digits, spaces and + - = . _ : / only"},
    _tag_key: {"minLength": 1, "maxLength": TAG_KEY_MAX, "pattern": ecma_pattern(TAG_TEXT),
               "not": {"anyOf": [{"enum": list(STANDARD_TAGS)},
                                 {"pattern": "^" + "".join(f"[{c.lower()}{c.upper()}]" if c.isalpha() else _literal(c)
                                                           for c in RESERVED_TAG_PREFIX)}]}},
    # The shape only (cron(...) and its fields); each field's values are checked by `make synth`.
    _schedule: {"pattern": r"^\s*cron\(\s*\S+(\s+\S+){%d}\s*\)\s*$" % (len(_CRON_FIELDS) - 1),
                "patternErrorMessage": "not cron(minute hour day-of-month month day-of-week year); AWS Backup "
                                       "takes no rate()"},
}
# Rules (Python code) that check one field against a list: the field's schema is the list.
_RULE_CHECKED = {(AwsConfig, "region"): _ref(REGION)}


def _validators(metadata: list) -> list:
    return [item.func for item in metadata if isinstance(item, (AfterValidator, BeforeValidator))]


def _one_for_list(check: Any) -> bool:
    """Whether a before-validator reads one value as a list of it (`hashKey: id` for `[id]`)."""
    try:
        return check("x") == ["x"]
    except Exception:
        return False


def _unwrap(annotation: Any, metadata: list) -> tuple[Any, list]:
    """The type under Optional[...] and Annotated[...], with every constraint and validator."""
    metadata = list(metadata)
    while True:
        member = _optional_member(annotation)
        if member is not annotation:
            annotation = member
        elif typing.get_origin(annotation) is typing.Annotated:
            metadata += _annotated_metadata(annotation)
            annotation = typing.get_args(annotation)[0]
        else:
            return annotation, flat_metadata(metadata)


def accepts(annotation: Any, metadata: list, value: Any) -> bool:
    """Whether the program's validators of a value of this type accept `value` (as the model
    validates a field: strict)."""
    target = typing.Annotated[(annotation, *metadata)] if metadata else annotation
    try:
        adapter = TypeAdapter(target, config=ConfigDict(strict=True))
    except PydanticUserError:  # a model type carries its own config
        adapter = TypeAdapter(target)
    try:
        adapter.validate_python(value, context={})
    except (ValidationError, ValueError):
        return False
    return True


def _description(text: str) -> str:
    return " ".join(text.split())


def _field_description(model: type[BaseModel], name: str) -> str:
    """The field's description; for the provider's settings, the provider's own documentation."""
    field = model.model_fields[name]
    if field.description:
        return field.description
    if issubclass(model, AwsConfig):
        sources = [provider_settings._ExportableConfig, ProviderArgs]
    elif model.__module__ == provider.__name__:  # a structured setting: its `Provider...Args` class
        sources = [getattr(provider_inputs, f"{prefix}{model.__name__}Args", None) for prefix in ("", "Provider")]
    else:
        sources = []
    for source in sources:
        member = getattr(source, name, None) if source is not None else None
        if isinstance(member, property) and member.__doc__ and member.__doc__.strip():
            return _description(member.__doc__)
    return f"the AWS provider's `{field.alias or name}` setting" if issubclass(model, AwsConfig) else ""


def _default_value(field) -> Any:
    """The default as JSON, where it is a plain value (editors offer it)."""
    if field.default_factory is not None or isinstance(field.default, BaseModel):
        return None
    value = field.default
    return value if isinstance(value, (str, bool, int, float)) or value in ({}, []) else None


class _Builder:
    def __init__(self):
        self.definitions: dict[str, Any] = {}

    def value(self, annotation: Any, metadata: list = (), top: bool = False, key: bool = False) -> dict:
        """The schema of a value of `annotation`; `top`: a `config:` key's whole value, whose
        scalars reach the program as text; `key`: a map's key, never a secret."""
        original, original_metadata = annotation, list(metadata)
        annotation, metadata = _unwrap(annotation, metadata)
        validators = _validators(metadata)
        origin, args = typing.get_origin(annotation), typing.get_args(annotation)
        if origin is Union:
            node = {"anyOf": [self.value(member) for member in args if member is not type(None)]}
        elif origin is Literal:
            node = {"const": args[0]} if len(args) == 1 else {"enum": list(args)}
        elif origin is list:
            node = {"type": "array", "items": self.value(args[0])}
        elif origin is dict:
            node = {"type": "object"}
            names = self.value(args[0], key=True)
            names.pop("type", None)
            if names:
                node["propertyNames"] = names
            node["additionalProperties"] = self.value(args[1])
            # `{secure: ...}` is always a secret, never a map with the key `secure`: a whole map
            # as a secret is refused, as the program cannot check it.
            node["not"] = _ref(SECRET)
        elif isinstance(annotation, type) and issubclass(annotation, BaseModel):
            return self.model(annotation)
        elif annotation is Any:
            node = {}
        else:
            node = {"type": {bool: "boolean", int: "integer", float: "number", str: "string"}[annotation]}
        self._constrain(node, metadata, origin)
        for check in validators:
            self._checked(node, check)
        alternatives = [node]
        if _number_from_text in validators:
            alternatives.append(_ref(WHOLE_TEXT if annotation is int else NUMBER_TEXT))
        if _flag_from_text in validators:
            alternatives.append({"enum": ["true", "false"]})
        if backup_setting in validators:
            alternatives.append({"const": "false"})
        if origin is list and any(_one_for_list(check) for check in validators):
            alternatives.append(node["items"])
        if top and annotation is str:
            alternatives += self._text_of_scalars(original, original_metadata)
        if not key and origin not in (list, dict) and accepts(original, original_metadata, SECRET_PLACEHOLDER):
            alternatives.append(_ref(SECRET))
        if len(alternatives) == 1:
            return node
        # A union's members and the other alternatives: one list.
        return {"anyOf": [member for alternative in alternatives
                          for member in (alternative["anyOf"] if list(alternative) == ["anyOf"] else [alternative])]}

    @staticmethod
    def _constrain(node: dict, metadata: list, origin: Any) -> None:
        size = {list: ("minItems", "maxItems"), dict: ("minProperties", "maxProperties")}.get(
            origin, ("minLength", "maxLength"))
        for item in metadata:
            for kind, attribute, keyword in ((annotated_types.Ge, "ge", "minimum"), (annotated_types.Le, "le", "maximum"),
                                             (annotated_types.Gt, "gt", "exclusiveMinimum"),
                                             (annotated_types.Lt, "lt", "exclusiveMaximum")):
                if isinstance(item, kind):
                    node[keyword] = getattr(item, attribute)
            if isinstance(item, annotated_types.MinLen) and item.min_length > 0:
                node[size[0]] = item.min_length
            if isinstance(item, annotated_types.MaxLen):
                node[size[1]] = item.max_length

    @staticmethod
    def _checked(node: dict, check: Any) -> None:
        code = getattr(check, "__code__", None)
        if code is _MATCHING_CODE:
            found = inspect.getclosurevars(check).nonlocals
            node.update(pattern=ecma_pattern(found["pattern"]),
                        patternErrorMessage=f"not {found['what']}: {found['fix']}")
        elif code is _FOLLOWS_CODE:
            rule = inspect.getclosurevars(check).nonlocals["name_rule"]
            node.update(minLength=rule.min_length, maxLength=rule.max_length, pattern=ecma_pattern(rule.pattern),
                        patternErrorMessage=f"{rule.what}: {rule.min_length}-{rule.max_length} of {rule.allowed}")
        elif check in _CHECKED_BY:
            checked = json.loads(json.dumps(_CHECKED_BY[check]))
            if "$ref" in checked:  # in draft-07 the keywords beside a `$ref` are ignored
                node.clear()
            node.update(checked)

    @staticmethod
    def _text_of_scalars(annotation: Any, metadata: list) -> list[dict]:
        """The YAML numbers and booleans whose text the program accepts for a text key."""
        types = [kind for kind, texts in _TEXT_OF.items() if all(accepts(annotation, metadata, t) for t in texts)]
        if "number" in types and "integer" in types:
            types.remove("integer")
        return [{"type": types[0] if len(types) == 1 else types}] if types else []

    def model(self, model: type[BaseModel]) -> dict:
        name = model.__name__
        if name not in self.definitions:
            self.definitions[name] = {}  # taken, while its fields are built
            doc = model.__dict__.get("__doc__")
            node = {"type": "object", **({"description": _description(doc.split("\n\n")[0])} if doc else {}),
                    "properties": self.fields(model), "additionalProperties": False}
            required = [field.alias or field_name for field_name, field in model.model_fields.items()
                        if _default(field) == "required"]
            if required:
                node["required"] = required
            self.definitions[name] = node
        return _ref(name)

    def fields(self, model: type[BaseModel], prefix: str = "", top: bool = False,
               keep: typing.Callable[[str], bool] = lambda key: True) -> dict[str, dict]:
        properties = {}
        for name, field in model.model_fields.items():
            key = field.alias or name
            if not keep(key):
                continue
            description = _field_description(model, name)
            if (model, name) in _RULE_CHECKED:
                node = dict(_RULE_CHECKED[(model, name)])
            else:
                node = self.value(field.annotation, field.metadata, top=top)
            default, value = _default(field), _default_value(field)
            if default not in ("required", "none", "defaults") and value not in ({}, []):
                description = f"{description} (default: {default})" if description else f"default: {default}"
            if "$ref" in node:
                node = {**node, **({"description": description} if description else {})}
            else:
                node = {**({"description": description} if description else {}), **node}
                if value is not None:
                    node["default"] = value
            properties[prefix + key] = node
        return properties

    def config(self) -> dict:
        required = [f"{PROVIDER_NAMESPACE}:{field.alias or name}" for name, field in AwsConfig.model_fields.items()
                    if _default(field) == "required"]
        required += [f"{NAMESPACE}:{field.alias or name}" for name, field in StackConfig.model_fields.items()
                     if _default(field) == "required" and name != "aws"]
        # `aws:region` first, then this program's keys, then the rest of the provider's.
        properties = {
            **self.fields(AwsConfig, f"{PROVIDER_NAMESPACE}:", top=True, keep=lambda key: key == "region"),
            **self.fields(StackConfig, f"{NAMESPACE}:", top=True, keep=lambda key: key != "aws"),
            **self.fields(AwsConfig, f"{PROVIDER_NAMESPACE}:", top=True, keep=lambda key: key != "region"),
        }
        return {
            "type": "object",
            "description": f"`{NAMESPACE}:<key>` settings of this program and `{PROVIDER_NAMESPACE}:<key>` settings "
                           "of the AWS provider. Keys of other namespaces are not read (synth warns about them), "
                           f"nor are unknown `{PROVIDER_NAMESPACE}:` keys (warned too); an unknown "
                           f"`{NAMESPACE}:` key, or a key without a namespace, is an error. {RULES_NOTE}",
            "properties": properties,
            "required": required,
            # Other namespaces (`pulumi:`, another program's) and `aws:` keys the provider does not have.
            "patternProperties": {f"^(?!{_literal(NAMESPACE)}:)[^:]*:[^:]*$": {}},
            "additionalProperties": False,
        }


def stack_file_schema() -> dict:
    builder = _Builder()
    config = builder.config()
    definitions = {
        SECRET: {"type": "object", "description": "a secret: `pulumi config set --secret` writes its ciphertext here; "
                                                  "synth cannot decrypt it, and checks what it can without the value",
                 "properties": {"secure": {"type": "string", "description": "the ciphertext"}},
                 "required": ["secure"], "additionalProperties": False},
        NUMBER_TEXT: {"type": "string", "pattern": _NUMBER_TEXT.pattern,
                      "description": "a number written as text (`pulumi config set --path` stores 72.5 so); its "
                                     "range is checked by `make synth`"},
        WHOLE_TEXT: {"type": "string", "pattern": _WHOLE_TEXT.pattern,
                     "description": "a whole number written as text; its range is checked by `make synth`"},
        REGION: {"type": "string", "description": "an AWS region the provider knows", "enum": list(KNOWN_REGIONS)},
        **dict(sorted(builder.definitions.items())),
    }
    return {
        "$schema": DRAFT,
        "$comment": "Generated from the config models by `make schema` (python -m components.config.schema); "
                    "do not edit.",
        "title": f"{NAMESPACE} stack file (Pulumi.<stack>.yaml)",
        "description": f"A stack file of the {NAMESPACE} Pulumi program: its keys, types, enums, AWS's limits and "
                       f"patterns. {RULES_NOTE}",
        "type": "object",
        "properties": {"config": config, **PULUMI_KEYS},
        "required": ["config"],
        "definitions": definitions,
    }


WIDTH = 120


def _format(value: Any, indent: int = 0, column: int = 0) -> str:
    """JSON with each map or list on one line where it fits in WIDTH columns, else one entry a
    line: short to read, and a change to one key is a change to few lines."""
    compact = json.dumps(value, ensure_ascii=False)
    if not isinstance(value, (dict, list)) or not value or column + len(compact) + 1 <= WIDTH:
        return compact
    pad = " " * (indent + 2)
    if isinstance(value, dict):
        entries = []
        for name, item in value.items():
            head = f"{pad}{json.dumps(name, ensure_ascii=False)}: "
            entries.append(head + _format(item, indent + 2, len(head)))
    else:
        entries = [pad + _format(item, indent + 2, len(pad)) for item in value]
    opening, closing = ("{", "}") if isinstance(value, dict) else ("[", "]")
    return opening + "\n" + ",\n".join(entries) + "\n" + " " * indent + closing


def render() -> str:
    return _format(stack_file_schema()) + "\n"


if __name__ == "__main__":
    parser = argparse.ArgumentParser(prog="python -m components.config.schema", description=__doc__.split("\n\n")[0])
    parser.add_argument("path", type=Path, nargs="?", default=DEFAULT_PATH, help="where to write the schema")
    target = parser.parse_args().path
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(render())
