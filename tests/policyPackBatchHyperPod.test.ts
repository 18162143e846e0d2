/**
 * Nodes that AWS Batch and SageMaker HyperPod start in EKS, in every form the pack reads: an
 * aws-native, CloudControl or CloudFormation-template Batch compute environment of EC2 or Spot
 * instances launches from its `computeResources.launchTemplate` (judged as aws classic's is), and a
 * HyperPod cluster orchestrated by EKS starts nodes whose metadata options nothing can set. Each
 * refused input passed the node rules before; the near misses (a tight template, Fargate, Slurm)
 * stay allowed.
 */
import * as assert from "node:assert/strict";

import { evaluatePolicies, PlainResource } from "../policy/evaluate";
import { policies } from "../policy/pack";
import { account, findingsOf, resource } from "./policyPackFixtures";

const stack = "prod";
const clusterArn = `arn:aws:eks:us-west-2:${account}:cluster/apps`;

async function nodeFindings(...resources: PlainResource[]): Promise<string[]> {
    const findings = await evaluatePolicies(policies, resources);
    return [...findingsOf(findings, "eks-node-group-imds"), ...findingsOf(findings, "launch-template-imdsv2")].filter((line) => line.startsWith("mandatory"));
}

const template = (name: string, hopLimit: number): PlainResource =>
    resource(stack, "aws:ec2/launchTemplate:LaunchTemplate", name, { name: `${name}-lt`, id: `lt-${name}`, metadataOptions: { httpTokens: "required", httpPutResponseHopLimit: hopLimit } });

/** CloudFormation's ComputeEnvironment properties: EKS, these compute resources. */
const environmentProperties = (computeResources: Record<string, unknown>): Record<string, unknown> => ({
    Type: "MANAGED",
    EksConfiguration: { EksClusterArn: clusterArn, KubernetesNamespace: "batch" },
    ComputeResources: { MaxvCpus: 16, Subnets: ["subnet-0123456789abcdef0"], ...computeResources },
});

/** The same compute environment as aws-native, CloudControl and a CloudFormation template write it. */
function environments(computeResources: Record<string, unknown>): PlainResource[] {
    const properties = environmentProperties(computeResources);
    const camel = JSON.parse(JSON.stringify(properties).replace(/"([A-Z])(\w*)":/g, (_, first: string, rest: string) => `"${first.toLowerCase()}${rest}":`)) as Record<string, unknown>;
    return [
        resource(stack, "aws-native:batch:ComputeEnvironment", "jobs", camel),
        resource(stack, "aws:cloudcontrol/resource:Resource", "jobs", { typeName: "AWS::Batch::ComputeEnvironment", desiredState: JSON.stringify(properties) }),
        resource(stack, "aws:cloudformation/stack:Stack", "cfn", { templateBody: JSON.stringify({ Resources: { Jobs: { Type: "AWS::Batch::ComputeEnvironment", Properties: properties } } }) }),
    ];
}

describe("policy pack: AWS Batch compute environments in aws-native, CloudControl and templates", () => {
    it("one without a launch template, or launching from a template with hop limit 2 (by ID, name or an override), is refused", async () => {
        for (const environment of environments({ Type: "EC2" })) {
            const found = await nodeFindings(environment);
            assert.equal(found.length, 1, `${environment.type}: ${found.join("\n")}`);
            assert.match(found[0], /(aws-native:batch:ComputeEnvironment "jobs"|"jobs" \(AWS::Batch::ComputeEnvironment, desiredState\)|template resource "Jobs" \(AWS::Batch::ComputeEnvironment\)) has no launch template/);
        }
        const wide = template("wide", 2);
        for (const launch of [{ LaunchTemplateId: "lt-wide" }, { LaunchTemplateName: "wide-lt" }, { LaunchTemplateId: "lt-tight", Overrides: [{ LaunchTemplateId: "lt-wide", TargetInstanceTypes: ["c5.large"] }] }]) {
            for (const environment of environments({ Type: "SPOT", LaunchTemplate: launch })) {
                const found = await nodeFindings(wide, template("tight", 1), environment);
                assert.equal(found.length, 2, `${environment.type} ${JSON.stringify(launch)}: ${found.join("\n")}`);
                assert.match(found[0], /launches from aws:ec2\/launchTemplate:LaunchTemplate "wide": metadataOptions\.httpPutResponseHopLimit is 2/);
            }
        }
    });

    it("near misses: a tight template by ID or name; Fargate, which starts no instance", async () => {
        for (const launch of [{ LaunchTemplateId: "lt-tight" }, { LaunchTemplateName: "tight-lt" }]) {
            for (const environment of environments({ Type: "EC2", LaunchTemplate: launch })) {
                assert.deepEqual(await nodeFindings(template("tight", 1), environment), [], environment.type);
            }
        }
        for (const environment of environments({ Type: "FARGATE_SPOT" })) {
            assert.deepEqual(await nodeFindings(environment), [], environment.type);
        }
    });
});

describe("policy pack: SageMaker HyperPod clusters orchestrated by EKS", () => {
    const properties = (orchestrator: Record<string, unknown> | undefined): Record<string, unknown> => ({
        ClusterName: "training",
        InstanceGroups: [{ InstanceGroupName: "gpu", InstanceType: "ml.p5.48xlarge", InstanceCount: 2, ExecutionRole: `arn:aws:iam::${account}:role/hyperpod`, LifeCycleConfig: { SourceS3Uri: "s3://lifecycle/", OnCreate: "on_create.sh" } }],
        ...(orchestrator !== undefined && { Orchestrator: orchestrator }),
    });
    const holders = (orchestrator: Record<string, unknown> | undefined): PlainResource[] => [
        resource(stack, "aws-native:sagemaker:Cluster", "training", { clusterName: "training", instanceGroups: [{ instanceGroupName: "gpu", executionRole: `arn:aws:iam::${account}:role/hyperpod` }], ...(orchestrator !== undefined && { orchestrator: { eks: { clusterArn } } }) }),
        resource(stack, "aws:cloudcontrol/resource:Resource", "training", { typeName: "AWS::SageMaker::Cluster", desiredState: JSON.stringify(properties(orchestrator)) }),
        resource(stack, "aws:cloudformation/stack:Stack", "cfn", { templateBody: JSON.stringify({ Resources: { Training: { Type: "AWS::SageMaker::Cluster", Properties: properties(orchestrator) } } }) }),
    ];

    it("its instance groups join the cluster as nodes whose metadata options nothing sets: refused", async () => {
        for (const holder of holders({ Eks: { ClusterArn: clusterArn } })) {
            const found = await nodeFindings(holder);
            assert.equal(found.length, 1, `${holder.type}: ${found.join("\n")}`);
            assert.match(found[0], /^mandatory: .*"[Tt]raining".* starts EKS nodes \(its instance groups join the cluster its orchestrator\.eks names\) from SageMaker HyperPod, whose API takes no launch template or metadata options/);
        }
    });

    it("near miss: a HyperPod cluster orchestrated by Slurm starts no EKS node", async () => {
        for (const holder of holders(undefined)) {
            assert.deepEqual(await nodeFindings(holder), [], holder.type);
        }
    });
});
