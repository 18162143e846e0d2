/**
 * The add-ons the catalogue took from what other tools cover (terraform-aws-modules' IRSA and Pod
 * Identity modules), each from its upstream's published policy and narrowed: judged with the IAM
 * evaluator on the calls the controller makes, and on calls outside the scope given.
 */
import * as assert from "node:assert/strict";

import { addons } from "../components/index";
import { assertCalls, assertRefusedScope } from "./addonCalls";

const account = "111122223333";
const region = "us-west-2";

describe("addons.nodeTerminationHandler", () => {
    const queue = `arn:aws:sqs:${region}:${account}:nth-events`;
    const group = `arn:aws:autoscaling:${region}:${account}:autoScalingGroup:8e9f2f5c-1d2b-4c3a-9f8e-123456789abc:autoScalingGroupName/eks-workers-1`;
    const tagged = { "aws:ResourceTag/kubernetes.io/cluster/prod": "owned" };

    it("reads and deletes the queue's messages and completes this cluster's lifecycle actions, for kube-system/aws-node-termination-handler", async () => {
        const permissions = addons.nodeTerminationHandler({ queueArns: [queue], clusterName: "prod" });
        assert.deepEqual(permissions.serviceAccount, { namespace: "kube-system", serviceAccountName: "aws-node-termination-handler" });
        await assertCalls(
            permissions,
            [
                ["sqs:ReceiveMessage", queue],
                ["sqs:DeleteMessage", queue],
                ["autoscaling:CompleteLifecycleAction", group, tagged],
                ["autoscaling:DescribeAutoScalingInstances", "*"],
                ["ec2:DescribeInstances", "*"],
            ],
            [
                ["sqs:ReceiveMessage", `arn:aws:sqs:${region}:${account}:other`],
                ["sqs:SendMessage", queue],
                ["sqs:PurgeQueue", queue],
                ["autoscaling:CompleteLifecycleAction", group],
                ["autoscaling:CompleteLifecycleAction", group, { "aws:ResourceTag/kubernetes.io/cluster/staging": "owned" }],
                ["autoscaling:SetDesiredCapacity", group, tagged],
                ["ec2:TerminateInstances", `arn:aws:ec2:${region}:${account}:instance/i-0123456789abcdef0`],
            ],
        );
    });

    it("needs a queue, and refuses wildcards and other partitions", () => {
        assertRefusedScope(() => addons.nodeTerminationHandler({ queueArns: [] }), /^nodeTerminationHandler\.queueArns is invalid: it must name at least one entry/);
        assertRefusedScope(() => addons.nodeTerminationHandler({ queueArns: [`arn:aws:sqs:${region}:${account}:*`] }), /^nodeTerminationHandler\.queueArns\[0\] /);
        assertRefusedScope(() => addons.nodeTerminationHandler({ queueArns: [queue], partition: "aws-cn" }), /^nodeTerminationHandler\.queueArns\[0\] .* partition/);
    });
});

describe("addons.privateCaIssuer", () => {
    const authority = `arn:aws:acm-pca:${region}:${account}:certificate-authority/11223344-5566-7788-9900-aabbccddeeff`;
    const template = (name: string) => ({ "acm-pca:TemplateArn": `arn:aws:acm-pca:::template/${name}` });

    it("issues end-entity certificates from the given authority only, never a subordinate CA unless asked", async () => {
        const permissions = addons.privateCaIssuer({ certificateAuthorityArns: [authority] });
        assert.deepEqual(permissions.serviceAccount, { namespace: "aws-privateca-issuer", serviceAccountName: "aws-privateca-issuer" });
        assert.equal(permissions.allowBroadPermissions, undefined);
        await assertCalls(
            permissions,
            [
                ["acm-pca:DescribeCertificateAuthority", authority],
                ["acm-pca:GetCertificate", authority],
                ["acm-pca:IssueCertificate", authority, template("EndEntityServerAuthCertificate/V1")],
                ["acm-pca:IssueCertificate", authority, template("BlankEndEntityCertificate_APICSRPassthrough/V1")],
            ],
            [
                ["acm-pca:IssueCertificate", authority, template("SubordinateCACertificate_PathLen0/V1")],
                ["acm-pca:IssueCertificate", authority, template("RootCACertificate/V1")],
                ["acm-pca:IssueCertificate", authority],
                ["acm-pca:IssueCertificate", `arn:aws:acm-pca:${region}:${account}:certificate-authority/00000000-5566-7788-9900-aabbccddeeff`, template("EndEntityCertificate/V1")],
                ["acm-pca:RevokeCertificate", authority],
                ["acm-pca:DeleteCertificateAuthority", authority],
            ],
        );
        await assertCalls(
            addons.privateCaIssuer({ certificateAuthorityArns: [authority], allowSubordinateCertificateAuthorities: true }),
            [["acm-pca:IssueCertificate", authority, template("SubordinateCACertificate_PathLen0/V1")]],
            [["acm-pca:IssueCertificate", authority, template("RootCACertificate/V1")]],
        );
    });

    it("refuses what is not a certificate authority's ARN", () => {
        assertRefusedScope(() => addons.privateCaIssuer({ certificateAuthorityArns: [`arn:aws:acm-pca:${region}:${account}:certificate-authority/*`] }), /^privateCaIssuer\.certificateAuthorityArns\[0\] /);
        assertRefusedScope(() => addons.privateCaIssuer({ certificateAuthorityArns: [] }), /^privateCaIssuer\.certificateAuthorityArns is invalid/);
    });
});

describe("addons.fsxLustreCsiDriver", () => {
    const fileSystem = `arn:aws:fsx:${region}:${account}:file-system/fs-0123456789abcdef0`;
    const driverTag = { "aws:RequestTag/CSIVolumeName": "pvc-1234" };
    const driversFileSystem = { "aws:ResourceTag/CSIVolumeName": "pvc-1234" };

    it("creates file systems with its tag and changes only those, lists only the data repository buckets, for kube-system/fsx-csi-controller-sa", async () => {
        const permissions = addons.fsxLustreCsiDriver({ dataRepositoryBucketArns: ["arn:aws:s3:::training-data"] });
        assert.deepEqual(permissions.serviceAccount, { namespace: "kube-system", serviceAccountName: "fsx-csi-controller-sa" });
        await assertCalls(
            permissions,
            [
                ["fsx:CreateFileSystem", fileSystem, driverTag],
                ["fsx:TagResource", fileSystem, driverTag],
                ["fsx:UpdateFileSystem", fileSystem, driversFileSystem],
                ["fsx:DeleteFileSystem", fileSystem, driversFileSystem],
                ["fsx:DescribeFileSystems", "*"],
                ["s3:ListBucket", "arn:aws:s3:::training-data"],
                ["iam:CreateServiceLinkedRole", `arn:aws:iam::${account}:role/aws-service-role/fsx.amazonaws.com/AWSServiceRoleForAmazonFSx`, { "iam:AWSServiceName": "fsx.amazonaws.com" }],
                ["iam:PutRolePolicy", `arn:aws:iam::${account}:role/aws-service-role/s3.data-source.lustre.fsx.amazonaws.com/AWSServiceRoleForFSxS3Access_fs-0123456789abcdef0`],
            ],
            [
                ["fsx:CreateFileSystem", fileSystem],
                ["fsx:DeleteFileSystem", fileSystem],
                ["fsx:UpdateFileSystem", fileSystem, { "aws:ResourceTag/team": "data" }],
                ["s3:ListBucket", "arn:aws:s3:::other-bucket"],
                ["s3:GetObject", "arn:aws:s3:::training-data/x"],
                ["iam:CreateServiceLinkedRole", `arn:aws:iam::${account}:role/aws-service-role/ec2.amazonaws.com/x`, { "iam:AWSServiceName": "ec2.amazonaws.com" }],
                ["iam:PutRolePolicy", `arn:aws:iam::${account}:role/admin`],
            ],
        );
    });

    it("leaves the S3 data repository's role and listing out without buckets", async () => {
        await assertCalls(
            addons.fsxLustreCsiDriver(),
            [["fsx:CreateFileSystem", fileSystem, driverTag]],
            [
                ["s3:ListBucket", "arn:aws:s3:::training-data"],
                ["iam:PutRolePolicy", `arn:aws:iam::${account}:role/aws-service-role/s3.data-source.lustre.fsx.amazonaws.com/AWSServiceRoleForFSxS3Access_fs-0123456789abcdef0`],
            ],
        );
    });
});

describe("addons.fsxOpenZfsCsiDriver", () => {
    const fileSystem = `arn:aws:fsx:${region}:${account}:file-system/fs-0123456789abcdef0`;
    const volume = `arn:aws:fsx:${region}:${account}:volume/fs-0123456789abcdef0/fsvol-0123456789abcdef0`;
    const snapshot = `arn:aws:fsx:${region}:${account}:snapshot/fsvol-0123456789abcdef0/fsvolsnap-0123456789abcdef0`;
    const driverTag = { "aws:RequestTag/fsx.openzfs.csi.aws.com/cluster": "true" };
    const driversOwn = { "aws:ResourceTag/fsx.openzfs.csi.aws.com/cluster": "true" };

    it("creates file systems, volumes and snapshots with its tag, and deletes only those, for kube-system/fsx-openzfs-csi-controller-sa", async () => {
        const permissions = addons.fsxOpenZfsCsiDriver();
        assert.deepEqual(permissions.serviceAccount, { namespace: "kube-system", serviceAccountName: "fsx-openzfs-csi-controller-sa" });
        await assertCalls(
            permissions,
            [
                ["fsx:CreateFileSystem", fileSystem, driverTag],
                ["fsx:CreateVolume", volume, driverTag],
                ["fsx:CreateSnapshot", snapshot, driverTag],
                ["fsx:DeleteVolume", volume, driversOwn],
                ["fsx:DeleteSnapshot", snapshot, driversOwn],
                ["fsx:DeleteFileSystem", fileSystem, driversOwn],
                ["fsx:DescribeVolumes", "*"],
            ],
            [
                ["fsx:CreateVolume", volume],
                ["fsx:DeleteVolume", volume],
                ["fsx:DeleteFileSystem", fileSystem, { "aws:ResourceTag/fsx.openzfs.csi.aws.com/cluster": "false" }],
                ["fsx:RestoreVolumeFromSnapshot", volume, driversOwn],
                ["iam:AttachRolePolicy", `arn:aws:iam::${account}:role/aws-service-role/fsx.amazonaws.com/AWSServiceRoleForAmazonFSx`],
            ],
        );
    });
});

describe("addons.gatewayApiController", () => {
    const service = `arn:aws:vpc-lattice:${region}:${account}:service/svc-0123456789abcdef0`;

    it("manages Lattice resources, writes bucket policies of the access log buckets only, for aws-application-networking-system/gateway-api-controller", async () => {
        const permissions = addons.gatewayApiController({ accessLogBucketArns: ["arn:aws:s3:::lattice-logs"] });
        assert.deepEqual(permissions.serviceAccount, { namespace: "aws-application-networking-system", serviceAccountName: "gateway-api-controller" });
        await assertCalls(
            permissions,
            [
                ["vpc-lattice:CreateService", service],
                ["vpc-lattice:DeleteService", service],
                ["vpc-lattice:ListServices", "*"],
                ["vpc-lattice:RegisterTargets", `arn:aws:vpc-lattice:${region}:${account}:targetgroup/tg-0123456789abcdef0`],
                ["s3:PutBucketPolicy", "arn:aws:s3:::lattice-logs"],
                ["logs:CreateLogDelivery", "*"],
                [
                    "iam:CreateServiceLinkedRole",
                    `arn:aws:iam::${account}:role/aws-service-role/vpc-lattice.amazonaws.com/AWSServiceRoleForVpcLattice`,
                    { "iam:AWSServiceName": "vpc-lattice.amazonaws.com" },
                ],
            ],
            [
                ["s3:PutBucketPolicy", "arn:aws:s3:::customer-data"],
                ["s3:GetObject", "arn:aws:s3:::lattice-logs/x"],
                ["firehose:TagDeliveryStream", `arn:aws:firehose:${region}:${account}:deliverystream/any`],
                ["vpc-lattice:PutResourcePolicy", service],
                ["vpc-lattice:CreateResourceGateway", `arn:aws:vpc-lattice:${region}:${account}:resourcegateway/rgw-0123456789abcdef0`],
                ["iam:CreateServiceLinkedRole", `arn:aws:iam::${account}:role/aws-service-role/ec2.amazonaws.com/x`, { "iam:AWSServiceName": "ec2.amazonaws.com" }],
            ],
        );
    });
});

describe("addons.awsLoadBalancerControllerTargetGroupBinding", () => {
    const targetGroup = `arn:aws:elasticloadbalancing:${region}:${account}:targetgroup/apps/0123456789abcdef`;

    it("registers targets in the given target groups only, and creates or changes nothing else", async () => {
        const permissions = addons.awsLoadBalancerControllerTargetGroupBinding({ targetGroupArns: [targetGroup] });
        assert.deepEqual(permissions.serviceAccount, { namespace: "kube-system", serviceAccountName: "aws-load-balancer-controller" });
        await assertCalls(
            permissions,
            [
                ["elasticloadbalancing:RegisterTargets", targetGroup],
                ["elasticloadbalancing:DeregisterTargets", targetGroup],
                ["elasticloadbalancing:ModifyTargetGroupAttributes", targetGroup],
                ["elasticloadbalancing:DescribeTargetHealth", "*"],
                ["ec2:DescribeSecurityGroups", "*"],
            ],
            [
                ["elasticloadbalancing:RegisterTargets", `arn:aws:elasticloadbalancing:${region}:${account}:targetgroup/other/0123456789abcdef`],
                ["elasticloadbalancing:DeleteTargetGroup", targetGroup],
                ["elasticloadbalancing:CreateLoadBalancer", `arn:aws:elasticloadbalancing:${region}:${account}:loadbalancer/app/apps/0123456789abcdef`],
                ["ec2:AuthorizeSecurityGroupIngress", `arn:aws:ec2:${region}:${account}:security-group/sg-0123456789abcdef0`],
            ],
        );
        assertRefusedScope(() => addons.awsLoadBalancerControllerTargetGroupBinding({ targetGroupArns: [`arn:aws:elasticloadbalancing:${region}:${account}:targetgroup/*`] }), /targetGroupArns\[0\] /);
    });
});

describe("addons.fluentBit", () => {
    const group = `arn:aws:logs:${region}:${account}:log-group:/aws/eks/prod/containers`;

    it("creates and writes the given log groups and streams, and the given delivery streams, only", async () => {
        const permissions = addons.fluentBit({
            logGroupArns: [`arn:aws:logs:${region}:${account}:log-group:/aws/eks/prod/*`],
            deliveryStreamArns: [`arn:aws:firehose:${region}:${account}:deliverystream/logs`],
        });
        assert.deepEqual(permissions.serviceAccount, { namespace: "kube-system", serviceAccountName: "aws-for-fluent-bit" });
        await assertCalls(
            permissions,
            [
                ["logs:CreateLogGroup", group],
                ["logs:CreateLogStream", `${group}:log-stream:node-1`],
                ["logs:PutLogEvents", `${group}:log-stream:node-1`],
                ["logs:DescribeLogStreams", group],
                ["firehose:PutRecordBatch", `arn:aws:firehose:${region}:${account}:deliverystream/logs`],
            ],
            [
                ["logs:PutLogEvents", `arn:aws:logs:${region}:${account}:log-group:/aws/lambda/other:log-stream:x`],
                ["logs:DeleteLogGroup", group],
                ["logs:PutRetentionPolicy", group],
                ["firehose:PutRecordBatch", `arn:aws:firehose:${region}:${account}:deliverystream/other`],
            ],
        );
    });

    it("needs a destination, and refuses log group ARNs with their ':*' suffix or inner wildcards", () => {
        assertRefusedScope(() => addons.fluentBit({}), /^fluentBit\.logGroupArns is invalid: name at least one destination/);
        assertRefusedScope(() => addons.fluentBit({ logGroupArns: [`${group}:*`] }), /^fluentBit\.logGroupArns\[0\] /);
        assertRefusedScope(() => addons.fluentBit({ logGroupArns: [`arn:aws:logs:${region}:${account}:log-group:*/prod`] }), /^fluentBit\.logGroupArns\[0\] /);
    });
});

describe("catalogue options other tools have", () => {
    it("vpcCni: network policy logs go to the cluster's own log group only", async () => {
        const logGroup = `arn:aws:logs:${region}:${account}:log-group:/aws/eks/prod/cluster`;
        const permissions = addons.vpcCni({ networkPolicyLogsClusterName: "prod" });
        assert.deepEqual(permissions.policyArns, ["arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy"]);
        assert.equal(permissions.allowBroadPermissions, true);
        await assertCalls(
            permissions,
            [
                ["logs:DescribeLogGroups", "*"],
                ["logs:CreateLogGroup", logGroup],
                ["logs:PutLogEvents", `${logGroup}:log-stream:aws-network-policy-agent-audit-ip-10-0-0-1`],
            ],
            [
                ["logs:PutLogEvents", `arn:aws:logs:${region}:${account}:log-group:/aws/eks/staging/cluster:log-stream:x`],
                ["logs:DeleteLogGroup", logGroup],
            ],
        );
        assert.deepEqual(addons.vpcCni().policyStatements, [], "no logs unless asked");
        assertRefusedScope(() => addons.vpcCni({ networkPolicyLogsClusterName: "prod/*" }), /^vpcCni\.networkPolicyLogsClusterName "prod\/\*" is invalid/);
    });

    it("externalSecrets: PushSecret writes the given secrets, and changes or deletes only those it manages", async () => {
        const pushed = `arn:aws:secretsmanager:${region}:${account}:secret:pushed/db-AbCdEf`;
        const managed = { "aws:ResourceTag/managed-by": "external-secrets" };
        const permissions = addons.externalSecrets({ pushSecretArns: [`arn:aws:secretsmanager:${region}:${account}:secret:pushed/*`] });
        await assertCalls(
            permissions,
            [
                ["secretsmanager:CreateSecret", pushed],
                ["secretsmanager:PutSecretValue", pushed, managed],
                ["secretsmanager:DeleteSecret", pushed, managed],
            ],
            [
                ["secretsmanager:PutSecretValue", pushed],
                ["secretsmanager:DeleteSecret", pushed, { "aws:ResourceTag/managed-by": "terraform" }],
                ["secretsmanager:CreateSecret", `arn:aws:secretsmanager:${region}:${account}:secret:prod/db-AbCdEf`],
                ["secretsmanager:GetSecretValue", pushed],
            ],
        );
        await assertCalls(addons.externalSecrets({ secretArns: [pushed] }), [["secretsmanager:GetSecretValue", pushed]], [["secretsmanager:CreateSecret", pushed], ["secretsmanager:PutSecretValue", pushed, managed]]);
    });

    it("clusterAutoscaler: one role for several clusters scales each one's tagged groups, and no other's", async () => {
        const group = `arn:aws:autoscaling:${region}:${account}:autoScalingGroup:8e9f2f5c-1d2b-4c3a-9f8e-123456789abc:autoScalingGroupName/eks-workers-1`;
        const of = (cluster: string) => ({ "aws:ResourceTag/k8s.io/cluster-autoscaler/enabled": "true", [`aws:ResourceTag/k8s.io/cluster-autoscaler/${cluster}`]: "owned" });
        await assertCalls(
            addons.clusterAutoscaler({ clusterName: "prod", additionalClusterNames: ["prod-blue"] }),
            [
                ["autoscaling:SetDesiredCapacity", group, of("prod")],
                ["autoscaling:SetDesiredCapacity", group, of("prod-blue")],
                ["eks:DescribeNodegroup", `arn:aws:eks:${region}:${account}:nodegroup/prod-blue/workers/0ac5e8b4-2a4f-4b6c-8d9e-0123456789ab`],
            ],
            [
                ["autoscaling:SetDesiredCapacity", group, of("staging")],
                ["eks:DescribeNodegroup", `arn:aws:eks:${region}:${account}:nodegroup/staging/workers/0ac5e8b4-2a4f-4b6c-8d9e-0123456789ab`],
            ],
        );
        assertRefusedScope(() => addons.clusterAutoscaler({ clusterName: "prod", additionalClusterNames: ["prod"] }), /^clusterAutoscaler\.additionalClusterNames\[0\] "prod" is invalid: each cluster may be named only once/);
        assertRefusedScope(() => addons.clusterAutoscaler({ clusterName: "prod", additionalClusterNames: ["a b"] }), /^clusterAutoscaler\.additionalClusterNames\[0\] "a b" is invalid/);
    });
});
