"""Trail through the engine: multi-region, validation, KMS, CloudWatch Logs and ordering after the policies."""

from tests.engine_helpers import example, only, policy_of, run_baseline

ACCOUNT = "111111111111"
TRAIL_ARN = f"arn:aws:cloudtrail:us-east-1:{ACCOUNT}:trail/baseline-trail"
LOG_GROUP_ARN = f"arn:aws:logs:us-east-1:{ACCOUNT}:log-group:/baseline/cloudtrail"


def trail(result=None):
    return only(result or example(), "aws:cloudtrail/trail:Trail")


def test_one_multi_region_trail_with_validation_kms_and_global_events():
    t = trail().inputs
    assert t["name"] == "baseline-trail" and t["region"] == "us-east-1"
    assert t["isMultiRegionTrail"] is True
    assert t["includeGlobalServiceEvents"] is True
    assert t["enableLogFileValidation"] is True
    assert t["enableLogging"] is True
    assert t["kmsKeyId"] == only(example(), "aws:kms/key:Key", "home-key").outputs["arn"]
    assert t["s3BucketName"] == f"baseline-log-archive-{ACCOUNT}-us-east-1" and t["s3KeyPrefix"] == "cloudtrail"
    assert "snsTopicName" not in t or t["snsTopicName"]


def test_management_events_and_archive_erasures_no_other_data_events_or_insights_by_default():
    t = trail().inputs
    archive = f"arn:aws:s3:::baseline-log-archive-{ACCOUNT}-us-east-1/"
    assert t["advancedEventSelectors"] == [
        {"name": "Management events", "fieldSelectors": [{"field": "eventCategory", "equals": ["Management"]}]},
        {
            "name": "Archive deletions and retention changes",
            "fieldSelectors": [
                {"field": "eventCategory", "equals": ["Data"]},
                {"field": "resources.type", "equals": ["AWS::S3::Object"]},
                {"field": "resources.ARN", "startsWiths": [archive]},
                {"field": "eventName", "equals": ["DeleteObject", "DeleteObjects", "PutObjectRetention", "PutObjectLegalHold"]},
            ],
        },
    ]
    assert "insightSelectors" not in t


def test_data_events_and_insights_are_switches():
    t = trail(run_baseline(trailS3DataEvents=True, trailLambdaDataEvents=True, trailInsights=True)).inputs
    types = [
        [f["equals"] for f in sel["fieldSelectors"] if f["field"] == "resources.type"] for sel in t["advancedEventSelectors"]
    ]
    assert types == [[], [["AWS::S3::Object"]], [["AWS::S3::Object"]], [["AWS::Lambda::Function"]]]
    assert t["insightSelectors"] == [{"insightType": "ApiCallRateInsight"}, {"insightType": "ApiErrorRateInsight"}]


def test_cloudwatch_logs_group_is_encrypted_retained_and_wildcarded_for_the_trail():
    group = only(example(), "aws:cloudwatch/logGroup:LogGroup", "cloudtrail")
    assert group.inputs["name"] == "/baseline/cloudtrail"
    assert group.inputs["retentionInDays"] == 365
    assert group.inputs["kmsKeyId"] == only(example(), "aws:kms/key:Key", "home-key").outputs["arn"]
    assert group.protect and group.retain_on_delete
    assert trail().inputs["cloudWatchLogsGroupArn"] == LOG_GROUP_ARN + ":*"


def test_delivery_role_trusts_only_cloudtrail_for_this_trail_and_writes_only_its_group():
    role = only(example(), "aws:iam/role:Role", "cloudtrail-logs-role")
    assert trail().inputs["cloudWatchLogsRoleArn"] == role.outputs["arn"]
    assert policy_of(role, "assumeRolePolicy")["Statement"] == [
        {
            "Effect": "Allow",
            "Principal": {"Service": "cloudtrail.amazonaws.com"},
            "Action": "sts:AssumeRole",
            "Condition": {"StringEquals": {"aws:SourceAccount": ACCOUNT, "aws:SourceArn": TRAIL_ARN}},
        }
    ]
    policy = policy_of(only(example(), "aws:iam/rolePolicy:RolePolicy", "cloudtrail-logs-policy"))
    assert policy["Statement"] == [
        {
            "Sid": "CreateAndWriteTrailLogStreams",
            "Effect": "Allow",
            "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
            "Resource": f"{LOG_GROUP_ARN}:log-stream:*",
        }
    ]


def test_trail_is_created_after_bucket_policy_and_key():
    by_urn = example().by_urn()
    deps = {by_urn[u].type for u in trail().dependencies if u in by_urn}
    assert "aws:s3/bucketPolicy:BucketPolicy" in deps
    assert "aws:kms/key:Key" in deps
    policy_names = {by_urn[u].name for u in trail().dependencies if by_urn.get(u) and by_urn[u].type == "aws:s3/bucketPolicy:BucketPolicy"}
    assert policy_names == {"baseline-log-archive-archive-policy"}


def test_retention_setting_reaches_the_log_group():
    group = only(run_baseline(logRetentionDays=731), "aws:cloudwatch/logGroup:LogGroup", "cloudtrail")
    assert group.inputs["retentionInDays"] == 731
