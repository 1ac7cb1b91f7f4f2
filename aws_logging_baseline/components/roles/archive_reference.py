"""Where a member or management account delivers its logs: the organization's log-archive bucket and key.

Read from the log-archive stack through a Pulumi StackReference (`logArchiveStack`, outputs `archiveBucket`
and `archiveKeyArn`) or taken from explicit config (`logArchiveBucket`, `logArchiveKeyArn`).
"""

from dataclasses import dataclass

import pulumi

from aws_logging_baseline.components.settings import Settings


@dataclass
class ArchiveDestination:
    bucket_name: pulumi.Output[str]
    bucket_arn: pulumi.Output[str]
    key_arn: pulumi.Output[str]
    reference: pulumi.StackReference | None


def _required(ref: pulumi.StackReference, stack: str, output: str) -> pulumi.Output[str]:
    def check(value):
        if not value:
            raise pulumi.RunError(
                f"baseline:logArchiveStack: stack {stack} has no output {output!r}; is it a stack of role log-archive?"
            )
        return value

    return ref.get_output(output).apply(check)


def archive_destination(name: str, s: Settings, parent: pulumi.Resource) -> ArchiveDestination:
    if s.log_archive_stack:
        ref = pulumi.StackReference(f"{name}-log-archive", stack_name=s.log_archive_stack, opts=pulumi.ResourceOptions(parent=parent))
        bucket = _required(ref, s.log_archive_stack, "archiveBucket")
        key = _required(ref, s.log_archive_stack, "archiveKeyArn")
    else:
        ref = None
        bucket, key = pulumi.Output.from_input(s.log_archive_bucket), pulumi.Output.from_input(s.log_archive_key_arn)
    bucket_arn = bucket.apply(lambda b: f"arn:{s.partition}:s3:::{b}")
    return ArchiveDestination(bucket, bucket_arn, key, ref)
