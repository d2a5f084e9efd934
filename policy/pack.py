"""The controls as pulumi-policy policies: each twice, a mandatory half that reports the resources
of prod and the fedramp tiers and an advisory half for the rest (`policy.scope`), since a policy's
enforcement level is fixed before it sees a stack.

pulumi-policy hands over proxies that raise on unknown values during a preview; the controls read
plain data instead, where what a preview cannot know reads `[unknown]`, as in synth's plan."""

from typing import Any, Iterator, Optional, Sequence

from pulumi_policy import (EnforcementLevel, Policy, PolicyProviderResource, PolicyResource, ReportViolation,
                           ResourceValidationArgs, ResourceValidationPolicy, Severity, StackValidationArgs,
                           StackValidationPolicy)
from pulumi_policy.deserialize import serialize_properties
from pulumi_policy.proxy import (UNKNOWN_ARCHIVE_VALUE, UNKNOWN_ARRAY_VALUE, UNKNOWN_ASSET_VALUE,
                                 UNKNOWN_BOOLEAN_VALUE, UNKNOWN_NUMBER_VALUE, UNKNOWN_OBJECT_VALUE,
                                 UNKNOWN_STRING_VALUE)

from .catalogue import CONTROLS
from .control import Control, ResourceControl, Violation
from .resources import UNKNOWN, Resource

SENTINELS = {UNKNOWN_ARCHIVE_VALUE, UNKNOWN_ARRAY_VALUE, UNKNOWN_ASSET_VALUE, UNKNOWN_BOOLEAN_VALUE,
             UNKNOWN_NUMBER_VALUE, UNKNOWN_OBJECT_VALUE, UNKNOWN_STRING_VALUE}
LEVELS = {True: EnforcementLevel.MANDATORY, False: EnforcementLevel.ADVISORY}


def plain(value: Any) -> Any:
    """pulumi-policy's properties as plain dicts and lists, unknowns as `[unknown]`."""
    value = serialize_properties(value) if hasattr(value, "keys") else value
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [plain(item) for item in value]
    return UNKNOWN if isinstance(value, str) and value in SENTINELS else value


def _provider_props(provider: Optional[PolicyProviderResource]) -> Optional[dict]:
    return None if provider is None else plain(provider.props)


def from_args(args: ResourceValidationArgs) -> Resource:
    return Resource(type=args.resource_type, urn=args.urn, props=plain(args.props),
                    provider_props=_provider_props(args.provider))


def from_policy_resource(resource: PolicyResource) -> Resource:
    referenced = [*resource.dependencies, *(r for rs in resource.property_dependencies.values() for r in rs)]
    return Resource(type=resource.resource_type, urn=resource.urn, props=plain(resource.props),
                    dependencies=frozenset(r.urn for r in referenced),
                    provider_props=_provider_props(resource.provider))


def _report(violations: Iterator[Violation], mandatory: bool, report: ReportViolation) -> None:
    for violation in violations:
        if violation.mandatory == mandatory:
            report(violation.message, violation.urn)


def adapt(control: Control, mandatory: bool) -> Policy:
    level = "mandatory" if mandatory else "advisory"
    where = "prod and the fedramp tiers" if mandatory else "stacks outside prod and the fedramp tiers"
    common = dict(name=f"{control.id.lower().replace('.', '-')}-{level}",
                  description=f"[{control.id}] {control.title} ({level}: {where})",
                  enforcement_level=LEVELS[mandatory], severity=Severity(control.severity),
                  url=control.source if control.source.startswith("https://") else None)
    if isinstance(control, ResourceControl):
        def validate_resource(args: ResourceValidationArgs, report: ReportViolation) -> None:
            if args.resource_type in control.types:
                _report(control.violations([from_args(args)]), mandatory, report)
        return ResourceValidationPolicy(validate=validate_resource, **common)

    def validate_stack(args: StackValidationArgs, report: ReportViolation) -> None:
        _report(control.violations([from_policy_resource(r) for r in args.resources]), mandatory, report)
    return StackValidationPolicy(validate=validate_stack, **common)


def policies(controls: Sequence[Control] = CONTROLS) -> list[Policy]:
    return [adapt(control, mandatory) for control in controls for mandatory in (True, False)]


POLICIES = policies()
