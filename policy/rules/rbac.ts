/**
 * The rule on Kubernetes RBAC that lets a subject become a ServiceAccount bound to a workload role.
 */
import { StackValidationPolicy } from "@pulumi/policy";

import { rbacFindings } from "../rbac";

/** No RBAC of the stack lets another subject obtain a workload ServiceAccount's identity. */
export const workloadServiceAccountRbacRule: StackValidationPolicy = {
    name: "workload-serviceaccount-rbac",
    description:
        "Kubernetes RBAC of the stack may not let a subject other than a ServiceAccount bound to a workload role become it: no Role or ClusterRole that creates or changes pods or workloads, runs commands in pods, creates ServiceAccount tokens, impersonates, reads Secrets or escalates and binds roles may be bound (RoleBinding in the ServiceAccount's namespace, or ClusterRoleBinding) to another ServiceAccount, a group or a user. Whoever becomes the ServiceAccount holds its IAM role, a role not meant for it.",
    enforcementLevel: "mandatory",
    validateStack: (args, reportViolation) => {
        const resources = args.resources.map((resource) => ({ ...resource, propertyDependencies: resource.propertyDependencies as never }));
        for (const finding of rbacFindings(resources)) {
            reportViolation(finding.message, finding.urn);
        }
    },
};
