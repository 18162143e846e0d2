/**
 * Kubernetes objects a program applies through `kubernetes.yaml.v2.ConfigGroup` and `ConfigFile`:
 * the kubernetes provider registers each object as a resource of its own type (its Construct), and
 * the engine sends those to the pack like any other. Under mocks the mock engine registers them as
 * the provider would (scripts/offline/mocks.ts), so what a program writes reaches the pack's rules.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

import * as k8s from "@pulumi/kubernetes";

import { policyFindings } from "../scripts/offline/policyFindings";
import { registered, registrationOf, settled, uniqueName } from "./mocks";
import { findingsOf } from "./policyPackFixtures";

const nodeClassType = "kubernetes:karpenter.k8s.aws/v1:EC2NodeClass";

/** A Karpenter node class as a program writes it, with this hop limit (and tokens required). */
function nodeClass(name: string, hopLimit: number, apiVersion = "karpenter.k8s.aws/v1"): Record<string, unknown> {
    return {
        apiVersion,
        kind: "EC2NodeClass",
        metadata: { name },
        spec: { role: "KarpenterNodeRole-prod", amiSelectorTerms: [{ alias: "al2023@latest" }], metadataOptions: { httpTokens: "required", httpPutResponseHopLimit: hopLimit } },
    };
}

/** The pack's IMDS findings on what a component registered (itself and the objects it applies). */
async function imdsFindings(component: k8s.yaml.v2.ConfigGroup | k8s.yaml.v2.ConfigFile, name: string): Promise<{ findings: string[]; types: string[] }> {
    await registrationOf(component);
    await settled();
    const resources = registered.filter((resource) => resource.name === name || resource.name.startsWith(`${name}-`));
    return { findings: findingsOf(await policyFindings(resources, { stack: "prod", project: "guarded" }), "launch-template-imdsv2"), types: resources.map((resource) => resource.type) };
}

describe("policy pack: Karpenter EC2NodeClass applied through kubernetes.yaml.v2", () => {
    it("ConfigGroup objs and yaml: a hop limit of 2 is refused naming the object and the field; hop limit 1 passes", async () => {
        const name = uniqueName("nodes");
        const group = new k8s.yaml.v2.ConfigGroup(name, {
            objs: [nodeClass("wide", 2), nodeClass("tight", 1)],
            yaml: `${JSON.stringify(nodeClass("beta-wide", 2, "karpenter.k8s.aws/v1beta1"))}\n---\n${JSON.stringify(nodeClass("yaml-tight", 1))}\n`,
        });
        const { findings, types } = await imdsFindings(group, name);
        assert.deepEqual(types.filter((type) => type.includes("EC2NodeClass")).sort(), [nodeClassType, nodeClassType, nodeClassType, "kubernetes:karpenter.k8s.aws/v1beta1:EC2NodeClass"].sort());
        assert.deepEqual(findings.sort(), [
            `mandatory: ${nodeClassType} "${name}-wide": spec.metadataOptions.httpPutResponseHopLimit is 2, so pods can reach the node role's credentials; set it to 1`,
            `mandatory: kubernetes:karpenter.k8s.aws/v1beta1:EC2NodeClass "${name}-beta-wide": spec.metadataOptions.httpPutResponseHopLimit is 2, so pods can reach the node role's credentials; set it to 1`,
        ].sort());
    });

    it("ConfigFile: the objects of the file are judged; the near miss with hop limit 1 passes", async () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "eks-irsa-yaml-"));
        try {
            const wide = path.join(dir, "wide.yaml");
            const tight = path.join(dir, "tight.yaml");
            fs.writeFileSync(wide, `# Karpenter\n${JSON.stringify(nodeClass("file-wide", 2))}\n`);
            fs.writeFileSync(tight, JSON.stringify(nodeClass("file-tight", 1)));
            const wideName = uniqueName("file");
            const refused = await imdsFindings(new k8s.yaml.v2.ConfigFile(wideName, { file: wide }), wideName);
            assert.equal(refused.findings.length, 1, JSON.stringify(refused.findings));
            assert.match(refused.findings[0], new RegExp(`^mandatory: ${nodeClassType} "${wideName}-file-wide": spec.metadataOptions.httpPutResponseHopLimit is 2`));
            const tightName = uniqueName("file");
            const allowed = await imdsFindings(new k8s.yaml.v2.ConfigFile(tightName, { file: tight }), tightName);
            assert.ok(allowed.types.includes(nodeClassType), JSON.stringify(allowed.types));
            assert.deepEqual(allowed.findings, []);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    it("RBAC in a ConfigGroup: a RoleBinding that lets another ServiceAccount create pods next to a bound one is refused; reading pods passes", async () => {
        const name = uniqueName("rbac");
        const objects = (verbs: string[]) => [
            { apiVersion: "v1", kind: "ServiceAccount", metadata: { name: "processor", namespace: "payments", annotations: { "eks.amazonaws.com/role-arn": "arn:aws:iam::123456789012:role/payments" } } },
            { apiVersion: "rbac.authorization.k8s.io/v1", kind: "Role", metadata: { name: "runner", namespace: "payments" }, rules: [{ apiGroups: [""], resources: ["pods"], verbs }] },
            {
                apiVersion: "rbac.authorization.k8s.io/v1",
                kind: "RoleBinding",
                metadata: { name: "runner", namespace: "payments" },
                roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "runner" },
                subjects: [{ kind: "ServiceAccount", name: "ci", namespace: "payments" }],
            },
        ];
        const rbacFindings = async (group: k8s.yaml.v2.ConfigGroup, groupName: string) => {
            await registrationOf(group);
            await settled();
            const resources = registered.filter((resource) => resource.name === groupName || resource.name.startsWith(`${groupName}-`));
            return findingsOf(await policyFindings(resources, { stack: "prod", project: "guarded" }), "workload-serviceaccount-rbac");
        };
        const refused = await rbacFindings(new k8s.yaml.v2.ConfigGroup(name, { objs: objects(["create"]) }), name);
        assert.equal(refused.length, 1, JSON.stringify(refused));
        assert.match(refused[0], /^mandatory: kubernetes:rbac\.authorization\.k8s\.io\/v1:RoleBinding ".*runner" binds the Role "runner" to the ServiceAccount payments\/ci in the namespace payments: .*become the ServiceAccount payments\/processor/);
        const readName = uniqueName("rbac");
        assert.deepEqual(await rbacFindings(new k8s.yaml.v2.ConfigGroup(readName, { objs: objects(["get", "list", "watch"]) }), readName), []);
    });
});
