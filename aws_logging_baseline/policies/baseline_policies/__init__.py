"""The pack's policies, one module per concern; metadata comes from ../controls.yaml."""

from . import access_proofs, alarms, analytics, aws_config, cloudtrail, detective, flow_logs, iam, inspector, kms, logs, org_roles, s3, sns, tamper
from . import iam_admin, stack_context
from .catalog import CONTROLS

PACK_NAME = "aws-logging-baseline"
PACK_DESCRIPTION = (
    "Proves the AWS logging & monitoring baseline: CloudTrail, the log archive, KMS, CloudWatch Logs, VPC Flow Logs, "
    "AWS Config, CIS alarms and Amazon Inspector, mapped to CIS AWS Foundations and AWS Security Hub controls."
)

ALL_POLICIES = [
    *cloudtrail.POLICIES,
    *s3.POLICIES,
    *kms.POLICIES,
    *logs.POLICIES,
    *flow_logs.POLICIES,
    *sns.POLICIES,
    *alarms.POLICIES,
    *iam.POLICIES,
    *aws_config.POLICIES,
    *inspector.POLICIES,
    *org_roles.POLICIES,
    *analytics.POLICIES,
    *detective.POLICIES,
    *access_proofs.POLICIES,
    *tamper.POLICIES,
    *iam_admin.POLICIES,
    *stack_context.POLICIES,
]

_names = [p.name for p in ALL_POLICIES]
assert sorted(_names) == sorted(CONTROLS), f"controls.yaml and the policies differ: {set(_names) ^ set(CONTROLS)}"
