/**
 * Kubernetes access during preview: an access entry's principal, groups or access policy, or the
 * `aws-auth` ConfigMap's `mapRoles`, not known yet (they name a role created in the same update).
 * Each stopped the rule before (the engine's proxy threw, and the server reported only that the
 * policy could not run, an advisory), so `pulumi up` created the access. Who may assume the role
 * is decided by the IAM evaluator; that `system:masters` is cluster-admin is Kubernetes' default
 * RBAC ("system:masters ... cluster-admin", kubernetes.io/docs/reference/access-authn-authz/rbac/#default-roles-and-role-bindings).
 */
import * as assert from "node:assert/strict";

import { UnknownValueError } from "@pulumi/policy";

import { PolicyDocument } from "../components/index";
import { evaluatePolicies, PlainResource } from "../policy/evaluate";
import { policies } from "../policy/pack";
import { allowedByTrustPolicy } from "./iamEvaluator";
import { document, findingsOf, irsaStatement, issuer, providerArn, resource, role, roleArnOf, serviceTrust } from "./policyPackFixtures";

const stack = "prod";
/** The engine's marker for a string not known yet; @pulumi/policy's proxy throws this error on reading it. */
const unknownString = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
const clusterAdmin = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy";
const view = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy";

/** These properties as the engine hands them over during preview: reading any of them throws. */
function unknownAt(props: Record<string, unknown>, ...keys: string[]): Record<string, unknown> {
    for (const key of keys) {
        Object.defineProperty(props, key, { enumerable: true, get: () => { throw new UnknownValueError(unknownString, [key]); } });
    }
    return props;
}

const workloadTrust = document(irsaStatement()) as PolicyDocument;
/** A role of this update: its ARN not known yet. */
const pendingRole = (name: string, trust: PolicyDocument): PlainResource => {
    const made = role(stack, name, trust);
    return { ...made, props: unknownAt({ ...made.props }, "arn") };
};
const api = pendingRole("api", workloadTrust);
const nodes = pendingRole("nodes", serviceTrust("ec2.amazonaws.com"));

async function access(...resources: PlainResource[]): Promise<string[]> {
    return findingsOf(await evaluatePolicies(policies, resources), "workload-role-no-cluster-access");
}

describe("policy pack during preview: Kubernetes access to a principal or of a kind not known yet fails closed", () => {
    it("the evaluator: pods assume the workload role, not the node role", async () => {
        const sa = { [`${issuer}:sub`]: "system:serviceaccount:apps:api", [`${issuer}:aud`]: "sts.amazonaws.com" };
        assert.equal(await allowedByTrustPolicy(workloadTrust, { principal: providerArn, action: "sts:AssumeRoleWithWebIdentity", roleArn: roleArnOf("api"), context: sa }), true);
        assert.equal(await allowedByTrustPolicy(serviceTrust("ec2.amazonaws.com"), { principal: providerArn, action: "sts:AssumeRoleWithWebIdentity", roleArn: roleArnOf("nodes"), context: sa }), false);
    });

    it("an access entry or access policy association whose principalArn is the workload role's ARN, not known yet (system:masters, cluster admin)", async () => {
        const entry = resource(stack, "aws:eks/accessEntry:AccessEntry", "ae", unknownAt({ clusterName: "apps", kubernetesGroups: ["system:masters"] }, "principalArn"), { principalArn: [api.urn] });
        const found = await access(api, entry);
        assert.equal(found.length, 1, found.join("\n"));
        assert.match(found[0], /^mandatory: aws:eks\/accessEntry:AccessEntry "ae" kubernetesGroups gives aws:iam\/role:Role "api", a workload role .*\["system:masters"\]/);
        const association = resource(stack, "aws:eks/accessPolicyAssociation:AccessPolicyAssociation", "apa", unknownAt({ clusterName: "apps", policyArn: clusterAdmin, accessScope: { type: "cluster" } }, "principalArn"), { principalArn: [api.urn] });
        assert.match((await access(api, association)).join("\n"), /^mandatory: aws:eks\/accessPolicyAssociation:AccessPolicyAssociation "apa" gives aws:iam\/role:Role "api".*AmazonEKSClusterAdminPolicy at cluster scope/);
    });

    it("groups, type or access policy not known yet, to a workload role; a principal not known yet from no role of the stack", async () => {
        const cases: [PlainResource, RegExp][] = [
            [resource(stack, "aws:eks/accessEntry:AccessEntry", "ae", unknownAt({ clusterName: "apps", principalArn: roleArnOf("api") }, "kubernetesGroups")), /kubernetesGroups gives .*"api".*Kubernetes groups not known yet \(preview\), which may be system:masters/],
            [resource(stack, "aws:eks/accessEntry:AccessEntry", "ae", unknownAt({ clusterName: "apps", principalArn: roleArnOf("api") }, "type")), /"ae" type gives .*"api".*a type not known yet \(preview\)/],
            [resource(stack, "aws:eks/accessPolicyAssociation:AccessPolicyAssociation", "apa", unknownAt({ clusterName: "apps", principalArn: roleArnOf("api"), accessScope: { type: "cluster" } }, "policyArn")), /"apa" gives .*"api".*an access policy not known yet \(preview\)/],
            [resource(stack, "aws:eks/accessEntry:AccessEntry", "ae", unknownAt({ clusterName: "apps", kubernetesGroups: ["system:masters"] }, "principalArn")), /"ae" kubernetesGroups gives a principal not known yet \(preview\), which could be a workload role/],
        ];
        const known = role(stack, "api", workloadTrust, { arn: roleArnOf("api") });
        for (const [entry, expected] of cases) {
            const found = await access(known, entry);
            assert.equal(found.length, 1, found.join("\n"));
            assert.match(found[0], /^mandatory: /);
            assert.match(found[0], expected);
        }
    });

    it("the aws-auth ConfigMap's mapRoles built from the workload role's ARN, or data not known yet from nothing", async () => {
        const metadata = { name: "aws-auth", namespace: "kube-system" };
        const byRole = resource(stack, "kubernetes:core/v1:ConfigMap", "aws-auth", { metadata, data: unknownAt({}, "mapRoles") }, { data: [api.urn] });
        assert.match((await access(api, byRole)).join("\n"), /^mandatory: kubernetes:core\/v1:ConfigMap "aws-auth" data.mapRoles gives aws:iam\/role:Role "api", a workload role/);
        const fromNothing = resource(stack, "kubernetes:core/v1:ConfigMap", "aws-auth", unknownAt({ metadata }, "data"));
        assert.match((await access(fromNothing)).join("\n"), /^mandatory: .*"aws-auth" data.mapRoles gives a principal not known yet \(preview\)/);
    });

    it("one unknown no longer hides a known grant elsewhere in the stack", async () => {
        const pending = resource(stack, "aws:eks/accessEntry:AccessEntry", "nodes", unknownAt({ clusterName: "apps", type: "EC2_LINUX" }, "principalArn"), { principalArn: [nodes.urn] });
        const known = role(stack, "api", workloadTrust, { arn: roleArnOf("api") });
        const admin = resource(stack, "aws:eks/accessEntry:AccessEntry", "admin", { clusterName: "apps", principalArn: roleArnOf("api"), kubernetesGroups: ["system:masters"] });
        const found = await access(known, nodes, pending, admin);
        assert.equal(found.length, 1, found.join("\n"));
        assert.match(found[0], /^mandatory: aws:eks\/accessEntry:AccessEntry "admin" kubernetesGroups gives aws:iam\/role:Role "api"/);
    });

    it("near miss: the node role's access entry and aws-auth mapping, its ARN not known yet; a view policy for the workload role", async () => {
        const entry = resource(stack, "aws:eks/accessEntry:AccessEntry", "nodes", unknownAt({ clusterName: "apps", type: "EC2_LINUX" }, "principalArn"), { principalArn: [nodes.urn] });
        const awsAuth = resource(stack, "kubernetes:core/v1:ConfigMap", "aws-auth", { metadata: { name: "aws-auth", namespace: "kube-system" }, data: unknownAt({}, "mapRoles") }, { data: [nodes.urn] });
        const viewer = resource(stack, "aws:eks/accessPolicyAssociation:AccessPolicyAssociation", "view", unknownAt({ clusterName: "apps", policyArn: view, accessScope: { type: "cluster" } }, "principalArn"), { principalArn: [api.urn] });
        assert.deepEqual(await access(api, nodes, entry, awsAuth, viewer), []);
    });
});
