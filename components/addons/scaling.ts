/**
 * Node scaling add-ons: the Cluster Autoscaler and Karpenter, each limited to its own cluster's
 * tagged resources.
 */
import * as pulumi from "@pulumi/pulumi";

import { checkClusterName, checkRoleArn } from "../validation";
import { addonPermissions, AddonPermissions, condition, joined, partitionOf, serviceAccountOf, statement } from "./types";
import { accountOfArn, checkedInput, checkedString, checkSqsQueueArn, partitionOfInput, refuse, regionOfArn } from "./validation";

/** The scope of the Cluster Autoscaler's role. */
export interface ClusterAutoscalerArgs {
    /**
     * Name of the EKS cluster (the autoscaler's `autoDiscovery.clusterName`). The role may scale only
     * Auto Scaling groups tagged `k8s.io/cluster-autoscaler/<clusterName>: owned` and
     * `k8s.io/cluster-autoscaler/enabled: true` (EKS managed node groups carry both). A plain string:
     * it is part of a condition key.
     */
    clusterName: string;
    /**
     * Further clusters the same autoscaler role serves (one autoscaler per cluster, sharing the role):
     * the role may scale each one's tagged groups, as for `clusterName`. Plain strings.
     * @default []
     */
    additionalClusterNames?: string[];
    /**
     * The partition of the role (`aws.getPartitionOutput().partition`).
     * @default "aws"
     */
    partition?: pulumi.Input<string>;
    /**
     * Namespace of the autoscaler's ServiceAccount.
     * @default "kube-system"
     */
    namespace?: string;
    /**
     * Name of the autoscaler's ServiceAccount (the chart's `rbac.serviceAccount.name`).
     * @default "cluster-autoscaler"
     */
    serviceAccountName?: string;
}

/**
 * The Kubernetes Cluster Autoscaler on AWS (chart `autoscaler/cluster-autoscaler`).
 *
 * Source: kubernetes/autoscaler `cluster-autoscaler/cloudprovider/aws/README.md` (cluster-autoscaler
 * 1.3x), "Full Cluster Autoscaler Features Policy (Recommended)" with its restricted form: the
 * scaling writes need both autoscaler tags of this cluster on the group, on Auto Scaling group ARNs
 * rather than `*`; `eks:DescribeNodegroup` is limited to this cluster's node groups.
 * `allowBroadPermissions` is set for the `autoscaling:Describe*`, `ec2:DescribeImages`,
 * `ec2:DescribeInstanceTypes`, `ec2:DescribeLaunchTemplateVersions` and
 * `ec2:GetInstanceTypesFromInstanceRequirements` reads, which support only `"*"`. Several clusters
 * (`additionalClusterNames`, as terraform-aws-modules' `cluster_autoscaler_cluster_names`): a scaling
 * statement per cluster, each with that cluster's tags.
 *
 * EKS Pod Identity: supported from the releases of December 2023 on, whose AWS SDK for Go (1.48.7)
 * reads EKS Pod Identity credentials (1.29 and later, and the 1.25 to 1.28 patch releases of that
 * month: kubernetes/autoscaler#6379). No EKS add-on. The chart derives the ServiceAccount's name from the release unless
 * `rbac.serviceAccount.name` is set: set it to `cluster-autoscaler`.
 */
export function clusterAutoscaler(args: ClusterAutoscalerArgs): AddonPermissions {
    const clusterNames = [args.clusterName, ...(args.additionalClusterNames ?? [])].map((clusterName, index) =>
        checkedString(index === 0 ? "clusterAutoscaler.clusterName" : `clusterAutoscaler.additionalClusterNames[${index - 1}]`, clusterName, checkClusterName),
    );
    const duplicate = clusterNames.findIndex((clusterName, index) => clusterNames.indexOf(clusterName) !== index);
    refuse(
        duplicate < 0
            ? undefined
            : `clusterAutoscaler.additionalClusterNames[${duplicate - 1}] ${JSON.stringify(clusterNames[duplicate])} is invalid: each cluster may be named only once (clusterName included)`,
    );
    const serviceAccount = serviceAccountOf("clusterAutoscaler", { namespace: "kube-system", serviceAccountName: "cluster-autoscaler" }, args);
    const partition = partitionOf("clusterAutoscaler", args.partition);
    return addonPermissions("clusterAutoscaler", serviceAccount, [], [
        // Reads that IAM cannot scope to a resource.
        statement(
            [
                "autoscaling:DescribeAutoScalingGroups",
                "autoscaling:DescribeAutoScalingInstances",
                "autoscaling:DescribeLaunchConfigurations",
                "autoscaling:DescribeScalingActivities",
                "autoscaling:DescribeTags",
                "ec2:DescribeImages",
                "ec2:DescribeInstanceTypes",
                "ec2:DescribeLaunchTemplateVersions",
                "ec2:GetInstanceTypesFromInstanceRequirements",
            ],
            ["*"],
        ),
        statement(
            ["eks:DescribeNodegroup"],
            clusterNames.map((clusterName) => joined("arn:", partition, ":eks:*:*:nodegroup/", clusterName, "/*/*")),
        ),
        // One statement per cluster: each needs both autoscaler tags of its own cluster on the group.
        ...clusterNames.map((clusterName) =>
            statement(
                ["autoscaling:SetDesiredCapacity", "autoscaling:TerminateInstanceInAutoScalingGroup"],
                [joined("arn:", partition, ":autoscaling:*:*:autoScalingGroup:*:autoScalingGroupName/*")],
                condition("StringEquals", "aws:ResourceTag/k8s.io/cluster-autoscaler/enabled", "true"),
                condition("StringEquals", `aws:ResourceTag/k8s.io/cluster-autoscaler/${clusterName}`, "owned"),
            ),
        ),
    ]);
}

/** The scope of the Karpenter controller's role. */
export interface KarpenterArgs {
    /**
     * Name of the EKS cluster (Karpenter's `settings.clusterName`). The role may launch, tag and
     * terminate only what carries `kubernetes.io/cluster/<clusterName>: owned`. A plain string: it
     * is part of condition keys.
     */
    clusterName: string;
    /** ARN of the IAM role of Karpenter's nodes (the EC2NodeClass's `role`), which the controller passes to EC2. */
    nodeRoleArn: pulumi.Input<string>;
    /**
     * ARN of the SQS queue of interruption events (`settings.interruptionQueue`). Its region and
     * account are the region and account the role works in; its partition is the role's.
     */
    interruptionQueueArn: pulumi.Input<string>;
    /**
     * Namespace of Karpenter's ServiceAccount.
     * @default "kube-system"
     */
    namespace?: string;
    /**
     * Name of Karpenter's ServiceAccount.
     * @default "karpenter"
     */
    serviceAccountName?: string;
}

/**
 * The Karpenter controller (chart `oci://public.ecr.aws/karpenter/karpenter`).
 *
 * Source: aws/karpenter-provider-aws v1.14 `website/content/en/v1.14/getting-started/
 * getting-started-with-karpenter/cloudformation.yaml`: the policies
 * `KarpenterControllerNodeLifecyclePolicy`, `...IAMIntegrationPolicy`, `...EKSIntegrationPolicy`,
 * `...InterruptionPolicy`, `...ZonalShiftPolicy` and `...ResourceDiscoveryPolicy`, statement for
 * statement, with `${AWS::Region}`, `${AWS::AccountId}` and `${AWS::Partition}` taken from the
 * interruption queue's ARN, `${KarpenterNodeRole.Arn}` from `nodeRoleArn`. Upstream is already
 * scoped to the cluster's tags; `allowBroadPermissions` is set for the regional `ec2:Describe*` reads
 * (conditioned on the region), `pricing:GetProducts`, `iam:ListInstanceProfiles` (support only
 * `"*"`) and `arc-zonal-shift:GetManagedResource` (conditioned on this cluster's ARN).
 *
 * EKS Pod Identity: supported (Karpenter's getting-started guide uses it). No EKS add-on.
 */
export function karpenter(args: KarpenterArgs): AddonPermissions {
    const clusterName = checkedString("karpenter.clusterName", args.clusterName, checkClusterName);
    const serviceAccount = serviceAccountOf("karpenter", { namespace: "kube-system", serviceAccountName: "karpenter" }, args);
    const queue = checkedInput("karpenter.interruptionQueueArn", args.interruptionQueueArn, checkSqsQueueArn);
    const nodeRole = checkedInput("karpenter.nodeRoleArn", args.nodeRoleArn, checkRoleArn);
    const partition = partitionOf("karpenter", partitionOfInput(queue));
    const region = typeof queue === "string" ? regionOfArn(queue) : pulumi.output(queue).apply(regionOfArn);
    const account = typeof queue === "string" ? accountOfArn(queue) : pulumi.output(queue).apply(accountOfArn);
    const inQueuePartition = (role: string, queueArn: string): string => {
        refuse(
            role.split(":")[1] === queueArn.split(":")[1]
                ? undefined
                : `karpenter.nodeRoleArn ${JSON.stringify(role)} is invalid: it is in another AWS partition than the interruption queue (${queueArn.split(":")[1]})`,
        );
        return role;
    };
    const passedRole =
        typeof nodeRole === "string" && typeof queue === "string"
            ? inQueuePartition(nodeRole, queue)
            : pulumi.all([nodeRole, queue]).apply(([role, queueArn]) => inQueuePartition(role, queueArn));

    const ec2 = (resource: string, withAccount = true) => joined("arn:", partition, ":ec2:", region, withAccount ? ":*:" : "::", resource);
    const instanceProfiles = joined("arn:", partition, ":iam::", account, ":instance-profile/*");
    const clusterOwnsResource = condition("StringEquals", `aws:ResourceTag/kubernetes.io/cluster/${clusterName}`, "owned");
    const ownedByNodePool = condition("StringLike", "aws:ResourceTag/karpenter.sh/nodepool", "*");
    const taggedAtLaunch = [
        ec2("fleet/*"),
        ec2("instance/*"),
        ec2("volume/*"),
        ec2("network-interface/*"),
        ec2("launch-template/*"),
        ec2("spot-instances-request/*"),
    ];
    const clusterArn = joined("arn:", partition, ":eks:", region, ":", account, ":cluster/", clusterName);

    return addonPermissions("karpenter", serviceAccount, [], [
        // NodeLifecyclePolicy
        statement(
            ["ec2:RunInstances", "ec2:CreateFleet"],
            [ec2("image/*", false), ec2("snapshot/*", false), ec2("security-group/*"), ec2("subnet/*"), ec2("capacity-reservation/*"), ec2("placement-group/*")],
        ),
        statement(["ec2:RunInstances", "ec2:CreateFleet"], [ec2("launch-template/*")], clusterOwnsResource, ownedByNodePool),
        statement(
            ["ec2:RunInstances", "ec2:CreateFleet", "ec2:CreateLaunchTemplate"],
            taggedAtLaunch,
            condition("StringEquals", `aws:RequestTag/kubernetes.io/cluster/${clusterName}`, "owned"),
            condition("StringEquals", "aws:RequestTag/eks:eks-cluster-name", clusterName),
            condition("StringLike", "aws:RequestTag/karpenter.sh/nodepool", "*"),
        ),
        statement(
            ["ec2:CreateTags"],
            taggedAtLaunch,
            condition("StringEquals", `aws:RequestTag/kubernetes.io/cluster/${clusterName}`, "owned"),
            condition("StringEquals", "aws:RequestTag/eks:eks-cluster-name", clusterName),
            condition("StringEquals", "ec2:CreateAction", "RunInstances", "CreateFleet", "CreateLaunchTemplate"),
            condition("StringLike", "aws:RequestTag/karpenter.sh/nodepool", "*"),
        ),
        statement(
            ["ec2:CreateTags"],
            [ec2("instance/*")],
            clusterOwnsResource,
            ownedByNodePool,
            condition("StringEqualsIfExists", "aws:RequestTag/eks:eks-cluster-name", clusterName),
            condition("ForAllValues:StringEquals", "aws:TagKeys", "eks:eks-cluster-name", "karpenter.sh/nodeclaim", "Name"),
        ),
        statement(["ec2:TerminateInstances", "ec2:DeleteLaunchTemplate"], [ec2("instance/*"), ec2("launch-template/*")], clusterOwnsResource, ownedByNodePool),
        // IAMIntegrationPolicy
        statement(["iam:PassRole"], [passedRole], condition("StringEquals", "iam:PassedToService", "ec2.amazonaws.com", "ec2.amazonaws.com.cn")),
        statement(
            ["iam:CreateInstanceProfile"],
            [instanceProfiles],
            condition("StringEquals", `aws:RequestTag/kubernetes.io/cluster/${clusterName}`, "owned"),
            condition("StringEquals", "aws:RequestTag/eks:eks-cluster-name", clusterName),
            condition("StringEquals", "aws:RequestTag/topology.kubernetes.io/region", region),
            condition("StringLike", "aws:RequestTag/karpenter.k8s.aws/ec2nodeclass", "*"),
        ),
        statement(
            ["iam:TagInstanceProfile"],
            [instanceProfiles],
            clusterOwnsResource,
            condition("StringEquals", "aws:ResourceTag/topology.kubernetes.io/region", region),
            condition("StringEquals", `aws:RequestTag/kubernetes.io/cluster/${clusterName}`, "owned"),
            condition("StringEquals", "aws:RequestTag/eks:eks-cluster-name", clusterName),
            condition("StringEquals", "aws:RequestTag/topology.kubernetes.io/region", region),
            condition("StringLike", "aws:ResourceTag/karpenter.k8s.aws/ec2nodeclass", "*"),
            condition("StringLike", "aws:RequestTag/karpenter.k8s.aws/ec2nodeclass", "*"),
        ),
        statement(
            ["iam:AddRoleToInstanceProfile", "iam:RemoveRoleFromInstanceProfile", "iam:DeleteInstanceProfile"],
            [instanceProfiles],
            clusterOwnsResource,
            condition("StringEquals", "aws:ResourceTag/topology.kubernetes.io/region", region),
            condition("StringLike", "aws:ResourceTag/karpenter.k8s.aws/ec2nodeclass", "*"),
        ),
        // EKSIntegrationPolicy
        statement(["eks:DescribeCluster"], [clusterArn]),
        // InterruptionPolicy
        statement(["sqs:DeleteMessage", "sqs:GetQueueUrl", "sqs:ReceiveMessage"], [queue]),
        // ZonalShiftPolicy: IAM cannot scope it to an EKS cluster's resource, only by this condition.
        statement(["arc-zonal-shift:GetManagedResource"], ["*"], condition("StringEquals", "arc-zonal-shift:ResourceIdentifier", clusterArn)),
        // ResourceDiscoveryPolicy: reads IAM cannot scope to a resource, kept to the cluster's region.
        statement(
            [
                "ec2:DescribeCapacityReservations",
                "ec2:DescribeImages",
                "ec2:DescribeInstances",
                "ec2:DescribeInstanceStatus",
                "ec2:DescribeInstanceTypeOfferings",
                "ec2:DescribeInstanceTypes",
                "ec2:DescribeLaunchTemplates",
                "ec2:DescribePlacementGroups",
                "ec2:DescribeSecurityGroups",
                "ec2:DescribeSpotPriceHistory",
                "ec2:DescribeSubnets",
            ],
            ["*"],
            condition("StringEquals", "aws:RequestedRegion", region),
        ),
        statement(["ssm:GetParameter"], [joined("arn:", partition, ":ssm:", region, "::parameter/aws/service/*")]),
        statement(["pricing:GetProducts"], ["*"]),
        statement(["iam:ListInstanceProfiles"], ["*"]),
        statement(["iam:GetInstanceProfile"], [instanceProfiles]),
    ]);
}
