"""LogKey: a customer-managed KMS key for the log writers of one region."""

from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from aws_logging_baseline.components import policy_documents as docs
from aws_logging_baseline.components.options import child, log_store

SERVICES = frozenset({"cloudtrail", "logs", "s3", "config", "delivery.logs", "sns"})


@dataclass
class LogKeyArgs:
    region: str
    partition: str
    account_id: str
    services: frozenset[str]  # which log writers use this key here (subset of SERVICES)
    alias: str  # without the "alias/" prefix
    trail_arn: str | None = None  # required when "cloudtrail" is in services
    protect: bool = True
    tags: dict[str, str] = field(default_factory=dict)
    # Set in a log-archive account: the writers of the whole organization may use the key (aws:SourceOrgID).
    organization_id: str | None = None
    # Statements for writers outside `services` (e.g. the GuardDuty findings export), appended to the policy.
    extra_statements: list[dict] = field(default_factory=list)
    # IAM ARNs that may decrypt the logs (through S3): baseline:logReaderPrincipals, for the archive and replica keys.
    readers: tuple[str, ...] = ()


class LogKey(pulumi.ComponentResource):
    key: aws.kms.Key
    alias: aws.kms.Alias
    arn: pulumi.Output[str]

    def __init__(self, name: str, args: LogKeyArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("baseline:kms:LogKey", name, None, opts)
        unknown = set(args.services) - SERVICES
        if unknown:
            raise ValueError(f"LogKey {name}: unknown services {sorted(unknown)}")
        if args.organization_id:
            policy = docs.org_key_policy(
                partition=args.partition,
                account_id=args.account_id,
                organization_id=args.organization_id,
                services=args.services,
                region=args.region,
                readers=args.readers,
            )
        else:
            policy = docs.key_policy(
                partition=args.partition,
                account_id=args.account_id,
                region=args.region,
                services=args.services,
                trail_arn=args.trail_arn,
                readers=args.readers,
            )
        if args.extra_statements:
            policy = docs.with_statements(policy, args.extra_statements)
        self.key = aws.kms.Key(
            f"{name}-key",
            region=args.region,
            description=f"Encrypts baseline logs in {args.region} ({', '.join(sorted(args.services))})",
            enable_key_rotation=True,
            deletion_window_in_days=30,
            policy=pulumi.Output.json_dumps(policy),
            tags=args.tags,
            opts=log_store(self, args.protect),
        )
        self.alias = aws.kms.Alias(
            f"{name}-alias",
            region=args.region,
            name=f"alias/{args.alias}",
            target_key_id=self.key.key_id,
            opts=child(self),
        )
        self.arn = self.key.arn
        self.register_outputs({"keyArn": self.key.arn, "aliasName": self.alias.name})
