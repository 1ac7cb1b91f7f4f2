"""Access proofs on the project's own stacks: every cataloged delivery is allowed and every outsider refused, by
evaluating the plan's documents; mutating one condition flips exactly the expected cells."""

import json
from dataclasses import replace
from functools import lru_cache

import pytest

from aws_logging_baseline.access.plan import PlanResource, from_run
from aws_logging_baseline.access.proofs import load_catalog, prove
from tests.engine_helpers import example, run_baseline
from tests.org.org_helpers import ROLES, role_run

STACKS = ("example", *ROLES)


@lru_cache(maxsize=None)
def plan_of(stack: str):
    return from_run(example() if stack == "example" else role_run(stack))


@lru_cache(maxsize=None)
def proofs_of(stack: str):
    return prove(*plan_of(stack))


def cells(proofs) -> dict[tuple, bool]:
    """Every decision of a proof: (delivery id, store, action, resource) and (store, outsider, action) -> allowed."""
    found = {("delivery", d.id, d.store, d.action, d.resource): d.allowed for d in proofs.deliveries}
    for exposure in proofs.exposures:
        for a in exposure.attempts:
            key = ("exposure", exposure.store, a.outsider, a.action)
            found[key] = found.get(key, False) or a.allowed
    return found


# What each stack must prove: the deliveries whose stores it holds.
EXPECTED = {
    "example": {
        "cloudtrail-archive-acl-check", "cloudtrail-archive-write", "cloudtrail-key-encrypt", "cloudtrail-key-describe",
        "cloudtrail-assumes-logs-role", "cloudtrail-writes-log-group", "logs-key-encrypt", "config-archive-acl-check",
        "config-archive-write", "config-key-encrypt", "flow-logs-archive-acl-check", "flow-logs-archive-write",
        "flow-logs-key-encrypt", "replication-assumes-role", "replication-reads-source", "replication-decrypts-source",
        "replication-encrypts-replica", "replication-writes-replica", "access-logging-write", "alarm-publishes-alert",
        "alarm-uses-topic-key", "rule-publishes-alert", "rule-uses-topic-key", "forwarding-assumes-role",
        "forwarding-puts-events", "config-invokes-rule-function", "guardduty-archive-location", "guardduty-archive-write",
        "guardduty-key-encrypt",
    },
    "log-archive": {
        "org-trail-archive-acl-check", "org-trail-archive-write", "member-trail-archive-write", "org-trail-key-encrypt",
        "org-trail-key-describe", "config-archive-acl-check", "config-archive-write", "config-key-encrypt",
        "flow-logs-archive-acl-check", "flow-logs-archive-write", "flow-logs-key-encrypt", "replication-assumes-role",
        "replication-reads-source", "replication-decrypts-source", "replication-encrypts-replica",
        "replication-writes-replica", "access-logging-write",
        # the security account's GuardDuty exports the organization's findings here
        "guardduty-archive-location", "guardduty-archive-write", "guardduty-key-encrypt",
        # tamper events of the log stores are recorded here: its own alert topic and key, forwarding
        "rule-publishes-alert", "rule-uses-topic-key", "forwarding-assumes-role", "forwarding-puts-events",
    },
    "management": {
        "cloudtrail-assumes-logs-role", "cloudtrail-writes-log-group", "logs-key-encrypt", "alarm-publishes-alert",
        "alarm-uses-topic-key", "rule-publishes-alert", "rule-uses-topic-key", "forwarding-assumes-role",
        "forwarding-puts-events", "config-invokes-rule-function",
    },
}
EXPECTED["security"] = EXPECTED["member"] = {"logs-key-encrypt", "rule-publishes-alert", "rule-uses-topic-key",
                                             "forwarding-assumes-role", "forwarding-puts-events", "config-invokes-rule-function",
                                             # the alarm on the credentials-hygiene rule's Lambda errors
                                             "alarm-publishes-alert", "alarm-uses-topic-key"}
# Two access-log buckets: the archive's, and the replica's in the replica's region (S3 logs to a bucket of the
# source's region); the Athena query results bucket of analytics.
STORES = {
    "example": ["access-log bucket", "access-log bucket", "archive bucket", "query results bucket", "replica bucket",
                "archive key", "replica key", "alert topic"],
    "log-archive": ["access-log bucket", "access-log bucket", "archive bucket", "query results bucket", "replica bucket",
                    "alert topic key", "archive key", "replica key", "alert topic"],
    "management": ["alert topic key", "alert topic"],
}
STORES["security"] = STORES["member"] = STORES["management"]


@pytest.mark.parametrize("stack", STACKS)
def test_every_cataloged_delivery_is_allowed(stack):
    proofs = proofs_of(stack)
    assert {d.id for d in proofs.deliveries} == EXPECTED[stack]
    assert [(d.id, d.action, d.reason) for d in proofs.deliveries if not d.allowed] == []
    for d in proofs.deliveries:  # a service's grant is a statement of the store's own document, named
        assert d.reason.startswith("allowed by "), d


def what_store(label: str) -> str:
    """ "archive bucket acme-log-archive-..." -> "archive bucket"; "archive key (us-east-1)" -> "archive key"."""
    return label.split(" (")[0].split(" baseline-")[0].split(" acme-")[0]


@pytest.mark.parametrize("stack", STACKS)
def test_every_outsider_is_refused(stack):
    proofs = proofs_of(stack)
    assert [what_store(e.store) for e in proofs.exposures] == STORES[stack]
    for exposure in proofs.exposures:
        assert exposure.open == [], (exposure.store, exposure.summary())
        outsiders = {a.outsider for a in exposure.attempts}
        assert outsiders == {"anonymous", "another account", "another organization", "a principal of this account with no grant"}


def test_every_cataloged_delivery_is_proven_by_some_stack():
    """The union of the stacks covers the catalog, except the flow logs' CloudWatch Logs paths (proven below)."""
    proven = set().union(*EXPECTED.values())
    catalog = {entry["id"] for entry in load_catalog()["deliveries"]}
    assert catalog - proven == {"flow-logs-assume-delivery-role", "flow-logs-write-log-group"}


def test_flow_logs_to_cloudwatch_logs_through_their_role_and_regional_keys():
    proofs = prove(*from_run(run_baseline(flowLogDestination="cloud-watch-logs")))
    rows = [d for d in proofs.deliveries if d.id in ("flow-logs-assume-delivery-role", "flow-logs-write-log-group", "logs-key-encrypt")]
    assert {d.id for d in rows} == {"flow-logs-assume-delivery-role", "flow-logs-write-log-group", "logs-key-encrypt"}
    assert all(d.allowed for d in rows), [d.reason for d in rows if not d.allowed]
    regions = {d.store.split("(")[-1].rstrip(")") for d in rows if d.id == "flow-logs-write-log-group"}
    assert len(regions) == 17  # one log group per configured region, each written through the one role
    assert all(not e.open for e in proofs.exposures)


# --- mutations: one condition changed, exactly the expected cells flip ----------------------------------------

def mutated(stack: str, type_: str, name_contains: str, key: str, change) -> list[PlanResource]:
    resources, _ = plan_of(stack)
    out, hits = [], 0
    for r in resources:
        if r.type == type_ and name_contains in r.name:
            document = json.loads(r.props[key])
            change(document)
            r = replace(r, props={**r.props, key: json.dumps(document)})
            hits += 1
        out.append(r)
    assert hits == 1
    return out


def flipped(stack: str, resources) -> dict[tuple, bool]:
    before, after = cells(proofs_of(stack)), cells(prove(resources, plan_of(stack)[1]))
    assert before.keys() == after.keys()
    return {k: after[k] for k in before if before[k] != after[k]}


def object_arn_context(document):
    """The replication policy before issue 11: the KMS context conditioned on OBJECT ARNs (bucket/*) only."""
    for statement in document["Statement"]:
        like = statement.get("Condition", {}).get("StringLike", {})
        if "kms:EncryptionContext:aws:s3:arn" in like:
            like["kms:EncryptionContext:aws:s3:arn"] = [v for v in like["kms:EncryptionContext:aws:s3:arn"] if v.endswith("/*")]


@pytest.mark.parametrize("stack", ["example", "log-archive"])
def test_replication_context_back_to_object_arns_denies_exactly_the_two_kms_requests(stack):
    """With S3 Bucket Keys, S3 asks KMS with the bucket ARN as context
    (https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucket-key.html): `bucket/*` matches no request."""
    resources = mutated(stack, "aws:iam/rolePolicy:RolePolicy", "replication-policy", "policy", object_arn_context)
    changes = flipped(stack, resources)
    assert {(k[1], k[3]) for k in changes} == {
        ("replication-decrypts-source", "kms:Decrypt"),
        ("replication-encrypts-replica", "kms:Encrypt"),
        ("replication-encrypts-replica", "kms:GenerateDataKey"),
    }
    assert set(changes.values()) == {False}
    denied = [d for d in prove(resources, plan_of(stack)[1]).denied]
    assert all("closest: statement" in d.reason or "EncryptionContext" in d.reason for d in denied), [d.reason for d in denied]


def test_account_wide_decrypt_statement_opens_the_archive_key_to_principals_without_a_grant():
    """The key statement before issue 11 (Principal "*", kms:Decrypt, kms:CallerAccount = this account)."""
    old = {"Sid": "AllowDecryptWithinThisAccountOnly", "Effect": "Allow", "Principal": {"AWS": "*"},
           "Action": ["kms:Decrypt", "kms:ReEncryptFrom"], "Resource": "*",
           "Condition": {"StringEquals": {"kms:CallerAccount": "111111111111"}}}
    resources = mutated("example", "aws:kms/key:Key", "home-key", "policy", lambda d: d["Statement"].append(old))
    changes = flipped("example", resources)
    assert changes == {("exposure", "archive key (us-east-1)", "a principal of this account with no grant", "kms:Decrypt"): True}


def test_if_exists_on_the_alarm_statement_lets_anyone_publish_a_fake_alert():
    def loosen(document):
        for statement in document["Statement"]:
            if statement.get("Sid") == "AllowCloudWatchAlarmsToPublish":
                statement["Principal"] = "*"
                statement["Condition"] = {"StringEqualsIfExists": statement["Condition"]["StringEquals"],
                                          "ArnLikeIfExists": statement["Condition"]["ArnLike"]}

    changes = flipped("example", mutated("example", "aws:sns/topicPolicy:TopicPolicy", "alert-topic", "policy", loosen))
    topic = "alert topic baseline-security-alerts"
    assert changes == {("exposure", topic, who, "sns:Publish"): True for who in
                       ("anonymous", "another account", "another organization", "a principal of this account with no grant")}


def test_without_the_delivery_prefixes_output_the_org_writes_are_not_guessed():
    resources, outputs = plan_of("log-archive")
    proofs = prove(resources, {k: v for k, v in outputs.items() if k != "deliveryPrefixes"})
    ids = {d.id for d in proofs.deliveries}
    assert not ids & {"org-trail-archive-write", "member-trail-archive-write", "config-archive-write", "flow-logs-archive-write",
                      "guardduty-archive-write"}
    assert {"org-trail-archive-acl-check", "org-trail-key-encrypt", "replication-decrypts-source"} <= ids
    assert not proofs.denied


def test_the_catalog_read_with_libyaml_is_the_catalog_pyyaml_reads():
    import yaml

    from aws_logging_baseline.access.proofs import CATALOG_FILE

    assert load_catalog() == yaml.safe_load(CATALOG_FILE.read_text(encoding="utf-8"))
