"""SNS topics: encrypted with a customer managed key that CloudWatch and EventBridge can use."""

from .catalog import resource_policy

TOPIC = "aws:sns/topic:Topic"


def _encrypted(args, report):
    if args.resource_type != TOPIC:
        return
    key = args.props.get("kmsMasterKeyId")
    if not key:
        report("kmsMasterKeyId is not set: set kms_master_key_id to a customer managed KMS key ARN.")
    elif str(key).endswith("alias/aws/sns"):
        report("kmsMasterKeyId is alias/aws/sns, which CloudWatch alarms and EventBridge cannot use: use a customer managed key.")


POLICIES = [resource_policy("sns-encrypted-kms", _encrypted, [TOPIC])]
