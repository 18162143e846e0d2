import * as assert from "node:assert/strict";

import * as pulumi from "@pulumi/pulumi";

import { mockAccountId, mockRegion, refusals, registeredResource, registrationOf, uniqueName as uniqueNameFor, valueOf } from "./mocks";
import { allowedByTrustPolicy, ContextValues } from "./iamEvaluator";
import { podIdentityRequestContext } from "./podIdentityRequest";
import { registeredInlinePolicy } from "./inlinePolicies";
import { eksClusterArn, IrsaBinding, PodIdentityBinding, PodIdentityBindingArgs, podIdentityTrustPolicy, PolicyDocument } from "../components/index";

const clusterArn = eksClusterArn("aws", mockRegion, mockAccountId, "demo");
const roleArn = `arn:aws:iam::${mockAccountId}:role/reports-reader`;
const sharedArgs = {
    namespace: "apps",
    serviceAccountName: "reports-reader",
    s3Read: { bucketArns: ["arn:aws:s3:::reports-bucket"], keyPrefixes: ["daily/"] },
    policyArns: ["arn:aws:iam::aws:policy/AmazonSQSReadOnlyAccess"],
};

const uniqueName = (): string => uniqueNameFor("pod-identity");

describe("podIdentityTrustPolicy", () => {
    const subject = { namespace: "apps", serviceAccountName: "reports-reader" };
    const trust = podIdentityTrustPolicy({ accountId: mockAccountId, clusterArns: [clusterArn], subjects: [subject] });
    const request = (principal: string, action: string, context: ContextValues) => allowedByTrustPolicy(trust, { principal, action, roleArn, context });
    /** What EKS Pod Identity sends for a pod of the bound ServiceAccount, as AWS documents it: the source account and the session tags. */
    const fromThisCluster = podIdentityRequestContext({ clusterArn, namespace: "apps", serviceAccount: "reports-reader" });

    it("lets the EKS Pod Identity service assume the role and tag the session for this cluster, on the documented keys alone", async () => {
        assert.equal("aws:SourceArn" in fromThisCluster, false);
        assert.equal(await request("pods.eks.amazonaws.com", "sts:AssumeRole", fromThisCluster), true);
        assert.equal(await request("pods.eks.amazonaws.com", "sts:TagSession", fromThisCluster), true);
        // Whatever EKS may also send as aws:SourceArn, the trust neither needs nor is fooled by it.
        for (const sourceArn of [clusterArn, `arn:aws:eks:${mockRegion}:${mockAccountId}:podidentityassociation/demo/a-0123456789abcdef0`]) {
            assert.equal(await request("pods.eks.amazonaws.com", "sts:AssumeRole", { ...fromThisCluster, "aws:SourceArn": sourceArn }), true);
        }
    });

    it("refuses the service acting for another account or another cluster", async () => {
        const other = eksClusterArn("aws", mockRegion, mockAccountId, "other");
        const foreign = eksClusterArn("aws", mockRegion, "999999999999", "demo");
        assert.equal(await request("pods.eks.amazonaws.com", "sts:AssumeRole", { ...fromThisCluster, "aws:SourceAccount": "999999999999" }), false);
        assert.equal(await request("pods.eks.amazonaws.com", "sts:AssumeRole", podIdentityRequestContext({ clusterArn: other, namespace: "apps", serviceAccount: "reports-reader" })), false);
        // Another region's cluster of the same name is another cluster.
        const elsewhere = eksClusterArn("aws", "ap-south-1", mockAccountId, "demo");
        assert.equal(await request("pods.eks.amazonaws.com", "sts:AssumeRole", podIdentityRequestContext({ clusterArn: elsewhere, namespace: "apps", serviceAccount: "reports-reader" })), false);
        // Another account's cluster, with the same name, namespace and ServiceAccount: refused by its source account.
        assert.equal(await request("pods.eks.amazonaws.com", "sts:AssumeRole", podIdentityRequestContext({ clusterArn: foreign, namespace: "apps", serviceAccount: "reports-reader" })), false);
        assert.equal(
            await request("pods.eks.amazonaws.com", "sts:AssumeRole", { ...podIdentityRequestContext({ clusterArn: foreign, namespace: "apps", serviceAccount: "reports-reader" }), "aws:RequestTag/eks-cluster-arn": clusterArn }),
            false,
        );
        assert.equal(await request("pods.eks.amazonaws.com", "sts:AssumeRole", podIdentityRequestContext({ clusterArn, namespace: "apps", serviceAccount: "reports-reader" }, { sessionTags: false })), false);
        assert.equal(await request("pods.eks.amazonaws.com", "sts:AssumeRole", {}), false);
        assert.equal(await request("ec2.amazonaws.com", "sts:AssumeRole", fromThisCluster), false);
    });

    it("refuses the service acting for another ServiceAccount of the same cluster, or without session tags", async () => {
        assert.equal(await request("pods.eks.amazonaws.com", "sts:AssumeRole", { ...fromThisCluster, "aws:RequestTag/kubernetes-service-account": "other" }), false);
        assert.equal(await request("pods.eks.amazonaws.com", "sts:AssumeRole", { ...fromThisCluster, "aws:RequestTag/kubernetes-namespace": "other" }), false);
        assert.equal(
            await request("pods.eks.amazonaws.com", "sts:AssumeRole", { ...fromThisCluster, "aws:RequestTag/kubernetes-namespace": "reports-reader", "aws:RequestTag/kubernetes-service-account": "apps" }),
            false,
        );
        const untagged: ContextValues = { ...fromThisCluster };
        delete untagged["aws:RequestTag/kubernetes-service-account"];
        assert.equal(await request("pods.eks.amazonaws.com", "sts:AssumeRole", untagged), false);
    });

    it("admits each of several ServiceAccounts, but never one's namespace with another's name", async () => {
        const several = podIdentityTrustPolicy({
            accountId: mockAccountId,
            clusterArns: [clusterArn],
            subjects: [subject, { namespace: "jobs", serviceAccountName: "exporter" }],
        });
        const ask = (namespace: string, serviceAccount: string) =>
            allowedByTrustPolicy(several, {
                principal: "pods.eks.amazonaws.com",
                action: "sts:AssumeRole",
                roleArn,
                context: { ...fromThisCluster, "aws:RequestTag/kubernetes-namespace": namespace, "aws:RequestTag/kubernetes-service-account": serviceAccount },
            });
        assert.equal(await ask("apps", "reports-reader"), true);
        assert.equal(await ask("jobs", "exporter"), true);
        assert.equal(await ask("apps", "exporter"), false);
        assert.equal(await ask("jobs", "reports-reader"), false);
    });

    it("refuses every other principal and action", async () => {
        assert.equal(await request("ec2.amazonaws.com", "sts:AssumeRole", fromThisCluster), false);
        assert.equal(await request("eks.amazonaws.com", "sts:AssumeRole", fromThisCluster), false);
        assert.equal(await request(`arn:aws:iam::${mockAccountId}:role/admin`, "sts:AssumeRole", fromThisCluster), false);
        assert.equal(await request("pods.eks.amazonaws.com", "sts:AssumeRoleWithWebIdentity", fromThisCluster), false);
    });
});

describe("PodIdentityBinding under mocks", () => {
    async function deploy(args: PodIdentityBindingArgs): Promise<{ binding: PodIdentityBinding; name: string; readerDependsOn: pulumi.Resource[] }> {
        const name = uniqueName();
        let readerDependsOn: pulumi.Resource[] = [];
        const binding = new PodIdentityBinding(name, args, {
            transformations: [
                ({ type, opts }) => {
                    if (type === "kubernetes:apps/v1:Deployment") {
                        readerDependsOn = opts.dependsOn as pulumi.Resource[];
                    }
                    return undefined;
                },
            ],
        });
        await registrationOf(binding, binding.role, binding.association!, ...[binding.serviceAccount, binding.deployment].filter((child): child is NonNullable<typeof child> => child !== undefined));
        await valueOf(binding.trustPolicy);
        return { binding, name, readerDependsOn };
    }

    it("trusts the Pod Identity service for this account's cluster only", async () => {
        const { binding, name } = await deploy({ clusterName: "demo", ...sharedArgs });
        assert.equal(registeredResource("eks-irsa:index:PodIdentityBinding", name).type, "eks-irsa:index:PodIdentityBinding");
        const trust = JSON.parse(registeredResource("aws:iam/role:Role", name).inputs.assumeRolePolicy as string) as PolicyDocument;
        assert.deepEqual(trust, podIdentityTrustPolicy({ accountId: mockAccountId, clusterArns: [clusterArn], subjects: [{ namespace: "apps", serviceAccountName: "reports-reader" }] }));
        assert.equal(await valueOf(binding.trustPolicy), JSON.stringify(trust));
    });

    it("associates the role with the cluster's ServiceAccount, and annotates nothing", async () => {
        const { binding, name } = await deploy({ clusterName: "demo", ...sharedArgs, tags: { team: "data" } });
        const association = registeredResource("aws:eks/podIdentityAssociation:PodIdentityAssociation", name).inputs;
        assert.deepEqual(association, {
            clusterName: "demo",
            namespace: "apps",
            serviceAccount: "reports-reader",
            roleArn: await valueOf(binding.roleArn),
            tags: { team: "data" },
        });
        const serviceAccount = registeredResource("kubernetes:core/v1:ServiceAccount", name).inputs as { metadata: { annotations: Record<string, string> } };
        assert.deepEqual(serviceAccount.metadata.annotations, {});
    });

    it("starts the reader only after the association and the permissions exist", async () => {
        const { binding, readerDependsOn } = await deploy({ clusterName: "demo", ...sharedArgs });
        assert.ok(readerDependsOn.includes(binding.association!));
        assert.ok(binding.serviceAccount && readerDependsOn.includes(binding.serviceAccount));
        assert.equal(readerDependsOn.length, 4);
        const env = (registeredResource("kubernetes:apps/v1:Deployment", `${(await valueOf(binding.urn)).split("::").pop()}-reader`).inputs as {
            spec: { template: { spec: { containers: { env: { name: string; value: string }[] }[] } } };
        }).spec.template.spec.containers[0].env;
        assert.equal(env.find((entry) => entry.name === "AWS_REGION")?.value, mockRegion);
    });

    it("grants exactly the permissions IrsaBinding grants for the same arguments", async () => {
        const { name } = await deploy({ clusterName: "demo", ...sharedArgs });
        const irsaName = uniqueName();
        const irsa = new IrsaBinding(irsaName, {
            oidcProviderArn: `arn:aws:iam::${mockAccountId}:oidc-provider/oidc.eks.${mockRegion}.amazonaws.com/id/0123456789ABCDEF`,
            ...sharedArgs,
        });
        await registrationOf(irsa, irsa.role, irsa.deployment!);
        const policyOf = (bindingName: string) => registeredInlinePolicy(bindingName, "s3-read");
        const attachmentOf = (bindingName: string) => registeredResource("aws:iam/rolePolicyAttachment:RolePolicyAttachment", `${bindingName}-policy-0`).inputs.policyArn;
        assert.deepEqual(policyOf(name), policyOf(irsaName));
        assert.equal(attachmentOf(name), attachmentOf(irsaName));
        // The same pods but for the identity hash, which differs with the mechanism.
        const readerPods = (bindingName: string) =>
            (registeredResource("kubernetes:apps/v1:Deployment", `${bindingName}-reader`).inputs as { spec: { template: { spec: unknown } } }).spec.template.spec;
        assert.deepEqual(readerPods(name), readerPods(irsaName));
    });

    it("refuses bad input with the same messages as IrsaBinding, before creating anything", async () => {
        const { assertRefused: refuse, assertNoChildRegistered } = refusals("eks-irsa:index:PodIdentityBinding");
        const assertRefused = (args: PodIdentityBindingArgs, message: RegExp): void => refuse((name) => new PodIdentityBinding(name, args), message);
        assertRefused({ clusterName: "demo", ...sharedArgs, namespace: "Apps" }, /^namespace "Apps" is invalid: a Kubernetes namespace must be a DNS-1123 label/);
        assertRefused({ clusterName: "demo", ...sharedArgs, s3Read: { bucketArns: ["arn:aws:s3:::*"] } }, /^s3Read.bucketArns\[0\] "arn:aws:s3:::\*" is invalid: a bucket ARN may not contain wildcards/);
        assertRefused({ clusterName: "demo", ...sharedArgs, reader: { image: "amazon/aws-cli" } }, /^reader.image "amazon\/aws-cli" is invalid: an image must be pinned/);
        assertRefused({ clusterName: "demo cluster", ...sharedArgs }, /^clusterName "demo cluster" is invalid: an EKS cluster name/);
        await assertNoChildRegistered();
    });
});
