/**
 * The VPC CNI's own role. The aws-node DaemonSet manages the VPC's network interfaces and addresses
 * (AmazonEKS_CNI_Policy); given to the node role, that power reaches every pod that can reach the
 * node's credentials. Here aws-node gets it through the project's own binding, by the stack's
 * mechanism, and the node role does without (EKS Best Practices, "Use IRSA for the VPC CNI"; CIS
 * Amazon EKS Benchmark 5.1.x on least-privilege node roles).
 *
 * The binding creates no Kubernetes object (`serviceAccountMode: "none"`): the ServiceAccount
 * kube-system/aws-node is EKS's. With IRSA the role reaches aws-node through the add-on's
 * `serviceAccountRoleArn` (EKS annotates the ServiceAccount); with Pod Identity the binding's
 * association names it.
 */
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { addons, IrsaBinding, PodIdentityBinding } from "@eks-irsa/components";

import { bindingAliases, IdentityPlan } from "./migration";

/** The VPC CNI's binding. */
export interface VpcCniBinding {
    binding: IrsaBinding | PodIdentityBinding;
    /** For the add-on's `serviceAccountRoleArn`: the role with IRSA, undefined with Pod Identity. */
    serviceAccountRoleArn: pulumi.Output<string> | undefined;
}

/** Binds the VPC CNI's ServiceAccount to a role with AmazonEKS_CNI_Policy (IPv4), by the stack's mechanism. */
export function createVpcCniBinding(
    name: string,
    args: {
        identity: IdentityPlan;
        /** The cluster's name, known once the cluster (and, with Pod Identity, its agent) exists. */
        clusterName: pulumi.Input<string>;
        oidcProviderArn: pulumi.Input<string>;
        tags: { [key: string]: pulumi.Input<string> };
    },
): VpcCniBinding {
    // The package's catalogue: kube-system/aws-node and the managed AmazonEKS_CNI_Policy (IPv4 cluster).
    const permissions = addons.bindingArgsOf(addons.vpcCni({ ipFamily: "ipv4", partition: aws.getPartitionOutput().partition }));
    const common = { ...permissions, serviceAccountMode: "none", reader: { enabled: false }, tags: args.tags };
    const opts = { aliases: bindingAliases(args.identity.mechanism) };
    if (args.identity.mechanism === "pod-identity") {
        const binding = new PodIdentityBinding(
            name,
            { clusterName: args.clusterName, ...common, transitionalOidcProviderArn: args.identity.trustOidcDuringSwitch ? args.oidcProviderArn : undefined },
            opts,
        );
        return { binding, serviceAccountRoleArn: undefined };
    }
    const binding = new IrsaBinding(
        name,
        { oidcProviderArn: args.oidcProviderArn, ...common, transitionalPodIdentityClusterName: args.identity.trustPodIdentityDuringSwitch ? args.clusterName : undefined },
        opts,
    );
    return { binding, serviceAccountRoleArn: binding.roleArn };
}

/** The aws-node pod template annotation that names the mechanism its credentials come through. */
export const awsNodeMechanismAnnotation = "eks-irsa/identity-mechanism";

/**
 * Rolls the aws-node DaemonSet when the mechanism changes. Pods get their credentials' environment
 * (IRSA's token file and role, or Pod Identity's agent URL) when they start, and a change of the
 * add-on's role or of an association restarts nothing; without a restart, aws-node would go on with
 * the old mechanism until the OIDC provider (or association) is gone, and nodes would lose pod
 * networking. The server-side patch owns one annotation of the pod template, which EKS leaves alone,
 * as `eks.VpcCniAddon` does for its own settings.
 */
export function createAwsNodeRollout(
    name: string,
    args: { mechanism: string; provider: k8s.Provider; dependsOn: pulumi.Input<pulumi.Resource>[] },
): k8s.apps.v1.DaemonSetPatch {
    return new k8s.apps.v1.DaemonSetPatch(
        name,
        {
            metadata: { name: "aws-node", namespace: "kube-system" },
            spec: { template: { metadata: { annotations: { [awsNodeMechanismAnnotation]: args.mechanism } } } },
        },
        { provider: args.provider, dependsOn: args.dependsOn },
    );
}
