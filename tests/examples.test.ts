import * as assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

import { parse } from "yaml";

import { mockAccountId, mockRegion, registeredResource, registrationOf, valueOf } from "./mocks";
import { ObjectTypeSchema, packageSchema, PropertySchema } from "./packageSchema";
import { bindWorkloadOnExistingCluster } from "../examples/existing-cluster/binding";
import { kubeconfigFor } from "../examples/existing-cluster/kubeconfig";
import { mockOidcIssuer } from "../scripts/offline/mocks";
import { registeredInlinePolicy } from "./inlinePolicies";

const examples = join(__dirname, "..", "examples");

describe("example: a workload on an existing cluster", () => {
    it("binds the role to the looked-up cluster's OIDC provider and the named bucket", async () => {
        const binding = bindWorkloadOnExistingCluster({
            clusterName: "platform-dev",
            bucketName: "platform-dev-reports",
            keyPrefixes: ["daily/"],
            namespace: "apps",
            serviceAccountName: "existing-reader",
        });
        await registrationOf(binding, binding.role, binding.serviceAccount!, binding.deployment!);
        const trust = JSON.parse(await valueOf(binding.trustPolicy)) as { Statement: { Principal: { Federated: string } }[] };
        assert.deepEqual(
            trust.Statement.map((statement) => statement.Principal.Federated),
            [`arn:aws:iam::${mockAccountId}:oidc-provider/${mockOidcIssuer(mockRegion)}`],
        );
        const policy = registeredInlinePolicy("existing-reader", "s3-read") as {
            Statement: { Resource: string[] }[];
        };
        assert.deepEqual(policy.Statement[0].Resource, ["arn:aws:s3:::platform-dev-reports/daily/*"]);
    });

    it("sends the Kubernetes objects to the existing cluster's API server", () => {
        const provider = registeredResource("pulumi:providers:kubernetes", "platform-dev");
        const kubeconfig = JSON.parse(provider.inputs.kubeconfig as string) as ReturnType<typeof kubeconfigFor> & {
            clusters: { cluster: { server: string } }[];
            users: { user: { exec: { args: string[] } } }[];
        };
        assert.match(kubeconfig.clusters[0].cluster.server, /^https:\/\/.*\.eks\.amazonaws\.com$/);
        assert.deepEqual(kubeconfig.users[0].user.exec.args, ["eks", "get-token", "--cluster-name", "platform-dev", "--region", mockRegion, "--output", "json"]);
        const serviceAccount = registeredResource("kubernetes:core/v1:ServiceAccount", "existing-reader");
        assert.ok(serviceAccount.provider?.includes("::platform-dev::"), serviceAccount.provider);
    });

    it("declares every config key its program reads", () => {
        const project = parse(readFileSync(join(examples, "existing-cluster", "Pulumi.yaml"), "utf8")) as { config: Record<string, unknown> };
        const program = readFileSync(join(examples, "existing-cluster", "index.ts"), "utf8");
        const read = [...program.matchAll(/config\.(?:require|get|getObject<[^>]+>)\("([^"]+)"\)/g)].map((match) => match[1]).sort();
        assert.deepEqual(read, Object.keys(project.config).sort());
    });
});

describe("example: Pulumi YAML through the package", () => {
    interface YamlProgram {
        packages: Record<string, string>;
        resources: Record<string, { type: string; properties: Record<string, unknown> }>;
        outputs: Record<string, string>;
    }
    const program = parse(readFileSync(join(examples, "yaml", "Pulumi.yaml"), "utf8")) as YamlProgram;

    /** The problems of a YAML value against a schema property: names of properties it lacks or should not have. */
    function mismatches(path: string, value: unknown, property: PropertySchema, types: Record<string, ObjectTypeSchema>): string[] {
        if (typeof value === "string" && /^\$\{[^}]+\}$/.test(value)) {
            return []; // An interpolation: its type is known only once the program runs.
        }
        if (property.$ref?.startsWith("#/types/")) {
            return objectMismatches(path, value, types[property.$ref.slice("#/types/".length)], types);
        }
        switch (property.type) {
            case "array":
                return Array.isArray(value) ? value.flatMap((item, index) => mismatches(`${path}[${index}]`, item, property.items ?? {}, types)) : [`${path} is not a list`];
            case "object":
                return typeof value === "object" && value !== null ? [] : [`${path} is not a map`];
            case "number":
            case "boolean":
                return typeof value === property.type ? [] : [`${path} is not a ${property.type}`];
            default:
                return typeof value === "string" ? [] : [`${path} is not a string`];
        }
    }

    function objectMismatches(path: string, value: unknown, type: ObjectTypeSchema, types: Record<string, ObjectTypeSchema>): string[] {
        if (typeof value !== "object" || value === null || Array.isArray(value)) {
            return [`${path} is not an object`];
        }
        const entries = Object.entries(value);
        return [
            ...(type.required ?? []).filter((name) => !(name in value)).map((name) => `${path}.${name} is required`),
            ...entries.flatMap(([name, item]) =>
                type.properties[name] ? mismatches(`${path}.${name}`, item, type.properties[name], types) : [`${path}.${name} is not in the schema`],
            ),
        ];
    }

    it("points the package at the components' plugin", () => {
        const source = join(examples, "yaml", program.packages["eks-irsa"]);
        assert.ok(existsSync(join(source, "PulumiPlugin.yaml")), source);
    });

    it("gives each component the properties its schema has, of the schema's types, required ones included", async () => {
        const schema = await packageSchema();
        const components = Object.entries(program.resources).filter(([, resource]) => resource.type.startsWith("eks-irsa:"));
        assert.ok(components.length > 0);
        for (const [name, resource] of components) {
            const resourceSchema = schema.resources[resource.type];
            assert.ok(resourceSchema, `${resource.type} is not in the schema`);
            assert.deepEqual(
                objectMismatches(name, resource.properties, { properties: resourceSchema.inputProperties, required: resourceSchema.requiredInputs }, schema.types),
                [],
            );
        }
    });

    it("takes an add-on's role from the catalogue through addon, checked against the add-on's scope in the schema", async () => {
        const controller = program.resources.loadBalancerController;
        assert.equal(controller.type, "eks-irsa:index:IrsaBinding");
        assert.deepEqual(Object.keys(controller.properties.addon as object), ["awsLoadBalancerController"]);
        const schema = await packageSchema();
        const irsa = schema.resources["eks-irsa:index:IrsaBinding"];
        const misspelt = { oidcProviderArn: "${x.arn}", addon: { awsLoadBalancerController: { cluster: "apps" } } };
        assert.deepEqual(objectMismatches("r", misspelt, { properties: irsa.inputProperties, required: irsa.requiredInputs }, schema.types), [
            "r.addon.awsLoadBalancerController.clusterName is required",
            "r.addon.awsLoadBalancerController.cluster is not in the schema",
        ]);
    });

    it("exports only outputs the components have", async () => {
        const schema = await packageSchema();
        for (const [output, expression] of Object.entries(program.outputs)) {
            const [, resourceName, property] = /^\$\{(\w+)\.(\w+)\}$/.exec(expression) ?? [];
            const resource = program.resources[resourceName];
            assert.ok(resource, `${output} refers to no resource`);
            assert.ok(schema.resources[resource.type]?.properties[property], `${output}: ${resource.type} has no output ${property}`);
        }
    });

    it("is itself checked: a misspelt property is caught", async () => {
        const schema = await packageSchema();
        const irsa = schema.resources["eks-irsa:index:IrsaBinding"];
        const misspelt = { oidcProviderArn: "${x.arn}", namespace: "apps", serviceAccountName: "reader", s3Read: { bucketArn: ["arn:aws:s3:::b"] } };
        assert.deepEqual(objectMismatches("r", misspelt, { properties: irsa.inputProperties, required: irsa.requiredInputs }, schema.types), [
            "r.s3Read.bucketArns is required",
            "r.s3Read.bucketArn is not in the schema",
        ]);
    });
});
