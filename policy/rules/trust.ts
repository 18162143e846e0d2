/**
 * The rules on who may assume a role, read from the trust policy of every IAM role.
 */
import { EnforcementLevel, ResourceValidationPolicy } from "@pulumi/policy";

import { IndexedStatement } from "../documents";
import { emptyStackGrants, readResource, templateResourceTypes, unknown } from "../grants";
import { plain, resourceLabel } from "../runtime";
import {
    describeProblem,
    documentProblems,
    podIdentityClusterProblems,
    podIdentitySessionTagProblems,
    podIdentitySourceProblems,
    publicWebIdentityProblems,
    webIdentityStatementProblems,
    wildcardPrincipalProblems,
    workloadAwsPrincipals,
} from "../trust";

/** Role types and the input that holds their trust policy. */
export const roleTrustPolicyInputs: Record<string, string> = {
    "aws:iam/role:Role": "assumeRolePolicy",
    "aws-native:iam:Role": "assumeRolePolicyDocument",
};

/** The trust policy of a role resource, or undefined for other types (or a role without one). */
export function trustPolicyOf(resource: { type: string; props: Record<string, unknown> }): unknown {
    const input = roleTrustPolicyInputs[resource.type];
    return input === undefined ? undefined : plain(resource.props[input]);
}

/** A trust policy to judge, or (a template role's) the parts of one that the pack cannot judge. */
type TrustPolicy = { label: string; document: unknown } | { label: string; unjudgeable: string[] };

/**
 * The trust policies a resource holds: a role's own, or those of the IAM roles a CloudControl resource
 * or a CloudFormation template creates. A template role's trust is read with the values the stack
 * gives its pseudo-parameters and parameters; one that still holds an intrinsic function only
 * CloudFormation resolves cannot be judged, and is reported (the workload-role rules also judge such
 * a role as a workload role). A trust not known yet (preview) is left to `pulumi up`.
 */
function trustPoliciesOf(resource: { type: string; name: string; urn: string; props: Record<string, unknown> }): TrustPolicy[] {
    const own = trustPolicyOf(resource);
    if (own !== undefined) {
        return [{ label: resourceLabel(resource), document: own }];
    }
    if (resource.type !== "aws:cloudcontrol/resource:Resource" && !templateResourceTypes.includes(resource.type)) {
        return [];
    }
    const into = emptyStackGrants();
    readResource({ ...resource, propertyDependencies: {} }, into);
    return into.roles.flatMap((role): TrustPolicy[] => {
        if (role.unjudgeable !== undefined) {
            return [{ label: role.label, unjudgeable: role.unjudgeable }];
        }
        return role.trust === unknown || role.trust === undefined ? [] : [{ label: role.label, document: role.trust }];
    });
}

/** A rule that checks each statement of every role's trust policy. */
function trustRule(
    name: string,
    description: string,
    enforcementLevel: EnforcementLevel,
    check: (statement: IndexedStatement) => string[],
    options: { reportUnreadable: boolean },
): ResourceValidationPolicy {
    return {
        name,
        description,
        enforcementLevel,
        validateResource: (args, reportViolation) => {
            for (const trust of trustPoliciesOf(args)) {
                const label = trust.label;
                if ("unjudgeable" in trust) {
                    // Fail closed, once: the rule that reports unreadable trusts reports what the pack cannot judge.
                    for (const part of options.reportUnreadable ? trust.unjudgeable : []) {
                        reportViolation(`${label}: ${part}; write the values as plain strings, or as parameters the stack passes`);
                    }
                    continue;
                }
                const { problems, error } = documentProblems(trust.document, check);
                if (error !== undefined && options.reportUnreadable) {
                    reportViolation(`${label}: its trust policy ${error}, so no rule can tell who may assume the role`);
                }
                for (const problem of problems) {
                    reportViolation(`${label}: ${describeProblem("trust policy", problem)}`);
                }
            }
        },
    };
}

/** IRSA: the provider's tokens, for named ServiceAccounts and the STS audience only. */
export const irsaTrustRule = trustRule(
    "irsa-trust-bounded-subject",
    "A role trusting an EKS cluster's IAM OIDC provider must name the ServiceAccounts that may assume it (StringEquals on <issuer>:sub, or a StringLike pattern inside one namespace) and the audience (StringEquals on <issuer>:aud), with the keys of that provider's own issuer; otherwise any pod of the cluster can take the role.",
    "mandatory",
    webIdentityStatementProblems,
    { reportUnreadable: false },
);

/** Pod Identity: the EKS service, for this account only. */
export const podIdentitySourceRule = trustRule(
    "pod-identity-trust-source",
    "A role trusting EKS Pod Identity (pods.eks.amazonaws.com) must name the account it serves (aws:SourceAccount); otherwise a cluster of another account can be given the role (the confused deputy).",
    "mandatory",
    podIdentitySourceProblems,
    { reportUnreadable: false },
);

/** Pod Identity: the EKS service, for named clusters only, by the session tag EKS sets. */
export const podIdentityClusterRule = trustRule(
    "pod-identity-trust-cluster",
    "A role trusting EKS Pod Identity must name the clusters it serves, of the account it names, in a condition on the session tag aws:RequestTag/eks-cluster-arn (aws:SourceArn does not count: AWS documents no value of it for pods.eks.amazonaws.com); otherwise any cluster of the account given an association of the role gets it. Roles whose associations disable session tags cannot: lower this rule for the stacks that use them.",
    "mandatory",
    podIdentityClusterProblems,
    { reportUnreadable: false },
);

/** Pod Identity: the ServiceAccounts, by the session tags EKS sets. */
export const podIdentitySessionTagRule = trustRule(
    "pod-identity-trust-session-tags",
    "A role trusting EKS Pod Identity should name its namespace and ServiceAccount in conditions on the session tags aws:RequestTag/kubernetes-namespace and aws:RequestTag/kubernetes-service-account, so that no other ServiceAccount gets it when someone associates it.",
    "advisory",
    podIdentitySessionTagProblems,
    { reportUnreadable: false },
);

/** Anyone: `*` as principal, or a public web identity provider whose audience is not bound. */
export const wildcardPrincipalRule = trustRule(
    "trust-no-wildcard-principal",
    "A role's trust policy may not allow the principal \"*\" (in any form, or through NotPrincipal), nor a public web identity provider (Cognito, Login with Amazon, Facebook, Google) without a StringEquals bound on its audience: they let any AWS principal of any account, or anyone who signs in to any application of the provider, try to assume the role, and conditions are one mistake away from letting them in.",
    "mandatory",
    (statement) => [...wildcardPrincipalProblems(statement), ...publicWebIdentityProblems(statement)],
    { reportUnreadable: true },
);

/** A rule on the AWS principals a workload role's trust admits besides the pods: those of other accounts, or those of its own. */
function workloadPrincipalRule(name: string, description: string, enforcementLevel: EnforcementLevel, ownAccount: boolean): ResourceValidationPolicy {
    return {
        name,
        description,
        enforcementLevel,
        validateResource: (args, reportViolation) => {
            for (const trust of trustPoliciesOf(args)) {
                if ("unjudgeable" in trust) {
                    continue;
                }
                for (const admission of workloadAwsPrincipals(trust.document).filter((each) => each.ownAccount === ownAccount)) {
                    const who = admission.publicWebIdentity
                        ? `${JSON.stringify(admission.principal)}, a public web identity provider: whoever signs in to the application its audience names (any account's; for a Cognito identity pool with guest access, anyone) gets a token it accepts`
                        : admission.otherIssuer !== undefined && ownAccount
                        ? `${JSON.stringify(admission.principal)}, the IAM OIDC provider of ${admission.otherIssuer}, not an EKS cluster's issuer: the subjects its conditions name (a CI workflow, say) get a token it accepts`
                        : admission.account === undefined
                            ? `${JSON.stringify(admission.principal)}, a principal whose account the pack cannot tell`
                            : admission.ambiguous !== undefined
                              ? `${JSON.stringify(admission.principal)}, of account ${admission.account}, which the pack cannot tell is the role's own: the trust's OIDC providers and aws:SourceAccount name several accounts (${admission.ambiguous.join(", ")}), and a role is in one`
                              : ownAccount
                              ? `${JSON.stringify(admission.principal)}, of the role's own account ${admission.account}`
                              : `${JSON.stringify(admission.principal)}, of account ${admission.account}, which is not the account of the role's OIDC provider or aws:SourceAccount`;
                    const why = admission.publicWebIdentity
                        ? "people the stack does not know get the pods' permissions; give the application's users a role of their own"
                        : ownAccount
                        ? "whoever holds it (or, for the account, any principal an identity policy lets call sts:AssumeRole on the role) gets the pods' permissions; give it a role of its own"
                        : "principals the stack does not control (any that account lets call sts:AssumeRole) get the pods' permissions, whatever the conditions say; give them a role of their own";
                    reportViolation(`${trust.label}: ${describeProblem("trust policy", { statement: admission.statement, problem: `a workload role (it trusts IRSA or EKS Pod Identity) that also admits ${who}: ${why}` })}`);
                }
            }
        },
    };
}

/** A workload role assumable from another account. */
export const workloadForeignPrincipalRule = workloadPrincipalRule(
    "workload-trust-foreign-principal",
    "A role whose trust admits pods (IRSA or EKS Pod Identity) may not also admit AWS principals of another account (or of an account the pack cannot tell) to sts:AssumeRole, nor another account's SAML identity provider to sts:AssumeRoleWithSAML, nor a public web identity provider (Cognito, Google, Facebook, Login with Amazon) to sts:AssumeRoleWithWebIdentity: principals the stack does not control would hold the pods' permissions.",
    "mandatory",
    false,
);

/** A workload role assumable by other principals of its account. */
export const workloadAwsPrincipalRule = workloadPrincipalRule(
    "workload-trust-aws-principal",
    "A role whose trust admits pods (IRSA or EKS Pod Identity) should not also admit AWS principals of its own account (a role, a user, the account itself), the users of its SAML identity providers, or the subjects of its IAM OIDC providers of other issuers than EKS (a CI system's): the pods' role is then shared with them; give them a role of their own.",
    "advisory",
    true,
);
