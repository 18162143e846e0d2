/**
 * Envelope encryption of the cluster's Kubernetes Secrets: EKS encrypts each Secret's data key with a
 * customer-managed KMS key, so reading etcd (or a backup of it) is not enough to read a Secret, and
 * CloudTrail records every use of the key. EKS Best Practices: "Encrypt Kubernetes secrets with AWS
 * KMS"; CIS Amazon EKS Benchmark 5.3.1.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

/** The alias of a cluster's Secrets key, so operators find it by name in the KMS console. */
export function secretsKeyAlias(clusterName: string): string {
    return `alias/eks/${clusterName}/secrets`;
}

/** The days KMS waits before deleting a key scheduled for deletion: the longest, to leave time to notice. */
export const secretsKeyDeletionWindowDays = 30;

/** The Secrets key of a cluster, rotated yearly by KMS. */
export interface SecretsKey {
    key: aws.kms.Key;
    alias: aws.kms.Alias;
}

/**
 * Creates the key. Its policy is KMS's default (the account's IAM policies decide who may use it): EKS
 * uses the key through a grant it creates with the deployer's `kms:CreateGrant` when the cluster is
 * created. Losing the key makes every Secret unreadable, so it is protected whenever the cluster is.
 */
export function createSecretsKey(name: string, args: { clusterName: pulumi.Input<string>; protect: boolean }): SecretsKey {
    const key = new aws.kms.Key(
        `${name}-secrets`,
        {
            description: pulumi.interpolate`Envelope encryption of the Kubernetes Secrets of EKS cluster ${args.clusterName}`,
            keyUsage: "ENCRYPT_DECRYPT",
            customerMasterKeySpec: "SYMMETRIC_DEFAULT",
            enableKeyRotation: true,
            deletionWindowInDays: secretsKeyDeletionWindowDays,
        },
        { protect: args.protect },
    );
    const alias = new aws.kms.Alias(`${name}-secrets`, { name: pulumi.output(args.clusterName).apply(secretsKeyAlias), targetKeyId: key.keyId }, { parent: key });
    return { key, alias };
}
