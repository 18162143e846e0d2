/**
 * Values known now or later. A binding's documents are computed once from all of its inputs: at once,
 * as plain values, when every input is plain (the common case, which then costs no Output, no
 * promise and no captured stack); else once, in one Output, when the last input is known.
 */
import * as pulumi from "@pulumi/pulumi";

/** A value that is known now, or an Output of it. */
export type Eventually<T> = T | pulumi.Output<T>;

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

/** Computes from the inputs: at once when they are all plain, else once they are all known. */
export function settle<T extends object, R>(inputs: T, compute: (known: pulumi.Unwrap<T>) => R): Eventually<R> {
    return isPlain(inputs) ? compute(inputs as pulumi.Unwrap<T>) : pulumi.output(inputs).apply((known) => compute(known as pulumi.Unwrap<T>));
}

/** A part of a value known now or later, known as soon as the value is. */
export function select<T, R>(value: Eventually<T>, part: (known: T) => R): Eventually<R> {
    return pulumi.Output.isInstance(value) ? (value as pulumi.Output<T>).apply(part) : part(value as T);
}
