"""`alarms`: where alarms go, how much is watched, and the thresholds (stack-wide and per table)."""

import re
from typing import Annotated, Literal, Optional

from pydantic import AfterValidator, Field, ValidationInfo

from ..errors import NAMESPACE, Problem
from .base import ConfigModel, Number, Whole, arn_in_stack, matching, rule, stack_region, warn

EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
SNS_TOPIC_ARN = re.compile(r"arn:(?P<partition>aws[a-z-]*):sns:(?P<region>[a-z0-9-]+):[0-9]{12}:[A-Za-z0-9_-]{1,256}(\.fifo)?")
Count = Annotated[Whole, Field(ge=0)]


def _topic_in_region(value: str, info: ValidationInfo) -> str:
    """CloudWatch alarms notify topics of their own region; a topic elsewhere would hear nothing."""
    found, region = SNS_TOPIC_ARN.fullmatch(value), stack_region(info)
    if found and region and found["region"] != region:
        warn(info, f"{NAMESPACE}:alarms.snsTopicArn is a topic in {found['region']}, the stack's alarms are in "
                   f"{region}: CloudWatch alarm actions are expected to name a topic of the alarm's region")
    return value
Percent = Annotated[Number, Field(gt=0, le=100)]


class Thresholds(ConfigModel):
    """Alarm thresholds. Set stack-wide under `alarms`, overridden per table under `tables.<name>.alarms`."""

    read_throttle_events: Count = Field(0, description="read throttle events per minute, table and each GSI")
    write_throttle_events: Count = Field(0, description="write throttle events per minute, table and each GSI")
    system_errors: Count = Field(0, description="requests failing with HTTP 500 per minute, all operations")
    latency_ms: Annotated[Number, Field(gt=0)] = Field(
        100, description="average SuccessfulRequestLatency of key operations (enhanced)")
    capacity_utilization_percent: Percent = Field(
        80, description="consumed / provisioned capacity, PROVISIONED tables (enhanced)")
    replication_latency_ms: Annotated[Number, Field(gt=0)] = Field(
        180000, description="average replication latency to each replica region (enhanced); AWS suggests alerting "
                            "above 180,000 ms")
    conditional_check_failures: Count = Field(
        100, description="failed conditional writes per minute (comprehensive)")
    ttl_deletions: Count = Field(
        100000, description="items TTL deletes per 5 minutes, tables with a TTL attribute (comprehensive)")

    def overridden_by(self, table_thresholds: Optional["Thresholds"]) -> "Thresholds":
        """These thresholds with the keys a table set itself taking precedence."""
        if table_thresholds is None:
            return self
        return self.model_copy(update={k: getattr(table_thresholds, k) for k in table_thresholds.model_fields_set})


class StackAlarms(Thresholds):
    """Where alarms go and how much is watched."""

    level: Optional[Literal["basic", "enhanced", "comprehensive"]] = Field(
        None, description="what is watched (see Monitoring); default: comprehensive in the fedramp tiers, enhanced "
                          "in prod, basic elsewhere")
    email: Optional[Annotated[str, matching(EMAIL, "an email address", "use the form ops@example.com")]] = Field(
        None, description="an address subscribed to the stack's topic (it must confirm the subscription)")
    sns_topic_arn: Optional[Annotated[str, matching(
        SNS_TOPIC_ARN, "an SNS topic ARN", "use the form arn:aws:sns:<region>:<account>:<topic>"),
        arn_in_stack(SNS_TOPIC_ARN, "topic", same_region=False), AfterValidator(_topic_in_region)]] = Field(
        None, description="the ARN of an existing topic to send alarms to instead; exclusive with email")
    account_capacity_utilization_percent: Percent = Field(
        80, description="stack-wide only: the account's provisioned capacity vs its quota (enhanced)")
    user_errors: Count = Field(
        10, description="stack-wide only: the account's client errors (HTTP 400) per minute (comprehensive)")

    @rule("email", "sns_topic_arn")
    def _one_destination(self, context):
        if self.email and self.sns_topic_arn:
            yield Problem(("email",), "email and snsTopicArn are exclusive",
                          "subscribe the address to your own topic, or drop snsTopicArn")
