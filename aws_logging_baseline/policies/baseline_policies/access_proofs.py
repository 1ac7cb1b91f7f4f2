"""Access proofs (issue 11): resource policies judged by evaluating them, the way AWS does.

Stack policies: every cataloged service delivery (CloudTrail, Config, Flow Logs, replication, alarms, ...) is
allowed by the documents of the stack, and no outsider can read, decrypt, delete or re-configure a log store
(aws_logging_baseline/access/proofs.py; `check` prints the same proofs). Resource policies: each trust, topic
and queue policy refuses outsiders (aws_logging_baseline/access/open_grants.py); bucket and key policies are
judged the same way in s3.py and kms.py, service-principal statements in iam.py.
"""

import hashlib
import json
from typing import Any

from aws_logging_baseline.access.open_grants import open_grants
from aws_logging_baseline.access.plan import from_stack_args
from aws_logging_baseline.access.proofs import Proofs, prove

from .catalog import resource_policy, stack_policy
from .common import policy_document

_LAST: dict[str, Proofs] = {}


def stack_proofs(args: Any) -> Proofs:
    """The proofs of the stack under analysis; both stack policies of one AnalyzeStack share one evaluation."""
    resources, outputs = from_stack_args(args)
    fingerprint = hashlib.sha256(json.dumps(
        [(r.type, r.urn, r.props) for r in resources] + [outputs], sort_keys=True, default=str
    ).encode()).hexdigest()
    if fingerprint not in _LAST:
        _LAST.clear()
        _LAST[fingerprint] = prove(resources, outputs)
    return _LAST[fingerprint]


def _deliveries(args, report_violation):
    for row in stack_proofs(args).denied:
        report_violation(
            f"{row.writer} cannot deliver to {row.store}: {row.action} on {row.resource} is {row.reason} "
            f"(decided by {', '.join(row.decided_by)}; the request as AWS documents it: {row.source})",
            row.store_urn or None,
        )


def _outsiders(args, report_violation):
    for exposure in stack_proofs(args).exposures:
        for attempt in exposure.open:
            report_violation(
                f"{exposure.store} is open: {attempt.outsider} may {attempt.action} ({attempt.reason})",
                exposure.store_urn or None,
            )


# Trust, topic and queue policies (bucket and key policies: s3.py, kms.py).
DOCUMENTS = {
    "aws:iam/role:Role": ("assumeRolePolicy", "trust"),
    "aws:sns/topic:Topic": ("policy", "resource"),
    "aws:sns/topicPolicy:TopicPolicy": ("policy", "resource"),
    "aws:sqs/queuePolicy:QueuePolicy": ("policy", "resource"),
    "aws:cloudwatch/logResourcePolicy:LogResourcePolicy": ("policyDocument", "resource"),
}


def _resource_policies(args, report):
    found = DOCUMENTS.get(args.resource_type)
    if found is None:
        return
    key, kind = found
    for grant in open_grants(policy_document(args.props.get(key)), kind, people_only=True, name=key):
        report(
            f"{key} statement {grant.deciding} ({grant.principal}) lets {grant.describe()}: name the principals "
            "that need it, or limit the statement with aws:PrincipalOrgID / aws:SourceAccount (StringEquals, not IfExists)."
        )


POLICIES = [
    stack_policy("log-delivery-paths-allowed", _deliveries),
    stack_policy("log-stores-refuse-outsiders", _outsiders),
    resource_policy("resource-policy-refuses-outsiders", _resource_policies, DOCUMENTS),
]
