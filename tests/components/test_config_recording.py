"""ConfigRecording through the engine: per region one recorder, channel and enabled status; IAM types once."""

from collections import Counter
from functools import lru_cache

from tests.components.component_program import run_component_program
from tests.engine_helpers import example, only, run_baseline

ACCOUNT = "111111111111"
RECORDER, CHANNEL, STATUS = "aws:cfg/recorder:Recorder", "aws:cfg/deliveryChannel:DeliveryChannel", "aws:cfg/recorderStatus:RecorderStatus"
SLR = "aws:iam/serviceLinkedRole:ServiceLinkedRole"
SLR_ARN = f"arn:aws:iam::{ACCOUNT}:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig"


@lru_cache(maxsize=1)
def adjusted():
    return run_baseline(
        configRecordingFrequency="DAILY",
        configSnapshotFrequency="Six_Hours",
        configSnsTopicArn=f"arn:aws:sns:us-east-1:{ACCOUNT}:config-notifications",
        configServiceLinkedRoleExists=True,
    )


def by_region(result, type_):
    items = result.of_type(type_)
    counts = Counter(r.inputs["region"] for r in items)
    assert all(n == 1 for n in counts.values()), counts
    return {r.inputs["region"]: r for r in items}


def test_exactly_one_recorder_channel_and_enabled_status_per_region():
    result = example()
    regions = set(result.stack_outputs["regions"])
    recorders, channels, statuses = (by_region(result, t) for t in (RECORDER, CHANNEL, STATUS))
    assert set(recorders) == set(channels) == set(statuses) == regions
    for region in regions:
        status = statuses[region]
        assert status.inputs == {"name": "baseline-recorder", "isEnabled": True, "region": region}
        # the status (which starts recording) comes after the delivery channel, which comes after the recorder
        assert channels[region].urn in status.dependencies
        assert recorders[region].urn in channels[region].dependencies


def test_all_supported_types_everywhere_global_iam_types_only_in_the_home_region():
    recorders = by_region(example(), RECORDER)
    with_global = [r for r, rec in recorders.items() if rec.inputs["recordingGroup"]["includeGlobalResourceTypes"]]
    assert with_global == ["us-east-1"]
    for region, rec in recorders.items():
        assert rec.inputs["recordingGroup"] == {
            "allSupported": True,
            "includeGlobalResourceTypes": region == "us-east-1",
            "recordingStrategies": [{"useOnly": "ALL_SUPPORTED_RESOURCE_TYPES"}],
        }
        assert rec.inputs["recordingMode"] == {"recordingFrequency": "CONTINUOUS"}
        assert rec.inputs["roleArn"] == SLR_ARN


def test_service_linked_role_created_once_and_before_every_recorder():
    result = example()
    role = only(result, SLR)
    assert role.inputs["awsServiceName"] == "config.amazonaws.com"
    assert role.outputs["arn"] == SLR_ARN
    assert all(role.urn in rec.dependencies for rec in result.of_type(RECORDER))
    assert not any(r.type == "aws:iam/role:Role" and "config" in r.name and "remediation" not in r.name for r in result.resources)


def test_delivery_channel_writes_to_the_archive_with_its_key_after_the_bucket_policy():
    result = example()
    archive_policy = only(result, "aws:s3/bucketPolicy:BucketPolicy", "log-archive-archive")
    home_key = only(result, "aws:kms/key:Key", "home-key")
    for channel in result.of_type(CHANNEL):
        assert channel.inputs["s3BucketName"] == f"baseline-log-archive-{ACCOUNT}-us-east-1"
        assert channel.inputs["s3KeyPrefix"] == "config"
        assert channel.inputs["s3KmsKeyArn"] == home_key.outputs["arn"]
        assert channel.inputs["snapshotDeliveryProperties"] == {"deliveryFrequency": "TwentyFour_Hours"}
        assert "snsTopicArn" not in channel.inputs
        assert archive_policy.urn in channel.dependencies


def test_settings_change_frequency_snapshots_topic_and_adopt_an_existing_service_linked_role():
    result = adjusted()
    assert result.of_type(SLR) == []
    for rec in result.of_type(RECORDER):
        assert rec.inputs["recordingMode"] == {"recordingFrequency": "DAILY"}
        assert rec.inputs["roleArn"] == SLR_ARN and rec.dependencies == []
    for channel in result.of_type(CHANNEL):
        assert channel.inputs["snapshotDeliveryProperties"] == {"deliveryFrequency": "Six_Hours"}
        assert channel.inputs["snsTopicArn"] == f"arn:aws:sns:us-east-1:{ACCOUNT}:config-notifications"


def test_constructed_from_its_own_args_without_settings(tmp_path):
    result = run_component_program(
        tmp_path,
        """
        from aws_logging_baseline.components.config_recording import ConfigRecording, ConfigRecordingArgs
        for region in ("eu-west-1", "eu-north-1"):
            ConfigRecording(f"config-{region}", ConfigRecordingArgs(
                region=region, home_region="eu-west-1", role_arn="arn:aws:iam::222222222222:role/recorder",
                bucket_name="central-archive", s3_key_prefix="cfg", kms_key_arn="arn:aws:kms:eu-west-1:222222222222:key/k",
            ))
        """,
    )
    recorders, channels = by_region(result, RECORDER), by_region(result, CHANNEL)
    assert {r: rec.inputs["recordingGroup"] for r, rec in recorders.items()} == {
        region: {"allSupported": True, "includeGlobalResourceTypes": region == "eu-west-1",
                 "recordingStrategies": [{"useOnly": "ALL_SUPPORTED_RESOURCE_TYPES"}]}
        for region in ("eu-west-1", "eu-north-1")
    }
    for region, channel in channels.items():
        assert recorders[region].inputs["recordingMode"] == {"recordingFrequency": "CONTINUOUS"}
        assert recorders[region].inputs["roleArn"] == "arn:aws:iam::222222222222:role/recorder"
        assert {k: channel.inputs[k] for k in ("name", "s3BucketName", "s3KeyPrefix", "s3KmsKeyArn", "snapshotDeliveryProperties")} == {
            "name": "baseline-delivery-channel", "s3BucketName": "central-archive", "s3KeyPrefix": "cfg",
            "s3KmsKeyArn": "arn:aws:kms:eu-west-1:222222222222:key/k", "snapshotDeliveryProperties": {"deliveryFrequency": "TwentyFour_Hours"},
        }
        assert "snsTopicArn" not in channel.inputs
    assert all(s.inputs["isEnabled"] for s in result.of_type(STATUS))
