"""Seed items (issue 10, item 3): typed DynamoDB JSON written once, named from their keys, and
every item DynamoDB would refuse refused first, with its key path and a fix."""

import json

import pytest

from components.config.items import MAX_ITEM_BYTES, MAX_ITEMS, ItemSchema, seed_items
from components.items import item_name, item_options
from tests.conftest import COMPONENT, TABLE, USERS, named, parse, problems, synth_tables

ITEM = "aws:dynamodb/tableItem:TableItem"
# A table with every key type: a text partition key, a number sort key, a binary attribute, an
# index whose keys are text.
EVENTS = {"attributes": {"user": "S", "at": "N", "kind": "S", "blob": "B"}, "hashKey": "user", "rangeKey": "at",
          "globalSecondaryIndexes": {"KindIndex": {"hashKey": "kind"}}}


def items_of(plan) -> dict[str, dict]:
    """Each item's resource name -> its DynamoDB JSON, as the provider receives it."""
    return {r["urn"].rsplit("::", 1)[1]: json.loads(r["inputs"]["item"]) for r in plan.resources(ITEM)}


def typed(*items, **schema) -> list[dict]:
    schema = {"hash_key": "id", "range_key": None, "types": {"id": "S"}, **schema}
    seeded, found = seed_items(list(items), ItemSchema(**schema))
    assert not found, found
    return [seed.attributes for seed in seeded]


def refused(table: dict, number: int, *attribute) -> list:
    """The problems at `tables.t.items[<number>].<attribute...>`."""
    found = problems({"t": table})
    at = [p for p in found if p.path == ("tables", "t", "items", number, *attribute)]
    assert at, found
    for problem in at:
        assert problem.fix and problem.render("F").count(". Fix: ") == 1
    return at


# -- through the whole program ------------------------------------------------------------------

def test_each_item_is_a_table_item_in_dynamodb_json_typed_from_attributes():
    plan = synth_tables({"events": {**EVENTS, "items": [
        {"user": "alice", "at": 1700000000, "kind": "login", "blob": "aGVsbG8=", "ok": True, "note": None,
         "tags": ["a", 2, {"deep": [1.5]}], "props": {"n": 7, "s": "7"}}]}})
    [item] = plan.resources(ITEM)
    assert item["inputs"]["tableName"] == "koneksi-staging-events"
    assert (item["inputs"]["hashKey"], item["inputs"]["rangeKey"]) == ("user", "at")
    assert json.loads(item["inputs"]["item"]) == {
        "user": {"S": "alice"}, "at": {"N": "1700000000"}, "kind": {"S": "login"}, "blob": {"B": "aGVsbG8="},
        "ok": {"BOOL": True}, "note": {"NULL": True},
        "tags": {"L": [{"S": "a"}, {"N": "2"}, {"M": {"deep": {"L": [{"N": "1.5"}]}}}]},
        "props": {"M": {"n": {"N": "7"}, "s": {"S": "7"}}}}


def test_items_hang_off_the_table_component_and_wait_for_the_table():
    plan = synth_tables({"users": {**USERS, "items": [{"id": "admin"}]}})
    [item] = plan.resources(ITEM)
    [component] = plan.resources(COMPONENT)
    assert item["parent"] == component["urn"]
    assert named(plan, TABLE, "users-table")["urn"] in item["dependencies"]


def test_a_table_without_items_has_no_item_resources():
    assert synth_tables({"users": USERS}).resources(ITEM) == []


def test_items_are_seeded_once_and_kept_by_a_protected_table():
    """ignore_changes: a later `up` never sends the config's values again. retain_on_delete where
    the table is protected: an item taken out of the config stays in the table. Never `protect`,
    which would fail the `up` that drops an item."""
    [unprotected] = synth_tables({"users": {**USERS, "items": [{"id": "admin"}]}}).resources(ITEM)
    assert (unprotected["ignoreChanges"], unprotected["protect"], unprotected["retainOnDelete"]) == (
        ["item"], False, False)
    for plan in (synth_tables({"users": {**USERS, "items": [{"id": "admin"}]}}, stack="prod"),
                 synth_tables({"users": {**USERS, "protect": True, "items": [{"id": "admin"}]}})):
        [item] = plan.resources(ITEM)
        assert named(plan, TABLE, "users-table")["protect"]
        assert (item["ignoreChanges"], item["protect"], item["retainOnDelete"]) == (["item"], False, True)


def test_a_replaced_item_is_deleted_before_it_is_written_again():
    """The provider refuses to create an item whose key exists."""
    table = parse({"users": {**USERS, "items": [{"id": "admin"}]}}).tables["users"]
    assert item_options(table, parent=None).delete_before_replace


def test_reordering_the_items_renames_nothing():
    first = [{"user": "alice", "at": 1, "kind": "a"}, {"user": "bob", "at": 2}, {"user": "alice", "at": 2.5}]
    plans = [synth_tables({"events": {**EVENTS, "items": items}}) for items in (first, first[::-1])]
    assert items_of(plans[0]) == items_of(plans[1])
    assert len(items_of(plans[0])) == 3


def test_item_names_read_as_their_keys_and_end_with_a_digest_of_them():
    names = sorted(items_of(synth_tables({"events": {**EVENTS, "items": [
        {"user": "alice", "at": 1}, {"user": "alice", "at": 100}, {"user": "with space", "at": 1},
        {"user": "x" * 50, "at": 1}]}})))
    assert [name.rsplit("-", 1)[0] for name in names] == [
        "events-item", "events-item", "events-item-alice-1", "events-item-alice-100"]
    assert all(len(name.rsplit("-", 1)[1]) == 12 for name in names)


def test_names_follow_the_key_dynamodb_sees():
    """1 and 1.0 are one number to DynamoDB, hence one item and one name; text and digest change
    with the value."""
    table = parse({"t": {**EVENTS, "items": [{"user": "a", "at": 1}]}}).tables["t"]
    same = parse({"t": {**EVENTS, "items": [{"user": "a", "at": 1.0}]}}).tables["t"]
    other = parse({"t": {**EVENTS, "items": [{"user": "a", "at": 2}]}}).tables["t"]
    [one], [again], [two] = table.seed_items, same.seed_items, other.seed_items
    assert item_name("t", one) == item_name("t", again) != item_name("t", two)


def test_the_same_key_in_two_tables_gets_two_names():
    plan = synth_tables({"a": {**USERS, "items": [{"id": "x"}]}, "b": {**USERS, "items": [{"id": "x"}]}})
    assert len(set(items_of(plan))) == 2


# -- typing, piece by piece ---------------------------------------------------------------------

def test_numbers_go_as_text():
    [item] = typed({"id": "a", "i": 42, "f": 72.5, "neg": -3, "small": 1e-7, "zero": -0.0, "big": 10**40})
    assert {name: value for name, value in item.items() if name != "id"} == {
        "i": {"N": "42"}, "f": {"N": "72.5"}, "neg": {"N": "-3"}, "small": {"N": "1E-7"}, "zero": {"N": "0"},
        "big": {"N": "1E+40"}}  # 41 digits as written; DynamoDB counts 1 significant digit


def test_an_n_attribute_takes_numeric_text_and_keeps_its_digits():
    """`pulumi config set --path` stores a float as text, and a double would lose these digits."""
    [item] = typed({"id": "a", "n": "12345678901234567890.5"}, types={"id": "S", "n": "N"})
    assert item["n"] == {"N": "12345678901234567890.5"}


def test_text_stays_text_where_no_type_is_declared():
    [item] = typed({"id": "a", "code": "042", "empty": ""})
    assert item["code"] == {"S": "042"} and item["empty"] == {"S": ""}


def test_the_ttl_attribute_is_a_number_listed_or_not():
    table = parse({"t": {**USERS, "ttlAttribute": "expires", "items": [{"id": "a", "expires": "1700000000"}]}}
                  ).tables["t"]
    assert table.seed_items[0].attributes["expires"] == {"N": "1700000000"}
    [problem] = refused({**USERS, "ttlAttribute": "expires", "items": [{"id": "a", "expires": "tomorrow"}]},
                        0, "expires")
    assert "a number" in problem.reason


def test_binary_is_base64_text_and_line_breaks_are_ignored():
    [item] = typed({"id": "a", "b": "aGVs\nbG8="}, types={"id": "S", "b": "B"})
    assert item["b"] == {"B": "aGVsbG8="}


def test_sets_are_never_made_a_list_stays_a_list():
    [item] = typed({"id": "a", "colours": ["red", "red"]})
    assert item["colours"] == {"L": [{"S": "red"}, {"S": "red"}]}


def test_an_empty_list_or_map_is_allowed():
    [item] = typed({"id": "a", "l": [], "m": {}})
    assert (item["l"], item["m"]) == ({"L": []}, {"M": {}})


def test_a_secret_value_is_checked_when_pulumi_up_has_it():
    """Offline, a secret reads as the placeholder; only a key value may not be one."""
    [item] = typed({"id": "a", "pin": "[secret]"}, types={"id": "S", "pin": "N"})
    assert item["pin"] == {"N": "[secret]"}
    [problem] = refused({**USERS, "items": [{"id": "[secret]"}]}, 0, "id")
    assert "names the item's resource" in problem.reason and "without --secret" in problem.fix


# -- refusals -----------------------------------------------------------------------------------

@pytest.mark.parametrize("item, attribute, words", [
    ({"at": 1}, "user", "no user, the table's partition key"),
    ({"user": "a"}, "at", "no at, the table's sort key"),
], ids=["partition key", "sort key"])
def test_every_item_carries_the_table_key(item, attribute, words):
    [problem] = refused({**EVENTS, "items": [item]}, 0, attribute)
    assert words in problem.reason and f"add `{attribute}: <value>`" in problem.fix


@pytest.mark.parametrize("item, attribute, words, fix", [
    ({"user": 42, "at": 1}, "user", "typed S (text), but the value is a number", "put the value in quotes"),
    ({"user": True, "at": 1}, "user", "typed S (text), but the value is a boolean", "put the value in quotes"),
    ({"user": None, "at": 1}, "user", "the value is null", "write it as text"),
    ({"user": ["a"], "at": 1}, "user", "the value is a list", "write it as text"),
    ({"user": {"a": 1}, "at": 1}, "user", "the value is a map", "write it as text"),
    ({"user": "a", "at": "soon"}, "at", "typed N (a number), but the value is text 'soon'", "write a number"),
    ({"user": "a", "at": False}, "at", "the value is a boolean", "write a number"),
    ({"user": "a", "at": 1, "blob": "not base64!"}, "blob", "is not base64 text", "base64"),
    ({"user": "a", "at": 1, "blob": 7}, "blob", "the value is a number", "base64"),
    ({"user": "a", "at": 1, "kind": 5}, "kind", "attribute kind is typed S", "put the value in quotes"),
], ids=["number for S", "bool for S", "null for S", "list for S", "map for S", "text for N", "bool for N",
        "bad base64", "number for B", "number for a listed non-key S"])
def test_a_value_of_the_wrong_type_is_refused_with_a_fix(item, attribute, words, fix):
    [problem] = refused({**EVENTS, "items": [item]}, 0, attribute)
    assert words in problem.reason and fix in problem.fix, problem


def test_a_key_attribute_says_it_is_a_key():
    [problem] = refused({**EVENTS, "items": [{"user": 1, "at": 1}]}, 0, "user")
    assert "the key attribute user" in problem.reason


def test_two_items_with_one_key_are_refused():
    [problem] = refused({**EVENTS, "items": [{"user": "a", "at": 1}, {"user": "b", "at": 1},
                                             {"user": "a", "at": 1.0, "extra": True}]}, 2, "user")
    assert "items[0] has the same key" in problem.reason and "its own key" in problem.fix


@pytest.mark.parametrize("value, words", [
    (float("inf"), "not a finite number"),
    (1e-131, "outside DynamoDB's number range"),
    (-1e126, "outside DynamoDB's number range"),
    ("1" * 39, "39 significant digits"),
    (int("1" * 39), "39 significant digits"),
], ids=["infinite", "too small", "too large", "39 digits as text", "39 digits"])
def test_numbers_dynamodb_cannot_store_are_refused(value, words):
    [problem] = refused({**EVENTS, "items": [{"user": "a", "at": value}]}, 0, "at")
    assert words in problem.reason and problem.fix


def test_numbers_at_dynamodb_s_limits_are_accepted():
    [item] = typed({"id": "a", "tiny": -1e-130, "huge": "9.9999999999999999999999999999999999999E+125",
                    "digits": int("9" * 38), "trailing": 10**100}, types={"id": "S", "huge": "N"})
    assert (item["tiny"], item["huge"], item["digits"], item["trailing"]) == (
        {"N": "-1E-130"}, {"N": "9.9999999999999999999999999999999999999E+125"}, {"N": "9" * 38}, {"N": "1E+100"})


def test_a_bad_number_deep_inside_names_its_place():
    [problem] = refused({**USERS, "items": [{"id": "a", "m": {"l": [1, 1e-200]}}]}, 0, "m", "l", 1)
    assert problem.render("F").startswith("F: koneksi-dynamodb:tables.t.items[0].m.l[1]: ")


@pytest.mark.parametrize("item, attribute, words", [
    ({"user": "", "at": 1}, "user", "a key cannot be empty"),
    ({"user": "a", "at": 1, "kind": ""}, "kind", "an index key cannot be empty"),
], ids=["table key", "index key"])
def test_empty_text_is_refused_in_keys(item, attribute, words):
    [problem] = refused({**EVENTS, "items": [item]}, 0, attribute)
    assert words in problem.reason and f"give {attribute} a value" in problem.fix


def test_an_empty_binary_key_is_refused():
    table = {"attributes": {"k": "B"}, "hashKey": "k", "items": [{"k": ""}]}
    [problem] = refused(table, 0, "k")
    assert "cannot be empty" in problem.reason and "one byte" in problem.fix


def test_a_partition_key_value_has_at_most_2048_bytes():
    """Bytes of UTF-8, not characters: é takes two."""
    parse({"t": {**EVENTS, "items": [{"user": "é" * 1024, "at": 1}]}})
    [problem] = refused({**EVENTS, "items": [{"user": "é" * 1024 + "a", "at": 1}]}, 0, "user")
    assert "2049 bytes (UTF-8); DynamoDB allows 1-2048" in problem.reason and "at most 2048" in problem.fix


def test_a_sort_key_value_has_at_most_1024_bytes():
    table = {"attributes": {"pk": "S", "sk": "S"}, "hashKey": "pk", "rangeKey": "sk"}
    parse({"t": {**table, "items": [{"pk": "a", "sk": "s" * 1024}]}})
    [problem] = refused({**table, "items": [{"pk": "a", "sk": "s" * 1025}]}, 0, "sk")
    assert "sort key value has 1025 bytes" in problem.reason and "at most 1024" in problem.fix


def test_an_item_fits_in_400_kb_counted_as_dynamodb_counts():
    """Names and values in UTF-8 bytes: `id` + `a` (3 bytes) and `blob` + its text."""
    room = MAX_ITEM_BYTES - len("id") - len("a") - len("blob")
    parse({"t": {**USERS, "items": [{"id": "a", "blob": "x" * room}]}})
    [problem] = refused({**USERS, "items": [{"id": "a", "blob": "x" * (room + 1)}]}, 0)
    assert f"about {MAX_ITEM_BYTES + 1:,} bytes" in problem.reason and "largest attribute is blob" in problem.fix


def test_lists_and_maps_count_their_overhead():
    """3 bytes a list or map, 1 more per element; a number 1 byte per two digits, plus 1."""
    room = MAX_ITEM_BYTES - len("id") - len("a") - len("l") - 3 - 1 - (2 + 1)
    item = {"id": "a", "l": ["x" * room, 12]}  # the text's element 1 byte; the number 12 2 bytes, its element 1
    parse({"t": {**USERS, "items": [item]}})
    refused({**USERS, "items": [{**item, "l": ["x" * (room + 1), 12]}]}, 0)


def test_lists_and_maps_nest_at_most_32_levels():
    deep = "bottom"
    for _ in range(32):
        deep = [deep]
    parse({"t": {**USERS, "items": [{"id": "a", "deep": deep}]}})
    [problem] = refused({**USERS, "items": [{"id": "a", "deep": [deep]}]}, 0, "deep", *[0] * 32)
    assert "more than 32 levels" in problem.reason


def test_a_table_seeds_at_most_a_hundred_items():
    parse({"t": {**USERS, "items": [{"id": str(n)} for n in range(MAX_ITEMS)]}})
    [problem] = [p for p in problems({"t": {**USERS, "items": [{"id": str(n)} for n in range(MAX_ITEMS + 1)]}})
                 if p.path == ("tables", "t", "items")]
    assert f"{MAX_ITEMS + 1} seed items; at most {MAX_ITEMS}" in problem.reason and "BatchWriteItem" in problem.fix


@pytest.mark.parametrize("setting, words", [
    ({"import": True}, "adopted (import)"),
    ({"restore": {"sourceName": "koneksi-prod-users", "latest": True}}, "restored table holds its source's items"),
])
def test_items_seed_only_tables_this_stack_creates(setting, words):
    found = problems({"t": {**USERS, **setting, "items": [{"id": "a"}]}})
    [problem] = [p for p in found if p.path == ("tables", "t", "items")]
    assert words in problem.reason and "remove items" in problem.fix


def test_items_wait_for_a_typed_key():
    """A key missing from `attributes` is that key's problem, not every item's."""
    found = problems({"t": {**USERS, "hashKey": "pk", "items": [{"pk": 1}, {"pk": 2}]}})
    assert [p.path for p in found] == [("tables", "t", "hashKey")]


def test_an_item_that_is_not_a_map_is_refused():
    found = problems({"t": {**USERS, "items": ["admin"]}})
    assert [p.path for p in found] == [("tables", "t", "items", 0)] and "expected a map" in found[0].reason


def test_every_broken_item_is_reported_in_one_run():
    found = problems({"t": {**EVENTS, "items": [{"user": 1, "at": 1}, {"at": 2}, {"user": "c", "at": "x"}]}})
    assert {p.path[3:] for p in found} == {(0, "user"), (1, "user"), (2, "at")}
    assert all(p.render("Pulumi.staging.yaml").startswith(
        f"Pulumi.staging.yaml: koneksi-dynamodb:tables.t.items[{p.path[3]}].{p.path[4]}: ") for p in found)


@pytest.mark.parametrize("value", [100000000000000000000001, 0.1234567890123456789],
                         ids=["an integer past 2^63", "17 significant digits"])
def test_a_number_yaml_reads_as_a_float_that_lost_digits_is_refused(value):
    """YAML (like the Pulumi CLI's reader) gives a 64-bit float: it keeps 15 digits."""
    [problem] = refused({**USERS, "items": [{"id": "a", "n": float(value)}]}, 0, "n")
    assert "64-bit float" in problem.reason and "in quotes as text" in problem.fix


def test_an_exact_integer_past_2_to_the_53_is_kept():
    [item] = typed({"id": "a", "n": 9007199254740993})
    assert item["n"] == {"N": "9007199254740993"}


@pytest.mark.parametrize("index, size, words", [
    ({"globalSecondaryIndexes": {"ByEmail": {"hashKey": "email"}}}, 2049, "partition key of an index"),
    ({"rangeKey": "at", "localSecondaryIndexes": {"ByEmail": {"rangeKey": "email"}}}, 1025, "sort key of an index"),
], ids=["GSI partition key", "LSI sort key"])
def test_an_index_key_value_has_the_key_limits(index, size, words):
    table = {"attributes": {"id": "S", "at": "S", "email": "S"}, "hashKey": "id", **index}
    item = {"id": "a", "at": "b", "email": "x" * size} if "rangeKey" in index else {"id": "a", "email": "x" * size}
    [problem] = refused({**table, "items": [item]}, 0, "email")
    assert words in problem.reason
