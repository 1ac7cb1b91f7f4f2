"""Resource options shared by the components: children are parented; log stores survive `pulumi destroy`."""

from typing import Sequence

import pulumi


def child(parent: pulumi.Resource, depends_on: Sequence[pulumi.Resource] | None = None, **extra) -> pulumi.ResourceOptions:
    return pulumi.ResourceOptions(parent=parent, depends_on=list(depends_on or []), **extra)


def log_store(parent: pulumi.Resource, protect: bool, depends_on: Sequence[pulumi.Resource] | None = None) -> pulumi.ResourceOptions:
    """Buckets, keys and log groups: `protect` blocks deletion, `retain_on_delete` keeps the cloud copy if unprotected."""
    return child(parent, depends_on, protect=protect, retain_on_delete=protect)
