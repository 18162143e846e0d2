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
