/**
 * A fleet's arguments checked and planned, with no resource: each workload merged with the defaults,
 * its clusters resolved, its IRSA clusters grouped so each group's trust fits, and its roles named.
 * Every problem names the cluster or workload (by index and key) and the field, before anything is created.
 */
import type * as pulumi from "@pulumi/pulumi";

import { AddonInputError, selectAddon, SelectedAddon, withAddon } from "../bindingAddon";
import { AddonEntries, BindingArgs, checkBindingShape } from "../bindingArgs";
import { isPlain } from "../eventually";
import { ServiceAccountSubject } from "../subjects";
import { defaultTrustPolicyLengthLimit, maxTrustPolicyLengthLimit } from "../trust";
import { checkClusterName, checkNamespace, checkOidcProviderArn, checkRegion, checkServiceAccountName, integerBetween, parseOidcProviderArn, roleNameOfArn } from "../validation";
import { FleetClusterArgs, FleetWorkloadArgs, WorkloadDefaultsArgs, WorkloadIdentitiesArgs } from "./args";
import { checkFleetWorkloadName, checkFleetRoleNamePrefix, fleetRoleName, RolePlace } from "./naming";
import { irsaTrustLength, longestEksProviderArn, shardTrust, shortestPodIdentityTrustLength } from "./sharding";

/** The audience of the IRSA tokens the fleet's roles admit (EKS's webhook default). */
export const fleetAudience = "sts.amazonaws.com";

/** IAM's default quota of OIDC identity providers per account. */
export const oidcProviderQuota = 100;

/** A cluster of the fleet, checked. */
export interface PlannedCluster {
    name: string;
    mechanism: "irsa" | "pod-identity";
    oidcProviderArn?: pulumi.Input<string>;
    podIdentityClusterName?: pulumi.Input<string>;
    region?: string;
    kubeconfig?: pulumi.Input<string>;
}

/** One role of a workload: where it stands, its name, and the clusters it trusts. */
export interface PlannedRole {
    place: RolePlace;
    /** The role's name; with `roleArn`, the existing role's (empty while its ARN is not known). */
    roleName: string;
    /** Keys of the clusters it trusts, in the fleet's order. */
    clusters: string[];
    /** The trust's length as planned (IRSA; a provider not known yet measured at its longest); undefined for Pod Identity and existing roles. */
    plannedTrustPolicyLength?: number;
}

/** A workload merged with the defaults, checked, with its roles. */
export interface PlannedWorkload {
    name: string;
    /** The arguments each of its bindings shares: the merged fields, as a binding takes them. */
    bindingArgs: BindingArgs;
    namespace: string;
    serviceAccountName: string;
    serviceAccountMode: string;
    /** Keys of its clusters, in the fleet's order. */
    clusters: string[];
    roles: PlannedRole[];
}

/** The whole fleet, planned. */
export interface FleetPlan {
    clusters: PlannedCluster[];
    workloads: PlannedWorkload[];
    trustPolicyLengthLimit: number;
}

function definedFields<T extends object>(value: T): Partial<T> {
    return Object.fromEntries(Object.entries(value).filter(([, field]) => field !== undefined)) as Partial<T>;
}

/** A workload with the defaults for what it leaves out; tags are the defaults' and the workload's together. */
export function mergeWorkload(defaults: WorkloadDefaultsArgs, workload: FleetWorkloadArgs): FleetWorkloadArgs {
    const tags = defaults.tags === undefined && workload.tags === undefined ? undefined : { ...defaults.tags, ...workload.tags };
    return { ...definedFields(defaults), ...definedFields(workload), ...(tags === undefined ? {} : { tags }) } as FleetWorkloadArgs;
}

function checkCluster(field: string, cluster: FleetClusterArgs): string | undefined {
    const hasIrsa = cluster.oidcProviderArn !== undefined;
    const hasPodIdentity = cluster.podIdentityClusterName !== undefined;
    if (hasIrsa === hasPodIdentity) {
        return `${field} (${cluster.name}) is invalid: give exactly one of oidcProviderArn (an IRSA cluster) and podIdentityClusterName (an EKS Pod Identity cluster)`;
    }
    if (hasIrsa && cluster.region !== undefined) {
        return `${field}.region is invalid: the region of an IRSA cluster is its OIDC provider's; region is for Pod Identity clusters`;
    }
    if (hasIrsa) {
        return typeof cluster.oidcProviderArn === "string" ? checkOidcProviderArn(`${field}.oidcProviderArn`, cluster.oidcProviderArn) : undefined;
    }
    if (hasPodIdentity && typeof cluster.podIdentityClusterName === "string") {
        const problem = checkClusterName(`${field}.podIdentityClusterName`, cluster.podIdentityClusterName);
        if (problem !== undefined) {
            return problem;
        }
    }
    return cluster.region === undefined ? undefined : checkRegion(`${field}.region`, cluster.region);
}

/** The first problem of the fleet's clusters. */
export function checkClusters(clusters: readonly FleetClusterArgs[]): string | undefined {
    if (clusters.length === 0) {
        return "clusters is invalid: a fleet names at least one cluster";
    }
    for (const [index, cluster] of clusters.entries()) {
        const field = `clusters[${index}]`;
        const problem = checkClusterName(`${field}.name`, cluster.name) ?? checkCluster(field, cluster);
        if (problem !== undefined) {
            return problem;
        }
        const earlier = clusters.findIndex((other) => other.name === cluster.name);
        if (earlier !== index) {
            return `${field}.name ${JSON.stringify(cluster.name)} is invalid: clusters[${earlier}] has that name already; each cluster's name is its key`;
        }
        const sameProvider = clusters.findIndex((other) => typeof other.oidcProviderArn === "string" && other.oidcProviderArn === cluster.oidcProviderArn);
        if (typeof cluster.oidcProviderArn === "string" && sameProvider !== index) {
            return `${field}.oidcProviderArn is invalid: clusters[${sameProvider}] (${clusters[sameProvider].name}) has the same OIDC provider; each cluster has its own`;
        }
        const sameCluster = clusters.findIndex(
            (other) => typeof other.podIdentityClusterName === "string" && other.podIdentityClusterName === cluster.podIdentityClusterName && other.region === cluster.region,
        );
        if (typeof cluster.podIdentityClusterName === "string" && sameCluster !== index) {
            return `${field}.podIdentityClusterName is invalid: clusters[${sameCluster}] (${clusters[sameCluster].name}) names the same EKS cluster`;
        }
    }
    return undefined;
}

function checkClusterKeys(field: string, keys: readonly string[], known: readonly string[]): string | undefined {
    if (keys.length === 0) {
        return `${field} is invalid: a workload runs on at least one cluster; name one, or leave clusters out for every cluster`;
    }
    for (const [index, key] of keys.entries()) {
        if (!known.includes(key)) {
            return `${field}[${index}] ${JSON.stringify(key)} is invalid: no cluster of the fleet has that name (the clusters are ${known.join(", ")})`;
        }
        if (keys.indexOf(key) !== index) {
            return `${field}[${index}] ${JSON.stringify(key)} is invalid: each cluster may be named only once`;
        }
    }
    return undefined;
}

/**
 * The workload with its `addon` applied as the bindings apply theirs (the same functions): the add-on's
 * permissions first, its ServiceAccount where the workload names none, and which entries are the
 * add-on's, whose opt-in covers them alone. The fleet checks and places the result; its bindings get
 * the workload's own permissions and `addon`, and merge and judge them as any binding does.
 */
function applyAddon(named: string, workload: FleetWorkloadArgs): { workload: FleetWorkloadArgs; entries?: AddonEntries; problem?: string } {
    let selected: SelectedAddon | undefined;
    try {
        selected = selectAddon(workload.addon);
    } catch (error) {
        if (error instanceof AddonInputError) {
            return { workload, problem: `${named}: ${error.message}` };
        }
        throw error;
    }
    const merged = withAddon({ ...workload, addon: undefined } as FleetWorkloadArgs & BindingArgs, selected);
    return { workload: merged.args as FleetWorkloadArgs, entries: merged.entries };
}

/** The first problem of a workload merged with the defaults, its field names as the workload's. */
function checkWorkload(field: string, workload: FleetWorkloadArgs, clusterKeys: readonly string[], addon: AddonEntries | undefined): string | undefined {
    const named = `${field} (${workload.name})`;
    if (workload.namespace === undefined) {
        return `${named}.namespace is missing: give the workload's namespace, or defaults.namespace`;
    }
    if (workload.serviceAccountName === undefined) {
        return `${named}.serviceAccountName is missing: give the workload's ServiceAccount name, or defaults.serviceAccountName`;
    }
    // The trust is measured before any Output is known, so the names that go into it must be plain.
    const plainProblem = [
        checkNamespace(`${named}.namespace`, workload.namespace),
        checkServiceAccountName(`${named}.serviceAccountName`, workload.serviceAccountName),
        workload.clusters === undefined ? undefined : checkClusterKeys(`${named}.clusters`, workload.clusters, clusterKeys),
    ].find((problem) => problem !== undefined);
    if (plainProblem !== undefined) {
        return plainProblem;
    }
    const { problem } = checkBindingShape(bindingArgsOf(workload), addon);
    return problem === undefined ? undefined : `${named}: ${problem}`;
}

/** The arguments a workload's bindings share: the fleet's bindings leave Kubernetes to the fleet, which knows each cluster's provider. */
function bindingArgsOf(workload: FleetWorkloadArgs): BindingArgs {
    return {
        namespace: workload.namespace as string,
        serviceAccountName: workload.serviceAccountName as string,
        additionalServiceAccounts: workload.additionalServiceAccounts,
        s3Read: workload.s3Read,
        policyStatements: workload.policyStatements,
        policyArns: workload.policyArns,
        allowBroadPermissions: workload.allowBroadPermissions,
        tags: workload.tags,
        serviceAccountMode: workload.serviceAccountMode,
        description: workload.description,
        roleArn: workload.roleArn,
    };
}

/** A cluster as sharding measures it: by its provider's ARN, or where that is not known yet, by the longest an EKS one can be. */
function measuredCluster(cluster: PlannedCluster): { name: string; measuredProviderArn: string } {
    const known = isPlain(cluster.oidcProviderArn) && parseOidcProviderArn(cluster.oidcProviderArn as string) !== undefined;
    return { name: cluster.name, measuredProviderArn: known ? (cluster.oidcProviderArn as string) : longestEksProviderArn };
}

/** The fleet checked and planned, or its first problem. */
export function planFleet(args: WorkloadIdentitiesArgs): { plan?: FleetPlan; problem?: string } {
    const prefix = args.roleNamePrefix ?? "";
    const lengthLimit = args.trustPolicyLengthLimit ?? defaultTrustPolicyLengthLimit;
    const defaults = args.defaults ?? {};
    const fleetProblem =
        checkFleetRoleNamePrefix("roleNamePrefix", prefix) ??
        integerBetween(defaultTrustPolicyLengthLimit, maxTrustPolicyLengthLimit)("trustPolicyLengthLimit", lengthLimit) ??
        checkClusters(args.clusters);
    if (fleetProblem !== undefined) {
        return { problem: fleetProblem };
    }
    const clusterKeys = args.clusters.map((cluster) => cluster.name);
    if (defaults.clusters !== undefined) {
        const problem = checkClusterKeys("defaults.clusters", defaults.clusters, clusterKeys);
        if (problem !== undefined) {
            return { problem };
        }
    }
    const clusters: PlannedCluster[] = args.clusters.map((cluster) => ({
        name: cluster.name,
        mechanism: cluster.oidcProviderArn !== undefined ? "irsa" : "pod-identity",
        oidcProviderArn: cluster.oidcProviderArn,
        podIdentityClusterName: cluster.podIdentityClusterName,
        region: cluster.region,
        kubeconfig: cluster.kubeconfig,
    }));
    const workloads: PlannedWorkload[] = [];
    const roleOwners = new Map<string, string>();
    for (const [index, given] of args.workloads.entries()) {
        const field = `workloads[${index}]`;
        const nameProblem = checkFleetWorkloadName(`${field}.name`, given.name);
        if (nameProblem !== undefined) {
            return { problem: nameProblem };
        }
        const earlier = args.workloads.findIndex((other) => other.name === given.name);
        if (earlier !== index) {
            return { problem: `${field}.name ${JSON.stringify(given.name)} is invalid: workloads[${earlier}] has that name already; each workload's name is its key` };
        }
        const withDefaults = mergeWorkload(defaults, given);
        const withItsAddon = applyAddon(`${field} (${given.name})`, withDefaults);
        if (withItsAddon.problem !== undefined) {
            return { problem: withItsAddon.problem };
        }
        const workload = withItsAddon.workload;
        const problem = checkWorkload(field, workload, clusterKeys, withItsAddon.entries);
        if (problem !== undefined) {
            return { problem };
        }
        const own = new Set(workload.clusters ?? clusterKeys);
        const onClusters = clusters.filter((cluster) => own.has(cluster.name));
        const subjects: ServiceAccountSubject[] = [
            { namespace: workload.namespace as string, serviceAccountName: workload.serviceAccountName as string },
            ...(workload.additionalServiceAccounts ?? []),
        ];
        const irsaClusters = onClusters.filter((cluster) => cluster.mechanism === "irsa");
        const roleNameOf = (place: RolePlace): string =>
            workload.roleArn === undefined ? fleetRoleName(prefix, given.name, place) : typeof workload.roleArn === "string" ? roleNameOfArn(workload.roleArn) : "";
        // An existing role is not split: its owner adds every statement, and the bindings check their length.
        const sharded: { groups: { clusters: string[]; trustPolicyLength?: number }[]; problem?: string } =
            workload.roleArn !== undefined
                ? { groups: irsaClusters.length === 0 ? [] : [{ clusters: irsaClusters.map((cluster) => cluster.name) }] }
                : shardTrust(irsaClusters.map(measuredCluster), subjects, fleetAudience, lengthLimit);
        const existingTrustLength = workload.roleArn === undefined ? 0 : irsaTrustLength(irsaClusters.map(measuredCluster).map((cluster) => cluster.measuredProviderArn), subjects, fleetAudience);
        if (irsaClusters.length > 0 && existingTrustLength > lengthLimit) {
            return {
                problem:
                    `${field} (${given.name}).roleArn is invalid: the trust statements of an existing role for its ${irsaClusters.length} IRSA clusters are ${existingTrustLength} characters, over the limit of ${lengthLimit}, ` +
                    "so its owner could not add them and the fleet does not split a role it did not create; run the workload on fewer clusters, or leave out roleArn so the fleet creates the roles",
            };
        }
        if (sharded.problem !== undefined) {
            return { problem: `${field} (${given.name}): ${sharded.problem}` };
        }
        const roles: PlannedRole[] = sharded.groups.map((group, groupIndex) => {
            const place: RolePlace = { mechanism: "irsa", group: groupIndex };
            return { place, roleName: roleNameOf(place), clusters: group.clusters, plannedTrustPolicyLength: group.trustPolicyLength };
        });
        const podIdentityClusters = onClusters.filter((cluster) => cluster.mechanism === "pod-identity");
        if (podIdentityClusters.length > 0) {
            // One role trusts every Pod Identity cluster of the workload: refuse now what IAM would refuse at any length of the unknowns.
            const shortest = shortestPodIdentityTrustLength(podIdentityClusters.map((cluster) => ({ clusterName: cluster.podIdentityClusterName, region: cluster.region })), subjects);
            if (shortest !== undefined && shortest > lengthLimit) {
                return {
                    problem:
                        `${field} (${given.name}).clusters is invalid: its Pod Identity role would trust ${podIdentityClusters.length} clusters with a trust policy of at least ${shortest} characters, over the limit of ${lengthLimit}; ` +
                        "run the workload on fewer Pod Identity clusters (split it into workloads by cluster), trust fewer ServiceAccounts, or raise the IAM quota \"Role trust policy length\" and set trustPolicyLengthLimit",
                };
            }
            const place: RolePlace = { mechanism: "pod-identity" };
            roles.push({ place, roleName: roleNameOf(place), clusters: podIdentityClusters.map((cluster) => cluster.name) });
        }
        for (const role of workload.roleArn === undefined ? roles : []) {
            // IAM role names are unique per account regardless of case.
            const key = role.roleName.toLowerCase();
            const owner = roleOwners.get(key);
            if (owner !== undefined) {
                return { problem: `${field}.name ${JSON.stringify(given.name)} is invalid: its role ${role.roleName} has the name of a role of workload ${owner}; rename one of them` };
            }
            roleOwners.set(key, given.name);
        }
        workloads.push({
            name: given.name,
            // The add-on's ServiceAccount as the fleet placed it; its permissions merged again by each binding, under their own opt-ins.
            bindingArgs: { ...bindingArgsOf(workload), policyArns: withDefaults.policyArns, policyStatements: withDefaults.policyStatements, addon: withDefaults.addon },
            namespace: workload.namespace as string,
            serviceAccountName: workload.serviceAccountName as string,
            serviceAccountMode: workload.serviceAccountMode ?? "create",
            clusters: onClusters.map((cluster) => cluster.name),
            roles,
        });
    }
    return { plan: { clusters, workloads, trustPolicyLengthLimit: lengthLimit } };
}

/** How many distinct OIDC providers the fleet's IRSA clusters name (each IRSA cluster has its own). */
export function oidcProvidersNamed(plan: FleetPlan): number {
    return plan.clusters.filter((cluster) => cluster.mechanism === "irsa").length;
}
