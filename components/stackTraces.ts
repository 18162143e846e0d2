/**
 * Stack traces that name the `.ts` line, at a cost the Pulumi SDK can afford.
 *
 * The SDK formats a stack trace for every promise it creates (`debuggablePromise` reads
 * `new Error().stack`, to name a leaked promise's origin): a hundred or more for each resource. Under
 * ts-node, every one of those traces goes through ts-node's source-map support, which rewrites each of
 * its frames, the SDK's own JavaScript frames too (through the `.js.map` files the SDK ships, towards
 * `.ts` sources it does not ship). In a CPU profile of this repository's test suite that rewriting
 * was the largest single cost, a quarter of the CPU time; in a binding under mocks, a third.
 *
 * {@link mapOnlyTypeScriptFrames} keeps the mapping where a reader needs it, on the frames of the
 * TypeScript that ts-node compiled (a program, these components from source, a policy pack), and
 * leaves every other frame as V8 prints it without source maps: at the JavaScript line, in a file that
 * exists on disk.
 */

/** The shape of `Error.prepareStackTrace` (V8's stack trace API). */
export type StackTraceFormatter = (error: Error, frames: NodeJS.CallSite[]) => unknown;

/** Files a TypeScript loader compiles (ts-node, or another), whose frames the installed source-map support maps to their `.ts` line. */
const compiledTypeScript = /\.[cm]?tsx?$/;

/** Marks a formatter made here (so that installing twice wraps once), and keeps the one it narrows. */
const formatterMark = Symbol.for("eks-irsa.stackTraces.typeScriptFramesOnly");

/** Whether a frame runs code that ts-node compiled from TypeScript. */
function isCompiledTypeScript(frame: NodeJS.CallSite): boolean {
    const file = frame.getFileName();
    return file !== undefined && file !== null && compiledTypeScript.test(file);
}

/**
 * What a frame's line of a trace is made of, besides its position: the same key, the same line. The
 * SDK's traces repeat the same few frames of a program thousands of times.
 */
function frameKey(frame: NodeJS.CallSite): string {
    return [
        frame.getFileName(),
        frame.getLineNumber(),
        frame.getColumnNumber(),
        frame.getTypeName(),
        frame.getFunctionName(),
        frame.getMethodName(),
        frame.isConstructor(),
        frame.isToplevel(),
        frame.isAsync(),
        frame.isPromiseAll(),
        frame.getPromiseIndex(),
        frame.isEval(),
    ].join("\u0000");
}

/** Lines of mapped frames kept by a formatter; more are mapped again, never wrongly. */
const mappedLinesKept = 20000;

/**
 * A formatter that formats the frames of compiled TypeScript as `mapped` does, and every other frame
 * as V8 does. `mapped` is given one frame at a time (and each distinct frame once); the error's
 * first line (`Name: message`, or `Name [CODE]: message` for Node.js's errors) is `mapped`'s,
 * whatever the frames.
 */
export function typeScriptFramesOnly(mapped: StackTraceFormatter): StackTraceFormatter {
    const mappedLines = new Map<string, string>();
    const mappedLine = (error: Error, frame: NodeJS.CallSite, header: string): string => {
        const key = frameKey(frame);
        let line = mappedLines.get(key);
        if (line === undefined) {
            line = String(mapped(error, [frame])).slice(header.length);
            if (mappedLines.size >= mappedLinesKept) {
                mappedLines.clear();
            }
            mappedLines.set(key, line);
        }
        return line;
    };
    const formatter: StackTraceFormatter = (error, frames) => {
        const header = String(mapped(error, []));
        let trace = header;
        for (const frame of frames) {
            trace += isCompiledTypeScript(frame) ? mappedLine(error, frame, header) : `\n    at ${frame.toString()}`;
        }
        return trace;
    };
    Object.defineProperty(formatter, formatterMark, { value: mapped });
    return formatter;
}

/** The formatter a formatter of {@link typeScriptFramesOnly} narrows; undefined for any other. */
export function narrowedFormatter(formatter: StackTraceFormatter): StackTraceFormatter | undefined {
    return (formatter as unknown as Partial<Record<symbol, StackTraceFormatter>>)[formatterMark];
}

/**
 * Narrows the stack trace formatter installed in this process (ts-node's source-map support, or the
 * Pulumi SDK's `source-map-support` that a loader hands its source maps to) to the frames of compiled
 * TypeScript ({@link typeScriptFramesOnly}). Call it first thing in a program that runs from
 * TypeScript, as this repository's program (under its loader) and plugin (under ts-node) do. Where no formatter is installed (a
 * program run as JavaScript), V8's own formatting is already the fast one, and nothing changes; a
 * second call changes nothing either.
 */
export function mapOnlyTypeScriptFrames(): void {
    const installed = Error.prepareStackTrace as StackTraceFormatter | undefined;
    if (installed === undefined || narrowedFormatter(installed) !== undefined) {
        return;
    }
    Error.prepareStackTrace = typeScriptFramesOnly(installed);
}
