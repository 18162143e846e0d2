import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

import { resolveAddon } from "./bindingAddon";
import { createEksAddon, planEksAddon } from "./eksAddon";
import { BindingArgs, checkBindingShape, checkOwnServiceAccount, failOn, firstProblem, sharedInputs } from "./bindingArgs";
import { checkPartitions, settleBindingPlan } from "./bindingPlan";
import { asOutput, select, settle } from "./eventually";
import { identityHash } from "./identity";
import { podIdentityTrustStatements } from "./policy";
import { irsaServiceAccountAnnotations } from "./serviceAccount";
import { isSubjectPattern } from "./subjects";
import { checkedWebIdentityTrustPolicy, defaultTrustPolicyLengthLimit, maxTrustPolicyLengthLimit } from "./trust";
import {
    checkAudience,
    checkClusterName,
    checkOidcProviderArn,
    checkPlainString,
    eksClusterArn,
    integerBetween,
    OidcProviderArnParts,
    parseOidcProviderArn,
    regionOfEksIssuer,
} from "./validation";
import { checkExistingRoleAccount, createBindingPods, createBindingRole, statementsOfPolicy } from "./workload";

/** The audience EKS's webhook requests for IRSA tokens. */
export const defaultAudience = "sts.amazonaws.com";

/** The arguments of an {@link IrsaBinding}. */
export interface IrsaBindingArgs extends BindingArgs {
    /**
     * ARN of the cluster's IAM OIDC provider (`eks.Cluster.oidcProviderArn`). Its part after
     * `oidc-provider/` is the issuer whose tokens may assume the role.
     */
    oidcProviderArn: pulumi.Input<string>;
    /**
     * Providers of other clusters whose ServiceAccounts of the same namespaces and names may assume the
     * role too (blue/green upgrades, multi-cluster). Same account and partition as `oidcProviderArn`.
     * Each adds trust statements, which count against `trustPolicyLengthLimit`.
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
    /**
     * While a workload moves from EKS Pod Identity to IRSA: the cluster (in the account and region of
     * `oidcProviderArn`) whose Pod Identity may still give the role to the same ServiceAccounts, so pods
     * started before the switch keep working until they are replaced. Remove it once they are.
     * @default no Pod Identity trust
     */
    transitionalPodIdentityClusterName?: pulumi.Input<string>;
}

/**
 * An IAM role bound to Kubernetes ServiceAccounts through IRSA: only the tokens of those ServiceAccounts,
 * issued by the trusted clusters for the given audience, can assume the role. Creates or annotates the
 * ServiceAccount (or leaves that to its owner), grants the permissions asked for, and where it reads S3,
 * runs a reader Deployment that proves the binding works.
 *
 * Kubernetes objects go through the provider given in `opts.providers.kubernetes` or `opts.provider`.
 */
export class IrsaBinding extends pulumi.ComponentResource {
    /** The IAM role the ServiceAccounts assume. */
    public readonly role: aws.iam.Role;
    /** ARN of the role, as annotated on the ServiceAccount. */
    public readonly roleArn: pulumi.Output<string>;
    /** Name of the role. */
    public readonly roleName: pulumi.Output<string>;
    /** The ServiceAccount the binding created; undefined unless `serviceAccountMode` is `create`. */
    public readonly serviceAccount: k8s.core.v1.ServiceAccount | undefined;
    /** The patch that annotates an existing ServiceAccount; undefined unless `serviceAccountMode` is `annotate`. */
    public readonly serviceAccountPatch: k8s.core.v1.ServiceAccountPatch | undefined;
    /** The annotations the ServiceAccount must carry: with `serviceAccountMode` `none`, pass them to its owner. */
    public readonly serviceAccountAnnotations: pulumi.Output<{ [key: string]: string }>;
    /** Name of the ServiceAccount. */
    public readonly serviceAccountName: pulumi.Output<string>;
    /** Namespace of the ServiceAccount. */
    public readonly namespace: pulumi.Output<string>;
    /** The reader Deployment; undefined when the reader is off. */
    public readonly deployment: k8s.apps.v1.Deployment | undefined;
    /** The role's trust policy, as JSON (with `roleArn`: the policy of the statements the role must have). */
    public readonly trustPolicy: pulumi.Output<string>;
    /** With `roleArn`: the trust statements (a JSON list) the role's owner must add to its trust policy; else undefined. */
    public readonly requiredTrustStatements: pulumi.Output<string> | undefined;
    /** The EKS managed add-on created with the role as its `serviceAccountRoleArn` (`eksAddon`); undefined without it. */
    public readonly eksAddon: aws.eks.Addon | undefined;

    constructor(name: string, args: IrsaBindingArgs, opts?: pulumi.ComponentResourceOptions) {
        super("eks-irsa:index:IrsaBinding", name, {}, opts);
        const resolved = resolveAddon(this, args, ["oidcProviderArn"]);
        args = resolved.args;
        const eksAddon = planEksAddon("irsa", args, resolved.addon);
        failOn(this, eksAddon.problem);

        const audience = args.audience ?? defaultAudience;
        const lengthLimit = args.trustPolicyLengthLimit ?? defaultTrustPolicyLengthLimit;
        const additionalProviderArns = args.additionalOidcProviderArns ?? [];
        const { shape, problem } = checkBindingShape(args, resolved.entries);
        const checkProviderIfKnown = (field: string, arn: pulumi.Input<string>): string | undefined => (typeof arn === "string" ? checkOidcProviderArn(field, arn) : undefined);
        failOn(
            this,
            firstProblem(
                () => checkPlainString("audience", audience) ?? checkAudience("audience", audience),
                () => integerBetween(defaultTrustPolicyLengthLimit, maxTrustPolicyLengthLimit)("trustPolicyLengthLimit", lengthLimit),
                () => checkProviderIfKnown("oidcProviderArn", args.oidcProviderArn),
                ...additionalProviderArns.map((arn, index) => () => checkProviderIfKnown(`additionalOidcProviderArns[${index}]`, arn)),
                () => problem,
                () =>
                    args.transitionalPodIdentityClusterName !== undefined && shape.additionalServiceAccounts.some(isSubjectPattern)
                        ? "transitionalPodIdentityClusterName is invalid: Pod Identity names each ServiceAccount exactly, and additionalServiceAccounts has patterns; list the ServiceAccounts during the switch"
                        : undefined,
                () =>
                    typeof args.transitionalPodIdentityClusterName === "string"
                        ? checkClusterName("transitionalPodIdentityClusterName", args.transitionalPodIdentityClusterName)
                        : undefined,
            ),
        );

        const plan = settleBindingPlan(this, args, shape, { name: "IRSA" });
        const inputs = {
            shared: sharedInputs(args),
            providerArns: [args.oidcProviderArn, ...additionalProviderArns],
            transitionalClusterName: args.transitionalPodIdentityClusterName,
            existingRoleArn: args.roleArn,
        };
        const trust = settle(inputs, (known) => {
            failOn(
                this,
                firstProblem(
                    () => checkOwnServiceAccount(known.shared),
                    ...known.providerArns.map((arn, index) => () => checkOidcProviderArn(index === 0 ? "oidcProviderArn" : `additionalOidcProviderArns[${index - 1}]`, arn)),
                    () => (known.transitionalClusterName === undefined ? undefined : checkClusterName("transitionalPodIdentityClusterName", known.transitionalClusterName)),
                ),
            );
            const primary = parseOidcProviderArn(known.providerArns[0]) as OidcProviderArnParts;
            const region = regionOfEksIssuer(primary.issuer);
            const subjects = [{ namespace: known.shared.namespace, serviceAccountName: known.shared.serviceAccountName }, ...shape.additionalServiceAccounts];
            failOn(
                this,
                known.transitionalClusterName !== undefined && region === undefined
                    ? `transitionalPodIdentityClusterName is invalid: the region of the cluster cannot be told from oidcProviderArn, whose issuer ${JSON.stringify(primary.issuer)} is not an EKS one`
                    : undefined,
            );
            const podIdentityStatements =
                known.transitionalClusterName === undefined
                    ? []
                    : podIdentityTrustStatements({
                          accountId: primary.accountId,
                          clusterArns: [eksClusterArn(primary.partition, region as string, primary.accountId, known.transitionalClusterName)],
                          subjects,
                      });
            const checked = checkedWebIdentityTrustPolicy(known.providerArns, subjects, audience, lengthLimit, podIdentityStatements);
            failOn(this, checked.problem ?? checkPartitions(known.shared, primary.partition) ?? checkExistingRoleAccount(known.existingRoleArn, primary, "the OIDC provider", "a role trusts the OIDC providers of its own account only"));
            return { policy: JSON.stringify(checked.document), region };
        });
        const trustPolicy = select(trust, (known) => known.policy);

        const { role, roleArn, roleName, permissions } = createBindingRole(this, name, args, plan, trustPolicy, { statementsPolicy: (args.policyStatements ?? []).length > 0, shape });
        const pods = createBindingPods(this, name, args, shape, plan, {
            annotations: irsaServiceAccountAnnotations(roleArn),
            region: select(trust, (known) => known.region),
            identityHash: () => roleArn.apply((knownRoleArn) => identityHash({ mechanism: "irsa", roleArn: knownRoleArn, audience })),
            dependsOn: permissions,
        });

        this.role = role;
        this.roleArn = roleArn;
        this.roleName = roleName;
        this.serviceAccount = pods.serviceAccount;
        this.serviceAccountPatch = pods.serviceAccountPatch;
        this.serviceAccountAnnotations = roleArn.apply((knownRoleArn) => irsaServiceAccountAnnotations(knownRoleArn));
        // Plain when the arguments are: registered as they are, and wrapped once (asOutput) for the public fields.
        const serviceAccountName = select(plan, (known) => known.serviceAccountName);
        const namespace = select(plan, (known) => known.namespace);
        this.serviceAccountName = asOutput(serviceAccountName);
        this.namespace = asOutput(namespace);
        this.deployment = pods.deployment;
        this.trustPolicy = asOutput(trustPolicy);
        this.requiredTrustStatements = args.roleArn === undefined ? undefined : this.trustPolicy.apply(statementsOfPolicy);
        this.eksAddon = eksAddon.plan && createEksAddon(this, name, eksAddon.plan, { serviceAccountRoleArn: roleArn }, args.tags, permissions);
        // The plain values; the child resources are in the state already, and serialising them costs a lookup each.
        this.registerOutputs({
            roleArn: this.roleArn,
            roleName: this.roleName,
            serviceAccountAnnotations: this.serviceAccountAnnotations,
            serviceAccountName,
            namespace,
            trustPolicy,
            requiredTrustStatements: this.requiredTrustStatements,
        });
    }
}
