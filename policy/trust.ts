/**
 * Who may assume a role: the checks of a trust policy's statements for IRSA (an IAM OIDC provider
 * and `sts:AssumeRoleWithWebIdentity`), EKS Pod Identity (`pods.eks.amazonaws.com`) and `*`
 * principals. Pure functions over a parsed document; each problem names the statement it is in.
 */
import {
    ConditionEntry,
    conditionsOf,
    conditionsOn,
    describeStatement,
    IndexedStatement,
    isAllow,
    isOperator,
    Json,
    parsePolicyDocument,
    principalsOf,
    statementCoversAction,
} from "./documents";
import { regionOfEksIssuer } from "@eks-irsa/components/iam";

import { confinedToOneAccountsResource, isPolicyVariable, namesOneAccount, namesOneValue } from "./conditions";

/** The service principal EKS Pod Identity assumes roles as. */
export const podIdentityPrincipal = "pods.eks.amazonaws.com";

/** The session tags EKS Pod Identity sets that name the ServiceAccount (EKS User Guide, "Create IAM role with trust policy required by EKS Pod Identity"). */
export const podIdentityServiceAccountTags = ["kubernetes-namespace", "kubernetes-service-account"] as const;

/** The session tag EKS Pod Identity sets that names the cluster (the same page, and "pod-id-abac"). */
export const podIdentityClusterTag = "eks-cluster-arn";

/** A problem with one statement of a document. */
export interface StatementProblem {
    statement: IndexedStatement;
    problem: string;
}

/** A finding as a message: the statement's index and JSON, then what is wrong with it. */
export function describeProblem(documentName: string, { statement, problem }: StatementProblem): string {
    return `${documentName} ${describeStatement(statement)}: ${problem}`;
}

/** The issuer of an IAM OIDC provider ARN (its part after `oidc-provider/`), or undefined for any other principal. */
export function issuerOfProviderArn(principal: string): string | undefined {
    const match = /^arn:[^:]+:iam::[^:]*:oidc-provider\/(.+)$/.exec(principal);
    return match?.[1];
}

/** The IAM OIDC providers a statement trusts, by issuer. */
function trustedIssuers(statement: Record<string, Json>): string[] {
    return (principalsOf(statement).Federated ?? []).flatMap((principal) => {
        const issuer = issuerOfProviderArn(principal);
        return issuer === undefined ? [] : [issuer];
    });
}

/** Operators that also pass when the key is absent from the request, so they bound nothing. */
function passesWhenAbsent(condition: ConditionEntry): boolean {
    return /IfExists$/i.test(condition.operator) || /^ForAllValues:/i.test(condition.operator);
}

/** `system:serviceaccount:<namespace>:<name>` where the namespace has no wildcard (the name may be a pattern). */
const namespaceConfinedSubject = /^system:serviceaccount:([^:*?]+):([^:]+)$/;

/** A condition key that belongs to an OIDC issuer (`<issuer>:<claim>`) rather than to AWS or a service: its prefix is a host. */
function issuerOfConditionKey(key: string): string | undefined {
    const separator = key.lastIndexOf(":");
    const prefix = key.slice(0, separator);
    return separator > 0 && /[./]/.test(prefix) ? prefix : undefined;
}

/**
 * The problems of an IRSA trust statement: an `Allow` of `sts:AssumeRoleWithWebIdentity` to an IAM
 * OIDC provider must bound the token's `sub` to exact ServiceAccounts (`StringEquals`) or to a
 * `StringLike` pattern inside one namespace, and its `aud` with `StringEquals`, on the keys of that
 * same issuer. Statements of other kinds have none.
 */
export function webIdentityStatementProblems(indexed: IndexedStatement): string[] {
    const { statement } = indexed;
    const issuers = trustedIssuers(statement);
    if (!isAllow(statement) || issuers.length === 0 || !statementCoversAction(statement, "sts:AssumeRoleWithWebIdentity")) {
        return [];
    }
    const conditions = conditionsOf(statement);
    const problems: string[] = [];
    for (const issuer of issuers) {
        const subKey = `${issuer}:sub`;
        const audKey = `${issuer}:aud`;
        const sub = conditionsOn(conditions, subKey);
        const aud = conditionsOn(conditions, audKey);
        for (const condition of [...sub, ...aud].filter(passesWhenAbsent)) {
            problems.push(`${condition.operator} on ${condition.key} also passes for a token without that claim, so it bounds nothing; use StringEquals`);
        }
        for (const condition of [...sub, ...aud].filter((entry) => entry.values.some(isPolicyVariable))) {
            problems.push(
                `${condition.operator} on ${condition.key} compares it with ${JSON.stringify(condition.values.filter(isPolicyVariable))}, a policy variable IAM replaces by a value of the request (the claim itself, say): it bounds nothing; name the values`,
            );
        }
        const exact = sub.filter((condition) => isOperator(condition, "StringEquals") && condition.values.length > 0 && !condition.values.some(isPolicyVariable));
        const patterns = sub.filter((condition) => isOperator(condition, "StringLike") && !condition.values.some(isPolicyVariable));
        for (const condition of patterns) {
            for (const value of condition.values) {
                if (!namespaceConfinedSubject.test(value)) {
                    problems.push(
                        `StringLike on ${subKey} admits ${JSON.stringify(value)}, which is not confined to one namespace: ` +
                            "write system:serviceaccount:<namespace>:<name pattern>, with no wildcard in the namespace",
                    );
                }
            }
        }
        if (exact.length === 0 && patterns.length === 0) {
            problems.push(
                `no StringEquals (or namespace-confined StringLike) condition on ${subKey}: every ServiceAccount of every namespace of the cluster can assume the role; ` +
                    `bound it to system:serviceaccount:<namespace>:<name>`,
            );
        }
        for (const condition of aud.filter((entry) => isOperator(entry, "StringLike"))) {
            problems.push(`StringLike on ${audKey} (${JSON.stringify(condition.values)}): the audience must be matched exactly, with StringEquals`);
        }
        if (!aud.some((condition) => isOperator(condition, "StringEquals") && condition.values.length > 0 && !condition.values.some(isPolicyVariable))) {
            problems.push(`no StringEquals condition on ${audKey}: tokens issued for any audience are accepted; require sts.amazonaws.com`);
        }
    }
    const ownIssuers = issuers.map((issuer) => issuer.toLowerCase());
    for (const condition of conditions) {
        const issuer = issuerOfConditionKey(condition.key);
        if (issuer !== undefined && !ownIssuers.includes(issuer.toLowerCase())) {
            problems.push(
                `the condition key ${condition.key} belongs to another issuer than the statement's principal (${issuers.join(", ")}): ` +
                    "it constrains nothing about this provider's tokens; use the principal's own issuer in the key",
            );
        }
    }
    return problems;
}

/**
 * Whether a condition holds a real bound on the key: a positive operator, not IfExists, and values
 * that each bound (by default: no wildcard and no policy variable; IAM ORs the values, so one that
 * matches anything makes the condition match anything).
 */
function bounds(conditions: ConditionEntry[], key: string, operators: string[], valueBounds: (value: string) => boolean = namesOneValue): boolean {
    return conditionsOn(conditions, key).some(
        (condition) => isOperator(condition, ...operators) && !passesWhenAbsent(condition) && condition.values.length > 0 && condition.values.every(valueBounds),
    );
}

/** Whether an `Allow` statement lets EKS Pod Identity assume the role. */
function isPodIdentityStatement(statement: Record<string, Json>): boolean {
    return (
        isAllow(statement) &&
        (principalsOf(statement).Service ?? []).some((service) => service.toLowerCase() === podIdentityPrincipal) &&
        statementCoversAction(statement, "sts:AssumeRole")
    );
}

/**
 * The problems of a Pod Identity trust statement's source: without `aws:SourceAccount` naming one
 * account, the EKS service may assume the role on behalf of any account's cluster (the confused
 * deputy). `aws:SourceArn` is not counted: AWS documents no value of it for `pods.eks.amazonaws.com`.
 */
export function podIdentitySourceProblems(indexed: IndexedStatement): string[] {
    if (!isPodIdentityStatement(indexed.statement)) {
        return [];
    }
    const conditions = conditionsOf(indexed.statement);
    return bounds(conditions, "aws:SourceAccount", ["StringEquals", "StringLike"], namesOneAccount)
        ? []
        : ["no StringEquals condition on aws:SourceAccount: EKS Pod Identity may assume the role for a cluster of any account; name this account"];
}

/** Whether a value names one EKS cluster of one account (a wildcard region reaches only that account's cluster of that name). */
function namesOneCluster(value: string): boolean {
    return confinedToOneAccountsResource(value) && value.split(":")[2] === "eks" && /^cluster\/[^/]+$/.test(value.split(":").slice(5).join(":"));
}

/**
 * The problems of a Pod Identity trust statement's clusters: without a condition on the session tag
 * `aws:RequestTag/eks-cluster-arn` naming clusters of the account `aws:SourceAccount` names, any cluster
 * of the account that is given an association of the role gets it. `aws:SourceArn` does not stand in:
 * AWS documents no value of it for this principal, and a value EKS does not send refuses every pod.
 */
export function podIdentityClusterProblems(indexed: IndexedStatement): string[] {
    if (!isPodIdentityStatement(indexed.statement)) {
        return [];
    }
    const conditions = conditionsOf(indexed.statement);
    const key = `aws:RequestTag/${podIdentityClusterTag}`;
    if (!bounds(conditions, key, ["StringEquals", "StringLike"], namesOneCluster)) {
        const sourceArn = conditionsOn(conditions, "aws:SourceArn").length > 0 ? " (aws:SourceArn does not count: AWS documents no value of it for pods.eks.amazonaws.com)" : "";
        return [
            `no StringEquals condition on ${key} naming EKS cluster ARNs: EKS Pod Identity may assume the role for any cluster of the account${sourceArn}; ` +
                "name the clusters' ARNs (a role whose associations disable session tags cannot, and relies on iam:PassRole alone)",
        ];
    }
    const accounts = conditionsOn(conditions, "aws:SourceAccount").flatMap((condition) => condition.values);
    const clusterAccounts = conditionsOn(conditions, key).flatMap((condition) => condition.values.map((value) => value.split(":")[4]));
    const foreign = [...new Set(clusterAccounts.filter((account) => accounts.length > 0 && !accounts.includes(account)))];
    return foreign.length === 0
        ? []
        : [`${key} names clusters of ${foreign.join(", ")}, an account aws:SourceAccount does not name: no pod of them can get the role; name clusters of the source account`];
}

/**
 * The advisory problems of a Pod Identity trust statement: without conditions on the session tags
 * EKS sets for the ServiceAccount, any ServiceAccount someone associates with the role gets it.
 */
export function podIdentitySessionTagProblems(indexed: IndexedStatement): string[] {
    if (!isPodIdentityStatement(indexed.statement)) {
        return [];
    }
    const conditions = conditionsOf(indexed.statement);
    return podIdentityServiceAccountTags
        .filter((tag) => !bounds(conditions, `aws:RequestTag/${tag}`, ["StringEquals", "StringLike"]))
        .map(
            (tag) =>
                `no StringEquals condition on aws:RequestTag/${tag}: any ServiceAccount associated with the role gets it; ` +
                "name the namespace and ServiceAccount the role is for",
        );
}

/** The problems of a statement that lets anyone in: an `Allow` to the principal `*` (in any form), or to everyone but a `NotPrincipal`. */
export function wildcardPrincipalProblems(indexed: IndexedStatement): string[] {
    const { statement } = indexed;
    if (!isAllow(statement)) {
        return [];
    }
    if (statement.NotPrincipal !== undefined) {
        return ["Allow with NotPrincipal trusts every principal except the ones named, including every AWS account; name the principals instead"];
    }
    const wildcards = Object.entries(principalsOf(statement)).filter(([, values]) => values.includes("*"));
    return wildcards.map(([kind]) =>
        kind === "*"
            ? 'Principal "*" lets any principal of any AWS account assume the role; conditions do not make that safe, name the principals'
            : `Principal {"${kind}": "*"} lets any principal of that kind, in any AWS account, assume the role; name the principals`,
    );
}

/**
 * Web identity providers anyone can get a token from (Amazon Cognito, Login with Amazon, Facebook,
 * Google): a trust of one of them admits whoever signs in to any application, in any account, unless
 * it bounds the token's audience (`<provider>:aud`) to the stack's own identity pool or application.
 */
export const publicWebIdentityProviders = ["cognito-identity.amazonaws.com", "www.amazon.com", "graph.facebook.com", "accounts.google.com"] as const;

/** The public web identity providers an `Allow` statement admits to `sts:AssumeRoleWithWebIdentity`, as written. */
function publicProvidersOf(statement: Record<string, Json>): string[] {
    if (!isAllow(statement) || !statementCoversAction(statement, "sts:AssumeRoleWithWebIdentity")) {
        return [];
    }
    return (principalsOf(statement).Federated ?? []).filter((principal) => (publicWebIdentityProviders as readonly string[]).includes(principal.toLowerCase()));
}

/**
 * The problems of a statement admitting a public web identity provider to
 * `sts:AssumeRoleWithWebIdentity` without a bound audience: `StringEquals` (not IfExists, not
 * ForAllValues) on `<provider>:aud`, each value a literal (no wildcard, no policy variable).
 */
export function publicWebIdentityProblems(indexed: IndexedStatement): string[] {
    const conditions = conditionsOf(indexed.statement);
    return publicProvidersOf(indexed.statement)
        .filter((provider) => !bounds(conditions, `${provider}:aud`, ["StringEquals"]))
        .map(
            (provider) =>
                `Principal {"Federated": "${provider}"} without a StringEquals condition on ${provider}:aud lets anyone who signs in to any application of that provider, in any account, assume the role; ` +
                "name your identity pool or application in the audience",
        );
}

/** An AWS principal a workload role's trust admits to `sts:AssumeRole`, and the account it is of. */
export interface AwsPrincipalAdmission {
    statement: IndexedStatement;
    principal: string;
    /** Its account (twelve digits), when the principal shows one. */
    account: string | undefined;
    /** Whether it is of the account the role is in (as the trust's providers and aws:SourceAccount show it, when they show one account). */
    ownAccount: boolean;
    /** The accounts the trust's providers and aws:SourceAccount name, when they name more than one (so none is known to be the role's). */
    ambiguous?: string[];
    /**
     * Whether the principal is a public web identity provider (Cognito, Google...): of no account, its
     * tokens go to whoever signs in to the application its audience names.
     * @default false
     */
    publicWebIdentity?: boolean;
    /**
     * The issuer, when the principal is an IAM OIDC provider of another issuer than an EKS cluster's
     * (a CI system's, say): the subjects its tokens name hold the pods' role too.
     * @default undefined
     */
    otherIssuer?: string;
}

/** The account an AWS principal is of: an account ID, an account's root, a role, user or role session ARN; undefined for any other form. */
export function accountOfPrincipal(principal: string): string | undefined {
    return /^(\d{12})$/.exec(principal)?.[1] ?? /^arn:[^:]+:(?:iam|sts)::(\d{12}):/.exec(principal)?.[1];
}

/**
 * The accounts a workload trust policy shows its role is in: an IAM OIDC provider is in the account
 * of the roles that trust it, and EKS Pod Identity serves the account `aws:SourceAccount` names.
 */
export function workloadTrustAccounts(statements: readonly IndexedStatement[]): string[] {
    const accounts = statements.flatMap(({ statement }) => {
        if (!isAllow(statement)) {
            return [];
        }
        const providers = (principalsOf(statement).Federated ?? []).flatMap((principal) => (issuerOfProviderArn(principal) === undefined ? [] : [principal.split(":")[4]]));
        const sources = isPodIdentityStatement(statement) ? conditionsOn(conditionsOf(statement), "aws:SourceAccount").flatMap((condition) => condition.values) : [];
        return [...providers, ...sources].filter((account) => /^\d{12}$/.test(account));
    });
    return [...new Set(accounts)];
}

/**
 * The AWS principals (other than `*`, which the wildcard rule refuses) that a workload role's trust
 * admits to `sts:AssumeRole`, the SAML identity providers it admits to `sts:AssumeRoleWithSAML`
 * (their users), and the public web identity providers it admits to `sts:AssumeRoleWithWebIdentity`
 * (whoever signs in to an application of theirs; never of the role's account), whatever the conditions (they are the caller's to meet), each with
 * whether it is of the role's own account. Empty for a trust that admits no pods, or that cannot be
 * read. A principal of another account, or of one the pack cannot tell, brings principals the stack
 * does not control into the pods' role; one of the role's account is a role or the account's
 * principals the stack's owner controls.
 */
export function workloadAwsPrincipals(document: unknown): AwsPrincipalAdmission[] {
    const parsed = parsePolicyDocument(document);
    if ("error" in parsed || !isWorkloadTrustPolicy(document)) {
        return [];
    }
    // A role is in one account: a trust naming providers or aws:SourceAccount of several cannot show which is its own
    // (a provider ARN of another account admits no token, yet would make that account look like the role's).
    const accounts = workloadTrustAccounts(parsed.statements);
    const own = accounts.length === 1 ? accounts : [];
    const ambiguous = accounts.length > 1 ? { ambiguous: accounts } : {};
    const admitsPods = parsed.statements.some(
        ({ statement }) => isAllow(statement) && (trustedIssuers(statement).some((issuer) => regionOfEksIssuer(issuer) !== undefined) || isPodIdentityStatement(statement)),
    );
    return parsed.statements.flatMap((indexed) => {
        const { statement } = indexed;
        if (!isAllow(statement) || statement.NotPrincipal !== undefined) {
            return [];
        }
        const admitted = (principal: string): AwsPrincipalAdmission => {
            const account = accountOfPrincipal(principal);
            return { statement: indexed, principal, account, ownAccount: account !== undefined && own.includes(account), ...ambiguous };
        };
        // Whoever signs in through a SAML identity provider the trust names holds the role too (sts:AssumeRoleWithSAML).
        const samlProviders = statementCoversAction(statement, "sts:AssumeRoleWithSAML")
            ? (principalsOf(statement).Federated ?? []).filter((principal) => /^arn:[^:]+:iam::[^:]*:saml-provider\//.test(principal))
            : [];
        // Whoever signs in to the application a public provider's audience names holds the role too: the
        // audience bounds which application, not which users (a Cognito pool with guest access gives anyone an identity).
        // One whose audience is not bound at all is the wildcard rule's to report, on any role.
        const publicProviders = publicProvidersOf(statement).filter((provider) => bounds(conditionsOf(statement), `${provider}:aud`, ["StringEquals"]));
        // An IAM OIDC provider of another issuer (a CI system's) in a trust that admits pods: whatever subject
        // its conditions name, a workflow of that system holds the pods' role. A role that trusts only such
        // providers admits no pods and is not this rule's.
        const otherIssuerProviders =
            admitsPods && statementCoversAction(statement, "sts:AssumeRoleWithWebIdentity")
                ? (principalsOf(statement).Federated ?? []).flatMap((principal) => {
                      const issuer = issuerOfProviderArn(principal);
                      return issuer === undefined || regionOfEksIssuer(issuer) !== undefined ? [] : [{ principal, issuer }];
                  })
                : [];
        return [
            ...[
                ...(statementCoversAction(statement, "sts:AssumeRole") ? (principalsOf(statement).AWS ?? []).filter((principal) => principal !== "*") : []),
                ...samlProviders,
            ].map(admitted),
            ...publicProviders.map((principal): AwsPrincipalAdmission => ({ ...admitted(principal), publicWebIdentity: true })),
            ...otherIssuerProviders.map(({ principal, issuer }): AwsPrincipalAdmission => ({ ...admitted(principal), otherIssuer: issuer })),
        ];
    });
}

/** Runs a statement check over a document: its problems, or the one problem that it cannot be read. */
export function documentProblems(
    document: unknown,
    check: (statement: IndexedStatement) => string[],
): { problems: StatementProblem[]; error?: string } {
    const parsed = parsePolicyDocument(document);
    if ("error" in parsed) {
        return { problems: [], error: parsed.error };
    }
    return { problems: parsed.statements.flatMap((statement) => check(statement).map((problem) => ({ statement, problem }))) };
}

/**
 * Whether a trust policy makes its role a workload role: it trusts an IAM OIDC provider (IRSA) or
 * EKS Pod Identity, so pods get its permissions.
 */
export function isWorkloadTrustPolicy(document: unknown): boolean {
    const parsed = parsePolicyDocument(document);
    if ("error" in parsed) {
        return false;
    }
    return parsed.statements.some(
        ({ statement }) => isAllow(statement) && (trustedIssuers(statement).length > 0 || isPodIdentityStatement(statement)),
    );
}

/** The AWS principals a trust policy lets call `sts:AssumeRole`: the ARNs it names, the accounts it names (`<id>` or `arn:...:root`), or anyone. */
export interface AwsTrustees {
    principals: string[];
    accounts: string[];
    /** A `*` principal (in any form) or NotPrincipal: every principal the identity policies let call it. */
    anyone: boolean;
}

/**
 * Who among AWS principals a trust policy admits to `sts:AssumeRole`, by its `Allow` statements and
 * whatever their conditions (a condition is the caller's to meet, so it is not counted as a bound
 * here). In the same account, a trust naming a principal's ARN admits it without an identity policy;
 * one naming the account admits every principal whose identity policy allows the call. Undefined
 * when the document cannot be read.
 */
export function awsTrusteesOf(document: unknown): AwsTrustees | undefined {
    const parsed = parsePolicyDocument(document);
    if ("error" in parsed) {
        return undefined;
    }
    const trustees: AwsTrustees = { principals: [], accounts: [], anyone: false };
    for (const { statement } of parsed.statements) {
        if (!isAllow(statement) || !statementCoversAction(statement, "sts:AssumeRole")) {
            continue;
        }
        if (statement.NotPrincipal !== undefined) {
            trustees.anyone = true;
            continue;
        }
        const principals = principalsOf(statement);
        if (principals["*"] !== undefined) {
            trustees.anyone = true;
        }
        for (const principal of principals.AWS ?? []) {
            const account = /^(\d{12})$/.exec(principal)?.[1] ?? /^arn:[^:]+:iam::(\d{12}):root$/.exec(principal)?.[1];
            if (principal === "*") {
                trustees.anyone = true;
            } else if (account !== undefined) {
                trustees.accounts.push(account);
            } else {
                trustees.principals.push(principal);
            }
        }
    }
    return trustees;
}

/**
 * The service principals a trust policy admits to `sts:AssumeRole` (`lambda.amazonaws.com`), by its
 * `Allow` statements and whatever their conditions (`aws:SourceArn` names a resource the caller may
 * create or change, so it is not counted as a bound); `"*"` for a `*` principal or NotPrincipal,
 * which admit every service too. Undefined when the document cannot be read.
 */
export function serviceTrusteesOf(document: unknown): string[] | undefined {
    const parsed = parsePolicyDocument(document);
    if ("error" in parsed) {
        return undefined;
    }
    return parsed.statements.flatMap(({ statement }) => {
        if (!isAllow(statement) || !statementCoversAction(statement, "sts:AssumeRole")) {
            return [];
        }
        const principals = principalsOf(statement);
        if (statement.NotPrincipal !== undefined || principals["*"] !== undefined || (principals.AWS ?? []).includes("*")) {
            return ["*"];
        }
        return principals.Service ?? [];
    });
}
