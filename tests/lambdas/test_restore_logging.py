"""The automated responder's Lambda (components/lambdas/restore_logging/handler.py) with botocore Stubber clients:
each restoring call is made exactly as expected, the alert topic is told what was restored, and everything else
(another trail, another recorder, the responder's own calls) is left alone."""

import importlib.util
import json
import sys
from pathlib import Path

import boto3
import pytest
from botocore.stub import Stubber

HANDLER = Path(__file__).resolve().parents[2] / "aws_logging_baseline" / "components" / "lambdas" / "restore_logging" / "handler.py"
spec = importlib.util.spec_from_file_location("restore_logging_handler", HANDLER)
responder = importlib.util.module_from_spec(spec)
sys.modules[spec.name] = responder
spec.loader.exec_module(responder)

TRAIL = "arn:aws:cloudtrail:us-east-1:111111111111:trail/baseline-trail"
TOPIC = "arn:aws:sns:us-east-1:111111111111:baseline-security-alerts"
SELECTORS = [
    {"Name": "Management events", "FieldSelectors": [{"Field": "eventCategory", "Equals": ["Management"]}]},
    {"Name": "Archive deletions and retention changes", "FieldSelectors": [
        {"Field": "eventCategory", "Equals": ["Data"]}, {"Field": "resources.type", "Equals": ["AWS::S3::Object"]},
        {"Field": "resources.ARN", "StartsWith": ["arn:aws:s3:::baseline-log-archive-111111111111-us-east-1/"]},
        {"Field": "eventName", "Equals": ["DeleteObject", "DeleteObjects", "PutObjectRetention", "PutObjectLegalHold"]}]},
]
ENV = {"TRAIL_ARN": TRAIL, "TRAIL_SELECTORS": json.dumps(SELECTORS), "RECORDER_NAME": "baseline-recorder",
       "TOPIC_ARN": TOPIC, "OWN_ROLE_NAME": "baseline-restore-logging"}


@pytest.fixture(autouse=True)
def credentials(monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")


class Clients:
    """One stubbed client per (service, region); asserts every expected call happened."""

    def __init__(self):
        self.stubs: dict[tuple[str, str], tuple[object, Stubber]] = {}

    def expect(self, service, region, operation, params, response=None):
        client, stub = self.stubs.setdefault((service, region), self._new(service, region))
        stub.add_response(operation, response or {}, params)

    def _new(self, service, region):
        client = boto3.client(service, region_name=region)
        stub = Stubber(client)
        stub.activate()
        return client, stub

    def __call__(self, service, region):
        assert (service, region) in self.stubs, f"unexpected {service} client in {region}"
        return self.stubs[(service, region)][0]

    def verify(self):
        for _, stub in self.stubs.values():
            stub.assert_no_pending_responses()


def event(name, parameters, region="us-east-1", issuer=None):
    identity = {"type": "AssumedRole", "arn": "arn:aws:sts::111111111111:assumed-role/Admin/mallory"}
    if issuer:
        identity["sessionContext"] = {"sessionIssuer": {"arn": issuer}}
    return {"detail-type": "AWS API Call via CloudTrail", "account": "111111111111", "region": region,
            "time": "2026-11-30T19:00:00Z", "detail": {"eventName": name, "requestParameters": parameters, "userIdentity": identity}}


def published(text_fragment):
    return {"TopicArn": TOPIC, "Subject": "Baseline logging restored", "Message": text_fragment}


def run(evt, clients):
    result = responder.handler(evt, env=ENV, clients=clients)
    clients.verify()
    return result


def test_stopped_logging_is_restarted_and_announced():
    clients = Clients()
    clients.expect("cloudtrail", "us-east-1", "start_logging", {"Name": TRAIL})
    message = ("Automated response: logging of trail " + TRAIL + " was restarted (StartLogging) after "
               "arn:aws:sts::111111111111:assumed-role/Admin/mallory called StopLogging in account 111111111111, "
               "region us-east-1, at 2026-11-30T19:00:00Z. Find out why it was called.")
    clients.expect("sns", "us-east-1", "publish", published(message), {"MessageId": "1"})
    assert run(event("StopLogging", {"name": "baseline-trail"}), clients)["message"] == message


def test_changed_selectors_are_put_back():
    clients = Clients()
    clients.expect("cloudtrail", "us-east-1", "put_event_selectors", {"TrailName": TRAIL, "AdvancedEventSelectors": SELECTORS})
    clients.expect("sns", "us-east-1", "publish", None, {"MessageId": "1"})  # the message is checked below
    result = run(event("PutEventSelectors", {"trailName": TRAIL, "eventSelectors": [{"readWriteType": "ReadOnly"}]}), clients)
    assert result["restored"] == (
        f"the 2 advanced event selectors of trail {TRAIL} were put back (Management events, Archive deletions and retention changes)"
    )
    assert result["message"].startswith(f"Automated response: {result['restored']} after ")


def test_a_stopped_recorder_is_restarted_in_its_own_region():
    clients = Clients()
    clients.expect("config", "eu-west-1", "start_configuration_recorder", {"ConfigurationRecorderName": "baseline-recorder"})
    clients.expect("sns", "us-east-1", "publish", None, {"MessageId": "1"})
    result = run(event("StopConfigurationRecorder", {"configurationRecorderName": "baseline-recorder"}, region="eu-west-1"), clients)
    assert result["restored"] == "AWS Config recorder baseline-recorder in eu-west-1 was restarted (StartConfigurationRecorder)"


@pytest.mark.parametrize("evt", [
    event("StopLogging", {"name": "team-trail"}),
    event("StopLogging", {"name": "arn:aws:cloudtrail:us-east-1:999999999999:trail/baseline-trail"}),
    event("StopConfigurationRecorder", {"configurationRecorderName": "team-recorder"}),
    event("DeleteTrail", {"name": TRAIL}),
    event("PutEventSelectors", {"trailName": TRAIL}, issuer="arn:aws:iam::111111111111:role/baseline-restore-logging"),
])
def test_everything_else_is_left_alone(evt):
    clients = Clients()  # no client may be created
    assert run(evt, clients)["restored"] is None
