/**
 * The ServiceAccounts a binding's role admits: who they are, how they are checked, and how they
 * become the `sub` claims of an IRSA trust policy or the session tags of a Pod Identity one.
 */
import { checkNamespace, checkServiceAccountName } from "./validation";

/** A Kubernetes ServiceAccount, by namespace and name, that may assume a binding's role. */
export interface ServiceAccountSubject {
    /** Namespace of the ServiceAccount (a DNS-1123 label). Never a pattern. */
    namespace: string;
    /**
     * Name of the ServiceAccount (a DNS-1123 subdomain). With `allowServiceAccountPatterns`, it may
     * be a pattern with `*` (`provider-aws-*`, or `*` for every ServiceAccount of the namespace).
     */
    serviceAccountName: string;
}

/** The `sub` claim of the tokens Kubernetes issues to a ServiceAccount (or the pattern of such claims). */
export function serviceAccountSubject(namespace: string, serviceAccountName: string): string {
    return `system:serviceaccount:${namespace}:${serviceAccountName}`;
}

/** Whether a subject's name is a pattern rather than one ServiceAccount. */
export function isSubjectPattern(subject: ServiceAccountSubject): boolean {
    return subject.serviceAccountName.includes("*");
}

/**
 * A pattern may use `*` only, in a name of the characters ServiceAccount names have. The namespace
 * and the `:` before the name stay literal, so `*` can only stand for the rest of a name in that
 * namespace; `?` is refused, since one character of a name is never what a user means.
 */
const subjectPattern = /^[a-z0-9.*-]{1,253}$/;

/** The first problem of one subject: its namespace, then its name (exact, or a pattern where allowed). */
export function checkSubject(field: string, subject: ServiceAccountSubject, allowPatterns: boolean): string | undefined {
    const namespaceProblem = subject.namespace.includes("*") || subject.namespace.includes("?")
        ? `${field}.namespace ${JSON.stringify(subject.namespace)} is invalid: a namespace is never a pattern, so that a subject cannot reach into other namespaces; list each namespace`
        : checkNamespace(`${field}.namespace`, subject.namespace);
    if (namespaceProblem !== undefined) {
        return namespaceProblem;
    }
    const name = subject.serviceAccountName;
    const nameField = `${field}.serviceAccountName`;
    if (!name.includes("*") && !name.includes("?")) {
        return checkServiceAccountName(nameField, name);
    }
    if (!allowPatterns) {
        return `${nameField} ${JSON.stringify(name)} is invalid: a name with '*' or '?' is a pattern that admits every matching ServiceAccount; set allowServiceAccountPatterns to true to ask for that`;
    }
    return subjectPattern.test(name) && !name.includes("**")
        ? undefined
        : `${nameField} ${JSON.stringify(name)} is invalid: a pattern is a ServiceAccount name in which '*' stands for any characters (such as "provider-aws-*", or "*" for the whole namespace); '?', ':' and other characters are refused`;
}

/** The first problem of a list of subjects: one of them, or a subject named twice. */
export function checkSubjects(field: string, subjects: readonly ServiceAccountSubject[], allowPatterns: boolean): string | undefined {
    for (const [index, subject] of subjects.entries()) {
        const problem = checkSubject(`${field}[${index}]`, subject, allowPatterns);
        if (problem !== undefined) {
            return problem;
        }
    }
    const claims = subjects.map((subject) => serviceAccountSubject(subject.namespace, subject.serviceAccountName));
    const duplicate = claims.findIndex((claim, index) => claims.indexOf(claim) !== index);
    return duplicate < 0 ? undefined : `${field}[${duplicate}] ${JSON.stringify(claims[duplicate])} is invalid: each ServiceAccount may be named only once`;
}

/** The `sub` claims of subjects, split by how IAM must match them. */
export interface SubjectClaims {
    /** Matched with `StringEquals`. */
    exact: string[];
    /** Matched with `StringLike`. */
    patterns: string[];
}

/** Splits subjects into exact claims and patterns, each in the order given. */
export function subjectClaims(subjects: readonly ServiceAccountSubject[]): SubjectClaims {
    const claimOf = (subject: ServiceAccountSubject): string => serviceAccountSubject(subject.namespace, subject.serviceAccountName);
    return {
        exact: subjects.filter((subject) => !isSubjectPattern(subject)).map(claimOf),
        patterns: subjects.filter(isSubjectPattern).map(claimOf),
    };
}
