/**
 * The policy pack on this project's own stacks: the real program (program/) run under the shared
 * mocks with each stack's config, its registered resources judged by every policy.
 */
import * as assert from "node:assert/strict";

import * as pulumi from "@pulumi/pulumi";

import { parseConfig } from "../program/config";
import { createInfrastructure } from "../program/infrastructure";
import { Finding } from "../policy/evaluate";
import { RegisteredResource } from "../scripts/offline/mocks";
import { policyFindings } from "../scripts/offline/policyFindings";
import { registered, registrationOf, settled, valueOf } from "./mocks";
import { lookupWith, stackConfig } from "./stackFiles";

/** Runs the program for a stack and returns what it registered. */
async function runStack(stack: string): Promise<RegisteredResource[]> {
    const start = registered.length;
    const infra = createInfrastructure(parseConfig(lookupWith(stack)));
    const outputs = Object.values(infra.outputs as unknown as Record<string, pulumi.Output<unknown> | undefined>);
    await Promise.all(outputs.map((output) => (output === undefined ? undefined : valueOf(output))));
    await registrationOf(infra.cluster, infra.nodes.nodeGroup, infra.namespace);
    await settled();
    return registered.slice(start);
}

/** Whether the stack's config opens the cluster's public endpoint to the whole internet. */
function opensEndpointToAll(stack: string): boolean {
    const cidrs = JSON.parse(stackConfig(stack)["eks-irsa:endpointPublicAccessCidrs"] ?? "[]") as string[];
    return cidrs.some((cidr) => cidr === "0.0.0.0/0" || cidr === "::/0");
}

for (const stack of ["dev", "prod"]) {
    describe(`policy pack: this project's stack ${stack}`, () => {
        let resources: RegisteredResource[];
        let findings: Finding[];
        before(async () => {
            resources = await runStack(stack);
            findings = await policyFindings(resources, { stack, project: "eks-irsa" });
        });

        it("has what the policies judge: workload and node roles, a launch template and node group, the cluster and the binding's objects", () => {
            const types = new Set(resources.map((resource) => resource.type));
            for (const type of ["aws:iam/role:Role", "aws:ec2/launchTemplate:LaunchTemplate", "aws:eks/nodeGroup:NodeGroup", "eks:index:Cluster", "kubernetes:core/v1:ServiceAccount"]) {
                assert.ok(types.has(type), `stack ${stack} registers a ${type}`);
            }
            const trusts = resources.filter((resource) => resource.type === "aws:iam/role:Role").map((role) => String(role.inputs.assumeRolePolicy));
            assert.ok(trusts.some((trust) => trust.includes(":oidc-provider/") || trust.includes("pods.eks.amazonaws.com")), "a workload role is among them");
        });

        it("has no mandatory violation", () => {
            assert.deepEqual(
                findings.filter((finding) => finding.enforcementLevel === "mandatory"),
                [],
            );
        });

        it("reports an endpoint open to the internet, if its config opens it, as advisory only where the stack is non-production", () => {
            const endpoint = findings.filter((finding) => finding.policyName === "eks-cluster-endpoint-restricted");
            assert.deepEqual(
                endpoint.map((finding) => finding.enforcementLevel),
                opensEndpointToAll(stack) ? ["advisory"] : [],
            );
            assert.deepEqual(
                findings.filter((finding) => finding.policyName !== "eks-cluster-endpoint-restricted"),
                [],
                "nothing else, advisory included",
            );
        });
    });
}
