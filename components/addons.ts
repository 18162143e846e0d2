/**
 * The add-on catalogue: for each add-on every EKS team installs, the permissions its controller
 * needs (AWS-managed policies where AWS publishes one, else statements written from the add-on's own
 * published policy and narrowed to the scope given) and the ServiceAccount it runs as. Pure
 * functions: nothing is created; pass the result to `IrsaBinding` or `PodIdentityBinding`.
 */
export { bindingArgsOf, defaultPartition } from "./addons/types";
export type { AddonBindingArgs, AddonPermissions } from "./addons/types";
export {
    AddonScopeError,
    checkCertificateAuthorityArn,
    checkDeliveryStreamArn,
    checkHostedZoneId,
    checkLogGroupArn,
    checkParameterArn,
    checkPartition,
    checkSecretArn,
    checkSqsQueueArn,
    checkTargetGroupArn,
    checkWorkspaceArn,
} from "./addons/validation";
export { awsLoadBalancerController, awsLoadBalancerControllerTargetGroupBinding, vpcCni } from "./addons/networking";
export type { AwsLoadBalancerControllerArgs, AwsLoadBalancerControllerTargetGroupBindingArgs, VpcCniArgs } from "./addons/networking";
export { gatewayApiController } from "./addons/lattice";
export type { GatewayApiControllerArgs } from "./addons/lattice";
export { fsxLustreCsiDriver, fsxLustreVolumeTag, fsxOpenZfsCsiDriver, fsxOpenZfsDriverTag } from "./addons/fsx";
export type { FsxLustreCsiDriverArgs, FsxOpenZfsCsiDriverArgs } from "./addons/fsx";
export { nodeTerminationHandler } from "./addons/lifecycle";
export type { NodeTerminationHandlerArgs } from "./addons/lifecycle";
export { privateCaIssuer } from "./addons/certificates";
export type { PrivateCaIssuerArgs } from "./addons/certificates";
export { ebsCsiDriver, efsCsiDriver, mountpointS3CsiDriver, velero } from "./addons/storage";
export type { EbsCsiDriverArgs, EfsCsiDriverArgs, MountpointS3CsiDriverArgs, VeleroArgs } from "./addons/storage";
export { certManager, externalDns } from "./addons/dns";
export type { CertManagerArgs, ExternalDnsArgs } from "./addons/dns";
export { clusterAutoscaler, karpenter } from "./addons/scaling";
export type { ClusterAutoscalerArgs, KarpenterArgs } from "./addons/scaling";
export { externalSecrets } from "./addons/secrets";
export type { ExternalSecretsArgs } from "./addons/secrets";
export { cloudWatchObservability, fluentBit, managedPrometheus } from "./addons/observability";
export type { CloudWatchObservabilityArgs, FluentBitArgs, ManagedPrometheusArgs } from "./addons/observability";
