/**
 * The cluster's managed add-ons: VPC CNI, kube-proxy, CoreDNS and (for Pod Identity) the
 * eks-pod-identity-agent, each at the version EKS publishes for the control plane's Kubernetes
 * version, so an upgrade of `eks-irsa:kubernetesVersion` upgrades them with it. EKS Best Practices:
 * "Use EKS managed add-ons"; they are patched by EKS and checked against the cluster's version.
 *
 * The program creates them (rather than the eks.Cluster component) so every one is visible to a
 * review and to the tests, and so the VPC CNI can run with its own role.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

/** The add-ons the program manages, as EKS names them. */
export type AddonName = "vpc-cni" | "kube-proxy" | "coredns" | "eks-pod-identity-agent";

/**
 * The VPC CNI configuration that turns on its network policy agent, which enforces Kubernetes
 * NetworkPolicies with eBPF on every node (EKS User Guide, "Restrict Pod network traffic with
 * Kubernetes network policies": the add-on's `enableNetworkPolicy`, a string).
 */
export const vpcCniNetworkPolicyConfiguration = { enableNetworkPolicy: "true" } as const;

/** The add-on's version EKS lists as the newest for the Kubernetes version (what `eks.Cluster` picked before). */
export function addonVersionOf(addonName: AddonName, kubernetesVersion: string): pulumi.Output<string> {
    return aws.eks.getAddonVersionOutput({ addonName, kubernetesVersion, mostRecent: true }).version;
}

/** How one add-on is created. */
export interface AddonArgs {
    clusterName: pulumi.Input<string>;
    kubernetesVersion: string;
    /** The role of the add-on's ServiceAccount, for IRSA (EKS annotates the ServiceAccount). */
    serviceAccountRoleArn?: pulumi.Input<string>;
    /** The add-on's configuration, as its schema (`aws eks describe-addon-configuration`) describes it. */
    configuration?: Record<string, string>;
    /**
     * Whether deleting the add-on resource leaves its objects in the cluster: yes for what the cluster
     * cannot work without (CNI, kube-proxy, DNS); no for the Pod Identity agent, which a switch to IRSA removes.
     * @default true
     */
    preserve?: boolean;
    /** URNs of the resources this add-on was before the program owned it. */
    aliases?: pulumi.Input<string>[];
    dependsOn?: pulumi.Input<pulumi.Resource>[];
}

/**
 * A managed add-on. OVERWRITE on create takes over the self-managed copy EKS installs with every
 * cluster; `preserve` (by default) keeps the add-on's objects in the cluster should the add-on
 * resource be deleted, since a cluster without its CNI, kube-proxy or DNS stops working.
 */
export function createAddon(name: string, addonName: AddonName, args: AddonArgs): aws.eks.Addon {
    return new aws.eks.Addon(
        name,
        {
            clusterName: args.clusterName,
            addonName,
            addonVersion: addonVersionOf(addonName, args.kubernetesVersion),
            resolveConflictsOnCreate: "OVERWRITE",
            resolveConflictsOnUpdate: "OVERWRITE",
            preserve: args.preserve ?? true,
            serviceAccountRoleArn: args.serviceAccountRoleArn,
            configurationValues: args.configuration === undefined ? undefined : JSON.stringify(args.configuration),
        },
        { aliases: args.aliases, dependsOn: args.dependsOn },
    );
}
