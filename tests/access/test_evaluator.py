"""The policy evaluation decision, one table per rule family, each row a request and the decision AWS would make."""

import pytest

from aws_logging_baseline.access.evaluator import (
    Decision,
    Policy,
    Principal,
    Request,
    StatementRef,
    evaluate,
    request_context,
    statement_matches,
)

A = "111122223333"  # the resource owner's account
B = "444455556666"  # another account
ORG = "o-a1b2c3d4e5"
BUCKET = "arn:aws:s3:::acme-archive"
OBJECT = f"{BUCKET}/AWSLogs/{A}/CloudTrail/x.json.gz"
KEY = f"arn:aws:kms:us-east-1:{A}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
TARGET_ROLE = f"arn:aws:iam::{A}:role/target"
TRAIL = f"arn:aws:cloudtrail:us-east-1:{A}:trail/org-trail"
OTHER_TRAIL = f"arn:aws:cloudtrail:us-east-1:{B}:trail/their-trail"

ROLE = f"arn:aws:iam::{A}:role/app"
SESSION = f"arn:aws:sts::{A}:assumed-role/app/s1"
USER = f"arn:aws:iam::{A}:user/alice"
OUT_SESSION = f"arn:aws:sts::{B}:assumed-role/app/s1"
OUT_X_SESSION = f"arn:aws:sts::{B}:assumed-role/x/s1"

session = Principal.aws(SESSION, org_id=ORG)
user = Principal.aws(USER, org_id=ORG)
outsider = Principal.aws(OUT_SESSION, org_id="o-zzzzzzzzzz")
anonymous = Principal.anonymous()
cloudtrail = Principal.service("cloudtrail.amazonaws.com")


def stmt(effect="Allow", action="s3:GetObject", resource=f"{BUCKET}/*", principal=None, condition=None, sid=None,
         **extra):
    statement = {"Effect": effect, "Action": action, **extra}
    if resource is not None:
        statement["Resource"] = resource
    if principal is not None:
        statement["Principal"] = principal
    if condition:
        statement["Condition"] = condition
    if sid:
        statement["Sid"] = sid
    return statement


def policy(name, *statements):
    return Policy(name, {"Version": "2012-10-17", "Statement": list(statements)})


def decide(principal, action="s3:GetObject", resource=OBJECT, context=None, **kwargs) -> Decision:
    kwargs.setdefault("resource_account", A)
    decision = evaluate(Request(principal, action, resource, context or {}), **kwargs)
    assert "\n" not in decision.reason
    assert decision.reason.startswith("allowed by " if decision.allowed else "denied")
    return decision


ID_ALLOW = policy("identity policy of app", stmt(action="s3:*", resource="*", sid="AppS3"))
ID_ALLOW_KMS = policy("identity policy of app", stmt(action="kms:*", resource="*", sid="AppKms"))
ID_DENY = policy("identity policy of app", stmt(action="s3:*", resource="*"), stmt("Deny", sid="NoGet"))
BOUNDARY_S3 = policy("boundary", stmt(action="s3:*", resource="*", sid="S3Only"))
BOUNDARY_NONE = policy("boundary", stmt(action="ec2:*", resource="*", sid="Ec2Only"))
SESSION_S3 = policy("session policy", stmt(action="s3:GetObject", resource="*", sid="Get"))
SESSION_NONE = policy("session policy", stmt(action="s3:ListBucket", resource="*", sid="List"))
SCP_ALL = policy("FullAWSAccess", stmt(action="*", resource="*"))
SCP_DENY_S3 = policy("scp deny s3", stmt(action="*", resource="*"), stmt("Deny", action="s3:*", resource="*",
                                                                          sid="NoS3"))
SCP_EC2_ONLY = policy("scp ec2 only", stmt(action="ec2:*", resource="*"))
RCP_ALL = policy("RCPFullAWSAccess", stmt(action="*", resource="*", principal="*"))
RCP_PERIMETER = policy("rcp perimeter", stmt(action="*", resource="*", principal="*"), stmt(
    "Deny", action="s3:*", resource="*", principal="*", sid="EnforceOrgIdentities", condition={
        "StringNotEqualsIfExists": {"aws:PrincipalOrgID": ORG},
        "BoolIfExists": {"aws:PrincipalIsAWSService": "false"},
    }))
RCP_EC2_ONLY = policy("rcp ec2 only", stmt(action="ec2:*", resource="*", principal="*"))


def bucket_policy(principal, *, effect="Allow", sid="Grant", **kwargs):
    return policy("bucket policy of acme-archive", stmt(effect, principal=principal, sid=sid, **kwargs))


TO_ROLE = bucket_policy({"AWS": ROLE})
TO_SESSION = bucket_policy({"AWS": SESSION})


# https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
# https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_policy-eval-denyallow.html
DECISION_ROWS = [
    pytest.param(session, {}, False, "no identity policy allows", id="default deny without policies"),
    pytest.param(session, {"identity_policies": [ID_ALLOW]}, True, "AppS3", id="identity policy allows"),
    pytest.param(session, {"identity_policies": [ID_DENY]}, False, "denied explicitly by identity policy of app "
                 "statement NoGet", id="explicit deny in the same identity policy wins"),
    pytest.param(session, {"identity_policies": [ID_ALLOW], "resource_policy": bucket_policy(
                 {"AWS": SESSION}, effect="Deny", sid="NoApp")}, False, "denied explicitly by bucket policy",
                 id="resource policy deny beats identity"),
    pytest.param(session, {"identity_policies": [ID_ALLOW], "scps": [SCP_ALL]}, True, "", id="SCP allows"),
    pytest.param(session, {"identity_policies": [ID_ALLOW], "scps": [SCP_DENY_S3]}, False,
                 "denied explicitly by scp deny s3 statement NoS3", id="SCP deny wins"),
    pytest.param(session, {"identity_policies": [ID_ALLOW], "scps": [SCP_EC2_ONLY]}, False,
                 "no statement of scp ec2 only allows s3:GetObject", id="SCP without an allow denies"),
    pytest.param(session, {"resource_policy": bucket_policy({"AWS": ROLE}), "scps": [SCP_EC2_ONLY]}, False,
                 "scp ec2 only", id="SCP limits resource-policy grants too"),
    pytest.param(cloudtrail, {"resource_policy": bucket_policy({"Service": "cloudtrail.amazonaws.com"}),
                              "scps": [SCP_DENY_S3]}, True, "", id="SCPs do not apply to service principals"),
    pytest.param(session, {"identity_policies": [ID_ALLOW], "rcps": [RCP_ALL]}, True, "", id="RCP allows"),
    pytest.param(session, {"identity_policies": [ID_ALLOW], "rcps": [RCP_EC2_ONLY]}, False,
                 "no statement of rcp ec2 only allows", id="RCP without an allow denies"),
    pytest.param(outsider, {"identity_policies": [ID_ALLOW], "resource_policy": bucket_policy("*"),
                            "rcps": [RCP_PERIMETER]}, False, "EnforceOrgIdentities", id="RCP deny stops outsider"),
    pytest.param(session, {"identity_policies": [ID_ALLOW], "rcps": [RCP_PERIMETER]}, True, "",
                 id="RCP perimeter lets the organization in"),
    pytest.param(cloudtrail, {"resource_policy": bucket_policy({"Service": "cloudtrail.amazonaws.com"}),
                              "rcps": [RCP_PERIMETER]}, True, "", id="RCP exempts services by PrincipalIsAWSService"),
    pytest.param(session, {"identity_policies": [ID_ALLOW], "permissions_boundary": BOUNDARY_S3}, True, "",
                 id="boundary and identity both allow"),
    pytest.param(session, {"identity_policies": [ID_ALLOW], "permissions_boundary": BOUNDARY_NONE}, False,
                 "the permissions boundary limits it", id="boundary limits the identity allow"),
    pytest.param(session, {"permissions_boundary": BOUNDARY_S3}, False, "no identity policy allows",
                 id="boundary alone grants nothing"),
    pytest.param(session, {"identity_policies": [ID_ALLOW], "permissions_boundary": policy(
        "boundary", stmt(action="s3:*", resource="*"), stmt("Deny", sid="NoGet"))}, False,
        "denied explicitly by boundary statement NoGet", id="deny in boundary wins"),
    pytest.param(session, {"resource_policy": bucket_policy({"AWS": ROLE})}, True, "Grant",
                 id="same-account resource policy to the role alone allows"),
    pytest.param(session, {"resource_policy": TO_ROLE, "permissions_boundary": BOUNDARY_NONE}, False,
                 "allows, but the permissions boundary limits it", id="boundary limits a grant to the role ARN"),
    pytest.param(session, {"resource_policy": TO_SESSION, "permissions_boundary": BOUNDARY_NONE}, True,
                 "Grant", id="boundary does not limit a grant to the session ARN"),
    pytest.param(user, {"resource_policy": bucket_policy({"AWS": USER}), "permissions_boundary": BOUNDARY_NONE}, True,
                 "Grant", id="boundary does not limit a grant to the user ARN"),
    pytest.param(session, {"identity_policies": [ID_ALLOW], "session_policies": [SESSION_S3]}, True, "",
                 id="session policy and identity both allow"),
    pytest.param(session, {"identity_policies": [ID_ALLOW], "session_policies": [SESSION_NONE]}, False,
                 "the session policies limit it", id="session policy limits the identity allow"),
    pytest.param(session, {"resource_policy": bucket_policy({"AWS": ROLE}), "session_policies": [SESSION_NONE]}, False,
                 "session policies limit it", id="session policy limits a grant to the role ARN"),
    pytest.param(session, {"resource_policy": TO_SESSION, "session_policies": [SESSION_NONE]}, True,
                 "", id="session policy does not limit a grant to the session ARN"),
]


@pytest.mark.parametrize(("principal", "kwargs", "allowed", "reason_part"), DECISION_ROWS)
def test_evaluation_logic(principal, kwargs, allowed, reason_part):
    decision = decide(principal, **kwargs)
    assert decision.allowed is allowed
    assert reason_part in decision.reason


# https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_policy-eval-basics.html
# https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html#principal-accounts
SAME_ACCOUNT_ROWS = [
    pytest.param({"identity_policies": [ID_ALLOW]}, True, id="identity policy only"),
    pytest.param({"resource_policy": bucket_policy({"AWS": SESSION})}, True, id="resource policy to the session only"),
    pytest.param({"resource_policy": bucket_policy("*")}, True, id="resource policy to everyone"),
    pytest.param({"resource_policy": bucket_policy(f"arn:aws:iam::{A}:root")}, False,
                 id="account root only delegates to IAM"),
    pytest.param({"resource_policy": bucket_policy({"AWS": A})}, False, id="bare account id only delegates to IAM"),
    pytest.param({"resource_policy": bucket_policy({"AWS": A}), "identity_policies": [ID_ALLOW]}, True,
                 id="account root plus identity policy"),
    pytest.param({"resource_policy": bucket_policy(f"arn:aws:iam::{A}:role/other")}, False,
                 id="resource policy to another role"),
    pytest.param({"resource_policy": bucket_policy({"AWS": ROLE}, action="s3:PutObject")}, False,
                 id="resource policy for another action"),
]


@pytest.mark.parametrize(("kwargs", "allowed"), SAME_ACCOUNT_ROWS)
def test_same_account(kwargs, allowed):
    assert decide(session, **kwargs).allowed is allowed


ROOT_DELEGATION = stmt(action="kms:*", resource="*", principal={"AWS": f"arn:aws:iam::{A}:root"},
                       sid="Enable IAM User Permissions")


def key_policy(*statements):
    return policy("key policy of archive-key", *statements)


# https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html
# https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html
KEY_ROWS = [
    pytest.param(session, key_policy(ROOT_DELEGATION), [ID_ALLOW_KMS], True,
                 "Enable IAM User Permissions and identity policy of app statement AppKms",
                 id="root delegation plus identity policy"),
    pytest.param(session, key_policy(ROOT_DELEGATION), [], False, "delegates to the account's IAM, but",
                 id="root delegation without identity policy"),
    pytest.param(session, key_policy(stmt(action="kms:*", resource="*", principal={"AWS": f"arn:aws:iam::{A}:role/x"})),
                 [ID_ALLOW_KMS], False, "IAM policies count only when the key policy delegates",
                 id="identity policy alone without root delegation"),
    pytest.param(session, None, [ID_ALLOW_KMS], False, "no key policy allows", id="no key policy"),
    pytest.param(session, key_policy(stmt(action="kms:Decrypt", resource="*", principal={"AWS": ROLE}, sid="App")),
                 [], True, "App", id="key policy naming the role alone"),
    pytest.param(session, key_policy(stmt(action="kms:Encrypt", resource="*", principal={"AWS": A})),
                 [ID_ALLOW_KMS], False, "", id="root delegation for another action only"),
    pytest.param(outsider, key_policy(ROOT_DELEGATION, stmt(action="kms:Decrypt", resource="*",
                 principal={"AWS": f"arn:aws:iam::{B}:root"}, sid="OtherAccount")), [ID_ALLOW_KMS], True,
                 "OtherAccount", id="cross-account: key policy grants the account and its IAM allows"),
    pytest.param(outsider, key_policy(stmt(action="kms:Decrypt", resource="*",
                 principal={"AWS": f"arn:aws:iam::{B}:root"}, sid="OtherAccount")), [], False,
                 "grants 444455556666, but no identity policy allows", id="cross-account: without identity policy"),
    pytest.param(outsider, key_policy(ROOT_DELEGATION), [ID_ALLOW_KMS], False, "a cross-account request",
                 id="cross-account: the owner's root delegation does not cover another account"),
]


@pytest.mark.parametrize(("principal", "key", "identity", "allowed", "reason_part"), KEY_ROWS)
def test_key_policies(principal, key, identity, allowed, reason_part):
    decision = decide(principal, "kms:Decrypt", KEY, resource_policy=key, resource_kind="key",
                      identity_policies=identity)
    assert decision.allowed is allowed
    assert reason_part in decision.reason


def trust(principal, action="sts:AssumeRole", condition=None, sid="Trust"):
    return policy("trust policy of target", stmt(action=action, resource=None, principal=principal,
                                                  condition=condition, sid=sid))


ID_ASSUME = policy("identity policy of app", stmt(action="sts:AssumeRole", resource=TARGET_ROLE, sid="Assume"))
github = Principal("Federated", f"arn:aws:iam::{A}:oidc-provider/token.actions.githubusercontent.com")


# https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html
# https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html
TRUST_ROWS = [
    pytest.param(session, trust({"AWS": ROLE}), [], True, id="trust names the role of the caller"),
    pytest.param(session, trust({"AWS": A}), [], False, id="trust names the account: identity needed"),
    pytest.param(session, trust({"AWS": A}), [ID_ASSUME], True, id="trust names the account plus identity"),
    pytest.param(session, None, [ID_ASSUME], False, id="identity policy without trust"),
    pytest.param(session, trust({"AWS": ROLE}, action="sts:TagSession"), [ID_ASSUME], False,
                 id="trust for another action"),
    pytest.param(outsider, trust({"AWS": B}), [ID_ASSUME], True, id="cross-account: trust names the account"),
    pytest.param(outsider, trust({"AWS": B}), [], False, id="cross-account: trust without identity"),
    pytest.param(outsider, trust({"AWS": f"arn:aws:iam::{B}:role/app"}), [], False,
                 id="cross-account: trust names the role but identity is still needed"),
    pytest.param(cloudtrail, trust({"Service": "cloudtrail.amazonaws.com"}), [], True, id="service principal"),
    pytest.param(cloudtrail, trust({"Service": "config.amazonaws.com"}), [], False, id="another service"),
    pytest.param(github, trust({"Federated": github.id}, action="sts:AssumeRoleWithWebIdentity", condition={
        "StringLike": {"token.actions.githubusercontent.com:sub": "repo:acme/*"}}), [], False,
        id="federated principal without the sub claim"),
]


@pytest.mark.parametrize(("principal", "trust_policy", "identity", "allowed"), TRUST_ROWS)
def test_trust_policies(principal, trust_policy, identity, allowed):
    action = "sts:AssumeRoleWithWebIdentity" if principal is github else "sts:AssumeRole"
    decision = decide(principal, action, TARGET_ROLE, resource_policy=trust_policy, resource_kind="trust",
                      identity_policies=identity)
    assert decision.allowed is allowed


def test_trust_policy_for_a_federated_principal_with_its_claim():
    trust_policy = trust({"Federated": github.id}, action="sts:AssumeRoleWithWebIdentity", condition={
        "StringLike": {"token.actions.githubusercontent.com:sub": "repo:acme/*"}})
    decision = decide(github, "sts:AssumeRoleWithWebIdentity", TARGET_ROLE, resource_policy=trust_policy,
                      resource_kind="trust", context={"token.actions.githubusercontent.com:sub": "repo:acme/x:ref"})
    assert decision.allowed


# https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html
CROSS_ACCOUNT_ROWS = [
    pytest.param(outsider, {"resource_policy": bucket_policy({"AWS": B}), "identity_policies": [ID_ALLOW]}, True,
                 id="resource grants the account and identity allows"),
    pytest.param(outsider, {"resource_policy": bucket_policy({"AWS": B})}, False,
                 id="resource grants the account without identity"),
    pytest.param(outsider, {"resource_policy": bucket_policy({"AWS": f"arn:aws:iam::{B}:role/app"}),
                            "identity_policies": [ID_ALLOW]}, True, id="resource grants the role and identity allows"),
    pytest.param(outsider, {"resource_policy": bucket_policy({"AWS": f"arn:aws:iam::{B}:role/app"})}, False,
                 id="resource grants the role without identity"),
    pytest.param(outsider, {"identity_policies": [ID_ALLOW]}, False, id="identity alone"),
    pytest.param(outsider, {"resource_policy": bucket_policy({"AWS": A}), "identity_policies": [ID_ALLOW]}, False,
                 id="resource grants only the owner account"),
    pytest.param(outsider, {"resource_policy": bucket_policy("*"), "identity_policies": [ID_ALLOW]}, True,
                 id="public resource policy plus identity"),
    pytest.param(outsider, {"resource_policy": bucket_policy({"AWS": B}), "identity_policies": [ID_ALLOW],
                            "permissions_boundary": BOUNDARY_NONE}, False, id="boundary limits the outsider"),
    pytest.param(anonymous, {"resource_policy": bucket_policy("*")}, True, id="anonymous needs only the resource"),
    pytest.param(anonymous, {"resource_policy": bucket_policy({"AWS": B}), "identity_policies": [ID_ALLOW]}, False,
                 id="anonymous is no account's principal; identity policies are ignored"),
    pytest.param(cloudtrail, {"identity_policies": [ID_ALLOW]}, False, id="services have no identity policies"),
]


@pytest.mark.parametrize(("principal", "kwargs", "allowed"), CROSS_ACCOUNT_ROWS)
def test_cross_account(principal, kwargs, allowed):
    assert decide(principal, **kwargs).allowed is allowed


def matches(element, principal, *, key="Principal", effect="Allow"):
    statement = {"Effect": effect, key: element, "Action": "s3:GetObject", "Resource": "*"}
    return bool(statement_matches(statement, Request(principal, "s3:GetObject", OBJECT), policy_kind="resource"))


# https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html
PRINCIPAL_ROWS = [
    pytest.param("*", anonymous, True, id="* matches anonymous"),
    pytest.param({"AWS": "*"}, anonymous, True, id="AWS * matches anonymous too"),
    pytest.param({"AWS": "*"}, cloudtrail, True, id="AWS * matches services"),
    pytest.param({"AWS": A}, session, True, id="bare account id"),
    pytest.param({"AWS": f"arn:aws:iam::{A}:root"}, user, True, id="account root ARN"),
    pytest.param({"AWS": f"arn:aws:iam::{A}:root"}, outsider, False, id="another account's root"),
    pytest.param({"AWS": ROLE}, session, True, id="role ARN matches its sessions"),
    pytest.param({"AWS": f"arn:aws:iam::{A}:role/service-role/app"}, session, True, id="role ARN with a path"),
    pytest.param({"AWS": f"arn:aws:iam::{B}:role/app"}, session, False, id="same role name, other account"),
    pytest.param({"AWS": SESSION}, session, True, id="session ARN"),
    pytest.param({"AWS": f"arn:aws:sts::{A}:assumed-role/app/s2"}, session, False, id="another session"),
    pytest.param({"AWS": [USER, ROLE]}, user, True, id="user ARN in a list"),
    pytest.param({"AWS": f"arn:aws:iam::{A}:user/bob"}, user, False, id="another user"),
    pytest.param({"AWS": f"arn:aws:iam::*:role/app"}, session, False, id="wildcard in a principal ARN matches nothing"),
    pytest.param({"AWS": f"arn:aws:iam::{A}:role/*"}, session, False, id="wildcard role name matches nothing"),
    pytest.param({"Service": ["config.amazonaws.com", "cloudtrail.amazonaws.com"]}, cloudtrail, True,
                 id="service in a list"),
    pytest.param({"Service": "config.amazonaws.com"}, cloudtrail, False, id="another service"),
    pytest.param({"Service": "cloudtrail.amazonaws.com"}, session, False, id="service element vs IAM principal"),
    pytest.param({"Federated": github.id}, github, True, id="federated provider"),
    pytest.param({"CanonicalUser": "79a59df900b949e5"}, Principal("CanonicalUser", "79a59df900b949e5"), True,
                 id="canonical user"),
    pytest.param({"AWS": A}, anonymous, False, id="account does not match anonymous"),
]


@pytest.mark.parametrize(("element", "principal", "expected"), PRINCIPAL_ROWS)
def test_principal_element(element, principal, expected):
    assert matches(element, principal) is expected


# https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notprincipal.html
NOT_PRINCIPAL_ROWS = [
    pytest.param({"AWS": f"arn:aws:iam::{A}:root"}, outsider, True, id="other account is not excluded"),
    pytest.param({"AWS": f"arn:aws:iam::{A}:root"}, anonymous, True, id="anonymous is not excluded"),
    pytest.param({"AWS": f"arn:aws:iam::{A}:root"}, session, True,
                 id="listing only the account does not exclude its role sessions"),
    pytest.param({"AWS": [A, ROLE, SESSION]}, session, False, id="account, role and session listed: excluded"),
    pytest.param({"AWS": [A, ROLE]}, session, True, id="session ARN missing: not excluded"),
    pytest.param({"AWS": [f"arn:aws:iam::{A}:root", USER]}, user, False, id="account and user listed: excluded"),
    pytest.param({"AWS": USER}, user, True, id="user without its account: not excluded"),
    pytest.param({"Service": "cloudtrail.amazonaws.com"}, cloudtrail, False, id="listed service excluded"),
    pytest.param({"Service": "cloudtrail.amazonaws.com"}, Principal.service("config.amazonaws.com"), True,
                 id="other service not excluded"),
    pytest.param({"AWS": "*"}, anonymous, False, id="AWS * excludes everyone"),
]


@pytest.mark.parametrize(("element", "principal", "applies"), NOT_PRINCIPAL_ROWS)
def test_not_principal(element, principal, applies):
    assert matches(element, principal, key="NotPrincipal") is applies


# https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notprincipal.html
def test_not_principal_with_deny_denies_everyone_but_the_listed_session():
    bucket = policy("bucket policy of acme-archive",
                    stmt(principal="*", sid="Everyone"),
                    stmt("Deny", sid="OnlyApp", NotPrincipal={"AWS": [A, ROLE, SESSION]}))
    assert decide(session, resource_policy=bucket).allowed
    denied = decide(user, resource_policy=bucket)
    assert denied.explicit_deny and denied.deciding == (StatementRef("bucket policy of acme-archive", "OnlyApp"),)


def action_resource(statement, action="s3:GetObject", resource=OBJECT, context=None):
    request = Request(user, action, resource, context or {})
    return statement_matches({"Effect": "Allow", **statement}, request, policy_kind="identity")


# https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html
# https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html
ACTION_RESOURCE_ROWS = [
    pytest.param({"Action": "s3:getobject", "Resource": "*"}, {}, True, id="actions are case-insensitive"),
    pytest.param({"Action": "S3:Get*", "Resource": "*"}, {}, True, id="action wildcard"),
    pytest.param({"Action": "s3:Get?bject", "Resource": "*"}, {}, True, id="action single-character wildcard"),
    pytest.param({"Action": ["s3:PutObject", "s3:List*"], "Resource": "*"}, {}, False, id="action not listed"),
    pytest.param({"NotAction": "s3:Put*", "Resource": "*"}, {}, True, id="NotAction excludes others"),
    pytest.param({"NotAction": "s3:*", "Resource": "*"}, {}, False, id="NotAction covers the action"),
    pytest.param({"Action": "*", "Resource": OBJECT}, {}, True, id="exact resource"),
    pytest.param({"Action": "*", "Resource": OBJECT.upper()}, {}, False, id="resources are case-sensitive"),
    pytest.param({"Action": "*", "Resource": f"{BUCKET}/AWSLogs/*"}, {}, True, id="resource wildcard"),
    pytest.param({"Action": "*", "Resource": "arn:aws:s3:::*"}, {}, True, id="wildcard across components"),
    pytest.param({"Action": "*", "Resource": BUCKET}, {}, False, id="bucket ARN is not the object"),
    pytest.param({"Action": "*", "NotResource": BUCKET}, {}, True, id="NotResource excludes another"),
    pytest.param({"Action": "*", "NotResource": f"{BUCKET}/*"}, {}, False, id="NotResource covers the resource"),
    pytest.param({"Action": "*", "Resource": f"{BUCKET}/AWSLogs/${{aws:PrincipalAccount}}/*"}, {}, True,
                 id="policy variable in Resource"),
    pytest.param({"Action": "*", "Resource": f"{BUCKET}/home/${{aws:username}}/*"}, {}, False,
                 id="variable resolved to another user's prefix"),
    pytest.param({"Action": "*", "Resource": f"{BUCKET}/AWSLogs/${{aws:SourceAccount}}/*"}, {}, False,
                 id="variable with a missing key matches nothing"),
    pytest.param({"Action": "*", "Resource": f"{BUCKET}/AWSLogs/${{aws:SourceAccount, '{A}'}}/*"}, {}, True,
                 id="variable default"),
    pytest.param({"Action": "*"}, {}, False, id="no Resource in an identity policy"),
]


@pytest.mark.parametrize(("statement", "context", "expected"), ACTION_RESOURCE_ROWS)
def test_action_and_resource(statement, context, expected):
    assert bool(action_resource(statement, context=context)) is expected


# https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html
def test_resource_variable_for_the_users_home():
    statement = {"Action": "s3:*", "Resource": f"{BUCKET}/home/${{aws:username}}/*"}
    assert action_resource(statement, resource=f"{BUCKET}/home/alice/notes.txt")
    assert not action_resource(statement, resource=f"{BUCKET}/home/bob/notes.txt")


TRAIL_WILDCARD = "arn:aws:cloudtrail:*:*:trail/*"


# Cases that look guarded but are open, each next to its properly guarded counterpart.
# https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_IfExists
# https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notprincipal.html
# https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html
# https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-caller-account
# https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html
OPEN_OR_GUARDED_ROWS = [
    pytest.param(anonymous, {"resource_policy": bucket_policy("*", condition={
        "StringEqualsIfExists": {"aws:SourceAccount": A}})}, {}, True, id="a open: IfExists on SourceAccount"),
    pytest.param(anonymous, {"resource_policy": bucket_policy("*", condition={
        "StringEquals": {"aws:SourceAccount": A}})}, {}, False, id="a guarded: StringEquals on SourceAccount"),
    pytest.param(anonymous, {"resource_policy": bucket_policy(None, NotPrincipal={
        "AWS": f"arn:aws:iam::{A}:root"})}, {}, True, id="b open: NotPrincipal allows anonymous"),
    pytest.param(outsider, {"resource_policy": bucket_policy(None, NotPrincipal={
        "AWS": f"arn:aws:iam::{A}:root"}), "identity_policies": [ID_ALLOW]}, {}, True,
        id="b open: NotPrincipal allows another account"),
    pytest.param(outsider, {"resource_policy": bucket_policy({"AWS": f"arn:aws:iam::{A}:root"}),
                            "identity_policies": [ID_ALLOW]}, {}, False, id="b guarded: Principal names the account"),
    pytest.param(Principal.aws(OUT_X_SESSION), {"resource_policy": bucket_policy("*", condition={
        "ArnLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/x"}}), "identity_policies": [ID_ALLOW]}, {}, True,
        id="c open: any account's role x"),
    pytest.param(Principal.aws(OUT_X_SESSION), {"resource_policy": bucket_policy("*", condition={
        "ArnLike": {"aws:PrincipalArn": f"arn:aws:iam::{A}:role/x"}}), "identity_policies": [ID_ALLOW]}, {}, False,
        id="c guarded: role x of the owner account"),
    pytest.param(outsider, {"resource_policy": key_policy(stmt(
        action="kms:Decrypt", resource="*", principal={"AWS": "*"}, sid="Open",
        condition={"StringNotEquals": {"kms:CallerAccount": A}})),
        "resource_kind": "key", "identity_policies": [ID_ALLOW_KMS]}, {}, True,
        id="d open: StringNotEquals CallerAccount lets every other account in"),
    pytest.param(outsider, {"resource_policy": key_policy(stmt(
        action="kms:Decrypt", resource="*", principal={"AWS": "*"}, sid="Own",
        condition={"StringEquals": {"kms:CallerAccount": A}})),
        "resource_kind": "key", "identity_policies": [ID_ALLOW_KMS]}, {}, False,
        id="d guarded: StringEquals CallerAccount"),
    pytest.param(cloudtrail, {"resource_policy": trust({"Service": "cloudtrail.amazonaws.com"}, condition={
        "ArnLike": {"aws:SourceArn": TRAIL_WILDCARD}}), "resource_kind": "trust"},
        {"aws:SourceArn": OTHER_TRAIL, "aws:SourceAccount": B}, True, id="e open: any account's trail"),
    pytest.param(cloudtrail, {"resource_policy": trust({"Service": "cloudtrail.amazonaws.com"}, condition={
        "ArnLike": {"aws:SourceArn": f"arn:aws:cloudtrail:*:{A}:trail/*"}}), "resource_kind": "trust"},
        {"aws:SourceArn": OTHER_TRAIL, "aws:SourceAccount": B}, False, id="e guarded: the owner's trails"),
    pytest.param(cloudtrail, {"resource_policy": trust({"Service": "cloudtrail.amazonaws.com"}, condition={
        "StringEquals": {"aws:SourceAccount": A}}), "resource_kind": "trust"},
        {"aws:SourceArn": OTHER_TRAIL, "aws:SourceAccount": B}, False, id="e guarded: SourceAccount"),
]


@pytest.mark.parametrize(("principal", "kwargs", "context", "allowed"), OPEN_OR_GUARDED_ROWS)
def test_looks_guarded_but_open(principal, kwargs, context, allowed):
    action, resource = "s3:GetObject", OBJECT
    if kwargs.get("resource_kind") == "key":
        action, resource = "kms:Decrypt", KEY
    elif kwargs.get("resource_kind") == "trust":
        action, resource = "sts:AssumeRole", TARGET_ROLE
    assert decide(principal, action, resource, context, **kwargs).allowed is allowed


CLOUDTRAIL_BUCKET_POLICY = Policy("bucket policy of acme-archive", {"Version": "2012-10-17", "Statement": [
    {"Sid": "AWSCloudTrailAclCheck", "Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"},
     "Action": "s3:GetBucketAcl", "Resource": BUCKET, "Condition": {"StringEquals": {"aws:SourceArn": TRAIL}}},
    {"Sid": "AWSCloudTrailWrite", "Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"},
     "Action": "s3:PutObject", "Resource": f"{BUCKET}/AWSLogs/{A}/*",
     "Condition": {"StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control", "aws:SourceArn": TRAIL}}},
    {"Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
     "Resource": [BUCKET, f"{BUCKET}/*"], "Condition": {"Bool": {"aws:SecureTransport": "false"}}},
]})
WRITE = {"s3:x-amz-acl": "bucket-owner-full-control", "aws:SourceArn": TRAIL, "aws:SecureTransport": True}


# https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-s3-bucket-policy-for-cloudtrail.html
# https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
CLOUDTRAIL_BUCKET_ROWS = [
    pytest.param(cloudtrail, "s3:GetBucketAcl", BUCKET, {"aws:SourceArn": TRAIL, "aws:SecureTransport": "true"},
                 True, "allowed by bucket policy of acme-archive statement AWSCloudTrailAclCheck", id="acl check"),
    pytest.param(cloudtrail, "s3:PutObject", OBJECT, WRITE, True,
                 "allowed by bucket policy of acme-archive statement AWSCloudTrailWrite", id="log delivery"),
    pytest.param(cloudtrail, "s3:PutObject", OBJECT, {**WRITE, "aws:SourceArn": OTHER_TRAIL}, False,
                 "denied: no statement of bucket policy of acme-archive allows s3:PutObject for "
                 "cloudtrail.amazonaws.com (closest: statement AWSCloudTrailWrite, condition StringEquals "
                 f"aws:SourceArn expects {TRAIL} got {OTHER_TRAIL})", id="another account's trail"),
    pytest.param(cloudtrail, "s3:PutObject", OBJECT, {k: v for k, v in WRITE.items() if k != "s3:x-amz-acl"},
                 False, "condition StringEquals s3:x-amz-acl", id="without the bucket-owner-full-control ACL"),
    pytest.param(cloudtrail, "s3:PutObject", f"{BUCKET}/AWSLogs/{B}/x", WRITE, False,
                 f"resource {BUCKET}/AWSLogs/{B}/x is not in Resource", id="outside its own account prefix"),
    pytest.param(cloudtrail, "s3:PutObject", OBJECT, {**WRITE, "aws:SecureTransport": "false"}, False,
                 "denied explicitly by bucket policy of acme-archive statement DenyInsecureTransport",
                 id="insecure transport denied for CloudTrail"),
    pytest.param(session, "s3:GetObject", OBJECT, {"aws:SecureTransport": "false"}, False,
                 "denied explicitly by bucket policy of acme-archive statement DenyInsecureTransport",
                 id="insecure transport denied for a role"),
    pytest.param(session, "s3:GetObject", OBJECT, {"aws:SecureTransport": "true"}, True,
                 "allowed by identity policy of app statement AppS3", id="secure transport for a role"),
    pytest.param(session, "s3:GetObject", OBJECT, {}, True, "AppS3", id="SecureTransport missing: no deny"),
    pytest.param(Principal.service("config.amazonaws.com"), "s3:PutObject", OBJECT, WRITE, False,
                 "for config.amazonaws.com (closest: statement AWSCloudTrailAclCheck, principal "
                 "config.amazonaws.com is not named in Principal)", id="another service"),
]


@pytest.mark.parametrize(("principal", "action", "resource", "context", "allowed", "reason"), CLOUDTRAIL_BUCKET_ROWS)
def test_cloudtrail_bucket_policy(principal, action, resource, context, allowed, reason):
    decision = decide(principal, action, resource, context, resource_policy=CLOUDTRAIL_BUCKET_POLICY,
                      identity_policies=[ID_ALLOW])
    assert decision.allowed is allowed
    assert reason in decision.reason


CLOUDTRAIL_KEY_POLICY = Policy("key policy of archive-key", {"Version": "2012-10-17", "Statement": [
    ROOT_DELEGATION,
    {"Sid": "AllowCloudTrailEncrypt", "Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"},
     "Action": "kms:GenerateDataKey*", "Resource": "*",
     "Condition": {"StringLike": {"kms:EncryptionContext:aws:cloudtrail:arn": f"arn:aws:cloudtrail:*:{A}:trail/*"},
                   "StringEquals": {"aws:SourceArn": TRAIL}}},
    {"Sid": "AllowS3Decrypt", "Effect": "Allow", "Principal": {"AWS": ROLE}, "Action": "kms:Decrypt",
     "Resource": "*", "Condition": {"StringLike": {"kms:EncryptionContext:aws:s3:arn": f"{BUCKET}/*"}}},
]})


# https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html
# https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-kms-key-policy-for-cloudtrail.html
CLOUDTRAIL_KEY_ROWS = [
    pytest.param(cloudtrail, "kms:GenerateDataKey", {"kms:EncryptionContext:aws:cloudtrail:arn": TRAIL,
                 "aws:SourceArn": TRAIL}, [], True, "AllowCloudTrailEncrypt", id="CloudTrail encrypts"),
    pytest.param(cloudtrail, "kms:GenerateDataKey", {"kms:EncryptionContext:aws:cloudtrail:arn": OTHER_TRAIL,
                 "aws:SourceArn": OTHER_TRAIL}, [], False, "AllowCloudTrailEncrypt", id="another account's trail"),
    pytest.param(session, "kms:Decrypt", {"kms:EncryptionContext:aws:s3:arn": f"{BUCKET}/x"}, [], True,
                 "AllowS3Decrypt", id="role decrypts an archive object by the key policy alone"),
    pytest.param(session, "kms:Decrypt", {"kms:EncryptionContext:aws:s3:arn": "arn:aws:s3:::other/x"},
                 [ID_ALLOW_KMS], True, "Enable IAM User Permissions and identity policy of app statement AppKms",
                 id="root delegation lets the identity policy decide"),
    pytest.param(session, "kms:Decrypt", {"kms:EncryptionContext:aws:s3:arn": BUCKET}, [], False,
                 "denied: key policy of archive-key statement Enable IAM User Permissions delegates to the "
                 "account's IAM, but no identity policy allows kms:Decrypt",
                 id="without identity policy the delegation grants nothing"),
]


@pytest.mark.parametrize(("principal", "action", "context", "identity", "allowed", "reason"), CLOUDTRAIL_KEY_ROWS)
def test_cloudtrail_key_policy(principal, action, context, identity, allowed, reason):
    decision = decide(principal, action, KEY, context, resource_policy=CLOUDTRAIL_KEY_POLICY, resource_kind="key",
                      identity_policies=identity)
    assert decision.allowed is allowed
    assert reason in decision.reason


# https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html
def test_denial_names_the_closest_statement_and_its_failing_condition():
    key = key_policy({"Sid": "X", "Effect": "Allow", "Principal": {"AWS": ROLE}, "Action": "kms:Decrypt",
                      "Resource": "*", "Condition": {"StringLike": {
                          "kms:EncryptionContext:aws:s3:arn": "arn:aws:s3:::b/*"}}})
    decision = decide(session, "kms:Decrypt", KEY, {"kms:EncryptionContext:aws:s3:arn": "arn:aws:s3:::b"},
                      resource_policy=key, resource_kind="key")
    assert decision == Decision(False, "denied: no statement of key policy of archive-key allows kms:Decrypt "
                                "(closest: statement X, condition StringLike kms:EncryptionContext:aws:s3:arn "
                                "expects arn:aws:s3:::b/* got arn:aws:s3:::b)", ())


# https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
# https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html
# https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html
REASON_ROWS = [
    pytest.param(session, {"resource_policy": bucket_policy({"AWS": A})},
                 "denied: bucket policy of acme-archive statement Grant delegates to the account's IAM, but no "
                 "identity policy allows s3:GetObject", id="delegation without identity"),
    pytest.param(outsider, {"resource_policy": bucket_policy({"AWS": B})},
                 "denied: bucket policy of acme-archive statement Grant grants 444455556666, but no identity "
                 "policy allows s3:GetObject", id="cross-account without identity"),
    pytest.param(outsider, {"resource_policy": TO_ROLE, "identity_policies": [ID_ALLOW]},
                 f"denied: no statement of bucket policy of acme-archive allows s3:GetObject for {OUT_SESSION}, "
                 f"a cross-account request (closest: statement Grant, principal {OUT_SESSION} is not named in "
                 "Principal)", id="cross-account without a grant"),
    pytest.param(session, {"identity_policies": [ID_ALLOW], "permissions_boundary": BOUNDARY_NONE},
                 "denied: identity policy of app statement AppS3 allows, but the permissions boundary limits it: "
                 "no statement of boundary allows s3:GetObject (closest: statement Ec2Only, action s3:GetObject "
                 "is not in Action)", id="boundary"),
    pytest.param(session, {"resource_policy": TO_ROLE, "session_policies": [SESSION_NONE]},
                 "denied: bucket policy of acme-archive statement Grant allows, but the session policies limit "
                 "it: no statement of session policy allows s3:GetObject (closest: statement List, action "
                 "s3:GetObject is not in Action)", id="session policy"),
    pytest.param(session, {"identity_policies": [ID_ALLOW], "scps": [SCP_ALL, SCP_EC2_ONLY]},
                 "allowed by identity policy of app statement AppS3", id="one SCP allow is enough"),
    pytest.param(session, {"identity_policies": [policy("p1", stmt(action="s3:PutObject", sid="Put")),
                                                  policy("p2", stmt(resource=BUCKET, sid="Bucket"))]},
                 "denied: no statement of p1, p2 allows s3:GetObject (closest: p2 statement Bucket, resource "
                 f"{OBJECT} is not in Resource)", id="no resource policy given"),
    pytest.param(session, {"identity_policies": [policy("p1", stmt(action="s3:PutObject", sid="Put")),
                                                  policy("p2", stmt(resource=BUCKET, sid="Bucket"))],
                           "resource_policy": bucket_policy({"AWS": ROLE}, action="s3:ListBucket")},
                 "denied: no statement of p1, p2 allows s3:GetObject (closest: p2 statement Bucket, resource "
                 f"{OBJECT} is not in Resource) and no statement of bucket policy of acme-archive allows "
                 "s3:GetObject (closest: statement Grant, action s3:GetObject is not in Action)",
                 id="closest statement across several policies"),
    pytest.param(session, {"identity_policies": [ID_ALLOW], "permissions_boundary": BOUNDARY_S3,
                           "resource_policy": bucket_policy(None, effect="Deny", sid="OnlyApp",
                                                            NotPrincipal={"AWS": [A, ROLE, SESSION]})},
                 "denied explicitly by bucket policy of acme-archive statement OnlyApp (a Deny with NotPrincipal "
                 "denies every principal that has a permissions boundary)", id="NotPrincipal deny and a boundary"),
]


@pytest.mark.parametrize(("principal", "kwargs", "reason"), REASON_ROWS)
def test_reasons(principal, kwargs, reason):
    assert decide(principal, **kwargs).reason == reason


# https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_sid.html
def test_statement_refs_use_the_sid_or_the_position():
    bucket = Policy("bucket policy of acme-archive", {"Statement": {"Effect": "Allow", "Principal": "*",
                                                                     "Action": "s3:GetObject", "Resource": "*"}})
    decision = decide(anonymous, resource_policy=bucket)
    assert decision.deciding == (StatementRef("bucket policy of acme-archive", "#0"),)
    assert str(decision.deciding[0]) == "bucket policy of acme-archive statement #0"
    assert decision.reason == "allowed by bucket policy of acme-archive statement #0"


# https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html
PRINCIPAL_KEY_ROWS = [
    pytest.param(session, "s3:GetObject", {}, {
        "aws:PrincipalArn": ROLE, "aws:PrincipalAccount": A, "aws:PrincipalOrgID": ORG,
        "aws:PrincipalType": "AssumedRole", "aws:PrincipalIsAWSService": False}, (), id="role session"),
    pytest.param(user, "kms:Decrypt", {}, {"aws:PrincipalArn": USER, "aws:username": "alice",
                                           "aws:PrincipalType": "User", "kms:CallerAccount": A}, (), id="user, KMS"),
    pytest.param(Principal.aws(f"arn:aws:iam::{A}:root"), "s3:GetObject", {}, {"aws:PrincipalType": "Account"},
                 ("kms:CallerAccount", "aws:PrincipalOrgID"), id="account root without an organization"),
    pytest.param(cloudtrail, "kms:Decrypt", {}, {"aws:PrincipalIsAWSService": True,
                                                 "aws:PrincipalServiceName": "cloudtrail.amazonaws.com"},
                 ("aws:PrincipalArn", "aws:PrincipalAccount", "kms:CallerAccount"), id="service"),
    pytest.param(anonymous, "s3:GetObject", {}, {"aws:PrincipalType": "Anonymous"},
                 ("aws:PrincipalArn", "aws:PrincipalAccount", "aws:PrincipalIsAWSService"), id="anonymous"),
    pytest.param(session, "s3:GetObject", {"AWS:PRINCIPALORGID": "o-given"}, {"AWS:PRINCIPALORGID": "o-given"},
                 ("aws:PrincipalOrgID",), id="given keys win, whatever their case"),
]


@pytest.mark.parametrize(("principal", "action", "given", "present", "absent"), PRINCIPAL_KEY_ROWS)
def test_principal_context_keys(principal, action, given, present, absent):
    context = request_context(Request(principal, action, OBJECT, given))
    assert {key: context.get(key) for key in present} == present
    assert not set(absent) & set(context)


# https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html
@pytest.mark.parametrize(("principal", "account"), [
    (Principal.aws(SESSION), A),
    (Principal.aws(f"arn:aws:iam::{B}:root"), B),
    (Principal.aws(B), B),
    (Principal("AWS", USER, account="999999999999"), "999999999999"),
    (cloudtrail, None),
    (anonymous, None),
])
def test_principal_account_is_derived_from_the_arn(principal, account):
    assert principal.account == account


def test_unknown_kinds_are_refused():
    with pytest.raises(ValueError):
        decide(session, resource_kind="bucket")
    with pytest.raises(ValueError):
        statement_matches(stmt(), Request(session, "s3:GetObject", OBJECT), policy_kind="bucket")
