"""One table (`tables.<key>`): keys, indexes, billing, streams, TTL, recovery, protection, encryption."""

from typing import Annotated, Any, Iterator, Literal, Optional, Union

from pydantic import AfterValidator, BeforeValidator, Discriminator, Field, Tag

from ..errors import SECRET_PLACEHOLDER, Problem, invalid
from .base import ConfigModel, NotSecret, Text, Whole, arn_in_stack, follows, rule
from .capacity import Capacity, OnDemand, object_or
from .compliance import tier_of
from .items import ItemSchema, SeedItem, empty_index_keys, seed_items
from .limits import (ATTRIBUTE_NAME_MAX, INDEX_NAME, KMS_KEY_ARN, MAX_GSIS, MAX_INCLUDE_PER_INDEX, MAX_INCLUDE_PER_TABLE,
                     MAX_KEY_ATTRIBUTES_PER_SIDE, MAX_LSIS, RECOVERY_PERIOD_DAYS, TABLE_NAME)
from .monitoring import Thresholds
from .replicas import Replica, ReplicaSetting, as_replicas, replica_problems
from .restore import Restore


TableName = Annotated[str, NotSecret, follows(TABLE_NAME)]
IndexName = Annotated[str, follows(INDEX_NAME)]
AttributeName = Annotated[str, Field(min_length=1, max_length=ATTRIBUTE_NAME_MAX)]
AttributeType = Literal["S", "N", "B"]
KeyAttributes = Annotated[
    list[AttributeName],
    BeforeValidator(lambda v: [v] if isinstance(v, str) else v),
    Field(min_length=1, max_length=MAX_KEY_ATTRIBUTES_PER_SIDE),
]
Projection = Annotated[
    Union[
        Annotated[Literal["ALL", "KEYS_ONLY"], Tag("as name")],
        Annotated[list[AttributeName], Field(min_length=1, max_length=MAX_INCLUDE_PER_INDEX), Tag("as list")],
    ],
    Discriminator(lambda v: "as list" if isinstance(v, list) else "as name"),
]


class GlobalSecondaryIndex(ConfigModel):
    hash_key: KeyAttributes = Field(description="a list is a multi-attribute key, in that order")
    range_key: Optional[KeyAttributes] = Field(None, description="sort key attribute(s); a list as for hashKey")
    projection: Projection = Field("ALL", description="a list means INCLUDE those non-key attributes")
    capacity: Optional[Capacity] = Field(None, description="PROVISIONED tables only; default: the table's")
    on_demand: Optional[OnDemand] = Field(None, description="PAY_PER_REQUEST tables only")

    @property
    def key_attributes(self) -> list[str]:
        return [*self.hash_key, *(self.range_key or [])]

    @rule("projection")
    def _projected_once(self, context):
        yield from _repeated_projection(self.projection)

    @rule("hash_key", "range_key")
    def _each_attribute_once(self, context):
        repeated = sorted({a for a in self.key_attributes if self.key_attributes.count(a) > 1})
        if repeated:
            yield Problem((), f"attribute(s) {', '.join(repeated)} used twice in the index key",
                          "use each attribute once across hashKey and rangeKey")


class LocalSecondaryIndex(ConfigModel):
    range_key: AttributeName = Field(description="differs from the table's keys; the partition key is the table's")
    projection: Projection = Field("ALL", description="as for a GSI")

    @rule("projection")
    def _projected_once(self, context):
        yield from _repeated_projection(self.projection)


def _repeated_projection(projection) -> list[Problem]:
    repeated = sorted({a for a in projection if projection.count(a) > 1}) if isinstance(projection, list) else []
    return [Problem(("projection",), f"attribute(s) {', '.join(repeated)} listed twice", "list each attribute once")
            ] if repeated else []


class RecoveryPeriod(ConfigModel):
    recovery_period_days: Annotated[Whole, Field(ge=RECOVERY_PERIOD_DAYS[0], le=RECOVERY_PERIOD_DAYS[1])] = Field(
        description="days of continuous backups kept")


PointInTimeRecovery = Annotated[
    Union[Annotated[bool, Tag("as bool")], Annotated[RecoveryPeriod, Tag("as object")]],
    object_or("as bool"),
]
ENCRYPTION_MODES = ("AWS_OWNED", "AWS_MANAGED", "CUSTOMER_MANAGED")


def _encryption(value: str) -> str:
    if value not in (*ENCRYPTION_MODES, SECRET_PLACEHOLDER) and not KMS_KEY_ARN.fullmatch(value):
        raise invalid(reason=f"{value!r} is neither an encryption mode nor a KMS key ARN",
                      fix=f"use one of {', '.join(ENCRYPTION_MODES)} or arn:aws:kms:<region>:<account>:key/<key-id>")
    return value


class Table(ConfigModel):
    """One DynamoDB table (`tables.<key>`)."""

    name: Optional[TableName] = Field(None, description="physical name; default {project}-{environment}-{key}")
    attributes: dict[AttributeName, AttributeType] = Field(
        min_length=1, description="every key attribute (table, GSI, LSI); others document the item and are not sent")
    hash_key: AttributeName = Field(description="partition key")
    range_key: Optional[AttributeName] = Field(None, description="sort key; differs from hashKey")
    billing_mode: Literal["PAY_PER_REQUEST", "PROVISIONED"] = Field("PAY_PER_REQUEST", description="on-demand or "
                                                                                                  "provisioned capacity")
    capacity: Optional[Capacity] = Field(None, description="PROVISIONED only, and then required")
    on_demand: Optional[OnDemand] = Field(None, description="PAY_PER_REQUEST only")
    global_secondary_indexes: dict[IndexName, GlobalSecondaryIndex] = Field(
        {}, max_length=MAX_GSIS, description="index names are 3-255 of `[a-zA-Z0-9_.-]`; built one after another")
    local_secondary_indexes: dict[IndexName, LocalSecondaryIndex] = Field(
        {}, max_length=MAX_LSIS, description="needs the table's rangeKey; creation-time only")
    stream: Optional[Literal["KEYS_ONLY", "NEW_IMAGE", "OLD_IMAGE", "NEW_AND_OLD_IMAGES"]] = Field(
        None, description="the stream's view type; no stream when unset")
    ttl_attribute: Optional[AttributeName] = Field(None, description="epoch seconds; if listed in attributes, N")
    point_in_time_recovery: PointInTimeRecovery = Field(True, description="an object turns PITR on with that window")
    deletion_protection: Optional[bool] = Field(None, description="default: true in prod, else false")
    protect: Optional[bool] = Field(None, description="Pulumi protect + retainOnDelete; default: true in prod")
    # DynamoDB encrypts a table only with a key of its own region (DynamoDB developer guide,
    # "Encryption at rest": the key must be in the same region as the table).
    encryption: Annotated[str, AfterValidator(_encryption), arn_in_stack(KMS_KEY_ARN, "KMS key")] = Field(
        "AWS_MANAGED", description="`AWS_OWNED`, `AWS_MANAGED`, `CUSTOMER_MANAGED` (the stack's KMS key) or the ARN of "
                                   "a KMS key in the stack's region")
    table_class: Literal["STANDARD", "STANDARD_INFREQUENT_ACCESS"] = Field("STANDARD", description="storage class")
    contributor_insights: bool = Field(False, description="CloudWatch contributor insights on the table")
    replicas: list[ReplicaSetting] = Field(
        [], description="global table replicas: regions, or `{region, kmsKeyArn, pointInTimeRecovery}`")
    import_: bool = Field(False, alias="import", description="adopt the existing table of this physical name, with "
                                                             "its GSIs and scaling, instead of creating it")
    restore: Optional[Restore] = Field(
        None, description="create the table from point-in-time recovery of another table; read at creation only, "
                          "keep it for the table's life (README, \"Restoring a table\")")
    alarms: Optional[Thresholds] = Field(None, description="per-table threshold overrides")
    items: list[dict[Text, Any]] = Field(
        [], description="seed items, each a map of attribute → plain JSON value, typed from `attributes`; written "
                        "once, never overwritten (README, \"Seed items\")")

    @property
    def provisioned(self) -> bool:
        return self.billing_mode == "PROVISIONED"

    @property
    def pitr_enabled(self) -> bool:
        return self.point_in_time_recovery is not False

    @property
    def kms_key_arn(self) -> Optional[str]:
        """The key ARN the table names itself, if any."""
        return self.encryption if KMS_KEY_ARN.fullmatch(self.encryption) else None

    @property
    def replica_list(self) -> list[Replica]:
        return as_replicas(self.replicas)

    def index_capacity(self, index: GlobalSecondaryIndex) -> Optional[Capacity]:
        """A GSI's capacity: its own, else the table's; None on on-demand tables."""
        if not self.provisioned:
            return None
        return index.capacity or (self.capacity.inherited() if self.capacity else None)

    @property
    def inline_indexes(self) -> bool:
        """A restored table holds its GSIs itself: the provider sends a restore's index overrides
        from the table's inline GSIs only, so these make it end up with exactly the configured
        indexes. Every other table's GSIs are resources of their own (DynamoTable)."""
        return "restore" in self.written

    def key_attribute_names(self, every_index: bool = False) -> list[str]:
        """The attributes DynamoDB must be told about: the keys of the table, its LSIs and its
        inline GSIs (a standalone GSI defines its own); with `every_index`, all GSIs' too."""
        names = [self.hash_key, *([self.range_key] if self.range_key else [])]
        names += [lsi.range_key for lsi in self.local_secondary_indexes.values()]
        if self.inline_indexes or every_index:
            names += [a for gsi in self.global_secondary_indexes.values() for a in gsi.key_attributes]
        return list(dict.fromkeys(names))

    @property
    def item_schema(self) -> ItemSchema:
        """The TTL attribute holds epoch seconds: a number, listed or not."""
        types = {**({self.ttl_attribute: "N"} if self.ttl_attribute else {}), **self.attributes}
        return ItemSchema(self.hash_key, self.range_key, types)

    @property
    def seed_items(self) -> list[SeedItem]:
        return seed_items(self.items, self.item_schema)[0]

    def settle(self, context):
        protected = bool(context.get("prod")) or tier_of(context).protected
        self.deletion_protection = protected if self.deletion_protection is None else self.deletion_protection
        self.protect = protected if self.protect is None else self.protect
        if "encryption" not in self.model_fields_set and tier_of(context).customer_managed_key:
            self.encryption = "CUSTOMER_MANAGED"
        if self.replicas and self.stream is None:
            self.stream = "NEW_AND_OLD_IMAGES"  # replication reads the stream

    def _unlisted(self, path: tuple, names: list[str]) -> list[Problem]:
        return [Problem(path, f"key attribute {n!r} is not listed in attributes",
                        f"add `{n}: S` (or N, B) under attributes") for n in names if n not in self.attributes]

    @rule("hash_key", "range_key", "attributes")
    def _table_keys(self, context):
        yield from self._unlisted(("hashKey",), [self.hash_key])
        if self.range_key:
            yield from self._unlisted(("rangeKey",), [self.range_key])
            if self.range_key == self.hash_key:
                yield Problem(("rangeKey",), "rangeKey must differ from hashKey",
                              "pick another sort key attribute, or remove rangeKey")

    @rule("global_secondary_indexes", "attributes")
    def _gsi_keys_listed(self, context):
        for index_name, gsi in self.global_secondary_indexes.items():
            path = ("globalSecondaryIndexes", index_name)
            yield from self._unlisted((*path, "hashKey"), gsi.hash_key)
            yield from self._unlisted((*path, "rangeKey"), gsi.range_key or [])

    @rule("local_secondary_indexes", "attributes", "hash_key", "range_key")
    def _lsi_keys(self, context):
        if self.local_secondary_indexes and not self.range_key:
            yield Problem(("localSecondaryIndexes",), "local secondary indexes need a table sort key",
                          "set rangeKey on the table (LSIs can only be created with the table)")
        for index_name, lsi in self.local_secondary_indexes.items():
            path = ("localSecondaryIndexes", index_name, "rangeKey")
            yield from self._unlisted(path, [lsi.range_key])
            if lsi.range_key in (self.hash_key, self.range_key):
                yield Problem(path, "an LSI's sort key must differ from the table's keys",
                              "use another attribute as the LSI's rangeKey")

    @rule("global_secondary_indexes", "local_secondary_indexes")
    def _index_names_unique(self, context):
        for index_name in sorted(set(self.global_secondary_indexes) & set(self.local_secondary_indexes)):
            yield Problem(("localSecondaryIndexes", index_name), "index name also used by a GSI",
                          "give every index of a table its own name")

    @rule("global_secondary_indexes", "local_secondary_indexes")
    def _projected_attributes(self, context):
        """DynamoDB counts INCLUDE attributes per table summed over its indexes: an attribute
        projected into two indexes counts twice."""
        indexes = [*self.global_secondary_indexes.values(), *self.local_secondary_indexes.values()]
        projected = sum(len(index.projection) for index in indexes if isinstance(index.projection, list))
        if projected > MAX_INCLUDE_PER_TABLE:
            yield Problem(("globalSecondaryIndexes",),
                          f"the table's indexes project {projected} INCLUDE attributes in all (an attribute in two "
                          f"indexes counts twice); DynamoDB allows {MAX_INCLUDE_PER_TABLE} per table",
                          "project fewer attributes, or use ALL")

    @rule("global_secondary_indexes", "local_secondary_indexes", "hash_key", "range_key")
    def _projections_name_non_key_attributes(self, context):
        """An index always holds its own keys and the table's (DynamoDB developer guide, "Secondary
        indexes": projections); INCLUDE names the other attributes."""
        table_keys = [self.hash_key, *([self.range_key] if self.range_key else [])]
        indexes = [(("globalSecondaryIndexes", name), gsi.key_attributes, gsi.projection)
                   for name, gsi in self.global_secondary_indexes.items()]
        indexes += [(("localSecondaryIndexes", name), [lsi.range_key], lsi.projection)
                    for name, lsi in self.local_secondary_indexes.items()]
        for path, index_keys, projection in indexes:
            keys = sorted({a for a in projection if a in (*table_keys, *index_keys)}) if isinstance(projection, list) else []
            if keys:
                yield Problem((*path, "projection"), f"key attribute(s) {', '.join(keys)} are always projected; "
                              "INCLUDE lists the non-key attributes", f"remove {', '.join(keys)} from the list")

    @rule("billing_mode", "capacity", "on_demand", "global_secondary_indexes")
    def _billing(self, context):
        if self.provisioned:
            if self.capacity is None:
                yield Problem(("capacity",), "billingMode PROVISIONED needs capacity",
                              "set capacity: {read: 5, write: 5} or an auto-scaling object")
            if self.on_demand is not None:
                yield Problem(("onDemand",), "onDemand applies to PAY_PER_REQUEST tables only",
                              "remove onDemand, or set billingMode: PAY_PER_REQUEST")
        elif self.capacity is not None:
            yield Problem(("capacity",), "capacity applies to PROVISIONED tables only",
                          "remove capacity, or set billingMode: PROVISIONED")
        for index_name, gsi in self.global_secondary_indexes.items():
            path = ("globalSecondaryIndexes", index_name)
            if gsi.capacity is not None and not self.provisioned:
                yield Problem((*path, "capacity"), "capacity applies to PROVISIONED tables only",
                              "remove it, or set the table's billingMode: PROVISIONED")
            if gsi.on_demand is not None and self.provisioned:
                yield Problem((*path, "onDemand"), "onDemand applies to PAY_PER_REQUEST tables only",
                              "remove it, or use capacity")

    @rule("ttl_attribute", "attributes")
    def _ttl_is_a_number(self, context):
        if self.ttl_attribute and self.attributes.get(self.ttl_attribute, "N") != "N":
            yield Problem(("ttlAttribute",), f"TTL attribute {self.ttl_attribute!r} is typed "
                          f"{self.attributes[self.ttl_attribute]}, but TTL needs a Number (epoch seconds)",
                          "use an attribute that holds epoch seconds as the ttlAttribute")

    @rule("items", "attributes", "hash_key", "range_key", "ttl_attribute")
    def _items_are_dynamodb_items(self, context):
        # Until the keys are typed (`_table_keys` says so), no item's key can be judged.
        if all(name in self.attributes for name in (self.hash_key, self.range_key) if name):
            yield from seed_items(self.items, self.item_schema)[1]

    @rule("items", "attributes", "hash_key", "range_key", "global_secondary_indexes", "local_secondary_indexes")
    def _items_fill_index_keys(self, context):
        table_keys = (self.hash_key, self.range_key)
        partition_keys = {a for gsi in self.global_secondary_indexes.values() for a in gsi.hash_key}
        yield from empty_index_keys(self.items, self.attributes, {
            name: "partition" if name in partition_keys else "sort"
            for name in self.key_attribute_names(True) if name not in table_keys})

    @rule("items", "import_")
    def _items_seed_new_tables(self, context):
        """A seed goes into a table this stack creates empty. An adopted or restored table holds
        data already, where a seed item that exists fails `pulumi up` (the provider writes only
        absent items) and one that does not mixes configured data into the table's own."""
        if not self.items:
            return
        if self.import_:
            yield Problem(("items",), "seed items go into a new, empty table, and this one is adopted (import) with its "
                          "data", "remove items; once the table is adopted and `import` is gone, add only items the "
                          "table does not hold yet (one it holds fails `pulumi up`)")
        elif "restore" in self.written:
            yield Problem(("items",), "seed items go into a new, empty table, and a restored table holds its source's "
                          "items", "remove items: seed the source table, or write them with the application")

    @rule("replicas")
    def _replica_regions(self, context):
        yield from replica_problems(self.replica_list, context)
        tier = tier_of(context)
        if len(self.replica_list) < tier.min_replicas:
            yield Problem(("replicas",), f"compliance {tier.name} requires at least {tier.min_replicas} replica region",
                          "add a region, e.g. replicas: [us-west-2]")

    @rule("replicas", "stream")
    def _replicas_read_the_stream(self, context):
        if self.replicas and self.stream not in (None, "NEW_AND_OLD_IMAGES"):
            yield Problem(("stream",), f"replicas replicate through a NEW_AND_OLD_IMAGES stream, not {self.stream}",
                          "set stream: NEW_AND_OLD_IMAGES, or leave stream out (replicas turn it on)")

    @rule("replicas", "billing_mode", "capacity", "global_secondary_indexes")
    def _replicas_need_write_auto_scaling(self, context):
        """A global table is on demand, or PROVISIONED with write auto-scaling on the table and
        its GSIs ("Table write capacity should either be Pay-Per-Request or AutoScaled")."""
        if not (self.replicas and self.provisioned):
            return
        if self.inline_indexes and self.global_secondary_indexes:
            yield Problem(("replicas",), "a restored PROVISIONED table keeps its GSIs on the table with fixed capacity, "
                          "and replicas need write auto-scaling on every GSI", "use billingMode: PAY_PER_REQUEST for "
                          "a restored table with GSIs and replicas")
            return
        places = [((), self.capacity), *((("globalSecondaryIndexes", name), gsi.capacity)
                                         for name, gsi in self.global_secondary_indexes.items())]
        for path, capacity in places:
            if capacity is not None and "write" not in capacity.autoscaled():
                yield Problem((*path, "capacity", "write"), "a PROVISIONED table with replicas needs write "
                              "auto-scaling here", "make write an auto-scaling object {min, max}, or use "
                              "billingMode: PAY_PER_REQUEST")

    @rule("import_")
    def _created_one_way(self, context):
        if self.inline_indexes and self.import_:
            yield Problem(("restore",), "a table is either adopted (import) or created from a restore, not both",
                          "remove `restore` to adopt the existing table, or `import` to restore a new one")

    @rule("billing_mode", "capacity", "global_secondary_indexes")
    def _restored_indexes_have_fixed_capacity(self, context):
        """A restored table's GSIs sit in the table's own index set, where the capacity
        auto-scaling sets cannot be ignored index by index; it would be reset on every `up`."""
        if not self.inline_indexes or not self.provisioned:
            return
        for index_name, gsi in self.global_secondary_indexes.items():
            capacity = self.index_capacity(gsi)
            scaled = sorted(capacity.autoscaled()) if capacity else []
            if scaled:
                own = gsi.capacity is not None
                yield Problem(("globalSecondaryIndexes", index_name, *(["capacity"] if own else [])),
                              f"a restored table keeps its GSIs on the table, where auto-scaling cannot be followed; "
                              f"this index's {' and '.join(scaled)} capacity is auto-scaled"
                              + ("" if own else " (inherited from the table)"),
                              "give the index fixed capacity, e.g. `capacity: {read: 5, write: 5}`, or use "
                              "billingMode: PAY_PER_REQUEST" + (" (with replicas, the only way)" if getattr(self, "replicas", None)
                                                                 else ""))

    @rule("replicas", "encryption")
    def _replica_keys(self, context):
        """Each replica of a table with a customer-managed key needs a key of its own region."""
        for number, replica in enumerate(self.replica_list):
            path = ("replicas", number, "kmsKeyArn")
            if replica.kms_key_arn and self.encryption in ("AWS_OWNED", "AWS_MANAGED"):
                yield Problem(path, f"a replica key goes with a customer-managed table key, and the table's "
                              f"encryption is {self.encryption}", "remove kmsKeyArn, or give the table a "
                              "customer-managed key")
            if not replica.kms_key_arn and self.kms_key_arn:
                yield Problem(path, f"the table uses the key {self.kms_key_arn}, so the replica in {replica.region} "
                              "needs a key of that region", f"set kmsKeyArn to a key of {replica.region}, or use "
                              "encryption: CUSTOMER_MANAGED for the stack's keys")

    # While a table is imported its config states the live table, which may be below the stack's
    # minimums: the stack warns about each (StackConfig), and they are problems once `import` goes.
    @rule("deletion_protection", "point_in_time_recovery", "protect", "import_")
    def _protection_minimums(self, context):
        if not self.import_:
            yield from self.protection_below_minimums(context)

    def protection_below_minimums(self, context) -> Iterator[Problem]:
        """prod and the protected tiers keep every table protected three ways."""
        tier = tier_of(context)
        required_by = " and ".join([*(["prod"] if context.get("prod") else []),
                                    *([f"compliance {tier.name}"] if tier.protected else [])])
        if not required_by:
            return
        for key, broken in (("deletionProtection", self.deletion_protection is False),
                            ("pointInTimeRecovery", not self.pitr_enabled),
                            ("protect", self.protect is False)):
            if broken:
                yield Problem((key,), f"{key}: false is not allowed in {required_by}",
                              f"remove {key} (it is on by default there) or set it to true")

    @rule("encryption", "import_")
    def _tier_encryption(self, context):
        tier = tier_of(context)
        if tier.customer_managed_key and self.kms_key_arn:
            warnings = context.get("warnings")
            message = (f"compliance {tier.name} requires key rotation, which cannot be checked offline for "
                       f"{self.kms_key_arn}: make sure the key rotates")
            if warnings is not None and message not in warnings:
                warnings.append(message)
        if not self.import_:
            yield from self.encryption_below_minimum(context)

    def encryption_below_minimum(self, context) -> Iterator[Problem]:
        tier = tier_of(context)
        written = "encryption" in self.model_fields_set  # unwritten, `settle` makes it CUSTOMER_MANAGED
        if not (tier.customer_managed_key and written) or self.kms_key_arn \
                or self.encryption in ("CUSTOMER_MANAGED", SECRET_PLACEHOLDER):
            return
        yield Problem(("encryption",), f"compliance {tier.name} requires a customer-managed key with rotation; "
                      f"{self.encryption} is not one", "use CUSTOMER_MANAGED (the stack's key, which rotates) or the "
                      "ARN of a key that rotates, or leave encryption out")
