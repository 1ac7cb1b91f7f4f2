"""What each audit control checks, how to fix it, and where it maps in CIS and Security Hub.

Ids are the policy pack's names (AWS Config rule style), so an audit finding and a `check` violation read alike.
Severity follows Security Hub's for the mapped control. CIS numbers are CIS AWS Foundations v1.4.0.
"""

from dataclasses import dataclass, field

from aws_logging_baseline import PROJECT_URL


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


def help_url(control: str) -> str:
    """The control's row in docs/audit.md (each row carries an anchor named after the control)."""
    return f"{PROJECT_URL}/blob/main/docs/audit.md#{control}"


# --- the settings that govern each control: where `audit --format sarif` points in the user's repository -------
# A finding is about a live resource, but code scanning places an alert on a file of the repository it was uploaded
# to. The file that decides what the baseline deploys in an account is the stack file of the program deploying it,
# Pulumi.<stack>.yaml: a result points at the first of its control's settings that the stack sets (most specific
# first), else at the stack's `config:` line (audit/locations.py). An empty tuple: no setting governs the control
# (the baseline cannot fix it). Keys are `baseline:` settings (components/settings.py; tests/audit/test_report.py
# checks each is one, and that a Config rule named here exists in components/catalog/config_rules.yaml).

_TRAIL = ("baseline:orgTrailExists", "baseline:role")  # members rely on the organization trail, the others deploy one
_ARCHIVE = ("baseline:logArchiveBucket", "baseline:logArchiveStack", "baseline:role")
_CONFIG_RULE = ("baseline:configRulesDisabled",)  # the account hygiene the baseline watches with an AWS Config rule

GOVERNED_BY: dict[str, tuple[str, ...]] = {
    "multi-region-cloud-trail-enabled": _TRAIL,
    "cloud-trail-log-file-validation-enabled": _TRAIL,
    "cloud-trail-encryption-enabled": ("baseline:logArchiveKeyArn", *_TRAIL),
    "cloud-trail-cloud-watch-logs-enabled": ("baseline:logRetentionDays", *_TRAIL),
    "cloud-trail-delivery-healthy": ("baseline:logArchiveBucket", "baseline:logArchiveKeyArn", "baseline:logArchiveStack", *_TRAIL),
    "s3-bucket-versioning-enabled": _ARCHIVE,
    "s3-default-encryption-kms": ("baseline:logArchiveKeyArn", *_ARCHIVE),
    "s3-bucket-level-public-access-prohibited": _ARCHIVE,
    "s3-bucket-replication-enabled": ("baseline:replicaAccountId", "baseline:replicaBucketName", "baseline:replicaRegion"),
    "s3-bucket-default-lock-enabled": ("baseline:objectLockEnabled", "baseline:objectLockMode", "baseline:objectLockDays"),
    "cmk-backing-key-rotation-enabled": ("baseline:logArchiveKeyArn", "baseline:role"),
    "config-recorder-enabled": ("baseline:regions", "baseline:configRecordingFrequency"),
    "config-delivery-channel-healthy": ("baseline:configSnapshotFrequency", "baseline:regions"),
    "vpc-flow-logs-enabled": ("baseline:flowLogVpcIds", "baseline:regions", "baseline:flowLogTrafficType"),
    "cis-metric-filters-and-alarms": ("baseline:disabledCisAlarms", "baseline:cisAlarmNamespace"),
    "alarm-topic-has-confirmed-subscription": ("baseline:alertEmails", "baseline:alertHttpsEndpoints"),
    "inspector-enabled": ("baseline:inspectorEnabled", "baseline:inspectorResourceTypes", "baseline:regions"),
    "guardduty-enabled": ("baseline:guardDutyEnabled", "baseline:regions"),
    "securityhub-enabled": ("baseline:securityHubEnabled", "baseline:securityHubStandards", "baseline:regions"),
    "iam-external-access-analyzer-enabled": ("baseline:accessAnalyzerEnabled", "baseline:accessAnalyzerZoneOfTrust", "baseline:regions"),
    "securityhub-findings-aggregated": ("baseline:securityHubEnabled", "baseline:homeRegion", "baseline:regions"),
    "log-store-erasure-denied": ("baseline:breakGlassPrincipalArn",),
    "archive-deletions-recorded": ("baseline:archiveDataEvents",),
    "tamper-events-alerted": ("baseline:disabledSecurityEvents", "baseline:regions"),
    "root-account-mfa-enabled": _CONFIG_RULE,
    "iam-root-access-key-check": (),  # no setting, and no Config rule in the catalog: the root user's own business
    "mfa-enabled-for-iam-console-access": _CONFIG_RULE,
    "access-keys-rotated": _CONFIG_RULE,
    "iam-user-unused-credentials-check": _CONFIG_RULE,
    "iam-password-policy": _CONFIG_RULE,
}
