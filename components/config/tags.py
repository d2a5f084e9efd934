"""Tags: AWS's tagging rules, checked wherever a stack file writes tags (`tags`, `aws:defaultTags`).
The strictest of the tagged services is DynamoDB (developer guide, "Tagging restrictions in
DynamoDB"): keys of 1-128 and values of at most 256 characters, of letters, digits, spaces and
`+ - = . _ : /`, the `aws:` prefix reserved, at most 50 tags per resource."""

from typing import Annotated, Iterator

from pydantic import AfterValidator

from ..errors import Invalid, Problem
from .limits import RESERVED_TAG_PREFIX, TAG_KEY_MAX, TAG_TEXT, TAG_VALUE_MAX

# Tags the program sets on every resource (through the provider's default tags).
STANDARD_TAGS = ("Project", "Environment", "ManagedBy")


def _tag_problems(key: str, value: str) -> Iterator[Problem]:
    path = (key,)
    if key in STANDARD_TAGS:
        yield Problem(path, "this tag is set by the program",
                      "remove it; use `project` or `environment` to change the Project and Environment tags")
    elif key.lower().startswith(RESERVED_TAG_PREFIX):
        yield Problem(path, f"tag keys starting with {RESERVED_TAG_PREFIX!r} are reserved for AWS",
                      "pick a key without that prefix")
    if not 1 <= len(key) <= TAG_KEY_MAX:
        yield Problem(path, f"the tag key has {len(key)} characters; AWS allows 1-{TAG_KEY_MAX}",
                      f"use at most {TAG_KEY_MAX} characters")
    if len(value) > TAG_VALUE_MAX:
        yield Problem(path, f"the tag value has {len(value)} characters; AWS allows {TAG_VALUE_MAX}",
                      f"use at most {TAG_VALUE_MAX} characters")
    for kind, text in (("key", key), ("value", value)):
        if not TAG_TEXT.fullmatch(text):
            yield Problem(path, f"the tag {kind} has characters DynamoDB refuses",
                          "use letters, digits, spaces and + - = . _ : / only")


def _follow_tag_rules(tags: dict[str, str]) -> dict[str, str]:
    problems = [problem for key, value in tags.items() for problem in _tag_problems(key, value)]
    if problems:
        raise Invalid(problems)
    return tags


Tags = Annotated[dict[str, str], AfterValidator(_follow_tag_rules)]
