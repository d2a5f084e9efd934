"""A table's seed items (`tables.<key>.items`) as `aws.dynamodb.TableItem` resources.

Seeded once: the provider writes an item only where its key is absent (PutItem with
`attribute_not_exists`), and `ignore_changes=["item"]` keeps every later `pulumi up` from sending
the config's values again, so what the application writes to a seeded item stays. The key decides
the resource (its name comes from the key values): a new key is a new item.
"""

import pulumi
import pulumi_aws as aws

from .config.items import SeedItem
from .config.table import Table
from .naming import table_child


def item_name(key: str, seed: SeedItem) -> str:
    """`users-item-admin-3f2a9c1b0d4e`: from the key values only, so reordering the list renames
    nothing."""
    return table_child(key, "item", seed.name_suffix)


def item_options(table: Table, parent: pulumi.Resource) -> pulumi.ResourceOptions:
    return pulumi.ResourceOptions(
        parent=parent,
        # The item as written once is the application's from then on; a refresh reads it back,
        # and the program's values never replace it.
        ignore_changes=["item"],
        # A protected table's data outlives its config: an item taken out of `items` is only
        # forgotten by the stack. Not `protect`, which would fail every `up` that drops an item.
        retain_on_delete=table.protect,
        # The provider refuses to create an item whose key exists, so a replacement (the table
        # renamed, `pulumi up --replace`) must delete the old item first.
        delete_before_replace=True,
    )


def seed(key: str, table: Table, table_resource: aws.dynamodb.Table,
         parent: pulumi.Resource) -> dict[str, aws.dynamodb.TableItem]:
    """The items by resource name; each waits for the table through its name."""
    return {name: aws.dynamodb.TableItem(name, table_name=table_resource.name, hash_key=table.hash_key,
                                         range_key=table.range_key, item=item.json,
                                         opts=item_options(table, parent))
            for item in table.seed_items for name in [item_name(key, item)]}
