"""The stack context: what every builder needs to know about the stack, handed to each the same way."""

from dataclasses import dataclass, replace
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
    # Set once created (see `program`): the stack's KMS key, where alarms are sent.
    stack_key: Optional[aws.kms.Key] = None
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

    def opts(self, **options) -> pulumi.ResourceOptions:
        """Options of a stack-level resource: through the stack's provider."""
        return pulumi.ResourceOptions(provider=self.provider, **options)

    def arn(self, service: str, resource: pulumi.Input[str]) -> pulumi.Output[str]:
        """`arn:<partition>:<service>:<region>:<account>:<resource>` of this stack's account."""
        return pulumi.Output.all(self.account_id, resource).apply(
            lambda parts: arn(self.partition, service, self.region, *parts))

    def with_(self, **created) -> "StackContext":
        return replace(self, **created)


def base_context(config: StackConfig) -> StackContext:
    provider = stack_provider(config)
    identity = aws.get_caller_identity_output(opts=pulumi.InvokeOutputOptions(provider=provider))
    return StackContext(config, provider, identity.account_id)
