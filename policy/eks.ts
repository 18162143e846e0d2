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
 * The problems of metadata settings that let a pod reach the node's role: IMDSv1 (no token needed, so
 * any request a pod can make or provoke reads the credentials), or a hop limit above 1 (the token's
 * response survives the hop into a pod's network namespace). IMDS turned off has neither.
 */
export function imdsProblems(options: MetadataOptions | undefined, checks: { hopLimit: boolean }): string[] {
    if (options?.httpEndpoint === "disabled") {
        return [];
    }
    const problems: string[] = [];
    if (options?.httpTokens !== "required") {
        problems.push(
            options?.httpTokens === undefined
                ? 'metadataOptions.httpTokens is not set, so the AMI or the account decides whether IMDSv1 is allowed; set it to "required"'
                : `metadataOptions.httpTokens is ${JSON.stringify(options.httpTokens)}, so IMDSv1 is allowed; set it to "required"`,
        );
    }
    if (checks.hopLimit && options?.httpPutResponseHopLimit !== 1) {
        problems.push(
            options?.httpPutResponseHopLimit === undefined
                ? "metadataOptions.httpPutResponseHopLimit is not set, so the AMI or the account decides (AMIs marked for IMDSv2, such as AL2023, set 2), and pods can reach the node role's credentials; set it to 1"
                : `metadataOptions.httpPutResponseHopLimit is ${options.httpPutResponseHopLimit}, so pods can reach the node role's credentials; set it to 1`,
        );
    }
    return problems;
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

/** The problems of a cluster whose API server anyone on the internet can reach. */
export function endpointProblems(settings: EndpointSettings): string[] {
    if (settings.endpointPublicAccess === false) {
        return [];
    }
    const cidrs = settings.publicAccessCidrs ?? [];
    if (cidrs.length === 0) {
        return ["the public API endpoint is on and publicAccessCidrs is not set, so EKS opens it to 0.0.0.0/0; name the CIDR blocks of your deployers, or turn the public endpoint off"];
    }
    const open = cidrs.filter((cidr) => openCidrs.includes(cidr.trim()));
    return open.length === 0
        ? []
        : [`the public API endpoint is open to ${open.join(" and ")}: anyone can reach the API server and probe it; name the CIDR blocks of your deployers, or turn the public endpoint off`];
}

/** The problems of a cluster that keeps no audit log: who did what through the Kubernetes API is lost. */
export function auditLoggingProblems(enabledClusterLogTypes: string[] | undefined): string[] {
    return (enabledClusterLogTypes ?? []).includes("audit")
        ? []
        : [`enabledClusterLogTypes ${JSON.stringify(enabledClusterLogTypes ?? [])} lacks "audit": no record of who did what through the Kubernetes API; add "audit" (and "authenticator")`];
}

/** The stack name patterns treated as non-production unless the pack's config says otherwise. */
export const defaultNonProductionStacks = ["dev", "dev-*", "*-dev", "test", "test-*", "*-test", "sandbox", "sandbox-*", "*-sandbox"];

/** Whether a stack is non-production: its name matches one of the patterns (`*` any run of characters, `?` one; case-insensitive). */
export function isNonProductionStack(stack: string, patterns: string[]): boolean {
    return patterns.some((pattern) => iamPatternMatches(pattern, stack));
}
