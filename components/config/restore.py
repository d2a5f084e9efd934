"""`restore` of a table: create it from point-in-time recovery of another table
(DynamoDB `RestoreTableToPointInTime`, which terraform-provider-aws calls when a table's
`restore_source_name` or `restore_source_table_arn` is set).

The restore properties matter when the table is created only: every table ignores them
afterwards (components/table.py, RESTORE_INPUTS), so editing or removing `restore` never replaces
one. The provider sends index overrides only for a table's inline GSIs (`resourceTableCreate`), so
a restored table keeps its GSIs on the table itself: they are the override, and the restored table
gets exactly the configured indexes (when at least one is configured: without an override,
DynamoDB restores every index of the source).
"""

import re
from datetime import datetime, timezone
from typing import Annotated, Optional

from pydantic import AfterValidator, Field

from ..errors import SECRET_PLACEHOLDER, Problem, invalid
from .base import ConfigModel, NotSecret, arn_in_stack, follows, matching, rule, stack_region
from .limits import DYNAMODB_TABLE_ARN, TABLE_NAME

# terraform-provider-aws validates `restore_date_time` with `verify.ValidUTCTimestamp`, Go's
# `time.Parse(time.RFC3339, ...)`: date, `T`, time with seconds, `Z` or an offset.
RFC3339 = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?"
                     r"(Z|[+-]([01][0-9]|2[0-3]):[0-5][0-9])")
NO_CROSS_REGION_RESTORE = {"ap-east-1", "me-south-1"}  # Hong Kong, Bahrain (see the rule below)


def _point_in_time(value: str) -> str:
    if value == SECRET_PLACEHOLDER:  # checked when `pulumi up` runs with the value
        return value
    if not RFC3339.fullmatch(value):
        raise invalid(reason=f"{value!r} is not an RFC 3339 time", fix="write it as 2026-11-01T12:00:00Z (UTC) or "
                                                                       "with an offset, e.g. 2026-11-01T20:00:00+08:00")
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise invalid(reason=f"{value!r} is no date and time of the calendar",
                      fix="check the day, hour and minute") from None
    if moment > datetime.now(timezone.utc):
        raise invalid(reason=f"{value} is in the future; a table restores to a time its backups already cover",
                      fix="use a time in the last 35 days (the source table's recovery period), or `latest: true`")
    return value


SourceTableArn = Annotated[str, NotSecret, matching(DYNAMODB_TABLE_ARN, "a DynamoDB table ARN",
                                                    "use the form arn:aws:dynamodb:<region>:<account>:table/<name>"),
                           arn_in_stack(DYNAMODB_TABLE_ARN, "source table", same_region=False)]


class Restore(ConfigModel):
    """Exactly one source and one time."""

    source_table_arn: Optional[SourceTableArn] = Field(
        None, description="the source table's ARN; needed when it is in another region (cross-region restore)")
    source_name: Optional[Annotated[str, NotSecret, follows(TABLE_NAME)]] = Field(
        None, description="the source table's name, in the stack's region")
    point_in_time: Optional[Annotated[str, AfterValidator(_point_in_time)]] = Field(
        None, description="the time to restore to, RFC 3339 (e.g. 2026-11-01T12:00:00Z), within the source's "
                          "recovery period")
    latest: Optional[bool] = Field(None, description="`true`: the latest restorable time")

    @rule("source_table_arn")
    def _cross_region_where_supported(self, context):
        """DynamoDB developer guide, "Point-in-time recovery: how it works": "Cross-Region restore is
        not supported if the source or destination Region is Asia Pacific (Hong Kong) or Middle
        East (Bahrain)"."""
        found = DYNAMODB_TABLE_ARN.fullmatch(self.source_table_arn or "")
        here = stack_region(context)
        if found and here and found["region"] != here:
            unsupported = sorted({found["region"], here} & NO_CROSS_REGION_RESTORE)
            if unsupported:
                yield Problem(("sourceTableArn",), f"DynamoDB does not restore across regions to or from "
                              f"{' or '.join(unsupported)}", f"restore from a table of {here}")

    @rule("source_table_arn", "source_name")
    def _one_source(self, context):
        if (self.source_table_arn is None) == (self.source_name is None):
            yield Problem((), "a restore names its source once: either sourceTableArn or sourceName",
                          "keep one of them (sourceTableArn for a table in another region)")

    @rule("point_in_time", "latest")
    def _one_time(self, context):
        if self.latest is False:
            yield Problem(("latest",), "`latest: false` names no time to restore to",
                          "write `latest: true`, or remove it and give pointInTime")
        elif (self.point_in_time is None) == (self.latest is None):
            yield Problem((), "a restore needs exactly one time: pointInTime or `latest: true`",
                          "keep one of them, e.g. `pointInTime: 2026-11-01T12:00:00Z`")
