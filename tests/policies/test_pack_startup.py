"""The pack started exactly as the Pulumi CLI starts it: `python -u -m pulumi.policy <engine> <packDir>`."""

import yaml
from google.protobuf import empty_pb2

from aws_logging_baseline.offline.crossguard import PolicyPackProcess, _policy_info
from tests.policies.conftest import PACK_DIR

CATALOG = yaml.safe_load((PACK_DIR / "controls.yaml").read_text())


def test_get_analyzer_info_lists_every_policy_with_its_metadata():
    with PolicyPackProcess(PACK_DIR) as pack:
        assert pack.process.args[1:4] == ["-u", "-m", "pulumi.policy"]
        assert pack.process.args[-1] == str(PACK_DIR)
        info = pack.analyzer_info()
    assert info.name == "aws-logging-baseline" and info.supportsConfig
    policies = {p.name: _policy_info(p) for p in info.policies}
    assert sorted(policies) == sorted(c["name"] for c in CATALOG["policies"])
    for control in CATALOG["policies"]:
        policy = policies[control["name"]]
        assert policy.description == control["description"]
        assert policy.severity == control["severity"]
        assert policy.enforcement == control["enforcement"]
        assert policy.policy_type == control["kind"]
        assert policy.remediation == control["remediation"]
        assert policy.framework["name"] == "CIS AWS Foundations Benchmark / AWS Security Hub"
        for cis in control["cis14"]:
            assert f"cis-1.4.0:{cis}" in policy.tags
        for sh in control["securityHub"]:
            assert f"security-hub:{sh}" in policy.tags and sh in policy.framework["reference"]
        assert policy.config_schema == control.get("config", {})


def test_security_controls_are_mandatory_cost_and_hygiene_advisory():
    advisory = sorted(c["name"] for c in CATALOG["policies"] if c["enforcement"] == "advisory")
    # log-store-erasure-denied needs a break-glass role the baseline cannot choose for you (never lock everyone
    # out); cloudtrail-archive-data-events follows a cost switch (archiveDataEvents): both advise, neither blocks.
    # log-destination-declared-in-stack: what the pack cannot see it cannot call a violation of a security control.
    assert advisory == ["cloudtrail-archive-data-events", "cloudtrail-single-management-events-copy", "dashboard-shows-every-cis-alarm",
                        "log-destination-declared-in-stack", "log-store-erasure-denied", "s3-bucket-default-lock-enabled"]


def test_the_pack_process_is_stopped_on_exit():
    with PolicyPackProcess(PACK_DIR) as pack:
        process = pack.process
        assert pack.stub.GetPluginInfo(empty_pb2.Empty()).version == "1.21.0"  # the pulumi-policy host answers
    assert process.poll() is not None
