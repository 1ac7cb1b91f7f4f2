"""Every saved query, run offline: sample logs in the layouts the planned writers produce, read through the
planned Glue tables into DuckDB, each query parsed as Trino (Athena engine 3) SQL and translated by sqlglot
only where DuckDB spells something differently, and each returns exactly the rows the samples were built for.

Layouts: CloudTrail (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/get-and-view-cloudtrail-log-files.html),
VPC flow logs to S3 as Parquet with Hive-compatible hourly partitions (https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs-s3-path.html,
Parquet types from https://docs.aws.amazon.com/vpc/latest/userguide/flow-log-records.html), AWS Config history
(https://docs.aws.amazon.com/config/latest/developerguide/config-concepts.html#config-history), S3 server access
logs with date-partitioned keys (https://docs.aws.amazon.com/AmazonS3/latest/userguide/ServerLogs.html).
"""

import itertools
import re

import duckdb
import pyarrow as pa
import pytest
import sqlglot
from sqlglot.errors import ErrorLevel

from aws_logging_baseline.components.saved_queries import load_catalog
from tests.components.athena_samples import LocalS3, PlannedTable, epoch, load, put_json_gz, put_parquet
from tests.engine_helpers import example

ACCOUNT = "111111111111"
ALICE = f"arn:aws:iam::{ACCOUNT}:user/alice"
BOB = f"arn:aws:iam::{ACCOUNT}:user/bob"
DAVE = f"arn:aws:iam::{ACCOUNT}:user/dave"
ROOT = f"arn:aws:iam::{ACCOUNT}:root"
BOB_KEY = "AKIABOBEXAMPLE000001"
KEY_1 = f"arn:aws:kms:us-east-1:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
KEY_2 = f"arn:aws:kms:eu-west-1:{ACCOUNT}:key/5678abcd-12ab-34cd-56ef-1234567890ab"
_ids = itertools.count(1)

# VPC flow-log Parquet column types (the guide's "Parquet data type"); every other field is a string.
FLOW_PARQUET_TYPES = {
    "version": pa.int32(), "srcport": pa.int32(), "dstport": pa.int32(), "protocol": pa.int32(), "tcp-flags": pa.int32(),
    "traffic-path": pa.int32(), "encryption-status": pa.int32(),
    "packets": pa.int64(), "bytes": pa.int64(), "start": pa.int64(), "end": pa.int64(),
}


def user(arn: str, key: str) -> dict:
    return {"type": "IAMUser", "principalId": "AIDA" + arn[-5:].upper(), "arn": arn, "accountId": ACCOUNT,
            "accessKeyId": key, "userName": arn.rsplit("/", 1)[1]}


ROOT_IDENTITY = {"type": "Root", "principalId": ACCOUNT, "arn": ROOT, "accountId": ACCOUNT, "accessKeyId": "ASIAROOTEXAMPLE00001"}


def event(name, source, when, who, *, region="us-east-1", error=None, request=None, response=None, additional=None,
          read_only=False, ip="198.51.100.7", event_type="AwsApiCall") -> dict:
    """One CloudTrail record as CloudTrail writes it (camelCase keys, nested JSON objects)."""
    return {
        "eventVersion": "1.11", "userIdentity": who, "eventTime": when, "eventSource": source, "eventName": name,
        "awsRegion": region, "sourceIPAddress": ip, "userAgent": "aws-cli/2.22.0", "errorCode": error,
        "errorMessage": "denied" if error else None, "requestParameters": request, "responseElements": response,
        "additionalEventData": additional, "requestID": f"req-{next(_ids)}", "eventID": f"evt-{next(_ids)}",
        "readOnly": read_only, "eventType": event_type, "managementEvent": True, "recipientAccountId": ACCOUNT,
        "eventCategory": "Management", "tlsDetails": {"tlsVersion": "TLSv1.3", "cipherSuite": "TLS_AES_128_GCM_SHA256",
                                                       "clientProvidedHostHeader": f"{source.split('.')[0]}.amazonaws.com"},
    }


def cloudtrail_records() -> list[dict]:
    alice, bob = user(ALICE, "ASIAALICE00000000001"), user(BOB, BOB_KEY)
    carol, dave = user(f"arn:aws:iam::{ACCOUNT}:user/carol", "ASIACAROL0000000001"), user(DAVE, "ASIADAVE00000000001")
    hidden = {"type": "IAMUser", "principalId": ACCOUNT, "accountId": ACCOUNT, "userName": "HIDDEN_DUE_TO_SECURITY_REASONS"}
    day = "2026-11-30T"
    sign_in = {"event_type": "AwsConsoleSignIn"}
    return [
        event("ConsoleLogin", "signin.amazonaws.com", day + "08:00:00Z", ROOT_IDENTITY, ip="203.0.113.50",
              response={"ConsoleLogin": "Success"}, additional={"MFAUsed": "No", "MobileVersion": "No"}, **sign_in),
        event("CreateAccessKey", "iam.amazonaws.com", day + "08:05:00Z", ROOT_IDENTITY, ip="203.0.113.50", request={}),
        event("DescribeCases", "support.amazonaws.com", day + "08:06:00Z", {**ROOT_IDENTITY, "invokedBy": "support.amazonaws.com"},
              read_only=True),
        event("GetAccountSummary", "iam.amazonaws.com", "2026-10-01T08:00:00Z", ROOT_IDENTITY, read_only=True),
        event("ConsoleLogin", "signin.amazonaws.com", day + "09:00:00Z", alice, ip="203.0.113.10", error="Failed authentication",
              response={"ConsoleLogin": "Failure"}, additional={"MFAUsed": "Yes"}, **sign_in),
        event("ConsoleLogin", "signin.amazonaws.com", day + "09:01:00Z", alice, ip="203.0.113.10", error="Failed authentication",
              response={"ConsoleLogin": "Failure"}, additional={"MFAUsed": "Yes"}, **sign_in),
        event("ConsoleLogin", "signin.amazonaws.com", day + "09:02:00Z", alice, response={"ConsoleLogin": "Success"},
              additional={"MFAUsed": "Yes"}, **sign_in),
        event("ConsoleLogin", "signin.amazonaws.com", day + "09:03:00Z", hidden, ip="192.0.2.99", error="No username found in supplied account",
              response={"ConsoleLogin": "Failure"}, additional={"MFAUsed": "No"}, **sign_in),
        event("GetObject", "s3.amazonaws.com", day + "09:30:00Z", bob, error="AccessDenied", read_only=True,
              request={"bucketName": "finance", "key": "q3.xlsx"}),
        event("GetObject", "s3.amazonaws.com", day + "09:31:00Z", bob, error="AccessDenied", read_only=True,
              request={"bucketName": "finance", "key": "q4.xlsx"}),
        event("RunInstances", "ec2.amazonaws.com", day + "09:40:00Z", bob, error="Client.UnauthorizedOperation",
              request={"instanceType": "p5.48xlarge"}),
        event("ListBuckets", "s3.amazonaws.com", day + "09:45:00Z", carol, error="ThrottlingException", read_only=True),
        event("AuthorizeSecurityGroupIngress", "ec2.amazonaws.com", day + "10:00:00Z", alice,
              request={"groupId": "sg-0abc1234", "ipPermissions": {"items": [{"fromPort": 22, "toPort": 22}]}}),
        event("CreateRoute", "ec2.amazonaws.com", day + "10:05:00Z", alice, region="eu-west-1",
              request={"routeTableId": "rtb-0def5678", "destinationCidrBlock": "0.0.0.0/0"}),
        event("DescribeSecurityGroups", "ec2.amazonaws.com", day + "10:06:00Z", alice, read_only=True,
              request={"groupIdSet": {"items": [{"groupId": "sg-0abc1234"}]}}),
        event("CreateSecurityGroup", "ec2.amazonaws.com", day + "10:10:00Z", alice, request={"groupName": "web"},
              response={"_return": True, "groupId": "sg-0new0001"}),
        event("RevokeSecurityGroupIngress", "ec2.amazonaws.com", "2026-10-01T10:00:00Z", dave, request={"groupId": "sg-0abc1234"}),
        event("RevokeSecurityGroupIngress", "ec2.amazonaws.com", day + "11:00:00Z", dave, request={"groupId": "sg-0abc1234"}),
        event("CreateUser", "iam.amazonaws.com", day + "12:00:00Z", alice, request={"userName": "mallory"}),
        event("GetUser", "iam.amazonaws.com", day + "12:00:30Z", alice, read_only=True, request={"userName": "mallory"}),
        event("AttachUserPolicy", "iam.amazonaws.com", day + "12:01:00Z", alice,
              request={"userName": "mallory", "policyArn": "arn:aws:iam::aws:policy/AdministratorAccess"}),
        event("DisableKey", "kms.amazonaws.com", day + "13:00:00Z", alice, request={"keyId": KEY_1}),
        event("ScheduleKeyDeletion", "kms.amazonaws.com", day + "13:05:00Z", alice, region="eu-west-1",
              request={"keyId": KEY_2, "pendingWindowInDays": 30}),
        event("Encrypt", "kms.amazonaws.com", day + "13:06:00Z", alice, read_only=True, request={"keyId": KEY_1}),
    ]


# --- writing the samples where the planned writers write ------------------------------------------------------


def planned(result, type_: str, name_contains: str = "") -> list:
    return [r for r in result.of_type(type_) if name_contains in r.name]


def write_cloudtrail(s3: LocalS3, result) -> None:
    trail = planned(result, "aws:cloudtrail/trail:Trail")[0].inputs
    groups: dict[tuple[str, str], list[dict]] = {}
    for record in cloudtrail_records():
        groups.setdefault((record["awsRegion"], record["eventTime"][:10]), []).append(record)
    for (region, day), records in groups.items():
        yyyy, mm, dd = day.split("-")
        name = f"{ACCOUNT}_CloudTrail_{region}_{yyyy}{mm}{dd}T2355Z_{next(_ids):016x}.json.gz"
        uri = f"s3://{trail['s3BucketName']}/{trail['s3KeyPrefix']}/AWSLogs/{ACCOUNT}/CloudTrail/{region}/{yyyy}/{mm}/{dd}/{name}"
        put_json_gz(s3, uri, {"Records": records})


def flow_fields(result) -> list[str]:
    """The fields the planned flow logs write (their custom log format), in order."""
    formats = {f.inputs["logFormat"] for f in planned(result, "aws:ec2/flowLog:FlowLog")}
    assert len(formats) == 1
    return [token[2:-1] for token in formats.pop().split(" ")]


FLOWS = [  # (region, day, hour, srcaddr, dstaddr, dstport, packets, start offset)
    ("us-east-1", "30", "10", "10.0.0.5", "10.0.1.25", 22, 1, 0),
    ("us-east-1", "30", "10", "10.0.0.5", "10.0.1.25", 22, 2, 1),
    ("us-east-1", "30", "10", "10.0.0.5", "10.0.1.25", 22, 3, 2),
    ("us-east-1", "30", "10", "10.0.0.6", "10.0.1.25", 3389, 5, 3),
    ("eu-west-1", "30", "11", "10.0.0.5", "10.0.1.25", 22, 4, 3600),
    ("eu-west-1", "30", "11", "10.0.0.8", "10.0.9.9", 443, 1, 3601),
    ("us-east-1", "29", "23", "10.0.0.9", "10.0.1.25", 22, 9, -3600),
]
FLOW_HOUR = epoch("2026-11-30T10:00:00Z")


def write_flow_logs(s3: LocalS3, result) -> None:
    flow_log = planned(result, "aws:ec2/flowLog:FlowLog")[0].inputs
    assert flow_log["destinationOptions"] == {"fileFormat": "parquet", "hiveCompatiblePartitions": True, "perHourPartition": True}
    assert flow_log["trafficType"] == "REJECT"  # the samples hold only what such a flow log records
    destination = "s3://" + flow_log["logDestination"].split(":::", 1)[1]
    fields = flow_fields(result)
    by_file: dict[tuple, list[dict]] = {}
    for region, day, hour, src, dst, port, packets, offset in FLOWS:
        values = {
            "version": 5, "account-id": ACCOUNT, "interface-id": "eni-0123456789abcdef0", "srcaddr": src, "dstaddr": dst,
            "srcport": 40000 + offset % 1000, "dstport": port, "protocol": 6, "packets": packets, "bytes": packets * 60,
            "start": FLOW_HOUR + offset, "end": FLOW_HOUR + offset + 30, "action": "REJECT", "log-status": "OK",
            "vpc-id": "vpc-0a1b2c3d4e5f60001", "subnet-id": "subnet-0a1b", "instance-id": "i-0a1b", "tcp-flags": 2,
            "type": "IPv4", "pkt-srcaddr": src, "pkt-dstaddr": dst, "region": region, "az-id": "use1-az1",
            "flow-direction": "ingress", "traffic-path": 1,
        }
        by_file.setdefault((region, day, hour), []).append({f: values[f] for f in fields})
    schema = pa.schema([(f.replace("-", "_"), FLOW_PARQUET_TYPES.get(f, pa.string())) for f in fields])
    for (region, day, hour), records in by_file.items():
        rows = [{f.replace("-", "_"): r[f] for f in fields} for r in records]
        uri = (f"{destination}/AWSLogs/aws-account-id={ACCOUNT}/aws-service=vpcflowlogs/aws-region={region}/"
               f"year=2026/month=11/day={day}/hour={hour}/{ACCOUNT}_vpcflowlogs_{region}_fl-0a1b2c3d_20261130T{hour}00Z_{next(_ids):08x}.log.parquet")
        put_parquet(s3, uri, pa.Table.from_pylist(rows, schema=schema))


def config_item(resource_type: str, resource_id: str, captured: str, configuration: dict) -> dict:
    return {
        "configurationItemVersion": "1.3", "configurationItemCaptureTime": captured, "configurationStateId": 1764496860000,
        "awsAccountId": ACCOUNT, "configurationItemStatus": "OK", "resourceType": resource_type, "resourceId": resource_id,
        "ARN": f"arn:aws:config:us-east-1:{ACCOUNT}:{resource_id}", "awsRegion": "us-east-1",
        "availabilityZone": "Not Applicable", "configurationStateMd5Hash": "", "configuration": configuration,
        "supplementaryConfiguration": {}, "tags": {}, "relatedEvents": [], "relationships": [],
    }


def compliance(resource_id: str, state: str, captured: str) -> dict:
    return config_item(
        "AWS::Config::ResourceCompliance", f"AWS::EC2::SecurityGroup/{resource_id}", captured,
        {"complianceType": state, "targetResourceId": resource_id, "targetResourceType": "AWS::EC2::SecurityGroup",
         "configRuleList": [{"configRuleName": "restricted-ssh", "complianceType": state}]},
    )


def write_config(s3: LocalS3, result) -> None:
    channel = next(c.inputs for c in planned(result, "aws:cfg/deliveryChannel:DeliveryChannel") if c.inputs["region"] == "us-east-1")
    base = f"s3://{channel['s3BucketName']}/{channel['s3KeyPrefix']}/AWSLogs/{ACCOUNT}/Config/us-east-1"
    history = {"fileVersion": "1.0", "configurationItems": [
        compliance("sg-0abc1234", "NON_COMPLIANT", "2026-11-30T10:01:00.000Z"),
        config_item("AWS::EC2::SecurityGroup", "sg-0abc1234", "2026-11-30T10:00:30.000Z", {"groupId": "sg-0abc1234"}),
        compliance("sg-0abc1234", "COMPLIANT", "2026-11-30T11:02:00.000Z"),
    ]}
    put_json_gz(s3, f"{base}/2026/11/30/ConfigHistory/{ACCOUNT}_Config_us-east-1_ConfigHistory_AWS::Config::ResourceCompliance_20261130T100100Z_20261130T110200Z_1.json.gz", history)
    old = {"fileVersion": "1.0", "configurationItems": [compliance("sg-0old0001", "NON_COMPLIANT", "2026-10-01T09:00:00.000Z")]}
    put_json_gz(s3, f"{base}/2026/10/1/ConfigHistory/{ACCOUNT}_Config_us-east-1_ConfigHistory_AWS::Config::ResourceCompliance_20261001T090000Z_20261001T090000Z_1.json.gz", old)
    snapshot = {"fileVersion": "1.0", "configSnapshotId": "f1e2d3c4", "configurationItems": [
        compliance("sg-0abc1234", "COMPLIANT", "2026-11-30T12:00:00.000Z")]}
    put_json_gz(s3, f"{base}/2026/11/30/ConfigSnapshot/{ACCOUNT}_Config_us-east-1_ConfigSnapshot_20261130T120000Z_f1e2d3c4.json.gz", snapshot)


ACCESS_LOG_LINE = (
    '79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be {bucket} [30/Nov/2026:10:00:38 +0000] 192.0.2.3 '
    'arn:aws:iam::111111111111:user/bob 3E57427F3EXAMPLE REST.GET.OBJECT cloudtrail/AWSLogs/x.json.gz '
    '"GET /cloudtrail/AWSLogs/x.json.gz HTTP/1.1" 403 AccessDenied 243 - 7 - "-" "aws-cli/2.22.0" - '
    's9lzHYrFp76ZVxRcpX9+5cjAnEH2ROuNkd2BHfIa6UkFVdtjf5mKR3/eTPFvsiP= SigV4 ECDHE-RSA-AES128-GCM-SHA256 AuthHeader '
    '{bucket}.s3.us-east-1.amazonaws.com TLSv1.3 - -'
)


def write_access_logs(s3: LocalS3, result) -> None:
    logging = planned(result, "aws:s3/bucketLogging:BucketLogging")[0].inputs
    assert logging["targetObjectKeyFormat"] == {"partitionedPrefix": {"partitionDateSource": "EventTime"}}
    source = logging["bucket"]
    uri = f"s3://{logging['targetBucket']}/{logging['targetPrefix']}{ACCOUNT}/us-east-1/{source}/2026/11/30/2026-11-30-10-00-00-0A1B2C3D4E5F6A7B"
    s3.put(uri, (ACCESS_LOG_LINE.format(bucket=source) + "\n").encode())


# --- the offline Athena -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def athena(tmp_path_factory):
    """DuckDB with every planned table loaded from the samples; the unreachable objects per table."""
    result = example()
    s3 = LocalS3(tmp_path_factory.mktemp("s3"))
    write_cloudtrail(s3, result)
    write_flow_logs(s3, result)
    write_config(s3, result)
    write_access_logs(s3, result)
    tables = {t.inputs["name"]: PlannedTable.from_registration(t) for t in planned(result, "aws:glue/catalogTable:CatalogTable")}
    con = duckdb.connect()
    unreachable = {name: load(con, table, s3) for name, table in tables.items()}
    yield con, tables, unreachable
    con.close()


def run(con, query, params) -> list[dict]:
    sqlglot.parse_one(query.sql, read="trino", error_level=ErrorLevel.RAISE)  # valid Athena engine 3 (Trino) SQL
    duck = sqlglot.transpile(query.sql, read="trino", write="duckdb")[0]
    cursor = con.execute(duck, params)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()]


def projected(rows: list[dict], *columns: str) -> list[tuple]:
    return [tuple(r[c] for c in columns) for r in rows]


SINCE = "2026/11/01"
# query id -> (parameters in order, columns compared, the rows the samples were built to produce)
EXPECTED = {
    "root-activity": ([SINCE], ("eventtime", "eventname", "sourceipaddress"), [
        ("2026-11-30T08:00:00Z", "ConsoleLogin", "203.0.113.50"), ("2026-11-30T08:05:00Z", "CreateAccessKey", "203.0.113.50")]),
    "console-sign-ins-by-source-ip": ([SINCE], ("sourceipaddress", "principal", "failed", "without_mfa"), [
        ("203.0.113.10", ALICE, 2, 0), ("192.0.2.99", "HIDDEN_DUE_TO_SECURITY_REASONS", 1, 0), ("203.0.113.50", ROOT, 0, 1)]),
    "access-denied-by-principal": ([SINCE], ("principal", "eventsource", "eventname", "errorcode", "denied"), [
        (BOB, "s3.amazonaws.com", "GetObject", "AccessDenied", 2),
        (BOB, "ec2.amazonaws.com", "RunInstances", "Client.UnauthorizedOperation", 1)]),
    "network-changes": ([SINCE], ("eventtime", "awsregion", "eventname", "principal", "resource_id"), [
        ("2026-11-30T10:00:00Z", "us-east-1", "AuthorizeSecurityGroupIngress", ALICE, "sg-0abc1234"),
        ("2026-11-30T10:05:00Z", "eu-west-1", "CreateRoute", ALICE, "rtb-0def5678"),
        ("2026-11-30T10:10:00Z", "us-east-1", "CreateSecurityGroup", ALICE, "sg-0new0001"),
        ("2026-11-30T11:00:00Z", "us-east-1", "RevokeSecurityGroupIngress", DAVE, "sg-0abc1234")]),
    "who-changed-resource": (["sg-0abc1234", SINCE], ("eventtime", "eventname", "principal"), [
        ("2026-11-30T10:00:00Z", "AuthorizeSecurityGroupIngress", ALICE),
        ("2026-11-30T11:00:00Z", "RevokeSecurityGroupIngress", DAVE)]),
    "access-key-activity": ([SINCE, BOB_KEY], ("eventtime", "eventname", "errorcode"), [
        ("2026-11-30T09:30:00Z", "GetObject", "AccessDenied"), ("2026-11-30T09:31:00Z", "GetObject", "AccessDenied"),
        ("2026-11-30T09:40:00Z", "RunInstances", "Client.UnauthorizedOperation")]),
    "iam-changes": ([SINCE], ("eventtime", "eventname", "principal"), [
        ("2026-11-30T08:05:00Z", "CreateAccessKey", ROOT), ("2026-11-30T12:00:00Z", "CreateUser", ALICE),
        ("2026-11-30T12:01:00Z", "AttachUserPolicy", ALICE)]),
    "kms-key-disable-or-delete": ([SINCE], ("eventname", "awsregion", "key_id", "principal"), [
        ("DisableKey", "us-east-1", KEY_1, ALICE), ("ScheduleKeyDeletion", "eu-west-1", KEY_2, ALICE)]),
    "top-rejected-flows": (["2026", "11", "30"], ("srcaddr", "dstport", "flows", "packets"), [
        ("10.0.0.5", 22, 4, 10), ("10.0.0.6", 3389, 1, 5), ("10.0.0.8", 443, 1, 1)]),
    "traffic-to-ip": (["2026", "11", "30", "10.0.1.25"], ("srcaddr", "dstport", "packets"), [
        ("10.0.0.5", 22, 1), ("10.0.0.5", 22, 2), ("10.0.0.5", 22, 3), ("10.0.0.6", 3389, 5), ("10.0.0.5", 22, 4)]),
    "config-compliance-changes": (["2026-11-01T00:00:00Z"], ("captured", "resource_type", "resource_id", "compliance", "region"), [
        ("2026-11-30T10:01:00.000Z", "AWS::EC2::SecurityGroup", "sg-0abc1234", "NON_COMPLIANT", "us-east-1"),
        ("2026-11-30T11:02:00.000Z", "AWS::EC2::SecurityGroup", "sg-0abc1234", "COMPLIANT", "us-east-1")]),
}


def test_every_saved_query_has_a_sample_proof():
    assert sorted(EXPECTED) == sorted(q.id for q in load_catalog())


@pytest.mark.parametrize("query", load_catalog(), ids=lambda q: q.id)
def test_saved_query_returns_the_rows_the_samples_hold(athena, query):
    con, tables, _ = athena
    assert query.table in tables
    params, columns, expected = EXPECTED[query.id]
    assert query.placeholder_count == len(query.parameters) == len(params)
    assert projected(run(con, query, params), *columns) == expected


def test_every_sample_object_is_reachable_through_its_table(athena):
    """Location, storage.location.template and projection ranges match the files' real layout: a file the
    projection cannot reach would be invisible to Athena."""
    con, tables, unreachable = athena
    assert unreachable == {name: [] for name in tables}
    counts = {name: con.execute(f"SELECT count(*) FROM {name}").fetchone()[0] for name in tables}
    assert counts == {"cloudtrail": len(cloudtrail_records()), "vpc_flow_logs": len(FLOWS), "config": 3, "s3_access_logs": 1}


def test_partitions_carry_the_projected_values(athena):
    con, _, _ = athena
    assert con.execute("SELECT DISTINCT region, day FROM cloudtrail ORDER BY 1, 2").fetchall() == [
        ("eu-west-1", "2026/11/30"), ("us-east-1", "2026/10/01"), ("us-east-1", "2026/11/30")]
    assert con.execute("SELECT DISTINCT aws_region, year, month, day, hour FROM vpc_flow_logs ORDER BY 1, 2, 3, 4, 5").fetchall() == [
        ("eu-west-1", "2026", "11", "30", "11"), ("us-east-1", "2026", "11", "29", "23"), ("us-east-1", "2026", "11", "30", "10")]
    assert con.execute("SELECT DISTINCT day, filetype FROM config ORDER BY 1, 2").fetchall() == [
        ("2026/10/1", "ConfigHistory"), ("2026/11/30", "ConfigHistory"), ("2026/11/30", "ConfigSnapshot")]


def test_flow_log_table_columns_are_the_parquet_files_columns(athena, tmp_path):
    """Names, order and types of the table's columns equal what the flow log writes (its log format, as Parquet)."""
    _, tables, _ = athena
    fields = flow_fields(example())
    types = {pa.int32(): "int", pa.int64(): "bigint", pa.string(): "string"}
    assert tables["vpc_flow_logs"].columns == [(f.replace("-", "_"), types[FLOW_PARQUET_TYPES.get(f, pa.string())]) for f in fields]


def test_s3_access_log_table_parses_the_documented_line(athena):
    con, _, _ = athena
    assert con.execute("SELECT requester, operation, httpstatus, errorcode, bytessent, tlsversion FROM s3_access_logs").fetchall() == [
        (BOB, "REST.GET.OBJECT", "403", "AccessDenied", 243, "TLSv1.3")]


def test_cloudtrail_strings_hold_nested_json_as_text(athena):
    """requestParameters is an object in the file; the documented table reads it as a JSON string."""
    con, _, _ = athena
    (text,) = con.execute("SELECT requestparameters FROM cloudtrail WHERE eventname = 'CreateRoute'").fetchone()
    assert text == '{"routeTableId":"rtb-0def5678","destinationCidrBlock":"0.0.0.0/0"}'


def test_organization_tables_reach_every_accounts_files():
    """The log-archive account's tables over the organization layout: the organization trail's files
    (AWSLogs/<org-id>/<account>/CloudTrail/...), and each account's own Config and flow-log files."""
    from tests.org.org_helpers import ARCHIVE_BUCKET, MEMBER, ORG_ID, role_run

    tables = {t.inputs["name"]: PlannedTable.from_registration(t) for t in planned(role_run("log-archive"), "aws:glue/catalogTable:CatalogTable")}
    base = f"s3://{ARCHIVE_BUCKET}"
    reached = {
        "cloudtrail": f"{base}/cloudtrail/AWSLogs/{ORG_ID}/{MEMBER}/CloudTrail/eu-west-1/2026/11/30/{MEMBER}_CloudTrail_eu-west-1_20261130T2355Z_a.json.gz",
        "config": f"{base}/config/AWSLogs/{MEMBER}/Config/us-west-2/2026/11/3/ConfigHistory/{MEMBER}_Config_us-west-2_ConfigHistory_x.json.gz",
        "vpc_flow_logs": f"{base}/vpc-flow-logs/AWSLogs/aws-account-id={MEMBER}/aws-service=vpcflowlogs/aws-region=us-east-1/"
                         f"year=2026/month=11/day=30/hour=07/{MEMBER}_vpcflowlogs_us-east-1_fl-1_20261130T0700Z_a.log.parquet",
    }
    assert tables["cloudtrail"].partition_values(reached["cloudtrail"]) == {"account": MEMBER, "region": "eu-west-1", "day": "2026/11/30"}
    assert tables["config"].partition_values(reached["config"]) == {
        "account": MEMBER, "region": "us-west-2", "day": "2026/11/3", "filetype": "ConfigHistory"}
    assert tables["vpc_flow_logs"].partition_values(reached["vpc_flow_logs"]) == {
        "account": MEMBER, "aws_region": "us-east-1", "year": "2026", "month": "11", "day": "30", "hour": "07"}
    outsider = reached["cloudtrail"].replace(MEMBER, "999999999999")  # an account the projection does not list
    assert tables["cloudtrail"].partition_values(outsider) is None
    assert all(uri.startswith(tables[name].location) for name, uri in reached.items())


def _in_list(sql: str) -> set[str]:
    """The event names of a query's `eventname IN (...)` (parsed with sqlglot, not by text)."""
    tree = sqlglot.parse_one(sql, read="trino")
    (in_list,) = [n for n in tree.find_all(sqlglot.exp.In) if n.this.name == "eventname"]
    return {literal.this for literal in in_list.expressions}


def _alarm_events(*alarm_ids: str) -> set[str]:
    from aws_logging_baseline.components.security_alarms import load_catalog as cis_catalog

    patterns = [a.pattern for a in cis_catalog() if a.id in alarm_ids]
    assert len(patterns) == len(alarm_ids)
    return {m for p in patterns for m in re.findall(r'\$\.eventName\s*=\s*"?(\w+)"?', p)}


def test_investigations_ask_for_the_events_the_cis_alarms_fire_on():
    """An alarm on network or KMS changes and the query that investigates it name the same API calls."""
    queries = {q.id: q for q in load_catalog()}
    assert _in_list(queries["network-changes"].sql) == _alarm_events("security-group-changes", "nacl-changes", "route-table-changes")
    assert _in_list(queries["kms-key-disable-or-delete"].sql) == _alarm_events("kms-key-disable-or-deletion")
