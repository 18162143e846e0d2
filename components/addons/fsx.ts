/**
 * Amazon FSx CSI drivers: FSx for Lustre and FSx for OpenZFS, each limited to the file systems,
 * volumes and snapshots it tags itself.
 */
import * as pulumi from "@pulumi/pulumi";

import { checkBucketArn } from "../validation";
import { addonPermissions, AddonPermissions, condition, joined, partitionOf, serviceAccountOf, statement } from "./types";
import { checkedInputs, checkedPartitionOf } from "./validation";

/** The tag the FSx for Lustre CSI driver puts on every file system it creates (pkg/cloud/cloud.go `VolumeNameTagKey`). */
export const fsxLustreVolumeTag = "CSIVolumeName";
/** The tag the FSx for OpenZFS CSI driver puts on everything it creates (pkg/driver/controller.go `AwsFsxOpenZfsDriverTagKey`). */
export const fsxOpenZfsDriverTag = "fsx.openzfs.csi.aws.com/cluster";

/** The scope of the FSx for Lustre CSI driver's role. */
export interface FsxLustreCsiDriverArgs {
    /**
     * ARNs of the S3 buckets linked to file systems as data repositories (a StorageClass's
     * `s3ImportPath`/`s3ExportPath`): the driver lists them, and may create the service-linked role
     * FSx uses to reach S3. No wildcards.
     * @default [] (no data repositories)
     */
    dataRepositoryBucketArns?: pulumi.Input<string>[];
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
     * @default "fsx-csi-controller-sa"
     */
    serviceAccountName?: string;
}

/**
 * The Amazon FSx for Lustre CSI driver's controller (chart `aws-fsx-csi-driver`, EKS add-on
 * `aws-fsx-csi-driver`).
 *
 * Source: kubernetes-sigs/aws-fsx-csi-driver helm-chart-aws-fsx-csi-driver-1.17.0 `docs/install.md`,
 * "Set up driver permission": `fsx:CreateFileSystem`, `DeleteFileSystem`, `UpdateFileSystem`,
 * `DescribeFileSystems`, `TagResource` and `s3:ListBucket` on `*`, and the service-linked roles.
 * Narrowed: file systems are created only with the driver's `CSIVolumeName` tag, and updated,
 * tagged or deleted only while they carry it; `s3:ListBucket` on the data repository buckets only,
 * and the S3 data repository's service-linked role only with them; the FSx service-linked role by
 * its own ARN. `allowBroadPermissions` is set for `fsx:DescribeFileSystems`, which supports only `"*"`.
 *
 * EKS Pod Identity: supported. EKS add-on: pass the role as the add-on's `serviceAccountRoleArn`
 * (IRSA) or `podIdentityAssociations` (Pod Identity) through the binding's `eksAddon`.
 */
export function fsxLustreCsiDriver(args: FsxLustreCsiDriverArgs = {}): AddonPermissions {
    const serviceAccount = serviceAccountOf("fsxLustreCsiDriver", { namespace: "kube-system", serviceAccountName: "fsx-csi-controller-sa" }, args);
    const partition = partitionOf("fsxLustreCsiDriver", args.partition);
    const buckets = checkedPartitionOf(
        "fsxLustreCsiDriver.dataRepositoryBucketArns",
        checkedInputs("fsxLustreCsiDriver.dataRepositoryBucketArns", args.dataRepositoryBucketArns, checkBucketArn, { nonEmpty: false }),
        partition,
    );
    const fileSystems = joined("arn:", partition, ":fsx:*:*:file-system/*");
    return addonPermissions("fsxLustreCsiDriver", serviceAccount, [], [
        // A read that IAM cannot scope to a resource.
        statement(["fsx:DescribeFileSystems"], ["*"]),
        statement(["fsx:CreateFileSystem", "fsx:TagResource"], [fileSystems], condition("Null", `aws:RequestTag/${fsxLustreVolumeTag}`, "false")),
        statement(["fsx:UpdateFileSystem", "fsx:DeleteFileSystem"], [fileSystems], condition("Null", `aws:ResourceTag/${fsxLustreVolumeTag}`, "false")),
        statement(
            ["iam:CreateServiceLinkedRole"],
            [joined("arn:", partition, ":iam::*:role/aws-service-role/fsx.amazonaws.com/AWSServiceRoleForAmazonFSx")],
            condition("StringEquals", "iam:AWSServiceName", "fsx.amazonaws.com"),
        ),
        ...(buckets.length === 0
            ? []
            : [
                  statement(["s3:ListBucket"], buckets),
                  statement(
                      ["iam:CreateServiceLinkedRole", "iam:AttachRolePolicy", "iam:PutRolePolicy"],
                      [joined("arn:", partition, ":iam::*:role/aws-service-role/s3.data-source.lustre.fsx.amazonaws.com/*")],
                  ),
              ]),
    ]);
}

/** The scope of the FSx for OpenZFS CSI driver's role. */
export interface FsxOpenZfsCsiDriverArgs {
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
     * @default "fsx-openzfs-csi-controller-sa"
     */
    serviceAccountName?: string;
}

/**
 * The Amazon FSx for OpenZFS CSI driver's controller (chart `aws-fsx-openzfs-csi-driver`).
 *
 * Source: kubernetes-sigs/aws-fsx-openzfs-csi-driver helm-chart-aws-fsx-openzfs-csi-driver-1.2.0
 * `docs/example-iam-policy.json`: the `fsx` file system, volume and snapshot actions on `*`, and
 * the service-linked role. Narrowed: file systems, volumes and snapshots are created only with the
 * driver's `fsx.openzfs.csi.aws.com/cluster: true` tag, and updated or deleted only while they carry
 * it; the service-linked role by its own ARN (its `iam:AttachRolePolicy` and `iam:PutRolePolicy` on
 * FSx's service-linked roles are left out: FSx attaches its own policy). `allowBroadPermissions` is
 * set for `fsx:DescribeFileSystems`, `DescribeVolumes` and `DescribeSnapshots`, which support only `"*"`.
 *
 * EKS Pod Identity: supported. No EKS add-on.
 */
export function fsxOpenZfsCsiDriver(args: FsxOpenZfsCsiDriverArgs = {}): AddonPermissions {
    const serviceAccount = serviceAccountOf("fsxOpenZfsCsiDriver", { namespace: "kube-system", serviceAccountName: "fsx-openzfs-csi-controller-sa" }, args);
    const partition = partitionOf("fsxOpenZfsCsiDriver", args.partition);
    const fsx = (resource: string) => joined("arn:", partition, ":fsx:*:*:", resource);
    const resources = [fsx("file-system/*"), fsx("volume/*/*"), fsx("snapshot/*/*")];
    return addonPermissions("fsxOpenZfsCsiDriver", serviceAccount, [], [
        // Reads that IAM cannot scope to a resource.
        statement(["fsx:DescribeFileSystems", "fsx:DescribeVolumes", "fsx:DescribeSnapshots"], ["*"]),
        statement(
            ["fsx:CreateFileSystem", "fsx:CreateVolume", "fsx:CreateSnapshot", "fsx:TagResource"],
            resources,
            condition("StringEquals", `aws:RequestTag/${fsxOpenZfsDriverTag}`, "true"),
        ),
        statement(
            ["fsx:UpdateFileSystem", "fsx:DeleteFileSystem", "fsx:DeleteVolume", "fsx:DeleteSnapshot", "fsx:ListTagsForResource"],
            resources,
            condition("StringEquals", `aws:ResourceTag/${fsxOpenZfsDriverTag}`, "true"),
        ),
        statement(
            ["iam:CreateServiceLinkedRole"],
            [joined("arn:", partition, ":iam::*:role/aws-service-role/fsx.amazonaws.com/AWSServiceRoleForAmazonFSx")],
            condition("StringEquals", "iam:AWSServiceName", "fsx.amazonaws.com"),
        ),
    ]);
}
