"""ConfigRecording: the AWS Config recorder, delivery channel and recorder status of one region.

Every region records all supported resource types; IAM's global resource types are recorded in the home
region only (elsewhere they would be duplicate configuration items, paid for once per region). The recorder
uses the service-linked role AWSServiceRoleForConfig (what Security Hub Config.1 checks), created once per
account by `config_service_linked_role`. Config then writes to the archive bucket as the config.amazonaws.com
service principal, which the archive's bucket policy and the home key's policy allow.
Order: recorder -> delivery channel (needs the recorder and the bucket policy) -> recorder status (enabled).
"""

from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from aws_logging_baseline.components.options import child
from aws_logging_baseline.components.settings import Settings

SERVICE_LINKED_ROLE = "AWSServiceRoleForConfig"


def service_linked_role_arn(partition: str, account_id: str) -> str:
    return f"arn:{partition}:iam::{account_id}:role/aws-service-role/config.amazonaws.com/{SERVICE_LINKED_ROLE}"


def config_service_linked_role(
    name: str, settings: Settings, parent: pulumi.Resource
) -> aws.iam.ServiceLinkedRole | None:
    """AWSServiceRoleForConfig, unless configServiceLinkedRoleExists says the account already has it
    (creating it again fails: an account holds one)."""
    if settings.config_service_linked_role_exists:
        return None
    return aws.iam.ServiceLinkedRole(
        name,
        aws_service_name="config.amazonaws.com",
        description="AWS Config recording (baseline)",
        opts=child(parent),
    )


@dataclass
class ConfigRecordingArgs:
    settings: Settings
    region: str
    role_arn: pulumi.Input[str]  # the service-linked role's ARN
    bucket_name: pulumi.Input[str]
    s3_key_prefix: str
    kms_key_arn: pulumi.Input[str]  # the archive's key (home region)
    # The delivery channel fails until the bucket policy lets config.amazonaws.com write; the recorder
    # needs the service-linked role.
    recorder_depends_on: list[pulumi.Resource] = field(default_factory=list)
    channel_depends_on: list[pulumi.Resource] = field(default_factory=list)


class ConfigRecording(pulumi.ComponentResource):
    recorder: aws.cfg.Recorder
    channel: aws.cfg.DeliveryChannel
    status: aws.cfg.RecorderStatus

    def __init__(self, name: str, args: ConfigRecordingArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("baseline:cfg:ConfigRecording", name, None, opts)
        s, region = args.settings, args.region
        self.records_global_types = region == s.home_region
        self.recorder = aws.cfg.Recorder(
            f"{name}-recorder",
            name=f"{s.name_prefix}-recorder",
            region=region,
            role_arn=args.role_arn,
            recording_group={
                "all_supported": True,
                "include_global_resource_types": self.records_global_types,
                "recording_strategies": [{"use_only": "ALL_SUPPORTED_RESOURCE_TYPES"}],
            },
            recording_mode={"recording_frequency": s.config_recording_frequency},
            opts=child(self, args.recorder_depends_on),
        )
        self.channel = aws.cfg.DeliveryChannel(
            f"{name}-delivery-channel",
            name=f"{s.name_prefix}-delivery-channel",
            region=region,
            s3_bucket_name=args.bucket_name,
            s3_key_prefix=args.s3_key_prefix,
            s3_kms_key_arn=args.kms_key_arn,
            sns_topic_arn=s.config_sns_topic_arn or None,
            snapshot_delivery_properties={"delivery_frequency": s.config_snapshot_frequency},
            opts=child(self, [self.recorder, *args.channel_depends_on]),
        )
        self.status = aws.cfg.RecorderStatus(
            f"{name}-recorder-status",
            name=self.recorder.name,
            region=region,
            is_enabled=True,
            opts=child(self, [self.channel]),
        )
        self.register_outputs({"recorderName": self.recorder.name, "region": region})
