/**
 * The rule on Kubernetes RBAC that lets a subject become a ServiceAccount bound to a workload role.
 */
import { StackValidationPolicy, ResourceValidationPolicy } from "@pulumi/policy";

import { rbacDeploymentMemory, rbacFindings } from "../rbac";

/**
 * No RBAC of the stack lets another subject obtain a workload ServiceAccount's identity. Judged at
 * each resource as the deployment reaches it (so `pulumi up` refuses the binding before creating it),
 * and over the whole stack for what no resource reported.
 */
export const workloadServiceAccountRbacRule: StackValidationPolicy & ResourceValidationPolicy = {
    name: "workload-serviceaccount-rbac",
    description:
        "Kubernetes RBAC of the stack may not let a subject other than a ServiceAccount bound to a workload role become it: no Role or ClusterRole that creates or changes pods or workloads, runs commands in pods, creates ServiceAccount tokens, impersonates, reads Secrets or escalates and binds roles may be bound (RoleBinding in the ServiceAccount's namespace, or ClusterRoleBinding) to another ServiceAccount, a group or a user. Whoever becomes the ServiceAccount holds its IAM role, a role not meant for it.",
    enforcementLevel: "mandatory",
    validateResource: (args, reportViolation) => {
        const resource = { type: args.type, name: args.name, urn: args.urn, props: args.props, propertyDependencies: {} };
        for (const finding of rbacDeploymentMemory(args.stackTags).analyze(resource)) {
            reportViolation(finding.message, args.urn);
        }
    },
    validateStack: (args, reportViolation) => {
        const resources = args.resources.map((resource) => ({ ...resource, propertyDependencies: resource.propertyDependencies as never }));
        const memory = rbacDeploymentMemory(args.stackTags);
        for (const finding of rbacFindings(resources)) {
            if (!memory.wasReported(finding)) {
                reportViolation(finding.message, finding.urn);
            }
        }
    },
};
