"""`aws:*` keys: the AWS provider's own settings.

The stack's resources go through one explicit provider, which does not read stack config by
itself; so every `aws:` key a user writes is validated here and passed on to it (`aws:profile`,
`aws:assumeRoles`, `aws:allowedAccountIds`, ...). The keys and their types are the provider's: the
properties of `pulumi_aws.config`, typed as the arguments of `pulumi_aws.Provider` (and, inside
structured settings such as `assumeRoles`, as the fields of its `Provider...Args` classes). Valid
values, where the provider documents them, come from its argument docs.
"""

import difflib
import inspect
import re
import typing
from collections import abc
from functools import cache
from typing import Annotated, Any, Literal, Optional

from pydantic import AfterValidator, BeforeValidator, Field, create_model
from pydantic.alias_generators import to_camel
from pulumi_aws import ProviderArgs
from pulumi_aws import _inputs as provider_inputs
from pulumi_aws.config import vars as provider_settings

from ..errors import Problem, invalid
from .base import ConfigModel, Text, Whole, matching, rule
from .limits import ACCOUNT_ID, KNOWN_REGIONS
from .network import RoleArn
from .tags import Tags


def _flag_from_text(value: Any) -> Any:
    """Top-level config values reach a program as text: `aws:insecure: true` arrives as "true"."""
    return {"true": True, "false": False}.get(value, value) if isinstance(value, str) else value


def _role_session_duration(value: str) -> str:
    """A Go duration between 15 minutes and 12 hours (ProviderAssumeRoleArgs.duration)."""
    units = {"ns": 1e-9, "us": 1e-6, "µs": 1e-6, "ms": 1e-3, "s": 1, "m": 60, "h": 3600}
    parts = re.findall(r"([0-9]+(?:\.[0-9]+)?)(ns|us|µs|ms|s|m|h)", value)
    if not parts or "".join(number + unit for number, unit in parts) != value:
        raise invalid(reason=f"{value!r} is not a duration", fix="write it as Go does, e.g. 1h or 45m")
    seconds = sum(float(number) * units[unit] for number, unit in parts)
    if not 15 * 60 <= seconds <= 12 * 3600:
        raise invalid(reason=f"{value!r} is outside 15 minutes to 12 hours", fix="use a duration from 15m to 12h")
    return value


Flag = Annotated[bool, BeforeValidator(_flag_from_text)]
AccountId = Annotated[str, matching(ACCOUNT_ID, "an AWS account id", "use the 12 digits of the account id")]
NonNegative = Annotated[Whole, Field(ge=0)]


class DefaultTags(ConfigModel):
    tags: Tags = {}


# Refinements of the provider's own types, where it documents more than the type (valid values
# from the arguments' docs), by (class, argument).
_REFINED: dict[tuple[type, str], Any] = {
    (ProviderArgs, "allowed_account_ids"): list[AccountId],
    (ProviderArgs, "forbidden_account_ids"): list[AccountId],
    (ProviderArgs, "default_tags"): DefaultTags,
    (ProviderArgs, "max_retries"): NonNegative,
    (ProviderArgs, "token_bucket_rate_limiter_capacity"): NonNegative,
    (ProviderArgs, "retry_mode"): Literal["standard", "adaptive"],
    (ProviderArgs, "ec2_metadata_service_endpoint_mode"): Literal["IPv4", "IPv6"],
    (ProviderArgs, "s3_us_east1_regional_endpoint"): Literal["legacy", "regional"],
    (ProviderArgs, "tag_policy_compliance"): Literal["error", "warning", "disabled"],
    (provider_inputs.ProviderAssumeRoleArgs, "role_arn"): RoleArn,
    (provider_inputs.ProviderAssumeRoleArgs, "duration"): Annotated[str, AfterValidator(_role_session_duration)],
    (provider_inputs.ProviderAssumeRoleWithWebIdentityArgs, "role_arn"): RoleArn,
}


def _arguments(args_class: type) -> dict[str, Any]:
    """The arguments of a `pulumi_aws` args class and their declared types."""
    return {name: parameter.annotation for name, parameter in inspect.signature(args_class.__init__).parameters.items()
            if name not in ("self", "__self__")}


def _config_type(declared: Any) -> Any:
    """The config type of a `pulumi.Input[...]` argument type."""
    declared = typing.get_args(declared)[0] if typing.get_origin(declared) is typing.Union else declared
    if isinstance(declared, typing.ForwardRef):
        return _args_model(getattr(provider_inputs, declared.__forward_arg__))
    if declared is bool:
        return Flag
    if declared is int:
        return Whole
    if declared is str:
        return Text
    if typing.get_origin(declared) is abc.Sequence:
        return list[_config_type(typing.get_args(declared)[0])]
    if typing.get_origin(declared) is abc.Mapping:
        return dict[str, _config_type(typing.get_args(declared)[1])]
    return Any


def _refined_type(args_class: type, name: str, declared: Any) -> Any:
    return _REFINED.get((args_class, name)) or _config_type(declared)


@cache
def _args_model(args_class: type) -> type[ConfigModel]:
    """A config model of a structured setting, with the fields of its `Provider...Args` class
    (camelCase, as the stack file writes them and the provider reads them)."""
    return create_model(
        args_class.__name__.removesuffix("Args"), __base__=ConfigModel,
        **{name: (Optional[_refined_type(args_class, name, declared)], Field(None))
           for name, declared in _arguments(args_class).items()})


SETTINGS = sorted(name for name, member in vars(provider_settings._ExportableConfig).items()
                  if isinstance(member, property))


def setting_type(name: str) -> Any:
    """The config type of the provider setting `name` (a `pulumi_aws.Provider` argument)."""
    return _refined_type(ProviderArgs, name, _arguments(ProviderArgs)[name])


_AwsSettings = create_model(
    "_AwsSettings", __base__=ConfigModel,
    **{name: (Optional[setting_type(name)], Field(None)) for name in SETTINGS if name != "region"},
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

    @rule("allowed_account_ids", "forbidden_account_ids")
    def _one_account_guard(self, context):
        """The provider's schema makes the two conflict (terraform-provider-aws, provider schema:
        `allowed_account_ids` ConflictsWith `forbidden_account_ids`)."""
        if self.allowed_account_ids is not None and self.forbidden_account_ids is not None:
            yield Problem(("forbiddenAccountIds",), "allowedAccountIds and forbiddenAccountIds exclude each other",
                          "keep allowedAccountIds (the accounts this stack may deploy to) and remove this one")

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
        """The settings written in the stack file, as `pulumi_aws.Provider` arguments: structured
        values as the stack file wrote them (camelCase keys, the provider's wire form)."""
        return {name: _as_written(value) for name in self.model_fields_set
                if (value := getattr(self, name)) is not None and name != "default_tags"}


def _as_written(value: Any) -> Any:
    if isinstance(value, ConfigModel):
        return value.model_dump(by_alias=True, exclude_none=True)
    if isinstance(value, list):
        return [_as_written(item) for item in value]
    return value
