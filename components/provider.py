"""The explicit AWS provider every resource of the stack goes through (in every region: see
`context`)."""

import pulumi_aws as aws

from .config.stack import StackConfig


def stack_provider(config: StackConfig) -> aws.Provider:
    """Every `aws:` key of the stack file (an explicit provider reads no stack config itself),
    with `aws:defaultTags` merged into the program's tags. Explicit rather than the engine's
    default provider, so the tags are part of the program and testable."""
    return aws.Provider(
        "aws",
        **config.aws.provider_args(),
        default_tags=aws.ProviderDefaultTagsArgs(tags=config.default_tags()),
    )
