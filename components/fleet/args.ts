/**
 * The arguments of a {@link WorkloadIdentities} fleet: clusters, workloads and the defaults the
 * workloads share, as data that YAML and every other Pulumi language can write.
 */
import type * as pulumi from "@pulumi/pulumi";

import type { AddonArgs } from "../addons/args";
import type { S3ReadArgs } from "../bindingArgs";
import type { PolicyStatementArgs } from "../permissions";
import type { ServiceAccountSubject } from "../subjects";

/** A cluster of the fleet: IRSA (its OIDC provider) or EKS Pod Identity (its name), never both. */
export interface FleetClusterArgs {
    /** The cluster's key in the fleet (1 to 100 letters, digits, '-' or '_'), as workloads' `clusters` name it. */
    name: string;
    /**
     * ARN of the cluster's IAM OIDC provider: its workloads get roles through IRSA.
     * @default not an IRSA cluster (then `podIdentityClusterName` is required)
     */
    oidcProviderArn?: pulumi.Input<string>;
    /**
     * Name of the EKS cluster, in the account of the AWS provider: its workloads get roles through EKS
     * Pod Identity (the cluster needs the `eks-pod-identity-agent` add-on).
     * @default not a Pod Identity cluster (then `oidcProviderArn` is required)
     */
    podIdentityClusterName?: pulumi.Input<string>;
    /**
     * Region of a Pod Identity cluster.
     * @default the AWS provider's region
     */
    region?: string;
    /**
     * A kubeconfig for the cluster's API server (such as `eks.Cluster.kubeconfigJson`, best as a secret):
     * the fleet reaches the cluster through a Kubernetes provider of its own made from it, and creates or
     * patches the workloads' ServiceAccounts there as their `serviceAccountMode` says. A string, so that
     * every Pulumi language can pass it (a provider resource cannot be named in a component's schema).
     * @default none: the fleet creates no Kubernetes object on this cluster, and the ServiceAccount annotations are outputs for the cluster's owner
     */
    kubeconfig?: pulumi.Input<string>;
}

/** What a workload of the fleet may take from `defaults`: every field of a workload but its name. */
export interface WorkloadDefaultsArgs {
    /**
     * Namespace of the workload's ServiceAccount (a DNS-1123 label).
     * @default required, from the workload, the defaults or its `addon`
     */
    namespace?: string;
    /**
     * Name of the workload's ServiceAccount (a DNS-1123 subdomain).
     * @default required, from the workload, the defaults or its `addon`
     */
    serviceAccountName?: string;
    /**
     * The add-on of the catalogue the workload is, as the bindings' `addon`: its permissions come first,
     * and its ServiceAccount is the default of `namespace` and `serviceAccountName`.
     * @default no add-on: the permissions are the workload's own fields alone
     */
    addon?: AddonArgs;
    /**
     * More ServiceAccounts whose pods may get the workload's roles (exact names).
     * @default []
     */
    additionalServiceAccounts?: ServiceAccountSubject[];
    /**
     * Read-only access to S3 objects, as the bindings' `s3Read`.
     * @default no S3 access
     */
    s3Read?: S3ReadArgs;
    /**
     * `Allow` statements of the roles' inline policy, as the bindings' `policyStatements`.
     * @default []
     */
    policyStatements?: PolicyStatementArgs[];
    /**
     * ARNs of managed policies to attach, as the bindings' `policyArns`.
     * @default []
     */
    policyArns?: pulumi.Input<string>[];
    /**
     * The opt-in for broad permissions, as the bindings' `allowBroadPermissions`.
     * @default false
     */
    allowBroadPermissions?: boolean;
    /**
     * ARN of an existing role to bind on every cluster of the workload instead of creating roles: the
     * fleet annotates or associates only, and each binding's `requiredTrustStatements` (the summary's
     * roles) are what the role's owner must add. Refuses the permission fields; the trust is not split.
     * @default the fleet creates the workload's roles
     */
    roleArn?: pulumi.Input<string>;
    /**
     * The keys of the clusters the workload runs on (at least one).
     * @default every cluster of the fleet
     */
    clusters?: string[];
    /**
     * What the fleet does to the ServiceAccount on clusters with a `kubeconfig`: `"create"`,
     * `"annotate"` (an existing one, such as a chart's) or `"none"`.
     * @default "create"
     */
    serviceAccountMode?: string;
    /**
     * Tags for the roles and associations. A workload's tags are added to those of the defaults.
     * @default {}
     */
    tags?: { [key: string]: pulumi.Input<string> };
    /**
     * The roles' description, as the IAM console shows it.
     * @default "IRSA role of workload <name>, trust group <n>" or "EKS Pod Identity role of workload <name>"
     */
    description?: string;
}

/** A workload of the fleet: one identity, on one or more clusters. */
export interface FleetWorkloadArgs extends WorkloadDefaultsArgs {
    /**
     * The workload's key in the fleet (a DNS-1123 label of at most 63 characters): it names the
     * workload's roles, after `roleNamePrefix`.
     */
    name: string;
}

/** The arguments of a {@link WorkloadIdentities} fleet. */
export interface WorkloadIdentitiesArgs {
    /** The clusters the workloads run on, each with a unique `name`. Append new clusters at the end: a cluster's place in this list decides its trust group. */
    clusters: FleetClusterArgs[];
    /** The workloads, each with a unique `name`. */
    workloads: FleetWorkloadArgs[];
    /**
     * Values for every field a workload leaves out.
     * @default {}
     */
    defaults?: WorkloadDefaultsArgs;
    /**
     * The start of every role's name (at most 32 letters, digits or `_+=,.@-`): a role is named
     * `<roleNamePrefix><workload name>`, with `.<n>` for its n-th IRSA trust group and `.pod-identity`
     * for its Pod Identity role, cut to 64 characters with a hash where it is longer.
     * @default ""
     */
    roleNamePrefix?: string;
    /**
     * The largest trust policy IAM accepts in this account, white space not counted: 2048 by default,
     * up to 8192 where the quota "Role trust policy length" was raised. Where a workload's IRSA trust for
     * all its clusters is longer, it gets several roles, each trusting a group of clusters.
     * @default 2048
     */
    trustPolicyLengthLimit?: number;
}

/** A workload's identity on one cluster. */
export interface WorkloadClusterIdentity {
    /** `"irsa"` or `"pod-identity"`. */
    mechanism: string;
    /** ARN of the role the workload's pods get on this cluster. */
    roleArn: string;
    /** Name of that role. */
    roleName: string;
    /** What the ServiceAccount must carry on this cluster (the role's annotation with IRSA; nothing with Pod Identity). */
    serviceAccountAnnotations: { [key: string]: string };
    /** IDs of the Pod Identity associations on this cluster, one per ServiceAccount; empty with IRSA. */
    associationIds: string[];
}

/** One role the fleet created. */
export interface FleetRoleSummary {
    /** The workload the role belongs to. */
    workload: string;
    /** The role's name. */
    roleName: string;
    /** `"irsa"` or `"pod-identity"`. */
    mechanism: string;
    /** The keys of the clusters the role trusts. */
    clusters: string[];
    /** The length of the role's trust policy, white space not counted. */
    trustPolicyLength: number;
    /** The limit it is held to (`trustPolicyLengthLimit`). */
    trustPolicyLengthLimit: number;
}

/** What the fleet created, against the limits that hurt fleets. */
export interface FleetSummary {
    /** How many roles the fleet created. */
    rolesCreated: number;
    /** Each role, with its trust policy's length against the limit. */
    roles: FleetRoleSummary[];
    /** How many distinct IAM OIDC providers the fleet's IRSA clusters name. */
    oidcProvidersNamed: number;
    /** IAM's default quota of OIDC providers per account (100). */
    oidcProviderQuota: number;
}
