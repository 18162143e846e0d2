import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

import { resolveAddon } from "./bindingAddon";
import { createEksAddon, planEksAddon } from "./eksAddon";
import { BindingArgs, checkBindingShape, checkOwnServiceAccount, failOn, firstProblem, resolvedStatements, sharedInputs } from "./bindingArgs";
import { checkPartitions, settleBindingPlan } from "./bindingPlan";
import { awsContextOf } from "./awsContext";
import { asOutput, isPlain, select, settle } from "./eventually";
import { identityHash } from "./identity";
import { targetRoleTrustPolicy, webIdentityTrustStatements } from "./policy";
import { checkPolicyStatements, PolicyStatementArgs, policyStatementsDocument } from "./permissions";
import { policyLength } from "./policy";
import { ServiceAccountSubject } from "./subjects";
import { checkedPodIdentityTrustPolicy, defaultTrustPolicyLengthLimit, maxTrustPolicyLengthLimit } from "./trust";
import {
    accountOfArn,
    checkClusterName,
    checkOidcProviderArn,
    checkPlainBoolean,
    checkRegion,
    checkRoleArn,
    eksClusterArn,
    integerBetween,
    OidcProviderArnParts,
    parseOidcProviderArn,
    partitionOfArn,
} from "./validation";
import { checkExistingRoleAccount, createBindingPods, createBindingRole, statementsOfPolicy } from "./workload";

/** A further cluster of a {@link PodIdentityBinding}, in any region of the AWS provider's account. */
export interface PodIdentityClusterArgs {
    /** Name of the EKS cluster (it needs the `eks-pod-identity-agent` add-on). */
    clusterName: pulumi.Input<string>;
    /**
     * The cluster's region: its associations are managed there, and its ARN in the trust names it.
     * @default the AWS provider's region
     */
    region?: string;
}

/** The arguments of a {@link PodIdentityBinding}. */
export interface PodIdentityBindingArgs extends BindingArgs {
    /**
     * Name of the EKS cluster whose pods get the role. The cluster needs the `eks-pod-identity-agent`
     * add-on, and must be in the account and region of the AWS provider.
     */
    clusterName: pulumi.Input<string>;
    /**
     * Further clusters (a fleet, in the same account and region) whose pods of the same ServiceAccounts
     * get the role: each is added to the trust policy's `aws:RequestTag/eks-cluster-arn`, and gets its associations.
     * @default []
     */
    additionalClusterNames?: pulumi.Input<string>[];
    /**
     * Region of `clusterName`, where its associations are managed.
     * @default the AWS provider's region
     */
    clusterRegion?: string;
    /**
     * Further clusters, each in its own region of the same account (one role for a workload that runs
     * in several regions): each is added to the trust policy's `aws:RequestTag/eks-cluster-arn`, and gets its associations.
     * @default []
     */
    additionalClusters?: PodIdentityClusterArgs[];
    /**
     * Whether the associations tell EKS not to tag the role sessions (`kubernetes-namespace`,
     * `kubernetes-service-account`, `eks-cluster-arn`). The trust can then name neither the clusters
     * nor the ServiceAccounts (AWS documents no other key that does): it admits the EKS Pod Identity
     * service for this account only, and which clusters and ServiceAccounts get the role is decided by
     * the associations alone (whoever may create an association for the role, with `iam:PassRole` on
     * it, decides). Required by `sessionPolicyStatements`;
     * not with `targetRoleArn` or `transitionalOidcProviderArn`.
     * @default false (sessions are tagged, and the trust admits the bound ServiceAccounts only)
     */
    disableSessionTags?: boolean;
    /**
     * `Allow` statements of a session policy set on every association: the pods' credentials are the
     * intersection of the role's permissions and these, so one role's associations can be narrowed
     * further (for example to one bucket prefix). Needs `disableSessionTags`, as EKS requires.
     * @default no session policy: the pods get the role's permissions
     */
    sessionPolicyStatements?: PolicyStatementArgs[];
    /**
     * ARN of a role, typically in another account, whose credentials the pods get instead: EKS assumes
     * this binding's role, then the target role (role chaining). The binding's role is granted only
     * `sts:AssumeRole` and `sts:TagSession` on it, so `s3Read`, `policyStatements` and `policyArns` are
     * refused: grant them on the target role. Give the target role the trust policy in
     * `targetRoleTrustPolicy`.
     * @default no target role: the pods get this binding's role
     */
    targetRoleArn?: pulumi.Input<string>;
    /**
     * The largest trust policy IAM accepts in this account, white space not counted: 2048 by default,
     * up to 8192 where the quota "Role trust policy length" was raised. Each ServiceAccount adds a statement.
     * @default 2048
     */
    trustPolicyLengthLimit?: number;
    /**
     * While a workload moves from IRSA to EKS Pod Identity: the cluster's IAM OIDC provider, whose
     * tokens for the same ServiceAccounts may still assume the role, so pods started before the switch
     * keep working until they are replaced. Remove it once they are.
     * @default no IRSA trust
     */
    transitionalOidcProviderArn?: pulumi.Input<string>;
}

/** The longest session policy STS accepts, white space not counted (AssumeRole's `Policy`). */
export const sessionPolicyLengthLimit = 2048;

/** The audience of the IRSA tokens a transitional trust admits. */
const irsaAudience = "sts.amazonaws.com";

/**
 * An IAM role bound to Kubernetes ServiceAccounts through EKS Pod Identity: the EKS Pod Identity service
 * may assume the role for this account's clusters only, for the bound ServiceAccounts only (the session
 * tags EKS sets), and an association per ServiceAccount and cluster tells EKS which pods get it. Needs no
 * OIDC provider and no annotation; grants the same permissions and runs the same reader as
 * `IrsaBinding`, or passes the pods on to a role in another account (`targetRoleArn`).
 *
 * AWS resources go through the AWS provider of `opts`, whose account and region are the clusters';
 * Kubernetes objects through `opts.providers.kubernetes` or `opts.provider`.
 */
export class PodIdentityBinding extends pulumi.ComponentResource {
    /** The IAM role the pods get (or, with `targetRoleArn`, assume the target role with). */
    public readonly role: aws.iam.Role;
    /** ARN of the role. */
    public readonly roleArn: pulumi.Output<string>;
    /** Name of the role. */
    public readonly roleName: pulumi.Output<string>;
    /** The association of the role with the ServiceAccount in `clusterName`; undefined with `eksAddon`, whose `podIdentityAssociations` carry it. */
    public readonly association: aws.eks.PodIdentityAssociation | undefined;
    /** Every association: each ServiceAccount in each cluster, the first being `association`. */
    public readonly associations: aws.eks.PodIdentityAssociation[];
    /** The ServiceAccount the binding created; undefined unless `serviceAccountMode` is `create`. */
    public readonly serviceAccount: k8s.core.v1.ServiceAccount | undefined;
    /** Always undefined: with Pod Identity an existing ServiceAccount needs no annotation. */
    public readonly serviceAccountPatch: k8s.core.v1.ServiceAccountPatch | undefined;
    /** What the ServiceAccount must carry: nothing, since EKS finds the role through the association. */
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
    /** With `targetRoleArn`: the trust policy to give the target role in its account, as JSON; else undefined. */
    public readonly targetRoleTrustPolicy: pulumi.Output<string> | undefined;
    /** The EKS managed add-on created with the role in its `podIdentityAssociations` (`eksAddon`); undefined without it. */
    public readonly eksAddon: aws.eks.Addon | undefined;

    constructor(name: string, args: PodIdentityBindingArgs, opts?: pulumi.ComponentResourceOptions) {
        super("eks-irsa:index:PodIdentityBinding", name, {}, opts);
        const resolved = resolveAddon(this, args, ["clusterName"]);
        args = resolved.args;
        const eksAddon = planEksAddon("pod-identity", args, resolved.addon);
        failOn(this, eksAddon.problem);

        const lengthLimit = args.trustPolicyLengthLimit ?? defaultTrustPolicyLengthLimit;
        const additionalNames = args.additionalClusterNames ?? [];
        const additionalClusters = args.additionalClusters ?? [];
        const clusters: PodIdentityClusterArgs[] = [
            { clusterName: args.clusterName, region: args.clusterRegion },
            ...additionalNames.map((clusterName) => ({ clusterName })),
            ...additionalClusters,
        ];
        const clusterNames = clusters.map((cluster) => cluster.clusterName);
        const clusterField = (index: number): string =>
            index === 0 ? "clusterName" : index <= additionalNames.length ? `additionalClusterNames[${index - 1}]` : `additionalClusters[${index - 1 - additionalNames.length}].clusterName`;
        const regionField = (index: number): string => (index === 0 ? "clusterRegion" : `additionalClusters[${index - 1 - additionalNames.length}].region`);
        const { shape, problem } = checkBindingShape(args, resolved.entries);
        const hasTarget = args.targetRoleArn !== undefined;
        const sessionTags = !(args.disableSessionTags ?? false);
        const sessionStatements = args.sessionPolicyStatements ?? [];
        failOn(
            this,
            firstProblem(
                // Before anything reads it: an Output would read as true.
                () => checkPlainBoolean("disableSessionTags", args.disableSessionTags),
                ...clusterNames.map((clusterName, index) => () => (typeof clusterName === "string" ? checkClusterName(clusterField(index), clusterName) : undefined)),
                ...clusters.map((cluster, index) => () => (cluster.region === undefined ? undefined : checkRegion(regionField(index), cluster.region))),
                () => integerBetween(defaultTrustPolicyLengthLimit, maxTrustPolicyLengthLimit)("trustPolicyLengthLimit", lengthLimit),
                () => problem,
                () =>
                    args.sessionPolicyStatements !== undefined && sessionTags
                        ? "sessionPolicyStatements is invalid without disableSessionTags: EKS accepts an association's session policy only where it does not tag the sessions; set disableSessionTags to true (the trust then cannot name the ServiceAccounts)"
                        : undefined,
                () => (args.sessionPolicyStatements !== undefined && sessionStatements.length === 0 ? "sessionPolicyStatements is invalid: it must name at least one statement, or be left out" : undefined),
                () => (isPlain(sessionStatements) ? checkPolicyStatements("sessionPolicyStatements", resolvedStatements(sessionStatements as never), true) : undefined),
                () =>
                    hasTarget && args.roleArn !== undefined
                        ? "targetRoleArn is invalid with roleArn: the binding grants its own role the assumption of the target role, and does not change a role it did not create; grant sts:AssumeRole and sts:TagSession on the target in the role itself, or let the binding create the role"
                        : undefined,
                () =>
                    !sessionTags && (hasTarget || args.transitionalOidcProviderArn !== undefined)
                        ? "disableSessionTags is invalid with targetRoleArn or transitionalOidcProviderArn: keep the session tags where the role is chained or shared with IRSA"
                        : undefined,
                () =>
                    args.allowServiceAccountPatterns
                        ? "allowServiceAccountPatterns is invalid: an EKS Pod Identity association names one ServiceAccount exactly, so patterns cannot be bound; list the ServiceAccounts"
                        : undefined,
                () => (typeof args.targetRoleArn === "string" ? checkRoleArn("targetRoleArn", args.targetRoleArn) : undefined),
                () => (typeof args.transitionalOidcProviderArn === "string" ? checkOidcProviderArn("transitionalOidcProviderArn", args.transitionalOidcProviderArn) : undefined),
                () =>
                    hasTarget && (args.s3Read !== undefined || (args.policyStatements ?? []).length > 0 || (args.policyArns ?? []).length > 0)
                        ? "targetRoleArn is invalid with s3Read, policyStatements or policyArns: the pods get the target role's permissions, not this role's; grant them on the target role in its account"
                        : undefined,
            ),
        );

        // The caller's ARN gives the account and partition in one lookup.
        const { callerArn, region } = awsContextOf(this);
        const plan = settleBindingPlan(this, args, shape, { name: "EKS Pod Identity", targetRoleArn: args.targetRoleArn });
        const inputs = {
            shared: sharedInputs(args),
            callerArn,
            region,
            clusterNames,
            targetRoleArn: args.targetRoleArn,
            sessionStatements,
            existingRoleArn: args.roleArn,
            transitionalOidcProviderArn: args.transitionalOidcProviderArn,
        };
        const trust = settle(inputs, (known) => {
            const partition = partitionOfArn(known.callerArn);
            const accountId = accountOfArn(known.callerArn);
            failOn(
                this,
                firstProblem(
                    () => checkOwnServiceAccount(known.shared),
                    ...known.clusterNames.map((clusterName, index) => () => checkClusterName(clusterField(index), clusterName)),
                    () => (known.targetRoleArn === undefined ? undefined : checkRoleArn("targetRoleArn", known.targetRoleArn)),
                    () => (known.targetRoleArn === undefined || partitionOfArn(known.targetRoleArn) === partition ? undefined : `targetRoleArn ${JSON.stringify(known.targetRoleArn)} is invalid: it is in another AWS partition than the cluster (${partition})`),
                    () => (known.transitionalOidcProviderArn === undefined ? undefined : checkOidcProviderArn("transitionalOidcProviderArn", known.transitionalOidcProviderArn)),
                ),
            );
            const subjects: ServiceAccountSubject[] = [{ namespace: known.shared.namespace, serviceAccountName: known.shared.serviceAccountName }, ...shape.additionalServiceAccounts];
            const clusterArns = known.clusterNames.map((clusterName, index) => eksClusterArn(partition, clusters[index].region ?? known.region, accountId, clusterName));
            const irsaStatements =
                known.transitionalOidcProviderArn === undefined
                    ? []
                    : webIdentityTrustStatements({
                          providers: [{ arn: known.transitionalOidcProviderArn, issuer: (parseOidcProviderArn(known.transitionalOidcProviderArn) as OidcProviderArnParts).issuer }],
                          subjects,
                          audience: irsaAudience,
                      });
            const checked = checkedPodIdentityTrustPolicy(accountId, clusterArns, subjects, lengthLimit, irsaStatements, { sessionTags });
            const sessionPolicy = sessionStatements.length === 0 ? undefined : policyStatementsDocument(resolvedStatements(known.sessionStatements));
            failOn(
                this,
                firstProblem(
                    () => checked.problem ?? checkPartitions(known.shared, partition),
                    () => checkExistingRoleAccount(known.existingRoleArn, { partition, accountId }, "the clusters", "EKS associates roles of the cluster's account only"),
                    () => (sessionPolicy === undefined ? undefined : checkPolicyStatements("sessionPolicyStatements", resolvedStatements(known.sessionStatements), true)),
                    () =>
                        sessionPolicy === undefined || policyLength(sessionPolicy) <= sessionPolicyLengthLimit
                            ? undefined
                            : `sessionPolicyStatements is invalid: the session policy is ${policyLength(sessionPolicy)} characters (white space not counted), over the ${sessionPolicyLengthLimit} STS accepts for a session policy; merge statements`,
                ),
            );
            return { trustPolicy: JSON.stringify(checked.document), sessionPolicy: sessionPolicy && JSON.stringify(sessionPolicy) };
        });
        const trustPolicy = select(trust, (known) => known.trustPolicy);
        const sessionPolicy = sessionStatements.length === 0 ? undefined : select(trust, (known) => known.sessionPolicy as string);
        if (!sessionTags) {
            pulumi.log.warn(
                "disableSessionTags: EKS does not tag the sessions, so the role's trust can name neither the clusters nor the ServiceAccounts; it admits the EKS Pod Identity service for this account only, and any association of the role in any cluster of the account gets it. Keep iam:PassRole on this role to those who may bind it; the policy pack's pod-identity-trust-cluster refuses the role unless lowered for this stack.",
                this,
            );
        }

        const { role, roleArn, roleName, permissions } = createBindingRole(this, name, args, plan, trustPolicy, { statementsPolicy: (args.policyStatements ?? []).length > 0 || hasTarget, shape });
        const subjects: { namespace: pulumi.Input<string>; serviceAccountName: pulumi.Input<string> }[] = [
            { namespace: select(plan, (known) => known.namespace), serviceAccountName: select(plan, (known) => known.serviceAccountName) },
            ...shape.additionalServiceAccounts,
        ];
        // Named by position, so that the first keeps the name a binding of one ServiceAccount and cluster always had.
        // With an EKS add-on, the add-on's podIdentityAssociations are the associations: EKS refuses a second one for a ServiceAccount.
        const associations = eksAddon.plan !== undefined ? [] : clusters.flatMap(({ clusterName, region: clusterRegion }, clusterIndex) =>
            subjects.map(
                (subject, subjectIndex) =>
                    new aws.eks.PodIdentityAssociation(
                        clusterIndex === 0 && subjectIndex === 0 ? name : `${name}-${clusterIndex}-${subjectIndex}`,
                        {
                            clusterName,
                            namespace: subject.namespace,
                            serviceAccount: subject.serviceAccountName,
                            roleArn,
                            targetRoleArn: args.targetRoleArn,
                            region: clusterRegion,
                            disableSessionTags: args.disableSessionTags,
                            policy: sessionPolicy,
                            tags: args.tags,
                        },
                        // The role must be able to do what the pods ask before EKS hands it to them.
                        { parent: this, dependsOn: permissions },
                    ),
            ),
        );
        const [association] = associations;
        const pods = createBindingPods(this, name, args, shape, plan, {
            // EKS finds the role through the association, so the ServiceAccount carries no annotation.
            annotations: {},
            region,
            identityHash: () =>
                association.associationId.apply((associationId) =>
                    association.roleArn.apply((roleArn) =>
                        association.targetRoleArn.apply((targetRoleArn) =>
                            identityHash({ mechanism: "pod-identity", roleArn, associationId, targetRoleArn: targetRoleArn ?? "" }),
                        ),
                    ),
                ),
            // EKS injects credentials only into pods created after their ServiceAccount's association.
            dependsOn: [...permissions, ...associations],
        });

        this.role = role;
        this.roleArn = roleArn;
        this.roleName = roleName;
        this.association = association;
        this.eksAddon =
            eksAddon.plan &&
            createEksAddon(this, name, eksAddon.plan, { podIdentity: { roleArn, serviceAccountNames: subjects.map((subject) => subject.serviceAccountName) } }, args.tags, permissions);
        this.associations = associations;
        this.serviceAccount = pods.serviceAccount;
        this.serviceAccountPatch = pods.serviceAccountPatch;
        const serviceAccountAnnotations: { [key: string]: string } = {};
        this.serviceAccountAnnotations = pulumi.output(serviceAccountAnnotations);
        // Plain when the arguments are: registered as they are, and wrapped once (asOutput) for the public fields.
        const serviceAccountName = select(plan, (known) => known.serviceAccountName);
        const namespace = select(plan, (known) => known.namespace);
        this.serviceAccountName = asOutput(serviceAccountName);
        this.namespace = asOutput(namespace);
        this.deployment = pods.deployment;
        this.trustPolicy = asOutput(trustPolicy);
        this.requiredTrustStatements = args.roleArn === undefined ? undefined : this.trustPolicy.apply(statementsOfPolicy);
        this.targetRoleTrustPolicy = hasTarget
            ? pulumi.jsonStringify(pulumi.all([roleArn, ...associations.map((each) => each.externalId)]).apply(([roleArn, ...externalIds]) => targetRoleTrustPolicy(roleArn, externalIds)))
            : undefined;
        // The plain values; the child resources are in the state already, and serialising them costs a lookup each.
        this.registerOutputs({
            roleArn: this.roleArn,
            roleName: this.roleName,
            serviceAccountAnnotations,
            serviceAccountName,
            namespace,
            trustPolicy,
            targetRoleTrustPolicy: this.targetRoleTrustPolicy,
            requiredTrustStatements: this.requiredTrustStatements,
        });
    }
}
