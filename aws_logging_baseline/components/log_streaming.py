"""LogStreaming (opt-in, `baseline:logStreaming`): the trail's CloudWatch Logs group streamed to a search or SIEM.

A subscription filter on the trail's log group sends every event to a Firehose stream (Direct PUT, encrypted
with the baseline's key), which decompresses CloudWatch Logs' gzipped batches, extracts the log events, and
delivers them to an OpenSearch domain or an HTTPS endpoint the user names; records it cannot deliver go to a
failure bucket built like every log store. Two least-privilege roles: CloudWatch Logs may only put records into
this stream; Firehose may only write the failure bucket (under the key) and the named domain. Off by default: it
adds Firehose ingestion and the destination's own cost (docs/analytics.md).
"""

from typing import NotRequired, TypedDict

import pulumi
import pulumi_aws as aws

from aws_logging_baseline.components.args_check import check_args
from aws_logging_baseline.components import policy_documents as docs
from aws_logging_baseline.components.options import child
from aws_logging_baseline.components.regions import partition_of
from aws_logging_baseline.components.secure_bucket import SecureBucket, SecureBucketArgs
from aws_logging_baseline.components.serialize import to_json

FAILED_RECORDS_DAYS = 90  # time to notice a delivery failure and replay the records


def stream_name(name_prefix: str) -> str:
    return f"{name_prefix}-trail-stream"


def failure_bucket_name(name_prefix: str, account_id: str, region: str) -> str:
    return f"{name_prefix}-log-stream-failures-{account_id}-{region}"


# CloudWatch Logs sends gzipped batches of log events; these processors turn them back into one record per event
# (https://docs.aws.amazon.com/firehose/latest/dev/Message_extraction.html).
CLOUDWATCH_LOGS_PROCESSING = {
    "enabled": True,
    "processors": [
        {"type": "Decompression", "parameters": [{"parameter_name": "CompressionFormat", "parameter_value": "GZIP"}]},
        {"type": "CloudWatchLogProcessing", "parameters": [{"parameter_name": "DataMessageExtraction", "parameter_value": "true"}]},
    ],
}


class LogStreamingArgs(TypedDict):
    """Arguments of LogStreaming: the log group to stream, the key, and one destination (OpenSearch or HTTPS)."""

    account_id: str
    """The account the stream belongs to (its ARN, the roles' aws:SourceAccount)."""
    home_region: str
    """The region of the log group, the stream and the failure bucket (Firehose delivers in its own region)."""
    log_group_name: pulumi.Input[str]
    """The CloudWatch Logs group whose every event is streamed (the trail's)."""
    key_arn: pulumi.Input[str]
    """The KMS key that encrypts the stream and the failure bucket."""
    opensearch_domain_arn: NotRequired[str]
    """The OpenSearch domain (home region) that receives the events; set this or http_endpoint_url. Default: none."""
    opensearch_index: NotRequired[str]
    """With opensearch_domain_arn: the index name (rotated daily). Default: cloudtrail."""
    http_endpoint_url: NotRequired[str]
    """Instead of OpenSearch, an https:// endpoint (a SIEM's HTTP collector) that receives the events. Default: none."""
    name_prefix: NotRequired[str]
    """Prefix of the stream, role, filter and failure bucket names. Default: baseline."""
    protect: NotRequired[bool]
    """Protect the failure bucket from `pulumi destroy` and keep it when removed from the program. Default: true."""
    tags: NotRequired[dict[str, str]]
    """Tags of every resource. Default: none."""


def firehose_role_policy(*, failure_bucket_arn: str, key_arn: str, region: str, domain_arn: str | None) -> dict:
    statements = [
        {
            "Sid": "WriteFailedRecords",
            "Effect": "Allow",
            "Action": ["s3:AbortMultipartUpload", "s3:GetBucketLocation", "s3:GetObject", "s3:ListBucket",
                       "s3:ListBucketMultipartUploads", "s3:PutObject"],
            "Resource": [failure_bucket_arn, f"{failure_bucket_arn}/*"],
        },
        {
            "Sid": "EncryptFailedRecords",
            "Effect": "Allow",
            "Action": ["kms:GenerateDataKey", "kms:Decrypt"],
            "Resource": key_arn,
            "Condition": {"StringEquals": {"kms:ViaService": f"s3.{region}.amazonaws.com"}},
        },
    ]
    if domain_arn:
        statements += [
            {"Sid": "DescribeDomain", "Effect": "Allow", "Action": ["es:DescribeDomain", "es:DescribeDomains", "es:DescribeDomainConfig"],
             "Resource": domain_arn},
            {"Sid": "IndexDocuments", "Effect": "Allow", "Action": ["es:ESHttpPost", "es:ESHttpPut"],
             "Resource": [domain_arn, f"{domain_arn}/*"]},
        ]
    return docs.document(*statements)


class LogStreaming(pulumi.ComponentResource):
    """A CloudWatch Logs group streamed through Firehose to an OpenSearch domain or an HTTPS endpoint, failures kept in a bucket."""

    stream: aws.kinesis.FirehoseDeliveryStream
    subscription: aws.cloudwatch.LogSubscriptionFilter
    firehose_role: aws.iam.Role
    logs_role: aws.iam.Role

    def __init__(self, name: str, args: LogStreamingArgs, opts: pulumi.ResourceOptions | None = None):
        check_args("LogStreaming", name, args, LogStreamingArgs)
        super().__init__("baseline:firehose:LogStreaming", name, None, opts)
        account, region, prefix = args["account_id"], args["home_region"], args.get("name_prefix", "baseline")
        partition = partition_of(region) or "aws"
        key_arn, tags = args["key_arn"], args.get("tags", {})
        domain, url = args.get("opensearch_domain_arn") or None, args.get("http_endpoint_url") or None
        if bool(domain) == bool(url):
            raise ValueError("LogStreamingArgs: set exactly one destination, opensearch_domain_arn or http_endpoint_url")
        stream = stream_name(prefix)
        stream_arn = f"arn:{partition}:firehose:{region}:{account}:deliverystream/{stream}"
        bucket_name = failure_bucket_name(prefix, account, region)
        bucket_arn = f"arn:{partition}:s3:::{bucket_name}"
        self.failures = SecureBucket(
            f"{name}-failures",
            SecureBucketArgs(
                bucket_name=bucket_name,
                region=region,
                policy=docs.tls_only_bucket_policy(bucket_arn),
                lifecycle_rules=[{
                    "id": "failed-records-expiry", "status": "Enabled", "filter": {"prefix": ""},
                    "expiration": {"days": FAILED_RECORDS_DAYS}, "noncurrent_version_expiration": {"noncurrent_days": 1},
                    "abort_incomplete_multipart_upload": {"days_after_initiation": 1},
                }],
                kms_key_arn=key_arn,
                protect=args.get("protect", True),
                tags=tags,
            ),
            opts=child(self),
        )
        self.firehose_role = aws.iam.Role(
            f"{name}-firehose-role",
            name=f"{prefix}-trail-stream-delivery",
            description="Firehose delivers the trail's events to the named destination, failures to the failure bucket",
            assume_role_policy=to_json(docs.assume_role_policy(
                "firehose.amazonaws.com",
                {"StringEquals": {"aws:SourceAccount": account}, "ArnLike": {"aws:SourceArn": stream_arn}},
            )),
            tags=tags,
            opts=child(self),
        )
        self.firehose_policy = aws.iam.RolePolicy(
            f"{name}-firehose-policy",
            role=self.firehose_role.name,
            policy=pulumi.Output.json_dumps(firehose_role_policy(
                failure_bucket_arn=bucket_arn, key_arn=key_arn, region=region, domain_arn=domain)),
            opts=child(self),
        )
        backup = {"role_arn": self.firehose_role.arn, "bucket_arn": bucket_arn, "kms_key_arn": key_arn,
                  "compression_format": "GZIP", "error_output_prefix": "failed/"}
        if domain:
            destination = {"destination": "opensearch", "opensearch_configuration": {
                "domain_arn": domain, "index_name": args.get("opensearch_index", "cloudtrail"), "index_rotation_period": "OneDay",
                "role_arn": self.firehose_role.arn, "s3_backup_mode": "FailedDocumentsOnly", "s3_configuration": backup,
                "processing_configuration": CLOUDWATCH_LOGS_PROCESSING,
            }}
        else:
            destination = {"destination": "http_endpoint", "http_endpoint_configuration": {
                "url": url, "name": "trail events", "role_arn": self.firehose_role.arn,
                "s3_backup_mode": "FailedDataOnly", "s3_configuration": backup,
                "request_configuration": {"content_encoding": "GZIP"},
                "processing_configuration": CLOUDWATCH_LOGS_PROCESSING,
            }}
        self.stream = aws.kinesis.FirehoseDeliveryStream(
            f"{name}-stream",
            name=stream,
            region=region,
            server_side_encryption={"enabled": True, "key_type": "CUSTOMER_MANAGED_CMK", "key_arn": key_arn},
            tags=tags,
            opts=child(self, [self.firehose_policy, self.failures.policy]),
            **destination,
        )
        # CloudWatch Logs assumes this role to put the subscription's records into the stream, and only this stream
        # (https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/SubscriptionFilters.html#FirehoseExample).
        self.logs_role = aws.iam.Role(
            f"{name}-logs-role",
            name=f"{prefix}-trail-stream-source",
            description="CloudWatch Logs puts the trail's events into the trail stream",
            assume_role_policy=to_json(docs.assume_role_policy(
                "logs.amazonaws.com",
                {"StringEquals": {"aws:SourceAccount": account},
                 "ArnLike": {"aws:SourceArn": f"arn:{partition}:logs:{region}:{account}:*"}},
            )),
            tags=tags,
            opts=child(self),
        )
        self.logs_policy = aws.iam.RolePolicy(
            f"{name}-logs-policy",
            role=self.logs_role.name,
            policy=to_json(docs.document(
                {"Sid": "PutIntoTrailStream", "Effect": "Allow", "Action": ["firehose:PutRecord", "firehose:PutRecordBatch"],
                 "Resource": stream_arn})),
            opts=child(self),
        )
        self.subscription = aws.cloudwatch.LogSubscriptionFilter(
            f"{name}-subscription",
            name=f"{prefix}-trail-to-stream",
            region=region,
            log_group=args["log_group_name"],
            filter_pattern="",  # every event
            destination_arn=self.stream.arn,
            role_arn=self.logs_role.arn,
            opts=child(self, [self.logs_policy]),
        )
        self.register_outputs({"streamArn": self.stream.arn, "failureBucket": self.failures.name})
