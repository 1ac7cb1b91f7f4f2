"""Issue 18, through the engine: GuardDuty, Security Hub and IAM Access Analyzer in the standalone example and
every organization role; the findings export proved with the offline evaluator against the documented request;
the alert rules matched against sample finding events (moto's EventBridge pattern matcher).

GuardDuty export: https://docs.aws.amazon.com/guardduty/latest/ug/guardduty_exportfindings.html (objects under
<prefix>/AWSLogs/<account>/GuardDuty/<region>/, aws:SourceAccount and aws:SourceArn of the detector).
"""

import json

import pytest
from moto.events.models import EventPattern

from aws_logging_baseline.access.evaluator import Policy, Principal, Request, evaluate
from aws_logging_baseline.components.regions import default_enabled_regions
from tests.engine_helpers import example, only, policy_of, run_baseline, statement
from tests.org.org_helpers import ARCHIVE_BUCKET, ARCHIVE_KEY, LOG_ARCHIVE, MANAGEMENT, SECURITY, role_run, run_role

ACCOUNT = "111111111111"
REGIONS = default_enabled_regions()
ARCHIVE = f"baseline-log-archive-{ACCOUNT}-us-east-1"
DETECTOR = "aws:guardduty/detector:Detector"
FEATURE = "aws:guardduty/detectorFeature:DetectorFeature"
DESTINATION = "aws:guardduty/publishingDestination:PublishingDestination"
SH_ACCOUNT = "aws:securityhub/account:Account"
SUBSCRIPTION = "aws:securityhub/standardsSubscription:StandardsSubscription"
ANALYZER = "aws:accessanalyzer/analyzer:Analyzer"
DEFAULT_PLANS = {"EKS_AUDIT_LOGS", "EBS_MALWARE_PROTECTION", "RDS_LOGIN_EVENTS", "LAMBDA_NETWORK_LOGS"}
ALL_FEATURES = DEFAULT_PLANS | {"S3_DATA_EVENTS", "RUNTIME_MONITORING"}


def by_region(result, type_):
    found = {}
    for r in result.of_type(type_):
        found.setdefault(r.inputs["region"], []).append(r)
    return found


# --- GuardDuty, standalone -------------------------------------------------------------------------------

def test_a_detector_in_every_covered_region_publishing_every_fifteen_minutes():
    detectors = by_region(example(), DETECTOR)
    assert sorted(detectors) == sorted(REGIONS)
    for [detector] in detectors.values():
        assert detector.inputs["enable"] is True and detector.inputs["findingPublishingFrequency"] == "FIFTEEN_MINUTES"


def test_every_protection_plan_is_declared_and_only_the_chosen_ones_enabled():
    features = by_region(example(), FEATURE)
    assert sorted(features) == sorted(REGIONS)
    detector_ids = {r: d.outputs["id"] for r, [d] in by_region(example(), DETECTOR).items()}
    for region, items in features.items():
        status = {f.inputs["name"]: f.inputs["status"] for f in items}
        assert status == {name: "ENABLED" if name in DEFAULT_PLANS else "DISABLED" for name in ALL_FEATURES}
        assert {f.inputs["detectorId"] for f in items} == {detector_ids[region]}


def test_runtime_monitoring_turns_on_its_agent_management():
    result = run_baseline(guardDutyProtectionPlans=["runtime-monitoring"], regions=["us-east-1"], securityHubEnabled=False)
    [runtime] = [f for f in result.of_type(FEATURE) if f.inputs["name"] == "RUNTIME_MONITORING"]
    assert runtime.inputs["status"] == "ENABLED"
    assert runtime.inputs["additionalConfigurations"] == [
        {"name": n, "status": "ENABLED"} for n in ("EKS_ADDON_MANAGEMENT", "ECS_FARGATE_AGENT_MANAGEMENT", "EC2_AGENT_MANAGEMENT")
    ]


def test_findings_are_exported_from_every_region_to_the_archive_under_the_archive_key():
    result = example()
    key = only(result, "aws:kms/key:Key", "home-key")
    destinations = by_region(result, DESTINATION)
    assert sorted(destinations) == sorted(REGIONS)
    for [d] in destinations.values():
        assert d.inputs["destinationType"] == "S3"
        assert d.inputs["destinationArn"] == f"arn:aws:s3:::{ARCHIVE}/guardduty/"  # the folder the bucket policy allows
        assert d.inputs["kmsKeyArn"] == key.outputs["arn"]


def export_request(action, resource, account=ACCOUNT, region="eu-west-1", principal="guardduty.amazonaws.com"):
    return Request(
        Principal.service(principal), action, resource,
        {"aws:SourceAccount": account, "aws:SourceArn": f"arn:aws:guardduty:{region}:{account}:detector/12abc34d567e8fa901bc2d34e56789f0"},
    )


def test_the_documented_guardduty_export_is_allowed_and_an_outsider_is_denied():
    result = example()
    bucket = Policy("archive", policy_of(only(result, "aws:s3/bucketPolicy:BucketPolicy", "archive-archive")))
    key = Policy("home key", policy_of(only(result, "aws:kms/key:Key", "home-key")))
    obj = f"arn:aws:s3:::{ARCHIVE}/guardduty/AWSLogs/{ACCOUNT}/GuardDuty/eu-west-1/2026/11/30/finding.jsonl.gz"
    allowed = [
        (export_request("s3:PutObject", obj), bucket, "resource"),
        (export_request("s3:GetBucketLocation", f"arn:aws:s3:::{ARCHIVE}"), bucket, "resource"),
        (export_request("kms:GenerateDataKey", "arn:aws:kms:us-east-1:111111111111:key/k"), key, "key"),
    ]
    for request, policy, kind in allowed:
        decision = evaluate(request, resource_account=ACCOUNT, resource_policy=policy, resource_kind=kind)
        assert decision.allowed, (request.action, decision.reason)
    denied = [
        (export_request("s3:PutObject", obj, account="999999999999"), bucket, "resource"),  # another account's detector
        (export_request("kms:GenerateDataKey", "arn:aws:kms:us-east-1:111111111111:key/k", account="999999999999"), key, "key"),
        (export_request("s3:PutObject", f"arn:aws:s3:::{ARCHIVE}/cloudtrail/AWSLogs/{ACCOUNT}/x"), bucket, "resource"),  # outside its prefix
        (Request(Principal.service("guardduty.amazonaws.com"), "s3:PutObject", obj), bucket, "resource"),  # no source: confused deputy
    ]
    for request, policy, kind in denied:
        assert not evaluate(request, resource_account=ACCOUNT, resource_policy=policy, resource_kind=kind).allowed, request


def test_export_statements_carry_the_documented_confused_deputy_conditions():
    result = example()
    bucket = policy_of(only(result, "aws:s3/bucketPolicy:BucketPolicy", "archive-archive"))
    key = policy_of(only(result, "aws:kms/key:Key", "home-key"))
    source = {
        "StringEquals": {"aws:SourceAccount": ACCOUNT},
        "ArnLike": {"aws:SourceArn": f"arn:aws:guardduty:*:{ACCOUNT}:detector/*"},
    }
    for stmt in (statement(bucket, "AllowGuardDutyGetBucketLocation"), statement(bucket, "AllowGuardDutyPutObject"),
                 statement(key, "AllowGuardDutyToEncryptFindings")):
        assert stmt["Condition"] == source and stmt["Principal"] == {"Service": "guardduty.amazonaws.com"}
    assert statement(key, "AllowGuardDutyToEncryptFindings")["Action"] == "kms:GenerateDataKey"


def test_opt_in_regions_use_the_regional_guardduty_principal():
    result = run_baseline(regions=["us-east-1", "me-south-1"], securityHubEnabled=False)
    bucket = policy_of(only(result, "aws:s3/bucketPolicy:BucketPolicy", "archive-archive"))
    assert statement(bucket, "AllowGuardDutyPutObject")["Principal"] == {
        "Service": ["guardduty.amazonaws.com", "guardduty.me-south-1.amazonaws.com"]
    }


def test_without_export_there_is_no_destination_and_no_guardduty_grant():
    result = run_baseline(guardDutyExportFindings=False, regions=["us-east-1"], securityHubEnabled=False)
    assert not result.of_type(DESTINATION) and result.of_type(DETECTOR)
    assert "guardduty" not in json.dumps(policy_of(only(result, "aws:s3/bucketPolicy:BucketPolicy", "archive-archive")))
    off = run_baseline(guardDutyEnabled=False, regions=["us-east-1"], securityHubEnabled=False)
    assert not off.of_type(DETECTOR) and not off.of_type(DESTINATION)


# --- Security Hub and Access Analyzer, standalone ---------------------------------------------------------

def test_security_hub_in_every_region_with_cis_5_and_fsbp_aggregated_into_home():
    result = example()
    accounts = by_region(result, SH_ACCOUNT)
    assert sorted(accounts) == sorted(REGIONS)
    for [account] in accounts.values():
        assert account.inputs["enableDefaultStandards"] is False
        assert account.inputs["controlFindingGenerator"] == "SECURITY_CONTROL"
    for region, subs in by_region(result, SUBSCRIPTION).items():
        assert sorted(s.inputs["standardsArn"] for s in subs) == [
            f"arn:aws:securityhub:{region}::standards/aws-foundational-security-best-practices/v/1.0.0",
            f"arn:aws:securityhub:{region}::standards/cis-aws-foundations-benchmark/v/5.0.0",
        ]
    assert sorted(by_region(result, SUBSCRIPTION)) == sorted(REGIONS)
    aggregator = only(result, "aws:securityhub/findingAggregator:FindingAggregator")
    assert aggregator.inputs["region"] == "us-east-1" and aggregator.inputs["linkingMode"] == "SPECIFIED_REGIONS"
    assert sorted(aggregator.inputs["specifiedRegions"]) == sorted(r for r in REGIONS if r != "us-east-1")


def test_external_access_analyzer_in_every_region_and_unused_access_only_when_asked():
    analyzers = example().of_type(ANALYZER)
    assert sorted(a.inputs["region"] for a in analyzers) == sorted(REGIONS)
    assert {a.inputs["type"] for a in analyzers} == {"ACCOUNT"}
    result = run_baseline(accessAnalyzerUnusedAccessDays=90, regions=["us-east-1", "eu-west-1"], securityHubEnabled=False)
    [unused] = [a for a in result.of_type(ANALYZER) if a.inputs["type"] == "ACCOUNT_UNUSED_ACCESS"]
    assert unused.inputs["region"] == "us-east-1"
    assert unused.inputs["configuration"] == {"unusedAccess": {"unusedAccessAge": 90}}


# --- alert rules against sample finding events --------------------------------------------------------------

def home_pattern(result, event_id, prefix="baseline"):
    [rule] = [r for r in result.of_type("aws:cloudwatch/eventRule:EventRule") if r.inputs["name"] == f"{prefix}-{event_id}"]
    return EventPattern.load(rule.inputs["eventPattern"])


def arrays_as_leaf_lists(node):
    """EventBridge matches a field inside an array of objects against that field's values in every element
    (EventBridge user guide, "Arrays in Amazon EventBridge event patterns"); moto's matcher only walks objects, so
    hand it the same view: an array of objects becomes an object whose leaves list each element's value."""
    if isinstance(node, dict):
        return {k: arrays_as_leaf_lists(v) for k, v in node.items()}
    if isinstance(node, list) and node and all(isinstance(x, dict) for x in node):
        keys = dict.fromkeys(k for x in node for k in x)
        return {k: arrays_as_leaf_lists([x[k] for x in node if k in x]) for k in keys}
    if isinstance(node, list):
        return [leaf for x in node for leaf in (x if isinstance(x, list) else [x])]
    return node


def event(source, detail_type, detail, region="eu-west-1"):
    return {"version": "0", "id": "e", "detail-type": detail_type, "source": source, "account": ACCOUNT,
            "time": "2026-11-30T12:00:00Z", "region": region, "resources": [], "detail": detail}


@pytest.mark.parametrize("severity, alerts", [(8.0, True), (9.5, True), (7.0, True), (5.0, False), (2.0, False)])
def test_guardduty_high_and_critical_findings_alert(severity, alerts):
    pattern = home_pattern(example(), "guardduty-findings")
    finding = {"schemaVersion": "2.0", "accountId": ACCOUNT, "region": "eu-west-1", "type": "UnauthorizedAccess:EC2/SSHBruteForce",
               "severity": severity, "title": "SSH brute force"}
    assert pattern.matches_event(event("aws.guardduty", "GuardDuty Finding", finding)) is alerts


@pytest.mark.parametrize("label, workflow, state, alerts", [
    ("CRITICAL", "NEW", "ACTIVE", True), ("HIGH", "NEW", "ACTIVE", True), ("MEDIUM", "NEW", "ACTIVE", False),
    ("HIGH", "RESOLVED", "ACTIVE", False), ("HIGH", "NEW", "ARCHIVED", False),
])
def test_security_hub_new_high_and_critical_findings_alert(label, workflow, state, alerts):
    pattern = home_pattern(example(), "security-hub-findings")
    finding = {"AwsAccountId": ACCOUNT, "Region": "eu-west-1", "Title": "S3.1 ...", "Severity": {"Label": label},
               "Workflow": {"Status": workflow}, "RecordState": state}
    sample = event("aws.securityhub", "Security Hub Findings - Imported", {"findings": [finding]}, "us-east-1")
    assert pattern.matches_event(arrays_as_leaf_lists(sample)) is alerts


def test_security_hub_findings_are_not_forwarded_twice():
    # The aggregator brings them to the home region itself; forwarding rules carry no Security Hub pattern.
    for rule in example().of_type("aws:cloudwatch/eventRule:EventRule"):
        if rule.inputs["region"] != "us-east-1":
            assert "aws.securityhub" not in rule.inputs["eventPattern"]


@pytest.mark.parametrize("detail_type, status, alerts", [
    ("Access Analyzer Finding", "ACTIVE", True), ("Unused Access Finding for IAM entities", "ACTIVE", True),
    ("Access Analyzer Finding", "ARCHIVED", False), ("Access Preview State Change", "ACTIVE", False),
])
def test_active_access_analyzer_findings_alert(detail_type, status, alerts):
    pattern = home_pattern(example(), "access-analyzer-findings")
    detail = {"resource": f"arn:aws:s3:::{ARCHIVE}", "accountId": ACCOUNT, "status": status}
    assert pattern.matches_event(event("aws.access-analyzer", detail_type, detail)) is alerts


# --- organization --------------------------------------------------------------------------------------------

ORG_REGIONS = ["eu-west-1", "us-east-1", "us-west-2"]


def test_management_delegates_guardduty_in_every_region_and_security_hub_in_home():
    result = role_run("management")
    admins = result.of_type("aws:guardduty/organizationAdminAccount:OrganizationAdminAccount")
    assert sorted((a.inputs["region"], a.inputs["adminAccountId"]) for a in admins) == [(r, SECURITY) for r in ORG_REGIONS]
    sh_admin = only(result, "aws:securityhub/organizationAdminAccount:OrganizationAdminAccount")
    assert (sh_admin.inputs["region"], sh_admin.inputs["adminAccountId"]) == ("us-east-1", SECURITY)
    assert [a.inputs["region"] for a in result.of_type(SH_ACCOUNT)] == ["us-east-1"]
    assert not result.of_type(DETECTOR)  # GuardDuty auto-enables the management account as a member


def test_security_auto_enables_guardduty_and_the_chosen_plans_for_all_members_in_every_region():
    result = role_run("security")
    assert sorted(by_region(result, DETECTOR)) == ORG_REGIONS
    configs = result.of_type("aws:guardduty/organizationConfiguration:OrganizationConfiguration")
    assert sorted(c.inputs["region"] for c in configs) == ORG_REGIONS
    assert {c.inputs["autoEnableOrganizationMembers"] for c in configs} == {"ALL"}
    for region, items in by_region(result, "aws:guardduty/organizationConfigurationFeature:OrganizationConfigurationFeature").items():
        assert {f.inputs["name"]: f.inputs["autoEnable"] for f in items} == {
            n: "ALL" if n in DEFAULT_PLANS else "NONE" for n in ALL_FEATURES
        }, region


def test_security_exports_the_organizations_findings_to_the_log_archive():
    destinations = by_region(role_run("security"), DESTINATION)
    assert sorted(destinations) == ORG_REGIONS
    for [d] in destinations.values():
        assert (d.inputs["destinationArn"], d.inputs["kmsKeyArn"]) == (f"arn:aws:s3:::{ARCHIVE_BUCKET}/guardduty/", ARCHIVE_KEY)
    # The log-archive account's bucket and key accept exactly the security account's detectors.
    result = role_run("log-archive")
    bucket = Policy("org archive", policy_of(only(result, "aws:s3/bucketPolicy:BucketPolicy", "archive-archive")))
    key = Policy("org key", policy_of(only(result, "aws:kms/key:Key", "archive-key")))
    obj = f"arn:aws:s3:::{ARCHIVE_BUCKET}/guardduty/AWSLogs/{SECURITY}/GuardDuty/us-west-2/f.jsonl.gz"
    put = lambda account: export_request("s3:PutObject", obj, account=account, region="us-west-2")  # noqa: E731
    gen = lambda account: export_request("kms:GenerateDataKey", ARCHIVE_KEY, account=account, region="us-west-2")  # noqa: E731
    assert evaluate(put(SECURITY), resource_account=LOG_ARCHIVE, resource_policy=bucket).allowed
    assert evaluate(gen(SECURITY), resource_account=LOG_ARCHIVE, resource_policy=key, resource_kind="key").allowed
    for outsider in ("444444444444", "999999999999"):
        assert not evaluate(put(outsider), resource_account=LOG_ARCHIVE, resource_policy=bucket).allowed
        assert not evaluate(gen(outsider), resource_account=LOG_ARCHIVE, resource_policy=key, resource_kind="key").allowed


def test_security_hub_central_configuration_applies_to_the_root_with_the_management_exception():
    result = role_run("security")
    org = only(result, "aws:securityhub/organizationConfiguration:OrganizationConfiguration")
    assert org.inputs["organizationConfiguration"] == {"configurationType": "CENTRAL"}
    assert org.inputs["autoEnable"] is False and org.inputs["autoEnableStandards"] == "NONE"
    aggregator = only(result, "aws:securityhub/findingAggregator:FindingAggregator")
    assert sorted(aggregator.inputs["specifiedRegions"]) == ["eu-west-1", "us-west-2"]
    policies = {p.inputs["name"]: p for p in result.of_type("aws:securityhub/configurationPolicy:ConfigurationPolicy")}
    standards = [
        "arn:aws:securityhub:us-east-1::standards/cis-aws-foundations-benchmark/v/5.0.0",
        "arn:aws:securityhub:us-east-1::standards/aws-foundational-security-best-practices/v/1.0.0",
    ]
    for name, disabled in (("acme-organization", [f"CloudWatch.{i}" for i in range(1, 15)]), ("acme-management", [])):
        config = policies[name].inputs["configurationPolicy"]
        assert config["serviceEnabled"] is True and config["enabledStandardArns"] == standards
        assert config["securityControlsConfiguration"].get("disabledControlIdentifiers", []) == disabled
    assert "the organization trail delivers to CloudWatch Logs only in the management account" in policies["acme-organization"].inputs["description"]
    targets = {a.inputs["policyId"]: a.inputs["targetId"] for a in result.of_type(
        "aws:securityhub/configurationPolicyAssociation:ConfigurationPolicyAssociation")}
    assert targets == {policies["acme-organization"].outputs["id"]: "r-offl", policies["acme-management"].outputs["id"]: MANAGEMENT}


def test_access_analyzers_account_zone_everywhere_organization_zone_in_security():
    for role in ("management", "security", "member"):
        analyzers = role_run(role).of_type(ANALYZER)
        accounts = sorted(a.inputs["region"] for a in analyzers if a.inputs["type"] == "ACCOUNT")
        assert accounts == ORG_REGIONS, role
    org = [a for a in role_run("security").of_type(ANALYZER) if a.inputs["type"] == "ORGANIZATION"]
    assert sorted(a.inputs["region"] for a in org) == ORG_REGIONS
    unused = run_role("security", accessAnalyzerUnusedAccessDays=120).of_type(ANALYZER)
    assert [(a.inputs["type"], a.inputs["region"]) for a in unused if "UNUSED" in a.inputs["type"]] == [
        ("ORGANIZATION_UNUSED_ACCESS", "us-east-1")
    ]


def test_members_run_no_detector_or_security_hub_of_their_own():
    result = role_run("member")
    assert not result.of_type(DETECTOR) and not result.of_type(SH_ACCOUNT)
