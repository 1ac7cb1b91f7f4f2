"""LogKey: a customer-managed KMS key for the log writers of one region."""

from typing import Any, NotRequired, TypedDict

import pulumi
import pulumi_aws as aws

from aws_logging_baseline.components.args_check import check_args
from aws_logging_baseline.components import policy_documents as docs
from aws_logging_baseline.components.options import child, log_store
from aws_logging_baseline.components.regions import partition_of

SERVICES = frozenset({"cloudtrail", "logs", "s3", "config", "delivery.logs", "sns"})


class LogKeyArgs(TypedDict):
    """Arguments of LogKey: where the key lives and which log writers its policy lets use it."""

    region: str
    """The key's region (a KMS key serves only its own region's writers)."""
    account_id: str
    """The key's account: its root administers the key, its writers are named in aws:SourceAccount."""
    services: list[str]
    """The log writers that use this key here: any of cloudtrail, logs, s3, config, delivery.logs, sns."""
    alias: str
    """The key's alias, without the "alias/" prefix."""
    trail_arn: NotRequired[str]
    """The trail that may encrypt with this key (its aws:SourceArn); required when services include cloudtrail. Default: none."""
    organization_id: NotRequired[str]
    """In a log-archive account: the writers of this whole organization may use the key (aws:SourceOrgID). Default: none (this account's writers only)."""
    extra_statements: NotRequired[list[dict[str, Any]]]
    """Key policy statements for writers outside `services` (e.g. the GuardDuty findings export), appended. Default: none."""
    readers: NotRequired[list[str]]
    """IAM ARNs that may decrypt the logs, through S3 in this region only (baseline:logReaderPrincipals). Default: none."""
    protect: NotRequired[bool]
    """Protect the key from `pulumi destroy` and keep it when removed from the program. Default: true."""
    tags: NotRequired[dict[str, str]]
    """Tags of the key. Default: none."""


class LogKey(pulumi.ComponentResource):
    """A customer-managed, rotated KMS key whose policy lets only the named log writers of one region use it."""

    key: aws.kms.Key
    alias: aws.kms.Alias
    arn: pulumi.Output[str]

    def __init__(self, name: str, args: LogKeyArgs, opts: pulumi.ResourceOptions | None = None):
        check_args("LogKey", name, args, LogKeyArgs)
        super().__init__("baseline:kms:LogKey", name, None, opts)
        region, account, services = args["region"], args["account_id"], frozenset(args["services"])
        partition = partition_of(region) or "aws"
        readers = tuple(args.get("readers", ()))
        unknown = services - SERVICES
        if unknown:
            raise ValueError(f"LogKey {name}: unknown services {sorted(unknown)}")
        organization_id = args.get("organization_id")
        if organization_id:
            policy = docs.org_key_policy(
                partition=partition,
                account_id=account,
                organization_id=organization_id,
                services=services,
                region=region,
                readers=readers,
            )
        else:
            policy = docs.key_policy(
                partition=partition,
                account_id=account,
                region=region,
                services=services,
                trail_arn=args.get("trail_arn"),
                readers=readers,
            )
        extra_statements = args.get("extra_statements", [])
        if extra_statements:
            policy = docs.with_statements(policy, extra_statements)
        self.key = aws.kms.Key(
            f"{name}-key",
            region=region,
            description=f"Encrypts baseline logs in {region} ({', '.join(sorted(services))})",
            enable_key_rotation=True,
            deletion_window_in_days=30,
            policy=pulumi.Output.json_dumps(policy),
            tags=args.get("tags", {}),
            opts=log_store(self, args.get("protect", True)),
        )
        self.alias = aws.kms.Alias(
            f"{name}-alias",
            region=region,
            name=f"alias/{args['alias']}",
            target_key_id=self.key.key_id,
            opts=child(self),
        )
        self.arn = self.key.arn
        self.register_outputs({"keyArn": self.key.arn, "aliasName": self.alias.name})
