"""Reads `Pulumi.yaml` and a stack file into what the Pulumi engine would hand the program.

The YAML is read as the CLI reads it (`pipeline.yaml_reader`). On top of that, as the CLI does:
- A config key needs a namespace (Pulumi's `config.ParseKey`): a key without one is a problem
  with its line; `namespace:config:name` is the old spelling of `namespace:name`.
- Structured values reach the program as the engine writes them: compact JSON with sorted keys
  (Go's `json.Marshal` of a map), whole floats as integers (`5.0` is `5`).
- A `secure:` value, at any depth, is the placeholder `[secret]` at that leaf only (the ciphertext
  cannot be decrypted offline and is never shown); its top-level key is listed as secret, which is
  all the engine tells a program.
"""

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

from components.errors import SECRET_PLACEHOLDER as SECRET

from .yaml_reader import SECURE, StackFileError, StackFileProblem, YamlReader, contains_secure

PROGRAM_ROOT = Path(__file__).resolve().parent.parent
# The deepest config value this program reads: a seed item's value nests up to 32 levels (DynamoDB's
# limit), under tables.<t>.items[<n>].<attribute>; a deeper one cannot be valid, and would only
# strain the recursion of everything that reads it after the file.
MAX_VALUE_DEPTH = 32 + 4


@dataclass
class StackSettings:
    """Flat `namespace:key` -> string settings, as the engine passes config to a program."""

    values: dict[str, str] = field(default_factory=dict)
    secret_keys: list[str] = field(default_factory=list)
    problems: list[StackFileProblem] = field(default_factory=list)


def project_name(project_root: Path) -> str:
    path = project_root / "Pulumi.yaml"
    document = YamlReader(path, if_missing="restore the project file: every Pulumi project has one").read()
    if not isinstance(document, dict) or not isinstance(document.get("name"), str):
        raise StackFileError(f"{path}: has no `name:`. Fix: add `name: <project>` at the top")
    return document["name"]


def read_stack_file(path: Path, project: Optional[str] = None) -> StackSettings:
    """The settings of a stack file; `project` (the namespace a key without one should have)
    is read from this program's Pulumi.yaml when not given, and only if a key needs it."""
    reader = YamlReader(path, max_height=MAX_VALUE_DEPTH + 2,  # + the document and `config:`
                        too_deep=f"a value nested deeper than {MAX_VALUE_DEPTH} levels (aliases expanded); no setting "
                                 "of this program nests deeper than a seed item's 32 levels")
    document = reader.read()
    settings = StackSettings(problems=reader.problems)
    if document is None:
        return _sorted(settings)
    if not isinstance(document, dict):
        raise StackFileError(f"{path}:{reader.root_line}: expected a map with a `config:` key at the top, got "
                             f"{_shape(document)}. Fix: start the file with `config:` and indent the settings under it")
    config = document.get("config")
    if config is None:
        return _sorted(settings)
    if not isinstance(config, dict):
        raise StackFileError(f"{path}:{reader.root_lines.get('config', 1)}: `config:` must be a map of "
                             f"`namespace:key: value` entries, got {_shape(config)}. Fix: indent each setting "
                             "under `config:` as `namespace:key: value`, e.g. `  aws:region: ap-southeast-1`")
    seen: dict[str, int] = {}
    for written, value in config.items():
        line = reader.config_lines.get(written) or reader.root_lines.get("config", 1)  # merged keys: `config:`
        key = _config_key(written)
        if key is None:
            settings.problems.append(_namespace_problem(written, line, project))
            continue
        if key in seen:  # `ns:name` and `ns:config:name` are one key
            settings.problems.append(StackFileProblem(line, key, f"duplicate key (first at line {seen[key]})",
                                                      "keep one of them"))
        seen.setdefault(key, line)
        secret = contains_secure(value)
        settings.values[key] = _as_setting(value)
        if secret and key not in settings.secret_keys:
            settings.secret_keys.append(key)
    return _sorted(settings)


def _sorted(settings: StackSettings) -> StackSettings:
    settings.problems.sort(key=lambda problem: problem.line)
    return settings


def _config_key(written: str) -> Optional[str]:
    """Pulumi's `config.ParseKey`: `namespace:name`, or the old `namespace:config:name`."""
    parts = written.split(":")
    if len(parts) == 2:
        return written
    if len(parts) == 3 and parts[1] == "config" and parts[0] and parts[2]:
        return f"{parts[0]}:{parts[2]}"
    return None


def _namespace_problem(written: str, line: int, project: Optional[str]) -> StackFileProblem:
    reason = "configuration keys should be of the form `<namespace>:<name>`"
    if ":" in written:
        name = written.rsplit(":", 1)[1]
        return StackFileProblem(line, written, reason, "use one `:` between the namespace and the name, "
                                f"e.g. `{project or _default_project()}:{name}`")
    if written == "region":
        return StackFileProblem(line, written, reason, "write it as `aws:region` (the AWS provider's region)")
    return StackFileProblem(line, written, reason, f"write it as `{project or _default_project()}:{written}`")


def _default_project() -> str:
    try:
        return project_name(PROGRAM_ROOT)
    except StackFileError:
        return "<project>"




def _as_setting(value: Any) -> str:
    """Pulumi passes text as is, other scalars and structured values as Go's JSON text."""
    if isinstance(value, str):
        return value
    if value is SECURE:
        return SECRET
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      default=lambda item: SECRET if item is SECURE else repr(item))


def _shape(value: Any) -> str:
    return {dict: "a map", list: "a list", str: "text", bool: "a boolean", int: "a number",
            float: "a number"}.get(type(value), "nothing" if value is None else type(value).__name__)


# go-yaml v3's resolve(), for plain (unquoted, untagged) scalars.
