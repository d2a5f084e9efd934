"""The policy pack (issue 9, item 5): every control fails what it should and passes what it
should, read as synth reads a plan (`policy.evaluate` over `newState` dicts) and as pulumi-policy
hands it over (`ResourceValidationArgs` / `StackValidationArgs` with unknown-checking proxies);
a violation blocks only in prod and the fedramp tiers; the shipped stacks block nothing they
should not; the pack's `__main__.py` serves every policy, started as Pulumi starts it."""

import json
import runpy
import subprocess
import sys
import threading
from dataclasses import dataclass, field
from typing import Any, Optional

import grpc
import pulumi_policy
import pytest
from google.protobuf import empty_pb2, json_format, struct_pb2
from pulumi.runtime.proto import analyzer_pb2, analyzer_pb2_grpc
from pulumi_policy import (PolicyCustomTimeouts, PolicyProviderResource, PolicyResource, PolicyResourceOptions,
                           ResourceValidationArgs, ResourceValidationPolicy, StackValidationArgs)
from pulumi_policy.proxy import UNKNOWN_STRING_VALUE, unknown_checking_proxy

import policy
from components.endpoint_policy import endpoint_policy
from policy.pack import POLICIES
from tests.conftest import ROOT, USERS, parse, problems, synth_stack

PROJECT_URN = "urn:pulumi:prod::koneksi-dynamodb"
PROVIDER_URN = f"{PROJECT_URN}::pulumi:providers:aws::aws"
TABLE, REPLICA, GSI = ("aws:dynamodb/table:Table", "aws:dynamodb/tableReplica:TableReplica",
                       "aws:dynamodb/globalSecondaryIndex:GlobalSecondaryIndex")
TARGET, SCALING_POLICY = "aws:appautoscaling/target:Target", "aws:appautoscaling/policy:Policy"
SELECTION, VAULT = "aws:backup/selection:Selection", "aws:backup/vault:Vault"
DAX = "aws:dax/cluster:Cluster"
ROLE, ROLE_POLICY, MANAGED_POLICY = "aws:iam/role:Role", "aws:iam/rolePolicy:RolePolicy", "aws:iam/policy:Policy"
ENDPOINT, ENDPOINT_POLICY = "aws:ec2/vpcEndpoint:VpcEndpoint", "aws:ec2/vpcEndpointPolicy:VpcEndpointPolicy"
CONTROL_IDS = {"DynamoDB.1", "DynamoDB.2", "DynamoDB.3", "DynamoDB.4", "DynamoDB.5", "DynamoDB.6", "DynamoDB.7",
               "KONEKSI.KMS", "KONEKSI.IAM", "KONEKSI.ENDPOINT"}


# --- resources as synth's plan holds them ---------------------------------------------------

def provider(environment: str = "prod", tier: Optional[str] = None, default_tags: Any = None) -> dict:
    tags = {"Project": "koneksi", "Environment": environment, "ManagedBy": "pulumi:koneksi-dynamodb",
            **({"Compliance": tier} if tier else {})}
    return {"type": "pulumi:providers:aws", "urn": PROVIDER_URN, "inputs": {
        "region": "ap-southeast-1",
        # pulumi-aws's SDK JSON-encodes it: a string, in the plan as in pulumi-policy.
        "defaultTags": json.dumps({"tags": tags}) if default_tags is None else default_tags}}


def urn(type_: str, name: str) -> str:
    return f"{PROJECT_URN}::{type_}::{name}"


def res(type_: str, logical_name: str, dependencies: tuple = (), /, **inputs: Any) -> dict:
    return {"type": type_, "urn": urn(type_, logical_name), "inputs": inputs, "dependencies": list(dependencies),
            "provider": f"{PROVIDER_URN}::[unknown]"}


def table(name: str = "users", **inputs: Any) -> dict:
    settings = {"name": f"koneksi-prod-{name}", "billingMode": "PAY_PER_REQUEST", "pointInTimeRecovery": {"enabled": True},
                "deletionProtectionEnabled": True, "serverSideEncryption": {"enabled": True, "kmsKeyArn": "[unknown]"}}
    return res(TABLE, f"{name}-table", **{**settings, **inputs})


def scaling(of: dict, dimension: str, index: Optional[str] = None, resource_id: Optional[str] = None,
            policy: bool = True) -> list[dict]:
    """A target (and its policy) as components/scaling.py writes them; `resource_id` "[unknown]"
    is how a real preview may see it."""
    scope = "index" if index else "table"
    table_name = of["inputs"].get("tableName") or of["inputs"]["name"]
    resource_id = resource_id or f"table/{table_name}" + (f"/index/{index}" if index else "")
    keys = {"resourceId": resource_id, "scalableDimension": f"dynamodb:{scope}:{dimension}CapacityUnits",
            "serviceNamespace": "dynamodb"}
    name = f"{of['urn'].rsplit('::', 1)[1]}-{dimension.lower()}"
    target = res(TARGET, f"{name}-target", (of["urn"],), minCapacity=5, maxCapacity=100, **keys)
    return [target, *([res(SCALING_POLICY, f"{name}-policy", (target["urn"],), policyType="TargetTrackingScaling",
                           **keys)] if policy else [])]


def selection(*tables: dict, resources: Any = None) -> dict:
    return res(SELECTION, "koneksi-prod-dynamodb-tables", tuple(t["urn"] for t in tables),
               name="koneksi-prod-dynamodb-tables", planId="[unknown]", iamRoleArn="[unknown]",
               resources=resources or ["[unknown]" for _ in tables])


def document(*statements: dict) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


TABLE_X = "arn:aws:dynamodb:ap-southeast-1:111122223333:table/x"
ADMIT_EVERYONE = {"Effect": "Allow", "Principal": "*", "Action": "dynamodb:GetItem", "Resource": "*"}
PROVISIONED = table(billingMode="PROVISIONED", readCapacity=5, writeCapacity=5)
ENCRYPTED_CACHE = res(DAX, "cache", clusterName="cache", serverSideEncryption={"enabled": True},
                      clusterEndpointEncryptionType="TLS")


@dataclass
class Case:
    control: str
    failing: list[dict]
    passing: list[dict]
    mandatory: bool = True  # the failing case's scope
    provider: dict = field(default_factory=provider)


CASES = [
    Case("DynamoDB.1", [PROVISIONED], [PROVISIONED, *scaling(PROVISIONED, "Read"), *scaling(PROVISIONED, "Write")]),
    Case("DynamoDB.2", [table(pointInTimeRecovery={"enabled": False})], [table()]),
    Case("DynamoDB.3", [res(DAX, "cache", clusterName="cache", serverSideEncryption={"enabled": False},
                            clusterEndpointEncryptionType="TLS")],
         [ENCRYPTED_CACHE]),
    Case("DynamoDB.4", [table()], [table(), selection(table())]),
    # A table with no tag at all has no Environment tag either: never in the mandatory scope.
    Case("DynamoDB.5", [table()], [table(tags={"Team": "data"})], mandatory=False,
         provider=provider(default_tags=json.dumps({"tags": {}}))),
    Case("DynamoDB.6", [table(deletionProtectionEnabled=False)], [table()]),
    Case("DynamoDB.7", [res(DAX, "cache", clusterName="cache", serverSideEncryption={"enabled": True})],
         [ENCRYPTED_CACHE]),
    Case("KONEKSI.KMS", [table(serverSideEncryption={"enabled": True})], [table()],
         provider=provider("staging", "fedramp-high")),
    Case("KONEKSI.IAM", [res(ROLE_POLICY, "app", name="app", role="app", policy=document(
        {"Effect": "Allow", "Action": "*", "Resource": TABLE_X}))],
         [res(ROLE_POLICY, "app", name="app", role="app", policy=document(
             {"Effect": "Allow", "Action": ["dynamodb:GetItem"], "Resource": TABLE_X}))]),
    Case("KONEKSI.ENDPOINT", [res(ENDPOINT, "endpoint", vpcEndpointType="Gateway", policy=document(ADMIT_EVERYONE))],
         [res(ENDPOINT, "endpoint", vpcEndpointType="Gateway", policy=json.dumps(endpoint_policy(
             "111122223333", {TABLE_X: []},
             ["arn:aws:iam::111122223333:role/deployer"])))]),
]
IDS = [case.control for case in CASES]


def violations(states: list[dict], control: str, provider_state: Optional[dict] = None) -> list[policy.Violation]:
    return [v for v in policy.evaluate([provider_state or provider(), *states]) if v.control == control]


# --- the same resources as pulumi-policy hands them over --------------------------------------

def as_engine_sends(value: Any) -> Any:
    """`[unknown]` as the engine sends it: pulumi-policy's sentinel, behind its proxy."""
    if isinstance(value, dict):
        return {k: as_engine_sends(v) for k, v in value.items()}
    if isinstance(value, list):
        return [as_engine_sends(v) for v in value]
    return UNKNOWN_STRING_VALUE if value == "[unknown]" else value


def _options() -> PolicyResourceOptions:
    return PolicyResourceOptions(False, [], None, [], PolicyCustomTimeouts(0, 0, 0), [])


def _provider(state: dict) -> PolicyProviderResource:
    props = unknown_checking_proxy(as_engine_sends(state["inputs"]))
    return PolicyProviderResource(state["type"], props, state["urn"], "aws")


def resource_args(states: list[dict], provider_state: dict) -> list[ResourceValidationArgs]:
    return [ResourceValidationArgs(s["type"], unknown_checking_proxy(as_engine_sends(s["inputs"])), s["urn"],
                                   s["urn"].rsplit("::", 1)[1], _options(), _provider(provider_state))
            for s in states]


def stack_args(states: list[dict], provider_state: dict) -> StackValidationArgs:
    everything = [provider_state, *states]
    resources = {s["urn"]: PolicyResource(s["type"], unknown_checking_proxy(as_engine_sends(s["inputs"])), s["urn"],
                                          s["urn"].rsplit("::", 1)[1], _options(),
                                          None if s is provider_state else _provider(provider_state), None, [], {})
                 for s in everything}
    for s in everything:
        resources[s["urn"]].dependencies.extend(resources[d] for d in s.get("dependencies", []))
    return StackValidationArgs(list(resources.values()))


def reported(policy_name: str, states: list[dict], provider_state: dict) -> list[str]:
    """What one pulumi-policy policy reports, collected (no assertion runs in the callback)."""
    found: list[str] = []
    pack_policy = next(p for p in POLICIES if p.name == policy_name)
    report = lambda message, urn=None: found.append(message)  # noqa: E731
    if isinstance(pack_policy, ResourceValidationPolicy):
        for args in resource_args(states, provider_state):
            pack_policy.validate(args, report)
    else:
        pack_policy.validate(stack_args(states, provider_state), report)
    return found


def policy_names(control: str) -> tuple[str, str]:
    base = control.lower().replace(".", "-")
    return f"{base}-mandatory", f"{base}-advisory"


# --- every control: a failing and a passing case, both ways -----------------------------------

def test_the_cases_cover_every_control():
    assert set(IDS) == {control.id for control in policy.CONTROLS} == CONTROL_IDS


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_evaluate_reports_the_failing_case_only(case):
    found = violations(case.failing, case.control, case.provider)
    assert len(found) == 1 and found[0].message.startswith(f"{case.control}: ") and "Fix: " in found[0].message
    assert found[0].mandatory is case.mandatory
    assert violations(case.passing, case.control, case.provider) == []


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_pulumi_policy_reports_the_failing_case_in_its_scope_only(case):
    mandatory, advisory = policy_names(case.control)
    blocking, advising = reported(mandatory, case.failing, case.provider), reported(advisory, case.failing, case.provider)
    expected = [v.message for v in violations(case.failing, case.control, case.provider)]
    assert (blocking, advising) == ((expected, []) if case.mandatory else ([], expected))
    assert reported(mandatory, case.passing, case.provider) == reported(advisory, case.passing, case.provider) == []


# --- scope: what blocks ------------------------------------------------------------------------

UNPROTECTED = [table(deletionProtectionEnabled=False)]


def test_outside_prod_a_violation_is_advice():
    staging = provider("staging")
    assert [v.mandatory for v in violations(UNPROTECTED, "DynamoDB.6", staging)] == [False]
    assert reported("dynamodb-6-mandatory", UNPROTECTED, staging) == []
    assert len(reported("dynamodb-6-advisory", UNPROTECTED, staging)) == 1


@pytest.mark.parametrize("tier", ["fedramp-moderate", "fedramp-high"])
def test_a_fedramp_tier_blocks_in_any_environment(tier):
    assert [v.mandatory for v in violations(UNPROTECTED, "DynamoDB.6", provider("staging", tier))] == [True]


def test_tags_the_plan_cannot_show_are_treated_as_prod():
    """synth shows a secret `tags` key's default tags as `[secret]`: the strict scope, said so."""
    [found] = violations(UNPROTECTED, "DynamoDB.6", provider(default_tags="[secret]"))
    assert found.mandatory and "cannot be read" in found.message


def test_the_fedramp_tiers_tag_their_resources_with_the_tier():
    assert parse({"users": USERS}, compliance="fedramp-moderate").default_tags()["Compliance"] == "fedramp-moderate"
    assert "Compliance" not in parse({"users": USERS}).default_tags()


def test_no_stack_can_claim_a_tier_by_tag():
    [problem] = problems({"users": USERS}, tags={"Compliance": "fedramp-high"})
    assert problem.path == ("tags", "Compliance") and "set by the program" in problem.reason


# --- what each control accepts and refuses -----------------------------------------------------

def test_an_on_demand_table_scales_with_demand():
    assert violations([table(billingMode="PAY_PER_REQUEST")], "DynamoDB.1") == []


def test_a_gsi_with_fixed_capacity_fails_dynamodb_1():
    gsi = res(GSI, "users-byEmail-index", (PROVISIONED["urn"],), tableName="koneksi-prod-users", indexName="byEmail",
              provisionedThroughput={"readCapacityUnits": 10, "writeCapacityUnits": 5})
    scaled = [PROVISIONED, *scaling(PROVISIONED, "Read"), *scaling(PROVISIONED, "Write")]
    [found] = violations([*scaled, gsi], "DynamoDB.1")
    assert "index byEmail read, index byEmail write" in found.message
    assert violations([*scaled, gsi, *scaling(gsi, "Read", "byEmail"), *scaling(gsi, "Write", "byEmail")],
                      "DynamoDB.1") == []


def test_a_scaling_target_without_a_policy_does_not_scale():
    [found] = violations([PROVISIONED, *scaling(PROVISIONED, "Read", policy=False), *scaling(PROVISIONED, "Write")],
                         "DynamoDB.1")
    assert "table read" in found.message and "table write" not in found.message


def test_targets_whose_resource_id_a_preview_cannot_know_are_matched_by_reference():
    unknown = [r for d in ("Read", "Write") for r in scaling(PROVISIONED, d, resource_id="[unknown]")]
    assert violations([PROVISIONED, *unknown], "DynamoDB.1") == []
    assert reported("dynamodb-1-mandatory", [PROVISIONED, *unknown], provider()) == []


def test_a_backup_selection_covers_a_table_by_reference_or_by_arn():
    users = table()
    by_arn = res(SELECTION, "by-arn", resources=["arn:aws:dynamodb:*:*:table/koneksi-prod-*"])
    assert violations([users, selection(users)], "DynamoDB.4") == []
    assert violations([users, by_arn], "DynamoDB.4") == []
    assert len(violations([users, res(SELECTION, "other", resources=["arn:aws:dynamodb:*:*:table/other"])],
                          "DynamoDB.4")) == 1


def test_a_replica_in_another_region_needs_a_backup_plan_there():
    users = table()
    replica = res(REPLICA, "users-replica-us-west-2", (users["urn"],), region="us-west-2", globalTableArn="[unknown]",
                  pointInTimeRecovery=True, deletionProtectionEnabled=True, kmsKeyArn="[unknown]")
    everywhere = res(SELECTION, "everywhere", resources=["arn:aws:dynamodb:*:*:table/*"])
    [found] = violations([users, replica, selection(users), everywhere], "DynamoDB.4")
    assert found.urn == replica["urn"] and "in us-west-2" in found.message


def test_replicas_are_tables_for_point_in_time_recovery_and_deletion_protection():
    replica = res(REPLICA, "users-replica-us-west-2", region="us-west-2", pointInTimeRecovery=False,
                  deletionProtectionEnabled=False)
    assert len(violations([replica], "DynamoDB.2")) == len(violations([replica], "DynamoDB.6")) == 1


def test_system_tags_alone_do_not_tag_a_table():
    untagged = provider(default_tags=json.dumps({"tags": {}}))
    assert len(violations([table(tags={"aws:cloudformation:stack-name": "x"})], "DynamoDB.5", untagged)) == 1
    assert violations([table(tags={"Team": "data"})], "DynamoDB.5", untagged) == []


def test_a_customer_key_is_required_only_where_the_tier_requires_one():
    aws_managed = [table(serverSideEncryption={"enabled": True}),
                   res(VAULT, "koneksi-prod-dynamodb", name="koneksi-prod-dynamodb")]
    assert violations(aws_managed, "KONEKSI.KMS", provider("prod")) == []
    assert len(violations(aws_managed, "KONEKSI.KMS", provider("prod", "fedramp-moderate"))) == 2
    aws_owned = table(serverSideEncryption={"enabled": False})
    named_alias = table(serverSideEncryption={
        "enabled": True, "kmsKeyArn": "arn:aws:kms:ap-southeast-1:111122223333:alias/aws/dynamodb"})
    assert len(violations([aws_owned, named_alias], "KONEKSI.KMS", provider("prod", "fedramp-high"))) == 2


def test_dax_is_exempt_from_the_customer_key():
    assert policy.evaluate([provider("prod", "fedramp-high"), ENCRYPTED_CACHE]) == []


def test_iam_wildcards_and_their_exceptions():
    def role_policy(*statements):
        return res(ROLE_POLICY, "app", name="app", role="app", policy=document(*statements))
    list_tables = {"Effect": "Allow", "Action": ["dynamodb:ListTables"], "Resource": "*"}
    deny_all = {"Effect": "Deny", "Action": "*", "Resource": "*"}
    not_action = {"Effect": "Allow", "NotAction": "iam:*", "Resource": "arn:aws:dynamodb:ap-southeast-1:1:table/x"}
    get_anything = {"Sid": "GetAnything", "Effect": "Allow", "Action": "dynamodb:GetItem", "Resource": "*"}
    assert violations([role_policy(list_tables, deny_all)], "KONEKSI.IAM") == []
    found = violations([role_policy(not_action, get_anything)], "KONEKSI.IAM")
    assert ["every action" in v.message for v in found] == [True, False] and "'GetAnything'" in found[1].message


def test_iam_reads_managed_and_inline_policies_but_not_trust_or_attachments():
    wildcard = document({"Effect": "Allow", "Action": "*", "Resource": "*"})
    role = res(ROLE, "app", name="app", assumeRolePolicy=wildcard, inlinePolicies=[{"name": "inline", "policy": wildcard}])
    managed = res(MANAGED_POLICY, "admin", name="admin", policy=wildcard)
    attachment = res("aws:iam/rolePolicyAttachment:RolePolicyAttachment", "admin-attachment", role="app",
                     policyArn="arn:aws:iam::aws:policy/AdministratorAccess")
    found = violations([role, managed, attachment], "KONEKSI.IAM")
    assert [v.urn for v in found] == [role["urn"]] * 2 + [managed["urn"]] * 2
    assert "inline policy inline" in found[0].message


@pytest.mark.parametrize("condition", [
    None,
    {"StringEqualsIfExists": {"aws:PrincipalAccount": "111122223333"}},  # true for an anonymous request
    {"StringNotEquals": {"aws:PrincipalAccount": "111122223333"}},
    {"StringLike": {"aws:PrincipalArn": "*"}},
    {"StringEquals": {"aws:SourceVpc": "vpc-0123"}},  # narrows the network, not the principal
    {"StringLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/*"}},  # every account's roles
    {"StringLike": {"aws:PrincipalAccount": ["111122223333", "1*"]}},  # one value admits many accounts
])
def test_an_endpoint_policy_admitting_everyone_must_narrow_the_principal(condition):
    statement = {**ADMIT_EVERYONE, **({"Condition": condition} if condition else {})}
    existing = res(ENDPOINT_POLICY, "endpoint-policy", vpcEndpointId="vpce-0123", policy=document(statement))
    assert len(violations([existing], "KONEKSI.ENDPOINT")) == 1


def test_endpoint_conditions_that_narrow_and_endpoints_not_read():
    org = {**ADMIT_EVERYONE, "Principal": {"AWS": "*"}, "Condition": {"StringEquals": {"aws:principalorgid": "o-abc"}}}
    interface = res(ENDPOINT, "interface", vpcEndpointType="Interface", policy=document(ADMIT_EVERYONE))
    unknown = res(ENDPOINT, "unknown", vpcEndpointType="Gateway", policy="[unknown]")
    assert violations([res(ENDPOINT, "gateway", policy=document(org)), interface, unknown], "KONEKSI.ENDPOINT") == []


def test_a_gateway_endpoint_without_a_policy_admits_anyone():
    """AWS then attaches its default full-access policy (PrivateLink guide, "Endpoint policies")."""
    found = violations([res(ENDPOINT, "gateway", vpcEndpointType="Gateway")], "KONEKSI.ENDPOINT")
    assert len(found) == 1 and "has no policy" in found[0].message


@pytest.mark.parametrize("statement, wildcard", [
    ({"Effect": "Allow", "Action": "dynamodb:*", "Resource": "arn:aws:dynamodb:ap-southeast-1:1:table/x"}, "action"),
    ({"Effect": "Allow", "Action": "dynamodb:GetItem", "Resource": "arn:aws:dynamodb:*:*:table/x"}, "resource"),
    ({"Effect": "Allow", "Action": "dynamodb:GetItem", "Resource": "arn:aws:dynamodb:ap-southeast-1:1:table/*"},
     "resource"),
    ({"Effect": "Allow", "Action": "dynamodb:GetItem", "Resource": "arn:aws:dynamodb:ap-southeast-1:1:table/koneksi-*"},
     "resource"),
    ({"Effect": "Allow", "Action": "dynamodb:GetRecords",
      "Resource": "arn:aws:dynamodb:ap-southeast-1:1:table/x/stream/*"}, None),  # one table's streams
    ({"Effect": "Allow", "Action": "dynamodb:ListStreams", "Resource": "*"}, None),  # no resource type
])
def test_iam_wildcards_in_services_arns_and_table_names(statement, wildcard):
    found = violations([res(MANAGED_POLICY, "p", name="p", policy=document(statement))], "KONEKSI.IAM")
    assert [("every action" in v.message and "action") or "resource" for v in found] == ([wildcard] if wildcard else [])


# --- the shipped stacks -----------------------------------------------------------------------

def mandatory_violations(stack: str, example: Optional[str] = None) -> set[tuple[str, str]]:
    plan = synth_stack(stack, ROOT / "examples" / f"{example}.yaml" if example else None)
    return {(v.control, v.urn.rsplit("::", 1)[1]) for v in policy.evaluate(plan.resources()) if v.mandatory}


@pytest.mark.parametrize("stack", ["prod", "staging", "uat"])
def test_the_shipped_stacks_have_no_mandatory_violation(stack):
    assert mandatory_violations(stack) == set()


@pytest.mark.parametrize("example", sorted(p.stem for p in (ROOT / "examples").glob("*.yaml")))
def test_the_examples_have_no_mandatory_violation(example):
    assert mandatory_violations("staging", example) == set()


# --- the pack ---------------------------------------------------------------------------------

def test_the_packs_main_assembles_every_policy(monkeypatch):
    """Runs `policy/__main__.py` as Pulumi does (`runpy.run_path`), with `PolicyPack` recorded
    instead of serving."""
    built = {}
    monkeypatch.setattr(pulumi_policy, "PolicyPack", lambda name, policies, **_: built.update(name=name, policies=policies))
    monkeypatch.setattr(sys, "path", list(sys.path))
    runpy.run_path(str(ROOT / "policy"), run_name="__main__")
    names = [p.name for p in built["policies"]]
    assert built["name"] == "koneksi-dynamodb" and len(names) == len(set(names)) == 2 * len(CONTROL_IDS)
    assert set(names) == {name for control in CONTROL_IDS for name in policy_names(control)}
    assert {p.enforcement_level.value for p in built["policies"] if p.name.endswith("-mandatory")} == {"mandatory"}
    assert {p.enforcement_level.value for p in built["policies"] if p.name.endswith("-advisory")} == {"advisory"}


def _struct(value: dict) -> struct_pb2.Struct:
    return json_format.ParseDict(as_engine_sends(value), struct_pb2.Struct())


def test_the_pack_serves_its_policies_as_pulumi_starts_it():
    """`pulumi-analyzer-policy-python` runs `python -u -m pulumi.policy <engine> .` inside the pack
    directory with the `virtualenv` of PulumiPolicy.yaml: the imports must work from there."""
    pack = subprocess.Popen([sys.executable, "-u", "-m", "pulumi.policy", "127.0.0.1:0", "."], cwd=ROOT / "policy",
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    watchdog = threading.Timer(60, pack.kill)  # a pack that never prints its port must not hang the suite
    watchdog.start()
    try:
        port = pack.stdout.readline().strip()
        assert port.isdigit(), pack.stderr.read() if pack.poll() is not None else port
        analyzer = analyzer_pb2_grpc.AnalyzerStub(grpc.insecure_channel(f"127.0.0.1:{port}"))
        info = analyzer.GetAnalyzerInfo(empty_pb2.Empty(), timeout=30)
        state, prov = table(pointInTimeRecovery={"enabled": False}), provider()
        response = analyzer.Analyze(analyzer_pb2.AnalyzeRequest(
            type=state["type"], urn=state["urn"], name="users-table", properties=_struct(state["inputs"]),
            provider=analyzer_pb2.AnalyzerProviderResource(type=prov["type"], urn=prov["urn"], name="aws",
                                                           properties=_struct(prov["inputs"]))), timeout=30)
    finally:
        watchdog.cancel()
        pack.kill()
        pack.wait()
        pack.stdout.close()
        pack.stderr.close()
    assert {p.name for p in info.policies} == {p.name for p in POLICIES}
    assert [(d.policyName, d.enforcementLevel) for d in response.diagnostics] == [
        ("dynamodb-2-mandatory", analyzer_pb2.MANDATORY)]
    assert "DynamoDB.2: table koneksi-prod-users has point-in-time recovery off" in response.diagnostics[0].message
