/**
 * The AWS Gateway API Controller, which programs Amazon VPC Lattice from Gateway API routes.
 */
import * as pulumi from "@pulumi/pulumi";

import { checkBucketArn } from "../validation";
import { addonPermissions, AddonPermissions, condition, joined, partitionOf, serviceAccountOf, statement } from "./types";
import { checkDeliveryStreamArn, checkedInputs, checkedPartitionOf } from "./validation";

/**
 * The VPC Lattice calls the controller makes on Lattice resources (its `pkg/aws/services/vpclattice.go`
 * and callers, v2.0.1), as IAM actions: the API's `BatchUpdateRule` is authorized as `vpc-lattice:UpdateRule`.
 */
const latticeResourceActions = [
    "vpc-lattice:CreateAccessLogSubscription",
    "vpc-lattice:CreateListener",
    "vpc-lattice:CreateRule",
    "vpc-lattice:CreateService",
    "vpc-lattice:CreateServiceNetwork",
    "vpc-lattice:CreateServiceNetworkServiceAssociation",
    "vpc-lattice:CreateServiceNetworkVpcAssociation",
    "vpc-lattice:CreateTargetGroup",
    "vpc-lattice:DeleteAccessLogSubscription",
    "vpc-lattice:DeleteAuthPolicy",
    "vpc-lattice:DeleteListener",
    "vpc-lattice:DeleteRule",
    "vpc-lattice:DeleteService",
    "vpc-lattice:DeleteServiceNetwork",
    "vpc-lattice:DeleteServiceNetworkServiceAssociation",
    "vpc-lattice:DeleteServiceNetworkVpcAssociation",
    "vpc-lattice:DeleteTargetGroup",
    "vpc-lattice:DeregisterTargets",
    "vpc-lattice:GetAccessLogSubscription",
    "vpc-lattice:GetAuthPolicy",
    "vpc-lattice:GetListener",
    "vpc-lattice:GetRule",
    "vpc-lattice:GetService",
    "vpc-lattice:GetServiceNetwork",
    "vpc-lattice:GetServiceNetworkServiceAssociation",
    "vpc-lattice:GetServiceNetworkVpcAssociation",
    "vpc-lattice:GetTargetGroup",
    "vpc-lattice:ListTargets",
    "vpc-lattice:PutAuthPolicy",
    "vpc-lattice:RegisterTargets",
    "vpc-lattice:TagResource",
    "vpc-lattice:UntagResource",
    "vpc-lattice:UpdateAccessLogSubscription",
    "vpc-lattice:UpdateListener",
    "vpc-lattice:UpdateRule",
    "vpc-lattice:UpdateService",
    "vpc-lattice:UpdateServiceNetwork",
    "vpc-lattice:UpdateServiceNetworkVpcAssociation",
    "vpc-lattice:UpdateTargetGroup",
];

/** The VPC Lattice calls it makes that IAM authorizes on `"*"` only (the List calls). */
const latticeListActions = [
    "vpc-lattice:ListAccessLogSubscriptions",
    "vpc-lattice:ListListeners",
    "vpc-lattice:ListRules",
    "vpc-lattice:ListServiceNetworkServiceAssociations",
    "vpc-lattice:ListServiceNetworkVpcAssociations",
    "vpc-lattice:ListServiceNetworks",
    "vpc-lattice:ListServices",
    "vpc-lattice:ListTagsForResource",
    "vpc-lattice:ListTargetGroups",
];

/** The scope of the AWS Gateway API Controller's role. */
export interface GatewayApiControllerArgs {
    /**
     * ARNs of the S3 buckets that receive VPC Lattice access logs (an `AccessLogPolicy`'s
     * destination): the controller reads and writes their bucket policies so the log delivery may
     * write there. No wildcards.
     * @default [] (no access logs to S3)
     */
    accessLogBucketArns?: pulumi.Input<string>[];
    /**
     * ARNs of the Firehose delivery streams that receive access logs: the controller tags them for
     * the log delivery. No wildcards.
     * @default [] (no access logs to Firehose)
     */
    accessLogDeliveryStreamArns?: pulumi.Input<string>[];
    /**
     * The partition of the role (`aws.getPartitionOutput().partition`).
     * @default "aws"
     */
    partition?: pulumi.Input<string>;
    /**
     * Namespace of the controller's ServiceAccount.
     * @default "aws-application-networking-system"
     */
    namespace?: string;
    /**
     * Name of the controller's ServiceAccount (the chart's `serviceAccount.name`).
     * @default "gateway-api-controller"
     */
    serviceAccountName?: string;
}

/**
 * The AWS Gateway API Controller for Amazon VPC Lattice (chart `aws-application-networking-controller`).
 *
 * Source: aws/aws-application-networking-k8s v2.0.1
 * `files/controller-installation/recommended-inline-policy.json`. Narrowed:
 * - `vpc-lattice:*` becomes the Lattice calls the controller makes (read from its source at v2.0.1),
 *   on Lattice resources of every kind (service networks created before it too: they carry no tag
 *   of its own to condition on), and its List calls on `"*"`;
 * - `s3:GetBucketPolicy`/`PutBucketPolicy` (upstream on every bucket, which could open any bucket
 *   of the account) on the access log buckets only, `firehose:TagDeliveryStream` on the access log
 *   streams only, both left out without them; the service-linked roles by their ARNs.
 * `allowBroadPermissions` is set for the `ec2:Describe*`, `tag:*Resources`, `acm:ListCertificates`,
 * `logs` delivery and Lattice List calls, which support only `"*"`.
 *
 * EKS Pod Identity: supported (the controller's documentation, "Pod Identity"). No EKS add-on.
 */
export function gatewayApiController(args: GatewayApiControllerArgs = {}): AddonPermissions {
    const serviceAccount = serviceAccountOf("gatewayApiController", { namespace: "aws-application-networking-system", serviceAccountName: "gateway-api-controller" }, args);
    const partition = partitionOf("gatewayApiController", args.partition);
    const buckets = checkedPartitionOf(
        "gatewayApiController.accessLogBucketArns",
        checkedInputs("gatewayApiController.accessLogBucketArns", args.accessLogBucketArns, checkBucketArn, { nonEmpty: false }),
        partition,
    );
    const streams = checkedPartitionOf(
        "gatewayApiController.accessLogDeliveryStreamArns",
        checkedInputs("gatewayApiController.accessLogDeliveryStreamArns", args.accessLogDeliveryStreamArns, checkDeliveryStreamArn, { nonEmpty: false }),
        partition,
    );
    const serviceLinkedRole = (service: string, role: string) =>
        statement(
            ["iam:CreateServiceLinkedRole"],
            [joined("arn:", partition, `:iam::*:role/aws-service-role/${service}/${role}`)],
            condition("StringEquals", "iam:AWSServiceName", service),
        );
    return addonPermissions("gatewayApiController", serviceAccount, [], [
        statement(latticeResourceActions, [joined("arn:", partition, ":vpc-lattice:*:*:*")]),
        // Calls that IAM cannot scope to a resource.
        statement(
            [
                ...latticeListActions,
                "ec2:DescribeVpcs",
                "ec2:DescribeSubnets",
                "ec2:DescribeTags",
                "ec2:DescribeSecurityGroups",
                "logs:CreateLogDelivery",
                "logs:GetLogDelivery",
                "logs:DescribeLogGroups",
                "logs:PutResourcePolicy",
                "logs:DescribeResourcePolicies",
                "logs:UpdateLogDelivery",
                "logs:DeleteLogDelivery",
                "logs:ListLogDeliveries",
                "tag:GetResources",
                "tag:TagResources",
                "tag:UntagResources",
                "acm:ListCertificates",
            ],
            ["*"],
        ),
        serviceLinkedRole("vpc-lattice.amazonaws.com", "AWSServiceRoleForVpcLattice"),
        serviceLinkedRole("delivery.logs.amazonaws.com", "AWSServiceRoleForLogDelivery"),
        ...(buckets.length === 0 ? [] : [statement(["s3:GetBucketPolicy", "s3:PutBucketPolicy"], buckets)]),
        ...(streams.length === 0 ? [] : [statement(["firehose:TagDeliveryStream"], streams)]),
    ]);
}
