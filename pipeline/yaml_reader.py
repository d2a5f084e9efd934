"""A YAML document read as the Pulumi CLI reads stack files (go-yaml v3, decoding into
`interface{}`), with the line of every key and every problem the CLI would refuse the file for.

- Plain scalars resolve as go-yaml's `resolve()` does. Booleans are YAML 1.2's only (`true`,
  `True`, `TRUE`, `false`, ...): `yes`, `no`, `on`, `off`, `y`, `n` stay text. Nulls are `~`,
  `null`, `Null`, `NULL` and the empty value. Numbers are go-yaml's: YAML 1.2 ints and floats,
  `.inf`/`.nan`, plus what go-yaml also accepts (`0x1F`, `0o17`, `0b101`, `1_000`, and the YAML 1.1
  octal `0777`). Dates and timestamps (`2024-01-01`, `2024-01-01T10:00:00Z`) stay the text as
  written: go-yaml hands them as strings to code that decodes into `interface{}`, as Pulumi does.
- Every duplicate mapping key, at any depth, is a problem with both lines (go-yaml refuses them).
- A document whose aliases expand without bound ("billion laughs") is refused with go-yaml's own
  rule (`allowedAliasRatio`), without expanding anything; nesting deeper than go-yaml's 10000
  levels is refused too.
- Only the first document of the file is read, as `yaml.Unmarshal` does.
- A `{secure: <ciphertext>}` map is Pulumi's secret: it becomes the `SECURE` leaf.

Why PyYAML and not ruamel.yaml: PyYAML's libyaml binding (`CParser`) is the same C parser go-yaml
was ported from, and it is ~10x faster than a pure-Python parser. This module takes only its event
stream and builds values itself, so PyYAML's YAML 1.1 resolver and its composer (recursive in C:
deep nesting crashes the process) never run; no new dependency is needed. ruamel.yaml would give
YAML 1.2 booleans and duplicate-key errors, but turns dates into `datetime.date`, stops at the
first duplicate instead of reporting them all, and its YAML 1.2 loader is pure Python (its C
loader is libyaml too). On the benchmark's 200-table file (105 kB) reading takes about half the
time of the previous `yaml.load(CSafeLoader)` reader (~25 ms against ~50 ms on 2 cores; the
pure-Python parser alone takes ~300 ms).
"""

import base64
import binascii
import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional

import yaml

from components.errors import SECRET_PLACEHOLDER

# libyaml's parser when PyYAML was built with it: a large estate's stack file parses ~10x faster.
_EVENT_SOURCE = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

# go-yaml's limits: yaml.v3 decode.go (allowedAliasRatio) and its scanner's maximum depth.
_ALIAS_RATIO_LOW, _ALIAS_RATIO_HIGH = 400_000, 4_000_000
MAX_DEPTH = 10_000


class StackFileError(Exception):
    """A stack or project file that cannot be read at all (missing, not UTF-8, not YAML, wrong
    shape, alias bomb). The message is one line: the file, the line when there is one, the fix."""


@dataclass(frozen=True)
class StackFileProblem:
    """A mistake in the file that the Pulumi CLI would refuse, found without stopping the read."""

    line: int
    key: str
    reason: str
    fix: str

    def render(self, stack_file: str) -> str:
        where = f"{stack_file}:{self.line}: {self.key}: " if self.key else f"{stack_file}:{self.line}: "
        return f"{where}{self.reason}. Fix: {self.fix}"


class _Secret:
    """A `{secure: <ciphertext>}` leaf. synth cannot decrypt it; it never shows the ciphertext."""

    def __repr__(self) -> str:
        return SECRET_PLACEHOLDER


SECURE = _Secret()


def contains_secure(value: Any) -> bool:
    if value is SECURE:
        return True
    if isinstance(value, dict):
        return any(contains_secure(item) for item in value.values())
    if isinstance(value, list):
        return any(contains_secure(item) for item in value)
    return False

_SPECIAL: dict[str, Any] = {
    **dict.fromkeys(("true", "True", "TRUE"), True),
    **dict.fromkeys(("false", "False", "FALSE"), False),
    **dict.fromkeys(("", "~", "null", "Null", "NULL"), None),
    **dict.fromkeys((".nan", ".NaN", ".NAN"), math.nan),
    **dict.fromkeys((".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF"), math.inf),
    **dict.fromkeys(("-.inf", "-.Inf", "-.INF"), -math.inf),
}
_NUMBER_START = frozenset("0123456789+-")
# strconv.ParseInt(s, 0, 64) syntax, after go-yaml removed the underscores.
_GO_INT = re.compile(r"[-+]?(?:0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)")
_YAML_FLOAT = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?")
_DOT_FLOAT = re.compile(r"\.[0-9]+(?:[eE][-+]?[0-9]+)?")
_TIMESTAMP = re.compile(r"[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:[Tt ][0-9]{1,2}:[0-9]{1,2}:[0-9]{1,2}(?:\.[0-9]*)?"
                        r"(?:Z|[+-][0-9]{2}:[0-9]{2})?)?")
_INT64_MIN, _INT64_END, _UINT64_END = -(2 ** 63), 2 ** 63, 2 ** 64
FLOAT_DIGITS = 15  # the decimal digits a float64 always keeps (IEEE 754 binary64)
_YAML_TAG = "tag:yaml.org,2002:"


def _resolve_plain(text: str) -> Any:
    special = _SPECIAL.get(text, text)
    if special is not text or not text:
        return special
    first = text[0]
    if first == ".":
        return _float(text) if _DOT_FLOAT.fullmatch(text) else text
    if first not in _NUMBER_START:
        return text
    plain = text.replace("_", "")
    if _GO_INT.fullmatch(plain):
        number = _go_int(plain)
        if number is not None:
            return number
    if _YAML_FLOAT.fullmatch(plain):
        return _float(plain)
    return text


def _loses_digits(text: str) -> bool:
    """A number literal go-yaml cannot keep (an integer past 64 bits is read as a float64 too)
    and whose loss the program cannot see: the float it gets shows no more than 15 digits, as
    `99999999999999999999` arrives as 1e20. (A float that shows more, the seed items refuse.)"""
    plain = text.replace("_", "")
    if _GO_INT.fullmatch(plain) and _go_int(plain) is not None:
        return False  # an exact 64-bit integer
    if not _YAML_FLOAT.fullmatch(plain):
        return False
    return _significant(plain) > FLOAT_DIGITS >= _significant(repr(abs(float(plain))))


def _significant(number: str) -> int:
    return len(re.split(r"[eE]", number.lstrip("+-"))[0].replace(".", "").strip("0"))


def _go_int(plain: str) -> Optional[int]:
    digits = plain.lstrip("+-")
    prefix = digits[:2].lower()
    if prefix in ("0x", "0o", "0b"):
        number = int(digits[2:], {"0x": 16, "0o": 8, "0b": 2}[prefix])
    elif len(digits) > 1 and digits[0] == "0":
        number = int(digits[1:], 8)
    else:
        number = int(digits)
    if plain[0] == "-":
        number = -number
    if _INT64_MIN <= number < _INT64_END or (plain[0] not in "+-" and number < _UINT64_END):
        return number
    return None  # strconv fails; go-yaml then tries it as a float


def _float(text: str) -> Any:
    number = float(text)
    if math.isinf(number):
        return text  # strconv.ParseFloat reports the overflow, and go-yaml keeps the text
    return _whole(number)


def _whole(number: float) -> Any:
    """Go's JSON writes a whole float64 like an integer (below 1e21); so does this module."""
    return int(number) if number.is_integer() and abs(number) < 1e21 else number


def _resolve_tagged(tag: str, text: str) -> tuple[Any, Optional[str]]:
    """A scalar with an explicit tag: its value, or the text and why the tag does not fit."""
    short = "!!" + tag[len(_YAML_TAG):] if tag.startswith(_YAML_TAG) else tag
    if short == "!!str":
        return text, None
    if short == "!!binary":
        try:
            return base64.b64decode("".join(text.split()), validate=True).decode("utf-8", "replace"), None
        except (binascii.Error, ValueError):
            return text, f"`{text}` is not base64, which !!binary needs"
    if short not in ("!!int", "!!float", "!!bool", "!!null", "!!timestamp"):
        return text, None  # go-yaml keeps the text of a scalar with a tag it does not know
    value = _resolve_plain(text)
    kind = {bool: "!!bool", int: "!!int", float: "!!float", type(None): "!!null"}.get(type(value), "!!str")
    if kind == "!!str" and _TIMESTAMP.fullmatch(text):
        kind = "!!timestamp"
    if kind == short:
        return value, None
    if short == "!!float" and kind == "!!int":
        return _whole(float(value)), None
    return text, f"cannot decode `{text}` as {short}"


class _Collection:
    __slots__ = ("value", "is_map", "key", "lines", "line", "anchor", "start", "secret", "merges", "height")

    def __init__(self, value, is_map, line, anchor, start):
        self.value = value
        self.is_map = is_map
        self.key = _NO_KEY  # maps: the key whose value comes next
        self.lines: dict[str, int] = {}  # maps: each key's first line
        self.line = line
        self.anchor = anchor
        self.start = start
        self.secret = False
        self.merges: list[tuple[Any, int]] = []
        self.height = 0  # the deepest nesting below it so far


_NO_KEY, _MERGE, _SKIP = object(), object(), object()


class YamlReader:
    """Builds a file's first YAML document from libyaml's events, as go-yaml decodes it into
    `interface{}`, collecting the problems the CLI would refuse the file for."""

    def __init__(self, path: Path, if_missing: str = "check the stack name (a stack's file is Pulumi.<stack>.yaml "
                 "in the project root), or name another file with --config", max_height: int = MAX_DEPTH,
                 too_deep: str = f"nested deeper than {MAX_DEPTH} levels (go-yaml's limit, so the Pulumi CLI refuses "
                                 "it too)"):
        """`max_height`: how deeply a value may nest, aliases expanded (`too_deep` says why not)."""
        self.path = path
        self.if_missing = if_missing
        self.max_height = max_height
        self.too_deep = too_deep
        self.problems: list[StackFileProblem] = []
        self.root_line = 1
        self.root_lines: dict[str, int] = {}  # top-level keys of the document
        self.config_lines: dict[str, int] = {}  # keys under `config:`
        self.stack: list[_Collection] = []
        self.anchors: dict[str, tuple[Any, int, bool]] = {}  # value, decodes, contains a secret
        self.open_anchors: dict[str, int] = {}
        self.decodes = 0
        self.alias_decodes = 0
        self.document: Any = None
        self.done = False

    def fail(self, line: Optional[int], what: str, fix: str) -> StackFileError:
        where = f"{self.path}:{line}" if line else f"{self.path}"
        return StackFileError(f"{where}: {what}. Fix: {fix}")

    def read(self) -> Any:
        text = self._text()
        events = _EVENT_SOURCE(text)
        try:
            return self._build(events)
        except yaml.MarkedYAMLError as error:
            mark = error.problem_mark or error.context_mark
            what = ": ".join(filter(None, [error.context, error.problem]))
            raise self.fail(mark.line + 1 if mark else None, f"not valid YAML: {' '.join(what.split())}",
                            "correct the YAML at that line (indentation, quoting, a missing `:` or bracket)") from None
        except yaml.reader.ReaderError as error:
            line = text.count("\n", 0, error.position) + 1
            raise self.fail(line, f"not valid YAML: character #x{error.character:04x} is not allowed: {error.reason}",
                            "remove the character, or write it as an escape in a double-quoted string") from None
        except yaml.YAMLError as error:
            raise self.fail(None, f"not valid YAML: {' '.join(str(error).split())}",
                            "correct the YAML syntax") from None
        finally:
            events.dispose()

    def _text(self) -> str:
        try:
            data = self.path.read_bytes()
        except FileNotFoundError:
            raise self.fail(None, "no such file", self.if_missing) from None
        except IsADirectoryError:
            raise self.fail(None, "is a directory, not a stack file", "name the YAML file itself") from None
        except OSError as error:
            raise self.fail(None, f"cannot be read: {error.strerror or error}",
                            "check the file's permissions") from None
        try:
            return data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            start = error.start
            line = data.count(b"\n", 0, start) + 1
            column = start - (data.rfind(b"\n", 0, start) + 1) + 1
            raise self.fail(line, f"not UTF-8 text (byte 0x{data[start]:02x} at column {column})",
                            "save the file as UTF-8") from None

    def _build(self, events: Any) -> Any:
        get_event = events.get_event
        stack = self.stack
        while not self.done:
            event = get_event()
            kind = type(event)
            if kind is yaml.ScalarEvent:
                self.decodes += 1
                tag = event.tag
                if tag is None and not event.style:
                    value = _resolve_plain(event.value)
                    merge_key = event.value == "<<"
                    if isinstance(value, (int, float)) and not isinstance(value, bool) and _loses_digits(event.value):
                        self.problem(event.start_mark.line + 1, f"`{event.value}` reaches the program as a 64-bit "
                                     f"float (go-yaml's reading, the Pulumi CLI's too), which keeps "
                                     f"{FLOAT_DIGITS} significant digits: it would not be the number written",
                                     f"write it in quotes as text ('{event.value}'), where a setting takes text")
                elif tag is None or tag == "!":
                    value, merge_key = event.value, False
                else:
                    value, why = _resolve_tagged(tag, event.value)
                    merge_key = tag == _YAML_TAG + "merge"
                    if why:
                        self.problem(event.start_mark.line + 1, why, "remove the tag or correct the value")
                if event.anchor is not None:
                    self.anchors[event.anchor] = (value, 1, False, 0)
                self.add(value, event.start_mark.line + 1, False, merge_key)
            elif kind is yaml.MappingStartEvent or kind is yaml.SequenceStartEvent:
                line = event.start_mark.line + 1
                if len(stack) >= MAX_DEPTH:
                    raise self.fail(line, f"nested deeper than {MAX_DEPTH} levels (go-yaml's limit, so the Pulumi "
                                    "CLI refuses it too)", "flatten the structure")
                self.decodes += 1
                if event.anchor is not None:
                    self.open_anchors[event.anchor] = self.open_anchors.get(event.anchor, 0) + 1
                is_map = kind is yaml.MappingStartEvent
                stack.append(_Collection({} if is_map else [], is_map, line, event.anchor, self.decodes - 1))
            elif kind is yaml.MappingEndEvent or kind is yaml.SequenceEndEvent:
                self.end(stack.pop())
            elif kind is yaml.AliasEvent:
                self.alias(event)
            elif kind is yaml.StreamEndEvent:
                break  # no document at all: an empty file
        # Only the first document counts, as with yaml.Unmarshal: the rest is never parsed.
        return self.document

    def add(self, value: Any, line: int, secret: bool, merge_key: bool = False, height: int = 0) -> None:
        """A complete node, handed to the collection it belongs to (or the document). `height` is
        how deeply the node nests (a scalar 0)."""
        if not self.stack:
            self.document, self.root_line, self.done = value, line, True
            return
        parent = self.stack[-1]
        parent.height = max(parent.height, height)
        if not parent.is_map:
            parent.value.append(value)
            parent.secret = parent.secret or secret
            return
        if parent.key is _NO_KEY:
            parent.key = self.key(parent, value, line, merge_key)
            return
        key, parent.key = parent.key, _NO_KEY
        if key is _MERGE:
            parent.merges.append((value, line))
        elif key is not _SKIP:
            parent.value[key] = value
        parent.secret = parent.secret or secret

    def key(self, parent: _Collection, value: Any, line: int, merge_key: bool) -> Any:
        if merge_key:
            return _MERGE
        if isinstance(value, (dict, list)) or value is SECURE:
            self.problem(line, "a key must be a single value, not a map or a list", "write the key as plain text")
            return _SKIP
        key = _key_text(value)
        first = parent.lines.get(key)
        if first is not None:
            where = "earlier on the same line" if first == line else f"at line {first}"
            self.problem(line, f"duplicate key (first {where})", "keep one of them", key)
        else:
            parent.lines[key] = line
        return key

    def end(self, collection: _Collection) -> None:
        value = collection.value
        if collection.merges:
            self.merge(collection)
        depth = len(self.stack)
        secret = collection.secret
        # `{secure: <ciphertext>}` inside a config value: Pulumi's isSecureValue. One whose
        # ciphertext is not text is broken, but still never shown.
        if collection.is_map and depth >= 2 and len(value) == 1 and "secure" in value:
            if type(value["secure"]) is not str:
                self.problem(collection.line, "a `secure:` value must be the ciphertext text that `pulumi config set "
                             "--secret` writes", "set the value again with `pulumi config set --secret`")
            value, secret = SECURE, True
        height = collection.height + 1
        if height > self.max_height:
            raise self.fail(collection.line, self.too_deep, "flatten the structure")
        if collection.anchor is not None:
            self.anchors[collection.anchor] = (value, self.decodes - collection.start, secret, height)
            self.open_anchors[collection.anchor] -= 1
        if depth == 0 and collection.is_map:
            self.root_lines = collection.lines
        elif depth == 1 and collection.is_map and self.stack[0].is_map and self.stack[0].key == "config":
            self.config_lines = collection.lines
        self.add(value, collection.line, secret, height=height)

    def merge(self, collection: _Collection) -> None:
        """`<<: *defaults` (or a list of them): keys written in the map win, then the first source."""
        target = collection.value
        for source, line in collection.merges:
            sources = source if isinstance(source, list) else [source]
            if not all(isinstance(item, dict) for item in sources):
                self.problem(line, "`<<` (merge) needs a map or a list of maps",
                             "point it at a map's anchor, e.g. `<<: *defaults`", "<<")
                continue
            for item in sources:
                for key, value in item.items():
                    if key not in target:
                        target[key] = value
                        collection.secret = collection.secret or contains_secure(value)

    def alias(self, event: Any) -> None:
        line = event.start_mark.line + 1
        name = event.anchor
        if self.open_anchors.get(name):
            raise self.fail(line, f"alias `*{name}` is inside the node its anchor `&{name}` names, so it never ends",
                            f"point `*{name}` at an anchor defined outside it")
        if name not in self.anchors:
            raise self.fail(line, f"alias `*{name}` refers to no anchor defined before it",
                            f"define `&{name}` earlier in the file, or remove the alias")
        value, size, secret, height = self.anchors[name]
        self.decodes += 1 + size
        self.alias_decodes += size
        if self.alias_decodes > 100 and self.decodes > 1000 and \
                self.alias_decodes / self.decodes > _allowed_alias_ratio(self.decodes):
            raise self.fail(line, "refused: its aliases expand without bound (excessive aliasing, which the "
                            "Pulumi CLI refuses too)", "write the repeated values out instead of aliases of aliases")
        self.add(value, line, secret, height=height)

    def problem(self, line: int, reason: str, fix: str, key: Optional[str] = None) -> None:
        self.problems.append(StackFileProblem(line, self.key_path(key), reason, fix))

    def key_path(self, last: Optional[str]) -> str:
        """`koneksi-dynamodb:tables.users.hashKey` for a key under `config:`, else from the top."""
        parts: list[Any] = []
        for collection in self.stack:
            if collection.is_map:
                if collection.key is _NO_KEY:
                    break
                parts.append("<<" if collection.key is _MERGE else collection.key)
            else:
                parts.append(len(collection.value))
        if last is not None:
            parts.append(last)
        if len(parts) > 1 and parts[0] == "config":
            parts = parts[1:]
        text = ""
        for part in parts:
            text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
        return text


def _key_text(value: Any) -> str:
    """A map key as Pulumi sees it: go-yaml's value, printed with Go's `%v`."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "<nil>"
    if isinstance(value, float):
        return "NaN" if math.isnan(value) else ("+Inf" if value > 0 else "-Inf") if math.isinf(value) else repr(value)
    return str(value)


def _allowed_alias_ratio(decodes: int) -> float:
    if decodes <= _ALIAS_RATIO_LOW:
        return 0.99
    if decodes >= _ALIAS_RATIO_HIGH:
        return 0.10
    return 0.99 - 0.89 * (decodes - _ALIAS_RATIO_LOW) / (_ALIAS_RATIO_HIGH - _ALIAS_RATIO_LOW)
