import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";

import { mapOnlyTypeScriptFrames, narrowedFormatter, StackTraceFormatter, typeScriptFramesOnly } from "../components/stackTraces";

/** The 1-based line of this file that holds `marker`, read from the source (not from any stack). */
function lineOf(file: string, marker: string): number {
    const index = fs.readFileSync(file, "utf8").split("\n").findIndex((line) => line.includes(marker) && !line.includes("lineOf("));
    assert.ok(index >= 0, `${marker} not found in ${file}`);
    return index + 1;
}

/** An error made on a known line of this TypeScript file. */
function errorHere(): Error {
    return new Error("made here"); // stack-marker: errorHere
}

/** The SDK's JavaScript, which ships a .js.map towards TypeScript sources it does not ship. */
const debuggableJs = require.resolve("@pulumi/pulumi/runtime/debuggable");
// eslint-disable-next-line @typescript-eslint/no-require-imports -- the SDK module is internal, with no types
const debuggable = require(debuggableJs) as { debuggablePromise<T>(promise: Promise<T>, context: string): Promise<T> };

/** The stack the SDK records on a promise it tracks (first frame: its own JavaScript), as every resource's promises get one. */
function sdkPromiseStack(): string {
    const promise: Promise<void> & { _debugStackTrace?: string } = Promise.resolve();
    void debuggable.debuggablePromise(promise, "probe");
    assert.equal(typeof promise._debugStackTrace, "string");
    return promise._debugStackTrace!;
}

/** Runs `body` with `formatter` as the process's stack trace formatter, then puts the previous one back. */
function withFormatter<T>(formatter: StackTraceFormatter | undefined, body: () => T): T {
    const previous = Error.prepareStackTrace;
    Error.prepareStackTrace = formatter as typeof Error.prepareStackTrace;
    try {
        return body();
    } finally {
        Error.prepareStackTrace = previous;
    }
}

describe("stack traces: source-mapped where the TypeScript is, as V8 prints them elsewhere", () => {
    // The suite runs under ts-node, whose source-map support tests/rootHooks.ts narrows with mapOnlyTypeScriptFrames.
    const installed = Error.prepareStackTrace as StackTraceFormatter;
    const tsNodes = narrowedFormatter(installed);

    it("is installed in this process over ts-node's source-map support", () => {
        assert.ok(tsNodes, "the formatter of this process is not typeScriptFramesOnly's");
        assert.equal(narrowedFormatter(tsNodes), undefined);
    });

    it("names the .ts line of a frame in compiled TypeScript", () => {
        const frame = (errorHere().stack ?? "").split("\n")[1].trim();
        assert.match(frame, /^at errorHere \(/);
        assert.ok(frame.endsWith(`${__filename}:${lineOf(__filename, "stack-marker: errorHere")}:12)`), frame);
    });

    it("prints the SDK's JavaScript frames at their JavaScript line, where ts-node's support alone maps them to .ts files the SDK does not ship", () => {
        const javaScriptLine = lineOf(debuggableJs, 'Object.defineProperty(p, "_debugStackTrace"');
        const narrowed = sdkPromiseStack().split("\n")[1].trim();
        assert.match(narrowed, new RegExp(`^at Object\\.debuggablePromise \\(${debuggableJs.replace(/[.\\/]/g, "\\$&")}:${javaScriptLine}:\\d+\\)$`), narrowed);
        // The same stack with the formatter this one narrows: mapped to a TypeScript source that is not on disk.
        const everyFrame = withFormatter(tsNodes, sdkPromiseStack).split("\n")[1].trim();
        const mappedFile = /\((.*):\d+:\d+\)$/.exec(everyFrame)?.[1] ?? "";
        assert.match(mappedFile, /debuggable\.ts$/, everyFrame);
        assert.equal(fs.existsSync(mappedFile), false);
        // And this file's own frame further down is mapped to the same .ts line and column by both.
        const ownFrame = (stack: string): string | undefined => stack.split("\n").find((line) => line.includes(__filename))?.replace(/^.*\(/, "");
        assert.equal(ownFrame(withFormatter(tsNodes, sdkPromiseStack)), ownFrame(sdkPromiseStack()));
    });

    it("writes an error's first line as the formatter it narrows does, Node.js's own errors included", () => {
        const nodeError = (): string => {
            try {
                path.resolve(123 as unknown as string);
            } catch (error) {
                return ((error as Error).stack ?? "").split("\n")[0];
            }
            return "";
        };
        assert.match(nodeError(), /^TypeError.*: The "paths\[0\]" argument must be of type string/);
        assert.equal(nodeError(), withFormatter(tsNodes, nodeError));
        assert.equal((errorHere().stack ?? "").split("\n")[0], "Error: made here");
    });

    it("gives the formatter it narrows only the TypeScript frames, one at a time, and each distinct frame once", () => {
        const given: string[][] = [];
        const recording: StackTraceFormatter = (error, frames) => {
            given.push(frames.map((frame) => path.basename(frame.getFileName() ?? "")));
            return `${error.name}: ${error.message}${frames.map((frame) => `\n    at mapped ${path.basename(frame.getFileName() ?? "")}`).join("")}`;
        };
        const narrowing = typeScriptFramesOnly(recording);
        // Twice from the same line, so that every frame of the two traces is the same.
        const [first, second] = [0, 1].map(() => {
            const before = given.length;
            return { stack: withFormatter(narrowing, sdkPromiseStack), given: given.slice(before) };
        });
        const stack = first.stack;
        const lines = stack.split("\n");
        assert.equal(lines[0], "Error: ");
        assert.match(lines[1], /^ {4}at Object\.debuggablePromise \(.*debuggable\.js:\d+:\d+\)$/);
        assert.ok(lines.includes("    at mapped stackTraces.test.ts"), stack);
        assert.ok(first.given.every((files) => files.length === 0 || (files.length === 1 && files[0].endsWith(".ts"))), JSON.stringify(first.given));
        assert.ok(first.given.some((files) => files.length === 1), JSON.stringify(first.given));
        // The same trace again, without a frame mapped again: only the first line is asked for.
        assert.equal(second.stack, stack);
        assert.deepEqual(second.given, [[]]);
        // Another call site: its own frame is mapped.
        const before = given.length;
        assert.notEqual(withFormatter(narrowing, () => sdkPromiseStack()), stack);
        assert.ok(given.slice(before).some((files) => files.length === 1), JSON.stringify(given.slice(before)));
    });

    it("installs once, and leaves a process without a formatter (JavaScript, no ts-node) to V8", () => {
        withFormatter(installed, () => {
            mapOnlyTypeScriptFrames();
            assert.equal(Error.prepareStackTrace, installed, "a second call wraps the formatter again");
        });
        withFormatter(undefined, () => {
            mapOnlyTypeScriptFrames();
            assert.equal(Error.prepareStackTrace, undefined);
            assert.match(errorHere().stack ?? "", /^Error: made here\n {4}at errorHere \(/);
        });
    });
});
