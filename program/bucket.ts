/**
 * The bucket the reader reads: created private, or an existing one named in config.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { PolicyDocument } from "@eks-irsa/components";

import { BucketConfig } from "./config";

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

/** The bucket of the config. */
export function createBucket(name: string, config: BucketConfig): Bucket {
    if (config.kind === "existing") {
        // Looked up rather than assumed, so a typo fails the deployment instead of granting access to nothing.
        const existing = aws.s3.getBucketOutput({ bucket: config.name });
        return { name: existing.bucket, arn: existing.arn };
    }
    const bucket = new aws.s3.Bucket(
        name,
        {
            // An unprotected (throwaway) bucket must not block `pulumi destroy` with the objects in it.
            forceDestroy: !config.protect,
        },
        { protect: config.protect },
    );
    const childOpts = { parent: bucket };
    const publicAccess = new aws.s3.BucketPublicAccessBlock(
        `${name}-public-access`,
        { bucket: bucket.id, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true },
        childOpts,
    );
    const ownership = new aws.s3.BucketOwnershipControls(`${name}-ownership`, { bucket: bucket.id, rule: { objectOwnership: "BucketOwnerEnforced" } }, childOpts);
    new aws.s3.BucketServerSideEncryptionConfiguration(
        `${name}-encryption`,
        { bucket: bucket.id, rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }] },
        childOpts,
    );
    if (config.versioned) {
        new aws.s3.BucketVersioning(`${name}-versioning`, { bucket: bucket.id, versioningConfiguration: { status: "Enabled" } }, childOpts);
    }
    new aws.s3.BucketPolicy(
        `${name}-tls-only`,
        { bucket: bucket.id, policy: pulumi.jsonStringify(bucket.arn.apply(tlsOnlyBucketPolicy)) },
        // S3 rejects concurrent changes to one bucket's access settings.
        { ...childOpts, dependsOn: [publicAccess, ownership] },
    );
    return { name: bucket.bucket, arn: bucket.arn };
}
