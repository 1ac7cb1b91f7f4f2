"""ConfigRecording: the AWS Config recorder, delivery channel and recorder status of one region.

Every region records all supported resource types; IAM's global resource types are recorded in the home
region only (elsewhere they would be duplicate configuration items, paid for once per region). The recorder
uses the service-linked role AWSServiceRoleForConfig (what Security Hub Config.1 checks), created once per
account by `config_service_linked_role`. Config then writes to the archive bucket as the config.amazonaws.com
service principal, which the archive's bucket policy and the home key's policy allow.
Order: recorder -> delivery channel (needs the recorder and the bucket policy) -> recorder status (enabled).
"""

from typing import NotRequired, Sequence, TypedDict

import pulumi
import pulumi_aws as aws

from aws_logging_baseline.components.args_check import check_args
from aws_logging_baseline.components.options import child

SERVICE_LINKED_ROLE = "AWSServiceRoleForConfig"


def service_linked_role_arn(partition: str, account_id: str) -> str:
    return f"arn:{partition}:iam::{account_id}:role/aws-service-role/config.amazonaws.com/{SERVICE_LINKED_ROLE}"


def config_service_linked_role(name: str, parent: pulumi.Resource, *, exists: bool = False) -> aws.iam.ServiceLinkedRole | None:
    """AWSServiceRoleForConfig, unless `exists` (configServiceLinkedRoleExists) says the account already has it
    (creating it again fails: an account holds one)."""
    if exists:
        return None
    return aws.iam.ServiceLinkedRole(
        name,
        aws_service_name="config.amazonaws.com",
        description="AWS Config recording (baseline)",
        opts=child(parent),
    )


class ConfigRecordingArgs(TypedDict):
    """Arguments of ConfigRecording: the region recorded, the recorder's role and where configuration goes."""

    region: str
    """The region this recorder records."""
    home_region: str
    """The one region that also records IAM's global resource types (elsewhere they would be paid-for duplicates)."""
    role_arn: pulumi.Input[str]
    """The recorder's role: the service-linked role AWSServiceRoleForConfig (what Security Hub Config.1 checks)."""
    bucket_name: pulumi.Input[str]
    """The archive bucket configuration snapshots and history go to; its policy must let config.amazonaws.com write."""
    s3_key_prefix: str
    """Key prefix of the configuration files in the bucket; into a LogArchive it must be config (the prefix its policy admits)."""
    kms_key_arn: pulumi.Input[str]
    """The KMS key that encrypts the delivered files; its policy must let config.amazonaws.com use it."""
    name_prefix: NotRequired[str]
    """Prefix of the recorder and delivery channel names. Default: baseline."""
    recording_frequency: NotRequired[str]
    """CONTINUOUS or DAILY (cheaper, less timely). Default: CONTINUOUS."""
    snapshot_delivery_frequency: NotRequired[str]
    """One_Hour, Three_Hours, Six_Hours, Twelve_Hours or TwentyFour_Hours. Default: TwentyFour_Hours."""
    sns_topic_arn: NotRequired[pulumi.Input[str]]
    """An SNS topic notified of configuration changes. Default: none."""


class ConfigRecording(pulumi.ComponentResource):
    """The AWS Config recorder of one region (all supported types), its delivery channel and enabled status."""

    recorder: aws.cfg.Recorder
    channel: aws.cfg.DeliveryChannel
    status: aws.cfg.RecorderStatus

    def __init__(
        self,
        name: str,
        args: ConfigRecordingArgs,
        opts: pulumi.ResourceOptions | None = None,
        *,
        recorder_depends_on: Sequence[pulumi.Resource] = (),
        channel_depends_on: Sequence[pulumi.Resource] = (),
    ):
        """`recorder_depends_on`, `channel_depends_on` (Python only): the recorder needs the service-linked role;
        the delivery channel fails until the bucket policy lets config.amazonaws.com write."""
        check_args("ConfigRecording", name, args, ConfigRecordingArgs)
        super().__init__("baseline:cfg:ConfigRecording", name, None, opts)
        region, prefix = args["region"], args.get("name_prefix", "baseline")
        self.records_global_types = region == args["home_region"]
        self.recorder = aws.cfg.Recorder(
            f"{name}-recorder",
            name=f"{prefix}-recorder",
            region=region,
            role_arn=args["role_arn"],
            recording_group={
                "all_supported": True,
                "include_global_resource_types": self.records_global_types,
                "recording_strategies": [{"use_only": "ALL_SUPPORTED_RESOURCE_TYPES"}],
            },
            recording_mode={"recording_frequency": args.get("recording_frequency", "CONTINUOUS")},
            opts=child(self, list(recorder_depends_on)),
        )
        self.channel = aws.cfg.DeliveryChannel(
            f"{name}-delivery-channel",
            name=f"{prefix}-delivery-channel",
            region=region,
            s3_bucket_name=args["bucket_name"],
            s3_key_prefix=args["s3_key_prefix"],
            s3_kms_key_arn=args["kms_key_arn"],
            sns_topic_arn=args.get("sns_topic_arn"),
            snapshot_delivery_properties={"delivery_frequency": args.get("snapshot_delivery_frequency", "TwentyFour_Hours")},
            opts=child(self, [self.recorder, *channel_depends_on]),
        )
        self.status = aws.cfg.RecorderStatus(
            f"{name}-recorder-status",
            name=self.recorder.name,
            region=region,
            is_enabled=True,
            opts=child(self, [self.channel]),
        )
        self.register_outputs({"recorderName": self.recorder.name, "region": region})
