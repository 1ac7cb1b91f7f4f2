"""Each organization role, through the engine: the composition and the exact cross-account wiring."""

import pytest

from tests.engine_helpers import only, policy_of, statement
from tests.org.org_helpers import (
    ARCHIVE_BUCKET, ARCHIVE_KEY, LOG_ARCHIVE, MANAGEMENT, MEMBER, ORG_ID, ROLES, SECURITY, role_run, run_role,
)

TRAIL = "aws:cloudtrail/trail:Trail"
ORG_TRAIL_ARN = f"arn:aws:cloudtrail:us-east-1:{MANAGEMENT}:trail/acme-org-trail"


def conditions(stmt) -> dict:
    return {key: value for block in stmt.get("Condition", {}).values() for key, value in block.items()}


def test_log_archive_bucket_accepts_the_organization_not_an_account_list():
    policy = policy_of(only(role_run("log-archive"), "aws:s3/bucketPolicy:BucketPolicy", "archive-archive"))
    arn = f"arn:aws:s3:::{ARCHIVE_BUCKET}"
    org_write = statement(policy, "AWSCloudTrailOrganizationWrite")
    assert org_write["Resource"] == f"{arn}/cloudtrail/AWSLogs/{ORG_ID}/*"
    assert org_write["Condition"] == {
        "StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control", "aws:SourceArn": ORG_TRAIL_ARN}
    }
    assert statement(policy, "AWSConfigBucketDelivery")["Resource"] == f"{arn}/config/AWSLogs/*/Config/*"
    assert statement(policy, "AWSLogDeliveryWrite")["Resource"] == f"{arn}/vpc-flow-logs/AWSLogs/*"
    for sid in ("AWSCloudTrailAclCheck", "AWSCloudTrailAccountTrailsWrite", "AWSConfigBucketPermissionsCheck",
                "AWSConfigBucketDelivery", "AWSLogDeliveryAclCheck", "AWSLogDeliveryWrite"):
        assert conditions(statement(policy, sid))["aws:SourceOrgID"] == ORG_ID, sid
    # Only GuardDuty's export (issue 18, tested in tests/components/test_detective_services.py) names an account:
    # the security account whose detectors export the organization's findings.
    text = str([s for s in policy["Statement"] if not s["Sid"].startswith("AllowGuardDuty")])
    assert MEMBER not in text and SECURITY not in text and "aws:SourceAccount" not in text


def test_log_archive_key_serves_the_organization_and_no_account_wide_decrypt():
    key = policy_of(only(role_run("log-archive"), "aws:kms/key:Key", "archive-key"))
    sids = [s["Sid"] for s in key["Statement"]]
    assert sids == [
        "EnableAccountRootAdministration", "AllowOrganizationCloudTrailToEncryptLogs",
        "AllowOrganizationCloudTrailToDescribeKey", "AllowOrganizationConfigToEncryptDeliveries",
        "AllowOrganizationLogDeliveryToEncryptFlowLogs", "AllowGuardDutyToEncryptFindings",
    ]
    assert statement(key, "EnableAccountRootAdministration")["Principal"] == {"AWS": f"arn:aws:iam::{LOG_ARCHIVE}:root"}
    # Every statement but the root's is a service principal confined by a confused-deputy condition: the
    # organization's services by aws:SourceOrgID, GuardDuty's export by the security account's detectors
    # (https://docs.aws.amazon.com/guardduty/latest/ug/guardduty_exportfindings.html). No Principal "*": no
    # account-wide decrypt.
    for stmt in key["Statement"][1:]:
        assert set(stmt["Principal"]) == {"Service"}, stmt["Sid"]
        if stmt["Sid"] == "AllowGuardDutyToEncryptFindings":
            assert stmt["Action"] == "kms:GenerateDataKey"
            assert conditions(stmt) == {"aws:SourceAccount": SECURITY,
                                        "aws:SourceArn": f"arn:aws:guardduty:*:{SECURITY}:detector/*"}
        else:
            assert conditions(stmt)["aws:SourceOrgID"] == ORG_ID, stmt["Sid"]
    outputs = role_run("log-archive").stack_outputs
    assert outputs["archiveBucket"] == ARCHIVE_BUCKET and outputs["orgTrailArn"] == ORG_TRAIL_ARN
    assert not role_run("log-archive").of_type(TRAIL)


def test_management_runs_the_organization_trail_into_the_log_archive():
    result = role_run("management")
    trail = only(result, TRAIL)
    assert trail.inputs["isOrganizationTrail"] is True and trail.inputs["isMultiRegionTrail"] is True
    assert trail.inputs["name"] == "acme-org-trail" and trail.inputs["s3KeyPrefix"] == "cloudtrail"
    assert (trail.inputs["s3BucketName"], trail.inputs["kmsKeyId"]) == (ARCHIVE_BUCKET, ARCHIVE_KEY)
    assert trail.outputs["arn"] == ORG_TRAIL_ARN  # the ARN the log-archive bucket policy names
    group = only(result, "aws:cloudwatch/logGroup:LogGroup", "org-trail")
    local_key = only(result, "aws:kms/key:Key", "local-key")
    assert group.inputs["kmsKeyId"] == local_key.outputs["arn"]  # CloudWatch Logs: a key of this account
    assert len(result.of_type("aws:cloudwatch/metricAlarm:MetricAlarm")) >= 14  # CIS alarms on the org trail


def test_management_delegates_config_inspector_and_cloudtrail_to_security():
    result = role_run("management")
    delegated = {r.inputs["servicePrincipal"]: r.inputs["accountId"]
                 for r in result.of_type("aws:organizations/delegatedAdministrator:DelegatedAdministrator")}
    assert delegated == {"config.amazonaws.com": SECURITY, "config-multiaccountsetup.amazonaws.com": SECURITY,
                         "access-analyzer.amazonaws.com": SECURITY}  # issue 18: the example's zone of trust is the organization
    inspector = result.of_type("aws:inspector2/delegatedAdminAccount:DelegatedAdminAccount")
    assert sorted((r.inputs["region"], r.inputs["accountId"]) for r in inspector) == [
        ("eu-west-1", SECURITY), ("us-east-1", SECURITY), ("us-west-2", SECURITY)
    ]
    cloudtrail = only(result, "aws:cloudtrail/organizationDelegatedAdminAccount:OrganizationDelegatedAdminAccount")
    assert cloudtrail.inputs["accountId"] == SECURITY
    without = run_role("management", delegateCloudtrailAdmin=False)
    assert not without.of_type("aws:cloudtrail/organizationDelegatedAdminAccount:OrganizationDelegatedAdminAccount")


def test_security_aggregates_every_region_and_auto_enables_inspector():
    result = role_run("security")
    aggregator = only(result, "aws:cfg/configurationAggregator:ConfigurationAggregator")
    role = only(result, "aws:iam/role:Role", "aggregator")
    assert aggregator.inputs["organizationAggregationSource"] == {"allRegions": True, "roleArn": role.outputs["arn"]}
    trust = policy_of(role, "assumeRolePolicy")["Statement"][0]
    assert trust["Principal"] == {"Service": "config.amazonaws.com"}
    assert trust["Condition"] == {"StringEquals": {"aws:SourceAccount": SECURITY}}
    attachment = only(result, "aws:iam/rolePolicyAttachment:RolePolicyAttachment", "aggregator")
    assert attachment.inputs["policyArn"] == "arn:aws:iam::aws:policy/service-role/AWSConfigRoleForOrganizations"
    org_configs = result.of_type("aws:inspector2/organizationConfiguration:OrganizationConfiguration")
    assert sorted(r.inputs["region"] for r in org_configs) == ["eu-west-1", "us-east-1", "us-west-2"]
    assert org_configs[0].inputs["autoEnable"] == {"ec2": True, "ecr": True, "lambda": True, "lambdaCode": False, "codeRepository": False}
    assert not result.of_type(TRAIL)


def test_member_delivers_into_the_archive_without_a_trail_of_its_own():
    result = role_run("member")
    assert not result.of_type(TRAIL)
    channels = result.of_type("aws:cfg/deliveryChannel:DeliveryChannel")
    assert len(channels) == 3
    for channel in channels:
        assert (channel.inputs["s3BucketName"], channel.inputs["s3KmsKeyArn"], channel.inputs["s3KeyPrefix"]) == (
            ARCHIVE_BUCKET, ARCHIVE_KEY, "config")
    for flow_log in result.of_type("aws:ec2/flowLog:FlowLog"):
        assert flow_log.inputs["logDestination"] == f"arn:aws:s3:::{ARCHIVE_BUCKET}/vpc-flow-logs"
    assert {r.inputs["region"] for r in result.of_type("aws:inspector2/enabler:Enabler")} == {"us-east-1", "us-west-2", "eu-west-1"}
    assert result.of_type("aws:cloudwatch/eventRule:EventRule")  # security events forwarded to the alert topic
    reference = only(result, "pulumi:pulumi:StackReference")
    assert reference.inputs["name"] == "acme/org-baseline/log-archive"


def test_member_without_organization_trail_gets_its_own_trail_into_the_archive():
    result = run_role("member", orgTrailExists=False)
    trail = only(result, TRAIL)
    assert (trail.inputs["s3BucketName"], trail.inputs["kmsKeyId"]) == (ARCHIVE_BUCKET, ARCHIVE_KEY)
    assert "isOrganizationTrail" not in trail.inputs
    assert result.of_type("aws:cloudwatch/metricAlarm:MetricAlarm")


def test_explicit_archive_values_replace_the_stack_reference():
    result = run_role(
        "member", logArchiveStack="", logArchiveBucket="central-logs-bucket",
        logArchiveKeyArn="arn:aws:kms:us-east-1:222222222222:key/1111aaaa-2222-bbbb-3333-cccc4444dddd",
    )
    assert not result.of_type("pulumi:pulumi:StackReference")
    channel = result.of_type("aws:cfg/deliveryChannel:DeliveryChannel")[0]
    assert channel.inputs["s3BucketName"] == "central-logs-bucket"
    assert channel.inputs["s3KmsKeyArn"].endswith("key/1111aaaa-2222-bbbb-3333-cccc4444dddd")


@pytest.mark.parametrize("role", ROLES)
def test_every_role_resource_is_tagged_with_its_role(role):
    tagged = [r for r in role_run(role).resources if r.custom and "tags" in r.inputs]
    assert tagged and all(r.inputs["tags"]["BaselineRole"] == role for r in tagged)


def test_standalone_stays_the_default_of_the_repository_program():
    from tests.engine_helpers import example

    assert example().of_type(TRAIL)[0].inputs.get("isOrganizationTrail") is None
    assert "BaselineRole" not in example().of_type(TRAIL)[0].inputs["tags"]
