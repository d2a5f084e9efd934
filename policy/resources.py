"""Resources as the controls read them: type, URN, properties (wire names), what they depend on,
and the tags and region they get from their provider. Built from synth's plan (`from_plan`) or,
in `policy.pack`, from what pulumi-policy hands over; the controls never see the difference."""

import json
from dataclasses import dataclass
from typing import Any, Iterable, Mapping, Optional

from components.errors import SECRET_PLACEHOLDER
from pipeline.mock_engine import UNKNOWN

PROVIDER_PREFIX = "pulumi:providers:"


def known(value: Any) -> bool:
    """A value the plan holds: not one a preview cannot know, nor a secret synth cannot show."""
    return value not in (UNKNOWN, SECRET_PLACEHOLDER)


@dataclass(frozen=True)
class Resource:
    type: str
    urn: str
    props: Mapping[str, Any]
    # Every URN it depends on, whichever property (or `dependsOn`) brought it: during a real
    # preview ARNs are unknown, so a reference is the only link between two new resources.
    dependencies: frozenset[str] = frozenset()
    # Its provider's inputs; None when the resource names none the plan holds.
    provider_props: Optional[Mapping[str, Any]] = None

    @property
    def name(self) -> str:
        """The logical name (the URN's last part)."""
        return self.urn.rsplit("::", 1)[-1]

    def get(self, *path: str, default: Any = None) -> Any:
        value: Any = self.props
        for key in path:
            if not isinstance(value, Mapping) or key not in value:
                return default
            value = value[key]
        return value

    @property
    def region(self) -> Optional[str]:
        """pulumi-aws 7 resources may name their own region; otherwise the provider's."""
        for value in (self.get("region"), (self.provider_props or {}).get("region")):
            if isinstance(value, str) and known(value):
                return value
        return None

    @property
    def tags(self) -> Optional[dict[str, str]]:
        """The tags AWS will hold: the provider's default tags under the resource's own (as the
        provider computes `tagsAll`). None when they cannot be read (secret or unknown)."""
        default = _default_tags(self.provider_props or {})
        # A resource's outputs (what stack policies see) may hold these as null.
        own, all_ = self.get("tags") or {}, self.get("tagsAll") or {}
        if default is None or not isinstance(own, Mapping):
            return None
        return {**default, **own, **(all_ if isinstance(all_, Mapping) else {})}


def decoded(value: Any) -> Any:
    """An input that may be JSON text (policy documents; a provider's nested settings) as data;
    None when the plan cannot show it (unknown, secret) or it is not JSON."""
    if not isinstance(value, str):
        return value
    if not known(value):
        return None
    try:
        return json.loads(value)
    except ValueError:
        return None


def _default_tags(provider_props: Mapping[str, Any]) -> Optional[dict[str, str]]:
    """pulumi-aws's Python SDK sends the provider's `defaultTags` JSON-encoded (so the plan and
    pulumi-policy both see a string); a mapping is read as it is, in case an engine decodes it."""
    value = decoded(provider_props.get("defaultTags", {}))
    tags = value.get("tags", {}) if isinstance(value, Mapping) else None
    return dict(tags) if isinstance(tags, Mapping) else None


def from_plan(states: Iterable[Mapping[str, Any]]) -> list[Resource]:
    """Synth's `newState` dicts; a resource's `provider` is `<provider URN>::<provider id>`."""
    states = list(states)
    providers = {s["urn"]: s.get("inputs") or {} for s in states if s["type"].startswith(PROVIDER_PREFIX)}
    return [Resource(
        type=s["type"], urn=s["urn"], props=s.get("inputs") or {},
        dependencies=frozenset(s.get("dependencies") or ()).union(
            *(urns for urns in (s.get("propertyDependencies") or {}).values())),
        provider_props=providers.get((s.get("provider") or "").rsplit("::", 1)[0]),
    ) for s in states]


def of_type(resources: Iterable[Resource], *types: str) -> list[Resource]:
    return [resource for resource in resources if resource.type in types]
