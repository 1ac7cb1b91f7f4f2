"""baseline:logReaderPrincipals: who may read the logs besides principals an IAM policy grants kms:Decrypt."""

import json

import pytest

from aws_logging_baseline.access.evaluator import Policy, Principal, Request, evaluate
from aws_logging_baseline.access.plan import from_run, read_plan
from aws_logging_baseline.access.proofs import prove_plan
from aws_logging_baseline.cli.main import main
from aws_logging_baseline.components.settings import load_settings
from tests.org.org_helpers import LOG_ARCHIVE, SECURITY, run_role
from tests.settings_helpers import settings_problems as problems

READER = f"arn:aws:iam::{SECURITY}:role/log-investigator"


@pytest.mark.parametrize("value", ['["*"]', '["arn:aws:iam::*:role/x"]', '["arn:aws-cn:iam::333333333333:role/x"]',
                                   '["333333333333"]', '["arn:aws:iam::333333333333:group/readers"]'])
def test_only_exact_iam_arns_of_the_partition(value):
    bad = json.loads(value)[0]
    assert (f"baseline:logReaderPrincipals: {bad!r} is not the ARN of an IAM role, user or account root in partition aws"
            in problems(logReaderPrincipals=value))


def test_accepted_forms():
    readers = [READER, f"arn:aws:iam::{SECURITY}:root", "arn:aws:iam::111111111111:user/a/b"]
    assert load_settings({"baseline:logReaderPrincipals": json.dumps(readers)}).log_reader_principals == tuple(readers)


def test_bad_reader_through_check_is_one_line_and_exit_2(capsys):
    code = main(["check", "--stack", "example", "--no-tree", "-c", 'baseline:logReaderPrincipals=["*"]'])
    err = capsys.readouterr().err
    assert code == 2 and "Traceback" not in err
    assert "baseline:logReaderPrincipals: '*' is not the ARN of an IAM role, user or account root" in err


@pytest.fixture(scope="module")
def archive_with_reader():
    return read_plan(*from_run(run_role("log-archive", logReaderPrincipals=json.dumps([READER]))))


def test_a_reader_of_another_account_reads_and_decrypts_the_archive_with_its_own_iam_grant(archive_with_reader):
    plan = archive_with_reader
    archive, key = plan.stores[plan.values["archive"]["arn"]], plan.stores[plan.values["archive_key"]["arn"]]
    reader = Principal.aws(f"arn:aws:sts::{SECURITY}:assumed-role/log-investigator/s")
    own_iam = Policy("investigator", {"Statement": [{"Effect": "Allow", "Action": ["s3:GetObject", "kms:Decrypt"], "Resource": "*"}]})
    read = Request(reader, "s3:GetObject", f"{archive.arn}/cloudtrail/AWSLogs/x.json.gz", {"aws:SecureTransport": "true"})
    decrypt = Request(reader, "kms:Decrypt", key.arn, {"kms:ViaService": "s3.us-east-1.amazonaws.com"})
    for request, store in ((read, archive), (decrypt, key)):
        granted = evaluate(request, resource_account=LOG_ARCHIVE, resource_policy=store.policy,
                           resource_kind=store.evaluation_kind, identity_policies=[own_iam])
        assert granted.allowed, granted.reason
        # cross-account: the store naming the reader is not enough, its own account must grant it too
        assert not evaluate(request, resource_account=LOG_ARCHIVE, resource_policy=store.policy,
                            resource_kind=store.evaluation_kind).allowed
    direct = Request(reader, "kms:Decrypt", key.arn)  # not through S3
    assert not evaluate(direct, resource_account=LOG_ARCHIVE, resource_policy=key.policy, resource_kind="key",
                        identity_policies=[own_iam]).allowed


def test_naming_a_reader_keeps_every_delivery_and_refuses_every_outsider(archive_with_reader):
    proofs = prove_plan(archive_with_reader)
    assert proofs.deliveries and not proofs.denied
    assert all(not e.open for e in proofs.exposures)
    # the exposure lines say who is named: the reader on the archive, the replica and their keys, nowhere else
    # (not the two access-log buckets, the query results bucket, the alert topic or its key)
    assert [(e.store.split(" (")[0].split(" acme-")[0], e.named) for e in proofs.exposures] == [
        ("access-log bucket", ()), ("access-log bucket", ()), ("archive bucket", (READER,)), ("query results bucket", ()),
        ("replica bucket", (READER,)), ("alert topic key", ()), ("archive key", (READER,)), ("replica key", (READER,)),
        ("alert topic", ())]
