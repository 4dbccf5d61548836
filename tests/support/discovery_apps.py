"""A deployed multiregion-tap app, faked with boto3 on moto (in-process or a moto server), for
the tests of discovery's command line and of the commands the docs show."""

from __future__ import annotations

import json
from typing import Any

from multiregion_tap.outputs import OutputNames, RegionRole, StackNames, TagKeys

EAST1, EAST2 = "us-east-1", "us-east-2"


def deploy_bare_app(session: Any, app: str = "shop") -> None:
    """The regional stacks of ``app`` in us-east-1 (primary) and us-east-2 (secondary), with
    the outputs and tags every MultiRegionApp stack carries and nothing else."""
    for region, role in ((EAST1, RegionRole.PRIMARY), (EAST2, RegionRole.SECONDARY)):
        outputs = {OutputNames.APP_NAME: app, OutputNames.REGION: region}
        outputs[OutputNames.REGION_ROLE] = role
        body = {
            "Resources": {
                "Marker": {
                    "Type": "AWS::SSM::Parameter",
                    "Properties": {"Name": f"/{app}/{region}", "Type": "String", "Value": app},
                }
            },
            "Outputs": {key: {"Value": value} for key, value in outputs.items()},
        }
        session.client("cloudformation", region_name=region).create_stack(
            StackName=StackNames.regional(app, region),
            TemplateBody=json.dumps(body),
            Tags=[
                {"Key": TagKeys.APP, "Value": app},
                {"Key": TagKeys.REGION_ROLE, "Value": role},
            ],
        )


# ---------------------------------------------------------------------- a whole app, outages
WEST2 = "us-west-2"
ZONE = "shop.example.com"
RECORD = f"app.{ZONE}."


def lb_dns_name(region: str, app: str = "shop") -> str:
    """The ``LoadBalancerDnsName`` output of the app's regional stack in ``region``."""
    return f"{app}-alb-{region}.{region}.elb.amazonaws.com"


def app_stack(
    session: Any,
    region: str,
    name: str,
    outputs: dict[str, str],
    *,
    app: str = "shop",
    role: str = "primary",
    resources: dict[str, Any] | None = None,
    tags: dict[str, str] | None = None,
) -> None:
    """A stack shaped like MultiRegionApp's: base outputs, app tags, the given outputs."""
    body = {
        "Resources": resources
        or {
            "Marker": {
                "Type": "AWS::SSM::Parameter",
                "Properties": {"Name": f"/{name}/marker", "Type": "String", "Value": name},
            }
        },
        "Outputs": {
            key: {"Value": value}
            for key, value in {
                OutputNames.APP_NAME: app,
                OutputNames.REGION: region,
                OutputNames.REGION_ROLE: role,
                **outputs,
            }.items()
        },
    }
    all_tags = {TagKeys.APP: app, TagKeys.REGION_ROLE: role, **(tags or {})}
    session.client("cloudformation", region_name=region).create_stack(
        StackName=name,
        TemplateBody=json.dumps(body),
        Tags=[{"Key": k, "Value": v} for k, v in all_tags.items()],
    )


def deploy_app(
    session: Any,
    regions: tuple[str, ...] = (EAST1, EAST2),
    *,
    dns_region: str = EAST1,
    app: str = "shop",
) -> dict[str, Any]:
    """The app ``app`` as MultiRegionApp deploys it, as far as ``status`` reads it: a regional
    stack per region (the first is the primary) with its load balancer's DNS name and its
    database (the primary's writer, a cross-region read replica of it elsewhere), and the DNS
    stack in ``dns_region``: a hosted zone, a health check per region and the failover chain
    of :class:`~multiregion_tap.FailoverDns` (PRIMARY the first region; SECONDARY the next one,
    through hidden ``_failover-<n>`` pairs with three regions or more).

    Returns the ids: ``databases`` (region -> identifier), ``zone_id``, ``checks`` (region ->
    health check id).
    """
    primary = regions[0]
    databases = {primary: f"{app}-db-{primary}"}
    rds = session.client("rds", region_name=primary)
    source = rds.create_db_instance(
        DBInstanceIdentifier=databases[primary],
        Engine="postgres",
        DBInstanceClass="db.t3.micro",
        MasterUsername="app",
        MasterUserPassword="not-a-real-password",
        AllocatedStorage=20,
        BackupRetentionPeriod=1,
    )["DBInstance"]["DBInstanceArn"]
    for region in regions[1:]:
        databases[region] = f"{app}-db-{region}"
        session.client("rds", region_name=region).create_db_instance_read_replica(
            DBInstanceIdentifier=databases[region],
            SourceDBInstanceIdentifier=source,
            DBInstanceClass="db.t3.micro",
        )
    for region in regions:
        role = RegionRole.PRIMARY if region == primary else RegionRole.SECONDARY
        outputs = {
            OutputNames.LOAD_BALANCER_DNS_NAME: lb_dns_name(region, app),
            OutputNames.DATABASE_IDENTIFIER: databases[region],
        }
        app_stack(session, region, StackNames.regional(app, region), outputs, app=app, role=role)

    route53 = session.client("route53", region_name=EAST1)
    zone_id = route53.create_hosted_zone(Name=ZONE, CallerReference=f"{app}-zone")["HostedZone"][
        "Id"
    ].removeprefix("/hostedzone/")
    checks = {
        region: route53.create_health_check(
            CallerReference=f"{app}-{region}",
            HealthCheckConfig={
                "Type": "HTTPS",
                "FullyQualifiedDomainName": lb_dns_name(region, app),
                "Port": 443,
                "ResourcePath": "/health",
                "RequestInterval": 30,
                "FailureThreshold": 3,
            },
        )["HealthCheck"]["Id"]
        for region in regions
    }
    point_dns(session, zone_id, checks, regions, app=app, action="CREATE")
    dns_outputs = {OutputNames.HOSTED_ZONE_ID: zone_id, OutputNames.RECORD_NAME: RECORD.rstrip(".")}
    app_stack(
        session, dns_region, StackNames.dns(app), dns_outputs, app=app, role=RegionRole.GLOBAL
    )
    return {"databases": databases, "zone_id": zone_id, "checks": checks}


def point_dns(
    session: Any,
    zone_id: str,
    checks: dict[str, str],
    order: tuple[str, ...],
    *,
    app: str = "shop",
    action: str = "UPSERT",
) -> None:
    """The failover chain of ``RECORD``: PRIMARY ``order[0]``, then each next region."""
    changes = []

    def alias(region: str) -> dict[str, Any]:
        # As CloudFormation writes it: other case, "dualstack." and the trailing dot.
        name = f"dualstack.{lb_dns_name(region, app).upper()}."
        return {"HostedZoneId": "Z35SXDOTRQ7X7K", "DNSName": name, "EvaluateTargetHealth": False}

    levels = len(order) - 1
    for level in range(levels):
        name = RECORD if level == 0 else f"_failover-{level}.{RECORD}"
        last = level == levels - 1
        secondary: dict[str, Any] = {
            "Name": name,
            "Type": "A",
            "SetIdentifier": f"secondary-{level}",
            "Failover": "SECONDARY",
        }
        if last:
            secondary["AliasTarget"] = alias(order[level + 1])
            secondary["HealthCheckId"] = checks[order[level + 1]]
        else:
            secondary["AliasTarget"] = {
                "HostedZoneId": zone_id,
                "DNSName": f"_failover-{level + 1}.{RECORD}",
                "EvaluateTargetHealth": True,
            }
        primary = {
            "Name": name,
            "Type": "A",
            "SetIdentifier": f"primary-{level}",
            "Failover": "PRIMARY",
            "HealthCheckId": checks[order[level]],
            "AliasTarget": alias(order[level]),
        }
        changes += [{"Action": action, "ResourceRecordSet": r} for r in (primary, secondary)]
    session.client("route53", region_name=EAST1).change_resource_record_sets(
        HostedZoneId=zone_id, ChangeBatch={"Changes": changes}
    )


class Outage:
    """A client factory whose regional endpoints in the ``dead`` regions are ``endpoint``
    (a closed or silent port): every service there fails as in a region outage. Route 53 is
    global and keeps answering. ``with_config`` is the factory of ``discover``'s region probe,
    as :class:`~multiregion_tap.discovery.aws.SessionClients` has it."""

    def __init__(self, session: Any, dead: set[str], endpoint: str, config: Any = None) -> None:
        self.session, self.dead, self.endpoint, self.config = session, dead, endpoint, config
        self.asked: list[tuple[str, str]] = []

    def __call__(self, service: str, region: str) -> Any:
        self.asked.append((service, region))
        extra: dict[str, Any] = {} if self.config is None else {"config": self.config}
        if region in self.dead and service != "route53":
            extra["endpoint_url"] = self.endpoint
        return self.session.client(service, region_name=region, **extra)

    def with_config(self, config: Any) -> Outage:
        other = Outage(self.session, self.dead, self.endpoint, config)
        other.asked = self.asked
        return other


def set_history(session: Any, region: str, history: str, app: str = "shop") -> None:
    """Give the regional stack of ``region`` the ``DatabaseHistory`` output its deploy with
    ``-c database_history=<history>`` has."""
    cloudformation = session.client("cloudformation", region_name=region)
    name = StackNames.regional(app, region)
    template = cloudformation.get_template(StackName=name)["TemplateBody"]
    body = json.loads(template) if isinstance(template, str) else dict(template)
    body["Outputs"][OutputNames.DATABASE_HISTORY] = {"Value": history}
    cloudformation.update_stack(StackName=name, TemplateBody=json.dumps(body))


def promote(session: Any, region: str, identifier: str, app: str = "shop") -> None:
    """Make the read replica ``identifier`` a standalone writer, as RDS shows a promoted
    replica (no ``ReadReplicaSourceDBInstanceIdentifier``), and give its region's stack the
    history ``promote:<region>``. moto 5's ``promote_read_replica`` keeps the source in its
    answers, so the promoted replica is replaced by an instance of the same identifier without
    a source."""
    set_history(session, region, f"promote:{region}", app)
    rds = session.client("rds", region_name=region)
    rds.promote_read_replica(DBInstanceIdentifier=identifier)
    rds.delete_db_instance(DBInstanceIdentifier=identifier, SkipFinalSnapshot=True)
    rds.create_db_instance(
        DBInstanceIdentifier=identifier,
        Engine="postgres",
        DBInstanceClass="db.t3.micro",
        MasterUsername="app",
        MasterUserPassword="not-a-real-password",
        AllocatedStorage=20,
    )
