"""AWS Config, per region: a recorder that is recording, and a delivery channel whose last delivery did not fail."""

from aws_logging_baseline.audit.checks.guard import guarded
from aws_logging_baseline.audit.findings import Finding, failed, passed

RECORDER = "config-recorder-enabled"
CHANNEL = "config-delivery-channel-healthy"


def _recorder(ctx, region: str) -> list[Finding]:
    config = ctx.client("config", region)
    statuses = config.describe_configuration_recorder_status()["ConfigurationRecordersStatus"]
    recording = [s for s in statuses if s.get("recording")]
    if recording:
        return [passed(RECORDER, region, recording[0]["name"], "recorder is recording")]
    if statuses:
        name = statuses[0]["name"]
        return [failed(RECORDER, region, name, "recorder exists but is stopped; run StartConfigurationRecorder")]
    return [failed(RECORDER, region, region, "no configuration recorder; create one and start it")]


def _channel(ctx, region: str) -> list[Finding]:
    config = ctx.client("config", region)
    channels = config.describe_delivery_channels()["DeliveryChannels"]
    if not channels:
        return [failed(CHANNEL, region, region, "no delivery channel; create one that delivers to the archive bucket")]
    findings = []
    for status in config.describe_delivery_channel_status()["DeliveryChannelsStatus"]:
        name = status["name"]
        infos = {kind: status.get(kind) or {} for kind in ("configHistoryDeliveryInfo", "configSnapshotDeliveryInfo")}
        failures = {kind: info for kind, info in infos.items() if info.get("lastStatus") == "FAILURE"}
        if failures:
            kind, info = next(iter(failures.items()))
            detail = info.get("lastErrorMessage") or info.get("lastErrorCode") or "no detail"
            findings.append(failed(CHANNEL, region, name, f"last {kind.removesuffix('DeliveryInfo')} delivery failed: "
                                                          f"{detail}; fix the bucket or key policy"))
        else:
            findings.append(passed(CHANNEL, region, name, "delivery channel exists; last delivery did not fail"))
    return findings or [failed(CHANNEL, region, channels[0]["name"], "delivery channel has no status; check it")]


def check_config(ctx, region: str) -> list[Finding]:
    return (guarded([RECORDER], region, region, lambda: _recorder(ctx, region))
            + guarded([CHANNEL], region, region, lambda: _channel(ctx, region)))
