"""The names the program derives from config, in one place.

Builders take their names from here, and the config check (`StackConfig.derived_names`) lists the
same ones to prove, before anything is registered, that each is unique where it must be and fits
its service's rules. Pulumi names a resource by type and name (its parent's *type* is part of the
URN, its parent's name is not), so two tables' children of the same type need distinct names.
"""

import re
from dataclasses import dataclass
from typing import Iterable, Optional

from .config.limits import (BACKUP_PLAN_NAME, BACKUP_SELECTION_NAME, BACKUP_VAULT_NAME, DASHBOARD_NAME,
                            DAX_CLUSTER_NAME, IAM_ROLE_NAME, KMS_ALIAS, TOPIC_NAME, NameRule)
from .errors import Path, Problem, key_path


def table_child(key: str, *parts: str) -> str:
    """A table component's child: `users-table`, `users-EmailIndex-index`, `users-read-target`."""
    return "-".join([key, *parts])


def scaling_policy(physical_table: str, field: str, index: Optional[str] = None) -> str:
    return "-".join([physical_table, *([index] if index else []), field, "scaling"])


@dataclass(frozen=True)
class StackNames:
    """Names of the stack's own resources, from `{project}-{environment}`."""

    prefix: str
    region: str

    @property
    def key(self) -> str:
        return f"{self.prefix}-dynamodb-key"

    @property
    def key_alias(self) -> str:
        return f"alias/{self.prefix}-dynamodb"

    @property
    def topic(self) -> str:
        return f"{self.prefix}-dynamodb-alarms"

    @property
    def endpoint(self) -> str:
        return f"{self.prefix}-dynamodb-endpoint"

    @property
    def backup(self) -> str:
        """The backup vault and plan."""
        return f"{self.prefix}-dynamodb"

    @property
    def backup_selection(self) -> str:
        return f"{self.prefix}-dynamodb-tables"

    @property
    def backup_role(self) -> str:
        return f"{self.prefix}-dynamodb-backup"

    def access_policy(self, name: str) -> str:
        return f"{self.prefix}-dynamodb-{name}"

    @property
    def dax_cluster(self) -> str:
        """The DAX cluster's name unless `dax.clusterName` is set: the prefix as DAX stores it,
        in lowercase (its subnet and parameter groups take the same name)."""
        return self.prefix.lower()

    @property
    def dax_role(self) -> str:
        return f"{self.prefix}-dynamodb-dax"

    def dashboard(self, number: int) -> tuple[str, str]:
        """(resource name, dashboard name) of the stack's `number`th dashboard. Dashboards are
        global to the account, so the name carries the region; the resource keeps its first
        name so a deployed dashboard keeps its identity."""
        suffix = f"-{number}" if number > 1 else ""
        return f"{self.prefix}-dynamodb{suffix}", f"{self.prefix}-{self.region}-dynamodb{suffix}"


@dataclass(frozen=True)
class DerivedName:
    unique_among: Optional[str]  # e.g. "alarm names"; None where only the rule applies
    name: str
    source: Path  # the config key it is derived from
    rule: Optional[NameRule] = None
    fix: str = "shorten the key or names it is built from (or set the table's `name`)"


def name_problems(names: Iterable[DerivedName]) -> list[Problem]:
    """Each name that breaks its service's rule, and each that two config entries derive alike,
    once per pair of entries (`tables.<key>`, `alarms`...): two tables of one physical name share
    every alarm name too."""
    problems: list[Problem] = []
    first_source: dict[tuple[str, str], Path] = {}
    clashing: set[tuple[Path, Path]] = set()
    for derived in names:
        broken = derived.rule.problem(derived.name) if derived.rule else ""
        if broken:
            problems.append(Problem(derived.source, f"derived {broken}", derived.fix))
        if derived.unique_among is None:
            continue
        unique = (derived.unique_among, derived.name)
        if unique not in first_source:
            first_source[unique] = derived.source
        elif (first_source[unique][:2], derived.source[:2]) not in clashing:
            seen = first_source[unique]
            clashing.add((seen[:2], derived.source[:2]))
            where = "twice from this key" if seen == derived.source else f"from both {key_path(seen)} and this key"
            problems.append(Problem(derived.source, f"{derived.unique_among} must be unique, but "
                                    f"{derived.name!r} comes {where}",
                                    "rename one of them (a table key, an index name, or a table's `name`)"))
    return problems


STACK_NAME_FIX = "shorten `project` or `environment` (they start every name of the stack)"


def stack_resource_names(prefix: str) -> list[DerivedName]:
    """The stack-wide names that must fit their services' rules (dashboards: `dashboard_name`)."""
    names = StackNames(prefix, region="")
    return [DerivedName("KMS aliases", names.key_alias, ("project",), KMS_ALIAS, STACK_NAME_FIX),
            DerivedName("SNS topics", names.topic, ("project",), TOPIC_NAME, STACK_NAME_FIX)]


def backup_names(prefix: str) -> list[DerivedName]:
    """The names AWS Backup needs, when the stack has a plan."""
    names = StackNames(prefix, region="")
    return [DerivedName("backup vaults", names.backup, ("project",), BACKUP_VAULT_NAME, STACK_NAME_FIX),
            DerivedName("backup plans", names.backup, ("project",), BACKUP_PLAN_NAME, STACK_NAME_FIX),
            DerivedName("backup selections", names.backup_selection, ("project",), BACKUP_SELECTION_NAME,
                        STACK_NAME_FIX),
            DerivedName("IAM roles", names.backup_role, ("project",), IAM_ROLE_NAME, STACK_NAME_FIX)]


def dax_names(names: StackNames, cluster_name: Optional[str]) -> list[DerivedName]:
    """The DAX role's name and, unless `dax.clusterName` gives it (checked as a field), the
    cluster's, both reported under `dax`. A derived cluster name that breaks DAX's rule asks for
    `dax.clusterName`, not a shorter project: DAX allows 20 characters, far fewer than any other
    name the prefix starts."""
    derived = [] if cluster_name is not None else [DerivedName(
        "DAX clusters", names.dax_cluster, ("dax",), DAX_CLUSTER_NAME,
        f"set dax.clusterName to 1-{DAX_CLUSTER_NAME.max_length} of {DAX_CLUSTER_NAME.allowed}, "
        f"e.g. {dax_cluster_suggestion(names.prefix)!r}")]
    return [*derived, DerivedName("IAM roles", names.dax_role, ("dax",), IAM_ROLE_NAME, STACK_NAME_FIX)]


def dax_cluster_suggestion(prefix: str) -> str:
    """A name DAX takes, close to `prefix`: what `dax.clusterName` could be."""
    words = re.sub(r"[^a-z0-9]+", "-", prefix.lower()).strip("-")
    name = re.sub(r"^[^a-z]+", "", words)[:DAX_CLUSTER_NAME.max_length].rstrip("-")
    return name or "dax"


def dashboard_name(names: StackNames, tables: int) -> DerivedName:
    """A stack has at most one dashboard per table: the last one possible has the longest name."""
    return DerivedName("dashboards", names.dashboard(max(tables, 1))[1], ("project",), DASHBOARD_NAME, STACK_NAME_FIX)


ALARM_NAMES = "alarm names"


def arn(partition: str, service: str, region: str, account_id: str, resource: str) -> str:
    return f"arn:{partition}:{service}:{region}:{account_id}:{resource}"


def table_resource(table_name: str, index_name: Optional[str] = None) -> str:
    """The resource part of a DynamoDB table's or index's ARN (Service Authorization Reference,
    DynamoDB resource types `table` and `index`)."""
    return f"table/{table_name}" + (f"/index/{index_name}" if index_name else "")
