/**
 * Trust that splits itself: the IRSA clusters of a workload, grouped so that each group's trust
 * policy (the JSON the role gets, measured as IAM measures it) fits the account's limit.
 *
 * The rule, which keeps groups stable on additions: clusters are taken in the order of the fleet's
 * `clusters` list and each joins the last group while that group's trust still fits, else opens a
 * new group. A group is decided by the clusters before it alone, so appending a cluster to the list
 * never moves an existing one: it fills the last group or opens a new one. (Removing or reordering
 * clusters re-packs the clusters after the first change.)
 */
import { podIdentityTrustPolicy, policyLength, webIdentityTrustPolicy } from "../policy";
import { ServiceAccountSubject } from "../subjects";
import { parseOidcProviderArn } from "../validation";

/** A cluster as sharding sees it: its key, and the provider ARN its trust statements are measured with. */
export interface ShardableCluster {
    /** The cluster's key in the fleet. */
    name: string;
    /** The provider ARN, or where it is not known yet, {@link longestEksProviderArn}. */
    measuredProviderArn: string;
}

/** One group of clusters, trusted by one role. */
export interface TrustGroup {
    /** The keys of the clusters, in the fleet's order. */
    clusters: string[];
    /** The length of the group's trust policy as measured, white space not counted. */
    trustPolicyLength: number;
}

/**
 * An ARN at least as long as any EKS cluster's OIDC provider's (the longest partition, a long region,
 * the China domain, a 32-character ID): a provider ARN not known yet is measured as this one, so the
 * real trust is never longer than measured.
 */
export const longestEksProviderArn = `arn:aws-us-gov:iam::000000000000:oidc-provider/oidc.eks.xx-xxxxxxxxxx-99.amazonaws.com.cn/id/${"X".repeat(32)}`;

/** The trust policy length of an IRSA role for these providers and subjects: the document the binding creates. */
export function irsaTrustLength(providerArns: string[], subjects: ServiceAccountSubject[], audience: string): number {
    const providers = providerArns.map((arn) => ({ arn, issuer: parseOidcProviderArn(arn)?.issuer ?? arn }));
    return policyLength(webIdentityTrustPolicy({ providers, subjects, audience }));
}

/**
 * The shortest the trust of a Pod Identity role for these clusters can be: each cluster's ARN with the
 * shortest partition and region it can have where its region is not given. A role whose trust is longer
 * than the limit even so can never be created; undefined where a cluster's name is not known yet.
 */
export function shortestPodIdentityTrustLength(clusters: { clusterName: unknown; region?: string }[], subjects: ServiceAccountSubject[]): number | undefined {
    if (!clusters.every((cluster) => typeof cluster.clusterName === "string")) {
        return undefined;
    }
    const accountId = "000000000000";
    const clusterArns = clusters.map((cluster) => `arn:aws:eks:${cluster.region ?? "us-east-1"}:${accountId}:cluster/${cluster.clusterName as string}`);
    return policyLength(podIdentityTrustPolicy({ accountId, clusterArns, subjects }));
}

/**
 * The clusters in groups whose trust fits `lengthLimit` (see the rule above), or the problem when even
 * one cluster's trust does not fit (too many ServiceAccounts for one role).
 */
export function shardTrust(
    clusters: ShardableCluster[],
    subjects: ServiceAccountSubject[],
    audience: string,
    lengthLimit: number,
): { groups: TrustGroup[]; problem?: string } {
    const groups: { clusters: ShardableCluster[]; trustPolicyLength: number }[] = [];
    for (const cluster of clusters) {
        const last = groups.at(-1);
        if (last !== undefined) {
            const length = irsaTrustLength([...last.clusters, cluster].map((each) => each.measuredProviderArn), subjects, audience);
            if (length <= lengthLimit) {
                last.clusters.push(cluster);
                last.trustPolicyLength = length;
                continue;
            }
        }
        const alone = irsaTrustLength([cluster.measuredProviderArn], subjects, audience);
        if (alone > lengthLimit) {
            return {
                groups: [],
                problem: `the trust of one cluster (${cluster.name}) is ${alone} characters for ${subjects.length} ServiceAccount(s), over the limit of ${lengthLimit}: trust fewer ServiceAccounts per workload, or raise the IAM quota "Role trust policy length" (up to 8192) and set trustPolicyLengthLimit`,
            };
        }
        groups.push({ clusters: [cluster], trustPolicyLength: alone });
    }
    return { groups: groups.map((group) => ({ clusters: group.clusters.map((cluster) => cluster.name), trustPolicyLength: group.trustPolicyLength })) };
}
