"""Everything one stack deploys, and the rules that span its tables."""

import json
from typing import Annotated, Iterator, Literal, Optional, Union

from pydantic import BeforeValidator, Field, PrivateAttr, Tag

from ..access_policy import Grantable, access_document
from ..dax_policy import dax_role_document
from ..endpoint_policy import MAX_CHARACTERS as MAX_POLICY_CHARACTERS
from ..endpoint_policy import endpoint_policy
from ..errors import Problem, key_path
from ..monitoring.catalogue import (WatchedCluster, WatchedIndex, WatchedTable, account_alarms, cluster_alarms,
                                   table_alarms)
from ..monitoring.metrics import InsightsQuery
from ..naming import (ALARM_NAMES, DerivedName, StackNames, arn, backup_names, dashboard_name, dax_names, name_problems,
                      scaling_policy, stack_resource_names, table_child, table_resource)
from .access import Access, AccessKey, access_problems
from .backup import Backup, BackupRule, backup_setting
from .base import ConfigModel, NotSecret, matching, rule
from .capacity import object_or
from .compliance import COMMERCIAL, TIERS, Tier
from .dax import Dax, dax_table_problems
from .limits import (ALARM_NAME, DAX_REGIONS, DYNAMODB_TABLE_ARN, IAM_POLICY_NAME, MAX_BACKUP_SELECTION_RESOURCES,
                     MAX_MANAGED_POLICY_CHARACTERS, MAX_METRICS_INSIGHTS_ALARMS, MAX_ROLE_POLICY_CHARACTERS, MAX_TAGS,
                     NAME_PART, SCALING_POLICY_NAME, TABLE_NAME, partition_of)
from .monitoring import StackAlarms, Thresholds
from .network import Network
from .provider import AwsConfig
from .table import Table
from .tags import COMPLIANCE_TAG, ENVIRONMENT_TAG, Tags

PRODUCTION = "prod"
MANAGED_BY = "pulumi:koneksi-dynamodb"

Project = Annotated[str, NotSecret, matching(NAME_PART, "usable in the names of topics, keys and dashboards",
                                  "use only a-z, A-Z, 0-9, '_' and '-'")]
Environment = Annotated[str, NotSecret, matching(NAME_PART, "usable in the names of topics, keys and dashboards",
                                      "use only a-z, A-Z, 0-9, '_' and '-' (the environment defaults to the stack "
                                      "name: set `environment` if the stack name has other characters)")]
TableKey = Annotated[str, matching(TABLE_NAME.pattern, "a valid table key",
                                   "use only a-z, A-Z, 0-9, '_', '-' and '.' (the key is part of the table's name)")]


class StackConfig(ConfigModel):
    """Everything one stack deploys."""

    aws: AwsConfig = Field(description="the `aws:` keys: the AWS provider's settings")
    project: Project = Field("koneksi", description="naming prefix and `Project` tag; `[a-zA-Z0-9_-]`")
    environment: Environment = Field(description="naming and `Environment` tag; `prod` gets production defaults and rules; "
                                  "`[a-zA-Z0-9_-]`", json_schema_extra={"x-default": "the stack name"})
    compliance: Literal["commercial", "fedramp-moderate", "fedramp-high"] = Field(
        "commercial", description="raises defaults and minimums: see Compliance tiers")
    tags: Tags = Field({}, description="extra tags on every resource (provider default tags); AWS's tag rules; "
                                         "`Project`, `Environment`, `ManagedBy` (and `Compliance` in "
                                         "the fedramp tiers) are the program's")
    tables: dict[TableKey, Table] = Field(min_length=1, description="the tables; a key is `[a-zA-Z0-9_.-]` and part "
                                                                     "of the table's name")
    network: Optional[Network] = Field(None, description="a DynamoDB gateway endpoint, or the policy of an existing one")
    alarms: StackAlarms = Field(StackAlarms(), description="where alarms go, how much is watched, thresholds")
    backup: Optional[Annotated[Union[Annotated[Literal[False], Tag("as bool")], Annotated[Backup, Tag("as object")]],
                               object_or("as bool"), BeforeValidator(backup_setting)]] = Field(
        None, description="the AWS Backup plan of the stack's tables, or `false`; default: the compliance tier's rules")
    access: dict[AccessKey, Access] = Field({}, description="IAM managed policies that grant tables (see Access)")
    dax: Optional[Dax] = Field(None, description="a DAX cluster in front of some of the tables (see DAX)")

    # Set by the reader (`reader.parse_stack_config`).
    _secret_values: dict[str, frozenset] = PrivateAttr(default_factory=dict)
    _warnings: list[str] = PrivateAttr(default_factory=list)

    @property
    def secret_values(self) -> dict[str, frozenset]:
        """Each secret config key's values (text and numbers): never shown, always kept secret."""
        return self._secret_values

    @property
    def warnings(self) -> list[str]:
        """Keys of the stack file that are ignored, and why."""
        return self._warnings

    @property
    def is_prod(self) -> bool:
        return self.environment == PRODUCTION

    @property
    def prefix(self) -> str:
        """What the stack's resource names start with: `{project}-{environment}`."""
        return f"{self.project}-{self.environment}"

    @property
    def region(self) -> str:
        return self.aws.region

    @property
    def partition(self) -> str:
        return partition_of(self.aws.region)

    @property
    def backup_plan(self) -> Optional[Backup]:
        """The stack's backup plan with its rules (the tier's unless written); None with `backup: false`."""
        if self.backup is False:
            return None
        backup = self.backup or Backup()
        return backup if backup.rules else backup.model_copy(
            update={"rules": [BackupRule.model_validate(rule) for rule in self.tier.backup_rules]})

    @property
    def replica_regions(self) -> list[str]:
        """Every region a replica of the stack's tables lives in, in the order tables name them."""
        return list(dict.fromkeys(replica.region for table in self.tables.values() for replica in table.replica_list))

    @property
    def vault_regions(self) -> list[str]:
        """Where the stack has a backup vault: its region, the copy region, and each replica's region
        (a backup plan covers the tables of its own region only)."""
        plan = self.backup_plan
        if not plan:
            return []
        return list(dict.fromkeys([self.aws.region, *([plan.copy_to_region] if plan.copy_to_region else []),
                                   *self.replica_regions]))

    @property
    def vault_key_regions(self) -> list[str]:
        """Where backup vaults are encrypted with the stack's key: tiers that need a customer key."""
        return self.vault_regions if self.tier.customer_managed_key else []

    @property
    def key_regions(self) -> list[str]:
        """The regions where the stack needs its own KMS key: its own, each replica region of a
        CUSTOMER_MANAGED table whose replica names no key of its own, and its backup vaults'."""
        regions = [self.aws.region] if self.needs_stack_key else []
        regions += [replica.region for table in self.tables.values() if table.encryption == "CUSTOMER_MANAGED"
                    for replica in table.replica_list if replica.kms_key_arn is None]
        return list(dict.fromkeys([*regions, *self.vault_key_regions]))

    @property
    def names(self) -> StackNames:
        return StackNames(self.prefix, self.aws.region)

    @property
    def dax_cluster_name(self) -> Optional[str]:
        if self.dax is None:
            return None
        return self.dax.cluster_name or self.names.dax_cluster

    @property
    def tier(self) -> Tier:
        return TIERS[self.compliance]

    @property
    def alarm_level(self) -> str:
        return self.alarms.level or self.tier.alarm_level or ("enhanced" if self.is_prod else "basic")

    @property
    def creates_alarm_topic(self) -> bool:
        return self.alarms.sns_topic_arn is None

    @property
    def protects_data(self) -> bool:
        """Whether what holds data (tables, replicas, keys, vaults) is kept from deletion."""
        return self.is_prod or self.tier.protected

    @property
    def needs_stack_key(self) -> bool:
        """One KMS key serves the CUSTOMER_MANAGED tables and the alarm topic."""
        return self.creates_alarm_topic or any(t.encryption == "CUSTOMER_MANAGED" for t in self.tables.values())

    def standard_tags(self) -> dict[str, str]:
        """Ours on every resource; `Compliance` names a tier other than commercial, so that the
        policy pack, which sees only resources, can tell which stacks its controls bind."""
        tier = {} if self.tier is COMMERCIAL else {COMPLIANCE_TAG: self.tier.name}
        return {"Project": self.project, ENVIRONMENT_TAG: self.environment, "ManagedBy": MANAGED_BY, **tier}

    def default_tags(self) -> dict[str, str]:
        """Every tag the provider puts on every resource: `aws:defaultTags`, then `tags`, then ours."""
        written = self.aws.default_tags.tags if self.aws.default_tags else {}
        return {**written, **self.tags, **self.standard_tags()}

    def thresholds(self, table: Table) -> Thresholds:
        return self.alarms.overridden_by(table.alarms)

    def physical_name(self, key: str, table: Table) -> str:
        return table.name or f"{self.prefix}-{key}"

    def settle(self, context):
        for key, table in self.tables.items():
            table.name = self.physical_name(key, table)

    @rule("environment")
    def _production_is_spelled_prod(self, context):
        """`Prod` or `PROD` names the production stack to a person, not to the rules: say so."""
        warnings = context.get("warnings")
        if self.environment != PRODUCTION and self.environment.lower() == PRODUCTION and warnings is not None:
            warnings.append(f"environment {self.environment} is not `{PRODUCTION}`: production defaults and rules "
                            f"apply only to `{PRODUCTION}` exactly; write `environment: {PRODUCTION}` if this is "
                            "production")
        return ()

    @rule("tags", "aws", "project", "environment", "compliance")
    def _at_most_50_tags(self, context):
        count, ours = len(self.default_tags()), len(self.standard_tags())
        if count > MAX_TAGS:
            yield Problem(("tags",), f"{count} tags in all with the program's {ours} and aws:defaultTags; "
                          f"AWS allows {MAX_TAGS} per resource", f"keep at most {MAX_TAGS - ours} of your own")

    @rule("network", "tables", "project", "environment", "aws")
    def _endpoint_policy_fits(self, context):
        if not self.network:
            return
        size = len(json.dumps(endpoint_policy("0" * 12, {
            arn(self.partition, "dynamodb", self.region, "0" * 12, table_resource(self.physical_name(key, table))): [
                arn(self.partition, "dynamodb", self.region, "0" * 12,
                    table_resource(self.physical_name(key, table), index))
                for index in [*table.global_secondary_indexes, *table.local_secondary_indexes]]
            for key, table in self.tables.items()}, self.network.admin_role_arns)))
        if size > MAX_POLICY_CHARACTERS:
            yield Problem(("network",), f"the endpoint policy for {len(self.tables)} tables and their indexes would have "
                          f"{size} characters; AWS allows {MAX_POLICY_CHARACTERS}",
                          "move some tables to a stack of their own with its own network settings")

    @rule("access")
    def _access_names_unique_in_any_case(self, context):
        """IAM names are unique per account without regard to case (IAM user guide, "IAM
        identifiers")."""
        seen: dict[str, str] = {}
        for name in self.access:
            if name.lower() in seen:
                yield Problem(("access", name), f"{name!r} and {seen[name.lower()]!r} differ only in case, and IAM "
                              "names ignore case", "rename one of them")
            seen.setdefault(name.lower(), name)

    @rule("access", "tables", "project", "environment", "aws")
    def _access_grants_tables_it_can(self, context):
        for name, entry in self.access.items():
            yield from access_problems(name, entry, self.tables)
            if any(key not in self.tables for key in entry.tables):
                continue
            size = len(json.dumps(access_document(entry, [self.grantable(key, "0" * 12) for key in entry.tables]),
                                  separators=(",", ":")))
            if size > MAX_MANAGED_POLICY_CHARACTERS:
                fix = ("split it into entries of fewer tables" if len(entry.tables) > 1 else
                       "grant reads and writes in two entries (read and write); one table's ARNs in all its regions "
                       "and indexes may still be too many for one policy")
                yield Problem(("access", name), f"its policy would have {size} characters; IAM allows "
                              f"{MAX_MANAGED_POLICY_CHARACTERS} in a managed policy", fix)

    def grantable(self, key: str, account: str, replicas: bool = True) -> Grantable:
        """The ARNs `access` grants of a table (the table component hands out the same); without
        `replicas`, those of the stack's region only."""
        table = self.tables[key]
        name = self.physical_name(key, table)
        regions = [self.region, *(r.region for r in table.replica_list if replicas)]
        indexes = [*table.global_secondary_indexes, *table.local_secondary_indexes]
        # An LSI shares the table's partition key; a GSI may have another, against which nothing says
        # `dynamodb:LeadingKeys` is matched.
        same_partition = [*(index for index, gsi in table.global_secondary_indexes.items()
                            if gsi.hash_key == [table.hash_key]), *table.local_secondary_indexes]
        return Grantable(tables=[arn(self.partition, "dynamodb", region, account, table_resource(name))
                                 for region in regions],
                         indexes=[arn(self.partition, "dynamodb", region, account, table_resource(name, index))
                                  for region in regions for index in indexes],
                         indexes_by_partition_key=[arn(self.partition, "dynamodb", region, account,
                                                       table_resource(name, index))
                                                   for region in regions for index in same_partition],
                         streams=[arn(self.partition, "dynamodb", region, account, f"{table_resource(name)}/stream/*")
                                  for region in regions])

    @rule("dax", "tables")
    def _dax_caches_tables_of_the_stack(self, context):
        if self.dax:
            yield from dax_table_problems(self.dax, self.tables)

    @rule("dax", "aws")
    def _dax_in_a_region_with_dax(self, context):
        if self.dax and self.region not in DAX_REGIONS:
            served = [region for region in DAX_REGIONS if partition_of(region) == self.partition]
            yield Problem(("dax",), f"DAX is not offered in {self.region}",
                          "remove dax, or deploy the stack to a region DAX serves" +
                          (f": {', '.join(served)}" if served else f" (none in partition {self.partition})"))

    @rule("dax", "tables", "project", "environment", "aws")
    def _dax_role_policy_fits(self, context):
        if not self.dax or any(key not in self.tables for key in self.dax.tables):
            return
        size = len(json.dumps(self.dax_role_document("0" * 12), separators=(",", ":")))
        if size > MAX_ROLE_POLICY_CHARACTERS:
            yield Problem(("dax", "tables"), f"the cluster's role policy would have {size} characters; IAM allows "
                          f"{MAX_ROLE_POLICY_CHARACTERS} in a role's inline policies",
                          "cache fewer tables (or tables with fewer indexes) in this cluster")

    @rule("dax", "access")
    def _dax_bypasses_fine_grained_access(self, context):
        """Warned: DAX authorizes what passes through it with its own role alone (DynamoDB
        developer guide, "DAX access control")."""
        warnings = context.get("warnings")
        if not self.dax or warnings is None:
            return ()
        for name, entry in self.access.items():
            cached = [key for key in entry.tables if key in self.dax.tables]
            if cached and (entry.leading_keys or entry.attributes):
                warnings.append(f"{key_path(('access', name))}: requests through the DAX cluster to "
                                f"{', '.join(cached)} are authorized by the cluster's role, not by this policy's "
                                "leadingKeys or attributes conditions: keep such callers off the cluster")
        return ()

    def dax_role_document(self, account: str) -> dict:
        """The DAX role's policy as the config check measures it (the component builds the same
        from the ARNs the tables hand out)."""
        grantables = [self.grantable(key, account, replicas=False) for key in self.dax.tables]
        return dax_role_document([arn for grantable in grantables for arn in grantable.tables],
                                 [arn for grantable in grantables for arn in grantable.indexes])

    @rule("backup", "compliance", "tables")
    def _backups_meet_the_tier(self, context):
        tier = self.tier
        if self.backup is False:
            if tier.backups_required:
                yield Problem(("backup",), f"compliance {tier.name} requires backups",
                              "remove `backup: false` (the tier's rules apply), or write your own rules")
            return
        plan = self.backup_plan
        longest = max(rule.retention_days for rule in plan.rules)
        if tier.min_retention_days and longest < tier.min_retention_days:
            yield Problem(("backup", "rules"), f"compliance {tier.name} keeps backups at least "
                          f"{tier.min_retention_days} days; the longest rule keeps {longest}",
                          f"set retentionDays of one rule to at least {tier.min_retention_days}")
        if len(self.tables) > MAX_BACKUP_SELECTION_RESOURCES:
            yield Problem(("tables",), f"a backup selection names at most {MAX_BACKUP_SELECTION_RESOURCES} tables, "
                          f"the stack has {len(self.tables)}", "split the stack")
        advanced = [what for what, used in (("cold storage", any(r.cold_storage_after_days for r in plan.rules)),
                                             ("copies to another region", plan.copy_to_region)) if used]
        warnings = context.get("warnings")
        if advanced and not plan.manage_region_settings and warnings is not None:
            warnings.append(f"backup {' and '.join(advanced)} need AWS Backup's advanced DynamoDB features, an "
                            "account setting of the region (on for accounts that created no vault before "
                            "2021-11-21): check it, or set backup.manageRegionSettings: true")

    @rule("tables", "project", "environment", "aws")
    def _restored_from_another_table(self, context):
        """A restore creates its table, so the source must be another, existing table."""
        for key, table in self.tables.items():
            restore = table.restore
            if restore is None:
                continue
            arn = DYNAMODB_TABLE_ARN.fullmatch(restore.source_table_arn or "")
            source = restore.source_name or (arn["table"] if arn and arn["region"] == self.region else None)
            if source == self.physical_name(key, table):
                field = "sourceName" if restore.source_name else "sourceTableArn"
                yield Problem(("tables", key, "restore", field), f"the table {source} would be restored from itself; "
                              "a restore creates a new table from another one", "name the table to restore from")

    @rule("tables")
    def _imported_tables_below_minimums(self, context):
        """Warned, one per table and key: the live values an imported table states (Table)."""
        warnings = context.get("warnings")
        for key, table in self.tables.items():
            if not table.import_ or warnings is None:
                continue
            for problem in [*table.protection_below_minimums(context), *table.encryption_below_minimum(context)]:
                warnings.append(f"{key_path(('tables', key, *problem.path))}: an imported table: {problem.reason}; "
                                f"once imported, remove `import` and {problem.fix} (an update in place)")
        return ()

    @rule("tables")
    def _restores_to_check(self, context):
        """What a restore does that only the source table decides: warned, since the source
        cannot be read offline (README, "Restoring a table")."""
        warnings = context.get("warnings")
        for key, table in self.tables.items():
            if table.restore is None or warnings is None:
                continue
            if not table.global_secondary_indexes:
                warnings.append(f"{key_path(('tables', key, 'restore'))}: no globalSecondaryIndexes are listed, so DynamoDB restores "
                                "every GSI of the source and this program does not manage them (adding one later "
                                "deletes the others): list the source's GSIs to keep")
            if table.replicas:
                warnings.append(f"{key_path(('tables', key, 'replicas'))}: a restore turns on no stream, and replicas need one: if the "
                                "table is not restored yet, restore it without replicas and add them after the next "
                                "`up`")
        return ()

    @rule("tables", "project", "environment", "alarms")
    def _metrics_insights_alarms_within_the_quota(self, context):
        """The quota is per account and region: stacks sharing both share it too (see README)."""
        alarms = sum(isinstance(spec.watched, InsightsQuery) for key, table in self.tables.items()
                     for spec in table_alarms(self._watched(key, table), self.alarm_level))
        if alarms > MAX_METRICS_INSIGHTS_ALARMS:
            yield Problem(("tables",), f"{alarms} alarms on Metrics Insights queries (one per table's SystemErrors); "
                          f"CloudWatch allows {MAX_METRICS_INSIGHTS_ALARMS} per account and region",
                          f"keep at most {MAX_METRICS_INSIGHTS_ALARMS} tables per stack (split the stack)")

    @rule("tables", "project", "environment", "alarms", "backup")
    def _derived_names(self, context):
        yield from name_problems(self.derived_names())

    @rule("dax", "tables", "project", "environment", "alarms", "backup")
    def _dax_names(self, context):
        """DAX's names fit their rules and clash with none of the stack's: only problems of
        `dax` are reported here, `_derived_names` reports the rest (and runs while `dax` is invalid)."""
        if self.dax:
            yield from (problem for problem in name_problems([*self.derived_names(), *self.dax_derived_names()])
                        if problem.path[:1] == ("dax",))

    def dax_derived_names(self) -> Iterator[DerivedName]:
        yield from dax_names(self.names, self.dax.cluster_name)
        yield from (DerivedName(ALARM_NAMES, spec.name, ("dax",), ALARM_NAME,
                                "set a shorter dax.clusterName (the cluster's alarm names start with it)")
                    for spec in cluster_alarms(self.watched_cluster(), self.alarm_level))

    def watched_cluster(self) -> WatchedCluster:
        """What the alarm catalogue watches of the DAX cluster, by its name as configured."""
        return WatchedCluster(self.dax_cluster_name, self.dax_cluster_name)

    @rule("tables", "project", "environment", "aws")
    def _dashboard_names_fit(self, context):
        yield from name_problems([dashboard_name(self.names, len(self.tables))])

    def derived_names(self) -> Iterator[DerivedName]:
        """Every name the stack derives from its config that must be unique or fit a rule (but
        the dashboards', which carry the region: `_dashboard_names_fit`)."""
        yield from stack_resource_names(self.prefix)
        if self.backup is not False:
            yield from backup_names(self.prefix)
        yield from (DerivedName(ALARM_NAMES, spec.name, ("alarms",), ALARM_NAME)
                    for spec in account_alarms(self.prefix, self.alarm_level))
        for key, table in self.tables.items():
            yield from self._table_names(key, table)
        yield from (DerivedName("IAM policy names", self.names.access_policy(name), ("access", name), IAM_POLICY_NAME,
                                "shorten the policy's key, `project` or `environment`") for name in self.access)

    def _table_names(self, key: str, table: Table) -> Iterator[DerivedName]:
        physical, source = self.physical_name(key, table), ("tables", key)
        yield DerivedName("table names", physical, (*source, "name") if table.name else source, TABLE_NAME)
        indexes = table.global_secondary_indexes
        for index_name in indexes:
            yield DerivedName("global secondary index resources", table_child(key, index_name, "index"),
                              (*source, "globalSecondaryIndexes", index_name))
        scaled = [(None, table.capacity if table.provisioned else None),
                  *((name, table.index_capacity(gsi)) for name, gsi in indexes.items())]
        for index_name, capacity in scaled:
            where = source if index_name is None else (*source, "globalSecondaryIndexes", index_name)
            for field in (capacity.autoscaled() if capacity else ()):
                base = table_child(key, *([index_name] if index_name else []), field)
                yield DerivedName("scaling target resources", f"{base}-target", where)
                yield DerivedName("scaling policy resources", f"{base}-policy", where)
                yield DerivedName(None, capacity.autoscaled()[field].policy_name
                                  or scaling_policy(physical, field, index_name), where, SCALING_POLICY_NAME)
        yield from (DerivedName("table replica resources", table_child(key, "replica", replica.region), source)
                    for replica in table.replica_list)
        yield from (DerivedName(ALARM_NAMES, spec.name, source, ALARM_NAME)
                    for spec in table_alarms(self._watched(key, table), self.alarm_level))

    def _watched(self, key: str, table: Table) -> WatchedTable:
        """What the alarm catalogue watches of a table, by its names as configured."""
        physical = self.physical_name(key, table)
        return WatchedTable(physical, physical,
                            tuple(WatchedIndex(n, physical, n) for n in table.global_secondary_indexes),
                            table.provisioned, expires_items=table.ttl_attribute is not None,
                            replica_regions=tuple(replica.region for replica in table.replica_list))


