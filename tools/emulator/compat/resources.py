"""Resource types moto's CloudFormation skips (CREATE_COMPLETE with nothing behind it).

Each model creates the resource through the service's own moto backend, so the service API
(``describe_*``, ``get_*``) sees it exactly as if it had been created by an API call.
"""

from __future__ import annotations

import contextlib
import json
from typing import Any, ClassVar

from moto.core.common_models import CloudFormationModel

from ._util import as_bool, camel, physical_id, register_models, tag_list


class _Declared:
    """Mixin of a resource type this layer adds to moto's CloudFormation.

    Subclasses name their CloudFormation type (``CFN_TYPE``), the property that names the
    resource (``NAME_TYPE``, empty when it has none) and the attribute that holds the physical
    id (``PHYSICAL_ID``); moto reads them through the methods below. A mixin, not a base
    class: moto finds models among ``CloudFormationModel.__subclasses__()``, which lists only
    direct subclasses.
    """

    CFN_TYPE: ClassVar[str]
    NAME_TYPE: ClassVar[str] = ""
    PHYSICAL_ID: ClassVar[str]

    @property
    def physical_resource_id(self) -> str:
        return str(getattr(self, self.PHYSICAL_ID))

    @classmethod
    def cloudformation_name_type(cls) -> str:
        return cls.NAME_TYPE

    @classmethod
    def cloudformation_type(cls) -> str:
        return cls.CFN_TYPE


# --------------------------------------------------------------------------- Secrets Manager
def _generate_secret_string(backend: Any, spec: dict[str, Any]) -> str:
    password = backend.get_random_password(
        password_length=int(spec.get("PasswordLength", 32)),
        exclude_characters=spec.get("ExcludeCharacters", ""),
        exclude_numbers=as_bool(spec.get("ExcludeNumbers")),
        exclude_punctuation=as_bool(spec.get("ExcludePunctuation")),
        exclude_uppercase=as_bool(spec.get("ExcludeUppercase")),
        exclude_lowercase=as_bool(spec.get("ExcludeLowercase")),
        include_space=as_bool(spec.get("IncludeSpace")),
        require_each_included_type=as_bool(spec.get("RequireEachIncludedType"), True),
    )
    if isinstance(password, str) and password.startswith("{"):  # moto returns the API's JSON
        password = json.loads(password)
    if isinstance(password, dict):
        password = password["RandomPassword"]
    template = spec.get("SecretStringTemplate")
    key = spec.get("GenerateStringKey")
    if template and key:
        document = json.loads(template)
        document[key] = password
        return json.dumps(document)
    return str(password)


class SecretsManagerSecret(_Declared, CloudFormationModel):
    """``AWS::SecretsManager::Secret``: created, generated string, replica regions."""

    CFN_TYPE = "AWS::SecretsManager::Secret"
    NAME_TYPE = "Name"
    PHYSICAL_ID = "arn"

    def __init__(self, arn: str, name: str, account_id: str, region_name: str) -> None:
        self.arn = arn
        self.name = name
        self.account_id = account_id
        self.region_name = region_name

    @classmethod
    def has_cfn_attr(cls, attr: str) -> bool:
        return attr in ("Id",)

    def get_cfn_attribute(self, attribute_name: str) -> Any:
        if attribute_name == "Id":
            return self.arn
        from moto.cloudformation.exceptions import UnformattedGetAttTemplateException

        raise UnformattedGetAttTemplateException()

    @classmethod
    def create_from_cloudformation_json(  # type: ignore[misc]
        cls,
        resource_name: str,
        cloudformation_json: Any,
        account_id: str,
        region_name: str,
        **kwargs: Any,
    ) -> SecretsManagerSecret:
        from moto.secretsmanager.models import secretsmanager_backends

        props = cloudformation_json["Properties"]
        backend = secretsmanager_backends[account_id][region_name]
        secret_string = props.get("SecretString")
        if secret_string is None:
            secret_string = _generate_secret_string(
                backend, props.get("GenerateSecretString") or {}
            )
        replicas = [
            {
                k: v
                for k, v in {
                    "Region": r["Region"],
                    "KmsKeyId": physical_id(r.get("KmsKeyId")),
                }.items()
                if v
            }
            for r in props.get("ReplicaRegions") or []
        ]
        result = backend.create_secret(
            name=resource_name,
            secret_string=secret_string,
            secret_binary=None,
            description=props.get("Description"),
            tags=tag_list(props.get("Tags")) or None,
            kms_key_id=physical_id(props.get("KmsKeyId")),
            client_request_token=None,
            replica_regions=replicas,
            force_overwrite=False,
        )
        arn = json.loads(result)["ARN"] if isinstance(result, str) else result["ARN"]
        return cls(arn, resource_name, account_id, region_name)

    @classmethod
    def update_from_cloudformation_json(  # type: ignore[misc]
        cls,
        original_resource: Any,
        new_resource_name: str,
        cloudformation_json: Any,
        account_id: str,
        region_name: str,
    ) -> SecretsManagerSecret:
        return original_resource  # type: ignore[no-any-return]  # keep the value, like CFN

    def delete(self, account_id: str, region_name: str) -> None:
        from moto.secretsmanager.models import secretsmanager_backends

        backend = secretsmanager_backends[account_id][region_name]
        secret = backend.secrets.get(self.arn) or backend.secrets.get(self.name)
        if secret is None:
            return
        replicas = [r.region for r in getattr(secret, "replicas", [])]
        if replicas:
            backend.remove_regions_from_replication(self.arn, replicas)
        backend.delete_secret(self.arn, None, True)


class SecretTargetAttachment(_Declared, CloudFormationModel):
    """``AWS::SecretsManager::SecretTargetAttachment``: adds host/port/engine to the secret."""

    CFN_TYPE = "AWS::SecretsManager::SecretTargetAttachment"
    NAME_TYPE = ""
    PHYSICAL_ID = "secret_arn"

    def __init__(self, secret_arn: str) -> None:
        self.secret_arn = secret_arn

    @classmethod
    def create_from_cloudformation_json(  # type: ignore[misc]
        cls,
        resource_name: str,
        cloudformation_json: Any,
        account_id: str,
        region_name: str,
        **kwargs: Any,
    ) -> SecretTargetAttachment:
        from moto.rds.models import rds_backends
        from moto.secretsmanager.models import secretsmanager_backends

        props = cloudformation_json["Properties"]
        secret_id = physical_id(props["SecretId"])
        target_id = physical_id(props["TargetId"])
        target_type = props["TargetType"]
        backend = secretsmanager_backends[account_id][region_name]
        current = backend.get_secret_value(secret_id, None, None)
        document = json.loads(
            current["SecretString"] if isinstance(current, dict) else current.secret_string
        )
        if target_type == "AWS::RDS::DBInstance":
            db = rds_backends[account_id][region_name].describe_db_instances(target_id)[0]
            document.update(
                {
                    "engine": db.engine,
                    "host": db.address,
                    "port": db.port,
                    "dbInstanceIdentifier": db.db_instance_identifier,
                }
            )
            if getattr(db, "db_name", None):
                document.setdefault("dbname", db.db_name)
        else:
            document.update({"targetId": target_id, "targetType": target_type})
        backend.put_secret_value(secret_id, json.dumps(document), None, None, ["AWSCURRENT"])
        arn = backend.describe_secret(secret_id)
        arn_value = arn.arn if hasattr(arn, "arn") else arn["ARN"]
        return cls(arn_value)

    def delete(self, account_id: str, region_name: str) -> None:
        pass  # CloudFormation leaves the secret value as it is


# --------------------------------------------------------------------------- CloudWatch
class CloudWatchAlarm(_Declared, CloudFormationModel):
    """``AWS::CloudWatch::Alarm``: created with its actions, dimensions and metric math."""

    CFN_TYPE = "AWS::CloudWatch::Alarm"
    NAME_TYPE = "AlarmName"
    PHYSICAL_ID = "name"

    def __init__(self, name: str, arn: str) -> None:
        self.name = name
        self.arn = arn

    @classmethod
    def has_cfn_attr(cls, attr: str) -> bool:
        return attr == "Arn"

    def get_cfn_attribute(self, attribute_name: str) -> Any:
        if attribute_name == "Arn":
            return self.arn
        from moto.cloudformation.exceptions import UnformattedGetAttTemplateException

        raise UnformattedGetAttTemplateException()

    @classmethod
    def create_from_cloudformation_json(  # type: ignore[misc]
        cls,
        resource_name: str,
        cloudformation_json: Any,
        account_id: str,
        region_name: str,
        **kwargs: Any,
    ) -> CloudWatchAlarm:
        from moto.cloudwatch.models import (
            Dimension,
            Metric,
            MetricDataQuery,
            MetricStat,
            cloudwatch_backends,
        )

        props = cloudformation_json["Properties"]
        queries = None
        if props.get("Metrics"):
            queries = []
            for query in props["Metrics"]:
                stat = query.get("MetricStat")
                metric_stat = None
                if stat:
                    metric = stat.get("Metric", {})
                    metric_stat = MetricStat(
                        metric=Metric(
                            metric_name=metric.get("MetricName"),
                            namespace=metric.get("Namespace"),
                            dimensions=[
                                Dimension(name=d["Name"], value=str(physical_id(d["Value"])))
                                for d in metric.get("Dimensions", [])
                            ],
                        ),
                        period=stat.get("Period"),
                        stat=stat.get("Stat"),
                        unit=stat.get("Unit"),
                    )
                queries.append(
                    MetricDataQuery(
                        query_id=query.get("Id"),
                        label=query.get("Label"),
                        period=query.get("Period"),
                        return_data=query.get("ReturnData"),
                        expression=query.get("Expression"),
                        metric_stat=metric_stat,
                    )
                )

        def _actions(key: str) -> list[str]:
            return [str(physical_id(a)) for a in props.get(key) or []]

        backend = cloudwatch_backends[account_id][region_name]
        alarm = backend.put_metric_alarm(
            name=resource_name,
            namespace=props.get("Namespace"),
            metric_name=props.get("MetricName"),
            comparison_operator=props.get("ComparisonOperator"),
            evaluation_periods=int(props["EvaluationPeriods"]),
            period=int(props["Period"]) if props.get("Period") is not None else None,  # type: ignore[arg-type]
            threshold=float(props["Threshold"]) if props.get("Threshold") is not None else None,  # type: ignore[arg-type]
            statistic=props.get("Statistic"),
            description=props.get("AlarmDescription"),
            dimensions=[
                {"Name": d["Name"], "Value": str(physical_id(d["Value"]))}
                for d in props.get("Dimensions") or []
            ],
            alarm_actions=_actions("AlarmActions"),
            metric_data_queries=queries,
            datapoints_to_alarm=(
                int(props["DatapointsToAlarm"])
                if props.get("DatapointsToAlarm") is not None
                else None
            ),
            extended_statistic=props.get("ExtendedStatistic"),
            ok_actions=_actions("OKActions"),
            insufficient_data_actions=_actions("InsufficientDataActions"),
            unit=props.get("Unit"),
            actions_enabled=as_bool(props.get("ActionsEnabled"), True),
            treat_missing_data=props.get("TreatMissingData"),
            evaluate_low_sample_count_percentile=props.get("EvaluateLowSampleCountPercentile"),
            threshold_metric_id=props.get("ThresholdMetricId"),
            tags=tag_list(props.get("Tags")),
        )
        return cls(alarm.name, alarm.alarm_arn)

    def delete(self, account_id: str, region_name: str) -> None:
        from moto.cloudwatch.models import cloudwatch_backends

        cloudwatch_backends[account_id][region_name].delete_alarms([self.name])


# --------------------------------------------------------------------------- CodeDeploy
class CodeDeployApplication(_Declared, CloudFormationModel):
    """``AWS::CodeDeploy::Application``."""

    CFN_TYPE = "AWS::CodeDeploy::Application"
    NAME_TYPE = "ApplicationName"
    PHYSICAL_ID = "name"

    def __init__(self, name: str) -> None:
        self.name = name

    @classmethod
    def create_from_cloudformation_json(  # type: ignore[misc]
        cls,
        resource_name: str,
        cloudformation_json: Any,
        account_id: str,
        region_name: str,
        **kwargs: Any,
    ) -> CodeDeployApplication:
        from moto.codedeploy.models import codedeploy_backends

        props = cloudformation_json["Properties"]
        codedeploy_backends[account_id][region_name].create_application(
            resource_name, props.get("ComputePlatform", "Server"), tag_list(props.get("Tags"))
        )
        return cls(resource_name)

    def delete(self, account_id: str, region_name: str) -> None:
        from moto.codedeploy.models import codedeploy_backends

        backend = codedeploy_backends[account_id][region_name]
        backend.applications.pop(self.name, None)
        backend.deployment_groups.pop(self.name, None)


class CodeDeployDeploymentGroup(_Declared, CloudFormationModel):
    """``AWS::CodeDeploy::DeploymentGroup`` (ECS blue/green groups included)."""

    CFN_TYPE = "AWS::CodeDeploy::DeploymentGroup"
    NAME_TYPE = "DeploymentGroupName"
    PHYSICAL_ID = "name"

    def __init__(self, application: str, name: str) -> None:
        self.application = application
        self.name = name

    @classmethod
    def create_from_cloudformation_json(  # type: ignore[misc]
        cls,
        resource_name: str,
        cloudformation_json: Any,
        account_id: str,
        region_name: str,
        **kwargs: Any,
    ) -> CodeDeployDeploymentGroup:
        from moto.codedeploy.models import codedeploy_backends

        props = cloudformation_json["Properties"]
        application = str(physical_id(props["ApplicationName"]))
        alarms = props.get("AlarmConfiguration")
        codedeploy_backends[account_id][region_name].create_deployment_group(
            application_name=application,
            deployment_group_name=resource_name,
            deployment_config_name=physical_id(props.get("DeploymentConfigName")),
            ec2_tag_filters=camel(props.get("Ec2TagFilters")),
            on_premises_instance_tag_filters=camel(props.get("OnPremisesInstanceTagFilters")),
            auto_scaling_groups=props.get("AutoScalingGroups"),
            service_role_arn=str(physical_id(props["ServiceRoleArn"])),
            trigger_configurations=camel(props.get("TriggerConfigurations")),
            alarm_configuration=camel(alarms) if alarms else None,
            auto_rollback_configuration=camel(props.get("AutoRollbackConfiguration")),
            outdated_instances_strategy=props.get("OutdatedInstancesStrategy"),
            deployment_style=camel(props.get("DeploymentStyle")),
            blue_green_deployment_configuration=camel(
                props.get("BlueGreenDeploymentConfiguration")
            ),
            load_balancer_info=camel(props.get("LoadBalancerInfo")),
            ec2_tag_set=camel(props.get("Ec2TagSet")),
            ecs_services=camel(props.get("ECSServices")),
            on_premises_tag_set=camel(props.get("OnPremisesTagSet")),
            tags=tag_list(props.get("Tags")) or None,
            termination_hook_enabled=props.get("TerminationHookEnabled"),
        )
        return cls(application, resource_name)

    def delete(self, account_id: str, region_name: str) -> None:
        from moto.codedeploy.models import codedeploy_backends

        groups = codedeploy_backends[account_id][region_name].deployment_groups
        groups.get(self.application, {}).pop(self.name, None)


# --------------------------------------------------------------------------- EC2
class SecurityGroupEgress(_Declared, CloudFormationModel):
    """``AWS::EC2::SecurityGroupEgress``: the rule is added to the group."""

    CFN_TYPE = "AWS::EC2::SecurityGroupEgress"
    NAME_TYPE = ""
    PHYSICAL_ID = "rule_id"

    def __init__(self, group_id: str, rule_id: str, spec: dict[str, Any]) -> None:
        self.group_id = group_id
        self.rule_id = rule_id
        self.spec = spec

    @classmethod
    def create_from_cloudformation_json(  # type: ignore[misc]
        cls,
        resource_name: str,
        cloudformation_json: Any,
        account_id: str,
        region_name: str,
        **kwargs: Any,
    ) -> SecurityGroupEgress:
        from moto.ec2.models import ec2_backends

        props = cloudformation_json["Properties"]
        backend = ec2_backends[account_id][region_name]
        group_id = str(physical_id(props["GroupId"]))
        spec = cls._spec(props)
        rules, _ = backend.authorize_security_group_egress(group_name_or_id=group_id, **spec)
        rule_id = rules[0].id if rules else f"sgr-{resource_name[-17:]}"
        return cls(group_id, rule_id, spec)

    @staticmethod
    def _spec(props: dict[str, Any]) -> dict[str, Any]:
        ip_ranges: list[dict[str, Any]] = []
        if props.get("CidrIp"):
            ip_ranges.append(
                {"CidrIp": props["CidrIp"], "Description": props.get("Description", "")}
            )
        if props.get("CidrIpv6"):
            ip_ranges.append(
                {"CidrIpv6": props["CidrIpv6"], "Description": props.get("Description", "")}
            )
        groups = []
        if props.get("DestinationSecurityGroupId"):
            groups.append({"GroupId": str(physical_id(props["DestinationSecurityGroupId"]))})
        prefix_lists = []
        if props.get("DestinationPrefixListId"):
            prefix_lists.append({"PrefixListId": props["DestinationPrefixListId"]})
        protocol = str(props["IpProtocol"])
        return {
            "ip_protocol": protocol,
            "from_port": props.get("FromPort", -1 if protocol == "-1" else None),
            "to_port": props.get("ToPort", -1 if protocol == "-1" else None),
            "ip_ranges": ip_ranges,
            "source_groups": groups,
            "prefix_list_ids": prefix_lists,
        }

    def delete(self, account_id: str, region_name: str) -> None:
        from moto.ec2.models import ec2_backends

        with contextlib.suppress(Exception):
            ec2_backends[account_id][region_name].revoke_security_group_egress(
                group_name_or_id=self.group_id, **self.spec
            )


# --------------------------------------------------------------------------- ECR
class EcrReplicationConfiguration(_Declared, CloudFormationModel):
    """``AWS::ECR::ReplicationConfiguration`` (the registry's replication rules)."""

    CFN_TYPE = "AWS::ECR::ReplicationConfiguration"
    NAME_TYPE = ""
    PHYSICAL_ID = "account_id"

    def __init__(self, account_id: str) -> None:
        self.account_id = account_id

    @classmethod
    def create_from_cloudformation_json(  # type: ignore[misc]
        cls,
        resource_name: str,
        cloudformation_json: Any,
        account_id: str,
        region_name: str,
        **kwargs: Any,
    ) -> EcrReplicationConfiguration:
        from moto.ecr.models import ecr_backends

        config = camel(cloudformation_json["Properties"]["ReplicationConfiguration"])
        ecr_backends[account_id][region_name].put_replication_configuration(config)
        return cls(account_id)

    def delete(self, account_id: str, region_name: str) -> None:
        from moto.ecr.models import ecr_backends

        ecr_backends[account_id][region_name].replication_config = {"rules": []}


# ------------------------------------------------------------- Application Auto Scaling
class ScalableTarget(_Declared, CloudFormationModel):
    """``AWS::ApplicationAutoScaling::ScalableTarget``."""

    CFN_TYPE = "AWS::ApplicationAutoScaling::ScalableTarget"
    PHYSICAL_ID = "physical_id"

    def __init__(self, namespace: str, resource_id: str, dimension: str) -> None:
        self.namespace = namespace
        self.resource_id = resource_id
        self.dimension = dimension

    @property
    def physical_id(self) -> str:
        return f"{self.resource_id}|{self.dimension}|{self.namespace}"

    @classmethod
    def create_from_cloudformation_json(  # type: ignore[misc]
        cls,
        resource_name: str,
        cloudformation_json: Any,
        account_id: str,
        region_name: str,
        **kwargs: Any,
    ) -> ScalableTarget:
        from moto.applicationautoscaling.models import applicationautoscaling_backends

        props = cloudformation_json["Properties"]
        applicationautoscaling_backends[account_id][region_name].register_scalable_target(
            props["ServiceNamespace"],
            props["ResourceId"],
            props["ScalableDimension"],
            min_capacity=int(props["MinCapacity"]),
            max_capacity=int(props["MaxCapacity"]),
            role_arn=str(physical_id(props.get("RoleARN", ""))),
            suspended_state=props.get("SuspendedState"),  # type: ignore[arg-type]
        )
        return cls(props["ServiceNamespace"], props["ResourceId"], props["ScalableDimension"])

    def delete(self, account_id: str, region_name: str) -> None:
        from moto.applicationautoscaling.models import applicationautoscaling_backends

        with contextlib.suppress(Exception):
            applicationautoscaling_backends[account_id][region_name].deregister_scalable_target(
                self.namespace, self.resource_id, self.dimension
            )


class ScalingPolicy(_Declared, CloudFormationModel):
    """``AWS::ApplicationAutoScaling::ScalingPolicy``."""

    CFN_TYPE = "AWS::ApplicationAutoScaling::ScalingPolicy"
    NAME_TYPE = "PolicyName"
    PHYSICAL_ID = "arn"

    def __init__(self, arn: str, name: str, target: tuple[str, str, str]) -> None:
        self.arn = arn
        self.name = name
        self.target = target

    @classmethod
    def create_from_cloudformation_json(  # type: ignore[misc]
        cls,
        resource_name: str,
        cloudformation_json: Any,
        account_id: str,
        region_name: str,
        **kwargs: Any,
    ) -> ScalingPolicy:
        from moto.applicationautoscaling.models import applicationautoscaling_backends

        props = cloudformation_json["Properties"]
        if props.get("ScalingTargetId"):
            resource_id, dimension, namespace = str(physical_id(props["ScalingTargetId"])).split(
                "|"
            )
        else:
            resource_id = props["ResourceId"]
            dimension = props["ScalableDimension"]
            namespace = props["ServiceNamespace"]
        body = props.get("StepScalingPolicyConfiguration") or props.get(
            "TargetTrackingScalingPolicyConfiguration"
        )
        policy = applicationautoscaling_backends[account_id][region_name].put_scaling_policy(
            policy_name=resource_name,
            service_namespace=namespace,
            resource_id=resource_id,
            scalable_dimension=dimension,
            policy_body=body or {},
            policy_type=props.get("PolicyType"),
        )
        return cls(policy.policy_arn, resource_name, (namespace, resource_id, dimension))

    def delete(self, account_id: str, region_name: str) -> None:
        from moto.applicationautoscaling.models import applicationautoscaling_backends

        namespace, resource_id, dimension = self.target
        with contextlib.suppress(Exception):
            applicationautoscaling_backends[account_id][region_name].delete_scaling_policy(
                self.name, namespace, resource_id, dimension
            )


MODELS: tuple[type[CloudFormationModel], ...] = (
    SecretsManagerSecret,
    SecretTargetAttachment,
    CloudWatchAlarm,
    CodeDeployApplication,
    CodeDeployDeploymentGroup,
    SecurityGroupEgress,
    EcrReplicationConfiguration,
    ScalableTarget,
    ScalingPolicy,
)


def register() -> None:
    register_models(*MODELS)
