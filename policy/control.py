"""A control (a rule with an id, a title and its source) and the violations it finds.

A resource control judges one resource at a time (pulumi-policy's resource policies); a stack
control needs the others too (what scales a table, which backup selection names it)."""

from dataclasses import dataclass
from typing import Callable, Iterable, Iterator, Literal, Sequence

from .resources import Resource, of_type
from .scope import UNREADABLE, mandatory

Finding = tuple[Resource, str]  # the resource at fault, and what is wrong and how to fix it


@dataclass(frozen=True)
class Violation:
    control: str  # "DynamoDB.2", "KONEKSI.KMS"
    urn: str
    message: str  # starts with the control id
    mandatory: bool  # blocks the deployment (prod, fedramp tiers); advisory otherwise


@dataclass(frozen=True, kw_only=True)
class Control:
    id: str
    title: str  # as its source words it
    source: str  # where the rule comes from
    severity: Literal["low", "medium", "high", "critical"]  # the source's, or ours for KONEKSI.*

    def findings(self, resources: Sequence[Resource]) -> Iterator[Finding]:
        raise NotImplementedError

    def violations(self, resources: Sequence[Resource]) -> Iterator[Violation]:
        for resource, text in self.findings(resources):
            note = UNREADABLE if resource.tags is None else ""
            yield Violation(self.id, resource.urn, f"{self.id}: {text}{note}", mandatory(resource))


@dataclass(frozen=True, kw_only=True)
class ResourceControl(Control):
    types: tuple[str, ...]
    check: Callable[[Resource], Iterable[str]]

    def findings(self, resources: Sequence[Resource]) -> Iterator[Finding]:
        for resource in of_type(resources, *self.types):
            yield from ((resource, text) for text in self.check(resource))


@dataclass(frozen=True, kw_only=True)
class StackControl(Control):
    check: Callable[[Sequence[Resource]], Iterable[Finding]]

    def findings(self, resources: Sequence[Resource]) -> Iterator[Finding]:
        yield from self.check(resources)
