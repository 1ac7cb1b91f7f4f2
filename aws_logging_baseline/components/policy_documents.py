"""Pure functions that build IAM, bucket and key policy documents as dicts.

No string templates and no provider invokes: components serialize these with `pulumi.Output.json_dumps`, so
the JSON a policy pack parses is exactly what these functions return. Every service principal statement
carries a source condition (confused-deputy protection); only the account root gets `kms:*`.
"""

from typing import Any

Statement = dict[str, Any]


def document(*statements: Statement) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": [s for s in statements if s]}


def account_root(partition: str, account_id: str) -> str:
    return f"arn:{partition}:iam::{account_id}:root"


def trail_arn(partition: str, region: str, account_id: str, name: str) -> str:
    return f"arn:{partition}:cloudtrail:{region}:{account_id}:trail/{name}"


def service_principal(service: str) -> dict[str, str]:
    return {"Service": service}


def allow_service(
    sid: str, service: str, action: str | list[str], resource: Any, condition: dict[str, Any]
) -> Statement:
    """An Allow for an AWS service principal. The condition is not optional: it is the confused-deputy guard
    (aws:SourceArn, aws:SourceAccount, aws:SourceOrgID, an encryption context or kms:ViaService)."""
    if not condition:
        raise ValueError(f"{sid}: a service principal statement needs a source condition")
    return {
        "Sid": sid,
        "Effect": "Allow",
        "Principal": service_principal(service),
        "Action": action,
        "Resource": resource,
        "Condition": condition,
    }


# --- KMS ------------------------------------------------------------------------------------------------

def key_base_statements(partition: str, account_id: str) -> list[Statement]:
    """Every key's first statement: the account root administers the key (the only kms:* grant). It also
    delegates to IAM: a principal of this account may use the key only when an IAM policy grants it
    (https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html). Nobody decrypts logs by
    merely being in the account: readers are granted by IAM or named (log_readers_statement)."""
    return [
        {
            "Sid": "EnableAccountRootAdministration",
            "Effect": "Allow",
            "Principal": {"AWS": account_root(partition, account_id)},
            "Action": "kms:*",
            "Resource": "*",
        },
    ]


def log_readers_statement(readers: tuple[str, ...] | list[str], region: str) -> Statement:
    """Named log readers (baseline:logReaderPrincipals) may decrypt the logs, through S3 in the key's region
    only: reading a log object is an S3 GetObject that S3 decrypts with the reader's credentials
    (https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-via-service).
    A reader in another account still needs its own IAM policy (cross-account evaluation)."""
    if not readers:
        return {}
    return {
        "Sid": "AllowNamedLogReadersToDecrypt",
        "Effect": "Allow",
        "Principal": {"AWS": sorted(readers)},
        "Action": ["kms:Decrypt", "kms:DescribeKey"],
        "Resource": "*",
        "Condition": {"StringEquals": {"kms:ViaService": f"s3.{region}.amazonaws.com"}},
    }


def bucket_readers_statement(readers: tuple[str, ...] | list[str], bucket_arn: str) -> Statement:
    """Named log readers may list and read the bucket's logs (nothing else)."""
    if not readers:
        return {}
    return {
        "Sid": "AllowNamedLogReadersToRead",
        "Effect": "Allow",
        "Principal": {"AWS": sorted(readers)},
        "Action": ["s3:GetObject", "s3:GetObjectVersion", "s3:ListBucket"],
        "Resource": [bucket_arn, f"{bucket_arn}/*"],
    }


def key_policy(
    *,
    partition: str,
    account_id: str,
    region: str,
    services: frozenset[str],
    trail_arn: str | None = None,
    readers: tuple[str, ...] = (),
) -> dict[str, Any]:
    """Key policy for a log key. `services` picks the writers this key serves in this region:
    cloudtrail, logs, s3 (SSE of the archive; uses IAM via the root statement), config, delivery.logs, sns."""
    statements = key_base_statements(partition, account_id)
    if "cloudtrail" in services:
        if not trail_arn:
            raise ValueError("a key serving CloudTrail needs the trail ARN for its source condition")
        statements += [
            allow_service(
                "AllowCloudTrailToEncryptLogs", "cloudtrail.amazonaws.com", "kms:GenerateDataKey*",
                "*",
                {
                    "StringLike": {"kms:EncryptionContext:aws:cloudtrail:arn": f"arn:{partition}:cloudtrail:*:{account_id}:trail/*"},
                    "StringEquals": {"aws:SourceArn": trail_arn},
                },
            ),
            allow_service(
                "AllowCloudTrailToDescribeKey", "cloudtrail.amazonaws.com", "kms:DescribeKey",
                "*",
                {"StringEquals": {"aws:SourceArn": trail_arn}},
            ),
        ]
    if "logs" in services:
        statements.append(
            allow_service(
                "AllowCloudWatchLogsToUseKey",
                f"logs.{region}.amazonaws.com",
                ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
                "*",
                {"ArnLike": {"kms:EncryptionContext:aws:logs:arn": f"arn:{partition}:logs:{region}:{account_id}:log-group:*"}},
            )
        )
    if "config" in services:
        statements.append(
            allow_service(
                "AllowConfigToEncryptDeliveries", "config.amazonaws.com", ["kms:Decrypt", "kms:GenerateDataKey"],
                "*",
                {"StringEquals": {"aws:SourceAccount": account_id}},
            )
        )
    if "delivery.logs" in services:
        statements.append(
            allow_service(
                "AllowLogDeliveryToEncryptFlowLogs", "delivery.logs.amazonaws.com",
                ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"],
                "*",
                {
                    "StringEquals": {"aws:SourceAccount": account_id},
                    "ArnLike": {"aws:SourceArn": f"arn:{partition}:logs:*:{account_id}:*"},
                },
            )
        )
    if "sns" in services:
        statements += [
            allow_service(
                "AllowCloudWatchAlarmsToUseKey", "cloudwatch.amazonaws.com", ["kms:Decrypt", "kms:GenerateDataKey*"],
                "*",
                {"StringEquals": {"aws:SourceAccount": account_id}},
            ),
            # The SNS guide: aws:SourceAccount / aws:SourceArn in a key policy are NOT supported for EventBridge
            # publishing to an encrypted topic (delivery fails). Scope the grant to SNS in this region instead.
            allow_service(
                "AllowEventBridgeToUseKeyViaSns", "events.amazonaws.com", ["kms:Decrypt", "kms:GenerateDataKey*"],
                "*",
                {"StringEquals": {"kms:ViaService": f"sns.{region}.amazonaws.com"}},
            ),
        ]
    return document(*statements, log_readers_statement(readers, region))


# --- S3 -------------------------------------------------------------------------------------------------

def deny_insecure_transport(bucket_arn: str) -> Statement:
    return {
        "Sid": "DenyInsecureTransport",
        "Effect": "Deny",
        "Principal": "*",
        "Action": "s3:*",
        "Resource": [bucket_arn, f"{bucket_arn}/*"],
        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
    }


def _objects(bucket_arn: str, prefix: str, account_id: str, suffix: str = "*") -> str:
    base = f"{bucket_arn}/{prefix}/" if prefix else f"{bucket_arn}/"
    return f"{base}AWSLogs/{account_id}/{suffix}"


def archive_bucket_policy(
    *,
    bucket_arn: str,
    partition: str,
    account_id: str,
    trail_arn: str,
    trail_prefix: str,
    config_prefix: str,
    flow_logs_prefix: str,
    readers: tuple[str, ...] = (),
) -> dict[str, Any]:
    """Who may write into the archive: CloudTrail (this trail), AWS Config and VPC Flow Logs (this account)."""
    owner_full_control = {"s3:x-amz-acl": "bucket-owner-full-control"}
    this_account = {"aws:SourceAccount": account_id}
    log_delivery_source = {"ArnLike": {"aws:SourceArn": f"arn:{partition}:logs:*:{account_id}:*"}}
    return document(
        deny_insecure_transport(bucket_arn),
        allow_service(
            "AWSCloudTrailAclCheck", "cloudtrail.amazonaws.com", "s3:GetBucketAcl",
            bucket_arn,
            {"StringEquals": {"aws:SourceArn": trail_arn}},
        ),
        allow_service(
            "AWSCloudTrailWrite", "cloudtrail.amazonaws.com", "s3:PutObject",
            _objects(bucket_arn, trail_prefix, account_id),
            {"StringEquals": {**owner_full_control, "aws:SourceArn": trail_arn}},
        ),
        allow_service(
            "AWSConfigBucketPermissionsCheck", "config.amazonaws.com", ["s3:GetBucketAcl", "s3:ListBucket"],
            bucket_arn,
            {"StringEquals": this_account},
        ),
        allow_service(
            "AWSConfigBucketDelivery", "config.amazonaws.com", "s3:PutObject",
            _objects(bucket_arn, config_prefix, account_id, "Config/*"),
            {"StringEquals": {**owner_full_control, **this_account}},
        ),
        allow_service(
            "AWSLogDeliveryAclCheck", "delivery.logs.amazonaws.com", ["s3:GetBucketAcl", "s3:ListBucket"],
            bucket_arn,
            {"StringEquals": this_account, **log_delivery_source},
        ),
        allow_service(
            "AWSLogDeliveryWrite", "delivery.logs.amazonaws.com", "s3:PutObject",
            # The baseline's flow logs use Hive-compatible S3 partitions: AWSLogs/aws-account-id=ACCT/...
            f"{bucket_arn}/{flow_logs_prefix}/AWSLogs/aws-account-id={account_id}/*",
            {"StringEquals": {**owner_full_control, **this_account}, **log_delivery_source},
        ),
        bucket_readers_statement(readers, bucket_arn),
    )


def access_log_bucket_policy(*, bucket_arn: str, source_bucket_arn: str, account_id: str, prefix: str) -> dict[str, Any]:
    """S3 server access logging writes as logging.s3.amazonaws.com; only for the archive bucket of this account."""
    return document(
        deny_insecure_transport(bucket_arn),
        allow_service(
            "S3ServerAccessLogsPolicy", "logging.s3.amazonaws.com", "s3:PutObject",
            f"{bucket_arn}/{prefix}*",
            {"ArnLike": {"aws:SourceArn": source_bucket_arn}, "StringEquals": {"aws:SourceAccount": account_id}},
        ),
    )


def tls_only_bucket_policy(bucket_arn: str, readers: tuple[str, ...] = ()) -> dict[str, Any]:
    return document(deny_insecure_transport(bucket_arn), bucket_readers_statement(readers, bucket_arn))


# --- IAM ------------------------------------------------------------------------------------------------

def assume_role_policy(service: str, conditions: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Trust policy for one AWS service, always with source conditions."""
    if not conditions:
        raise ValueError(f"a trust policy for {service} needs aws:SourceAccount / aws:SourceArn conditions")
    return document(
        {
            "Effect": "Allow",
            "Principal": service_principal(service),
            "Action": "sts:AssumeRole",
            "Condition": conditions,
        }
    )


def replication_role_policy(
    *,
    source_bucket_arn: str,
    destination_bucket_arn: str,
    source_key_arn: str,
    replica_key_arn: str,
    source_region: str,
    replica_region: str,
    cross_account: bool,
) -> dict[str, Any]:
    """Least privilege for S3 replication of SSE-KMS objects (read source, replicate into destination)."""
    replicate = ["s3:ReplicateObject", "s3:ReplicateDelete", "s3:ReplicateTags"]
    if cross_account:
        replicate.append("s3:ObjectOwnerOverrideToBucketOwner")
    return document(
        {
            "Sid": "ReadSourceBucketConfiguration",
            "Effect": "Allow",
            "Action": ["s3:GetReplicationConfiguration", "s3:ListBucket"],
            "Resource": source_bucket_arn,
        },
        {
            "Sid": "ReadSourceObjectVersions",
            "Effect": "Allow",
            "Action": [
                "s3:GetObjectVersionForReplication",
                "s3:GetObjectVersionAcl",
                "s3:GetObjectVersionTagging",
                "s3:GetObjectRetention",
                "s3:GetObjectLegalHold",
            ],
            "Resource": f"{source_bucket_arn}/*",
        },
        {
            "Sid": "ReplicateIntoDestination",
            "Effect": "Allow",
            "Action": replicate,
            "Resource": f"{destination_bucket_arn}/*",
        },
        {
            "Sid": "DecryptSourceObjects",
            "Effect": "Allow",
            "Action": "kms:Decrypt",
            "Resource": source_key_arn,
            "Condition": {
                "StringLike": {
                    "kms:ViaService": f"s3.{source_region}.amazonaws.com",
                    # With S3 Bucket Keys the context is the bucket ARN, else the object ARN (both accepted):
                    # https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucket-key.html
                    "kms:EncryptionContext:aws:s3:arn": [source_bucket_arn, f"{source_bucket_arn}/*"],
                }
            },
        },
        {
            "Sid": "EncryptReplicas",
            "Effect": "Allow",
            "Action": ["kms:Encrypt", "kms:GenerateDataKey"],
            "Resource": replica_key_arn,
            "Condition": {
                "StringLike": {
                    "kms:ViaService": f"s3.{replica_region}.amazonaws.com",
                    "kms:EncryptionContext:aws:s3:arn": [destination_bucket_arn, f"{destination_bucket_arn}/*"],
                }
            },
        },
    )


def cloudtrail_logs_role_policy(*, log_group_arn: str) -> dict[str, Any]:
    """CloudTrail may only create streams in, and write events to, its own log group."""
    return document(
        {
            "Sid": "CreateAndWriteTrailLogStreams",
            "Effect": "Allow",
            "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
            "Resource": f"{log_group_arn}:log-stream:*",
        }
    )


def cross_account_replica_bucket_policy(*, destination_bucket_arn: str, replication_role_arn: str, source_account_id: str) -> dict[str, Any]:
    """What the destination account must attach to its bucket to accept replicas (exported, not applied here)."""
    return document(
        deny_insecure_transport(destination_bucket_arn),
        {
            "Sid": "AcceptReplicasFromSourceAccount",
            "Effect": "Allow",
            "Principal": {"AWS": replication_role_arn},
            "Action": ["s3:ReplicateObject", "s3:ReplicateDelete", "s3:ReplicateTags", "s3:ObjectOwnerOverrideToBucketOwner"],
            "Resource": f"{destination_bucket_arn}/*",
            "Condition": {"StringEquals": {"aws:PrincipalAccount": source_account_id}},
        },
        {
            "Sid": "AllowVersioningCheck",
            "Effect": "Allow",
            "Principal": {"AWS": replication_role_arn},
            "Action": ["s3:GetBucketVersioning", "s3:PutBucketVersioning"],
            "Resource": destination_bucket_arn,
        },
    )


# --- regional coverage: flow logs, Config rules, remediation (issue 3) --------------------------------

def flow_logs_delivery_role_policy(*, log_group_arns: list[str], partition: str, account_id: str) -> dict[str, Any]:
    """VPC Flow Logs delivering to CloudWatch Logs: write streams of the baseline's flow-log groups only.
    The groups are created by the baseline, so no logs:CreateLogGroup."""
    return document(
        {
            "Sid": "WriteFlowLogStreams",
            "Effect": "Allow",
            "Action": ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
            "Resource": [f"{arn}:log-stream:*" for arn in log_group_arns],
        },
        {
            "Sid": "DescribeLogGroups",
            "Effect": "Allow",
            "Action": "logs:DescribeLogGroups",
            "Resource": f"arn:{partition}:logs:*:{account_id}:log-group:*",
        },
    )


def config_rule_function_policy(*, log_group_arn: str) -> dict[str, Any]:
    """The IAM credential-report Config rule: read the report, list users, report evaluations, write its logs.
    The IAM and Config actions have no resource-level permissions (Resource "*" is the only form)."""
    return document(
        {
            "Sid": "ReadCredentialReportAndReportEvaluations",
            "Effect": "Allow",
            "Action": ["iam:GenerateCredentialReport", "iam:GetCredentialReport", "iam:ListUsers", "config:PutEvaluations"],
            "Resource": "*",
        },
        {
            "Sid": "WriteOwnLogGroup",
            "Effect": "Allow",
            "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
            "Resource": f"{log_group_arn}:log-stream:*",
        },
    )


def remediation_role_policy(*, permissions: list[tuple[str, list[str], str]]) -> dict[str, Any]:
    """SSM Automation runbooks remediating Config findings: exactly the actions the chosen runbooks document.
    `permissions` is (sid, actions, resource) per statement."""
    return document(*({"Sid": sid, "Effect": "Allow", "Action": sorted(actions), "Resource": resource} for sid, actions, resource in permissions))


# --- alerts: SNS topic and EventBridge forwarding ----------------------------------------------------------

def alert_topic_policy(*, topic_arn: str, partition: str, region: str, account_id: str, rule_name_prefix: str) -> dict[str, Any]:
    """Who may publish to the alert topic: CloudWatch alarms and EventBridge rules of this account in the topic's
    region (rules named with the baseline prefix); nobody may use the topic without TLS."""
    return document(
        {
            "Sid": "DenyInsecureTransport",
            "Effect": "Deny",
            "Principal": "*",
            "Action": "sns:*",
            "Resource": topic_arn,
            "Condition": {"Bool": {"aws:SecureTransport": "false"}},
        },
        allow_service(
            "AllowCloudWatchAlarmsToPublish", "cloudwatch.amazonaws.com", "sns:Publish",
            topic_arn,
            {
                "StringEquals": {"aws:SourceAccount": account_id},
                "ArnLike": {"aws:SourceArn": f"arn:{partition}:cloudwatch:{region}:{account_id}:alarm:*"},
            },
        ),
        allow_service(
            "AllowEventBridgeRulesToPublish", "events.amazonaws.com", "sns:Publish",
            topic_arn,
            {
                "StringEquals": {"aws:SourceAccount": account_id},
                "ArnLike": {"aws:SourceArn": f"arn:{partition}:events:{region}:{account_id}:rule/{rule_name_prefix}*"},
            },
        ),
    )


def event_forwarding_role_policy(*, home_bus_arn: str) -> dict[str, Any]:
    """Rules in other regions may only put events on the home region's default bus."""
    return document(
        {
            "Sid": "PutEventsOnHomeBus",
            "Effect": "Allow",
            "Action": "events:PutEvents",
            "Resource": home_bus_arn,
        }
    )


# --- organization (log-archive account) -----------------------------------------------------------------
# In an organization the archive and its key accept deliveries from every member account. The conditions
# name the organization (aws:SourceOrgID, set by AWS services calling on behalf of an account in the org),
# never a list of accounts, so these documents do not grow with the organization.

def org_key_policy(
    *, partition: str, account_id: str, organization_id: str, services: frozenset[str], region: str, readers: tuple[str, ...] = ()
) -> dict[str, Any]:
    """Key policy of the log-archive key: the organization's CloudTrail, Config and VPC Flow Logs deliveries
    may encrypt with it; decrypting stays within the log-archive account."""
    in_org = {"aws:SourceOrgID": organization_id}
    statements = key_base_statements(partition, account_id)
    if "cloudtrail" in services:
        statements += [
            allow_service(
                "AllowOrganizationCloudTrailToEncryptLogs", "cloudtrail.amazonaws.com", "kms:GenerateDataKey*",
                "*",
                {
                    "StringLike": {"kms:EncryptionContext:aws:cloudtrail:arn": f"arn:{partition}:cloudtrail:*:*:trail/*"},
                    "StringEquals": in_org,
                },
            ),
            allow_service(
                "AllowOrganizationCloudTrailToDescribeKey", "cloudtrail.amazonaws.com", "kms:DescribeKey",
                "*",
                {"StringEquals": in_org},
            ),
        ]
    if "config" in services:
        statements.append(
            allow_service(
                "AllowOrganizationConfigToEncryptDeliveries",
                "config.amazonaws.com",
                ["kms:Decrypt", "kms:GenerateDataKey"],
                "*",
                {"StringEquals": in_org},
            )
        )
    if "delivery.logs" in services:
        statements.append(
            allow_service(
                "AllowOrganizationLogDeliveryToEncryptFlowLogs",
                "delivery.logs.amazonaws.com",
                ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"],
                "*",
                {"StringEquals": in_org, "ArnLike": {"aws:SourceArn": f"arn:{partition}:logs:*:*:*"}},
            )
        )
    return document(*statements, log_readers_statement(readers, region))


def org_archive_bucket_policy(
    *,
    bucket_arn: str,
    partition: str,
    organization_id: str,
    org_trail_arn: str,
    trail_prefix: str,
    config_prefix: str,
    flow_logs_prefix: str,
    readers: tuple[str, ...] = (),
) -> dict[str, Any]:
    """Who may write into the organization's archive: the organization trail (under AWSLogs/<org-id>/), account
    trails, AWS Config and VPC Flow Logs of accounts in the organization (aws:SourceOrgID)."""
    owner_full_control = {"s3:x-amz-acl": "bucket-owner-full-control"}
    in_org = {"aws:SourceOrgID": organization_id}

    def objects(prefix: str, suffix: str) -> str:
        return f"{bucket_arn}/{prefix}/AWSLogs/{suffix}"

    return document(
        deny_insecure_transport(bucket_arn),
        allow_service(
            "AWSCloudTrailAclCheck", "cloudtrail.amazonaws.com", "s3:GetBucketAcl",
            bucket_arn,
            {"StringEquals": in_org},
        ),
        allow_service(
            "AWSCloudTrailOrganizationWrite", "cloudtrail.amazonaws.com", "s3:PutObject",
            objects(trail_prefix, f"{organization_id}/*"),
            {"StringEquals": {**owner_full_control, "aws:SourceArn": org_trail_arn}},
        ),
        allow_service(
            "AWSCloudTrailAccountTrailsWrite", "cloudtrail.amazonaws.com", "s3:PutObject",
            objects(trail_prefix, "*"),
            {"StringEquals": {**owner_full_control, **in_org}},
        ),
        allow_service(
            "AWSConfigBucketPermissionsCheck", "config.amazonaws.com", ["s3:GetBucketAcl", "s3:ListBucket"],
            bucket_arn,
            {"StringEquals": in_org},
        ),
        allow_service(
            "AWSConfigBucketDelivery", "config.amazonaws.com", "s3:PutObject",
            objects(config_prefix, "*/Config/*"),
            {"StringEquals": {**owner_full_control, **in_org}},
        ),
        allow_service(
            "AWSLogDeliveryAclCheck", "delivery.logs.amazonaws.com", ["s3:GetBucketAcl", "s3:ListBucket"],
            bucket_arn,
            {"StringEquals": in_org},
        ),
        allow_service(
            "AWSLogDeliveryWrite", "delivery.logs.amazonaws.com", "s3:PutObject",
            objects(flow_logs_prefix, "*"),
            {"StringEquals": {**owner_full_control, **in_org}},
        ),
        bucket_readers_statement(readers, bucket_arn),
    )


def config_aggregator_trust_policy(account_id: str) -> dict[str, Any]:
    """The organization aggregator's role: only AWS Config acting for this (security) account."""
    return assume_role_policy("config.amazonaws.com", {"StringEquals": {"aws:SourceAccount": account_id}})


# --- GuardDuty findings export (issue 18) -------------------------------------------------------------
# The documented statements (GuardDuty user guide, "Exporting findings":
# https://docs.aws.amazon.com/guardduty/latest/ug/guardduty_exportfindings.html): the key grants
# kms:GenerateDataKey, the bucket s3:GetBucketLocation on the bucket and s3:PutObject under the export prefix, each
# conditioned on aws:SourceAccount and aws:SourceArn of the exporting account's detectors. In regions that must be
# enabled manually (opt-in), the principal is the regional guardduty.<region>.amazonaws.com.

def guardduty_principals(regions: list[str], default_enabled: list[str]) -> str | list[str]:
    opt_in = [f"guardduty.{r}.amazonaws.com" for r in regions if r not in default_enabled]
    return ["guardduty.amazonaws.com", *opt_in] if opt_in else "guardduty.amazonaws.com"


def guardduty_source(partition: str, exporter_account_id: str) -> dict[str, Any]:
    """Any detector of the exporting account (one per region; the ids are generated by GuardDuty)."""
    return {
        "StringEquals": {"aws:SourceAccount": exporter_account_id},
        "ArnLike": {"aws:SourceArn": f"arn:{partition}:guardduty:*:{exporter_account_id}:detector/*"},
    }


def guardduty_export_bucket_statements(
    *, bucket_arn: str, prefix: str, partition: str, exporter_account_id: str, principals: str | list[str]
) -> list[Statement]:
    source = guardduty_source(partition, exporter_account_id)
    return [
        allow_service("AllowGuardDutyGetBucketLocation", principals, "s3:GetBucketLocation", bucket_arn, source),
        allow_service("AllowGuardDutyPutObject", principals, "s3:PutObject", f"{bucket_arn}/{prefix}/*", source),
    ]


def guardduty_export_key_statement(*, partition: str, exporter_account_id: str, principals: str | list[str]) -> Statement:
    return allow_service(
        "AllowGuardDutyToEncryptFindings", principals, "kms:GenerateDataKey", "*", guardduty_source(partition, exporter_account_id)
    )


def with_statements(policy: dict[str, Any], statements: list[Statement]) -> dict[str, Any]:
    """A copy of `policy` with `statements` appended."""
    return {**policy, "Statement": [*policy["Statement"], *statements]}
# --- tamper resistance (issue 12) -------------------------------------------------------------------

# What would let an administrator erase or silence the archive: bypass governance-mode retention, loosen Object
# Lock, shorten the lifecycle, replace or drop the bucket policy (and with it this deny), stop replication, delete
# the bucket. Action names per the S3 service authorization reference
# (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazons3.html).
LOG_STORE_ERASURE_ACTIONS = (
    "s3:BypassGovernanceRetention",
    "s3:PutBucketObjectLockConfiguration",
    "s3:PutLifecycleConfiguration",
    "s3:PutBucketPolicy",
    "s3:DeleteBucketPolicy",
    "s3:PutReplicationConfiguration",
    "s3:DeleteBucket",
)


def deny_log_store_erasure(bucket_arn: str, break_glass_principal_arn: str) -> Statement:
    """Deny the erasing actions on a log bucket to every principal but the break-glass role or user.

    aws:PrincipalArn is the role's ARN for every session of the role, so one ARN names the break-glass role
    whoever assumes it. Service deliveries (PutObject, replication's ReplicateObject) are not among the actions.
    The bucket-owning account's root user can always get, put and delete the bucket policy, whatever it denies
    (S3 API reference, DeleteBucketPolicy: https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeleteBucketPolicy.html),
    so this deny cannot lock the account out for good."""
    return {
        "Sid": "DenyLogStoreErasureExceptBreakGlass",
        "Effect": "Deny",
        "Principal": "*",
        "Action": list(LOG_STORE_ERASURE_ACTIONS),
        "Resource": [bucket_arn, f"{bucket_arn}/*"],
        "Condition": {"ArnNotEquals": {"aws:PrincipalArn": break_glass_principal_arn}},
    }


def with_erasure_deny(policy: dict[str, Any], bucket_arn: str, break_glass_principal_arn: str) -> dict[str, Any]:
    """`policy` plus the erasure deny when a break-glass principal is named; unchanged without one."""
    if not break_glass_principal_arn:
        return policy
    return {**policy, "Statement": [*policy["Statement"], deny_log_store_erasure(bucket_arn, break_glass_principal_arn)]}


def auto_respond_role_policy(
    *, trail_arn: str | None, regions: list[str], topic_arn: str, topic_key_arn: str, log_group_arn: str, home_region: str
) -> dict[str, Any]:
    """The automated responder (baseline:autoRespond): restart and re-select the baseline's trail, restart the
    recorder, tell the alert topic (encrypted: the topic's key, through SNS only), write its own logs. Nothing
    that stops, deletes or reads logs. Config recorder actions take no resource ARN we know at deploy time (the
    recorder's ARN carries a service-assigned id), so they are held to the covered regions instead."""
    statements: list[Statement] = []
    if trail_arn:
        statements.append(
            {"Sid": "RestoreTrail", "Effect": "Allow", "Action": ["cloudtrail:StartLogging", "cloudtrail:PutEventSelectors"], "Resource": trail_arn}
        )
    statements += [
        {
            "Sid": "RestartRecorder",
            "Effect": "Allow",
            "Action": "config:StartConfigurationRecorder",
            "Resource": "*",
            "Condition": {"StringEquals": {"aws:RequestedRegion": list(regions)}},
        },
        {"Sid": "TellAlertTopic", "Effect": "Allow", "Action": "sns:Publish", "Resource": topic_arn},
        {
            "Sid": "EncryptForAlertTopic",
            "Effect": "Allow",
            "Action": ["kms:GenerateDataKey", "kms:Decrypt"],
            "Resource": topic_key_arn,
            "Condition": {"StringEquals": {"kms:ViaService": f"sns.{home_region}.amazonaws.com"}},
        },
        {"Sid": "WriteOwnLogGroup", "Effect": "Allow", "Action": ["logs:CreateLogStream", "logs:PutLogEvents"], "Resource": f"{log_group_arn}:log-stream:*"},
    ]
    return document(*statements)
