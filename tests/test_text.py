"""The text a reviewer reads before `pulumi up` (issue 7, item 15)."""

import re

import pytest

from pipeline.synth import preview_document
from pipeline.stack_files import StackSettings
from pipeline.text import render
from tests.conftest import USERS, autoscaled, synth_stack, synth_tables

FULL = {
    "attributes": {"id": "S", "at": "N", "kind": "S", "user": "S"}, "hashKey": "id", "rangeKey": "at",
    "billingMode": "PROVISIONED",
    "capacity": {"read": {**autoscaled(), "scaleInCooldown": 300, "scaleOutCooldown": 30}, "write": 5},
    "stream": "NEW_AND_OLD_IMAGES", "ttlAttribute": "expiresAt", "pointInTimeRecovery": {"recoveryPeriodDays": 14},
    "encryption": "CUSTOMER_MANAGED",
    "globalSecondaryIndexes": {"ByUser": {"hashKey": "user", "projection": ["kind", "note"]}},
    "localSecondaryIndexes": {"ByKind": {"rangeKey": "kind", "projection": ["user"]}},
}


@pytest.fixture(scope="module")
def full():
    return synth_tables({"events": FULL}, alarms={"level": "enhanced", "email": "ops@example.com"},
                        network={"vpcId": "vpc-01234567", "routeTableIds": ["rtb-01234567"]})


def plain(plan, width=120):
    return render(plan, width=width, color=False)


def test_every_resource_is_a_plus_line_and_the_count_is_the_jsons(full):
    text = plain(full)
    assert len([line for line in text.splitlines() if line.startswith("+ ")]) == len(full.steps)
    create = preview_document(full, StackSettings())["changeSummary"]["create"]
    assert f"    + {create} to create" in text.splitlines()


@pytest.mark.parametrize("fact", [
    "scale-in cooldown 300 s; scale-out cooldown 30 s",  # scaling cooldowns
    "projection INCLUDE kind, note",  # a GSI's INCLUDE attributes
    "LSI ByKind: sort key kind (S), projection INCLUDE user",
    "encrypted with the key koneksi-staging-dynamodb-key",  # what encrypts the topic
    "encryption: the key koneksi-staging-dynamodb-key",
    "PITR on, 14 days", "stream NEW_AND_OLD_IMAGES", "TTL on expiresAt",
    "capacity, throttles, errors and latency of 1 table (koneksi-staging-events): 6 widgets",  # the dashboard
    "the account's capacity utilization and client errors",
    "email ops@example.com",
    "policy: the account's principals may do 14 data-plane actions on",
    "between 5 and 100 units",
])
def test_every_configured_setting_is_visible(full, fact):
    assert fact in " ".join(plain(full, width=400).split())


def test_lines_fit_the_width_and_break_only_between_facts(full):
    for width in (80, 120):
        text = plain(full, width)
        for line in text.splitlines():
            facts = line.strip(" │├└─+").split("; ")
            # A line is within the width, or it is one fact that is longer than the width by itself.
            assert len(line) <= width or len(facts) == 1, line


def test_piped_output_has_no_colour_and_a_terminal_gets_it(full):
    assert "\x1b[" not in plain(full)
    assert "\x1b[" in render(full, width=120, color=True)


def test_the_width_follows_columns_when_piped(full, monkeypatch):
    monkeypatch.setenv("COLUMNS", "70")
    assert max(len(line) for line in render(full, color=False).splitlines()
               if "; " in line) <= 70


def test_text_is_byte_identical_for_the_same_plan():
    assert plain(synth_stack("prod")) == plain(synth_stack("prod"))


def test_alarm_dimensions_are_in_a_fixed_order():
    text = plain(synth_stack("prod"), width=400)
    assert "[Operation=GetItem, TableName=koneksi-prod-users]" in text


def test_protection_and_ignored_changes_are_flagged():
    text = plain(synth_stack("prod"))
    assert re.search(r"aws:dynamodb/table:Table users-table  \(protect; retainOnDelete; ignoreChanges readCapacity, "
                     r"writeCapacity, restore\*\)", text)


def test_diagnostics_are_listed_before_the_summary():
    text = plain(synth_tables({"users": USERS}))
    assert text.index("Diagnostics:") < text.index("Resources:")
    assert "warning: alarms go to the topic koneksi-staging-dynamodb-alarms" in text


def test_the_gsi_chain_and_the_outputs_are_shown():
    table = {"attributes": {"id": "S", "a": "S", "b": "S"}, "hashKey": "id",
             "globalSecondaryIndexes": {"ByA": {"hashKey": "a"}, "ByB": {"hashKey": "b"}}}
    text = plain(synth_tables({"t": table}), width=400)
    assert "index ByB of koneksi-staging-t" in text and "built after t-ByA-index" in text
    assert "    tables.t.name: koneksi-staging-t" in text.splitlines()
