"""AWS logging & monitoring baseline for Pulumi: components, the CrossGuard pack, offline tools (`pulumi-baseline preview | check | audit`)."""

# Where the project lives: SARIF reports name it as the tool's informationUri and link each rule to its row of
# the compliance matrix. A fork that publishes its own reports changes this one line.
PROJECT_URL = "https://github.com/aws-logging-baseline/pulumi-aws-logging-baseline"


def policy_help_url(policy: str) -> str:
    """The policy's row in docs/compliance.md (each row carries an anchor named after the policy)."""
    return f"{PROJECT_URL}/blob/main/docs/compliance.md#{policy}"
