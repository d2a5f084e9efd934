"""The explicit AWS providers every resource of the stack goes through, one per region."""

import pulumi_aws as aws

from .config.stack import StackConfig


def stack_provider(config: StackConfig, region: str) -> aws.Provider:
    """Every `aws:` key of the stack file (an explicit provider reads no stack config itself),
    with `aws:defaultTags` merged into the program's tags; in another region than the stack's,
    the same settings but the region. Explicit rather than the engine's default provider, so the
    tags are part of the program and testable. The stack's own keeps its first name, `aws`."""
    return aws.Provider(
        "aws" if region == config.region else f"aws-{region}",
        **{**config.aws.provider_args(), "region": region},
        default_tags=aws.ProviderDefaultTagsArgs(tags=config.default_tags()),
    )
