"""ConfigRemediation: automatic remediation of chosen Config rules with AWS-owned SSM Automation runbooks.

Off by default (`configRemediationRules` empty): automatic changes to security groups, buckets or keys
must be a deliberate choice. For each chosen rule, in each region where it runs, a remediation
configuration calls the catalog's runbook with the non-compliant resource's id; the runbooks assume one
automation role, trusted by ssm.amazonaws.com for this account's automation executions and allowed
exactly the actions those runbooks document.
"""

from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from aws_logging_baseline.components.serialize import to_json
from aws_logging_baseline.components import policy_documents as docs
from aws_logging_baseline.components.options import child
from aws_logging_baseline.components.regional_settings import rule_by_name
from aws_logging_baseline.components.settings import Settings


@dataclass
class ConfigRemediationArgs:
    settings: Settings
    account_id: str
    rules: dict[tuple[str, str], aws.cfg.Rule]  # (rule name, region) -> deployed rule
    tags: dict[str, str] = field(default_factory=dict)


class ConfigRemediation(pulumi.ComponentResource):
    role: aws.iam.Role
    remediations: dict[tuple[str, str], aws.cfg.RemediationConfiguration]

    def __init__(self, name: str, args: ConfigRemediationArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("baseline:cfg:ConfigRemediation", name, None, opts)
        s, account = args.settings, args.account_id
        catalog = rule_by_name()
        chosen = [catalog[n] for n in s.config_remediation_rules]
        permissions = []
        for rule in chosen:
            for index, grant in enumerate(rule.remediation.permissions, start=1):
                sid = "".join(part.capitalize() for part in rule.name.split("-")) + str(index)
                resource = grant["resource"].format(partition=s.partition, account=account)
                permissions.append((sid, list(grant["actions"]), resource))
        self.role = aws.iam.Role(
            f"{name}-automation-role",
            name=f"{s.name_prefix}-config-remediation",
            description="SSM Automation runbooks remediating AWS Config findings (baseline)",
            assume_role_policy=to_json(
                docs.assume_role_policy(
                    "ssm.amazonaws.com",
                    {
                        "StringEquals": {"aws:SourceAccount": account},
                        "ArnLike": {"aws:SourceArn": f"arn:{s.partition}:ssm:*:{account}:automation-execution/*"},
                    },
                )
            ),
            tags=args.tags,
            opts=child(self),
        )
        self.policy = aws.iam.RolePolicy(
            f"{name}-automation-policy",
            role=self.role.name,
            policy=to_json(docs.remediation_role_policy(permissions=permissions)),
            opts=child(self),
        )
        self.remediations = {}
        for rule in chosen:
            fix = rule.remediation
            for (rule_name, region), deployed in args.rules.items():
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
