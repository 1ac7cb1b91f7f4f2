"""A moto-built AWS account for the audit tests: compliant by default, with one named defect on request.

moto lacks a few answers the audit needs; those calls (and only those) are answered by botocore's Stubber:
- inspector2 BatchGetAccountStatus: moto returns no account status, even after Enable;
- config DescribeDeliveryChannelStatus: not implemented in moto;
- iam GetCredentialReport: moto's report has no <root_account> row and its dates cannot be back-dated, so the
  stub serves moto's own report plus a root row, with dates changed where a defect needs an old credential;
- cloudtrail GetTrailStatus, for the delivery-error defect only: moto never reports a delivery error;
- securityhub GetEnabledStandards, ListFindingAggregators, GetFindingAggregator and accessanalyzer ListAnalyzers:
  not implemented in moto (GuardDuty detectors and Security Hub's DescribeHub are moto's own).
"""

import csv
import io
import json
from datetime import datetime, timedelta, timezone

import boto3
import botocore.session
import pytest
from botocore.stub import Stubber
from moto import mock_aws

from aws_logging_baseline.audit import AuditOptions, run_audit

ACCOUNT = "123456789012"
HOME = "us-east-1"
REGIONS = ["us-east-1", "eu-west-1"]
TRAIL = "org-baseline"
BUCKET = "log-archive-123456789012"
LOG_GROUP = "aws-cloudtrail-logs"
BREAK_GLASS = f"arn:aws:iam::{ACCOUNT}:role/break-glass"
ERASURE_ACTIONS = ("s3:BypassGovernanceRetention", "s3:PutBucketObjectLockConfiguration", "s3:PutLifecycleConfiguration",
                   "s3:PutBucketPolicy", "s3:DeleteBucketPolicy", "s3:PutReplicationConfiguration", "s3:DeleteBucket")

# Security Hub CloudWatch.x patterns (the audit must accept them), plus CIS 4.1 and 4.15 which SH lacks.
CIS_PATTERNS = {
    "4.1": '{(($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*")) && '
           '(($.sourceIPAddress!="delivery.logs.amazonaws.com") && ($.eventName!="HeadBucket"))}',
    "4.2": '{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") && '
           '($.userIdentity.type = "IAMUser") && ($.responseElements.ConsoleLogin = "Success") }',
    "4.3": '{$.userIdentity.type="Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType !="AwsServiceEvent"}',
    "4.4": "{($.eventSource=iam.amazonaws.com) && (($.eventName=DeleteGroupPolicy) || ($.eventName=DeleteRolePolicy) || "
           "($.eventName=DeleteUserPolicy) || ($.eventName=PutGroupPolicy) || ($.eventName=PutRolePolicy) || "
           "($.eventName=PutUserPolicy) || ($.eventName=CreatePolicy) || ($.eventName=DeletePolicy) || "
           "($.eventName=CreatePolicyVersion) || ($.eventName=DeletePolicyVersion) || ($.eventName=AttachRolePolicy) || "
           "($.eventName=DetachRolePolicy) || ($.eventName=AttachUserPolicy) || ($.eventName=DetachUserPolicy) || "
           "($.eventName=AttachGroupPolicy) || ($.eventName=DetachGroupPolicy))}",
    "4.5": "{($.eventName=CreateTrail) || ($.eventName=UpdateTrail) || ($.eventName=DeleteTrail) || "
           "($.eventName=StartLogging) || ($.eventName=StopLogging)}",
    "4.6": '{($.eventName=ConsoleLogin) && ($.errorMessage="Failed authentication")}',
    "4.7": "{($.eventSource=kms.amazonaws.com) && (($.eventName=DisableKey) || ($.eventName=ScheduleKeyDeletion))}",
    "4.8": "{($.eventSource=s3.amazonaws.com) && (($.eventName=PutBucketAcl) || ($.eventName=PutBucketPolicy) || "
           "($.eventName=PutBucketCors) || ($.eventName=PutBucketLifecycle) || ($.eventName=PutBucketReplication) || "
           "($.eventName=DeleteBucketPolicy) || ($.eventName=DeleteBucketCors) || ($.eventName=DeleteBucketLifecycle) || "
           "($.eventName=DeleteBucketReplication))}",
    "4.9": "{($.eventSource=config.amazonaws.com) && (($.eventName=StopConfigurationRecorder) || "
           "($.eventName=DeleteDeliveryChannel) || ($.eventName=PutDeliveryChannel) || "
           "($.eventName=PutConfigurationRecorder))}",
    "4.10": "{($.eventName=AuthorizeSecurityGroupIngress) || ($.eventName=AuthorizeSecurityGroupEgress) || "
            "($.eventName=RevokeSecurityGroupIngress) || ($.eventName=RevokeSecurityGroupEgress) || "
            "($.eventName=CreateSecurityGroup) || ($.eventName=DeleteSecurityGroup)}",
    "4.11": "{($.eventName=CreateNetworkAcl) || ($.eventName=CreateNetworkAclEntry) || ($.eventName=DeleteNetworkAcl) || "
            "($.eventName=DeleteNetworkAclEntry) || ($.eventName=ReplaceNetworkAclEntry) || "
            "($.eventName=ReplaceNetworkAclAssociation)}",
    "4.12": "{($.eventName=CreateCustomerGateway) || ($.eventName=DeleteCustomerGateway) || "
            "($.eventName=AttachInternetGateway) || ($.eventName=CreateInternetGateway) || "
            "($.eventName=DeleteInternetGateway) || ($.eventName=DetachInternetGateway)}",
    "4.13": "{($.eventSource=ec2.amazonaws.com) && (($.eventName=CreateRoute) || ($.eventName=CreateRouteTable) || "
            "($.eventName=ReplaceRoute) || ($.eventName=ReplaceRouteTableAssociation) || ($.eventName=DeleteRouteTable) || "
            "($.eventName=DeleteRoute) || ($.eventName=DisassociateRouteTable))}",
    "4.14": "{($.eventName=CreateVpc) || ($.eventName=DeleteVpc) || ($.eventName=ModifyVpcAttribute) || "
            "($.eventName=AcceptVpcPeeringConnection) || ($.eventName=CreateVpcPeeringConnection) || "
            "($.eventName=DeleteVpcPeeringConnection) || ($.eventName=RejectVpcPeeringConnection) || "
            "($.eventName=AttachClassicLinkVpc) || ($.eventName=DetachClassicLinkVpc) || "
            "($.eventName=DisableVpcClassicLink) || ($.eventName=EnableVpcClassicLink)}",
    "4.15": "{ ($.eventSource = organizations.amazonaws.com) && (($.eventName = AcceptHandshake) || "
            "($.eventName = AttachPolicy) || ($.eventName = CancelHandshake) || ($.eventName = CreateAccount) || "
            "($.eventName = CreateOrganization) || ($.eventName = CreateOrganizationalUnit) || "
            "($.eventName = CreatePolicy) || ($.eventName = DeclineHandshake) || ($.eventName = DeleteOrganization) || "
            "($.eventName = DeleteOrganizationalUnit) || ($.eventName = DeletePolicy) || ($.eventName = DetachPolicy) || "
            "($.eventName = DisablePolicyType) || ($.eventName = EnableAllFeatures) || "
            "($.eventName = EnablePolicyType) || ($.eventName = InviteAccountToOrganization) || "
            "($.eventName = LeaveOrganization) || ($.eventName = MoveAccount) || "
            "($.eventName = RemoveAccountFromOrganization) || ($.eventName = UpdatePolicy) || "
            "($.eventName = UpdateOrganizationalUnit)) }",
}


# moto resets boto3's default session on every mock start; a shared loader spares re-parsing the service models.
_LOADER = botocore.session.get_session().get_component("data_loader")


class OnlyStubber(Stubber):
    """botocore's Stubber for the operations queued on it, in any order; every other call still goes to moto.

    Unique event ids let several of them share one client (the account's answers plus a test's errors)."""

    def __init__(self, client):
        super().__init__(client)
        self._event_id = f"only_stubber_{id(self)}"
        self._expected_params_event_id = f"only_stubber_params_{id(self)}"

    def _queued(self, model) -> bool:
        for position, item in enumerate(self._queue):
            if item["operation_name"] == model.name:
                del self._queue[position]
                self._queue.appendleft(item)  # the base class answers from the head of the queue
                return True
        return False

    def _assert_expected_params(self, model, params, context, **kwargs):
        if self._queued(model):
            super()._assert_expected_params(model, params, context, **kwargs)

    def _get_response_handler(self, model, params, context, **kwargs):
        return super()._get_response_handler(model, params, context, **kwargs) if self._queued(model) else None


@pytest.fixture
def aws(monkeypatch):
    """Fake credentials and moto's in-process mock of every service."""
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", HOME)
    monkeypatch.setenv("MOTO_EC2_LOAD_DEFAULT_AMIS", "false")  # the audit needs no AMIs; loading them is slow
    with mock_aws():
        yield


def _iso(days_ago: int) -> str:
    return (datetime.now(timezone.utc) - timedelta(days=days_ago)).strftime("%Y-%m-%dT%H:%M:%S+00:00")


class Account:
    """Builds the account in moto and answers the stubbed calls; `defect` names the one control to break."""

    def __init__(self, defect: str | None = None, regions: list[str] = REGIONS, endpoint_url: str | None = None):
        self.defect, self.regions, self.endpoint_url = defect, regions, endpoint_url
        self.defect_region = regions[-1]  # where a regional defect goes
        self.key_arn = ""
        self.build()

    def client(self, service: str, region: str = HOME):
        if not hasattr(self, "_session"):
            core = botocore.session.get_session()
            core.register_component("data_loader", _LOADER)
            self._session = boto3.Session(botocore_session=core)
        return self._session.client(service, region_name=region, endpoint_url=self.endpoint_url)

    # --- building -------------------------------------------------------------------------------------------
    def build(self) -> None:
        self._key()
        self._bucket()
        self._trail()
        self._alarms()
        for region in self.regions:
            self._config(region)
            self._flow_logs(region)
            self._detective(region)
            self._tamper_events(region)
        self._iam()

    def _key(self) -> None:
        kms = self.client("kms")
        self.key_arn = kms.create_key(Description="log key")["KeyMetadata"]["Arn"]
        if self.defect != "cmk-backing-key-rotation-enabled":
            kms.enable_key_rotation(KeyId=self.key_arn)

    def _bucket(self) -> None:
        s3 = self.client("s3")
        s3.create_bucket(Bucket=BUCKET, ObjectLockEnabledForBucket=self.defect != "s3-bucket-default-lock-enabled")
        s3.put_bucket_versioning(Bucket=BUCKET, VersioningConfiguration={"Status": "Enabled"})
        if self.defect != "s3-bucket-default-lock-enabled":
            s3.put_object_lock_configuration(Bucket=BUCKET, ObjectLockConfiguration={
                "ObjectLockEnabled": "Enabled", "Rule": {"DefaultRetention": {"Mode": "GOVERNANCE", "Days": 365}}})
        default = ({"SSEAlgorithm": "AES256"} if self.defect == "s3-default-encryption-kms"
                   else {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": self.key_arn})
        s3.put_bucket_encryption(Bucket=BUCKET, ServerSideEncryptionConfiguration={
            "Rules": [{"ApplyServerSideEncryptionByDefault": default}]})
        s3.put_public_access_block(Bucket=BUCKET, PublicAccessBlockConfiguration={
            "BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True,
            "RestrictPublicBuckets": self.defect != "s3-bucket-level-public-access-prohibited"})
        if self.defect != "s3-bucket-replication-enabled":
            replica = self.client("s3", "eu-west-1")
            replica.create_bucket(Bucket=f"{BUCKET}-replica",
                                  CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
            replica.put_bucket_versioning(Bucket=f"{BUCKET}-replica", VersioningConfiguration={"Status": "Enabled"})
            s3.put_bucket_replication(Bucket=BUCKET, ReplicationConfiguration={
                "Role": f"arn:aws:iam::{ACCOUNT}:role/replication",
                "Rules": [{"ID": "all", "Priority": 1, "Status": "Enabled", "Filter": {"Prefix": ""},
                           "DeleteMarkerReplication": {"Status": "Disabled"},
                           "Destination": {"Bucket": f"arn:aws:s3:::{BUCKET}-replica"}}]})
        statements = [{"Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
                       "Resource": [f"arn:aws:s3:::{BUCKET}", f"arn:aws:s3:::{BUCKET}/*"],
                       "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]
        if self.defect != "log-store-erasure-denied":
            statements.append({"Sid": "DenyLogStoreErasureExceptBreakGlass", "Effect": "Deny", "Principal": "*",
                               "Action": list(ERASURE_ACTIONS), "Resource": [f"arn:aws:s3:::{BUCKET}", f"arn:aws:s3:::{BUCKET}/*"],
                               "Condition": {"ArnNotEquals": {"aws:PrincipalArn": BREAK_GLASS}}})
        else:  # a deny that forgets governance bypass: still a failure
            statements.append({"Sid": "DenyPolicyChanges", "Effect": "Deny", "Principal": "*",
                               "Action": ["s3:PutBucketPolicy", "s3:DeleteBucketPolicy"], "Resource": f"arn:aws:s3:::{BUCKET}",
                               "Condition": {"ArnNotEquals": {"aws:PrincipalArn": BREAK_GLASS}}})
        s3.put_bucket_policy(Bucket=BUCKET, Policy=json.dumps({"Version": "2012-10-17", "Statement": statements}))
        if self.defect == "s3-bucket-versioning-enabled":
            # Last, because lock and replication need versioning on (AWS itself refuses this on a locked bucket).
            s3.put_bucket_versioning(Bucket=BUCKET, VersioningConfiguration={"Status": "Suspended"})

    def _trail(self) -> None:
        logs = self.client("logs")
        logs.create_log_group(logGroupName=LOG_GROUP)
        group_arn = f"arn:aws:logs:{HOME}:{ACCOUNT}:log-group:{LOG_GROUP}:*"
        args = {"Name": TRAIL, "S3BucketName": BUCKET, "IsMultiRegionTrail": True,
                "EnableLogFileValidation": self.defect != "cloud-trail-log-file-validation-enabled"}
        if self.defect != "cloud-trail-encryption-enabled":
            args["KmsKeyId"] = self.key_arn
        if self.defect != "cloud-trail-cloud-watch-logs-enabled":
            args.update(CloudWatchLogsLogGroupArn=group_arn,
                        CloudWatchLogsRoleArn=f"arn:aws:iam::{ACCOUNT}:role/cloudtrail-to-logs")
        cloudtrail = self.client("cloudtrail")
        cloudtrail.create_trail(**args)
        management = [{"Field": "eventCategory", "Equals": ["Management"]}]
        if self.defect == "multi-region-cloud-trail-enabled":
            management.append({"Field": "readOnly", "Equals": ["true"]})
        archive = [{"Field": "eventCategory", "Equals": ["Data"]}, {"Field": "resources.type", "Equals": ["AWS::S3::Object"]},
                   {"Field": "resources.ARN", "StartsWith": [f"arn:aws:s3:::{BUCKET}/"]}]
        if self.defect != "archive-deletions-recorded":  # the defect: every object event of the archive, PutObject too
            archive.append({"Field": "eventName", "Equals": ["DeleteObject", "DeleteObjects", "PutObjectRetention", "PutObjectLegalHold"]})
        cloudtrail.put_event_selectors(TrailName=TRAIL, AdvancedEventSelectors=[
            {"Name": "Management events", "FieldSelectors": management},
            {"Name": "Archive deletions and retention changes", "FieldSelectors": archive}])
        cloudtrail.start_logging(Name=TRAIL)

    def _alarms(self) -> None:
        sns, logs, cloudwatch = self.client("sns"), self.client("logs"), self.client("cloudwatch")
        topic = sns.create_topic(Name="security-alarms")["TopicArn"]
        if self.defect != "alarm-topic-has-confirmed-subscription":
            self.client("sqs").create_queue(QueueName="alarm-inbox")
            sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=f"arn:aws:sqs:{HOME}:{ACCOUNT}:alarm-inbox")
        for number, pattern in CIS_PATTERNS.items():
            if self.defect == "cis-metric-filters-and-alarms" and number == "4.3":
                continue  # no filter at all for root usage
            metric = f"cis-{number.replace('.', '-')}"
            logs.put_metric_filter(logGroupName=LOG_GROUP, filterName=metric, filterPattern=pattern,
                                   metricTransformations=[{"metricName": metric, "metricNamespace": "CISBenchmark",
                                                           "metricValue": "1"}])
            if self.defect == "cis-metric-filters-and-alarms" and number == "4.10":
                continue  # a filter without an alarm
            cloudwatch.put_metric_alarm(AlarmName=f"{metric}-alarm", MetricName=metric, Namespace="CISBenchmark",
                                        Statistic="Sum", Period=300, EvaluationPeriods=1, Threshold=1,
                                        ComparisonOperator="GreaterThanOrEqualToThreshold", AlarmActions=[topic])

    def _tamper_events(self, region: str) -> None:
        """One rule with a target per region alerting on the silencing and erasing calls (the defect region's
        rule forgets PutEventSelectors)."""
        names = ["StopLogging", "DeleteTrail", "UpdateTrail", "PutEventSelectors", "PutInsightSelectors",
                 "StopConfigurationRecorder", "DeleteConfigurationRecorder", "DeleteDeliveryChannel", "DeleteFlowLogs",
                 "PutKeyPolicy", "DisableKey", "ScheduleKeyDeletion", "PutBucketPolicy", "DeleteBucketPolicy",
                 "PutBucketLifecycle", "PutObjectLockConfiguration", "PutBucketReplication", "DeleteBucketReplication",
                 "DeleteMetricFilter", "DeleteLogGroup", "PutRetentionPolicy"]
        if self.defect == "tamper-events-alerted" and region == self.defect_region:
            names.remove("PutEventSelectors")
        events = self.client("events", region)
        events.put_rule(Name="tamper-alerts", State="ENABLED", EventPattern=json.dumps(
            {"detail-type": ["AWS API Call via CloudTrail"], "detail": {"eventName": names}}))
        events.put_rule(Name="no-target", State="ENABLED", EventPattern=json.dumps(
            {"detail-type": ["AWS API Call via CloudTrail"], "detail": {"eventName": ["PutEventSelectors"]}}))
        events.put_targets(Rule="tamper-alerts", Targets=[{"Id": "topic", "Arn": f"arn:aws:sns:{HOME}:{ACCOUNT}:security-alarms"}])

    def _config(self, region: str) -> None:
        config = self.client("config", region)
        config.put_configuration_recorder(ConfigurationRecorder={
            "name": "default", "roleARN": f"arn:aws:iam::{ACCOUNT}:role/aws-service-role/config.amazonaws.com/x",
            "recordingGroup": {"allSupported": True, "includeGlobalResourceTypes": region == HOME}})
        config.put_delivery_channel(DeliveryChannel={"name": "default", "s3BucketName": BUCKET})
        if not (self.defect == "config-recorder-enabled" and region == self.defect_region):
            config.start_configuration_recorder(ConfigurationRecorderName="default")

    def _flow_logs(self, region: str) -> None:
        ec2 = self.client("ec2", region)
        vpc_ids = [v["VpcId"] for v in ec2.describe_vpcs()["Vpcs"]]
        ec2.create_flow_logs(ResourceIds=vpc_ids, ResourceType="VPC", TrafficType="ALL", LogDestinationType="s3",
                             LogDestination=f"arn:aws:s3:::{BUCKET}")
        if self.defect == "vpc-flow-logs-enabled" and region == self.defect_region:
            self.uncovered_vpc = ec2.create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"]  # nobody gave it a flow log

    def _iam(self) -> None:
        iam = self.client("iam")
        policy = {"MinimumPasswordLength": 8 if self.defect == "iam-password-policy" else 14,
                  "PasswordReusePrevention": 24, "RequireSymbols": True}
        iam.update_account_password_policy(**policy)
        for name in ("alice", "bob"):
            iam.create_user(UserName=name)
            iam.create_login_profile(UserName=name, Password="Correct-Horse-9-Battery")
            if name == "bob" and self.defect == "mfa-enabled-for-iam-console-access":
                continue
            serial = iam.create_virtual_mfa_device(VirtualMFADeviceName=name)["VirtualMFADevice"]["SerialNumber"]
            iam.enable_mfa_device(UserName=name, SerialNumber=serial, AuthenticationCode1="123456",
                                  AuthenticationCode2="654321")
        iam.create_user(UserName="deployer")
        iam.create_access_key(UserName="deployer")

    def _detective(self, region: str) -> None:
        if not (self.defect == "guardduty-enabled" and region == self.defect_region):
            self.client("guardduty", region).create_detector(Enable=True, FindingPublishingFrequency="FIFTEEN_MINUTES")
        self.client("securityhub", region).enable_security_hub(EnableDefaultStandards=False)

    # --- stubbed answers ----------------------------------------------------------------------------------------
    def credential_report(self) -> bytes:
        iam = self.client("iam")
        iam.generate_credential_report()
        rows = list(csv.DictReader(io.StringIO(iam.get_credential_report()["Content"].decode())))
        fields = list(rows[0].keys())
        root = dict.fromkeys(fields, "N/A")
        root.update(user="<root_account>", arn=f"arn:aws:iam::{ACCOUNT}:root", user_creation_time=_iso(900),
                    password_enabled="not_supported", password_last_used=_iso(400), mfa_active="true",
                    access_key_1_active="false", access_key_2_active="false")
        if self.defect == "root-account-mfa-enabled":
            root["mfa_active"] = "false"
        if self.defect == "iam-root-access-key-check":
            root.update(access_key_1_active="true", access_key_1_last_rotated=_iso(10),
                        access_key_1_last_used_date=_iso(1))
        for row in rows:
            if row["password_enabled"] == "true":
                row["password_last_used"] = _iso(130 if self.defect == "iam-user-unused-credentials-check"
                                                 and row["user"] == "alice" else 2)
            if row["user"] == "deployer":
                row["access_key_1_last_used_date"] = _iso(1)
                if self.defect == "access-keys-rotated":
                    row["access_key_1_last_rotated"] = _iso(200)
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows([root, *rows])
        return out.getvalue().encode()

    def inspector_status(self, region: str) -> dict:
        lambda_status = "DISABLED" if self.defect == "inspector-enabled" and region == self.defect_region else "ENABLED"
        def state(status: str) -> dict:  # the model requires errorCode/errorMessage even on success
            return {"status": status, "errorCode": "ALREADY_ENABLED", "errorMessage": "ok"}

        resources = {"ec2": state("ENABLED"), "ecr": state("ENABLED"), "lambda": state(lambda_status)}
        return {"accounts": [{"accountId": ACCOUNT, "state": state("ENABLED"), "resourceState": resources}],
                "failedAccounts": []}

    def delivery_status(self, region: str) -> dict:
        failing = self.defect == "config-delivery-channel-healthy" and region == self.defect_region
        info = ({"lastStatus": "FAILURE", "lastErrorCode": "AccessDenied", "lastErrorMessage": "Access Denied"}
                if failing else {"lastStatus": "SUCCESS"})
        return {"DeliveryChannelsStatus": [{"name": "default", "configSnapshotDeliveryInfo": {"lastStatus": "SUCCESS"},
                                            "configHistoryDeliveryInfo": info}]}

    def enabled_standards(self, region: str) -> dict:
        ends = ["aws-foundational-security-best-practices/v/1.0.0"]
        if not (self.defect == "securityhub-enabled" and region == self.defect_region):
            ends.append("cis-aws-foundations-benchmark/v/5.0.0")
        return {"StandardsSubscriptions": [
            {"StandardsSubscriptionArn": f"arn:aws:securityhub:{region}:{ACCOUNT}:subscription/{end}",
             "StandardsArn": f"arn:aws:securityhub:{region}::standards/{end}", "StandardsInput": {}, "StandardsStatus": "READY"}
            for end in ends]}

    def analyzers(self, region: str) -> dict:
        if self.defect == "iam-external-access-analyzer-enabled" and region == self.defect_region:
            return {"analyzers": []}
        return {"analyzers": [{"arn": f"arn:aws:access-analyzer:{region}:{ACCOUNT}:analyzer/baseline-external-access-account",
                               "name": "baseline-external-access-account", "type": "ACCOUNT",
                               "createdAt": datetime.now(timezone.utc), "status": "ACTIVE"}]}

    def stub(self, client, service: str, region: str) -> None:
        """Client hook: queue the stubbed answers on each client the audit creates."""
        stubber = OnlyStubber(client)
        if service == "inspector2":
            stubber.add_response("batch_get_account_status", self.inspector_status(region))
        elif service == "config":
            stubber.add_response("describe_delivery_channel_status", self.delivery_status(region))
        elif service == "iam":
            stubber.add_response("get_credential_report", {"Content": self.credential_report(), "ReportFormat": "text/csv",
                                                           "GeneratedTime": datetime.now(timezone.utc)})
        elif service == "securityhub":
            stubber.add_response("get_enabled_standards", self.enabled_standards(region))
            aggregator = f"arn:aws:securityhub:{HOME}:{ACCOUNT}:finding-aggregator/baseline"
            if self.defect == "securityhub-findings-aggregated":
                stubber.add_response("list_finding_aggregators", {"FindingAggregators": []})
            else:
                stubber.add_response("list_finding_aggregators", {"FindingAggregators": [{"FindingAggregatorArn": aggregator}]})
                stubber.add_response("get_finding_aggregator", {
                    "FindingAggregatorArn": aggregator, "FindingAggregationRegion": HOME, "RegionLinkingMode": "SPECIFIED_REGIONS",
                    "Regions": [r for r in self.regions if r != HOME]})
        elif service == "accessanalyzer":
            stubber.add_response("list_analyzers", self.analyzers(region))
        elif service == "cloudtrail" and self.defect == "cloud-trail-delivery-healthy":
            stubber.add_response("get_trail_status", {
                "IsLogging": True, "LatestDeliveryError": "AccessDenied", "LatestDeliveryTime": datetime.now(timezone.utc)})
        stubber.activate()

    def audit(self, **options):
        return run_audit(AuditOptions(regions=self.regions, hooks=[*options.pop("hooks", []), self.stub], **options))


@pytest.fixture
def build(aws):
    return Account


def statuses(report) -> dict[str, set[str]]:
    """control id -> the set of statuses its findings have."""
    out: dict[str, set[str]] = {}
    for finding in report.findings:
        out.setdefault(finding.control, set()).add(finding.status)
    return out


def failing(report) -> set[str]:
    return {f.control for f in report.findings if f.status != "pass"}



def reset_moto(url: str) -> None:
    """A moto server shares its backends with every other moto server of this process: start from nothing, so
    one module's account does not meet another's bucket (BucketAlreadyOwnedByYou)."""
    import urllib.request

    urllib.request.urlopen(urllib.request.Request(f"{url}/moto-api/reset", method="POST"), timeout=30).close()
