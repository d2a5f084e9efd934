"""The limits the config checks (`components/config/limits.py`) equal the shapes they cite in the
pinned botocore, and its partitions and regions match botocore's `partitions.json` and
`endpoints.json` (issue 7, item 5: "where botocore's service models carry a limit, derive the
check from them")."""

import re

import pytest

from components.config import limits
from components.config.limits import KNOWN_REGIONS
from tests.botocore_shapes import LOADER, Untranslatable, java_regex, request_problems, service, shape
from tests.planned_requests import OPERATIONS


def test_table_and_index_names_are_botocores_table_name_and_index_name_shapes():
    # CreateTableInput.TableName is the TableArn shape (a name or an ARN, 1-1024): the name rule
    # is the TableName shape's, which every other operation naming a table by name uses.
    for rule, shape_name in ((limits.TABLE_NAME, "TableName"), (limits.INDEX_NAME, "IndexName")):
        cited = shape("dynamodb", shape_name)
        assert (rule.min_length, rule.max_length, rule.pattern.pattern) == (cited["min"], cited["max"], cited["pattern"])
        theirs = java_regex(cited["pattern"])
        assert [c for c in map(chr, range(128)) if bool(rule.pattern.fullmatch(c)) != bool(theirs.fullmatch(c))] == []


def test_key_attribute_names_projections_recovery_and_tags_are_botocores():
    assert limits.ATTRIBUTE_NAME_MAX == shape("dynamodb", "KeySchemaAttributeName")["max"]
    assert limits.MAX_INCLUDE_PER_INDEX == shape("dynamodb", "NonKeyAttributeNameList")["max"]
    period = shape("dynamodb", "RecoveryPeriodInDays")
    assert limits.RECOVERY_PERIOD_DAYS == (period["min"], period["max"])
    assert limits.TAG_KEY_MAX == shape("dynamodb", "TagKeyString")["max"]
    assert limits.TAG_VALUE_MAX == shape("dynamodb", "TagValueString")["max"]


def test_the_tag_limits_hold_for_every_tagged_service():
    """The provider's default tags reach every taggable resource, not only the tables."""
    for service_name, key, value in (("dynamodb", "TagKeyString", "TagValueString"), ("cloudwatch", "TagKey", "TagValue"),
                                     ("sns", "TagKey", "TagValue"), ("kms", "TagKeyType", "TagValueType"),
                                     ("application-autoscaling", "TagKey", "TagValue")):
        assert shape(service_name, key)["max"] >= limits.TAG_KEY_MAX, service_name
        assert shape(service_name, value)["max"] >= limits.TAG_VALUE_MAX, service_name


def test_tag_characters_are_no_looser_than_botocore():
    """limits.py cites botocore's resourcegroupstaggingapi TagKey pattern for TAG_TEXT, but in the
    pinned botocore that pattern is `[\\s\\S]*` (any text): the character rule is the DynamoDB
    developer guide's ("Tagging restrictions") alone, and stricter than any model."""
    for shape_name in ("TagKey", "TagValue"):
        pattern = shape("resourcegroupstaggingapi", shape_name)["pattern"]
        assert pattern == r"[\s\S]*"
        theirs = java_regex(pattern)
        assert all(theirs.fullmatch(chr(c)) for c in range(0x3000) if limits.TAG_TEXT.fullmatch(chr(c)))


def test_capacity_units_are_botocores_positive_long():
    from components.config.capacity import Units
    bounds = [c.ge for m in Units.__metadata__ for c in getattr(m, "metadata", []) if hasattr(c, "ge")]
    assert bounds == [shape("dynamodb", "PositiveLongObject")["min"]]


def test_alarm_name_and_description_are_botocores():
    name = shape("cloudwatch", "AlarmName")
    assert (limits.ALARM_NAME.min_length, limits.ALARM_NAME.max_length) == (name["min"], name["max"])
    # The model has no pattern for alarm names: refusing control characters is this program's own rule.
    assert "pattern" not in name
    assert limits.ALARM_DESCRIPTION_MAX == shape("cloudwatch", "AlarmDescription")["max"]


def test_names_botocore_carries_no_rule_for_come_from_the_documentation():
    """Dashboard and topic names: limits.py says botocore has no rule, and cites the API references."""
    for service_name, shape_name in (("cloudwatch", "DashboardName"), ("sns", "topicName")):
        assert not {"min", "max", "pattern"} & set(shape(service_name, shape_name)), shape_name


def test_scaling_policy_names_are_botocores_printable_characters():
    cited = shape("application-autoscaling", "PolicyName")
    rule = limits.SCALING_POLICY_NAME
    assert (rule.min_length, rule.max_length, cited["pattern"]) == (cited["min"], cited["max"], r"\p{Print}+")
    # Java's \p{Print} is POSIX printable ASCII, [\x20-\x7E], unless the pattern is compiled with
    # UNICODE_CHARACTER_CLASS; our regex accepts exactly that range. Were AWS to use the Unicode
    # meaning, it would accept more than we do (printable non-ASCII), never less.
    theirs = java_regex(cited["pattern"])
    differ = [c for c in range(0x10000) if bool(rule.pattern.fullmatch(chr(c))) != bool(theirs.fullmatch(chr(c)))]
    assert differ == []
    assert [c for c in range(0x10000) if rule.pattern.fullmatch(chr(c))] == list(range(0x20, 0x7F))
    assert limits.SCALING_RESOURCE_ID_MAX == shape("application-autoscaling", "ResourceIdMaxLen1600")["max"]


def test_kms_aliases_are_within_botocores_alias_name():
    cited = shape("kms", "AliasNameType")
    assert (limits.KMS_ALIAS.min_length, limits.KMS_ALIAS.max_length) == (cited["min"], cited["max"])
    theirs = java_regex(cited["pattern"])
    ours = limits.KMS_ALIAS.pattern
    # Everything our rule accepts, botocore's does. The differences are the KMS developer guide's:
    # a name starts with `alias/`, `alias/aws/` is AWS's, and no `:` (botocore's pattern allows it).
    accepted = [chr(c) for c in range(128) if ours.fullmatch(f"alias/a{chr(c)}")]
    assert accepted and all(theirs.fullmatch(f"alias/a{c}") for c in accepted)
    assert [chr(c) for c in range(128) if theirs.fullmatch(f"alias/a{chr(c)}") and chr(c) not in accepted] == [":"]
    assert not ours.fullmatch("alias/aws/key") and theirs.fullmatch("alias/aws/key")
    assert not ours.fullmatch("key") and theirs.fullmatch("key")


def _partition_regex(botocore_regex: str) -> str:
    """`^(us|eu)\\-\\w+\\-\\d+$` as limits.py writes it: unanchored (it is used with fullmatch), `-` unescaped."""
    return botocore_regex.removeprefix("^").removesuffix("$").replace("\\-", "-")


def test_partitions_are_botocores():
    partitions = LOADER.load_data("partitions")["partitions"]
    ours = {name: pattern.pattern for name, pattern in limits.PARTITIONS}
    assert ours == {p["id"]: _partition_regex(p["regionRegex"]) for p in partitions}
    for partition in partitions:
        for region in partition["regions"]:
            if not region.endswith("-global"):  # aws-global and the like are endpoints, not regions
                assert limits.partition_of(region) == partition["id"], region


def test_every_region_of_endpoints_json_maps_to_its_partition():
    for partition in LOADER.load_data("endpoints")["partitions"]:
        assert _partition_regex(partition["regionRegex"]) == dict(
            (name, p.pattern) for name, p in limits.PARTITIONS)[partition["partition"]]
        for region in partition["regions"]:
            assert limits.partition_of(region) == partition["partition"], region


def test_known_regions_are_the_regions_of_endpoints_json():
    regions = {region for partition in LOADER.load_data("endpoints")["partitions"] for region in partition["regions"]}
    assert set(KNOWN_REGIONS) == regions


def test_every_pattern_the_checked_operations_reach_translates():
    untranslatable = []
    for service_name, operation in OPERATIONS:
        seen: set[str] = set()
        pending = [service(service_name)["operations"][operation]["input"]["shape"]]
        while pending:
            name = pending.pop()
            if name in seen:
                continue
            seen.add(name)
            spec = shape(service_name, name)
            if "pattern" in spec:
                try:
                    java_regex(spec["pattern"])
                except (Untranslatable, re.error) as error:
                    untranslatable.append(f"{service_name} {name}: {error}")
            pending += [m["shape"] for m in spec.get("members", {}).values()]
            pending += [spec[k]["shape"] for k in ("member", "key", "value") if k in spec]
    assert untranslatable == []


def test_the_checker_enforces_what_botocores_validator_does_not():
    """max, pattern and enum: the checks botocore's ParamValidator leaves out."""
    too_long = {"TableName": "t" * 256, "TimeToLiveSpecification": {"AttributeName": "a" * 256, "Enabled": True}}
    assert len(request_problems("dynamodb", "UpdateTimeToLive", too_long)) == 1  # TableArn allows 1024
    assert request_problems("application-autoscaling", "PutScalingPolicy", {
        "PolicyName": "caf\u00e9", "ServiceNamespace": "dynamodb", "ResourceId": "table/t",
        "ScalableDimension": "dynamodb:table:ReadCapacityUnits"}) == [
        "application-autoscaling.PutScalingPolicy.PolicyName: 'café' does not match PolicyName's pattern \\p{Print}+"]
    assert request_problems("dynamodb", "UpdateContributorInsights", {
        "TableName": "tbl", "IndexName": "ix", "ContributorInsightsAction": "ON"}) == [
        "dynamodb.UpdateContributorInsights.IndexName: length 2 is below the model's min 3",
        "dynamodb.UpdateContributorInsights.ContributorInsightsAction: 'ON' is not one of "
        "ContributorInsightsAction's values ['ENABLE', 'DISABLE']"]
    assert java_regex("[\\u0020-\\uD7FF\\uE000-\\uFFFD\\uD800\\uDC00-\\uDBFF\\uDFFF\\r\\n\\t]*").fullmatch("\U0001F600")
    with pytest.raises(Untranslatable):
        java_regex(r"\p{IsAlphabetic}+")


