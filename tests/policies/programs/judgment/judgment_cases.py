"""Cases of issue 13: realistic weakenings the pack must catch, and ordinary secure setups it must let through.

Each case is a small pulumi_aws program. The CIS alarm cases start from the reference patterns of
components/catalog/cis_alarms.yaml (what SecurityAlarms deploys) and change one thing.
"""

import json
from pathlib import Path

import pulumi
import pulumi_aws as aws
import yaml

ACCOUNT = "111111111111"
HOME, OTHER = "us-east-1", "us-west-2"
KEY_ARN = f"arn:aws:kms:{HOME}:{ACCOUNT}:key/0b1c2d3e-0000-4000-8000-000000000001"
CATALOG = Path(__file__).resolve().parents[4] / "aws_logging_baseline" / "components" / "catalog" / "cis_alarms.yaml"
ADMIN_ARN = "arn:aws:iam::aws:policy/AdministratorAccess"

# CIS 4.1 with the two error codes joined by && (an event has one errorCode: the filter can never match).
UNAUTHORIZED_WITH_AND = ('{(($.errorCode = "*UnauthorizedOperation") && ($.errorCode = "AccessDenied*")) && '
                         '(($.sourceIPAddress!="delivery.logs.amazonaws.com") && ($.eventName!="HeadBucket"))}')
# CIS 4.5 and 4.3 rewritten: clauses reordered, parentheses added and dropped, other whitespace and quoting.
TRAIL_CHANGES_REWRITTEN = ('{ ($.eventName = "StopLogging") || (($.eventName = "DeleteTrail") || $.eventName = UpdateTrail) '
                           '|| ( $.eventName = "CreateTrail" ) || ($.eventName=StartLogging) }')
ROOT_REWRITTEN = '{ ($.eventType != "AwsServiceEvent") && (($.userIdentity.invokedBy NOT EXISTS) && ($.userIdentity.type = Root)) }'


def doc(*statements) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def trail(name="trail", **changes):
    args = dict(
        s3_bucket_name="archive", region=HOME, is_multi_region_trail=True, enable_log_file_validation=True,
        kms_key_id=KEY_ARN, include_global_service_events=True,
        cloud_watch_logs_group_arn=f"arn:aws:logs:{HOME}:{ACCOUNT}:log-group:/trail:*",
        cloud_watch_logs_role_arn=f"arn:aws:iam::{ACCOUNT}:role/trail-logs",
    )
    args.update(changes)
    return aws.cloudtrail.Trail(name, **args)


def cis_alarms(patterns=None, value="1", action=None, export_alert_topic=False, **alarm_changes):
    """The 15 CIS filters and alarms on the trail's group, notifying the stack's topic; `patterns` replaces the
    reference pattern of the given CIS ids, the other arguments change the filter of 4.3 or its alarm."""
    trail()
    topic = aws.sns.Topic("alerts", region=HOME, kms_master_key_id=KEY_ARN)
    aws.sns.TopicSubscription("alerts-email", region=HOME, topic=topic.arn, protocol="email", endpoint="sec@example.com")
    # The alarms may publish (as the baseline's topic policy allows them): the access proofs check that delivery.
    aws.sns.TopicPolicy("alerts-policy", region=HOME, arn=topic.arn, policy=topic.arn.apply(lambda arn: doc({
        "Sid": "AllowCloudWatchAlarms", "Effect": "Allow", "Principal": {"Service": "cloudwatch.amazonaws.com"},
        "Action": "sns:Publish", "Resource": arn, "Condition": {"StringEquals": {"aws:SourceAccount": ACCOUNT}}})))
    if export_alert_topic:
        pulumi.export("alertTopicArn", topic.arn)
    catalog = yaml.safe_load(CATALOG.read_text(encoding="utf-8"))
    for entry in catalog["alarms"]:
        control = entry["cis"]["1.4.0"]
        pattern = (patterns or {}).get(control, entry["pattern"])
        changed = control == "4.3"
        aws.cloudwatch.LogMetricFilter(
            f"filter-{entry['id']}", region=HOME, log_group_name="/trail", pattern=pattern,
            metric_transformation={"name": entry["metric"], "namespace": "CISBenchmark", "value": value if changed else "1"})
        params = dict(statistic="Sum", period=300, evaluation_periods=1, threshold=1, namespace="CISBenchmark",
                      comparison_operator="GreaterThanOrEqualToThreshold", alarm_actions=[topic.arn])
        if changed:
            params.update(alarm_changes)
            if action is not None:
                params["alarm_actions"] = [action]
        aws.cloudwatch.MetricAlarm(f"alarm-{entry['id']}", region=HOME, metric_name=entry["metric"], **params)


def role_with(name="worker", service="lambda.amazonaws.com", condition=True, **role_args):
    statement = {"Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"}
    if condition:
        statement["Condition"] = {"StringEquals": {"aws:SourceAccount": ACCOUNT}}
    return aws.iam.Role(name, name=name, assume_role_policy=doc(statement), **role_args)


def admin_by_attachment():
    role = role_with()
    aws.iam.RolePolicyAttachment("worker-admin", role=role.name, policy_arn=ADMIN_ARN)


def admin_by_customer_policy():
    role = role_with()
    policy = aws.iam.Policy("everything", policy=doc({"Effect": "Allow", "Action": "*:*", "Resource": "*"}))
    aws.iam.RolePolicyAttachment("worker-everything", role=role.name, policy_arn=policy.arn)


def inline_grant(*actions, resource="*"):
    role = role_with()
    aws.iam.RolePolicy("worker-policy", role=role.name,
                       policy=doc({"Effect": "Allow", "Action": list(actions), "Resource": resource}))


def data_events_trail():
    """The stack's management trail, and a second trail with S3 data-event selectors only (the cost advice)."""
    trail()
    trail("data-trail", is_multi_region_trail=False, include_global_service_events=False, event_selectors=[{
        "read_write_type": "All", "include_management_events": False,
        "data_resources": [{"type": "AWS::S3::Object", "values": ["arn:aws:s3:::payments/"]}]}])


def management_reads_and_writes():
    """Management events in two advanced selectors, readOnly true and false: together every event."""
    selector = lambda value: {"name": f"management-{value}", "field_selectors": [  # noqa: E731
        {"field": "eventCategory", "equals": ["Management"]}, {"field": "readOnly", "equals": [value]}]}
    trail(advanced_event_selectors=[selector("true"), selector("false")])


def ec2_instance_role():
    """An instance profile's role: EC2 sends no source keys, so the trust policy has no condition."""
    role = role_with("app-instance", service="ec2.amazonaws.com", condition=False)
    aws.iam.InstanceProfile("app-instance", role=role.name)


def inline_bucket(versioning=True, encryption=True, policy=True):
    """A bucket with pulumi-aws v7's deprecated, still working inline arguments instead of the side resources."""
    name = "inline"
    args = {}
    if versioning:
        args["versioning"] = {"enabled": True}
    if encryption:
        args["server_side_encryption_configuration"] = {"rule": {"apply_server_side_encryption_by_default": {
            "sse_algorithm": "aws:kms", "kms_master_key_id": KEY_ARN}}}
    if policy:
        args["policy"] = doc({"Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
                              "Resource": [f"arn:aws:s3:::{name}", f"arn:aws:s3:::{name}/*"],
                              "Condition": {"Bool": {"aws:SecureTransport": "false"}}})
    aws.s3.Bucket(name, bucket=name, region=HOME, **args)
    aws.s3.BucketPublicAccessBlock(f"{name}-pab", bucket=name, region=HOME, block_public_acls=True,
                                   block_public_policy=True, ignore_public_acls=True, restrict_public_buckets=True)
    aws.s3.BucketOwnershipControls(f"{name}-ownership", bucket=name, region=HOME,
                                   rule={"object_ownership": "BucketOwnerEnforced"})


def archive(*, trail_prefix="", replication_prefix="", lock_days=365, expiration_days=None, flow_log_path=None):
    """A trail (and optionally a flow log) writing into an archive declared here, replicated, locked, expiring."""
    trail(s3_key_prefix=trail_prefix or None)
    aws.s3.Bucket("archive", bucket="archive", region=HOME, object_lock_enabled=True)
    aws.s3.BucketReplicationConfig(
        "archive-replication", bucket="archive", region=HOME, role=f"arn:aws:iam::{ACCOUNT}:role/replication",
        rules=[{"id": "logs", "status": "Enabled", "filter": {"prefix": replication_prefix},
                "delete_marker_replication": {"status": "Disabled"}, "destination": {"bucket": "arn:aws:s3:::replica"}}])
    aws.s3.BucketObjectLockConfiguration("archive-lock", bucket="archive", region=HOME,
                                         rule={"default_retention": {"mode": "GOVERNANCE", "days": lock_days}})
    if expiration_days:
        aws.s3.BucketLifecycleConfiguration("archive-lifecycle", bucket="archive", region=HOME, rules=[
            {"id": "log-retention", "status": "Enabled", "filter": {"prefix": ""}, "expiration": {"days": expiration_days}}])
    if flow_log_path is not None:
        vpc = aws.ec2.Vpc("vpc", region=HOME, cidr_block="10.0.0.0/16")
        aws.ec2.FlowLog("vpc-flow-log", region=HOME, vpc_id=vpc.id, traffic_type="REJECT", log_destination_type="s3",
                        log_destination=f"arn:aws:s3:::archive/{flow_log_path}")


def root_activity_rule(state="ENABLED"):
    topic = aws.sns.Topic("alerts", region=HOME, kms_master_key_id=KEY_ARN)
    rule = aws.cloudwatch.EventRule("root-activity", name="root-activity", region=HOME, state=state, event_pattern=json.dumps(
        {"detail-type": ["AWS Console Sign In via CloudTrail"], "detail": {"userIdentity": {"type": ["Root"]}}}))
    aws.cloudwatch.EventTarget("root-activity-alert", region=HOME, rule=rule.name, arn=topic.arn)


def one_vpc_covered():
    """The account has two VPCs in us-east-1 (fixture); flowLogVpcIds names only one of them."""
    aws.ec2.FlowLog("flow-log", region=HOME, vpc_id="vpc-0a1b2c3d4e5f60001", traffic_type="REJECT",
                    log_destination_type="s3", log_destination="arn:aws:s3:::archive/vpc")
    pulumi.export("vpcIds", {HOME: ["vpc-0a1b2c3d4e5f60001"]})


def member_backed():
    """A member stack as the organization roles export it: organization id and archive, delivering flow logs there."""
    archive = "acme-log-archive-222222222222-us-east-1"
    for key, value in {"role": "member", "organizationId": "o-a1b2c3d4e5", "archiveBucket": archive}.items():
        pulumi.export(key, value)
    aws.ec2.FlowLog("flow-log", region=HOME, vpc_id="vpc-0a1b2c3d4e5f60001", traffic_type="REJECT",
                    log_destination_type="s3", log_destination=f"arn:aws:s3:::{archive}/vpc-flow-logs")


CASES = {
    "empty": lambda: None,
    # CIS alarms judged as a whole
    "alarms-reference": lambda: cis_alarms(),
    "alarms-rewritten": lambda: cis_alarms(patterns={"4.5": TRAIL_CHANGES_REWRITTEN, "4.3": ROOT_REWRITTEN}),
    "alarm-unauthorized-and": lambda: cis_alarms(patterns={"4.1": UNAUTHORIZED_WITH_AND}),
    "alarm-metric-value-0": lambda: cis_alarms(value="0"),
    "alarm-actions-disabled": lambda: cis_alarms(actions_enabled=False),
    "alarm-threshold-100": lambda: cis_alarms(threshold=100),
    "alarm-other-operator": lambda: cis_alarms(comparison_operator="LessThanThreshold"),
    "alarm-other-period": lambda: cis_alarms(period=86400),
    "alarm-other-namespace": lambda: cis_alarms(namespace="Custom"),
    "alarm-to-another-topic-of-the-stack": lambda: cis_alarms(
        export_alert_topic=True, action=aws.sns.Topic("builds", region=HOME, kms_master_key_id=KEY_ARN).arn),
    "alarm-foreign-action": lambda: cis_alarms(action=f"arn:aws:sns:{HOME}:999999999999:elsewhere"),
    # IAM grants
    "role-least-privilege": lambda: inline_grant("logs:PutLogEvents", resource=f"arn:aws:logs:{HOME}:{ACCOUNT}:log-group:/app:*"),
    "role-admin-attachment": admin_by_attachment,
    "role-admin-managed-arns": lambda: role_with(managed_policy_arns=[ADMIN_ARN]),
    "role-admin-customer-policy": admin_by_customer_policy,
    "role-admin-inline": lambda: role_with(inline_policies=[{"name": "all", "policy": doc(
        {"Effect": "Allow", "Action": "*", "Resource": "*"})}]),
    "role-pass-any-role": lambda: inline_grant("iam:PassRole"),
    "role-put-any-policy": lambda: inline_grant("iam:Put*Policy"),
    "monitored-with-pass-any-role": lambda: (cis_alarms(), inline_grant("iam:PassRole")),  # one mandatory violation
    "role-pass-named-role": lambda: inline_grant("iam:PassRole", resource=f"arn:aws:iam::{ACCOUNT}:role/flow-logs"),
    # Secure, ordinary resources that must pass
    "data-events-trail": data_events_trail,
    "management-reads-and-writes": management_reads_and_writes,
    "ec2-instance-role": ec2_instance_role,
    "lambda-role-without-condition": lambda: role_with(condition=False),
    "bucket-inline-arguments": inline_bucket,
    "bucket-inline-without-encryption": lambda: inline_bucket(encryption=False),
    # What the stack claims, and where its logs go
    "bare-member-output": lambda: pulumi.export("role", "member"),
    "member-backed": member_backed,
    "archive-covered": lambda: archive(trail_prefix="org", flow_log_path="vpc-flow-logs"),
    "replication-misses-prefix": lambda: archive(replication_prefix="cloudtrail/"),
    "replication-covers-trail-only": lambda: archive(trail_prefix="org", replication_prefix="org/", flow_log_path="vpc"),
    "lock-one-day-expiry-30": lambda: archive(lock_days=1, expiration_days=30),
    "trail-to-undeclared-bucket": lambda: trail(s3_bucket_name="someone-elses-bucket"),
    "flow-log-to-undeclared-bucket": lambda: aws.ec2.FlowLog(
        "flow-log", region=HOME, vpc_id="vpc-0a1b2c3d4e5f60001", traffic_type="REJECT", log_destination_type="s3",
        log_destination="arn:aws:s3:::shared-network-logs/vpc"),
    "root-rule-enabled": root_activity_rule,
    "root-rule-disabled": lambda: root_activity_rule("DISABLED"),
    "regions-narrowed": lambda: pulumi.export("regions", [HOME]),
    "one-vpc-covered": one_vpc_covered,
}


def build(case: str) -> None:
    if case not in CASES:
        raise ValueError(f"unknown case {case!r}")
    CASES[case]()
