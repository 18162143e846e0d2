/**
 * Who may reach the cluster's public API endpoint. `pulumi up` itself creates the namespace and the
 * reader through that endpoint, so the answer is "the deployer's addresses", not "nobody": the CIDR
 * blocks of the CI runner's or VPN's egress. Opening it to the whole internet needs an explicit opt-in,
 * and blocks EKS refuses (private and reserved ranges) are refused here, before anything is created.
 * Nodes always use the private endpoint.
 */
import { Cidr, parseCidr } from "./cidr";

/** The public API endpoint of the config. */
export interface EndpointConfig {
    /** Whether the public endpoint is on; when off, `pulumi up` must run from inside the VPC. */
    publicAccess: boolean;
    /** The blocks that may reach it; empty when it is off. */
    publicAccessCidrs: string[];
}

/**
 * IPv4 blocks that are not routable on the internet (RFC 6890 special-purpose registry), which EKS
 * rejects in `publicAccessCidrs` ("The following CIDRs are invalid in publicAccessCidrs"): a request from
 * them could never reach the public endpoint.
 */
export const nonPublicBlocks: readonly { cidr: string; name: string }[] = [
    { cidr: "0.0.0.0/8", name: "'this network' (RFC 791)" },
    { cidr: "10.0.0.0/8", name: "private (RFC 1918)" },
    { cidr: "100.64.0.0/10", name: "shared carrier-grade NAT (RFC 6598)" },
    { cidr: "127.0.0.0/8", name: "loopback" },
    { cidr: "169.254.0.0/16", name: "link-local" },
    { cidr: "172.16.0.0/12", name: "private (RFC 1918)" },
    { cidr: "192.0.0.0/24", name: "IETF protocol assignments" },
    { cidr: "192.168.0.0/16", name: "private (RFC 1918)" },
    { cidr: "198.18.0.0/15", name: "benchmarking (RFC 2544)" },
    { cidr: "224.0.0.0/4", name: "multicast" },
    { cidr: "240.0.0.0/4", name: "reserved (RFC 1112)" },
];

/**
 * Documentation ranges (RFC 5737): the stack files use them as placeholders for the deployer's own
 * blocks, so they pass the check (the offline plan works) but earn a warning on every run.
 */
export const documentationBlocks: readonly string[] = ["192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24"];

const anywhereBlocks = ["0.0.0.0/0", "::/0"];

function overlaps(a: Cidr, b: Cidr): boolean {
    const shorter = Math.min(a.prefixLength, b.prefixLength);
    const size = 2 ** (32 - shorter);
    return Math.floor(a.address / size) === Math.floor(b.address / size);
}

/** Whether the text looks like an IPv6 block: it has a colon and a prefix length. */
function isIpv6Cidr(text: string): boolean {
    return /^[0-9a-fA-F:.]*:[0-9a-fA-F:.]*\/\d{1,3}$/.test(text);
}

/**
 * Why a block may not reach the public endpoint, or undefined when it may. `allowAnywhere` is the
 * opt-in (`eks-irsa:endpointPublicAccessFromAnywhere`) for 0.0.0.0/0 and ::/0.
 */
export function endpointCidrProblem(text: string, allowAnywhere: boolean): string | undefined {
    if (anywhereBlocks.includes(text)) {
        return allowAnywhere
            ? undefined
            : "it opens the cluster's API endpoint to the whole internet; name the deployer's blocks (CI runner or VPN egress), or opt in with eks-irsa:endpointPublicAccessFromAnywhere true";
    }
    if (isIpv6Cidr(text)) {
        return "the cluster's public endpoint is reached over IPv4: name IPv4 blocks (only ::/0, with the opt-in, is accepted as IPv6)";
    }
    const cidr = parseCidr(text);
    if (cidr === undefined) {
        return "expected an IPv4 CIDR block whose address is the first of its range, such as 203.0.113.0/24";
    }
    const reserved = nonPublicBlocks.find((block) => overlaps(cidr, parseCidr(block.cidr)!));
    if (reserved !== undefined) {
        return `it overlaps ${reserved.cidr}, a ${reserved.name} range that EKS refuses for the public endpoint (no request from it can arrive over the internet); nodes and anything inside the VPC use the private endpoint`;
    }
    return undefined;
}

/** Warnings for blocks that pass the check but cannot be what a real deployment needs. */
export function endpointWarnings(field: string, cidrs: readonly string[]): string[] {
    return cidrs.flatMap((text, index) => {
        if (anywhereBlocks.includes(text)) {
            return [`${field}[${index}] ${text} opens the cluster's API endpoint to the whole internet (eks-irsa:endpointPublicAccessFromAnywhere is true): only IAM authentication stands in the way`];
        }
        const cidr = parseCidr(text);
        const documentation = cidr === undefined ? undefined : documentationBlocks.find((block) => overlaps(cidr, parseCidr(block)!));
        if (documentation !== undefined) {
            return [
                `${field}[${index}] ${text} is a documentation range (RFC 5737), a placeholder: replace it with your deployer's egress block (curl -s https://checkip.amazonaws.com for this machine), or pulumi up cannot reach the cluster's API`,
            ];
        }
        return [];
    });
}

