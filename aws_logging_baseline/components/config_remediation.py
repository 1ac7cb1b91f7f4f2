"""ConfigRemediation: automatic remediation of chosen Config rules with AWS-owned SSM Automation runbooks.

Off by default (`configRemediationRules` empty): automatic changes to security groups, buckets or keys
must be a deliberate choice. For each chosen rule, in each region where it runs, a remediation
configuration calls the catalog's runbook with the non-compliant resource's id; the runbooks assume one
automation role, trusted by ssm.amazonaws.com for this account's automation executions and allowed
exactly the actions those runbooks document.
"""

from typing import Mapping, NotRequired, TypedDict

import pulumi
import pulumi_aws as aws

from aws_logging_baseline.components.args_check import check_args
from aws_logging_baseline.components.serialize import to_json
from aws_logging_baseline.components import policy_documents as docs
from aws_logging_baseline.components.options import child
from aws_logging_baseline.components.regional_settings import rule_by_name


class ConfigRemediationArgs(TypedDict):
    """Arguments of ConfigRemediation: the account and which deployed rules to remediate automatically."""

    account_id: str
    """The account whose automation executions may assume the runbooks' role."""
    rule_names: list[str]
    """Catalog rules (with a `remediation:` entry) whose findings are remediated automatically."""
    partition: NotRequired[str]
    """The AWS partition of the account (aws, aws-us-gov, aws-cn). Default: aws."""
    name_prefix: NotRequired[str]
    """Prefix of the automation role's name. Default: baseline."""
    tags: NotRequired[dict[str, str]]
    """Tags of the automation role. Default: none."""


class ConfigRemediation(pulumi.ComponentResource):
    """Automatic remediation of chosen Config rules with AWS-owned SSM Automation runbooks and one least-privilege role."""

    role: aws.iam.Role

    def __init__(
        self,
        name: str,
        args: ConfigRemediationArgs,
        opts: pulumi.ResourceOptions | None = None,
        *,
        rules: Mapping[tuple[str, str], aws.cfg.Rule],
    ):
        """`rules` (Python only): the deployed rules by (rule name, region), e.g. ConfigRules.rules; each chosen
        rule is remediated in every region it runs in, after it exists."""
        check_args("ConfigRemediation", name, args, ConfigRemediationArgs)
        super().__init__("baseline:cfg:ConfigRemediation", name, None, opts)
        account, partition = args["account_id"], args.get("partition", "aws")
        prefix, tags = args.get("name_prefix", "baseline"), args.get("tags", {})
        catalog = rule_by_name()
        unknown = [n for n in args["rule_names"] if n not in catalog or catalog[n].remediation is None]
        if unknown:
            raise ValueError(f"rule_names: no automatic remediation in catalog/config_rules.yaml for {', '.join(unknown)}")
        undeployed = sorted(set(args["rule_names"]) - {rule_name for rule_name, _ in rules})
        if undeployed:  # a remediation nothing triggers would look like protection that is not there
            raise ValueError(f"rule_names: {', '.join(undeployed)} not among the deployed rules")
        chosen = [catalog[n] for n in args["rule_names"]]
        permissions = []
        for rule in chosen:
            for index, grant in enumerate(rule.remediation.permissions, start=1):
                sid = "".join(part.capitalize() for part in rule.name.split("-")) + str(index)
                resource = grant["resource"].format(partition=partition, account=account)
                permissions.append((sid, list(grant["actions"]), resource))
        self.role = aws.iam.Role(
            f"{name}-automation-role",
            name=f"{prefix}-config-remediation",
            description="SSM Automation runbooks remediating AWS Config findings (baseline)",
            assume_role_policy=to_json(
                docs.assume_role_policy(
                    "ssm.amazonaws.com",
                    {
                        "StringEquals": {"aws:SourceAccount": account},
                        "ArnLike": {"aws:SourceArn": f"arn:{partition}:ssm:*:{account}:automation-execution/*"},
                    },
                )
            ),
            tags=tags,
            opts=child(self),
        )
        self.policy = aws.iam.RolePolicy(
            f"{name}-automation-policy",
            role=self.role.name,
            policy=to_json(docs.remediation_role_policy(permissions=permissions)),
            opts=child(self),
        )
        # (rule name, region) -> configuration; not a class annotation (the schema has no tuple-keyed outputs).
        self.remediations: dict[tuple[str, str], aws.cfg.RemediationConfiguration] = {}
        for rule in chosen:
            fix = rule.remediation
            for (rule_name, region), deployed in rules.items():
                if rule_name != rule.name:
                    continue
                parameters = [
                    {"name": "AutomationAssumeRole", "static_value": self.role.arn},
                    {"name": fix.resource_parameter, "resource_value": "RESOURCE_ID"},
                    *({"name": k, "static_value": v} for k, v in fix.static.items()),
                ]
                self.remediations[(rule.name, region)] = aws.cfg.RemediationConfiguration(
                    f"{name}-{region}-{rule.name}",
                    config_rule_name=deployed.name,
                    region=region,
                    target_type="SSM_DOCUMENT",
                    target_id=fix.document,
                    resource_type=fix.resource_type,
                    parameters=parameters,
                    automatic=True,
                    maximum_automatic_attempts=3,
                    retry_attempt_seconds=60,
                    execution_controls={"ssm_controls": {"concurrent_execution_rate_percentage": 10, "error_percentage": 10}},
                    opts=child(self, [deployed, self.policy]),
                )
        self.register_outputs({"automationRoleArn": self.role.arn})
