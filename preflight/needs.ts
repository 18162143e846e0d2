/**
 * What a stack's `pulumi up` needs from the account, derived from its validated configuration (the
 * program's own `parseConfig`, so the preflight reads the stack exactly as the program does).
 */
import { AddonName } from "../program/addons";
import { ProgramConfig } from "../program/config";
import { EndpointConfig } from "../program/endpoint";
import { IdentityPlan, identityPlan } from "../program/migration";

/** The parts of a stack's configuration the preflight checks against the account. */
export interface StackNeeds {
    stack: string;
    region: string;
    /** `aws:allowedAccountIds`: the AWS provider refuses any other account. Empty: any. */
    allowedAccountIds: string[];
    /** The roles the AWS provider assumes (`aws:assumeRoles`, `aws:assumeRole`): then they, not the caller, create the cluster. */
    assumedRoleArns: string[];
    clusterName: string;
    kubernetesVersion: string;
    /** Which mechanism's parts the update has: the OIDC provider, the Pod Identity agent (both during a switch). */
    identity: IdentityPlan;
    endpoint: EndpointConfig;
    /** The managed add-ons the program installs, each at the newest version for `kubernetesVersion`. */
    addons: AddonName[];
    /** The existing bucket the reader reads (`eks-irsa:bucketName`); undefined when the stack creates one. */
    existingBucket?: string;
    adminArns: string[];
    viewerArns: string[];
}

/** The add-ons the program creates (program/infrastructure.ts): the agent where its identity plan has one. */
export function addonsOf(plan: IdentityPlan): AddonName[] {
    return ["vpc-cni", "kube-proxy", "coredns", ...(plan.podIdentityAgent ? (["eks-pod-identity-agent"] as const) : [])];
}

/** The role ARNs of the AWS provider's `assumeRoles` (a list) or `assumeRole` (one), as the CLI passes them (JSON). */
export function assumedRoleArnsOf(merged: Record<string, string>): string[] {
    const entries = [merged["aws:assumeRoles"], merged["aws:assumeRole"]].flatMap((value) => {
        if (value === undefined) {
            return [];
        }
        const parsed = JSON.parse(value) as unknown;
        return Array.isArray(parsed) ? parsed : [parsed];
    });
    return entries.flatMap((entry) => {
        const roleArn = (entry as { roleArn?: unknown } | null)?.roleArn;
        return typeof roleArn === "string" ? [roleArn] : [];
    });
}

/** A stack's needs from its merged config (as the CLI passes it) and the program's parse of it. */
export function stackNeeds(stack: string, merged: Record<string, string>, config: ProgramConfig): StackNeeds {
    const allowed = merged["aws:allowedAccountIds"];
    const identity = identityPlan(config.identityMechanism, config.identityMechanismTransition);
    return {
        stack,
        region: merged["aws:region"] ?? "",
        allowedAccountIds: allowed === undefined ? [] : (JSON.parse(allowed) as unknown[]).map(String),
        assumedRoleArns: assumedRoleArnsOf(merged),
        clusterName: config.clusterName,
        kubernetesVersion: config.kubernetesVersion,
        identity,
        endpoint: config.endpoint,
        addons: addonsOf(identity),
        existingBucket: config.bucket.kind === "existing" ? config.bucket.name : undefined,
        adminArns: config.access.adminArns,
        viewerArns: config.access.viewerArns,
    };
}
