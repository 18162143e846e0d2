/**
 * The ServiceAccounts a binding's role admits: who they are, and how they become the `sub` claims
 * of a trust policy.
 */

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
