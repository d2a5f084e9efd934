"""The floor: the resources `synth` registers for the benchmark estate, registered directly
through pulumi_aws classes under the mock runtime, with no config model or component logic.

`python -m bench.floor N` registers them for N tables and prints how many it registered.
"""

import json
import sys

import pulumi
import pulumi_aws as aws
from pulumi.runtime.stack import wait_for_rpcs
from pulumi.runtime.sync_await import _sync_await

from .workload import ALARM_EMAIL, GSIS, REGION, SCALING

# As components/monitoring/dashboard.py packs this estate (not imported: the floor loads none of
# the program): a table with two GSIs and TTL draws 38 metrics (the TTL deletions included);
# 2,500 per dashboard make 65 tables (the first dashboard also has the account row, 3 metrics,
# which fits beside them). The benchmark refuses to report if the floor and synth register
# different resource counts.
TABLES_PER_DASHBOARD = 65


class _Mocks(pulumi.runtime.Mocks):
    def new_resource(self, args):
        return "", dict(args.inputs)

    def call(self, args):
        return {}


class Counting(pulumi.runtime.mocks.MockMonitor):
    registered = 0

    def RegisterResource(self, request):
        Counting.registered += 1
        return super().RegisterResource(request)


def scaling_pair(name: str, resource_id, scope: str, dimension: str, parent: pulumi.Resource):
    target = aws.appautoscaling.Target(
        f"{name}-{dimension.lower()}-target", service_namespace="dynamodb", resource_id=resource_id,
        scalable_dimension=f"dynamodb:{scope}:{dimension}CapacityUnits",
        min_capacity=SCALING["min"], max_capacity=SCALING["max"], opts=pulumi.ResourceOptions(parent=parent))
    aws.appautoscaling.Policy(
        f"{name}-{dimension.lower()}-policy", name=f"{name}-{dimension.lower()}-scaling",
        policy_type="TargetTrackingScaling", service_namespace="dynamodb", resource_id=target.resource_id,
        scalable_dimension=target.scalable_dimension,
        target_tracking_scaling_policy_configuration={
            "predefined_metric_specification": {"predefined_metric_type": f"DynamoDB{dimension}CapacityUtilization"},
            "target_value": SCALING["targetUtilization"]},
        opts=pulumi.ResourceOptions(parent=parent))


def alarm(name: str, metric: str, dimensions, topic, parent=None, statistic="Sum", queries=None):
    plain = dict(namespace="AWS/DynamoDB", metric_name=metric, dimensions=dimensions, statistic=statistic)
    aws.cloudwatch.MetricAlarm(
        name, name=name, period=60, evaluation_periods=5, datapoints_to_alarm=5, threshold=0,
        comparison_operator="GreaterThanThreshold", treat_missing_data="notBreaching",
        alarm_actions=[topic.arn], ok_actions=[topic.arn], metric_queries=queries,
        **({} if queries else plain), opts=pulumi.ResourceOptions(parent=parent))


def register(tables: int) -> None:
    provider = aws.Provider("aws", region=REGION, default_tags={"tags": {"Project": "koneksi"}})
    with_provider = pulumi.ResourceOptions(provider=provider)
    key = aws.kms.Key("key", enable_key_rotation=True, policy=json.dumps({"Version": "2012-10-17"}),
                      opts=with_provider)
    aws.kms.Alias("key-alias", name="alias/bench", target_key_id=key.key_id, opts=with_provider)
    topic = aws.sns.Topic("alarms", name="alarms", kms_master_key_id=key.arn, opts=with_provider)
    aws.sns.TopicSubscription("alarms-email", topic=topic.arn, protocol="email", endpoint=ALARM_EMAIL,
                              opts=with_provider)
    names = []
    for i in range(tables):
        name = f"koneksi-bench-table{i:04d}"
        component = pulumi.ComponentResource("koneksi:dynamodb:Table", f"table{i:04d}",
                                             opts=pulumi.ResourceOptions(providers=[provider]))
        table = aws.dynamodb.Table(
            f"table{i:04d}-table", name=name, billing_mode="PROVISIONED", hash_key="pk", range_key="sk",
            attributes=[{"name": "pk", "type": "S"}, {"name": "sk", "type": "S"}],
            read_capacity=5, write_capacity=5, stream_enabled=True, stream_view_type="NEW_AND_OLD_IMAGES",
            ttl={"attribute_name": "expiresAt", "enabled": True}, point_in_time_recovery={"enabled": True},
            server_side_encryption={"enabled": True, "kms_key_arn": key.arn},
            opts=pulumi.ResourceOptions(parent=component, ignore_changes=["readCapacity", "writeCapacity"]))
        names.append(table.name)
        for dimension in ("Read", "Write"):
            scaling_pair(f"table{i:04d}", pulumi.Output.concat("table/", table.name), "table", dimension, component)
            alarm(f"{name}-{dimension}-throttles", f"{dimension}ThrottleEvents", {"TableName": table.name}, topic,
                  component)
            alarm(f"{name}-{dimension}-utilization", "", None, topic, component, queries=[
                {"id": "consumed", "metric": {"namespace": "AWS/DynamoDB", "metric_name": f"Consumed{dimension}",
                                              "dimensions": {"TableName": table.name}, "stat": "Sum", "period": 300}},
                {"id": "provisioned", "metric": {"namespace": "AWS/DynamoDB", "metric_name": f"Provisioned{dimension}",
                                                 "dimensions": {"TableName": table.name}, "stat": "Average",
                                                 "period": 300}},
                {"id": "utilization", "expression": "100 * consumed / provisioned", "return_data": True}])
        alarm(f"{name}-system-errors", "", None, topic, component, queries=[
            {"id": "query", "period": 60, "return_data": True, "expression": table.name.apply(
                lambda n: f"SELECT SUM(SystemErrors) FROM SCHEMA(\"AWS/DynamoDB\", Operation, TableName) "
                          f"WHERE TableName = '{n}'")}])
        for operation in ("GetItem", "PutItem", "UpdateItem", "Query"):
            alarm(f"{name}-{operation}-latency", "SuccessfulRequestLatency",
                  {"TableName": table.name, "Operation": operation}, topic, component, statistic="Average")
        previous = None
        for index_name in GSIS:
            index = previous = aws.dynamodb.GlobalSecondaryIndex(
                f"table{i:04d}-{index_name}-index", table_name=table.name, index_name=index_name,
                key_schemas=[{"attribute_name": "customer", "attribute_type": "S", "key_type": "HASH"}],
                projection={"projection_type": "ALL"},
                provisioned_throughput={"read_capacity_units": 5, "write_capacity_units": 5},
                opts=pulumi.ResourceOptions(parent=component, depends_on=[previous] if previous else None))
            for dimension in ("Read", "Write"):
                scaling_pair(f"table{i:04d}-{index_name}", pulumi.Output.format(
                    "table/{0}/index/{1}", index.table_name, index.index_name), "index", dimension, component)
                alarm(f"{name}-{index_name}-{dimension}-throttles", f"{dimension}ThrottleEvents",
                      {"TableName": index.table_name, "GlobalSecondaryIndexName": index.index_name}, topic, component)
    for dimension in ("Read", "Write"):
        alarm(f"account-{dimension}", f"AccountProvisioned{dimension}CapacityUtilization", None, topic,
              statistic="Maximum")
    vault = aws.backup.Vault("backup-vault", name="bench", opts=with_provider)
    role = aws.iam.Role("backup-role", name="bench-backup", opts=with_provider, assume_role_policy=json.dumps({
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "backup.amazonaws.com"},
                                                "Action": "sts:AssumeRole"}]}))
    grants = [aws.iam.RolePolicyAttachment(f"backup-{purpose}", role=role.name, opts=with_provider,
                                           policy_arn=f"arn:aws:iam::aws:policy/service-role/{policy}")
              for purpose, policy in (("backup", "AWSBackupServiceRolePolicyForBackup"),
                                      ("restores", "AWSBackupServiceRolePolicyForRestores"))]
    plan = aws.backup.Plan("backup-plan", name="bench", opts=with_provider, rules=[{
        "rule_name": "daily", "target_vault_name": vault.name, "schedule": "cron(0 5 ? * * *)",
        "lifecycle": {"delete_after": 30}}])
    aws.backup.Selection("backup-selection", name="bench-tables", plan_id=plan.id, iam_role_arn=role.arn,
                         resources=[pulumi.Output.concat("arn:aws:dynamodb:", REGION, ":123456789012:table/", n)
                                    for n in names], opts=pulumi.ResourceOptions(provider=provider, depends_on=grants))
    for page in range(0, len(names), TABLES_PER_DASHBOARD):
        aws.cloudwatch.Dashboard(
            f"dashboard-{page}", dashboard_name=f"bench-{REGION}-{page}", opts=with_provider,
            dashboard_body=pulumi.Output.json_dumps({"widgets": [
                {"type": "metric", "properties": {"title": n, "metrics": [["AWS/DynamoDB", "ReadThrottleEvents",
                                                                          "TableName", n]]}}
                for n in names[page:page + TABLES_PER_DASHBOARD]]}))


def main() -> None:
    mocks = _Mocks()
    pulumi.runtime.set_mocks(mocks, project="koneksi-dynamodb", stack="bench", preview=True,
                             monitor=Counting(mocks))
    register(int(sys.argv[1]))
    _sync_await(wait_for_rpcs())
    print(Counting.registered - 1)  # the root stack is not a resource of the plan


if __name__ == "__main__":
    main()
