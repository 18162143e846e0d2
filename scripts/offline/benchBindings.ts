/**
 * One measurement of `npm run bench`, in a process of its own: N bindings of one kind created in a
 * Pulumi stack under the mock engine, timed until the engine has registered every resource. Prints
 * one JSON line: the time, the registered resources, and the memory before and at the peak.
 *
 *   node --conditions=eks-irsa-source -r ts-node/register/transpile-only benchBindings.ts <irsa|pod-identity> <N> [--count] [--map-all-frames]
 *
 * The bindings run as this repository's program runs them, with only the TypeScript frames of the
 * SDK's stack traces source-mapped (components/stackTraces.ts); --map-all-frames leaves ts-node's
 * source-map support rewriting every frame, as in a program that does not narrow it. With --count (a
 * run of its own, since counting costs time), it also counts the Outputs, applies and promises the SDK
 * creates for the bindings.
 */
import * as pulumi from "@pulumi/pulumi";

import { createMockEngine, sentinels } from "./mocks";

/** What one run reports. */
export interface BindingsMeasurement {
    kind: string;
    count: number;
    framesMapped: FramesMapped;
    /** From the first constructor call until every registration is in. */
    milliseconds: number;
    registered: number;
    /** Resident memory once the SDK and the components are loaded, before the first binding. */
    rssBeforeKiB: number;
    maxRssKiB: number;
    /** What the bindings made the SDK create, from the first constructor call on (see countSdkWork). */
    outputs: number;
    applies: number;
    /** The SDK's debuggable promises: each captures and formats a stack trace. */
    promises: number;
}

/**
 * Counts, from now on, the Outputs the SDK constructs, the applies called on them and the promises it
 * wraps for leak detection (each with a formatted stack trace), by wrapping the SDK's own functions.
 * Only here, in the benchmark's process.
 */
function countSdkWork(): { outputs: number; applies: number; promises: number } {
    const counts = { outputs: 0, applies: 0, promises: 0 };
    /* eslint-disable @typescript-eslint/no-require-imports */
    const debuggable = require("@pulumi/pulumi/runtime/debuggable") as { debuggablePromise: (...args: unknown[]) => unknown };
    const outputModule = require("@pulumi/pulumi/output") as { Output: { prototype: { apply: (...args: unknown[]) => unknown } } };
    /* eslint-enable @typescript-eslint/no-require-imports */
    const debuggablePromise = debuggable.debuggablePromise;
    debuggable.debuggablePromise = (...args: unknown[]) => {
        counts.promises += 1;
        return debuggablePromise(...args);
    };
    const apply = outputModule.Output.prototype.apply;
    outputModule.Output.prototype.apply = function (this: unknown, ...args: unknown[]) {
        counts.applies += 1;
        return apply.apply(this, args);
    };
    // Every Output's constructor sets this marker on itself first: a setter on Object.prototype hears each.
    Object.defineProperty(Object.prototype, "__pulumiOutput", {
        configurable: true,
        set(this: object, value: unknown) {
            counts.outputs += 1;
            Object.defineProperty(this, "__pulumiOutput", { value, writable: true, enumerable: true, configurable: true });
        },
    });
    return counts;
}

/** The bindings the benchmark creates: a role, its S3 read policy and a ServiceAccount each (no reader Deployment). */
export const benchBucketArn = "arn:aws:s3:::reports";
export const benchOidcProviderArn = `arn:aws:iam::${sentinels.accountId}:oidc-provider/oidc.eks.us-west-2.amazonaws.com/id/${sentinels.oidcIssuerId}`;

/** Which stack frames ts-node's source-map support rewrites: only the TypeScript ones, as the program installs it, or all of them, its default. */
export type FramesMapped = "typescript" | "all";

async function main(kind: string, count: number, countWork: boolean, framesMapped: FramesMapped): Promise<BindingsMeasurement> {
    const engine = createMockEngine({ accountId: sentinels.accountId, region: "us-west-2" });
    await pulumi.runtime.setMocks(engine.mocks, "eks-irsa-bench", "bench", false);
    // Loaded (and compiled) before the clock starts: only the bindings are measured.
    const { IrsaBinding, PodIdentityBinding, mapOnlyTypeScriptFrames } = await import("@eks-irsa/components");
    if (framesMapped === "typescript") {
        // As this repository's program and plugin run the components (components/stackTraces.ts).
        mapOnlyTypeScriptFrames();
    }
    const rssBeforeKiB = Math.round(process.memoryUsage().rss / 1024);
    const counts = countWork ? countSdkWork() : { outputs: 0, applies: 0, promises: 0 };
    const started = process.hrtime.bigint();
    await pulumi.runtime.runInPulumiStack(async () => {
        for (let index = 0; index < count; index += 1) {
            const common = {
                namespace: "apps",
                serviceAccountName: `reader-${index}`,
                s3Read: { bucketArns: [benchBucketArn], keyPrefixes: ["daily/"] },
                reader: { enabled: false },
            };
            if (kind === "irsa") {
                new IrsaBinding(`reader-${index}`, { ...common, oidcProviderArn: benchOidcProviderArn });
            } else {
                new PodIdentityBinding(`reader-${index}`, { ...common, clusterName: "platform-dev" });
            }
        }
        return {};
    });
    await pulumi.runtime.disconnect();
    return {
        kind,
        count,
        framesMapped,
        milliseconds: Number(process.hrtime.bigint() - started) / 1e6,
        registered: engine.registered.length,
        rssBeforeKiB,
        maxRssKiB: process.resourceUsage().maxRSS,
        ...counts,
    };
}

if (require.main === module) {
    const [kind, countText, ...flags] = process.argv.slice(2);
    if ((kind !== "irsa" && kind !== "pod-identity") || !/^\d+$/.test(countText ?? "") || flags.some((flag) => flag !== "--count" && flag !== "--map-all-frames")) {
        process.stderr.write("usage: benchBindings.ts <irsa|pod-identity> <N> [--count] [--map-all-frames]\n");
        process.exit(2);
    }
    main(kind, Number(countText), flags.includes("--count"), flags.includes("--map-all-frames") ? "all" : "typescript").then(
        (measurement) => {
            process.stdout.write(`${JSON.stringify(measurement)}\n`);
            process.exit(0);
        },
        (error: unknown) => {
            process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
            process.exit(1);
        },
    );
}
