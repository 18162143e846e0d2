/**
 * Node lifecycle add-ons: the AWS Node Termination Handler in queue-processor mode, draining nodes
 * before EC2 takes them away.
 */
import * as pulumi from "@pulumi/pulumi";

import { checkClusterName } from "../validation";
import { addonPermissions, AddonPermissions, condition, joined, partitionOf, serviceAccountOf, statement } from "./types";
import { checkedInputs, checkedPartitionOf, checkedString, checkSqsQueueArn } from "./validation";

/** The scope of the Node Termination Handler's role. */
export interface NodeTerminationHandlerArgs {
    /**
     * ARNs of the SQS queues EventBridge sends the interruption and lifecycle events to (the chart's
     * `queueURL`, as an ARN). At least one; no wildcards.
     */
    queueArns: pulumi.Input<string>[];
    /**
     * Name of the EKS cluster: `autoscaling:CompleteLifecycleAction` is then limited to Auto Scaling
     * groups tagged `kubernetes.io/cluster/<clusterName>` (EKS managed node groups and eksctl's carry
     * it). A plain string: it is part of a condition key.
     * @default any Auto Scaling group of the account
     */
    clusterName?: string;
    /**
     * The partition of the role (`aws.getPartitionOutput().partition`).
     * @default "aws"
     */
    partition?: pulumi.Input<string>;
    /**
     * Namespace of the handler's ServiceAccount.
     * @default "kube-system"
     */
    namespace?: string;
    /**
     * Name of the handler's ServiceAccount (the chart's `serviceAccount.name`).
     * @default "aws-node-termination-handler"
     */
    serviceAccountName?: string;
}

/**
 * The AWS Node Termination Handler in queue-processor mode (chart `eks/aws-node-termination-handler`
 * with `enableSqsTerminationDraining`).
 *
 * Source: aws/aws-node-termination-handler v1.25.6 `README.md`, "Queue Processor: Set up a
 * Permissions Policy": one statement on `*`. Narrowed: `sqs:ReceiveMessage` and `sqs:DeleteMessage`
 * on the given queues only; `autoscaling:CompleteLifecycleAction` on Auto Scaling groups (of this
 * cluster, with `clusterName`). `allowBroadPermissions` is set for
 * `autoscaling:DescribeAutoScalingInstances`, `autoscaling:DescribeTags` and
 * `ec2:DescribeInstances`, which support only `"*"`.
 *
 * EKS Pod Identity: supported (the handler's AWS SDK for Go v1.44+ reads Pod Identity credentials
 * from v1.22.0 on). No EKS add-on.
 */
export function nodeTerminationHandler(args: NodeTerminationHandlerArgs): AddonPermissions {
    const serviceAccount = serviceAccountOf("nodeTerminationHandler", { namespace: "kube-system", serviceAccountName: "aws-node-termination-handler" }, args);
    const partition = partitionOf("nodeTerminationHandler", args.partition);
    const queues = checkedPartitionOf(
        "nodeTerminationHandler.queueArns",
        checkedInputs("nodeTerminationHandler.queueArns", args.queueArns, checkSqsQueueArn, { nonEmpty: true }),
        partition,
    );
    const groups = joined("arn:", partition, ":autoscaling:*:*:autoScalingGroup:*:autoScalingGroupName/*");
    const clusterTag =
        args.clusterName === undefined
            ? []
            : [condition("Null", `aws:ResourceTag/kubernetes.io/cluster/${checkedString("nodeTerminationHandler.clusterName", args.clusterName, checkClusterName)}`, "false")];
    return addonPermissions("nodeTerminationHandler", serviceAccount, [], [
        // Reads that IAM cannot scope to a resource.
        statement(["autoscaling:DescribeAutoScalingInstances", "autoscaling:DescribeTags", "ec2:DescribeInstances"], ["*"]),
        statement(["autoscaling:CompleteLifecycleAction"], [groups], ...clusterTag),
        statement(["sqs:ReceiveMessage", "sqs:DeleteMessage"], queues),
    ]);
}
