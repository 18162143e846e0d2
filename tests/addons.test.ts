/**
 * The add-on catalogue, judged with the IAM evaluator: each add-on's policy allows the calls its
 * controller makes in normal work, and refuses calls outside the scope given (another hosted zone,
 * another cluster's resources, IAM or write actions the add-on never needs). Bad scope is refused
 * with the field named, before anything is created.
 */
import * as assert from "node:assert/strict";

import * as pulumi from "@pulumi/pulumi";

import { addons, checkManagedPolicyBreadth, checkPolicyStatements, inlinePolicyLengthLimit, policyLength } from "../components/index";
import { assertCalls, assertRefusedScope, documentOf, resolved, resolvedStatements } from "./addonCalls";
import { ContextValues, isWildcardOnly } from "./iamEvaluator";

const account = "111122223333";
const region = "us-west-2";
const zone = "Z0123456789ABCDEFGHIJ";
const otherZone = "Z9876543210ZYXWVUTSRQ";
const keyArn = `arn:aws:kms:${region}:${account}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
const otherKeyArn = `arn:aws:kms:${region}:${account}:key/0000abcd-12ab-34cd-56ef-1234567890ab`;

describe("addons.vpcCni", () => {
    it("attaches AmazonEKS_CNI_Policy of the partition for IPv4 clusters, for kube-system/aws-node", () => {
        assert.deepEqual(addons.vpcCni(), {
            serviceAccount: { namespace: "kube-system", serviceAccountName: "aws-node" },
            policyArns: ["arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy"],
            policyStatements: [],
        });
        assert.deepEqual(addons.vpcCni({ partition: "aws-cn" }).policyArns, ["arn:aws-cn:iam::aws:policy/AmazonEKS_CNI_Policy"]);
    });

    it("lets an IPv6 cluster's CNI assign IPv6 addresses and tag interfaces, and nothing of IPv4 or instances", async () => {
        const permissions = addons.vpcCni({ ipFamily: "ipv6" });
        assert.deepEqual(permissions.policyArns, []);
        assert.equal(permissions.allowBroadPermissions, true);
        const eni = `arn:aws:ec2:${region}:${account}:network-interface/eni-0123456789abcdef0`;
        await assertCalls(
            permissions,
            [
                ["ec2:AssignIpv6Addresses", eni],
                ["ec2:CreateTags", eni],
                ["ec2:DescribeInstances", "*"],
                ["ec2:DescribeNetworkInterfaces", "*"],
                ["ec2:DescribeInstanceTypes", "*"],
                ["ec2:DescribeTags", "*"],
            ],
            [
                ["ec2:AssignPrivateIpAddresses", eni],
                ["ec2:CreateNetworkInterface", `arn:aws:ec2:${region}:${account}:subnet/subnet-0123456789abcdef0`],
                ["ec2:DeleteNetworkInterface", eni],
                ["ec2:CreateTags", `arn:aws:ec2:${region}:${account}:instance/i-0123456789abcdef0`],
                ["ec2:TerminateInstances", `arn:aws:ec2:${region}:${account}:instance/i-0123456789abcdef0`],
            ],
        );
    });

    it("refuses an unknown IP family", () => {
        assertRefusedScope(() => addons.vpcCni({ ipFamily: "IPv6" }), /^vpcCni\.ipFamily "IPv6" is invalid: expected "ipv4" or "ipv6"/);
    });
});

describe("addons.ebsCsiDriver", () => {
    it("attaches AmazonEBSCSIDriverPolicy for kube-system/ebs-csi-controller-sa, and nothing else without keys", () => {
        assert.deepEqual(addons.ebsCsiDriver(), {
            serviceAccount: { namespace: "kube-system", serviceAccountName: "ebs-csi-controller-sa" },
            policyArns: ["arn:aws:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy"],
            policyStatements: [],
        });
        assert.deepEqual(addons.ebsCsiDriver({ partition: "aws-us-gov" }).policyArns, ["arn:aws-us-gov:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy"]);
    });

    it("lets EBS use the given keys for encrypted volumes: grants only for AWS resources, no other key, no key administration", async () => {
        const permissions = addons.ebsCsiDriver({ kmsKeyArns: [keyArn] });
        assert.equal(permissions.allowBroadPermissions, undefined);
        await assertCalls(
            permissions,
            [
                ["kms:CreateGrant", keyArn, { "kms:GrantIsForAWSResource": "true" }],
                ["kms:GenerateDataKeyWithoutPlaintext", keyArn],
                ["kms:Decrypt", keyArn],
                ["kms:ReEncryptFrom", keyArn],
                ["kms:DescribeKey", keyArn],
            ],
            [
                ["kms:CreateGrant", keyArn, { "kms:GrantIsForAWSResource": "false" }],
                ["kms:CreateGrant", keyArn],
                ["kms:Decrypt", otherKeyArn],
                ["kms:ScheduleKeyDeletion", keyArn],
                ["kms:PutKeyPolicy", keyArn],
                ["kms:GenerateDataKeyPair", keyArn],
            ],
        );
    });

    it("refuses an alias, a wildcard and a key of another partition, naming the entry", () => {
        assertRefusedScope(
            () => addons.ebsCsiDriver({ kmsKeyArns: [`arn:aws:kms:${region}:${account}:alias/ebs`] }),
            /^ebsCsiDriver\.kmsKeyArns\[0\] "arn:aws:kms:us-west-2:111122223333:alias\/ebs" is invalid: expected a KMS key ARN/,
        );
        assertRefusedScope(() => addons.ebsCsiDriver({ kmsKeyArns: [keyArn, `arn:aws:kms:${region}:${account}:key/*`] }), /^ebsCsiDriver\.kmsKeyArns\[1\] /);
        assertRefusedScope(() => addons.ebsCsiDriver({ kmsKeyArns: [keyArn], partition: "aws-cn" }), /^ebsCsiDriver\.kmsKeyArns\[0\] .* another AWS partition/);
    });
});

describe("addons.efsCsiDriver", () => {
    it("attaches AmazonEFSCSIDriverPolicy for kube-system/efs-csi-controller-sa", () => {
        assert.deepEqual(addons.efsCsiDriver(), {
            serviceAccount: { namespace: "kube-system", serviceAccountName: "efs-csi-controller-sa" },
            policyArns: ["arn:aws:iam::aws:policy/service-role/AmazonEFSCSIDriverPolicy"],
            policyStatements: [],
        });
    });
});

describe("addons.mountpointS3CsiDriver", () => {
    const bucket = "arn:aws:s3:::team-data";
    const object = (key: string) => `${bucket}/${key}`;

    it("reads and writes under the mounted prefix of the bucket only, for kube-system/s3-csi-driver-sa", async () => {
        const permissions = addons.mountpointS3CsiDriver({ bucketArns: [bucket], keyPrefixes: ["models/"] });
        assert.deepEqual(permissions.serviceAccount, { namespace: "kube-system", serviceAccountName: "s3-csi-driver-sa" });
        assert.equal(permissions.allowBroadPermissions, undefined);
        await assertCalls(
            permissions,
            [
                ["s3:ListBucket", bucket, { "s3:prefix": "models/" }],
                ["s3:ListBucket", bucket, { "s3:prefix": "models/2026/" }],
                ["s3:GetObject", object("models/a.bin")],
                ["s3:PutObject", object("models/b.bin")],
                ["s3:AbortMultipartUpload", object("models/b.bin")],
                ["s3:DeleteObject", object("models/a.bin")],
            ],
            [
                ["s3:ListBucket", bucket, { "s3:prefix": "secrets/" }],
                ["s3:ListBucket", bucket],
                ["s3:GetObject", object("secrets/key")],
                ["s3:GetObject", "arn:aws:s3:::other-bucket/models/a.bin"],
                ["s3:PutBucketPolicy", bucket],
                ["s3:DeleteBucket", bucket],
                ["s3:PutObjectAcl", object("models/a.bin")],
            ],
        );
    });

    it("cannot write or delete for read-only mounts, and decrypts with the given key", async () => {
        await assertCalls(
            addons.mountpointS3CsiDriver({ bucketArns: [bucket], readOnly: true, kmsKeyArns: [keyArn] }),
            [
                ["s3:GetObject", object("any/key")],
                ["s3:ListBucket", bucket],
                ["kms:Decrypt", keyArn],
            ],
            [
                ["s3:PutObject", object("any/key")],
                ["s3:DeleteObject", object("any/key")],
                ["kms:GenerateDataKey", keyArn],
                ["kms:Decrypt", otherKeyArn],
            ],
        );
    });

    it("refuses no bucket, an object ARN and a prefix that is not a folder", () => {
        assertRefusedScope(() => addons.mountpointS3CsiDriver({ bucketArns: [] }), /^mountpointS3CsiDriver\.bucketArns is invalid: it must name at least one entry$/);
        assertRefusedScope(() => addons.mountpointS3CsiDriver({ bucketArns: [`${bucket}/*`] }), /^mountpointS3CsiDriver\.bucketArns\[0\] "arn:aws:s3:::team-data\/\*" is invalid/);
        assertRefusedScope(() => addons.mountpointS3CsiDriver({ bucketArns: [bucket], keyPrefixes: ["models"] }), /^mountpointS3CsiDriver\.keyPrefixes\[0\] "models" is invalid/);
        assertRefusedScope(() => addons.mountpointS3CsiDriver({ bucketArns: [bucket, bucket] }), /^mountpointS3CsiDriver\.bucketArns ".*" is invalid: each entry may appear only once/);
    });
});

describe("addons.awsLoadBalancerController", () => {
    const permissions = addons.awsLoadBalancerController({ clusterName: "prod" });
    const elb = (resource: string) => `arn:aws:elasticloadbalancing:${region}:${account}:${resource}`;
    const alb = elb("loadbalancer/app/k8s-apps-web-0123456789/50dc6c495c0c9188");
    const targetGroup = elb("targetgroup/k8s-apps-web-0123456789/73e2d6bc24d8a067");
    const listener = elb("listener/app/k8s-apps-web-0123456789/50dc6c495c0c9188/f2f7dc8efc522ab2");
    const rule = elb("listener-rule/app/k8s-apps-web-0123456789/50dc6c495c0c9188/f2f7dc8efc522ab2/9683b2d02a6cabee");
    const securityGroup = `arn:aws:ec2:${region}:${account}:security-group/sg-0123456789abcdef0`;
    const ours = { "aws:ResourceTag/elbv2.k8s.aws/cluster": "prod" };
    const theirs = { "aws:ResourceTag/elbv2.k8s.aws/cluster": "staging" };

    it("runs as kube-system/aws-load-balancer-controller, with broad reads only", () => {
        assert.deepEqual(permissions.serviceAccount, { namespace: "kube-system", serviceAccountName: "aws-load-balancer-controller" });
        assert.deepEqual(permissions.policyArns, []);
        assert.equal(permissions.allowBroadPermissions, true);
    });

    it("creates and manages its load balancers, target groups, listeners and security groups for this cluster", async () => {
        await assertCalls(
            permissions,
            [
                ["elasticloadbalancing:DescribeLoadBalancers", "*"],
                ["elasticloadbalancing:DescribeTargetHealth", "*"],
                ["ec2:DescribeSubnets", "*"],
                ["ec2:DescribeSecurityGroups", "*"],
                ["acm:ListCertificates", "*"],
                ["acm:DescribeCertificate", `arn:aws:acm:${region}:${account}:certificate/12345678-1234-1234-1234-123456789012`],
                ["elasticloadbalancing:CreateLoadBalancer", alb, { "aws:RequestTag/elbv2.k8s.aws/cluster": "prod" }],
                ["elasticloadbalancing:CreateTargetGroup", targetGroup, { "aws:RequestTag/elbv2.k8s.aws/cluster": "prod" }],
                ["elasticloadbalancing:AddTags", alb, { "elasticloadbalancing:CreateAction": "CreateLoadBalancer", "aws:RequestTag/elbv2.k8s.aws/cluster": "prod" }],
                ["elasticloadbalancing:ModifyTargetGroupAttributes", targetGroup, ours],
                ["elasticloadbalancing:SetSecurityGroups", alb, ours],
                ["elasticloadbalancing:DeleteLoadBalancer", alb, ours],
                ["elasticloadbalancing:RegisterTargets", targetGroup],
                ["elasticloadbalancing:DeregisterTargets", targetGroup],
                ["elasticloadbalancing:CreateListener", alb],
                ["elasticloadbalancing:ModifyListener", listener],
                ["elasticloadbalancing:CreateRule", listener],
                ["elasticloadbalancing:ModifyRule", rule],
                ["elasticloadbalancing:DeleteRule", rule],
                ["wafv2:AssociateWebACL", alb],
                ["shield:GetSubscriptionState", "*"],
                ["ec2:CreateSecurityGroup", securityGroup, { "aws:RequestTag/elbv2.k8s.aws/cluster": "prod" }],
                ["ec2:CreateSecurityGroup", `arn:aws:ec2:${region}:${account}:vpc/vpc-0123456789abcdef0`],
                ["ec2:CreateTags", securityGroup, { "ec2:CreateAction": "CreateSecurityGroup", "aws:RequestTag/elbv2.k8s.aws/cluster": "prod" }],
                ["ec2:AuthorizeSecurityGroupIngress", securityGroup, ours],
                ["ec2:DeleteSecurityGroup", securityGroup, ours],
                // The cluster's (nodes') security group, opened to the load balancer.
                ["ec2:AuthorizeSecurityGroupIngress", securityGroup, { "aws:ResourceTag/kubernetes.io/cluster/prod": "owned" }],
                ["ec2:RevokeSecurityGroupIngress", securityGroup, { "aws:ResourceTag/kubernetes.io/cluster/prod": "owned" }],
                [
                    "iam:CreateServiceLinkedRole",
                    `arn:aws:iam::${account}:role/aws-service-role/elasticloadbalancing.amazonaws.com/AWSServiceRoleForElasticLoadBalancing`,
                    { "iam:AWSServiceName": "elasticloadbalancing.amazonaws.com" },
                ],
            ],
            [],
        );
    });

    it("refuses another cluster's or untagged load balancers, target groups and security groups", async () => {
        await assertCalls(
            permissions,
            [],
            [
                ["elasticloadbalancing:CreateLoadBalancer", alb, { "aws:RequestTag/elbv2.k8s.aws/cluster": "staging" }],
                ["elasticloadbalancing:CreateLoadBalancer", alb],
                ["elasticloadbalancing:DeleteLoadBalancer", alb, theirs],
                ["elasticloadbalancing:DeleteLoadBalancer", alb],
                ["elasticloadbalancing:ModifyTargetGroup", targetGroup, theirs],
                ["elasticloadbalancing:DeleteTargetGroup", targetGroup],
                ["elasticloadbalancing:RemoveTags", alb, theirs],
                // Re-tagging a load balancer into this cluster.
                ["elasticloadbalancing:AddTags", alb, { ...theirs, "aws:RequestTag/elbv2.k8s.aws/cluster": "prod" }],
                ["ec2:CreateSecurityGroup", securityGroup, { "aws:RequestTag/elbv2.k8s.aws/cluster": "staging" }],
                ["ec2:CreateSecurityGroup", securityGroup],
                ["ec2:AuthorizeSecurityGroupIngress", securityGroup],
                ["ec2:AuthorizeSecurityGroupIngress", securityGroup, theirs],
                ["ec2:AuthorizeSecurityGroupIngress", securityGroup, { "aws:ResourceTag/kubernetes.io/cluster/staging": "owned" }],
                ["ec2:DeleteSecurityGroup", securityGroup, { "aws:ResourceTag/kubernetes.io/cluster/prod": "owned" }],
                ["ec2:CreateTags", securityGroup, { ...ours, "aws:RequestTag/elbv2.k8s.aws/cluster": "staging" }],
            ],
        );
    });

    it("refuses IAM, compute and other services' writes it never needs", async () => {
        await assertCalls(
            permissions,
            [],
            [
                ["iam:CreateServiceLinkedRole", `arn:aws:iam::${account}:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling`, { "iam:AWSServiceName": "autoscaling.amazonaws.com" }],
                ["iam:CreateRole", `arn:aws:iam::${account}:role/escalate`],
                ["iam:PassRole", `arn:aws:iam::${account}:role/admin`],
                ["ec2:RunInstances", `arn:aws:ec2:${region}:${account}:instance/i-0123456789abcdef0`],
                ["ec2:TerminateInstances", `arn:aws:ec2:${region}:${account}:instance/i-0123456789abcdef0`],
                ["ec2:DeleteVpc", `arn:aws:ec2:${region}:${account}:vpc/vpc-0123456789abcdef0`],
                ["acm:DeleteCertificate", `arn:aws:acm:${region}:${account}:certificate/12345678-1234-1234-1234-123456789012`],
                ["wafv2:DeleteWebACL", `arn:aws:wafv2:${region}:${account}:regional/webacl/acl/0123`],
            ],
        );
    });

    it("refuses an invalid cluster name and a cluster name that is not a plain string", () => {
        assertRefusedScope(() => addons.awsLoadBalancerController({ clusterName: "prod cluster" }), /^awsLoadBalancerController\.clusterName "prod cluster" is invalid: an EKS cluster name/);
        assertRefusedScope(
            () => addons.awsLoadBalancerController({ clusterName: pulumi.output("prod") as unknown as string }),
            /^awsLoadBalancerController\.clusterName is invalid: expected a plain string, not an Output/,
        );
    });
});

describe("addons.externalDns", () => {
    it("changes records in the given zones only, for external-dns/external-dns", async () => {
        const permissions = addons.externalDns({ hostedZoneIds: [zone] });
        assert.deepEqual(permissions.serviceAccount, { namespace: "external-dns", serviceAccountName: "external-dns" });
        assert.equal(permissions.allowBroadPermissions, true);
        await assertCalls(
            permissions,
            [
                ["route53:ListHostedZones", "*"],
                ["route53:ListResourceRecordSets", `arn:aws:route53:::hostedzone/${zone}`],
                ["route53:ListTagsForResources", `arn:aws:route53:::hostedzone/${zone}`],
                ["route53:ChangeResourceRecordSets", `arn:aws:route53:::hostedzone/${zone}`],
            ],
            [
                ["route53:ChangeResourceRecordSets", `arn:aws:route53:::hostedzone/${otherZone}`],
                ["route53:ListResourceRecordSets", `arn:aws:route53:::hostedzone/${otherZone}`],
                ["route53:DeleteHostedZone", `arn:aws:route53:::hostedzone/${zone}`],
                ["route53:ChangeTagsForResource", `arn:aws:route53:::hostedzone/${zone}`],
                ["route53:AssociateVPCWithHostedZone", `arn:aws:route53:::hostedzone/${zone}`],
                ["iam:CreateRole", `arn:aws:iam::${account}:role/escalate`],
            ],
        );
    });

    it("writes zone ARNs of the role's partition", async () => {
        const [changes] = (await documentOf(addons.externalDns({ hostedZoneIds: [zone, otherZone], partition: "aws-cn" }))).Statement;
        assert.deepEqual(changes.Resource, [`arn:aws-cn:route53:::hostedzone/${zone}`, `arn:aws-cn:route53:::hostedzone/${otherZone}`]);
    });

    it("refuses an empty list, malformed zone IDs and duplicates, naming the entry", () => {
        assertRefusedScope(() => addons.externalDns({ hostedZoneIds: [] }), /^externalDns\.hostedZoneIds is invalid: it must name at least one entry$/);
        assertRefusedScope(() => addons.externalDns({ hostedZoneIds: ["Z12"] }), /^externalDns\.hostedZoneIds\[0\] "Z12" is invalid: a Route 53 hosted zone ID is/);
        assertRefusedScope(() => addons.externalDns({ hostedZoneIds: [zone, `/hostedzone/${zone}`] }), /^externalDns\.hostedZoneIds\[1\] /);
        assertRefusedScope(() => addons.externalDns({ hostedZoneIds: ["example.com"] }), /^externalDns\.hostedZoneIds\[0\] "example\.com" is invalid/);
        assertRefusedScope(() => addons.externalDns({ hostedZoneIds: ["*"] }), /^externalDns\.hostedZoneIds\[0\] "\*" is invalid/);
        assertRefusedScope(() => addons.externalDns({ hostedZoneIds: [zone, zone] }), /^externalDns\.hostedZoneIds "Z0123456789ABCDEFGHIJ" is invalid: each entry may appear only once/);
        assertRefusedScope(() => addons.externalDns({ hostedZoneIds: [zone], partition: "amazon" }), /^externalDns\.partition "amazon" is invalid/);
        assertRefusedScope(() => addons.externalDns({ hostedZoneIds: [zone], namespace: "External-DNS" }), /^externalDns\.namespace "External-DNS" is invalid/);
    });

    it("checks a zone ID that is an Output once it is known, with the same message", async () => {
        const permissions = addons.externalDns({ hostedZoneIds: [pulumi.output("Z12")] });
        await assert.rejects(resolvedStatements(permissions.policyStatements), /externalDns\.hostedZoneIds\[0\] "Z12" is invalid: a Route 53 hosted zone ID is/);
        const [changes] = (await documentOf(addons.externalDns({ hostedZoneIds: [pulumi.output(zone)] }))).Statement;
        assert.equal(changes.Resource, `arn:aws:route53:::hostedzone/${zone}`);
    });
});

describe("addons.certManager", () => {
    const challenge = (overrides: ContextValues = {}): ContextValues => ({
        "route53:ChangeResourceRecordSetsRecordTypes": ["TXT"],
        "route53:ChangeResourceRecordSetsActions": ["UPSERT"],
        "route53:ChangeResourceRecordSetsNormalizedRecordNames": ["_acme-challenge.www.example.com"],
        ...overrides,
    });

    it("answers DNS-01 challenges in the given zones: TXT records named _acme-challenge, UPSERT and DELETE only", async () => {
        const permissions = addons.certManager({ hostedZoneIds: [zone] });
        assert.deepEqual(permissions.serviceAccount, { namespace: "cert-manager", serviceAccountName: "cert-manager" });
        await assertCalls(
            permissions,
            [
                ["route53:GetChange", "arn:aws:route53:::change/C2682N5HXP0BZ4"],
                ["route53:ListHostedZonesByName", "*"],
                ["route53:ListResourceRecordSets", `arn:aws:route53:::hostedzone/${zone}`],
                ["route53:ChangeResourceRecordSets", `arn:aws:route53:::hostedzone/${zone}`, challenge()],
                ["route53:ChangeResourceRecordSets", `arn:aws:route53:::hostedzone/${zone}`, challenge({ "route53:ChangeResourceRecordSetsActions": ["DELETE"] })],
            ],
            [
                ["route53:ChangeResourceRecordSets", `arn:aws:route53:::hostedzone/${otherZone}`, challenge()],
                ["route53:ChangeResourceRecordSets", `arn:aws:route53:::hostedzone/${zone}`, challenge({ "route53:ChangeResourceRecordSetsRecordTypes": ["A"] })],
                ["route53:ChangeResourceRecordSets", `arn:aws:route53:::hostedzone/${zone}`, challenge({ "route53:ChangeResourceRecordSetsRecordTypes": ["TXT", "CNAME"] })],
                [
                    "route53:ChangeResourceRecordSets",
                    `arn:aws:route53:::hostedzone/${zone}`,
                    challenge({ "route53:ChangeResourceRecordSetsNormalizedRecordNames": ["www.example.com"] }),
                ],
                ["route53:ChangeResourceRecordSets", `arn:aws:route53:::hostedzone/${zone}`, challenge({ "route53:ChangeResourceRecordSetsActions": ["CREATE"] })],
                ["route53:DeleteHostedZone", `arn:aws:route53:::hostedzone/${zone}`],
            ],
        );
    });

    it("leaves out the zone lookup, and with it every '*' resource, when the Issuers name their zones", async () => {
        const permissions = addons.certManager({ hostedZoneIds: [zone], listHostedZonesByName: false });
        assert.equal(permissions.allowBroadPermissions, undefined);
        await assertCalls(permissions, [], [["route53:ListHostedZonesByName", "*"]]);
    });

    it("refuses an empty zone list", () => {
        assertRefusedScope(() => addons.certManager({ hostedZoneIds: [] }), /^certManager\.hostedZoneIds is invalid: it must name at least one entry$/);
    });
});

describe("addons.clusterAutoscaler", () => {
    const permissions = addons.clusterAutoscaler({ clusterName: "prod" });
    const group = `arn:aws:autoscaling:${region}:${account}:autoScalingGroup:8e9f2f5c-1d2b-4c3a-9f8e-123456789abc:autoScalingGroupName/eks-workers-1`;
    const ours = { "aws:ResourceTag/k8s.io/cluster-autoscaler/enabled": "true", "aws:ResourceTag/k8s.io/cluster-autoscaler/prod": "owned" };

    it("scales this cluster's enabled Auto Scaling groups, for kube-system/cluster-autoscaler", async () => {
        assert.deepEqual(permissions.serviceAccount, { namespace: "kube-system", serviceAccountName: "cluster-autoscaler" });
        await assertCalls(
            permissions,
            [
                ["autoscaling:DescribeAutoScalingGroups", "*"],
                ["autoscaling:DescribeScalingActivities", "*"],
                ["ec2:DescribeInstanceTypes", "*"],
                ["ec2:DescribeLaunchTemplateVersions", "*"],
                ["ec2:GetInstanceTypesFromInstanceRequirements", "*"],
                ["eks:DescribeNodegroup", `arn:aws:eks:${region}:${account}:nodegroup/prod/workers/0ac5e8b4-2a4f-4b6c-8d9e-0123456789ab`],
                ["autoscaling:SetDesiredCapacity", group, ours],
                ["autoscaling:TerminateInstanceInAutoScalingGroup", group, ours],
            ],
            [
                ["autoscaling:SetDesiredCapacity", group, { "aws:ResourceTag/k8s.io/cluster-autoscaler/enabled": "true", "aws:ResourceTag/k8s.io/cluster-autoscaler/staging": "owned" }],
                ["autoscaling:SetDesiredCapacity", group, { "aws:ResourceTag/k8s.io/cluster-autoscaler/prod": "owned" }],
                ["autoscaling:SetDesiredCapacity", group],
                ["autoscaling:TerminateInstanceInAutoScalingGroup", group, { "aws:ResourceTag/k8s.io/cluster-autoscaler/enabled": "false", "aws:ResourceTag/k8s.io/cluster-autoscaler/prod": "owned" }],
                ["autoscaling:UpdateAutoScalingGroup", group, ours],
                ["autoscaling:DeleteAutoScalingGroup", group, ours],
                ["eks:DescribeNodegroup", `arn:aws:eks:${region}:${account}:nodegroup/staging/workers/0ac5e8b4-2a4f-4b6c-8d9e-0123456789ab`],
                ["ec2:TerminateInstances", `arn:aws:ec2:${region}:${account}:instance/i-0123456789abcdef0`],
                ["iam:PassRole", `arn:aws:iam::${account}:role/admin`],
            ],
        );
    });

    it("refuses an invalid cluster name", () => {
        assertRefusedScope(() => addons.clusterAutoscaler({ clusterName: "" }), /^clusterAutoscaler\.clusterName "" is invalid: an EKS cluster name/);
        assertRefusedScope(() => addons.clusterAutoscaler({ clusterName: "prod/*" }), /^clusterAutoscaler\.clusterName "prod\/\*" is invalid/);
    });
});

describe("addons.karpenter", () => {
    const nodeRoleArn = `arn:aws:iam::${account}:role/KarpenterNodeRole-prod`;
    const interruptionQueueArn = `arn:aws:sqs:${region}:${account}:prod`;
    const permissions = addons.karpenter({ clusterName: "prod", nodeRoleArn, interruptionQueueArn });
    const ec2 = (resource: string) => `arn:aws:ec2:${region}:${account}:${resource}`;
    const instance = ec2("instance/i-0123456789abcdef0");
    const launchTags = {
        "aws:RequestTag/kubernetes.io/cluster/prod": "owned",
        "aws:RequestTag/eks:eks-cluster-name": "prod",
        "aws:RequestTag/karpenter.sh/nodepool": "default",
    };
    const ours = { "aws:ResourceTag/kubernetes.io/cluster/prod": "owned", "aws:ResourceTag/karpenter.sh/nodepool": "default" };
    const profile = `arn:aws:iam::${account}:instance-profile/prod_1234567890`;
    const profileTags = {
        "aws:RequestTag/kubernetes.io/cluster/prod": "owned",
        "aws:RequestTag/eks:eks-cluster-name": "prod",
        "aws:RequestTag/topology.kubernetes.io/region": region,
        "aws:RequestTag/karpenter.k8s.aws/ec2nodeclass": "default",
    };
    const ownProfile = {
        "aws:ResourceTag/kubernetes.io/cluster/prod": "owned",
        "aws:ResourceTag/topology.kubernetes.io/region": region,
        "aws:ResourceTag/karpenter.k8s.aws/ec2nodeclass": "default",
    };

    it("launches, tags and terminates this cluster's nodes, passes the node role, reads its queue, for kube-system/karpenter", async () => {
        assert.deepEqual(permissions.serviceAccount, { namespace: "kube-system", serviceAccountName: "karpenter" });
        await assertCalls(
            permissions,
            [
                ["ec2:DescribeInstanceTypes", "*", { "aws:RequestedRegion": region }],
                ["ec2:DescribeSubnets", "*", { "aws:RequestedRegion": region }],
                ["pricing:GetProducts", "*"],
                ["ec2:RunInstances", `arn:aws:ec2:${region}::image/ami-0123456789abcdef0`],
                ["ec2:RunInstances", ec2("subnet/subnet-0123456789abcdef0")],
                ["ec2:CreateFleet", ec2("launch-template/lt-0123456789abcdef0"), ours],
                ["ec2:CreateFleet", ec2("fleet/fleet-0123456789abcdef0"), launchTags],
                ["ec2:RunInstances", instance, launchTags],
                ["ec2:CreateTags", instance, { ...launchTags, "ec2:CreateAction": "RunInstances" }],
                ["ec2:CreateTags", instance, { ...ours, "aws:TagKeys": ["karpenter.sh/nodeclaim"] }],
                ["ec2:TerminateInstances", instance, ours],
                ["ec2:DeleteLaunchTemplate", ec2("launch-template/lt-0123456789abcdef0"), ours],
                ["iam:PassRole", nodeRoleArn, { "iam:PassedToService": "ec2.amazonaws.com" }],
                ["iam:ListInstanceProfiles", "*"],
                ["iam:GetInstanceProfile", profile],
                ["iam:CreateInstanceProfile", profile, profileTags],
                ["iam:AddRoleToInstanceProfile", profile, ownProfile],
                ["iam:DeleteInstanceProfile", profile, ownProfile],
                ["eks:DescribeCluster", `arn:aws:eks:${region}:${account}:cluster/prod`],
                ["sqs:ReceiveMessage", interruptionQueueArn],
                ["sqs:DeleteMessage", interruptionQueueArn],
            ],
            [],
        );
    });

    it("reads AWS's public parameters of the cluster's region (AMI IDs): the simulator cannot evaluate their account-less ARNs", async () => {
        const policy = await documentOf(permissions);
        const reads = policy.Statement.filter((each) => each.Action === "ssm:GetParameter");
        assert.deepEqual(
            reads.map((each) => each.Resource),
            [`arn:aws:ssm:${region}::parameter/aws/service/*`],
        );
    });

    it("refuses another cluster's nodes, other roles, other regions and what Karpenter never does", async () => {
        await assertCalls(
            permissions,
            [],
            [
                ["ec2:TerminateInstances", instance, { "aws:ResourceTag/kubernetes.io/cluster/staging": "owned", "aws:ResourceTag/karpenter.sh/nodepool": "default" }],
                // A managed node group's instance of this cluster: not Karpenter's.
                ["ec2:TerminateInstances", instance, { "aws:ResourceTag/kubernetes.io/cluster/prod": "owned" }],
                ["ec2:RunInstances", instance, { ...launchTags, "aws:RequestTag/eks:eks-cluster-name": "staging" }],
                ["ec2:RunInstances", instance],
                ["ec2:CreateTags", instance, { ...ours, "aws:TagKeys": ["kubernetes.io/cluster/staging"] }],
                ["ec2:DescribeInstances", "*", { "aws:RequestedRegion": "eu-west-1" }],
                ["iam:PassRole", `arn:aws:iam::${account}:role/admin`, { "iam:PassedToService": "ec2.amazonaws.com" }],
                ["iam:PassRole", nodeRoleArn, { "iam:PassedToService": "lambda.amazonaws.com" }],
                ["iam:DeleteInstanceProfile", profile, { ...ownProfile, "aws:ResourceTag/kubernetes.io/cluster/prod": "shared" }],
                ["iam:CreateRole", `arn:aws:iam::${account}:role/escalate`],
                ["iam:AttachRolePolicy", nodeRoleArn],
                ["eks:DescribeCluster", `arn:aws:eks:${region}:${account}:cluster/staging`],
                ["sqs:ReceiveMessage", `arn:aws:sqs:${region}:${account}:staging`],
                ["sqs:DeleteQueue", interruptionQueueArn],
                ["ssm:GetParameter", `arn:aws:ssm:${region}:${account}:parameter/prod/db/password`],
            ],
        );
    });

    it("refuses a malformed queue or role ARN, and a role of another partition", () => {
        assertRefusedScope(() => addons.karpenter({ clusterName: "prod", nodeRoleArn, interruptionQueueArn: "prod" }), /^karpenter\.interruptionQueueArn "prod" is invalid: expected an SQS queue ARN/);
        assertRefusedScope(
            () => addons.karpenter({ clusterName: "prod", nodeRoleArn: `arn:aws:iam::${account}:role/*`, interruptionQueueArn }),
            /^karpenter\.nodeRoleArn "arn:aws:iam::111122223333:role\/\*" is invalid: expected an IAM role ARN/,
        );
        assertRefusedScope(
            () => addons.karpenter({ clusterName: "prod", nodeRoleArn: `arn:aws-cn:iam::${account}:role/node`, interruptionQueueArn }),
            /^karpenter\.nodeRoleArn .* another AWS partition/,
        );
    });
});

describe("addons.externalSecrets", () => {
    const secrets = `arn:aws:secretsmanager:${region}:${account}:secret:prod/payments/*`;
    const parameters = `arn:aws:ssm:${region}:${account}:parameter/prod/payments/*`;
    const permissions = addons.externalSecrets({ secretArns: [secrets], parameterArns: [parameters], kmsKeyArns: [keyArn] });

    it("reads the given secrets and parameters, decrypting only through Secrets Manager and SSM, for external-secrets/external-secrets", async () => {
        assert.deepEqual(permissions.serviceAccount, { namespace: "external-secrets", serviceAccountName: "external-secrets" });
        assert.equal(permissions.allowBroadPermissions, undefined);
        await assertCalls(
            permissions,
            [
                ["secretsmanager:GetSecretValue", `arn:aws:secretsmanager:${region}:${account}:secret:prod/payments/db-AbCdEf`],
                ["secretsmanager:DescribeSecret", `arn:aws:secretsmanager:${region}:${account}:secret:prod/payments/db-AbCdEf`],
                ["ssm:GetParameter", `arn:aws:ssm:${region}:${account}:parameter/prod/payments/db`],
                ["ssm:GetParametersByPath", `arn:aws:ssm:${region}:${account}:parameter/prod/payments/db`],
                ["kms:Decrypt", keyArn, { "kms:ViaService": `secretsmanager.${region}.amazonaws.com` }],
                ["kms:Decrypt", keyArn, { "kms:ViaService": `ssm.${region}.amazonaws.com` }],
            ],
            [
                ["secretsmanager:GetSecretValue", `arn:aws:secretsmanager:${region}:${account}:secret:prod/billing/db-AbCdEf`],
                ["secretsmanager:PutSecretValue", `arn:aws:secretsmanager:${region}:${account}:secret:prod/payments/db-AbCdEf`],
                ["secretsmanager:DeleteSecret", `arn:aws:secretsmanager:${region}:${account}:secret:prod/payments/db-AbCdEf`],
                ["secretsmanager:ListSecrets", "*"],
                ["ssm:GetParameter", `arn:aws:ssm:${region}:${account}:parameter/prod/billing/db`],
                ["ssm:PutParameter", `arn:aws:ssm:${region}:${account}:parameter/prod/payments/db`],
                ["kms:Decrypt", keyArn],
                ["kms:Decrypt", keyArn, { "kms:ViaService": `s3.${region}.amazonaws.com` }],
                ["kms:Decrypt", otherKeyArn, { "kms:ViaService": `secretsmanager.${region}.amazonaws.com` }],
                ["kms:Encrypt", keyArn, { "kms:ViaService": `secretsmanager.${region}.amazonaws.com` }],
            ],
        );
    });

    it("refuses nothing to read and wildcards other than a trailing one", () => {
        assertRefusedScope(() => addons.externalSecrets({}), /^externalSecrets\.secretArns is invalid: name at least one secret/);
        assertRefusedScope(
            () => addons.externalSecrets({ secretArns: [`arn:aws:secretsmanager:${region}:${account}:secret:*`] }),
            /^externalSecrets\.secretArns\[0\] ".*secret:\*" is invalid: expected a Secrets Manager secret ARN/,
        );
        assertRefusedScope(
            () => addons.externalSecrets({ parameterArns: [`arn:aws:ssm:${region}:${account}:parameter/prod/*/password`] }),
            /^externalSecrets\.parameterArns\[0\] .* is invalid: expected an SSM parameter ARN/,
        );
    });
});

describe("addons.velero", () => {
    const bucket = "arn:aws:s3:::platform-backups";
    const volume = `arn:aws:ec2:${region}:${account}:volume/vol-0123456789abcdef0`;
    const snapshot = `arn:aws:ec2:${region}::snapshot/snap-0123456789abcdef0`;

    it("backs up under its prefix of the bucket and snapshots volumes, for velero/velero-server", async () => {
        const permissions = addons.velero({ bucketArn: bucket, prefix: "cluster-a/" });
        assert.deepEqual(permissions.serviceAccount, { namespace: "velero", serviceAccountName: "velero-server" });
        assert.equal(permissions.allowBroadPermissions, true);
        await assertCalls(
            permissions,
            [
                ["s3:PutObject", `${bucket}/cluster-a/backups/nightly/nightly.tar.gz`],
                ["s3:GetObject", `${bucket}/cluster-a/backups/nightly/velero-backup.json`],
                ["s3:DeleteObject", `${bucket}/cluster-a/backups/nightly/nightly.tar.gz`],
                ["s3:ListBucket", bucket, { "s3:prefix": "cluster-a/backups/" }],
                ["ec2:DescribeVolumes", "*"],
                ["ec2:DescribeSnapshots", "*"],
                ["ec2:CreateSnapshot", volume],
                ["ec2:CreateSnapshot", snapshot],
                ["ec2:CreateTags", snapshot, { "ec2:CreateAction": "CreateSnapshot" }],
                ["ec2:CreateVolume", volume],
                ["ec2:CreateTags", volume, { "ec2:CreateAction": "CreateVolume" }],
                ["ec2:DeleteSnapshot", snapshot],
            ],
            [
                ["s3:PutObject", `${bucket}/cluster-b/backups/nightly/nightly.tar.gz`],
                ["s3:GetObject", "arn:aws:s3:::other-bucket/cluster-a/x"],
                ["s3:ListBucket", bucket, { "s3:prefix": "cluster-b/" }],
                ["s3:DeleteBucket", bucket],
                ["s3:PutBucketPolicy", bucket],
                ["ec2:CreateTags", snapshot],
                ["ec2:CreateTags", `arn:aws:ec2:${region}:${account}:instance/i-0123456789abcdef0`, { "ec2:CreateAction": "RunInstances" }],
                ["ec2:ModifySnapshotAttribute", snapshot],
                ["ec2:DeleteVolume", volume],
                ["ec2:TerminateInstances", `arn:aws:ec2:${region}:${account}:instance/i-0123456789abcdef0`],
            ],
        );
    });

    it("grants no EC2 and no '*' resource without volume snapshots", async () => {
        const permissions = addons.velero({ bucketArn: bucket, volumeSnapshots: false });
        assert.equal(permissions.allowBroadPermissions, undefined);
        await assertCalls(permissions, [["s3:GetObject", `${bucket}/backups/x`]], [["ec2:CreateSnapshot", volume], ["ec2:DescribeSnapshots", "*"]]);
    });

    it("refuses a malformed bucket ARN and prefix", () => {
        assertRefusedScope(() => addons.velero({ bucketArn: "platform-backups" }), /^velero\.bucketArn\[0\] "platform-backups" is invalid: expected an S3 bucket ARN/);
        assertRefusedScope(() => addons.velero({ bucketArn: bucket, prefix: "/cluster-a" }), /^velero\.prefix\[0\] "\/cluster-a" is invalid/);
    });
});

describe("addons.cloudWatchObservability", () => {
    it("attaches CloudWatchAgentServerPolicy and AWSXrayWriteOnlyAccess for amazon-cloudwatch/cloudwatch-agent", () => {
        assert.deepEqual(addons.cloudWatchObservability(), {
            serviceAccount: { namespace: "amazon-cloudwatch", serviceAccountName: "cloudwatch-agent" },
            policyArns: ["arn:aws:iam::aws:policy/CloudWatchAgentServerPolicy", "arn:aws:iam::aws:policy/AWSXrayWriteOnlyAccess"],
            policyStatements: [],
        });
        assert.deepEqual(addons.cloudWatchObservability({ xray: false, partition: "aws-cn" }).policyArns, ["arn:aws-cn:iam::aws:policy/CloudWatchAgentServerPolicy"]);
    });
});

describe("addons.managedPrometheus", () => {
    const workspace = `arn:aws:aps:${region}:${account}:workspace/ws-0123abcd-4567-89ef-0123-456789abcdef`;
    const otherWorkspace = `arn:aws:aps:${region}:${account}:workspace/ws-ffffabcd-4567-89ef-0123-456789abcdef`;

    it("remote-writes to the given workspaces only, without querying by default", async () => {
        const permissions = addons.managedPrometheus({ workspaceArns: [workspace] });
        assert.deepEqual(permissions.serviceAccount, { namespace: "prometheus", serviceAccountName: "amp-iamproxy-ingest-service-account" });
        await assertCalls(
            permissions,
            [["aps:RemoteWrite", workspace]],
            [
                ["aps:RemoteWrite", otherWorkspace],
                ["aps:QueryMetrics", workspace],
                ["aps:DeleteWorkspace", workspace],
                ["aps:CreateWorkspace", "*"],
            ],
        );
    });

    it("queries when asked", async () => {
        await assertCalls(
            addons.managedPrometheus({ workspaceArns: [workspace], remoteWrite: false, query: true }),
            [
                ["aps:QueryMetrics", workspace],
                ["aps:GetSeries", workspace],
                ["aps:GetLabels", workspace],
                ["aps:GetMetricMetadata", workspace],
            ],
            [
                ["aps:RemoteWrite", workspace],
                ["aps:QueryMetrics", otherWorkspace],
            ],
        );
    });

    it("refuses no workspace, a malformed ARN, and a role that could do nothing", () => {
        assertRefusedScope(() => addons.managedPrometheus({ workspaceArns: [] }), /^managedPrometheus\.workspaceArns is invalid: it must name at least one entry$/);
        assertRefusedScope(() => addons.managedPrometheus({ workspaceArns: ["ws-0123"] }), /^managedPrometheus\.workspaceArns\[0\] "ws-0123" is invalid/);
        assertRefusedScope(() => addons.managedPrometheus({ workspaceArns: [workspace], remoteWrite: false }), /^managedPrometheus\.remoteWrite is invalid/);
    });
});

/** One call of every function, with the scope a user would give. */
function catalogue(partition = "aws"): [string, addons.AddonPermissions][] {
    const arn = (rest: string) => `arn:${partition}:${rest}`;
    return [
        ["vpcCni ipv4", addons.vpcCni({ partition })],
        ["vpcCni ipv6", addons.vpcCni({ ipFamily: "ipv6", partition })],
        ["ebsCsiDriver", addons.ebsCsiDriver({ kmsKeyArns: [arn(`kms:${region}:${account}:key/1234abcd-12ab-34cd-56ef-1234567890ab`)], partition })],
        ["efsCsiDriver", addons.efsCsiDriver({ partition })],
        ["mountpointS3CsiDriver", addons.mountpointS3CsiDriver({ bucketArns: [arn("s3:::team-data")], keyPrefixes: ["models/"] })],
        ["awsLoadBalancerController", addons.awsLoadBalancerController({ clusterName: "prod", partition })],
        ["externalDns", addons.externalDns({ hostedZoneIds: [zone], partition })],
        ["certManager", addons.certManager({ hostedZoneIds: [zone], partition })],
        ["clusterAutoscaler", addons.clusterAutoscaler({ clusterName: "prod", partition })],
        [
            "karpenter",
            addons.karpenter({ clusterName: "prod", nodeRoleArn: arn(`iam::${account}:role/KarpenterNodeRole-prod`), interruptionQueueArn: arn(`sqs:${region}:${account}:prod`) }),
        ],
        [
            "externalSecrets",
            addons.externalSecrets({
                secretArns: [arn(`secretsmanager:${region}:${account}:secret:prod/*`)],
                parameterArns: [arn(`ssm:${region}:${account}:parameter/prod/*`)],
                kmsKeyArns: [arn(`kms:${region}:${account}:key/1234abcd-12ab-34cd-56ef-1234567890ab`)],
            }),
        ],
        ["velero", addons.velero({ bucketArn: arn("s3:::platform-backups"), kmsKeyArns: [arn(`kms:${region}:${account}:key/1234abcd-12ab-34cd-56ef-1234567890ab`)], partition })],
        ["cloudWatchObservability", addons.cloudWatchObservability({ partition })],
        ["managedPrometheus", addons.managedPrometheus({ workspaceArns: [arn(`aps:${region}:${account}:workspace/ws-0123abcd`)], query: true })],
        ["vpcCni with network policy logs", addons.vpcCni({ networkPolicyLogsClusterName: "prod", partition })],
        ["awsLoadBalancerControllerTargetGroupBinding", addons.awsLoadBalancerControllerTargetGroupBinding({ targetGroupArns: [arn(`elasticloadbalancing:${region}:${account}:targetgroup/prod/0123456789abcdef`)], partition })],
        ["gatewayApiController", addons.gatewayApiController({ accessLogBucketArns: [arn("s3:::lattice-logs")], accessLogDeliveryStreamArns: [arn(`firehose:${region}:${account}:deliverystream/lattice`)], partition })],
        ["fsxLustreCsiDriver", addons.fsxLustreCsiDriver({ dataRepositoryBucketArns: [arn("s3:::training-data")], partition })],
        ["fsxOpenZfsCsiDriver", addons.fsxOpenZfsCsiDriver({ partition })],
        ["privateCaIssuer", addons.privateCaIssuer({ certificateAuthorityArns: [arn(`acm-pca:${region}:${account}:certificate-authority/11223344-5566-7788-9900-aabbccddeeff`)], partition })],
        ["clusterAutoscaler for two clusters", addons.clusterAutoscaler({ clusterName: "prod", additionalClusterNames: ["prod-blue"], partition })],
        ["nodeTerminationHandler", addons.nodeTerminationHandler({ queueArns: [arn(`sqs:${region}:${account}:nth`)], clusterName: "prod", partition })],
        ["externalSecrets with PushSecret", addons.externalSecrets({ pushSecretArns: [arn(`secretsmanager:${region}:${account}:secret:pushed/*`)] })],
        ["fluentBit", addons.fluentBit({ logGroupArns: [arn(`logs:${region}:${account}:log-group:/aws/eks/prod/*`)], deliveryStreamArns: [arn(`firehose:${region}:${account}:deliverystream/logs`)] })],
    ];
}

describe("the add-on catalogue as a whole", () => {
    it("grants only actions IAM has (a misspelt or API-only name would grant nothing)", async () => {
        for (const [name, permissions] of catalogue()) {
            for (const action of permissions.policyStatements.flatMap((each) => each.actions)) {
                await isWildcardOnly(action).catch((error: Error) => assert.fail(`${name}: ${action}: ${error.message}`));
            }
        }
    });

    it("never grants every action, or every action of a service", () => {
        for (const [name, permissions] of catalogue()) {
            for (const each of permissions.policyStatements) {
                for (const action of each.actions) {
                    assert.match(action, /^[a-z0-9-]+:[A-Za-z0-9]+$/, `${name}: ${action} is a wildcard or malformed`);
                }
            }
        }
    });

    it("uses '*' resources only for actions AWS cannot scope (or under a condition), never for IAM writes, and says so with allowBroadPermissions", async () => {
        for (const [name, permissions] of catalogue()) {
            const broad = permissions.policyStatements.filter((each) => each.resources.includes("*"));
            assert.equal(permissions.allowBroadPermissions, broad.length > 0 ? true : undefined, name);
            for (const each of broad) {
                assert.deepEqual(each.resources, ["*"], `${name}: "*" is mixed with ARNs`);
                for (const action of each.actions) {
                    const unscopable = await isWildcardOnly(action);
                    assert.ok(unscopable || (each.conditions ?? []).length > 0, `${name}: ${action} can be scoped to a resource but is granted on "*"`);
                    if (action.startsWith("iam:") || action.startsWith("ec2:")) {
                        assert.match(action, /^(iam|ec2):(List|Get|Describe)/, `${name}: ${action} writes on "*"`);
                    }
                }
            }
        }
    });

    it("writes every ARN in the role's partition", async () => {
        for (const [name, permissions] of catalogue("aws-us-gov")) {
            const arns = [
                ...(await Promise.all(permissions.policyArns.map(resolved))),
                ...(await resolvedStatements(permissions.policyStatements)).flatMap((each) => each.resources.filter((resource) => resource !== "*")),
            ];
            for (const each of arns) {
                assert.match(each, /^arn:aws-us-gov:/, `${name}: ${each}`);
            }
        }
    });

    it("gives each add-on a valid default ServiceAccount, and takes an override", () => {
        for (const [name, permissions] of catalogue()) {
            assert.match(permissions.serviceAccount.namespace, /^[a-z0-9-]+$/, name);
            assert.match(permissions.serviceAccount.serviceAccountName, /^[a-z0-9-]+$/, name);
        }
        assert.deepEqual(addons.externalDns({ hostedZoneIds: [zone], namespace: "dns", serviceAccountName: "external-dns-public" }).serviceAccount, {
            namespace: "dns",
            serviceAccountName: "external-dns-public",
        });
        assertRefusedScope(() => addons.karpenter({ clusterName: "prod", nodeRoleArn: "x", interruptionQueueArn: "y", serviceAccountName: "Karpenter" }), /^karpenter\.serviceAccountName "Karpenter" is invalid/);
    });

    it("passes the bindings' own statement and managed-policy checks, needing the broad opt-in exactly where it is set", async () => {
        for (const [name, permissions] of catalogue()) {
            const statements = await resolvedStatements(permissions.policyStatements);
            const optIn = permissions.allowBroadPermissions ?? false;
            assert.equal(checkPolicyStatements("policyStatements", statements, optIn), undefined, name);
            if (optIn) {
                assert.match(checkPolicyStatements("policyStatements", statements, false) ?? "", /set allowBroadPermissions to true/, name);
            }
            for (const arn of await Promise.all(permissions.policyArns.map(resolved))) {
                assert.equal(checkManagedPolicyBreadth("policyArns", arn, false), undefined, `${name}: ${arn}`);
            }
        }
    });

    it("fits IAM's limit on a role's inline policies", async () => {
        for (const [name, permissions] of catalogue()) {
            const length = policyLength(await documentOf(permissions));
            assert.ok(length <= inlinePolicyLengthLimit, `${name}: ${length} characters`);
        }
    });

    it("writes the same policy from Outputs (other resources' ARNs, the looked-up partition) as from plain values", async () => {
        const out = (value: string) => pulumi.output(value);
        const key = `arn:aws:kms:${region}:${account}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
        const pairs: [string, addons.AddonPermissions, addons.AddonPermissions][] = [
            [
                "karpenter",
                addons.karpenter({ clusterName: "prod", nodeRoleArn: `arn:aws:iam::${account}:role/node`, interruptionQueueArn: `arn:aws:sqs:${region}:${account}:prod` }),
                addons.karpenter({ clusterName: "prod", nodeRoleArn: out(`arn:aws:iam::${account}:role/node`), interruptionQueueArn: out(`arn:aws:sqs:${region}:${account}:prod`) }),
            ],
            [
                "externalSecrets",
                addons.externalSecrets({ secretArns: [`arn:aws:secretsmanager:${region}:${account}:secret:prod/db-AbCdEf`], kmsKeyArns: [key] }),
                addons.externalSecrets({ secretArns: [out(`arn:aws:secretsmanager:${region}:${account}:secret:prod/db-AbCdEf`)], kmsKeyArns: [out(key)] }),
            ],
            ["ebsCsiDriver", addons.ebsCsiDriver({ kmsKeyArns: [key] }), addons.ebsCsiDriver({ kmsKeyArns: [out(key)], partition: out("aws") })],
            [
                "velero",
                addons.velero({ bucketArn: "arn:aws:s3:::backups", prefix: "a/" }),
                addons.velero({ bucketArn: out("arn:aws:s3:::backups"), prefix: "a/", partition: out("aws") }),
            ],
            ["awsLoadBalancerController", addons.awsLoadBalancerController({ clusterName: "prod" }), addons.awsLoadBalancerController({ clusterName: "prod", partition: out("aws") })],
        ];
        for (const [name, plain, outputs] of pairs) {
            assert.deepEqual(await documentOf(outputs), await documentOf(plain), name);
            assert.deepEqual(await Promise.all(outputs.policyArns.map(resolved)), plain.policyArns, name);
        }
    });

    it("turns permissions into binding arguments", () => {
        const permissions = addons.externalDns({ hostedZoneIds: [zone] });
        assert.deepEqual(addons.bindingArgsOf(permissions), {
            namespace: "external-dns",
            serviceAccountName: "external-dns",
            policyArns: [],
            policyStatements: permissions.policyStatements,
        });
        assert.equal(permissions.allowBroadPermissions, true, "the add-on's opt-in is the permissions', carried by its statements, not an argument to spread");
        assert.ok(Object.isFrozen(permissions.policyStatements[0]) && Object.isFrozen(permissions.policyStatements[0].actions), "the catalogue's statements are frozen");
    });
});
