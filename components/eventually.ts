/**
 * Values known now or later. A binding's documents are computed once from all of its inputs: at once,
 * as plain values, when every input is plain (the common case, which then costs no Output, no
 * promise and no captured stack); else once, in one Output, when the last input is known.
 */
import * as pulumi from "@pulumi/pulumi";

/** What a computation gave once its inputs were known: its value, or the error it threw. */
type Outcome<T> = { value: T; error?: undefined } | { error: unknown };

/** A value computed once its inputs are known. */
export class Later<T> {
    constructor(public readonly outcome: pulumi.Output<Outcome<T>>) {}
}

/** A value that is known now, or later. */
export type Eventually<T> = T | Later<T>;

/** Whether a value holds no Output or promise anywhere inside it. */
export function isPlain(value: unknown): boolean {
    if (value === null || typeof value !== "object") {
        return true;
    }
    if (pulumi.Output.isInstance(value) || typeof (value as { then?: unknown }).then === "function") {
        return false;
    }
    return Array.isArray(value) ? value.every(isPlain) : Object.values(value).every(isPlain);
}

/** Where an Output or promise of the inputs stood: its value goes there once known. */
class Placeholder {
    constructor(public readonly index: number) {}
}

/**
 * The inputs with each Output or promise replaced by a placeholder, pushed onto `pending`; plain parts
 * as they are. Like `pulumi.output`, it descends into arrays and objects but not into Resources.
 */
function withPlaceholders(value: unknown, pending: pulumi.Input<unknown>[]): unknown {
    if (value === null || typeof value !== "object" || pulumi.Resource.isInstance(value)) {
        return value;
    }
    if (pulumi.Output.isInstance(value) || typeof (value as { then?: unknown }).then === "function") {
        pending.push(value as pulumi.Input<unknown>);
        return new Placeholder(pending.length - 1);
    }
    if (Array.isArray(value)) {
        return value.map((item) => withPlaceholders(item, pending));
    }
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, withPlaceholders(item, pending)]));
}

/** The inputs again, each placeholder replaced by the known value of what it stood for. */
function filledIn(template: unknown, known: unknown[]): unknown {
    if (template instanceof Placeholder) {
        return known[template.index];
    }
    if (template === null || typeof template !== "object" || pulumi.Resource.isInstance(template)) {
        return template;
    }
    if (Array.isArray(template)) {
        return template.map((item) => filledIn(item, known));
    }
    return Object.fromEntries(Object.entries(template).map(([key, item]) => [key, filledIn(item, known)]));
}

/**
 * The known values of Outputs and promises, in one Output: one apply on each, chained, where
 * `pulumi.all` would first copy every Output into a new one and apply on the copy.
 */
function allKnown(pending: pulumi.Input<unknown>[], known: unknown[] = []): pulumi.Output<unknown[]> {
    const [first, ...rest] = pending;
    const next = pulumi.Output.isInstance(first) ? first : pulumi.output(first);
    return next.apply((value) => (rest.length === 0 ? [...known, value] : allKnown(rest, [...known, value]))) as pulumi.Output<unknown[]>;
}

/**
 * Computes from the inputs: at once when they are all plain (an error is thrown at once too), else
 * once their Outputs and promises are all known.
 */
export function settle<T extends object, R>(inputs: T, compute: (known: pulumi.Unwrap<T>) => R): Eventually<R> {
    const pending: pulumi.Input<unknown>[] = [];
    const template = withPlaceholders(inputs, pending);
    if (pending.length === 0) {
        return compute(inputs as pulumi.Unwrap<T>);
    }
    return new Later(
        allKnown(pending).apply((known): Outcome<R> => {
            try {
                return { value: compute(filledIn(template, known) as pulumi.Unwrap<T>) };
            } catch (error) {
                return { error };
            }
        }) as pulumi.Output<Outcome<R>>,
    );
}

/** A value known now or later as an Output: the Output itself when it is one (wrapping it again would copy it). */
export function asOutput<T>(value: T | pulumi.Output<T>): pulumi.Output<T> {
    return pulumi.Output.isInstance(value) ? (value as pulumi.Output<T>) : (pulumi.output(value as T) as pulumi.Output<T>);
}

/**
 * The error again, as a new object: the SDK prefixes the message of an error that fails a resource
 * with the property it was serialising, so each resource that shares a failed computation gets its own.
 */
function again(error: unknown): unknown {
    if (pulumi.ResourceError.isInstance(error)) {
        return new pulumi.ResourceError(error.message, error.resource, error.hideStack);
    }
    return error instanceof Error ? new Error(error.message) : error;
}

/** A part of a value known now or later: plain when the value is, else an Output that fails as the computation did. */
export function select<T, R>(value: Eventually<T>, part: (known: T) => R): R | pulumi.Output<R> {
    if (!(value instanceof Later)) {
        return part(value);
    }
    return value.outcome.apply((outcome) => {
        if (outcome.error !== undefined) {
            throw again(outcome.error);
        }
        return part((outcome as { value: T }).value);
    }) as pulumi.Output<R>;
}

/** A value computed from a value known now or later and an Output: one apply, whichever the first is. */
export function selectWith<T, U, R>(value: Eventually<T>, other: pulumi.Output<U>, part: (known: T, otherKnown: U) => R): pulumi.Output<R> {
    if (!(value instanceof Later)) {
        return other.apply((otherKnown) => part(value, otherKnown)) as pulumi.Output<R>;
    }
    return pulumi.all([value.outcome as pulumi.Output<unknown>, other as pulumi.Output<unknown>]).apply(([outcome, otherKnown]) => {
        const settled = outcome as Outcome<T>;
        if (settled.error !== undefined) {
            throw again(settled.error);
        }
        return part((settled as { value: T }).value, otherKnown as U);
    }) as pulumi.Output<R>;
}
