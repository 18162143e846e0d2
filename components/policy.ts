/**
 * IAM policy documents as plain, typed values: built by pure functions, serialised once
 * where a resource needs them, and evaluated directly by the tests.
 */

/** An IAM condition block: operator, then condition key, then the allowed value(s). */
export type PolicyConditions = Record<string, Record<string, string | string[]>>;

/** The principal of a statement in a resource-based policy such as a role's trust policy. */
export interface PolicyPrincipal {
    Federated?: string;
    Service?: string;
    AWS?: string;
}

/** One statement of an IAM policy document. */
export interface PolicyStatement {
    Sid?: string;
    Effect: "Allow" | "Deny";
    Principal?: PolicyPrincipal;
    Action: string | string[];
    Resource?: string | string[];
    Condition?: PolicyConditions;
}

/** An IAM policy document. */
export interface PolicyDocument {
    Version: "2012-10-17";
    Statement: PolicyStatement[];
}

/**
 * The size of a policy as IAM counts it against its quotas: the characters of its JSON,
 * white space not counted.
 */
export function policyLength(document: PolicyDocument): number {
    return JSON.stringify(document).replace(/\s/g, "").length;
}

/** The `sub` claim of the tokens Kubernetes issues to a ServiceAccount. */
export function serviceAccountSubject(namespace: string, serviceAccountName: string): string {
    return `system:serviceaccount:${namespace}:${serviceAccountName}`;
}

/** Who may assume an IRSA role: one ServiceAccount, through the OIDC providers of the trusted clusters. */
export interface WebIdentityTrust {
    /** Each trusted cluster's OIDC provider: its ARN and its issuer (the ARN's part after `oidc-provider/`). */
    providers: { arn: string; issuer: string }[];
    namespace: string;
    serviceAccountName: string;
    /** The `aud` the tokens must carry. */
    audience: string;
}

/**
 * The trust policy of an IRSA role: one statement per trusted provider, each matching the token's
 * `sub` and `aud` exactly (StringEquals, never a wildcard), so no other ServiceAccount, namespace,
 * audience or cluster can assume the role.
 */
export function webIdentityTrustPolicy(trust: WebIdentityTrust): PolicyDocument {
    const subject = serviceAccountSubject(trust.namespace, trust.serviceAccountName);
    return {
        Version: "2012-10-17",
        Statement: trust.providers.map(({ arn, issuer }) => ({
            Effect: "Allow",
            Principal: { Federated: arn },
            Action: "sts:AssumeRoleWithWebIdentity",
            Condition: { StringEquals: { [`${issuer}:sub`]: subject, [`${issuer}:aud`]: trust.audience } },
        })),
    };
}

/** The service principal EKS Pod Identity assumes roles as. */
export const podIdentityServicePrincipal = "pods.eks.amazonaws.com";

/** Who may assume a Pod Identity role: the EKS Pod Identity service, acting for one cluster of one account. */
export interface PodIdentityTrust {
    accountId: string;
    clusterArn: string;
}

/**
 * The trust policy of an EKS Pod Identity role. The source conditions keep the service from assuming
 * the role on behalf of any other account or cluster (confused-deputy protection).
 */
export function podIdentityTrustPolicy(trust: PodIdentityTrust): PolicyDocument {
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Effect: "Allow",
                Principal: { Service: podIdentityServicePrincipal },
                Action: ["sts:AssumeRole", "sts:TagSession"],
                Condition: {
                    StringEquals: { "aws:SourceAccount": trust.accountId },
                    ArnEquals: { "aws:SourceArn": trust.clusterArn },
                },
            },
        ],
    };
}

/** What a workload may read from S3, all values resolved. */
export interface S3ReadAccess {
    bucketArns: string[];
    /** Folders (each ending in `/`) the read is limited to; empty for whole buckets. */
    keyPrefixes: string[];
    /** KMS keys that encrypt the objects. */
    kmsKeyArns: string[];
}

/**
 * Read-only S3 access: GetObject on the objects (under the prefixes when given), ListBucket on the
 * buckets (limited to the prefixes by `s3:prefix`), and Decrypt on the given keys. Nothing writes,
 * deletes, or changes ACLs or bucket settings.
 */
export function s3ReadPolicy(access: S3ReadAccess): PolicyDocument {
    const objectPatterns = access.keyPrefixes.length > 0 ? access.keyPrefixes.map((prefix) => `${prefix}*`) : ["*"];
    const statements: PolicyStatement[] = [
        {
            Sid: "ReadObjects",
            Effect: "Allow",
            Action: "s3:GetObject",
            Resource: access.bucketArns.flatMap((bucketArn) => objectPatterns.map((pattern) => `${bucketArn}/${pattern}`)),
        },
        {
            Sid: "ListBuckets",
            Effect: "Allow",
            Action: "s3:ListBucket",
            Resource: access.bucketArns,
            ...(access.keyPrefixes.length > 0 && {
                Condition: { StringLike: { "s3:prefix": access.keyPrefixes.flatMap((prefix) => [prefix, `${prefix}*`]) } },
            }),
        },
    ];
    if (access.kmsKeyArns.length > 0) {
        statements.push({ Sid: "DecryptObjects", Effect: "Allow", Action: "kms:Decrypt", Resource: access.kmsKeyArns });
    }
    return { Version: "2012-10-17", Statement: statements };
}
