"""What a saved query scans (a script, not a test): `python benchmarks/bench_query_scan.py [--events N] [--flows N]`.

Writes one day of synthetic logs the way the baseline's writers do (CloudTrail: gzipped JSON files of Records,
one file per region and 5 minutes; VPC flow logs: hourly Parquet files with the default fields), then reports
the bytes an Athena query would scan: CloudTrail is row-oriented JSON, so a query reads every byte of the days
it selects; Parquet is columnar, so a flow-log query reads only the column chunks it names (compressed sizes
from the files' own metadata). docs/analytics.md quotes the result at the example's volumes, and the cost at
Athena's $5 per TB scanned (10 MB minimum per query: https://aws.amazon.com/athena/pricing/).

Synthetic events repeat more than real ones, so the gzip ratio here is optimistic; the report also gives the
uncompressed size, the upper bound.
"""

import argparse
import gzip
import json
import random
import sys
import tempfile
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from aws_logging_baseline.components.regional_settings import default_flow_log_fields  # noqa: E402

TB = 1024**4
PRICE_PER_TB = 5.0
MIN_BYTES = 10 * 1024**2
SOURCES = ["ec2", "iam", "s3", "kms", "sts", "lambda", "logs", "cloudtrail", "config", "ssm"]
NAMES = ["Describe", "Get", "List", "Create", "Put", "Update", "Delete", "AssumeRole", "Decrypt", "GenerateDataKey"]


def event(rng: random.Random, minute: int) -> dict:
    source = rng.choice(SOURCES)
    user = f"user-{rng.randrange(200)}"
    return {
        "eventVersion": "1.11",
        "userIdentity": {"type": "AssumedRole", "principalId": f"AROA{rng.randrange(10**12):012d}:{user}",
                         "arn": f"arn:aws:sts::111111111111:assumed-role/role-{rng.randrange(50)}/{user}",
                         "accountId": "111111111111", "accessKeyId": f"ASIA{rng.randrange(10**16):016d}",
                         "sessionContext": {"attributes": {"mfaAuthenticated": "false", "creationDate": "2026-11-30T00:00:00Z"}}},
        "eventTime": f"2026-11-30T{minute // 60:02d}:{minute % 60:02d}:{rng.randrange(60):02d}Z",
        "eventSource": f"{source}.amazonaws.com",
        "eventName": rng.choice(NAMES) + rng.choice(["Instances", "Policy", "Bucket", "Key", "Role", "Parameter"]),
        "awsRegion": "us-east-1",
        "sourceIPAddress": f"10.{rng.randrange(256)}.{rng.randrange(256)}.{rng.randrange(256)}",
        "userAgent": rng.choice(["aws-cli/2.22.0", "Boto3/1.35.0", "aws-sdk-go-v2/1.30.0", "console.amazonaws.com"]),
        "requestParameters": {"resourceId": f"{source}-{rng.randrange(10**8):08x}", "maxResults": rng.randrange(1000)},
        "responseElements": None,
        "requestID": f"{rng.randrange(16**32):032x}",
        "eventID": f"{rng.randrange(16**32):032x}",
        "readOnly": rng.random() < 0.8,
        "eventType": "AwsApiCall", "managementEvent": True, "recipientAccountId": "111111111111",
        "eventCategory": "Management",
        "tlsDetails": {"tlsVersion": "TLSv1.3", "cipherSuite": "TLS_AES_128_GCM_SHA256", "clientProvidedHostHeader": f"{source}.amazonaws.com"},
    }


def cloudtrail_day(root: Path, events: int, rng: random.Random) -> tuple[int, int]:
    per_file = max(1, events // 288)  # one file per 5 minutes
    raw = compressed = 0
    for index in range(288):
        document = json.dumps({"Records": [event(rng, index * 5) for _ in range(per_file)]}).encode()
        data = gzip.compress(document)
        (root / f"ct-{index}.json.gz").write_bytes(data)
        raw, compressed = raw + len(document), compressed + len(data)
    return raw, compressed


def flow_day(root: Path, flows: int, rng: random.Random) -> dict[str, int]:
    fields = [f.replace("-", "_") for f in default_flow_log_fields()]
    ints = {"version", "srcport", "dstport", "protocol", "tcp_flags", "traffic_path"}
    longs = {"packets", "bytes", "start", "end"}
    per_hour = max(1, flows // 24)
    column_bytes: dict[str, int] = {f: 0 for f in fields}
    for hour in range(24):
        columns = {}
        for f in fields:
            if f in ints:
                columns[f] = pa.array([rng.choice([22, 23, 80, 443, 445, 3389, 6, 2]) for _ in range(per_hour)], pa.int32())
            elif f in longs:
                columns[f] = pa.array([1764460800 + hour * 3600 + rng.randrange(3600) for _ in range(per_hour)], pa.int64())
            elif f in ("srcaddr", "dstaddr", "pkt_srcaddr", "pkt_dstaddr"):
                columns[f] = pa.array([f"{rng.randrange(1, 224)}.{rng.randrange(256)}.{rng.randrange(256)}.{rng.randrange(256)}" for _ in range(per_hour)])
            elif f == "action":
                columns[f] = pa.array(["REJECT"] * per_hour)
            else:
                columns[f] = pa.array([f"{f}-{rng.randrange(20)}" for _ in range(per_hour)])
        path = root / f"flows-{hour}.parquet"
        pq.write_table(pa.table(columns), path)
        meta = pq.ParquetFile(path).metadata
        for group in range(meta.num_row_groups):
            for c in range(meta.num_columns):
                chunk = meta.row_group(group).column(c)
                column_bytes[chunk.path_in_schema] += chunk.total_compressed_size
    return column_bytes


def cost(scanned: int) -> float:
    return max(scanned, MIN_BYTES) / TB * PRICE_PER_TB


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=200_000, help="CloudTrail management events per day (default 200000)")
    parser.add_argument("--flows", type=int, default=1_000_000, help="rejected flow-log records per day (default 1000000)")
    args = parser.parse_args()
    rng = random.Random(16)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        raw, compressed = cloudtrail_day(root, args.events, rng)
        columns = flow_day(root, args.flows, rng)
    print(f"CloudTrail, {args.events} events/day: {compressed / 1024**2:.1f} MB gzipped ({raw / 1024**2:.1f} MB raw) scanned per day")
    print(f"  a 30-day query: {30 * compressed / 1024**3:.2f} GB, ${cost(30 * compressed):.4f} (raw upper bound ${cost(30 * raw):.4f})")
    top = sum(columns[c] for c in ("srcaddr", "dstport", "action", "packets"))
    to_ip = sum(columns[c] for c in ("srcaddr", "srcport", "dstaddr", "dstport", "protocol", "action", "packets", "bytes", "start"))
    print(f"Flow logs, {args.flows} records/day: {sum(columns.values()) / 1024**2:.1f} MB Parquet per day")
    print(f"  top-rejected-flows reads {top / 1024**2:.1f} MB of one day: ${cost(top):.5f}")
    print(f"  traffic-to-ip reads {to_ip / 1024**2:.1f} MB of one day: ${cost(to_ip):.5f}")


if __name__ == "__main__":
    main()
