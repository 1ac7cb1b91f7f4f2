"""Checks of the analytics settings (issue 16): the scan cutoff, the disabled saved queries, the accounts an
organization's tables project. Each problem names its key (settings.py collects them)."""

import re
from typing import Any

# Athena refuses a smaller per-query cutoff (BytesScannedCutoffPerQuery, minimum 10000000 bytes:
# https://docs.aws.amazon.com/athena/latest/APIReference/API_WorkGroupConfiguration.html); the provider
# documents 10485760, the larger of the two, which is what we require.
MIN_BYTES_SCANNED_CUTOFF = 10485760
_ACCOUNT_ID = re.compile(r"^\d{12}$")


def _k(name: str) -> str:
    from aws_logging_baseline.components.settings import config_key  # lazy: settings imports this module

    return config_key(name)


def check_analytics(s: Any) -> list[str]:
    from aws_logging_baseline.components.saved_queries import query_ids

    problems = []
    if s.athena_bytes_scanned_cutoff < MIN_BYTES_SCANNED_CUTOFF:
        problems.append(
            f"{_k('athena_bytes_scanned_cutoff')}: at least {MIN_BYTES_SCANNED_CUTOFF} bytes (10 MB, Athena's minimum), "
            f"got {s.athena_bytes_scanned_cutoff}"
        )
    known = query_ids()
    unknown = [i for i in s.disabled_queries if i not in known]
    if unknown:
        problems.append(f"{_k('disabled_queries')}: unknown id(s) {', '.join(unknown)}; known: {', '.join(known)}")
    bad = [a for a in s.analytics_account_ids if not _ACCOUNT_ID.match(a)]
    if bad:
        problems.append(f"{_k('analytics_account_ids')}: not 12-digit account ids: {', '.join(bad)}")
    problems += _check_streaming(s)
    if s.analytics_account_ids and s.role != "log-archive":
        problems.append(f"{_k('analytics_account_ids')}: only used by role log-archive, role is {s.role!r}")
    return problems


def organization_analytics_problems(s: Any) -> list[str]:
    """The log-archive role builds the organization tables only with the accounts to project. Checked when the
    role builds (like the alert subscribers), so that `load_settings` accepts a role's minimal settings."""
    if s.role == "log-archive" and s.analytics and not s.analytics_account_ids:
        return [
            f"{_k('analytics_account_ids')}: role log-archive with analytics on needs the organization's account ids "
            "(the tables project one partition per account), or set baseline:analytics to false"
        ]
    return []


_OPENSEARCH_DOMAIN = re.compile(r"^arn:aws[\w-]*:es:([a-z0-9-]+):\d{12}:domain/[a-z][a-z0-9-]{2,27}$")


def _check_streaming(s: Any) -> list[str]:
    domain, url = s.log_streaming_opensearch_domain_arn, s.log_streaming_http_endpoint_url
    if not s.log_streaming:
        used = [n for n in ("log_streaming_opensearch_domain_arn", "log_streaming_http_endpoint_url") if getattr(s, n)]
        return [f"{_k(n)}: only used with baseline:logStreaming true" for n in used]
    if not domain and not url:
        return [f"{_k('log_streaming')}: streaming needs a destination: set baseline:logStreamingOpensearchDomainArn or baseline:logStreamingHttpEndpointUrl"]
    if domain and url:
        return [f"{_k('log_streaming')}: set one destination, logStreamingOpensearchDomainArn or logStreamingHttpEndpointUrl, not both"]
    problems = []
    match = _OPENSEARCH_DOMAIN.match(domain) if domain else None
    if domain and not match:
        problems.append(f"{_k('log_streaming_opensearch_domain_arn')}: must be an OpenSearch domain ARN arn:aws:es:<region>:<account>:domain/<name>, got {domain!r}")
    elif match and match.group(1) != s.home_region:
        problems.append(f"{_k('log_streaming_opensearch_domain_arn')}: the domain must be in homeRegion {s.home_region} (Firehose delivers in its own region)")
    if url and not re.match(r"^https://[^\s/]+(/\S*)?$", url):
        problems.append(f"{_k('log_streaming_http_endpoint_url')}: must be an https:// URL, got {url!r}")
    if domain and not re.match(r"^[a-z0-9][a-z0-9_.-]{0,79}$", s.log_streaming_opensearch_index):
        problems.append(f"{_k('log_streaming_opensearch_index')}: lower-case letters, digits, - _ . (at most 80), got {s.log_streaming_opensearch_index!r}")
    return problems
