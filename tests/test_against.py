"""`synth --against FILE`: the plan as a diff, and the data-loss guard offline (issue 9, item 4)."""

import copy
import json

import pytest

from pipeline.__main__ import EXIT_INVALID, EXIT_REFUSED, EXIT_USAGE, main
from pipeline.diff import against, normalised, read_previous
from pipeline.guard import refusals, verdict
from pipeline.mock_engine import run_program
from pipeline.text import render
from tests.conftest import GSI, KMS_KEY, PROJECT, ROOT, TABLE, USERS, settings_for, synth_stack, synth_tables

USERS_TABLE = "urn:pulumi:prod::koneksi-dynamodb::koneksi:dynamodb:Table$aws:dynamodb/table:Table::users-table"
CIPHERTEXT = {"4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", "ciphertext": "v1:abc"}


@pytest.fixture(scope="module")
def prod_plan():
    return json.loads(json.dumps({"steps": synth_stack("prod").steps}))


def write(tmp_path, document, name="previous.json"):
    path = tmp_path / name
    path.write_text(json.dumps(document))
    return path


def step(document, urn):
    return next(s for s in document["steps"] if s["urn"] == urn)


def run(capsys, *args):
    status = main(["synth", "--stack", "prod", *args])
    out, err = capsys.readouterr()
    return status, out, err


def stack_export(plan_document):
    """A `pulumi stack export` of the plan as deployed: inputs as the bridge stores them."""
    resources = []
    for s in plan_document["steps"]:
        state = copy.deepcopy(s["newState"])
        inputs = {k: float(v) if isinstance(v, int) and not isinstance(v, bool) else v for k, v in state["inputs"].items()}
        if state["type"] == TABLE:
            inputs["__defaults"] = []
        resources.append({**state, "inputs": inputs, "outputs": {}, "id": "x" if state["custom"] else ""})
    return {"version": 3, "deployment": {"manifest": {"time": "2026-11-01T00:00:00Z"}, "resources": resources}}


def test_a_plan_whose_users_table_had_another_hash_key_is_a_refused_replacement(capsys, tmp_path, prod_plan):
    previous = copy.deepcopy(prod_plan)
    step(previous, USERS_TABLE)["newState"]["inputs"]["hashKey"] = "email"
    status, out, err = run(capsys, "--against", str(write(tmp_path, previous)))
    assert status == EXIT_REFUSED
    assert "this plan replaces table koneksi-prod-users (hashKey email -> id)" in err
    assert "--allow-replace users" in err
    assert "+- " in out and "hashKey: email -> id (forces replacement)" in out


@pytest.mark.parametrize("name", ["users", "koneksi-prod-users"])
def test_allow_replace_names_the_table_by_key_or_name(capsys, tmp_path, prod_plan, name):
    previous = copy.deepcopy(prod_plan)
    step(previous, USERS_TABLE)["newState"]["inputs"]["hashKey"] = "email"
    status, _, err = run(capsys, "--against", str(write(tmp_path, previous)), "--allow-replace", name, "--json")
    assert status == 0
    assert "allowed by --allow-replace: this plan replaces table koneksi-prod-users" in err


def test_the_json_diff_is_shaped_like_a_preview(capsys, tmp_path, prod_plan):
    previous = copy.deepcopy(prod_plan)
    step(previous, USERS_TABLE)["newState"]["inputs"]["hashKey"] = "email"
    status, out, _ = run(capsys, "--against", str(write(tmp_path, previous)), "--allow-replace", "users", "--json")
    document = json.loads(out)
    replaced = step(document, USERS_TABLE)
    assert replaced["op"] == "replace"
    assert replaced["replaceReasons"] == ["hashKey"] and replaced["diffs"] == ["hashKey"]
    assert replaced["oldState"]["inputs"]["hashKey"] == "email" and replaced["newState"]["inputs"]["hashKey"] == "id"
    assert document["changeSummary"] == {"replace": 1, "same": len(prod_plan["steps"]) - 1}


def test_a_plan_against_itself_changes_nothing(capsys, tmp_path, prod_plan):
    status, out, _ = run(capsys, "--against", str(write(tmp_path, prod_plan)), "--json")
    assert status == 0
    assert json.loads(out)["changeSummary"] == {"same": len(prod_plan["steps"])}


def test_a_protected_table_dropped_from_the_config_is_judged_by_its_old_state(capsys, tmp_path, prod_plan):
    previous = copy.deepcopy(prod_plan)
    orders = copy.deepcopy(step(previous, USERS_TABLE))
    orders["urn"] = orders["newState"]["urn"] = USERS_TABLE.replace("users-table", "orders-table")
    orders["newState"]["parent"] = orders["newState"]["parent"].replace("::users", "::orders")
    orders["newState"]["inputs"]["name"] = "koneksi-prod-orders"
    previous["steps"].append(orders)
    status, out, err = run(capsys, "--against", str(write(tmp_path, previous)), "--json")
    assert status == EXIT_REFUSED
    assert "this plan deletes table koneksi-prod-orders (it is no longer in the config)" in err
    deleted = step(json.loads(out), orders["urn"])
    assert deleted["op"] == "delete" and "newState" not in deleted
    assert deleted["oldState"]["inputs"]["name"] == "koneksi-prod-orders"
    assert run(capsys, "--against", str(write(tmp_path, previous)), "--allow-replace", "orders")[0] == 0


def test_the_stack_key_is_guarded_too(capsys, tmp_path, prod_plan):
    previous = copy.deepcopy(prod_plan)
    key = next(s for s in previous["steps"] if s["newState"]["type"] == KMS_KEY)
    key["newState"]["inputs"]["customerMasterKeySpec"] = "RSA_2048"
    status, _, err = run(capsys, "--against", str(write(tmp_path, previous)))
    assert status == EXIT_REFUSED
    assert "this plan replaces KMS key koneksi-prod-dynamodb-key (customerMasterKeySpec removed" in err \
        or "this plan replaces KMS key koneksi-prod-dynamodb-key (customerMasterKeySpec changes" in err


def test_an_unprotected_table_may_be_replaced(tmp_path):
    before = synth_tables({"users": USERS})
    after = synth_tables({"users": {**USERS, "hashKey": "email"}})
    previous = {s["urn"]: s["newState"] for s in before.steps}
    changes = against(after, previous)
    table = next(c for c in changes if c.type == TABLE)
    assert (table.op, table.replace_reasons) == ("replace", ["hashKey"])
    assert refusals(changes) == []  # staging protects nothing: the diff says it, the guard lets it be


def test_an_index_whose_keys_change_is_replaced(tmp_path):
    def with_index(key):
        return {"users": {**USERS, "globalSecondaryIndexes": {"by-email": {"hashKey": key}}}}
    changes = against(synth_tables(with_index("name")),
                      {s["urn"]: s["newState"] for s in synth_tables(with_index("email")).steps})
    index = next(c for c in changes if c.type == GSI)
    assert index.op == "replace" and index.replace_reasons == ["keySchemas"]


def test_ignored_inputs_are_no_change(prod_plan, tmp_path):
    previous = copy.deepcopy(prod_plan)
    step(previous, USERS_TABLE)["newState"]["inputs"]["readCapacity"] = 42  # auto-scaling moved it
    changes = against(synth_stack("prod"), read_previous(write(tmp_path, previous)))
    assert {c.op for c in changes} == {"same"}


def test_a_stack_export_is_normalised_before_comparing(tmp_path, prod_plan):
    export = stack_export(prod_plan)
    table = next(r for r in export["deployment"]["resources"] if r["urn"] == USERS_TABLE)
    table["inputs"]["billingMode"] = "PROVISIONED"
    table["inputs"]["tableClass"] = "STANDARD_INFREQUENT_ACCESS"  # the provider's default, not the program's
    table["inputs"]["__defaults"] = ["tableClass"]
    replaced_copy = {**table, "delete": True, "inputs": {**table["inputs"], "hashKey": "old"}}
    export["deployment"]["resources"].append(replaced_copy)
    previous = read_previous(write(tmp_path, export))
    assert previous[USERS_TABLE]["inputs"]["readCapacity"] == 5  # 5.0 as stored
    assert "__defaults" not in previous[USERS_TABLE]["inputs"]
    changes = against(synth_stack("prod"), previous)
    assert [(c.urn, c.op, c.diffs) for c in changes if c.op != "same"] == [(USERS_TABLE, "update", ["tableClass"])]


def test_a_secret_can_only_be_said_to_may_change():
    assert normalised({"password": CIPHERTEXT, "n": 5.0, "__defaults": []}) == {"password": "[secret]", "n": 5}
    plan = synth_tables({"users": USERS})
    previous = {s["urn"]: copy.deepcopy(s["newState"]) for s in plan.steps}
    table = next(s for s in previous.values() if s["type"] == TABLE)
    table["inputs"]["tableClass"] = "[secret]"
    [change] = [c for c in against(plan, previous) if c.type == TABLE]
    assert (change.op, change.diffs, change.may_change) == ("same", [], ["tableClass"])


def test_a_plan_of_another_stack_is_refused(capsys, tmp_path):
    staging = json.loads(json.dumps({"steps": synth_stack("staging").steps}))
    status, _, err = run(capsys, "--against", str(write(tmp_path, staging)))
    assert status == EXIT_USAGE
    assert "holds stack staging of project koneksi-dynamodb, not prod of project koneksi-dynamodb" in err


@pytest.mark.parametrize("content, says", [
    ("not json", "not JSON"),
    ('{"something": 1}', "neither a plan (`steps`) nor a deployment (`resources`)"),
])
def test_a_file_that_is_neither_plan_nor_export_is_refused(capsys, tmp_path, content, says):
    path = tmp_path / "previous.json"
    path.write_text(content)
    status, _, err = run(capsys, "--against", str(path))
    assert status == EXIT_INVALID and says in err and "Traceback" not in err


def test_a_missing_file_is_refused(capsys, tmp_path):
    status, _, err = run(capsys, "--against", str(tmp_path / "nope.json"))
    assert status == EXIT_INVALID and "no such file" in err


def test_allow_replace_needs_against(capsys):
    status, _, err = run(capsys, "--allow-replace", "users")
    assert status == EXIT_USAGE and "--allow-replace only means something with --against" in err


def test_an_allowance_that_names_no_table_is_warned_about(capsys, tmp_path, prod_plan):
    status, _, err = run(capsys, "--against", str(write(tmp_path, prod_plan)), "--allow-replace", "user")
    assert status == 0
    assert "--allow-replace user names no table of stack prod" in err


def test_an_empty_deployment_means_everything_is_created(capsys, tmp_path):
    path = write(tmp_path, {"version": 3, "deployment": {"manifest": {}}})
    status, out, _ = run(capsys, "--against", str(path), "--json")
    assert status == 0
    assert set(json.loads(out)["changeSummary"]) == {"create"}


def test_the_text_diff_draws_only_what_changes_and_its_parents(capsys, tmp_path, prod_plan):
    previous = copy.deepcopy(prod_plan)
    step(previous, USERS_TABLE)["newState"]["inputs"]["tableClass"] = "STANDARD_INFREQUENT_ACCESS"
    status, out, _ = run(capsys, "--against", str(write(tmp_path, previous)))
    assert status == 0
    lines = [line for line in out.splitlines() if "::" not in line]
    assert any(line.startswith("~ ") and "users-table" in line for line in lines)
    assert not any("MetricAlarm" in line for line in lines)
    assert "tableClass: STANDARD_INFREQUENT_ACCESS -> STANDARD" in out
    assert "~ 1 to update" in out


def test_the_shipped_export_shape_is_read(tmp_path, prod_plan):
    """The deployment alone (`pulumi stack export | jq .deployment`) reads the same."""
    export = stack_export(prod_plan)
    assert read_previous(write(tmp_path, export["deployment"])) == read_previous(write(tmp_path, export, "full.json"))
    assert ROOT.is_dir()


def test_moving_the_stack_to_another_region_replaces_every_table(tmp_path, prod_plan):
    """pulumi-aws 7: a regional resource takes the provider's region unless it names its own, and
    its `region` forces a replacement."""
    previous = read_previous(write(tmp_path, prod_plan))
    provider = next(state for state in previous.values() if state["type"] == "pulumi:providers:aws")
    provider["inputs"]["region"] = "ap-southeast-2"
    changes = against(synth_stack("prod"), previous)
    table = next(c for c in changes if c.type == TABLE)
    assert (table.op, table.replace_reasons) == ("replace", ["region (the provider's)"])
    assert next(c for c in changes if c.type == "aws:iam/role:Role").op == "same"  # IAM is global
    assert any(r.render().startswith("this plan replaces table koneksi-prod-users (its provider's region changes)")
               for r in refusals(changes))


@pytest.mark.parametrize("mark, said", [("taint", "it is tainted in the state"),
                                        ("pendingReplacement", "an interrupted replacement left it pending")])
def test_a_resource_the_state_marks_for_replacement_is_replaced(capsys, tmp_path, prod_plan, mark, said):
    export = stack_export(prod_plan)
    next(r for r in export["deployment"]["resources"] if r["urn"] == USERS_TABLE)[mark] = True
    status, out, err = run(capsys, "--against", str(write(tmp_path, export)))
    assert status == EXIT_REFUSED
    assert f"this plan replaces table koneksi-prod-users ({said})" in err
    assert f"replaced: {said}" in out


def test_allow_replace_of_a_key_by_its_name_is_not_called_unmatched(capsys, tmp_path, prod_plan):
    previous = copy.deepcopy(prod_plan)
    key = next(s for s in previous["steps"] if s["newState"]["type"] == KMS_KEY)
    key["newState"]["inputs"]["keyUsage"] = "SIGN_VERIFY"
    status, _, err = run(capsys, "--against", str(write(tmp_path, previous)), "--allow-replace",
                         "koneksi-prod-dynamodb-key")
    assert status == 0
    assert "names no table" not in err and "allowed by --allow-replace: this plan replaces KMS key" in err


@pytest.mark.parametrize("document", [
    {"steps": [{"op": "create", "urn": "x"}]},
    {"steps": [{"op": "create", "newState": {"urn": "x", "type": "t", "inputs": []}}]},
    {"deployment": {"resources": [{"type": "aws:dynamodb/table:Table"}]}},
    {"steps": ["not a step"]},
])
def test_a_record_the_guard_cannot_read_refuses_the_file(capsys, tmp_path, document):
    """Otherwise what it holds would look absent, and its table's deletion unguarded."""
    status, _, err = run(capsys, "--against", str(write(tmp_path, document)))
    assert status == EXIT_INVALID and "is not a resource with a `urn`, a `type` and `inputs`" in err


# --- what offline cannot see, and names that would let the wrong table through ----------------

def secret_plan(tables):
    """A plan whose `tables` key holds a `secure:` value: under `pulumi up` every value of the key
    is marked secret, so the table's key inputs are `[secret]` in the plan."""
    from pipeline.stack_files import StackSettings
    settings = StackSettings(values={"aws:region": "ap-southeast-1", f"{PROJECT}:tables": json.dumps(tables)},
                             secret_keys=[f"{PROJECT}:tables"])
    return run_program(ROOT, PROJECT, "prod", settings)


def test_a_secret_among_the_tables_does_not_hide_a_key_change():
    audit = {**USERS, "encryption": "[secret]"}  # a secret key ARN: synth reads its placeholder
    before = secret_plan({"users": USERS, "audit": audit})
    table = next(s["newState"] for s in before.steps if s["newState"]["type"] == TABLE)
    assert table["inputs"]["hashKey"] == "[secret]" and table["secretDigests"]["hashKey"].startswith("sha256:")
    previous = {s["urn"]: s["newState"] for s in before.steps}
    assert {c.op for c in against(secret_plan({"users": USERS, "audit": audit}), previous)} == {"same"}
    changes = against(secret_plan({"users": {**USERS, "hashKey": "email"}, "audit": audit}), previous)
    [refused] = refusals(changes)
    assert refused.render().startswith("this plan replaces table koneksi-prod-users (hashKey changes)")


def test_a_key_input_the_diff_cannot_read_may_replace_and_is_refused(tmp_path, prod_plan):
    """A stack export holds secrets as ciphertext: a secret-marked hashKey there cannot be compared."""
    export = stack_export(prod_plan)
    next(r for r in export["deployment"]["resources"] if r["urn"] == USERS_TABLE)["inputs"]["hashKey"] = CIPHERTEXT
    changes = against(synth_stack("prod"), read_previous(write(tmp_path, export)))
    table = next(c for c in changes if c.urn == USERS_TABLE)
    assert (table.op, table.may_replace) == ("same", ["hashKey"])
    assert refusals(changes)[0].render().startswith("this plan may replace table koneksi-prod-users")


def test_a_value_known_only_after_deployment_is_the_deployed_one_when_its_source_stays():
    """A replica's table ARN is unknown in the plan; the export has it. The table stays, so does it."""
    tables = {"users": {**USERS, "stream": "NEW_AND_OLD_IMAGES", "replicas": ["eu-west-1"]}}
    plan = synth_tables(tables, stack="prod")
    previous = {s["urn"]: copy.deepcopy(s["newState"]) for s in plan.steps}
    replica = next(s for s in previous.values() if s["type"] == "aws:dynamodb/tableReplica:TableReplica")
    assert replica["inputs"]["globalTableArn"] == "[unknown]"
    replica["inputs"]["globalTableArn"] = "arn:aws:dynamodb:ap-southeast-1:123456789012:table/koneksi-prod-users"
    assert {c.op for c in against(plan, previous)} == {"same"} and refusals(against(plan, previous)) == []


def test_a_replica_moving_to_a_new_key_may_be_replaced_and_is_refused():
    key = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    own = {"users": {**USERS, "encryption": "CUSTOMER_MANAGED", "replicas": [{"region": "eu-west-1", "kmsKeyArn": key}]}}
    stack_key = {"users": {**USERS, "encryption": "CUSTOMER_MANAGED", "replicas": ["eu-west-1"]}}
    previous = {s["urn"]: s["newState"] for s in synth_tables(own, stack="prod").steps}
    changes = against(synth_tables(stack_key, stack="prod"), previous)
    replica = next(c for c in changes if c.type == "aws:dynamodb/tableReplica:TableReplica")
    assert "kmsKeyArn" in replica.may_replace
    assert any(r.render().startswith("this plan may replace table replica users-replica-eu-west-1") for r in refusals(changes))


def test_a_name_that_is_one_tables_key_and_anothers_name_lets_neither_through():
    tables = {"users": USERS, "legacy": {**USERS, "name": "users"}}
    previous = {s["urn"]: s["newState"] for s in synth_tables(tables, stack="prod").steps}
    changes = against(synth_tables({name: {**table, "hashKey": "email"} for name, table in tables.items()},
                                   stack="prod"), previous)
    notes, refused = verdict(changes, ["users"], "prod")
    assert len(refused) == 2 and "names 2 tables (legacy, users), so it lets none through" in notes[0]
    assert {r.allow_as for r in refused} == {"legacy", "koneksi-prod-users"}  # never the ambiguous name
    assert verdict(changes, ["koneksi-prod-users", "legacy"], "prod")[1] == []


def test_the_key_of_a_protected_table_is_guarded_in_any_stack():
    tables = {"users": {**USERS, "protect": True, "encryption": "CUSTOMER_MANAGED"}}
    own_topic = {"snsTopicArn": "arn:aws:sns:ap-southeast-1:123456789012:ops"}  # else the topic keeps the key
    previous = {s["urn"]: s["newState"] for s in synth_tables(tables, alarms=own_topic).steps}  # staging
    changes = against(synth_tables({"users": {**tables["users"], "encryption": "AWS_MANAGED"}}, alarms=own_topic),
                      previous)
    assert [r.noun for r in refusals(changes)] == ["KMS key"]


def test_a_renamed_table_is_allowed_by_its_old_name_too():
    previous = {s["urn"]: s["newState"] for s in synth_tables({"users": USERS}, stack="prod").steps}
    changes = against(synth_tables({"users": {**USERS, "name": "people"}}, stack="prod"), previous)
    [refused] = refusals(changes)
    assert refused.name == "koneksi-prod-users" and "name koneksi-prod-users -> people" in refused.render()
    assert refusals(changes, ["koneksi-prod-users"]) == [] and refusals(changes, ["people"]) == []


@pytest.mark.parametrize("field, value", [("parent", 5), ("ignoreChanges", 5), ("dependencies", [1])])
def test_a_record_of_the_wrong_shape_is_refused_not_a_bug(capsys, tmp_path, prod_plan, field, value):
    previous = copy.deepcopy(prod_plan)
    step(previous, USERS_TABLE)["newState"][field] = value
    status, _, err = run(capsys, "--against", str(write(tmp_path, previous)))
    assert status == EXIT_INVALID and "is not a resource" in err


def test_a_plan_of_another_project_is_refused(capsys, tmp_path, prod_plan):
    other = json.loads(json.dumps(prod_plan).replace("::koneksi-dynamodb::", "::other::"))
    status, _, err = run(capsys, "--against", str(write(tmp_path, other)))
    assert status == EXIT_USAGE and "holds stack prod of project other" in err


def test_a_changed_policy_document_is_shown_leaf_by_leaf(capsys, tmp_path):
    """Two cut-off documents would hide the change from the reviewer."""
    def plan(leading):
        return run_program(ROOT, PROJECT, "prod", settings_for(
            {"users": USERS}, access={"app": {"tables": ["users"], "level": "read", "leadingKeys": leading}}))
    previous = {s["urn"]: s["newState"] for s in plan("${aws:userid}").steps}
    text = render(plan("${aws:PrincipalTag/user}"), changes=against(plan("${aws:PrincipalTag/user}"), previous),
                  against="previous.json", color=False, width=200)
    assert ("policy.Statement[0].Condition.ForAllValues:StringEquals.dynamodb:LeadingKeys[0]: ${aws:userid} -> "
            "${aws:PrincipalTag/user}") in text


def test_a_resource_that_may_be_replaced_is_drawn_and_counted(capsys, tmp_path, prod_plan):
    export = stack_export(prod_plan)
    next(r for r in export["deployment"]["resources"] if r["urn"] == USERS_TABLE)["inputs"]["hashKey"] = CIPHERTEXT
    status, out, err = run(capsys, "--against", str(write(tmp_path, export)))
    assert status == EXIT_REFUSED and "whether hashKey changes" in err
    assert "may be replaced: hashKey cannot be compared offline" in out
    assert "? 1 may be replaced" in out
