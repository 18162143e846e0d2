/**
 * The EKS managed add-on a binding hands its role to, the way EKS expects it: the add-on's
 * `serviceAccountRoleArn` for IRSA, its `podIdentityAssociations` for EKS Pod Identity (never a
 * standalone association for the same ServiceAccount as well, which EKS refuses). The add-on owns
 * its ServiceAccount, so the binding creates or patches none. Checks pure; the add-on is wiring.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

import type { AddonName, SelectedAddon } from "./bindingAddon";
import type { BindingArgs } from "./bindingArgs";
import type { ServiceAccountSubject } from "./subjects";

/** The EKS managed add-on a binding's role is for. */
export interface EksAddonArgs {
    /**
     * Name of the EKS add-on (`vpc-cni`, `aws-ebs-csi-driver`, ...), as `aws eks describe-addon-versions` lists it.
     * @default the EKS add-on of `addon`: vpc-cni, aws-ebs-csi-driver, aws-efs-csi-driver, aws-mountpoint-s3-csi-driver, aws-fsx-csi-driver or amazon-cloudwatch-observability
     */
    addonName?: string;
    /**
     * Name of the EKS cluster to install the add-on on. Required with an `IrsaBinding`; a
     * `PodIdentityBinding`'s is its `clusterName`.
     * @default the PodIdentityBinding's clusterName
     */
    clusterName?: pulumi.Input<string>;
    /**
     * The add-on's version (`v1.19.0-eksbuild.1`).
     * @default the default version for the cluster's Kubernetes version
     */
    addonVersion?: pulumi.Input<string>;
    /**
     * The add-on's configuration values, as JSON (`aws eks describe-addon-configuration` gives their schema).
     * @default none
     */
    configurationValues?: pulumi.Input<string>;
    /**
     * What EKS does on an update with fields of the add-on changed outside it: `"OVERWRITE"`,
     * `"PRESERVE"` or `"NONE"`. On creation a self-managed copy (the `aws-node` DaemonSet EKS starts
     * clusters with) is always overwritten.
     * @default "OVERWRITE"
     */
    resolveConflictsOnUpdate?: string;
}

/** The EKS add-ons of the catalogue's functions, where the add-on is one. */
export const eksAddonNames: Partial<Record<AddonName, string>> = {
    vpcCni: "vpc-cni",
    ebsCsiDriver: "aws-ebs-csi-driver",
    efsCsiDriver: "aws-efs-csi-driver",
    mountpointS3CsiDriver: "aws-mountpoint-s3-csi-driver",
    fsxLustreCsiDriver: "aws-fsx-csi-driver",
    cloudWatchObservability: "amazon-cloudwatch-observability",
};

const conflictResolutions = ["OVERWRITE", "PRESERVE", "NONE"];
const addonNamePattern = /^[a-z0-9][a-z0-9-]{0,99}$/;

/** The add-on as the binding will create it. */
export interface PlannedEksAddon {
    addonName: string;
    clusterName: pulumi.Input<string>;
    addonVersion?: pulumi.Input<string>;
    configurationValues?: pulumi.Input<string>;
    resolveConflictsOnUpdate: string;
}

/** What of a binding's arguments decides its EKS add-on: the shared ones and the mechanism's. */
export interface EksAddonBinding extends BindingArgs {
    clusterName?: pulumi.Input<string>;
    additionalClusterNames?: unknown[];
    additionalClusters?: unknown[];
    targetRoleArn?: pulumi.Input<string>;
}

/**
 * The binding's EKS add-on, checked; undefined without `eksAddon`. The problem names the argument
 * that would make the binding and the add-on conflict (two owners of one ServiceAccount, two
 * associations for it) or leave the add-on without its role.
 */
export function planEksAddon(mechanism: "irsa" | "pod-identity", args: EksAddonBinding, addon: SelectedAddon | undefined): { plan?: PlannedEksAddon; problem?: string } {
    const eksAddon = args.eksAddon;
    if (eksAddon === undefined) {
        return {};
    }
    const known = addon === undefined ? undefined : eksAddonNames[addon.name];
    const eksAddons = Object.values(eksAddonNames).join(", ");
    const addonName = eksAddon.addonName ?? known;
    const mode = args.serviceAccountMode ?? "none";
    const problem = ((): string | undefined => {
        if (addonName === undefined) {
            return addon === undefined
                ? `eksAddon.addonName is required: without addon, name the EKS add-on the role is for (${eksAddons}, ...)`
                : `eksAddon is invalid with addon.${addon.name}: it is not an EKS add-on (those of the catalogue are ${eksAddons}); install it with its chart, and leave eksAddon out`;
        }
        if (!addonNamePattern.test(addonName)) {
            return `eksAddon.addonName ${JSON.stringify(addonName)} is invalid: an EKS add-on's name is lowercase letters, digits and '-', such as vpc-cni`;
        }
        if (known !== undefined && eksAddon.addonName !== undefined && eksAddon.addonName !== known) {
            return `eksAddon.addonName ${JSON.stringify(eksAddon.addonName)} is invalid: addon.${addon!.name} is the EKS add-on ${known}; leave addonName out`;
        }
        if (mode !== "none") {
            return `serviceAccountMode ${JSON.stringify(mode)} is invalid with eksAddon: the EKS add-on ${addonName} creates and owns its ServiceAccount, and a second owner would conflict with it; leave serviceAccountMode out (it is "none" with eksAddon)`;
        }
        if (!conflictResolutions.includes(eksAddon.resolveConflictsOnUpdate ?? "OVERWRITE")) {
            return `eksAddon.resolveConflictsOnUpdate ${JSON.stringify(eksAddon.resolveConflictsOnUpdate)} is invalid: expected one of ${conflictResolutions.join(", ")}`;
        }
        if (mechanism === "irsa") {
            return eksAddon.clusterName === undefined ? `eksAddon.clusterName is required with an IrsaBinding: the cluster to install ${addonName} on` : undefined;
        }
        if ((args.additionalClusterNames ?? []).length > 0 || (args.additionalClusters ?? []).length > 0) {
            return `${(args.additionalClusterNames ?? []).length > 0 ? "additionalClusterNames" : "additionalClusters"} is invalid with eksAddon: an EKS add-on belongs to one cluster, and its podIdentityAssociations to it; bind each cluster's ${addonName} with a binding of its own`;
        }
        if (args.targetRoleArn !== undefined) {
            return `targetRoleArn is invalid with eksAddon: an EKS add-on's podIdentityAssociations take the role alone; chain roles with a binding without eksAddon`;
        }
        if (eksAddon.clusterName !== undefined && typeof eksAddon.clusterName === "string" && typeof args.clusterName === "string" && eksAddon.clusterName !== args.clusterName) {
            return `eksAddon.clusterName ${JSON.stringify(eksAddon.clusterName)} is invalid: the add-on's associations would be in another cluster than the binding's clusterName ${JSON.stringify(args.clusterName)}; leave it out`;
        }
        const elsewhere = (args.additionalServiceAccounts ?? []).findIndex((subject: ServiceAccountSubject) => typeof args.namespace === "string" && subject.namespace !== args.namespace);
        return elsewhere < 0
            ? undefined
            : `additionalServiceAccounts[${elsewhere}] is invalid with eksAddon: an EKS add-on's ServiceAccounts are in its own namespace (${String(args.namespace)})`;
    })();
    if (problem !== undefined) {
        return { problem };
    }
    return {
        plan: {
            addonName: addonName!,
            clusterName: (eksAddon.clusterName ?? args.clusterName)!,
            addonVersion: eksAddon.addonVersion,
            configurationValues: eksAddon.configurationValues,
            resolveConflictsOnUpdate: eksAddon.resolveConflictsOnUpdate ?? "OVERWRITE",
        },
    };
}

/** How the add-on gets the role: by its ARN (IRSA), or by an association per ServiceAccount (Pod Identity). */
export type EksAddonRole = { serviceAccountRoleArn: pulumi.Input<string> } | { podIdentity: { roleArn: pulumi.Input<string>; serviceAccountNames: pulumi.Input<string>[] } };

/** Creates the EKS add-on with the binding's role, once the role can do what the add-on's pods ask. */
export function createEksAddon(parent: pulumi.Resource, name: string, plan: PlannedEksAddon, role: EksAddonRole, tags: BindingArgs["tags"], dependsOn: pulumi.Resource[]): aws.eks.Addon {
    return new aws.eks.Addon(
        `${name}-addon`,
        {
            clusterName: plan.clusterName,
            addonName: plan.addonName,
            addonVersion: plan.addonVersion,
            configurationValues: plan.configurationValues,
            resolveConflictsOnCreate: "OVERWRITE",
            resolveConflictsOnUpdate: plan.resolveConflictsOnUpdate,
            ...("serviceAccountRoleArn" in role
                ? { serviceAccountRoleArn: role.serviceAccountRoleArn }
                : { podIdentityAssociations: role.podIdentity.serviceAccountNames.map((serviceAccount) => ({ roleArn: role.podIdentity.roleArn, serviceAccount })) }),
            tags,
        },
        { parent, dependsOn },
    );
}
