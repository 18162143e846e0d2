/**
 * Every way a node starts, and every kind of cluster, that the node and cluster rules judge: each
 * input here got through before (a red-team's reproductions) and is now a mandatory violation naming
 * the resource and the field, next to a near miss that stays allowed (httpTokens "required" with hop
 * limit 1; the endpoint private; the audit log on).
 */
import * as assert from "node:assert/strict";

import { UnknownValueError } from "@pulumi/policy";

import { evaluatePolicies, PlainResource } from "../policy/evaluate";
import { policies } from "../policy/pack";
import { account, findingsOf, resource } from "./policyPackFixtures";

const stack = "prod";
const good = { httpTokens: "required", httpPutResponseHopLimit: 1 };
const hopping = { httpTokens: "required", httpPutResponseHopLimit: 2 };
const imdsv1 = { httpTokens: "optional", httpPutResponseHopLimit: 2 };

async function findings(policyName: string, ...resources: PlainResource[]): Promise<string[]> {
    return findingsOf(await evaluatePolicies(policies, resources), policyName);
}

/** The mandatory findings of the two node rules. */
async function nodeFindings(...resources: PlainResource[]): Promise<string[]> {
    const all = await evaluatePolicies(policies, resources);
    return [...findingsOf(all, "launch-template-imdsv2"), ...findingsOf(all, "eks-node-group-imds")];
}

const template = (name: string, metadataOptions: Record<string, unknown>, extra: Record<string, unknown> = {}): PlainResource =>
    resource(stack, "aws:ec2/launchTemplate:LaunchTemplate", name, { name: `${name}-lt`, id: `lt-${name}`, metadataOptions, ...extra });

/** Base64, as CloudFormation's UserData and aws classic's userDataBase64 carry user data. */
const base64 = (text: string): string => Buffer.from(text, "utf8").toString("base64");

/** A CloudControl resource of this type, its desired state in CloudFormation's names. */
const cloudControl = (name: string, typeName: string, desiredState: unknown, propertyDependencies?: Record<string, string[]>): PlainResource =>
    resource(stack, "aws:cloudcontrol/resource:Resource", name, { typeName, desiredState: typeof desiredState === "string" ? desiredState : JSON.stringify(desiredState) }, propertyDependencies);

describe("policy pack: Auto Scaling groups' mixed instances overrides, and templates' hop limit (13)", () => {
    it("an override's launchTemplateSpecification naming a template with hop limit 2 is refused; an override naming a tight template passes", async () => {
        const tight = template("tight", good);
        const wide = template("wide", hopping);
        const asg = (overrideName: string) =>
            resource(stack, "aws:autoscaling/group:Group", "asg", {
                mixedInstancesPolicy: { launchTemplate: { launchTemplateSpecification: { launchTemplateName: "tight-lt" }, overrides: [{ instanceType: "m5.large" }, { instanceType: "m6i.large", launchTemplateSpecification: { launchTemplateName: overrideName } }] } },
            });
        const refused = await findings("eks-node-group-imds", tight, wide, asg("wide-lt"));
        assert.equal(refused.length, 1, refused.join("\n"));
        assert.match(refused[0], /^mandatory: aws:autoscaling\/group:Group "asg" launches from aws:ec2\/launchTemplate:LaunchTemplate "wide": metadataOptions\.httpPutResponseHopLimit is 2/);
        assert.deepEqual(await findings("eks-node-group-imds", tight, wide, asg("tight-lt")), []);
    });

    it("aws-native: an override naming a template by launchTemplateId is judged too", async () => {
        const wide = resource(stack, "aws-native:ec2:LaunchTemplate", "wide", { launchTemplateName: "wide", launchTemplateId: "lt-0wide", launchTemplateData: { metadataOptions: hopping } });
        const tight = resource(stack, "aws-native:ec2:LaunchTemplate", "tight", { launchTemplateName: "tight", launchTemplateId: "lt-0tight", launchTemplateData: { metadataOptions: good } });
        const asg = (id: string) =>
            resource(stack, "aws-native:autoscaling:AutoScalingGroup", "asg", {
                mixedInstancesPolicy: { launchTemplate: { launchTemplateSpecification: { launchTemplateId: "lt-0tight" }, overrides: [{ launchTemplateSpecification: { launchTemplateId: id } }] } },
            });
        assert.match((await findings("eks-node-group-imds", wide, tight, asg("lt-0wide")))[0], /"asg" launches from aws-native:ec2:LaunchTemplate "wide": metadataOptions\.httpPutResponseHopLimit is 2/);
        assert.deepEqual(await findings("eks-node-group-imds", wide, tight, asg("lt-0tight")), []);
    });

    it("launch-template-imdsv2 judges every template's hop limit, even one no node group of the stack names", async () => {
        assert.deepEqual(await findings("launch-template-imdsv2", template("wide", hopping)), [
            `mandatory: aws:ec2/launchTemplate:LaunchTemplate "wide": metadataOptions.httpPutResponseHopLimit is 2, so pods can reach the node role's credentials; set it to 1`,
        ]);
        assert.match((await findings("launch-template-imdsv2", template("unset", { httpTokens: "required" })))[0], /"unset": metadataOptions\.httpPutResponseHopLimit is not set/);
        assert.match((await findings("launch-template-imdsv2", resource(stack, "aws:ec2/launchConfiguration:LaunchConfiguration", "lc", { metadataOptions: hopping })))[0], /LaunchConfiguration "lc": .*HopLimit is 2/);
        assert.deepEqual(await findings("launch-template-imdsv2", template("tight", good)), []);
        assert.deepEqual(await findings("launch-template-imdsv2", template("off", { httpEndpoint: "disabled" })), [], "IMDS turned off has neither problem");
    });
});

describe("policy pack: nodes that start without a node group (14)", () => {
    const bootstrap = "#!/bin/bash\n/etc/eks/bootstrap.sh apps";

    it("aws:ec2/instance:Instance with the cluster's bootstrap: IMDSv1 and hop limit 2 are refused, naming the field and why it is a node", async () => {
        const node = resource(stack, "aws:ec2/instance:Instance", "node", { ami: "ami-1", instanceType: "m5.large", iamInstanceProfile: "eks-node", userData: bootstrap, metadataOptions: imdsv1 });
        assert.deepEqual(await findings("launch-template-imdsv2", node), [
            'mandatory: aws:ec2/instance:Instance "node": metadataOptions.httpTokens is "optional", so IMDSv1 is allowed; set it to "required"',
            `mandatory: aws:ec2/instance:Instance "node": metadataOptions.httpPutResponseHopLimit is 2, so pods can reach the node role's credentials; set it to 1 (it is an EKS node: its user data runs /etc/eks/bootstrap.sh)`,
        ]);
        const tagged = resource(stack, "aws:ec2/instance:Instance", "tagged", { ami: "ami-1", tags: { "kubernetes.io/cluster/apps": "owned" }, metadataOptions: { httpTokens: "required" } });
        assert.match((await findings("launch-template-imdsv2", tagged))[0], /"tagged": metadataOptions\.httpPutResponseHopLimit is not set.*\(it is an EKS node: it carries the tag kubernetes\.io\/cluster\/apps\)/);
        const gzipped = resource(stack, "aws:ec2/instance:Instance", "encoded", { ami: "ami-1", userDataBase64: base64("apiVersion: node.eks.aws/v1alpha1\nkind: NodeConfig\n"), metadataOptions: hopping });
        assert.match((await findings("launch-template-imdsv2", gzipped))[0], /"encoded": .*HopLimit is 2.*\(it is an EKS node: its user data is a nodeadm NodeConfig\)/);
        assert.deepEqual(await findings("launch-template-imdsv2", resource(stack, "aws:ec2/instance:Instance", "node", { ami: "ami-1", userData: bootstrap, metadataOptions: good })), []);
    });

    it("an instance that hides its bootstrap is judged as a node all the same; tokens required with hop limit 1 passes", async () => {
        // Its user data downloads the join script: nothing in its inputs shows it is a node.
        const hidden = resource(stack, "aws:ec2/instance:Instance", "hidden", { ami: "ami-1", userData: "#!/bin/bash\ncurl -s https://example.com/join | bash", metadataOptions: hopping });
        assert.deepEqual(await findings("launch-template-imdsv2", hidden), [
            `mandatory: aws:ec2/instance:Instance "hidden": metadataOptions.httpPutResponseHopLimit is 2, so pods can reach the node role's credentials; set it to 1 (every instance is judged as a node: nothing in its inputs shows it is not one)`,
        ]);
        assert.match((await findings("launch-template-imdsv2", resource(stack, "aws:ec2/instance:Instance", "bare", { ami: "ami-1" })))[0], /"bare": metadataOptions\.httpTokens is not set/);
        assert.deepEqual(await findings("launch-template-imdsv2", resource(stack, "aws:ec2/instance:Instance", "hidden", { ami: "ami-1", metadataOptions: good })), []);
    });

    it("during preview, user data not known yet (it holds the cluster's endpoint) does not stop the instance being judged", async () => {
        // The engine's sentinel for a string not known yet (@pulumi/policy's proxy throws this error on reading it).
        const unknownString = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
        const props: Record<string, unknown> = { ami: "ami-1", metadataOptions: hopping };
        Object.defineProperty(props, "userData", { enumerable: true, get: () => { throw new UnknownValueError(unknownString, ["userData"]); } });
        const pending = resource(stack, "aws:ec2/instance:Instance", "pending", props);
        assert.deepEqual(await findings("launch-template-imdsv2", pending), [
            `mandatory: aws:ec2/instance:Instance "pending": metadataOptions.httpPutResponseHopLimit is 2, so pods can reach the node role's credentials; set it to 1 (every instance is judged as a node: nothing in its inputs shows it is not one)`,
        ]);
    });

    it("an instance naming a launch template is judged against it for the fields it leaves to the template", async () => {
        const wide = template("wide", hopping);
        const fromTemplate = resource(stack, "aws:ec2/instance:Instance", "node", { launchTemplate: { id: "lt-wide", version: "$Latest" } });
        assert.deepEqual(await nodeFindings(wide, fromTemplate), [
            `mandatory: aws:ec2/launchTemplate:LaunchTemplate "wide": metadataOptions.httpPutResponseHopLimit is 2, so pods can reach the node role's credentials; set it to 1`,
            `mandatory: aws:ec2/instance:Instance "node" launches from aws:ec2/launchTemplate:LaunchTemplate "wide": metadataOptions.httpPutResponseHopLimit is 2, so pods can reach the node role's credentials; set it to 1`,
        ]);
        const overriding = resource(stack, "aws:ec2/instance:Instance", "node", { launchTemplate: { name: "wide-lt" }, metadataOptions: { httpPutResponseHopLimit: 1 } });
        assert.deepEqual(await findings("eks-node-group-imds", wide, overriding), [], "the instance's own hop limit wins over the template's");
        assert.deepEqual(await nodeFindings(template("tight", good), resource(stack, "aws:ec2/instance:Instance", "node", { launchTemplate: { name: "tight-lt" } })), []);
    });

    it("aws-native:ec2:Instance: its metadataOptions and base64 UserData are read as CloudFormation spells them", async () => {
        const node = resource(stack, "aws-native:ec2:Instance", "node", { imageId: "ami-1", userData: base64(bootstrap), metadataOptions: imdsv1 });
        const found = await findings("launch-template-imdsv2", node);
        assert.equal(found.length, 2, found.join("\n"));
        assert.match(found[0], /^mandatory: aws-native:ec2:Instance "node": metadataOptions\.httpTokens is "optional"/);
        assert.match(found[1], /^mandatory: aws-native:ec2:Instance "node": metadataOptions\.httpPutResponseHopLimit is 2.*\(it is an EKS node: its user data runs \/etc\/eks\/bootstrap\.sh\)/);
        assert.deepEqual(await findings("launch-template-imdsv2", resource(stack, "aws-native:ec2:Instance", "node", { imageId: "ami-1", userData: base64(bootstrap), metadataOptions: good })), []);
    });

    it("aws:ec2/fleet:Fleet: each launch template config's template is judged", async () => {
        const wide = template("wide", hopping);
        const tight = template("tight", good);
        const fleet = (id: string) =>
            resource(stack, "aws:ec2/fleet:Fleet", "fleet", {
                launchTemplateConfigs: [{ launchTemplateSpecification: { launchTemplateId: "lt-tight", version: "$Latest" } }, { launchTemplateSpecification: { launchTemplateId: id, version: "$Latest" } }],
                targetCapacitySpecification: { defaultTargetCapacityType: "spot", totalTargetCapacity: 3 },
            });
        assert.match((await findings("eks-node-group-imds", wide, tight, fleet("lt-wide")))[0], /^mandatory: aws:ec2\/fleet:Fleet "fleet" launches from aws:ec2\/launchTemplate:LaunchTemplate "wide": metadataOptions\.httpPutResponseHopLimit is 2/);
        assert.deepEqual(await findings("eks-node-group-imds", wide, tight, fleet("lt-tight")), []);
    });

    it("aws:ec2/spotFleetRequest:SpotFleetRequest: templates by id or dependency are judged; launchSpecifications, which cannot set metadata options, are refused", async () => {
        const wide = template("wide", hopping);
        const byId = resource(stack, "aws:ec2/spotFleetRequest:SpotFleetRequest", "sfr", { iamFleetRole: `arn:aws:iam::${account}:role/fleet`, targetCapacity: 3, launchTemplateConfigs: [{ launchTemplateSpecification: { id: "lt-other", version: "$Latest" } }] }, { launchTemplateConfigs: [wide.urn] });
        assert.match((await findings("eks-node-group-imds", wide, byId))[0], /^mandatory: aws:ec2\/spotFleetRequest:SpotFleetRequest "sfr" launches from aws:ec2\/launchTemplate:LaunchTemplate "wide": metadataOptions\.httpPutResponseHopLimit is 2/);
        const specified = resource(stack, "aws:ec2/spotFleetRequest:SpotFleetRequest", "specs", { iamFleetRole: `arn:aws:iam::${account}:role/fleet`, targetCapacity: 3, launchSpecifications: [{ ami: "ami-1", instanceType: "m5.large", userData: bootstrap }] });
        assert.deepEqual(await nodeFindings(specified), [
            'mandatory: aws:ec2/spotFleetRequest:SpotFleetRequest "specs": launchSpecifications[0] starts instances without metadata options (a spot fleet\'s launch specification has none), so the AMI or the account decides IMDSv1 and the hop limit; use launchTemplateConfigs naming a launch template with metadataOptions httpTokens "required" and httpPutResponseHopLimit 1',
        ]);
        const tight = template("tight", good);
        assert.deepEqual(await nodeFindings(tight, resource(stack, "aws:ec2/spotFleetRequest:SpotFleetRequest", "sfr", { targetCapacity: 3, launchTemplateConfigs: [{ launchTemplateSpecification: { name: "tight-lt" } }] })), []);
    });

    it("aws-native:ec2:LaunchTemplate: hop limit 2 is refused at the template", async () => {
        assert.match((await findings("launch-template-imdsv2", resource(stack, "aws-native:ec2:LaunchTemplate", "wide", { launchTemplateData: { metadataOptions: hopping } })))[0], /^mandatory: aws-native:ec2:LaunchTemplate "wide": metadataOptions\.httpPutResponseHopLimit is 2/);
        assert.deepEqual(await findings("launch-template-imdsv2", resource(stack, "aws-native:ec2:LaunchTemplate", "tight", { launchTemplateData: { metadataOptions: good } })), []);
    });

    it("CloudControl AWS::EC2::LaunchTemplate, AWS::EKS::Nodegroup and AWS::AutoScaling::AutoScalingGroup: desiredState is read and judged", async () => {
        const v1Template = cloudControl("lt", "AWS::EC2::LaunchTemplate", { LaunchTemplateName: "cc-lt", LaunchTemplateData: { MetadataOptions: { HttpTokens: "optional", HttpPutResponseHopLimit: 2 } } });
        assert.deepEqual(await findings("launch-template-imdsv2", v1Template), [
            'mandatory: aws:cloudcontrol/resource:Resource "lt" (AWS::EC2::LaunchTemplate, desiredState): metadataOptions.httpTokens is "optional", so IMDSv1 is allowed; set it to "required"',
            `mandatory: aws:cloudcontrol/resource:Resource "lt" (AWS::EC2::LaunchTemplate, desiredState): metadataOptions.httpPutResponseHopLimit is 2, so pods can reach the node role's credentials; set it to 1`,
        ]);
        const wide = cloudControl("wide", "AWS::EC2::LaunchTemplate", { LaunchTemplateName: "cc-wide", LaunchTemplateData: { MetadataOptions: { HttpTokens: "required", HttpPutResponseHopLimit: "2" } } });
        const nodegroup = cloudControl("ng", "AWS::EKS::Nodegroup", { ClusterName: "apps", NodeRole: `arn:aws:iam::${account}:role/node`, Subnets: ["subnet-1"], LaunchTemplate: { Name: "cc-wide" } });
        assert.match((await findings("eks-node-group-imds", wide, nodegroup))[0], /^mandatory: aws:cloudcontrol\/resource:Resource "ng" \(AWS::EKS::Nodegroup, desiredState\) launches from aws:cloudcontrol\/resource:Resource "wide" \(AWS::EC2::LaunchTemplate, desiredState\): metadataOptions\.httpPutResponseHopLimit is 2/);
        const group = cloudControl("asg", "AWS::AutoScaling::AutoScalingGroup", { MinSize: "1", MaxSize: "3", LaunchTemplate: { LaunchTemplateName: "cc-wide", Version: "1" } });
        assert.match((await findings("eks-node-group-imds", wide, group))[0], /"asg" \(AWS::AutoScaling::AutoScalingGroup, desiredState\) launches from .*"wide".*HopLimit is 2/);
        const untemplated = cloudControl("bare", "AWS::EKS::Nodegroup", { ClusterName: "apps", NodeRole: `arn:aws:iam::${account}:role/node`, Subnets: ["subnet-1"] });
        assert.match((await findings("eks-node-group-imds", untemplated))[0], /"bare" \(AWS::EKS::Nodegroup, desiredState\) has no launch template/);
        assert.match((await findings("launch-template-imdsv2", cloudControl("garbled", "AWS::EC2::LaunchTemplate", "{not json")))[0], /"garbled" \(AWS::EC2::LaunchTemplate, desiredState\): its desiredState is not a JSON object/);
        const tight = cloudControl("tight", "AWS::EC2::LaunchTemplate", { LaunchTemplateName: "cc-tight", LaunchTemplateData: { MetadataOptions: { HttpTokens: "required", HttpPutResponseHopLimit: 1 } } });
        const nearMiss = cloudControl("ng", "AWS::EKS::Nodegroup", { ClusterName: "apps", LaunchTemplate: { Name: "cc-tight" } });
        assert.deepEqual(await nodeFindings(tight, nearMiss), []);
    });

    it("Karpenter: an EC2NodeClassPatch that lowers httpTokens or raises the hop limit is refused; one that leaves them alone passes", async () => {
        const patch = (spec: Record<string, unknown>) => resource(stack, "kubernetes:karpenter.k8s.aws/v1:EC2NodeClassPatch", "patch", { metadata: { name: "default" }, spec });
        assert.deepEqual(await findings("launch-template-imdsv2", patch({ metadataOptions: imdsv1 })), [
            'mandatory: kubernetes:karpenter.k8s.aws/v1:EC2NodeClassPatch "patch": spec.metadataOptions.httpTokens is "optional", so IMDSv1 is allowed; set it to "required"',
            `mandatory: kubernetes:karpenter.k8s.aws/v1:EC2NodeClassPatch "patch": spec.metadataOptions.httpPutResponseHopLimit is 2, so pods can reach the node role's credentials; set it to 1`,
        ]);
        assert.deepEqual(await findings("launch-template-imdsv2", patch({ metadataOptions: { httpPutResponseHopLimit: 1 } })), []);
        assert.deepEqual(await findings("launch-template-imdsv2", patch({ tags: { team: "apps" } })), [], "a patch that sets no metadata options keeps the class's");
    });

    it("Karpenter's older AWSNodeTemplate (v1alpha1) and v1beta1 EC2NodeClass: their default hop limit was 2, so they must set 1", async () => {
        for (const type of ["kubernetes:karpenter.k8s.aws/v1alpha1:AWSNodeTemplate", "kubernetes:karpenter.k8s.aws/v1beta1:EC2NodeClass"]) {
            const unset = resource(stack, type, "nodes", { metadata: { name: "default" }, spec: {} });
            assert.deepEqual(await findings("launch-template-imdsv2", unset), [
                `mandatory: ${type} "nodes": spec.metadataOptions.httpPutResponseHopLimit is not set, and Karpenter's default for this API version is 2, so pods can reach the node role's credentials; set it to 1`,
            ]);
            assert.match((await findings("launch-template-imdsv2", resource(stack, type, "nodes", { spec: { metadataOptions: imdsv1 } })))[0], /spec\.metadataOptions\.httpTokens is "optional"/);
            assert.deepEqual(await findings("launch-template-imdsv2", resource(stack, type, "nodes", { spec: { metadataOptions: good } })), [], type);
        }
    });
});

describe("policy pack: aws-native and CloudControl clusters (15)", () => {
    it("aws-native:eks:Cluster: an open public endpoint and no audit log are refused, naming resourcesVpcConfig and logging", async () => {
        const open = resource(stack, "aws-native:eks:Cluster", "c", { roleArn: `arn:aws:iam::${account}:role/eks`, resourcesVpcConfig: { subnetIds: ["subnet-1"], endpointPublicAccess: true, publicAccessCidrs: ["0.0.0.0/0"] }, logging: { clusterLogging: { enabledTypes: [{ type: "api" }] } } });
        assert.deepEqual(await findings("eks-cluster-endpoint-restricted", open), [
            'mandatory: aws-native:eks:Cluster "c": resourcesVpcConfig: the public API endpoint is open to 0.0.0.0/0: anyone can reach the API server and probe it; name the CIDR blocks of your deployers, or turn the public endpoint off',
        ]);
        assert.deepEqual(await findings("eks-cluster-audit-logging", open), [
            'mandatory: aws-native:eks:Cluster "c": logging.clusterLogging.enabledTypes[].type ["api"] lacks "audit": no record of who did what through the Kubernetes API; add "audit" (and "authenticator")',
        ]);
        const defaults = resource(stack, "aws-native:eks:Cluster", "defaults", { roleArn: `arn:aws:iam::${account}:role/eks`, resourcesVpcConfig: { subnetIds: ["subnet-1"] } });
        assert.match((await findings("eks-cluster-endpoint-restricted", defaults))[0], /"defaults": resourcesVpcConfig: the public API endpoint is on and publicAccessCidrs is not set/);
        const closed = resource(stack, "aws-native:eks:Cluster", "c", { resourcesVpcConfig: { subnetIds: ["subnet-1"], endpointPublicAccess: false, endpointPrivateAccess: true }, logging: { clusterLogging: { enabledTypes: [{ type: "api" }, { type: "audit" }] } } });
        assert.deepEqual([...(await findings("eks-cluster-endpoint-restricted", closed)), ...(await findings("eks-cluster-audit-logging", closed))], []);
    });

    it("CloudControl AWS::EKS::Cluster: desiredState's ResourcesVpcConfig and Logging are judged", async () => {
        const open = cloudControl("c", "AWS::EKS::Cluster", { RoleArn: `arn:aws:iam::${account}:role/eks`, ResourcesVpcConfig: { SubnetIds: ["subnet-1"], EndpointPublicAccess: true } });
        assert.match((await findings("eks-cluster-endpoint-restricted", open))[0], /^mandatory: aws:cloudcontrol\/resource:Resource "c" \(AWS::EKS::Cluster, desiredState\): resourcesVpcConfig: the public API endpoint is on and publicAccessCidrs is not set/);
        assert.match((await findings("eks-cluster-audit-logging", open))[0], /^mandatory: aws:cloudcontrol\/resource:Resource "c" \(AWS::EKS::Cluster, desiredState\): logging\.clusterLogging\.enabledTypes\[\]\.type \[\] lacks "audit"/);
        const closed = cloudControl("c", "AWS::EKS::Cluster", { ResourcesVpcConfig: { SubnetIds: ["subnet-1"], EndpointPublicAccess: false, EndpointPrivateAccess: true }, Logging: { ClusterLogging: { EnabledTypes: [{ Type: "audit" }] } } });
        assert.deepEqual([...(await findings("eks-cluster-endpoint-restricted", closed)), ...(await findings("eks-cluster-audit-logging", closed))], []);
        assert.match((await findings("eks-cluster-audit-logging", resource(stack, "aws-native:eks:Cluster", "dev-like", {})))[0], /lacks "audit"/);
    });

    it("in a non-production stack the aws-native cluster's findings are advisory", async () => {
        const open = resource("dev", "aws-native:eks:Cluster", "c", { resourcesVpcConfig: { publicAccessCidrs: ["0.0.0.0/0"] } });
        const found = findingsOf(await evaluatePolicies(policies, [open]), "eks-cluster-endpoint-restricted");
        assert.match(found[0], /^advisory: aws-native:eks:Cluster "c": resourcesVpcConfig: the public API endpoint is open to 0\.0\.0\.0\/0.*\(advisory: stack "dev" is non-production\)$/);
    });
});

describe("policy pack: AWS Batch compute environments, whose EC2 and Spot instances are nodes on EKS", () => {
    const environment = (computeResources: Record<string, unknown>): PlainResource =>
        resource(stack, "aws:batch/computeEnvironment:ComputeEnvironment", "jobs", {
            type: "MANAGED",
            eksConfiguration: { eksClusterArn: `arn:aws:eks:us-west-2:${account}:cluster/apps`, kubernetesNamespace: "batch" },
            computeResources: { maxVcpus: 16, subnets: ["subnet-0123456789abcdef0"], ...computeResources },
        });

    it("refuses one without a launch template, or launching from a template with hop limit 2, naming the compute environment", async () => {
        const none = (await findings("eks-node-group-imds", environment({ type: "EC2" }))).filter((line) => line.startsWith("mandatory"));
        assert.equal(none.length, 1, none.join("\n"));
        assert.match(none[0], /aws:batch\/computeEnvironment:ComputeEnvironment "jobs" has no launch template/);
        const wide = template("wide", hopping);
        const launching = (await findings("eks-node-group-imds", wide, environment({ type: "SPOT", launchTemplate: { launchTemplateId: "lt-wide" } }))).filter((line) => line.startsWith("mandatory"));
        assert.ok(
            launching.some((line) => /^mandatory: aws:batch\/computeEnvironment:ComputeEnvironment "jobs" launches from aws:ec2\/launchTemplate:LaunchTemplate "wide": metadataOptions\.httpPutResponseHopLimit is 2/.test(line)),
            launching.join("\n"),
        );
    });

    it("near misses: a tight template by ID or name; Fargate, which starts no instance", async () => {
        const tight = template("tight", good);
        assert.deepEqual(await nodeFindings(tight, environment({ type: "EC2", launchTemplate: { launchTemplateId: "lt-tight" } })), []);
        assert.deepEqual(await nodeFindings(tight, environment({ type: "EC2", launchTemplate: { launchTemplateName: "tight-lt" } })), []);
        assert.deepEqual(await nodeFindings(environment({ type: "FARGATE" })), []);
    });
});
