/**
 * The rules on what a role may do, judged by the escalation model shared with the components
 * (components/iam): every action in any role's own documents, and, for workload roles, every path
 * to more power through every way the stack grants them permissions (policy/grants.ts).
 */
import { EnforcementLevel, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";

import { IndexedStatement } from "../documents";
import { emptyStackGrants, linksTo, readResource, readStack, StackResource } from "../grants";
import { defaultAdministratorPolicyNames, serviceWildcardActionProblems, wildcardActionProblems } from "../permissions";
import { describeProblem, documentProblems } from "../trust";
import { deploymentMemory, workloadViolations } from "../deployment";
import { JudgementOptions, workloadRolesOf } from "../workloads";
import { clusterAccessOf } from "../clusterAccess";

/** The documents a resource holds itself: a role's inline policies, a policy's document, a template's. */
function documentsOf(resource: StackResource): { label: string; document: unknown }[] {
    const into = emptyStackGrants();
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

type WorkloadRuleConfig = { policyNames?: string[]; allowedPolicyNames?: string[] };

function judgementOptions(config: WorkloadRuleConfig): JudgementOptions {
    return {
        forbiddenPolicyNames: config.policyNames ?? defaultAdministratorPolicyNames,
        allowedBroadPolicyNames: config.allowedPolicyNames ?? [],
    };
}

/**
 * A rule on workload roles' grants. Over the whole stack at the end of a preview or update; with the
 * mandatory paths also at each resource, so `pulumi up` (`--skip-preview` included) refuses a grant
 * before the engine creates it (policy/deployment.ts). The stack pass reports only what no resource
 * pass of the same deployment reported, so a violation is reported once.
 */
function workloadRule(
    name: string,
    description: string,
    enforcementLevel: EnforcementLevel,
    configSchema: StackValidationPolicy["configSchema"],
    mandatoryPaths: boolean,
): StackValidationPolicy & Partial<Pick<ResourceValidationPolicy, "validateResource">> {
    return {
        name,
        description,
        enforcementLevel,
        configSchema,
        validateStack: (args, reportViolation) => {
            const stack = readStack(args.resources.map((resource) => ({ ...resource, propertyDependencies: resource.propertyDependencies as never })));
            const memory = deploymentMemory(args.stackTags);
            for (const violation of workloadViolations(stack, judgementOptions(args.getConfig<WorkloadRuleConfig>()), mandatoryPaths)) {
                if (!mandatoryPaths || !memory.wasReported(violation)) {
                    reportViolation(violation.message, violation.urn);
                }
            }
        },
        ...(mandatoryPaths && {
            validateResource: (args, reportViolation) => {
                const resource = { type: args.type, name: args.name, urn: args.urn, props: args.props, propertyDependencies: {} };
                for (const { message } of deploymentMemory(args.stackTags).analyze(resource, judgementOptions(args.getConfig<WorkloadRuleConfig>()))) {
                    reportViolation(message, args.urn);
                }
            },
        }),
    };
}

/** Administrator power, or a path to it, for pods. */
export const workloadAdministratorPolicyRule = workloadRule(
    "workload-role-no-administrator-policy",
    "A role that pods can hold (it trusts an IAM OIDC provider or pods.eks.amazonaws.com, a Pod Identity association names it, or its trust is not known) may not be granted administrator power or a path of the escalation model (IAM policy writes, iam:PassRole with compute, sts:AssumeRole or user credentials for principals it does not name, ...), through any policy, attachment, CloudControl resource or CloudFormation template; a grant the pack cannot read is refused too. Judged at each resource as the update reaches it (so `pulumi up` refuses the grant before creating it) and over the whole stack.",
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
    "A role that pods can hold should not be granted all or most actions of a service, iam:PassRole on roles it does not name, resource-policy writes on resources it does not name, or (a role pods hold themselves) reads of the data of every resource of a type (every object, secret, parameter...), through any policy or attachment.",
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

/** Kubernetes access for pods' roles: the power to run pods as other ServiceAccounts, whose roles they then hold. */
export const workloadClusterAccessRule: StackValidationPolicy = {
    name: "workload-role-no-cluster-access",
    description:
        "A role that pods can hold may not be given Kubernetes access to an EKS cluster beyond reading (an access entry's Kubernetes groups, a node type, an access policy other than AmazonEKSViewPolicy, or aws-auth mapRoles groups): with it the pods can run pods as other ServiceAccounts, or read their tokens, and so hold every role those ServiceAccounts are bound to. Pods reach the Kubernetes API with their ServiceAccount's RBAC.",
    enforcementLevel: "mandatory",
    validateStack: (args, reportViolation) => {
        const resources = args.resources.map((resource) => ({ ...resource, propertyDependencies: resource.propertyDependencies as never }));
        const access = resources.flatMap(clusterAccessOf);
        if (access.length === 0) {
            return;
        }
        const stack = readStack(resources);
        const workloads = workloadRolesOf(stack);
        for (const record of access) {
            const principal = record.principal;
            // A principal not known yet (preview) that is none of the stack's roles could be any role, a workload role among them.
            if ("unknownReference" in principal && principal.unknownReference && !stack.roles.some((role) => linksTo(principal, role))) {
                reportViolation(
                    `${record.label} gives a principal not known yet (preview), which could be a workload role, ${record.what}: pods holding it could run pods as other ServiceAccounts (or read their tokens) and hold the roles bound to them; ` +
                        "name the principal with a role of this stack (its ARN as a literal, or the role's output), so that the pack can judge it before the update creates the access",
                    record.urn,
                );
                continue;
            }
            for (const { role, reason } of workloads.filter((each) => linksTo(record.principal, each.role))) {
                reportViolation(
                    `${record.label} gives ${role.label}, a workload role (${reason}), ${record.what}: pods holding it can run pods as other ServiceAccounts (or read their tokens) and hold the roles bound to them; ` +
                        "give the pods Kubernetes access through their ServiceAccount's RBAC, and this principal a role of its own",
                    record.urn,
                );
            }
        }
    },
};
