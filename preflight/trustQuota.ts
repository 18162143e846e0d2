/**
 * The IAM quota "Role trust policy length" in force: the bindings fit each role's trust to the
 * limit they are given (2,048, the default, unless a fleet sets `trustPolicyLengthLimit`), and IAM
 * refuses a longer one when the role is created.
 */
import { defaultTrustPolicyLengthLimit } from "@eks-irsa/components";

import { AccountFacts } from "./facts";
import { Finding } from "./findings";

const check = "trust policy length";

export function trustPolicyQuotaFindings(facts: AccountFacts, stackLimit: number = defaultTrustPolicyLengthLimit): Finding[] {
    if (!facts.trustPolicyQuota.ok || facts.trustPolicyQuota.value === undefined) {
        const why = facts.trustPolicyQuota.ok ? "Service Quotas has no applied value" : `Service Quotas: ${facts.trustPolicyQuota.reason}`;
        return [{ level: "ok", check, message: `assumed the default ${defaultTrustPolicyLengthLimit} characters (${why}); the stack's roles are fitted to ${stackLimit}` }];
    }
    const quota = facts.trustPolicyQuota.value;
    if (quota < stackLimit) {
        return [{ level: "error", check, message: `the quota in force is ${quota} characters, below the ${stackLimit} the stack's roles are fitted to: IAM refuses the longer trust policies; raise the quota` }];
    }
    return [{ level: "ok", check, message: `the quota in force is ${quota} characters; the stack's roles are fitted to ${stackLimit}${quota > stackLimit ? ` (a fleet may set trustPolicyLengthLimit up to ${quota})` : ""}` }];
}
