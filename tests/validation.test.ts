import * as assert from "node:assert/strict";

import {
    bucketNameOfArn,
    checkAudience,
    checkBucketArn,
    checkClusterName,
    checkImage,
    checkKeyPrefix,
    checkKmsKeyArn,
    checkList,
    checkManagedPolicyArn,
    checkNamespace,
    checkOidcProviderArn,
    checkRegion,
    checkRoleName,
    checkRolePath,
    checkServiceAccountName,
    checkWorkloadName,
    defaultReaderName,
    FieldCheck,
    integerBetween,
    parseOidcProviderArn,
    regionOfEksIssuer,
} from "../components/index";

/** Asserts that the check accepts each good value and refuses each bad one, naming field and value. */
function assertRule<T>(check: FieldCheck<T>, good: T[], bad: T[], rule: RegExp): void {
    for (const value of good) {
        assert.equal(check("field.name", value), undefined, `should accept ${JSON.stringify(value)}`);
    }
    for (const value of bad) {
        const message = check("field.name", value);
        assert.ok(message, `should refuse ${JSON.stringify(value)}`);
        assert.ok(message.startsWith(`field.name ${JSON.stringify(value)} is invalid: `), message);
        assert.match(message, rule);
    }
}

describe("validation rules", () => {
    it("namespace: a DNS-1123 label of at most 63 characters", () => {
        assertRule(checkNamespace, ["apps", "a", "team-1", "a".repeat(63)], ["", "Apps", "team_1", "-apps", "apps-", "a.b", "a".repeat(64)], /DNS-1123 label/);
    });

    it("ServiceAccount name: a DNS-1123 subdomain", () => {
        assertRule(checkServiceAccountName, ["reader", "reports.reader", "a-1.b-2"], ["", "Reader", "reader_1", ".reader", "reader.", "a..b", "a".repeat(254)], /DNS-1123 subdomain/);
    });

    it("workload name: a DNS-1123 label", () => {
        assertRule(checkWorkloadName, ["reports-reader"], ["reports.reader", "a".repeat(64)], /DNS-1123 label/);
    });

    it("OIDC provider ARN: any partition, an issuer without scheme or wildcards", () => {
        assertRule(
            checkOidcProviderArn,
            [
                "arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-west-2.amazonaws.com/id/ABC123",
                "arn:aws-cn:iam::123456789012:oidc-provider/oidc.eks.cn-north-1.amazonaws.com.cn/id/ABC123",
                "arn:aws-us-gov:iam::123456789012:oidc-provider/oidc.eks.us-gov-west-1.amazonaws.com/id/ABC123",
            ],
            [
                "",
                "arn:aws:iam::123456789012:role/reader",
                "arn:aws:iam::12345:oidc-provider/oidc.eks.us-west-2.amazonaws.com/id/ABC",
                "arn:aws:iam::123456789012:oidc-provider/https://oidc.eks.us-west-2.amazonaws.com/id/ABC",
                "arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-west-2.amazonaws.com/id/*",
                "arn:aws:iam::123456789012:oidc-provider/",
            ],
            /expected an IAM OIDC provider ARN/,
        );
        assert.deepEqual(parseOidcProviderArn("arn:aws-cn:iam::123456789012:oidc-provider/oidc.eks.cn-north-1.amazonaws.com.cn/id/ABC"), {
            partition: "aws-cn",
            accountId: "123456789012",
            issuer: "oidc.eks.cn-north-1.amazonaws.com.cn/id/ABC",
        });
        assert.equal(regionOfEksIssuer("oidc.eks.cn-north-1.amazonaws.com.cn/id/ABC"), "cn-north-1");
        assert.equal(regionOfEksIssuer("oidc.eks.us-gov-west-1.amazonaws.com/id/ABC"), "us-gov-west-1");
        assert.equal(regionOfEksIssuer("token.actions.githubusercontent.com"), undefined);
    });

    it("bucket ARN: one named bucket, no wildcards, not an object", () => {
        assertRule(checkBucketArn, ["arn:aws:s3:::reports", "arn:aws-cn:s3:::reports.cn-1"], ["arn:aws:s3:::*", "arn:aws:s3:::reports*"], /may not contain wildcards/);
        assertRule(checkBucketArn, [], ["reports", "arn:aws:s3:::reports/*", "arn:aws:s3:us-west-2::reports"], /expected an S3 bucket ARN/);
        assertRule(checkBucketArn, [], ["arn:aws:s3:::Reports", "arn:aws:s3:::ab", "arn:aws:s3:::a..b", "arn:aws:s3:::-reports"], /a bucket name is 3 to 63/);
        assert.equal(bucketNameOfArn("arn:aws:s3:::reports"), "reports");
    });

    it("key prefix: a folder, no wildcards", () => {
        assertRule(checkKeyPrefix, ["daily/", "reports/2026/"], ["", "daily", "/daily/", "da*ly/", "daily?/"], /a key prefix names a folder/);
    });

    it("KMS key ARN: a key, not an alias, no wildcards", () => {
        assertRule(
            checkKmsKeyArn,
            ["arn:aws:kms:us-west-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab", "arn:aws:kms:us-west-2:123456789012:key/mrk-1234abcd12ab34cd56ef1234567890ab"],
            ["arn:aws:kms:us-west-2:123456789012:alias/reports", "arn:aws:kms:us-west-2:123456789012:key/*", "1234abcd-12ab-34cd-56ef-1234567890ab"],
            /expected a KMS key ARN/,
        );
    });

    it("managed policy ARN: AWS-managed or the account's own", () => {
        assertRule(
            checkManagedPolicyArn,
            ["arn:aws:iam::aws:policy/ReadOnlyAccess", "arn:aws:iam::123456789012:policy/team/reader", "arn:aws-us-gov:iam::aws:policy/ReadOnlyAccess"],
            ["ReadOnlyAccess", "arn:aws:iam::123456789012:role/reader", "arn:aws:iam::aws:policy/*"],
            /expected a managed IAM policy ARN/,
        );
    });

    it("audience: no white space, no wildcards", () => {
        assertRule(checkAudience, ["sts.amazonaws.com", "my-client-id", "$sts"], ["", "sts *", "*", "a".repeat(256), "${oidc.eks.us-west-2.amazonaws.com/id/EXAMPLE:aud}", "sts.${aws:PrincipalAccount}"], /audience is 1 to 255/);
    });

    it("role name and path: IAM's rules", () => {
        assertRule(checkRoleName, ["reports-reader", "a_b+c=d,e.f@g", "a".repeat(64)], ["", "reader role", "reader/role", "a".repeat(65)], /1 to 64/);
        assertRule(checkRolePath, ["/", "/workloads/", "/a/b/"], ["", "workloads", "/workloads", "workloads/", "//", "/a b/", `/${"a".repeat(511)}/`], /IAM path/);
    });

    it("cluster name and region", () => {
        assertRule(checkClusterName, ["demo", "Demo_1-a"], ["", "-demo", "demo cluster", "a".repeat(101)], /EKS cluster name/);
        assertRule(checkRegion, ["us-east-1", "cn-north-1", "us-gov-west-1", "ap-southeast-5"], ["", "us-east", "US-EAST-1", "useast1"], /AWS region/);
    });

    it("image: pinned by tag or digest, never latest", () => {
        assertRule(
            checkImage,
            ["public.ecr.aws/aws-cli/aws-cli:2.31.39", "registry:5000/aws-cli:2.31.39", `amazon/aws-cli@sha256:${"a".repeat(64)}`],
            ["public.ecr.aws/aws-cli/aws-cli", "registry:5000/aws-cli", "aws-cli:", "aws-cli :2"],
            /must be pinned/,
        );
        assertRule(checkImage, [], ["amazon/aws-cli:latest"], /'latest' tag is not a pin/);
    });

    it("whole numbers in a range", () => {
        assertRule(integerBetween(1, 10), [1, 10], [0, 11, 1.5, Number.NaN], /whole number from 1 to 10/);
    });

    it("lists: non-empty when required, each entry checked by index, no duplicates", () => {
        assert.equal(checkList("s3Read.bucketArns", [], checkBucketArn, { nonEmpty: true }), "s3Read.bucketArns is invalid: it must name at least one entry");
        assert.equal(checkList("s3Read.kmsKeyArns", [], checkKmsKeyArn, { nonEmpty: false }), undefined);
        assert.match(checkList("s3Read.bucketArns", ["arn:aws:s3:::ok-bucket", "arn:aws:s3:::*"], checkBucketArn, { nonEmpty: true }) ?? "", /^s3Read.bucketArns\[1\] "arn:aws:s3:::\*"/);
        assert.match(
            checkList("s3Read.bucketArns", ["arn:aws:s3:::ok-bucket", "arn:aws:s3:::ok-bucket"], checkBucketArn, { nonEmpty: true }) ?? "",
            /each entry may appear only once/,
        );
    });

    it("default reader names stay valid labels", () => {
        assert.equal(defaultReaderName("reports"), "reports-reader");
        assert.equal(defaultReaderName("reports.daily"), "reports-daily-reader");
        const long = defaultReaderName(`${"a".repeat(55)}-b-c.d`);
        assert.equal(checkWorkloadName("name", long), undefined);
    });
});
