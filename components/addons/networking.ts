/**
 * Networking add-ons: the Amazon VPC CNI and the AWS Load Balancer Controller (whole, or for
 * TargetGroupBindings only).
 */
import * as pulumi from "@pulumi/pulumi";

import type { PolicyStatementArgs } from "../permissions";
import { checkClusterName } from "../validation";
import { addonPermissions, AddonPermissions, awsManagedPolicyArn, condition, joined, partitionOf, serviceAccountOf, statement } from "./types";
import { AddonScopeError, checkedInputs, checkedPartitionOf, checkedString, checkTargetGroupArn } from "./validation";

/** The scope of the Amazon VPC CNI's role. */
export interface VpcCniArgs {
    /**
     * The cluster's IP family: `"ipv4"` (the managed `AmazonEKS_CNI_Policy`) or `"ipv6"` (the inline
     * policy the EKS User Guide gives for IPv6 clusters, which AWS publishes no managed policy for).
     * @default "ipv4"
     */
    ipFamily?: string;
    /**
     * Name of the cluster, to let the CNI's network policy agent send its logs to CloudWatch Logs
     * (`enableCloudWatchLogs` in the add-on's `nodeAgent` configuration): the role may then create
     * and write the log group `/aws/eks/<clusterName>/cluster` only. A plain string: it is part of the
     * log group's ARN as the agent names it.
     * @default no network policy logs to CloudWatch
     */
    networkPolicyLogsClusterName?: string;
    /**
     * The partition of the role (`aws.getPartitionOutput().partition`).
     * @default "aws"
     */
    partition?: pulumi.Input<string>;
    /**
     * Namespace of the CNI's ServiceAccount.
     * @default "kube-system"
     */
    namespace?: string;
    /**
     * Name of the CNI's ServiceAccount.
     * @default "aws-node"
     */
    serviceAccountName?: string;
}

/**
 * The Amazon VPC CNI plugin (`aws-node` DaemonSet, EKS add-on `vpc-cni`).
 *
 * Source: EKS User Guide, "Amazon VPC CNI plugin for Kubernetes: Required IAM permissions", and
 * amazon-vpc-cni-k8s `docs/iam-policy.md` (IPv6 mode), as of amazon-eks-user-guide 2024-12
 * (`iam_policies/AmazonEKS_CNI_IPv6_Policy.json`). IPv4: the AWS-managed `AmazonEKS_CNI_Policy`,
 * as the guide says. IPv6: the guide's policy, with `ec2:AssignIpv6Addresses` narrowed from `*` to
 * network interfaces; `allowBroadPermissions` is set because `ec2:DescribeInstances`,
 * `ec2:DescribeTags`, `ec2:DescribeNetworkInterfaces` and `ec2:DescribeInstanceTypes` support only
 * `"*"` as their resource.
 *
 * Network policy logs (`networkPolicyLogsClusterName`): EKS User Guide, "Send network policy logs to
 * Amazon CloudWatch Logs" (`cni-network-policy-configure.adoc`, 2024-12): `logs:DescribeLogGroups`,
 * `CreateLogGroup`, `CreateLogStream` and `PutLogEvents`, on `*` there; here the writes on the
 * cluster's `/aws/eks/<clusterName>/cluster` log group only (`logs:DescribeLogGroups` supports only `"*"`).
 *
 * EKS Pod Identity: supported from add-on v1.15.5-eksbuild.1. With the EKS add-on, pass the role as
 * `new aws.eks.Addon("vpc-cni", { addonName: "vpc-cni", serviceAccountRoleArn: binding.roleArn, ... })`
 * (IRSA, binding with `serviceAccountMode: "none"`: the add-on owns `aws-node`), or give a
 * `PodIdentityBinding` (which creates the association itself).
 */
export function vpcCni(args: VpcCniArgs = {}): AddonPermissions {
    const serviceAccount = serviceAccountOf("vpcCni", { namespace: "kube-system", serviceAccountName: "aws-node" }, args);
    const partition = partitionOf("vpcCni", args.partition);
    const ipFamily = args.ipFamily ?? "ipv4";
    const logs = args.networkPolicyLogsClusterName === undefined ? [] : networkPolicyLogStatements(partition, args.networkPolicyLogsClusterName);
    if (ipFamily === "ipv4") {
        return addonPermissions("vpcCni", serviceAccount, [awsManagedPolicyArn(partition, "AmazonEKS_CNI_Policy")], logs);
    }
    if (ipFamily !== "ipv6") {
        throw new AddonScopeError(`vpcCni.ipFamily ${JSON.stringify(ipFamily)} is invalid: expected "ipv4" or "ipv6", the cluster's kubernetesNetworkConfig.ipFamily`);
    }
    const networkInterfaces = joined("arn:", partition, ":ec2:*:*:network-interface/*");
    return addonPermissions(
        "vpcCni",
        serviceAccount,
        [],
        [
            // Describe calls that IAM cannot scope to a resource.
            statement(["ec2:DescribeInstances", "ec2:DescribeTags", "ec2:DescribeNetworkInterfaces", "ec2:DescribeInstanceTypes"], ["*"]),
            statement(["ec2:AssignIpv6Addresses", "ec2:CreateTags"], [networkInterfaces]),
            ...logs,
        ],
    );
}

/** The network policy agent's writes to its cluster's log group, and the listing it does first. */
function networkPolicyLogStatements(partition: pulumi.Input<string>, clusterName: string): PolicyStatementArgs[] {
    const checked = checkedString("vpcCni.networkPolicyLogsClusterName", clusterName, checkClusterName);
    const logGroup = joined("arn:", partition, `:logs:*:*:log-group:/aws/eks/${checked}/cluster`);
    return [
        // A read that IAM cannot scope to a resource.
        statement(["logs:DescribeLogGroups"], ["*"]),
        statement(["logs:CreateLogGroup"], [logGroup, joined(logGroup, ":*")]),
        statement(["logs:CreateLogStream", "logs:PutLogEvents"], [joined(logGroup, ":log-stream:*")]),
    ];
}

/** The scope of the AWS Load Balancer Controller's role. */
export interface AwsLoadBalancerControllerArgs {
    /**
     * Name of the EKS cluster, as the controller's `clusterName` value. The controller tags what it
     * creates with `elbv2.k8s.aws/cluster: <clusterName>`; the role may change only what carries
     * this cluster's tag. A plain string: it is also part of a condition key.
     */
    clusterName: string;
    /**
     * The partition of the role (`aws.getPartitionOutput().partition`).
     * @default "aws"
     */
    partition?: pulumi.Input<string>;
    /**
     * Namespace of the controller's ServiceAccount.
     * @default "kube-system"
     */
    namespace?: string;
    /**
     * Name of the controller's ServiceAccount (the chart's `serviceAccount.name`).
     * @default "aws-load-balancer-controller"
     */
    serviceAccountName?: string;
}

/**
 * The AWS Load Balancer Controller (Helm chart `eks/aws-load-balancer-controller`).
 *
 * Source: kubernetes-sigs/aws-load-balancer-controller v3.5.0 `docs/install/iam_policy.json`
 * (unchanged since v2.12/v2.13, March 2025). Narrowed from it:
 * - every `Null`-tag condition (`elbv2.k8s.aws/cluster` present) becomes `StringEquals` on this
 *   cluster's name, so the role cannot change another cluster's load balancers, target groups or
 *   security groups;
 * - the unconditioned `ec2:AuthorizeSecurityGroupIngress`/`RevokeSecurityGroupIngress` on `*`
 *   (the controller opens the nodes' security groups to the load balancer) are limited to security
 *   groups tagged `kubernetes.io/cluster/<clusterName>`, as the controller's installation guide
 *   recommends: the EKS cluster security group carries that tag; tag your node security groups too;
 * - `ec2:CreateSecurityGroup` needs the cluster tag on the new group;
 * - every other `*` resource becomes the resource types the action works on (load balancers,
 *   target groups, listeners, rules, web ACLs, certificates, user pools, Shield protections).
 * `allowBroadPermissions` is set for the `Describe*`/`List*` reads, `shield:GetSubscriptionState`,
 * `shield:CreateProtection` and `elasticloadbalancing:SetWebAcl`, which support only `"*"`.
 *
 * EKS Pod Identity: supported (the installation guide's option B). No EKS add-on: install the chart
 * with `serviceAccount.create=false` and a binding in `serviceAccountMode: "create"` or `"annotate"`.
 */
export function awsLoadBalancerController(args: AwsLoadBalancerControllerArgs): AddonPermissions {
    const clusterName = checkedString("awsLoadBalancerController.clusterName", args.clusterName, checkClusterName);
    const serviceAccount = serviceAccountOf("awsLoadBalancerController", { namespace: "kube-system", serviceAccountName: "aws-load-balancer-controller" }, args);
    const partition = partitionOf("awsLoadBalancerController", args.partition);
    const elb = (resource: string) => joined("arn:", partition, ":elasticloadbalancing:*:*:", resource);
    const loadBalancers = [elb("loadbalancer/app/*/*"), elb("loadbalancer/net/*/*")];
    const targetGroups = [elb("targetgroup/*/*")];
    const listeners = [elb("listener/app/*/*/*"), elb("listener/net/*/*/*")];
    const listenerRules = [elb("listener-rule/app/*/*/*"), elb("listener-rule/net/*/*/*")];
    const securityGroups = joined("arn:", partition, ":ec2:*:*:security-group/*");
    const clusterTag = "elbv2.k8s.aws/cluster";
    const requestTagged = condition("StringEquals", `aws:RequestTag/${clusterTag}`, clusterName);
    const resourceTagged = condition("StringEquals", `aws:ResourceTag/${clusterTag}`, clusterName);
    const clusterTagUnchanged = condition("Null", `aws:RequestTag/${clusterTag}`, "true");

    return addonPermissions(
        "awsLoadBalancerController",
        serviceAccount,
        [],
        [
            statement(
                ["iam:CreateServiceLinkedRole"],
                [joined("arn:", partition, ":iam::*:role/aws-service-role/elasticloadbalancing.amazonaws.com/AWSServiceRoleForElasticLoadBalancing")],
                condition("StringEquals", "iam:AWSServiceName", "elasticloadbalancing.amazonaws.com"),
            ),
            // Reads (and two writes) that IAM cannot scope to a resource.
            statement(
                [
                    "ec2:DescribeAccountAttributes",
                    "ec2:DescribeAddresses",
                    "ec2:DescribeAvailabilityZones",
                    "ec2:DescribeInternetGateways",
                    "ec2:DescribeVpcs",
                    "ec2:DescribeVpcPeeringConnections",
                    "ec2:DescribeSubnets",
                    "ec2:DescribeSecurityGroups",
                    "ec2:DescribeInstances",
                    "ec2:DescribeNetworkInterfaces",
                    "ec2:DescribeTags",
                    "ec2:DescribeCoipPools",
                    "ec2:DescribeIpamPools",
                    "ec2:DescribeRouteTables",
                    "elasticloadbalancing:DescribeLoadBalancers",
                    "elasticloadbalancing:DescribeLoadBalancerAttributes",
                    "elasticloadbalancing:DescribeListeners",
                    "elasticloadbalancing:DescribeListenerCertificates",
                    "elasticloadbalancing:DescribeSSLPolicies",
                    "elasticloadbalancing:DescribeRules",
                    "elasticloadbalancing:DescribeTargetGroups",
                    "elasticloadbalancing:DescribeTargetGroupAttributes",
                    "elasticloadbalancing:DescribeTargetHealth",
                    "elasticloadbalancing:DescribeTags",
                    "elasticloadbalancing:DescribeTrustStores",
                    "elasticloadbalancing:DescribeListenerAttributes",
                    "elasticloadbalancing:DescribeCapacityReservation",
                    "elasticloadbalancing:SetWebAcl",
                    "acm:ListCertificates",
                    "iam:ListServerCertificates",
                    "shield:GetSubscriptionState",
                    "shield:CreateProtection",
                ],
                ["*"],
            ),
            statement(["ec2:GetCoipPoolUsage"], [joined("arn:", partition, ":ec2:*:*:coip-pool/*")]),
            statement(["ec2:GetSecurityGroupsForVpc"], [joined("arn:", partition, ":ec2:*:*:vpc/*")]),
            statement(["cognito-idp:DescribeUserPoolClient"], [joined("arn:", partition, ":cognito-idp:*:*:userpool/*")]),
            statement(["acm:DescribeCertificate"], [joined("arn:", partition, ":acm:*:*:certificate/*")]),
            statement(["iam:GetServerCertificate"], [joined("arn:", partition, ":iam::*:server-certificate/*")]),
            statement(
                ["waf-regional:GetWebACL", "waf-regional:GetWebACLForResource", "waf-regional:AssociateWebACL", "waf-regional:DisassociateWebACL"],
                [joined("arn:", partition, ":waf-regional:*:*:webacl/*"), loadBalancers[0]],
            ),
            statement(
                ["wafv2:GetWebACL", "wafv2:GetWebACLForResource", "wafv2:AssociateWebACL", "wafv2:DisassociateWebACL"],
                [joined("arn:", partition, ":wafv2:*:*:regional/webacl/*/*"), loadBalancers[0]],
            ),
            statement(["shield:DescribeProtection", "shield:DeleteProtection"], [joined("arn:", partition, ":shield::*:protection/*")]),
            // Security groups: created with this cluster's tag, then changed only while they carry it.
            statement(["ec2:CreateSecurityGroup"], [securityGroups], requestTagged),
            statement(["ec2:CreateSecurityGroup"], [joined("arn:", partition, ":ec2:*:*:vpc/*")]),
            statement(["ec2:CreateTags"], [securityGroups], condition("StringEquals", "ec2:CreateAction", "CreateSecurityGroup"), requestTagged),
            statement(["ec2:CreateTags", "ec2:DeleteTags"], [securityGroups], clusterTagUnchanged, resourceTagged),
            statement(["ec2:AuthorizeSecurityGroupIngress", "ec2:RevokeSecurityGroupIngress", "ec2:DeleteSecurityGroup"], [securityGroups], resourceTagged),
            // The nodes' security groups, which the controller opens to its load balancers.
            statement(
                ["ec2:AuthorizeSecurityGroupIngress", "ec2:RevokeSecurityGroupIngress"],
                [securityGroups],
                condition("Null", `aws:ResourceTag/kubernetes.io/cluster/${clusterName}`, "false"),
            ),
            // Load balancers and target groups: created with this cluster's tag, then changed only while they carry it.
            statement(["elasticloadbalancing:CreateLoadBalancer"], loadBalancers, requestTagged),
            statement(["elasticloadbalancing:CreateTargetGroup"], targetGroups, requestTagged),
            statement(
                ["elasticloadbalancing:AddTags"],
                [...targetGroups, ...loadBalancers],
                condition("StringEquals", "elasticloadbalancing:CreateAction", "CreateTargetGroup", "CreateLoadBalancer"),
                requestTagged,
            ),
            statement(["elasticloadbalancing:AddTags", "elasticloadbalancing:RemoveTags"], [...targetGroups, ...loadBalancers], clusterTagUnchanged, resourceTagged),
            statement(
                [
                    "elasticloadbalancing:ModifyLoadBalancerAttributes",
                    "elasticloadbalancing:SetIpAddressType",
                    "elasticloadbalancing:SetSecurityGroups",
                    "elasticloadbalancing:SetSubnets",
                    "elasticloadbalancing:DeleteLoadBalancer",
                    "elasticloadbalancing:ModifyTargetGroup",
                    "elasticloadbalancing:ModifyTargetGroupAttributes",
                    "elasticloadbalancing:DeleteTargetGroup",
                    "elasticloadbalancing:ModifyListenerAttributes",
                    "elasticloadbalancing:ModifyCapacityReservation",
                    "elasticloadbalancing:ModifyIpPools",
                ],
                [...loadBalancers, ...targetGroups, ...listeners],
                resourceTagged,
            ),
            // Listeners and rules: upstream leaves them untagged-conditioned; here they are limited to ALB and NLB ARNs.
            statement(
                ["elasticloadbalancing:CreateListener", "elasticloadbalancing:DeleteListener", "elasticloadbalancing:CreateRule", "elasticloadbalancing:DeleteRule"],
                [...loadBalancers, ...listeners, ...listenerRules],
            ),
            statement(["elasticloadbalancing:AddTags", "elasticloadbalancing:RemoveTags"], [...listeners, ...listenerRules]),
            statement(
                [
                    "elasticloadbalancing:ModifyListener",
                    "elasticloadbalancing:AddListenerCertificates",
                    "elasticloadbalancing:RemoveListenerCertificates",
                    "elasticloadbalancing:ModifyRule",
                    "elasticloadbalancing:SetRulePriorities",
                ],
                [...listeners, ...listenerRules],
            ),
            // TargetGroupBinding registers pods in target groups the controller may not have created.
            statement(["elasticloadbalancing:RegisterTargets", "elasticloadbalancing:DeregisterTargets"], targetGroups),
        ],
    );
}

/** The scope of the AWS Load Balancer Controller's role when it only binds pods to target groups. */
export interface AwsLoadBalancerControllerTargetGroupBindingArgs {
    /**
     * ARNs of the existing target groups the `TargetGroupBinding`s name (`spec.targetGroupARN`). At
     * least one; no wildcards.
     */
    targetGroupArns: pulumi.Input<string>[];
    /**
     * The partition of the role (`aws.getPartitionOutput().partition`).
     * @default "aws"
     */
    partition?: pulumi.Input<string>;
    /**
     * Namespace of the controller's ServiceAccount.
     * @default "kube-system"
     */
    namespace?: string;
    /**
     * Name of the controller's ServiceAccount (the chart's `serviceAccount.name`).
     * @default "aws-load-balancer-controller"
     */
    serviceAccountName?: string;
}

/**
 * The AWS Load Balancer Controller used only to register pods in existing target groups
 * (`TargetGroupBinding`), creating no load balancer and changing no security group.
 *
 * Source: kubernetes-sigs/aws-load-balancer-controller v3.5.0 `docs/deploy/installation.md`,
 * "You only want the LBC to add and remove IPs to already existing target groups": one statement on
 * `*`. Narrowed: `elasticloadbalancing:ModifyTargetGroup`, `ModifyTargetGroupAttributes`,
 * `RegisterTargets` and `DeregisterTargets` on the given target groups only. `allowBroadPermissions`
 * is set for `ec2:DescribeVpcs`, `DescribeSecurityGroups`, `DescribeInstances` and
 * `elasticloadbalancing:DescribeTargetGroups`, `DescribeTargetHealth`, which support only `"*"`.
 *
 * EKS Pod Identity: supported, as for `awsLoadBalancerController`. No EKS add-on.
 */
export function awsLoadBalancerControllerTargetGroupBinding(args: AwsLoadBalancerControllerTargetGroupBindingArgs): AddonPermissions {
    const serviceAccount = serviceAccountOf(
        "awsLoadBalancerControllerTargetGroupBinding",
        { namespace: "kube-system", serviceAccountName: "aws-load-balancer-controller" },
        args,
    );
    const partition = partitionOf("awsLoadBalancerControllerTargetGroupBinding", args.partition);
    const targetGroups = checkedPartitionOf(
        "awsLoadBalancerControllerTargetGroupBinding.targetGroupArns",
        checkedInputs("awsLoadBalancerControllerTargetGroupBinding.targetGroupArns", args.targetGroupArns, checkTargetGroupArn, { nonEmpty: true }),
        partition,
    );
    return addonPermissions("awsLoadBalancerControllerTargetGroupBinding", serviceAccount, [], [
        // Reads that IAM cannot scope to a resource.
        statement(
            ["ec2:DescribeVpcs", "ec2:DescribeSecurityGroups", "ec2:DescribeInstances", "elasticloadbalancing:DescribeTargetGroups", "elasticloadbalancing:DescribeTargetHealth"],
            ["*"],
        ),
        statement(
            [
                "elasticloadbalancing:ModifyTargetGroup",
                "elasticloadbalancing:ModifyTargetGroupAttributes",
                "elasticloadbalancing:RegisterTargets",
                "elasticloadbalancing:DeregisterTargets",
            ],
            targetGroups,
        ),
    ]);
}
