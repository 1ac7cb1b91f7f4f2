"""KMS keys: rotation, deletion window, and no key policy statement that lets an outsider use the key."""

from .catalog import resource_policy
from aws_logging_baseline.access.open_grants import open_grants

from .common import policy_document, setting

KEY = "aws:kms/key:Key"
REPLICA_KEY = "aws:kms/replicaKey:ReplicaKey"
KEY_POLICY = "aws:kms/keyPolicy:KeyPolicy"


def _rotation(args, report):
    if args.resource_type != KEY:
        return
    props = args.props
    usage = props.get("keyUsage") or "ENCRYPT_DECRYPT"
    spec = props.get("customerMasterKeySpec") or "SYMMETRIC_DEFAULT"
    if usage != "ENCRYPT_DECRYPT" or spec != "SYMMETRIC_DEFAULT" or props.get("customKeyStoreId"):
        args.not_applicable("only symmetric encryption keys outside custom key stores can rotate automatically")
    if props.get("enableKeyRotation") is not True:
        report("enableKeyRotation is not true (provider default false): set enable_key_rotation=True.")


def _deletion_window(args, report):
    if args.resource_type not in (KEY, REPLICA_KEY):
        return
    minimum = setting(args, "kms-key-deletion-window", "minimumDays")
    days = args.props.get("deletionWindowInDays")
    days = 30 if days is None else days  # the provider's default
    if days < minimum:
        report(f"deletionWindowInDays is {days:g}: set deletion_window_in_days to at least {minimum}.")


def _wildcard_principal(args, report):
    """Judged by evaluation (access/open_grants.py): anonymous callers and principals of another organization
    (whose own IAM allows everything) try each Allow statement; StringNotEquals kms:CallerAccount or a wildcard
    account in aws:PrincipalArn lets them decrypt."""
    if args.resource_type not in (KEY, REPLICA_KEY, KEY_POLICY):
        return
    for grant in open_grants(policy_document(args.props.get("policy")), "key", people_only=True, name="policy"):
        report(
            f"key policy statement {grant.deciding} allows {grant.principal} beyond this account: {grant.describe()}. "
            "Name the principal, or limit it with kms:CallerAccount / aws:PrincipalAccount / aws:PrincipalOrgID (StringEquals)."
        )


POLICIES = [
    resource_policy("cmk-backing-key-rotation-enabled", _rotation, [KEY]),
    resource_policy("kms-key-deletion-window", _deletion_window, [KEY, REPLICA_KEY]),
    resource_policy("kms-no-unconditioned-wildcard-principal", _wildcard_principal, [KEY, REPLICA_KEY, KEY_POLICY]),
]
