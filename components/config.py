"""The stack configuration contract (`../shared/spec/stack-config.md`) as pydantic models.

Validate with `context={"prod": <environment is prod>}`: tables fill their production defaults
and enforce the production rules from it.

Each model guards its own fields; rules that join several fields sit in that model's
`model_validator`, and report the exact key with `invalid(...)`. Messages are rendered in
`components.errors`.
"""

import re
from typing import Annotated, Any, Literal, Optional, Union

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    Discriminator,
    Field,
    Tag,
    ValidationInfo,
    model_validator,
)

from .config_base import ConfigModel, matching
from .errors import Invalid, Problem, invalid
from .monitoring_config import Network, StackAlarms, Thresholds

MAX_GSIS = 20
MAX_LSIS = 5
MAX_KEY_ATTRIBUTES_PER_SIDE = 4
MAX_PROJECTED_ATTRIBUTES = 100
PRODUCTION = "prod"
RESERVED_TAGS = ("Project", "Environment", "ManagedBy")
NAME_PATTERN = re.compile(r"^[a-zA-Z0-9_.-]{3,255}$")
KMS_KEY_ARN = re.compile(r"^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key/[a-zA-Z0-9-]+$")


def _user_tags(tags: dict[str, str]) -> dict[str, str]:
    reserved = [k for k in tags if k in RESERVED_TAGS]
    if reserved:
        raise Invalid([Problem((k,), "this tag is set by the program", "remove it; use `project` or "
                               "`environment` to change the Project and Environment tags") for k in reserved])
    return tags


def _not_supported_yet(value: Any) -> Any:
    raise invalid(reason="not supported yet by this program",
                  fix="remove this key (the README's configuration reference marks what is not built yet)")


DynamoName = Annotated[str, matching(NAME_PATTERN, "a valid DynamoDB name",
                                     "use 3-255 characters of a-z, A-Z, 0-9, '_', '-' and '.'")]
# Table keys, `project` and `environment` become parts of physical names.
NamePart = Annotated[str, matching(re.compile(r"^[a-zA-Z0-9_.-]+$"), "a valid name part",
                                   "use only a-z, A-Z, 0-9, '_', '-' and '.'")]
AttributeName = Annotated[str, Field(min_length=1, max_length=255)]
AttributeType = Literal["S", "N", "B"]
Units = Annotated[int, Field(ge=1)]
NotSupportedYet = Annotated[Optional[Any], AfterValidator(_not_supported_yet)]
KeyAttributes = Annotated[
    list[AttributeName],
    BeforeValidator(lambda v: [v] if isinstance(v, str) else v),
    Field(min_length=1, max_length=MAX_KEY_ATTRIBUTES_PER_SIDE),
]


def _object_or(scalar_tag: str):
    def pick(value: Any) -> str:
        return "as object" if isinstance(value, (dict, BaseModel)) else scalar_tag
    return Discriminator(pick)


class AutoScaling(ConfigModel):
    """Target-tracking auto-scaling between `min` and `max` units."""

    min: Units
    max: Units
    target_utilization: float = Field(70, ge=20, le=90, description="percent of provisioned capacity to aim for")
    scale_in_cooldown: Optional[int] = Field(None, ge=0, description="seconds; AWS's default when unset")
    scale_out_cooldown: Optional[int] = Field(None, ge=0, description="seconds; AWS's default when unset")

    @model_validator(mode="after")
    def _min_not_above_max(self):
        if self.min > self.max:
            raise invalid("min", reason=f"min ({self.min}) is greater than max ({self.max})",
                          fix=f"set min to at most {self.max}, or raise max")
        return self


CapacitySetting = Annotated[
    Union[Annotated[Units, Tag("as number")], Annotated[AutoScaling, Tag("as object")]],
    _object_or("as number"),
]


class Capacity(ConfigModel):
    """Read and write capacity: fixed units (a number) or auto-scaling (an object)."""

    read: CapacitySetting
    write: CapacitySetting


class OnDemand(ConfigModel):
    max_read_request_units: Optional[Units] = None
    max_write_request_units: Optional[Units] = None


Projection = Annotated[
    Union[
        Annotated[Literal["ALL", "KEYS_ONLY"], Tag("as name")],
        Annotated[list[AttributeName], Field(min_length=1), Tag("as list")],
    ],
    Discriminator(lambda v: "as list" if isinstance(v, list) else "as name"),
]


class GlobalSecondaryIndex(ConfigModel):
    hash_key: KeyAttributes
    range_key: Optional[KeyAttributes] = None
    projection: Projection = "ALL"
    capacity: Optional[Capacity] = Field(None, description="PROVISIONED tables only; default: the table's")
    on_demand: Optional[OnDemand] = Field(None, description="PAY_PER_REQUEST tables only")

    @property
    def key_attributes(self) -> list[str]:
        return [*self.hash_key, *(self.range_key or [])]


class LocalSecondaryIndex(ConfigModel):
    range_key: AttributeName
    projection: Projection = "ALL"


class RecoveryPeriod(ConfigModel):
    recovery_period_days: int = Field(ge=1, le=35)


PointInTimeRecovery = Annotated[
    Union[Annotated[bool, Tag("as bool")], Annotated[RecoveryPeriod, Tag("as object")]],
    _object_or("as bool"),
]
ENCRYPTION_MODES = ("AWS_OWNED", "AWS_MANAGED", "CUSTOMER_MANAGED")


def _encryption(value: str) -> str:
    if value not in ENCRYPTION_MODES and not KMS_KEY_ARN.match(value):
        raise invalid(reason=f"{value!r} is neither an encryption mode nor a KMS key ARN",
                      fix=f"use one of {', '.join(ENCRYPTION_MODES)} or arn:aws:kms:<region>:<account>:key/<id>")
    return value


class Table(ConfigModel):
    """One DynamoDB table (`tables.<name>`)."""

    name: Optional[DynamoName] = Field(None, description="physical name; default {project}-{environment}-{key}")
    attributes: dict[AttributeName, AttributeType] = Field(min_length=1)
    hash_key: AttributeName
    range_key: Optional[AttributeName] = None
    billing_mode: Literal["PAY_PER_REQUEST", "PROVISIONED"] = "PAY_PER_REQUEST"
    capacity: Optional[Capacity] = None
    on_demand: Optional[OnDemand] = None
    global_secondary_indexes: dict[DynamoName, GlobalSecondaryIndex] = Field({}, max_length=MAX_GSIS)
    local_secondary_indexes: dict[DynamoName, LocalSecondaryIndex] = Field({}, max_length=MAX_LSIS)
    stream: Optional[Literal["KEYS_ONLY", "NEW_IMAGE", "OLD_IMAGE", "NEW_AND_OLD_IMAGES"]] = None
    ttl_attribute: Optional[AttributeName] = None
    point_in_time_recovery: PointInTimeRecovery = True
    deletion_protection: Optional[bool] = Field(None, description="default: true in prod, else false")
    protect: Optional[bool] = Field(None, description="Pulumi protect + retainOnDelete; default: true in prod")
    encryption: Annotated[str, AfterValidator(_encryption)] = "AWS_MANAGED"
    table_class: Literal["STANDARD", "STANDARD_INFREQUENT_ACCESS"] = "STANDARD"
    contributor_insights: bool = False
    replicas: NotSupportedYet = None
    import_: NotSupportedYet = Field(None, alias="import")
    restore: NotSupportedYet = None
    alarms: Optional[Thresholds] = Field(None, description="per-table threshold overrides")
    items: NotSupportedYet = None

    @property
    def provisioned(self) -> bool:
        return self.billing_mode == "PROVISIONED"

    @property
    def pitr_enabled(self) -> bool:
        return self.point_in_time_recovery is not False

    def index_capacity(self, index: GlobalSecondaryIndex) -> Optional[Capacity]:
        return index.capacity or self.capacity

    def key_attribute_names(self) -> list[str]:
        """The attributes DynamoDB must be told about: the table's and its LSIs' keys."""
        names = [self.hash_key, *([self.range_key] if self.range_key else [])]
        names += [lsi.range_key for lsi in self.local_secondary_indexes.values()]
        return list(dict.fromkeys(names))

    @model_validator(mode="after")
    def _consistent(self, info: ValidationInfo):
        in_prod = bool(info.context and info.context.get("prod"))
        problems = [*self._key_problems(), *self._billing_problems(), *self._index_problems()]
        problems += self._production_problems() if in_prod else []
        if self.ttl_attribute and self.attributes.get(self.ttl_attribute, "N") != "N":
            problems.append(Problem(("ttlAttribute",), f"TTL attribute {self.ttl_attribute!r} is typed "
                                    f"{self.attributes[self.ttl_attribute]}, but TTL needs a Number (epoch seconds)",
                                    f"declare attributes.{self.ttl_attribute}: N"))
        if problems:
            raise Invalid(problems)
        self.deletion_protection = in_prod if self.deletion_protection is None else self.deletion_protection
        self.protect = in_prod if self.protect is None else self.protect
        return self

    def _production_problems(self) -> list[Problem]:
        rules = [("deletionProtection", self.deletion_protection is False),
                 ("pointInTimeRecovery", not self.pitr_enabled),
                 ("protect", self.protect is False)]
        return [Problem((key,), f"{key}: false is not allowed in prod",
                        f"remove {key} (prod turns it on) or set it to true") for key, broken in rules if broken]

    def _unlisted(self, path: tuple, names: list[str]) -> list[Problem]:
        return [Problem(path, f"key attribute {n!r} is not listed in attributes",
                        f"add `{n}: S` (or N, B) under attributes") for n in names if n not in self.attributes]

    def _key_problems(self) -> list[Problem]:
        problems = self._unlisted(("hashKey",), [self.hash_key])
        if self.range_key:
            problems += self._unlisted(("rangeKey",), [self.range_key])
            if self.range_key == self.hash_key:
                problems.append(Problem(("rangeKey",), "rangeKey must differ from hashKey",
                                        "pick another sort key attribute, or remove rangeKey"))
        for index_name, gsi in self.global_secondary_indexes.items():
            path = ("globalSecondaryIndexes", index_name)
            problems += self._unlisted((*path, "hashKey"), gsi.hash_key)
            problems += self._unlisted((*path, "rangeKey"), gsi.range_key or [])
            repeated = sorted({a for a in gsi.key_attributes if gsi.key_attributes.count(a) > 1})
            if repeated:
                problems.append(Problem(path, f"attribute(s) {', '.join(repeated)} used twice in the index key",
                                        "use each attribute once across hashKey and rangeKey"))
        for index_name, lsi in self.local_secondary_indexes.items():
            path = ("localSecondaryIndexes", index_name, "rangeKey")
            problems += self._unlisted(path, [lsi.range_key])
            if lsi.range_key in (self.hash_key, self.range_key):
                problems.append(Problem(path, "an LSI's sort key must differ from the table's keys",
                                        "use another attribute as the LSI's rangeKey"))
        return problems

    def _billing_problems(self) -> list[Problem]:
        problems = []
        if self.provisioned:
            if self.capacity is None:
                problems.append(Problem(("capacity",), "billingMode PROVISIONED needs capacity",
                                        "set capacity: {read: 5, write: 5} or an auto-scaling object"))
            if self.on_demand is not None:
                problems.append(Problem(("onDemand",), "onDemand applies to PAY_PER_REQUEST tables only",
                                        "remove onDemand, or set billingMode: PAY_PER_REQUEST"))
        elif self.capacity is not None:
            problems.append(Problem(("capacity",), "capacity applies to PROVISIONED tables only",
                                    "remove capacity, or set billingMode: PROVISIONED"))
        for index_name, gsi in self.global_secondary_indexes.items():
            path = ("globalSecondaryIndexes", index_name)
            if gsi.capacity is not None and not self.provisioned:
                problems.append(Problem((*path, "capacity"), "capacity applies to PROVISIONED tables only",
                                        "remove it, or set the table's billingMode: PROVISIONED"))
            if gsi.on_demand is not None and self.provisioned:
                problems.append(Problem((*path, "onDemand"), "onDemand applies to PAY_PER_REQUEST tables only",
                                        "remove it, or use capacity"))
        return problems

    def _index_problems(self) -> list[Problem]:
        problems = []
        if self.local_secondary_indexes and not self.range_key:
            problems.append(Problem(("localSecondaryIndexes",), "local secondary indexes need a table sort key",
                                    "set rangeKey on the table (LSIs can only be created with the table)"))
        for index_name in set(self.global_secondary_indexes) & set(self.local_secondary_indexes):
            problems.append(Problem(("localSecondaryIndexes", index_name), "index name also used by a GSI",
                                    "give every index of a table its own name"))
        projected = {a for index in [*self.global_secondary_indexes.values(), *self.local_secondary_indexes.values()]
                     if isinstance(index.projection, list) for a in index.projection}
        if len(projected) > MAX_PROJECTED_ATTRIBUTES:
            problems.append(Problem(("globalSecondaryIndexes",),
                                    f"{len(projected)} distinct INCLUDE attributes across the table's indexes; "
                                    f"DynamoDB allows {MAX_PROJECTED_ATTRIBUTES}", "project fewer attributes, or use ALL"))
        return problems


class StackConfig(ConfigModel):
    """Everything one stack deploys."""

    region: str = Field(alias="aws:region", min_length=1, description="the stack's AWS region")
    project: NamePart = "koneksi"
    environment: NamePart = Field(description="default: the stack name")
    compliance: Literal["commercial", "fedramp-moderate", "fedramp-high"] = "commercial"
    tags: Annotated[dict[str, str], AfterValidator(_user_tags)] = {}
    tables: dict[NamePart, Table] = Field(min_length=1)
    network: Optional[Network] = None
    alarms: StackAlarms = StackAlarms()
    backup: NotSupportedYet = None
    access: NotSupportedYet = None
    dax: NotSupportedYet = None

    @property
    def is_prod(self) -> bool:
        return self.environment == PRODUCTION

    @property
    def prefix(self) -> str:
        """What the stack's resource names start with: `{project}-{environment}`."""
        return f"{self.project}-{self.environment}"

    @property
    def alarm_level(self) -> str:
        return self.alarms.level or ("enhanced" if self.is_prod else "basic")

    @property
    def creates_alarm_topic(self) -> bool:
        return self.alarms.sns_topic_arn is None

    @property
    def needs_stack_key(self) -> bool:
        """One KMS key serves the CUSTOMER_MANAGED tables and the alarm topic."""
        return self.creates_alarm_topic or any(t.encryption == "CUSTOMER_MANAGED" for t in self.tables.values())

    def thresholds(self, table: Table) -> Thresholds:
        return self.alarms.overridden_by(table.alarms)

    @model_validator(mode="after")
    def _stack_rules(self):
        """Derive the tables' physical names and check the rules that span tables."""
        problems = []
        if self.compliance != "commercial":
            problems.append(Problem(("compliance",), f"{self.compliance} is not supported yet by this program",
                                    "use commercial (the default) until the compliance tiers land"))
        physical_names: dict[str, str] = {}
        for key, table in self.tables.items():
            path = ("tables", key)
            if table.name is None:
                table.name = f"{self.prefix}-{key}"
                if not NAME_PATTERN.match(table.name):
                    problems.append(Problem(path, f"derived table name {table.name!r} is not a valid DynamoDB name",
                                            "set `name` to 3-255 characters of [a-zA-Z0-9_.-]"))
            if table.name in physical_names:
                problems.append(Problem((*path, "name"), f"table name {table.name!r} is also used by "
                                        f"tables.{physical_names[table.name]}", "give each table its own name"))
            physical_names[table.name] = key
        if problems:
            raise Invalid(problems)
        return self
