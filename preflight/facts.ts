/**
 * What the preflight read from the account, as plain data: the checks are pure functions of it and
 * of the stack's needs, and the tests build it from stubbed SDK clients (see aws.ts).
 */
import { AddonName } from "../program/addons";
import { Readout } from "./findings";

/** Who runs the preflight, and so `pulumi up`. */
export interface Deployer {
    account: string;
    /** What STS GetCallerIdentity returned: a user, a role session, or the account root. */
    callerArn: string;
    /** The IAM principal an access entry names: the user, or the role of a session (with its path where IAM told it). */
    principalArn: string;
    /** Why `principalArn` may lack the role's path (iam:GetRole was refused), when it may. */
    principalNote?: string;
}

/** The stack's cluster, when it exists already. */
export interface ExistingCluster {
    version: string;
    /** The OIDC issuer URL EKS gives the cluster. */
    oidcIssuer?: string;
    /** Principals with an access entry, and whether each has AmazonEKSClusterAdminPolicy. */
    accessEntries: Readout<{ principalArn: string; clusterAdmin: Readout<boolean> }[]>;
}

/** A Kubernetes version EKS offers in the region, with its support status. */
export interface OfferedVersion {
    version: string;
    /** `STANDARD_SUPPORT`, `EXTENDED_SUPPORT` or `UNSUPPORTED`. */
    status: string;
}

/** Whether a bucket name is taken, as S3 HeadBucket answers: 200 yours, 403 another account's, 404 free. */
export type BucketOwnership = "yours" | "another-account" | "free";

/** Everything read from AWS for one stack. */
export interface AccountFacts {
    deployer: Deployer;
    /** The deployer's public IPv4 address as AWS sees it (checkip.amazonaws.com). */
    publicAddress: Readout<string>;
    /** The stack's cluster, undefined when there is none yet (the first `pulumi up` creates it). */
    cluster: Readout<ExistingCluster | undefined>;
    /** The IAM OIDC providers of the account, by ARN. */
    oidcProviders: Readout<string[]>;
    /** The IAM quota "OpenID Connect providers per account" in force, undefined where Service Quotas has no applied value. */
    oidcProviderQuota: Readout<number | undefined>;
    /** The IAM quota "Role trust policy length" in force, undefined where Service Quotas has no applied value. */
    trustPolicyQuota: Readout<number | undefined>;
    /** The Kubernetes versions EKS offers in the region. */
    clusterVersions: Readout<OfferedVersion[]>;
    /** Per add-on the program installs, the versions EKS offers for the stack's Kubernetes version. */
    addonVersions: Partial<Record<AddonName, Readout<string[]>>>;
    /** The existing bucket's ownership, when the stack names one. */
    bucket?: Readout<BucketOwnership>;
    /** Per principal of `clusterAdminArns` and `clusterViewerArns` in the deployer's account, its ARN as IAM has it (path included), undefined when IAM has none. */
    principals: Record<string, Readout<string | undefined>>;
}
