"""`dax`: one DynamoDB Accelerator cluster in front of some of the stack's tables, as a component:
the role DAX assumes with access to exactly those tables, the subnet and parameter groups, the
cluster, and its alarms.

The cluster is encrypted at rest, with DAX's single service default key (an AWS managed key: DAX
takes no customer key, so the tiers' customer-key rule exempts it), and serves only TLS (port
9111). Both are fixed when a cluster is created ("You cannot enable or disable encryption at rest
after a cluster has been created"; "Encryption in transit cannot be enabled on an existing DAX
cluster": DynamoDB developer guide), so neither is a setting.

Nothing here is protected: a cache holds no data of record, and a cluster that goes is rebuilt from
the tables. Its name is fixed (DAX has no generated names), so a change that replaces it (node
type, name, subnet group, role) deletes the old cluster before creating the new one, which is
downtime for its clients either way."""

import json
from typing import Mapping, Optional

import pulumi
import pulumi_aws as aws

from .config.dax import Dax
from .context import StackContext
from .dax_policy import dax_role_document, dax_trust_document
from .monitoring.alarms import create_alarm
from .monitoring.catalogue import WatchedCluster, cluster_alarms
from .table import TableArns

COMPONENT_TYPE = "koneksi:dynamodb:Dax"
NAME = "dax"
# UpdateParameterGroup: "record-ttl-millis and query-ttl-millis are the only supported parameter names".
QUERY_TTL, RECORD_TTL = "query-ttl-millis", "record-ttl-millis"
TLS = "TLS"


class DaxCluster(pulumi.ComponentResource):
    """`dax` of the stack config. `tables` are the ARNs each table component hands out
    (`DynamoTable.arns`), by table key."""

    def __init__(self, ctx: StackContext, dax: Dax, tables: Mapping[str, TableArns],
                 opts: Optional[pulumi.ResourceOptions] = None):
        super().__init__(COMPONENT_TYPE, NAME, None,
                         pulumi.ResourceOptions.merge(pulumi.ResourceOptions(providers=[ctx.provider]), opts))
        cluster_name = ctx.config.dax_cluster_name
        child = pulumi.ResourceOptions(parent=self)
        # A fixed name: the new one cannot be created beside the old.
        replaced_after_deletion = pulumi.ResourceOptions(parent=self, delete_before_replace=True)

        self.role = aws.iam.Role(
            f"{NAME}-role", name=ctx.names.dax_role, assume_role_policy=json.dumps(dax_trust_document()),
            description=f"Assumed by the DAX cluster {cluster_name} to read and write the tables it caches",
            opts=child)
        cached = [tables[key] for key in dax.tables]
        arns = pulumi.Output.all(pulumi.Output.all(*(table.table for table in cached)),
                                 pulumi.Output.all(*(arn for table in cached for arn in table.indexes.values())))
        self.role_policy = aws.iam.RolePolicy(
            f"{NAME}-role-tables", name="cached-tables", role=self.role.id,
            policy=arns.apply(lambda found: json.dumps(dax_role_document(*found))), opts=child)
        subnet_group = aws.dax.SubnetGroup(
            f"{NAME}-subnets", name=cluster_name, subnet_ids=dax.subnet_ids,
            description=f"Subnets of the DAX cluster {cluster_name}", opts=replaced_after_deletion)
        parameter_group = aws.dax.ParameterGroup(
            f"{NAME}-parameters", name=cluster_name,
            # Replaces the group when it changes (terraform-provider-aws, dax/parameter_group.go): fixed.
            description=f"Cache TTLs of the DAX cluster {cluster_name}",
            parameters=[aws.dax.ParameterGroupParameterArgs(name=name, value=str(millis)) for name, millis in (
                (QUERY_TTL, dax.parameter_group.query_ttl_millis),
                (RECORD_TTL, dax.parameter_group.record_ttl_millis))],
            opts=replaced_after_deletion)
        self.cluster = aws.dax.Cluster(
            f"{NAME}-cluster",
            cluster_name=cluster_name,
            description=f"DAX in front of the DynamoDB tables {', '.join(dax.tables)} of {ctx.names.prefix}",
            node_type=dax.node_type,
            replication_factor=dax.replication_factor,
            iam_role_arn=self.role.arn,
            subnet_group_name=subnet_group.name,
            security_group_ids=dax.security_group_ids,
            parameter_group_name=parameter_group.name,
            server_side_encryption=aws.dax.ClusterServerSideEncryptionArgs(enabled=True),
            cluster_endpoint_encryption_type=TLS,
            # The role can read the tables by the time DAX first assumes it.
            opts=pulumi.ResourceOptions.merge(replaced_after_deletion,
                                              pulumi.ResourceOptions(depends_on=[self.role_policy])),
        )

        self.watched = WatchedCluster(cluster_name, self.cluster.cluster_name)
        self.alarms = {spec.key: create_alarm(ctx, spec, dax.alarms, parent=self)
                       for spec in cluster_alarms(self.watched, ctx.config.alarm_level)}
        self.outputs = {
            "clusterName": self.cluster.cluster_name,
            "arn": self.cluster.arn,
            "clusterAddress": self.cluster.cluster_address,
            "configurationEndpoint": self.cluster.configuration_endpoint,
            "port": self.cluster.port,
            "roleArn": self.role.arn,
        }
        self.register_outputs(self.outputs)
