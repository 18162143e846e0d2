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

/**
 * Computes from the inputs: at once when they are all plain (an error is thrown at once too), else
 * once they are all known.
 */
export function settle<T extends object, R>(inputs: T, compute: (known: pulumi.Unwrap<T>) => R): Eventually<R> {
    if (isPlain(inputs)) {
        return compute(inputs as pulumi.Unwrap<T>);
    }
    return new Later(
        pulumi.output(inputs).apply((known): Outcome<R> => {
            try {
                return { value: compute(known as pulumi.Unwrap<T>) };
            } catch (error) {
                return { error };
            }
        }) as pulumi.Output<Outcome<R>>,
    );
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
