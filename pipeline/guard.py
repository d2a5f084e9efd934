"""The data-loss guard: a plan may not delete or replace what holds a protected stack's data.

What holds data: tables, their replicas, the stack's KMS keys (their ciphertext is unreadable
without them) and backup vaults. One is guarded when it is protected in the old state or in
the new plan (prod, `protect: true` and the fedramp tiers protect all of them), or, for a table,
when deletion protection is on. A resource the config dropped is judged by its old state. The
same guard runs offline (`synth --against`) and before `up`/`destroy` (`pipeline.automation`).
"""

from dataclasses import dataclass
from typing import Iterable, Optional

from .diff import OTHER_REASONS, Change, State
from .replacements import REPLICA, TABLE

COMPONENT = "koneksi:dynamodb:Table"
DATA_HOLDERS = {TABLE: "table", REPLICA: "table replica", "aws:kms/key:Key": "KMS key",
                "aws:backup/vault:Vault": "backup vault"}
LOSING = ("replace", "delete")


@dataclass
class Refusal:
    change: Change
    noun: str
    name: str  # what AWS calls it: a table's or vault's name, else the resource's
    allow_as: str  # what `--allow-replace` names in the message: a table's key
    names: frozenset[str]  # everything `--allow-replace` may name to let it through

    destroying: bool = False  # the whole stack goes: there is no change to undo

    def render(self) -> str:
        if self.destroying:
            return (f"destroying the stack deletes {self.noun} {self.name}, and with it the data it holds. Fix: pass "
                    f"--allow-replace {self.allow_as} if losing the data is intended")
        if self.change.op == "delete":
            why = "it is no longer in the config" if self.change.new is None else "the plan deletes it"
        else:
            why = "; ".join(_reason(self.change, reason) for reason in self.change.replace_reasons) \
                or "the provider replaces it"
        verb = "replaces" if self.change.op == "replace" else "deletes"
        return (f"this plan {verb} {self.noun} {self.name} ({why}), and with it the data it holds. Fix: undo that "
                f"change, or pass --allow-replace {self.allow_as} if losing the data is intended")

    def brief(self) -> str:
        """What is let through, in one clause, for `allowed by --allow-replace: ...`."""
        return self.render().split(", and with it")[0]


def _reason(change: Change, path: str) -> str:
    if path in OTHER_REASONS:
        return OTHER_REASONS[path]
    name, _, nested = path.partition(".")
    old, new = ((state or {}).get("inputs", {}).get(name) for state in (change.old, change.new))
    if nested:
        old, new = (value.get(nested) if isinstance(value, dict) else None for value in (old, new))
    if isinstance(old, (str, int, bool)) and isinstance(new, (str, int, bool)):
        return f"{path} {old} -> {new}"
    return f"{path} changes"


def guarded(state: Optional[State]) -> bool:
    if state is None or state["type"] not in DATA_HOLDERS:
        return False
    return bool(state.get("protect") or state.get("inputs", {}).get("deletionProtectionEnabled") is True)


def refusals(changes: Iterable[Change], allowed: Iterable[str] = (), destroying: bool = False) -> list[Refusal]:
    """Every replace or delete of guarded data that `allowed` does not name."""
    return [refusal for refusal in _losses(list(changes), destroying) if not refusal.names & set(allowed)]


def verdict(changes: Iterable[Change], allowed: Iterable[str], stack: str,
            destroying: bool = False) -> tuple[list[str], list[Refusal]]:
    """What to tell about the allowances (one that names no table; each one used), and the
    refusals left: what `synth --against`, `up` and `destroy` all say."""
    changes, allowed = list(changes), set(allowed)
    notes = [f"warning: --allow-replace {name} names no table of stack {stack}; it lets nothing through"
             for name in unmatched(changes, allowed)]
    losses = _losses(changes, destroying)
    notes += [f"allowed by --allow-replace: {loss.brief()}" for loss in losses if loss.names & allowed]
    return notes, [loss for loss in losses if not loss.names & allowed]


def _losses(changes: list[Change], destroying: bool) -> list[Refusal]:
    tables = _table_names(changes)
    return [_refusal(change, tables, destroying) for change in changes
            if change.op in LOSING and (guarded(change.old) or guarded(change.new))]


def unmatched(changes: Iterable[Change], allowed: Iterable[str]) -> list[str]:
    """The `--allow-replace` names that name no table of the plan or of the old state, nor any
    other guarded resource it loses: a typo would otherwise let nothing through and say nothing."""
    changes = list(changes)
    known = {name for loss in _losses(changes, destroying=False) for name in loss.names}
    for key, name in _table_names(changes).items():
        known |= {key, name}
    return sorted(set(allowed) - known)


def _table_names(changes: list[Change]) -> dict[str, str]:
    """Table key (the component's name) -> the table's name, from the new plan or the old state."""
    tables = {}
    for change in changes:
        for state in (change.old, change.new):
            if state is not None and state["type"] == TABLE and _component_key(state):
                tables[_component_key(state)] = state["inputs"].get("name", _resource_name(state))
    return tables


def _refusal(change: Change, tables: dict[str, str], destroying: bool) -> Refusal:
    state = change.state
    noun = DATA_HOLDERS[state["type"]]
    key = _component_key(state)
    if key is not None:  # a table or one of its replicas: named by the table's key or name
        table = tables.get(key, key)
        name = table if state["type"] == TABLE else f"{_resource_name(state)} (of {table})"
        return Refusal(change, noun, name, key, frozenset({key, table}), destroying)
    name = state["inputs"].get("name") or _resource_name(state)
    return Refusal(change, noun, name, _resource_name(state), frozenset({name, _resource_name(state)}), destroying)


def _component_key(state: State) -> Optional[str]:
    parent = state.get("parent") or ""
    return parent.rsplit("::", 1)[1] if f"::{COMPONENT}::" in parent else None


def _resource_name(state: State) -> str:
    return state["urn"].rsplit("::", 1)[1]
