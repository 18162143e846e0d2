/**
 * The stack's workloads (`eks-irsa:workloads`): more workloads bound on the stack's cluster, with the
 * stack's mechanism, through the WorkloadIdentities fleet. An entry gives the fleet's workload fields,
 * or names an add-on of the catalogue (`catalogue`), whose permissions and ServiceAccount are scoped to
 * the stack's cluster. Parsing is pure; the fleet's own plan judges every entry, so the rules are the
 * component's and the messages name the key, the entry's index and the field.
 */
import * as pulumi from "@pulumi/pulumi";

import { FleetClusterArgs, FleetWorkloadArgs, longestEksProviderArn, planFleet, WorkloadIdentities } from "@eks-irsa/components";

import type { IdentityMechanism } from "./config";

/** The add-ons of the catalogue a stack can name: those scoped by the stack's cluster alone. */
export const catalogueWorkloads = ["aws-load-balancer-controller", "cluster-autoscaler", "ebs-csi-driver"] as const;

/** An add-on of the catalogue, as `catalogue` names it. */
export type CatalogueWorkload = (typeof catalogueWorkloads)[number];

/**
 * A workload of `eks-irsa:workloads`: the fleet's workload fields (`addon` among them, its scope written
 * out), or `catalogue`, an add-on whose scope is the stack's cluster.
 */
export interface WorkloadConfig extends FleetWorkloadArgs {
    /** The add-on whose permissions and default ServiceAccount the workload takes; its own fields add to them. */
    catalogue?: CatalogueWorkload;
}

/** The fields an entry may have, each with the JSON type its value must have. */
const entryFields: Record<string, "string" | "boolean" | "array" | "object"> = {
    name: "string",
    catalogue: "string",
    addon: "object",
    namespace: "string",
    serviceAccountName: "string",
    serviceAccountMode: "string",
    description: "string",
    additionalServiceAccounts: "array",
    policyArns: "array",
    policyStatements: "array",
    allowBroadPermissions: "boolean",
    s3Read: "object",
    tags: "object",
};

function typeOf(value: unknown): string {
    return Array.isArray(value) ? "array" : value === null ? "null" : typeof value;
}

/** The entries of the key's JSON value, each checked for its shape; the fleet's plan checks the rest. */
export function parseWorkloadEntries(key: string, value: string): { entries: WorkloadConfig[]; problems: string[] } {
    let parsed: unknown;
    try {
        parsed = JSON.parse(value);
    } catch {
        parsed = undefined;
    }
    if (!Array.isArray(parsed)) {
        return { entries: [], problems: [`${key} ${value} is invalid: expected a list of workloads (in a stack file, a YAML sequence of mappings, each with a name)`] };
    }
    const problems: string[] = [];
    const entries: WorkloadConfig[] = [];
    for (const [index, entry] of parsed.entries()) {
        const field = `${key}[${index}]`;
        if (typeOf(entry) !== "object") {
            problems.push(`${field} ${JSON.stringify(entry)} is invalid: a workload is a mapping with a name and its fields`);
            continue;
        }
        const fields = entry as Record<string, unknown>;
        const entryProblems = Object.entries(fields).flatMap(([name, fieldValue]) => {
            const expected = entryFields[name];
            if (expected === undefined) {
                return [`${field}.${name} is invalid: not a field of a workload; the fields are ${Object.keys(entryFields).join(", ")}`];
            }
            return typeOf(fieldValue) === expected ? [] : [`${field}.${name} ${JSON.stringify(fieldValue)} is invalid: expected ${expected === "array" ? "a list" : expected === "object" ? "a mapping" : `a ${expected}`}`];
        });
        if (typeof fields.name !== "string") {
            entryProblems.push(`${field}.name is missing: each workload has a name, its key (a DNS-1123 label)`);
        }
        if (fields.catalogue !== undefined && !(catalogueWorkloads as readonly unknown[]).includes(fields.catalogue)) {
            entryProblems.push(`${field}.catalogue ${JSON.stringify(fields.catalogue)} is invalid: expected one of ${catalogueWorkloads.join(", ")}`);
        }
        if (fields.catalogue !== undefined && fields.addon !== undefined) {
            entryProblems.push(`${field}.addon is invalid with catalogue: catalogue names an add-on scoped to the stack's cluster, addon one with the scope written out; give one of them`);
        }
        problems.push(...entryProblems);
        if (entryProblems.length === 0) {
            entries.push(fields as unknown as WorkloadConfig);
        }
    }
    return { entries, problems };
}

/** The fleet's `addon` for a catalogue entry: the add-on's scope is the stack's cluster (and partition). */
function addonOf(entry: CatalogueWorkload, clusterName: string, partition: pulumi.Input<string>): NonNullable<FleetWorkloadArgs["addon"]> {
    switch (entry) {
        case "aws-load-balancer-controller":
            return { awsLoadBalancerController: { clusterName, partition } };
        case "cluster-autoscaler":
            return { clusterAutoscaler: { clusterName, partition } };
        case "ebs-csi-driver":
            return { ebsCsiDriver: { partition } };
    }
}

/**
 * The entry as a workload of the fleet: a catalogue entry becomes the fleet's (and the bindings') `addon`,
 * so its permissions and ServiceAccount are applied by the components, the entry's own fields over them.
 */
export function fleetWorkloadOf(entry: WorkloadConfig, clusterName: string, partition: pulumi.Input<string>): FleetWorkloadArgs {
    const { catalogue, ...own } = entry;
    return catalogue === undefined ? own : { ...own, addon: addonOf(catalogue, clusterName, partition) };
}

/** The stack's cluster as the fleet sees it. */
export interface StackCluster {
    clusterName: string;
    mechanism: IdentityMechanism;
    /** The update that switches `mechanism`: the workloads keep the other mechanism's roles too, so none loses its role before its pods roll over. */
    transition: boolean;
    oidcProviderArn: pulumi.Input<string> | undefined;
    /** With Pod Identity: the cluster's name through the agent add-on, so that associations wait for it. */
    podIdentityClusterName: pulumi.Input<string> | undefined;
    kubeconfig: pulumi.Input<string>;
}

/**
 * The fleet's entries for the stack's cluster, keyed by mechanism: the stack's, and during a switch the
 * other one too. A workload's roles are named by mechanism, not by the key, so each keeps its role across the switch.
 */
function fleetClusters(cluster: StackCluster): FleetClusterArgs[] {
    const mechanisms: IdentityMechanism[] = cluster.transition ? [cluster.mechanism, cluster.mechanism === "irsa" ? "pod-identity" : "irsa"] : [cluster.mechanism];
    return mechanisms.map((mechanism) =>
        mechanism === "irsa"
            ? { name: mechanism, oidcProviderArn: cluster.oidcProviderArn, kubeconfig: cluster.kubeconfig }
            : { name: mechanism, podIdentityClusterName: cluster.podIdentityClusterName, kubeconfig: cluster.kubeconfig },
    );
}

/** The prefix of the stack's workload roles: the cluster's name, so that every stack's roles are its own. */
export function stackRoleNamePrefix(clusterName: string): string {
    return `${clusterName.slice(0, 31)}-`;
}

/** The problems the fleet's plan finds in the entries, named as the stack's key names them. */
export function workloadProblems(key: string, entries: WorkloadConfig[], clusterName: string, mechanism: IdentityMechanism): string[] {
    if (entries.length === 0) {
        return [];
    }
    // The provider's ARN is not known before the cluster exists: the plan measures the trust at its longest.
    const standIn: FleetClusterArgs = mechanism === "irsa" ? { name: clusterName, oidcProviderArn: longestEksProviderArn } : { name: clusterName, podIdentityClusterName: clusterName };
    const { problem } = planFleet({
        clusters: [standIn],
        workloads: entries.map((entry) => fleetWorkloadOf(entry, clusterName, "aws")),
        roleNamePrefix: stackRoleNamePrefix(clusterName),
    });
    // The plan names fields as `workloads[<index>]...`, which is the key's own path.
    return problem === undefined ? [] : [problem.startsWith("workloads[") ? `${key}${problem.slice("workloads".length)}` : `${key}: ${problem}`];
}

/** The fleet of the stack's workloads on its cluster; undefined when the stack declares none. */
export function createStackWorkloads(name: string, entries: WorkloadConfig[], cluster: StackCluster, partition: pulumi.Input<string>, opts?: pulumi.ComponentResourceOptions): WorkloadIdentities | undefined {
    if (entries.length === 0) {
        return undefined;
    }
    return new WorkloadIdentities(
        name,
        {
            clusters: fleetClusters(cluster),
            workloads: entries.map((entry) => fleetWorkloadOf(entry, cluster.clusterName, partition)),
            roleNamePrefix: stackRoleNamePrefix(cluster.clusterName),
        },
        opts,
    );
}
