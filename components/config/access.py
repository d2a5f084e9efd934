"""`access.<policyName>`: an IAM managed policy that grants named tables to whoever it is attached
to, at one level, optionally only to the items whose partition key is the caller's
(`leadingKeys`) and to some attributes (`attributes`).

Sources: DynamoDB developer guide, "Using IAM policy conditions for fine-grained access control"
(LeadingKeys needs ForAllValues; with `dynamodb:Attributes` "you must specify the names of all of
the primary key and index key attributes"); IAM user guide, "IAM policy elements: Variables and
tags" (a variable is `${key}`, optionally `${key, 'default'}`)."""

import re
from typing import Annotated, Literal, Optional

from pydantic import AfterValidator, Field

from ..errors import Problem, invalid
from .base import ConfigModel, NotSecret, listed_twice, matching, rule
from .limits import IAM_POLICY_NAME
from .table import AttributeName

Level = Literal["read", "write", "readWrite", "streamRead"]
POLICY_VARIABLE = re.compile(r"\$\{[A-Za-z0-9_.:/-]+(, *'[^'$*?]*')?\}", re.ASCII)
AccessKey = Annotated[str, NotSecret, matching(IAM_POLICY_NAME.pattern, "usable in an IAM policy name",
                                               "use only letters, digits and '+=,.@_-'")]
LeadingKeys = Annotated[str, matching(POLICY_VARIABLE, "an IAM policy variable",
                                      "write the variable that holds the caller's partition key value, e.g. "
                                      "${aws:userid}, ${aws:PrincipalTag/tenant} or ${cognito-identity.amazonaws.com:sub}")]


def _iam_characters(value: str) -> str:
    """IAM policy documents take tab, newline, carriage return and U+0020-U+00FF only (IAM user
    guide, "IAM JSON policy element grammar")."""
    outside = list(dict.fromkeys(c for c in value if c not in "\t\n\r" and not 0x20 <= ord(c) <= 0xFF))
    if outside:
        raise invalid(reason=f"{''.join(outside)!r} cannot be written in an IAM policy, which takes only the "
                             "characters up to U+00FF", fix="name attributes in Latin letters, digits and signs")
    return value


PolicyAttribute = Annotated[AttributeName, AfterValidator(_iam_characters)]


class Access(ConfigModel):
    tables: list[Annotated[str, NotSecret]] = Field(min_length=1, description="keys under `tables`")
    level: Level = Field(description="`read`: GetItem, BatchGetItem, Query, Scan, ConditionCheckItem, DescribeTable; "
                                     "`write`: PutItem, UpdateItem, DeleteItem, BatchWriteItem; `readWrite`: both; "
                                     "`streamRead`: the tables' streams")
    leading_keys: Optional[LeadingKeys] = Field(
        None, description="only items whose partition key equals this IAM policy variable (`dynamodb:LeadingKeys`); "
                          "Scan is then not granted")
    attributes: Optional[list[PolicyAttribute]] = Field(
        None, min_length=1, description="only these attributes (`dynamodb:Attributes`); must include every key "
                                        "attribute of the tables and their indexes; writes are then UpdateItem only")

    @rule("level", "leading_keys", "attributes")
    def _streams_have_no_items(self, context):
        """Stream actions carry neither keys nor attributes: the conditions would not restrict them."""
        if self.level != "streamRead":
            return
        for field, key in (("leading_keys", "leadingKeys"), ("attributes", "attributes")):
            if getattr(self, field) is not None:
                yield Problem((key,), "a stream read carries no item keys or attributes, so this would restrict "
                              "nothing", f"remove `{key}`, or use level read")

    @rule("tables")
    def _each_table_once(self, context):
        yield from listed_twice("tables", self.tables)

    @rule("attributes")
    def _each_attribute_once(self, context):
        yield from listed_twice("attributes", self.attributes or [])

    @rule("leading_keys")
    def _a_default_partition_is_shared(self, context):
        """`${key, 'default'}` stands for the default where the request lacks the key: every such
        caller then shares that partition (IAM user guide, "IAM policy elements: Variables and tags")."""
        default = re.search(r", *'([^']*)'\}$", self.leading_keys or "")
        warnings = context.get("warnings")
        if default and warnings is not None:
            warnings.append(f"access.<policy>.leadingKeys {self.leading_keys}: every caller without that key "
                            f"reaches the items of partition {default[1]!r} (the variable's default); leave the "
                            "default out unless they should share it")
        return ()


def access_problems(name: str, entry: Access, tables: dict) -> list[Problem]:
    """What `access.<name>` asks of the tables it names: that they exist, have a stream to read,
    and that `attributes` lists their key attributes."""
    path = ("access", name)
    problems = []
    for number, key in enumerate(entry.tables):
        if key not in tables:
            problems.append(Problem((*path, "tables", number), f"no table {key!r} under tables",
                                    f"use one of: {', '.join(sorted(tables))}"))
        elif entry.level == "streamRead" and tables[key].stream is None:
            problems.append(Problem((*path, "tables", number), f"table {key!r} has no stream to read",
                                    f"set tables.{key}.stream (e.g. NEW_AND_OLD_IMAGES), or use another level"))
    if entry.attributes is not None:
        needed = [a for key in entry.tables if key in tables for a in tables[key].key_attribute_names(every_index=True)]
        missing = [a for a in dict.fromkeys(needed) if a not in entry.attributes]
        if missing:
            problems.append(Problem((*path, "attributes"), f"misses key attribute(s) {', '.join(missing)}: DynamoDB "
                                    "needs every table and index key attribute listed to act at all",
                                    f"add {', '.join(missing)}"))
    return problems

