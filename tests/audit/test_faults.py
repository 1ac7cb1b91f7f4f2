"""The audit under faults, as an operator meets them: a local endpoint (127.0.0.1 only) forwards every call to a
moto server except the ones a test breaks, which get a malformed XML or JSON answer, a 500, throttling, an
expired token or no answer at all. Never a traceback, never a verdict the audit could not read, the report
written, and the whole run bounded by --deadline. Credential and config problems: one line, exit 2."""

import http.client
import http.server
import json
import re
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import parse_qs

import pytest
from moto.server import ThreadedMotoServer

from aws_logging_baseline.audit import AuditOptions, run_audit
from aws_logging_baseline.cli.main import main
from aws_logging_baseline.errors import UserError
from tests.audit.conftest import reset_moto
from tests.audit.conftest import ACCOUNT, BUCKET, Account
from tests.audit.test_server import MOTO_CANNOT_ANSWER, fake_env, free_port

REPO = Path(__file__).parents[2]
REGIONS = ["us-east-1", "eu-west-1"]
DEADLINE = 10.0
_CREDENTIAL = re.compile(r"Credential=[^/]+/[0-9]+/([a-z0-9-]+)/([a-z0-9-]+)/aws4_request")


def _json_error(status: int, code: str, message: str):
    body = json.dumps({"__type": code, "message": message}).encode()
    return status, {"Content-Type": "application/x-amz-json-1.1"}, body


def _query_error(status: int, code: str, message: str):
    body = (f"<ErrorResponse><Error><Type>Sender</Type><Code>{code}</Code><Message>{message}</Message></Error>"
            "<RequestId>fault-1</RequestId></ErrorResponse>").encode()
    return status, {"Content-Type": "text/xml"}, body


SLOW = "slow"
# (service, region or None for any, operation) -> the answer the endpoint gives instead of moto's
FAULTS = {
    # malformed XML: the answer stops half-way
    ("ec2", "eu-west-1", "DescribeVpcs"): (200, {"Content-Type": "text/xml;charset=UTF-8"},
                                           b'<DescribeVpcsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">'
                                           b"<vpcSet><item><vpcId>vpc-1</vpcId"),
    # malformed JSON: well-formed, but without the field every answer has
    ("cloudtrail", None, "DescribeTrails"): (200, {"Content-Type": "application/x-amz-json-1.1"}, b"{}"),
    ("config", "eu-west-1", "DescribeConfigurationRecorderStatus"): _json_error(500, "InternalFailure", "try again"),
    ("iam", None, "GetAccountPasswordPolicy"): _query_error(400, "Throttling", "Rate exceeded"),
    ("kms", None, "GetKeyRotationStatus"): _json_error(400, "ExpiredTokenException",
                                                        "The security token included in the request is expired"),
    ("ec2", "us-east-1", "DescribeFlowLogs"): SLOW,  # answers after the deadline
}
# control -> (region, what its reason must say)
EXPECTED_UNKNOWN = {
    ("vpc-flow-logs-enabled", "eu-west-1"): "ec2 DescribeVpcs: malformed response",
    ("multi-region-cloud-trail-enabled", "global"): "cloudtrail DescribeTrails: unexpected response: KeyError 'trailList'",
    ("cloud-trail-delivery-healthy", "global"): "cloudtrail DescribeTrails: unexpected response",
    ("cis-metric-filters-and-alarms", "global"): "cloudtrail DescribeTrails: unexpected response",
    ("alarm-topic-has-confirmed-subscription", "global"): "cloudtrail DescribeTrails: unexpected response",
    ("config-recorder-enabled", "eu-west-1"): "config DescribeConfigurationRecorderStatus: InternalFailure",
    ("iam-password-policy", "global"): "iam GetAccountPasswordPolicy: Throttling: Rate exceeded",
    ("cmk-backing-key-rotation-enabled", "global"): "kms GetKeyRotationStatus: ExpiredTokenException",
    ("config-recorder-enabled", "us-east-1"): "--deadline passed",
    ("vpc-flow-logs-enabled", "us-east-1"): "--deadline passed",
}


class FaultEndpoint:
    """An HTTP endpoint on 127.0.0.1 that forwards to moto, except the calls named in FAULTS."""

    def __init__(self, moto_port: int, faults: dict | None = None):
        self.moto_port = moto_port
        self.faults = FAULTS if faults is None else faults
        self.stop = threading.Event()
        self.seen: list[tuple[str, str, str]] = []
        endpoint = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def _handle(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                found = _CREDENTIAL.search(self.headers.get("Authorization", ""))
                region, service = found.groups() if found else ("", "")
                target = self.headers.get("X-Amz-Target", "")
                operation = target.rsplit(".", 1)[-1] if target else \
                    (parse_qs(body.decode("utf-8", "replace")).get("Action") or [""])[0]
                endpoint.seen.append((service, region, operation))
                fault = endpoint.faults.get((service, region, operation)) or endpoint.faults.get((service, None, operation))
                if fault == SLOW:
                    endpoint.stop.wait(120)
                    return self._reply(*_json_error(500, "TooLate", "the test ended"))
                if fault is not None:
                    return self._reply(*fault)
                upstream = http.client.HTTPConnection("127.0.0.1", endpoint.moto_port, timeout=60)
                headers = {k: v for k, v in self.headers.items() if k.lower() not in ("connection", "content-length")}
                upstream.request(self.command, self.path, body=body, headers=headers)
                answer = upstream.getresponse()
                payload = answer.read()
                upstream.close()
                headers = {k: v for k, v in answer.getheaders()
                           if k.lower() not in ("transfer-encoding", "connection", "content-length")}
                self._reply(answer.status, headers, payload)

            def _reply(self, status, headers, body):
                try:
                    self.send_response(status)
                    for key, value in headers.items():
                        self.send_header(key, value)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except OSError:
                    pass  # the audit stopped waiting (its deadline), or the test ended

            do_GET = do_POST = do_PUT = do_HEAD = do_DELETE = _handle

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.stop.set()
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="module")
def faulty():
    with pytest.MonkeyPatch.context() as patch:
        for name, value in fake_env(MOTO_EC2_LOAD_DEFAULT_AMIS="false").items():
            patch.setenv(name, value)
        port = free_port()
        server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
        server.start()
        endpoint = FaultEndpoint(port)
        try:
            reset_moto(f"http://127.0.0.1:{port}")
            Account(regions=REGIONS, endpoint_url=f"http://127.0.0.1:{port}")
            yield endpoint
        finally:
            endpoint.close()
            server.stop()


def _check_findings(findings: list[dict]) -> None:
    by_key = {}
    for finding in findings:
        by_key.setdefault((finding["control"], finding["region"]), []).append(finding)
    for key, says in EXPECTED_UNKNOWN.items():
        assert key in by_key, key
        for finding in by_key[key]:
            assert finding["status"] == "unknown" and says in finding["message"], finding
            assert "\n" not in finding["message"] and len(finding["message"]) < 400
    # nothing the audit could not read is a verdict; what it could read still is
    assert not [f for f in findings if f["status"] == "fail"]
    passing = {f["control"] for f in findings if f["status"] == "pass"}
    assert {"s3-bucket-versioning-enabled", "s3-bucket-level-public-access-prohibited",
            "mfa-enabled-for-iam-console-access"} <= passing
    unknown = {(f["control"], f["region"]) for f in findings if f["status"] == "unknown"}
    assert {c for c, _ in unknown} - MOTO_CANNOT_ANSWER - {c for c, _ in EXPECTED_UNKNOWN} \
        <= {"cloud-trail-log-file-validation-enabled", "cloud-trail-encryption-enabled",
            "cloud-trail-cloud-watch-logs-enabled", "config-delivery-channel-healthy", "inspector-enabled",
            # hang on the trail that could not be read, or on the region still running at the deadline
            "archive-deletions-recorded", "guardduty-enabled"}


def test_every_fault_is_unknown_with_its_call_and_code_and_the_run_ends_at_the_deadline(faulty):
    began = time.monotonic()
    report = run_audit(AuditOptions(regions=REGIONS, endpoint_url=faulty.url, archive_buckets=[BUCKET],
                                    deadline=DEADLINE))
    elapsed = time.monotonic() - began
    assert DEADLINE - 0.5 < elapsed < DEADLINE + 3
    assert report.account_id == ACCOUNT
    _check_findings([f.to_dict() for f in report.findings])
    assert ("ec2", "us-east-1", "DescribeFlowLogs") in faulty.seen
    # throttling and the 500 were retried (3 attempts) before the audit gave up on them
    assert faulty.seen.count(("iam", "us-east-1", "GetAccountPasswordPolicy")) == 3
    assert faulty.seen.count(("config", "eu-west-1", "DescribeConfigurationRecorderStatus")) == 3


def test_the_command_under_faults_writes_the_report_and_says_so(faulty, tmp_path):
    target = tmp_path / "audit.json"
    began = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "aws_logging_baseline", "audit", "--endpoint-url", faulty.url,
                           "--regions", ",".join(REGIONS), "--archive-bucket", BUCKET, "--deadline", str(DEADLINE),
                           "--format", "json", "--output", str(target)],
                          cwd=REPO, env=fake_env(), capture_output=True, text=True, timeout=120)
    assert time.monotonic() - began < DEADLINE + 15  # interpreter start and imports, then the bounded run
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr and done.stderr == ""
    [line] = done.stdout.splitlines()
    assert re.fullmatch(rf"account {ACCOUNT}, 2 region\(s\): [0-9]+ pass, 0 fail, [0-9]+ unknown; "
                        rf"json report written to {re.escape(str(target))}", line)
    _check_findings(json.loads(target.read_text())["findings"])
    assert [p.name for p in tmp_path.iterdir()] == ["audit.json"]


# --- credentials and configuration: one line, exit 2 ------------------------------------------------------------

def _clean_env(monkeypatch, tmp_path):
    for name in ("AWS_PROFILE", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")


@pytest.mark.parametrize("config, profile, message", [
    ("[default\nregion = us-east-1\n", None, "ConfigParseError"),
    ("[profile a]\nsource_profile = b\nrole_arn = arn:aws:iam::123456789012:role/r\n"
     "[profile b]\nsource_profile = a\nrole_arn = arn:aws:iam::123456789012:role/r\n", "a", "InfiniteLoopConfigError"),
    ("[profile broken]\ncredential_process = /bin/false\n", "broken", "CredentialRetrievalError"),
    ("[profile half]\naws_access_key_id = AKIAEXAMPLE\n", "half", "PartialCredentialsError"),
])
def test_credential_and_config_problems_are_one_line_exit_2(monkeypatch, tmp_path, capsys, config, profile, message):
    _clean_env(monkeypatch, tmp_path)
    (tmp_path / "config").write_text(config)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "config"))
    args = ["audit", "--regions", "us-east-1", "--endpoint-url", "http://127.0.0.1:9"]
    code = main(args + (["--profile", profile] if profile else []))
    err = capsys.readouterr().err
    assert code == 2 and message in err, err
    assert len(err.strip().splitlines()) == 1 and err.startswith("error: ") and "Traceback" not in err


def test_partial_credentials_in_the_environment(monkeypatch, tmp_path):
    _clean_env(monkeypatch, tmp_path)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAEXAMPLE")  # and no secret key
    with pytest.raises(UserError, match=r"^(AWS credentials: PartialCredentialsError|no AWS credentials found)"):
        run_audit(AuditOptions(regions=["us-east-1"], endpoint_url="http://127.0.0.1:9"))


def test_an_unreachable_endpoint_is_one_line_exit_2(monkeypatch, tmp_path, capsys):
    _clean_env(monkeypatch, tmp_path)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")
    code = main(["audit", "--regions", "us-east-1", "--endpoint-url", f"http://127.0.0.1:{free_port()}"])
    err = capsys.readouterr().err
    assert code == 2 and "cannot confirm the credentials: sts GetCallerIdentity: cannot connect" in err, err
    assert len(err.strip().splitlines()) == 1


@pytest.mark.parametrize("value", ["0", "-5", "nan", "soon"])
def test_deadline_flag_is_checked(capsys, value):
    with pytest.raises(SystemExit) as exited:
        main(["audit", "--deadline", value])
    assert exited.value.code == 2 and "--deadline" in capsys.readouterr().err


def test_ctrl_c_stops_the_audit_within_two_seconds_and_writes_nothing(faulty, tmp_path):
    import signal

    target = tmp_path / "audit.json"
    calls_before = faulty.seen.count(("ec2", "us-east-1", "DescribeFlowLogs"))
    command = subprocess.Popen([sys.executable, "-m", "aws_logging_baseline", "audit", "--endpoint-url", faulty.url,
                                "--regions", ",".join(REGIONS), "--deadline", "120", "--format", "json",
                                "--output", str(target)],
                               cwd=REPO, env=fake_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while faulty.seen.count(("ec2", "us-east-1", "DescribeFlowLogs")) == calls_before and time.monotonic() < deadline:
        time.sleep(0.1)  # until a call hangs in flight
    time.sleep(0.5)
    command.send_signal(signal.SIGINT)
    began = time.monotonic()
    out, err = command.communicate(timeout=30)
    assert command.returncode == 130 and time.monotonic() - began < 2.0, err
    assert "Traceback" not in err and err.strip().splitlines()[-1] == "interrupted"
    assert list(tmp_path.iterdir()) == []  # no report, no temporary file


def test_a_hanging_credential_check_ends_at_the_deadline_with_one_line(faulty):
    hanging = FaultEndpoint(faulty.moto_port, {("sts", None, "GetCallerIdentity"): SLOW})
    try:
        began = time.monotonic()
        with pytest.raises(UserError, match=r"^--deadline: no answer while confirming the credentials"):
            run_audit(AuditOptions(regions=REGIONS, endpoint_url=hanging.url, deadline=2.0))
        assert time.monotonic() - began < 3.5
    finally:
        hanging.close()
