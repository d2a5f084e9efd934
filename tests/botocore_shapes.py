"""AWS API models as botocore ships them, and a checker of requests against them.

botocore's own `ParamValidator` checks only required members, types and `min`; `shape_problems`
also checks `max` and `pattern`. Patterns are Java regular expressions, applied to the whole
value (`Pattern.matches`, as AWS's Java validators do). `java_regex` translates them for Python:
`\\uXXXX` escapes, UTF-16 surrogate pairs (`\\uD800\\uDC00-\\uDBFF\\uDFFF`, i.e.
U+10000-U+10FFFF), the POSIX classes `\\p{Print}`, `\\p{Alnum}`, ... in their default ASCII
meaning, and the Unicode categories `\\p{L}`, `\\p{Z}`, `\\p{N}` as ranges from `unicodedata`.
It refuses what it cannot translate (other `\\p{..}` classes, class intersections `&&`, nested
classes) with `Untranslatable`. Lengths are counted as Java does, in UTF-16 code units.
"""

import functools
import re
import sys
import unicodedata
from typing import Any

from botocore.loaders import create_loader
from botocore.model import ServiceModel
from botocore.utils import parse_timestamp


LOADER = create_loader()


@functools.cache
def service(name: str) -> dict:
    """A botocore service model (`service-2`), loaded once."""
    return LOADER.load_service_model(name, "service-2")


@functools.cache
def botocore_service(name: str) -> ServiceModel:
    return ServiceModel(service(name), service_name=name)


def shape(service_name: str, shape_name: str) -> dict:
    return service(service_name)["shapes"][shape_name]


# ---------------------------------------------------------------------------------------------
# Java regular expressions in Python

class Untranslatable(ValueError):
    pass


# java.util.regex.Pattern, "POSIX character classes (US-ASCII only)".
POSIX_CLASSES = {
    "Lower": "a-z", "Upper": "A-Z", "ASCII": r"\x00-\x7f", "Alpha": "a-zA-Z", "Digit": "0-9",
    "Alnum": "a-zA-Z0-9", "Punct": r"!-/:-@\[-`{-~", "Graph": r"\x21-\x7e", "Print": r"\x20-\x7e",
    "Blank": r" \t", "Cntrl": r"\x00-\x1f\x7f", "XDigit": "0-9a-fA-F", "Space": r" \t\n\x0b\f\r",
}
_SURROGATE_PAIR = re.compile(r"\\u(D[89AB][0-9A-F]{2})\\u(D[C-F][0-9A-F]{2})", re.IGNORECASE)
# java.util.regex.Pattern, "Categories": \p{L} letters, \p{Z} separators, \p{N} numbers, by the
# Unicode general category (the first letter of `unicodedata.category`).
UNICODE_CATEGORIES = ("L", "Z", "N")


@functools.cache
def _category_class(category: str) -> str:
    """The code points of a Unicode general category as character-class ranges (BMP and beyond)."""
    ranges: list[list[int]] = []
    for point in range(sys.maxunicode + 1):
        if unicodedata.category(chr(point)).startswith(category):
            if ranges and ranges[-1][1] == point - 1:
                ranges[-1][1] = point
            else:
                ranges.append([point, point])
    return "".join(f"\\U{low:08X}" + (f"-\\U{high:08X}" if high > low else "") for low, high in ranges)


def _code_point(match: re.Match) -> str:
    high, low = int(match[1], 16), int(match[2], 16)
    return "\\U%08X" % (0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00))


@functools.cache
def java_regex(pattern: str) -> re.Pattern:
    """`pattern`, a Java regex of a botocore model, compiled for Python (see the module's doc)."""
    source = _SURROGATE_PAIR.sub(_code_point, pattern)
    out: list[str] = []
    in_class = False
    i = 0
    while i < len(source):
        char = source[i]
        if char == "\\":
            if source[i + 1:i + 2] in ("p", "P"):
                end = source.find("}", i)
                name = source[i + 3:end] if source[i + 2:i + 3] == "{" else ""
                known = POSIX_CLASSES.get(name) or (name in UNICODE_CATEGORIES and _category_class(name))
                if not known or (in_class and source[i + 1] == "P"):
                    raise Untranslatable(f"{pattern!r}: \\{source[i + 1]}{{{name}}}")
                body = known
                out.append(body if in_class else f"[{'^' if source[i + 1] == 'P' else ''}{body}]")
                i = end + 1
                continue
            out.append(source[i:i + 2])
            i += 2
            continue
        if char == "[":
            if in_class:
                raise Untranslatable(f"{pattern!r}: nested character class")
            in_class = True
            out.append(char)
            # A `]` right after `[` or `[^` is literal.
            for literal in ("^]", "]", "^"):
                if source.startswith(literal, i + 1):
                    out.append(literal)
                    i += len(literal)
                    break
            i += 1
            continue
        if char == "]" and in_class:
            in_class = False
        elif char == "&" and in_class and source[i + 1:i + 2] == "&":
            raise Untranslatable(f"{pattern!r}: class intersection")
        out.append(char)
        i += 1
    return re.compile("".join(out))


def java_length(text: str) -> int:
    """String.length(): UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


# ---------------------------------------------------------------------------------------------
# The shape checker

def _bounds(spec: dict, measure: float, where: str, what: str) -> list[str]:
    problems = []
    if "min" in spec and measure < spec["min"]:
        problems.append(f"{where}: {what} {measure} is below the model's min {spec['min']}")
    if "max" in spec and measure > spec["max"]:
        problems.append(f"{where}: {what} {measure} is above the model's max {spec['max']}")
    return problems


def shape_problems(service_name: str, shape_name: str, value: Any, where: str) -> list[str]:
    """Everything about `value` that the shape `shape_name` of `service_name` refuses."""
    spec = shape(service_name, shape_name)
    kind = spec["type"]
    if kind == "structure":
        if not isinstance(value, dict):
            return [f"{where}: a {shape_name} structure expected, got {type(value).__name__}"]
        members = spec["members"]
        problems = [f"{where}.{name}: required by {shape_name} but missing"
                    for name in spec.get("required", []) if value.get(name) is None]
        for name, member in value.items():
            if name not in members:
                problems.append(f"{where}.{name}: {shape_name} has no member {name}")
            elif member is not None:
                problems += shape_problems(service_name, members[name]["shape"], member, f"{where}.{name}")
        if spec.get("union") and sum(v is not None for v in value.values()) != 1:
            problems.append(f"{where}: {shape_name} is a union, exactly one member must be set")
        return problems
    if kind == "list":
        if not isinstance(value, list):
            return [f"{where}: a list ({shape_name}) expected, got {type(value).__name__}"]
        problems = _bounds(spec, len(value), where, "item count")
        for number, item in enumerate(value):
            problems += shape_problems(service_name, spec["member"]["shape"], item, f"{where}[{number}]")
        return problems
    if kind == "map":
        if not isinstance(value, dict):
            return [f"{where}: a map ({shape_name}) expected, got {type(value).__name__}"]
        problems = _bounds(spec, len(value), where, "entry count")
        for key, item in value.items():
            problems += shape_problems(service_name, spec["key"]["shape"], key, f"{where} key {key!r}")
            problems += shape_problems(service_name, spec["value"]["shape"], item, f"{where}[{key!r}]")
        return problems
    if kind == "string":
        if not isinstance(value, str):
            return [f"{where}: a string ({shape_name}) expected, got {type(value).__name__}"]
        problems = _bounds(spec, java_length(value), where, "length")
        if "enum" in spec and value not in spec["enum"]:
            problems.append(f"{where}: {value!r} is not one of {shape_name}'s values {spec['enum']}")
        if "pattern" in spec and not java_regex(spec["pattern"]).fullmatch(value):
            problems.append(f"{where}: {value!r} does not match {shape_name}'s pattern {spec['pattern']}")
        return problems
    if kind in ("integer", "long"):
        if not isinstance(value, int) or isinstance(value, bool):
            return [f"{where}: an integer ({shape_name}) expected, got {value!r}"]
        return _bounds(spec, value, where, "value")
    if kind in ("double", "float"):
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            return [f"{where}: a number ({shape_name}) expected, got {value!r}"]
        return _bounds(spec, value, where, "value")
    if kind == "boolean":
        return [] if isinstance(value, bool) else [f"{where}: a boolean ({shape_name}) expected, got {value!r}"]
    if kind == "timestamp":  # what botocore's serializer takes: a datetime, epoch seconds or an ISO 8601 text
        try:
            parse_timestamp(value)
        except (TypeError, ValueError):
            return [f"{where}: a timestamp ({shape_name}) expected, got {value!r}"]
        return []
    return [f"{where}: this checker does not handle {kind} shapes ({shape_name})"]


def request_problems(service_name: str, operation: str, params: dict) -> list[str]:
    input_shape = service(service_name)["operations"][operation]["input"]["shape"]
    return shape_problems(service_name, input_shape, params, f"{service_name}.{operation}")


