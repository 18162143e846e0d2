import * as assert from "node:assert/strict";

import * as pulumi from "@pulumi/pulumi";

import { podSecurityLabels } from "../program/infrastructure";
import { mockClusterEndpoint, mockOidcIssuer, RegisteredResource, sentinels } from "../scripts/offline/mocks";
import { mockAccountId, mockRegion, valueOf } from "./mocks";
import { Deployment, deployStack } from "./programRun";
import { inlinePolicyOf } from "./inlinePolicies";

type Json = Record<string, unknown>;

const providerArn = `arn:aws:iam::${mockAccountId}:oidc-provider/${mockOidcIssuer(mockRegion)}`;

function policyOf(resource: RegisteredResource, key: string): { Statement: Json[] } {
    return JSON.parse(resource.inputs[key] as string) as { Statement: Json[] };
}

const stacks = [
    { stack: "dev", clusterName: "eks-irsa-dev", zones: 2, nats: 1, instanceTypes: ["t3.medium", "t3a.medium"], capacityType: "SPOT", scaling: { minSize: 1, desiredSize: 1, maxSize: 2 }, versioned: false, forceDestroy: true, replicas: 1, mechanism: "irsa" },
    { stack: "prod", clusterName: "eks-irsa-prod", zones: 3, nats: 3, instanceTypes: ["m6i.large", "m5.large"], capacityType: "ON_DEMAND", scaling: { minSize: 3, desiredSize: 3, maxSize: 6 }, versioned: true, forceDestroy: false, replicas: 2, mechanism: "pod-identity" },
];

for (const expected of stacks) {
    describe(`the program, stack ${expected.stack}`, () => {
        let deployed: Deployment;
        before(async () => {
            deployed = await deployStack(expected.stack);
        });

        it("creates a VPC with a private and a public subnet in each zone, and NAT for the private ones", () => {
            const vpc = deployed.one("aws:ec2/vpc:Vpc", "eks-irsa-vpc");
            assert.equal(vpc.inputs.enableDnsHostnames, true);
            const privateSubnets = deployed.ofType("aws:ec2/subnet:Subnet").filter((subnet) => subnet.name.includes("-private-"));
            const publicSubnets = deployed.ofType("aws:ec2/subnet:Subnet").filter((subnet) => subnet.name.includes("-public-"));
            assert.equal(privateSubnets.length, expected.zones);
            assert.equal(publicSubnets.length, expected.zones);
            const zones = ["a", "b", "c"].slice(0, expected.zones).map((zone) => `${mockRegion}${zone}`);
            assert.deepEqual(privateSubnets.map((subnet) => subnet.inputs.availabilityZone), zones);
            assert.deepEqual(publicSubnets.map((subnet) => subnet.inputs.availabilityZone), zones);
            assert.ok([...privateSubnets, ...publicSubnets].every((subnet) => subnet.inputs.vpcId === "eks-irsa-vpc-id" && subnet.inputs.mapPublicIpOnLaunch === false));
            assert.equal(deployed.ofType("aws:ec2/natGateway:NatGateway").length, expected.nats);
            const privateRoutes = deployed.ofType("aws:ec2/route:Route").filter((route) => route.name.includes("-private-"));
            assert.deepEqual(
                privateRoutes.map((route) => [route.inputs.destinationCidrBlock, route.inputs.natGatewayId]),
                privateRoutes.map((_, index) => ["0.0.0.0/0", `eks-irsa-nat-${index % expected.nats}-id`]),
            );
        });

        it("creates the EKS cluster with access entries and the configured version, an OIDC provider only for IRSA, without default nodes", () => {
            const cluster = deployed.one("eks:index:Cluster", "eks-irsa");
            assert.equal(cluster.inputs.name, expected.clusterName);
            assert.equal(cluster.inputs.version, "1.35");
            assert.equal(cluster.inputs.createOidcProvider, expected.mechanism === "irsa");
            assert.equal(cluster.inputs.authenticationMode, "API");
            assert.equal(cluster.inputs.skipDefaultNodeGroup, true);
            assert.equal(cluster.inputs.vpcId, "eks-irsa-vpc-id");
            assert.deepEqual(
                cluster.inputs.privateSubnetIds,
                Array.from({ length: expected.zones }, (_, index) => `eks-irsa-private-${index}-id`),
            );
        });

        it("launches every node group from a template that requires IMDSv2 with a hop limit of 1", () => {
            const templates = deployed.ofType("aws:ec2/launchTemplate:LaunchTemplate");
            const nodeGroups = deployed.ofType("aws:eks/nodeGroup:NodeGroup");
            assert.ok(nodeGroups.length > 0);
            for (const nodeGroup of nodeGroups) {
                const reference = nodeGroup.inputs.launchTemplate as { id: string; version: string };
                const template = templates.find((candidate) => `${candidate.name}-id` === reference.id);
                assert.ok(template, `${nodeGroup.name} uses no launch template of this stack`);
                assert.equal(reference.version, "1");
                const metadata = template.inputs.metadataOptions as Json;
                assert.equal(metadata.httpTokens, "required");
                assert.equal(metadata.httpPutResponseHopLimit, 1);
                assert.equal(metadata.httpEndpoint, "enabled");
            }
        });

        it("sizes the node group from config, in the private subnets, with the worker and image-pull policies only", () => {
            const nodeGroup = deployed.one("aws:eks/nodeGroup:NodeGroup", "eks-irsa-nodes");
            assert.equal(nodeGroup.inputs.clusterName, expected.clusterName);
            assert.deepEqual(nodeGroup.inputs.instanceTypes, expected.instanceTypes);
            assert.equal(nodeGroup.inputs.capacityType, expected.capacityType);
            assert.deepEqual(nodeGroup.inputs.scalingConfig, expected.scaling);
            assert.equal(nodeGroup.inputs.amiType, "AL2023_x86_64_STANDARD");
            assert.deepEqual(nodeGroup.inputs.subnetIds, Array.from({ length: expected.zones }, (_, index) => `eks-irsa-private-${index}-id`));
            const role = deployed.one("aws:iam/role:Role", "eks-irsa-nodes-role");
            assert.equal(nodeGroup.inputs.nodeRoleArn, `arn:aws:iam::${mockAccountId}:role/eks-irsa-nodes-role-1a2b3c4`);
            assert.deepEqual(policyOf(role, "assumeRolePolicy").Statement, [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }]);
            assert.deepEqual(
                deployed
                    .ofType("aws:iam/rolePolicyAttachment:RolePolicyAttachment")
                    .filter((attachment) => attachment.inputs.role === "eks-irsa-nodes-role-1a2b3c4")
                    .map((attachment) => attachment.inputs.policyArn),
                ["AmazonEKSWorkerNodePolicy", "AmazonEC2ContainerRegistryPullOnly"].map((name) => `arn:aws:iam::aws:policy/${name}`),
            );
        });

        it(`creates the bucket private, encrypted and TLS-only${expected.versioned ? ", versioned" : ", unversioned"}`, () => {
            const bucket = deployed.one("aws:s3/bucket:Bucket", "eks-irsa-data");
            assert.equal(bucket.inputs.forceDestroy, expected.forceDestroy);
            const bucketName = "eks-irsa-data-1a2b3c4";
            const block = deployed.one("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "eks-irsa-data-public-access").inputs;
            assert.deepEqual(
                [block.bucket, block.blockPublicAcls, block.blockPublicPolicy, block.ignorePublicAcls, block.restrictPublicBuckets],
                [bucketName, true, true, true, true],
            );
            assert.deepEqual(deployed.one("aws:s3/bucketOwnershipControls:BucketOwnershipControls", "eks-irsa-data-ownership").inputs.rule, { objectOwnership: "BucketOwnerEnforced" });
            assert.deepEqual(deployed.one("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", "eks-irsa-data-encryption").inputs.rules, [
                { applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } },
            ]);
            const policy = policyOf(deployed.one("aws:s3/bucketPolicy:BucketPolicy", "eks-irsa-data-tls-only"), "policy");
            assert.deepEqual(policy.Statement, [
                {
                    Sid: "DenyInsecureTransport",
                    Effect: "Deny",
                    Principal: { AWS: "*" },
                    Action: "s3:*",
                    Resource: [`arn:aws:s3:::${bucketName}`, `arn:aws:s3:::${bucketName}/*`],
                    Condition: { Bool: { "aws:SecureTransport": "false" } },
                },
            ]);
            const versioning = deployed.ofType("aws:s3/bucketVersioning:BucketVersioning");
            assert.deepEqual(
                versioning.map((resource) => resource.inputs.versioningConfiguration),
                expected.versioned ? [{ status: "Enabled" }, { status: "Enabled" }] : [],
            );
        });

        if (expected.versioned) {
            it("versions every bucket it creates, the access-log bucket too", () => {
                const versionedBuckets = deployed.ofType("aws:s3/bucketVersioning:BucketVersioning").map((resource) => resource.inputs.bucket);
                const buckets = deployed.ofType("aws:s3/bucket:Bucket");
                assert.ok(buckets.length >= 2, buckets.map((bucket) => bucket.name).join(", "));
                for (const bucket of buckets) {
                    assert.ok(versionedBuckets.includes(`${bucket.name}-${sentinels.randomSuffix}`), `${bucket.name} is not versioned: ${versionedBuckets.join(", ")}`);
                }
            });
        }

        it("gives every lifecycle rule exactly one filter predicate, so the AWS provider has nothing to warn about", () => {
            const predicates = ["prefix", "tag", "objectSizeGreaterThan", "objectSizeLessThan", "and"];
            const rules = deployed.ofType("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration").flatMap((resource) => resource.inputs.rules as Json[]);
            for (const rule of rules) {
                const filter = rule.filter as Json | undefined;
                assert.ok(filter !== undefined && !("prefix" in rule), `${String(rule.id)} has no filter`);
                const given = predicates.filter((key) => filter[key] !== undefined);
                assert.equal(given.length, 1, `${String(rule.id)} filter ${JSON.stringify(filter)}`);
            }
        });

        it("labels the namespace to enforce, warn about and audit the restricted Pod Security profile", () => {
            const namespace = deployed.one("kubernetes:core/v1:Namespace", "eks-irsa-namespace");
            assert.deepEqual(namespace.inputs.metadata, { name: "irsa-demo", labels: podSecurityLabels });
            for (const mode of ["enforce", "warn", "audit"]) {
                assert.equal(podSecurityLabels[`pod-security.kubernetes.io/${mode}`], "restricted");
            }
        });

        if (expected.mechanism === "irsa") {
            it("binds the reader's ServiceAccount to a role trusted by this cluster's OIDC provider only, without the Pod Identity agent", async () => {
                const trust = JSON.parse(await valueOf(deployed.infra.binding.trustPolicy)) as { Statement: Json[] };
                assert.deepEqual(trust.Statement, [
                    {
                        Effect: "Allow",
                        Principal: { Federated: providerArn },
                        Action: "sts:AssumeRoleWithWebIdentity",
                        Condition: {
                            StringEquals: {
                                [`${mockOidcIssuer(mockRegion)}:sub`]: "system:serviceaccount:irsa-demo:s3-reader",
                                [`${mockOidcIssuer(mockRegion)}:aud`]: "sts.amazonaws.com",
                            },
                        },
                    },
                ]);
                assert.equal(deployed.one("eks-irsa:index:IrsaBinding", "eks-irsa-reader").type, "eks-irsa:index:IrsaBinding");
                assert.deepEqual(deployed.ofType("aws:eks/addon:Addon").filter((addon) => addon.inputs.addonName === "eks-pod-identity-agent"), []);
                assert.deepEqual(deployed.ofType("aws:eks/podIdentityAssociation:PodIdentityAssociation"), []);
            });
        } else {
            it("binds the reader's ServiceAccount through EKS Pod Identity: the agent add-on, a role trusted by the service for this cluster, an association", async () => {
                const agent = deployed.one("aws:eks/addon:Addon", "eks-irsa-pod-identity-agent");
                assert.deepEqual([agent.inputs.clusterName, agent.inputs.addonName], [expected.clusterName, "eks-pod-identity-agent"]);
                const trust = JSON.parse(await valueOf(deployed.infra.binding.trustPolicy)) as { Statement: Json[] };
                assert.deepEqual(trust.Statement, [
                    {
                        Effect: "Allow",
                        Principal: { Service: "pods.eks.amazonaws.com" },
                        Action: ["sts:AssumeRole", "sts:TagSession"],
                        Condition: {
                            StringEquals: {
                                "aws:SourceAccount": mockAccountId,
                                "aws:RequestTag/eks-cluster-arn": `arn:aws:eks:${mockRegion}:${mockAccountId}:cluster/${expected.clusterName}`,
                                "aws:RequestTag/kubernetes-namespace": "irsa-demo",
                                "aws:RequestTag/kubernetes-service-account": "s3-reader",
                            },
                        },
                    },
                ]);
                const association = deployed.one("aws:eks/podIdentityAssociation:PodIdentityAssociation", "eks-irsa-reader");
                assert.equal(association.inputs.clusterName, expected.clusterName);
                assert.equal(association.inputs.namespace, "irsa-demo");
                assert.equal(association.inputs.serviceAccount, "s3-reader");
                assert.equal(association.inputs.roleArn, await valueOf(deployed.infra.outputs.roleArn));
                const serviceAccount = deployed.one("kubernetes:core/v1:ServiceAccount", "eks-irsa-reader").inputs as { metadata: { annotations: Json } };
                assert.deepEqual(serviceAccount.metadata.annotations, {});
            });
        }

        it("lets the reader read this bucket, whatever the mechanism", () => {
            const read = inlinePolicyOf(deployed.one("aws:iam/role:Role", "eks-irsa-reader").inputs, "s3-read");
            const resources = read.Statement.flatMap((statement) => statement.Resource as string[]);
            assert.ok(resources.length > 0 && resources.every((arn) => arn.startsWith("arn:aws:s3:::eks-irsa-data-1a2b3c4")), resources.join(", "));
            const deployment = deployed.one("kubernetes:apps/v1:Deployment", "eks-irsa-reader-reader").inputs as { metadata: Json; spec: { replicas: number } };
            assert.equal(deployment.metadata.name, "s3-reader");
            assert.equal(deployment.metadata.namespace, "irsa-demo");
            assert.equal(deployment.spec.replicas, expected.replicas);
        });

        it("sends the Kubernetes objects through a provider built from the cluster's kubeconfig", () => {
            const provider = deployed.one("pulumi:providers:kubernetes", "eks-irsa-k8s");
            const kubeconfig = JSON.parse(provider.inputs.kubeconfig as string) as { clusters: { cluster: { server: string } }[] };
            assert.equal(kubeconfig.clusters[0].cluster.server, mockClusterEndpoint(mockRegion));
            const kubernetesObjects = deployed.resources.filter((resource) => resource.type.startsWith("kubernetes:"));
            assert.deepEqual(kubernetesObjects.map((object) => object.type.split(":")[2]).sort(), [
                "DaemonSetPatch",
                "Deployment",
                "Namespace",
                "NetworkPolicy",
                "NetworkPolicy",
                "ServiceAccount",
            ]);
            for (const object of kubernetesObjects) {
                assert.match(object.provider ?? "", /::eks-irsa-k8s::/, object.name);
            }
        });

        it("exports the cluster, its kubeconfig as a secret, the binding, the bucket and the commands to reach the reader", async () => {
            const outputs = deployed.infra.outputs;
            assert.equal(await valueOf(outputs.clusterName), expected.clusterName);
            assert.equal(await valueOf(outputs.identityMechanism), expected.mechanism);
            assert.equal(await pulumi.isSecret(outputs.kubeconfig), true);
            assert.match(await valueOf(outputs.kubeconfig), /"server":"https:\/\//);
            if (expected.mechanism === "irsa") {
                assert.equal(await valueOf(outputs.oidcProviderArn!), providerArn);
            } else {
                assert.equal(outputs.oidcProviderArn, undefined, "a Pod Identity stack has no OIDC provider to export");
            }
            assert.equal(await valueOf(outputs.roleArn), `arn:aws:iam::${mockAccountId}:role/eks-irsa-reader-1a2b3c4`);
            assert.equal(await valueOf(outputs.namespace), "irsa-demo");
            assert.equal(await valueOf(outputs.serviceAccountName), "s3-reader");
            assert.equal(await valueOf(outputs.bucketName), "eks-irsa-data-1a2b3c4");
            assert.equal(await valueOf(outputs.updateKubeconfigCommand), `aws eks update-kubeconfig --region ${mockRegion} --name ${expected.clusterName}`);
            assert.equal(await valueOf(outputs.readerLogsCommand), "kubectl logs --namespace irsa-demo deployment/s3-reader --follow");
        });
    });
}

describe("the program with an existing network and bucket", () => {
    let deployed: Deployment;
    before(async () => {
        deployed = await deployStack("dev", {
            vpcId: "vpc-0123456789abcdef0",
            privateSubnetIds: JSON.stringify(["subnet-0123456789abcdef0", "subnet-89abcdef"]),
            bucketName: "team-reports",
            bucketForceDestroy: "false",
            nodeInstanceTypes: JSON.stringify(["m7g.large"]),
        });
    });

    it("creates no VPC and no bucket, and runs in the given subnets", () => {
        assert.deepEqual(deployed.resources.filter((resource) => resource.type.startsWith("aws:ec2/") && resource.type !== "aws:ec2/launchTemplate:LaunchTemplate"), []);
        assert.deepEqual(deployed.resources.filter((resource) => resource.type.startsWith("aws:s3/")), []);
        const cluster = deployed.one("eks:index:Cluster", "eks-irsa");
        assert.equal(cluster.inputs.vpcId, "vpc-0123456789abcdef0");
        assert.deepEqual(cluster.inputs.privateSubnetIds, ["subnet-0123456789abcdef0", "subnet-89abcdef"]);
        assert.equal(cluster.inputs.publicSubnetIds, undefined);
        assert.deepEqual(deployed.one("aws:eks/nodeGroup:NodeGroup", "eks-irsa-nodes").inputs.subnetIds, ["subnet-0123456789abcdef0", "subnet-89abcdef"]);
    });

    it("picks the ARM AMI for Graviton instance types", () => {
        assert.equal(deployed.one("aws:eks/nodeGroup:NodeGroup", "eks-irsa-nodes").inputs.amiType, "AL2023_ARM_64_STANDARD");
    });

    it("grants the reader the looked-up bucket", async () => {
        assert.equal(await valueOf(deployed.infra.outputs.bucketName), "team-reports");
        const read = inlinePolicyOf(deployed.one("aws:iam/role:Role", "eks-irsa-reader").inputs, "s3-read");
        assert.ok(read.Statement.flatMap((statement) => statement.Resource as string[]).every((arn) => arn.startsWith("arn:aws:s3:::team-reports")));
    });
});
