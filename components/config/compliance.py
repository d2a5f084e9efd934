"""Compliance tiers (`compliance`): what each raises by default and what it refuses below."""

from dataclasses import dataclass
from typing import Any, Mapping, Optional


@dataclass(frozen=True)
class Tier:
    name: str
    customer_managed_key: bool  # tables encrypted with the stack's key or one the user brings
    protected: bool  # deletion protection, Pulumi protect and PITR required (and on by default)
    backups_required: bool  # `backup: false` refused
    min_retention_days: Optional[int]  # of the longest backup rule
    min_replicas: int
    alarm_level: Optional[str]  # the default level of alarms


TIERS = {
    "commercial": Tier("commercial", False, False, False, None, 0, None),
    "fedramp-moderate": Tier("fedramp-moderate", True, True, True, 365, 0, "comprehensive"),
    "fedramp-high": Tier("fedramp-high", True, True, True, 3650, 1, "comprehensive"),
}
COMMERCIAL = TIERS["commercial"]


def tier_of(context: Mapping[str, Any]) -> Tier:
    """The stack's tier, from the validation context (commercial while `compliance` is invalid)."""
    return TIERS.get(context.get("tier"), COMMERCIAL)
