/**
 * The rules on what a role may do, judged by the escalation model shared with the components
 * (components/iam): every action in any role's own documents, and, for workload roles, every path
 * to more power through every way the stack grants them permissions (policy/grants.ts).
 */
import { EnforcementLevel, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";

import { describePath, isMandatoryPath } from "@eks-irsa/components/iam";
import { IndexedStatement } from "../documents";
import { readResource, readStack, StackGrants, StackResource } from "../grants";
import { defaultAdministratorPolicyNames, serviceWildcardActionProblems, wildcardActionProblems } from "../permissions";
import { describeProblem, documentProblems } from "../trust";
import { judgeWorkloadRoles } from "../workloads";

/** The documents a resource holds itself: a role's inline policies, a policy's document, a template's. */
function documentsOf(resource: StackResource): { label: string; document: unknown }[] {
    const into: StackGrants = { roles: [], grants: [], policies: [], associations: [] };
    readResource(resource, into);
    return [
        ...into.grants.flatMap((grant) => ("document" in grant.content ? [{ label: grant.label, document: grant.content.document }] : [])),
        ...into.policies.flatMap((policy) => (typeof policy.document === "symbol" || into.grants.some((grant) => grant.label === policy.label) ? [] : [{ label: policy.label, document: policy.document }])),
    ];
}

function documentRule(name: string, description: string, enforcementLevel: EnforcementLevel, check: (statement: IndexedStatement) => string[]): ResourceValidationPolicy {
    return {
        name,
        description,
        enforcementLevel,
        validateResource: (args, reportViolation) => {
            for (const { label, document } of documentsOf({ ...args, propertyDependencies: {} })) {
                if (document === undefined || document === null || document === "") {
                    continue;
                }
                for (const problem of documentProblems(document, check).problems) {
                    reportViolation(describeProblem(label, problem));
                }
            }
        },
    };
}

/** Every action, to anyone holding the role. */
export const inlineWildcardActionRule = documentRule(
    "iam-inline-policy-no-wildcard-action",
    "A role's policies may not Allow every action (\"*\", \"**\", \"*:*\", NotAction) or every action of most services: that includes IAM and STS, so whoever holds the role, a pod among them, can create principals or become other roles.",
    "mandatory",
    wildcardActionProblems,
);

/** Every action of a service. */
export const inlineServiceWildcardRule = documentRule(
    "iam-inline-policy-no-service-wildcard-action",
    "A role's policies should not Allow all or most actions of a service (\"s3:*\", \"iam:**\"): that is every present and future action of it, deletes and permission changes included. List the actions.",
    "advisory",
    serviceWildcardActionProblems,
);

function workloadRule(
    name: string,
    description: string,
    enforcementLevel: EnforcementLevel,
    configSchema: StackValidationPolicy["configSchema"],
    mandatoryPaths: boolean,
): StackValidationPolicy {
    return {
        name,
        description,
        enforcementLevel,
        configSchema,
        validateStack: (args, reportViolation) => {
            const config = args.getConfig<{ policyNames?: string[]; allowedPolicyNames?: string[] }>();
            const stack = readStack(args.resources.map((resource) => ({ ...resource, propertyDependencies: resource.propertyDependencies as never })));
            const judged = judgeWorkloadRoles(stack, {
                forbiddenPolicyNames: config.policyNames ?? defaultAdministratorPolicyNames,
                allowedBroadPolicyNames: config.allowedPolicyNames ?? [],
            });
            for (const role of judged) {
                for (const { finding, urn } of role.findings.filter((each) => isMandatoryPath(each.finding.path) === mandatoryPaths)) {
                    reportViolation(`${role.role} is a workload role (${role.reason}) and ${describePath(finding)}; grant the workload the actions it needs on the resources it names instead`, urn);
                }
                if (mandatoryPaths) {
                    for (const { label, urn, why } of role.unreadable) {
                        reportViolation(`${role.role} is a workload role (${role.reason}) and ${label} ${why}; a workload role's grants must be ones the pack can judge`, urn);
                    }
                }
            }
        },
    };
}

/** Administrator power, or a path to it, for pods. */
export const workloadAdministratorPolicyRule = workloadRule(
    "workload-role-no-administrator-policy",
    "A role that pods can hold (it trusts an IAM OIDC provider or pods.eks.amazonaws.com, a Pod Identity association names it, or its trust is not known) may not be granted administrator power or a path of the escalation model (IAM policy writes, iam:PassRole with compute, sts:AssumeRole or user credentials for principals it does not name, ...), through any policy, attachment, CloudControl resource or CloudFormation template; a grant the pack cannot read is refused too.",
    "mandatory",
    {
        properties: {
            policyNames: {
                type: "array",
                items: { type: "string" },
                default: defaultAdministratorPolicyNames,
                description: "AWS-managed policies refused by name on a workload role, on top of every policy whose document opens a path.",
            },
        },
    },
    true,
);

/** Broad grants for pods. */
export const workloadFullAccessPolicyRule = workloadRule(
    "workload-role-no-full-access-policy",
    "A role that pods can hold should not be granted all or most actions of a service, iam:PassRole on roles it does not name, or resource-policy writes on resources it does not name, through any policy or attachment.",
    "advisory",
    {
        properties: {
            allowedPolicyNames: {
                type: "array",
                items: { type: "string" },
                default: [],
                description: "AWS-managed policies whose broad grants a workload role may have (a team's accepted exceptions).",
            },
        },
    },
    false,
);
