import * as assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

import * as pulumi from "@pulumi/pulumi";

import { mockAccountId, mockRegion, registered, registeredResource, settled } from "./mocks";
import { PolicyDocument } from "../components/index";
import { registeredInlinePolicy } from "./inlinePolicies";

const useCases = join(__dirname, "..", "examples", "use-cases");
const issuer = `oidc.eks.${mockRegion}.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF`;
const config: Record<string, string> = {
    oidcProviderArn: `arn:aws:iam::${mockAccountId}:oidc-provider/${issuer}`,
    bucketArn: "arn:aws:s3:::use-case-bucket",
    clusterName: "platform",
    dataAccountRoleArn: "arn:aws:iam::999988887777:role/analytics-reader",
    queueArn: `arn:aws:sqs:${mockRegion}:${mockAccountId}:orders`,
    region: mockRegion,
    accountId: mockAccountId,
};

function inputsOf(type: string, name: string): Record<string, unknown> {
    return registeredResource(type, name).inputs;
}



describe("the use cases of components/README.md", () => {
    const files = readdirSync(useCases).filter((file) => file.endsWith(".ts"));
    const exports: Record<string, Record<string, unknown>> = {};

    before(async () => {
        for (const [key, value] of Object.entries(config)) {
            pulumi.runtime.setConfig(`eks-irsa:${key}`, value);
        }
        for (const file of files) {
            exports[file] = (await import(join(useCases, file))) as Record<string, unknown>;
        }
        await settled();
    });

    it("are shown on the page exactly as they are in examples/use-cases", () => {
        const readme = readFileSync(join(__dirname, "..", "components", "README.md"), "utf8");
        assert.ok(files.length >= 6);
        for (const file of files) {
            assert.ok(readme.includes("```ts\n" + readFileSync(join(useCases, file), "utf8") + "```"), `${file} is not on the page as it is`);
        }
    });

    it("a new ServiceAccount: created and annotated, no reader", () => {
        const metadata = inputsOf("kubernetes:core/v1:ServiceAccount", "reports").metadata as { namespace: string; annotations: Record<string, string> };
        assert.equal(metadata.namespace, "reports");
        assert.match(metadata.annotations["eks.amazonaws.com/role-arn"], /^arn:aws:iam::\d{12}:role\/reports-/);
        assert.ok(!registered.some((resource) => resource.type === "kubernetes:apps/v1:Deployment" && resource.name === "reports-reader"));
    });

    it("a Helm chart's ServiceAccount: patched, the chart's Deployment restarted on change", () => {
        assert.ok(!registered.some((resource) => resource.type === "kubernetes:core/v1:ServiceAccount" && resource.name === "exporter"));
        const patch = inputsOf("kubernetes:core/v1:ServiceAccountPatch", "exporter").metadata as { name: string; annotations: Record<string, string> };
        assert.equal(patch.name, "exporter");
        assert.ok(patch.annotations["eks.amazonaws.com/role-arn"]);
        assert.ok(inputsOf("kubernetes:apps/v1:DeploymentPatch", "exporter-restart-exporter"));
        assert.deepEqual(registeredInlinePolicy("exporter", "statements").Statement[0].Condition, { StringEquals: { "cloudwatch:namespace": "Exporter" } });
    });

    it("role only: no Kubernetes object of the binding, the chart's values carry the annotation", () => {
        assert.ok(!registered.some((resource) => resource.type.startsWith("kubernetes:core/v1:ServiceAccount") && resource.name === "uploader"));
        const values = inputsOf("kubernetes:helm.sh/v3:Release", "uploader").values as { serviceAccount: { annotations: Record<string, string> } };
        assert.match(values.serviceAccount.annotations["eks.amazonaws.com/role-arn"], /role\/uploader-/);
    });

    it("several namespaces: one role trusting each ServiceAccount and the pattern", () => {
        const trust = JSON.parse(inputsOf("aws:iam/role:Role", "ingest").assumeRolePolicy as string) as PolicyDocument;
        assert.deepEqual(trust.Statement[0].Condition?.StringEquals[`${issuer}:sub`], ["system:serviceaccount:ingest-eu:ingest", "system:serviceaccount:ingest-us:ingest"]);
        assert.equal(trust.Statement[1].Condition?.StringLike[`${issuer}:sub`], "system:serviceaccount:ingest-jobs:backfill-*");
    });

    it("cross-account: the association names the target role, whose trust policy is exported", async () => {
        assert.equal(inputsOf("aws:eks/podIdentityAssociation:PodIdentityAssociation", "analytics").targetRoleArn, config.dataAccountRoleArn);
        const trust = JSON.parse(await (exports["cross-account.ts"].targetRoleTrustPolicy as { promise(): Promise<string> }).promise()) as PolicyDocument;
        assert.deepEqual(trust.Statement[0].Condition, { StringEquals: { "sts:ExternalId": "external-id-of-analytics" } });
    });

    it("a fleet: a role per workload and mechanism, named by the convention, on the clusters it runs on", async () => {
        const summary = await (exports["fleet.ts"].summary as { promise(): Promise<{ roles: { roleName: string; clusters: string[] }[]; oidcProvidersNamed: number }> }).promise();
        assert.deepEqual(
            summary.roles.map((role) => [role.roleName, role.clusters]),
            [
                ["platform-reports", ["blue"]],
                ["platform-reports.pod-identity", ["green"]],
                ["platform-exporter.pod-identity", ["green"]],
            ],
        );
        assert.equal(summary.oidcProvidersNamed, 1);
        const identities = await (exports["fleet.ts"].identities as { promise(): Promise<Record<string, Record<string, { roleArn: string; serviceAccountAnnotations: Record<string, string> }>>> }).promise();
        assert.equal(identities.reports.blue.serviceAccountAnnotations["eks.amazonaws.com/role-arn"], identities.reports.blue.roleArn);
        assert.deepEqual(Object.keys(identities.exporter), ["green"]);
        assert.deepEqual(inputsOf("aws:eks/podIdentityAssociation:PodIdentityAssociation", "platform-exporter-pod-identity").tags, { team: "platform" });
    });

    it("an existing role: annotated with it, read not created, the owner's trust statements exported", async () => {
        const metadata = inputsOf("kubernetes:core/v1:ServiceAccount", "payments").metadata as { annotations: Record<string, string> };
        assert.equal(metadata.annotations["eks.amazonaws.com/role-arn"], `arn:aws:iam::${mockAccountId}:role/payments-api`);
        assert.equal(registeredResource("aws:iam/role:Role", "payments").readId, "payments-api");
        const statements = JSON.parse(await (exports["existing-role.ts"].paymentsTrustStatements as { promise(): Promise<string> }).promise()) as PolicyDocument["Statement"];
        assert.equal(statements[0].Condition?.StringEquals[`${issuer}:sub`], "system:serviceaccount:payments:payments-api");
    });

    it("session controls: two regions, untagged sessions, the session policy on each association", () => {
        const associations = registered.filter((resource) => resource.type === "aws:eks/podIdentityAssociation:PodIdentityAssociation" && resource.name.startsWith("daily-reports"));
        assert.deepEqual(associations.map((each) => each.inputs.region).sort(), ["eu-west-1", undefined].sort());
        for (const association of associations) {
            assert.equal(association.inputs.disableSessionTags, true);
            assert.deepEqual((JSON.parse(association.inputs.policy as string) as PolicyDocument).Statement[0].Resource, `${config.bucketArn}/daily/*`);
        }
    });

    it("a controller: its statements in their own inline policy", () => {
        const statements = registeredInlinePolicy("order-worker", "statements").Statement;
        assert.equal(statements.length, 2);
        assert.equal(statements[0].Resource, config.queueArn);
    });
});
