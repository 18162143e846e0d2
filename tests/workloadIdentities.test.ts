import * as assert from "node:assert/strict";

import * as pulumi from "@pulumi/pulumi";

import { mockAccountId, mockRegion, refusals, registered, registeredOfType, registeredResource, settled, uniqueName, valueOf } from "./mocks";
import { allowedByTrustPolicy } from "./iamEvaluator";
import { eksClusterArn, FleetClusterArgs, FleetWorkloadArgs, PolicyDocument, WorkloadIdentities, WorkloadIdentitiesArgs } from "../components/index";

const issuerOf = (index: number): string => `oidc.eks.us-west-2.amazonaws.com/id/${index.toString(16).toUpperCase().padStart(32, "0")}`;
const providerArnOf = (index: number): string => `arn:aws:iam::${mockAccountId}:oidc-provider/${issuerOf(index)}`;
const irsaClusters = (count: number): FleetClusterArgs[] => Array.from({ length: count }, (_, index) => ({ name: `c${index}`, oidcProviderArn: providerArnOf(index) }));
const iamLength = (document: PolicyDocument): number => JSON.stringify(document).replace(/\s/g, "").length;

const workloads: FleetWorkloadArgs[] = [
    { name: "external-dns", namespace: "kube-system", serviceAccountName: "external-dns", policyArns: ["arn:aws:iam::aws:policy/AmazonRoute53ReadOnlyAccess"] },
    { name: "reports", namespace: "apps", serviceAccountName: "reports-reader", s3Read: { bucketArns: ["arn:aws:s3:::reports-bucket"] } },
];

/** The registered role of that IAM name, among the fleet's. */
function roleNamed(fleetName: string, roleName: string): { trust: PolicyDocument; inputs: Record<string, unknown> } {
    const matches = registeredOfType("aws:iam/role:Role").filter((role) => role.name.startsWith(`${fleetName}-`) && role.inputs.name === roleName);
    assert.equal(matches.length, 1, `one role named ${roleName}`);
    return { trust: JSON.parse(matches[0].inputs.assumeRolePolicy as string) as PolicyDocument, inputs: matches[0].inputs };
}

/** Whether a token of this ServiceAccount, issued by this IRSA cluster, may assume the role. */
function irsaAssumes(trust: PolicyDocument, clusterIndex: number, namespace: string, serviceAccountName: string): Promise<boolean> {
    return allowedByTrustPolicy(trust, {
        principal: providerArnOf(clusterIndex),
        action: "sts:AssumeRoleWithWebIdentity",
        roleArn: `arn:aws:iam::${mockAccountId}:role/fleet`,
        context: { [`${issuerOf(clusterIndex)}:sub`]: `system:serviceaccount:${namespace}:${serviceAccountName}`, [`${issuerOf(clusterIndex)}:aud`]: "sts.amazonaws.com" },
    });
}

async function deploy(args: WorkloadIdentitiesArgs, opts: pulumi.ComponentResourceOptions = {}): Promise<{ fleet: WorkloadIdentities; name: string }> {
    const name = uniqueName("fleet");
    const fleet = new WorkloadIdentities(name, args, opts);
    await valueOf(fleet.summary);
    await valueOf(fleet.identities);
    await settled();
    return { fleet, name };
}

describe("WorkloadIdentities under mocks", function () {
    // Forty clusters and the evaluator's answers for each of them take a few seconds.
    this.timeout(60000);

    it("splits 40 IRSA clusters at the 2,048 limit into the fewest roles that fit, and each ServiceAccount assumes only its own workload's role", async () => {
        const { fleet, name } = await deploy({ clusters: irsaClusters(40), workloads, roleNamePrefix: "platform-" });
        const summary = await valueOf(fleet.summary);
        assert.equal(summary.rolesCreated, 20);
        assert.equal(summary.oidcProvidersNamed, 40);
        assert.equal(summary.oidcProviderQuota, 100);
        assert.deepEqual(
            summary.roles.filter((role) => role.workload === "reports").map((role) => role.roleName),
            ["platform-reports", ...Array.from({ length: 9 }, (_, index) => `platform-reports.${index + 2}`)],
        );
        for (const role of summary.roles) {
            const { trust } = roleNamed(name, role.roleName);
            assert.equal(role.trustPolicyLength, iamLength(trust));
            assert.ok(role.trustPolicyLength <= 2048 && role.trustPolicyLengthLimit === 2048, `${role.roleName}: ${role.trustPolicyLength}`);
            assert.equal(role.clusters.length, 4);
        }
        // Five clusters' trust would not fit, so ten roles per workload are the fewest.
        const first = roleNamed(name, "platform-reports").trust;
        const second = roleNamed(name, "platform-reports.2").trust;
        assert.ok(iamLength({ ...first, Statement: [...first.Statement, second.Statement[0]] }) > 2048);

        const identities = await valueOf(fleet.identities);
        for (let index = 0; index < 40; index += 1) {
            const [own, other] = [workloads[0], workloads[1]];
            for (const [workload, stranger] of [
                [own, other],
                [other, own],
            ]) {
                const identity = identities[workload.name][`c${index}`];
                assert.equal(identity.mechanism, "irsa");
                assert.deepEqual(identity.serviceAccountAnnotations, { "eks.amazonaws.com/role-arn": identity.roleArn, "eks.amazonaws.com/sts-regional-endpoints": "true" });
                assert.deepEqual(identity.associationIds, []);
                const { trust } = roleNamed(name, identity.roleName);
                assert.equal(await irsaAssumes(trust, index, workload.namespace!, workload.serviceAccountName!), true, `${workload.name} on c${index}`);
                assert.equal(await irsaAssumes(trust, index, stranger.namespace!, stranger.serviceAccountName!), false, `${stranger.name} on c${index}`);
                // Nor may the same ServiceAccount reach the role through a cluster of another group.
                assert.equal(await irsaAssumes(trust, (index + 4) % 40, workload.namespace!, workload.serviceAccountName!), false);
            }
        }
        // The roles carry the workload's permissions, whatever group they trust.
        assert.deepEqual(
            registeredOfType("aws:iam/rolePolicyAttachment:RolePolicyAttachment").filter((attachment) => attachment.name.startsWith(`${name}-external-dns`)).length,
            10,
        );
        assert.equal(roleNamed(name, "platform-reports.7").inputs.description, "IRSA role of workload reports, trust group 7");
    });

    it("leaves every existing role's trust unchanged when a 41st cluster is added, and gives the new one a role of its own", async () => {
        const before = await deploy({ clusters: irsaClusters(40), workloads, roleNamePrefix: "platform-" });
        const after = await deploy({ clusters: irsaClusters(41), workloads, roleNamePrefix: "platform-" });
        const beforeRoles = (await valueOf(before.fleet.summary)).roles;
        const afterRoles = (await valueOf(after.fleet.summary)).roles;
        for (const role of beforeRoles) {
            assert.deepEqual(roleNamed(after.name, role.roleName).trust, roleNamed(before.name, role.roleName).trust, role.roleName);
            assert.deepEqual(afterRoles.find((each) => each.roleName === role.roleName)?.clusters, role.clusters);
        }
        const added = afterRoles.filter((role) => !beforeRoles.some((each) => each.roleName === role.roleName));
        assert.deepEqual(
            added.map((role) => [role.roleName, role.clusters]),
            [
                ["platform-external-dns.11", ["c40"]],
                ["platform-reports.11", ["c40"]],
            ],
        );
        const identities = await valueOf(after.fleet.identities);
        assert.equal(identities.reports.c40.roleName, "platform-reports.11");
        assert.equal(identities.reports.c39.roleName, "platform-reports.10");
    });

    it("serves a fleet mixing IRSA and Pod Identity clusters in two regions, creating ServiceAccounts where it has a kubeconfig", async () => {
        const providers: Record<string, unknown> = {};
        const { fleet, name } = await deploy(
            {
                clusters: [
                    { name: "blue", oidcProviderArn: providerArnOf(100), kubeconfig: "blue-kubeconfig" },
                    { name: "green", oidcProviderArn: providerArnOf(101) },
                    { name: "west", podIdentityClusterName: "west-cluster", kubeconfig: "west-kubeconfig" },
                    { name: "east", podIdentityClusterName: "east-cluster", region: "us-east-1" },
                ],
                workloads: [{ name: "reports", clusters: ["blue", "west", "east"] }, { name: "dns" }],
                defaults: { namespace: "apps", serviceAccountName: "reports-reader", tags: { team: "platform" } },
            },
            {
                transformations: [
                    ({ type, name: childName, opts }) => {
                        if (type === "kubernetes:core/v1:ServiceAccount") {
                            providers[childName] = opts.provider;
                        }
                        return undefined;
                    },
                ],
            },
        );
        const identities = await valueOf(fleet.identities);
        assert.deepEqual(Object.keys(identities.reports).sort(), ["blue", "east", "west"]);
        assert.equal(identities.reports.blue.mechanism, "irsa");
        assert.equal(identities.reports.west.mechanism, "pod-identity");
        assert.equal(identities.reports.west.roleName, "reports.pod-identity");
        assert.equal(identities.reports.east.roleArn, identities.reports.west.roleArn);
        assert.deepEqual(identities.reports.east.serviceAccountAnnotations, {});
        assert.equal(identities.reports.east.associationIds.length, 1);
        assert.notEqual(identities.reports.east.associationIds[0], identities.reports.west.associationIds[0]);

        // One association per cluster, managed in that cluster's region.
        const associations = registeredOfType("aws:eks/podIdentityAssociation:PodIdentityAssociation").filter((each) => each.name.startsWith(`${name}-reports-`));
        assert.deepEqual(associations.map((each) => [each.inputs.clusterName, each.inputs.region, each.inputs.namespace, each.inputs.serviceAccount]), [
            ["west-cluster", undefined, "apps", "reports-reader"],
            ["east-cluster", "us-east-1", "apps", "reports-reader"],
        ]);
        const { trust } = roleNamed(name, "reports.pod-identity");
        const westArn = eksClusterArn("aws", mockRegion, mockAccountId, "west-cluster");
        const eastArn = eksClusterArn("aws", "us-east-1", mockAccountId, "east-cluster");
        for (const clusterArn of [westArn, eastArn]) {
            const ask = (namespace: string, serviceAccount: string) =>
                allowedByTrustPolicy(trust, {
                    principal: "pods.eks.amazonaws.com",
                    action: "sts:AssumeRole",
                    roleArn: `arn:aws:iam::${mockAccountId}:role/reports.pod-identity`,
                    context: {
                        "aws:SourceAccount": mockAccountId,
                        "aws:RequestTag/eks-cluster-arn": clusterArn,
                        "aws:RequestTag/kubernetes-namespace": namespace,
                        "aws:RequestTag/kubernetes-service-account": serviceAccount,
                    },
                });
            assert.equal(await ask("apps", "reports-reader"), true);
            assert.equal(await ask("apps", "other"), false);
        }

        // ServiceAccounts on the clusters with a kubeconfig only, each through its own cluster's provider.
        const serviceAccounts = registeredOfType("kubernetes:core/v1:ServiceAccount").filter((each) => each.name.startsWith(`${name}-`));
        assert.deepEqual(serviceAccounts.map((each) => each.name).sort(), [`${name}-dns-blue`, `${name}-dns-west`, `${name}-reports-blue`, `${name}-reports-west`]);
        const blue = registeredResource("kubernetes:core/v1:ServiceAccount", `${name}-reports-blue`);
        assert.deepEqual((blue.inputs.metadata as { annotations: unknown }).annotations, identities.reports.blue.serviceAccountAnnotations);
        assert.deepEqual((registeredResource("kubernetes:core/v1:ServiceAccount", `${name}-reports-west`).inputs.metadata as { annotations: unknown }).annotations, {});
        assert.equal(registeredResource("pulumi:providers:kubernetes", `${name}-blue`).inputs.kubeconfig, "blue-kubeconfig");
        assert.equal(registeredResource("pulumi:providers:kubernetes", `${name}-west`).inputs.kubeconfig, "west-kubeconfig");
        assert.ok(blue.provider?.includes(`${name}-blue`), blue.provider);
        assert.ok(registeredResource("kubernetes:core/v1:ServiceAccount", `${name}-dns-west`).provider?.includes(`${name}-west`));
        assert.equal(registered.filter((each) => each.type === "pulumi:providers:kubernetes" && each.name.startsWith(`${name}-`)).length, 2);
        assert.deepEqual(roleNamed(name, "dns").inputs.tags, { team: "platform" });
    });

    it("binds a workload's existing role on every cluster without creating or splitting roles, naming what its owner must add", async () => {
        const existing = `arn:aws:iam::${mockAccountId}:role/payments-api`;
        const { fleet, name } = await deploy({
            clusters: [...irsaClusters(3), { name: "west", podIdentityClusterName: "west-cluster" }],
            workloads: [{ name: "payments", namespace: "payments", serviceAccountName: "api", roleArn: existing }],
        });
        const identities = await valueOf(fleet.identities);
        assert.deepEqual(new Set(Object.values(identities.payments).map((identity) => identity.roleArn)), new Set([existing]));
        assert.deepEqual(
            registeredOfType("aws:iam/role:Role").filter((role) => role.name.startsWith(`${name}-`)).map((role) => role.readId),
            ["payments-api", "payments-api"],
        );
        const summary = await valueOf(fleet.summary);
        assert.deepEqual(summary.roles.map((role) => [role.roleName, role.clusters.length]), [
            ["payments-api", 3],
            ["payments-api", 1],
        ]);
    });

    it("refuses bad input before it creates anything", async () => {
        const check = refusals("eks-irsa:index:WorkloadIdentities");
        check.assertRefused(
            (refusedName) => new WorkloadIdentities(refusedName, { clusters: irsaClusters(3), workloads: [...workloads, { name: "late", namespace: "a", serviceAccountName: "b", clusters: ["c9"] }] }),
            /workloads\[2\] \(late\)\.clusters\[0\] "c9" is invalid: no cluster of the fleet has that name/,
        );
        check.assertRefused(
            (refusedName) => new WorkloadIdentities(refusedName, { clusters: irsaClusters(3), workloads: [...workloads, { name: "reports", namespace: "a", serviceAccountName: "b" }] }),
            /workloads\[2\]\.name "reports" is invalid: workloads\[1\] has that name already/,
        );
        await check.assertNoChildRegistered();
    });
});
