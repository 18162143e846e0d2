/**
 * Storage and backup add-ons: the EBS, EFS and Mountpoint for S3 CSI drivers, and Velero.
 */
import * as pulumi from "@pulumi/pulumi";

import type { PolicyStatementArgs } from "../permissions";
import { checkBucketArn, checkKeyPrefix, checkKmsKeyArn } from "../validation";
import { addonPermissions, AddonPermissions, awsManagedPolicyArn, condition, joined, partitionOf, serviceAccountOf, statement } from "./types";
import { AddonScopeError, checkedInputs, checkedPartitionOf, flag, refuse } from "./validation";

/**
 * The statements the EBS CSI driver's documentation gives for customer managed keys: grants for
 * AWS resources (EBS attaching the volume), and use of the key. `kms:ReEncrypt*` and
 * `kms:GenerateDataKey*` are spelt out as the actions EBS calls, leaving out the key-pair ones.
 */
function ebsKeyStatements(keys: pulumi.Input<string>[]): PolicyStatementArgs[] {
    return [
        statement(["kms:CreateGrant", "kms:ListGrants", "kms:RevokeGrant"], keys, condition("Bool", "kms:GrantIsForAWSResource", "true")),
        statement(
            ["kms:Encrypt", "kms:Decrypt", "kms:ReEncryptFrom", "kms:ReEncryptTo", "kms:GenerateDataKey", "kms:GenerateDataKeyWithoutPlaintext", "kms:DescribeKey"],
            keys,
        ),
    ];
}

/** The scope of the Amazon EBS CSI driver's role. */
export interface EbsCsiDriverArgs {
    /**
     * ARNs of the customer managed KMS keys that encrypt volumes (a StorageClass's `kmsKeyId`).
     * Keys, not aliases; no wildcards.
     * @default [] (the AWS managed key aws/ebs, or no encryption)
     */
    kmsKeyArns?: pulumi.Input<string>[];
    /**
     * The partition of the role (`aws.getPartitionOutput().partition`).
     * @default "aws"
     */
    partition?: pulumi.Input<string>;
    /**
     * Namespace of the controller's ServiceAccount.
     * @default "kube-system"
     */
    namespace?: string;
    /**
     * Name of the controller's ServiceAccount.
     * @default "ebs-csi-controller-sa"
     */
    serviceAccountName?: string;
}

/**
 * The Amazon EBS CSI driver's controller (EKS add-on `aws-ebs-csi-driver`).
 *
 * Source: EKS User Guide, "Store Kubernetes volumes with Amazon EBS" (`storage/ebs-csi.adoc`,
 * 2024-12): the AWS-managed `service-role/AmazonEBSCSIDriverPolicy`, plus, for customer managed
 * keys, the guide's KMS statements on exactly the given keys (`kms:ReEncrypt*` and
 * `kms:GenerateDataKey*` written as the four actions EBS uses).
 *
 * EKS Pod Identity: supported from add-on v1.26.0-eksbuild.1. EKS add-on:
 * `new aws.eks.Addon("ebs", { addonName: "aws-ebs-csi-driver", serviceAccountRoleArn: binding.roleArn })`
 * with an `IrsaBinding` in `serviceAccountMode: "none"` (the add-on owns the ServiceAccount), or a
 * `PodIdentityBinding` in `serviceAccountMode: "none"`, which creates the association itself (do not
 * also list it in the add-on's `podIdentityAssociations`).
 */
export function ebsCsiDriver(args: EbsCsiDriverArgs = {}): AddonPermissions {
    const serviceAccount = serviceAccountOf("ebsCsiDriver", { namespace: "kube-system", serviceAccountName: "ebs-csi-controller-sa" }, args);
    const partition = partitionOf("ebsCsiDriver", args.partition);
    const keys = checkedPartitionOf("ebsCsiDriver.kmsKeyArns", checkedInputs("ebsCsiDriver.kmsKeyArns", args.kmsKeyArns, checkKmsKeyArn, { nonEmpty: false }), partition);
    return addonPermissions("ebsCsiDriver", serviceAccount, [awsManagedPolicyArn(partition, "service-role/AmazonEBSCSIDriverPolicy")], keys.length > 0 ? ebsKeyStatements(keys) : []);
}

/** The scope of the Amazon EFS CSI driver's role. */
export interface EfsCsiDriverArgs {
    /**
     * The partition of the role (`aws.getPartitionOutput().partition`).
     * @default "aws"
     */
    partition?: pulumi.Input<string>;
    /**
     * Namespace of the controller's ServiceAccount.
     * @default "kube-system"
     */
    namespace?: string;
    /**
     * Name of the controller's ServiceAccount.
     * @default "efs-csi-controller-sa"
     */
    serviceAccountName?: string;
}

/**
 * The Amazon EFS CSI driver's controller (EKS add-on `aws-efs-csi-driver`), which creates access
 * points for dynamically provisioned volumes.
 *
 * Source: EKS User Guide, "Store an elastic file system with Amazon EFS" (`storage/efs-csi.adoc`,
 * 2024-12): the AWS-managed `service-role/AmazonEFSCSIDriverPolicy`, which already limits deletion
 * and tagging to access points the driver tagged.
 *
 * EKS Pod Identity: supported from add-on v2.0.5-eksbuild.1. EKS add-on: `serviceAccountRoleArn` as for
 * {@link ebsCsiDriver}. Mounts with `iam` authorization run as the node DaemonSet's
 * `efs-csi-node-sa`: add it to the binding's `additionalServiceAccounts` for that.
 */
export function efsCsiDriver(args: EfsCsiDriverArgs = {}): AddonPermissions {
    const serviceAccount = serviceAccountOf("efsCsiDriver", { namespace: "kube-system", serviceAccountName: "efs-csi-controller-sa" }, args);
    return addonPermissions("efsCsiDriver", serviceAccount, [awsManagedPolicyArn(partitionOf("efsCsiDriver", args.partition), "service-role/AmazonEFSCSIDriverPolicy")], []);
}

/** Object ARNs of the buckets: under the prefixes, or whole buckets. */
function objectArns(buckets: pulumi.Input<string>[], keyPrefixes: string[]): pulumi.Input<string>[] {
    const patterns = keyPrefixes.length > 0 ? keyPrefixes.map((prefix) => `${prefix}*`) : ["*"];
    return buckets.flatMap((bucket) => patterns.map((pattern) => joined(bucket, "/", pattern)));
}

/** Listing of the buckets, limited to the prefixes when there are some. */
function listBucketStatement(buckets: pulumi.Input<string>[], keyPrefixes: string[]): PolicyStatementArgs {
    return keyPrefixes.length > 0
        ? statement(["s3:ListBucket"], buckets, condition("StringLike", "s3:prefix", ...keyPrefixes.flatMap((prefix) => [prefix, `${prefix}*`])))
        : statement(["s3:ListBucket"], buckets);
}

function checkedPrefixes(field: string, prefixes: string[] | undefined): string[] {
    const list = prefixes ?? [];
    list.forEach((prefix, index) => refuse(checkKeyPrefix(`${field}[${index}]`, prefix)));
    // `${` would be read by IAM as a policy variable.
    list.forEach((prefix, index) =>
        refuse(prefix.includes("${") ? `${field}[${index}] ${JSON.stringify(prefix)} is invalid: IAM would read '\${' as the start of a policy variable` : undefined),
    );
    return list;
}

/** The scope of the Mountpoint for Amazon S3 CSI driver's role. */
export interface MountpointS3CsiDriverArgs {
    /** ARNs of the buckets the volumes mount (`arn:aws:s3:::my-bucket`). At least one; no wildcards. */
    bucketArns: pulumi.Input<string>[];
    /**
     * Folders (each ending in `/`) the volumes mount with Mountpoint's `--prefix`: objects and
     * listing are limited to them.
     * @default [] (whole buckets)
     */
    keyPrefixes?: string[];
    /**
     * Whether every volume mounts with `--read-only`: then the role cannot write or delete objects.
     * @default false
     */
    readOnly?: boolean;
    /**
     * ARNs of the KMS keys of buckets encrypted with SSE-KMS.
     * @default []
     */
    kmsKeyArns?: pulumi.Input<string>[];
    /**
     * Namespace of the driver's ServiceAccount.
     * @default "kube-system"
     */
    namespace?: string;
    /**
     * Name of the driver's ServiceAccount.
     * @default "s3-csi-driver-sa"
     */
    serviceAccountName?: string;
}

/**
 * The Mountpoint for Amazon S3 CSI driver (EKS add-on `aws-mountpoint-s3-csi-driver`) with
 * driver-level credentials.
 *
 * Source: EKS User Guide, "Access Amazon S3 objects with Mountpoint for Amazon S3 CSI driver"
 * (`storage/s3-csi.adoc`, 2024-12: `MountpointFullBucketAccess`, `MountpointFullObjectAccess`) and
 * awslabs/mountpoint-s3-csi-driver v2.7.0 `docs/CONFIGURATION.md`; narrowed to the given buckets
 * and prefixes as awslabs/mountpoint-s3 `doc/CONFIGURATION.md` ("IAM permissions") says (objects by
 * resource, `s3:ListBucket` by the `s3:prefix` condition), without the write actions for read-only
 * mounts, with `kms:Decrypt` and
 * `kms:GenerateDataKey` (writes only) on the given keys. General purpose buckets only (directory
 * buckets use `s3express:CreateSession`).
 *
 * EKS Pod Identity: supported by driver v2 (driver-level credentials, ServiceAccount
 * `s3-csi-driver-sa`); the EKS User Guide of 2024-10 still listed the add-on as IRSA-only. EKS add-on:
 * `serviceAccountRoleArn: binding.roleArn` with an `IrsaBinding` in `serviceAccountMode: "none"`.
 */
export function mountpointS3CsiDriver(args: MountpointS3CsiDriverArgs): AddonPermissions {
    const serviceAccount = serviceAccountOf("mountpointS3CsiDriver", { namespace: "kube-system", serviceAccountName: "s3-csi-driver-sa" }, args);
    const buckets = checkedInputs("mountpointS3CsiDriver.bucketArns", args.bucketArns, checkBucketArn, { nonEmpty: true });
    const keyPrefixes = checkedPrefixes("mountpointS3CsiDriver.keyPrefixes", args.keyPrefixes);
    const keys = checkedInputs("mountpointS3CsiDriver.kmsKeyArns", args.kmsKeyArns, checkKmsKeyArn, { nonEmpty: false });
    const readOnly = flag("mountpointS3CsiDriver.readOnly", args.readOnly, false);
    const objectActions = readOnly ? ["s3:GetObject"] : ["s3:GetObject", "s3:PutObject", "s3:AbortMultipartUpload", "s3:DeleteObject"];
    const statements = [listBucketStatement(buckets, keyPrefixes), statement(objectActions, objectArns(buckets, keyPrefixes))];
    if (keys.length > 0) {
        statements.push(statement(readOnly ? ["kms:Decrypt"] : ["kms:Decrypt", "kms:GenerateDataKey"], keys));
    }
    return addonPermissions("mountpointS3CsiDriver", serviceAccount, [], statements);
}

/** The scope of Velero's role. */
export interface VeleroArgs {
    /** ARN of the backup bucket (the BackupStorageLocation's `bucket`), e.g. `arn:aws:s3:::my-backups`. */
    bucketArn: pulumi.Input<string>;
    /**
     * The BackupStorageLocation's `prefix`, as a folder ending in `/` (`cluster-a/`): objects and
     * listing are limited to it.
     * @default "" (the whole bucket)
     */
    prefix?: string;
    /**
     * Whether Velero takes EBS snapshots through the plugin's VolumeSnapshotter. Off when volumes
     * are backed up by CSI snapshots or the file-system backup only.
     * @default true
     */
    volumeSnapshots?: boolean;
    /**
     * ARNs of KMS keys: of a bucket encrypted with SSE-KMS (`kmsKeyId`), and of `ebsKmsKeyId` for
     * restored volumes.
     * @default []
     */
    kmsKeyArns?: pulumi.Input<string>[];
    /**
     * The partition of the role (`aws.getPartitionOutput().partition`).
     * @default "aws"
     */
    partition?: pulumi.Input<string>;
    /**
     * Namespace of Velero's ServiceAccount.
     * @default "velero"
     */
    namespace?: string;
    /**
     * Name of Velero's ServiceAccount (the chart's `serviceAccount.server.name`).
     * @default "velero-server"
     */
    serviceAccountName?: string;
}

/**
 * Velero with velero-plugin-for-aws (Helm chart `vmware-tanzu/velero`).
 *
 * Source: vmware-tanzu/velero-plugin-for-aws v1.13 `README.md` ("Set permissions for Velero", and
 * "KMS Encryption for Volume Restoration"). Narrowed from it: S3 to the bucket and prefix; EC2 writes
 * from `*` to the resource types they act on, with `ec2:CreateTags` only while creating snapshots
 * and volumes; KMS to the given keys, grants only for AWS resources. `allowBroadPermissions` is set
 * with volume snapshots, for `ec2:DescribeVolumes` and `ec2:DescribeSnapshots`, which support only
 * `"*"`. `ec2:DeleteSnapshot` stays open to the account's snapshots as upstream: Velero deletes the
 * snapshots of expired backups, and its snapshot tags are not a stable contract to condition on.
 *
 * EKS Pod Identity: supported by the plugin's AWS SDK for Go v2 (plugin v1.9 on). No EKS add-on.
 * The chart's ServiceAccount is `<release>-server`: `velero-server` for a release named `velero`.
 */
export function velero(args: VeleroArgs): AddonPermissions {
    const serviceAccount = serviceAccountOf("velero", { namespace: "velero", serviceAccountName: "velero-server" }, args);
    const partition = partitionOf("velero", args.partition);
    const [bucket] = checkedPartitionOf("velero.bucketArn", checkedInputs("velero.bucketArn", [args.bucketArn], checkBucketArn, { nonEmpty: true }), partition);
    if (args.prefix !== undefined && typeof args.prefix !== "string") {
        throw new AddonScopeError("velero.prefix is invalid: expected a string");
    }
    const prefixes = args.prefix ? checkedPrefixes("velero.prefix", [args.prefix]) : [];
    const keys = checkedPartitionOf("velero.kmsKeyArns", checkedInputs("velero.kmsKeyArns", args.kmsKeyArns, checkKmsKeyArn, { nonEmpty: false }), partition);
    const statements: PolicyStatementArgs[] = [
        statement(
            ["s3:GetObject", "s3:DeleteObject", "s3:PutObject", "s3:PutObjectTagging", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"],
            objectArns([bucket], prefixes),
        ),
        listBucketStatement([bucket], prefixes),
    ];
    if (flag("velero.volumeSnapshots", args.volumeSnapshots, true)) {
        const volumes = joined("arn:", partition, ":ec2:*:*:volume/*");
        const snapshots = joined("arn:", partition, ":ec2:*::snapshot/*");
        statements.push(
            // Describe calls that IAM cannot scope to a resource.
            statement(["ec2:DescribeVolumes", "ec2:DescribeSnapshots"], ["*"]),
            statement(["ec2:CreateSnapshot", "ec2:CreateVolume"], [volumes, snapshots]),
            statement(["ec2:CreateTags"], [volumes, snapshots], condition("StringEquals", "ec2:CreateAction", "CreateSnapshot", "CreateVolume")),
            statement(["ec2:DeleteSnapshot"], [snapshots]),
        );
    }
    if (keys.length > 0) {
        statements.push(...ebsKeyStatements(keys));
    }
    return addonPermissions("velero", serviceAccount, [], statements);
}
