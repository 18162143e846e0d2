/**
 * The components as every other Pulumi language reaches them: the plugin started as the Node.js
 * language host starts it (`cmd/run-plugin` on the components folder), spoken to over the provider
 * protocol as the engine does, with a stand-in engine and resource monitor. Each component's
 * Construct must register what the TypeScript constructor registers for the same arguments, keep
 * unknowns unknown and secrets secret, refuse bad input with the constructor's own error, and an
 * `addon` must give the add-on's permissions, judged by the IAM evaluator.
 */
import * as assert from "node:assert/strict";
import * as path from "node:path";


import {
    addons,
    IrsaBinding,
    IrsaBindingArgs,
    PodIdentityBinding,
    PodIdentityBindingArgs,
    PolicyDocument,
    policyStatementsDocument,
    WorkloadIdentities,
    WorkloadIdentitiesArgs,
} from "../components/index";
import { resolvedStatements } from "../components/bindingArgs";
import { addonNames } from "../components/bindingAddon";
import type { AddonArgs } from "../components/addons/args";
import { inlinePolicyOf } from "./inlinePolicies";
import { mockAccountId, registered, registrationOf, settled, uniqueName } from "./mocks";
import { packageSchema } from "./packageSchema";
import { componentsDir, configure, construct, outputValue, RunningPlugin, servedSchema, StandInEngine, startPlugin, startStandInEngine, wire } from "./pluginHost";
import { differences } from "./policyProbes";
import type { RegisteredResource } from "../scripts/offline/mocks";

const issuer = "oidc.eks.us-west-2.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE";
const oidcProviderArn = `arn:aws:iam::${mockAccountId}:oidc-provider/${issuer}`;
const region = "us-west-2";

const irsaArgs = {
    oidcProviderArn,
    namespace: "apps",
    serviceAccountName: "reports",
    s3Read: { bucketArns: ["arn:aws:s3:::reports"], keyPrefixes: ["daily/"] },
    policyStatements: [{ actions: ["sqs:ReceiveMessage"], resources: [`arn:aws:sqs:${region}:${mockAccountId}:jobs`] }],
    policyArns: ["arn:aws:iam::aws:policy/AmazonSQSReadOnlyAccess"],
    reader: { enabled: false },
    tags: { team: "data" },
};
const podIdentityArgs = {
    clusterName: "apps",
    namespace: "apps",
    serviceAccountName: "reports",
    s3Read: { bucketArns: ["arn:aws:s3:::reports"] },
    additionalServiceAccounts: [{ namespace: "batch", serviceAccountName: "reports" }],
    reader: { enabled: false },
};
const fleetArgs = {
    clusters: [
        { name: "blue", oidcProviderArn },
        { name: "green", podIdentityClusterName: "green" },
    ],
    workloads: [
        { name: "reports", namespace: "apps", serviceAccountName: "reports", s3Read: { bucketArns: ["arn:aws:s3:::reports"] } },
        { name: "dns", addon: { externalDns: { hostedZoneIds: ["Z0123456789ABCDEFGHIJ"] } } },
    ],
};

type ComponentType = "IrsaBinding" | "PodIdentityBinding" | "WorkloadIdentities";

/** A resource as registered, its name and every mention of the component's name replaced, for comparing two registrations. */
function comparable(resource: RegisteredResource, componentName: string): { type: string; name: string; inputs: unknown } {
    const text = JSON.stringify({ type: resource.type, name: resource.name, inputs: resource.inputs }).split(componentName).join("<component>");
    return JSON.parse(text) as { type: string; name: string; inputs: unknown };
}

/** The children of a component, registered under its name (`name`, `name-...`). */
function childrenOf(resources: RegisteredResource[], componentName: string): RegisteredResource[] {
    return resources.filter((resource) => !resource.type.startsWith("eks-irsa:") && (resource.name === componentName || resource.name.startsWith(`${componentName}-`)));
}

/** Registers the component in this process (with the tests' mocks) and resolves with its children. */
async function constructedInProcess(type: ComponentType, name: string, args: object): Promise<RegisteredResource[]> {
    const component =
        type === "IrsaBinding"
            ? new IrsaBinding(name, args as IrsaBindingArgs)
            : type === "PodIdentityBinding"
              ? new PodIdentityBinding(name, args as PodIdentityBindingArgs)
              : new WorkloadIdentities(name, args as WorkloadIdentitiesArgs);
    await registrationOf(component);
    await settled();
    return childrenOf(registered, name);
}

/** The error the TypeScript constructor throws for these arguments. */
function constructorError(type: ComponentType, args: object): string {
    try {
        if (type === "IrsaBinding") new IrsaBinding(uniqueName("refused"), args as IrsaBindingArgs);
        else if (type === "PodIdentityBinding") new PodIdentityBinding(uniqueName("refused"), args as PodIdentityBindingArgs);
        else new WorkloadIdentities(uniqueName("refused"), args as WorkloadIdentitiesArgs);
    } catch (error) {
        return (error as Error).message;
    }
    throw new Error("the constructor accepted the arguments");
}

/** The message of a gRPC error, without its status prefix (`2 UNKNOWN: `). */
function grpcMessage(error: unknown): string {
    return (error as { details?: string }).details ?? (error as Error).message;
}

/** The scope each add-on is asked for, as another language would pass it. */
const addonScopes: Required<AddonArgs> = {
    vpcCni: { ipFamily: "ipv6" },
    awsLoadBalancerController: { clusterName: "apps" },
    awsLoadBalancerControllerTargetGroupBinding: { targetGroupArns: [`arn:aws:elasticloadbalancing:${region}:${mockAccountId}:targetgroup/apps/0123456789abcdef`] },
    gatewayApiController: { accessLogBucketArns: ["arn:aws:s3:::lattice-logs"] },
    fsxLustreCsiDriver: { dataRepositoryBucketArns: ["arn:aws:s3:::training-data"] },
    fsxOpenZfsCsiDriver: {},
    privateCaIssuer: { certificateAuthorityArns: [`arn:aws:acm-pca:${region}:${mockAccountId}:certificate-authority/11223344-5566-7788-9900-aabbccddeeff`] },
    nodeTerminationHandler: { queueArns: [`arn:aws:sqs:${region}:${mockAccountId}:nth`], clusterName: "apps" },
    fluentBit: { logGroupArns: [`arn:aws:logs:${region}:${mockAccountId}:log-group:/aws/eks/apps/*`] },
    ebsCsiDriver: { kmsKeyArns: [`arn:aws:kms:${region}:${mockAccountId}:key/1234abcd-12ab-34cd-56ef-1234567890ab`] },
    efsCsiDriver: {},
    mountpointS3CsiDriver: { bucketArns: ["arn:aws:s3:::models"], keyPrefixes: ["llm/"] },
    velero: { bucketArn: "arn:aws:s3:::backups", prefix: "apps/" },
    externalDns: { hostedZoneIds: ["Z0123456789ABCDEFGHIJ"] },
    certManager: { hostedZoneIds: ["Z0123456789ABCDEFGHIJ"] },
    clusterAutoscaler: { clusterName: "apps" },
    karpenter: {
        clusterName: "apps",
        nodeRoleArn: `arn:aws:iam::${mockAccountId}:role/KarpenterNodeRole-apps`,
        interruptionQueueArn: `arn:aws:sqs:${region}:${mockAccountId}:apps`,
    },
    externalSecrets: { secretArns: [`arn:aws:secretsmanager:${region}:${mockAccountId}:secret:apps/*`] },
    cloudWatchObservability: {},
    managedPrometheus: { workspaceArns: [`arn:aws:aps:${region}:${mockAccountId}:workspace/ws-0123abcd-4567-89ef-0123-456789abcdef`] },
};

describe("the components plugin, as the engine runs it", function () {
    // The schema compiles the components' types.
    this.timeout(300000);
    let engine: StandInEngine;
    let plugin: RunningPlugin;
    let opening: Awaited<ReturnType<typeof configure>>;
    let schema: string;

    before(async () => {
        // The schema derived once a run, by the provider the plugin serves, which keeps it where the
        // plugin then reads it (components/pluginSchema.ts): the SDK's analysis is not run twice.
        await packageSchema();
        engine = await startStandInEngine();
        plugin = await startPlugin(engine.engineAddress);
        opening = await configure(plugin.client);
        schema = await servedSchema(plugin.client);
    });

    after(() => {
        plugin?.stop();
        engine?.close();
    });

    /** The plugin's registrations under a component's name. */
    const pluginChildren = (name: string) => childrenOf(engine.registered, name);

    it("is started from the source: run-plugin loads the folder's main, whose plugin.ts is the TypeScript source, never a build", () => {
        assert.equal(require.resolve(componentsDir), path.join(componentsDir, "pluginEntry.js"));
    });

    it("answers the engine's opening calls: its version, and that it takes secrets and output values", () => {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        assert.equal(opening.version, (require("../components/package.json") as { version: string }).version);
        assert.ok(opening.acceptsOutputs && opening.acceptsSecrets);
    });

    it("serves package eks-irsa with the schema the tests derive from the source", async () => {
        const served = JSON.parse(schema) as { name: string; resources: Record<string, unknown> };
        assert.equal(served.name, "eks-irsa");
        assert.deepEqual(served, await packageSchema());
    });

    for (const [type, args] of [
        ["IrsaBinding", irsaArgs],
        ["PodIdentityBinding", podIdentityArgs],
        ["WorkloadIdentities", fleetArgs],
    ] as const) {
        it(`Construct ${type} with plain inputs registers what the TypeScript constructor registers: the same children, trust and permissions`, async () => {
            const name = `plain-${type.toLowerCase()}`;
            const { urn, state } = await construct(plugin.client, engine.monitorAddress, { type: `eks-irsa:index:${type}`, name, inputs: args });
            assert.match(urn, new RegExp(`::eks-irsa:index:${type}::${name}$`));
            const inProcessName = uniqueName(`ts-${type.toLowerCase()}`);
            // Children of different workloads register in the order their inputs settle: compare them as a set.
            const byName = (left: { name: string }, right: { name: string }): number => left.name.localeCompare(right.name);
            const expected = (await constructedInProcess(type, inProcessName, args)).map((resource) => comparable(resource, inProcessName)).sort(byName);
            const actual = pluginChildren(name)
                .map((resource) => comparable(resource, name))
                .sort(byName);
            assert.deepEqual(actual, expected);
            assert.ok(actual.some((resource) => resource.type === "aws:iam/role:Role"));
            if (type === "WorkloadIdentities") {
                const summary = state.summary as { rolesCreated: number };
                assert.equal(summary.rolesCreated, 4, "per workload, one IRSA and one Pod Identity role");
                const dnsRoles = actual.filter((resource) => resource.type === "aws:iam/role:Role" && resource.name.startsWith("<component>-dns"));
                assert.equal(dnsRoles.length, 2);
                assert.ok(
                    dnsRoles.every((resource) => JSON.stringify(resource.inputs).includes("hostedzone/Z0123456789ABCDEFGHIJ")),
                    "the workload's addon gives its role the add-on's statements, as the TypeScript constructor does",
                );
                return;
            }
            assert.equal(state.namespace, "apps");
            assert.equal(state.serviceAccountName, "reports");
            assert.match(String(state.roleArn), /^arn:aws:iam::123456789012:role\//);
            const trust = JSON.parse(String(state.trustPolicy)) as PolicyDocument;
            const role = pluginChildren(name).find((resource) => resource.type === "aws:iam/role:Role")!;
            assert.deepEqual(trust, JSON.parse(String(role.inputs.assumeRolePolicy)));
            assert.deepEqual((state.role as Record<string, unknown>)[wire.signatureKey], wire.resource, "the role comes back as a resource reference");
        });
    }

    it("Construct during preview with inputs not known yet: nothing fails, and what depends on them stays unknown", async () => {
        const irsa = await construct(plugin.client, engine.monitorAddress, {
            type: "eks-irsa:index:IrsaBinding",
            name: "preview-irsa",
            dryRun: true,
            inputs: { ...irsaArgs, oidcProviderArn: outputValue(undefined, { dependencies: ["urn:pulumi:test::p::eks:index:Cluster::apps"] }) },
        });
        assert.equal(irsa.state.trustPolicy, wire.unknown);
        assert.equal(irsa.state.namespace, "apps", "what does not depend on the unknown stays known");
        const podIdentity = await construct(plugin.client, engine.monitorAddress, {
            type: "eks-irsa:index:PodIdentityBinding",
            name: "preview-pod-identity",
            dryRun: true,
            inputs: { ...podIdentityArgs, clusterName: wire.unknown, serviceAccountName: outputValue() },
        });
        assert.equal(podIdentity.state.trustPolicy, wire.unknown);
        assert.equal(podIdentity.state.serviceAccountName, wire.unknown);
        assert.deepEqual(
            engine.logs.filter((log) => log.severity === "error"),
            [],
        );
    });

    it("Construct WorkloadIdentities during preview with a cluster's provider not known yet: nothing fails, its role's trust stays unknown", async () => {
        const { state } = await construct(plugin.client, engine.monitorAddress, {
            type: "eks-irsa:index:WorkloadIdentities",
            name: "preview-fleet",
            dryRun: true,
            inputs: { ...fleetArgs, clusters: [{ name: "blue", oidcProviderArn: outputValue() }, fleetArgs.clusters[1]] },
        });
        assert.ok(JSON.stringify(state).includes(wire.unknown), JSON.stringify(state).slice(0, 300));
        assert.deepEqual(
            engine.logs.filter((log) => log.severity === "error"),
            [],
        );
    });

    it("Construct with secret inputs: the outputs made from them stay secret", async () => {
        const { state } = await construct(plugin.client, engine.monitorAddress, {
            type: "eks-irsa:index:IrsaBinding",
            name: "secret-irsa",
            inputs: { ...irsaArgs, serviceAccountName: outputValue("reports", { secret: true }), oidcProviderArn: { [wire.signatureKey]: wire.secret, value: oidcProviderArn } },
        });
        for (const output of ["serviceAccountName", "trustPolicy"]) {
            assert.equal((state[output] as Record<string, unknown>)[wire.signatureKey], wire.secret, `${output} is not secret: ${JSON.stringify(state[output])}`);
        }
        assert.equal((state.serviceAccountName as { value: string }).value, "reports");
    });

    for (const [type, args, field] of [
        ["IrsaBinding", { ...irsaArgs, namespace: undefined }, /^namespace is required/],
        ["IrsaBinding", { ...irsaArgs, namespace: "Apps" }, /^namespace "Apps" is invalid: a Kubernetes namespace must be a DNS-1123 label/],
        ["IrsaBinding", { ...irsaArgs, oidcProviderArn: undefined }, /^oidcProviderArn is required/],
        ["PodIdentityBinding", { ...podIdentityArgs, serviceAccountName: undefined }, /^serviceAccountName is required/],
        ["PodIdentityBinding", { ...podIdentityArgs, addon: { vpcCni: {}, ebsCsiDriver: {} } }, /^addon is invalid: set exactly one add-on, not vpcCni and ebsCsiDriver/],
        ["IrsaBinding", { ...irsaArgs, addon: { externalDns: { hostedZoneIds: ["example.com"] } } }, /^addon\.externalDns\.hostedZoneIds\[0\] "example\.com" is invalid/],
        ["WorkloadIdentities", { ...fleetArgs, workloads: [{ name: "reports", namespace: "Apps", serviceAccountName: "reports" }] }, /^workloads\[0\] \(reports\)\.namespace "Apps" is invalid/],
        ["WorkloadIdentities", { ...fleetArgs, workloads: [{ name: "dns", addon: { externalDns: { hostedZoneIds: ["example.com"] } } }] }, /addon\.externalDns\.hostedZoneIds\[0\] "example\.com" is invalid/],
        // A secret switch, as another language's SDK sends one: an Output in the constructor, which would read as true.
        [
            "IrsaBinding",
            { ...irsaArgs, allowBroadPermissions: { [wire.signatureKey]: wire.secret, value: false }, policyStatements: [{ actions: ["*"], resources: ["*"] }] },
            /^allowBroadPermissions is invalid: expected true or false as a plain value/,
        ],
        ["PodIdentityBinding", { ...podIdentityArgs, disableSessionTags: { [wire.signatureKey]: wire.secret, value: false } }, /^disableSessionTags is invalid: expected true or false as a plain value/],
    ] as const) {
        it(`Construct ${type} with bad input gives the constructor's error, naming the field: ${field.source.slice(1, 40)}`, async () => {
            const inputs = JSON.parse(JSON.stringify(args)) as Record<string, unknown>;
            const expected = constructorError(type, inputs);
            assert.match(expected, field);
            const refused = await construct(plugin.client, engine.monitorAddress, { type: `eks-irsa:index:${type}`, name: uniqueName("bad"), inputs }).then(
                () => assert.fail("Construct accepted the input"),
                (error: unknown) => grpcMessage(error),
            );
            assert.equal(refused, expected);
        });
    }

    for (const addonName of addonNames) {
        it(`Construct with addon.${addonName} registers a role granting what addons.${addonName}() grants, for its ServiceAccount`, async () => {
            const scope = addonScopes[addonName];
            const name = `addon-${addonName.toLowerCase()}`;
            const { state } = await construct(plugin.client, engine.monitorAddress, {
                type: "eks-irsa:index:IrsaBinding",
                name,
                inputs: { oidcProviderArn, addon: { [addonName]: scope }, serviceAccountMode: "none" },
            });
            const permissions = (addons[addonName] as (scope: object) => addons.AddonPermissions)(scope);
            assert.equal(state.namespace, permissions.serviceAccount.namespace);
            assert.equal(state.serviceAccountName, permissions.serviceAccount.serviceAccountName);
            const children = pluginChildren(name);
            const attached = children.filter((resource) => resource.type === "aws:iam/rolePolicyAttachment:RolePolicyAttachment").map((resource) => resource.inputs.policyArn);
            assert.deepEqual(attached, permissions.policyArns);
            const role = children.find((resource) => resource.type === "aws:iam/role:Role")!;
            if (permissions.policyStatements.length === 0) {
                assert.deepEqual(role.inputs.inlinePolicies, [{}]);
                return;
            }
            const expected = policyStatementsDocument(resolvedStatements(permissions.policyStatements as never));
            const { differing, allowedByFirst, refusedByFirst } = await differences(inlinePolicyOf(role.inputs, "statements"), expected);
            assert.deepEqual(differing, []);
            assert.ok(allowedByFirst > 0 && refusedByFirst > 0, `${allowedByFirst} calls allowed, ${refusedByFirst} refused: the comparison must see both`);
        });
    }

    it("Construct with an addon: explicit namespace and ServiceAccount override the add-on's, explicit statements add to its permissions", async () => {
        const extra = { actions: ["sqs:SendMessage"], resources: [`arn:aws:sqs:${region}:${mockAccountId}:events`] };
        const { state } = await construct(plugin.client, engine.monitorAddress, {
            type: "eks-irsa:index:PodIdentityBinding",
            name: "addon-override",
            inputs: { clusterName: "apps", addon: { externalDns: { hostedZoneIds: ["Z0123456789ABCDEFGHIJ"] } }, namespace: "dns", serviceAccountName: "edns", policyStatements: [extra] },
        });
        assert.deepEqual([state.namespace, state.serviceAccountName], ["dns", "edns"]);
        const role = pluginChildren("addon-override").find((resource) => resource.type === "aws:iam/role:Role")!;
        const document = inlinePolicyOf(role.inputs, "statements");
        const expected = policyStatementsDocument(resolvedStatements([...addons.externalDns({ hostedZoneIds: ["Z0123456789ABCDEFGHIJ"] }).policyStatements, extra] as never));
        assert.deepEqual((await differences(document, expected)).differing, []);
        const association = pluginChildren("addon-override").find((resource) => resource.type === "aws:eks/podIdentityAssociation:PodIdentityAssociation")!;
        assert.deepEqual([association.inputs.namespace, association.inputs.serviceAccount], ["dns", "edns"]);
    });
});



