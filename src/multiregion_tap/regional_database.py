"""RegionalDatabase: what the replicated database offers in one region (primary or replica).

The common base of :class:`~multiregion_tap.ReplicatedDatabase` (the primary) and
:class:`~multiregion_tap.DatabaseReplica`; see :mod:`multiregion_tap.replicated_database`.
"""

from __future__ import annotations

from typing import Any

import aws_cdk as cdk
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_logs as logs
from aws_cdk import aws_rds as rds
from aws_cdk import aws_secretsmanager as secretsmanager
from constructs import Construct

from ._private.checkov import skip_checkov
from ._private.database_engine import EngineFacts
from ._private.database_plan import RegionDatabase, Role
from ._private.outputs import add_well_known_output
from ._private.validation import fail, is_token, require_cidr
from .outputs import OutputNames

__all__ = ["RegionalDatabase"]

_ENHANCED_MONITORING_POLICY = (
    "Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole"
)


class RegionalDatabase(Construct):
    """What the database offers in one region: the primary or a replica.

    Not created directly: see :class:`ReplicatedDatabase` and :class:`DatabaseReplica`.
    """

    def __init__(self, scope: Construct, id: str) -> None:
        super().__init__(scope, id)
        # Filled by the subclasses before they return.
        # (``None``: the primary region's instance is an existing one, not the library's.)
        self._instance: rds.DatabaseInstanceBase
        self._secret: secretsmanager.ISecret
        self._encryption_key: kms.IKey | None = None
        self._security_group: ec2.SecurityGroup | None = None
        self._subnet_group: rds.SubnetGroup | None = None
        self._parameter_group: rds.ParameterGroup | None = None
        self._port: int
        self._state: RegionDatabase
        self._log_groups: dict[str, logs.LogGroup] = {}

    # ------------------------------------------------------------------ attributes
    @property
    def instance(self) -> rds.DatabaseInstanceBase:
        """The RDS DB instance (``rds.DatabaseInstance`` or ``rds.DatabaseInstanceReadReplica``;
        the imported instance of ``existing_primary``)."""
        return self._instance

    @property
    def region(self) -> str:
        """The region of this instance."""
        return cdk.Stack.of(self).region

    @property
    def read_only(self) -> bool:
        """``True`` unless this region has the writer (a read replica, or a writer superseded
        by a promotion elsewhere): connect for reads only."""
        return self._state.read_only

    @property
    def role(self) -> str:
        """``"writer"``, ``"reader"`` (a read replica of the writer) or ``"superseded"`` (a
        writer replaced by a promotion elsewhere: kept, diverged, nothing may write to it),
        after ``history`` (see :class:`ReplicatedDatabase`)."""
        return self._state.role

    @property
    def identifier(self) -> str:
        """The DB instance identifier."""
        return self._instance.instance_identifier

    @property
    def arn(self) -> str:
        """The DB instance ARN."""
        return self._instance.instance_arn

    @property
    def endpoint(self) -> str:
        """The DB endpoint address (host name) in this region."""
        return self._instance.db_instance_endpoint_address

    @property
    def port(self) -> int:
        """The port the database listens on."""
        return self._port

    @property
    def secret(self) -> secretsmanager.ISecret:
        """The credentials secret readable in this region (JSON: username, password, ...).

        In a secondary region this is the region's replica of the primary's secret: the same
        credentials, which also work on the read replica (and on it after promotion).
        """
        return self._secret

    @property
    def encryption_key(self) -> kms.IKey | None:
        """The customer-managed KMS key encrypting the storage in this region: the region's
        ``storage_encryption_key``, or the library's own (rotation on); ``None`` for an
        ``existing_primary`` (its encryption is its own)."""
        return self._encryption_key

    @property
    def security_group(self) -> ec2.SecurityGroup | None:
        """The library's security group of the instance: no ingress until :meth:`allow_from`
        is called (the groups of ``security_groups`` are added beside it, unchanged);
        ``None`` for an ``existing_primary`` (:meth:`allow_from` admits on its groups)."""
        return self._security_group

    @property
    def connections(self) -> ec2.Connections:
        """Network connections of the instance, over all its security groups (default port:
        the database port); :meth:`allow_from` changes the library's group only."""
        return self._instance.connections

    @property
    def log_groups(self) -> dict[str, logs.LogGroup]:
        """The engine log groups by log type (``log_retention``; empty without it: then RDS
        creates them itself, never expiring)."""
        return dict(self._log_groups)

    @property
    def subnet_group(self) -> rds.SubnetGroup | None:
        """The DB subnet group in this region's VPC (``None`` for an ``existing_primary``)."""
        return self._subnet_group

    @property
    def parameter_group(self) -> rds.ParameterGroup | None:
        """The parameter group that forces TLS on every connection (``None`` for an
        ``existing_primary``: its parameters are its own)."""
        return self._parameter_group

    # ------------------------------------------------------------------ access
    def _ingress(self) -> ec2.Connections:
        """Where clients are admitted: the library's security group, or the groups an
        ``existing_primary`` was imported with (ingress rules of this stack on them)."""
        if self._security_group is not None:
            return self._security_group.connections
        return self._instance.connections

    def allow_from(self, *peers: ec2.IConnectable) -> None:
        """Allow ``peers`` (for example the region's ECS service) on the database port, in
        the library's security group (the groups of ``security_groups`` stay as they are);
        for an ``existing_primary``, in the security groups it was imported with (unless
        imported with ``mutable=False``)."""
        for peer in peers:
            self._ingress().allow_from(
                peer, ec2.Port.tcp(self._port), "Database clients in this region"
            )

    def allow_from_cidr(self, cidr: str, description: str | None = None) -> None:
        """Allow an IPv4 CIDR block (for example a peered region's VPC) on the database port.

        :raises ValidationError: when ``cidr`` is not a private IPv4 CIDR block.
        """
        require_cidr("cidr", cidr, min_prefix=8, max_prefix=32)
        self._ingress().allow_from(
            ec2.Peer.ipv4(cidr),
            ec2.Port.tcp(self._port),
            description or f"Database clients in {cidr}",
        )

    def grant_connect(self, grantee: iam.IGrantable, db_user: str | None = None) -> iam.Grant:
        """Grant ``rds-db:connect`` (IAM database authentication) to ``grantee``.

        :param db_user: Database user to connect as. Default: - the master user.
        """
        return self._instance.grant_connect(grantee, db_user)

    # ------------------------------------------------------------------ metrics
    def metric_cpu_utilization(self, **props: Any) -> cloudwatch.Metric:
        """CPU utilization, percent (average over 5 minutes by default)."""
        return self._instance.metric_cpu_utilization(**props)

    def metric_free_storage_space(self, **props: Any) -> cloudwatch.Metric:
        """Free storage space, bytes (average over 5 minutes by default)."""
        return self._instance.metric_free_storage_space(**props)

    def metric_database_connections(self, **props: Any) -> cloudwatch.Metric:
        """Number of client connections (average over 5 minutes by default)."""
        return self._instance.metric_database_connections(**props)

    def metric_freeable_memory(self, **props: Any) -> cloudwatch.Metric:
        """Freeable memory, bytes (average over 5 minutes by default)."""
        return self._instance.metric_freeable_memory(**props)

    # ------------------------------------------------------------------ shared building
    def _network(
        self,
        vpc: ec2.IVpc,
        subnet_type: ec2.SubnetType,
        description: str,
        removal: cdk.RemovalPolicy,
    ) -> tuple[ec2.SecurityGroup, rds.SubnetGroup]:
        security_group = ec2.SecurityGroup(
            self, "SecurityGroup", vpc=vpc, allow_all_outbound=False, description=description
        )
        subnet_group = rds.SubnetGroup(
            self,
            "SubnetGroup",
            vpc=vpc,
            description=description,
            vpc_subnets=ec2.SubnetSelection(subnet_type=subnet_type),
            removal_policy=removal,
        )
        return security_group, subnet_group

    def _follow_plan(
        self,
        cfn: rds.CfnDBInstance,
        state: RegionDatabase,
        source_arn: str | None,
        backup_days: int,
    ) -> None:
        """Make the instance what ``history`` says (see ``_private.database_plan``): a
        promoted replica loses its source (RDS promotes it in place) and gets automated
        backups; a replica that follows a new writer gets its ARN; a superseded writer is
        retained (DeletionPolicy and UpdateReplacePolicy), so a later rebuild that replaces it
        leaves it in the account."""
        if state.replica:
            # cfn-lint E3020: StorageEncrypted must not sit beside SourceDBInstanceIdentifier;
            # a replica is encrypted through KmsKeyId. Keep it absent after promotion too:
            # adding it would be a property change that replaces the instance.
            cfn.add_property_deletion_override("StorageEncrypted")
            skip_checkov(
                cfn,
                "CKV_AWS_16",
                "Encrypted with this region's customer-managed key (KmsKeyId); checkov reads "
                "only StorageEncrypted, which CloudFormation refuses beside "
                "SourceDBInstanceIdentifier.",
            )
        if state.replica and state.promoted:
            cfn.add_property_deletion_override("SourceDBInstanceIdentifier")
            cfn.backup_retention_period = backup_days
        elif source_arn is not None:
            cfn.add_property_override("SourceDBInstanceIdentifier", source_arn)
        if state.role == Role.SUPERSEDED:
            cfn.apply_removal_policy(cdk.RemovalPolicy.RETAIN)

    def _add_log_groups(
        self,
        retention: logs.RetentionDays | None,
        identifier: str,
        log_types: tuple[str, ...],
        removal: cdk.RemovalPolicy,
    ) -> None:
        """With ``retention``: the log group RDS exports each engine log to,
        ``/aws/rds/instance/<identifier>/<log type>``, created before the instance (RDS
        writes into an existing group of that name) with that retention; no Lambda. An
        instance made after a failover has a new identifier, hence groups of its own.

        Retained on delete and replacement (``RetainExceptOnCreate``) unless the database is
        DESTROY: a stack that is deployed again, or a database whose groups RDS created
        before, finds the groups there; ``cdk deploy --import-existing-resources`` adopts
        them (CloudFormation imports retained, literally named resources)."""
        if retention is None:
            return
        if is_token(identifier):
            raise fail(
                "log_retention",
                retention,
                "be used with a literal DB instance identifier (the log group names hold it)",
            )
        for log_type in log_types:
            group = logs.LogGroup(
                self,
                f"{log_type.capitalize()}LogGroup",
                log_group_name=f"/aws/rds/instance/{identifier}/{log_type}",
                retention=retention,
                removal_policy=removal,
            )
            self._instance.node.add_dependency(group)
            self._log_groups[log_type] = group
            skip_checkov(
                group,
                "CKV_AWS_158",
                "RDS exports the engine log here; CloudWatch Logs encrypts it at rest with "
                "service keys, as it does the groups RDS creates itself.",
            )
        cdk.Validations.of(self).acknowledge(
            cdk.Acknowledgment(
                id="NIST.800.53.R5::NIST.800.53.R5-CloudWatchLogGroupEncrypted",
                reason="The engine log groups (log_retention) are encrypted at rest by "
                "CloudWatch Logs with service keys, as the groups RDS creates itself are.",
            )
        )

    def _new_key(self, description: str, removal: cdk.RemovalPolicy) -> kms.Key:
        return kms.Key(
            self,
            "EncryptionKey",
            description=description,
            enable_key_rotation=True,
            removal_policy=removal,
        )

    def _fill_outputs(self, suffix: str, secret_arn: str) -> None:
        where = {Role.WRITER: "primary", Role.READER: "read replica"}.get(
            self.role, "superseded writer"
        )
        add_well_known_output(
            self, OutputNames.DATABASE_IDENTIFIER, self.identifier,
            description=f"DB instance identifier ({where})", suffix=suffix,
        )  # fmt: skip
        add_well_known_output(
            self, OutputNames.DATABASE_ARN, self.arn,
            description=f"DB instance ARN ({where})", suffix=suffix,
        )  # fmt: skip
        add_well_known_output(
            self, OutputNames.DATABASE_ENDPOINT, self.endpoint,
            description=f"DB endpoint address ({where})", suffix=suffix,
        )  # fmt: skip
        add_well_known_output(
            self, OutputNames.DATABASE_PORT, str(self._port),
            description="DB port", suffix=suffix,
        )  # fmt: skip
        add_well_known_output(
            self, OutputNames.DATABASE_SECRET_ARN, secret_arn,
            description="ARN of the DB credentials secret in this region", suffix=suffix,
        )  # fmt: skip

    def _acknowledge_common(self, facts: EngineFacts, monitoring: bool) -> None:
        acks = []
        if self._port == facts.default_port:
            acks.append(
                cdk.Acknowledgment(
                    id="AwsSolutions::AwsSolutions-RDS11",
                    reason=(
                        "The engine's default port is kept so standard clients work; a "
                        "non-default port is obscurity, not a control. Access is limited by a "
                        "security group that admits only the listed clients (no ingress by "
                        "default), the instance is in private subnets and not publicly "
                        "accessible, and TLS is forced by the parameter group. Set `port` to "
                        "change it."
                    ),
                )
            )
        acks.append(
            cdk.Acknowledgment(
                id="NIST.800.53.R5::NIST.800.53.R5-RDSInBackupPlan",
                reason=(
                    "Backups are RDS automated backups (point-in-time recovery, retention "
                    "backup_retention_days, 7 days by default, 1 minimum), a final snapshot on "
                    "deletion (removal policy SNAPSHOT) and a live copy in every secondary "
                    "region. AWS Backup plans are an account-level control outside this "
                    "construct; add the instance to one by tag if your policy requires it."
                ),
            )
        )
        if monitoring:
            acks.append(
                cdk.Acknowledgment(
                    id=f"AwsSolutions::AwsSolutions-IAM4[{_ENHANCED_MONITORING_POLICY}]",
                    reason=(
                        "The enhanced monitoring role uses the AWS-managed policy "
                        "AmazonRDSEnhancedMonitoringRole, which only allows writing the "
                        "RDSOSMetrics log group; AWS maintains it for new metrics."
                    ),
                )
            )
        cdk.Validations.of(self).acknowledge(*acks)
