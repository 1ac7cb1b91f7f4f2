"""Organization roles: a member covered by the organization trail keeps no paid duplicate trail."""

from .catalog import stack_policy
from .cloudtrail import TRAIL, records_management_events
from .common import StackView
from .org_context import declared_role


def _member_without_own_management_trail(args, report_violation):
    role, covered = declared_role(args)
    if role != "member" or not covered:
        return
    view = StackView(args)
    for trail in view.of(TRAIL):
        if trail.props.get("enableLogging") is not False and records_management_events(trail.props):
            report_violation(
                f"trail {trail.name} records management events in a member account the organization trail already "
                "records (a second, paid copy): remove it or give it data-event selectors only; if there is no "
                "organization trail set baseline:orgTrailExists to false.",
                trail.urn,
            )


POLICIES = [
    stack_policy("org-member-no-duplicate-management-trail", _member_without_own_management_trail),
]
