"""Config models of `alarms` (stack-wide and per table) and `network`."""

import re
from typing import Annotated, Literal, Optional

from pydantic import Field, model_validator

from .config_base import ConfigModel, matching
from .errors import Invalid, Problem, invalid

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
SNS_TOPIC_ARN = re.compile(r"^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}$")
VPC_ID = re.compile(r"^vpc-([0-9a-f]{8}|[0-9a-f]{17})$")
ROUTE_TABLE_ID = re.compile(r"^rtb-([0-9a-f]{8}|[0-9a-f]{17})$")


class Thresholds(ConfigModel):
    """Alarm thresholds. Set stack-wide under `alarms`, overridden per table under `tables.<name>.alarms`."""

    read_throttle_events: int = Field(0, ge=0, description="read throttle events per minute, table and each GSI")
    write_throttle_events: int = Field(0, ge=0, description="write throttle events per minute, table and each GSI")
    system_errors: int = Field(0, ge=0, description="requests failing with HTTP 500 per minute")
    latency_ms: float = Field(100, gt=0, description="average SuccessfulRequestLatency of key operations (enhanced)")
    capacity_utilization_percent: float = Field(80, gt=0, le=100,
                                                description="consumed / provisioned capacity, PROVISIONED tables (enhanced)")

    def overridden_by(self, table_thresholds: Optional["Thresholds"]) -> "Thresholds":
        """These thresholds with the keys a table set itself taking precedence."""
        if table_thresholds is None:
            return self
        return self.model_copy(update={k: getattr(table_thresholds, k) for k in table_thresholds.model_fields_set})


class StackAlarms(Thresholds):
    """Where alarms go and how much is watched."""

    level: Optional[Literal["basic", "enhanced", "comprehensive"]] = Field(
        None, description="default: enhanced in prod, basic elsewhere")
    email: Optional[Annotated[str, matching(EMAIL, "an email address", "use the form ops@example.com")]] = None
    sns_topic_arn: Optional[Annotated[str, matching(
        SNS_TOPIC_ARN, "an SNS topic ARN", "use the form arn:aws:sns:<region>:<account>:<topic>")]] = None
    account_capacity_utilization_percent: float = Field(
        80, gt=0, le=100, description="account's provisioned capacity vs its quota (enhanced)")

    @model_validator(mode="after")
    def _one_destination(self):
        problems = []
        if self.email and self.sns_topic_arn:
            problems.append(Problem(("email",), "email and snsTopicArn are exclusive",
                                    "subscribe the address to your own topic, or drop snsTopicArn"))
        if self.level == "comprehensive":
            problems.append(Problem(("level",), "level comprehensive is not supported yet by this program",
                                    "use basic or enhanced"))
        if problems:
            raise Invalid(problems)
        return self


class Network(ConfigModel):
    """One DynamoDB gateway endpoint for the stack."""

    vpc_id: Annotated[str, matching(VPC_ID, "a VPC id", "use the form vpc-0123456789abcdef0")]
    route_table_ids: list[Annotated[str, matching(ROUTE_TABLE_ID, "a route table id", "use the form rtb-0123456789abcdef0")]] = (
        Field(min_length=1))

    @model_validator(mode="after")
    def _distinct_route_tables(self):
        if len(set(self.route_table_ids)) != len(self.route_table_ids):
            raise invalid("routeTableIds", reason="a route table is listed twice", fix="list each route table once")
        return self
