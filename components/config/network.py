"""`network`: the stack's DynamoDB gateway endpoint, or the policy of an existing one."""

import re
from typing import Annotated, Optional

from pydantic import Field

from ..errors import Problem
from .base import ConfigModel, arn_in_stack, matching, rule

VPC_ID = re.compile(r"vpc-([0-9a-f]{8}|[0-9a-f]{17})")
ROUTE_TABLE_ID = re.compile(r"rtb-([0-9a-f]{8}|[0-9a-f]{17})")
ENDPOINT_ID = re.compile(r"vpce-([0-9a-f]{8}|[0-9a-f]{17})")
# IAM user guide, "IAM identifiers": arn:<partition>:iam::<account>:role/<path><name>, names of
# letters, digits and +=,.@_-, at most 64 characters.
ROLE_ARN = re.compile(r"arn:(?P<partition>aws[a-z-]*):iam::[0-9]{12}:role/([A-Za-z0-9_+=,.@-]+/)*[A-Za-z0-9_+=,.@-]{1,64}")

VpcId = Annotated[str, matching(VPC_ID, "a VPC id", "use the form vpc-0123456789abcdef0")]
RouteTableId = Annotated[str, matching(ROUTE_TABLE_ID, "a route table id", "use the form rtb-0123456789abcdef0")]
EndpointId = Annotated[str, matching(ENDPOINT_ID, "a VPC endpoint id", "use the form vpce-0123456789abcdef0")]
RoleArn = Annotated[str, matching(ROLE_ARN, "an IAM role ARN", "use the form arn:aws:iam::123456789012:role/deployer"),
                    arn_in_stack(ROLE_ARN, "role", same_region=False)]


class Network(ConfigModel):
    """`{vpcId, routeTableIds}`: one gateway endpoint for the stack; or `{endpointId}`: manage the
    policy of an endpoint that already serves those route tables (a route table routes to one
    gateway endpoint per service)."""

    vpc_id: Optional[VpcId] = Field(None, description="the VPC of a new gateway endpoint: `vpc-` and 8 or 17 hex "
                                                      "digits; with routeTableIds, exclusive with endpointId")
    route_table_ids: Optional[list[RouteTableId]] = Field(
        None, min_length=1, description="distinct `rtb-` ids that get the DynamoDB prefix-list route")
    endpoint_id: Optional[EndpointId] = Field(
        None, description="`vpce-` id of an existing DynamoDB gateway endpoint whose policy this stack manages "
                          "instead")
    admin_role_arns: list[RoleArn] = Field(
        [], description="IAM role ARNs that may do every action on the stack's tables through the endpoint (e.g. a "
                        "deploy runner in the VPC)")

    @property
    def manages_endpoint(self) -> bool:
        return self.endpoint_id is None

    @rule("vpc_id", "route_table_ids", "endpoint_id")
    def _one_endpoint(self, context):
        if self.endpoint_id is not None:
            for key, value in (("vpcId", self.vpc_id), ("routeTableIds", self.route_table_ids)):
                if value is not None:
                    yield Problem((key,), f"{key} belongs to a new endpoint, but endpointId names an existing one",
                                  f"remove {key}, or remove endpointId to create an endpoint")
            return
        for key, value in (("vpcId", self.vpc_id), ("routeTableIds", self.route_table_ids)):
            if value is None:
                yield Problem((key,), "required key is missing",
                              f"add {key}, or name an existing endpoint with endpointId instead")

    @rule("route_table_ids")
    def _distinct_route_tables(self, context):
        if self.route_table_ids and len(set(self.route_table_ids)) != len(self.route_table_ids):
            yield Problem(("routeTableIds",), "a route table is listed twice", "list each route table once")

    @rule("admin_role_arns")
    def _distinct_admin_roles(self, context):
        if len(set(self.admin_role_arns)) != len(self.admin_role_arns):
            yield Problem(("adminRoleArns",), "a role is listed twice", "list each role once")
