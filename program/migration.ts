/**
 * Updates of a deployed stack that must not cut the reader (or the cluster) off:
 *
 * - Switching `eks-irsa:identityMechanism`: the binding changes component type (IrsaBinding <->
 *   PodIdentityBinding). An alias to the other type keeps its URN, and with it the URNs of its children
 *   (the engine derives a child's aliases from its parent's), so the role, the ServiceAccount and the
 *   reader's Deployment are updated in place: no second object with the same Kubernetes name
 *   (`AlreadyExists`), and the role keeps its ARN. With `eks-irsa:identityMechanismTransition` true the
 *   roles trust both mechanisms for that update, so pods started under the old one keep working until
 *   the rollout replaces them.
 * - Taking the add-ons over from the `eks.Cluster` component: the program now owns the vpc-cni and
 *   kube-proxy add-ons, and aliases them to the ones the component created, so EKS keeps its add-ons.
 * - Renaming the cluster: `eks-irsa:clusterName` is the EKS cluster's name, so a change replaces the
 *   cluster and everything on it. The program reads the name it deployed last from its own stack's
 *   outputs, under a name every backend resolves, and refuses a different one without
 *   `eks-irsa:allowClusterReplacement`.
 */
import * as pulumi from "@pulumi/pulumi";

import { fullKey, IdentityMechanism } from "./config";

/** The component type of each mechanism's binding. */
export const bindingTypes: Record<IdentityMechanism, string> = {
    irsa: "eks-irsa:index:IrsaBinding",
    "pod-identity": "eks-irsa:index:PodIdentityBinding",
};

/** The aliases of a binding: the other mechanism's type, under the same name and parent. */
export function bindingAliases(mechanism: IdentityMechanism): pulumi.Alias[] {
    return (Object.keys(bindingTypes) as IdentityMechanism[]).filter((other) => other !== mechanism).map((other) => ({ type: bindingTypes[other] }));
}

/** What the cluster and the bindings need for the configured mechanism, during a switch and after it. */
export interface IdentityPlan {
    mechanism: IdentityMechanism;
    /** The cluster's IAM OIDC provider: IRSA's, and a Pod Identity stack's only while pods may still hold IRSA tokens. */
    oidcProvider: boolean;
    /** The eks-pod-identity-agent add-on: Pod Identity's, and an IRSA stack's only while pods may still use it. */
    podIdentityAgent: boolean;
    /** A PodIdentityBinding's role also trusts the cluster's OIDC provider for its ServiceAccounts. */
    trustOidcDuringSwitch: boolean;
    /** An IrsaBinding's role also trusts Pod Identity for this cluster. */
    trustPodIdentityDuringSwitch: boolean;
}

/** The plan of a mechanism, during the switching update (`transition`) or in steady state. */
export function identityPlan(mechanism: IdentityMechanism, transition: boolean): IdentityPlan {
    const irsa = mechanism === "irsa";
    return {
        mechanism,
        oidcProvider: irsa || transition,
        podIdentityAgent: !irsa || transition,
        trustOidcDuringSwitch: !irsa && transition,
        trustPodIdentityDuringSwitch: irsa && transition,
    };
}

/**
 * The URNs under which the `eks.Cluster` component (with its defaults) created the add-ons the
 * program now owns: `<name>-vpc-cni` (an aws:eks/addon:Addon inside its VpcCniAddon component) and
 * `<name>-kube-proxy`, both named after the cluster's logical name.
 */
export function clusterAddonAliases(clusterLogicalName: string, clusterUrn: pulumi.Input<string>): { vpcCni: pulumi.Output<string>; kubeProxy: pulumi.Output<string> } {
    const vpcCniComponent = pulumi.createUrn(`${clusterLogicalName}-vpc-cni`, "eks:index:VpcCniAddon", clusterUrn);
    return {
        vpcCni: pulumi.createUrn(`${clusterLogicalName}-vpc-cni`, "aws:eks/addon:Addon", vpcCniComponent),
        kubeProxy: pulumi.createUrn(`${clusterLogicalName}-kube-proxy`, "aws:eks/addon:Addon", clusterUrn),
    };
}

/** Why a change of the cluster's name must not go ahead, or undefined when it may. */
export function clusterRenameProblem(deployedName: string | undefined, configuredName: string, allowReplacement: boolean): string | undefined {
    if (deployedName === undefined || deployedName === configuredName || allowReplacement) {
        return undefined;
    }
    return (
        `${fullKey("clusterName")} ${JSON.stringify(configuredName)} is invalid: this stack's cluster is ${JSON.stringify(deployedName)}, and an EKS cluster cannot be renamed, ` +
        "so pulumi up would replace it and everything on it (nodes, add-ons, the reader, every Secret). " +
        `Restore the name, or set ${fullKey("allowClusterReplacement")} true for this update (with deletion protection on, first set ${fullKey("deletionProtection")} false, pulumi up, and pulumi state unprotect the cluster)`
    );
}

/** The organization the self-managed (DIY) backends report, which has no organizations. */
export const diyOrganization = "organization";

/**
 * The name of a StackReference to the running stack that every backend resolves to that stack.
 * Pulumi Cloud (and self-hosted Pulumi Cloud) resolve `<org>/<project>/<stack>`, and a bare name only
 * within the user's default organization, which need not be the stack's: so the full name. The DIY
 * backends report the organization `organization`; a project-scoped one accepts both forms, but a
 * legacy one (a state directory from before projects) only the bare stack name, which both resolve
 * in the current project: so the bare name (Pulumi's `fullyQualifiedStackName` notes the same split).
 */
export function selfReferenceName(organization: string | undefined, project: string, stack: string): string {
    return organization === undefined || organization === diyOrganization ? stack : `${organization}/${project}/${stack}`;
}

/** The name of a StackReference to the running stack (see {@link selfReferenceName}). */
export function ownStackName(): string {
    let organization: string | undefined;
    try {
        organization = pulumi.getOrganization();
    } catch {
        // Only the mocks and old CLIs leave it unset; both run on a backend that resolves the bare name.
        organization = undefined;
    }
    return selfReferenceName(organization, pulumi.getProject(), pulumi.getStack());
}

/**
 * The cluster's name, once it is known not to rename a deployed cluster: the stack's own last
 * `clusterName` output (nothing on the first `pulumi up`, or offline) is compared with the config.
 * Everything named after the cluster takes its name from here, so a refused rename touches none of it.
 */
export function guardedClusterName(name: string, configuredName: string, allowReplacement: boolean): pulumi.Output<string> {
    const self = new pulumi.StackReference(`${name}-deployed`, { name: ownStackName() });
    // The outputs are secret as a whole when any one is (the kubeconfig); the name read from them is not.
    return pulumi.unsecret(self.outputs).apply((outputs: Record<string, unknown> | undefined) => {
        const deployed = outputs?.clusterName;
        const problem = clusterRenameProblem(typeof deployed === "string" ? deployed : undefined, configuredName, allowReplacement);
        if (problem !== undefined) {
            throw new pulumi.RunError(problem);
        }
        return configuredName;
    });
}
