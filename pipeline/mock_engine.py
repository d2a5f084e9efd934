"""Runs the real program (`__main__.py`) under Pulumi's mock runtime, as a preview would.

The mock monitor records every RegisterResource request; `Plan` turns them into steps shaped
like `pulumi preview --json`, with engine-style URNs and each resource's options.
"""

import asyncio
import hashlib
import heapq
import json
import re
from collections import Counter
import logging
import runpy
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

import pulumi
from google.protobuf import json_format
from pulumi.runtime import mocks, rpc
from pulumi.runtime import settings as runtime_settings
from pulumi.runtime.stack import wait_for_rpcs
from pulumi.runtime.sync_await import _sync_await

from .stack_files import SECRET, StackSettings

UNKNOWN = "[unknown]"
# The account a deployment would run as: unknowable offline, but it must stay readable inside
# the ARNs of policies.
ACCOUNT = "[account]"
STACK_TYPE = "pulumi:pulumi:Stack"


@dataclass
class Plan:
    stack: str
    project: str
    steps: list[dict[str, Any]]
    outputs: dict[str, Any]
    diagnostics: list[dict[str, str]] = field(default_factory=list)

    def change_summary(self) -> dict[str, int]:
        """How many steps of each kind, as `pulumi preview --json` counts them."""
        return dict(sorted(Counter(step["op"] for step in self.steps).items()))

    def resources(self, type_: Optional[str] = None) -> list[dict[str, Any]]:
        """Registered resources (not the stack itself) as plain `newState` dicts."""
        return [s["newState"] for s in self.steps
                if s["newState"]["type"] != STACK_TYPE and (type_ is None or s["newState"]["type"] == type_)]


class _PreviewMocks(pulumi.runtime.Mocks):
    """Echo inputs back as state and leave every computed output (arn, id, ...) unknown."""

    def new_resource(self, args: pulumi.runtime.MockResourceArgs):
        return "", dict(args.inputs)

    def call(self, args: pulumi.runtime.MockCallArgs):
        if args.token == "aws:index/getCallerIdentity:getCallerIdentity":
            return {"accountId": ACCOUNT, "arn": f"arn:aws:iam::{ACCOUNT}:root", "id": ACCOUNT, "userId": ACCOUNT}
        return {}


class _RecordingMonitor(mocks.MockMonitor):
    """Records every registration. The SDK calls the monitor from worker threads, where the mock
    monitor makes an event loop per thread; they are kept to be closed with the run."""

    def __init__(self):
        super().__init__(_PreviewMocks())
        self.registrations: list[tuple[str, Any]] = []
        self.thread_loops: set[asyncio.AbstractEventLoop] = set()

    def RegisterResource(self, request):
        response = super().RegisterResource(request)
        self.registrations.append((response.urn, request))
        self._keep_thread_loop()
        return response

    def Invoke(self, request):
        response = super().Invoke(request)
        self._keep_thread_loop()
        return response

    def _keep_thread_loop(self):
        try:
            self.thread_loops.add(asyncio.get_event_loop())
        except RuntimeError:  # the stack's own registration makes none
            pass


class _Diagnostics(logging.Handler):
    def __init__(self):
        super().__init__(logging.INFO)
        self.records: list[dict[str, str]] = []

    def emit(self, record: logging.LogRecord):
        self.records.append({"severity": record.levelname.lower(), "message": record.getMessage()})


def run_program(project_root: Path, project: str, stack: str, settings: StackSettings) -> Plan:
    """Runs `__main__.py` once; its own exceptions (ConfigError included) propagate."""
    monitor = _RecordingMonitor()
    diagnostics = _Diagnostics()
    logger = logging.Logger("pulumi-program")
    logger.addHandler(diagnostics)
    runtime_settings.ROOT.set(None)  # each run gets a fresh root stack and fresh exports
    runtime_settings.SETTINGS.rpc_manager.clear()
    runtime_settings.SETTINGS.outputs.clear()
    # A loop of its own, closed when the run ends: a loop left to the garbage collector at exit
    # prints "Exception ignored in: BaseEventLoop.__del__" when its sockets are already gone.
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    try:
        pulumi.runtime.set_mocks(_PreviewMocks(), project=project, stack=stack, preview=True,
                                 logger=logger, monitor=monitor)
        pulumi.runtime.set_all_config(dict(settings.values), secret_keys=list(settings.secret_keys))
        if str(project_root) not in sys.path:
            sys.path.insert(0, str(project_root))
        try:
            runpy.run_path(str(project_root / "__main__.py"), run_name="__main__")
        finally:
            _sync_await(wait_for_rpcs())  # settle what was registered, even when the program failed
        root = runtime_settings.get_root_resource()
        outputs = {name: _resolve(value) for name, value in root.outputs.items()}
    finally:
        _close(loop, monitor.thread_loops)
    steps = _steps(monitor.registrations, stack, project)
    # Messages logged without a resource belong to the stack, as the engine reports them.
    stack_urn = next(step["urn"] for step in steps if step["newState"]["type"] == STACK_TYPE)
    return Plan(stack, project, steps, outputs, [{"urn": stack_urn, **record} for record in diagnostics.records])


def _close(loop: asyncio.AbstractEventLoop, thread_loops: set[asyncio.AbstractEventLoop]) -> None:
    """Ends the run's loop, its worker threads (the loop's default executor) and their loops."""
    pending = asyncio.all_tasks(loop)
    for task in pending:
        task.cancel()
    loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
    loop.run_until_complete(loop.shutdown_default_executor())
    loop.close()
    for thread_loop in thread_loops - {loop}:
        thread_loop.close()
    asyncio.set_event_loop(None)


def _steps(registrations: list[tuple[str, Any]], stack: str, project: str) -> list[dict[str, Any]]:
    qualified_types: dict[str, str] = {}
    engine_urns: dict[str, str] = {}
    stack_urn = ""
    steps = []
    for mock_urn, request in registrations:
        parent = request.parent
        if request.type == STACK_TYPE or not parent or parent == stack_urn:
            qualified = request.type
        else:
            qualified = f"{qualified_types[parent]}${request.type}"
        urn = f"urn:pulumi:{stack}::{project}::{qualified}::{request.name}"
        qualified_types[mock_urn], engine_urns[mock_urn] = qualified, urn
        if request.type == STACK_TYPE:
            stack_urn = mock_urn
        raw_inputs = json_format.MessageToDict(request.object)
        state: dict[str, Any] = {
            "type": request.type,
            "urn": urn,
            "custom": bool(request.custom),
            "inputs": plain(raw_inputs),
            "protect": bool(request.protect),
            "retainOnDelete": bool(request.retainOnDelete),
            "ignoreChanges": list(request.ignoreChanges),
            "dependencies": sorted({engine_urns.get(d, d) for d in request.dependencies}),
        }
        if parent:
            state["parent"] = engine_urns.get(parent, parent)
        if request.provider:
            provider_urn, _, provider_id = request.provider.rpartition("::")
            known_id = provider_id if provider_id not in ("", rpc.UNKNOWN) else UNKNOWN
            state["provider"] = f"{engine_urns.get(provider_urn, provider_urn)}::{known_id}"
        digests = secret_digests(raw_inputs)
        if digests:
            state["secretDigests"] = digests
        if request.importId:  # the resource option `import`: the engine adopts the live resource
            state["importID"] = request.importId
        timeouts = {op: _seconds(getattr(request.customTimeouts, op)) for op in ("create", "update", "delete")
                    if getattr(request.customTimeouts, op)}
        if timeouts:  # as the engine stores them (resource.CustomTimeouts: seconds)
            state["customTimeouts"] = timeouts
        steps.append({"op": "import" if request.importId else "create", "urn": urn, "newState": state})
    return _in_dependency_order(steps)


def _seconds(duration: str) -> int:
    """A Go duration as the SDK sends custom timeouts (`24h`, `1h30m`, `90s`), in seconds."""
    units = {"h": 3600, "m": 60, "s": 1}
    return int(sum(float(number) * units[unit] for number, unit in re.findall(r"([\d.]+)([hms])", duration)))


def _in_dependency_order(steps: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Parents, providers and dependencies first, otherwise by URN: registration order varies
    from run to run, and a plan people diff must not."""
    by_urn = {step["urn"]: step for step in steps}
    dependents: dict[str, list[str]] = {urn: [] for urn in by_urn}
    waiting = {}
    for urn, step in by_urn.items():
        state = step["newState"]
        needs = {state.get("parent"), state.get("provider", "").rpartition("::")[0], *state["dependencies"]}
        needs &= by_urn.keys()
        waiting[urn] = len(needs)
        for need in needs:
            dependents[need].append(urn)
    ready = [urn for urn, count in waiting.items() if count == 0]
    heapq.heapify(ready)
    ordered = []
    while ready:
        urn = heapq.heappop(ready)
        ordered.append(by_urn[urn])
        for dependent in dependents[urn]:
            waiting[dependent] -= 1
            if waiting[dependent] == 0:
                heapq.heappush(ready, dependent)
    return ordered


def secret_digests(inputs: dict[str, Any]) -> dict[str, str]:
    """A digest of each input the program marked secret whose value synth knows: under `pulumi up`
    a program learns only which top-level config keys are secret, so every value of such a key is
    marked, the plain ones beside the `secure:` one too. Those plain values are in the stack file
    already; their digest lets `synth --against` tell whether, say, a secret-marked `hashKey`
    changed. A value holding a `secure:` one (which synth cannot decrypt) gets none."""
    digests = {}
    for name, value in inputs.items():
        if not _holds_secret(value):
            continue
        revealed = json.dumps(plain(value, reveal=True), sort_keys=True)
        if SECRET not in revealed:
            digests[name] = "sha256:" + hashlib.sha256(revealed.encode()).hexdigest()[:32]
    return digests


def _holds_secret(value: Any) -> bool:
    if isinstance(value, dict):
        return value.get(rpc._special_sig_key) == rpc._special_secret_sig or any(map(_holds_secret, value.values()))
    return isinstance(value, list) and any(map(_holds_secret, value))


def plain(value: Any, reveal: bool = False) -> Any:
    """Wire values as a person reads them: unknowns and secrets marked (or, to `reveal`, secrets'
    values), whole numbers as ints."""
    if value == rpc.UNKNOWN:
        return UNKNOWN
    if isinstance(value, dict):
        if value.get(rpc._special_sig_key) == rpc._special_secret_sig:
            return plain(value.get("value"), reveal) if reveal else SECRET
        if value.get(rpc._special_sig_key) == rpc._special_resource_sig:
            return value.get("urn")
        # Sorted: the SDK's key order follows set iteration, which changes with PYTHONHASHSEED.
        return {k: plain(value[k], reveal) for k in sorted(value)}
    if isinstance(value, list):
        return [plain(v, reveal) for v in value]
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _resolve(value: Any) -> Any:
    output = pulumi.Output.from_input(value)
    if _sync_await(output.is_secret()):
        return SECRET
    return _known(_sync_await(output.future(with_unknowns=True)))


def _known(value: Any) -> Any:
    if isinstance(value, pulumi.output.Unknown):
        return UNKNOWN
    if isinstance(value, dict):
        return {k: _known(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_known(v) for v in value]
    return value
