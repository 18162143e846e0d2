/**
 * The snippets of components/README.md's "Catalogue of add-on permissions", one after the other, the
 * shared setup first: exactly as the page shows them (tests/addonsReadme.test.ts), so that
 * `npm run typecheck` compiles the page's code against the package. Not a program to deploy.
 */
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { addons, IrsaBinding, PodIdentityBinding } from "@eks-irsa/components";

const config = new pulumi.Config();
const clusterName = config.require("clusterName");
const cluster = aws.eks.getClusterOutput({ name: clusterName });
const oidcProviderArn = aws.iam.getOpenIdConnectProviderOutput({ url: cluster.identities[0].oidcs[0].issuer }).arn;
const partition = aws.getPartitionOutput().partition;
const kubernetes = new k8s.Provider("cluster", { context: clusterName }); // the cluster's API server

// Amazon VPC CNI (IPv6 cluster): the role for the vpc-cni add-on's aws-node.
const vpcCni = new IrsaBinding("vpc-cni", { oidcProviderArn, ...addons.bindingArgsOf(addons.vpcCni({ ipFamily: "ipv6", partition })), serviceAccountMode: "none" });
new aws.eks.Addon("vpc-cni", { clusterName, addonName: "vpc-cni", serviceAccountRoleArn: vpcCni.roleArn });

// Amazon EBS CSI driver with a customer managed key, through EKS Pod Identity.
const ebsKey = new aws.kms.Key("ebs", { enableKeyRotation: true });
const ebsCsiDriver = new PodIdentityBinding("ebs-csi-driver", {
    clusterName,
    ...addons.bindingArgsOf(addons.ebsCsiDriver({ kmsKeyArns: [ebsKey.arn], partition })),
    serviceAccountMode: "none",
});
new aws.eks.Addon("aws-ebs-csi-driver", { clusterName, addonName: "aws-ebs-csi-driver" }, { dependsOn: [ebsCsiDriver] });

// Amazon EFS CSI driver.
const efsCsiDriver = new IrsaBinding("efs-csi-driver", { oidcProviderArn, ...addons.bindingArgsOf(addons.efsCsiDriver({ partition })), serviceAccountMode: "none" });
new aws.eks.Addon("aws-efs-csi-driver", { clusterName, addonName: "aws-efs-csi-driver", serviceAccountRoleArn: efsCsiDriver.roleArn });

// Mountpoint for Amazon S3: volumes that mount models/ of one bucket, read-only.
const models = new aws.s3.Bucket("models");
const mountpoint = new IrsaBinding("s3-csi-driver", {
    oidcProviderArn,
    ...addons.bindingArgsOf(addons.mountpointS3CsiDriver({ bucketArns: [models.arn], keyPrefixes: ["models/"], readOnly: true })),
    serviceAccountMode: "none",
});
new aws.eks.Addon("aws-mountpoint-s3-csi-driver", { clusterName, addonName: "aws-mountpoint-s3-csi-driver", serviceAccountRoleArn: mountpoint.roleArn });

// AWS Load Balancer Controller: the binding creates its ServiceAccount (install the chart with serviceAccount.create=false).
new IrsaBinding("aws-load-balancer-controller", { oidcProviderArn, ...addons.bindingArgsOf(addons.awsLoadBalancerController({ clusterName, partition })) }, { providers: { kubernetes } });

// external-dns: its chart creates the ServiceAccount; the binding annotates it.
new IrsaBinding(
    "external-dns",
    { oidcProviderArn, ...addons.bindingArgsOf(addons.externalDns({ hostedZoneIds: ["Z0123456789ABCDEFGHIJ"], partition })), serviceAccountMode: "annotate" },
    { providers: { kubernetes } },
);

// cert-manager's Route 53 DNS-01 solver, through EKS Pod Identity; the Issuers name their zone, so no zone lookup.
new PodIdentityBinding("cert-manager", {
    clusterName,
    ...addons.bindingArgsOf(addons.certManager({ hostedZoneIds: ["Z0123456789ABCDEFGHIJ"], listHostedZonesByName: false, partition })),
    serviceAccountMode: "none",
});

// Cluster Autoscaler (chart value rbac.serviceAccount.name=cluster-autoscaler).
new IrsaBinding(
    "cluster-autoscaler",
    { oidcProviderArn, ...addons.bindingArgsOf(addons.clusterAutoscaler({ clusterName, partition })), serviceAccountMode: "annotate" },
    { providers: { kubernetes } },
);

// Karpenter, through EKS Pod Identity as its getting-started guide does.
const karpenterNodeRole = new aws.iam.Role("karpenter-node", {
    assumeRolePolicy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }] }),
});
const interruptionQueue = new aws.sqs.Queue("karpenter-interruptions", { messageRetentionSeconds: 300, sqsManagedSseEnabled: true });
new PodIdentityBinding("karpenter", {
    clusterName,
    ...addons.bindingArgsOf(addons.karpenter({ clusterName, nodeRoleArn: karpenterNodeRole.arn, interruptionQueueArn: interruptionQueue.arn })),
    serviceAccountMode: "none",
});

// External Secrets Operator reading one path of Secrets Manager and Parameter Store.
new IrsaBinding(
    "external-secrets",
    {
        oidcProviderArn,
        ...addons.bindingArgsOf(
            addons.externalSecrets({
                secretArns: ["arn:aws:secretsmanager:eu-west-1:111122223333:secret:payments/*"],
                parameterArns: ["arn:aws:ssm:eu-west-1:111122223333:parameter/payments/*"],
            }),
        ),
        serviceAccountMode: "annotate",
    },
    { providers: { kubernetes } },
);

// Velero: backups under this cluster's prefix of a shared bucket, with EBS snapshots.
new IrsaBinding(
    "velero",
    { oidcProviderArn, ...addons.bindingArgsOf(addons.velero({ bucketArn: "arn:aws:s3:::platform-backups", prefix: `${clusterName}/`, partition })), serviceAccountMode: "annotate" },
    { providers: { kubernetes } },
);

// Amazon CloudWatch Observability add-on.
const cloudWatch = new IrsaBinding("cloudwatch-agent", { oidcProviderArn, ...addons.bindingArgsOf(addons.cloudWatchObservability({ partition })), serviceAccountMode: "none" });
new aws.eks.Addon("amazon-cloudwatch-observability", { clusterName, addonName: "amazon-cloudwatch-observability", serviceAccountRoleArn: cloudWatch.roleArn });

// Prometheus remote-writing to an Amazon Managed Service for Prometheus workspace; the chart's values carry the annotation.
const workspace = new aws.amp.Workspace("metrics");
const prometheus = new IrsaBinding("prometheus", {
    oidcProviderArn,
    ...addons.bindingArgsOf(addons.managedPrometheus({ workspaceArns: [workspace.arn] })),
    serviceAccountMode: "none",
});
export const prometheusServiceAccountAnnotations = prometheus.serviceAccountAnnotations;

// The Load Balancer Controller that only registers pods in an existing target group.
const targetGroup = new aws.lb.TargetGroup("apps", { port: 8080, protocol: "HTTP", targetType: "ip", vpcId: cluster.vpcConfig.vpcId });
new IrsaBinding("lbc-tgb", { oidcProviderArn, ...addons.bindingArgsOf(addons.awsLoadBalancerControllerTargetGroupBinding({ targetGroupArns: [targetGroup.arn], partition })), serviceAccountMode: "none" });

// The AWS Gateway API Controller, its access logs to one bucket.
const latticeLogs = new aws.s3.Bucket("lattice-logs");
new PodIdentityBinding("gateway-api-controller", { clusterName, ...addons.bindingArgsOf(addons.gatewayApiController({ accessLogBucketArns: [latticeLogs.arn], partition })), serviceAccountMode: "none" });

// FSx for Lustre (its EKS add-on, through eksAddon) linked to a training-data bucket, and FSx for OpenZFS.
new IrsaBinding("fsx-lustre", {
    oidcProviderArn,
    ...addons.bindingArgsOf(addons.fsxLustreCsiDriver({ dataRepositoryBucketArns: ["arn:aws:s3:::training-data"], partition })),
    serviceAccountMode: "none",
    eksAddon: { clusterName, addonName: "aws-fsx-csi-driver" },
});
new IrsaBinding("fsx-openzfs", { oidcProviderArn, ...addons.bindingArgsOf(addons.fsxOpenZfsCsiDriver({ partition })), serviceAccountMode: "none" });

// The AWS Private CA Issuer for one private CA.
const privateCa = new aws.acmpca.CertificateAuthority("apps", {
    certificateAuthorityConfiguration: { keyAlgorithm: "RSA_2048", signingAlgorithm: "SHA256WITHRSA", subject: { commonName: "apps.internal" } },
    type: "SUBORDINATE",
});
new PodIdentityBinding("privateca-issuer", { clusterName, ...addons.bindingArgsOf(addons.privateCaIssuer({ certificateAuthorityArns: [privateCa.arn], partition })), serviceAccountMode: "none" });

// The Node Termination Handler reading its interruption queue.
const interruptions = new aws.sqs.Queue("nth", { messageRetentionSeconds: 300, sqsManagedSseEnabled: true });
new IrsaBinding("node-termination-handler", {
    oidcProviderArn,
    ...addons.bindingArgsOf(addons.nodeTerminationHandler({ queueArns: [interruptions.arn], clusterName, partition })),
    serviceAccountMode: "none",
});

// AWS for Fluent Bit writing the cluster's container logs.
const containerLogs = new aws.cloudwatch.LogGroup("containers", { name: `/aws/eks/${clusterName}/containers`, retentionInDays: 30 });
new IrsaBinding("fluent-bit", { oidcProviderArn, ...addons.bindingArgsOf(addons.fluentBit({ logGroupArns: [containerLogs.arn] })), serviceAccountMode: "none" });
