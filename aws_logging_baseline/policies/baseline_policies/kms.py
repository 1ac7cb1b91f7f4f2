"""KMS keys: rotation, deletion window, and no wildcard principal without a limiting condition."""

from .catalog import resource_policy
from .common import condition_keys, is_public, policy_document, setting, statements

KEY = "aws:kms/key:Key"
REPLICA_KEY = "aws:kms/replicaKey:ReplicaKey"
KEY_POLICY = "aws:kms/keyPolicy:KeyPolicy"
LIMITING_KEYS = {
    "kms:calleraccount", "aws:principalaccount", "aws:principalorgid", "aws:principalorgpaths", "aws:principalarn",
    "aws:sourceaccount", "aws:sourcearn", "aws:sourceorgid", "aws:sourceorgpaths",
}


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
    if args.resource_type not in (KEY, REPLICA_KEY, KEY_POLICY):
        return
    for index, statement in enumerate(statements(policy_document(args.props.get("policy")))):
        if statement.get("Effect") == "Allow" and is_public(statement) and not condition_keys(statement) & LIMITING_KEYS:
            label = statement.get("Sid") or f"Statement[{index}]"
            report(
                f"key policy statement {label} allows Principal \"*\" without a limiting condition: add "
                "kms:CallerAccount, aws:PrincipalAccount or aws:PrincipalOrgID, or name the principal."
            )


POLICIES = [
    resource_policy("cmk-backing-key-rotation-enabled", _rotation),
    resource_policy("kms-key-deletion-window", _deletion_window),
    resource_policy("kms-no-unconditioned-wildcard-principal", _wildcard_principal),
]
