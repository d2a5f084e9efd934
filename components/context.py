"""The stack context: what every builder needs to know about the stack, handed to each the same way:
the config and its names, the account and partition, a provider and the stack's KMS key per
region, and where alarms are sent."""

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
    providers: dict[str, aws.Provider]  # by region; the stack's own region among them
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

    @property
    def provider(self) -> aws.Provider:
        return self.providers[self.region]

    def key_arn(self, region: Optional[str] = None) -> Optional[pulumi.Output[str]]:
        """The ARN of the stack's KMS key in `region` (the stack's own by default), if it has one."""
        key = self.keys.get(region or self.region)
        return key.arn if key else None

    def opts(self, region: Optional[str] = None, **options) -> pulumi.ResourceOptions:
        """Options of a stack-level resource: through the stack's provider of `region`."""
        return pulumi.ResourceOptions(provider=self.providers[region or self.region], **options)

    def arn(self, service: str, resource: pulumi.Input[str], region: Optional[str] = None) -> pulumi.Output[str]:
        """`arn:<partition>:<service>:<region>:<account>:<resource>` of this stack's account."""
        return pulumi.Output.all(self.account_id, resource).apply(
            lambda parts: arn(self.partition, service, region or self.region, *parts))

    def with_(self, **created) -> "StackContext":
        return replace(self, **created)


def base_context(config: StackConfig) -> StackContext:
    """A provider for each region the stack deploys to; the account through the stack's own."""
    providers = {region: stack_provider(config, region) for region in config.regions}
    identity = aws.get_caller_identity_output(opts=pulumi.InvokeOutputOptions(provider=providers[config.region]))
    return StackContext(config, providers, identity.account_id)
