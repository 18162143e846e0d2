import * as assert from "node:assert/strict";

import { mockAccountId, mockRegion, refusals, registeredOfType, registeredResource, registrationOf, uniqueName as uniqueNameFor, valueOf } from "./mocks";
import { allowedByIdentityPolicy, allowedByTrustPolicy, ContextValues } from "./iamEvaluator";
import { podIdentityRequestContext } from "./podIdentityRequest";
import { registeredInlinePolicy } from "./inlinePolicies";
import { eksClusterArn, IrsaBinding, PodIdentityBinding, PodIdentityBindingArgs, PolicyDocument } from "../components/index";

const uniqueName = (): string => uniqueNameFor("sessions");
const bucketArn = "arn:aws:s3:::reports-bucket";
const baseArgs: PodIdentityBindingArgs = { clusterName: "demo", namespace: "apps", serviceAccountName: "reports-reader", s3Read: { bucketArns: [bucketArn] } };
const roleArn = `arn:aws:iam::${mockAccountId}:role/reports-reader`;

async function deploy(args: PodIdentityBindingArgs): Promise<{ binding: PodIdentityBinding; name: string }> {
    const name = uniqueName();
    const binding = new PodIdentityBinding(name, args);
    await registrationOf(binding, binding.role, ...binding.associations);
    await valueOf(binding.trustPolicy);
    return { binding, name };
}

/** What EKS Pod Identity sends, as AWS documents it, for a pod of `clusterArn` (untagged: the source account alone). */
const untaggedFrom = (clusterArn: string) => podIdentityRequestContext({ clusterArn, namespace: "apps", serviceAccount: "reports-reader" }, { sessionTags: false });
const taggedFrom = (clusterArn: string) => podIdentityRequestContext({ clusterArn, namespace: "apps", serviceAccount: "reports-reader" });

describe("PodIdentityBinding session controls", () => {
    it("with disableSessionTags, trusts the service for this account only (no documented key names the cluster untagged), and tells EKS not to tag", async () => {
        const { binding, name } = await deploy({ ...baseArgs, disableSessionTags: true, additionalServiceAccounts: [{ namespace: "jobs", serviceAccountName: "exporter" }] });
        const trust = JSON.parse(await valueOf(binding.trustPolicy)) as PolicyDocument;
        const demo = eksClusterArn("aws", mockRegion, mockAccountId, "demo");
        const ask = (context: ContextValues) => allowedByTrustPolicy(trust, { principal: "pods.eks.amazonaws.com", action: "sts:AssumeRole", roleArn, context });
        assert.equal(await ask(untaggedFrom(demo)), true);
        assert.equal(await ask(taggedFrom(demo)), true);
        assert.equal(await allowedByTrustPolicy(trust, { principal: "pods.eks.amazonaws.com", action: "sts:TagSession", roleArn, context: untaggedFrom(demo) }), true);
        // Untagged, another cluster of the account is told apart by nothing AWS documents: the associations decide.
        assert.equal(await ask(untaggedFrom(eksClusterArn("aws", mockRegion, mockAccountId, "other"))), true);
        assert.equal(await ask(untaggedFrom(eksClusterArn("aws", mockRegion, "999999999999", "demo"))), false);
        assert.equal(await ask({}), false);
        assert.equal(await allowedByTrustPolicy(trust, { principal: "ec2.amazonaws.com", action: "sts:AssumeRole", roleArn, context: untaggedFrom(demo) }), false);
        // No statement per ServiceAccount: the trust cannot tell them apart, the associations decide.
        assert.equal(trust.Statement.length, 1);
        const associations = [name, `${name}-0-1`].map((each) => registeredResource("aws:eks/podIdentityAssociation:PodIdentityAssociation", each));
        assert.deepEqual(
            associations.map((each) => [each.inputs.serviceAccount, each.inputs.disableSessionTags]),
            [
                ["reports-reader", true],
                ["exporter", true],
            ],
        );
    });

    it("sets the session policy on every association, and the evaluator proves it narrows the role", async () => {
        const { name } = await deploy({
            ...baseArgs,
            additionalClusters: [{ clusterName: "east", region: "us-east-1" }],
            disableSessionTags: true,
            sessionPolicyStatements: [{ actions: ["s3:GetObject"], resources: [`${bucketArn}/daily/*`] }],
        });
        const associations = registeredOfType("aws:eks/podIdentityAssociation:PodIdentityAssociation").filter((each) => each.name.startsWith(name));
        assert.equal(associations.length, 2);
        const sessionPolicy = JSON.parse(associations[0].inputs.policy as string) as PolicyDocument;
        assert.equal(associations[1].inputs.policy, associations[0].inputs.policy);
        const rolePolicy = registeredInlinePolicy(name, "s3-read");
        const read = (key: string, session?: PolicyDocument) => allowedByIdentityPolicy(rolePolicy, { action: "s3:GetObject", resource: `${bucketArn}/${key}`, sessionPolicy: session });
        // The role alone reads the whole bucket; with the association's session policy, only daily/.
        assert.equal(await read("monthly/report.csv"), true);
        assert.equal(await read("monthly/report.csv", sessionPolicy), false);
        assert.equal(await read("daily/report.csv", sessionPolicy), true);
        assert.equal(await allowedByIdentityPolicy(rolePolicy, { action: "s3:ListBucket", resource: bucketArn, sessionPolicy }), false);
        // A session policy cannot widen: what the role lacks stays refused.
        const wide = { Version: "2012-10-17" as const, Statement: [{ Effect: "Allow" as const, Action: "s3:PutObject", Resource: `${bucketArn}/*` }] };
        assert.equal(await allowedByIdentityPolicy(rolePolicy, { action: "s3:PutObject", resource: `${bucketArn}/daily/x`, sessionPolicy: wide }), false);
    });

    it("binds clusters of several regions to one role: each association in its region, each cluster's ARN in the trust", async () => {
        const { binding, name } = await deploy({
            ...baseArgs,
            clusterRegion: "eu-west-1",
            additionalClusterNames: ["demo-2"],
            additionalClusters: [
                { clusterName: "demo", region: "us-east-1" },
                { clusterName: "tokyo", region: "ap-northeast-1" },
            ],
        });
        // Named by cluster, then ServiceAccount: the first is the binding's own name.
        const associations = [name, `${name}-1-0`, `${name}-2-0`, `${name}-3-0`].map((each) => registeredResource("aws:eks/podIdentityAssociation:PodIdentityAssociation", each));
        assert.deepEqual(
            associations.map((each) => [each.inputs.clusterName, each.inputs.region]),
            [
                ["demo", "eu-west-1"],
                ["demo-2", undefined],
                ["demo", "us-east-1"],
                ["tokyo", "ap-northeast-1"],
            ],
        );
        const trust = JSON.parse(await valueOf(binding.trustPolicy)) as PolicyDocument;
        const ask = (clusterArn: string) =>
            allowedByTrustPolicy(trust, {
                principal: "pods.eks.amazonaws.com",
                action: "sts:AssumeRole",
                roleArn,
                context: taggedFrom(clusterArn),
            });
        for (const [region, cluster] of [["eu-west-1", "demo"], [mockRegion, "demo-2"], ["us-east-1", "demo"], ["ap-northeast-1", "tokyo"]]) {
            assert.equal(await ask(eksClusterArn("aws", region, mockAccountId, cluster)), true, `${cluster} in ${region}`);
        }
        assert.equal(await ask(eksClusterArn("aws", mockRegion, mockAccountId, "demo")), false);
        assert.equal(await ask(eksClusterArn("aws", "ap-northeast-1", mockAccountId, "demo")), false);
    });

    it("refuses session controls EKS would refuse or that would weaken a chained role, before it creates anything", async () => {
        const check = refusals("eks-irsa:index:PodIdentityBinding");
        check.assertRefused(
            (name) => new PodIdentityBinding(name, { ...baseArgs, sessionPolicyStatements: [{ actions: ["s3:GetObject"], resources: [`${bucketArn}/a/*`] }] }),
            /^sessionPolicyStatements is invalid without disableSessionTags/,
        );
        check.assertRefused((name) => new PodIdentityBinding(name, { ...baseArgs, disableSessionTags: true, sessionPolicyStatements: [] }), /^sessionPolicyStatements is invalid: it must name at least one statement/);
        check.assertRefused(
            (name) => new PodIdentityBinding(name, { ...baseArgs, disableSessionTags: true, sessionPolicyStatements: [{ actions: ["s3 GetObject"], resources: [`${bucketArn}/a/*`] }] }),
            /^sessionPolicyStatements\[0\]\.actions\[0\]/,
        );
        check.assertRefused(
            (name) => new PodIdentityBinding(name, { clusterName: "demo", namespace: "apps", serviceAccountName: "x", targetRoleArn: "arn:aws:iam::222233334444:role/target", disableSessionTags: true }),
            /^disableSessionTags is invalid with targetRoleArn/,
        );
        check.assertRefused((name) => new PodIdentityBinding(name, { ...baseArgs, clusterRegion: "Frankfurt" }), /^clusterRegion "Frankfurt" is invalid: expected an AWS region/);
        check.assertRefused((name) => new PodIdentityBinding(name, { ...baseArgs, additionalClusters: [{ clusterName: "x", region: "eu" }] }), /^additionalClusters\[0\]\.region "eu" is invalid/);
        check.assertRefused((name) => new PodIdentityBinding(name, { ...baseArgs, additionalClusters: [{ clusterName: "bad name" }] }), /^additionalClusters\[0\]\.clusterName "bad name" is invalid/);
        await check.assertNoChildRegistered();
    });

    it("refuses a cluster named twice in one region once the region is known", async () => {
        const binding = new PodIdentityBinding(uniqueName(), { ...baseArgs, additionalClusters: [{ clusterName: "demo" }] });
        await assert.rejects(valueOf(binding.trustPolicy), /each cluster \(in its region\) may be named only once/);
    });
});

describe("the bindings' roleNamePrefix and description", () => {
    const irsaArgs = { oidcProviderArn: `arn:aws:iam::${mockAccountId}:oidc-provider/oidc.eks.us-west-2.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF`, namespace: "apps", serviceAccountName: "reports-reader" };

    it("name the role by the prefix IAM completes, and describe it as asked", async () => {
        const name = uniqueName();
        const binding = new IrsaBinding(name, { ...irsaArgs, roleNamePrefix: "platform-reports-", description: "Reads the daily reports" });
        await registrationOf(binding, binding.role);
        const role = registeredResource("aws:iam/role:Role", name);
        assert.equal(role.inputs.namePrefix, "platform-reports-");
        assert.equal(role.inputs.name, undefined);
        assert.equal(role.inputs.description, "Reads the daily reports");
        const plain = uniqueName();
        await registrationOf(new PodIdentityBinding(plain, baseArgs).role);
        assert.equal(registeredResource("aws:iam/role:Role", plain).inputs.description, "EKS Pod Identity role of system:serviceaccount:apps:reports-reader");
    });

    it("refuses a prefix with a name, a prefix IAM would refuse, and a description IAM would refuse", async () => {
        const check = refusals("eks-irsa:index:IrsaBinding");
        check.assertRefused((name) => new IrsaBinding(name, { ...irsaArgs, roleName: "a", roleNamePrefix: "b" }), /^roleNamePrefix is invalid with roleName/);
        check.assertRefused((name) => new IrsaBinding(name, { ...irsaArgs, roleNamePrefix: "p".repeat(39) }), /^roleNamePrefix "p{39}" is invalid: an IAM role name prefix is 1 to 38/);
        check.assertRefused((name) => new IrsaBinding(name, { ...irsaArgs, roleNamePrefix: "team/reports" }), /^roleNamePrefix "team\/reports" is invalid/);
        check.assertRefused((name) => new IrsaBinding(name, { ...irsaArgs, description: "x".repeat(1001) }), /^description "x+" is invalid: an IAM role description is at most 1000/);
        check.assertRefused((name) => new IrsaBinding(name, { ...irsaArgs, description: "emoji 🚀" }), /^description "emoji 🚀" is invalid/);
        await check.assertNoChildRegistered();
    });
});
