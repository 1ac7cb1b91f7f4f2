"""`check` analyzes each resource as the program registers it (through the analyze relay), then the stack: the
verdict is the same as analyzing the finished run, and a relay that fails ends the check with one message."""

import os
import signal

import pytest

from aws_logging_baseline.errors import UserError
from aws_logging_baseline.offline.account_facts import with_account_facts
from aws_logging_baseline.offline.crossguard import PolicyPackProcess
from aws_logging_baseline.offline.engine import run_program
from tests.engine_helpers import example
from tests.policies.conftest import CASES_PROGRAM, FIXTURE, PACK_DIR, run_case


def _verdict(result):
    return [(v.policy, v.enforcement, v.urn, v.message) for v in result.violations]


def _streamed(pack, program, stack, fixture, overrides, user_config=None, final_config=None):
    analysis = pack.analysis(user_config)
    run = run_program(program, stack, fixture, config_overrides=overrides, observer=analysis)
    analysis.submit(run, final_config if final_config is not None else user_config)
    return run, analysis.result()


@pytest.mark.parametrize("case", ["bucket-open-ifexists", "trust-anyone", "delivery-no-acl-check"])
def test_streamed_through_the_relay_the_verdict_is_the_finished_runs(case):
    with PolicyPackProcess(PACK_DIR, relay=True) as pack:
        run, streamed = _streamed(pack, CASES_PROGRAM, "test", FIXTURE, {"policy-cases:case": case})
        assert streamed.violations, case  # each case breaks a policy: the comparison is not of two empty lists
        assert _verdict(streamed) == _verdict(pack.check(run))


def test_the_example_streamed_with_the_account_facts_is_the_finished_runs_verdict():
    finished = example()
    facts = with_account_facts(None, finished.fixture, finished.stack_outputs)
    assert facts, "the example exports regions and VPCs: the facts reconfigure two stack policies at submit"
    with PolicyPackProcess(PACK_DIR, relay=True) as pack:
        run, streamed = _streamed(pack, finished.project.directory, "example", finished.fixture, {}, None, facts)
        assert _verdict(streamed) == _verdict(pack.check(run, facts)) == []
        # and with the facts narrowed so that they fail the stack (a region the stack does not cover):
        narrowed = {"baseline-covers-required-regions": {"requiredRegions": ["us-east-1", "ap-east-1"]}}
        run, streamed = _streamed(pack, finished.project.directory, "example", finished.fixture, {}, None, narrowed)
        assert [v.policy for v in streamed.violations] == ["baseline-covers-required-regions"]
        assert _verdict(streamed) == _verdict(pack.check(run, narrowed))


def test_a_final_config_that_changes_a_resource_policy_analyzes_every_resource_again():
    # Sent under the defaults (the open bucket policy is a mandatory violation), submitted with that policy
    # advisory: the resources are analyzed again, so the violation carries the final level.
    final = {"s3-bucket-policy-no-public-principal": "advisory"}
    with PolicyPackProcess(PACK_DIR, relay=True) as pack:
        run, streamed = _streamed(pack, CASES_PROGRAM, "test", FIXTURE, {"policy-cases:case": "bucket-open-ifexists"},
                                  None, final)
        levels = {v.enforcement for v in streamed.violations if v.policy == "s3-bucket-policy-no-public-principal"}
        assert levels == {"advisory"}
        assert _verdict(streamed) == _verdict(pack.check(run, final))
        # the relay is still in step: the next stack's answers are its own
        again = _streamed(pack, CASES_PROGRAM, "test", FIXTURE, {"policy-cases:case": "trust-anyone"})[1]
        assert _verdict(again) == _verdict(pack.check(run_case("trust-anyone")))


def test_a_run_that_fails_midway_leaves_the_relay_in_step_for_the_next_stack():
    partial = run_case("bucket-open-ifexists")
    with PolicyPackProcess(PACK_DIR, relay=True) as pack:
        analysis = pack.analysis()
        analysis.started(partial.project, partial.stack, partial.config)
        violating = [r for r in partial.resources if r.type == "aws:s3/bucketPolicy:BucketPolicy"]
        assert violating
        for resource in violating:  # sent (each answer a violation), then the program fails: check cancels
            analysis.registered(resource)
        analysis.cancel()
        run, streamed = _streamed(pack, CASES_PROGRAM, "test", FIXTURE, {"policy-cases:case": "trust-anyone"})
        assert _verdict(streamed) == _verdict(pack.check(run)) != []


def test_a_relay_that_dies_ends_the_check_with_one_message():
    with PolicyPackProcess(PACK_DIR, relay=True) as pack:
        analysis = pack.analysis()
        os.kill(pack.relay.process.pid, signal.SIGKILL)
        pack.relay.process.wait(timeout=10)
        run = run_program(CASES_PROGRAM, "test", FIXTURE, config_overrides={"policy-cases:case": "trust-anyone"},
                          observer=analysis)
        analysis.submit(run)
        with pytest.raises(UserError) as failed:
            analysis.result()
    message = str(failed.value)
    assert message.startswith(f"--policy-pack {PACK_DIR}: the relay was killed by signal 9")
    assert "\n" not in message.strip()


def test_the_stacks_own_analyze_runs_under_the_final_config(tmp_path):
    """A pack whose resource policy also judges the Stack resource: submitted with that policy advisory, every
    violation (the Stack's included) carries the final level, as analyzing the finished run does."""
    pack_dir = tmp_path / "pack"
    pack_dir.mkdir()
    (pack_dir / "PulumiPolicy.yaml").write_text("runtime: python\nversion: 0.0.1\n")
    (pack_dir / "__main__.py").write_text(
        "from pulumi_policy import EnforcementLevel, PolicyPack, ResourceValidationPolicy\n"
        "def every(args, report):\n    report('judged')\n"
        "PolicyPack('every', [ResourceValidationPolicy('every', 'judges everything', validate=every,\n"
        "           enforcement_level=EnforcementLevel.MANDATORY)])\n")
    final = {"every": "advisory"}
    with PolicyPackProcess(pack_dir, relay=True) as pack:
        run, streamed = _streamed(pack, CASES_PROGRAM, "test", FIXTURE, {"policy-cases:case": "trust-anyone"},
                                  None, final)
        assert {v.enforcement for v in streamed.violations} == {"advisory"}
        assert run.stack_urn in {v.urn for v in streamed.violations}
        assert _verdict(streamed) == _verdict(pack.check(run, final))


def test_answers_are_read_whatever_the_descriptor_number():
    """Above descriptor 1024 select() fails; the relay's answers are waited for with poll/epoll."""
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard != resource.RLIM_INFINITY and hard < 1200:
        pytest.skip("the descriptor limit is below 1200")
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, 1200), hard))
    spare = [os.open(os.devnull, os.O_RDONLY) for _ in range(1100)]
    try:
        with PolicyPackProcess(PACK_DIR, relay=True) as pack:
            assert pack.relay.process.stdout.fileno() > 1024
            run, streamed = _streamed(pack, CASES_PROGRAM, "test", FIXTURE, {"policy-cases:case": "trust-anyone"})
            assert _verdict(streamed) == _verdict(pack.check(run)) != []
    finally:
        for descriptor in spare:
            os.close(descriptor)
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
