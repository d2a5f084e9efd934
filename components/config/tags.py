"""Tags: AWS's tagging rules, checked wherever a stack file writes tags (`tags`, `aws:defaultTags`).
The strictest of the tagged services is DynamoDB (developer guide, "Tagging restrictions in
DynamoDB"): keys of 1-128 and values of at most 256 characters, of letters, digits, spaces and
`+ - = . _ : /`, the `aws:` prefix reserved, at most 50 tags per resource."""

from typing import Annotated

from pydantic import AfterValidator

from ..errors import SECRET_PLACEHOLDER, Invalid, Problem, invalid
from .limits import RESERVED_TAG_PREFIX, TAG_KEY_MAX, TAG_TEXT, TAG_VALUE_MAX

# Tags the program sets on every resource (through the provider's default tags). `Compliance`
# (the tier, set only outside `commercial`) and `Environment` are what the policy pack reads to
# decide whether a violation blocks (`policy.scope`): reserved, so no stack can claim another tier.
ENVIRONMENT_TAG, COMPLIANCE_TAG = "Environment", "Compliance"
STANDARD_TAGS = ("Project", ENVIRONMENT_TAG, "ManagedBy", COMPLIANCE_TAG)


def _tag_key(key: str) -> str:
    problems = []
    if key in STANDARD_TAGS:
        problems.append(Problem((), "this tag is set by the program",
                                "remove it; use `project`, `environment` or `compliance` to change the Project, "
                                "Environment and Compliance tags"))
    elif key.lower().startswith(RESERVED_TAG_PREFIX):
        problems.append(Problem((), f"tag keys starting with {RESERVED_TAG_PREFIX!r} are reserved for AWS",
                                "pick a key without that prefix"))
    if not 1 <= len(key) <= TAG_KEY_MAX:
        problems.append(Problem((), f"the tag key has {len(key)} characters; AWS allows 1-{TAG_KEY_MAX}",
                                f"use at most {TAG_KEY_MAX} characters"))
    if not TAG_TEXT.fullmatch(key):
        problems.append(Problem((), "the tag key has characters DynamoDB refuses", _ALLOWED))
    if problems:
        raise Invalid(problems)
    return key


def _tag_value(value: str) -> str:
    if value == SECRET_PLACEHOLDER:  # checked when `pulumi up` runs with the value
        return value
    if len(value) > TAG_VALUE_MAX:
        raise invalid(reason=f"the tag value has {len(value)} characters; AWS allows {TAG_VALUE_MAX}",
                      fix=f"use at most {TAG_VALUE_MAX} characters")
    if not TAG_TEXT.fullmatch(value):
        raise invalid(reason="the tag value has characters DynamoDB refuses", fix=_ALLOWED)
    return value


_ALLOWED = "use letters, digits, spaces and + - = . _ : / only"
# Each entry on its own, so that one wrong tag does not hide another's problems.
Tags = dict[Annotated[str, AfterValidator(_tag_key)], Annotated[str, AfterValidator(_tag_value)]]
