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
