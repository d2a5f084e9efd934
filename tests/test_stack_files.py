"""Stack files are read as the Pulumi CLI reads them (go-yaml v3, `config.ParseKey`, secure values)."""

import json
import math
import time
from pathlib import Path

import pytest
import yaml

from bench.workload import stack_file
from pipeline.stack_files import SECRET, StackFileError, StackSettings, project_name, read_stack_file
from tests.conftest import PROJECT, ROOT


def read(tmp_path: Path, text, name: str = "Pulumi.prod.yaml", project: str = PROJECT) -> StackSettings:
    path = tmp_path / name
    path.write_bytes(text if isinstance(text, bytes) else text.encode())
    return read_stack_file(path, project)


def refused(tmp_path: Path, text, name: str = "Pulumi.prod.yaml") -> str:
    with pytest.raises(StackFileError) as raised:
        read(tmp_path, text, name)
    message = str(raised.value)
    assert "\n" not in message and message.startswith(str(tmp_path / name))
    assert "Fix: " in message
    return message


def value(settings: StackSettings, key: str):
    return json.loads(settings.values[f"{PROJECT}:{key}"])


def rendered(settings: StackSettings) -> list[str]:
    return [problem.render("Pulumi.prod.yaml") for problem in settings.problems]


# YAML as go-yaml v3 resolves it

def test_only_yaml_1_2_booleans_are_booleans(tmp_path):
    settings = read(tmp_path, "config:\n"
                    "  koneksi-dynamodb:flags: {a: true, b: True, c: TRUE, d: false, e: False, f: FALSE,\n"
                    "                           g: yes, h: no, i: on, j: off, k: y, l: n, m: Yes, o: ON}\n"
                    "  koneksi-dynamodb:enabled: yes\n"
                    "  koneksi-dynamodb:protect: True\n")
    assert value(settings, "flags") == {"a": True, "b": True, "c": True, "d": False, "e": False, "f": False,
                                        "g": "yes", "h": "no", "i": "on", "j": "off", "k": "y", "l": "n",
                                        "m": "Yes", "o": "ON"}
    assert settings.values[f"{PROJECT}:enabled"] == "yes"
    assert settings.values[f"{PROJECT}:protect"] == "true"
    assert settings.problems == []


def test_keys_named_like_yaml_1_1_booleans_stay_text(tmp_path):
    settings = read(tmp_path, "config:\n  koneksi-dynamodb:tables:\n"
                    "    yes: {attributes: {on: S, off: N}, hashKey: on}\n")
    assert value(settings, "tables") == {"yes": {"attributes": {"on": "S", "off": "N"}, "hashKey": "on"}}


def test_dates_and_timestamps_stay_the_text_written(tmp_path):
    settings = read(tmp_path, "config:\n"
                    "  koneksi-dynamodb:tags: {Since: 2024-01-01, At: 2024-01-01T10:00:00Z, Short: 2024-1-2,\n"
                    "                          Spaced: 2001-12-14 21:59:43.10, Clock: 12:30}\n"
                    "  koneksi-dynamodb:since: 2024-01-01\n")
    assert value(settings, "tags") == {"Since": "2024-01-01", "At": "2024-01-01T10:00:00Z", "Short": "2024-1-2",
                                       "Spaced": "2001-12-14 21:59:43.10", "Clock": "12:30"}
    assert settings.values[f"{PROJECT}:since"] == "2024-01-01"


def test_nulls_and_numbers_as_go_yaml_reads_them(tmp_path):
    settings = read(tmp_path, "config:\n"
                    "  koneksi-dynamodb:v: {a: ~, b: null, c: , d: 5, e: 5.0, f: 72.5, g: '5', h: 0x1F, i: 0o17,\n"
                    "                       j: 1_000, k: -3, l: 1e3, m: .5, n: '0x1F', o: 0777, p: +7}\n"
                    "  koneksi-dynamodb:whole: 5.0\n"
                    "  koneksi-dynamodb:fraction: 72.5\n"
                    "  koneksi-dynamodb:nothing: ~\n")
    assert value(settings, "v") == {"a": None, "b": None, "c": None, "d": 5, "e": 5, "f": 72.5, "g": "5", "h": 31,
                                    "i": 15, "j": 1000, "k": -3, "l": 1000, "m": 0.5, "n": "0x1F", "o": 511, "p": 7}
    # Go's JSON writes a whole float64 as an integer: the program sees `5`, as under `pulumi up`.
    assert settings.values[f"{PROJECT}:whole"] == "5"
    assert settings.values[f"{PROJECT}:fraction"] == "72.5"
    assert settings.values[f"{PROJECT}:nothing"] == "null"


def test_infinity_and_nan_load_as_floats_without_crashing(tmp_path):
    settings = read(tmp_path, "config:\n  koneksi-dynamodb:alarms: {latencyMs: .inf, systemErrors: -.Inf, x: .NaN}\n"
                    "  koneksi-dynamodb:limit: .inf\n")
    alarms = value(settings, "alarms")
    assert alarms["latencyMs"] == math.inf and alarms["systemErrors"] == -math.inf and math.isnan(alarms["x"])
    assert json.loads(settings.values[f"{PROJECT}:limit"]) == math.inf


def test_structured_values_are_the_json_the_engine_writes(tmp_path):
    settings = read(tmp_path, "config:\n  koneksi-dynamodb:tables:\n"
                    "    users: {hashKey: id, attributes: {name: S, id: S}}\n    orders: {hashKey: pk}\n")
    # Go's json.Marshal of a map: sorted keys, no spaces.
    assert settings.values[f"{PROJECT}:tables"] == \
        '{"orders":{"hashKey":"pk"},"users":{"attributes":{"id":"S","name":"S"},"hashKey":"id"}}'


def test_an_ordinary_stack_file_reads_as_before(tmp_path):
    """A file without YAML 1.1 ambiguities gives the same data a plain YAML load gives."""
    text = stack_file(3)
    settings = read(tmp_path, text)
    expected = yaml.safe_load(text)["config"]
    assert {key: json.loads(v) if v[:1] in "{[" else v for key, v in settings.values.items()} == expected
    assert settings.problems == [] and settings.secret_keys == []


def test_anchors_and_merge_keys_expand(tmp_path):
    settings = read(tmp_path, "shared: &table {hashKey: id, attributes: {id: S}, billingMode: PAY_PER_REQUEST}\n"
                    "config:\n  koneksi-dynamodb:tables:\n"
                    "    users: *table\n"
                    "    orders:\n      <<: *table\n      hashKey: pk\n      attributes: {pk: S}\n")
    tables = value(settings, "tables")
    assert tables["users"] == {"hashKey": "id", "attributes": {"id": "S"}, "billingMode": "PAY_PER_REQUEST"}
    assert tables["orders"] == {"hashKey": "pk", "attributes": {"pk": "S"}, "billingMode": "PAY_PER_REQUEST"}
    assert settings.problems == []


def test_only_the_first_document_is_read(tmp_path):
    settings = read(tmp_path, "config:\n  aws:region: ap-southeast-1\n---\nconfig: [not, read\n")
    assert settings.values == {"aws:region": "ap-southeast-1"}


def test_an_empty_file_or_config_has_no_settings(tmp_path):
    for text in ("", "# nothing yet\n", "config:\n", "config: {}\n", "encryptionsalt: v1:abc\n"):
        assert read(tmp_path, text).values == {}


# Duplicate keys and keys without a namespace: problems with their lines

def test_a_duplicate_top_level_key_names_both_lines(tmp_path):
    settings = read(tmp_path, "config:\n"
                    "  aws:region: ap-southeast-1\n"
                    "  koneksi-dynamodb:tables:\n"
                    "    users: {hashKey: id, attributes: {id: S}}\n"
                    "  koneksi-dynamodb:tables:\n"
                    "    orders: {hashKey: pk, attributes: {pk: S}}\n")
    assert rendered(settings) == ["Pulumi.prod.yaml:5: koneksi-dynamodb:tables: duplicate key (first at line 3). "
                                  "Fix: keep one of them"]


def test_a_duplicate_nested_key_names_its_path_and_both_lines(tmp_path):
    settings = read(tmp_path, "config:\n"
                    "  koneksi-dynamodb:tables:\n"
                    "    users:\n"
                    "      hashKey: id\n"
                    "      attributes: {id: S}\n"
                    "    orders:\n"
                    "      hashKey: pk\n"
                    "      attributes: {pk: S, pk: N}\n"
                    "    users:\n"
                    "      hashKey: user_id\n")
    assert rendered(settings) == [
        "Pulumi.prod.yaml:8: koneksi-dynamodb:tables.orders.attributes.pk: duplicate key (first earlier on the "
        "same line). Fix: keep one of them",
        "Pulumi.prod.yaml:9: koneksi-dynamodb:tables.users: duplicate key (first at line 3). Fix: keep one of them",
    ]


def test_duplicates_inside_lists_and_outside_config_are_found_too(tmp_path):
    settings = read(tmp_path, "config:\n"
                    "  koneksi-dynamodb:network:\n"
                    "    routeTableIds: [rtb-1]\n"
                    "    items:\n"
                    "      - {a: 1, b: 2}\n"
                    "      - a: 1\n"
                    "        a: 2\n"
                    "config:\n"
                    "  aws:region: ap-southeast-1\n")
    assert [(p.line, p.key) for p in settings.problems] == [(7, "koneksi-dynamodb:network.items[1].a"), (8, "config")]


def test_a_key_without_a_namespace_is_a_problem_with_its_line(tmp_path):
    settings = read(tmp_path, "config:\n"
                    "  aws:region: ap-southeast-1\n"
                    "  alarms:\n"
                    "    level: basic\n"
                    "  region: ap-southeast-1\n", project="my-project")
    assert rendered(settings) == [
        "Pulumi.prod.yaml:3: alarms: configuration keys should be of the form `<namespace>:<name>`. "
        "Fix: write it as `my-project:alarms`",
        "Pulumi.prod.yaml:5: region: configuration keys should be of the form `<namespace>:<name>`. "
        "Fix: write it as `aws:region` (the AWS provider's region)",
    ]
    assert set(settings.values) == {"aws:region"}  # the engine would not hand them to the program


def test_the_namespace_in_the_fix_is_the_projects_when_not_given(tmp_path):
    path = tmp_path / "Pulumi.prod.yaml"
    path.write_text("config:\n  tables: {}\n")
    [problem] = read_stack_file(path).problems
    assert problem.fix == f"write it as `{project_name(ROOT)}:tables`"


def test_the_old_namespace_config_name_form_is_the_same_key(tmp_path):
    settings = read(tmp_path, "config:\n  koneksi-dynamodb:config:environment: qa\n  a:b:c: x\n")
    assert settings.values == {f"{PROJECT}:environment": "qa"}
    assert [(p.line, p.key) for p in settings.problems] == [(3, "a:b:c")]


def test_every_problem_of_the_file_is_reported_in_one_read(tmp_path):
    settings = read(tmp_path, "config:\n"
                    "  aws:region: ap-southeast-1\n"
                    "  tags: {Team: data}\n"
                    "  koneksi-dynamodb:tables:\n"
                    "    users: {hashKey: id, hashKey: uid, attributes: {id: S}}\n"
                    "  koneksi-dynamodb:alarms: {level: basic}\n"
                    "  aws:region: eu-west-1\n")
    assert [(p.line, p.key, p.reason.split(" (")[0]) for p in settings.problems] == [
        (3, "tags", "configuration keys should be of the form `<namespace>:<name>`"),
        (5, "koneksi-dynamodb:tables.users.hashKey", "duplicate key"),
        (7, "aws:region", "duplicate key"),
    ]


# Secrets

def test_a_nested_secure_value_is_a_placeholder_at_its_leaf_only(tmp_path):
    ciphertext = "v1:AAAABBBBccccDDDDeeee"
    settings = read(tmp_path, "config:\n"
                    "  aws:region: ap-southeast-1\n"
                    "  koneksi-dynamodb:alarms:\n"
                    "    level: enhanced\n"
                    f"    email:\n      secure: {ciphertext}\n"
                    f"  koneksi-dynamodb:lists: [{{secure: {ciphertext}}}, plain]\n"
                    f"  koneksi-dynamodb:token:\n    secure: {ciphertext}\n")
    assert value(settings, "alarms") == {"level": "enhanced", "email": SECRET}
    assert value(settings, "lists") == [SECRET, "plain"]
    assert settings.values[f"{PROJECT}:token"] == SECRET
    assert settings.secret_keys == [f"{PROJECT}:alarms", f"{PROJECT}:lists", f"{PROJECT}:token"]
    assert ciphertext not in repr(settings)


def test_a_secure_value_that_is_not_text_is_a_problem_and_still_never_shown(tmp_path):
    settings = read(tmp_path, "config:\n  koneksi-dynamodb:a: {secure: [AAAABBBB]}\n"
                    "  koneksi-dynamodb:b: {secure: v1:x, other: 1}\n")
    assert settings.values[f"{PROJECT}:a"] == SECRET and settings.secret_keys == [f"{PROJECT}:a"]
    [problem] = settings.problems
    assert problem.line == 2 and "must be the ciphertext text" in problem.reason
    assert "AAAABBBB" not in problem.render("F")
    # A map with more keys than `secure` is no secret: an ordinary value.
    assert value(settings, "b") == {"secure": "v1:x", "other": 1}


# What is refused: one line each, with the file, the line when there is one, and the fix

def test_a_file_that_is_not_utf8_is_refused(tmp_path):
    message = refused(tmp_path, b"config:\n  aws:region: ap-southeast-1\n  koneksi-dynamodb:tags: {Owner: Jos\xe9}\n")
    assert message.startswith(f"{tmp_path / 'Pulumi.prod.yaml'}:3: not UTF-8")


def test_a_utf8_byte_order_mark_is_fine(tmp_path):
    assert read(tmp_path, "\ufeffconfig:\n  aws:region: ap-southeast-1\n").values == {"aws:region": "ap-southeast-1"}


def test_an_alias_bomb_is_refused_at_once(tmp_path):
    lines = ["config:", "  koneksi-dynamodb:a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for level in range(1, 40):  # 10^40 strings once expanded
        lines.append(f"  koneksi-dynamodb:a{level}: &a{level} [{', '.join([f'*a{level - 1}'] * 10)}]")
    started = time.perf_counter()
    message = refused(tmp_path, "\n".join(lines) + "\n")
    assert time.perf_counter() - started < 0.5
    assert "aliases expand without bound" in message


def test_an_alias_inside_its_own_anchor_is_refused(tmp_path):
    assert "never ends" in refused(tmp_path, "config:\n  koneksi-dynamodb:loop: &x [1, *x]\n")


def test_an_alias_without_an_anchor_is_refused(tmp_path):
    message = refused(tmp_path, "config:\n  aws:region: ap-southeast-1\n  koneksi-dynamodb:tables: *nope\n")
    assert message.startswith(f"{tmp_path / 'Pulumi.prod.yaml'}:3: alias `*nope`")


def test_nesting_beyond_go_yamls_limit_is_refused(tmp_path):
    depth = 10_001
    message = refused(tmp_path, "config:\n  koneksi-dynamodb:deep: " + "[" * depth + "]" * depth + "\n")
    assert "nested deeper than 10000 levels" in message


@pytest.mark.parametrize("text, says", [
    ("config:\n  aws:region: [ap-southeast-1\n", ":3: not valid YAML"),
    ("config:\n\taws:region: x\n", ":2: not valid YAML"),
    ("- config\n", ":1: expected a map with a `config:` key at the top, got a list"),
    ("just text\n", ":1: expected a map with a `config:` key at the top, got text"),
    ("secretsprovider: passphrase\nconfig: [aws:region]\n", ":2: `config:` must be a map"),
])
def test_a_file_that_is_not_a_stack_file_is_refused_in_one_line(tmp_path, text, says):
    assert f"{tmp_path / 'Pulumi.prod.yaml'}{says}" in refused(tmp_path, text)


def test_a_missing_file_or_a_directory_is_refused_in_one_line(tmp_path):
    for path, says in ((tmp_path / "Pulumi.qa.yaml", "no such file"), (tmp_path, "is a directory")):
        with pytest.raises(StackFileError) as raised:
            read_stack_file(path)
        message = str(raised.value)
        assert message.startswith(f"{path}: {says}") and "Fix: " in message and "\n" not in message


def test_values_nested_deeper_than_any_setting_are_refused_aliases_included(tmp_path):
    deep = "[" * 40 + "]" * 40
    with pytest.raises(StackFileError, match="nested deeper than 36 levels"):
        read(tmp_path, f"config:\n  koneksi-dynamodb:alarms: {deep}\n")
    chain = "".join(f"  x:y{n}: &a{n} [*a{n - 1}]\n" for n in range(1, 40))
    with pytest.raises(StackFileError, match="aliases expanded"):
        read(tmp_path, f"config:\n  x:y0: &a0 [1]\n{chain}")


@pytest.mark.parametrize("literal, loses", [("99999999999999999999", True), ("18446744073709551615", False),
                                            ("-9223372036854775808", False), ("1.0000000000000000001", True),
                                            ("1e23", False), ("0.1234567890123456789", False)])
def test_a_number_the_cli_reads_as_a_float_that_hides_its_lost_digits_is_a_problem(tmp_path, literal, loses):
    """go-yaml reads an integer past 64 bits as a float64: `99999999999999999999` arrives as 1e20,
    and nothing after the file can tell. A float that shows its lost digits (`0.12345678901234568`)
    is left to the settings that take numbers."""
    settings = read(tmp_path, f"config:\n  koneksi-dynamodb:alarms: {{latencyMs: {literal}}}\n")
    found = [p for p in settings.problems if "64-bit float" in p.reason]
    assert bool(found) is loses
    if loses:
        assert found[0].line == 2 and f"'{literal}'" in found[0].fix
