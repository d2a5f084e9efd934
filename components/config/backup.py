"""`backup`: the stack's AWS Backup plan for its tables, or `false`.

The rules' limits are AWS Backup's (AWS Backup developer guide, "Backup plan options and
configuration"; botocore backup model): a rule name of 1-50 of `[a-zA-Z0-9-_.]`; a schedule in the
6-field `cron(...)` syntax of EventBridge ("Cron expressions reference": minutes, hours,
day-of-month, month, day-of-week, year; `?` in one of the two day fields), at most hourly ("as
frequently as hourly"); retention up to 36,500 days, and deletion at least 90 days after the move
to cold storage (botocore `Lifecycle.DeleteAfterDays`).
"""

import re
from collections import Counter
from typing import Annotated, Any, Optional

from pydantic import AfterValidator, Field

from ..errors import Problem, invalid
from .base import ConfigModel, RegionName, Whole, matching, rule, stack_region
from .limits import partition_of

BACKUP_RULE_NAME = re.compile(r"[a-zA-Z0-9\-_.]{1,50}")
MAX_RETENTION_DAYS = 36500
MIN_DAYS_AFTER_COLD_STORAGE = 90
# EventBridge cron fields: each a list of values, ranges and steps, or a wildcard.
_MONTHS = "JAN|FEB|MAR|APR|MAY|JUN|JUL|AUG|SEP|OCT|NOV|DEC"
_DAYS = "SUN|MON|TUE|WED|THU|FRI|SAT"
_CRON_FIELDS = (
    ("minutes", r"[0-9]{1,2}"),
    ("hours", r"([0-9]{1,2})([,\-/][0-9]{1,2})*|\*(/[0-9]{1,2})?"),
    ("day-of-month", r"\?|L|L-[0-9]{1,2}|[0-9]{1,2}W|([0-9]{1,2})([,\-/][0-9]{1,2})*|\*(/[0-9]{1,2})?"),
    ("month", rf"(([0-9]{{1,2}}|{_MONTHS})([,\-]([0-9]{{1,2}}|{_MONTHS}))*(/[0-9]{{1,2}})?)|\*(/[0-9]{{1,2}})?"),
    ("day-of-week", rf"\?|L|[0-9]#[0-9]|({_DAYS}|[0-9])L?([,\-]({_DAYS}|[0-9]))*|\*"),
    ("year", r"[0-9]{4}([,\-/][0-9]{1,4})*|\*"),
)
CRON = re.compile(r"cron\((.*)\)")
# Each field's values ("Cron expressions reference": years 1970-2199, days of the week 1-7, the
# n-th weekday of a month 1-5).
_RANGES = {"minutes": (0, 59), "hours": (0, 23), "day-of-month": (1, 31), "month": (1, 12), "day-of-week": (1, 7),
           "year": (1970, 2199)}


def _in_range(what: str, text: str, example: str) -> None:
    values, _, step = text.partition("/")
    if step and int(step) < 1:
        raise invalid(reason=f"{text!r}: a step of {step} in the {what} field never advances", fix=example)
    if what == "day-of-week" and "#" in values:
        day, nth = values.split("#")
        if not (1 <= int(day) <= 7 and 1 <= int(nth) <= 5):
            raise invalid(reason=f"{text!r}: the n-th weekday is day 1-7 # week 1-5", fix="e.g. 2#1, the first Monday")
        return
    low, high = _RANGES[what]
    outside = [number for number in re.findall(r"[0-9]+", values) if not low <= int(number) <= high]
    if outside:
        raise invalid(reason=f"{text!r} is outside the {what} {low}-{high}", fix=example)


def _schedule(value: str) -> str:
    found = CRON.fullmatch(value.strip())
    example = "use cron(<minute> <hour> <day-of-month> <month> <day-of-week> <year>), e.g. cron(0 5 ? * * *)"
    if not found:
        raise invalid(reason=f"{value!r} is not a cron(...) expression (AWS Backup takes no rate())", fix=example)
    fields = found.group(1).split()
    if len(fields) != len(_CRON_FIELDS):
        raise invalid(reason=f"{value!r} has {len(fields)} fields, cron takes 6", fix=example)
    for (what, pattern), text in zip(_CRON_FIELDS, fields):
        if not re.fullmatch(pattern, text, re.IGNORECASE):
            fix = "one minute of the hour, e.g. 0: AWS Backup runs at most hourly" if what == "minutes" else example
            raise invalid(reason=f"{text!r} is not a valid {what} field", fix=fix)
    for (what, _), text in zip(_CRON_FIELDS, fields):
        _in_range(what, text, example)
    if (fields[2] == "?") == (fields[4] == "?"):
        raise invalid(reason=f"{value!r} must have ? in exactly one of day-of-month and day-of-week",
                      fix="e.g. cron(0 5 ? * * *) for every day, cron(0 5 ? * SUN *) for every Sunday")
    return value


Days = Annotated[Whole, Field(ge=1, le=MAX_RETENTION_DAYS)]


class BackupRule(ConfigModel):
    name: Annotated[str, matching(BACKUP_RULE_NAME, "a backup rule name", "use 1-50 of a-z, A-Z, 0-9, '-', '_', '.'")
                    ] = Field(description="unique in the plan")
    schedule: Annotated[str, AfterValidator(_schedule)] = Field(
        description="`cron(minute hour day-of-month month day-of-week year)` in UTC, at most hourly")
    retention_days: Days = Field(description="days a recovery point is kept")
    cold_storage_after_days: Optional[Days] = Field(
        None, description="days before a recovery point moves to cold storage (needs advanced DynamoDB backup)")

    @rule("retention_days", "cold_storage_after_days")
    def _deleted_well_after_cold_storage(self, context):
        cold = self.cold_storage_after_days
        if cold is not None and self.retention_days < cold + MIN_DAYS_AFTER_COLD_STORAGE:
            yield Problem(("retentionDays",), f"AWS Backup deletes a recovery point at least "
                          f"{MIN_DAYS_AFTER_COLD_STORAGE} days after it moves to cold storage (day {cold})",
                          f"set retentionDays to at least {cold + MIN_DAYS_AFTER_COLD_STORAGE}, or move to cold "
                          "storage earlier")


class Backup(ConfigModel):
    rules: Optional[list[BackupRule]] = Field(None, min_length=1, description="default: the compliance tier's")
    copy_to_region: Optional[RegionName] = Field(
        None, description="copy each recovery point to a vault of this region (needs advanced DynamoDB backup)")
    manage_region_settings: bool = Field(
        False, description="opt the region's AWS Backup settings in to DynamoDB and its advanced features (they "
                           "belong to the account and region, not to one stack)")

    @rule("rules")
    def _rule_names_unique(self, context):
        counts = Counter(rule.name for rule in self.rules or [])
        for number, backup_rule in enumerate(self.rules or []):
            if counts[backup_rule.name] > 1:
                yield Problem(("rules", number, "name"), f"rule name {backup_rule.name!r} is used twice",
                              "give each rule its own name")

    @rule("copy_to_region")
    def _copy_elsewhere(self, context):
        own = stack_region(context)
        if self.copy_to_region and self.copy_to_region == own:
            yield Problem(("copyToRegion",), "copies go to another region than the stack's",
                          "name another region, or remove copyToRegion")
        # "Cross Region Backups are only allowed between the Beijing Region and the Ningxia Region"
        # (AWS in China user guide, "AWS Backup"); a vault ARN names its partition.
        elif self.copy_to_region and own and partition_of(self.copy_to_region) != partition_of(own):
            yield Problem(("copyToRegion",), f"{self.copy_to_region} is in partition "
                          f"{partition_of(self.copy_to_region)}, the stack in {partition_of(own)}; AWS Backup copies "
                          "within a partition", f"name a region of {partition_of(own)}")


def backup_setting(value: Any) -> Any:
    """Top-level config reaches a program as text: `backup: false` arrives as "false"."""
    if value in (True, "true"):
        raise invalid(reason="`backup: true` is what leaving `backup` out means",
                      fix="remove it (the compliance tier's rules apply), or write {rules: [...]} or `false`")
    return False if value == "false" else value
