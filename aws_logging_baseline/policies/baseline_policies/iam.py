"""IAM and resource policies: no "*" action, and service principals limited by source conditions."""

from .catalog import resource_policy
from .component_data import services_without_source_keys
from .common import SOURCE_CONDITION_KEYS, as_list, condition_keys, policy_document, principals, setting, statements

IDENTITY_POLICIES = {
    "aws:iam/rolePolicy:RolePolicy": "policy",
    "aws:iam/policy:Policy": "policy",
    "aws:iam/userPolicy:UserPolicy": "policy",
    "aws:iam/groupPolicy:GroupPolicy": "policy",
}
ROLE = "aws:iam/role:Role"
# Every document that can grant a service principal access, by type -> property.
SERVICE_DOCUMENTS = {
    ROLE: "assumeRolePolicy",
    "aws:s3/bucketPolicy:BucketPolicy": "policy",
    "aws:kms/key:Key": "policy",
    "aws:kms/replicaKey:ReplicaKey": "policy",
    "aws:kms/keyPolicy:KeyPolicy": "policy",
    "aws:sns/topic:Topic": "policy",
    "aws:sns/topicPolicy:TopicPolicy": "policy",
    "aws:sqs/queuePolicy:QueuePolicy": "policy",
    "aws:cloudwatch/logResourcePolicy:LogResourcePolicy": "policyDocument",
}


def _documents(args) -> list[tuple[str, dict | None]]:
    props = args.props
    if args.resource_type in IDENTITY_POLICIES:
        return [(IDENTITY_POLICIES[args.resource_type], policy_document(props.get("policy")))]
    if args.resource_type == ROLE:
        return [
            (f"inlinePolicies[{i}]", policy_document(p.get("policy")))
            for i, p in enumerate(as_list(props.get("inlinePolicies")))
        ]
    return []


def _no_wildcard_action(args, report):
    for where, document in _documents(args):
        for index, statement in enumerate(statements(document)):
            actions = [str(a) for a in as_list(statement.get("Action"))]
            if statement.get("Effect") == "Allow" and ("*" in actions or "*:*" in actions):
                label = statement.get("Sid") or f"Statement[{index}]"
                report(f"{where} statement {label} allows Action \"*\": list the actions the principal needs.")


KMS_DOCUMENTS = {"aws:kms/key:Key", "aws:kms/replicaKey:ReplicaKey", "aws:kms/keyPolicy:KeyPolicy"}


def _limited(statement, resource_type: str) -> bool:
    keys = condition_keys(statement)
    if keys & set(SOURCE_CONDITION_KEYS) or any(k.startswith("kms:encryptioncontext:") for k in keys):
        return True
    # AWS documents that EventBridge publishing to an encrypted SNS topic fails with source conditions in the
    # key policy; kms:ViaService (the key used only through SNS of this account's region) is the accepted limit.
    return resource_type in KMS_DOCUMENTS and "kms:viaservice" in keys


def _service_conditions(args, report):
    key = SERVICE_DOCUMENTS.get(args.resource_type)
    if key is None:
        return
    exempt = set(setting(args, "iam-service-principal-source-conditions", "exemptServices")) | services_without_source_keys()
    for index, statement in enumerate(statements(policy_document(args.props.get(key)))):
        services = [s for s in principals(statement).get("Service", []) if s not in exempt]
        if statement.get("Effect") == "Allow" and services and not _limited(statement, args.resource_type):
            label = statement.get("Sid") or f"Statement[{index}]"
            report(
                f"{key} statement {label} lets {', '.join(services)} act without aws:SourceAccount / aws:SourceArn: "
                "add a Condition StringEquals aws:SourceAccount (and aws:SourceArn where the service names the caller)."
            )


POLICIES = [
    resource_policy("iam-no-wildcard-action", _no_wildcard_action),
    resource_policy("iam-service-principal-source-conditions", _service_conditions),
]
