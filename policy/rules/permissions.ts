/**
 * The rules on what a role may do: wildcard actions in inline policies, and administrator-like
 * AWS-managed policies attached to workload roles.
 */
import { EnforcementLevel, PolicyResource, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";

import { IndexedStatement } from "../documents";
import {
    awsManagedPolicyName,
    defaultAdministratorPolicyNames,
    isAwsManagedFullAccessPolicy,
    isAwsManagedPolicyOf,
    serviceWildcardActionProblems,
    wildcardActionProblems,
} from "../permissions";
import { isUnknownValue, plain, resourceLabel, stringsAt } from "../runtime";
import { describeProblem, documentProblems, isWorkloadTrustPolicy } from "../trust";
import { trustPolicyOf } from "./trust";

/** The inline policies of a resource: a role's policy resource, or the `inlinePolicies` of a role. */
function inlinePoliciesOf(resource: { type: string; props: Record<string, unknown> }): { label: string; document: unknown }[] {
    switch (resource.type) {
        case "aws:iam/rolePolicy:RolePolicy":
            return [{ label: "inline policy", document: plain(resource.props.policy) }];
        case "aws:iam/role:Role": {
            const inline = plain(resource.props.inlinePolicies);
            return Array.isArray(inline)
                ? inline.map((entry: unknown, index) => ({
                      label: `inlinePolicies[${index}]${typeof (entry as { name?: unknown }).name === "string" ? ` (${(entry as { name: string }).name})` : ""}`,
                      document: (entry as { policy?: unknown }).policy,
                  }))
                : [];
        }
        default:
            return [];
    }
}

function inlinePolicyRule(name: string, description: string, enforcementLevel: EnforcementLevel, check: (statement: IndexedStatement) => string[]): ResourceValidationPolicy {
    return {
        name,
        description,
        enforcementLevel,
        validateResource: (args, reportViolation) => {
            for (const { label, document } of inlinePoliciesOf(args)) {
                if (document === undefined || document === null || document === "") {
                    continue;
                }
                for (const problem of documentProblems(document, check).problems) {
                    reportViolation(`${resourceLabel(args)}: ${describeProblem(label, problem)}`);
                }
            }
        },
    };
}

/** Every action, to anyone holding the role. */
export const inlineWildcardActionRule = inlinePolicyRule(
    "iam-inline-policy-no-wildcard-action",
    "A role's inline policies may not Allow the action \"*\" (or everything through NotAction): it includes IAM and STS, so whoever holds the role, a pod among them, can create principals or become other roles.",
    "mandatory",
    wildcardActionProblems,
);

/** Every action of a service. */
export const inlineServiceWildcardRule = inlinePolicyRule(
    "iam-inline-policy-no-service-wildcard-action",
    "A role's inline policies should not Allow a whole service (\"s3:*\"): that is every present and future action of it, deletes and permission changes included. List the actions.",
    "advisory",
    serviceWildcardActionProblems,
);

/** A role of the stack, and the names it can be referred to by. */
interface StackRole {
    resource: PolicyResource;
    references: string[];
    workload: boolean;
}

function rolesOf(resources: PolicyResource[]): StackRole[] {
    const roles: StackRole[] = [];
    for (const resource of resources) {
        try {
            const trust = trustPolicyOf(resource);
            if (trust === undefined) {
                continue;
            }
            const references = ["name", "arn", "id", "roleName"].flatMap((key) => {
                try {
                    const value = plain(resource.props[key]);
                    return typeof value === "string" ? [value] : [];
                } catch (error) {
                    if (isUnknownValue(error)) {
                        return [];
                    }
                    throw error;
                }
            });
            roles.push({ resource, references, workload: isWorkloadTrustPolicy(trust) });
        } catch (error) {
            // A trust policy unknown during preview cannot be judged; the role's own rules say so.
            if (!isUnknownValue(error)) {
                throw error;
            }
        }
    }
    return roles;
}

/** A managed policy attached to a role: the attachment and the policy's ARN. */
interface Attachment {
    resource: PolicyResource;
    policyArn: string;
    /** The role, by name or ARN, as the attachment names it. */
    roleReferences: string[];
    /** The property whose dependencies lead to the role. */
    roleProperty: string | undefined;
}

function attachmentsOf(resources: PolicyResource[]): Attachment[] {
    const attachments: Attachment[] = [];
    for (const resource of resources) {
        try {
            // Each property is read on its own: another one unknown during preview does not hide these.
            const strings = (key: string): string[] => stringsAt(plain(resource.props[key])) ?? [];
            // The role may be unknown during preview; its property dependencies still lead to it.
            const roleNames = (key: string): string[] => {
                try {
                    return strings(key);
                } catch (error) {
                    if (isUnknownValue(error)) {
                        return [];
                    }
                    throw error;
                }
            };
            switch (resource.type) {
                case "aws:iam/rolePolicyAttachment:RolePolicyAttachment":
                    strings("policyArn").forEach((policyArn) => attachments.push({ resource, policyArn, roleReferences: roleNames("role"), roleProperty: "role" }));
                    break;
                case "aws:iam/policyAttachment:PolicyAttachment":
                    strings("policyArn").forEach((policyArn) => attachments.push({ resource, policyArn, roleReferences: roleNames("roles"), roleProperty: "roles" }));
                    break;
                case "aws:iam/rolePolicyAttachmentsExclusive:RolePolicyAttachmentsExclusive":
                    strings("policyArns").forEach((policyArn) => attachments.push({ resource, policyArn, roleReferences: roleNames("roleName"), roleProperty: "roleName" }));
                    break;
                case "aws:iam/role:Role":
                    strings("managedPolicyArns").forEach((policyArn) => attachments.push({ resource, policyArn, roleReferences: [], roleProperty: undefined }));
                    break;
            }
        } catch (error) {
            if (!isUnknownValue(error)) {
                throw error;
            }
        }
    }
    return attachments;
}

/** The workload role an attachment attaches to: the role itself, the one its role property depends on, or the one it names. */
function workloadRoleOf(attachment: Attachment, roles: StackRole[]): StackRole | undefined {
    const workloadRoles = roles.filter((role) => role.workload);
    if (attachment.roleProperty === undefined) {
        return workloadRoles.find((role) => role.resource.urn === attachment.resource.urn);
    }
    const dependencies = attachment.resource.propertyDependencies[attachment.roleProperty] ?? [];
    return workloadRoles.find(
        (role) =>
            dependencies.some((dependency) => dependency.urn === role.resource.urn) ||
            attachment.roleReferences.some((reference) => role.references.includes(reference)),
    );
}

function attachmentRule(
    name: string,
    description: string,
    enforcementLevel: EnforcementLevel,
    configSchema: StackValidationPolicy["configSchema"],
    forbidden: (policyArn: string, config: Record<string, unknown>) => boolean,
): StackValidationPolicy {
    return {
        name,
        description,
        enforcementLevel,
        configSchema,
        validateStack: (args, reportViolation) => {
            const config = args.getConfig<Record<string, unknown>>();
            const roles = rolesOf(args.resources);
            for (const attachment of attachmentsOf(args.resources)) {
                if (!forbidden(attachment.policyArn, config)) {
                    continue;
                }
                const role = workloadRoleOf(attachment, roles);
                if (role === undefined) {
                    continue;
                }
                const via = role.resource === attachment.resource ? "managedPolicyArns" : `${resourceLabel(attachment.resource)}`;
                reportViolation(
                    `${resourceLabel(role.resource)} is a workload role (pods assume it through IRSA or EKS Pod Identity) and ${via} attaches ${attachment.policyArn} ` +
                        `(${awsManagedPolicyName(attachment.policyArn)}); grant the workload the actions it needs instead`,
                    attachment.resource.urn,
                );
            }
        },
    };
}

/** Administrator power for pods. */
export const workloadAdministratorPolicyRule = attachmentRule(
    "workload-role-no-administrator-policy",
    "A role that pods assume (it trusts an IAM OIDC provider or pods.eks.amazonaws.com) may not have AdministratorAccess, PowerUserAccess or IAMFullAccess attached: any compromised pod would own the account, or could make itself its owner.",
    "mandatory",
    {
        properties: {
            policyNames: {
                type: "array",
                items: { type: "string" },
                default: defaultAdministratorPolicyNames,
                description: "Names of the AWS-managed policies that may not be attached to a workload role.",
            },
        },
    },
    (policyArn, config) => isAwsManagedPolicyOf(policyArn, (config.policyNames as string[] | undefined) ?? defaultAdministratorPolicyNames),
);

/** Whole services for pods. */
export const workloadFullAccessPolicyRule = attachmentRule(
    "workload-role-no-full-access-policy",
    "A role that pods assume should not have AWS-managed *FullAccess policies attached: each grants every action of a service on every resource of the account.",
    "advisory",
    {
        properties: {
            allowedPolicyNames: {
                type: "array",
                items: { type: "string" },
                default: [],
                description: "Names of *FullAccess policies a workload role may have (e.g. a team's accepted exceptions).",
            },
        },
    },
    (policyArn, config) =>
        isAwsManagedFullAccessPolicy(policyArn) &&
        !isAwsManagedPolicyOf(policyArn, [...defaultAdministratorPolicyNames, ...((config.allowedPolicyNames as string[] | undefined) ?? [])]),
);
