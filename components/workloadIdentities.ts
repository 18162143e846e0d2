/**
 * A platform's workload identities as data: many workloads on many clusters, each workload one role
 * where its trust fits and as many as it needs where it does not. Wiring only: the plan (fleet/plan.ts)
 * decides every role and its clusters, the bindings build each role as they always do, and the fleet
 * puts the ServiceAccounts on the clusters it can reach.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

import { failOn } from "./bindingArgs";
import { FleetRoleSummary, FleetSummary, WorkloadClusterIdentity, WorkloadIdentitiesArgs } from "./fleet/args";
import { defaultFleetRoleDescription } from "./fleet/naming";
import { oidcProviderQuota, oidcProvidersNamed, PlannedCluster, PlannedRole, PlannedWorkload, planFleet } from "./fleet/plan";
import { IrsaBinding } from "./irsaBinding";
import { PodIdentityBinding } from "./podIdentityBinding";
import { policyLength, PolicyDocument } from "./policy";
import { createServiceAccountObjects, irsaServiceAccountAnnotations, managesKubernetes, ServiceAccountMode } from "./serviceAccount";

/** A role of the fleet as built: its binding, and per trusted cluster the association IDs it has there. */
interface BuiltRole {
    planned: PlannedRole;
    roleArn: pulumi.Output<string>;
    roleName: pulumi.Output<string>;
    trustPolicy: pulumi.Output<string>;
    associationIds: Map<string, pulumi.Output<string>[]>;
}

/**
 * The workload identities of a platform: `workloads` on `clusters` (IRSA, EKS Pod Identity, or both),
 * with `defaults` for what workloads share. Each workload gets one role per group of IRSA clusters whose
 * trust fits `trustPolicyLengthLimit` (adding a cluster never moves another to a new role) and one role
 * for all its Pod Identity clusters, named `<roleNamePrefix><workload>` and a suffix; the ServiceAccounts
 * are created or annotated on every cluster with a `kubeconfig`, and otherwise their annotations
 * are in `identities`.
 *
 * AWS resources go through the AWS provider of `opts`, the account of every cluster.
 */
export class WorkloadIdentities extends pulumi.ComponentResource {
    /** Per workload, per cluster: the role the workload's pods get there, the ServiceAccount's annotations, the associations. */
    public readonly identities: pulumi.Output<{ [key: string]: { [key: string]: WorkloadClusterIdentity } }>;
    /** The roles created, each trust policy's length against the limit, and the OIDC providers named against the account's quota. */
    public readonly summary: pulumi.Output<FleetSummary>;

    constructor(name: string, args: WorkloadIdentitiesArgs, opts?: pulumi.ComponentResourceOptions) {
        super("eks-irsa:index:WorkloadIdentities", name, {}, opts);

        const { plan, problem } = planFleet(args);
        failOn(this, problem);
        const fleet = plan!;
        const clusters = new Map(fleet.clusters.map((cluster) => [cluster.name, cluster]));
        const providersNamed = oidcProvidersNamed(fleet);
        if (providersNamed > oidcProviderQuota) {
            pulumi.log.warn(`the fleet names ${providersNamed} OIDC providers, over IAM's default quota of ${oidcProviderQuota} per account: ask for a raise, or move clusters to EKS Pod Identity`, this);
        }

        const built = fleet.workloads.map((workload) => ({
            workload,
            roles: workload.roles.map((role) => this.bindRole(name, workload, role, clusters, fleet.trustPolicyLengthLimit)),
        }));
        const kubernetesProviders = new Map<string, k8s.Provider>();
        // One provider per cluster, made only where some workload puts a ServiceAccount there.
        const providerOf = (cluster: PlannedCluster): k8s.Provider => {
            let provider = kubernetesProviders.get(cluster.name);
            if (provider === undefined) {
                provider = new k8s.Provider(`${name}-${cluster.name}`, { kubeconfig: cluster.kubeconfig }, { parent: this });
                kubernetesProviders.set(cluster.name, provider);
            }
            return provider;
        };
        for (const { workload, roles } of built) {
            this.placeServiceAccounts(name, workload, roles, clusters, providerOf);
        }

        this.identities = pulumi.output(
            Object.fromEntries(
                built.map(({ workload, roles }) => [
                    workload.name,
                    Object.fromEntries(
                        workload.clusters.map((clusterName) => {
                            const role = roles.find((each) => each.planned.clusters.includes(clusterName)) as BuiltRole;
                            const irsa = role.planned.place.mechanism === "irsa";
                            const identity = {
                                mechanism: role.planned.place.mechanism,
                                roleArn: role.roleArn,
                                roleName: role.roleName,
                                serviceAccountAnnotations: irsa ? role.roleArn.apply((roleArn) => irsaServiceAccountAnnotations(roleArn) as { [key: string]: string }) : {},
                                associationIds: role.associationIds.get(clusterName) ?? [],
                            };
                            return [clusterName, identity];
                        }),
                    ),
                ]),
            ),
        ) as pulumi.Output<{ [key: string]: { [key: string]: WorkloadClusterIdentity } }>;
        const roleSummaries = built.flatMap(({ workload, roles }) =>
            roles.map((role) =>
                pulumi.all([role.roleName, role.trustPolicy]).apply(
                    ([roleName, trustPolicy]): FleetRoleSummary => ({
                        workload: workload.name,
                        roleName,
                        mechanism: role.planned.place.mechanism,
                        clusters: role.planned.clusters,
                        trustPolicyLength: policyLength(JSON.parse(trustPolicy) as PolicyDocument),
                        trustPolicyLengthLimit: fleet.trustPolicyLengthLimit,
                    }),
                ),
            ),
        );
        this.summary = pulumi.all(roleSummaries).apply((roles) => ({ rolesCreated: roles.length, roles, oidcProvidersNamed: providersNamed, oidcProviderQuota }));
        this.registerOutputs({ identities: this.identities, summary: this.summary });
    }

    /** The binding of one of a workload's roles: IRSA for a group of clusters, or Pod Identity for all of its Pod Identity clusters. */
    private bindRole(name: string, workload: PlannedWorkload, role: PlannedRole, clusters: Map<string, PlannedCluster>, lengthLimit: number): BuiltRole {
        const trusted = role.clusters.map((clusterName) => clusters.get(clusterName) as PlannedCluster);
        // The bindings leave Kubernetes to the fleet, which knows each cluster's provider.
        const existingRole = workload.bindingArgs.roleArn !== undefined;
        const common = {
            ...workload.bindingArgs,
            serviceAccountMode: "none",
            reader: { enabled: false },
            // An existing role keeps its owner's name and description.
            roleName: existingRole ? undefined : role.roleName,
            description: existingRole ? undefined : (workload.bindingArgs.description ?? defaultFleetRoleDescription(workload.name, role.place)),
            trustPolicyLengthLimit: lengthLimit,
        };
        const opts = { parent: this };
        if (role.place.mechanism === "irsa") {
            const [first, ...others] = trusted;
            const binding = new IrsaBinding(
                `${name}-${workload.name}${role.place.group === 0 ? "" : `-${role.place.group + 1}`}`,
                { ...common, oidcProviderArn: first.oidcProviderArn!, additionalOidcProviderArns: others.map((cluster) => cluster.oidcProviderArn!) },
                opts,
            );
            return { planned: role, roleArn: binding.roleArn, roleName: binding.roleName, trustPolicy: binding.trustPolicy, associationIds: new Map() };
        }
        const [first, ...others] = trusted;
        const binding = new PodIdentityBinding(
            `${name}-${workload.name}-pod-identity`,
            {
                ...common,
                clusterName: first.podIdentityClusterName!,
                clusterRegion: first.region,
                additionalClusters: others.map((cluster) => ({ clusterName: cluster.podIdentityClusterName!, region: cluster.region })),
            },
            opts,
        );
        // The binding's associations are per cluster, then per ServiceAccount.
        const perCluster = 1 + (workload.bindingArgs.additionalServiceAccounts ?? []).length;
        const associationIds = new Map(
            role.clusters.map((clusterName, index) => [clusterName, binding.associations.slice(index * perCluster, (index + 1) * perCluster).map((association) => association.associationId)]),
        );
        return { planned: role, roleArn: binding.roleArn, roleName: binding.roleName, trustPolicy: binding.trustPolicy, associationIds };
    }

    /** The workload's ServiceAccount on each of its clusters the fleet can reach, with the annotations of that cluster's role. */
    private placeServiceAccounts(
        name: string,
        workload: PlannedWorkload,
        roles: BuiltRole[],
        clusters: Map<string, PlannedCluster>,
        providerOf: (cluster: PlannedCluster) => k8s.Provider,
    ): void {
        const mode = workload.serviceAccountMode as ServiceAccountMode;
        if (!managesKubernetes(mode)) {
            return;
        }
        for (const clusterName of workload.clusters) {
            const cluster = clusters.get(clusterName) as PlannedCluster;
            if (cluster.kubeconfig === undefined) {
                continue;
            }
            const role = roles.find((each) => each.planned.clusters.includes(clusterName)) as BuiltRole;
            const annotations = role.planned.place.mechanism === "irsa" ? irsaServiceAccountAnnotations(role.roleArn) : {};
            createServiceAccountObjects(
                this,
                `${name}-${workload.name}-${clusterName}`,
                mode,
                { namespace: workload.namespace, name: workload.serviceAccountName, annotations },
                providerOf(cluster),
            );
        }
    }
}
