/**
 * IAM OIDC providers against the account's quota (100 by default): an IRSA cluster needs one, and
 * the 101st makes `pulumi up` fail after the cluster is created.
 */
import { fullKey } from "../program/config";
import { AccountFacts } from "./facts";
import { Finding } from "./findings";
import { StackNeeds } from "./needs";

/** The IAM default of "OpenID Connect providers per account". */
export const defaultOidcProviderQuota = 100;

const check = "OIDC providers";

/** The provider ARN's issuer part (`oidc.eks.<region>.amazonaws.com/id/<ID>`), to match a cluster's issuer URL. */
function issuerOfProvider(arn: string): string {
    return arn.slice(arn.indexOf("oidc-provider/") + "oidc-provider/".length);
}

/** How many providers this update adds: one for an IRSA cluster whose issuer has none yet. */
export function providersAdded(needs: StackNeeds, facts: AccountFacts): number {
    if (!needs.identity.oidcProvider) {
        return 0;
    }
    const cluster = facts.cluster.ok ? facts.cluster.value : undefined;
    const issuer = cluster?.oidcIssuer?.replace(/^https:\/\//, "");
    const providers = facts.oidcProviders.ok ? facts.oidcProviders.value : [];
    return issuer !== undefined && providers.some((arn) => issuerOfProvider(arn) === issuer) ? 0 : 1;
}

export function oidcProviderFindings(needs: StackNeeds, facts: AccountFacts): Finding[] {
    const added = providersAdded(needs, facts);
    if (!facts.oidcProviders.ok) {
        return added === 0
            ? []
            : [{ level: "warning", check, message: `could not list the account's OIDC providers (${facts.oidcProviders.reason}); this stack adds one, against a quota of ${defaultOidcProviderQuota} by default` }];
    }
    const quotaRead = facts.oidcProviderQuota.ok && facts.oidcProviderQuota.value !== undefined;
    const quota = quotaRead ? (facts.oidcProviderQuota as { value: number }).value : defaultOidcProviderQuota;
    const source = quotaRead ? "the quota in force" : `the default quota (Service Quotas: ${facts.oidcProviderQuota.ok ? "no applied value" : facts.oidcProviderQuota.reason})`;
    const count = facts.oidcProviders.value.length;
    const total = count + added;
    const summary = `${count} in the account, ${added} added by this stack, ${source} ${quota}`;
    if (total > quota) {
        return [
            {
                level: "error",
                check,
                key: fullKey("identityMechanism"),
                message: `${summary}: creating the cluster's provider fails with LimitExceeded; use pod-identity (no provider), delete unused providers, or raise the quota`,
            },
        ];
    }
    if (added > 0 && total >= quota * 0.9) {
        return [{ level: "warning", check, key: fullKey("identityMechanism"), message: `${summary}: close to the quota; pod-identity needs no provider` }];
    }
    return [{ level: "ok", check, message: summary }];
}
