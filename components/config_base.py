"""The base of every config model (camelCase keys, unknown keys rejected) and the shared check of
identifier-shaped values."""

import re

from pydantic import AfterValidator, BaseModel, ConfigDict
from pydantic.alias_generators import to_camel

from .errors import invalid


class ConfigModel(BaseModel):
    model_config = ConfigDict(extra="forbid", alias_generator=to_camel, validate_by_name=True)


def matching(pattern: re.Pattern, what: str, fix: str) -> AfterValidator:
    """A validator that accepts only values matching `pattern`; `what` names the expected kind."""
    def check(value: str) -> str:
        if not pattern.match(value):
            raise invalid(reason=f"{value!r} is not {what}", fix=fix)
        return value
    return AfterValidator(check)
