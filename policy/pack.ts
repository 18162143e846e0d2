/**
 * The policy pack's contents: its name and every policy, without starting anything, so tests and
 * the offline plan can run the same rules the analyzer serves (index.ts).
 */
import { Policies, PolicyPackArgs } from "@pulumi/policy";

import { clusterAuditLoggingRule, clusterEndpointRule, launchTemplateImdsv2Rule, nodeGroupImdsRule } from "./rules/eks";
import { serviceAccountRoleAccountRule, serviceAccountTokenRule } from "./rules/kubernetes";
import { workloadServiceAccountRbacRule } from "./rules/rbac";
import { inlineServiceWildcardRule, inlineWildcardActionRule, workloadAdministratorPolicyRule, workloadClusterAccessRule, workloadFullAccessPolicyRule } from "./rules/permissions";
import { irsaTrustRule, podIdentityClusterRule, podIdentitySessionTagRule, podIdentitySourceRule, wildcardPrincipalRule, workloadAwsPrincipalRule, workloadForeignPrincipalRule } from "./rules/trust";

/** The pack's name, as `pulumi policy publish` registers it in an organisation. */
export const packName = "eks-workload-identity";

/** Every policy of the pack, trust first. */
export const policies: Policies = [
    irsaTrustRule,
    podIdentitySourceRule,
    podIdentityClusterRule,
    podIdentitySessionTagRule,
    wildcardPrincipalRule,
    workloadForeignPrincipalRule,
    workloadAwsPrincipalRule,
    inlineWildcardActionRule,
    inlineServiceWildcardRule,
    workloadAdministratorPolicyRule,
    workloadFullAccessPolicyRule,
    workloadClusterAccessRule,
    workloadServiceAccountRbacRule,
    launchTemplateImdsv2Rule,
    nodeGroupImdsRule,
    serviceAccountTokenRule,
    serviceAccountRoleAccountRule,
    clusterEndpointRule,
    clusterAuditLoggingRule,
];

/** The arguments of the pack's `PolicyPack`. */
export const packArgs: PolicyPackArgs = {
    description:
        "Guardrails for EKS workload identity: IRSA and Pod Identity trust policies that admit only the intended ServiceAccounts, no '*' principals or actions, no administrator policies on pod roles, IMDSv2 with hop limit 1 on nodes, bound ServiceAccounts without API tokens or RBAC that lets other subjects become them, and clusters with a restricted endpoint and an audit log.",
    displayName: "EKS workload identity",
    provider: "aws",
    tags: ["aws", "eks", "iam", "kubernetes", "security"],
    policies,
};
