export { IrsaBinding, checkedWebIdentityTrustPolicy, defaultAudience, defaultTrustPolicyLengthLimit, maxTrustPolicyLengthLimit } from "./irsaBinding";
export type { IrsaBindingArgs } from "./irsaBinding";
export { PodIdentityBinding, eksClusterArn } from "./podIdentityBinding";
export type { PodIdentityBindingArgs } from "./podIdentityBinding";
export { defaultReaderName, inlinePolicyLengthLimit } from "./workload";
export type { BindingArgs, ReaderArgs, S3ReadArgs } from "./workload";
export * from "./policy";
export * from "./reader";
export * from "./validation";
