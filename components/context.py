"""The stack context: what every builder needs to know about the stack, handed to each the same way:
the config and its names, the account and partition, the provider, the stack's KMS key per
region, and where alarms are sent.

One provider serves every region: pulumi-aws 7 gives each resource a `region` argument
("Defaults to the Region set in the provider configuration"), so a resource in another region
names it (`in_region`) instead of going through a second provider with copied settings."""

from dataclasses import dataclass, field, replace
from typing import Optional

import pulumi
import pulumi_aws as aws

from .config.stack import StackConfig
from .naming import StackNames, arn
from .provider import stack_provider


@dataclass(frozen=True)
class StackContext:
    config: StackConfig
    provider: aws.Provider
    account_id: pulumi.Output[str]
    # Set once created (see `program`): the stack's KMS key in each region that needs one, and
    # where alarms are sent.
    keys: dict[str, aws.kms.Key] = field(default_factory=dict)
    alarm_topic_arn: Optional[pulumi.Input[str]] = None

    @property
    def names(self) -> StackNames:
        return self.config.names

    @property
    def region(self) -> str:
        return self.config.region

    @property
    def partition(self) -> str:
        return self.config.partition

    def key_arn(self, region: Optional[str] = None) -> Optional[pulumi.Output[str]]:
        """The ARN of the stack's KMS key in `region` (the stack's own by default), if it has one."""
        key = self.keys.get(region or self.region)
        return key.arn if key else None

    def in_region(self, region: Optional[str]) -> dict[str, str]:
        """The `region` argument of a resource in `region`: none in the stack's own, so that the
        resources of a one-region stack keep the inputs they always had."""
        return {"region": region} if region and region != self.region else {}

    def opts(self, **options) -> pulumi.ResourceOptions:
        """Options of a stack-level resource: through the stack's provider."""
        return pulumi.ResourceOptions(provider=self.provider, **options)

    def arn(self, service: str, resource: pulumi.Input[str], region: Optional[str] = None) -> pulumi.Output[str]:
        """`arn:<partition>:<service>:<region>:<account>:<resource>` of this stack's account."""
        return pulumi.Output.all(self.account_id, resource).apply(
            lambda parts: arn(self.partition, service, region or self.region, *parts))

    def with_(self, **created) -> "StackContext":
        return replace(self, **created)


def base_context(config: StackConfig) -> StackContext:
    provider = stack_provider(config)
    identity = aws.get_caller_identity_output(opts=pulumi.InvokeOutputOptions(provider=provider))
    return StackContext(config, provider, identity.account_id)
