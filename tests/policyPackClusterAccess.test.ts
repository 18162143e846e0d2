/**
 * Kubernetes access for a workload role: an access entry, an access policy association or an
 * `aws-auth` mapping that lets the pods holding the role run pods as other ServiceAccounts (or read
 * their tokens) hands them the roles those ServiceAccounts are bound to. Each input passed the pack
 * before; the IAM evaluator shows the pods hold the role and that the other role admits the
 * ServiceAccount they can then run as.
 */
import * as assert from "node:assert/strict";

import { PolicyDocument } from "../components/index";
import { evaluatePolicies, PlainResource } from "../policy/evaluate";
import { policies } from "../policy/pack";
import { allowedByIdentityPolicy, allowedByTrustPolicy } from "./iamEvaluator";
import { checkPolicyStatements } from "../components/index";
import { account, document, findingsOf, irsaStatement, issuer, providerArn, resource, role } from "./policyPackFixtures";

const stack = "prod";
const arnOf = (name: string): string => `arn:aws:iam::${account}:role/${name}`;
const clusterAdmin = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy";
const view = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy";
const subject = (namespace: string, name: string) => ({ StringEquals: { [`${issuer}:sub`]: `system:serviceaccount:${namespace}:${name}`, [`${issuer}:aud`]: "sts.amazonaws.com" } });

/** The pods' role (apps:api), and the payments role meant for payments:processor only. */
const api = role(stack, "api", document(irsaStatement()), { arn: arnOf("api") });
const paymentsTrust = document(irsaStatement(subject("payments", "processor"))) as PolicyDocument;
const payments = role(stack, "payments", paymentsTrust, { arn: arnOf("payments"), managedPolicyArns: ["arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"] });

async function clusterAccess(...resources: PlainResource[]): Promise<string[]> {
    return findingsOf(await evaluatePolicies(policies, resources), "workload-role-no-cluster-access");
}

const webIdentity = (namespace: string, name: string, roleArn: string) => ({
    principal: providerArn,
    action: "sts:AssumeRoleWithWebIdentity",
    roleArn,
    context: { [`${issuer}:sub`]: `system:serviceaccount:${namespace}:${name}`, [`${issuer}:aud`]: "sts.amazonaws.com" },
});

describe("policy pack: Kubernetes access for a workload role", () => {
    it("pods with cluster access run as another ServiceAccount, whose role admits them: the evaluator's view", async () => {
        assert.equal(await allowedByTrustPolicy(document(irsaStatement()) as PolicyDocument, webIdentity("apps", "api", arnOf("api"))), true);
        assert.equal(await allowedByTrustPolicy(paymentsTrust, webIdentity("apps", "api", arnOf("payments"))), false, "not meant for the api pods");
        assert.equal(await allowedByTrustPolicy(paymentsTrust, webIdentity("payments", "processor", arnOf("payments"))), true, "but a pod they run as payments:processor gets it");
    });

    it("access entries, policy associations, aws-auth and roleMappings in every form give the pods' role cluster power: refused", async () => {
        const templateBody = JSON.stringify({
            Resources: {
                Pods: { Type: "AWS::IAM::Role", Properties: { AssumeRolePolicyDocument: document(irsaStatement()) } },
                Entry: { Type: "AWS::EKS::AccessEntry", Properties: { ClusterName: "apps", PrincipalArn: { "Fn::GetAtt": ["Pods", "Arn"] }, AccessPolicies: [{ PolicyArn: clusterAdmin, AccessScope: { Type: "cluster" } }] } },
            },
        });
        const cases: [PlainResource[], RegExp][] = [
            [[api, resource(stack, "aws:eks/accessEntry:AccessEntry", "entry", { clusterName: "apps", principalArn: arnOf("api"), kubernetesGroups: ["system:masters"] })], /aws:eks\/accessEntry:AccessEntry "entry" kubernetesGroups gives aws:iam\/role:Role "api", a workload role \(pods assume it through IRSA or EKS Pod Identity\), the Kubernetes groups \["system:masters"\]/],
            [[api, resource(stack, "aws:eks/accessPolicyAssociation:AccessPolicyAssociation", "admin", { clusterName: "apps", principalArn: arnOf("api"), policyArn: clusterAdmin, accessScope: { type: "cluster" } })], /"admin" gives aws:iam\/role:Role "api", .*the access policy AmazonEKSClusterAdminPolicy at cluster scope/],
            [[api, resource(stack, "aws-native:eks:AccessEntry", "entry", { clusterName: "apps", principalArn: arnOf("api"), accessPolicies: [{ policyArn: "arn:aws:eks::aws:cluster-access-policy/AmazonEKSEditPolicy", accessScope: { type: "namespace", namespaces: ["payments"] } }] })], /accessPolicies\[0\] gives .*AmazonEKSEditPolicy at namespace scope/],
            [[api, resource(stack, "aws:cloudcontrol/resource:Resource", "entry", { typeName: "AWS::EKS::AccessEntry", desiredState: JSON.stringify({ ClusterName: "apps", PrincipalArn: arnOf("api"), Type: "EC2_LINUX" }) })], /desiredState type gives .*the access of a node \(type EC2_LINUX\)/],
            [[resource(stack, "aws:cloudformation/stack:Stack", "cfn", { templateBody })], /template resource "Entry" \(AWS::EKS::AccessEntry\) accessPolicies\[0\] gives aws:cloudformation\/stack:Stack "cfn" template resource "Pods" \(AWS::IAM::Role\), a workload role/],
            [
                [api, resource(stack, "kubernetes:core/v1:ConfigMap", "aws-auth", { metadata: { name: "aws-auth", namespace: "kube-system" }, data: { mapRoles: `- rolearn: ${arnOf("api")}\n  username: api\n  groups:\n    - system:masters\n` } })],
                /kubernetes:core\/v1:ConfigMap "aws-auth" data\.mapRoles\[0\] gives aws:iam\/role:Role "api"/,
            ],
            // kubernetes.apiextensions.CustomResource registers `kubernetes:${apiVersion}:${kind}` (@pulumi/kubernetes apiextensions/customResource.js): the core group's aws-auth as kubernetes:v1:ConfigMap.
            [
                [api, resource(stack, "kubernetes:v1:ConfigMap", "aws-auth", { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "aws-auth", namespace: "kube-system" }, data: { mapRoles: `- rolearn: ${arnOf("api")}\n  username: api\n  groups:\n    - system:masters\n` } })],
                /kubernetes:v1:ConfigMap "aws-auth" data\.mapRoles\[0\] gives aws:iam\/role:Role "api"/,
            ],
            [
                [api, resource(stack, "kubernetes:core/v1:ConfigMapList", "maps", { items: [{ metadata: { name: "settings", namespace: "kube-system" }, data: {} }, { metadata: { name: "aws-auth", namespace: "kube-system" }, data: { mapRoles: `- rolearn: ${arnOf("api")}\n  groups:\n    - system:masters\n` } }] })],
                /kubernetes:core\/v1:ConfigMapList "maps" items\[1\] data\.mapRoles\[0\] gives aws:iam\/role:Role "api"/,
            ],
            [
                [api, resource(stack, "kubernetes:v1:ConfigMapPatch", "aws-auth", { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "aws-auth", namespace: "kube-system" }, data: { mapRoles: `- rolearn: ${arnOf("api")}\n  username: api\n  groups:\n    - system:masters\n` } })],
                /kubernetes:v1:ConfigMapPatch "aws-auth" data\.mapRoles\[0\] gives aws:iam\/role:Role "api"/,
            ],
            [[api, resource(stack, "eks:index:Cluster", "apps", { roleMappings: [{ roleArn: arnOf("api"), username: "api", groups: ["platform-admins"] }] })], /eks:index:Cluster "apps" roleMappings\[0\] gives aws:iam\/role:Role "api", .*\["platform-admins"\]/],
            // The eks provider's Cluster creates an access entry (and its policy associations) for each of its accessEntries, children the pack does not see.
            [[api, resource(stack, "eks:index:Cluster", "apps", { accessEntries: { pods: { principalArn: arnOf("api"), accessPolicies: { admin: { policyArn: clusterAdmin, accessScope: { type: "cluster" } } } } } })], /eks:index:Cluster "apps" accessEntries\.pods accessPolicies\[0\] gives aws:iam\/role:Role "api", .*AmazonEKSClusterAdminPolicy at cluster scope/],
            [[api, resource(stack, "eks:index:Cluster", "apps", { accessEntries: { pods: { principalArn: arnOf("api"), kubernetesGroups: ["system:masters"] } } })], /eks:index:Cluster "apps" accessEntries\.pods kubernetesGroups gives aws:iam\/role:Role "api"/],
            [[api, resource(stack, "aws:cloudcontrol/resource:Resource", "entry", { typeName: "aws::eks::accessentry", desiredState: JSON.stringify({ ClusterName: "apps", PrincipalArn: arnOf("api"), KubernetesGroups: ["system:masters"] }) })], /"entry" desiredState kubernetesGroups gives aws:iam\/role:Role "api"/],
        ];
        for (const [resources, expected] of cases) {
            const found = await clusterAccess(...resources, payments);
            assert.equal(found.length, 1, `${resources[resources.length - 1].type}: ${found.join("\n")}`);
            assert.match(found[0], /^mandatory: /);
            assert.match(found[0], expected);
            assert.match(found[0], /pods holding it can run pods as other ServiceAccounts \(or read their tokens\) and hold the roles bound to them/);
        }
    });

    it("near misses: AmazonEKSViewPolicy for the pods' role; cluster admin for a deployer role no pod can hold", async () => {
        assert.deepEqual(await clusterAccess(api, payments, resource(stack, "aws:eks/accessPolicyAssociation:AccessPolicyAssociation", "view", { clusterName: "apps", principalArn: arnOf("api"), policyArn: view, accessScope: { type: "cluster" } })), []);
        assert.deepEqual(await clusterAccess(api, payments, resource(stack, "kubernetes:v1:ConfigMap", "settings", { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "settings", namespace: "kube-system" }, data: { mapRoles: `- rolearn: ${arnOf("api")}\n  groups:\n    - system:masters\n` } })), []);
        assert.deepEqual(await clusterAccess(api, payments, resource(stack, "eks:index:Cluster", "apps", { accessEntries: { pods: { principalArn: arnOf("api"), accessPolicies: { view: { policyArn: view, accessScope: { type: "cluster" } } } } } })), []);
        const deployerTrust = document({ Effect: "Allow", Principal: { AWS: `arn:aws:iam::${account}:role/ci` }, Action: "sts:AssumeRole" });
        assert.equal(await allowedByTrustPolicy(deployerTrust as PolicyDocument, webIdentity("apps", "api", arnOf("deployer"))), false);
        const deployer = role(stack, "deployer", deployerTrust, { arn: arnOf("deployer") });
        assert.deepEqual(await clusterAccess(api, deployer, resource(stack, "aws:eks/accessPolicyAssociation:AccessPolicyAssociation", "admin", { clusterName: "apps", principalArn: arnOf("deployer"), policyArn: clusterAdmin, accessScope: { type: "cluster" } })), []);
    });
});

describe("policy pack and components: a workload role that writes the access of its own, named, cluster", () => {
    const clusterArn = `arn:aws:eks:us-west-2:${account}:cluster/apps`;
    const ownEntry = `arn:aws:eks:us-west-2:${account}:access-entry/apps/role/${account}/api/0ac6d8b4-1a2b-3c4d-5e6f-7a8b9c0d1e2f`;

    it("eks:AssociateAccessPolicy on its own access entry, or an identity provider for the named cluster: refused (the policy, groups and issuer are the caller's)", async () => {
        const cases: [string, string][] = [
            ["eks:AssociateAccessPolicy", ownEntry],
            ["eks:CreateAccessEntry", clusterArn],
            ["eks:AssociateIdentityProviderConfig", clusterArn],
        ];
        for (const [action, target] of cases) {
            const policy = document({ Effect: "Allow", Action: action, Resource: target }) as PolicyDocument;
            // The policy ARN it associates is a request value: the cluster administrator's is as allowed as any.
            const context: Record<string, string> = action === "eks:AssociateAccessPolicy" ? { "eks:policyArn": clusterAdmin } : {};
            assert.equal(await allowedByIdentityPolicy(policy, { action, resource: target, context }), true, action);
            const found = findingsOf(await evaluatePolicies(policies, [role(stack, "api", document(irsaStatement()), { arn: arnOf("api"), inlinePolicies: [{ name: "p0", policy: JSON.stringify(policy) }] })]), "workload-role-no-administrator-policy");
            assert.equal(found.length, 1, `${action}: ${found.join("\n")}`);
            assert.match(found[0], /the escalation path "cluster-access-write"/, action);
            assert.match(checkPolicyStatements("policyStatements", [{ actions: [action], resources: [target], conditions: [] }], false) ?? "", /"cluster-access-write"/, action);
        }
    });

    it("near miss: reading the cluster's access entries", async () => {
        const policy = document({ Effect: "Allow", Action: ["eks:DescribeAccessEntry", "eks:ListAssociatedAccessPolicies"], Resource: ownEntry }) as PolicyDocument;
        assert.equal(await allowedByIdentityPolicy(policy, { action: "eks:AssociateAccessPolicy", resource: ownEntry }), false);
        assert.deepEqual(findingsOf(await evaluatePolicies(policies, [role(stack, "api", document(irsaStatement()), { arn: arnOf("api"), inlinePolicies: [{ name: "p0", policy: JSON.stringify(policy) }] })]), "workload-role-no-administrator-policy"), []);
    });
});
