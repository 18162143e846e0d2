/**
 * The suite's guarantees, as a mocha root-hook plugin (.mocharc.json `require`): mocha applies these
 * hooks to every test file's root suite, in each worker of `--parallel` (where a worker runs many
 * files in one process, and mocha removes every `unhandledRejection` listener after each file), and
 * once in a serial run. So every file, wherever it runs, is held to them:
 *
 * - every unhandled rejection must be a refusal a test provoked (a `pulumi.ResourceError`);
 * - every promise the SDK still waits for must be explained by such a refusal.
 *
 * Nothing here loads the SDK: a file that never loaded it cannot leave SDK promises behind, and the
 * main process of `--parallel` loads this plugin too.
 */
import * as assert from "node:assert/strict";
import * as path from "node:path";

import type * as pulumi from "@pulumi/pulumi";

import { mapOnlyTypeScriptFrames } from "../components/stackTraces";

// As the program and the plugin do: the SDK's stack trace per promise maps only the TypeScript frames.
mapOnlyTypeScriptFrames();

/**
 * Unhandled rejections: mocha re-emits them on the process and, without another listener, they
 * vanish. Those the tests provoke on purpose are components refusing a value once an Output is known
 * (`pulumi.ResourceError`): the SDK then abandons the registration of every child that takes that
 * value, rethrowing the error unhandled, and leaves those children's URNs and outputs pending for good.
 * At exit the SDK counts such pending promises as leaks ("N promises were still active").
 */
// A Set: mocha re-emits each rejection on the process, so listeners hear it twice.
const unhandled = new Set<unknown>();
const recordUnhandled = (reason: unknown): void => void unhandled.add(reason);

interface DebuggablePromise {
    _debugCtx?: string;
    _debugStackTrace?: string;
}

/** A module of this process, if it was loaded: never loads it. */
function loaded<T>(request: string): T | undefined {
    let file: string;
    try {
        file = require.resolve(request, { paths: [path.join(__dirname, "..")] });
    } catch {
        return undefined;
    }
    return require.cache[file]?.exports as T | undefined;
}

const sdkStateModule = "@pulumi/pulumi/runtime/state";
const mocksModule = path.join(__dirname, "mocks.ts");

/** The promises the SDK still waits for, once they stop settling (the SDK's own leak candidates); none when the SDK was never loaded. */
async function pendingSdkPromises(): Promise<Set<DebuggablePromise>> {
    const state = loaded<{ getStore(): { leakCandidates: Set<DebuggablePromise> } }>(sdkStateModule);
    if (state === undefined) {
        return new Set();
    }
    await loaded<typeof import("./mocks")>(mocksModule)?.settled();
    let size = -1;
    for (let round = 0; round < 50 && size !== state.getStore().leakCandidates.size; round += 1) {
        size = state.getStore().leakCandidates.size;
        await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return state.getStore().leakCandidates;
}

/** The logical name of a resource, as the SDK keeps it. */
function resourceName(resource: pulumi.Resource | undefined): string | undefined {
    return (resource as unknown as { __name?: string } | undefined)?.__name;
}

/** Whether a value is a `pulumi.ResourceError` (the SDK's own test, through the SDK this process loaded). */
function isResourceError(reason: unknown): reason is pulumi.ResourceError {
    const sdk = loaded<typeof pulumi>("@pulumi/pulumi");
    return sdk !== undefined && sdk.ResourceError.isInstance(reason);
}

export const mochaHooks = {
    beforeAll(): void {
        // Each file starts with no rejection of its own, and (in a worker, after the previous file) a listener again.
        unhandled.clear();
        process.removeListener("unhandledRejection", recordUnhandled);
        process.on("unhandledRejection", recordUnhandled);
    },

    // Once every test of the file has run: what is still pending must be explained by a refusal a test
    // provoked, and every unhandled rejection must be such a refusal. Anything else is a real failure, and fails here.
    async afterAll(this: Mocha.Context): Promise<void> {
        this.timeout(10000);
        const pending = await pendingSdkPromises();
        const unhandledRejections = [...unhandled];
        const refusals = unhandledRejections.filter(isResourceError);
        const others = unhandledRejections.filter((reason) => !isResourceError(reason));
        const refused = refusals.map((error) => resourceName(error.resource)).filter((name): name is string => name !== undefined);
        const unexplained = [...pending]
            .map((promise) => ({ context: promise._debugCtx ?? "", name: /resource:([^[\s]+)\[/.exec(promise._debugCtx ?? "")?.[1] }))
            .filter(({ name }) => name !== undefined && !refused.some((component) => name === component || name.startsWith(`${component}-`)));
        const anonymousWithoutRefusal = pending.size > 0 && refused.length === 0;
        assert.deepEqual(
            { unhandledRejections: others.map((reason) => (reason instanceof Error ? (reason.stack ?? reason.message) : String(reason))), pendingWithoutARefusal: unexplained.map(({ context }) => context), anonymousWithoutRefusal },
            { unhandledRejections: [], pendingWithoutARefusal: [], anonymousWithoutRefusal: false },
            "the SDK was left with work no refusal explains, or a promise failed with nobody waiting for it",
        );
        // Explained: the registrations the refusals abandoned will never finish, by the SDK's design.
        pending.clear();
        unhandled.clear();
    },
};
