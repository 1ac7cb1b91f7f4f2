"""Benchmark of the live audit (a script, not a test): `python benchmarks/bench_audit.py [--repeat N] [--latency-ms MS]`.

Starts moto's server in its own process on 127.0.0.1, builds an account in the 17 default regions (trail,
archive bucket, key, CIS alarms; per region a Config recorder, delivery channel and flow logs), then reports the
wall time of a 17-region audit run concurrently (16 workers) and one region at a time (1 worker).

moto answers in about a millisecond, far faster than AWS. `--latency-ms` adds that much delay before every
call (as a network round trip would), which shows what concurrency buys against a real account.
moto's server answers config:DescribeDeliveryChannelStatus with HTTP 500 (not implemented), so each region
also pays standard-mode retries with backoff there, as it would for a throttled call.
"""

import argparse
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

import boto3  # noqa: E402

from aws_logging_baseline.audit import AuditOptions, run_audit  # noqa: E402

REGIONS = ["us-east-1", "us-east-2", "us-west-1", "us-west-2", "ca-central-1", "sa-east-1", "eu-west-1", "eu-west-2",
           "eu-west-3", "eu-central-1", "eu-north-1", "ap-south-1", "ap-northeast-1", "ap-northeast-2",
           "ap-northeast-3", "ap-southeast-1", "ap-southeast-2"]
ACCOUNT = "123456789012"
BUCKET = "bench-log-archive"


def start_server() -> tuple[subprocess.Popen, str]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {**os.environ, "MOTO_EC2_LOAD_DEFAULT_AMIS": "false"}
    server = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(f"{url}/moto-api/", timeout=1)
            return server, url
        except OSError:
            time.sleep(0.1)
    server.kill()
    raise SystemExit("moto server did not start")


def build_account(url: str) -> None:
    def client(service: str, region: str = "us-east-1"):
        return boto3.client(service, region_name=region, endpoint_url=url)

    key = client("kms").create_key()["KeyMetadata"]["Arn"]
    client("kms").enable_key_rotation(KeyId=key)
    s3 = client("s3")
    s3.create_bucket(Bucket=BUCKET, ObjectLockEnabledForBucket=True)
    s3.put_bucket_encryption(Bucket=BUCKET, ServerSideEncryptionConfiguration={
        "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": key}}]})
    client("logs").create_log_group(logGroupName="trail")
    trail = client("cloudtrail")
    trail.create_trail(Name="main", S3BucketName=BUCKET, IsMultiRegionTrail=True, EnableLogFileValidation=True,
                       KmsKeyId=key, CloudWatchLogsLogGroupArn=f"arn:aws:logs:us-east-1:{ACCOUNT}:log-group:trail:*",
                       CloudWatchLogsRoleArn=f"arn:aws:iam::{ACCOUNT}:role/trail")
    trail.put_event_selectors(TrailName="main", EventSelectors=[{"ReadWriteType": "All", "IncludeManagementEvents": True}])
    trail.start_logging(Name="main")
    for region in REGIONS:
        config = client("config", region)
        config.put_configuration_recorder(ConfigurationRecorder={"name": "default",
                                                                 "roleARN": f"arn:aws:iam::{ACCOUNT}:role/config"})
        config.put_delivery_channel(DeliveryChannel={"name": "default", "s3BucketName": BUCKET})
        config.start_configuration_recorder(ConfigurationRecorderName="default")
        ec2 = client("ec2", region)
        vpcs = [v["VpcId"] for v in ec2.describe_vpcs()["Vpcs"]]
        ec2.create_flow_logs(ResourceIds=vpcs, ResourceType="VPC", TrafficType="ALL", LogDestinationType="s3",
                             LogDestination=f"arn:aws:s3:::{BUCKET}")


def latency_hook(seconds: float):
    def hook(client, service, region):
        client.meta.events.register("before-send", lambda **_: time.sleep(seconds))  # returns None: the call goes on
    return hook


def timed(url: str, workers: int, repeat: int, latency: float) -> list[float]:
    hooks = [latency_hook(latency)] if latency else []
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        report = run_audit(AuditOptions(regions=REGIONS, endpoint_url=url, workers=workers, hooks=hooks))
        times.append(time.perf_counter() - start)
    assert len({f.region for f in report.findings} - {"global"}) == len(REGIONS)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--latency-ms", type=float, default=0.0, help="delay added before every AWS call")
    args = parser.parse_args()
    os.environ.update(AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing", AWS_DEFAULT_REGION="us-east-1")
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN"):
        os.environ.pop(name, None)
    server, url = start_server()
    try:
        build_account(url)
        run_audit(AuditOptions(regions=REGIONS, endpoint_url=url))  # warm-up: service models, moto's backends
        latency = args.latency_ms / 1000
        concurrent = timed(url, 16, args.repeat, latency)
        sequential = timed(url, 1, args.repeat, latency)
    finally:
        server.terminate()
        server.wait(timeout=10)
    print(f"audit of {len(REGIONS)} regions against moto's server (added latency {args.latency_ms:g} ms per call), "
          f"median of {args.repeat}:")
    print(f"  concurrent (16 workers): {statistics.median(concurrent):6.2f} s   (min {min(concurrent):.2f})")
    print(f"  sequential (1 worker):   {statistics.median(sequential):6.2f} s   (min {min(sequential):.2f})")
    print(f"  speed-up: {statistics.median(sequential) / statistics.median(concurrent):.1f}x")


if __name__ == "__main__":
    main()
