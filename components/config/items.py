"""Seed items (`tables.<key>.items`): plain JSON values in the stack file, DynamoDB JSON for the
provider's `aws.dynamodb.TableItem`, each checked against what DynamoDB would refuse.

Typing. An attribute listed in the table's `attributes` takes that type: `S` is text, `N` a number
or numeric text (`pulumi config set --path` stores a float as text, a secret arrives as text, and
text keeps digits a double would lose), `B` base64 text. The TTL attribute is a number. Any other
attribute is typed from its JSON value, all the way down: text `S`, number `N`, true/false `BOOL`,
null `NULL`, list `L`, map `M`. Sets (`SS`, `NS`, `BS`) are never made: a YAML list cannot say
that it is one, and DynamoDB treats a set differently from a list in conditions and updates.

Limits, from the DynamoDB developer guide: "Service, account, and table quotas" and "Supported data
types and naming rules" (38 significant digits, magnitudes 1E-130 to 9.99...E+125; partition key
values 1-2048 bytes, sort key values 1-1024; attribute names at most 64 KB; lists and maps nest
32 levels deep; an item at most 400 KB), "DynamoDB item sizes and formats" (how an item's size
is counted: this program estimates it the same way), and the 2020-05-18 announcement of empty
values (empty text and binary are allowed everywhere except in a key of the table or of an index).
"""

import binascii
import hashlib
import json
import math
import re
from base64 import b64decode, b64encode
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Mapping, Optional

from ..errors import SECRET_PLACEHOLDER, Path, Problem
from .base import _NUMBER_TEXT, NAMES_ARE_NEVER_SECRET

# Each item is a resource in every plan and a PutItem of its own; the provider's docs say
# TableItem "is not meant to be used for managing large amounts of data". A hundred seeds a
# table's reference data and keeps a preview readable; more is a data load.
MAX_ITEMS = 100
MAX_ITEM_BYTES = 400 * 1024
KEY_VALUE_BYTES = {"partition": 2048, "sort": 1024}
MAX_ATTRIBUTE_NAME_BYTES = 64 * 1024
MAX_NUMBER_DIGITS = 38
FLOAT_DIGITS = 15  # the decimal digits a 64-bit float always keeps (IEEE 754 binary64)
# The exponent of a number's leading digit: 1E-130 is the smallest magnitude DynamoDB stores,
# 9.9999999999999999999999999999999999999E+125 the largest.
NUMBER_EXPONENTS = (-130, 125)
MAX_NESTING = 32
# Key values that can stand in a resource name as they are; others are left to the digest.
_NAME_SAFE = re.compile(r"[A-Za-z0-9_.@-]+")
_NAME_LABEL_MAX = 40


@dataclass(frozen=True)
class ItemSchema:
    """What types a table's items: its key attributes, and the attributes with a declared type."""

    hash_key: str
    range_key: Optional[str]
    types: Mapping[str, str]  # attribute -> S, N or B

    @property
    def keys(self) -> list[tuple[str, str]]:
        """(attribute, which key) of the table's key."""
        return [(self.hash_key, "partition"), *([(self.range_key, "sort")] if self.range_key else [])]


@dataclass(frozen=True)
class SeedItem:
    attributes: dict[str, dict]  # DynamoDB JSON
    key: tuple[str, ...]  # one text per key attribute, equal when DynamoDB sees one key (1 and 1.0)
    label: str  # the key values as a resource name can show them, or "" when they are not short and plain

    @property
    def json(self) -> str:
        return json.dumps(self.attributes, sort_keys=True, ensure_ascii=False)

    @property
    def name_suffix(self) -> str:
        """Stable for a key wherever the item stands in the list, and distinct per key: the
        digest, of fixed length, ends the name, so no two keys' names can be alike."""
        digest = hashlib.sha256(json.dumps(self.key).encode()).hexdigest()[:12]
        return f"{self.label}-{digest}" if self.label else digest


class _Refused(Exception):
    def __init__(self, path: Path, reason: str, fix: str):
        super().__init__(reason)
        self.problem = Problem(path, reason, fix)


def seed_items(items: list[dict[str, Any]], schema: ItemSchema) -> tuple[list[SeedItem], list[Problem]]:
    """The items as DynamoDB would store them, and what DynamoDB (or this program) would refuse.
    Paths are below the table: `items[<n>].<attribute>`."""
    if len(items) > MAX_ITEMS:
        return [], [Problem(("items",), f"{len(items)} seed items; at most {MAX_ITEMS} per table are written as "
                            "resources of the stack", "keep the reference data a table needs to start; load more with "
                            "a script (BatchWriteItem) or DynamoDB's import from S3")]
    seeded, problems = [], []
    first_of_key: dict[tuple[str, ...], int] = {}
    for number, item in enumerate(items):
        path = ("items", number)
        attributes, sizes, key, refused = {}, {}, [], []
        for name, value in item.items():
            try:
                attributes[name], sizes[name], canonical, label = _attribute(name, value, (*path, name), schema)
            except _Refused as refusal:
                refused.append(refusal.problem)
                continue
            if name in (schema.hash_key, schema.range_key):
                key.append((name, canonical, label))
        refused += _key_problems(item, path, schema) + _size_problems(item, path, sizes)
        problems += refused
        if refused:  # a duplicate of a broken key would only repeat its problem
            continue
        key.sort(key=lambda entry: entry[0] != schema.hash_key)
        canonical_key = tuple(canonical for _, canonical, _ in key)
        if canonical_key in first_of_key:
            problems.append(Problem((*path, schema.hash_key), f"items[{first_of_key[canonical_key]}] has the same key "
                                    f"({', '.join(f'{n} {_shown(item[n])}' for n, _, _ in key)}): DynamoDB holds one "
                                    "item per key", "give each item its own key, or remove one of the two"))
            continue
        first_of_key[canonical_key] = number
        label = "-".join(part for _, _, part in key)
        safe = all(part for _, _, part in key) and len(label) <= _NAME_LABEL_MAX
        seeded.append(SeedItem(attributes, canonical_key, label if safe else ""))
    return seeded, problems


def empty_index_keys(items: list[dict[str, Any]], types: Mapping[str, str],
                     index_keys: Mapping[str, str]) -> list[Problem]:
    """Text and binary may be empty, except in a key of the table or of an index; an index key
    value has the table key's limits (`index_keys`: name -> "partition" or "sort", the strictest
    role it has in any index)."""
    problems = []
    for number, item in enumerate(items):
        for name, which in index_keys.items():
            value = item.get(name)
            if not isinstance(value, str) or value == SECRET_PLACEHOLDER or types.get(name) not in ("S", "B"):
                continue
            try:
                size = len(_binary(value, (), "")) if types[name] == "B" else _utf8(value)
            except _Refused:
                continue  # refused as the attribute it is
            if size == 0:
                problems.append(Problem(("items", number, name), f"{name} is a key of an index, and an index key "
                                        "cannot be empty", f"give {name} a value, or leave it out of the item (the "
                                        "item is then not in the index)"))
            elif size > KEY_VALUE_BYTES[which]:
                problems.append(Problem(("items", number, name), f"{name} is a {which} key of an index, and its "
                                        f"value has {size} bytes; DynamoDB allows 1-{KEY_VALUE_BYTES[which]}",
                                        f"shorten it to at most {KEY_VALUE_BYTES[which]} bytes"))
    return problems


def _attribute(name: str, value: Any, path: Path, schema: ItemSchema) -> tuple[dict, int, str, str]:
    """(DynamoDB JSON, size in bytes, canonical text, name label) of a top-level attribute."""
    declared = schema.types.get(name)
    is_key = name in (schema.hash_key, schema.range_key)
    if value == SECRET_PLACEHOLDER and is_key:
        raise _Refused(path, f"{NAMES_ARE_NEVER_SECRET[0]}: a key value names the item's resource",
                       NAMES_ARE_NEVER_SECRET[1])
    if declared is None:
        attribute, size = _untyped(value, path, 0)
        return attribute, size, "", ""
    if value == SECRET_PLACEHOLDER:  # checked when `pulumi up` runs with the value
        return {declared: value}, len(value), "", ""
    what = f"the {'key ' if is_key else ''}attribute {name} is typed {declared}"
    if declared == "S":
        if not isinstance(value, str):
            raise _Refused(path, f"{what} (text), but the value is {_kind(value)}", _text_fix(value, is_key))
        return {"S": value}, _utf8(value), value, value if _NAME_SAFE.fullmatch(value) else ""
    if declared == "N":
        numeric_text = isinstance(value, str) and _NUMBER_TEXT.fullmatch(value)
        if isinstance(value, bool) or not (isinstance(value, (int, float)) or numeric_text):
            raise _Refused(path, f"{what} (a number), but the value is {_kind(value)}"
                           + (f" {_shown(value)}" if isinstance(value, str) else ""),
                           "write a number, e.g. 42 or 12.5" + ("" if is_key else ", or leave the attribute out"))
        text, canonical, size = _number(value, path)
        plain = format(Decimal(canonical), "f")
        return {"N": text}, size, canonical, plain if _NAME_SAFE.fullmatch(plain) else ""
    raw = _binary(value, path, what)
    return {"B": b64encode(raw).decode()}, len(raw), b64encode(raw).decode(), ""


def _untyped(value: Any, path: Path, depth: int) -> tuple[dict, int]:
    """An attribute typed from its JSON value, and its size (DynamoDB's estimate)."""
    if value is None:
        return {"NULL": True}, 1
    if isinstance(value, bool):
        return {"BOOL": value}, 1
    if isinstance(value, (int, float)):
        text, _, size = _number(value, path)
        return {"N": text}, size
    if isinstance(value, str):
        return {"S": value}, _utf8(value)
    if depth >= MAX_NESTING:
        raise _Refused(path, f"lists and maps nest more than {MAX_NESTING} levels deep; DynamoDB allows "
                       f"{MAX_NESTING}", "flatten the value, or store it as JSON text")
    # A list or map costs 3 bytes, and each element 1 more.
    if isinstance(value, list):
        elements = [_untyped(element, (*path, n), depth + 1) for n, element in enumerate(value)]
        return {"L": [element for element, _ in elements]}, 3 + sum(size + 1 for _, size in elements)
    members = {key: _untyped(member, (*path, key), depth + 1) for key, member in value.items()}
    return ({"M": {key: member for key, (member, _) in members.items()}},
            3 + sum(_utf8(key) + size + 1 for key, (_, size) in members.items()))


def _number(value: Any, path: Path) -> tuple[str, str, int]:
    """(text DynamoDB receives, canonical text, size) of a number or numeric text."""
    if isinstance(value, float) and not math.isfinite(value):
        raise _Refused(path, f"{value!r} is not a finite number", "write a finite number, e.g. 42")
    exact = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    sign, digits, exponent = exact.as_tuple()
    significant = "".join(map(str, digits)).rstrip("0")  # Decimal keeps no leading zeros
    if not significant:
        return "0", "0", 1
    if len(significant) > MAX_NUMBER_DIGITS:
        raise _Refused(path, f"{_shown(value)} has {len(significant)} significant digits; DynamoDB keeps at most "
                       f"{MAX_NUMBER_DIGITS}", f"round it to {MAX_NUMBER_DIGITS} digits, or store it as text")
    if not NUMBER_EXPONENTS[0] <= exact.adjusted() <= NUMBER_EXPONENTS[1]:
        raise _Refused(path, f"{_shown(value)} is outside DynamoDB's number range (magnitudes 1E-130 to "
                       "9.99E+125, and zero)", "use a number within that range, or store it as text")
    if isinstance(value, float) and len(repr(abs(value)).replace(".", "").split("e")[0].strip("0")) > FLOAT_DIGITS:
        # YAML reads such a number as a 64-bit float, which keeps 15 digits: what reaches the
        # program is no longer what was written (synth also says so of the stack file's text).
        raise _Refused(path, f"{_shown(value)} reaches the program as a 64-bit float, which keeps only "
                       f"{FLOAT_DIGITS} significant digits: it may not be the number written",
                       "write it in quotes as text, and list the attribute as N under `attributes` so it stays a "
                       "number")
    fraction = f".{significant[1:]}" if significant[1:] else ""
    canonical = f"{'-' if sign else ''}{significant[0]}{fraction}E{exact.adjusted()}"
    # Written as read, unless trailing zeros take it past 38 digits (10**40 goes as 1E+40).
    text = str(exact) if len(digits) <= MAX_NUMBER_DIGITS else str(Decimal(canonical))
    return text, canonical, (len(significant) + 1) // 2 + 1


def _binary(value: Any, path: Path, what: str) -> bytes:
    """Binary is written as base64 text (standard alphabet, `=` padding; line breaks ignored)."""
    fix = "write the bytes as base64 text, e.g. the output of `base64 < file`"
    if not isinstance(value, str):
        raise _Refused(path, f"{what} (binary, as base64 text), but the value is {_kind(value)}", fix)
    try:
        return b64decode(re.sub(r"\s+", "", value), validate=True)
    except (binascii.Error, ValueError):
        raise _Refused(path, f"{what} (binary), but {_shown(value)} is not base64 text", fix) from None


def _key_problems(item: dict[str, Any], path: Path, schema: ItemSchema) -> list[Problem]:
    problems = []
    for name, which in schema.keys:
        if name not in item:
            problems.append(Problem((*path, name), f"the item has no {name}, the table's {which} key",
                                    f"add `{name}: <value>` to the item: every item carries the table's key"))
            continue
        value, declared = item[name], schema.types.get(name)
        if not isinstance(value, str) or value == SECRET_PLACEHOLDER or declared not in ("S", "B"):
            continue  # its type was checked with the attribute
        try:
            size = len(_binary(value, path, "")) if declared == "B" else _utf8(value)
        except _Refused:
            continue
        unit, limit = ("byte", "") if declared == "B" else ("character", " (UTF-8)")
        if size == 0:
            problems.append(Problem((*path, name), f"{name} is the table's {which} key, and a key cannot be empty",
                                    f"give {name} a value of at least one {unit}"))
        elif size > KEY_VALUE_BYTES[which]:
            most = KEY_VALUE_BYTES[which]
            problems.append(Problem((*path, name), f"the {which} key value has {size} bytes{limit}; DynamoDB allows "
                                    f"1-{most}", f"shorten it to at most {most} bytes"))
    return problems


def _size_problems(item: dict[str, Any], path: Path, sizes: dict[str, int]) -> list[Problem]:
    long_names = [name for name in item if _utf8(name) > MAX_ATTRIBUTE_NAME_BYTES]
    if long_names:
        return [Problem(path, f"an attribute name has {_utf8(long_names[0])} bytes; DynamoDB allows "
                        f"{MAX_ATTRIBUTE_NAME_BYTES}", "shorten the attribute name")]
    total = sum(_utf8(name) + size for name, size in sizes.items())
    if total <= MAX_ITEM_BYTES:
        return []
    largest = max(sizes, key=sizes.get)
    return [Problem(path, f"the item has about {total:,} bytes (names and values, counted as DynamoDB's developer "
                    f"guide estimates); DynamoDB allows {MAX_ITEM_BYTES:,} (400 KB)",
                    f"make it smaller: its largest attribute is {largest} ({sizes[largest]:,} bytes); keep large "
                    "values in S3 and store their location")]


def _text_fix(value: Any, is_key: bool) -> str:
    if isinstance(value, (bool, int, float)):
        # YAML has already read the unquoted value (012 became 12): echoing it could be wrong.
        return "put the value in quotes, exactly as meant (unquoted, YAML reads it as a number or boolean)"
    return "write it as text" + ("" if is_key else ", or leave the attribute out of the item")


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    return {bool: "a boolean", int: "a number", float: "a number", str: "text", list: "a list",
            dict: "a map"}.get(type(value), type(value).__name__)


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _utf8(text: str) -> int:
    return len(text.encode("utf-8", "surrogatepass"))
