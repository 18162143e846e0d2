import * as assert from "node:assert/strict";

import { mockAccountId, mockRegion, refusals, registeredOfType, registeredResource, registrationOf, settled, uniqueName as uniqueNameFor, valueOf } from "./mocks";
import { allowedByTrustPolicy } from "./iamEvaluator";
import { eksClusterArn, IrsaBinding, IrsaBindingArgs, PodIdentityBinding, PolicyDocument, PolicyStatement } from "../components/index";

const uniqueName = (): string => uniqueNameFor("existing-role");
const issuer = "oidc.eks.us-west-2.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF";
const providerArn = `arn:aws:iam::${mockAccountId}:oidc-provider/${issuer}`;
const existingRoleArn = `arn:aws:iam::${mockAccountId}:role/teams/payments/payments-api`;

describe("binding an existing role (roleArn)", () => {
    it("IRSA: reads the role, annotates the ServiceAccount with it, and names the trust statements its owner must add", async () => {
        const name = uniqueName();
        const binding = new IrsaBinding(name, { oidcProviderArn: providerArn, namespace: "payments", serviceAccountName: "api", roleArn: existingRoleArn });
        await registrationOf(binding, binding.serviceAccount!);
        await settled();
        assert.equal(await valueOf(binding.roleArn), existingRoleArn);
        assert.equal(await valueOf(binding.roleName), "payments-api");
        assert.deepEqual(await valueOf(binding.serviceAccountAnnotations), { "eks.amazonaws.com/role-arn": existingRoleArn, "eks.amazonaws.com/sts-regional-endpoints": "true" });
        const serviceAccount = registeredResource("kubernetes:core/v1:ServiceAccount", name);
        assert.equal((serviceAccount.inputs.metadata as { annotations: Record<string, string> }).annotations["eks.amazonaws.com/role-arn"], existingRoleArn);
        // The role is read by its name, never created or changed, and nothing is attached to it.
        const roles = registeredOfType("aws:iam/role:Role").filter((role) => role.name === name);
        assert.deepEqual(roles.map((role) => role.readId), ["payments-api"]);
        assert.deepEqual(registeredOfType("aws:iam/rolePolicyAttachment:RolePolicyAttachment").filter((each) => each.name.startsWith(name)), []);
        assert.equal(binding.deployment, undefined);

        // What the owner adds lets this ServiceAccount, and no other, assume the role.
        const statements = JSON.parse(await valueOf(binding.requiredTrustStatements!)) as PolicyStatement[];
        const trust: PolicyDocument = { Version: "2012-10-17", Statement: statements };
        const assume = (sub: string) =>
            allowedByTrustPolicy(trust, { principal: providerArn, action: "sts:AssumeRoleWithWebIdentity", roleArn: existingRoleArn, context: { [`${issuer}:sub`]: sub, [`${issuer}:aud`]: "sts.amazonaws.com" } });
        assert.equal(await assume("system:serviceaccount:payments:api"), true);
        assert.equal(await assume("system:serviceaccount:payments:other"), false);
        assert.deepEqual(JSON.parse(await valueOf(binding.trustPolicy)), trust);
    });

    it("Pod Identity: associates the role on each cluster, and names the trust statements its owner must add", async () => {
        const name = uniqueName();
        const binding = new PodIdentityBinding(name, { clusterName: "demo", additionalClusters: [{ clusterName: "east", region: "us-east-1" }], namespace: "payments", serviceAccountName: "api", roleArn: existingRoleArn });
        await registrationOf(...binding.associations);
        assert.deepEqual(
            binding.associations.map((association) => registeredResource("aws:eks/podIdentityAssociation:PodIdentityAssociation", (association as unknown as { __name: string }).__name).inputs.roleArn),
            [existingRoleArn, existingRoleArn],
        );
        const trust: PolicyDocument = { Version: "2012-10-17", Statement: JSON.parse(await valueOf(binding.requiredTrustStatements!)) as PolicyStatement[] };
        for (const clusterArn of [eksClusterArn("aws", mockRegion, mockAccountId, "demo"), eksClusterArn("aws", "us-east-1", mockAccountId, "east")]) {
            const context = (serviceAccount: string) => ({
                "aws:SourceAccount": mockAccountId,
                "aws:RequestTag/eks-cluster-arn": clusterArn,
                "aws:RequestTag/kubernetes-namespace": "payments",
                "aws:RequestTag/kubernetes-service-account": serviceAccount,
            });
            assert.equal(await allowedByTrustPolicy(trust, { principal: "pods.eks.amazonaws.com", action: "sts:AssumeRole", roleArn: existingRoleArn, context: context("api") }), true);
            assert.equal(await allowedByTrustPolicy(trust, { principal: "pods.eks.amazonaws.com", action: "sts:AssumeRole", roleArn: existingRoleArn, context: context("other") }), false);
        }
    });

    it("refuses what would change the role, which its owner keeps, before it creates anything", async () => {
        const check = refusals("eks-irsa:index:IrsaBinding");
        const base = { oidcProviderArn: providerArn, namespace: "payments", serviceAccountName: "api", roleArn: existingRoleArn };
        const ownersFields: [string, Partial<IrsaBindingArgs>][] = [
            ["s3Read", { s3Read: { bucketArns: ["arn:aws:s3:::payments"] } }],
            ["policyStatements", { policyStatements: [{ actions: ["sqs:SendMessage"], resources: ["arn:aws:sqs:us-west-2:123456789012:q"] }] }],
            ["policyArns", { policyArns: ["arn:aws:iam::aws:policy/ReadOnlyAccess"] }],
            ["permissionsBoundaryArn", { permissionsBoundaryArn: "arn:aws:iam::123456789012:policy/boundary" }],
            ["roleName", { roleName: "other" }],
            ["rolePath", { rolePath: "/x/" }],
            ["description", { description: "mine" }],
            ["maxSessionDurationSeconds", { maxSessionDurationSeconds: 7200 }],
        ];
        for (const [field, extra] of ownersFields) {
            check.assertRefused((refusedName) => new IrsaBinding(refusedName, { ...base, ...extra }), new RegExp(`^${field} is invalid with roleArn: the binding does not change a role it did not create`));
        }
        check.assertRefused((refusedName) => new IrsaBinding(refusedName, { ...base, roleArn: "arn:aws:iam::123456789012:user/alice" }), /^roleArn ".*" is invalid: expected an IAM role ARN/);
        await check.assertNoChildRegistered();
        const podIdentity = refusals("eks-irsa:index:PodIdentityBinding");
        podIdentity.assertRefused(
            (refusedName) => new PodIdentityBinding(refusedName, { clusterName: "demo", namespace: "payments", serviceAccountName: "api", roleArn: existingRoleArn, targetRoleArn: "arn:aws:iam::222233334444:role/target" }),
            /^targetRoleArn is invalid with roleArn/,
        );
        await podIdentity.assertNoChildRegistered();
    });

    it("refuses a role of another account than the provider's or the clusters'", async () => {
        const check = refusals("eks-irsa:index:IrsaBinding");
        check.assertRefused(
            (refusedName) => new IrsaBinding(refusedName, { oidcProviderArn: providerArn, namespace: "payments", serviceAccountName: "api", roleArn: "arn:aws:iam::999988887777:role/payments-api" }),
            /^roleArn "arn:aws:iam::999988887777:role\/payments-api" is invalid: it is not in the account of the OIDC provider \(aws, 123456789012\); a role trusts the OIDC providers of its own account only/,
        );
        await check.assertNoChildRegistered();
        // The clusters' account is known once the AWS provider answers.
        const binding = new PodIdentityBinding(uniqueName(), { clusterName: "demo", namespace: "payments", serviceAccountName: "api", roleArn: "arn:aws:iam::999988887777:role/payments-api", serviceAccountMode: "none" });
        await assert.rejects(valueOf(binding.trustPolicy), /roleArn ".*" is invalid: it is not in the account of the clusters .*EKS associates roles of the cluster's account only/);
    });
});
