/**
 * The security review's items, each checked on what the program registers for both stacks: the
 * resources' inputs as the providers would receive them, and their options (protect, retainOnDelete,
 * dependsOn, aliases) as the engine would.
 */
import * as assert from "node:assert/strict";

import { ClusterLogType } from "../program/config";
import { podIdentityAgentAddresses } from "../program/networkPolicy";
import { awsNodeMechanismAnnotation } from "../program/vpcCniRole";
import { RegisteredResource } from "../scripts/offline/mocks";
import { mockAccountId, mockRegion, valueOf } from "./mocks";
import { configOf, Deployment, deployStack, PlannedResource, planStack } from "./programRun";

type Json = Record<string, unknown>;

function policyOf(resource: RegisteredResource, key: string): { Statement: Json[] } {
    return JSON.parse(resource.inputs[key] as string) as { Statement: Json[] };
}

const allLogTypes: ClusterLogType[] = ["api", "audit", "authenticator", "controllerManager", "scheduler"];

const stacks = [
    {
        stack: "dev",
        clusterName: "eks-irsa-dev",
        mechanism: "irsa",
        vpcCidr: "10.0.0.0/16",
        zones: 2,
        endpointCidrs: ["0.0.0.0/0"],
        logTypes: allLogTypes.slice(0, 3),
        retentionDays: 7,
        protected: false,
        flowLogs: false,
        interfaceEndpoints: [] as string[],
        accessLogs: false,
        retain: false,
    },
    {
        stack: "prod",
        clusterName: "eks-irsa-prod",
        mechanism: "pod-identity",
        vpcCidr: "10.20.0.0/16",
        zones: 3,
        endpointCidrs: ["203.0.113.0/24", "198.51.100.16/28"],
        logTypes: allLogTypes,
        retentionDays: 365,
        protected: true,
        flowLogs: true,
        interfaceEndpoints: ["sts", "eks-auth"],
        accessLogs: true,
        retain: true,
    },
];

for (const expected of stacks) {
    describe(`security of stack ${expected.stack}`, () => {
        let deployed: Deployment;
        let planned: PlannedResource[];
        const plannedOne = (type: string, name: string): PlannedResource => {
            const matches = planned.filter((resource) => resource.type === type && resource.name === name);
            assert.equal(matches.length, 1, `${type} ${name}`);
            return matches[0];
        };
        before(async () => {
            ({ deployment: deployed, planned } = await planStack(configOf(expected.stack)));
        });

        it("limits the public API endpoint to the stack's blocks, with the private endpoint on for nodes", () => {
            const cluster = deployed.one("eks:index:Cluster", "eks-irsa").inputs;
            assert.equal(cluster.endpointPublicAccess, true);
            assert.equal(cluster.endpointPrivateAccess, true);
            assert.deepEqual(cluster.publicAccessCidrs, expected.endpointCidrs);
        });

        it("sends the control plane's logs to a log group it creates first, with the stack's retention", () => {
            const cluster = deployed.one("eks:index:Cluster", "eks-irsa").inputs;
            assert.deepEqual(cluster.enabledClusterLogTypes, expected.logTypes);
            const group = deployed.one("aws:cloudwatch/logGroup:LogGroup", "eks-irsa-control-plane-logs").inputs;
            assert.equal(group.name, `/aws/eks/${expected.clusterName}/cluster`);
            assert.equal(group.retentionInDays, expected.retentionDays);
            assert.deepEqual(plannedOne("eks:index:Cluster", "eks-irsa").dependsOn, [deployed.infra.controlPlaneLogGroup]);
        });

        it("encrypts Secrets with a customer-managed KMS key that rotates", async () => {
            const key = deployed.one("aws:kms/key:Key", "eks-irsa-secrets").inputs;
            assert.deepEqual([key.enableKeyRotation, key.keyUsage, key.customerMasterKeySpec, key.deletionWindowInDays], [true, "ENCRYPT_DECRYPT", "SYMMETRIC_DEFAULT", 30]);
            assert.equal(deployed.one("aws:kms/alias:Alias", "eks-irsa-secrets").inputs.name, `alias/eks/${expected.clusterName}/secrets`);
            const cluster = deployed.one("eks:index:Cluster", "eks-irsa").inputs;
            assert.equal(cluster.encryptionConfigKeyArn, await valueOf(deployed.infra.secretsKey!.key.arn));
        });

        it(expected.protected ? "turns on deletion protection and protects the cluster, its key, its audit log and the bucket" : "leaves a throwaway stack deletable", () => {
            assert.equal(deployed.one("eks:index:Cluster", "eks-irsa").inputs.deletionProtection, expected.protected);
            for (const [type, name] of [
                ["eks:index:Cluster", "eks-irsa"],
                ["aws:kms/key:Key", "eks-irsa-secrets"],
                ["aws:cloudwatch/logGroup:LogGroup", "eks-irsa-control-plane-logs"],
                ["aws:s3/bucket:Bucket", "eks-irsa-data"],
            ]) {
                assert.equal(plannedOne(type, name).protect, expected.protected, name);
            }
        });

        it("runs managed vpc-cni, kube-proxy and coredns add-ons at the control plane's version, which the nodes follow, with the upgrade policy chosen", () => {
            const cluster = deployed.one("eks:index:Cluster", "eks-irsa").inputs;
            assert.deepEqual(cluster.upgradePolicy, { supportType: "STANDARD" });
            // The component's own add-ons are off: the program's are the only ones.
            assert.deepEqual(
                [cluster.useDefaultVpcCni, (cluster.kubeProxyAddonOptions as Json).enabled, (cluster.corednsAddonOptions as Json).enabled],
                [true, false, false],
            );
            for (const addonName of ["vpc-cni", "kube-proxy", "coredns"]) {
                const addon = deployed.one("aws:eks/addon:Addon", `eks-irsa-addon-${addonName}`).inputs;
                assert.deepEqual(
                    [addon.clusterName, addon.addonName, addon.addonVersion, addon.resolveConflictsOnCreate, addon.resolveConflictsOnUpdate, addon.preserve],
                    [expected.clusterName, addonName, `mock-${addonName}-for-1.35`, "OVERWRITE", "OVERWRITE", true],
                );
            }
            const agents = deployed.ofType("aws:eks/addon:Addon").filter((addon) => addon.inputs.addonName === "eks-pod-identity-agent");
            assert.deepEqual(
                agents.map((agent) => [agent.inputs.addonVersion, agent.inputs.preserve]),
                expected.mechanism === "pod-identity" ? [["mock-eks-pod-identity-agent-for-1.35", false]] : [],
            );
            assert.equal(deployed.one("aws:eks/nodeGroup:NodeGroup", "eks-irsa-nodes").inputs.version, "1.35");
            // Nodes become ready only with a CNI that has its role; CoreDNS needs nodes to run on.
            const nodeDependencies = plannedOne("aws:eks/nodeGroup:NodeGroup", "eks-irsa-nodes").dependsOn as unknown[];
            assert.ok(nodeDependencies.includes(deployed.infra.addons.vpcCni) && nodeDependencies.includes(deployed.infra.awsNodeRollout));
            assert.deepEqual(plannedOne("aws:eks/addon:Addon", "eks-irsa-addon-coredns").dependsOn, [deployed.infra.nodes.nodeGroup]);
        });

        it("turns on network policy enforcement in the VPC CNI", () => {
            const addon = deployed.one("aws:eks/addon:Addon", "eks-irsa-addon-vpc-cni").inputs;
            assert.deepEqual(JSON.parse(addon.configurationValues as string), { enableNetworkPolicy: "true" });
        });

        it(`gives aws-node AmazonEKS_CNI_Policy through its own ${expected.mechanism} binding, creating no Kubernetes object`, async () => {
            const bindingType = expected.mechanism === "irsa" ? "eks-irsa:index:IrsaBinding" : "eks-irsa:index:PodIdentityBinding";
            deployed.one(bindingType, "eks-irsa-vpc-cni");
            const role = deployed.one("aws:iam/role:Role", "eks-irsa-vpc-cni");
            const attachments = deployed.ofType("aws:iam/rolePolicyAttachment:RolePolicyAttachment").filter((attachment) => attachment.inputs.role === "eks-irsa-vpc-cni-1a2b3c4");
            assert.deepEqual(
                attachments.map((attachment) => attachment.inputs.policyArn),
                ["arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy"],
            );
            assert.deepEqual(deployed.resources.filter((resource) => resource.type.startsWith("kubernetes:") && resource.name.startsWith("eks-irsa-vpc-cni")), []);
            const roleArn = await valueOf(deployed.infra.vpcCniBinding.binding.roleArn);
            const addon = deployed.one("aws:eks/addon:Addon", "eks-irsa-addon-vpc-cni").inputs;
            const trust = policyOf(role, "assumeRolePolicy");
            if (expected.mechanism === "irsa") {
                assert.equal(addon.serviceAccountRoleArn, roleArn);
                const conditions = trust.Statement.map((statement) => JSON.stringify(statement.Condition));
                assert.ok(conditions.every((condition) => condition.includes('"system:serviceaccount:kube-system:aws-node"')), conditions.join("\n"));
                assert.deepEqual(deployed.ofType("aws:eks/podIdentityAssociation:PodIdentityAssociation").filter((association) => association.name === "eks-irsa-vpc-cni"), []);
            } else {
                assert.equal(addon.serviceAccountRoleArn, undefined);
                const association = deployed.one("aws:eks/podIdentityAssociation:PodIdentityAssociation", "eks-irsa-vpc-cni").inputs;
                assert.deepEqual([association.clusterName, association.namespace, association.serviceAccount, association.roleArn], [expected.clusterName, "kube-system", "aws-node", roleArn]);
                assert.deepEqual(trust.Statement.map((statement) => statement.Principal), [{ Service: "pods.eks.amazonaws.com" }]);
            }
            // aws-node restarts when the mechanism changes, so it never holds credentials of the other one.
            const patch = deployed.one("kubernetes:apps/v1:DaemonSetPatch", "eks-irsa-aws-node").inputs as { metadata: Json; spec: { template: { metadata: { annotations: Json } } } };
            assert.deepEqual(patch.metadata, { name: "aws-node", namespace: "kube-system" });
            assert.deepEqual(patch.spec.template.metadata.annotations, { [awsNodeMechanismAnnotation]: expected.mechanism });
        });

        it(expected.mechanism === "irsa" ? "creates the OIDC provider IRSA needs, and exports it" : "creates no OIDC provider and exports none: Pod Identity needs neither", async () => {
            assert.equal(deployed.one("eks:index:Cluster", "eks-irsa").inputs.createOidcProvider, expected.mechanism === "irsa");
            const output = deployed.infra.outputs.oidcProviderArn;
            if (expected.mechanism === "irsa") {
                assert.equal(await valueOf(output!), await valueOf(deployed.infra.cluster.oidcProviderArn));
            } else {
                assert.equal(output, undefined);
            }
        });

        it(expected.flowLogs ? "records the VPC's flow logs to CloudWatch through a role only the flow logs service of this account may assume" : "records no flow logs (a dev saving)", () => {
            const flowLogs = deployed.ofType("aws:ec2/flowLog:FlowLog");
            if (!expected.flowLogs) {
                assert.deepEqual(flowLogs, []);
                return;
            }
            assert.equal(flowLogs.length, 1);
            const flowLog = flowLogs[0].inputs;
            const group = deployed.one("aws:cloudwatch/logGroup:LogGroup", "eks-irsa-flow-logs").inputs;
            assert.deepEqual([flowLog.vpcId, flowLog.trafficType, flowLog.logDestinationType], ["eks-irsa-vpc-id", "ALL", "cloud-watch-logs"]);
            assert.deepEqual([group.name, group.retentionInDays], ["/aws/vpc/eks-irsa-vpc-id/flow-logs", expected.retentionDays]);
            const role = deployed.one("aws:iam/role:Role", "eks-irsa-flow-logs");
            assert.equal(flowLog.iamRoleArn, `arn:aws:iam::${mockAccountId}:role/eks-irsa-flow-logs-1a2b3c4`);
            assert.deepEqual(policyOf(role, "assumeRolePolicy").Statement, [
                {
                    Effect: "Allow",
                    Principal: { Service: "vpc-flow-logs.amazonaws.com" },
                    Action: "sts:AssumeRole",
                    Condition: {
                        StringEquals: { "aws:SourceAccount": mockAccountId },
                        ArnLike: { "aws:SourceArn": `arn:aws:ec2:${mockRegion}:${mockAccountId}:vpc-flow-log/*` },
                    },
                },
            ]);
            const delivery = policyOf(deployed.one("aws:iam/rolePolicy:RolePolicy", "eks-irsa-flow-logs"), "policy").Statement;
            assert.deepEqual(delivery.flatMap((statement) => statement.Resource as string[]), [flowLog.logDestination, `${String(flowLog.logDestination)}:*`]);
        });

        it(`keeps S3 traffic off the NAT gateways with a gateway endpoint${expected.interfaceEndpoints.length > 0 ? ", and STS and EKS Auth with private interface endpoints open to HTTPS from the VPC" : ""}`, () => {
            const s3 = deployed.one("aws:ec2/vpcEndpoint:VpcEndpoint", "eks-irsa-s3").inputs;
            assert.deepEqual([s3.serviceName, s3.vpcEndpointType], [`com.amazonaws.${mockRegion}.s3`, "Gateway"]);
            assert.deepEqual(s3.routeTableIds, Array.from({ length: expected.zones }, (_, index) => `eks-irsa-private-${index}-id`));
            const interfaces = deployed.ofType("aws:ec2/vpcEndpoint:VpcEndpoint").filter((endpoint) => endpoint.inputs.vpcEndpointType === "Interface");
            assert.deepEqual(
                interfaces.map((endpoint) => endpoint.inputs.serviceName),
                expected.interfaceEndpoints.map((service) => `com.amazonaws.${mockRegion}.${service}`),
            );
            for (const endpoint of interfaces) {
                assert.equal(endpoint.inputs.privateDnsEnabled, true);
                assert.deepEqual(endpoint.inputs.subnetIds, Array.from({ length: expected.zones }, (_, index) => `eks-irsa-private-${index}-id`));
                assert.deepEqual(endpoint.inputs.securityGroupIds, ["eks-irsa-endpoints-id"]);
            }
            const groups = deployed.ofType("aws:ec2/securityGroup:SecurityGroup");
            if (expected.interfaceEndpoints.length === 0) {
                assert.deepEqual(groups, []);
            } else {
                assert.deepEqual(deployed.one("aws:ec2/securityGroup:SecurityGroup", "eks-irsa-endpoints").inputs.ingress, [
                    { description: "HTTPS from the VPC", protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: [expected.vpcCidr] },
                ]);
            }
        });

        it("denies all traffic in the namespace by default, and lets the reader reach only DNS, HTTPS and the Pod Identity agent", () => {
            const deny = deployed.one("kubernetes:networking.k8s.io/v1:NetworkPolicy", "eks-irsa-namespace-default-deny").inputs;
            assert.deepEqual(deny, {
                apiVersion: "networking.k8s.io/v1",
                kind: "NetworkPolicy",
                metadata: { name: "default-deny", namespace: "irsa-demo" },
                spec: { podSelector: {}, policyTypes: ["Ingress", "Egress"] },
            });
            const reader = deployed.one("kubernetes:networking.k8s.io/v1:NetworkPolicy", "eks-irsa-namespace-reader-egress").inputs as {
                spec: { podSelector: { matchLabels: Record<string, string> }; policyTypes: string[]; egress: Json[] };
            };
            assert.deepEqual(reader.spec.policyTypes, ["Egress"]);
            assert.deepEqual(reader.spec.egress, [
                {
                    to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } }, podSelector: { matchLabels: { "k8s-app": "kube-dns" } } }],
                    ports: [
                        { protocol: "UDP", port: 53 },
                        { protocol: "TCP", port: 53 },
                    ],
                },
                { to: [{ ipBlock: { cidr: "0.0.0.0/0" } }], ports: [{ protocol: "TCP", port: 443 }] },
                { to: [{ ipBlock: { cidr: "169.254.170.23/32" } }, { ipBlock: { cidr: "fd00:ec2::23/128" } }], ports: [{ protocol: "TCP", port: 80 }] },
            ]);
            assert.deepEqual([...podIdentityAgentAddresses], ["169.254.170.23/32", "fd00:ec2::23/128"]);
            // The policy selects the reader's pods, whatever labels the components give them.
            const deployment = deployed.one("kubernetes:apps/v1:Deployment", "eks-irsa-reader-reader").inputs as { spec: { template: { metadata: { labels: Record<string, string> } } } };
            const podLabels = deployment.spec.template.metadata.labels;
            assert.ok(Object.entries(reader.spec.podSelector.matchLabels).every(([key, value]) => podLabels[key] === value), JSON.stringify(podLabels));
            // The reader starts only once its egress is allowed.
            const readerDependencies = plannedOne("eks-irsa:index:" + (expected.mechanism === "irsa" ? "IrsaBinding" : "PodIdentityBinding"), "eks-irsa-reader").dependsOn as unknown[];
            assert.ok(deployed.infra.networkPolicies.every((policy) => readerDependencies.includes(policy)));
        });

        it(
            expected.accessLogs
                ? "logs the bucket's requests to a private, encrypted log bucket S3's logging service alone may write, keeps both on destroy and expires old versions"
                : "keeps the throwaway bucket simple: no access logs, deleted with its objects",
            () => {
                const data = plannedOne("aws:s3/bucket:Bucket", "eks-irsa-data");
                assert.equal(data.retainOnDelete, expected.retain);
                assert.equal(deployed.one("aws:s3/bucket:Bucket", "eks-irsa-data").inputs.forceDestroy, !expected.retain);
                const logBuckets = deployed.ofType("aws:s3/bucket:Bucket").filter((bucket) => bucket.name === "eks-irsa-data-access-logs");
                if (!expected.accessLogs) {
                    assert.deepEqual(logBuckets, []);
                    assert.deepEqual(deployed.ofType("aws:s3/bucketLogging:BucketLogging"), []);
                    return;
                }
                assert.equal(logBuckets[0].inputs.forceDestroy, false);
                assert.equal(plannedOne("aws:s3/bucket:Bucket", "eks-irsa-data-access-logs").retainOnDelete, true);
                const logBucketName = "eks-irsa-data-access-logs-1a2b3c4";
                const block = deployed.one("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "eks-irsa-data-access-logs-public-access").inputs;
                assert.deepEqual([block.bucket, block.blockPublicAcls, block.blockPublicPolicy, block.ignorePublicAcls, block.restrictPublicBuckets], [logBucketName, true, true, true, true]);
                assert.deepEqual(deployed.one("aws:s3/bucketOwnershipControls:BucketOwnershipControls", "eks-irsa-data-access-logs-ownership").inputs.rule, { objectOwnership: "BucketOwnerEnforced" });
                assert.deepEqual(
                    deployed.one("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", "eks-irsa-data-access-logs-encryption").inputs.rules,
                    [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }],
                );
                const policy = policyOf(deployed.one("aws:s3/bucketPolicy:BucketPolicy", "eks-irsa-data-access-logs-tls-only"), "policy");
                assert.deepEqual(policy.Statement[0], {
                    Sid: "S3ServerAccessLogsPolicy",
                    Effect: "Allow",
                    Principal: { Service: "logging.s3.amazonaws.com" },
                    Action: "s3:PutObject",
                    Resource: `arn:aws:s3:::${logBucketName}/s3-access-logs/*`,
                    Condition: { ArnLike: { "aws:SourceArn": "arn:aws:s3:::eks-irsa-data-1a2b3c4" }, StringEquals: { "aws:SourceAccount": mockAccountId } },
                });
                assert.deepEqual(policy.Statement[1].Condition, { Bool: { "aws:SecureTransport": "false" } });
                const logging = deployed.one("aws:s3/bucketLogging:BucketLogging", "eks-irsa-data-logging").inputs;
                assert.deepEqual([logging.bucket, logging.targetBucket, logging.targetPrefix], ["eks-irsa-data-1a2b3c4", logBucketName, "s3-access-logs/"]);
                assert.deepEqual(deployed.one("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", "eks-irsa-data-access-logs-lifecycle").inputs.rules, [
                    {
                        id: "expire-access-logs",
                        status: "Enabled",
                        filter: { prefix: "s3-access-logs/" },
                        expiration: { days: expected.retentionDays },
                        noncurrentVersionExpiration: { noncurrentDays: 90 },
                    },
                ]);
                assert.deepEqual(deployed.one("aws:s3/bucketVersioning:BucketVersioning", "eks-irsa-data-access-logs-versioning").inputs.versioningConfiguration, { status: "Enabled" });
                assert.deepEqual(deployed.one("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", "eks-irsa-data-lifecycle").inputs.rules, [
                    {
                        id: "expire-noncurrent-versions",
                        status: "Enabled",
                        filter: { prefix: "" },
                        noncurrentVersionExpiration: { noncurrentDays: 90 },
                        abortIncompleteMultipartUpload: { daysAfterInitiation: 7 },
                    },
                ]);
            },
        );
    });
}

describe("each hardening follows its own key", () => {
    it("turns off what a stack turns off: private-only endpoint, no Secrets key, no NetworkPolicies, no flow logs or endpoints, no access logs", async () => {
        const deployed = await deployStack("prod", {
            endpointPublicAccess: "false",
            endpointPublicAccessCidrs: "[]",
            secretsEncryption: "false",
            networkPolicy: "false",
            vpcFlowLogs: "false",
            s3GatewayEndpoint: "false",
            interfaceEndpoints: "[]",
            bucketAccessLogging: "false",
        });
        const cluster = deployed.one("eks:index:Cluster", "eks-irsa").inputs;
        assert.deepEqual([cluster.endpointPublicAccess, cluster.endpointPrivateAccess, cluster.publicAccessCidrs], [false, true, undefined]);
        assert.equal(cluster.encryptionConfigKeyArn, undefined);
        assert.deepEqual(deployed.ofType("aws:kms/key:Key"), []);
        assert.deepEqual(deployed.ofType("kubernetes:networking.k8s.io/v1:NetworkPolicy"), []);
        assert.equal(deployed.one("aws:eks/addon:Addon", "eks-irsa-addon-vpc-cni").inputs.configurationValues, undefined);
        assert.deepEqual(deployed.ofType("aws:ec2/flowLog:FlowLog"), []);
        assert.deepEqual(deployed.ofType("aws:ec2/vpcEndpoint:VpcEndpoint"), []);
        assert.deepEqual(deployed.ofType("aws:s3/bucketLogging:BucketLogging"), []);
        // What has no key to turn it off stays: the control-plane logs.
        assert.deepEqual(cluster.enabledClusterLogTypes, allLogTypes);
    });

    it("records the flow logs of an existing VPC too, but creates no endpoints in it", async () => {
        const deployed = await deployStack("dev", {
            vpcId: "vpc-0123456789abcdef0",
            privateSubnetIds: JSON.stringify(["subnet-0123456789abcdef0", "subnet-89abcdef"]),
            vpcFlowLogs: "true",
        });
        assert.equal(deployed.one("aws:ec2/flowLog:FlowLog", "eks-irsa-flow-logs").inputs.vpcId, "vpc-0123456789abcdef0");
        assert.deepEqual(deployed.ofType("aws:ec2/vpcEndpoint:VpcEndpoint"), []);
    });
});
