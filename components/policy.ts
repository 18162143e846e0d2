/**
 * IAM policy documents as plain, typed values: built by pure functions, serialised once
 * where a resource needs them, and evaluated directly by the tests.
 */
import { ServiceAccountSubject, subjectClaims } from "./subjects";

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

/** Who may assume an IRSA role: ServiceAccounts, through the OIDC providers of the trusted clusters. */
export interface WebIdentityTrust {
    /** Each trusted cluster's OIDC provider: its ARN and its issuer (the ARN's part after `oidc-provider/`). */
    providers: { arn: string; issuer: string }[];
    /** The ServiceAccounts admitted: exact names, and patterns where they were asked for. */
    subjects: ServiceAccountSubject[];
    /** The `aud` the tokens must carry. */
    audience: string;
}

/**
 * The trust statements of an IRSA role: per trusted provider, one statement matching exact `sub`
 * claims with StringEquals and, where there are patterns, one matching them with StringLike; `aud`
 * is always StringEquals. No other ServiceAccount, namespace, audience or cluster can assume the role.
 */
export function webIdentityTrustStatements(trust: WebIdentityTrust): PolicyStatement[] {
    const { exact, patterns } = subjectClaims(trust.subjects);
    const oneOrMany = (values: string[]): string | string[] => (values.length === 1 ? values[0] : values);
    return trust.providers.flatMap(({ arn, issuer }) => {
        const statement = (condition: PolicyConditions): PolicyStatement => ({
            Effect: "Allow",
            Principal: { Federated: arn },
            Action: "sts:AssumeRoleWithWebIdentity",
            Condition: condition,
        });
        const audience = { [`${issuer}:aud`]: trust.audience };
        return [
            ...(exact.length > 0 ? [statement({ StringEquals: { [`${issuer}:sub`]: oneOrMany(exact), ...audience } })] : []),
            ...(patterns.length > 0 ? [statement({ StringEquals: audience, StringLike: { [`${issuer}:sub`]: oneOrMany(patterns) } })] : []),
        ];
    });
}

/** The trust policy of an IRSA role: see {@link webIdentityTrustStatements}. */
export function webIdentityTrustPolicy(trust: WebIdentityTrust): PolicyDocument {
    return { Version: "2012-10-17", Statement: webIdentityTrustStatements(trust) };
}

/** The service principal EKS Pod Identity assumes roles as. */
export const podIdentityServicePrincipal = "pods.eks.amazonaws.com";

/**
 * The session tags EKS Pod Identity sets on every role session it starts, which a trust policy may
 * match as `aws:RequestTag/<key>` (EKS User Guide, "Create IAM role with trust policy required by EKS
 * Pod Identity", pod-id-role, and "Grant Pods access to AWS resources based on tags", pod-id-abac).
 */
export const podIdentitySessionTags = {
    clusterArn: "eks-cluster-arn",
    namespace: "kubernetes-namespace",
    serviceAccount: "kubernetes-service-account",
} as const;

/** Who may assume a Pod Identity role: the EKS Pod Identity service, for given ServiceAccounts of given clusters of one account. */
export interface PodIdentityTrust {
    accountId: string;
    /** The clusters whose pods may get the role. */
    clusterArns: string[];
    /** The ServiceAccounts (exact names) whose pods may get the role. */
    subjects: ServiceAccountSubject[];
    /**
     * Whether EKS tags the sessions (the default). Associations with `disableSessionTags` send no
     * tags, so the trust can name neither the clusters nor the ServiceAccounts: it admits the service
     * for this account only, and which clusters and ServiceAccounts get the role is decided by the
     * associations alone (by who may pass the role to EKS).
     */
    sessionTags?: boolean;
}

/**
 * The trust statements of an EKS Pod Identity role, one per ServiceAccount, conditioned on the keys
 * AWS documents for the `pods.eks.amazonaws.com` principal only:
 * - `aws:SourceAccount`, the account of the cluster EKS acts for (IAM User Guide, global condition
 *   keys: set when a service principal calls on behalf of a resource), so the service cannot assume
 *   the role for another account's cluster (the confused deputy);
 * - the session tags EKS sets on every request (`eks-cluster-arn`, `kubernetes-namespace`,
 *   `kubernetes-service-account`; see {@link podIdentitySessionTags}), so neither another cluster of
 *   the account nor another ServiceAccount gets the role, even one someone associates with it.
 *
 * No `aws:SourceArn`: AWS documents no value of it for this principal (the User Guide's trust
 * policies and the terraform-aws-modules `eks-pod-identity` module use none), and a condition on a
 * value EKS does not send refuses every pod's credentials (awslabs/mountpoint-s3-csi-driver#781).
 * `eks-cluster-arn` names the cluster instead. `sts:TagSession` is required, since EKS passes those tags.
 */
export function podIdentityTrustStatements(trust: PodIdentityTrust): PolicyStatement[] {
    const clusterArns = trust.clusterArns.length === 1 ? trust.clusterArns[0] : trust.clusterArns;
    if (trust.sessionTags === false) {
        return [
            {
                Effect: "Allow",
                Principal: { Service: podIdentityServicePrincipal },
                Action: ["sts:AssumeRole", "sts:TagSession"],
                Condition: { StringEquals: { "aws:SourceAccount": trust.accountId } },
            },
        ];
    }
    return trust.subjects.map((subject) => ({
        Effect: "Allow",
        Principal: { Service: podIdentityServicePrincipal },
        Action: ["sts:AssumeRole", "sts:TagSession"],
        Condition: {
            StringEquals: {
                "aws:SourceAccount": trust.accountId,
                [`aws:RequestTag/${podIdentitySessionTags.clusterArn}`]: clusterArns,
                [`aws:RequestTag/${podIdentitySessionTags.namespace}`]: subject.namespace,
                [`aws:RequestTag/${podIdentitySessionTags.serviceAccount}`]: subject.serviceAccountName,
            },
        },
    }));
}

/** The trust policy of an EKS Pod Identity role: see {@link podIdentityTrustStatements}. */
export function podIdentityTrustPolicy(trust: PodIdentityTrust): PolicyDocument {
    return { Version: "2012-10-17", Statement: podIdentityTrustStatements(trust) };
}

/**
 * The trust policy a cross-account target role needs: the binding's own role may assume it, and tag
 * the session (EKS Pod Identity passes its session tags on), only for the binding's associations.
 */
export function targetRoleTrustPolicy(sourceRoleArn: string, externalIds: string[]): PolicyDocument {
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Effect: "Allow",
                Principal: { AWS: sourceRoleArn },
                Action: ["sts:AssumeRole", "sts:TagSession"],
                Condition: { StringEquals: { "sts:ExternalId": externalIds.length === 1 ? externalIds[0] : externalIds } },
            },
        ],
    };
}

/** What the role needs to reach a cross-account target role: assume it, and pass the session tags on. */
export function assumeTargetRolePolicy(targetRoleArn: string): PolicyDocument {
    return {
        Version: "2012-10-17",
        Statement: [{ Sid: "AssumeTargetRole", Effect: "Allow", Action: ["sts:AssumeRole", "sts:TagSession"], Resource: targetRoleArn }],
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
        // Decrypt only as S3 asks for it, for these buckets' objects (or, with S3 Bucket Keys, the
        // buckets): the keys cannot be used directly, nor through S3 for any other bucket.
        const s3Endpoints = [...new Set(access.kmsKeyArns.map(s3EndpointOfKey))];
        const encryptionContexts = access.bucketArns.flatMap((bucketArn) => [bucketArn, ...objectPatterns.map((pattern) => `${bucketArn}/${pattern}`)]);
        statements.push({
            Sid: "DecryptObjectsThroughS3",
            Effect: "Allow",
            Action: "kms:Decrypt",
            Resource: access.kmsKeyArns,
            Condition: {
                StringEquals: { "kms:ViaService": s3Endpoints.length === 1 ? s3Endpoints[0] : s3Endpoints },
                StringLike: { "kms:EncryptionContext:aws:s3:arn": encryptionContexts },
            },
        });
    }
    return { Version: "2012-10-17", Statement: statements };
}

/** The S3 endpoint of a KMS key's region, which `kms:ViaService` names when S3 uses the key. */
export function s3EndpointOfKey(kmsKeyArn: string): string {
    const [, partition, , region] = kmsKeyArn.split(":");
    return `s3.${region}.${partition === "aws-cn" ? "amazonaws.com.cn" : "amazonaws.com"}`;
}
