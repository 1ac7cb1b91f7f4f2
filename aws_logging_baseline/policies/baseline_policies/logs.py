"""CloudWatch Logs groups: customer managed encryption and minimum retention."""

from .catalog import resource_policy
from .common import setting

LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"


def _encrypted(args, report):
    if args.resource_type == LOG_GROUP and not args.props.get("kmsKeyId"):
        report("kmsKeyId is not set: set kms_key_id to a customer managed KMS key ARN.")


def _retention(args, report):
    if args.resource_type != LOG_GROUP:
        return
    days = args.props.get("retentionInDays")
    if not days:
        return  # unset or 0: events never expire
    minimum = setting(args, "cw-loggroup-retention-period-check", "minRetentionDays")
    if days < minimum:
        report(f"retentionInDays is {days:g}: set retention_in_days to at least {minimum} (or leave it unset to never expire).")


POLICIES = [
    resource_policy("cloudwatch-log-group-encrypted", _encrypted, [LOG_GROUP]),
    resource_policy("cw-loggroup-retention-period-check", _retention, [LOG_GROUP]),
]
