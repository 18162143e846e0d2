/**
 * What the rules need from the policy engine beyond `@pulumi/policy`'s types: plain values out of
 * the properties it hands over, the stack a resource belongs to, and a violation reported at a
 * lower level than the policy's own.
 */
import { EnforcementLevel, ReportViolation, UnknownValueError } from "@pulumi/policy";

/**
 * A deep, plain copy of a resource's properties. The engine hands them over wrapped in a proxy that
 * throws {@link UnknownValueError} when a value is unknown (during preview, before the resource it
 * comes from exists); the copy throws the same, so a rule never judges a value it cannot see.
 */
export function plain(value: unknown): unknown {
    if (Array.isArray(value)) {
        return Array.from({ length: value.length }, (_, index) => plain(value[index]));
    }
    if (typeof value === "object" && value !== null) {
        const record = value as Record<string, unknown>;
        return Object.fromEntries(Object.keys(record).map((key) => [key, plain(record[key])]));
    }
    return value;
}

/** Whether an error is the engine's "this value is unknown during preview". */
export function isUnknownValue(error: unknown): error is UnknownValueError {
    return error instanceof UnknownValueError;
}

/**
 * `props[key]` as {@link plain} reads it, or `whenUnknown` for a value the engine does not know yet;
 * the property is read inside the guard, since the engine's proxy may throw on the read itself.
 */
export function plainPropertyOr<T>(props: Record<string, unknown>, key: string, whenUnknown: T): unknown {
    return readOr(() => plain(props[key]), whenUnknown);
}

/** {@link plain}, or `whenUnknown` for a value the engine does not know yet (preview: judged at the update). */
export function plainOr<T>(value: unknown, whenUnknown: T): unknown {
    return readOr(() => plain(value), whenUnknown);
}

/**
 * What `read` returns, or `whenUnknown` when it meets a value the engine does not know yet (preview):
 * the one guard of every read of the engine's values, which its proxy may throw on.
 */
export function readOr<T, U>(read: () => T, whenUnknown: U): T | U {
    try {
        return read();
    } catch (error) {
        if (isUnknownValue(error)) {
            return whenUnknown;
        }
        throw error;
    }
}

/** A property of a plain object by path (`["vpcConfig", "publicAccessCidrs"]`); undefined where any step is missing. */
export function at(value: unknown, ...path: string[]): unknown {
    return path.reduce<unknown>(
        (current, key) => (typeof current === "object" && current !== null ? (current as Record<string, unknown>)[key] : undefined),
        value,
    );
}

/** A list of strings, from a list or from one string; undefined when absent. */
export function stringsAt(value: unknown, ...path: string[]): string[] | undefined {
    const found = at(value, ...path);
    if (found === undefined || found === null) {
        return undefined;
    }
    return (Array.isArray(found) ? found : [found]).filter((entry): entry is string => typeof entry === "string");
}

/**
 * A resource type as the rules compare it: a Kubernetes object of the core group written as a
 * `kubernetes.apiextensions.CustomResource` (or `CustomResourcePatch`) with `apiVersion: "v1"` is
 * registered as `kubernetes:v1:<Kind>` (the SDK builds the type from the apiVersion and kind), and
 * is the same object as the typed class's `kubernetes:core/v1:<Kind>`. Other types as given.
 */
export function canonicalType(type: string): string {
    return type.startsWith("kubernetes:v1:") ? `kubernetes:core/v1:${type.slice("kubernetes:v1:".length)}` : type;
}

/** The stack of a URN (`urn:pulumi:<stack>::<project>::<type>::<name>`). */
export function stackOfUrn(urn: string): string {
    return urn.split("::")[0].split(":").slice(2).join(":");
}

/** The logical name of a resource, for messages: `aws:iam/role:Role "reader"`. */
export function resourceLabel(resource: { type: string; name: string }): string {
    return `${resource.type} ${JSON.stringify(resource.name)}`;
}

/** The policy fields a violation repeats. */
export interface ReportingPolicy {
    name: string;
    description: string;
}

/**
 * Reports a violation, at the policy's configured level or, with `level`, at that level. The level
 * of one violation travels in the analyzer protocol's diagnostic; @pulumi/policy 1.21 sets it when
 * `reportViolation` is given an object (its server's `makeReportViolationFun`), an overload its
 * typings do not declare yet. The message is built as the string form builds it: the description,
 * a line break, the message. tests/policyPackServer.test.ts checks this against the real server.
 */
export function report(
    reportViolation: ReportViolation,
    policy: ReportingPolicy,
    message: string,
    options: { urn?: string; level?: EnforcementLevel } = {},
): void {
    if (options.level === undefined) {
        reportViolation(message, options.urn);
        return;
    }
    const reportObject = reportViolation as unknown as (violation: {
        name: string;
        description: string;
        message: string;
        urn?: string;
        enforcementLevel: EnforcementLevel;
    }) => void;
    reportObject({ name: policy.name, description: policy.description, message: `${policy.description}\n${message}`, urn: options.urn, enforcementLevel: options.level });
}
