"""The audit's result type: one finding per control, region and resource."""

from dataclasses import asdict, dataclass
from typing import Literal

Status = Literal["pass", "fail", "unknown"]
GLOBAL = "global"


@dataclass(frozen=True)
class Finding:
    control: str  # a control id from aws_logging_baseline.audit.controls.CONTROLS
    status: Status
    region: str  # an AWS region, or "global" for account-wide controls
    resource: str  # an ARN or a name
    message: str  # what was found, and on failure what to fix

    def to_dict(self) -> dict[str, str]:
        return asdict(self)


def passed(control: str, region: str, resource: str, message: str) -> Finding:
    return Finding(control, "pass", region, resource, message)


def failed(control: str, region: str, resource: str, message: str) -> Finding:
    return Finding(control, "fail", region, resource, message)


def unknown(control: str, region: str, resource: str, message: str) -> Finding:
    return Finding(control, "unknown", region, resource, message)
