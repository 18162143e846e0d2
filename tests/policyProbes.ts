/**
 * Whether two identity policies grant the same, judged by the IAM evaluator on calls that exercise
 * every statement of either: each action on a concrete resource its statement names, with a context
 * that meets the statement's conditions, and once more for each condition with its value changed (so
 * that a policy missing a condition the other has differs). The calls come from the policies' text;
 * what they are allowed is decided by the evaluator alone.
 */
import type { PolicyDocument } from "../components/index";
import { allowedCall, ContextValues, isWildcardOnly } from "./iamEvaluator";

/** A call to judge. */
export interface Probe {
    action: string;
    resource: string;
    context: ContextValues;
}

interface StatementText {
    Action: string | string[];
    Resource: string | string[];
    Condition?: Record<string, Record<string, string | string[]>>;
}

const list = (value: string | string[]): string[] => [value].flat();

/** A concrete ARN matching a pattern: a region and an account where they are wildcards, a name elsewhere. */
function concrete(pattern: string): string {
    const parts = pattern.split(":");
    if (parts[3] === "*") parts[3] = "us-west-2";
    if (parts[4] === "*") parts[4] = "111122223333";
    return parts.join(":").replace(/\*/g, "probe1").replace(/\?/g, "p");
}

/**
 * A pattern naming another resource than it did: the last name it spells out (not the resource
 * type) with a letter added, so that a policy scoped to the name refuses what the variant names.
 * Undefined where the pattern spells out no name.
 */
function otherResource(pattern: string): string | undefined {
    const parts = pattern.split(":");
    if (parts.length < 6) return undefined;
    const head = parts.slice(0, 5).join(":");
    const resource = parts.slice(5).join(":");
    const tokens = [...resource.matchAll(/[A-Za-z0-9_.-]+/g)];
    // The first token is the resource type (`hostedzone/`, `secret:`), except for S3, whose ARNs have none.
    const names = parts[2] === "s3" ? tokens : tokens.filter((token) => token.index !== 0 || !/[/:]/.test(resource.slice(token[0].length, token[0].length + 1)));
    const last = names.pop();
    if (last === undefined) return undefined;
    const end = last.index + last[0].length;
    return `${head}:${resource.slice(0, end)}x${resource.slice(end)}`;
}

/** A context meeting the conditions, and variants that each break one. */
function contexts(conditions: StatementText["Condition"]): ContextValues[] {
    const meeting: ContextValues = {};
    const variants: ((base: ContextValues) => ContextValues)[] = [];
    for (const [test, variables] of Object.entries(conditions ?? {})) {
        for (const [variable, values] of Object.entries(variables)) {
            const first = list(values)[0];
            if (test === "Null") {
                if (first === "false") meeting[variable] = "probe1";
                variants.push((base) => (first === "false" ? Object.fromEntries(Object.entries(base).filter(([key]) => key !== variable)) : { ...base, [variable]: "probe1" }));
            } else if (test.startsWith("Bool")) {
                meeting[variable] = first;
                variants.push((base) => ({ ...base, [variable]: first === "true" ? "false" : "true" }));
            } else {
                const value = first.replace(/\*/g, "probe1");
                meeting[variable] = test.startsWith("ForAnyValue") || test.startsWith("ForAllValues") ? [value] : value;
                variants.push((base) => ({ ...base, [variable]: test.startsWith("ForAnyValue") || test.startsWith("ForAllValues") ? ["probe-other"] : "probe-other" }));
            }
        }
    }
    return [meeting, ...variants.map((variant) => variant(meeting))];
}

/** The calls that exercise a policy's statements. */
export async function probesOf(document: PolicyDocument): Promise<Probe[]> {
    const probes: Probe[] = [];
    for (const statement of document.Statement as unknown as StatementText[]) {
        const actions = list(statement.Action);
        const resources = list(statement.Resource);
        const pairs = [...actions.map((action) => [action, resources[0]]), ...resources.slice(1).map((resource) => [actions[0], resource])];
        for (const [action, resource] of pairs) {
            const wildcardOnly = await isWildcardOnly(action);
            if (!wildcardOnly && resource === "*") continue; // No concrete resource to ask about.
            const [meeting, ...broken] = contexts(statement.Condition);
            for (const context of [meeting, ...broken]) {
                probes.push({ action, resource: wildcardOnly ? "*" : concrete(resource), context });
            }
            const other = wildcardOnly ? undefined : otherResource(resource);
            if (other !== undefined) probes.push({ action, resource: concrete(other), context: meeting });
            // The same resource in another partition, which a policy of this one never grants.
            if (!wildcardOnly && resource.startsWith("arn:aws:")) probes.push({ action, resource: concrete(resource.replace(/^arn:aws:/, "arn:aws-cn:")), context: meeting });
        }
    }
    return probes;
}

/** The evaluator's decision, or its refusal to decide, as a word. */
async function decision(policy: PolicyDocument, probe: Probe): Promise<string> {
    try {
        return (await allowedCall(policy, probe.action, probe.resource, probe.context)) ? "allowed" : "refused";
    } catch (error) {
        return `undecided (${(error as Error).message})`;
    }
}

/**
 * The calls on which two policies differ, as `action on resource {context}: a / b`; and how many of
 * the calls the first allows and refuses, so that a caller can tell the comparison saw both.
 */
export async function differences(a: PolicyDocument, b: PolicyDocument): Promise<{ differing: string[]; allowedByFirst: number; refusedByFirst: number }> {
    const probes = [...(await probesOf(a)), ...(await probesOf(b))];
    const differing: string[] = [];
    let allowedByFirst = 0;
    let refusedByFirst = 0;
    for (const probe of probes) {
        const [first, second] = [await decision(a, probe), await decision(b, probe)];
        if (first === "allowed") allowedByFirst += 1;
        if (first === "refused") refusedByFirst += 1;
        if (first !== second) differing.push(`${probe.action} on ${probe.resource} ${JSON.stringify(probe.context)}: ${first} / ${second}`);
    }
    return { differing, allowedByFirst, refusedByFirst };
}
