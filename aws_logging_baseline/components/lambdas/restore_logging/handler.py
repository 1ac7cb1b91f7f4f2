"""Automated response (baseline:autoRespond): undo what silences the baseline's logging, then say what was restored.

Invoked by an EventBridge rule in the home region with the CloudTrail event ("AWS API Call via CloudTrail") of:

* ``StopLogging`` on the baseline's trail            -> ``cloudtrail:StartLogging``
* ``PutEventSelectors`` on the baseline's trail      -> ``cloudtrail:PutEventSelectors`` with the baseline's
  advanced event selectors (from the environment, as deployed)
* ``StopConfigurationRecorder`` of the baseline's recorder, in any covered region (forwarded events keep their
  region) -> ``config:StartConfigurationRecorder`` in that region

and publishes one sentence to the alert topic: what was restored, after whose call, where and when. Calls made
by this function's own role are ignored (its PutEventSelectors is itself an event). Anything else is ignored
with a reason. Runs on AWS Lambda's Python runtime with its bundled boto3; standard library otherwise.
"""

from __future__ import annotations

import json
import logging
import os
from typing import Any, Callable, Mapping

import boto3

LOG = logging.getLogger(__name__)
LOG.setLevel(logging.INFO)

ClientFactory = Callable[[str, str], Any]  # (service, region) -> boto3 client


def _default_clients(service: str, region: str) -> Any:
    return boto3.client(service, region_name=region)


def settings_from_env(env: Mapping[str, str]) -> dict[str, Any]:
    return {
        "trail_arn": env.get("TRAIL_ARN", ""),
        "trail_selectors": json.loads(env.get("TRAIL_SELECTORS") or "[]"),
        "recorder_name": env.get("RECORDER_NAME", ""),
        "topic_arn": env["TOPIC_ARN"],
        "own_role_name": env.get("OWN_ROLE_NAME", ""),
    }


def _names_trail(value: Any, trail_arn: str) -> bool:
    return bool(trail_arn) and value in (trail_arn, trail_arn.rsplit("/", 1)[-1])


def _by_own_role(identity: Mapping[str, Any], own_role_name: str) -> bool:
    issuer = ((identity.get("sessionContext") or {}).get("sessionIssuer") or {}).get("arn", "")
    return bool(own_role_name) and issuer.endswith(f":role/{own_role_name}")


def respond(event: Mapping[str, Any], settings: Mapping[str, Any], clients: ClientFactory) -> dict[str, Any]:
    detail = event.get("detail") or {}
    name, params = detail.get("eventName"), detail.get("requestParameters") or {}
    identity = detail.get("userIdentity") or {}
    region, who, when = event.get("region", ""), identity.get("arn", "unknown"), event.get("time", "")
    account = event.get("account", "")
    trail_arn = settings["trail_arn"]
    if _by_own_role(identity, settings["own_role_name"]):
        return {"restored": None, "reason": "the responder's own call"}

    if name == "StopLogging" and _names_trail(params.get("name"), trail_arn):
        # A multi-region trail is restarted from the region it was created in (CloudTrail API, StartLogging).
        clients("cloudtrail", trail_arn.split(":")[3]).start_logging(Name=trail_arn)
        restored = f"logging of trail {trail_arn} was restarted (StartLogging)"
    elif name == "PutEventSelectors" and _names_trail(params.get("trailName"), trail_arn):
        selectors = settings["trail_selectors"]
        clients("cloudtrail", trail_arn.split(":")[3]).put_event_selectors(TrailName=trail_arn, AdvancedEventSelectors=selectors)
        restored = f"the {len(selectors)} advanced event selectors of trail {trail_arn} were put back ({', '.join(s['Name'] for s in selectors)})"
    elif name == "StopConfigurationRecorder" and settings["recorder_name"] and params.get("configurationRecorderName") == settings["recorder_name"]:
        clients("config", region).start_configuration_recorder(ConfigurationRecorderName=settings["recorder_name"])
        restored = f"AWS Config recorder {settings['recorder_name']} in {region} was restarted (StartConfigurationRecorder)"
    else:
        return {"restored": None, "reason": f"not a baseline resource this function restores: {name}"}

    message = (
        f"Automated response: {restored} after {who} called {name} in account {account}, region {region}, at {when}. "
        "Find out why it was called."
    )
    topic = settings["topic_arn"]
    clients("sns", topic.split(":")[3]).publish(TopicArn=topic, Subject="Baseline logging restored", Message=message)
    LOG.info(message)
    return {"restored": restored, "message": message}


def handler(event: Mapping[str, Any], context: Any = None, *, env: Mapping[str, str] | None = None,
            clients: ClientFactory = _default_clients) -> dict[str, Any]:
    """Lambda entry point. Keyword arguments exist for tests only."""
    return respond(event, settings_from_env(os.environ if env is None else env), clients)
