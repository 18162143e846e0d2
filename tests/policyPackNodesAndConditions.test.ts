import * as assert from "node:assert/strict";

import { PolicyDocument } from "../components/index";
import { addressShare, endpointProblems } from "../policy/eks";
import { evaluatePolicies, PlainResource } from "../policy/evaluate";
import { policies } from "../policy/pack";
import { podIdentityRequestContext } from "./podIdentityRequest";
import { allowedByTrustPolicy } from "./iamEvaluator";
import { account, clusterArn, document, findingsOf, irsaStatement, issuer, otherAccount, podIdentityStatement, providerArn, resource, role } from "./policyPackFixtures";

const stack = "prod";
const urn = (type: string, name: string): string => `urn:pulumi:${stack}::guarded::${type}::${name}`;

async function findings(policyName: string, ...resources: PlainResource[]): Promise<string[]> {
    return findingsOf(await evaluatePolicies(policies, resources), policyName);
}

describe("policy pack: nodes, wherever they start", () => {
    const good = { metadataOptions: { httpTokens: "required", httpPutResponseHopLimit: 1 } };
    const hopping = { metadataOptions: { httpTokens: "required", httpPutResponseHopLimit: 2 } };

    it("judges a node group against every template it names or depends on, not the first one found", async () => {
        const a = resource(stack, "aws:ec2/launchTemplate:LaunchTemplate", "a", { ...good, id: "lt-a" });
        const b = resource(stack, "aws:ec2/launchTemplate:LaunchTemplate", "b", { ...hopping, id: "lt-b" });
        const group = resource(stack, "aws:eks/nodeGroup:NodeGroup", "nodes", { launchTemplate: { id: "lt-b", version: "1" } }, { launchTemplate: [a.urn] });
        assert.deepEqual(await findings("eks-node-group-imds", a, b, group), [
            `mandatory: aws:eks/nodeGroup:NodeGroup "nodes" launches from aws:ec2/launchTemplate:LaunchTemplate "b": metadataOptions.httpPutResponseHopLimit is 2, so pods can reach the node role's credentials; set it to 1`,
        ]);
    });

    it("self-managed groups (aws.autoscaling.Group, by template, mixed instances policy or launch configuration) and aws-native templates", async () => {
        const native = resource(stack, "aws-native:ec2:LaunchTemplate", "native", { launchTemplateName: "native", launchTemplateData: hopping });
        const asg = resource(stack, "aws:autoscaling/group:Group", "asg", { launchTemplate: { name: "native" } });
        assert.match((await findings("eks-node-group-imds", native, asg))[0], /^mandatory: aws:autoscaling\/group:Group "asg" launches from aws-native:ec2:LaunchTemplate "native": metadataOptions.httpPutResponseHopLimit is 2/);
        const mixed = resource(stack, "aws:autoscaling/group:Group", "mixed", { mixedInstancesPolicy: { launchTemplate: { launchTemplateSpecification: { launchTemplateId: "lt-x" } } } });
        const template = resource(stack, "aws:ec2/launchTemplate:LaunchTemplate", "x", { id: "lt-x", metadataOptions: { httpTokens: "optional", httpPutResponseHopLimit: 1 } });
        assert.match((await findings("eks-node-group-imds", template, mixed))[0], /"mixed" launches from .*"x": metadataOptions.httpTokens is "optional"/);
        const configuration = resource(stack, "aws:ec2/launchConfiguration:LaunchConfiguration", "lc", { name: "lc", ...hopping });
        const legacy = resource(stack, "aws:autoscaling/group:Group", "legacy", { launchConfiguration: "lc" });
        assert.match((await findings("eks-node-group-imds", configuration, legacy))[0], /"legacy" launches from aws:ec2\/launchConfiguration:LaunchConfiguration "lc"/);
        assert.match((await findings("launch-template-imdsv2", resource(stack, "aws-native:ec2:LaunchTemplate", "v1", { launchTemplateData: { metadataOptions: { httpTokens: "optional" } } })))[0], /aws-native:ec2:LaunchTemplate "v1": metadataOptions.httpTokens is "optional"/);
        const fine = resource(stack, "aws-native:ec2:LaunchTemplate", "fine", { launchTemplateName: "fine", launchTemplateData: good });
        assert.deepEqual(await findings("eks-node-group-imds", fine, resource(stack, "aws:autoscaling/group:Group", "asg", { launchTemplate: { name: "fine" } })), []);
    });

    it("the eks provider's node groups: self-managed ones and a cluster's default node group are refused by the input to change; a ManagedNodeGroup is judged by the template it names", async () => {
        // @pulumi/eks 4.3.0 writes their launch configuration or template without metadata options, and no input sets them.
        assert.match((await findings("eks-node-group-imds", resource(stack, "eks:index:NodeGroup", "v1", { clusterName: "c" })))[0], /^mandatory: eks:index:NodeGroup "v1" starts its nodes from a launch configuration the eks provider writes without metadata options/);
        assert.match((await findings("eks-node-group-imds", resource(stack, "eks:index:NodeGroupV2", "v2", { clusterName: "c" })))[0], /^mandatory: eks:index:NodeGroupV2 "v2" starts its nodes from a launch template the eks provider writes without metadata options/);
        const withDefaultNodes = resource(stack, "eks:index:Cluster", "with-default", { endpointPublicAccess: false, enabledClusterLogTypes: ["audit"] });
        assert.match((await findings("eks-node-group-imds", withDefaultNodes))[0], /^mandatory: eks:index:Cluster "with-default" has a default node group .*set skipDefaultNodeGroup true/);
        for (const [name, props] of [
            ["skipped", { skipDefaultNodeGroup: true }],
            ["fargate", { fargate: true }],
            ["auto-mode", { autoMode: { enabled: true } }],
        ] as const) {
            assert.deepEqual(await findings("eks-node-group-imds", resource(stack, "eks:index:Cluster", name, { endpointPublicAccess: false, enabledClusterLogTypes: ["audit"], ...props })), [], name);
        }
        const untemplated = resource(stack, "eks:index:ManagedNodeGroup", "managed", { cluster: "c", enableIMDSv2: true });
        assert.match((await findings("eks-node-group-imds", untemplated))[0], /"managed" has no launch template.*with enableIMDSv2 the eks provider writes one with a hop limit of 2/);
        const hop2 = resource(stack, "aws:ec2/launchTemplate:LaunchTemplate", "hop2", { ...hopping, id: "lt-hop2" });
        const named = resource(stack, "eks:index:ManagedNodeGroup", "named", { cluster: "c", launchTemplate: { id: "lt-hop2", version: "1" } });
        assert.match((await findings("eks-node-group-imds", hop2, named))[0], /eks:index:ManagedNodeGroup "named" launches from aws:ec2\/launchTemplate:LaunchTemplate "hop2": metadataOptions.httpPutResponseHopLimit is 2/);
        const hop1 = resource(stack, "aws:ec2/launchTemplate:LaunchTemplate", "hop1", { ...good, id: "lt-hop1" });
        const nearMiss = resource(stack, "eks:index:ManagedNodeGroup", "near-miss", { cluster: "c", launchTemplate: { id: "lt-hop1", version: "1" } });
        assert.deepEqual(await findings("eks-node-group-imds", hop1, nearMiss), []);
    });

    it("Karpenter EC2NodeClass: a hop limit of 2 or optional tokens is refused; its defaults and hop limit 1 pass", async () => {
        const nodeClass = (metadataOptions?: Record<string, unknown>) =>
            resource(stack, "kubernetes:karpenter.k8s.aws/v1:EC2NodeClass", "default", { apiVersion: "karpenter.k8s.aws/v1", kind: "EC2NodeClass", spec: { amiSelectorTerms: [{ alias: "al2023@latest" }], ...(metadataOptions && { metadataOptions }) } });
        assert.match((await findings("launch-template-imdsv2", nodeClass({ httpTokens: "required", httpPutResponseHopLimit: 2 })))[0], /EC2NodeClass "default": spec.metadataOptions.httpPutResponseHopLimit is 2/);
        assert.match((await findings("launch-template-imdsv2", nodeClass({ httpTokens: "optional" })))[0], /spec.metadataOptions.httpTokens is "optional"/);
        assert.deepEqual(await findings("launch-template-imdsv2", nodeClass({ httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1 })), []);
        assert.deepEqual(await findings("launch-template-imdsv2", nodeClass()), []);
    });

    it("endpoint CIDRs are judged as a set: 0.0.0.0/1 with 128.0.0.0/1 is everyone; a few deployers' blocks are not", async () => {
        assert.equal(addressShare(["0.0.0.0/1", "128.0.0.0/1"]).ipv4, 1);
        assert.equal(addressShare(["10.0.0.0/8", "10.0.0.0/9"]).ipv4, 1 / 256, "overlaps count once");
        assert.equal(addressShare(["2000::/3"]).ipv6, 1 / 8);
        assert.match(endpointProblems({ publicAccessCidrs: ["0.0.0.0/1", "128.0.0.0/1"] })[0], /together cover 100% of the IPv4 addresses/);
        assert.match(endpointProblems({ publicAccessCidrs: ["0.0.0.0/2", "64.0.0.0/2", "128.0.0.0/2"] })[0], /together cover 75\.0% /);
        assert.match(endpointProblems({ publicAccessCidrs: ["203.0.113.0/24", "not-a-cidr"] })[0], /\["not-a-cidr"\] cannot be read/);
        assert.deepEqual(endpointProblems({ publicAccessCidrs: ["203.0.113.0/24", "198.51.100.0/24"] }), []);
        const cluster = resource(stack, "aws:eks/cluster:Cluster", "halves", { vpcConfig: { publicAccessCidrs: ["0.0.0.0/1", "128.0.0.0/1"] }, enabledClusterLogTypes: ["audit"] });
        assert.match((await findings("eks-cluster-endpoint-restricted", cluster))[0], /^mandatory: aws:eks\/cluster:Cluster "halves": the public API endpoint is open to/);
        const configured = await evaluatePolicies(policies, [cluster], { config: { "eks-cluster-endpoint-restricted": { maxPublicAddressShare: 1 } } });
        assert.deepEqual(findingsOf(configured, "eks-cluster-endpoint-restricted"), [], "the share is configurable");
    });
});

describe("policy pack: conditions are judged by what they admit", () => {
    const sub = `${issuer}:sub`;
    const aud = `${issuer}:aud`;
    const roleArn = `arn:aws:iam::${account}:role/api`;

    it("a policy variable compared with the claim itself bounds nothing, on sub or aud", async () => {
        const trust = document(irsaStatement({ StringEquals: { [sub]: `\${${sub}}`, [aud]: "sts.amazonaws.com" } }));
        const admitted = await allowedByTrustPolicy(trust as unknown as PolicyDocument, {
            principal: providerArn,
            action: "sts:AssumeRoleWithWebIdentity",
            roleArn,
            context: { [sub]: "system:serviceaccount:other:intruder", [aud]: "sts.amazonaws.com" },
        });
        assert.equal(admitted, true, "any ServiceAccount gets in");
        const found = await findings("irsa-trust-bounded-subject", role(stack, "api", trust));
        assert.ok(found.some((line) => /StringEquals on .*:sub compares it with .*a policy variable/.test(line)), found.join("\n"));
        assert.ok(found.some((line) => /no StringEquals \(or namespace-confined StringLike\) condition on .*:sub/.test(line)));
        const audience = await findings("irsa-trust-bounded-subject", role(stack, "api", document(irsaStatement({ StringEquals: { [sub]: "system:serviceaccount:apps:api", [aud]: `\${${aud}}` } }))));
        assert.ok(audience.some((line) => /no StringEquals condition on .*:aud/.test(line)), audience.join("\n"));
        const namespace = await findings("irsa-trust-bounded-subject", role(stack, "api", document(irsaStatement({ StringEquals: { [aud]: "sts.amazonaws.com" }, StringLike: { [sub]: "system:serviceaccount:${aws:PrincipalTag/ns}:*" } }))));
        assert.ok(namespace.length > 0);
    });

    it("Pod Identity: an account pattern or a cluster pattern bounds nothing; a region pattern inside the stack's account does", async () => {
        const weak = document(
            podIdentityStatement({
                StringLike: {
                    "aws:SourceAccount": "????????????",
                    "aws:RequestTag/eks-cluster-arn": "arn:aws:eks:*:*:cluster/*",
                    "aws:RequestTag/kubernetes-namespace": "apps",
                    "aws:RequestTag/kubernetes-service-account": "api",
                },
            }),
        );
        const foreign = `arn:aws:eks:us-west-2:${otherAccount}:cluster/theirs`;
        const fromForeign = podIdentityRequestContext({ clusterArn: foreign, namespace: "apps", serviceAccount: "api" });
        const admitted = await allowedByTrustPolicy(weak as unknown as PolicyDocument, { principal: "pods.eks.amazonaws.com", action: "sts:AssumeRole", roleArn, context: fromForeign });
        assert.equal(admitted, true, "another account's cluster gets the role");
        const found = [...(await findings("pod-identity-trust-source", role(stack, "api", weak))), ...(await findings("pod-identity-trust-cluster", role(stack, "api", weak)))];
        assert.equal(found.length, 2);
        assert.match(found[0], /no StringEquals condition on aws:SourceAccount/);
        assert.match(found[1], /no StringEquals condition on aws:RequestTag\/eks-cluster-arn/);
        const confined = document(
            podIdentityStatement({
                StringEquals: { "aws:SourceAccount": account, "aws:RequestTag/kubernetes-namespace": "apps", "aws:RequestTag/kubernetes-service-account": "api" },
                StringLike: { "aws:RequestTag/eks-cluster-arn": `arn:aws:eks:*:${account}:cluster/apps` },
            }),
        );
        assert.deepEqual(await findings("pod-identity-trust-source", role(stack, "api", confined)), []);
        assert.deepEqual(await findings("pod-identity-trust-cluster", role(stack, "api", confined)), []);
        const ask = (clusterArn: string) =>
            allowedByTrustPolicy(confined as unknown as PolicyDocument, {
                principal: "pods.eks.amazonaws.com",
                action: "sts:AssumeRole",
                roleArn,
                context: podIdentityRequestContext({ clusterArn, namespace: "apps", serviceAccount: "api" }),
            });
        assert.equal(await ask(foreign), false);
        assert.equal(await ask(`arn:aws:eks:us-west-2:${otherAccount}:cluster/apps`), false);
        assert.equal(await ask(`arn:aws:eks:eu-west-1:${account}:cluster/other`), false);
        assert.equal(await ask(`arn:aws:eks:eu-west-1:${account}:cluster/apps`), true);
        assert.ok(clusterArn.includes(account) && urn("a", "b").length > 0);
    });
});
