"""IAM and resource policies: no "*" action, and service principals limited by source conditions."""

from .catalog import resource_policy
from aws_logging_baseline.access.open_grants import open_grants

from .component_data import services_without_source_keys
from .common import as_list, policy_document, setting, statements

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


def _service_conditions(args, report):
    """Judged by evaluation (access/open_grants.py): each service principal asks as it would for ANOTHER account
    (its aws:SourceAccount / aws:SourceArn / aws:SourceOrgID are the outsider's) and with no source at all; a
    statement that still allows it is a confused deputy (IfExists, a wildcard account in aws:SourceArn)."""
    key = SERVICE_DOCUMENTS.get(args.resource_type)
    if key is None:
        return
    kind = {ROLE: "trust"}.get(args.resource_type, "key" if "kms" in args.resource_type else "resource")
    exempt = set(setting(args, "iam-service-principal-source-conditions", "exemptServices")) | services_without_source_keys()
    reported = set()
    for grant in open_grants(policy_document(args.props.get(key)), kind, services_only=True, name=key):
        if grant.service in exempt or (grant.statement, grant.service) in reported:
            continue
        reported.add((grant.statement, grant.service))
        report(
            f"{key} statement {grant.statement} lets {grant.service} act without aws:SourceAccount / aws:SourceArn "
            f"limiting it to this account: {grant.describe()}. Add a Condition StringEquals aws:SourceAccount "
            "(and aws:SourceArn where the service names the caller), never ...IfExists."
        )


POLICIES = [
    resource_policy("iam-no-wildcard-action", _no_wildcard_action, [*IDENTITY_POLICIES, ROLE]),
    resource_policy("iam-service-principal-source-conditions", _service_conditions, SERVICE_DOCUMENTS),
]
