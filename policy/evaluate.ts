/**
 * Runs the pack's policies on resources given as plain values, as the analyzer server
 * (@pulumi/policy's server.js) runs them on what the engine sends: the same enforcement level
 * resolution (the pack config's level, then the policy's, then the pack's), the same per-policy
 * config, resource policies per resource and stack policies once over all (a policy may be both),
 * one `stackTags` object for the whole evaluation as for one deployment, `notApplicable` and
 * values unknown during preview handled alike. For the offline plan and the tests; the pack
 * itself never loads it.
 */
import {
    EnforcementLevel,
    Policies,
    PolicyPackConfig,
    PolicyResource,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
} from "@pulumi/policy";

import { isUnknownValue } from "./runtime";

/** A resource as the engine would describe it. */
export interface PlainResource {
    type: string;
    name: string;
    urn: string;
    /** Inputs for resource policies; for stack policies the engine sends outputs, which the tests and the plan approximate with inputs. */
    props: Record<string, unknown>;
    /** URN of the parent. */
    parent?: string;
    /** URNs of the resources each property's value came from. */
    propertyDependencies?: Record<string, string[]>;
}

/** One violation, as the CLI would print it. */
export interface Finding {
    policyName: string;
    enforcementLevel: EnforcementLevel;
    /** The policy's description, a line break, then what is wrong. */
    message: string;
    /** The resource it is about: the one validated, or the one a stack policy named. */
    urn: string | undefined;
}

/** The URN the engine gives a resource: `urn:pulumi:<stack>::<project>::<parent types$><type>::<name>`. */
export function urnOf(stack: string, project: string, type: string, name: string, parentTypes: string[] = []): string {
    return `urn:pulumi:${stack}::${project}::${[...parentTypes, type].join("$")}::${name}`;
}

/** The config a policy's `getConfig` returns: its entry in the pack config, without the level. */
function policyConfig(config: PolicyPackConfig, name: string): Record<string, unknown> {
    const entry = config[name];
    if (entry === undefined || typeof entry === "string") {
        return {};
    }
    // eslint-disable-next-line @typescript-eslint/no-unused-vars
    const { enforcementLevel, ...properties } = entry;
    return properties;
}

function levelOf(config: PolicyPackConfig, policy: { name: string; enforcementLevel?: EnforcementLevel }, packLevel: EnforcementLevel): EnforcementLevel {
    const entry = config[policy.name];
    const configured = typeof entry === "string" ? entry : entry?.enforcementLevel;
    const level = configured ?? policy.enforcementLevel ?? packLevel;
    // A violation that remains after remediation is reported as mandatory, as the server does.
    return level === "remediate" ? "mandatory" : level;
}

class NotApplicable extends Error {}

/** Whether a resource class (an SDK class with its type token) is of this type, as the server decides it. */
function isTypeOf(type: string, resourceClass: unknown): boolean {
    return (resourceClass as { __pulumiType?: unknown }).__pulumiType === type;
}

function notApplicable(reason?: string): never {
    throw new NotApplicable(reason);
}

/** The reporter the server builds: a message (after the description) or, undeclared in the typings, a violation object. */
function reporter(policy: { name: string; description: string }, level: EnforcementLevel, findings: Finding[], urnOfResource: string | undefined): ReportViolation {
    return (message: unknown, urn?: string) => {
        if (typeof message === "object" && message !== null) {
            const violation = message as { name?: string; message?: string; description?: string; urn?: string; enforcementLevel?: EnforcementLevel };
            findings.push({
                policyName: violation.name ?? policy.name,
                enforcementLevel: violation.enforcementLevel ?? level,
                message: violation.message ?? violation.description ?? policy.description,
                urn: violation.urn ?? urnOfResource,
            });
            return;
        }
        findings.push({
            policyName: policy.name,
            enforcementLevel: level,
            message: message ? `${policy.description}\n${String(message)}` : policy.description,
            urn: urnOfResource ?? urn,
        });
    };
}

function isResourcePolicy(policy: Policies[number]): policy is ResourceValidationPolicy {
    return "validateResource" in policy && policy.validateResource !== undefined;
}

function isStackPolicy(policy: Policies[number]): policy is StackValidationPolicy {
    return "validateStack" in policy && typeof policy.validateStack === "function";
}

/** Runs one validation, turning "not applicable" into nothing and "unknown during preview" into the advisory the server reports. */
async function run(policy: { name: string; description: string }, findings: Finding[], urn: string | undefined, validation: () => Promise<void> | void): Promise<void> {
    try {
        await validation();
    } catch (error) {
        if (error instanceof NotApplicable) {
            return;
        }
        if (isUnknownValue(error)) {
            findings.push({ policyName: policy.name, enforcementLevel: "advisory", message: `can't run policy '${policy.name}' during preview: ${error.message}`, urn });
            return;
        }
        throw error;
    }
}

/** Evaluates every policy on the resources; the findings in policy order, resources in the order given. */
export async function evaluatePolicies(
    policies: Policies,
    resources: PlainResource[],
    options: { config?: PolicyPackConfig; packEnforcementLevel?: EnforcementLevel } = {},
): Promise<Finding[]> {
    const config = options.config ?? {};
    const packLevel = options.packEnforcementLevel ?? "advisory";
    const findings: Finding[] = [];
    const stackResources = toPolicyResources(resources);
    // The server hands every call of one deployment the same stackTags object; rules that remember a deployment key on it.
    const stackTags: ReadonlyMap<string, string> = new Map();
    for (const policy of policies) {
        const level = levelOf(config, policy, packLevel);
        if (level === "disabled") {
            continue;
        }
        if (isResourcePolicy(policy)) {
            const validations = [policy.validateResource ?? []].flat();
            for (const resource of resources) {
                const args: ResourceValidationArgs = {
                    type: resource.type,
                    props: resource.props,
                    urn: resource.urn,
                    name: resource.name,
                    opts: { protect: false, ignoreChanges: [], aliases: [], customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 }, additionalSecretOutputs: [], parent: resource.parent },
                    stackTags,
                    isType: (resourceClass) => isTypeOf(resource.type, resourceClass),
                    asType: ((resourceClass: unknown) => (isTypeOf(resource.type, resourceClass) ? resource.props : undefined)) as ResourceValidationArgs["asType"],
                    getConfig: <T extends object>() => policyConfig(config, policy.name) as T,
                    notApplicable,
                };
                const report = reporter(policy, level, findings, resource.urn);
                for (const validation of validations) {
                    await run(policy, findings, resource.urn, () => validation(args, report));
                }
            }
        }
        // A policy may validate both each resource and the stack: the server runs both, the stack at the end.
        if (isStackPolicy(policy)) {
            const args: StackValidationArgs = {
                resources: stackResources,
                stackTags,
                getConfig: <T extends object>() => policyConfig(config, policy.name) as T,
                notApplicable,
            };
            await run(policy, findings, undefined, () => policy.validateStack(args, reporter(policy, level, findings, undefined)));
        }
    }
    return findings;
}

/** The resources as a stack policy sees them, parents and property dependencies linked. */
function toPolicyResources(resources: PlainResource[]): PolicyResource[] {
    const byUrn = new Map<string, PolicyResource>();
    const linked = resources.map((resource) => {
        const policyResource: PolicyResource = {
            type: resource.type,
            props: resource.props,
            urn: resource.urn,
            name: resource.name,
            opts: { protect: false, ignoreChanges: [], aliases: [], customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 }, additionalSecretOutputs: [], parent: resource.parent },
            dependencies: [],
            propertyDependencies: {},
            isType: (resourceClass) => isTypeOf(resource.type, resourceClass),
            asType: ((resourceClass: unknown) => (isTypeOf(resource.type, resourceClass) ? resource.props : undefined)) as PolicyResource["asType"],
        };
        byUrn.set(resource.urn, policyResource);
        return policyResource;
    });
    resources.forEach((resource, index) => {
        const policyResource = linked[index];
        policyResource.parent = resource.parent === undefined ? undefined : byUrn.get(resource.parent);
        for (const [property, urns] of Object.entries(resource.propertyDependencies ?? {})) {
            const dependencies = urns.flatMap((urn) => byUrn.get(urn) ?? []);
            policyResource.propertyDependencies[property] = dependencies;
            policyResource.dependencies.push(...dependencies.filter((dependency) => !policyResource.dependencies.includes(dependency)));
        }
    });
    return linked;
}
