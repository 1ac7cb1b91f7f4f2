"""Cases of the analytics policies (Athena workgroup, posture dashboard); cases.py merges them into CASES."""

import json

import pulumi
import pulumi_aws as aws

from cases import CIS_PATTERNS, HOME, KEY_ARN, bucket, trail


def workgroup(*, enforce=True, encryption="SSE_KMS", key=KEY_ARN, cutoff=10737418240, results="results", expire=True):
    bucket(results)
    if expire:
        aws.s3.BucketLifecycleConfiguration(
            f"{results}-lifecycle", bucket=results, region=HOME,
            rules=[{"id": "expire", "status": "Enabled", "filter": {"prefix": ""}, "expiration": {"days": 30}}])
    encryption_configuration = {"encryption_option": encryption, **({"kms_key_arn": key} if key else {})}
    aws.athena.Workgroup(
        "investigations", name="investigations", region=HOME,
        configuration={
            "enforce_workgroup_configuration": enforce,
            **({"bytes_scanned_cutoff_per_query": cutoff} if cutoff else {}),
            "result_configuration": {"output_location": f"s3://{results}/", "encryption_configuration": encryption_configuration},
        })


def dashboard(drop=0):
    """CIS filters and alarms on the trail's group, and a dashboard whose alarm widget shows all but `drop` of them."""
    trail()
    topic = aws.sns.Topic("alerts", region=HOME, kms_master_key_id=KEY_ARN)
    arns = []
    for control_id, pattern in CIS_PATTERNS.items():
        metric = "cis-" + control_id.replace(".", "-")
        aws.cloudwatch.LogMetricFilter(
            f"filter-{metric}", region=HOME, log_group_name="/trail", pattern=pattern,
            metric_transformation={"name": metric, "namespace": "CISBenchmark", "value": "1"})
        alarm = aws.cloudwatch.MetricAlarm(
            f"alarm-{metric}", name=f"alarm-{metric}", region=HOME, metric_name=metric, namespace="CISBenchmark", statistic="Sum",
            period=300, evaluation_periods=1, threshold=1, comparison_operator="GreaterThanOrEqualToThreshold",
            alarm_actions=[topic.arn])
        arns.append(alarm.arn)
    body = pulumi.Output.all(*arns).apply(lambda values: json.dumps({"widgets": [
        {"type": "alarm", "x": 0, "y": 0, "width": 24, "height": 6, "properties": {"title": "CIS", "alarms": list(values)[drop:]}}]}))
    aws.cloudwatch.Dashboard("posture", dashboard_name="posture", region=HOME, dashboard_body=body)


ANALYTICS_CASES = {
    "athena-good": lambda: workgroup(),
    "athena-not-enforced": lambda: workgroup(enforce=False),
    "athena-sse-s3": lambda: workgroup(encryption="SSE_S3", key=None),
    "athena-no-cutoff": lambda: workgroup(cutoff=None),
    "athena-results-no-expiry": lambda: workgroup(expire=False),
    "dashboard-good": lambda: dashboard(),
    "dashboard-missing-alarm": lambda: dashboard(drop=1),
}
