"""DatabaseReplica: the encrypted cross-region read replica of a ReplicatedDatabase.

Created by :meth:`~multiregion_tap.ReplicatedDatabase.add_replica`; see
:mod:`multiregion_tap.replicated_database` for the layout and the promotion runbook.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import aws_cdk as cdk
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_rds as rds
from aws_cdk import aws_secretsmanager as secretsmanager
from constructs import Construct

from ._private.database_instances import instance_settings, writer_import
from ._private.database_plan import RegionDatabase, Role
from ._private.producers import follow
from ._private.validation import names_construct_path
from .regional_database import RegionalDatabase

if TYPE_CHECKING:
    # Only a type: replicated_database imports this module to create replicas.
    from .replicated_database import ReplicatedDatabase

__all__ = ["DatabaseReplica"]


class DatabaseReplica(RegionalDatabase):
    """An encrypted cross-region read replica of a :class:`ReplicatedDatabase`.

    Create it with :meth:`ReplicatedDatabase.add_replica`, which passes the internal
    arguments. It is read-only unless promoted (``history`` or ``promote_replica_in``).
    """

    @names_construct_path
    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        source: ReplicatedDatabase,
        vpc: ec2.IVpc,
        instance_class: str,
        multi_az: bool,
        state: RegionDatabase,
        secret_name: str | None = None,
    ) -> None:
        super().__init__(scope, id)
        stack = cdk.Stack.of(self)
        self._source = source
        self._state = state
        self._port = source.port
        kept = source._kept

        destroy = kept == cdk.RemovalPolicy.DESTROY
        own_key = source._options.regional_key(stack, destroy=destroy)
        self._encryption_key = own_key or self._new_key(
            f"Encrypts the read replica of {source.node.id} in {stack.region}", kept
        )
        own_groups = source._options.regional_security_groups(stack)
        self._security_group, self._subnet_group = self._network(
            vpc, source._subnet_type, f"{source.node.id} database (read replica)", kept
        )
        self._parameter_group = rds.ParameterGroup(
            self,
            "ParameterGroup",
            engine=source.engine,
            description=f"{source.node.id} database replica: TLS required",
            parameters={**source._options.parameters, **dict(source._facts.tls_parameters)},
            removal_policy=kept,
        )
        # An existing primary is imported in the primary's stack: this stack cannot use it, so
        # the source is imported here too (the ARN is set from _source_arn, in its region).
        replica = rds.DatabaseInstanceReadReplica(
            self,
            "Instance",
            source_database_instance=source.instance
            if source._existing is None
            else writer_import(source, self, "Source", state.source_region or source.region),
            instance_type=ec2.InstanceType(instance_class),
            instance_identifier=source._identifier(stack.region, state.identifier_suffix),
            vpc=vpc,
            subnet_group=self._subnet_group,
            security_groups=[self._security_group, *own_groups],
            port=source.port,
            storage_encryption_key=self._encryption_key,
            multi_az=multi_az,
            parameter_group=self._parameter_group,
            **instance_settings(source, self._encryption_key),
        )
        self._instance = replica
        cfn = replica.node.default_child
        assert isinstance(cfn, rds.CfnDBInstance)
        # A promotion removes the source (RDS promotes the replica in place: same logical id
        # and identifier) and turns on automated backups; after a failover a replica follows
        # the writer's ARN, built from its deterministic identifier (no reference into any
        # other stack); a superseded writer is retained.
        source_arn = source._source_arn(state)
        self._follow_plan(cfn, state, source_arn, source._backup_retention_days)
        if source_arn is None and state.role == Role.READER:
            # The primary's identifier is read from its stack: a new one (the primary
            # replaced) updates the replica too (see _private/producers).
            follow(cfn, [source.instance])
        self._add_log_groups(
            source._options.log_retention,
            source._identifier(stack.region, state.identifier_suffix),
            source._facts.log_exports,
            source._log_removal,
        )

        # The region's replica of the secret has the primary's ARN with this region in it.
        # Its name is read from an output of the primary's stack (Fn::GetStackOutput), not
        # split out of a cross-stack reference: cfn-lint rejects Fn::Split over it; or it is
        # given (after a failover, from a stack of this region).
        if secret_name is None:
            primary_stack = cdk.Stack.of(source)
            secret_name = cdk.Fn.get_stack_output(
                primary_stack.stack_name, source._secret_name_output(), primary_stack.region
            )
            stack.add_stack_dependency(
                primary_stack, reason="reads the primary database secret name"
            )
        secret_arn = stack.format_arn(
            service="secretsmanager",
            resource="secret",
            resource_name=secret_name,
            arn_format=cdk.ArnFormat.COLON_RESOURCE_NAME,
        )
        self._secret = secretsmanager.Secret.from_secret_complete_arn(self, "Secret", secret_arn)

        self._fill_outputs(source._output_suffix, secret_arn)
        self._acknowledge_common(source._facts, source._monitoring is not None)

    @property
    def promoted(self) -> bool:
        """Whether this instance is a promoted, standalone one (the writer, or a writer since
        superseded by another promotion)."""
        return self._state.promoted

    @property
    def source(self) -> ReplicatedDatabase:
        """The primary this replica was created from (or was promoted from)."""
        return self._source

    @property
    def source_region(self) -> str | None:
        """The region of the instance this replica replicates from: the primary's, or the
        writer's after a failover; ``None`` once promoted."""
        return self._state.source_region

    def metric_replica_lag(self, **props: Any) -> cloudwatch.Metric:
        """``ReplicaLag`` in seconds (maximum over 1 minute by default): the failover RPO.

        PostgreSQL reports up to ~5 minutes on an idle source (the lag is measured from the
        last replayed transaction), so a 300-second alarm flaps; alarm on a longer period or
        together with write activity.
        """
        options: dict[str, Any] = {"statistic": "Maximum", "period": cdk.Duration.minutes(1)}
        options.update(props)
        return self._instance.metric("ReplicaLag", **options)
