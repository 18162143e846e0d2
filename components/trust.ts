/**
 * Trust policies checked against what IAM accepts: a role trusts providers of its own account and
 * partition only, each provider once, and the whole policy fits the account's length quota. When it
 * does not fit, the message says how many ServiceAccounts and clusters would.
 */
import {
    podIdentityTrustStatements,
    PolicyDocument,
    policyLength,
    PolicyStatement,
    webIdentityTrustStatements,
} from "./policy";
import { ServiceAccountSubject } from "./subjects";
import { OidcProviderArnParts, parseOidcProviderArn } from "./validation";

/** IAM's default quota for the length of a role's trust policy, white space not counted. */
export const defaultTrustPolicyLengthLimit = 2048;
/** The largest trust policy length IAM's quota can be raised to. */
export const maxTrustPolicyLengthLimit = 8192;

/** A trust policy, and the problem that keeps IAM from accepting it, if any. */
export interface CheckedTrustPolicy {
    document: PolicyDocument;
    problem?: string;
}

/** The largest count from 0 to `total` whose policy still fits, given the length a count gives. */
function largestFitting(total: number, lengthWith: (count: number) => number, limit: number): number {
    let count = total;
    while (count > 0 && lengthWith(count) > limit) {
        count -= 1;
    }
    return count;
}

/** A trust policy of subjects and clusters, or the problem of its length, naming how many of each fit. */
function fitted(
    statementsOf: (subjects: ServiceAccountSubject[], clusterCount: number) => PolicyStatement[],
    subjects: ServiceAccountSubject[],
    clusterCount: number,
    extraStatements: PolicyStatement[],
    lengthLimit: number,
): CheckedTrustPolicy {
    const documentOf = (someSubjects: ServiceAccountSubject[], someClusters: number): PolicyDocument => ({
        Version: "2012-10-17",
        Statement: [...statementsOf(someSubjects, someClusters), ...extraStatements],
    });
    const document = documentOf(subjects, clusterCount);
    const length = policyLength(document);
    if (length <= lengthLimit) {
        return { document };
    }
    const subjectsThatFit = largestFitting(subjects.length, (count) => policyLength(documentOf(subjects.slice(0, count), clusterCount)), lengthLimit);
    const clustersThatFit = largestFitting(clusterCount, (count) => policyLength(documentOf(subjects, count)), lengthLimit);
    return {
        document,
        problem:
            `trust policy is ${length} characters (white space not counted), over the limit of ${lengthLimit} for ${subjects.length} ServiceAccount(s) and ${clusterCount} cluster(s): ` +
            `${subjectsThatFit} ServiceAccount(s) fit with ${clusterCount} cluster(s), and ${clustersThatFit} cluster(s) with ${subjects.length} ServiceAccount(s). ` +
            "Trust fewer, use a pattern for ServiceAccounts of one namespace, split the workloads across roles, or raise the IAM quota \"Role trust policy length\" (up to 8192) and set trustPolicyLengthLimit",
    };
}

/**
 * The trust policy of an IRSA role for its providers and subjects (see `webIdentityTrustStatements`),
 * with `extraStatements` appended (a Pod Identity trust kept during a switch), checked.
 */
export function checkedWebIdentityTrustPolicy(
    providerArns: string[],
    subjects: ServiceAccountSubject[],
    audience: string,
    lengthLimit: number,
    extraStatements: PolicyStatement[] = [],
): CheckedTrustPolicy {
    const providers = providerArns.map((arn) => ({ arn, ...(parseOidcProviderArn(arn) as OidcProviderArnParts) }));
    const statementsOf = (someSubjects: ServiceAccountSubject[], clusterCount: number): PolicyStatement[] =>
        webIdentityTrustStatements({ providers: providers.slice(0, clusterCount), subjects: someSubjects, audience });
    const [primary, ...others] = providers;
    const stranger = others.find((provider) => provider.accountId !== primary.accountId || provider.partition !== primary.partition);
    if (stranger !== undefined) {
        return {
            document: { Version: "2012-10-17", Statement: statementsOf(subjects, providers.length) },
            problem: `additionalOidcProviderArns ${JSON.stringify(stranger.arn)} is invalid: a role trusts OIDC providers of its own account and partition only (${primary.partition}, ${primary.accountId}); create the provider in this account`,
        };
    }
    const duplicate = providers.find((provider, index) => providers.findIndex((other) => other.issuer === provider.issuer) !== index);
    if (duplicate !== undefined) {
        return {
            document: { Version: "2012-10-17", Statement: statementsOf(subjects, providers.length) },
            problem: `additionalOidcProviderArns ${JSON.stringify(duplicate.arn)} is invalid: each cluster's provider may be trusted only once`,
        };
    }
    return fitted(statementsOf, subjects, providers.length, extraStatements, lengthLimit);
}

/**
 * The trust policy of a Pod Identity role for its clusters and subjects (see `podIdentityTrustStatements`),
 * with `extraStatements` appended (an IRSA trust kept during a switch), checked.
 */
export function checkedPodIdentityTrustPolicy(
    accountId: string,
    clusterArns: string[],
    subjects: ServiceAccountSubject[],
    lengthLimit: number,
    extraStatements: PolicyStatement[] = [],
    options: { sessionTags?: boolean } = {},
): CheckedTrustPolicy {
    const duplicate = clusterArns.find((arn, index) => clusterArns.indexOf(arn) !== index);
    const statementsOf = (someSubjects: ServiceAccountSubject[], clusterCount: number): PolicyStatement[] =>
        podIdentityTrustStatements({ accountId, clusterArns: clusterArns.slice(0, Math.max(clusterCount, 1)), subjects: someSubjects, sessionTags: options.sessionTags });
    if (duplicate !== undefined) {
        return {
            document: { Version: "2012-10-17", Statement: statementsOf(subjects, clusterArns.length) },
            problem: `additionalClusterNames ${JSON.stringify(duplicate.slice(duplicate.lastIndexOf("/") + 1))} is invalid: each cluster (in its region) may be named only once`,
        };
    }
    return fitted(statementsOf, subjects, clusterArns.length, extraStatements, lengthLimit);
}
