"""What each audit control checks, how to fix it, and where it maps in CIS and Security Hub.

Ids are the policy pack's names (AWS Config rule style), so an audit finding and a `check` violation read alike.
Severity follows Security Hub's for the mapped control. CIS numbers are CIS AWS Foundations v1.4.0.
"""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Control:
    id: str
    title: str
    severity: str  # critical | high | medium | low
    remediation: str
    frameworks: dict[str, list[str]] = field(default_factory=dict)


def _c(id: str, title: str, severity: str, remediation: str, cis: list[str], sh: list[str]) -> Control:
    return Control(id, title, severity, remediation, {"CIS AWS Foundations v1.4.0": cis, "AWS Security Hub": sh})


CONTROLS: dict[str, Control] = {c.id: c for c in [
    _c("multi-region-cloud-trail-enabled", "A multi-region CloudTrail trail with management events is logging", "high",
       "Create a multi-region trail (IsMultiRegionTrail) with read/write management events and start logging.",
       ["3.1"], ["CloudTrail.1"]),
    _c("cloud-trail-log-file-validation-enabled", "CloudTrail log file validation is enabled", "low",
       "Update the trail with EnableLogFileValidation=true.", ["3.2"], ["CloudTrail.4"]),
    _c("cloud-trail-encryption-enabled", "CloudTrail logs are encrypted with a KMS key", "medium",
       "Update the trail with a customer managed KMS key (KmsKeyId).", ["3.7"], ["CloudTrail.2"]),
    _c("cloud-trail-cloud-watch-logs-enabled", "CloudTrail sends events to CloudWatch Logs", "low",
       "Update the trail with CloudWatchLogsLogGroupArn and CloudWatchLogsRoleArn.", ["3.4"], ["CloudTrail.5"]),
    _c("cloud-trail-delivery-healthy", "CloudTrail delivers logs without errors", "medium",
       "Fix the bucket policy, key policy or CloudWatch Logs role named in the trail's latest delivery error.", [], []),
    _c("s3-bucket-versioning-enabled", "The log archive bucket has versioning enabled", "low",
       "Enable versioning on the archive bucket.", [], ["S3.14"]),
    _c("s3-default-encryption-kms", "The log archive bucket encrypts with SSE-KMS by default", "medium",
       "Set the bucket's default encryption to aws:kms with a customer managed key.", [], ["S3.17"]),
    _c("s3-bucket-level-public-access-prohibited", "The log archive bucket blocks all public access", "high",
       "Turn on all four Block Public Access settings on the archive bucket.", ["3.3"], ["S3.8", "CloudTrail.6"]),
    _c("s3-bucket-replication-enabled", "The log archive bucket replicates to another bucket", "low",
       "Add an enabled replication rule to a bucket in another region or account.", [], ["S3.7"]),
    _c("s3-bucket-default-lock-enabled", "The log archive bucket has Object Lock enabled", "medium",
       "Object Lock can only be enabled on a versioned bucket; enable it and set a default retention.", [], ["S3.15"]),
    _c("cmk-backing-key-rotation-enabled", "The log keys rotate automatically", "medium",
       "Enable automatic rotation on the customer managed key.", ["3.8"], ["KMS.4"]),
    _c("config-recorder-enabled", "An AWS Config recorder is recording in the region", "critical",
       "Create a configuration recorder and start it (StartConfigurationRecorder).", ["3.5"], ["Config.1"]),
    _c("config-delivery-channel-healthy", "AWS Config has a delivery channel whose last delivery succeeded", "medium",
       "Create a delivery channel to the archive bucket and fix the bucket or key policy if delivery fails.", ["3.5"], []),
    _c("vpc-flow-logs-enabled", "Every VPC has an active flow log", "medium",
       "Create a flow log (traffic type ALL or REJECT) for the VPC.", ["3.9"], ["EC2.6"]),
    _c("cis-metric-filters-and-alarms", "The trail's log group has the CIS metric filters and alarms", "low",
       "Add the metric filter on the trail's log group and an alarm on its metric with an SNS action.",
       [f"4.{n}" for n in range(1, 16)], [f"CloudWatch.{n}" for n in range(1, 15)]),
    _c("alarm-topic-has-confirmed-subscription", "The alarm topic has a confirmed subscription", "medium",
       "Subscribe an endpoint to the topic and confirm the subscription.", [f"4.{n}" for n in range(1, 16)], []),
    _c("inspector-enabled", "Amazon Inspector scans EC2, ECR and Lambda in the region", "high",
       "Enable Amazon Inspector (inspector2 Enable) for EC2, ECR and LAMBDA in the region.", [], ["Inspector.1", "Inspector.2", "Inspector.3"]),
    _c("guardduty-enabled", "GuardDuty has an enabled detector in the region", "high",
       "Enable GuardDuty in the region (CreateDetector), or from the delegated administrator auto-enable every member.", [], ["GuardDuty.1"]),
    _c("securityhub-enabled", "Security Hub CSPM is enabled with CIS v5.0.0 and AWS Foundational Security Best Practices", "high",
       "EnableSecurityHub in the region and BatchEnableStandards for the two standards (or a central configuration policy).", [], ["SecurityHub.1"]),
    _c("iam-external-access-analyzer-enabled", "An IAM Access Analyzer external-access analyzer is active in the region", "medium",
       "CreateAnalyzer with type ACCOUNT (or ORGANIZATION in the delegated administrator) in the region.", ["1.20"], ["IAM.28"]),
    _c("securityhub-findings-aggregated", "Security Hub aggregates the findings of every audited region", "low",
       "CreateFindingAggregator in the home region with RegionLinkingMode SPECIFIED_REGIONS listing every other region.", [], []),
    _c("log-store-erasure-denied", "The log archive bucket denies administrators governance bypass and configuration changes", "high",
       "Add a bucket-policy Deny of s3:BypassGovernanceRetention, s3:PutBucketObjectLockConfiguration, s3:PutLifecycleConfiguration, "
       "s3:PutBucketPolicy, s3:DeleteBucketPolicy, s3:PutReplicationConfiguration and s3:DeleteBucket to every principal "
       "but a break-glass role (baseline:breakGlassPrincipalArn).", [], []),
    _c("archive-deletions-recorded", "The trail records deletions and retention changes on the archive, not its deliveries", "medium",
       "Add an advanced event selector: eventCategory Data, resources.type AWS::S3::Object, resources.ARN starting with "
       "the archive, eventName DeleteObject, DeleteObjects, PutObjectRetention, PutObjectLegalHold (never PutObject).", [], []),
    _c("tamper-events-alerted", "Silencing or erasing the logs raises an alert in the region", "medium",
       "Deploy EventBridge rules (with a target) for StopLogging, PutEventSelectors, StopConfigurationRecorder, DeleteFlowLogs, "
       "PutKeyPolicy, PutBucketPolicy and the other calls of catalog/security_events.yaml in every region.", [], []),
    _c("root-account-mfa-enabled", "The root user has MFA", "critical",
       "Sign in as root and assign an MFA device (preferably hardware).", ["1.5", "1.6"], ["IAM.9", "IAM.6"]),
    _c("iam-root-access-key-check", "The root user has no access keys", "critical",
       "Delete the root user's access keys.", ["1.4"], ["IAM.4"]),
    _c("mfa-enabled-for-iam-console-access", "Every IAM user with a console password has MFA", "medium",
       "Assign an MFA device to the user, or remove the console password.", ["1.10"], ["IAM.5"]),
    _c("access-keys-rotated", "Active access keys are younger than 90 days", "medium",
       "Create a new access key, switch to it, then deactivate and delete the old one.", ["1.14"], ["IAM.3"]),
    _c("iam-user-unused-credentials-check", "No password or access key unused for 90 days", "medium",
       "Deactivate or delete the unused password or access key.", ["1.12"], ["IAM.8", "IAM.22"]),
    _c("iam-password-policy", "The account password policy meets CIS (length >= 14, reuse prevention >= 24)", "medium",
       "Set the account password policy: MinimumPasswordLength 14 or more, PasswordReusePrevention 24.", ["1.8", "1.9"], ["IAM.7", "IAM.15", "IAM.16"]),
]}


# --- where each control is deployed: the physical location of `baseline audit --format sarif` results ----------
# Code scanning needs every result to point at a file in the repository. A finding describes a live resource, so it
# points at the code in this repository that deploys the control (what should have made it pass): a path relative
# to the repository root and a text found on exactly one line of that file, which becomes the result's line when
# the report is written (tests/audit/test_report.py checks both). A control the baseline does not deploy points at
# its row in AUDIT_DOC, the documented fallback.

AUDIT_DOC = "docs/audit.md"


@dataclass(frozen=True)
class Deployment:
    path: str  # relative to the repository root, '/'-separated
    anchor: str  # text on exactly one line of the file: the line the result points at


def _documented_only(control_id: str) -> Deployment:
    return Deployment(AUDIT_DOC, f"| `{control_id}` |")


_TRAIL, _BUCKET, _RULES = "aws_logging_baseline/components/trail.py", "aws_logging_baseline/components/secure_bucket.py", "aws_logging_baseline/components/catalog/config_rules.yaml"
_RECORDING = "aws_logging_baseline/components/config_recording.py"

DEPLOYED_BY: dict[str, Deployment] = {
    "multi-region-cloud-trail-enabled": Deployment(_TRAIL, "is_multi_region_trail=True"),
    "cloud-trail-log-file-validation-enabled": Deployment(_TRAIL, "enable_log_file_validation=True"),
    "cloud-trail-encryption-enabled": Deployment(_TRAIL, "kms_key_id=kms_key_arn,"),
    "cloud-trail-cloud-watch-logs-enabled": Deployment(_TRAIL, "cloud_watch_logs_group_arn="),
    "cloud-trail-delivery-healthy": Deployment(_TRAIL, "self.trail = aws.cloudtrail.Trail("),
    "s3-bucket-versioning-enabled": Deployment(_BUCKET, "aws.s3.BucketVersioning("),
    "s3-default-encryption-kms": Deployment(_BUCKET, "aws.s3.BucketServerSideEncryptionConfiguration("),
    "s3-bucket-level-public-access-prohibited": Deployment(_BUCKET, "aws.s3.BucketPublicAccessBlock("),
    "s3-bucket-replication-enabled": Deployment("aws_logging_baseline/components/log_archive.py", "aws.s3.BucketReplicationConfig("),
    "s3-bucket-default-lock-enabled": Deployment(_BUCKET, "aws.s3.BucketObjectLockConfiguration("),
    "cmk-backing-key-rotation-enabled": Deployment("aws_logging_baseline/components/log_key.py", "enable_key_rotation=True"),
    "config-recorder-enabled": Deployment(_RECORDING, "aws.cfg.Recorder("),
    "config-delivery-channel-healthy": Deployment(_RECORDING, "aws.cfg.DeliveryChannel("),
    "vpc-flow-logs-enabled": Deployment("aws_logging_baseline/components/flow_logs.py", "aws.ec2.FlowLog("),
    "cis-metric-filters-and-alarms": Deployment("aws_logging_baseline/components/security_alarms.py",
                                                "self.filters[alarm.id] = aws.cloudwatch.LogMetricFilter("),
    "alarm-topic-has-confirmed-subscription": Deployment("aws_logging_baseline/components/alert_topic.py", "aws.sns.TopicSubscription("),
    "inspector-enabled": Deployment("aws_logging_baseline/components/inspector.py", "aws.inspector2.Enabler("),
    "guardduty-enabled": Deployment("aws_logging_baseline/components/guardduty.py", "detector = aws.guardduty.Detector("),
    "securityhub-enabled": Deployment("aws_logging_baseline/components/security_hub.py", "account = aws.securityhub.Account("),
    "iam-external-access-analyzer-enabled": Deployment("aws_logging_baseline/components/access_analyzer.py", "region: aws.accessanalyzer.Analyzer("),
    "securityhub-findings-aggregated": Deployment("aws_logging_baseline/components/security_hub.py", "self.aggregator = aws.securityhub.FindingAggregator("),
    "log-store-erasure-denied": Deployment("aws_logging_baseline/components/policy_documents.py", "def deny_log_store_erasure("),
    "archive-deletions-recorded": Deployment(_TRAIL, '"name": "Archive deletions and retention changes",'),
    "tamper-events-alerted": Deployment("aws_logging_baseline/components/catalog/security_events.yaml", "- id: log-store-tampering"),
    # Account hygiene the baseline cannot fix, only watch: the AWS Config rule it deploys for the same check.
    "root-account-mfa-enabled": Deployment(_RULES, "- name: root-account-mfa-enabled"),
    "iam-root-access-key-check": _documented_only("iam-root-access-key-check"),  # no Config rule in the catalog
    "mfa-enabled-for-iam-console-access": Deployment(_RULES, "- name: mfa-enabled-for-iam-console-access"),
    "access-keys-rotated": Deployment(_RULES, "- name: access-keys-rotated"),
    "iam-user-unused-credentials-check": Deployment(_RULES, "- name: iam-user-unused-credentials-check"),
    "iam-password-policy": Deployment(_RULES, "- name: iam-password-policy"),
}
