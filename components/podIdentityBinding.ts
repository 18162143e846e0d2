import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

import { podIdentityTrustPolicy } from "./policy";
import { checkClusterName } from "./validation";
import { BindingArgs, checkBindingArgs, checked, createBindingPods, createBindingRole } from "./workload";

/** The arguments of a {@link PodIdentityBinding}. */
export interface PodIdentityBindingArgs extends BindingArgs {
    /**
     * Name of the EKS cluster whose pods get the role. The cluster needs the `eks-pod-identity-agent`
     * add-on, and must be in the account and region of the AWS provider.
     */
    clusterName: pulumi.Input<string>;
}

/** The ARN of an EKS cluster. */
export function eksClusterArn(partition: string, region: string, accountId: string, clusterName: string): string {
    return `arn:${partition}:eks:${region}:${accountId}:cluster/${clusterName}`;
}

/**
 * An IAM role bound to a Kubernetes ServiceAccount through EKS Pod Identity: the EKS Pod Identity
 * service may assume the role for this account's cluster only, and an association tells EKS which
 * ServiceAccount gets it. Needs no OIDC provider and no annotation; grants the same permissions and
 * runs the same reader as {@link IrsaBinding}.
 *
 * AWS resources go through the AWS provider of `opts`, whose account and region are the cluster's;
 * Kubernetes objects through `opts.providers.kubernetes` or `opts.provider`.
 */
export class PodIdentityBinding extends pulumi.ComponentResource {
    /** The IAM role the pods get. */
    public readonly role: aws.iam.Role;
    /** ARN of the role. */
    public readonly roleArn: pulumi.Output<string>;
    /** Name of the role. */
    public readonly roleName: pulumi.Output<string>;
    /** The association of the role with the cluster's ServiceAccount. */
    public readonly association: aws.eks.PodIdentityAssociation;
    /** The ServiceAccount. */
    public readonly serviceAccount: k8s.core.v1.ServiceAccount;
    /** Name of the ServiceAccount. */
    public readonly serviceAccountName: pulumi.Output<string>;
    /** Namespace of the ServiceAccount. */
    public readonly namespace: pulumi.Output<string>;
    /** The reader Deployment; undefined when the reader is off. */
    public readonly deployment: k8s.apps.v1.Deployment | undefined;
    /** The role's trust policy, as JSON. */
    public readonly trustPolicy: pulumi.Output<string>;

    constructor(name: string, args: PodIdentityBindingArgs, opts?: pulumi.ComponentResourceOptions) {
        super("eks-irsa:index:PodIdentityBinding", name, {}, opts);

        const clusterName = checked(this, "clusterName", args.clusterName, checkClusterName);
        const invokeOpts = { parent: this };
        const partition = aws.getPartitionOutput({}, invokeOpts).partition;
        const region = aws.getRegionOutput({}, invokeOpts).region;
        const accountId = aws.getCallerIdentityOutput({}, invokeOpts).accountId;
        const clusterArn = pulumi.all([partition, region, accountId, clusterName]).apply(([p, r, a, c]) => eksClusterArn(p, r, a, c));

        const bound = checkBindingArgs(this, args);
        const { role, trustPolicy, permissions } = createBindingRole(this, name, args, bound, {
            mechanism: "EKS Pod Identity",
            partition,
            document: pulumi.all([accountId, clusterArn]).apply(([knownAccountId, knownClusterArn]) =>
                podIdentityTrustPolicy({ accountId: knownAccountId, clusterArn: knownClusterArn }),
            ),
        });
        const association = new aws.eks.PodIdentityAssociation(
            name,
            { clusterName, namespace: bound.namespace, serviceAccount: bound.serviceAccountName, roleArn: role.arn, tags: args.tags },
            { parent: this },
        );
        const pods = createBindingPods(this, name, args, bound, {
            // EKS finds the role through the association, so the ServiceAccount carries no annotation.
            annotations: {},
            region,
            // EKS injects credentials only into pods created after their ServiceAccount's association.
            dependsOn: [...permissions, association],
        });

        this.role = role;
        this.roleArn = role.arn;
        this.roleName = role.name;
        this.association = association;
        this.serviceAccount = pods.serviceAccount;
        this.serviceAccountName = bound.serviceAccountName;
        this.namespace = bound.namespace;
        this.deployment = pods.deployment;
        this.trustPolicy = trustPolicy;
        this.registerOutputs({
            role: this.role,
            roleArn: this.roleArn,
            roleName: this.roleName,
            association: this.association,
            serviceAccount: this.serviceAccount,
            serviceAccountName: this.serviceAccountName,
            namespace: this.namespace,
            deployment: this.deployment,
            trustPolicy: this.trustPolicy,
        });
    }
}
