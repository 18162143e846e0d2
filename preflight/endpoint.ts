/**
 * Whether `pulumi up` from this machine reaches the cluster's public endpoint: after the cluster is
 * created, every Kubernetes object goes through it, and from an address outside
 * `eks-irsa:endpointPublicAccessCidrs` each times out, leaving the stack half deployed.
 */
import { cidrContains, parseCidr } from "../program/cidr";
import { fullKey } from "../program/config";
import { AccountFacts } from "./facts";
import { Finding } from "./findings";
import { StackNeeds } from "./needs";

const check = "endpoint";

export function endpointFindings(needs: StackNeeds, facts: AccountFacts): Finding[] {
    if (!needs.endpoint.publicAccess) {
        return [
            {
                level: "warning",
                check,
                key: fullKey("endpointPublicAccess"),
                message: "the public endpoint is off: `pulumi up` must run inside the VPC (a runner there, a VPN), which the preflight cannot see; this machine's address is not checked",
            },
        ];
    }
    if (!facts.publicAddress.ok) {
        return [
            {
                level: "warning",
                check,
                key: fullKey("endpointPublicAccessCidrs"),
                message: `could not find this machine's public address as AWS sees it (${facts.publicAddress.reason}); check it is inside ${needs.endpoint.publicAccessCidrs.join(", ")} yourself (README, "Finding your deployer's CIDR")`,
            },
        ];
    }
    const address = facts.publicAddress.value;
    const admitting = needs.endpoint.publicAccessCidrs.filter((text) => {
        const block = parseCidr(text);
        return block !== undefined && cidrContains(block, address);
    });
    if (admitting.length === 0) {
        return [
            {
                level: "error",
                check,
                key: fullKey("endpointPublicAccessCidrs"),
                message: `this machine's public address ${address} is in none of ${needs.endpoint.publicAccessCidrs.join(", ")}: the cluster would be created, then every Kubernetes object would time out; add ${address}/32 (or the deployer's egress block)`,
            },
        ];
    }
    return [{ level: "ok", check, message: `this machine's public address ${address} is inside ${admitting.join(", ")}` }];
}
