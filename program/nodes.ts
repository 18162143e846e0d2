/**
 * The managed node group, launched from a launch template that keeps pods off the node's role.
 */
import * as aws from "@pulumi/aws";
import * as eks from "@pulumi/eks";
import * as pulumi from "@pulumi/pulumi";
import { PolicyDocument } from "@eks-irsa/components";

import { NodesConfig } from "./config";

/**
 * The managed policies of the node role: join the cluster (and let the Pod Identity agent call EKS
 * Auth), and pull images from ECR, nothing more. The VPC CNI's permissions (AmazonEKS_CNI_Policy) are
 * not here: the aws-node DaemonSet gets them through its own role (EKS Best Practices, "Use IRSA for
 * the VPC CNI"), so no pod that reaches the node's role could manage the VPC's network interfaces.
 * AmazonEC2ContainerRegistryPullOnly grants only the pull calls, where ...ReadOnly also lists and
 * describes every repository of the account.
 */
export const workerNodePolicyNames = ["AmazonEKSWorkerNodePolicy", "AmazonEC2ContainerRegistryPullOnly"];

/** Who may assume the node role: EC2 instances. */
export const nodeTrustPolicy: PolicyDocument = {
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }],
};

/**
 * The instance metadata settings of every node: IMDSv2 only, and a hop limit of 1 so the token's
 * response dies at the node and never reaches a pod's network namespace. Without it, any pod could
 * fetch the node role's credentials and sidestep the least privilege IRSA gives it.
 */
export const nodeMetadataOptions = {
    httpEndpoint: "enabled",
    httpTokens: "required",
    httpPutResponseHopLimit: 1,
    instanceMetadataTags: "disabled",
} as const;

/** The AMI type of the architecture: Amazon Linux 2023, the EKS default. */
export function amiTypeOf(architecture: NodesConfig["architecture"]): string {
    return architecture === "arm64" ? "AL2023_ARM_64_STANDARD" : "AL2023_x86_64_STANDARD";
}

/** The node group and what it is built from. */
export interface Nodes {
    role: aws.iam.Role;
    launchTemplate: aws.ec2.LaunchTemplate;
    nodeGroup: aws.eks.NodeGroup;
}

/** Creates the node role, launch template and node group of a cluster. */
export function createNodes(
    name: string,
    args: {
        cluster: eks.Cluster;
        clusterName: pulumi.Input<string>;
        /** The control plane's version: nodes follow it, so an upgrade rolls them after the control plane. */
        kubernetesVersion: string;
        subnetIds: pulumi.Input<string>[];
        config: NodesConfig;
        /** What must run before nodes can become ready: the CNI (with its role) and kube-proxy. */
        dependsOn: pulumi.Resource[];
    },
): Nodes {
    const partition = aws.getPartitionOutput().partition;
    const role = new aws.iam.Role(`${name}-role`, {
        description: pulumi.interpolate`EC2 role of the nodes of EKS cluster ${args.clusterName}`,
        assumeRolePolicy: JSON.stringify(nodeTrustPolicy),
    });
    const attachments = workerNodePolicyNames.map(
        (policyName) =>
            new aws.iam.RolePolicyAttachment(`${name}-${policyName}`, { role: role.name, policyArn: pulumi.interpolate`arn:${partition}:iam::aws:policy/${policyName}` }),
    );
    const launchTemplate = new aws.ec2.LaunchTemplate(`${name}-template`, {
        description: pulumi.interpolate`Nodes of EKS cluster ${args.clusterName}: IMDSv2 only, hop limit 1`,
        metadataOptions: nodeMetadataOptions,
        blockDeviceMappings: [
            {
                deviceName: "/dev/xvda",
                ebs: { volumeSize: args.config.diskSizeGiB, volumeType: "gp3", encrypted: "true", deleteOnTermination: "true" },
            },
        ],
        tagSpecifications: [{ resourceType: "instance", tags: { Name: pulumi.interpolate`${args.clusterName}-node` } }],
        updateDefaultVersion: true,
    });
    const nodeGroup = new aws.eks.NodeGroup(
        name,
        {
            clusterName: args.clusterName,
            version: args.kubernetesVersion,
            nodeRoleArn: role.arn,
            subnetIds: args.subnetIds,
            amiType: amiTypeOf(args.config.architecture),
            instanceTypes: args.config.instanceTypes,
            capacityType: args.config.capacityType,
            scalingConfig: { minSize: args.config.minSize, desiredSize: args.config.desiredSize, maxSize: args.config.maxSize },
            // A change to the template rolls the nodes to its new version.
            launchTemplate: { id: launchTemplate.id, version: launchTemplate.latestVersion.apply((version) => version.toString()) },
            updateConfig: { maxUnavailable: 1 },
        },
        // The node group names the cluster by its configured name, so it must wait for the cluster; nodes
        // that join before their policies are attached fail to register, and stay NotReady without a CNI.
        { dependsOn: [args.cluster, ...attachments, ...args.dependsOn] },
    );
    return { role, launchTemplate, nodeGroup };
}
