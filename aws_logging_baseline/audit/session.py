"""Credentials, regions and clients for the audit.

Credentials come from the standard boto3 chain (env, profile, SSO, instance role), resolved once up front so
that a missing or rejected credential is one clear error (exit 2) instead of a failure in every thread.
Each worker thread gets its own boto3 Session and its own clients: sessions are not thread-safe.
"""

import threading
from collections.abc import Callable
from typing import Any
from urllib.parse import urlparse

import boto3
import botocore.session
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError, NoCredentialsError, ProfileNotFound

from aws_logging_baseline.audit.faults import describe, watch
from aws_logging_baseline.errors import UserError

# Chosen for an audit, which reads small answers and would rather report "unknown" than wait: 5 s to connect,
# 15 s for an answer, 3 attempts in all (standard mode retries throttling and 5xx with jittered backoff), so one
# call gives up within about a minute; the audit's --deadline bounds the whole run on top of that.
# https://docs.aws.amazon.com/sdkref/latest/guide/feature-retry-behavior.html
RETRIES = Config(retries={"mode": "standard", "total_max_attempts": 3}, connect_timeout=5, read_timeout=15)
ClientHook = Callable[[Any, str, str], None]  # (client, service, region); tests use it to record or stub calls

# Service models are parsed once per process and shared by every session: the loader only reads files, and
# re-parsing them for each thread's new session would dominate the audit's run time.
_LOADER = botocore.session.get_session().get_component("data_loader")


def _core_session() -> botocore.session.Session:
    core = botocore.session.get_session()
    core.register_component("data_loader", _LOADER)
    return core


def known_regions() -> set[str]:
    """Every region botocore knows in any partition: enough to reject a typo without a network call."""
    try:
        session = boto3.Session()
        regions: set[str] = set()
        for partition in session.get_available_partitions():
            regions.update(session.get_available_regions("ec2", partition_name=partition))
    except BotoCoreError as exc:  # reading the AWS config file (ConfigParseError...)
        raise UserError(f"AWS config: {type(exc).__name__}: {_one_line(exc)}") from None
    return regions


def parse_endpoint_url(url: str | None) -> str | None:
    if url is None:
        return None
    parsed = urlparse(url)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise UserError(f"--endpoint-url {url!r}: expected an http:// or https:// URL with a host")
    return url


class AwsContext:
    """One audited account: frozen credentials, a home region for global APIs, and a client factory."""

    def __init__(self, profile: str | None, endpoint_url: str | None, hooks: list[ClientHook] | None = None):
        try:
            base = boto3.Session(profile_name=profile, botocore_session=_core_session())
            credentials = base.get_credentials()
            home_region = base.region_name
            frozen = credentials.get_frozen_credentials() if credentials is not None else None
        except ProfileNotFound:
            raise UserError(f"--profile {profile}: no such profile in the AWS config files") from None
        except (BotoCoreError, ValueError, KeyError, OSError) as exc:
            # PartialCredentialsError, ConfigParseError, CredentialRetrievalError (credential_process),
            # InfiniteLoopConfigError (source_profile loop), InvalidConfigError, SSO errors...: one line, exit 2.
            where = f"--profile {profile}" if profile else "AWS credentials"
            raise UserError(f"{where}: {type(exc).__name__}: {_one_line(exc)}") from None
        if credentials is None:
            raise UserError("no AWS credentials found: set AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, "
                            "or pass --profile")
        self._frozen = frozen
        self.home_region = home_region or "us-east-1"
        self.endpoint_url = endpoint_url
        self.hooks = list(hooks or [])
        self._local = threading.local()
        self.account_id = self._caller_account()

    def _caller_account(self) -> str:
        try:
            account = self.client("sts", self.home_region).get_caller_identity()["Account"]
        except NoCredentialsError:
            raise UserError("no AWS credentials found: set AWS_PROFILE or AWS_ACCESS_KEY_ID, or pass --profile") from None
        except ClientError as exc:
            error = exc.response.get("Error", {})
            raise UserError(f"AWS rejected the credentials: {error.get('Code')}: {_one_line(error.get('Message'))}") from None
        except Exception as exc:  # noqa: BLE001 - unreachable, timed out, or an answer that cannot be read
            where = f"--endpoint-url {self.endpoint_url}" if self.endpoint_url else "AWS STS"
            raise UserError(f"{where}: cannot confirm the credentials: {describe(exc)}") from None
        if not (isinstance(account, str) and len(account) == 12 and account.isascii() and account.isdigit()):
            raise UserError(f"AWS STS GetCallerIdentity answered an account id that is not 12 digits: {_one_line(account)}")
        return account

    def _session(self) -> boto3.Session:
        session = getattr(self._local, "session", None)
        if session is None:
            session = boto3.Session(
                aws_access_key_id=self._frozen.access_key,
                aws_secret_access_key=self._frozen.secret_key,
                aws_session_token=self._frozen.token,
                botocore_session=_core_session(),
            )
            self._local.session = session
        return session

    def client(self, service: str, region: str) -> Any:
        """This thread's client for the service and region, made on first use (clients are costly to build)."""
        clients = getattr(self._local, "clients", None)
        if clients is None:
            clients = self._local.clients = {}
        if (service, region) not in clients:
            client = self._session().client(service, region_name=region, endpoint_url=self.endpoint_url,
                                            config=RETRIES)
            watch(client)  # names the failing call in "unknown" findings
            for hook in self.hooks:
                hook(client, service, region)
            clients[service, region] = client
        return clients[service, region]


def _one_line(value, limit: int = 200) -> str:
    text = " ".join(str(value).split())
    return text if len(text) <= limit else text[:limit] + "..."
