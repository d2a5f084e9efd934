"""Which violations block a deployment: those of resources in prod or in a compliance tier other
than commercial; elsewhere they are advice.

pulumi-policy fixes a policy's enforcement level when the pack starts, before it sees a stack, so
the pack registers each control twice (`policy.pack`) and each half reports the resources of its
scope. The scope is read from what the program writes on every resource, its provider's default
tags: `Environment` (`environment`, `prod` by default on the prod stack) and `Compliance` (the
tier, set outside commercial; `components.config.stack.StackConfig.standard_tags`). Tags the plan
cannot show (a secret `tags` key seen by synth) count as the strict scope: when in doubt, block.
"""

from typing import Optional

from components.config.compliance import COMMERCIAL, TIERS, Tier
from components.config.stack import PRODUCTION
from components.config.tags import COMPLIANCE_TAG, ENVIRONMENT_TAG

from .resources import Resource

UNREADABLE = " (enforced: this resource's tags cannot be read here, so its stack may be prod)"


def tier(resource: Resource) -> Optional[Tier]:
    """The resource's compliance tier; commercial without the tag, None when the tags are unreadable."""
    tags = resource.tags
    return None if tags is None else TIERS.get(tags.get(COMPLIANCE_TAG, COMMERCIAL.name), COMMERCIAL)


def mandatory(resource: Resource) -> bool:
    tags, resource_tier = resource.tags, tier(resource)
    return tags is None or tags.get(ENVIRONMENT_TAG) == PRODUCTION or resource_tier is not COMMERCIAL
