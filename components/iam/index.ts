/**
 * The IAM semantics the components and the policy pack share: the action catalogue, IAM's
 * wildcards, what a policy grants, the escalation model, and AWS-managed policies by their documents.
 */
export * from "./catalogue";
export * from "./documents";
export * from "./escalation";
export * from "./grants";
export * from "./jsonKeys";
export * from "./managedPolicies";
export * from "./patterns";
export * from "./resources";
export * from "./dataReads";
// Which IAM OIDC providers are EKS clusters' issuers: the trust rules of the pack tell pods from other subjects by it.
export { regionOfEksIssuer } from "../validation";
