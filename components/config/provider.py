"""`aws:*` keys: the AWS provider's own settings.

The stack's resources go through one explicit provider, which does not read stack config by
itself; so every `aws:` key a user writes is validated here and passed on to it (`aws:profile`,
`aws:assumeRoles`, `aws:allowedAccountIds`, ...). The keys and their types are the provider's:
the properties of `pulumi_aws.config` and the arguments of `pulumi_aws.Provider`.
"""

import difflib
import inspect
import typing
from collections import abc
from typing import Annotated, Any, Optional

from pydantic import BeforeValidator, Field, create_model
from pydantic.alias_generators import to_camel
from pulumi_aws import ProviderArgs, Region
from pulumi_aws.config import vars as provider_settings

from ..errors import Problem
from .base import ConfigModel, Text, Whole, matching, rule
from .limits import ACCOUNT_ID
from .tags import Tags

KNOWN_REGIONS = sorted(region.value for region in Region)


def _flag_from_text(value: Any) -> Any:
    """Top-level config values reach a program as text: `aws:insecure: true` arrives as "true"."""
    return {"true": True, "false": False}.get(value, value) if isinstance(value, str) else value


Flag = Annotated[bool, BeforeValidator(_flag_from_text)]
AccountId = Annotated[str, matching(ACCOUNT_ID, "an AWS account id", "use the 12 digits of the account id")]


class DefaultTags(ConfigModel):
    tags: Tags = {}


# Refinements of the provider's own types, where this program checks more than the shape.
_REFINED: dict[str, Any] = {
    "allowed_account_ids": list[AccountId],
    "forbidden_account_ids": list[AccountId],
    "default_tags": DefaultTags,
}


def _setting_type(name: str) -> Any:
    """The config type of a provider setting, from the type of its `pulumi_aws.Provider` argument."""
    if name in _REFINED:
        return _REFINED[name]
    declared = typing.get_args(inspect.signature(ProviderArgs.__init__).parameters[name].annotation)[0]
    if declared is bool:
        return Flag
    if declared is int:
        return Whole
    if declared is str:
        return Text
    if typing.get_origin(declared) is abc.Sequence:
        item = typing.get_args(declared)[0]
        return list[Text] if typing.get_args(item)[0] is str else list[dict[str, Any]]
    return dict[str, Any]  # a `Provider...Args` object


SETTINGS = sorted(name for name, member in vars(provider_settings._ExportableConfig).items()
                  if isinstance(member, property))

_AwsSettings = create_model(
    "_AwsSettings", __base__=ConfigModel,
    **{name: (Optional[_setting_type(name)], Field(None)) for name in SETTINGS if name != "region"},
)


class AwsConfig(_AwsSettings):
    """The `aws:` keys of the stack file."""

    model_config = {**ConfigModel.model_config, "extra": "ignore"}  # unknown keys warn: see `unknown_keys`

    region: Annotated[str, Field(min_length=1)] = Field(description="region of the stack's tables")

    @rule("region")
    def _known_region(self, context):
        if self.region not in KNOWN_REGIONS:
            close = difflib.get_close_matches(self.region, KNOWN_REGIONS, n=1)
            yield Problem(("region",), f"{self.region!r} is not an AWS region known to the provider",
                          f"did you mean {close[0]}?" if close else f"use one of {', '.join(KNOWN_REGIONS)}")

    @classmethod
    def unknown_keys(cls, keys: abc.Iterable[str]) -> list[str]:
        """A warning for each `aws:` key the provider does not know, with the closest valid key."""
        valid = [to_camel(name) for name in SETTINGS]
        warnings = []
        for key in sorted(set(keys) - set(valid)):
            close = difflib.get_close_matches(key, valid, n=1)
            hint = f"; did you mean aws:{close[0]}?" if close else ""
            warnings.append(f"aws:{key} is not a setting of the AWS provider and is ignored{hint}")
        return warnings

    def provider_args(self) -> dict[str, Any]:
        """The settings written in the stack file, as `pulumi_aws.Provider` arguments (structured
        values keep the camelCase keys of the stack file, which is their wire form)."""
        return {name: value for name in self.model_fields_set
                if (value := getattr(self, name)) is not None and name != "default_tags"}
