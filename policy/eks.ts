/**
 * Node metadata settings and cluster settings: pure checks of the values a launch template or an
 * EKS cluster is given, and of which stacks count as non-production.
 */
import { iamPatternMatches } from "./documents";

/** The instance metadata settings of a launch template (`metadataOptions`), as far as they are set. */
export interface MetadataOptions {
    httpEndpoint?: string;
    httpTokens?: string;
    httpPutResponseHopLimit?: number;
}

/**
 * Metadata settings as the rules read them, from any value: the strings and the hop limit where they
 * are set (a hop limit written as digits, as CloudFormation JSON may carry it, is a number), so that a
 * value of another type reads as not set, which no check accepts.
 */
export function metadataOptionsFrom(value: unknown): MetadataOptions | undefined {
    if (typeof value !== "object" || value === null) {
        return undefined;
    }
    const record = value as Record<string, unknown>;
    const text = (key: string): string | undefined => (typeof record[key] === "string" ? (record[key] as string) : undefined);
    const hop = record.httpPutResponseHopLimit;
    const hopLimit = typeof hop === "number" ? hop : typeof hop === "string" && /^\d+$/.test(hop) ? Number(hop) : undefined;
    return { httpEndpoint: text("httpEndpoint"), httpTokens: text("httpTokens"), httpPutResponseHopLimit: hopLimit };
}

/** The metadata fields the checks judge. */
export type MetadataField = "httpTokens" | "httpPutResponseHopLimit";

/** One problem of metadata settings, with the field it is about. */
export interface MetadataProblem {
    field: MetadataField;
    message: string;
}

/**
 * The problems of metadata settings that let a pod reach the node's role, field by field: IMDSv1 (no
 * token needed, so any request a pod can make or provoke reads the credentials), or a hop limit
 * above 1 (the token's response survives the hop into a pod's network namespace). IMDS turned off has
 * neither.
 */
export function imdsFieldProblems(options: MetadataOptions | undefined, checks: { hopLimit: boolean }): MetadataProblem[] {
    if (options?.httpEndpoint === "disabled") {
        return [];
    }
    const problems: MetadataProblem[] = [];
    if (options?.httpTokens !== "required") {
        problems.push({
            field: "httpTokens",
            message:
                options?.httpTokens === undefined
                    ? 'metadataOptions.httpTokens is not set, so the AMI or the account decides whether IMDSv1 is allowed; set it to "required"'
                    : `metadataOptions.httpTokens is ${JSON.stringify(options.httpTokens)}, so IMDSv1 is allowed; set it to "required"`,
        });
    }
    if (checks.hopLimit && options?.httpPutResponseHopLimit !== 1) {
        problems.push({
            field: "httpPutResponseHopLimit",
            message:
                options?.httpPutResponseHopLimit === undefined
                    ? "metadataOptions.httpPutResponseHopLimit is not set, so the AMI or the account decides (AMIs marked for IMDSv2, such as AL2023, set 2), and pods can reach the node role's credentials; set it to 1"
                    : `metadataOptions.httpPutResponseHopLimit is ${options.httpPutResponseHopLimit}, so pods can reach the node role's credentials; set it to 1`,
        });
    }
    return problems;
}

/** The messages of {@link imdsFieldProblems}. */
export function imdsProblems(options: MetadataOptions | undefined, checks: { hopLimit: boolean }): string[] {
    return imdsFieldProblems(options, checks).map((problem) => problem.message);
}

/**
 * Settings with every field that is not set filled with an accepted value: what a partial setting (a
 * server-side patch, an instance's own settings over its template's) is judged by, since only the
 * fields it sets are its own.
 */
export function onlySetFields(options: MetadataOptions | undefined): MetadataOptions {
    return { httpTokens: options?.httpTokens ?? "required", httpPutResponseHopLimit: options?.httpPutResponseHopLimit ?? 1, httpEndpoint: options?.httpEndpoint };
}

/** What an instance's user data runs, or its tags carry, that makes it an EKS node. */
const nodeMarkers: [string, string][] = [
    ["/etc/eks/bootstrap.sh", "its user data runs /etc/eks/bootstrap.sh"],
    ["node.eks.aws/", "its user data is a nodeadm NodeConfig"],
    ["[settings.kubernetes]", "its user data holds Bottlerocket's Kubernetes settings"],
];

/**
 * Why an instance is evidently an EKS node: its user data runs an EKS bootstrap, or it carries a
 * cluster's tag (`kubernetes.io/cluster/<name>`, `eks:cluster-name`). Undefined when nothing shows
 * it, which does not show that it is not one: a node's bootstrap can come from a script it downloads.
 */
export function eksNodeEvidence(userData: string[], tagKeys: string[]): string | undefined {
    const marker = nodeMarkers.find(([text]) => userData.some((data) => data.includes(text)));
    if (marker !== undefined) {
        return marker[1];
    }
    const tag = tagKeys.find((key) => key.startsWith("kubernetes.io/cluster/") || key === "eks:cluster-name");
    return tag === undefined ? undefined : `it carries the tag ${tag}`;
}

/** CIDR blocks that stand for the whole internet. */
const openCidrs = ["0.0.0.0/0", "::/0"];

/** The public endpoint settings of a cluster, as far as they are set. */
export interface EndpointSettings {
    /** Whether the public endpoint is on; EKS's default is on. */
    endpointPublicAccess?: boolean;
    /** Who may reach it; EKS's default is everyone (0.0.0.0/0). */
    publicAccessCidrs?: string[];
}

/** The share of the public address space (IPv4 or IPv6) the endpoint's CIDR blocks may cover together by default: a /12 of IPv4. */
export const defaultMaxPublicAddressShare = 1 / 4096;

/**
 * The problems of a cluster whose API server anyone on the internet can reach: open to 0.0.0.0/0 or
 * ::/0, or to blocks that together cover more than `maxShare` of the address space
 * (0.0.0.0/1 with 128.0.0.0/1 is everyone too), or blocks that cannot be read.
 */
export function endpointProblems(settings: EndpointSettings, maxShare: number = defaultMaxPublicAddressShare): string[] {
    if (settings.endpointPublicAccess === false) {
        return [];
    }
    const cidrs = settings.publicAccessCidrs ?? [];
    if (cidrs.length === 0) {
        return ["the public API endpoint is on and publicAccessCidrs is not set, so EKS opens it to 0.0.0.0/0; name the CIDR blocks of your deployers, or turn the public endpoint off"];
    }
    const open = cidrs.filter((cidr) => openCidrs.includes(cidr.trim()));
    if (open.length > 0) {
        return [`the public API endpoint is open to ${open.join(" and ")}: anyone can reach the API server and probe it; name the CIDR blocks of your deployers, or turn the public endpoint off`];
    }
    const share = addressShare(cidrs);
    if (share.unreadable.length > 0) {
        return [`publicAccessCidrs ${JSON.stringify(share.unreadable)} cannot be read as CIDR blocks, so who may reach the API server cannot be judged; write blocks such as 203.0.113.0/24`];
    }
    const widest = Math.max(share.ipv4, share.ipv6);
    return widest > maxShare
        ? [
              `the public API endpoint is open to ${JSON.stringify(cidrs)}, which together cover ${(widest * 100).toPrecision(3)}% of the ${share.ipv4 >= share.ipv6 ? "IPv4" : "IPv6"} addresses ` +
                  `(more than ${(maxShare * 100).toPrecision(3)}%): in effect much of the internet; name the CIDR blocks of your deployers, or turn the public endpoint off`,
          ]
        : [];
}
/** The problems of a cluster that keeps no audit log: who did what through the Kubernetes API is lost. */
export function auditLoggingProblems(enabledClusterLogTypes: string[] | undefined, field = "enabledClusterLogTypes"): string[] {
    return (enabledClusterLogTypes ?? []).includes("audit")
        ? []
        : [`${field} ${JSON.stringify(enabledClusterLogTypes ?? [])} lacks "audit": no record of who did what through the Kubernetes API; add "audit" (and "authenticator")`];
}

/** The stack name patterns treated as non-production unless the pack's config says otherwise. */
export const defaultNonProductionStacks = ["dev", "dev-*", "*-dev", "test", "test-*", "*-test", "sandbox", "sandbox-*", "*-sandbox"];

/** Whether a stack is non-production: its name matches one of the patterns (`*` any run of characters, `?` one; case-insensitive). */
export function isNonProductionStack(stack: string, patterns: string[]): boolean {
    return patterns.some((pattern) => iamPatternMatches(pattern, stack));
}

/** The share of the IPv4 or IPv6 address space each family of CIDR blocks covers together, and the blocks that cannot be read. */
export function addressShare(cidrs: string[]): { ipv4: number; ipv6: number; unreadable: string[] } {
    const ranges: { v4: [bigint, bigint][]; v6: [bigint, bigint][] } = { v4: [], v6: [] };
    const unreadable: string[] = [];
    for (const text of cidrs.map((cidr) => cidr.trim())) {
        const parsed = parseCidrRange(text);
        if (parsed === undefined) {
            unreadable.push(text);
        } else {
            ranges[parsed.family].push(parsed.range);
        }
    }
    return { ipv4: unionSize(ranges.v4) / 2 ** 32, ipv6: unionSize(ranges.v6) / 2 ** 128, unreadable };
}

function parseCidrRange(text: string): { family: "v4" | "v6"; range: [bigint, bigint] } | undefined {
    const [address, lengthText, extra] = text.split("/");
    const length = Number(lengthText);
    if (extra !== undefined || !/^\d{1,3}$/.test(lengthText ?? "")) {
        return undefined;
    }
    let value: bigint | undefined;
    let bits: number;
    if (address.includes(":")) {
        bits = 128;
        value = ipv6Value(address);
    } else {
        bits = 32;
        const octets = address.split(".");
        value = octets.length === 4 && octets.every((octet) => /^\d{1,3}$/.test(octet) && Number(octet) <= 255) ? octets.reduce((sum, octet) => sum * 256n + BigInt(octet), 0n) : undefined;
    }
    if (value === undefined || length > bits) {
        return undefined;
    }
    const size = 1n << BigInt(bits - length);
    // AWS keeps the block the prefix names (the host bits dropped).
    const start = (value / size) * size;
    return { family: bits === 32 ? "v4" : "v6", range: [start, start + size] };
}

function ipv6Value(address: string): bigint | undefined {
    const halves = address.split("::");
    if (halves.length > 2) {
        return undefined;
    }
    const groups = (part: string): string[] => (part === "" ? [] : part.split(":"));
    const head = groups(halves[0]);
    const tail = halves.length === 2 ? groups(halves[1]) : [];
    const missing = 8 - head.length - tail.length;
    if ((halves.length === 1 && missing !== 0) || missing < 0 || ![...head, ...tail].every((group) => /^[0-9a-f]{1,4}$/i.test(group))) {
        return undefined;
    }
    const all = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill("0"), ...tail];
    return all.reduce((sum, group) => (sum << 16n) + BigInt(`0x${group}`), 0n);
}

function unionSize(ranges: [bigint, bigint][]): number {
    const sorted = [...ranges].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    let total = 0n;
    let current: [bigint, bigint] | undefined;
    for (const [start, end] of sorted) {
        if (current !== undefined && start <= current[1]) {
            current[1] = end > current[1] ? end : current[1];
        } else {
            if (current !== undefined) {
                total += current[1] - current[0];
            }
            current = [start, end];
        }
    }
    if (current !== undefined) {
        total += current[1] - current[0];
    }
    return Number(total);
}
