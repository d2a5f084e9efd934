"""Security Hub's per-table DynamoDB controls: point-in-time recovery (DynamoDB.2), tags
(DynamoDB.5), deletion protection (DynamoDB.6), on tables and on replicas (each a table in its
region). Source: `tables.SECURITY_HUB`."""

from typing import Iterator

from components.config.limits import RESERVED_TAG_PREFIX

from .control import ResourceControl
from .resources import Resource, known
from .tables import SECURITY_HUB, TABLE, TABLES, describe


def _switched_off(value) -> bool:
    """Off as DynamoDB will have it: false, or not written (both settings default to off)."""
    return value is None or value is False


def _point_in_time_recovery(resource: Resource) -> Iterator[str]:
    value = resource.get("pointInTimeRecovery", "enabled") if resource.type == TABLE \
        else resource.get("pointInTimeRecovery")
    if _switched_off(value):
        yield (f"{describe(resource)} has point-in-time recovery off. Fix: set `pointInTimeRecovery: true` on the "
               "table (a replica follows the table unless its `replicas` entry says otherwise)")


def _tagged(resource: Resource) -> Iterator[str]:
    """Without `requiredTagKeys` (no default in Security Hub) the control fails only a table with
    no tag at all; system tags (`aws:`) do not count."""
    tags = resource.tags
    if tags is not None and not any(known(key) and not key.lower().startswith(RESERVED_TAG_PREFIX) for key in tags):
        yield (f"{describe(resource)} has no tags. Fix: give its provider default tags (this program's provider "
               "always has Project, Environment and ManagedBy) or set `tags`")


def _deletion_protection(resource: Resource) -> Iterator[str]:
    if _switched_off(resource.get("deletionProtectionEnabled")):
        yield (f"{describe(resource)} has deletion protection off. Fix: set `deletionProtection: true` on the table "
               "(its replicas follow it)")


CONTROLS = (
    ResourceControl(id="DynamoDB.2", title="DynamoDB tables should have point-in-time recovery enabled",
                    source=SECURITY_HUB, severity="medium", types=TABLES, check=_point_in_time_recovery),
    ResourceControl(id="DynamoDB.5", title="DynamoDB tables should be tagged",
                    source=SECURITY_HUB, severity="low", types=TABLES, check=_tagged),
    ResourceControl(id="DynamoDB.6", title="DynamoDB tables should have deletion protection enabled",
                    source=SECURITY_HUB, severity="medium", types=TABLES, check=_deletion_protection),
)
