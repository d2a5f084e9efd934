"""`adopt --from-terraform STATE --stack NAME`: the stack config that takes over a Terraform
module's DynamoDB tables.

It takes the resources of a Terraform state (pipeline/terraform_state.py) and maps each `aws_dynamodb_table`, with the auto-scaling targets and target-tracking
policies of it and its GSIs, to this program's config with `import: true` and the live values
(below the stack's minimums too: an imported table only warns), so that the first `pulumi up`
imports them and creates, replaces or updates none of them. Attribute names are those of
terraform-provider-aws's schemas (`aws_dynamodb_table`, `aws_appautoscaling_target`,
`aws_appautoscaling_policy`). What it cannot map it names, with the reason; what a reviewer
should check before the first `up` it says too.
"""

from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Optional

from components.config.limits import DYNAMODB_TABLE_ARN, RESERVED_TAG_PREFIX, TABLE_NAME
from components.config.stack import MANAGED_BY
from components.config.tags import STANDARD_TAGS

TABLE_TYPE = "aws_dynamodb_table"
TARGET_TYPE, POLICY_TYPE = "aws_appautoscaling_target", "aws_appautoscaling_policy"
ITEM_TYPE = "aws_dynamodb_table_item"
# The module's `project` default (README, configuration reference).
DEFAULT_PROJECT = "koneksi"


@dataclass
class Adoption:
    region: Optional[str] = None
    tables: dict[str, dict] = field(default_factory=dict)
    tags: dict[str, str] = field(default_factory=dict)  # on every adopted table: the stack's `tags`
    notes: list[str] = field(default_factory=list)  # "<address>: what to check before the first up"
    left: list[str] = field(default_factory=list)  # "<address>: why it stays with Terraform"
    # What Terraform must forget once Pulumi has imported the tables: their resources and items.
    handed_over: list[str] = field(default_factory=list)

    def stack_document(self, namespace: str, project: str) -> dict:
        config: dict[str, Any] = {}
        if self.region:
            config["aws:region"] = self.region
        if project != DEFAULT_PROJECT:
            config[f"{namespace}:project"] = project
        if self.tags:
            config[f"{namespace}:tags"] = self.tags
        config[f"{namespace}:tables"] = self.tables
        return {"config": config}


def adopt(resources: list[dict], stack: str, project: str = DEFAULT_PROJECT) -> Adoption:
    adoption = Adoption()
    live = [r for r in resources if not r["deposed"]]
    adoption.left += [f"{r['address']}: a deposed object Terraform is about to destroy" for r in resources
                      if r["deposed"]]
    scaling = _Scaling(live, adoption)
    state_keys = {r["attributes"].get("arn") for r in live if r["type"] == "aws_kms_key"}
    tables = [r for r in live if r["type"] == TABLE_TYPE]
    names = Counter((r["attributes"].get("region") or _region_of(r["attributes"].get("arn")), r["attributes"].get("name"))
                    for r in tables)
    tag_sets, adopted_names = [], set()
    for resource in tables:
        attributes, address = resource["attributes"], resource["address"]
        region = attributes.get("region") or _region_of(attributes.get("arn"))
        why_not = _why_not_adopted(attributes, region, adoption.region, names)
        if why_not:
            adoption.left.append(f"{address}: {why_not}")
            continue
        notes = len(adoption.notes)
        try:
            key, table = _table(resource, stack, project, adoption, state_keys)
            used = scaling.apply(table, attributes)
            tags = _own_tags(attributes, project, stack, adoption)
        except (KeyError, TypeError, ValueError, AttributeError, IndexError) as error:
            del adoption.notes[notes:]  # of a table not adopted
            adoption.left.append(f"{address}: not as terraform-provider-aws writes a table ({_what(error)}), so not "
                                 "adopted")
            continue
        if key in adoption.tables:  # another table's key: this one keeps its physical name explicitly
            key = _unused(attributes["name"], adoption.tables)
            table = {"import": True, "name": attributes["name"], **table}
        adoption.region = region
        adoption.tables[key] = table
        scaling.accounted |= used
        adoption.handed_over.append(address)
        adopted_names.add(attributes["name"])
        tag_sets.append((address, tags))
    adoption.tags = _shared(tag_sets, adoption)
    adoption.handed_over += sorted(scaling.accounted) + [
        r["address"] for r in live if r["type"] == ITEM_TYPE and r["attributes"].get("table_name") in adopted_names]
    adoption.left += [f"{r['address']}: {scaling.why_left.get(r['address']) or _why_left(r)}" for r in live
                      if r["type"] != TABLE_TYPE and r["address"] not in scaling.accounted]
    return adoption


def _why_not_adopted(attributes: dict, region: Optional[str], stack_region: Optional[str], names: Counter) -> str:
    if region is None:
        return "no region or ARN to tell where it is: not adopted"
    if stack_region and region != stack_region:
        return f"in {region}, the stack's other tables in {stack_region}: adopt it into a stack of that region"
    if names[(region, attributes.get("name"))] > 1:
        return (f"{names[(region, attributes.get('name'))]} tables named {attributes.get('name')!r} in {region} (several "
                "accounts in one state?): adopt each from a state of its own account")
    replicas = attributes.get("replica") or []
    if attributes.get("global_table_witness") or any(isinstance(r, dict) and r.get("consistency_mode") == "STRONG"
                                                      for r in replicas):
        return "a global table with multi-Region strong consistency, which this program does not configure"
    return ""


def _what(error: Exception) -> str:
    if isinstance(error, KeyError):
        return f"no {error.args[0]!r}"
    return f"{type(error).__name__}: {error}"[:120]


def _unused(name: str, taken: dict) -> str:
    key, number = name, 1
    while key in taken:
        number += 1
        key = f"{name}-{number}"
    return key


def _region_of(arn: Any) -> Optional[str]:
    match = DYNAMODB_TABLE_ARN.fullmatch(arn) if isinstance(arn, str) else None
    return match["region"] if match else None


def _why_left(resource: dict) -> str:
    if resource["type"] in (TARGET_TYPE, POLICY_TYPE):
        return "scales no table adopted here, or not by target tracking on a DynamoDB utilization metric"
    if resource["type"] == ITEM_TYPE:
        return ("a table item: it stays in the table, which holds its data already (an imported table takes no "
                "seed `items`); remove it from Terraform's state with its table")
    return "not a DynamoDB table or its auto-scaling: it stays with Terraform"


def _table(resource: dict, stack: str, project: str, adoption: Adoption, state_keys: set) -> tuple[str, dict]:
    attributes, address = resource["attributes"], resource["address"]
    name = attributes["name"]
    prefix = f"{project}-{stack}-"
    derived = name.startswith(prefix) and not TABLE_NAME.problem(name[len(prefix):])
    if not name.startswith(prefix) and name.startswith(f"{project}-"):
        adoption.notes.append(f"{address}: {name} does not start with {prefix}: check that it belongs to the {stack} "
                              "stack, not another environment's")
    key = name[len(prefix):] if derived else name
    table: dict[str, Any] = {"import": True} if derived else {"import": True, "name": name}
    table["attributes"] = {a["name"]: a["type"] for a in sorted(attributes.get("attribute") or [],
                                                                 key=lambda a: a["name"])}
    table["hashKey"] = attributes["hash_key"]
    if attributes.get("range_key"):
        table["rangeKey"] = attributes["range_key"]
    table["billingMode"] = attributes.get("billing_mode") or "PROVISIONED"
    on_demand = table["billingMode"] == "PAY_PER_REQUEST"
    if not on_demand:
        table["capacity"] = {}  # filled from the scaling targets, here for the file's reading order
    if on_demand and _on_demand(attributes.get("on_demand_throughput")):
        table["onDemand"] = _on_demand(attributes["on_demand_throughput"])
    indexes = {}
    for gsi in sorted(attributes.get("global_secondary_index") or [], key=lambda g: g["name"]):
        index: dict[str, Any] = {"hashKey": _key(gsi, "HASH", "hash_key")}
        if _key(gsi, "RANGE", "range_key"):
            index["rangeKey"] = _key(gsi, "RANGE", "range_key")
        index["projection"] = _projection(gsi)
        if not on_demand:
            index["capacity"] = {}
        if on_demand and _on_demand(gsi.get("on_demand_throughput")):
            index["onDemand"] = _on_demand(gsi["on_demand_throughput"])
        indexes[gsi["name"]] = index
    if indexes:
        table["globalSecondaryIndexes"] = indexes
    # An LSI's non-key attributes are an ordered list that forces a new table (a GSI's are a set).
    lsis = {lsi["name"]: {"rangeKey": lsi["range_key"], "projection": _projection(lsi, ordered=True)}
            for lsi in sorted(attributes.get("local_secondary_index") or [], key=lambda i: i["name"])}
    if lsis:
        table["localSecondaryIndexes"] = lsis
    if attributes.get("stream_enabled"):
        table["stream"] = attributes["stream_view_type"]
    ttl = (attributes.get("ttl") or [{}])[0]
    if ttl.get("enabled") and ttl.get("attribute_name"):
        table["ttlAttribute"] = ttl["attribute_name"]
    pitr = (attributes.get("point_in_time_recovery") or [{}])[0]
    days = pitr.get("recovery_period_in_days")
    table["pointInTimeRecovery"] = {"recoveryPeriodDays": days} if pitr.get("enabled") and days and days != 35 \
        else bool(pitr.get("enabled"))
    table["deletionProtection"] = bool(attributes.get("deletion_protection_enabled"))
    table["encryption"] = _encryption(attributes.get("server_side_encryption") or [])
    if table["encryption"].startswith("arn:") and table["encryption"] not in state_keys:
        adoption.notes.append(f"{address}: encrypted with {table['encryption']}, a key this state does not manage; "
                              "if it is the AWS managed key alias/aws/dynamodb (Terraform could not tell), write "
                              "`encryption: AWS_MANAGED`")
    if attributes.get("table_class") not in (None, "", "STANDARD"):
        table["tableClass"] = attributes["table_class"]
    replicas = [_replica(replica, table["deletionProtection"], address, adoption)
                for replica in sorted(attributes.get("replica") or [], key=lambda r: r["region_name"])]
    if replicas:
        table["replicas"] = replicas
    return key, table


def _key(index: dict, key_type: str, single: str) -> Any:
    """An index's key attributes: `key_schema` in newer states (multi-attribute keys), else the
    `hash_key` / `range_key` of older ones."""
    schema = [k["attribute_name"] for k in index.get("key_schema") or [] if k.get("key_type") == key_type]
    if schema:
        return schema[0] if len(schema) == 1 else schema
    return index.get(single) or None


def _projection(index: dict, ordered: bool = False) -> Any:
    if index.get("projection_type") == "INCLUDE":
        attributes = list(index.get("non_key_attributes") or [])
        return attributes if ordered else sorted(attributes)
    return index.get("projection_type") or "ALL"


def _on_demand(blocks: Optional[list]) -> Optional[dict]:
    """The request limits; DynamoDB reports -1 (or nothing) for "no limit"."""
    block = (blocks or [{}])[0]
    limits = {"maxReadRequestUnits": block.get("max_read_request_units"),
              "maxWriteRequestUnits": block.get("max_write_request_units")}
    return {k: v for k, v in limits.items() if v and v > 0} or None


def _encryption(blocks: list) -> str:
    """`[]` or disabled: the AWS-owned key. Enabled: the key's ARN, which terraform-provider-aws
    empties for the AWS managed key alias/aws/dynamodb (`clearSSEDefaultKey` in its table.go)."""
    block = blocks[0] if blocks else {}
    if not block.get("enabled"):
        return "AWS_OWNED"
    return block.get("kms_key_arn") or "AWS_MANAGED"


def _replica(replica: dict, deletion_protection: bool, address: str, adoption: Adoption) -> Any:
    entry = {"region": replica["region_name"]}
    if replica.get("deletion_protection_enabled", deletion_protection) != deletion_protection:
        adoption.notes.append(f"{address}: the replica in {entry['region']} has deletion protection "
                              f"{'on' if replica['deletion_protection_enabled'] else 'off'}, the table "
                              f"{'on' if deletion_protection else 'off'}; this program gives replicas the table's, "
                              "so the first `up` changes the replica's")
    if replica.get("kms_key_arn"):
        entry["kmsKeyArn"] = replica["kms_key_arn"]
    entry["pointInTimeRecovery"] = bool(replica.get("point_in_time_recovery"))
    return entry


def _own_tags(attributes: dict, project: str, stack: str, adoption: Adoption) -> dict[str, str]:
    """The table's tags (`tags_all`: provider default tags included) the stack's `tags` may hold.
    The program sets Project, Environment and ManagedBy itself."""
    tags = attributes.get("tags_all") or attributes.get("tags") or {}
    ours = {"Project": project, "Environment": stack, "ManagedBy": MANAGED_BY}
    changed = [f"{k}={tags[k]} becomes {k}={ours[k]}" for k in ours if k in tags and tags[k] != ours[k]]
    if changed:
        adoption.notes.append(f"{attributes['name']}: tag {', '.join(changed)} once `import` is removed")
    return {k: v for k, v in tags.items() if k not in STANDARD_TAGS and not k.lower().startswith(RESERVED_TAG_PREFIX)}


def _shared(tag_sets: list[tuple[str, dict]], adoption: Adoption) -> dict[str, str]:
    """The tags every table carries with the same value become the stack's `tags`; the others
    are named, since the stack's tags are the same on every resource."""
    if not tag_sets:
        return {}
    shared = dict(set.intersection(*(set(tags.items()) for _, tags in tag_sets)))
    for address, tags in tag_sets:
        own = sorted(f"{k}={v}" for k, v in tags.items() if k not in shared)
        if own:
            adoption.notes.append(f"{address}: tag(s) {', '.join(own)} are on this table only; they stay while it is "
                                  "imported and go once `import` is removed (stack `tags` apply to every table)")
    return dict(sorted(shared.items()))


class _Scaling:
    """The state's DynamoDB auto-scaling targets and policies, by (resource id, dimension)."""

    def __init__(self, resources: list[dict], adoption: Adoption):
        def by_target(kind: str) -> dict[tuple, list[dict]]:
            found: dict[tuple, list[dict]] = {}
            for r in resources:
                key = (r["attributes"].get("resource_id"), r["attributes"].get("scalable_dimension"))
                if r["type"] == kind and r["attributes"].get("service_namespace") == "dynamodb" \
                        and all(isinstance(part, str) for part in key):
                    found.setdefault(key, []).append(r)
            return found
        self.targets, self.policies = by_target(TARGET_TYPE), by_target(POLICY_TYPE)
        self.adoption = adoption
        self.accounted: set[str] = set()  # addresses mapped or already explained
        self.why_left: dict[str, str] = {}  # address -> why, where the general reason would mislead

    def apply(self, table: dict, attributes: dict) -> set[str]:
        """Sets the `capacity` of a PROVISIONED table and its GSIs; the addresses it used."""
        used: set[str] = set()
        if table["billingMode"] != "PROVISIONED":
            return used
        resource_id = f"table/{attributes['name']}"
        table["capacity"] = self._capacity(resource_id, "table", attributes, used)
        live_indexes = {gsi["name"]: gsi for gsi in attributes.get("global_secondary_index") or []}
        for index_name, index in table.get("globalSecondaryIndexes", {}).items():
            index["capacity"] = self._capacity(f"{resource_id}/index/{index_name}", "index", live_indexes[index_name],
                                               used)
        return used

    def _capacity(self, resource_id: str, scope: str, live: dict, used: set[str]) -> dict:
        return {side.lower(): self._setting(resource_id, scope, side, live, used) for side in ("Read", "Write")}

    def _setting(self, resource_id: str, scope: str, side: str, live: dict, used: set[str]) -> Any:
        dimension = f"dynamodb:{scope}:{side}CapacityUnits"
        fixed = int(live.get(f"{side.lower()}_capacity") or 0)
        if fixed < 1:
            self.adoption.notes.append(f"{resource_id}: the state holds no {side.lower()} capacity; adopted as 1 unit, "
                                       "check the live table's")
            fixed = 1
        targets = self.targets.get((resource_id, dimension), [])
        if not targets:
            self.adoption.notes.append(
                f"{resource_id}: {dimension} is adopted as fixed capacity ({fixed} units), no auto-scaling target "
                "in this state scales it; if one set up elsewhere does, each `up` resets the capacity: write an "
                "auto-scaling `capacity` instead")
            return fixed
        target = targets[0]
        # This program's policies track the predefined utilization metric and scale in.
        tracking_policies = [(policy, tracking) for policy in self.policies.get((resource_id, dimension), [])
                             for tracking in [_tracking(policy)]
                             if (tracking.get("predefined_metric_specification") or [{}])[0].get(
                                 "predefined_metric_type") == f"DynamoDB{side}CapacityUtilization"
                             and not tracking.get("disable_scale_in")]
        if not tracking_policies:
            self.adoption.notes.append(
                f"{target['address']}: {dimension} of {resource_id} is not scaled by target tracking on "
                f"DynamoDB{side}CapacityUtilization with scale-in, as this program scales; adopted as fixed capacity "
                f"({fixed} units). While that target scales the table, each `up` resets the capacity: delete the "
                "target (`terraform destroy -target`), or write an auto-scaling `capacity` before the first `up`")
            used |= {t["address"] for t in targets} | {p["address"] for p in self.policies.get((resource_id, dimension),
                                                                                                [])}
            return fixed
        (policy, tracking), *others = tracking_policies
        for other, _ in others:
            self.why_left[other["address"]] = (
                f"a second target-tracking policy on {resource_id} {dimension}; this program keeps one "
                f"({policy['attributes']['name']}): delete this one (`terraform destroy -target`) or AWS applies both")
        used |= {target["address"], policy["address"]}
        setting = {"min": int(target["attributes"]["min_capacity"]), "max": int(target["attributes"]["max_capacity"]),
                   "targetUtilization": tracking.get("target_value") or 70,
                   "policyName": policy["attributes"]["name"]}
        for key, name in (("scaleInCooldown", "scale_in_cooldown"), ("scaleOutCooldown", "scale_out_cooldown")):
            if tracking.get(name):
                setting[key] = int(tracking[name])
        return setting


def _tracking(policy: dict) -> dict:
    return (policy["attributes"].get("target_tracking_scaling_policy_configuration") or [{}])[0] or {}
