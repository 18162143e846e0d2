import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

import { PolicyDocument, policyLength, webIdentityTrustPolicy } from "./policy";
import {
    checkAudience,
    checkOidcProviderArn,
    integerBetween,
    OidcProviderArnParts,
    parseOidcProviderArn,
    regionOfEksIssuer,
} from "./validation";
import { BindingArgs, checkBindingArgs, checked, createBindingPods, createBindingRole, failOn } from "./workload";

/** The audience EKS's webhook requests for IRSA tokens. */
export const defaultAudience = "sts.amazonaws.com";
/** IAM's default quota for the length of a role's trust policy, white space not counted. */
export const defaultTrustPolicyLengthLimit = 2048;
/** The largest trust policy length IAM's quota can be raised to. */
export const maxTrustPolicyLengthLimit = 8192;

/** The arguments of an {@link IrsaBinding}. */
export interface IrsaBindingArgs extends BindingArgs {
    /**
     * ARN of the cluster's IAM OIDC provider (`eks.Cluster.oidcProviderArn`). Its part after
     * `oidc-provider/` is the issuer whose tokens may assume the role.
     */
    oidcProviderArn: pulumi.Input<string>;
    /**
     * Providers of other clusters whose ServiceAccount of the same namespace and name may assume the
     * role too (blue/green upgrades, multi-cluster). Same account and partition as `oidcProviderArn`.
     * Each adds a trust statement, which counts against `trustPolicyLengthLimit`.
     * @default []
     */
    additionalOidcProviderArns?: pulumi.Input<string>[];
    /**
     * The `aud` the token must carry.
     * @default "sts.amazonaws.com"
     */
    audience?: string;
    /**
     * The largest trust policy IAM accepts in this account, white space not counted: 2048 by default,
     * up to 8192 where the quota "Role trust policy length" was raised.
     * @default 2048
     */
    trustPolicyLengthLimit?: number;
}

/** The trust policy of an IRSA role, checked against the account's trust policy length limit. */
export function checkedWebIdentityTrustPolicy(
    providerArns: string[],
    namespace: string,
    serviceAccountName: string,
    audience: string,
    lengthLimit: number,
): { document: PolicyDocument; problem?: string } {
    const providers = providerArns.map((arn) => ({ arn, ...(parseOidcProviderArn(arn) as OidcProviderArnParts) }));
    const [primary, ...others] = providers;
    const stranger = others.find((provider) => provider.accountId !== primary.accountId || provider.partition !== primary.partition);
    const document = webIdentityTrustPolicy({ providers, namespace, serviceAccountName, audience });
    if (stranger !== undefined) {
        return {
            document,
            problem: `additionalOidcProviderArns ${JSON.stringify(stranger.arn)} is invalid: a role trusts OIDC providers of its own account and partition only (${primary.partition}, ${primary.accountId}); create the provider in this account`,
        };
    }
    const duplicate = providers.find((provider, index) => providers.findIndex((other) => other.issuer === provider.issuer) !== index);
    if (duplicate !== undefined) {
        return { document, problem: `additionalOidcProviderArns ${JSON.stringify(duplicate.arn)} is invalid: each cluster's provider may be trusted only once` };
    }
    const length = policyLength(document);
    if (length > lengthLimit) {
        return {
            document,
            problem:
                `trust policy is ${length} characters (white space not counted), over the limit of ${lengthLimit} for ${providers.length} trusted cluster(s): ` +
                "trust fewer clusters in additionalOidcProviderArns, split the workload across roles, or raise the IAM quota \"Role trust policy length\" and set trustPolicyLengthLimit",
        };
    }
    return { document };
}

/**
 * An IAM role bound to a Kubernetes ServiceAccount through IRSA: only that ServiceAccount's tokens,
 * issued by the trusted clusters for the given audience, can assume the role. Optionally grants
 * least-privilege S3 read and runs a reader Deployment that proves the binding works.
 *
 * Kubernetes objects go through the provider given in `opts.providers.kubernetes` or `opts.provider`.
 */
export class IrsaBinding extends pulumi.ComponentResource {
    /** The IAM role the ServiceAccount assumes. */
    public readonly role: aws.iam.Role;
    /** ARN of the role, as annotated on the ServiceAccount. */
    public readonly roleArn: pulumi.Output<string>;
    /** Name of the role. */
    public readonly roleName: pulumi.Output<string>;
    /** The annotated ServiceAccount. */
    public readonly serviceAccount: k8s.core.v1.ServiceAccount;
    /** Name of the ServiceAccount. */
    public readonly serviceAccountName: pulumi.Output<string>;
    /** Namespace of the ServiceAccount. */
    public readonly namespace: pulumi.Output<string>;
    /** The reader Deployment; undefined when the reader is off. */
    public readonly deployment: k8s.apps.v1.Deployment | undefined;
    /** The role's trust policy, as JSON. */
    public readonly trustPolicy: pulumi.Output<string>;

    constructor(name: string, args: IrsaBindingArgs, opts?: pulumi.ComponentResourceOptions) {
        super("eks-irsa:index:IrsaBinding", name, {}, opts);

        const audience = args.audience ?? defaultAudience;
        const lengthLimit = args.trustPolicyLengthLimit ?? defaultTrustPolicyLengthLimit;
        failOn(this, checkAudience("audience", audience) ?? integerBetween(defaultTrustPolicyLengthLimit, maxTrustPolicyLengthLimit)("trustPolicyLengthLimit", lengthLimit));
        const providerArns = pulumi.all([
            checked(this, "oidcProviderArn", args.oidcProviderArn, checkOidcProviderArn),
            ...(args.additionalOidcProviderArns ?? []).map((arn, index) =>
                checked(this, `additionalOidcProviderArns[${index}]`, arn, checkOidcProviderArn),
            ),
        ]);
        const bound = checkBindingArgs(this, args);
        const primaryProvider = providerArns.apply(([primary]) => parseOidcProviderArn(primary) as OidcProviderArnParts);
        const trustDocument = pulumi.all([providerArns, bound.namespace, bound.serviceAccountName]).apply(([arns, namespace, serviceAccountName]) => {
            const { document, problem } = checkedWebIdentityTrustPolicy(arns, namespace, serviceAccountName, audience, lengthLimit);
            failOn(this, problem);
            return document;
        });

        const { role, trustPolicy, permissions } = createBindingRole(this, name, args, bound, {
            mechanism: "IRSA",
            partition: primaryProvider.partition,
            document: trustDocument,
        });
        const pods = createBindingPods(this, name, args, bound, {
            annotations: { "eks.amazonaws.com/role-arn": role.arn, "eks.amazonaws.com/sts-regional-endpoints": "true" },
            region: primaryProvider.apply((provider) => regionOfEksIssuer(provider.issuer)),
            dependsOn: permissions,
        });

        this.role = role;
        this.roleArn = role.arn;
        this.roleName = role.name;
        this.serviceAccount = pods.serviceAccount;
        this.serviceAccountName = bound.serviceAccountName;
        this.namespace = bound.namespace;
        this.deployment = pods.deployment;
        this.trustPolicy = trustPolicy;
        this.registerOutputs({
            role: this.role,
            roleArn: this.roleArn,
            roleName: this.roleName,
            serviceAccount: this.serviceAccount,
            serviceAccountName: this.serviceAccountName,
            namespace: this.namespace,
            deployment: this.deployment,
            trustPolicy: this.trustPolicy,
        });
    }
}
