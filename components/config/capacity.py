"""Throughput: fixed or auto-scaled capacity for PROVISIONED tables, ceilings for on-demand ones."""

from typing import Annotated, Any, Optional, Union

from pydantic import BaseModel, Discriminator, Field, Tag

from ..errors import Problem
from .base import ConfigModel, Number, Whole, follows, rule
from .limits import INTEGER_MAX, LONG_MAX, SCALING_POLICY_NAME, TARGET_UTILIZATION

# botocore dynamodb PositiveLongObject (capacity and request units): at least 1, a `long`.
Units = Annotated[Whole, Field(ge=1, le=LONG_MAX)]
# Auto-scaling capacities (botocore application-autoscaling ResourceCapacity): an `integer`.
ScalingUnits = Annotated[Whole, Field(ge=1, le=INTEGER_MAX)]
Seconds = Annotated[Whole, Field(ge=0, le=INTEGER_MAX)]


def object_or(scalar_tag: str) -> Discriminator:
    """A union of a scalar and an object, told apart by the value's shape."""
    def pick(value: Any) -> str:
        return "as object" if isinstance(value, (dict, BaseModel)) else scalar_tag
    return Discriminator(pick)


class AutoScaling(ConfigModel):
    """Target-tracking auto-scaling between `min` and `max` units."""

    min: ScalingUnits = Field(description="also the capacity the table or index is created with")
    max: ScalingUnits = Field(description="at least min")
    target_utilization: Number = Field(70, ge=TARGET_UTILIZATION[0], le=TARGET_UTILIZATION[1],
                                       description="percent of provisioned capacity to aim for")
    scale_in_cooldown: Optional[Seconds] = Field(None, description="seconds; AWS's default when unset")
    scale_out_cooldown: Optional[Seconds] = Field(None, description="seconds; AWS's default when unset")
    policy_name: Optional[Annotated[str, follows(SCALING_POLICY_NAME)]] = Field(
        None, description="the scaling policy's name; default `<table>[-<index>]-<read|write>-scaling` (set to adopt "
                          "an existing policy: a policy's name cannot change without replacing it)")

    @rule("min", "max")
    def _min_not_above_max(self, context):
        if self.min > self.max:
            yield Problem(("min",), f"min ({self.min}) is greater than max ({self.max})",
                          f"set min to at most {self.max}, or raise max")


CapacitySetting = Annotated[
    Union[Annotated[Units, Tag("as number")], Annotated[AutoScaling, Tag("as object")]],
    object_or("as number"),
]


class Capacity(ConfigModel):
    """Read and write capacity: fixed units (a number) or auto-scaling (an object)."""

    read: CapacitySetting = Field(description="fixed units (≥ 1), or an auto-scaling object")
    write: CapacitySetting = Field(description="fixed units (≥ 1), or an auto-scaling object")

    def autoscaled(self) -> dict[str, AutoScaling]:
        """The dimensions auto-scaling owns once created, by field name (`read`, `write`)."""
        return {field: setting for field in ("read", "write")
                if isinstance(setting := getattr(self, field), AutoScaling)}

    def inherited(self) -> "Capacity":
        """This capacity as a GSI without its own inherits it: the same units and scaling, but
        not the policy names, which belong to the table's own scaling targets."""
        return self.model_copy(update={field: setting.model_copy(update={"policy_name": None})
                                       for field, setting in self.autoscaled().items()})

    def initial_units(self, field: str) -> int:
        """Units to create with: the fixed value, or the scaling minimum (CreateTable needs a number)."""
        setting = getattr(self, field)
        return setting.min if isinstance(setting, AutoScaling) else setting


class OnDemand(ConfigModel):
    max_read_request_units: Optional[Units] = Field(None, description="ceiling on read request units")
    max_write_request_units: Optional[Units] = Field(None, description="ceiling on write request units")
