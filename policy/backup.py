"""DynamoDB.4: every table (and every replica, a table in its own region) is covered by an AWS
Backup plan. Source: `tables.SECURITY_HUB` ("The control fails if the DynamoDB table isn't covered
by a backup plan").

A backup selection covers a table it references (during a real preview the table's ARN is
unknown, so the selection's dependency on the table is the link), or whose ARN its `resources`
match, wildcards included. A plan, and so its selection, covers one region only ("An AWS Backup
plan applies to a single AWS account and AWS Region",
https://repost.aws/knowledge-center/backup-aws-resources): the stack's selection never covers a
replica in another region. Selections by tag (`selectionTags`, `condition`) are not read: this
program selects by ARN.
"""

from fnmatch import fnmatchcase
from typing import Iterator, Optional, Sequence

from components.naming import table_resource

from .control import Finding, StackControl
from .resources import Resource, known, of_type
from .tables import REPLICA, SECURITY_HUB, TABLE, TABLES, describe, physical_name

SELECTION = "aws:backup/selection:Selection"


def _in_a_backup_plan(resources: Sequence[Resource]) -> Iterator[Finding]:
    selections = of_type(resources, SELECTION)
    tables_by_urn = {table.urn: table for table in of_type(resources, TABLE)}
    for table in of_type(resources, *TABLES):
        if any(_covers(selection, table, physical_name(table, tables_by_urn)) for selection in selections):
            continue
        fix = (f"a backup plan and selection in {table.region or 'its region'} that name this replica (this stack's "
               "plan covers its own region only)" if table.type == REPLICA
               else "remove `backup: false`, or name this table in a backup selection of the stack's region")
        yield table, f"{describe(table)} is in no AWS Backup plan. Fix: {fix}"


def _covers(selection: Resource, table: Resource, name: Optional[str]) -> bool:
    if selection.region and table.region and selection.region != table.region:
        return False
    if table.urn in selection.dependencies:
        return True
    selected = selection.get("resources", default=[])
    return any(_matches(pattern, table, name) for pattern in (selected if isinstance(selected, list) else []))


def _matches(pattern, table: Resource, name: Optional[str]) -> bool:
    """`*`, or a DynamoDB table ARN, wildcards allowed (AWS Backup, BackupSelection.Resources)."""
    if not (isinstance(pattern, str) and known(pattern)):
        return False
    if pattern == "*":
        return True
    parts = pattern.split(":", 5)
    return (len(parts) == 6 and name is not None and fnmatchcase("dynamodb", parts[2])
            and fnmatchcase(table.region or "", parts[3]) and fnmatchcase(table_resource(name), parts[5]))


CONTROLS = (
    StackControl(id="DynamoDB.4", title="DynamoDB tables should be present in a backup plan",
                 source=SECURITY_HUB, severity="medium", check=_in_a_backup_plan),
)
