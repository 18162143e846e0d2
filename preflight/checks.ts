/** Every check of the preflight, in the order the report lists them: pure functions of the stack's needs and the facts read. */
import { accountFindings, clusterAccessFindings, listedPrincipalFindings } from "./access";
import { bucketFindings } from "./bucket";
import { endpointFindings } from "./endpoint";
import { AccountFacts } from "./facts";
import { Finding } from "./findings";
import { StackNeeds } from "./needs";
import { oidcProviderFindings } from "./oidc";
import { trustPolicyQuotaFindings } from "./trustQuota";
import { addonVersionFindings, kubernetesVersionFindings } from "./versions";

export function preflightFindings(needs: StackNeeds, facts: AccountFacts): Finding[] {
    return [
        ...accountFindings(needs, facts),
        ...clusterAccessFindings(needs, facts),
        ...listedPrincipalFindings(needs, facts),
        ...endpointFindings(needs, facts),
        ...oidcProviderFindings(needs, facts),
        ...trustPolicyQuotaFindings(facts),
        ...kubernetesVersionFindings(needs, facts),
        ...addonVersionFindings(needs, facts),
        ...bucketFindings(needs, facts),
    ];
}
