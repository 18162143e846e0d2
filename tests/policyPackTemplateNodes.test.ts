/**
 * Nodes and clusters in CloudFormation templates (stacks and stack sets, aws and aws-native): each
 * input here passed the node and cluster rules before, and is now a mandatory violation naming the
 * stack, the template resource and the field, next to near misses that stay allowed (httpTokens
 * "required" with hop limit 1, a node group by Ref to that template, the endpoint private, the audit
 * log on). A value the pack cannot resolve, or a part of the template it does not expand, fails closed.
 */
import * as assert from "node:assert/strict";

import { UnknownValueError } from "@pulumi/policy";

import { evaluatePolicies, PlainResource } from "../policy/evaluate";
import { policies } from "../policy/pack";
import { account, findingsOf, resource } from "./policyPackFixtures";

const stack = "prod";
const good = { HttpTokens: "required", HttpPutResponseHopLimit: 1 };
const hopping = { HttpTokens: "required", HttpPutResponseHopLimit: 2 };
const imdsv1 = { HttpTokens: "optional", HttpPutResponseHopLimit: 1 };
const nodeRole = `arn:aws:iam::${account}:role/node`;

/** A CloudFormation stack (or stack set) holding one template, with the stack's own values. */
function cfnStack(template: unknown, props: Record<string, unknown> = {}, type = "aws:cloudformation/stack:Stack"): PlainResource {
    return resource(stack, type, "cfn", { templateBody: typeof template === "string" ? template : JSON.stringify(template), ...props });
}

async function findings(policyName: string, ...resources: PlainResource[]): Promise<string[]> {
    return findingsOf(await evaluatePolicies(policies, resources), policyName);
}

const nodeAndClusterRules = ["launch-template-imdsv2", "eks-node-group-imds", "eks-cluster-endpoint-restricted", "eks-cluster-audit-logging"];

/** The mandatory findings of the node and cluster rules, as `policy: detail` (the IAM rules judge templates on their own). */
async function mandatory(...resources: PlainResource[]): Promise<string[]> {
    return (await evaluatePolicies(policies, resources))
        .filter((finding) => finding.enforcementLevel === "mandatory" && nodeAndClusterRules.includes(finding.policyName))
        .map((finding) => `${finding.policyName}: ${finding.message.split("\n").slice(1).join("\n")}`);
}

const launchTemplate = (metadataOptions: unknown, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
    Type: "AWS::EC2::LaunchTemplate",
    Properties: { LaunchTemplateName: "cfn-nodes", LaunchTemplateData: { MetadataOptions: metadataOptions }, ...extra },
});
const nodegroup = (launch: unknown): Record<string, unknown> => ({
    Type: "AWS::EKS::Nodegroup",
    Properties: { ClusterName: "apps", NodeRole: nodeRole, Subnets: ["subnet-1"], ...(launch === undefined ? {} : { LaunchTemplate: launch }) },
});
const cluster = (properties: Record<string, unknown>): Record<string, unknown> => ({
    Type: "AWS::EKS::Cluster",
    Properties: { RoleArn: `arn:aws:iam::${account}:role/cluster`, ...properties },
});
const privateAudited = {
    ResourcesVpcConfig: { SubnetIds: ["subnet-1"], EndpointPublicAccess: false, EndpointPrivateAccess: true },
    Logging: { ClusterLogging: { EnabledTypes: [{ Type: "api" }, { Type: "audit" }, { Type: "authenticator" }] } },
};

/** The near miss: a tight template, a node group by Ref to it, a private cluster with its audit log. */
const nearMiss = {
    Resources: {
        Lt: launchTemplate(good),
        Ng: nodegroup({ Id: { Ref: "Lt" }, Version: { "Fn::GetAtt": ["Lt", "LatestVersionNumber"] } }),
        Cluster: cluster(privateAudited),
    },
};

const label = 'aws:cloudformation/stack:Stack "cfn" template resource';

describe("policy pack: launch templates and what launches from them, in a CloudFormation template", () => {
    it("an AWS::EC2::LaunchTemplate allowing IMDSv1, or with hop limit 2, is refused naming the stack and the logical ID", async () => {
        assert.deepEqual(await findings("launch-template-imdsv2", cfnStack({ Resources: { Lt: launchTemplate({ HttpTokens: "optional", HttpPutResponseHopLimit: 2 }) } })), [
            `mandatory: ${label} "Lt" (AWS::EC2::LaunchTemplate): metadataOptions.httpTokens is "optional", so IMDSv1 is allowed; set it to "required"`,
            `mandatory: ${label} "Lt" (AWS::EC2::LaunchTemplate): metadataOptions.httpPutResponseHopLimit is 2, so pods can reach the node role's credentials; set it to 1`,
        ]);
        // CloudFormation JSON often carries numbers as strings; no MetadataOptions at all leaves both to the AMI.
        assert.match((await findings("launch-template-imdsv2", cfnStack({ Resources: { Lt: launchTemplate({ HttpTokens: "required", HttpPutResponseHopLimit: "2" }) } })))[0], /"Lt" \(AWS::EC2::LaunchTemplate\): metadataOptions\.httpPutResponseHopLimit is 2/);
        assert.equal((await findings("launch-template-imdsv2", cfnStack({ Resources: { Lt: { Type: "AWS::EC2::LaunchTemplate", Properties: { LaunchTemplateData: { ImageId: "ami-1" } } } } }))).length, 2);
        assert.deepEqual(await findings("launch-template-imdsv2", cfnStack({ Resources: { Lt: launchTemplate({ HttpEndpoint: "disabled" }) } })), [], "IMDS turned off has neither problem");
    });

    it("an AWS::EKS::Nodegroup launching from the template's own launch template, by Ref or Fn::GetAtt, JSON or YAML, is judged against it", async () => {
        const launchesFrom = new RegExp(`^mandatory: ${label.replace(/[/]/g, "\\/")} "Ng" \\(AWS::EKS::Nodegroup\\) launches from ${label.replace(/[/]/g, "\\/")} "Lt" \\(AWS::EC2::LaunchTemplate\\): metadataOptions\\.httpPutResponseHopLimit is 2`);
        for (const launch of [{ Id: { Ref: "Lt" } }, { Id: { "Fn::GetAtt": ["Lt", "LaunchTemplateId"] }, Version: { "Fn::GetAtt": ["Lt", "LatestVersionNumber"] } }, { Name: "cfn-nodes" }]) {
            const found = await findings("eks-node-group-imds", cfnStack({ Resources: { Lt: launchTemplate(hopping), Ng: nodegroup(launch) } }));
            assert.equal(found.length, 1, `${JSON.stringify(launch)}: ${found.join("\n")}`);
            assert.match(found[0], launchesFrom);
        }
        const yaml = [
            "Resources:",
            "  Lt:",
            "    Type: AWS::EC2::LaunchTemplate",
            "    Properties:",
            "      LaunchTemplateData:",
            "        MetadataOptions:",
            "          HttpTokens: optional",
            "          HttpPutResponseHopLimit: 1",
            "  Ng:",
            "    Type: AWS::EKS::Nodegroup",
            "    Properties:",
            "      ClusterName: apps",
            `      NodeRole: ${nodeRole}`,
            "      Subnets: [subnet-1]",
            "      LaunchTemplate:",
            "        Id: !Ref Lt",
            "        Version: !GetAtt Lt.LatestVersionNumber",
        ].join("\n");
        assert.match((await findings("eks-node-group-imds", cfnStack(yaml)))[0], /"Ng" \(AWS::EKS::Nodegroup\) launches from .*"Lt" \(AWS::EC2::LaunchTemplate\): metadataOptions\.httpTokens is "optional"/);
        // Without a launch template EKS's own decides.
        assert.match((await findings("eks-node-group-imds", cfnStack({ Resources: { Ng: nodegroup(undefined) } })))[0], /"Ng" \(AWS::EKS::Nodegroup\) has no launch template/);
    });

    it("near miss: tokens required, hop limit 1, the node group by Ref to it, the cluster private with its audit log: nothing is reported", async () => {
        assert.deepEqual(await mandatory(cfnStack(nearMiss)), []);
    });

    it("a template outside the template: a node group naming a launch template of the stack by ID (literal or a parameter the stack passes), and the stack's node group naming the template's by name", async () => {
        const wide = resource(stack, "aws:ec2/launchTemplate:LaunchTemplate", "wide", { name: "wide-lt", id: "lt-0wide", metadataOptions: { httpTokens: "required", httpPutResponseHopLimit: 2 } });
        const literal = cfnStack({ Resources: { Ng: nodegroup({ Id: "lt-0wide", Version: "1" }) } });
        assert.match((await findings("eks-node-group-imds", wide, literal))[0], /^mandatory: .*"Ng" \(AWS::EKS::Nodegroup\) launches from aws:ec2\/launchTemplate:LaunchTemplate "wide": metadataOptions\.httpPutResponseHopLimit is 2/);
        const parameter = cfnStack({ Parameters: { LaunchTemplateId: { Type: "String" } }, Resources: { Ng: nodegroup({ Id: { Ref: "LaunchTemplateId" } }) } }, { parameters: { LaunchTemplateId: "lt-0wide" } });
        assert.match((await findings("eks-node-group-imds", wide, parameter))[0], /"Ng" \(AWS::EKS::Nodegroup\) launches from aws:ec2\/launchTemplate:LaunchTemplate "wide"/);
        const outside = resource(stack, "aws:eks/nodeGroup:NodeGroup", "ng", { clusterName: "apps", nodeRoleArn: nodeRole, launchTemplate: { name: "cfn-nodes", version: "1" } });
        assert.match((await findings("eks-node-group-imds", cfnStack({ Resources: { Lt: launchTemplate(hopping) } }), outside))[0], /^mandatory: aws:eks\/nodeGroup:NodeGroup "ng" launches from .*"Lt" \(AWS::EC2::LaunchTemplate\): .*HopLimit is 2/);
        const tight = resource(stack, "aws:ec2/launchTemplate:LaunchTemplate", "tight", { name: "tight-lt", id: "lt-0tight", metadataOptions: { httpTokens: "required", httpPutResponseHopLimit: 1 } });
        assert.deepEqual(await mandatory(tight, cfnStack({ Resources: { Ng: nodegroup({ Id: "lt-0tight" }) } })), []);
    });

    it("an AWS::AutoScaling::AutoScalingGroup: its launch template, its mixed instances overrides and its AWS::AutoScaling::LaunchConfiguration", async () => {
        const byRef = cfnStack({ Resources: { Lt: launchTemplate(hopping), Asg: { Type: "AWS::AutoScaling::AutoScalingGroup", Properties: { MinSize: "1", MaxSize: "3", LaunchTemplate: { LaunchTemplateId: { Ref: "Lt" }, Version: "1" } } } } });
        assert.match((await findings("eks-node-group-imds", byRef))[0], /"Asg" \(AWS::AutoScaling::AutoScalingGroup\) launches from .*"Lt" \(AWS::EC2::LaunchTemplate\): .*HopLimit is 2/);
        const mixed = cfnStack({
            Resources: {
                Tight: launchTemplate(good, { LaunchTemplateName: "tight" }),
                Wide: launchTemplate(hopping, { LaunchTemplateName: "wide" }),
                Asg: {
                    Type: "AWS::AutoScaling::AutoScalingGroup",
                    Properties: { MinSize: "1", MaxSize: "3", MixedInstancesPolicy: { LaunchTemplate: { LaunchTemplateSpecification: { LaunchTemplateId: { Ref: "Tight" } }, Overrides: [{ InstanceType: "m6i.large", LaunchTemplateSpecification: { LaunchTemplateName: "wide" } }] } } },
                },
            },
        });
        const fromMixed = await findings("eks-node-group-imds", mixed);
        assert.equal(fromMixed.length, 1, fromMixed.join("\n"));
        assert.match(fromMixed[0], /"Asg" \(AWS::AutoScaling::AutoScalingGroup\) launches from .*"Wide" \(AWS::EC2::LaunchTemplate\)/);
        const configured = cfnStack({
            Resources: {
                Lc: { Type: "AWS::AutoScaling::LaunchConfiguration", Properties: { ImageId: "ami-1", InstanceType: "m5.large", MetadataOptions: imdsv1 } },
                Asg: { Type: "AWS::AutoScaling::AutoScalingGroup", Properties: { MinSize: "1", MaxSize: "3", LaunchConfigurationName: { Ref: "Lc" } } },
            },
        });
        assert.deepEqual(await mandatory(configured), [
            `launch-template-imdsv2: ${label} "Lc" (AWS::AutoScaling::LaunchConfiguration): metadataOptions.httpTokens is "optional", so IMDSv1 is allowed; set it to "required"`,
            `eks-node-group-imds: ${label} "Asg" (AWS::AutoScaling::AutoScalingGroup) launches from ${label} "Lc" (AWS::AutoScaling::LaunchConfiguration): metadataOptions.httpTokens is "optional", so IMDSv1 is allowed; set it to "required"`,
        ]);
        const tightAsg = cfnStack({ Resources: { Lt: launchTemplate(good), Asg: { Type: "AWS::AutoScaling::AutoScalingGroup", Properties: { MinSize: "1", MaxSize: "3", LaunchTemplate: { LaunchTemplateId: { Ref: "Lt" }, Version: "1" } } } } });
        assert.deepEqual(await mandatory(tightAsg), []);
    });

    it("an AWS::EC2::Instance: its own MetadataOptions, and the template it names", async () => {
        const bootstrap = Buffer.from("#!/bin/bash\n/etc/eks/bootstrap.sh apps", "utf8").toString("base64");
        const own = cfnStack({ Resources: { Node: { Type: "AWS::EC2::Instance", Properties: { ImageId: "ami-1", UserData: bootstrap, MetadataOptions: hopping } } } });
        assert.deepEqual(await findings("launch-template-imdsv2", own), [
            `mandatory: ${label} "Node" (AWS::EC2::Instance): metadataOptions.httpPutResponseHopLimit is 2, so pods can reach the node role's credentials; set it to 1 (it is an EKS node: its user data runs /etc/eks/bootstrap.sh)`,
        ]);
        const fromTemplate = cfnStack({ Resources: { Lt: launchTemplate(hopping), Node: { Type: "AWS::EC2::Instance", Properties: { LaunchTemplate: { LaunchTemplateId: { Ref: "Lt" }, Version: "1" } } } } });
        assert.match((await findings("eks-node-group-imds", fromTemplate))[0], /"Node" \(AWS::EC2::Instance\) launches from .*"Lt" \(AWS::EC2::LaunchTemplate\): .*HopLimit is 2/);
        assert.deepEqual(await mandatory(cfnStack({ Resources: { Node: { Type: "AWS::EC2::Instance", Properties: { ImageId: "ami-1", MetadataOptions: good } } } })), []);
    });

    it("an AWS::EC2::EC2Fleet and an AWS::EC2::SpotFleet: each launch template config's template; a spot fleet's LaunchSpecifications are refused", async () => {
        const config = (ref: string): unknown => [{ LaunchTemplateSpecification: { LaunchTemplateId: { Ref: ref }, Version: "1" } }];
        const fleet = (ref: string): unknown => ({
            Resources: { Tight: launchTemplate(good, { LaunchTemplateName: "tight" }), Wide: launchTemplate(hopping, { LaunchTemplateName: "wide" }), Fleet: { Type: "AWS::EC2::EC2Fleet", Properties: { LaunchTemplateConfigs: config(ref), TargetCapacitySpecification: { TotalTargetCapacity: 3 } } } },
        });
        assert.match((await findings("eks-node-group-imds", cfnStack(fleet("Wide"))))[0], /"Fleet" \(AWS::EC2::EC2Fleet\) launches from .*"Wide" \(AWS::EC2::LaunchTemplate\)/);
        assert.deepEqual(await findings("eks-node-group-imds", cfnStack(fleet("Tight"))), []);
        const spot = (data: Record<string, unknown>): unknown => ({
            Resources: { Tight: launchTemplate(good, { LaunchTemplateName: "tight" }), Wide: launchTemplate(hopping, { LaunchTemplateName: "wide" }), Spot: { Type: "AWS::EC2::SpotFleet", Properties: { SpotFleetRequestConfigData: { IamFleetRole: nodeRole, TargetCapacity: 3, ...data } } } },
        });
        assert.match((await findings("eks-node-group-imds", cfnStack(spot({ LaunchTemplateConfigs: config("Wide") }))))[0], /"Spot" \(AWS::EC2::SpotFleet\) launches from .*"Wide" \(AWS::EC2::LaunchTemplate\)/);
        const specified = await findings("launch-template-imdsv2", cfnStack(spot({ LaunchSpecifications: [{ ImageId: "ami-1", InstanceType: "m5.large" }] })));
        assert.deepEqual(specified.filter((line) => line.includes('"Spot"')), [
            `mandatory: ${label} "Spot" (AWS::EC2::SpotFleet): spotFleetRequestConfigData.launchSpecifications[0] starts instances without metadata options (a spot fleet's launch specification has none), so the AMI or the account decides IMDSv1 and the hop limit; use launchTemplateConfigs naming a launch template with metadataOptions httpTokens "required" and httpPutResponseHopLimit 1`,
        ]);
        // Only the template "Wide" itself, which the fleet no longer names, is refused.
        assert.deepEqual((await mandatory(cfnStack(spot({ LaunchTemplateConfigs: config("Tight") })))).filter((line) => !line.startsWith(`launch-template-imdsv2: ${label} "Wide"`)), []);
    });

    it("aws-native:ec2:Ec2Fleet and aws-native:ec2:SpotFleet, read in the same shape, are judged too", async () => {
        const wide = resource(stack, "aws-native:ec2:LaunchTemplate", "wide", { launchTemplateName: "wide", launchTemplateId: "lt-0wide", launchTemplateData: { metadataOptions: { httpTokens: "required", httpPutResponseHopLimit: 2 } } });
        const fleet = resource(stack, "aws-native:ec2:Ec2Fleet", "fleet", { launchTemplateConfigs: [{ launchTemplateSpecification: { launchTemplateId: "lt-0wide", version: "1" } }] });
        assert.match((await findings("eks-node-group-imds", wide, fleet))[0], /^mandatory: aws-native:ec2:Ec2Fleet "fleet" launches from aws-native:ec2:LaunchTemplate "wide"/);
        const spot = resource(stack, "aws-native:ec2:SpotFleet", "spot", { spotFleetRequestConfigData: { launchSpecifications: [{ imageId: "ami-1" }] } });
        assert.match((await findings("launch-template-imdsv2", spot))[0], /^mandatory: aws-native:ec2:SpotFleet "spot": spotFleetRequestConfigData\.launchSpecifications\[0\] starts instances without metadata options/);
    });
});

describe("policy pack: EKS clusters in a CloudFormation template", () => {
    it("an AWS::EKS::Cluster open to 0.0.0.0/0 (or with the public endpoint left to EKS's default) and without an audit log is refused", async () => {
        const open = cfnStack({ Resources: { Cluster: cluster({ ResourcesVpcConfig: { SubnetIds: ["subnet-1"], EndpointPublicAccess: true, PublicAccessCidrs: ["0.0.0.0/0"] } }) } });
        assert.deepEqual(await findings("eks-cluster-endpoint-restricted", open), [
            `mandatory: ${label} "Cluster" (AWS::EKS::Cluster): resourcesVpcConfig: the public API endpoint is open to 0.0.0.0/0: anyone can reach the API server and probe it; name the CIDR blocks of your deployers, or turn the public endpoint off`,
        ]);
        assert.deepEqual(await findings("eks-cluster-audit-logging", open), [
            `mandatory: ${label} "Cluster" (AWS::EKS::Cluster): logging.clusterLogging.enabledTypes[].type [] lacks "audit": no record of who did what through the Kubernetes API; add "audit" (and "authenticator")`,
        ]);
        assert.match((await findings("eks-cluster-endpoint-restricted", cfnStack({ Resources: { Cluster: cluster({ ResourcesVpcConfig: { SubnetIds: ["subnet-1"] } }) } })))[0], /"Cluster" \(AWS::EKS::Cluster\): resourcesVpcConfig: the public API endpoint is on and publicAccessCidrs is not set/);
    });

    it("near misses: private with the audit log; public to the deployers' block by a CommaDelimitedList parameter; private by a String parameter \"false\"", async () => {
        assert.deepEqual(await mandatory(cfnStack({ Resources: { Cluster: cluster(privateAudited) } })), []);
        const parameters = { Cidrs: { Type: "CommaDelimitedList", Default: "203.0.113.0/24" }, Public: { Type: "String", AllowedValues: ["true", "false"] } };
        const byParameters = (publicAccess: unknown): PlainResource =>
            cfnStack(
                { Parameters: parameters, Resources: { Cluster: cluster({ ...privateAudited, ResourcesVpcConfig: { SubnetIds: ["subnet-1"], EndpointPublicAccess: publicAccess, PublicAccessCidrs: { Ref: "Cidrs" } } }) } },
                { parameters: { Public: "false" } },
            );
        assert.deepEqual(await mandatory(byParameters(true)), []);
        assert.deepEqual(await mandatory(byParameters({ Ref: "Public" })), []);
    });

    it("in a non-production stack the template cluster's findings are advisory", async () => {
        const open = resource("dev", "aws:cloudformation/stack:Stack", "cfn", { templateBody: JSON.stringify({ Resources: { Cluster: cluster({ ResourcesVpcConfig: { SubnetIds: ["subnet-1"] } }) } }) });
        const found = await findings("eks-cluster-endpoint-restricted", open);
        assert.equal(found.length, 1);
        assert.match(found[0], /^advisory: .*"Cluster" \(AWS::EKS::Cluster\): .*\(advisory: stack "dev" is non-production\)$/);
    });
});

describe("policy pack: template values the pack cannot resolve fail closed", () => {
    it("MetadataOptions given by Fn::ImportValue, Fn::If or a parameter the stack does not pass: refused naming the stack, the resource and the field", async () => {
        const imported = cfnStack({ Resources: { Lt: launchTemplate({ HttpTokens: { "Fn::ImportValue": "tokens" }, HttpPutResponseHopLimit: 1 }) } });
        assert.deepEqual(await mandatory(imported), [
            `launch-template-imdsv2: ${label} "Lt" (AWS::EC2::LaunchTemplate): LaunchTemplateData.MetadataOptions.HttpTokens is {"Fn::ImportValue":"tokens"}, which holds Fn::ImportValue: only CloudFormation resolves it, so whether IMDSv1 is allowed cannot be judged; write "required" (a plain value, or a parameter the stack passes)`,
        ]);
        const conditional = cfnStack({ Conditions: { Wide: { "Fn::Equals": ["a", "a"] } }, Resources: { Lt: launchTemplate({ "Fn::If": ["Wide", hopping, good] }) } });
        const found = await findings("launch-template-imdsv2", conditional);
        assert.equal(found.length, 2, found.join("\n"));
        assert.ok(found.every((line) => line.includes('"Lt" (AWS::EC2::LaunchTemplate): LaunchTemplateData.MetadataOptions is {"Fn::If":')), found.join("\n"));
        const unpassed = cfnStack({ Parameters: { Hops: { Type: "Number" } }, Resources: { Lt: launchTemplate({ HttpTokens: "required", HttpPutResponseHopLimit: { Ref: "Hops" } }) } });
        assert.match((await findings("launch-template-imdsv2", unpassed))[0], /"Lt" \(AWS::EC2::LaunchTemplate\): LaunchTemplateData\.MetadataOptions\.HttpPutResponseHopLimit is \{"Ref":"Hops"\}, which holds Ref: only CloudFormation resolves it/);
        // A node group launching from it says why it cannot be judged, not that the field is unset.
        const launched = await findings("eks-node-group-imds", cfnStack({ Resources: { Lt: launchTemplate({ HttpTokens: { "Fn::ImportValue": "tokens" }, HttpPutResponseHopLimit: 1 }), Ng: nodegroup({ Id: { Ref: "Lt" } }) } }));
        assert.deepEqual(launched.length, 1, launched.join("\n"));
        assert.match(launched[0], /"Ng" \(AWS::EKS::Nodegroup\) launches from .*"Lt" \(AWS::EC2::LaunchTemplate\): LaunchTemplateData\.MetadataOptions\.HttpTokens is \{"Fn::ImportValue":"tokens"\}/);
        // The same parameter passed by the stack, or its default, is the value judged.
        const defaulted = { Parameters: { Hops: { Type: "Number", Default: "2" } }, Resources: { Lt: launchTemplate({ HttpTokens: "required", HttpPutResponseHopLimit: { Ref: "Hops" } }) } };
        assert.match((await findings("launch-template-imdsv2", cfnStack(defaulted)))[0], /"Lt" \(AWS::EC2::LaunchTemplate\): metadataOptions\.httpPutResponseHopLimit is 2/);
        assert.deepEqual(await mandatory(cfnStack(defaulted, { parameters: { Hops: "1" } })), []);
    });

    it("a node group's launch template given by Fn::ImportValue, or by another resource's attribute, could be any template: refused", async () => {
        const custom = cfnStack({ Resources: { Lookup: { Type: "Custom::NodeTemplate", Properties: { ServiceToken: "arn:aws:lambda:us-west-2:123456789012:function:lookup" } }, Ng: nodegroup({ Id: { "Fn::GetAtt": ["Lookup", "Id"] } }) } });
        assert.match((await mandatory(custom))[0], /^eks-node-group-imds: .*"Ng" \(AWS::EKS::Nodegroup\): LaunchTemplate\.Id is \{"Fn::GetAtt":\["Lookup","Id"\]\}, which holds Fn::GetAtt: only CloudFormation resolves it/);
        const found = await mandatory(cfnStack({ Resources: { Ng: nodegroup({ Id: { "Fn::ImportValue": "node-template" }, Version: "1" }) } }));
        assert.deepEqual(found, [
            `eks-node-group-imds: ${label} "Ng" (AWS::EKS::Nodegroup): LaunchTemplate.Id is {"Fn::ImportValue":"node-template"}, which holds Fn::ImportValue: only CloudFormation resolves it, so the launch template its instances start from, and so their metadata settings, cannot be judged; name a launch template of the template (Ref) or of the stack by its ID or name (a plain value, or a parameter the stack passes)`,
        ]);
    });

    it("a cluster's endpoint or log types CloudFormation alone resolves: refused; a known private endpoint or a known \"audit\" is enough", async () => {
        const conditioned = (vpc: Record<string, unknown>, types: unknown): PlainResource =>
            cfnStack({ Conditions: { Prod: { "Fn::Equals": ["a", "b"] } }, Resources: { Cluster: cluster({ ResourcesVpcConfig: { SubnetIds: ["subnet-1"], ...vpc }, Logging: { ClusterLogging: { EnabledTypes: types } } }) } });
        const unknownEndpoint = conditioned({ EndpointPublicAccess: { "Fn::If": ["Prod", false, true] } }, { "Fn::If": ["Prod", [{ Type: "audit" }], []] });
        assert.deepEqual(await mandatory(unknownEndpoint), [
            `eks-cluster-endpoint-restricted: ${label} "Cluster" (AWS::EKS::Cluster): ResourcesVpcConfig.EndpointPublicAccess is {"Fn::If":["Prod",false,true]}, which holds Fn::If: only CloudFormation resolves it, so who may reach the API server cannot be judged; write the value (a plain value, or a parameter the stack passes)`,
            `eks-cluster-audit-logging: ${label} "Cluster" (AWS::EKS::Cluster): Logging.ClusterLogging.EnabledTypes is {"Fn::If":["Prod",[{"Type":"audit"}],[]]}, which holds Fn::If: only CloudFormation resolves it, so whether the audit log is on cannot be judged; write "audit" among the EnabledTypes (a plain value, or a parameter the stack passes)`,
        ]);
        const importedCidrs = conditioned({ EndpointPublicAccess: true, PublicAccessCidrs: ["203.0.113.0/24", { "Fn::ImportValue": "office" }] }, [{ Type: "audit" }]);
        assert.match((await mandatory(importedCidrs))[0], /"Cluster" \(AWS::EKS::Cluster\): ResourcesVpcConfig\.PublicAccessCidrs is \["203\.0\.113\.0\/24",\{"Fn::ImportValue":"office"\}\]/);
        assert.deepEqual(await mandatory(conditioned({ EndpointPublicAccess: false, PublicAccessCidrs: { "Fn::ImportValue": "office" } }, [{ Type: "audit" }, { Type: { "Fn::ImportValue": "more" } }])), []);
    });

    it("a stack set's parameters are its instances' to override: a Ref to one is not resolved, and is refused", async () => {
        const template = { Parameters: { Tokens: { Type: "String", Default: "required" } }, Resources: { Lt: launchTemplate({ HttpTokens: { Ref: "Tokens" }, HttpPutResponseHopLimit: 1 }) } };
        for (const type of ["aws:cloudformation/stackSet:StackSet", "aws-native:cloudformation:StackSet"]) {
            const found = await findings("launch-template-imdsv2", cfnStack(template, { name: "nodes", permissionModel: "SELF_MANAGED" }, type));
            assert.equal(found.length, 1, `${type}: ${found.join("\n")}`);
            assert.match(found[0], new RegExp(`^mandatory: ${type.replace(/[/]/g, "\\/")} "cfn" template resource "Lt" \\(AWS::EC2::LaunchTemplate\\): LaunchTemplateData\\.MetadataOptions\\.HttpTokens is \\{"Ref":"Tokens"\\}`));
        }
        assert.deepEqual(await findings("launch-template-imdsv2", cfnStack(template)), [], "a stack's parameter default is its value");
    });

    it("during preview, parameters not known yet leave the fields they may give to the update; literal problems are reported all the same", async () => {
        const props: Record<string, unknown> = {};
        Object.defineProperty(props, "parameters", { enumerable: true, get: () => { throw new UnknownValueError("04da6b54-80e4-46f7-96ec-b56ff0331ba9", ["parameters"]); } });
        const template = { Parameters: { Hops: { Type: "Number" } }, Resources: { Lt: launchTemplate({ HttpTokens: "optional", HttpPutResponseHopLimit: { Ref: "Hops" } }) } };
        const pending = { ...cfnStack(template), props: Object.assign(props, { templateBody: JSON.stringify(template) }) };
        assert.deepEqual(await findings("launch-template-imdsv2", pending), [`mandatory: ${label} "Lt" (AWS::EC2::LaunchTemplate): metadataOptions.httpTokens is "optional", so IMDSv1 is allowed; set it to "required"`]);
    });
});

describe("policy pack: template parts the node and cluster rules cannot expand fail closed", () => {
    const cases: [string, unknown, RegExp][] = [
        ["a macro", { Transform: "StartNodes", Resources: { Bucket: { Type: "AWS::S3::Bucket" } } }, /"cfn" template Transform StartNodes: is a transform \(macro\)/],
        ["AWS::Include", { Resources: { "Fn::Transform": { Name: "AWS::Include", Parameters: { Location: "s3://bucket/nodes.yaml" } } } }, /"cfn" template Fn::Transform "AWS::Include": is a macro/],
        ["a nested stack", { Resources: { Child: { Type: "AWS::CloudFormation::Stack", Properties: { TemplateURL: "https://s3.amazonaws.com/bucket/nodes.json" } } } }, /"cfn" template resource "Child" \(AWS::CloudFormation::Stack\): creates resources from a template or expansion the pack cannot read/],
        ["a SAR application", { Transform: "AWS::Serverless-2016-10-31", Resources: { App: { Type: "AWS::Serverless::Application", Properties: { Location: "https://s3.amazonaws.com/bucket/app.yaml" } } } }, /"cfn" template resource "App" \(AWS::Serverless::Application\)/],
    ];

    it("a transform or macro, a nested stack, a SAR application, a template behind templateUrl: refused by the node rule and both cluster rules", async () => {
        for (const [what, template, why] of cases) {
            const found = await mandatory(cfnStack(template));
            assert.deepEqual(found.map((line) => line.split(":")[0]), ["launch-template-imdsv2", "eks-cluster-endpoint-restricted", "eks-cluster-audit-logging"], `${what}: ${found.join("\n")}`);
            assert.ok(found.every((line) => why.test(line)), `${what}: ${found.join("\n")}`);
        }
        const url = await mandatory(resource(stack, "aws:cloudformation/stack:Stack", "cfn", { templateUrl: "https://s3.amazonaws.com/bucket/nodes.json" }));
        assert.equal(url.length, 3, url.join("\n"));
        assert.match(url[0], /^launch-template-imdsv2: aws:cloudformation\/stack:Stack "cfn": its template is at templateUrl, which the pack cannot read, so the launch templates, .* it may create cannot be judged; give the template as templateBody$/);
    });

    it("a loop (Fn::ForEach) over launch templates is refused by the node rule, one over clusters by the cluster rules", async () => {
        const loop = (type: string, properties: unknown): unknown => ({ Transform: "AWS::LanguageExtensions", Resources: { "Fn::ForEach::Pools": ["Pool", ["a", "b"], { "Thing${Pool}": { Type: type, Properties: properties } }] } });
        const templates = await mandatory(cfnStack(loop("AWS::EC2::LaunchTemplate", { LaunchTemplateData: { MetadataOptions: hopping } })));
        assert.deepEqual(templates, [`launch-template-imdsv2: aws:cloudformation/stack:Stack "cfn" template Fn::ForEach::Pools: is a loop (AWS::LanguageExtensions) over launch templates, launch configurations, instances, Auto Scaling groups, node groups, fleets, Batch compute environments and HyperPod clusters, which the pack does not expand, so the launch templates, launch configurations, instances, Auto Scaling groups, node groups, fleets, Batch compute environments and HyperPod clusters it may create cannot be judged`]);
        const clusters = await mandatory(cfnStack(loop("AWS::EKS::Cluster", privateAudited)));
        assert.deepEqual(clusters.map((line) => line.split(":")[0]), ["eks-cluster-endpoint-restricted", "eks-cluster-audit-logging"], clusters.join("\n"));
    });

    it("near misses: a loop over buckets, SAM's transform with a function, AWS::LanguageExtensions alone", async () => {
        assert.deepEqual(await mandatory(cfnStack({ Transform: "AWS::LanguageExtensions", Resources: { "Fn::ForEach::Buckets": ["Name", ["a", "b"], { "Bucket${Name}": { Type: "AWS::S3::Bucket" } }] } })), []);
        assert.deepEqual(await mandatory(cfnStack({ Transform: "AWS::Serverless-2016-10-31", Resources: { Fn: { Type: "AWS::Serverless::Function", Properties: { Runtime: "nodejs20.x", Handler: "index.handler", InlineCode: "exports.handler=async()=>1" } } } })), []);
        assert.deepEqual(await mandatory(cfnStack({ ...nearMiss, Transform: "AWS::LanguageExtensions" })), []);
    });
});

describe("policy pack: templates of every holder type", () => {
    const bad = { Resources: { Lt: launchTemplate(imdsv1), Ng: nodegroup({ Id: { Ref: "Lt" } }), Cluster: cluster({ ResourcesVpcConfig: { SubnetIds: ["subnet-1"] } }) } };
    const holders: [string, Record<string, unknown>][] = [
        ["aws:cloudformation/stack:Stack", { name: "nodes" }],
        ["aws-native:cloudformation:Stack", { stackName: "nodes" }],
        ["aws:cloudformation/stackSet:StackSet", { name: "nodes", permissionModel: "SELF_MANAGED" }],
        ["aws-native:cloudformation:StackSet", { stackSetName: "nodes", permissionModel: "SELF_MANAGED" }],
    ];

    it("a stack and a stack set, aws and aws-native, are each judged on their template (an aws-native templateBody may be an object)", async () => {
        for (const [type, props] of holders) {
            const found = await mandatory(cfnStack(bad, props, type));
            assert.deepEqual(found.map((line) => line.split(":")[0]), ["launch-template-imdsv2", "eks-node-group-imds", "eks-cluster-endpoint-restricted", "eks-cluster-audit-logging"], `${type}: ${found.join("\n")}`);
            assert.ok(found.every((line) => line.includes(`${type} "cfn" template resource`)), found.join("\n"));
            assert.deepEqual(await mandatory(cfnStack(nearMiss, props, type)), [], type);
        }
        const object = resource(stack, "aws-native:cloudformation:Stack", "cfn", { stackName: "nodes", templateBody: bad });
        assert.equal((await mandatory(object)).length, 4);
    });
});
