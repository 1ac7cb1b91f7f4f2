"""Detection settings (issue 4): defaults, parsing and every check, with the exact message a user sees."""

import pytest

from aws_logging_baseline.components.settings import alert_subscription_problems, load_settings
from tests.settings_helpers import settings_problems as problems



def test_defaults():
    s = load_settings({})
    assert (s.alert_emails, s.alert_https_endpoints) == ((), ())
    assert s.cis_alarm_namespace == "CISBenchmark"
    assert (s.disabled_cis_alarms, s.disabled_security_events) == ((), ())
    assert s.flow_log_reject_alarm_threshold == 100
    assert s.instance_state_alert_states == ("stopped", "terminated")
    assert s.security_events_schedule == ""


def test_values_are_parsed():
    s = load_settings(
        {
            "baseline:alertEmails": '["soc@example.com", "oncall@example.org"]',
            "baseline:alertHttpsEndpoints": '["https://hooks.example.com/T0/B0"]',
            "baseline:disabledCisAlarms": '["organizations-changes"]',
            "baseline:disabledSecurityEvents": '["inspector-findings"]',
            "baseline:flowLogRejectAlarmThreshold": "0",
            "baseline:securityEventsSchedule": "cron(0 8 ? * MON-FRI *)",
        }
    )
    assert s.alert_emails == ("soc@example.com", "oncall@example.org")
    assert s.alert_https_endpoints == ("https://hooks.example.com/T0/B0",)
    assert s.disabled_cis_alarms == ("organizations-changes",) and s.disabled_security_events == ("inspector-findings",)
    assert s.flow_log_reject_alarm_threshold == 0 and s.security_events_schedule.startswith("cron(")


@pytest.mark.parametrize("schedule", ["rate(1 minute)", "rate(5 minutes)", "rate(1 hour)", "rate(12 hours)", "rate(1 day)", "cron(0/15 * * * ? *)"])
def test_valid_schedules(schedule):
    assert load_settings({"baseline:securityEventsSchedule": schedule}).security_events_schedule == schedule


@pytest.mark.parametrize(
    "config, message",
    [
        ({"alertEmails": '["not-an-address"]'}, "baseline:alertEmails: 'not-an-address' is not an e-mail address"),
        ({"alertEmails": '["a@example.com", "A@example.com"]'}, "baseline:alertEmails: listed more than once: a@example.com"),
        ({"alertHttpsEndpoints": '["http://hooks.example.com/x"]'}, "baseline:alertHttpsEndpoints: 'http://hooks.example.com/x' is not an https:// URL"),
        ({"cisAlarmNamespace": "AWS/Logs"}, "baseline:cisAlarmNamespace: 1 to 255 letters"),
        ({"cisAlarmNamespace": ""}, "baseline:cisAlarmNamespace: 1 to 255 letters"),
        ({"disabledCisAlarms": '["4.15"]'}, "baseline:disabledCisAlarms: unknown id(s) 4.15; known: unauthorized-api-calls, "),
        ({"disabledSecurityEvents": '["guardduty"]'}, "baseline:disabledSecurityEvents: unknown id(s) guardduty; known: root-activity, "),
        ({"flowLogRejectAlarmThreshold": "-1"}, "baseline:flowLogRejectAlarmThreshold: must be 0 (off) or a positive number of records"),
        ({"instanceStateAlertStates": '["stopped", "rebooted"]'}, "baseline:instanceStateAlertStates: unknown state(s) rebooted"),
        ({"securityEventsSchedule": "rate(0 minutes)"}, "baseline:securityEventsSchedule: a value of at least 1"),
        ({"securityEventsSchedule": "rate(1 minutes)"}, "baseline:securityEventsSchedule: a value of at least 1, singular unit for 1"),
        ({"securityEventsSchedule": "rate(5 minute)"}, "baseline:securityEventsSchedule: a value of at least 1"),
        ({"securityEventsSchedule": "rate(30 seconds)"}, "baseline:securityEventsSchedule: expected rate(N minutes|hours|days) or cron(<6 fields>)"),
        ({"securityEventsSchedule": "cron(0 12 * * ?)"}, "baseline:securityEventsSchedule: expected rate(N minutes|hours|days) or cron(<6 fields>)"),
        (
            {"flowLogDestination": "cloud-watch-logs", "flowLogFields": '["version", "srcaddr", "dstaddr"]'},
            "baseline:flowLogRejectAlarmThreshold: the REJECT-spike alarm needs the `action` field",
        ),
    ],
)
def test_each_rule_names_its_key(config, message):
    found = problems(**config)
    assert any(p.startswith(message) for p in found), found


def test_reject_alarm_off_does_not_need_the_action_field():
    s = load_settings(
        {
            "baseline:flowLogDestination": "cloud-watch-logs",
            "baseline:flowLogFields": '["version", "srcaddr", "dstaddr"]',
            "baseline:flowLogRejectAlarmThreshold": "0",
        }
    )
    assert s.flow_log_reject_alarm_threshold == 0


def test_a_subscriber_is_required_to_build():
    assert alert_subscription_problems(load_settings({})) == [
        "baseline:alertEmails: at least one address is required so that alarms and security events reach someone "
        "(or set baseline:alertHttpsEndpoints)"
    ]
    assert alert_subscription_problems(load_settings({"baseline:alertEmails": '["soc@example.com"]'})) == []
    assert alert_subscription_problems(load_settings({"baseline:alertHttpsEndpoints": '["https://h.example.com/x"]'})) == []
