/**
 * The add-on catalogue: for each add-on every EKS team installs, the permissions its controller
 * needs (AWS-managed policies where AWS publishes one, else statements written from the add-on's own
 * published policy and narrowed to the scope given) and the ServiceAccount it runs as. Pure
 * functions: nothing is created; pass the result to `IrsaBinding` or `PodIdentityBinding`.
 */
export { bindingArgsOf, defaultPartition } from "./addons/types";
export type { AddonBindingArgs, AddonPermissions } from "./addons/types";
export { AddonScopeError, checkHostedZoneId, checkParameterArn, checkPartition, checkSecretArn, checkSqsQueueArn, checkWorkspaceArn } from "./addons/validation";
export { awsLoadBalancerController, vpcCni } from "./addons/networking";
export type { AwsLoadBalancerControllerArgs, VpcCniArgs } from "./addons/networking";
export { ebsCsiDriver, efsCsiDriver, mountpointS3CsiDriver, velero } from "./addons/storage";
export type { EbsCsiDriverArgs, EfsCsiDriverArgs, MountpointS3CsiDriverArgs, VeleroArgs } from "./addons/storage";
export { certManager, externalDns } from "./addons/dns";
export type { CertManagerArgs, ExternalDnsArgs } from "./addons/dns";
export { clusterAutoscaler, karpenter } from "./addons/scaling";
export type { ClusterAutoscalerArgs, KarpenterArgs } from "./addons/scaling";
export { externalSecrets } from "./addons/secrets";
export type { ExternalSecretsArgs } from "./addons/secrets";
export { cloudWatchObservability, managedPrometheus } from "./addons/observability";
export type { CloudWatchObservabilityArgs, ManagedPrometheusArgs } from "./addons/observability";
