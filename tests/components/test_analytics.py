"""QueryArchive through the engine: the workgroup enforces results location, SSE-KMS and the scan cutoff; the
results bucket is a log store; every table reads where its writer writes, with partition projection; the saved
queries are named queries of the workgroup; organization layout in the log-archive account, nothing in members.
(The queries themselves run on sample logs in test_saved_queries.py.)"""

import subprocess
import sys

import pytest

from aws_logging_baseline.components.regions import default_enabled_regions
from aws_logging_baseline.components.log_archive import ACCESS_LOG_PREFIX, CONFIG_PREFIX, FLOW_LOGS_PREFIX, TRAIL_PREFIX
from aws_logging_baseline.components.saved_queries import load_catalog
from tests.components.analytics_runs import switched_off, variant
from tests.engine_helpers import REPO, example, only, policy_of, statement
from tests.org.org_helpers import ARCHIVE_BUCKET, LOG_ARCHIVE, ORG_ID, ORG_PROGRAM, account_fixture, role_run
from tests.settings_helpers import settings_problems

ACCOUNT = "111111111111"
ARCHIVE = f"baseline-log-archive-{ACCOUNT}-us-east-1"
RESULTS = f"baseline-athena-results-{ACCOUNT}-us-east-1"
TABLE = "aws:glue/catalogTable:CatalogTable"
QUERY = "aws:athena/namedQuery:NamedQuery"


def home_key_arn(result=None):
    return only(result or example(), "aws:kms/key:Key", "home-key").outputs["arn"]


def tables(result=None) -> dict[str, dict]:
    return {t.inputs["name"]: t.inputs for t in (result or example()).of_type(TABLE)}


def test_workgroup_enforces_results_location_kms_encryption_and_scan_cutoff():
    wg = only(example(), "aws:athena/workgroup:Workgroup").inputs
    assert wg["name"] == "baseline-investigations" and wg["region"] == "us-east-1" and wg["state"] == "ENABLED"
    config = wg["configuration"]
    assert config["enforceWorkgroupConfiguration"] is True
    assert config["bytesScannedCutoffPerQuery"] == 10737418240
    assert config["engineVersion"] == {"selectedEngineVersion": "Athena engine version 3"}
    assert config["resultConfiguration"] == {
        "outputLocation": f"s3://{RESULTS}/",
        "expectedBucketOwner": ACCOUNT,
        "encryptionConfiguration": {"encryptionOption": "SSE_KMS", "kmsKeyArn": home_key_arn()},
    }
    assert only(variant(), "aws:athena/workgroup:Workgroup").inputs["configuration"]["bytesScannedCutoffPerQuery"] == 1073741824


def test_results_bucket_is_a_protected_log_store_with_expiry():
    bucket = only(example(), "aws:s3/bucket:Bucket", "analytics-results")
    assert bucket.inputs["bucket"] == RESULTS and bucket.protect
    side = lambda t: only(example(), t, "analytics-results").inputs  # noqa: E731
    encryption = side("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration")["rules"][0]
    assert encryption["applyServerSideEncryptionByDefault"] == {"sseAlgorithm": "aws:kms", "kmsMasterKeyId": home_key_arn()}
    block = side("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock")
    assert all(block[k] is True for k in ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"))
    deny = statement(policy_of(only(example(), "aws:s3/bucketPolicy:BucketPolicy", "analytics-results")), "DenyInsecureTransport")
    assert deny["Effect"] == "Deny" and deny["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    (rule,) = side("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration")["rules"]
    assert rule["expiration"] == {"days": 30} and rule["status"] == "Enabled"


def test_database_and_one_table_per_log_the_baseline_writes():
    db = only(example(), "aws:glue/catalogDatabase:CatalogDatabase").inputs
    assert db["name"] == "baseline_logs" and db["region"] == "us-east-1"
    assert sorted(tables()) == ["cloudtrail", "config", "s3_access_logs", "vpc_flow_logs"]
    assert all(t["databaseName"] == "baseline_logs" and t["tableType"] == "EXTERNAL_TABLE" for t in tables().values())


def test_table_locations_are_the_writers_prefixes():
    """Each location is where the planned writer delivers: the trail's bucket and prefix, the flow logs' destination,
    the delivery channel's bucket and prefix, the bucket logging target (and the constants they are built from)."""
    trail = only(example(), "aws:cloudtrail/trail:Trail").inputs
    flow = example().of_type("aws:ec2/flowLog:FlowLog")[0].inputs
    channel = [c.inputs for c in example().of_type("aws:cfg/deliveryChannel:DeliveryChannel")][0]
    # the archive's access logs (the replica's go to a bucket in the replica's region, not queried here)
    [logging] = [b.inputs for b in example().of_type("aws:s3/bucketLogging:BucketLogging") if b.inputs["bucket"] == ARCHIVE]
    t = tables()
    assert t["cloudtrail"]["storageDescriptor"]["location"] == (
        f"s3://{trail['s3BucketName']}/{trail['s3KeyPrefix']}/AWSLogs/{ACCOUNT}/CloudTrail/") == f"s3://{ARCHIVE}/{TRAIL_PREFIX}/AWSLogs/{ACCOUNT}/CloudTrail/"
    assert t["vpc_flow_logs"]["storageDescriptor"]["location"] == (
        "s3://" + flow["logDestination"].split(":::")[1] + f"/AWSLogs/aws-account-id={ACCOUNT}/aws-service=vpcflowlogs/")
    assert flow["logDestination"] == f"arn:aws:s3:::{ARCHIVE}/{FLOW_LOGS_PREFIX}"
    assert t["config"]["storageDescriptor"]["location"] == (
        f"s3://{channel['s3BucketName']}/{channel['s3KeyPrefix']}/AWSLogs/{ACCOUNT}/Config/") == f"s3://{ARCHIVE}/{CONFIG_PREFIX}/AWSLogs/{ACCOUNT}/Config/"
    assert t["s3_access_logs"]["storageDescriptor"]["location"] == (
        f"s3://{logging['targetBucket']}/{logging['targetPrefix']}{ACCOUNT}/us-east-1/{logging['bucket']}/")
    assert logging["targetPrefix"] == ACCESS_LOG_PREFIX


def test_partition_projection_replaces_crawlers():
    t = tables()
    ct = t["cloudtrail"]["parameters"]
    regions = ",".join(default_enabled_regions())  # the example covers the default regions
    assert {k["name"] for k in t["cloudtrail"]["partitionKeys"]} == {"region", "day"}
    assert ct["projection.enabled"] == "true"
    assert ct["projection.region.type"] == "enum" and ct["projection.region.values"] == regions
    assert (ct["projection.day.type"], ct["projection.day.format"], ct["projection.day.range"]) == ("date", "yyyy/MM/dd", "2024/01/01,NOW")
    assert (ct["projection.day.interval"], ct["projection.day.interval.unit"]) == ("1", "DAYS")
    assert ct["storage.location.template"] == f"s3://{ARCHIVE}/cloudtrail/AWSLogs/{ACCOUNT}/CloudTrail/${{region}}/${{day}}"
    sd = t["cloudtrail"]["storageDescriptor"]
    assert sd["inputFormat"] == "com.amazon.emr.cloudtrail.CloudTrailInputFormat"
    assert sd["serDeInfo"]["serializationLibrary"] == "org.apache.hive.hcatalog.data.JsonSerDe"
    flow = t["vpc_flow_logs"]["parameters"]
    assert flow["storage.location.template"].endswith(
        "aws-region=${aws_region}/year=${year}/month=${month}/day=${day}/hour=${hour}")
    assert flow["projection.aws_region.values"] == regions
    assert [(flow[f"projection.{k}.range"], flow[f"projection.{k}.digits"]) for k in ("month", "day", "hour")] == [
        ("1,12", "2"), ("1,31", "2"), ("0,23", "2")]
    config = t["config"]["parameters"]
    assert (config["projection.day.format"], config["projection.day.range"]) == ("yyyy/M/d", "2024/1/1,NOW")
    assert config["projection.filetype.values"] == "ConfigHistory,ConfigSnapshot"
    assert t["s3_access_logs"]["storageDescriptor"]["serDeInfo"]["serializationLibrary"] == "org.apache.hadoop.hive.serde2.RegexSerDe"


def test_every_saved_query_is_a_named_query_of_the_workgroup():
    queries = {q.inputs["name"]: q.inputs for q in example().of_type(QUERY)}
    assert sorted(queries) == sorted(q.id for q in load_catalog())
    for saved in load_catalog():
        q = queries[saved.id]
        assert q["query"] == saved.sql
        assert q["workgroup"] == "baseline-investigations" and q["database"] == "baseline_logs"
        assert q["description"].startswith(saved.description)
        assert all(p.name in q["description"] for p in saved.parameters)
    assert example().stack_outputs["savedQueries"].keys() == queries.keys()


def test_disabled_queries_and_queries_without_their_table_are_left_out():
    queries = sorted(q.inputs["name"] for q in variant().of_type(QUERY))
    expected = sorted(q.id for q in load_catalog() if q.table != "vpc_flow_logs" and q.id != "iam-changes")
    assert queries == expected
    assert "vpc_flow_logs" not in tables(variant())


def test_analytics_off_creates_nothing_of_it():
    result = switched_off()
    assert not [r for r in result.resources if r.type.startswith(("aws:athena/", "aws:glue/"))]
    assert "athenaWorkgroup" not in result.stack_outputs


def test_organization_tables_in_the_log_archive_account_project_every_listed_account():
    result = role_run("log-archive")
    t = tables(result)
    ct = t["cloudtrail"]["parameters"]
    assert ct["storage.location.template"] == (
        f"s3://{ARCHIVE_BUCKET}/cloudtrail/AWSLogs/{ORG_ID}/${{account}}/CloudTrail/${{region}}/${{day}}")
    assert ct["projection.account.values"] == "111111111111,222222222222,333333333333,444444444444"
    assert t["vpc_flow_logs"]["parameters"]["storage.location.template"].startswith(
        f"s3://{ARCHIVE_BUCKET}/vpc-flow-logs/AWSLogs/aws-account-id=${{account}}/aws-service=vpcflowlogs/")
    assert t["config"]["storageDescriptor"]["location"] == f"s3://{ARCHIVE_BUCKET}/config/AWSLogs/"
    wg = only(result, "aws:athena/workgroup:Workgroup").inputs["configuration"]["resultConfiguration"]
    assert wg["outputLocation"] == f"s3://acme-athena-results-{LOG_ARCHIVE}-us-east-1/"
    assert wg["encryptionConfiguration"]["kmsKeyArn"] == only(result, "aws:kms/key:Key", "archive-key").outputs["arn"]
    assert len(result.of_type(QUERY)) == len(load_catalog())


@pytest.mark.parametrize("role", ["member", "management", "security"])
def test_other_organization_accounts_get_no_query_archive(role):
    assert not [r for r in role_run(role).resources if r.type.startswith(("aws:athena/", "aws:glue/"))]


@pytest.mark.parametrize("config, message", [
    ({"athenaBytesScannedCutoff": "-1"}, "baseline:athenaBytesScannedCutoff: at least 10485760 bytes (10 MB, Athena's minimum), got -1"),
    ({"disabledQueries": '["root-activity", "nope"]'}, "baseline:disabledQueries: unknown id(s) nope; known: root-activity, "),
    ({"analyticsAccountIds": '["12345"]'}, "baseline:analyticsAccountIds: not 12-digit account ids: 12345"),
])
def test_bad_analytics_settings_name_their_key(config, message):
    problems = settings_problems(**config)
    assert any(p.startswith(message) for p in problems), problems


def test_log_archive_role_with_analytics_needs_the_accounts():
    """One line naming the key, exit 2, through the real command line (the org's log-archive stack)."""
    done = subprocess.run(
        [sys.executable, "-m", "aws_logging_baseline", "preview", "--program", str(ORG_PROGRAM), "--stack", "log-archive",
         "--account", str(account_fixture("log-archive")), "--no-tree", "-c", "baseline:analyticsAccountIds=[]"],
        cwd=REPO, capture_output=True, text=True, timeout=120,
    )
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert done.stderr.strip().splitlines() == [
        "error: baseline:analyticsAccountIds: role log-archive with analytics on needs the organization's account ids "
        "(the tables project one partition per account), or set baseline:analytics to false"
    ]


@pytest.mark.parametrize("override, message", [
    ("baseline:athenaBytesScannedCutoff=-5", "error: baseline:athenaBytesScannedCutoff: at least 10485760 bytes (10 MB, Athena's minimum), got -5"),
    ("baseline:logStreaming=true", "error: baseline:logStreaming: streaming needs a destination: set "
                                   "baseline:logStreamingOpensearchDomainArn or baseline:logStreamingHttpEndpointUrl"),
    ('baseline:disabledQueries=["nope"]', "error: baseline:disabledQueries: unknown id(s) nope; known: root-activity, "),
])
def test_bad_input_on_the_command_line_is_one_line_and_exit_2(capsys, tmp_path, override, message):
    from aws_logging_baseline.cli.main import main

    out = tmp_path / "plan.json"
    code = main(["check", "--stack", "example", "-c", override, "--json", str(out)])
    err = capsys.readouterr().err
    assert code == 2 and "Traceback" not in err
    (line,) = err.strip().splitlines()
    assert line.startswith(message)
    assert not out.exists()  # nothing half-written


def test_an_analyst_of_the_account_can_read_and_write_results_under_the_key_and_an_outsider_cannot():
    """Athena reads the archive and writes results with the caller's credentials; the key policy delegates to
    IAM in this account only (docs/analytics.md lists the analyst's permissions)."""
    from aws_logging_baseline.access.evaluator import Policy, Principal, Request, evaluate

    key = only(example(), "aws:kms/key:Key", "home-key")
    key_policy = Policy("key", policy_of(key))
    analyst_policy = Policy("analyst", {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": ["kms:Decrypt", "kms:GenerateDataKey"], "Resource": key.outputs["arn"]}]})
    via_s3 = {"kms:ViaService": "s3.us-east-1.amazonaws.com"}

    def allowed(principal: str, action: str) -> bool:
        context = {**via_s3, "kms:CallerAccount": principal.split(":")[4]}
        return evaluate(Request(Principal.aws(principal), action, key.outputs["arn"], context), resource_account=ACCOUNT,
                        resource_policy=key_policy, resource_kind="key", identity_policies=[analyst_policy]).allowed

    analyst, outsider = f"arn:aws:iam::{ACCOUNT}:role/security-analyst", "arn:aws:iam::999999999999:role/security-analyst"
    assert allowed(analyst, "kms:GenerateDataKey") and allowed(analyst, "kms:Decrypt")
    assert not allowed(outsider, "kms:GenerateDataKey") and not allowed(outsider, "kms:Decrypt")
