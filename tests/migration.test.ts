/**
 * Updates of a deployed stack, checked the way the engine would carry them out: the program runs for
 * the stack as deployed and then as changed, and every resource of the second run is matched to the
 * first by URN or alias. What is neither kept nor aliased would be created, what is left over deleted.
 */
import * as assert from "node:assert/strict";

import { IdentityMechanism } from "../program/config";
import { bindingAliases, clusterRenameProblem, identityPlan, selfReferenceName } from "../program/migration";
import { awsNodeMechanismAnnotation } from "../program/vpcCniRole";
import { mockAccountId, mockRegion, valueOf } from "./mocks";
import { configOf, Deployment, PlannedResource, planStack, updatePlan, UpdatePlan } from "./programRun";

type Json = Record<string, unknown>;

/** The Kubernetes identity of a registered object: what `AlreadyExists` is about. */
function kubernetesIdentity(deployment: Deployment, resource: PlannedResource): string | undefined {
    if (!resource.type.startsWith("kubernetes:") || resource.type.startsWith("kubernetes:core/v1:Namespace")) {
        return undefined;
    }
    const registered = deployment.resources.find((candidate) => candidate.type === resource.type && candidate.name === resource.name);
    const metadata = (registered?.inputs.metadata ?? {}) as { name?: string; namespace?: string };
    return `${resource.type.split(":")[2]} ${metadata.namespace}/${metadata.name}`;
}

function names(resources: PlannedResource[]): string[] {
    return resources.map((resource) => `${resource.type} ${resource.name}`).sort();
}

async function trustOf(deployment: Deployment, binding: "reader" | "vpcCni"): Promise<Json[]> {
    const target = binding === "reader" ? deployment.infra.binding : deployment.infra.vpcCniBinding.binding;
    return (JSON.parse(await valueOf(target.trustPolicy)) as { Statement: Json[] }).Statement;
}

const issuer = `oidc.eks.${mockRegion}.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE`;

function trustsOidc(statements: Json[]): boolean {
    return statements.some((statement) => JSON.stringify(statement.Principal) === JSON.stringify({ Federated: `arn:aws:iam::${mockAccountId}:oidc-provider/${issuer}` }));
}

function trustsPodIdentity(statements: Json[]): boolean {
    return statements.some((statement) => JSON.stringify(statement.Principal) === JSON.stringify({ Service: "pods.eks.amazonaws.com" }));
}

const switches: [IdentityMechanism, IdentityMechanism][] = [
    ["irsa", "pod-identity"],
    ["pod-identity", "irsa"],
];

for (const [from, to] of switches) {
    describe(`switching identityMechanism from ${from} to ${to} on a deployed stack`, () => {
        let deployed: { deployment: Deployment; planned: PlannedResource[] };
        let during: { deployment: Deployment; planned: PlannedResource[] };
        let after: { deployment: Deployment; planned: PlannedResource[] };
        let switching: UpdatePlan;
        let settling: UpdatePlan;
        before(async () => {
            deployed = await planStack(configOf("dev", { identityMechanism: from }));
            during = await planStack(configOf("dev", { identityMechanism: to, identityMechanismTransition: "true" }));
            after = await planStack(configOf("dev", { identityMechanism: to }));
            switching = updatePlan(deployed.planned, during.planned);
            settling = updatePlan(during.planned, after.planned);
        });

        it("updates the bindings in place through their aliases: the roles keep their ARNs, the ServiceAccount and Deployment are not created again", async () => {
            const aliased = switching.aliased.map(({ to: resource }) => `${resource.type} ${resource.name}`);
            for (const expected of [
                "aws:iam/role:Role eks-irsa-reader",
                "kubernetes:core/v1:ServiceAccount eks-irsa-reader",
                "kubernetes:apps/v1:Deployment eks-irsa-reader-reader",
                "aws:iam/role:Role eks-irsa-vpc-cni",
                "aws:iam/rolePolicyAttachment:RolePolicyAttachment eks-irsa-vpc-cni-policy-0",
            ]) {
                assert.ok(aliased.includes(expected), `${expected} is not aliased: ${aliased.join(", ")}`);
            }
            assert.equal(await valueOf(during.deployment.infra.binding.roleArn), await valueOf(deployed.deployment.infra.binding.roleArn));
        });

        it("creates no Kubernetes object under a new URN that the old run already has under another: no AlreadyExists", () => {
            const deletedObjects = new Set(switching.deleted.map((resource) => kubernetesIdentity(deployed.deployment, resource)).filter(Boolean));
            const clashes = switching.created.map((resource) => kubernetesIdentity(during.deployment, resource)).filter((identity) => identity !== undefined && deletedObjects.has(identity));
            assert.deepEqual(clashes, []);
            assert.deepEqual(names(switching.created).filter((name) => name.startsWith("kubernetes:")), []);
        });

        it("creates or deletes only what one mechanism has and the other has not", () => {
            // The stack's eks-irsa:workloads (dev's two) get the new mechanism's roles during the switch and keep the
            // old ones until it is done, so no workload loses its role before its pods roll over.
            const workloadRoles = (mechanism: IdentityMechanism): string[] =>
                ["aws-load-balancer-controller", "cluster-autoscaler"].flatMap((workload) =>
                    mechanism === "irsa"
                        ? [`aws:iam/role:Role eks-irsa-workloads-${workload}`, `eks-irsa:index:IrsaBinding eks-irsa-workloads-${workload}`]
                        : [
                              `aws:eks/podIdentityAssociation:PodIdentityAssociation eks-irsa-workloads-${workload}-pod-identity`,
                              `aws:iam/role:Role eks-irsa-workloads-${workload}-pod-identity`,
                              `eks-irsa:index:PodIdentityBinding eks-irsa-workloads-${workload}-pod-identity`,
                          ],
                );
            if (to === "pod-identity") {
                assert.deepEqual(
                    names(switching.created),
                    [
                        "aws:eks/addon:Addon eks-irsa-pod-identity-agent",
                        "aws:eks/podIdentityAssociation:PodIdentityAssociation eks-irsa-reader",
                        "aws:eks/podIdentityAssociation:PodIdentityAssociation eks-irsa-vpc-cni",
                        ...workloadRoles("pod-identity"),
                    ].sort(),
                );
                assert.deepEqual(names(switching.deleted), []);
                assert.deepEqual(names(settling.deleted), workloadRoles("irsa").sort());
            } else {
                assert.deepEqual(names(switching.created), workloadRoles("irsa").sort());
                // Deleted at the end of the update, once the reader and aws-node have rolled over to IRSA.
                assert.deepEqual(names(switching.deleted), [
                    "aws:eks/podIdentityAssociation:PodIdentityAssociation eks-irsa-reader",
                    "aws:eks/podIdentityAssociation:PodIdentityAssociation eks-irsa-vpc-cni",
                ]);
                // The agent stays for the switch, for pods still started under Pod Identity, and goes after.
                assert.deepEqual(names(settling.deleted), ["aws:eks/addon:Addon eks-irsa-pod-identity-agent", ...workloadRoles("pod-identity")].sort());
            }
            assert.deepEqual(names(settling.created), []);
        });

        it("lets the roles trust both mechanisms during the switch, and the new one only after it", async () => {
            for (const binding of ["reader", "vpcCni"] as const) {
                const whileSwitching = await trustOf(during.deployment, binding);
                assert.ok(trustsOidc(whileSwitching) && trustsPodIdentity(whileSwitching), `${binding}: ${JSON.stringify(whileSwitching)}`);
                const settled = await trustOf(after.deployment, binding);
                assert.equal(trustsOidc(settled), to === "irsa", binding);
                assert.equal(trustsPodIdentity(settled), to === "pod-identity", binding);
            }
        });

        it("keeps the OIDC provider while IRSA tokens may still be in use, and drops it from a Pod Identity stack after", () => {
            const provider = (deployment: Deployment): unknown => deployment.one("eks:index:Cluster", "eks-irsa").inputs.createOidcProvider;
            assert.equal(provider(during.deployment), true);
            assert.equal(provider(after.deployment), to === "irsa");
            assert.equal(after.deployment.infra.outputs.oidcProviderArn === undefined, to === "pod-identity");
        });

        it("rolls the reader's pods and aws-node, so every pod starts with the new mechanism's credentials", () => {
            const hashOf = (deployment: Deployment): unknown =>
                (deployment.one("kubernetes:apps/v1:Deployment", "eks-irsa-reader-reader").inputs as { spec: { template: { metadata: { annotations: Json } } } }).spec.template.metadata
                    .annotations["eks-irsa/identity-hash"];
            assert.notEqual(hashOf(during.deployment), hashOf(deployed.deployment));
            const mechanismOf = (deployment: Deployment): unknown =>
                (deployment.one("kubernetes:apps/v1:DaemonSetPatch", "eks-irsa-aws-node").inputs as { spec: { template: { metadata: { annotations: Json } } } }).spec.template.metadata
                    .annotations[awsNodeMechanismAnnotation];
            assert.deepEqual([mechanismOf(deployed.deployment), mechanismOf(during.deployment)], [from, to]);
            const addon = (deployment: Deployment): unknown => deployment.one("aws:eks/addon:Addon", "eks-irsa-addon-vpc-cni").inputs.serviceAccountRoleArn;
            assert.equal(addon(during.deployment) === undefined, to === "pod-identity");
        });
    });
}

describe("taking the add-ons over from the eks.Cluster component", () => {
    it("aliases the program's vpc-cni and kube-proxy add-ons to the ones the component created, so EKS keeps them", async () => {
        const { deployment, planned } = await planStack(configOf("dev"));
        const clusterUrn = await valueOf(deployment.infra.cluster.urn);
        const clusterPrefix = clusterUrn.slice(0, clusterUrn.lastIndexOf("::"));
        const aliasesOf = (name: string): string[] => planned.find((resource) => resource.type === "aws:eks/addon:Addon" && resource.name === name)!.aliasUrns;
        assert.deepEqual(aliasesOf("eks-irsa-addon-vpc-cni"), [`${clusterPrefix}$eks:index:VpcCniAddon$aws:eks/addon:Addon::eks-irsa-vpc-cni`]);
        assert.deepEqual(aliasesOf("eks-irsa-addon-kube-proxy"), [`${clusterPrefix}$aws:eks/addon:Addon::eks-irsa-kube-proxy`]);
    });
});

describe("identity plans and cluster renames", () => {
    it("aliases each binding to the other mechanism's type", () => {
        assert.deepEqual(bindingAliases("irsa"), [{ type: "eks-irsa:index:PodIdentityBinding" }]);
        assert.deepEqual(bindingAliases("pod-identity"), [{ type: "eks-irsa:index:IrsaBinding" }]);
    });

    it("keeps both mechanisms' prerequisites only during a switch", () => {
        assert.deepEqual(identityPlan("pod-identity", false), { mechanism: "pod-identity", oidcProvider: false, podIdentityAgent: true, trustOidcDuringSwitch: false, trustPodIdentityDuringSwitch: false });
        assert.deepEqual(identityPlan("pod-identity", true), { mechanism: "pod-identity", oidcProvider: true, podIdentityAgent: true, trustOidcDuringSwitch: true, trustPodIdentityDuringSwitch: false });
        assert.deepEqual(identityPlan("irsa", false), { mechanism: "irsa", oidcProvider: true, podIdentityAgent: false, trustOidcDuringSwitch: false, trustPodIdentityDuringSwitch: false });
        assert.deepEqual(identityPlan("irsa", true), { mechanism: "irsa", oidcProvider: true, podIdentityAgent: true, trustOidcDuringSwitch: false, trustPodIdentityDuringSwitch: true });
    });

    it("refuses a new cluster name for a deployed stack unless replacement is allowed", () => {
        assert.equal(clusterRenameProblem(undefined, "eks-irsa-dev", false), undefined, "first deployment");
        assert.equal(clusterRenameProblem("eks-irsa-dev", "eks-irsa-dev", false), undefined);
        assert.equal(clusterRenameProblem("eks-irsa-dev", "eks-irsa-blue", true), undefined);
        assert.match(
            clusterRenameProblem("eks-irsa-dev", "eks-irsa-blue", false) ?? "",
            /^eks-irsa:clusterName "eks-irsa-blue" is invalid: this stack's cluster is "eks-irsa-dev", and an EKS cluster cannot be renamed, so pulumi up would replace it and everything on it .* set eks-irsa:allowClusterReplacement true for this update/,
        );
    });

    it("reads the deployed name from the stack itself, and names the cluster once the check passed", async () => {
        const { deployment } = await planStack(configOf("dev"));
        const reference = deployment.one("pulumi:pulumi:StackReference", "eks-irsa-deployed");
        assert.equal(reference.inputs.name, "test");
        assert.equal(deployment.one("eks:index:Cluster", "eks-irsa").inputs.name, "eks-irsa-dev");
        assert.equal(await valueOf(deployment.infra.outputs.clusterName), "eks-irsa-dev");
    });
});

/**
 * How each backend resolves a StackReference name to `<org>/<project>/<stack>`, as Pulumi documents
 * it (Stacks, "stack name formats"; automation.fullyQualifiedStackName): undefined where it refuses it.
 */
type Backend = { kind: "cloud"; defaultOrganization: string } | { kind: "diy-project" } | { kind: "diy-legacy" };

function resolveStackReference(backend: Backend, name: string, currentProject: string): string | undefined {
    const parts = name.split("/");
    switch (backend.kind) {
        case "cloud":
            return parts.length === 1 ? `${backend.defaultOrganization}/${currentProject}/${name}` : parts.length === 2 ? `${parts[0]}/${currentProject}/${parts[1]}` : name;
        case "diy-project":
            return parts.length === 1 ? `organization/${currentProject}/${name}` : parts.length === 3 && parts[0] === "organization" ? name : undefined;
        case "diy-legacy":
            return parts.length === 1 ? `organization/${currentProject}/${name}` : undefined;
    }
}

describe("the rename guard's reference to its own stack", () => {
    const cases: { backend: Backend; organization: string | undefined; label: string }[] = [
        { label: "Pulumi Cloud, the stack in a team organization the user's default is not", backend: { kind: "cloud", defaultOrganization: "jane" }, organization: "acme" },
        { label: "Pulumi Cloud, the stack in the user's default organization", backend: { kind: "cloud", defaultOrganization: "acme" }, organization: "acme" },
        { label: "a project-scoped DIY backend (pulumi login --local, s3://, azblob://)", backend: { kind: "diy-project" }, organization: "organization" },
        { label: "a legacy DIY backend (a state directory from before projects)", backend: { kind: "diy-legacy" }, organization: "organization" },
    ];
    for (const { label, backend, organization } of cases) {
        it(`names the running stack itself on ${label}`, () => {
            const name = selfReferenceName(organization, "eks-irsa", "prod");
            const own = `${organization}/eks-irsa/prod`;
            assert.equal(resolveStackReference(backend, name, "eks-irsa"), own, name);
        });
    }

    it("no longer uses the form a legacy DIY backend refuses", () => {
        assert.equal(resolveStackReference({ kind: "diy-legacy" }, "organization/eks-irsa/prod", "eks-irsa"), undefined);
        assert.doesNotMatch(selfReferenceName("organization", "eks-irsa", "prod"), /\//);
    });
});
