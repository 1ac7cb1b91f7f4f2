"""Each case is a small Pulumi program (pulumi_aws directly, no components): a compliant or violating setup."""

import json

import pulumi
import pulumi_aws as aws

ACCOUNT = "111111111111"
KEY_ARN = f"arn:aws:kms:us-east-1:{ACCOUNT}:key/0b1c2d3e-0000-4000-8000-000000000001"
HOME, OTHER = "us-east-1", "us-west-2"

# CIS v1.4.0 / Security Hub CloudWatch.x filter patterns as published (aws-controls-facts.md, 1.2 and 1.4).
CIS_PATTERNS = {
    "4.1": '{(($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*")) && (($.sourceIPAddress!="delivery.logs.amazonaws.com") && ($.eventName!="HeadBucket"))}',
    "4.2": '{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") && ($.userIdentity.type = "IAMUser") && ($.responseElements.ConsoleLogin = "Success") }',
    "4.3": '{$.userIdentity.type="Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType !="AwsServiceEvent"}',
    "4.4": "{($.eventSource=iam.amazonaws.com) && (($.eventName=DeleteGroupPolicy) || ($.eventName=DeleteRolePolicy) || ($.eventName=DeleteUserPolicy) || ($.eventName=PutGroupPolicy) || ($.eventName=PutRolePolicy) || ($.eventName=PutUserPolicy) || ($.eventName=CreatePolicy) || ($.eventName=DeletePolicy) || ($.eventName=CreatePolicyVersion) || ($.eventName=DeletePolicyVersion) || ($.eventName=AttachRolePolicy) || ($.eventName=DetachRolePolicy) || ($.eventName=AttachUserPolicy) || ($.eventName=DetachUserPolicy) || ($.eventName=AttachGroupPolicy) || ($.eventName=DetachGroupPolicy))}",
    "4.5": "{($.eventName=CreateTrail) || ($.eventName=UpdateTrail) || ($.eventName=DeleteTrail) || ($.eventName=StartLogging) || ($.eventName=StopLogging)}",
    "4.6": '{($.eventName=ConsoleLogin) && ($.errorMessage="Failed authentication")}',
    "4.7": "{($.eventSource=kms.amazonaws.com) && (($.eventName=DisableKey) || ($.eventName=ScheduleKeyDeletion))}",
    "4.8": "{($.eventSource=s3.amazonaws.com) && (($.eventName=PutBucketAcl) || ($.eventName=PutBucketPolicy) || ($.eventName=PutBucketCors) || ($.eventName=PutBucketLifecycle) || ($.eventName=PutBucketReplication) || ($.eventName=DeleteBucketPolicy) || ($.eventName=DeleteBucketCors) || ($.eventName=DeleteBucketLifecycle) || ($.eventName=DeleteBucketReplication))}",
    "4.9": "{($.eventSource=config.amazonaws.com) && (($.eventName=StopConfigurationRecorder) || ($.eventName=DeleteDeliveryChannel) || ($.eventName=PutDeliveryChannel) || ($.eventName=PutConfigurationRecorder))}",
    "4.10": "{($.eventName=AuthorizeSecurityGroupIngress) || ($.eventName=AuthorizeSecurityGroupEgress) || ($.eventName=RevokeSecurityGroupIngress) || ($.eventName=RevokeSecurityGroupEgress) || ($.eventName=CreateSecurityGroup) || ($.eventName=DeleteSecurityGroup)}",
    "4.11": "{($.eventName=CreateNetworkAcl) || ($.eventName=CreateNetworkAclEntry) || ($.eventName=DeleteNetworkAcl) || ($.eventName=DeleteNetworkAclEntry) || ($.eventName=ReplaceNetworkAclEntry) || ($.eventName=ReplaceNetworkAclAssociation)}",
    "4.12": "{($.eventName=CreateCustomerGateway) || ($.eventName=DeleteCustomerGateway) || ($.eventName=AttachInternetGateway) || ($.eventName=CreateInternetGateway) || ($.eventName=DeleteInternetGateway) || ($.eventName=DetachInternetGateway)}",
    "4.13": "{($.eventSource=ec2.amazonaws.com) && (($.eventName=CreateRoute) || ($.eventName=CreateRouteTable) || ($.eventName=ReplaceRoute) || ($.eventName=ReplaceRouteTableAssociation) || ($.eventName=DeleteRouteTable) || ($.eventName=DeleteRoute) || ($.eventName=DisassociateRouteTable))}",
    "4.14": "{($.eventName=CreateVpc) || ($.eventName=DeleteVpc) || ($.eventName=ModifyVpcAttribute) || ($.eventName=AcceptVpcPeeringConnection) || ($.eventName=CreateVpcPeeringConnection) || ($.eventName=DeleteVpcPeeringConnection) || ($.eventName=RejectVpcPeeringConnection) || ($.eventName=AttachClassicLinkVpc) || ($.eventName=DetachClassicLinkVpc) || ($.eventName=DisableVpcClassicLink) || ($.eventName=EnableVpcClassicLink)}",
    "4.15": '{ ($.eventSource = organizations.amazonaws.com) && (($.eventName = "AcceptHandshake") || ($.eventName = "AttachPolicy") || ($.eventName = "CreateAccount") || ($.eventName = "CreateOrganizationalUnit") || ($.eventName = "CreatePolicy") || ($.eventName = "DeclineHandshake") || ($.eventName = "DeleteOrganization") || ($.eventName = "DeleteOrganizationalUnit") || ($.eventName = "DeletePolicy") || ($.eventName = "DetachPolicy") || ($.eventName = "DisablePolicyType") || ($.eventName = "EnablePolicyType") || ($.eventName = "InviteAccountToOrganization") || ($.eventName = "LeaveOrganization") || ($.eventName = "MoveAccount") || ($.eventName = "RemoveAccountFromOrganization") || ($.eventName = "UpdatePolicy") || ($.eventName = "UpdateOrganizationalUnit") || ($.eventName = "CancelHandshake") || ($.eventName = "CreateOrganization") || ($.eventName = "EnableAllFeatures")) }',
}


def doc(*statements) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def tls_deny(bucket: str) -> dict:
    return {"Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
            "Resource": [f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"],
            "Condition": {"Bool": {"aws:SecureTransport": "false"}}}


def trail(name="trail", bucket="archive", **changes):
    args = dict(
        s3_bucket_name=bucket, region=HOME, is_multi_region_trail=True, enable_log_file_validation=True, kms_key_id=KEY_ARN,
        cloud_watch_logs_group_arn=f"arn:aws:logs:{HOME}:{ACCOUNT}:log-group:/trail:*",
        cloud_watch_logs_role_arn=f"arn:aws:iam::{ACCOUNT}:role/trail-logs", include_global_service_events=True,
    )
    args.update(changes)
    return aws.cloudtrail.Trail(name, **args)


def bucket(name, region=HOME, *, versioning="Enabled", pab=True, ownership="BucketOwnerEnforced", policy=None,
           sse="aws:kms", lock=False):
    aws.s3.Bucket(name, bucket=name, region=region, object_lock_enabled=lock or None)
    if versioning:
        aws.s3.BucketVersioning(f"{name}-versioning", bucket=name, region=region, versioning_configuration={"status": versioning})
    if pab:
        flags = dict(block_public_acls=True, block_public_policy=True, ignore_public_acls=True, restrict_public_buckets=True)
        if pab == "partial":
            flags["restrict_public_buckets"] = False
        aws.s3.BucketPublicAccessBlock(f"{name}-pab", bucket=name, region=region, **flags)
    if ownership:
        aws.s3.BucketOwnershipControls(f"{name}-ownership", bucket=name, region=region, rule={"object_ownership": ownership})
    aws.s3.BucketPolicy(f"{name}-policy", bucket=name, region=region, policy=policy or doc(tls_deny(name)))
    if sse:
        default = {"sse_algorithm": sse, **({"kms_master_key_id": KEY_ARN} if sse == "aws:kms" else {})}
        aws.s3.BucketServerSideEncryptionConfiguration(
            f"{name}-sse", bucket=name, region=region, rules=[{"apply_server_side_encryption_by_default": default}])
    if lock:
        aws.s3.BucketObjectLockConfiguration(f"{name}-lock", bucket=name, region=region,
                                             rule={"default_retention": {"mode": "GOVERNANCE", "days": 365}})


def log_stack(*, archive_sse="aws:kms", access_logging=True, replica_region=OTHER, replicate=True, lock=True):
    """A trail writing to an archive with access logging, cross-region replication and Object Lock."""
    trail()
    bucket("archive", sse=archive_sse, lock=lock, policy=doc(tls_deny("archive"), {
        "Sid": "CloudTrailWrite", "Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"},
        "Action": "s3:PutObject", "Resource": "arn:aws:s3:::archive/*",
        "Condition": {"StringEquals": {"aws:SourceArn": f"arn:aws:cloudtrail:{HOME}:{ACCOUNT}:trail/trail"}}}))
    bucket("access-logs", sse="AES256")
    bucket("replica", region=replica_region, lock=lock)
    if access_logging:
        aws.s3.BucketLogging("archive-logging", bucket="archive", region=HOME, target_bucket="access-logs", target_prefix="s3/")
    if replicate:
        aws.s3.BucketReplicationConfig(
            "archive-replication", bucket="archive", region=HOME, role=f"arn:aws:iam::{ACCOUNT}:role/replication",
            rules=[{"id": "all", "status": "Enabled", "filter": {"prefix": ""},
                    "delete_marker_replication": {"status": "Disabled"},
                    "destination": {"bucket": "arn:aws:s3:::replica"}}])


def alarms(skip=(), actions=True, subscribe=True):
    trail()
    topic = aws.sns.Topic("alerts", region=HOME, kms_master_key_id=KEY_ARN)
    for control_id, pattern in CIS_PATTERNS.items():
        if control_id in skip:
            continue
        metric = "cis-" + control_id.replace(".", "-")
        aws.cloudwatch.LogMetricFilter(
            f"filter-{metric}", region=HOME, log_group_name="/trail", pattern=pattern,
            metric_transformation={"name": metric, "namespace": "CISBenchmark", "value": "1"})
        aws.cloudwatch.MetricAlarm(
            f"alarm-{metric}", region=HOME, metric_name=metric, namespace="CISBenchmark", statistic="Sum", period=300,
            evaluation_periods=1, threshold=1, comparison_operator="GreaterThanOrEqualToThreshold",
            alarm_actions=[topic.arn] if actions else None)
    if subscribe:
        aws.sns.TopicSubscription("alerts-email", region=HOME, topic=topic.arn, protocol="email", endpoint="sec@example.com")


def key(name="key", **changes):
    args = dict(region=HOME, enable_key_rotation=True, deletion_window_in_days=30, policy=doc(
        {"Sid": "Root", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}, "Action": "kms:*", "Resource": "*"},
        {"Sid": "DecryptInAccount", "Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "kms:Decrypt", "Resource": "*",
         "Condition": {"StringEquals": {"kms:CallerAccount": ACCOUNT}}}))
    args.update(changes)
    return aws.kms.Key(name, **args)


def recorders(regions=(HOME, OTHER), status=(HOME, OTHER), global_in=(HOME,), all_supported=True, export=True):
    for region in regions:
        group = {"all_supported": all_supported, "include_global_resource_types": region in global_in}
        if not all_supported:
            group["resource_types"] = ["AWS::S3::Bucket"]
        rec = aws.cfg.Recorder(f"recorder-{region}", name="default", region=region,
                               role_arn=f"arn:aws:iam::{ACCOUNT}:role/config", recording_group=group)
        aws.cfg.DeliveryChannel(f"channel-{region}", name="default", region=region, s3_bucket_name="archive",
                                opts=pulumi.ResourceOptions(depends_on=[rec]))
        if region in status:
            aws.cfg.RecorderStatus(f"status-{region}", name="default", region=region, is_enabled=True,
                                   opts=pulumi.ResourceOptions(depends_on=[rec]))
    if export:
        pulumi.export("regions", [HOME, OTHER])


def inspector(types_by_region):
    for region, types in types_by_region.items():
        aws.inspector2.Enabler(f"inspector-{region}", region=region, account_ids=[ACCOUNT], resource_types=types)
    pulumi.export("regions", [HOME, OTHER])


def role(trust_condition=True, service="lambda.amazonaws.com", action="logs:PutLogEvents"):
    statement = {"Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"}
    if trust_condition:
        statement["Condition"] = {"StringEquals": {"aws:SourceAccount": ACCOUNT}}
    r = aws.iam.Role("role", name="role", assume_role_policy=doc(statement))
    aws.iam.RolePolicy("role-policy", role=r.name, policy=doc({"Effect": "Allow", "Action": action, "Resource": "*"}))


def vpc_with_flow_log(traffic="REJECT", flow_log=True):
    vpc = aws.ec2.Vpc("vpc", region=HOME, cidr_block="10.0.0.0/16")
    if flow_log:
        aws.ec2.FlowLog("vpc-flow-log", region=HOME, vpc_id=vpc.id, traffic_type=traffic, log_destination_type="s3",
                        log_destination="arn:aws:s3:::archive/vpc-flow-logs")


CASES = {
    "empty": lambda: None,
    # CloudTrail
    "trail-good": lambda: trail(),
    "trail-single-region": lambda: trail(is_multi_region_trail=None),
    "trail-not-logging": lambda: trail(enable_logging=False),
    "trail-no-validation": lambda: trail(enable_log_file_validation=None),
    "trail-no-kms": lambda: trail(kms_key_id=None),
    "trail-no-cloudwatch": lambda: trail(cloud_watch_logs_group_arn=None, cloud_watch_logs_role_arn=None),
    "trail-no-global-events": lambda: trail(include_global_service_events=False),
    "trail-excludes-kms-events": lambda: trail(event_selectors=[{
        "read_write_type": "All", "include_management_events": True, "exclude_management_event_sources": ["kms.amazonaws.com"]}]),
    "trail-write-only-advanced": lambda: trail(advanced_event_selectors=[{"name": "mgmt", "field_selectors": [
        {"field": "eventCategory", "equals": ["Management"]}, {"field": "readOnly", "equals": ["false"]}]}]),
    "two-trails": lambda: (trail(), trail("second-trail")),
    # Unknown during preview: the log group's kmsKeyId output is not known until it is created.
    "trail-unknown-kms": lambda: trail(kms_key_id=aws.cloudwatch.LogGroup("lg", region=HOME).kms_key_id),
    # S3
    "log-stack": lambda: log_stack(),
    "versioning-suspended": lambda: bucket("b", versioning="Suspended"),
    "pab-partial": lambda: bucket("b", pab="partial"),
    "ownership-preferred": lambda: bucket("b", ownership="BucketOwnerPreferred"),
    "policy-without-tls-deny": lambda: bucket("b", policy=doc({"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
                                                                "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"})),
    "policy-public-read": lambda: bucket("b", policy=doc(tls_deny("b"), {"Sid": "PublicRead", "Effect": "Allow", "Principal": "*",
                                                                         "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"})),
    "bucket-bare": lambda: aws.s3.Bucket("bare", bucket="bare", region=HOME),
    "archive-sse-s3": lambda: log_stack(archive_sse="AES256"),
    "archive-no-access-logging": lambda: log_stack(access_logging=False),
    "archive-no-replication": lambda: log_stack(replicate=False),
    "replica-same-region": lambda: log_stack(replica_region=HOME),
    "archive-no-object-lock": lambda: log_stack(lock=False),
    # KMS
    "key-good": lambda: key(),
    "key-no-rotation": lambda: key(enable_key_rotation=None),
    "key-short-window": lambda: key(deletion_window_in_days=7),
    "key-wildcard": lambda: key(policy=doc({"Sid": "Anyone", "Effect": "Allow", "Principal": {"AWS": "*"},
                                            "Action": "kms:Decrypt", "Resource": "*"})),
    # CloudWatch Logs
    "log-group-good": lambda: aws.cloudwatch.LogGroup("lg", region=HOME, kms_key_id=KEY_ARN, retention_in_days=365),
    "log-group-plain": lambda: aws.cloudwatch.LogGroup("lg", region=HOME, retention_in_days=30),
    # Flow logs
    "vpc-flow-log-good": lambda: vpc_with_flow_log(),
    "vpc-flow-log-accept": lambda: vpc_with_flow_log(traffic="ACCEPT"),
    "vpc-without-flow-log": lambda: vpc_with_flow_log(flow_log=False),
    "exported-vpc-without-flow-log": lambda: pulumi.export("vpcIds", {HOME: ["vpc-0fixture0001"]}),
    # SNS and alarms
    "topic-good": lambda: aws.sns.Topic("t", region=HOME, kms_master_key_id=KEY_ARN),
    "topic-aws-managed-key": lambda: aws.sns.Topic("t", region=HOME, kms_master_key_id="alias/aws/sns"),
    "alarms-good": lambda: alarms(),
    "alarms-missing-root": lambda: alarms(skip=("4.3",)),
    "alarms-without-actions": lambda: alarms(actions=False),
    "alarm-topic-unsubscribed": lambda: alarms(subscribe=False),
    # IAM
    "role-good": lambda: role(),
    "role-star-action": lambda: role(action="*"),
    "role-trust-without-condition": lambda: role(trust_condition=False),
    # AWS Config
    "config-good": lambda: recorders(),
    "config-not-exported": lambda: recorders(export=False),
    "config-status-missing": lambda: recorders(status=(HOME,)),
    "config-subset": lambda: recorders(all_supported=False),
    "config-global-twice": lambda: recorders(global_in=(HOME, OTHER)),
    "config-global-none": lambda: recorders(global_in=()),
    # Inspector
    "inspector-good": lambda: inspector({HOME: ["EC2", "ECR", "LAMBDA"], OTHER: ["EC2", "ECR", "LAMBDA"]}),
    "inspector-missing-lambda": lambda: inspector({HOME: ["EC2", "ECR", "LAMBDA"], OTHER: ["EC2", "ECR"]}),
    "inspector-classic": lambda: aws.inspector.AssessmentTarget("classic", name="classic"),
}



# --- detective services (issue 18) ---------------------------------------------------------------------------
CIS5 = "standards/cis-aws-foundations-benchmark/v/5.0.0"
FSBP = "standards/aws-foundational-security-best-practices/v/1.0.0"
BASELINE_FEATURES = ("EKS_AUDIT_LOGS", "EBS_MALWARE_PROTECTION", "RDS_LOGIN_EVENTS", "LAMBDA_NETWORK_LOGS")


def detective(*, regions=(HOME, OTHER), detectors=None, export=True, features=BASELINE_FEATURES, hub=None,
              standards=(CIS5, FSBP), aggregate=True, analyzers=None, role=None, auto="ALL", central=True):
    """GuardDuty, Security Hub and Access Analyzer as the baseline declares them (standalone, or role=security)."""
    for region in (regions if detectors is None else detectors):
        detector = aws.guardduty.Detector(f"detector-{region}", region=region, enable=True, finding_publishing_frequency="FIFTEEN_MINUTES")
        for name in ("S3_DATA_EVENTS", "RUNTIME_MONITORING", *BASELINE_FEATURES):
            aws.guardduty.DetectorFeature(f"feature-{region}-{name}", region=region, detector_id=detector.id, name=name,
                                          status="ENABLED" if name in features else "DISABLED")
        if export:
            aws.guardduty.PublishingDestination(f"export-{region}", region=region, detector_id=detector.id, destination_type="S3",
                                                destination_arn="arn:aws:s3:::archive", kms_key_arn=KEY_ARN)
        if role == "security":
            aws.guardduty.OrganizationConfiguration(f"gd-org-{region}", region=region, detector_id=detector.id,
                                                    auto_enable_organization_members=auto)
            for name in features:
                aws.guardduty.OrganizationConfigurationFeature(f"gd-org-{region}-{name}", region=region, detector_id=detector.id,
                                                               name=name, auto_enable="ALL")
    hub_regions = ([HOME] if role == "security" else regions) if hub is None else hub
    accounts = [aws.securityhub.Account(f"hub-{region}", region=region, enable_default_standards=False) for region in hub_regions]
    if role != "security":
        for region in hub_regions:
            for standard in standards:
                aws.securityhub.StandardsSubscription(f"hub-{region}-{standard.split('/')[1]}", region=region,
                                                      standards_arn=f"arn:aws:securityhub:{region}::{standard}")
    if aggregate and accounts:
        aws.securityhub.FindingAggregator("aggregator", region=HOME, linking_mode="SPECIFIED_REGIONS",
                                          specified_regions=[r for r in regions if r != HOME])
    if role == "security" and central:
        org = aws.securityhub.OrganizationConfiguration("hub-org", region=HOME, auto_enable=False, auto_enable_standards="NONE",
                                                        organization_configuration={"configuration_type": "CENTRAL"})
        policy = aws.securityhub.ConfigurationPolicy("hub-policy", region=HOME, name="baseline", configuration_policy={
            "service_enabled": True, "enabled_standard_arns": [f"arn:aws:securityhub:{HOME}::{s}" for s in standards],
            "security_controls_configuration": {"disabled_control_identifiers": []}}, opts=pulumi.ResourceOptions(depends_on=[org]))
        aws.securityhub.ConfigurationPolicyAssociation("hub-root", region=HOME, policy_id=policy.id, target_id="r-abcd")
    for region in (regions if analyzers is None else analyzers):
        aws.accessanalyzer.Analyzer(f"analyzer-{region}", region=region, analyzer_name="external-access", type="ACCOUNT")
    pulumi.export("regions", list(regions))
    if role:
        pulumi.export("role", role)


CASES.update({
    "detective-good": lambda: detective(),
    "detective-guardduty-one-region": lambda: detective(detectors=(HOME,)),
    "detective-no-export": lambda: detective(export=False),
    "detective-no-rds-protection": lambda: detective(features=("EKS_AUDIT_LOGS", "EBS_MALWARE_PROTECTION", "LAMBDA_NETWORK_LOGS")),
    "detective-no-cis": lambda: detective(standards=(FSBP,)),
    "detective-hub-one-region": lambda: detective(hub=(HOME,)),
    "detective-no-aggregator": lambda: detective(aggregate=False),
    "detective-analyzer-one-region": lambda: detective(analyzers=(HOME,)),
    "detective-security-good": lambda: detective(role="security"),
    "detective-security-new-members-only": lambda: detective(role="security", auto="NEW"),
    "detective-security-local-configuration": lambda: detective(role="security", central=False),
    "detective-member": lambda: detective(role="member", detectors=(), hub=()),
})


# --- access proofs (issue 11): statements that look guarded but are open, and delivery paths ---------------
TRAIL_ARN = f"arn:aws:cloudtrail:{HOME}:{ACCOUNT}:trail/trail"


def open_bucket(statement):
    bucket("b", policy=doc(tls_deny("b"), {"Sid": "LooksGuarded", "Effect": "Allow", "Action": "s3:GetObject",
                                           "Resource": "arn:aws:s3:::b/*", **statement}))


def open_key(statement):
    key(policy=doc({"Sid": "Root", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}, "Action": "kms:*",
                    "Resource": "*"}, {"Sid": "LooksGuarded", "Effect": "Allow", "Action": "kms:Decrypt", "Resource": "*", **statement}))


def trust(principal, condition=None):
    statement = {"Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole"}
    if condition:
        statement["Condition"] = condition
    aws.iam.Role("role", name="role", assume_role_policy=doc(statement))


def topic(policy_statement=None):
    t = aws.sns.Topic("alerts", name="alerts", region=HOME, kms_master_key_id=KEY_ARN)
    statements = [{"Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": "*", "Action": "sns:*",
                   "Resource": f"arn:aws:sns:{HOME}:{ACCOUNT}:alerts", "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]
    if policy_statement:
        statements.append(policy_statement)
    aws.sns.TopicPolicy("alerts-policy", arn=t.arn, region=HOME, policy=doc(*statements))


def delivery(acl_check=True, decrypt_in_account=False):
    """A trail into an archive bucket and key of this stack: both CloudTrail requests on the bucket, and its key."""
    root = {"Sid": "Root", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}, "Action": "kms:*", "Resource": "*"}
    trail_key = {"Sid": "CloudTrailEncrypt", "Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"},
                 "Action": ["kms:GenerateDataKey*", "kms:DescribeKey"], "Resource": "*",
                 "Condition": {"StringEquals": {"aws:SourceArn": TRAIL_ARN}}}
    in_account = {"Sid": "DecryptInAccount", "Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "kms:Decrypt", "Resource": "*",
                  "Condition": {"StringEquals": {"kms:CallerAccount": ACCOUNT}}}
    k = aws.kms.Key("archive-key", region=HOME, enable_key_rotation=True,
                    policy=doc(root, trail_key, *([in_account] if decrypt_in_account else [])))
    write = {"Sid": "CloudTrailWrite", "Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"},
             "Action": "s3:PutObject", "Resource": f"arn:aws:s3:::archive/cloudtrail/AWSLogs/{ACCOUNT}/*",
             "Condition": {"StringEquals": {"aws:SourceArn": TRAIL_ARN, "s3:x-amz-acl": "bucket-owner-full-control"}}}
    acl = {"Sid": "CloudTrailAclCheck", "Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"},
           "Action": "s3:GetBucketAcl", "Resource": "arn:aws:s3:::archive", "Condition": {"StringEquals": {"aws:SourceArn": TRAIL_ARN}}}
    aws.s3.Bucket("archive", bucket="archive", region=HOME)
    aws.s3.BucketPolicy("archive-policy", bucket="archive", region=HOME, policy=doc(tls_deny("archive"), write, *([acl] if acl_check else [])))
    aws.cloudtrail.Trail("trail", name="trail", s3_bucket_name="archive", s3_key_prefix="cloudtrail", region=HOME, kms_key_id=k.arn,
                         is_multi_region_trail=True, enable_log_file_validation=True, include_global_service_events=True)


ACCESS_CASES = {
    "bucket-open-ifexists": lambda: open_bucket({"Principal": "*", "Condition": {"StringEqualsIfExists": {"aws:SourceAccount": ACCOUNT}}}),
    "bucket-open-notprincipal": lambda: open_bucket({"NotPrincipal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}}),
    "key-open-principal-arn": lambda: open_key({"Principal": {"AWS": "*"}, "Condition": {"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/x"}}}),
    "key-open-not-caller-account": lambda: open_key({"Principal": {"AWS": "*"}, "Condition": {"StringNotEquals": {"kms:CallerAccount": ACCOUNT}}}),
    "key-scoped-to-account": lambda: open_key({"Principal": {"AWS": "*"}, "Condition": {"StringEquals": {"kms:CallerAccount": ACCOUNT}}}),
    "trust-any-trail": lambda: trust({"Service": "cloudtrail.amazonaws.com"}, {"StringLike": {"aws:SourceArn": "arn:aws:cloudtrail:*:*:trail/*"}}),
    "trust-this-trail": lambda: trust({"Service": "cloudtrail.amazonaws.com"}, {"StringEquals": {"aws:SourceAccount": ACCOUNT, "aws:SourceArn": TRAIL_ARN}}),
    "trust-anyone": lambda: trust({"AWS": "*"}),
    "topic-public": lambda: topic({"Sid": "Anyone", "Effect": "Allow", "Principal": "*", "Action": "sns:*",
                                   "Resource": f"arn:aws:sns:{HOME}:{ACCOUNT}:alerts"}),
    "topic-alarms-only": lambda: topic({"Sid": "Alarms", "Effect": "Allow", "Principal": {"Service": "cloudwatch.amazonaws.com"},
                                        "Action": "sns:Publish", "Resource": f"arn:aws:sns:{HOME}:{ACCOUNT}:alerts",
                                        "Condition": {"StringEquals": {"aws:SourceAccount": ACCOUNT}}}),
    "delivery-good": lambda: delivery(),
    "delivery-no-acl-check": lambda: delivery(acl_check=False),
    "delivery-decrypt-in-account": lambda: delivery(decrypt_in_account=True),
}
CASES.update(ACCESS_CASES)




# --- tamper resistance (issue 12) ----------------------------------------------------------------------
ERASURE = ["s3:BypassGovernanceRetention", "s3:PutBucketObjectLockConfiguration", "s3:PutLifecycleConfiguration",
           "s3:PutBucketPolicy", "s3:DeleteBucketPolicy", "s3:PutReplicationConfiguration", "s3:DeleteBucket"]


def erasure_deny(name, actions=ERASURE, condition=None):
    return {"Sid": "DenyErasure", "Effect": "Deny", "Principal": "*", "Action": list(actions),
            "Resource": [f"arn:aws:s3:::{name}", f"arn:aws:s3:::{name}/*"],
            "Condition": condition or {"ArnNotEquals": {"aws:PrincipalArn": f"arn:aws:iam::{ACCOUNT}:role/break-glass"}}}


def erasure_stack(deny=erasure_deny):
    """An archive and its replica (both log stores), each with the given deny."""
    trail("trail", "archive")
    bucket("archive", policy=doc(tls_deny("archive"), deny("archive")))
    bucket("replica", region=OTHER, policy=doc(tls_deny("replica"), deny("replica")))
    aws.s3.BucketReplicationConfig(
        "archive-replication", bucket="archive", region=HOME, role=f"arn:aws:iam::{ACCOUNT}:role/replication",
        rules=[{"id": "all", "status": "Enabled", "filter": {"prefix": ""}, "delete_marker_replication": {"status": "Disabled"},
                "destination": {"bucket": "arn:aws:s3:::replica"}}])


def archive_selectors(names=("DeleteObject", "DeleteObjects", "PutObjectRetention", "PutObjectLegalHold")):
    fields = [{"field": "eventCategory", "equals": ["Data"]}, {"field": "resources.type", "equals": ["AWS::S3::Object"]},
              {"field": "resources.ARN", "starts_withs": ["arn:aws:s3:::archive/"]}]
    if names:
        fields.append({"field": "eventName", "equals": list(names)})
    return [{"name": "Management events", "field_selectors": [{"field": "eventCategory", "equals": ["Management"]}]},
            {"name": "Archive", "field_selectors": fields}]


CASES.update({
    "erasure-denied": lambda: erasure_stack(),
    "erasure-wildcard-deny": lambda: erasure_stack(lambda n: erasure_deny(n, actions=["s3:Put*", "s3:Delete*", "s3:BypassGovernanceRetention"])),
    "erasure-replica-forgets-bypass": lambda: erasure_stack(
        lambda n: erasure_deny(n, actions=ERASURE[1:]) if n == "replica" else erasure_deny(n)),
    "erasure-deny-only-over-http": lambda: erasure_stack(
        lambda n: erasure_deny(n, condition={"Bool": {"aws:SecureTransport": "false"}})),
    "erasure-not-denied": lambda: erasure_stack(lambda n: {"Sid": "Nothing", "Effect": "Deny", "Principal": "*",
                                                             "Action": "s3:PutBucketAcl", "Resource": f"arn:aws:s3:::{n}"}),
    "trail-archive-deletions": lambda: trail(advanced_event_selectors=archive_selectors()),
    "trail-archive-every-object-event": lambda: trail(advanced_event_selectors=archive_selectors(names=())),
    "trail-archive-basic-data-events": lambda: trail(event_selectors=[{"read_write_type": "All", "include_management_events": True,
                                                                       "data_resources": [{"type": "AWS::S3::Object", "values": ["arn:aws:s3"]}]}]),
    "trail-archive-no-data-events": lambda: trail(),
})


def build(case: str) -> None:
    from analytics_cases import ANALYTICS_CASES  # issue 16's cases, kept in their own file

    CASES.update(ANALYTICS_CASES)
    if case not in CASES:
        raise ValueError(f"unknown case {case!r}")
    CASES[case]()
