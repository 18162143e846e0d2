/**
 * The bucket the reader reads: created private, or an existing one named in config.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { PolicyDocument } from "@eks-irsa/components";

import { BucketConfig, NewBucketConfig } from "./config";

/** The bucket as the rest of the program sees it. */
export interface Bucket {
    name: pulumi.Output<string>;
    arn: pulumi.Output<string>;
}

/** A policy that refuses every request to the bucket not made over TLS. */
export function tlsOnlyBucketPolicy(bucketArn: string): PolicyDocument {
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "DenyInsecureTransport",
                Effect: "Deny",
                Principal: { AWS: "*" },
                Action: "s3:*",
                Resource: [bucketArn, `${bucketArn}/*`],
                Condition: { Bool: { "aws:SecureTransport": "false" } },
            },
        ],
    };
}

/**
 * The filter of a lifecycle rule for every object. An empty `filter: {}` (or none) makes the AWS
 * provider warn on every run that it "will be an error in a future version": it wants exactly one
 * predicate, and the empty prefix is the one that matches every key.
 */
export const everyObject = { prefix: "" };

/** The key prefix of the server access logs in the log bucket. */
export const accessLogPrefix = "s3-access-logs/";

/**
 * The log bucket's policy: S3's logging service may write access logs under the prefix, for the data
 * bucket of this account only (the User Guide's "Permissions for log delivery" with a bucket policy,
 * which works with the bucket owner enforced setting, unlike ACL grants); and nothing over plain HTTP.
 */
export function accessLogBucketPolicy(logBucketArn: string, sourceBucketArn: string, accountId: string): PolicyDocument {
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "S3ServerAccessLogsPolicy",
                Effect: "Allow",
                Principal: { Service: "logging.s3.amazonaws.com" },
                Action: "s3:PutObject",
                Resource: `${logBucketArn}/${accessLogPrefix}*`,
                Condition: { ArnLike: { "aws:SourceArn": sourceBucketArn }, StringEquals: { "aws:SourceAccount": accountId } },
            },
            ...tlsOnlyBucketPolicy(logBucketArn).Statement,
        ],
    };
}

/** The resource options of a bucket and its settings: kept out of a destroy as the config says. */
function keepOptions(config: NewBucketConfig): pulumi.CustomResourceOptions {
    return { protect: config.protect, retainOnDelete: config.retainOnDelete };
}

/** Makes a bucket private (public access blocked, ACLs off), encrypted with SSE-S3 and TLS-only. */
function lockDown(name: string, bucket: aws.s3.Bucket, opts: pulumi.CustomResourceOptions, extraPolicy?: pulumi.Output<PolicyDocument>): void {
    const childOpts = { ...opts, parent: bucket };
    const publicAccess = new aws.s3.BucketPublicAccessBlock(
        `${name}-public-access`,
        { bucket: bucket.id, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true },
        childOpts,
    );
    const ownership = new aws.s3.BucketOwnershipControls(`${name}-ownership`, { bucket: bucket.id, rule: { objectOwnership: "BucketOwnerEnforced" } }, childOpts);
    // SSE-S3: the one default encryption S3 server access logging can deliver into.
    new aws.s3.BucketServerSideEncryptionConfiguration(
        `${name}-encryption`,
        { bucket: bucket.id, rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }] },
        childOpts,
    );
    new aws.s3.BucketPolicy(
        `${name}-tls-only`,
        { bucket: bucket.id, policy: pulumi.jsonStringify(extraPolicy ?? bucket.arn.apply(tlsOnlyBucketPolicy)) },
        // S3 rejects concurrent changes to one bucket's access settings.
        { ...childOpts, dependsOn: [publicAccess, ownership] },
    );
}

/** The bucket of the config. */
export function createBucket(name: string, config: BucketConfig, logRetentionDays: number): Bucket {
    if (config.kind === "existing") {
        // Looked up rather than assumed, so a typo fails the deployment instead of granting access to nothing.
        const existing = aws.s3.getBucketOutput({ bucket: config.name });
        return { name: existing.bucket, arn: existing.arn };
    }
    const opts = keepOptions(config);
    const bucket = new aws.s3.Bucket(
        name,
        {
            // Its own key: switching protection off must not also arm the deletion of every object.
            forceDestroy: config.forceDestroy,
        },
        opts,
    );
    if (config.accessLogging) {
        createAccessLogs(name, bucket, config, logRetentionDays);
    }
    const childOpts = { ...opts, parent: bucket };
    lockDown(name, bucket, opts);
    if (config.versioned) {
        const versioning = new aws.s3.BucketVersioning(`${name}-versioning`, { bucket: bucket.id, versioningConfiguration: { status: "Enabled" } }, childOpts);
        // Old versions are what make a versioned bucket recoverable, and what makes it grow without end.
        new aws.s3.BucketLifecycleConfiguration(
            `${name}-lifecycle`,
            {
                bucket: bucket.id,
                rules: [
                    {
                        id: "expire-noncurrent-versions",
                        status: "Enabled",
                        filter: everyObject,
                        noncurrentVersionExpiration: { noncurrentDays: config.noncurrentVersionExpirationDays },
                        abortIncompleteMultipartUpload: { daysAfterInitiation: 7 },
                    },
                ],
            },
            { ...childOpts, dependsOn: [versioning] },
        );
    }
    return { name: bucket.bucket, arn: bucket.arn };
}

/**
 * The data bucket's server access logs, in a bucket of their own (a bucket logging to itself would log
 * its own log deliveries), private and encrypted like the data bucket, kept for the logs' retention.
 */
function createAccessLogs(sourceName: string, source: aws.s3.Bucket, config: NewBucketConfig, retentionDays: number): aws.s3.Bucket {
    const name = `${sourceName}-access-logs`;
    const opts = keepOptions(config);
    const logBucket = new aws.s3.Bucket(name, { forceDestroy: config.forceDestroy }, opts);
    const accountId = aws.getCallerIdentityOutput().accountId;
    lockDown(name, logBucket, opts, pulumi.all([logBucket.arn, source.arn, accountId]).apply(([logArn, sourceArn, account]) => accessLogBucketPolicy(logArn, sourceArn, account)));
    // The audit trail of a versioned bucket is versioned too: an overwritten or deleted log stays recoverable.
    const versioning = config.versioned
        ? new aws.s3.BucketVersioning(`${name}-versioning`, { bucket: logBucket.id, versioningConfiguration: { status: "Enabled" } }, { ...opts, parent: logBucket })
        : undefined;
    new aws.s3.BucketLifecycleConfiguration(
        `${name}-lifecycle`,
        {
            bucket: logBucket.id,
            rules: [
                {
                    id: "expire-access-logs",
                    status: "Enabled",
                    filter: { prefix: accessLogPrefix },
                    expiration: { days: retentionDays },
                    // With versioning, expiry leaves the log as a noncurrent version: that goes too, later.
                    ...(config.versioned ? { noncurrentVersionExpiration: { noncurrentDays: config.noncurrentVersionExpirationDays } } : {}),
                },
            ],
        },
        { ...opts, parent: logBucket, dependsOn: versioning ? [versioning] : [] },
    );
    new aws.s3.BucketLogging(`${sourceName}-logging`, { bucket: source.id, targetBucket: logBucket.id, targetPrefix: accessLogPrefix }, { ...opts, parent: source });
    return logBucket;
}
