"""KONEKSI.ENDPOINT: a gateway endpoint policy admits "everyone" (`Principal: *`, the form a
gateway endpoint needs) only narrowed to the account's identities by a condition on
`aws:PrincipalAccount`, `aws:PrincipalArn`, `aws:PrincipalOrgID` or `aws:PrincipalOrgPaths`
(AWS PrivateLink guide, "Control access to VPC endpoints using endpoint policies", "Principals for
gateway endpoints"; the policy this program writes: components/endpoint_policy.py).

The condition must narrow: a positive operator (`StringEquals`, `StringLike`, `ArnEquals`,
`ArnLike`, their `IgnoreCase` and `ForAnyValue:` forms), no `...IfExists` (true when the key is
absent, as for an anonymous request), and no value with a wildcard where the account is (IAM
user guide, "IAM JSON
policy elements: Condition operators"; condition keys are case-insensitive, the same guide,
"Condition element"). An endpoint of this stack is a gateway endpoint unless it says otherwise
(`vpcEndpointType`, the provider's default Gateway); the policy of an existing endpoint
(`network.endpointId`) is read the same way."""

from typing import Iterator

from .control import ResourceControl
from .documents import allows, label, statements, values
from .resources import Resource, known

ENDPOINT = "aws:ec2/vpcEndpoint:VpcEndpoint"
ENDPOINT_POLICY = "aws:ec2/vpcEndpointPolicy:VpcEndpointPolicy"
PRINCIPAL_KEYS = {"aws:principalaccount", "aws:principalarn", "aws:principalorgid", "aws:principalorgpaths"}
NARROWING = {"stringequals", "stringequalsignorecase", "stringlike", "arnequals", "arnlike"}


def _everyone(statement: dict) -> bool:
    principal = statement.get("Principal")
    if isinstance(principal, dict):
        principal = principal.get("AWS")
    return "*" in values(principal)


def _narrowed(statement: dict) -> bool:
    conditions = statement.get("Condition")
    for operator, tests in (conditions.items() if isinstance(conditions, dict) else ()):
        operator = operator.lower().removeprefix("foranyvalue:")
        if operator not in NARROWING or not isinstance(tests, dict):
            continue
        if any(key.lower() in PRINCIPAL_KEYS and all(_narrows(key, value) for value in values(expected))
               for key, expected in tests.items()):
            return True
    return False


def _narrows(key: str, value: object) -> bool:
    """A value that names some accounts, not any: no wildcard where the account is (for a
    principal ARN, its account field, `arn:aws:iam::*:role/x` admitting every account's roles)."""
    if not isinstance(value, str) or not known(value):
        return isinstance(value, str)  # a value the plan cannot show is one the program put there
    if key.lower() == "aws:principalarn":
        parts = value.split(":")
        return len(parts) >= 6 and not any(c in parts[4] for c in "*?") and parts[4] != ""
    return not any(c in value for c in "*?")


def _narrowed_to_the_account(resource: Resource) -> Iterator[str]:
    kind = resource.get("vpcEndpointType", default="Gateway")
    if resource.type == ENDPOINT and known(kind) and kind != "Gateway":
        return
    # Logical names only: the endpoint's id may come from secret config, which pulumi-policy hands
    # over in plain text and a diagnostic would print.
    what = f"endpoint {resource.name}" if resource.type == ENDPOINT else f"endpoint policy {resource.name}"
    if resource.get("policy") is None:
        # Without one, AWS attaches the default policy: full access for any principal (PrivateLink
        # guide, "Endpoint policies": "a default policy that allows full access to the service").
        yield f"{what} has no policy, so AWS gives it one that admits anyone. Fix: give it a policy narrowed to the " \
              "account (components/endpoint_policy.py writes one)"
        return
    for position, statement in enumerate(statements(resource.get("policy")) or []):
        if allows(statement) and _everyone(statement) and not _narrowed(statement):
            yield (f"{what}: {label(statement, position)} admits any principal. Fix: add a condition on "
                   "aws:PrincipalAccount, aws:PrincipalArn or aws:PrincipalOrgID (as components/endpoint_policy.py "
                   "does)")


CONTROLS = (
    ResourceControl(id="KONEKSI.ENDPOINT", title="Gateway endpoint policies admit only the account's principals",
                    source="AWS PrivateLink guide, \"Control access to VPC endpoints using endpoint policies\"",
                    severity="high", types=(ENDPOINT, ENDPOINT_POLICY), check=_narrowed_to_the_account),
)
