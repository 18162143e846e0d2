/**
 * Who besides the cluster's creator reaches the cluster's Kubernetes API: the IAM roles and users of
 * `eks-irsa:clusterAdminArns` and `eks-irsa:clusterViewerArns`, each an EKS access entry (the cluster
 * runs in the `API` authentication mode, so access entries are the only way in) with one access policy
 * associated cluster-wide. The creator keeps the entry EKS makes for it; a team's CI role, which runs
 * every later `pulumi up`, is listed here or it gets `Unauthorized` on every Kubernetes object.
 */
import { createHash } from "node:crypto";

import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

/** The EKS access policy a principal gets: full control, or read-only (no Secrets). */
export type ClusterAccessLevel = "admin" | "viewer";

/** The AWS managed EKS access policy of each level (EKS User Guide, "Review access policy permissions"). */
export const accessPolicyNames: Record<ClusterAccessLevel, string> = {
    admin: "AmazonEKSClusterAdminPolicy",
    viewer: "AmazonEKSViewPolicy",
};

/** The principals that get an access entry, validated (see {@link principalArnProblem}). */
export interface ClusterAccessConfig {
    /** IAM role or user ARNs with AmazonEKSClusterAdminPolicy. */
    adminArns: string[];
    /** IAM role or user ARNs with AmazonEKSViewPolicy. */
    viewerArns: string[];
}

/** One access entry of the plan, with the policy associated to it. */
export interface PlannedAccessEntry {
    principalArn: string;
    level: ClusterAccessLevel;
    /** `arn:<partition>:eks::aws:cluster-access-policy/<name>`, in the principal's partition. */
    policyArn: string;
    /** Stable for a principal whatever its place in the lists, so reordering them replaces nothing. */
    logicalName: string;
}

const principalArnPattern = /^arn:(aws[a-z-]*):iam::(\d{12}):(role|user)\/([\w+=,.@/-]+)$/;
const assumedRolePattern = /^arn:aws[a-z-]*:sts::\d{12}:assumed-role\/([\w+=,.@-]+)\/[\w+=,.@-]+$/;

/**
 * Why a value cannot be an access entry's principal, or undefined when it can: an IAM role or user
 * ARN, with no wildcard. A session ARN (what `aws sts get-caller-identity` prints for a role) is
 * refused with the role ARN to use instead, since EKS matches a session to its role's entry.
 */
export function principalArnProblem(value: string): string | undefined {
    const session = assumedRolePattern.exec(value);
    if (session) {
        const [, partition, account] = /^arn:(aws[a-z-]*):sts::(\d{12}):/.exec(value)!;
        return `it is a role session (aws sts get-caller-identity prints these); an access entry names the role: arn:${partition}:iam::${account}:role/${session[1]} (with the role's path, if it has one, as aws iam get-role shows it)`;
    }
    if (value.includes("*")) {
        return "an access entry names one principal; wildcards are not accepted";
    }
    return principalArnPattern.test(value) ? undefined : "expected an IAM role or user ARN such as arn:aws:iam::123456789012:role/ci-deployer";
}

/** The partition of a principal ARN already checked by {@link principalArnProblem}. */
function partitionOf(principalArn: string): string {
    return principalArn.split(":")[1];
}

/** The ARN of an EKS access policy in a partition. */
export function accessPolicyArn(partition: string, level: ClusterAccessLevel): string {
    return `arn:${partition}:eks::aws:cluster-access-policy/${accessPolicyNames[level]}`;
}

/** The logical name of a principal's entry: its name, made unique by a hash of the whole ARN. */
function entryLogicalName(prefix: string, principalArn: string): string {
    const shortName = principalArn.slice(principalArn.lastIndexOf("/") + 1).toLowerCase();
    const digest = createHash("sha256").update(principalArn).digest("hex").slice(0, 8);
    return `${prefix}-access-${shortName}-${digest}`;
}

/** The access entries of the config: admins, then viewers, each once (the config refuses a principal listed twice). */
export function accessEntryPlan(prefix: string, access: ClusterAccessConfig): PlannedAccessEntry[] {
    const levels: [ClusterAccessLevel, string[]][] = [
        ["admin", access.adminArns],
        ["viewer", access.viewerArns],
    ];
    return levels.flatMap(([level, arns]) =>
        arns.map((principalArn) => ({ principalArn, level, policyArn: accessPolicyArn(partitionOf(principalArn), level), logicalName: entryLogicalName(prefix, principalArn) })),
    );
}

/** An access entry and its policy association. */
export interface ClusterAccessGrant {
    entry: aws.eks.AccessEntry;
    association: aws.eks.AccessPolicyAssociation;
}

/** Creates the access entries of the config on the cluster, once it exists. */
export function createClusterAccess(
    prefix: string,
    args: { clusterName: pulumi.Input<string>; access: ClusterAccessConfig; dependsOn: pulumi.Resource[] },
): ClusterAccessGrant[] {
    return accessEntryPlan(prefix, args.access).map((planned) => {
        const entry = new aws.eks.AccessEntry(
            planned.logicalName,
            { clusterName: args.clusterName, principalArn: planned.principalArn, type: "STANDARD" },
            { dependsOn: args.dependsOn },
        );
        const association = new aws.eks.AccessPolicyAssociation(
            `${planned.logicalName}-${planned.level}`,
            { clusterName: entry.clusterName, principalArn: entry.principalArn, policyArn: planned.policyArn, accessScope: { type: "cluster" } },
            { parent: entry },
        );
        return { entry, association };
    });
}
