"""FlowLogs through the engine: one flow log per VPC of every region, S3 (default) or CloudWatch Logs delivery."""

import json
from functools import lru_cache

from tests.components.component_program import run_component_program
from tests.engine_helpers import example, only, policy_of, run_baseline

ACCOUNT = "111111111111"
FLOW_LOG = "aws:ec2/flowLog:FlowLog"
ARCHIVE_ARN = f"arn:aws:s3:::baseline-log-archive-{ACCOUNT}-us-east-1"
DEFAULT_FORMAT = (
    "${version} ${account-id} ${interface-id} ${srcaddr} ${dstaddr} ${srcport} ${dstport} ${protocol} ${packets} "
    "${bytes} ${start} ${end} ${action} ${log-status} ${vpc-id} ${subnet-id} ${instance-id} ${tcp-flags} ${type} "
    "${pkt-srcaddr} ${pkt-dstaddr} ${region} ${az-id} ${flow-direction} ${traffic-path}"
)


@lru_cache(maxsize=1)
def cloudwatch():
    return run_baseline(flowLogDestination="cloud-watch-logs", flowLogTrafficType="ALL", flowLogMaxAggregationInterval=60)


def vpcs_by_region(result):
    return {region: set(ids) for region, ids in result.fixture.vpcs.items()}


def logged(result):
    found = {}
    for log in result.of_type(FLOW_LOG):
        found.setdefault(log.inputs["region"], set()).add(log.inputs["vpcId"])
    return found


def test_one_flow_log_per_fixture_vpc_in_every_region():
    result = example()
    expected = vpcs_by_region(result)
    assert len(expected) == 17 and sum(map(len, expected.values())) == 20
    assert logged(result) == expected
    assert len(result.of_type(FLOW_LOG)) == 20  # no duplicates


def test_default_flow_logs_reject_traffic_into_the_archive_as_hive_partitioned_parquet():
    archive_policy = only(example(), "aws:s3/bucketPolicy:BucketPolicy", "log-archive-archive")
    for log in example().of_type(FLOW_LOG):
        inputs = log.inputs
        assert inputs["trafficType"] == "REJECT"
        assert inputs["maxAggregationInterval"] == 600
        assert inputs["logDestinationType"] == "s3"
        assert inputs["logDestination"] == f"{ARCHIVE_ARN}/vpc-flow-logs"
        assert inputs["destinationOptions"] == {"fileFormat": "parquet", "hiveCompatiblePartitions": True, "perHourPartition": True}
        assert inputs["logFormat"] == DEFAULT_FORMAT
        assert "iamRoleArn" not in inputs  # S3 delivery uses the bucket policy, not a role
        assert archive_policy.urn in log.dependencies
        assert log.name == f"baseline-flow-logs-{inputs['region']}-{inputs['vpcId']}"


def test_archive_bucket_policy_lets_log_delivery_write_the_hive_partitioned_path():
    policy = policy_of(only(example(), "aws:s3/bucketPolicy:BucketPolicy", "log-archive-archive"))
    write = next(s for s in policy["Statement"] if s["Sid"] == "AWSLogDeliveryWrite")
    assert write["Resource"] == f"{ARCHIVE_ARN}/vpc-flow-logs/AWSLogs/aws-account-id={ACCOUNT}/*"


def test_cloudwatch_destination_encrypted_group_per_region_and_least_privilege_role():
    result = cloudwatch()
    logs = result.of_type(FLOW_LOG)
    assert logged(result) == vpcs_by_region(result)
    groups = {g.inputs["region"]: g for g in result.of_type("aws:cloudwatch/logGroup:LogGroup") if g.inputs["name"] == "/baseline/vpc-flow-logs"}
    assert set(groups) == set(vpcs_by_region(result))
    home_key = only(result, "aws:kms/key:Key", "home-key")
    keys = {k.inputs["region"]: k for k in result.of_type("aws:kms/key:Key") if "flow-logs" in k.name}
    assert set(keys) == set(groups) - {"us-east-1"}  # the home key already serves logs in us-east-1
    assert groups["us-east-1"].inputs["kmsKeyId"] == home_key.outputs["arn"]
    for region, group in groups.items():
        assert group.inputs["retentionInDays"] == 365
        assert group.protect and group.retain_on_delete
        if region != "us-east-1":
            assert group.inputs["kmsKeyId"] == keys[region].outputs["arn"]
            principals = [s["Principal"] for s in policy_of(keys[region])["Statement"] if s.get("Sid") == "AllowCloudWatchLogsToUseKey"]
            assert principals == [{"Service": f"logs.{region}.amazonaws.com"}]
    role = only(result, "aws:iam/role:Role", "flow-logs-delivery")
    trust = policy_of(role, "assumeRolePolicy")["Statement"]
    assert trust == [
        {
            "Effect": "Allow",
            "Principal": {"Service": "vpc-flow-logs.amazonaws.com"},
            "Action": "sts:AssumeRole",
            "Condition": {
                "StringEquals": {"aws:SourceAccount": ACCOUNT},
                "ArnLike": {"aws:SourceArn": f"arn:aws:ec2:*:{ACCOUNT}:vpc-flow-log/*"},
            },
        }
    ]
    policy = policy_of(only(result, "aws:iam/rolePolicy:RolePolicy", "flow-logs-delivery"))["Statement"]
    write = next(s for s in policy if s["Sid"] == "WriteFlowLogStreams")
    assert write["Action"] == ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"]
    assert sorted(write["Resource"]) == sorted(
        f"arn:aws:logs:{r}:{ACCOUNT}:log-group:/baseline/vpc-flow-logs:log-stream:*" for r in groups
    )
    assert all("logs:CreateLogGroup" not in json.dumps(s) for s in policy)
    for log in logs:
        region = log.inputs["region"]
        assert log.inputs["logDestinationType"] == "cloud-watch-logs"
        assert log.inputs["logDestination"] == groups[region].outputs["arn"]
        assert log.inputs["iamRoleArn"] == role.outputs["arn"]
        assert log.inputs["trafficType"] == "ALL" and log.inputs["maxAggregationInterval"] == 60
        assert "destinationOptions" not in log.inputs


def test_explicit_vpc_list_replaces_discovery():
    result = run_baseline(
        flowLogVpcIds=["eu-west-1:vpc-0123456789abcdef0", "eu-west-1:vpc-0fedcba9876543210", "us-east-1:vpc-11112222"],
        flowLogFields=["version", "vpc-id", "action", "reject-reason"],
        flowLogFileFormat="plain-text",
    )
    assert logged(result) == {"eu-west-1": {"vpc-0123456789abcdef0", "vpc-0fedcba9876543210"}, "us-east-1": {"vpc-11112222"}}
    for log in result.of_type(FLOW_LOG):
        assert log.inputs["logFormat"] == "${version} ${vpc-id} ${action} ${reject-reason}"
        assert log.inputs["destinationOptions"]["fileFormat"] == "plain-text"


def test_discovered_vpcs_are_exported_so_the_policy_pack_can_prove_coverage():
    from tests.engine_helpers import FIXTURE, example
    import yaml

    fixture_vpcs = yaml.safe_load(FIXTURE.read_text())["vpcs"]
    exported = example().stack_outputs["vpcIds"]
    assert exported == {region: fixture_vpcs.get(region, []) for region in exported}
    assert sorted(exported) == sorted(example().stack_outputs["regions"])
    covered = {r.inputs["vpcId"] for r in example().of_type("aws:ec2/flowLog:FlowLog")}
    assert covered == {v for ids in exported.values() for v in ids}


def test_constructed_from_its_own_args_without_settings(tmp_path):
    """Explicit VPCs, CloudWatch Logs delivery: the flow log writes to its region's group, under that region's own
    key (not the home key), through the delivery role that trusts only this account's flow logs."""
    result = run_component_program(
        tmp_path,
        """
        from aws_logging_baseline.components.flow_logs import FlowLogs, FlowLogsArgs
        FlowLogs("vpc", FlowLogsArgs(
            account_id="222222222222", regions=["eu-west-1", "eu-central-1"], home_region="eu-west-1",
            archive_bucket_arn="arn:aws:s3:::central-archive", s3_prefix="flows",
            home_key_arn="arn:aws:kms:eu-west-1:222222222222:key/home-key",
            destination="cloud-watch-logs", vpc_ids={"eu-central-1": ["vpc-0123456789abcdef0"]},
        ))
        """,
    )
    log = only(result, FLOW_LOG)
    group = only(result, "aws:cloudwatch/logGroup:LogGroup")
    key = only(result, "aws:kms/key:Key")
    role = only(result, "aws:iam/role:Role")
    assert (log.inputs["region"], log.inputs["vpcId"], log.inputs["trafficType"]) == ("eu-central-1", "vpc-0123456789abcdef0", "REJECT")
    assert (log.inputs["logDestinationType"], log.inputs["logDestination"]) == ("cloud-watch-logs", group.outputs["arn"])
    assert log.inputs["iamRoleArn"] == role.outputs["arn"]
    assert (group.inputs["region"], group.inputs["name"], group.inputs["retentionInDays"]) == ("eu-central-1", "/baseline/vpc-flow-logs", 365)
    assert group.inputs["kmsKeyId"] == key.outputs["arn"] and key.inputs["region"] == "eu-central-1" and group.protect
    trust = policy_of(role, "assumeRolePolicy")["Statement"][0]
    assert trust["Condition"] == {
        "StringEquals": {"aws:SourceAccount": "222222222222"},
        "ArnLike": {"aws:SourceArn": "arn:aws:ec2:*:222222222222:vpc-flow-log/*"},
    }
