"""Compliance tiers (`compliance`): what each raises by default and what it refuses below."""

from dataclasses import dataclass
from typing import Any, Mapping, Optional


DAILY, WEEKLY = "cron(0 5 ? * * *)", "cron(0 5 ? * SUN *)"  # 05:00 UTC


@dataclass(frozen=True)
class Tier:
    name: str
    customer_managed_key: bool  # tables encrypted with the stack's key or one the user brings
    protected: bool  # deletion protection, Pulumi protect and PITR required (and on by default)
    backups_required: bool  # `backup: false` refused
    min_retention_days: Optional[int]  # of the longest backup rule
    min_replicas: int
    alarm_level: Optional[str]  # the default level of alarms
    backup_rules: tuple[dict, ...]  # the default `backup.rules`, as written in a stack file


TIERS = {
    "commercial": Tier("commercial", False, False, False, None, 0, None, (
        {"name": "daily", "schedule": DAILY, "retentionDays": 30},)),
    "fedramp-moderate": Tier("fedramp-moderate", True, True, True, 365, 0, "comprehensive", (
        {"name": "daily", "schedule": DAILY, "retentionDays": 35},
        {"name": "weekly", "schedule": WEEKLY, "retentionDays": 365})),
    "fedramp-high": Tier("fedramp-high", True, True, True, 3650, 1, "comprehensive", (
        {"name": "daily", "schedule": DAILY, "retentionDays": 35},
        {"name": "weekly", "schedule": WEEKLY, "retentionDays": 3650})),
}
COMMERCIAL = TIERS["commercial"]


def tier_of(context: Mapping[str, Any]) -> Tier:
    """The stack's tier, from the validation context (commercial while `compliance` is invalid)."""
    tier = context.get("tier")  # as written: any YAML value, refused by the `compliance` field itself
    return TIERS.get(tier, COMMERCIAL) if isinstance(tier, str) else COMMERCIAL
