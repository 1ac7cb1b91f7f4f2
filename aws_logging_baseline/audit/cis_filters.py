"""The 15 CIS monitoring controls (v1.4.0 4.1-4.15) as the filter-pattern terms each one must cover.

A metric filter covers a control when its pattern contains every required term. Extra terms are accepted, so
the CIS text, Security Hub's CloudWatch.x patterns (which add eventSource terms) and prowler's supersets all
match, while a pattern that leaves out an event name does not. Terms are compared without quotes or spaces.
"""

import re
from dataclasses import dataclass

Term = tuple[str, str, str]  # (field, operator, value), e.g. ("eventName", "=", "StopLogging")


@dataclass(frozen=True)
class CisControl:
    number: str
    title: str
    terms: frozenset[Term]


def _names(*names: str) -> set[Term]:
    return {("eventName", "=", name) for name in names}


def _c(number: str, title: str, terms: set[Term]) -> CisControl:
    return CisControl(number, title, frozenset(terms))


CIS_CONTROLS = [
    _c("4.1", "unauthorized API calls",
       {("errorCode", "=", "*UnauthorizedOperation"), ("errorCode", "=", "AccessDenied*")}),
    _c("4.2", "console sign-in without MFA",
       _names("ConsoleLogin") | {("additionalEventData.MFAUsed", "!=", "Yes")}),
    _c("4.3", "root account usage",
       {("userIdentity.type", "=", "Root"), ("userIdentity.invokedBy", "NOT EXISTS", ""),
        ("eventType", "!=", "AwsServiceEvent")}),
    _c("4.4", "IAM policy changes", _names(
        "DeleteGroupPolicy", "DeleteRolePolicy", "DeleteUserPolicy", "PutGroupPolicy", "PutRolePolicy", "PutUserPolicy",
        "CreatePolicy", "DeletePolicy", "CreatePolicyVersion", "DeletePolicyVersion", "AttachRolePolicy",
        "DetachRolePolicy", "AttachUserPolicy", "DetachUserPolicy", "AttachGroupPolicy", "DetachGroupPolicy")),
    _c("4.5", "CloudTrail configuration changes",
       _names("CreateTrail", "UpdateTrail", "DeleteTrail", "StartLogging", "StopLogging")),
    _c("4.6", "console authentication failures",
       _names("ConsoleLogin") | {("errorMessage", "=", "Failed authentication")}),
    _c("4.7", "disabling or scheduled deletion of customer managed keys",
       _names("DisableKey", "ScheduleKeyDeletion") | {("eventSource", "=", "kms.amazonaws.com")}),
    _c("4.8", "S3 bucket policy changes", _names(
        "PutBucketAcl", "PutBucketPolicy", "PutBucketCors", "PutBucketLifecycle", "PutBucketReplication",
        "DeleteBucketPolicy", "DeleteBucketCors", "DeleteBucketLifecycle", "DeleteBucketReplication")
       | {("eventSource", "=", "s3.amazonaws.com")}),
    _c("4.9", "AWS Config configuration changes", _names(
        "StopConfigurationRecorder", "DeleteDeliveryChannel", "PutDeliveryChannel", "PutConfigurationRecorder")
       | {("eventSource", "=", "config.amazonaws.com")}),
    _c("4.10", "security group changes", _names(
        "AuthorizeSecurityGroupIngress", "AuthorizeSecurityGroupEgress", "RevokeSecurityGroupIngress",
        "RevokeSecurityGroupEgress", "CreateSecurityGroup", "DeleteSecurityGroup")),
    _c("4.11", "network ACL changes", _names(
        "CreateNetworkAcl", "CreateNetworkAclEntry", "DeleteNetworkAcl", "DeleteNetworkAclEntry",
        "ReplaceNetworkAclEntry", "ReplaceNetworkAclAssociation")),
    _c("4.12", "network gateway changes", _names(
        "CreateCustomerGateway", "DeleteCustomerGateway", "AttachInternetGateway", "CreateInternetGateway",
        "DeleteInternetGateway", "DetachInternetGateway")),
    _c("4.13", "route table changes", _names(
        "CreateRoute", "CreateRouteTable", "ReplaceRoute", "ReplaceRouteTableAssociation", "DeleteRouteTable",
        "DeleteRoute", "DisassociateRouteTable")),
    _c("4.14", "VPC changes", _names(
        "CreateVpc", "DeleteVpc", "ModifyVpcAttribute", "AcceptVpcPeeringConnection", "CreateVpcPeeringConnection",
        "DeleteVpcPeeringConnection", "RejectVpcPeeringConnection", "AttachClassicLinkVpc", "DetachClassicLinkVpc",
        "DisableVpcClassicLink", "EnableVpcClassicLink")),
    _c("4.15", "AWS Organizations changes", _names(
        "AcceptHandshake", "AttachPolicy", "CreateAccount", "CreateOrganizationalUnit", "CreatePolicy",
        "DeclineHandshake", "DeleteOrganization", "DeleteOrganizationalUnit", "DeletePolicy", "DetachPolicy",
        "DisablePolicyType", "EnablePolicyType", "InviteAccountToOrganization", "LeaveOrganization", "MoveAccount",
        "RemoveAccountFromOrganization", "UpdatePolicy", "UpdateOrganizationalUnit")
       | {("eventSource", "=", "organizations.amazonaws.com")}),
]

# `$.field op value`: a quoted value, or an unquoted one running to the next `)`, `&&`, `||` or `}`.
_COMPARISON = re.compile(r'\$\.([\w.]+)\s*(!=|=)\s*(?:"([^"]*)"|(.+?))\s*(?=\)|&&|\|\||\}|$)')
_NOT_EXISTS = re.compile(r"\$\.([\w.]+)\s+NOT\s+EXISTS", re.IGNORECASE)


def pattern_terms(pattern: str) -> set[Term]:
    terms: set[Term] = {(field, "NOT EXISTS", "") for field in _NOT_EXISTS.findall(pattern)}
    for field, operator, quoted, bare in _COMPARISON.findall(_NOT_EXISTS.sub("", pattern)):
        terms.add((field, operator, quoted if quoted or not bare else bare.strip()))
    return terms


def covers(pattern: str, control: CisControl) -> bool:
    return control.terms <= pattern_terms(pattern)
