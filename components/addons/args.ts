// Written by scripts/addonArgs.ts from the catalogue's functions (npm run generate); edit those, not this file.
import type { AwsLoadBalancerControllerArgs, AwsLoadBalancerControllerTargetGroupBindingArgs, VpcCniArgs } from "./networking";
import type { GatewayApiControllerArgs } from "./lattice";
import type { EbsCsiDriverArgs, EfsCsiDriverArgs, MountpointS3CsiDriverArgs, VeleroArgs } from "./storage";
import type { FsxLustreCsiDriverArgs, FsxOpenZfsCsiDriverArgs } from "./fsx";
import type { CertManagerArgs, ExternalDnsArgs } from "./dns";
import type { PrivateCaIssuerArgs } from "./certificates";
import type { ClusterAutoscalerArgs, KarpenterArgs } from "./scaling";
import type { NodeTerminationHandlerArgs } from "./lifecycle";
import type { ExternalSecretsArgs } from "./secrets";
import type { CloudWatchObservabilityArgs, FluentBitArgs, ManagedPrometheusArgs } from "./observability";

/**
 * The add-on whose role a binding is: set exactly one property, named after the catalogue's function
 * (`addons.<name>()`) and taking that function's scope. It fills the binding's permissions, and its
 * namespace and ServiceAccount where the binding gives none.
 */
export interface AddonArgs {
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
     * @default not set
     */
    vpcCni?: VpcCniArgs;
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
     * @default not set
     */
    awsLoadBalancerController?: AwsLoadBalancerControllerArgs;
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
     * @default not set
     */
    awsLoadBalancerControllerTargetGroupBinding?: AwsLoadBalancerControllerTargetGroupBindingArgs;
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
     * @default not set
     */
    gatewayApiController?: GatewayApiControllerArgs;
    /**
     * The Amazon EBS CSI driver's controller (EKS add-on `aws-ebs-csi-driver`).
     *
     * Source: EKS User Guide, "Store Kubernetes volumes with Amazon EBS" (`storage/ebs-csi.adoc`,
     * 2024-12): the AWS-managed `service-role/AmazonEBSCSIDriverPolicy`, plus, for customer managed
     * keys, the guide's KMS statements on exactly the given keys (`kms:ReEncrypt*` and
     * `kms:GenerateDataKey*` written as the four actions EBS uses).
     *
     * EKS Pod Identity: supported from add-on v1.26.0-eksbuild.1. EKS add-on:
     * `new aws.eks.Addon("ebs", { addonName: "aws-ebs-csi-driver", serviceAccountRoleArn: binding.roleArn })`
     * with an `IrsaBinding` in `serviceAccountMode: "none"` (the add-on owns the ServiceAccount), or a
     * `PodIdentityBinding` in `serviceAccountMode: "none"`, which creates the association itself (do not
     * also list it in the add-on's `podIdentityAssociations`).
     * @default not set
     */
    ebsCsiDriver?: EbsCsiDriverArgs;
    /**
     * The Amazon EFS CSI driver's controller (EKS add-on `aws-efs-csi-driver`), which creates access
     * points for dynamically provisioned volumes.
     *
     * Source: EKS User Guide, "Store an elastic file system with Amazon EFS" (`storage/efs-csi.adoc`,
     * 2024-12): the AWS-managed `service-role/AmazonEFSCSIDriverPolicy`, which already limits deletion
     * and tagging to access points the driver tagged.
     *
     * EKS Pod Identity: supported from add-on v2.0.5-eksbuild.1. EKS add-on: `serviceAccountRoleArn` as for
     * `addons.ebsCsiDriver()`. Mounts with `iam` authorization run as the node DaemonSet's
     * `efs-csi-node-sa`: add it to the binding's `additionalServiceAccounts` for that.
     * @default not set
     */
    efsCsiDriver?: EfsCsiDriverArgs;
    /**
     * The Mountpoint for Amazon S3 CSI driver (EKS add-on `aws-mountpoint-s3-csi-driver`) with
     * driver-level credentials.
     *
     * Source: EKS User Guide, "Access Amazon S3 objects with Mountpoint for Amazon S3 CSI driver"
     * (`storage/s3-csi.adoc`, 2024-12: `MountpointFullBucketAccess`, `MountpointFullObjectAccess`) and
     * awslabs/mountpoint-s3-csi-driver v2.7.0 `docs/CONFIGURATION.md`; narrowed to the given buckets
     * and prefixes as awslabs/mountpoint-s3 `doc/CONFIGURATION.md` ("IAM permissions") says (objects by
     * resource, `s3:ListBucket` by the `s3:prefix` condition), without the write actions for read-only
     * mounts, with `kms:Decrypt` and
     * `kms:GenerateDataKey` (writes only) on the given keys. General purpose buckets only (directory
     * buckets use `s3express:CreateSession`).
     *
     * EKS Pod Identity: supported by driver v2 (driver-level credentials, ServiceAccount
     * `s3-csi-driver-sa`); the EKS User Guide of 2024-10 still listed the add-on as IRSA-only. EKS add-on:
     * `serviceAccountRoleArn: binding.roleArn` with an `IrsaBinding` in `serviceAccountMode: "none"`.
     * @default not set
     */
    mountpointS3CsiDriver?: MountpointS3CsiDriverArgs;
    /**
     * Velero with velero-plugin-for-aws (Helm chart `vmware-tanzu/velero`).
     *
     * Source: vmware-tanzu/velero-plugin-for-aws v1.13 `README.md` ("Set permissions for Velero", and
     * "KMS Encryption for Volume Restoration"). Narrowed from it: S3 to the bucket and prefix; EC2 writes
     * from `*` to the resource types they act on, with `ec2:CreateTags` only while creating snapshots
     * and volumes; KMS to the given keys, grants only for AWS resources. `allowBroadPermissions` is set
     * with volume snapshots, for `ec2:DescribeVolumes` and `ec2:DescribeSnapshots`, which support only
     * `"*"`. `ec2:DeleteSnapshot` stays open to the account's snapshots as upstream: Velero deletes the
     * snapshots of expired backups, and its snapshot tags are not a stable contract to condition on.
     *
     * EKS Pod Identity: supported by the plugin's AWS SDK for Go v2 (plugin v1.9 on). No EKS add-on.
     * The chart's ServiceAccount is `<release>-server`: `velero-server` for a release named `velero`.
     * @default not set
     */
    velero?: VeleroArgs;
    /**
     * The Amazon FSx for Lustre CSI driver's controller (chart `aws-fsx-csi-driver`, EKS add-on
     * `aws-fsx-csi-driver`).
     *
     * Source: kubernetes-sigs/aws-fsx-csi-driver helm-chart-aws-fsx-csi-driver-1.17.0 `docs/install.md`,
     * "Set up driver permission": `fsx:CreateFileSystem`, `DeleteFileSystem`, `UpdateFileSystem`,
     * `DescribeFileSystems`, `TagResource` and `s3:ListBucket` on `*`, and the service-linked roles.
     * Narrowed: file systems are created only with the driver's `CSIVolumeName` tag, and updated,
     * tagged or deleted only while they carry it; `s3:ListBucket` on the data repository buckets only,
     * and the S3 data repository's service-linked role only with them; the FSx service-linked role by
     * its own ARN. `allowBroadPermissions` is set for `fsx:DescribeFileSystems`, which supports only `"*"`.
     *
     * EKS Pod Identity: supported. EKS add-on: pass the role as the add-on's `serviceAccountRoleArn`
     * (IRSA) or `podIdentityAssociations` (Pod Identity) through the binding's `eksAddon`.
     * @default not set
     */
    fsxLustreCsiDriver?: FsxLustreCsiDriverArgs;
    /**
     * The Amazon FSx for OpenZFS CSI driver's controller (chart `aws-fsx-openzfs-csi-driver`).
     *
     * Source: kubernetes-sigs/aws-fsx-openzfs-csi-driver helm-chart-aws-fsx-openzfs-csi-driver-1.2.0
     * `docs/example-iam-policy.json`: the `fsx` file system, volume and snapshot actions on `*`, and
     * the service-linked role. Narrowed: file systems, volumes and snapshots are created only with the
     * driver's `fsx.openzfs.csi.aws.com/cluster: true` tag, and updated or deleted only while they carry
     * it; the service-linked role by its own ARN (its `iam:AttachRolePolicy` and `iam:PutRolePolicy` on
     * FSx's service-linked roles are left out: FSx attaches its own policy). `allowBroadPermissions` is
     * set for `fsx:DescribeFileSystems`, `DescribeVolumes` and `DescribeSnapshots`, which support only `"*"`.
     *
     * EKS Pod Identity: supported. No EKS add-on.
     * @default not set
     */
    fsxOpenZfsCsiDriver?: FsxOpenZfsCsiDriverArgs;
    /**
     * external-dns with the AWS (Route 53) provider. The chart (`external-dns/external-dns` 1.21)
     * names its ServiceAccount after the release and has no namespace of its own: the default is the
     * chart released as `external-dns` in namespace `external-dns`, as AWS's eksdemo and EKS Blueprints
     * install it.
     *
     * Source: kubernetes-sigs/external-dns `docs/tutorials/aws.md` ("IAM Policy"; v0.21/v0.22), narrowed from
     * `hostedzone/*` to the given zones, as its "Further improvements" section advises.
     * `allowBroadPermissions` is set for `route53:ListHostedZones`, which supports only `"*"` and which
     * external-dns calls to find its zones even with `--zone-id-filter`.
     *
     * EKS Pod Identity: supported (external-dns uses the AWS SDK for Go v2 default credential chain, as
     * its tutorial says). Installed as an EKS community add-on, pass the role with
     * `podIdentityAssociations` or `serviceAccountRoleArn`, as for the AWS add-ons.
     * @default not set
     */
    externalDns?: ExternalDnsArgs;
    /**
     * cert-manager's ACME DNS-01 solver for Route 53 (chart `jetstack/cert-manager`, or the EKS community
     * add-on `cert-manager`; controller ServiceAccount `cert-manager/cert-manager`).
     *
     * Source: cert-manager documentation `configuration/acme/dns01/route53.md` (cert-manager 1.18/1.19
     * website, 2026-08), narrowed: record changes only in the given zones (not `hostedzone/*`), only of
     * TXT records named `_acme-challenge.*`, and only UPSERT and DELETE, the two changes the solver
     * makes. (A `cnameStrategy: Follow` solver writes under the CNAME's target name: bind it with your
     * own statement.) `allowBroadPermissions` is set only with `listHostedZonesByName`.
     *
     * EKS Pod Identity: supported (cert-manager's route53 documentation, "EKS Pod Identity"). EKS
     * community add-on: pass the role with `podIdentityAssociations` or `serviceAccountRoleArn`.
     * @default not set
     */
    certManager?: CertManagerArgs;
    /**
     * The AWS Private CA Issuer for cert-manager (chart `awspca/aws-privateca-issuer`).
     *
     * Source: cert-manager/aws-privateca-issuer v1.9.0 `README.md`, "A minimal policy":
     * `acm-pca:DescribeCertificateAuthority`, `acm-pca:GetCertificate` and `acm-pca:IssueCertificate`
     * on the authority. Narrowed: `acm-pca:IssueCertificate` only with the end-entity templates the
     * issuer uses (`acm-pca:TemplateArn`, from `pkg/aws/pca.go`), so a `Certificate` with `isCA: true`
     * cannot mint a subordinate CA unless `allowSubordinateCertificateAuthorities` is set. Nothing on
     * `"*"`, so `allowBroadPermissions` is never set.
     *
     * EKS Pod Identity: supported (AWS SDK for Go v2). No EKS add-on.
     * @default not set
     */
    privateCaIssuer?: PrivateCaIssuerArgs;
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
     * @default not set
     */
    clusterAutoscaler?: ClusterAutoscalerArgs;
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
     * @default not set
     */
    karpenter?: KarpenterArgs;
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
     * @default not set
     */
    nodeTerminationHandler?: NodeTerminationHandlerArgs;
    /**
     * The External Secrets Operator (chart `external-secrets/external-secrets`) reading AWS Secrets
     * Manager and SSM Parameter Store, through the controller's own ServiceAccount (a SecretStore
     * without `auth`), or through another ServiceAccount named by `auth.jwt.serviceAccountRef`: then
     * give that one as `namespace` and `serviceAccountName`.
     *
     * Source: external-secrets documentation `provider/aws-secrets-manager.md` and
     * `provider/aws-parameter-store.md` (v0.1x), read-only: `secretsmanager:GetSecretValue`,
     * `DescribeSecret`, `GetResourcePolicy`, `ListSecretVersionIds` on the given secrets;
     * `ssm:GetParameter`, `GetParameters`, `GetParametersByPath` on the given parameters; `kms:Decrypt`
     * on the given keys, only via Secrets Manager or SSM. Nothing writes unless `pushSecretArns` is
     * given: then the documentation's PushSecret policy (`secretsmanager:CreateSecret`, `PutSecretValue`,
     * `TagResource`, `GetResourcePolicy`, `PutResourcePolicy`, `DeleteResourcePolicy` on the secrets,
     * `DeleteSecret` only with the operator's `managed-by: external-secrets` tag, written here with
     * the global `aws:ResourceTag/managed-by`, which Secrets Manager evaluates the same), narrowed:
     * `PutSecretValue` needs that tag too, so a secret the operator did not create stays untouched (the
     * operator itself refuses to overwrite one without it), and `PutResourcePolicy`/`DeleteResourcePolicy`
     * are left out: a resource policy can open a secret to anyone (a PushSecret's `resourcePolicy`
     * metadata then fails; add those statements yourself, with `allowBroadPermissions`). Nothing lists (`find` by name or tags needs `secretsmanager:ListSecrets` or
     * `ssm:DescribeParameters` on `*`), so `allowBroadPermissions` is never set.
     *
     * EKS Pod Identity: for the controller's own ServiceAccount only (a SecretStore without `auth.jwt`,
     * optionally with `role`); `auth.jwt.serviceAccountRef` exchanges a token for IRSA credentials and
     * needs an `IrsaBinding` (external-secrets#2951, documentation "EKS Pod Identity"). No EKS add-on.
     * @default not set
     */
    externalSecrets?: ExternalSecretsArgs;
    /**
     * The Amazon CloudWatch Observability EKS add-on (`amazon-cloudwatch-observability`: the CloudWatch
     * agent and Fluent Bit, Container Insights and Application Signals).
     *
     * Source: EKS User Guide, "Amazon CloudWatch Observability agent: Required IAM permissions"
     * (`workloads/eks-add-ons.adoc`, 2024-12): the AWS-managed `CloudWatchAgentServerPolicy` and
     * `AWSXrayWriteOnlyAccess`, for the ServiceAccount `amazon-cloudwatch/cloudwatch-agent`. No inline
     * statements, so `allowBroadPermissions` is not set (the managed policies are not broad ones).
     *
     * EKS Pod Identity: supported from add-on v3.1.0 (CloudWatch User Guide, "Quick start with the
     * Amazon CloudWatch Observability EKS add-on"). EKS add-on:
     * `new aws.eks.Addon("cloudwatch", { addonName: "amazon-cloudwatch-observability", serviceAccountRoleArn: binding.roleArn })`
     * with an `IrsaBinding` in `serviceAccountMode: "none"`, or a `PodIdentityBinding` (which creates the
     * association). Fluent Bit runs as `amazon-cloudwatch/fluent-bit`: to give it the role too, add that
     * ServiceAccount to the binding's `additionalServiceAccounts`.
     * @default not set
     */
    cloudWatchObservability?: CloudWatchObservabilityArgs;
    /**
     * A Prometheus server, agent or collector writing to (or querying) Amazon Managed Service for
     * Prometheus workspaces.
     *
     * Source: Amazon Managed Service for Prometheus User Guide, "Set up IAM roles for service accounts
     * for the ingestion of metrics" (ServiceAccount `prometheus/amp-iamproxy-ingest-service-account`)
     * and the AWS-managed `AmazonPrometheusRemoteWriteAccess` / `AmazonPrometheusQueryAccess`, whose
     * actions this grants on the given workspaces instead of `*`; so `allowBroadPermissions` is never set.
     *
     * EKS Pod Identity: supported by senders on an AWS SDK with container credentials (Prometheus with
     * SigV4, and the AWS Distro for OpenTelemetry EKS add-on from v0.94.1). The AWS managed collector
     * (`aws.amp.Scraper`) needs no ServiceAccount role.
     * @default not set
     */
    managedPrometheus?: ManagedPrometheusArgs;
    /**
     * AWS for Fluent Bit (chart `eks/aws-for-fluent-bit`) shipping container logs to CloudWatch Logs
     * or Firehose.
     *
     * Source: aws/aws-for-fluent-bit v2.32.3 `tests/daemonset/template.yml`, the project's own EKS
     * DaemonSet policy: `logs:CreateLogGroup` on `*`, `logs:CreateLogStream`, `DescribeLogStreams` and
     * `PutLogEvents` on every log group, `firehose:PutRecordBatch` on `*`. Narrowed: the log calls on
     * the given log groups and their streams only, `firehose:PutRecordBatch` on the given streams only;
     * at least one destination. Nothing on `"*"`, so `allowBroadPermissions` is never set.
     *
     * EKS Pod Identity: supported from aws-for-fluent-bit 2.32.0 (Fluent Bit 1.9.10 with AWS SDK
     * credential providers that read Pod Identity). No EKS add-on (the CloudWatch Observability add-on
     * runs its own Fluent Bit: see `cloudWatchObservability`).
     * @default not set
     */
    fluentBit?: FluentBitArgs;
}
