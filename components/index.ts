export { IrsaBinding, checkedWebIdentityTrustPolicy, defaultAudience, defaultTrustPolicyLengthLimit, maxTrustPolicyLengthLimit } from "./irsaBinding";
export type { IrsaBindingArgs } from "./irsaBinding";
export { defaultReaderName, inlinePolicyLengthLimit } from "./workload";
export type { ReaderArgs, S3ReadArgs } from "./workload";
export * from "./policy";
export * from "./reader";
export * from "./validation";
