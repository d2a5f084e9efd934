"""`synth --against FILE`: the plan as a diff against what a stack held before.

FILE is an earlier `synth --json` plan or a `pulumi stack export` deployment. Steps are matched by
URN and each becomes `same`, `create`, `import`, `update`, `replace` or `delete`, as in `pulumi
preview --json`. Before comparing, both sides are brought to one form (`normalised`): a stack
export holds inputs as the provider stored them (`__defaults`, numbers as floats) and secrets as
ciphertext, so a secret on either side can only be said to "may change".
"""

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Optional

from pulumi.runtime import rpc

from components.errors import SECRET_PLACEHOLDER as SECRET

from .mock_engine import UNKNOWN, Plan
from .replacements import REPLACED_WHEN, SET_INPUTS

# The bridge lists the inputs it filled with the provider's defaults under this key; they were
# never the program's, so they are not compared (pulumi-terraform-bridge, `__defaults`).
DEFAULTS_KEY = "__defaults"
# Inputs the engine adds to a provider's state by itself, never the program's.
ENGINE_PROVIDER_INPUTS = ("version",)
State = dict[str, Any]
OPS = ("create", "import", "update", "replace", "delete", "same")  # the order summaries count them in
REPLACED_ANYWAY = ("taint", "pendingReplacement")
PROVIDER_MOVED = "region (the provider's)"
# Replace reasons that are no input of the resource, as a person reads them.
OTHER_REASONS = {"taint": "it is tainted in the state", "pendingReplacement": "an interrupted replacement left it "
                 "pending", PROVIDER_MOVED: "its provider's region changes", "type": "its type changes"}


class AgainstError(Exception):
    """FILE cannot be read as a plan or a deployment; the message says why and what to pass."""


@dataclass
class Change:
    """One step of the diff; `old`/`new` are states shaped like a plan's `newState`."""

    op: str
    urn: str
    type: str
    old: Optional[State] = None
    new: Optional[State] = None
    diffs: list[str] = field(default_factory=list)
    replace_reasons: list[str] = field(default_factory=list)
    may_change: list[str] = field(default_factory=list)  # secrets and values known only after deployment
    # Inputs that force a replacement when they change, and of which the diff cannot tell.
    may_replace: list[str] = field(default_factory=list)

    @property
    def state(self) -> State:
        return self.new if self.new is not None else self.old  # type: ignore[return-value]

    def step(self) -> dict[str, Any]:
        """The step as `pulumi preview --json` writes it."""
        step: dict[str, Any] = {"op": self.op, "urn": self.urn}
        if self.old is not None and self.op != "same":
            step["oldState"] = self.old
        if self.new is not None:
            step["newState"] = self.new
        if self.diffs:
            step["diffs"] = self.diffs
        if self.replace_reasons:
            step["replaceReasons"] = self.replace_reasons
        if self.may_change:
            step["mayChange"] = self.may_change
        if self.may_replace:
            step["mayReplace"] = self.may_replace
        return step


def read_previous(path: Path) -> dict[str, State]:
    """The states FILE holds, by URN: the steps of a `synth --json` plan (a diff's deletes left
    out), or the resources of a `pulumi stack export` (`{"deployment": ...}` or the deployment)."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise AgainstError(f"--against {path}: no such file. Fix: pass the plan of the main branch (`python -m pipeline "
                           "synth --stack <stack> --json --output plan.json`) or `pulumi stack export` output")
    except (OSError, UnicodeDecodeError) as error:
        raise AgainstError(f"--against {path}: cannot be read ({getattr(error, 'strerror', None) or error})")
    except ValueError as error:
        raise AgainstError(f"--against {path}: not JSON ({error}). Fix: pass a `synth --json` plan or "
                           "`pulumi stack export` output")
    if isinstance(document, dict) and isinstance(document.get("steps"), list):
        # A diff's delete steps are what that diff's plan no longer has.
        states = [step.get("newState") if isinstance(step, dict) else step for step in document["steps"]
                  if not (isinstance(step, dict) and step.get("op") == "delete")]
        what = "step"
    else:
        deployment = document.get("deployment", document) if isinstance(document, dict) else None
        resources = deployment.get("resources") if isinstance(deployment, dict) else None
        if not isinstance(resources, list) and isinstance(deployment, dict) and "manifest" in deployment:
            resources = []  # a stack that was never deployed, or was destroyed
        if not isinstance(resources, list):
            raise AgainstError(f"--against {path}: neither a plan (`steps`) nor a deployment (`resources`). Fix: "
                               "pass a `synth --json` plan or `pulumi stack export` output")
        # `delete: true` marks the old copy of a replaced resource, waiting to be deleted
        states = [resource for resource in resources if not (isinstance(resource, dict) and resource.get("delete"))]
        what = "resource"
    previous = {}
    for number, state in enumerate(states, 1):
        # A record the guard cannot read would make what it holds look absent: refuse the file.
        if not (isinstance(state, dict) and isinstance(state.get("urn"), str) and isinstance(state.get("type"), str)
                and isinstance(state.get("inputs", {}), (dict, type(None)))
                and all(isinstance(state.get(key), (str, type(None))) for key in ("parent", "provider"))
                and all(isinstance(state.get(key) or [], list) and all(isinstance(item, str) for item in state.get(key) or [])
                        for key in ("dependencies", "ignoreChanges"))):
            raise AgainstError(f"--against {path}: {what} {number} is not a resource with a `urn`, a `type` and "
                               "`inputs`. Fix: pass a `synth --json` plan or `pulumi stack export` output as written")
        try:
            previous[state["urn"]] = state_of(state)
        except (RecursionError, TypeError) as error:  # nested past reason, or `__defaults` not a list
            raise AgainstError(f"--against {path}: {what} {number} cannot be read ({type(error).__name__}). Fix: pass "
                               "a `synth --json` plan or `pulumi stack export` output as written") from None
    return previous


def state_of(raw: State) -> State:
    """A stored state (plan step, stack export resource, engine event) in the one form diffs compare."""
    state = {key: raw[key] for key in ("type", "urn", "custom", "parent", "provider", "importID", "secretDigests")
             if key in raw}
    # A deployment's marks of a resource the next `up` replaces whatever the program says: tainted
    # (`pulumi state taint`), or left by an interrupted delete-before-replace.
    state.update({mark: True for mark in REPLACED_ANYWAY if raw.get(mark)})
    state["inputs"] = normalised(raw.get("inputs") or {})
    if raw["type"].startswith("pulumi:providers:"):
        for name in ENGINE_PROVIDER_INPUTS:
            state["inputs"].pop(name, None)
    state.update(protect=bool(raw.get("protect")), retainOnDelete=bool(raw.get("retainOnDelete")),
                 ignoreChanges=list(raw.get("ignoreChanges") or []), dependencies=list(raw.get("dependencies") or []))
    return state


def normalised(value: Any) -> Any:
    """A stored value as the plan writes one: secrets as `[secret]`, no `__defaults` or the
    inputs it names, whole numbers as integers."""
    if isinstance(value, dict):
        if value.get(rpc._special_sig_key) == rpc._special_secret_sig:  # as the engine marks a secret in state
            return SECRET
        defaulted = set(value.get(DEFAULTS_KEY) or [])
        return {key: normalised(item) for key, item in sorted(value.items())
                if key != DEFAULTS_KEY and key not in defaulted}
    if isinstance(value, list):
        return [normalised(item) for item in value]
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def against(plan: Plan, previous: dict[str, State]) -> list[Change]:
    """The plan's steps as changes from `previous`, then a delete for each resource it drops (in
    reverse order of the old states: dependents before what they depend on)."""
    changes = []
    ops: dict[str, str] = {}
    moved = _providers_moved(plan, previous)
    for step in plan.steps:  # dependencies first: what a step depends on is settled before it
        new = step["newState"]
        old = previous.get(step["urn"])
        if old is None:
            changes.append(Change(step["op"], step["urn"], new["type"], new=new))
            ops[step["urn"]] = step["op"]
            continue
        # A value known only after deployment is an output of what the resource depends on (an
        # ARN, an id), which stays as it was unless that is created or replaced now.
        settled = not any(ops.get(urn) in ("create", "import", "replace")
                          for urn in [*new["dependencies"], new.get("parent"), _provider_urn(new)])
        same = _Sameness(old, new, settled)
        diffs, may_change = compare(old["inputs"], new["inputs"], new["ignoreChanges"], new["type"], same)
        reasons, may_replace = replace_reasons(new["type"], old["inputs"], new["inputs"], new["ignoreChanges"], same)
        reasons += [mark for mark in REPLACED_ANYWAY if old.get(mark)]
        if _provider_urn(new) in moved and "region" not in new["inputs"] and "region" in REPLACED_WHEN.get(new["type"], ()):
            reasons.append(PROVIDER_MOVED)
        if old["type"] != new["type"]:
            reasons = ["type"]
        op = "replace" if reasons else "update" if diffs or _options_differ(old, new) else "same"
        ops[step["urn"]] = op
        changes.append(Change(op, step["urn"], new["type"], old=old, new=new, diffs=diffs, replace_reasons=reasons,
                              may_change=may_change, may_replace=[] if reasons else may_replace))
    planned = {step["urn"] for step in plan.steps}
    changes += [Change("delete", urn, old["type"], old=old) for urn, old in reversed(previous.items())
                if urn not in planned]
    return changes


class _Sameness:
    """Whether an input is the same in the old state and the plan: True, False, or None when
    nothing offline can tell (a secret; a value known only after deployment that may be new)."""

    def __init__(self, old: State, new: State, settled: bool):
        self.old_digests, self.new_digests = old.get("secretDigests") or {}, new.get("secretDigests") or {}
        self.settled = settled

    def __call__(self, type_: str, name: str, before: Any, after: Any) -> Optional[bool]:
        if not (_opaque(before) or _opaque(after)):
            return comparable(before, type_, name) == comparable(after, type_, name)
        top = name.partition(".")[0]
        if top in self.old_digests and top in self.new_digests:  # secret-marked values synth knows
            if self.old_digests[top] == self.new_digests[top]:
                return True
            if top == name:
                return False
        return _matching(before, after, self.settled)


def _matching(before: Any, after: Any, settled: bool) -> Optional[bool]:
    """`after` holds unknowns: each stands for the old value there when `settled`."""
    if after == UNKNOWN:
        if before is None:
            return False  # a value where there was none
        return True if settled and before != SECRET else None
    if before == SECRET or after == SECRET:
        return None
    if isinstance(before, dict) and isinstance(after, dict):
        if before.keys() != after.keys():
            return False
        return _all(_matching(before[key], after[key], settled) for key in after)
    if isinstance(before, list) and isinstance(after, list):
        if len(before) != len(after):
            return False
        return _all(_matching(b, a, settled) for b, a in zip(before, after))
    return None if before == UNKNOWN else before == after


def _all(results: Iterable[Optional[bool]]) -> Optional[bool]:
    results = list(results)
    return False if False in results else None if None in results else True


def compare(old: State, new: State, ignored: Iterable[str], type_: str,
            same: _Sameness) -> tuple[list[str], list[str]]:
    """The top-level inputs that differ, and those that may (`_Sameness` cannot tell). Ignored
    inputs (`ignoreChanges`) are left out, as the engine leaves them out."""
    ignored = set(ignored)
    diffs, may_change = [], []
    for name in sorted(old.keys() | new.keys()):
        if name in ignored:
            continue
        verdict = same(type_, name, without_ignored(old.get(name), name, ignored),
                       without_ignored(new.get(name), name, ignored))
        if verdict is False:
            diffs.append(name)
        elif verdict is None:
            may_change.append(name)
    return diffs, may_change


def replace_reasons(type_: str, old: State, new: State, ignored: Iterable[str],
                    same: _Sameness) -> tuple[list[str], list[str]]:
    """The inputs whose change makes the provider replace the resource (`replacements`): those
    that differ for certain, and those that may."""
    ignored = set(ignored)
    reasons, may = [], []
    for path in REPLACED_WHEN.get(type_, ()):
        name, _, nested = path.partition(".")
        if name in ignored or path in ignored:
            continue
        before, after = old.get(name), new.get(name)
        if nested:
            before, after = (value.get(nested) if isinstance(value, dict) else None for value in (before, after))
        verdict = same(type_, name if not nested else path, before, after)
        if verdict is False:
            reasons.append(path)
        elif verdict is None:
            may.append(path)
    return reasons, may


def _provider_urn(state: State) -> str:
    return (state.get("provider") or "").rpartition("::")[0]


def _providers_moved(plan: Plan, previous: dict[str, State]) -> set[str]:
    """Providers whose region changes. A regional resource that takes its region from one moves
    with it, and moving is replacing (pulumi-aws 7: each resource's own `region` forces new)."""
    return {step["urn"] for step in plan.steps if step["newState"]["type"].startswith("pulumi:providers:")
            and step["urn"] in previous
            and previous[step["urn"]]["inputs"].get("region") != step["newState"]["inputs"].get("region")}


def change_summary(changes: list[Change]) -> dict[str, int]:
    """How many steps of each op, as `pulumi preview --json` counts them."""
    counts = Counter(change.op for change in changes)
    return {op: counts[op] for op in OPS if counts[op]}


def _options_differ(old: State, new: State) -> bool:
    return old["protect"] != new["protect"]


def _opaque(value: Any) -> bool:
    """A value whose content cannot be compared: a secret, or known only after deployment."""
    if value in (SECRET, UNKNOWN):
        return True
    if isinstance(value, dict):
        return any(_opaque(item) for item in value.values())
    if isinstance(value, list):
        return any(_opaque(item) for item in value)
    return False


def without_ignored(value: Any, name: str, ignored: set[str]) -> Any:
    """`value` of input `name` less the nested paths ignored under it (`name[*].readCapacity`,
    `name.field`), in the wire form the program writes them."""
    for path in ignored:
        if path.startswith(f"{name}[*].") and isinstance(value, list):
            field_name = path.removeprefix(f"{name}[*].")
            value = [{k: v for k, v in item.items() if k != field_name} if isinstance(item, dict) else item
                     for item in value]
        elif path.startswith(f"{name}.") and isinstance(value, dict):
            field_name = path.removeprefix(f"{name}.")
            value = {k: v for k, v in value.items() if k != field_name}
    return value


def comparable(value: Any, type_: str, name: str) -> Any:
    """An input as the provider compares it: the inputs it holds as sets in any order."""
    if value is None or value == {} or value == []:
        return None  # the provider stores an absent block and an empty one alike
    if (type_, name) in SET_INPUTS and isinstance(value, list):
        return sorted(json.dumps(item, sort_keys=True) for item in value)
    return value


def stacks_of(states: Iterable[State]) -> set[tuple[str, str]]:
    """The (stack, project) pairs the states' URNs name (`urn:pulumi:<stack>::<project>::...`)."""
    found = set()
    for state in states:
        parts = state["urn"].removeprefix("urn:pulumi:").split("::")
        if len(parts) >= 2:
            found.add((parts[0], parts[1]))
    return found
