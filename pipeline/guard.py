"""The data-loss guard: a plan may not delete or replace what holds a protected stack's data.

What holds data: tables, their replicas, the stack's KMS keys (their ciphertext is unreadable
without them) and backup vaults. One is guarded when it is protected in the old state or in
the new plan (prod, `protect: true` and the fedramp tiers protect all of them), or, for a table,
when deletion protection is on. A resource the config dropped is judged by its old state. The
same guard runs offline (`synth --against`) and before `up`/`destroy` (`pipeline.automation`).
"""

from dataclasses import dataclass
from typing import Iterable, Optional

from .diff import OTHER_REASONS, SECRET, Change, State
from .replacements import REPLICA, TABLE

COMPONENT = "koneksi:dynamodb:Table"
KMS_KEY = "aws:kms/key:Key"
DATA_HOLDERS = {TABLE: "table", REPLICA: "table replica", KMS_KEY: "KMS key",
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
        if self.change.op not in LOSING:  # a replacement the diff cannot rule out
            return (f"this plan may replace {self.noun} {self.name}, and with it the data it holds: offline, nothing "
                    f"tells whether {', '.join(self.change.may_replace)} "
                    f"change{'s' if len(self.change.may_replace) == 1 else ''} (a secret, or a value known only "
                    f"after deployment). Fix: check with `pulumi preview --diff`, or pass --allow-replace "
                    f"{self.allow_as} if losing the data is acceptable")
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
    if isinstance(old, (str, int, bool)) and isinstance(new, (str, int, bool)) and SECRET not in (old, new):
        return f"{path} {old} -> {new}"
    return f"{path} changes"


def guarded(state: Optional[State]) -> bool:
    if state is None or state["type"] not in DATA_HOLDERS:
        return False
    return bool(state.get("protect") or state.get("inputs", {}).get("deletionProtectionEnabled") is True)


def refusals(changes: Iterable[Change], allowed: Iterable[str] = (), destroying: bool = False) -> list[Refusal]:
    """Every replace or delete of guarded data that `allowed` does not name."""
    return verdict(changes, allowed, "", destroying)[1]


def verdict(changes: Iterable[Change], allowed: Iterable[str], stack: str,
            destroying: bool = False) -> tuple[list[str], list[Refusal]]:
    """What to tell about the allowances (one that names nothing, or two tables; each one used),
    and the refusals left: what `synth --against`, `up` and `destroy` all say."""
    changes, allowed = list(changes), set(allowed)
    losses = _losses(changes, destroying)
    known = {name for loss in losses for name in loss.names} | {n for names in _table_names(changes).values()
                                                                   for n in names}
    notes = [f"warning: --allow-replace {name} names no table of stack {stack}; it lets nothing through"
             for name in sorted(allowed - known)]
    for name in sorted(allowed):
        tables = sorted(key for key, names in _table_names(changes).items() if name in names)
        if len(tables) > 1:  # one table's key, another's physical name
            allowed.discard(name)
            notes.append(f"warning: --allow-replace {name} names {len(tables)} tables ({', '.join(tables)}), so it "
                         "lets none through: name the one you mean by its key or its physical name alone")
    notes += [f"allowed by --allow-replace: {loss.brief()}" for loss in losses if loss.names & allowed]
    return notes, [loss for loss in losses if not loss.names & allowed]


def _losses(changes: list[Change], destroying: bool) -> list[Refusal]:
    tables = _table_names(changes)
    # A key that encrypts a guarded table holds that table's data (and its backups') as much as it.
    keys_in_use = {urn for change in changes for state in (change.old, change.new)
                   if guarded(state) and state["type"] in (TABLE, REPLICA) for urn in state.get("dependencies", [])}
    return [_refusal(change, tables, destroying) for change in changes
            if (change.op in LOSING or change.may_replace)
            and (guarded(change.old) or guarded(change.new) or (change.type == KMS_KEY and change.urn in keys_in_use))]


def _table_names(changes: list[Change]) -> dict[str, set[str]]:
    """Table key (the component's name) -> its names: the key, and its physical names in the old
    state and the new plan (a renamed table has two)."""
    tables: dict[str, set[str]] = {}
    for change in changes:
        for state in (change.old, change.new):
            if state is not None and state["type"] == TABLE and _component_key(state):
                key = _component_key(state)
                tables.setdefault(key, {key}).add(state["inputs"].get("name", _resource_name(state)))
    return tables


def _refusal(change: Change, tables: dict[str, set[str]], destroying: bool) -> Refusal:
    state = change.state
    noun = DATA_HOLDERS[state["type"]]
    where = f" in {state['inputs']['region']}" if isinstance(state["inputs"].get("region"), str) else ""
    key = _component_key(state)
    if key is not None:  # a table or one of its replicas: named by the table's key or names
        names = tables.get(key, {key})
        physical = ((change.old or change.new)["inputs"].get("name") if state["type"] == TABLE else None) \
            or next(iter(sorted(names - {key})), key)
        name = physical if state["type"] == TABLE else f"{_resource_name(state)} (of {physical})"
        # The key names the table, unless it is also another table's physical name.
        ambiguous = any(key in others for other, others in tables.items() if other != key)
        return Refusal(change, noun, name + where, physical if ambiguous else key, frozenset(names), destroying)
    name = state["inputs"].get("name") or _resource_name(state)
    return Refusal(change, noun, name + where, _resource_name(state), frozenset({name, _resource_name(state)}),
                   destroying)


def _component_key(state: State) -> Optional[str]:
    parent = state.get("parent") or ""
    return parent.rsplit("::", 1)[1] if f"::{COMPONENT}::" in parent else None


def _resource_name(state: State) -> str:
    return state["urn"].rsplit("::", 1)[1]
