/**
 * Pulumi mocks shared by every test file: one set for the whole mocha process, recording each
 * registered resource so tests can read what a program or component asked for. The state they
 * synthesise comes from the mock engine the offline plan uses too.
 */
import * as assert from "node:assert/strict";

import * as pulumi from "@pulumi/pulumi";

import { createMockEngine, RegisteredResource, sentinels } from "../scripts/offline/mocks";

export type { RegisteredResource } from "../scripts/offline/mocks";

export const mockAccountId = sentinels.accountId;
export const mockRegion = "us-west-2";

const engine = createMockEngine({ accountId: mockAccountId, region: mockRegion });

export const registered: RegisteredResource[] = engine.registered;

pulumi.runtime.setMocks(engine.mocks, "eks-irsa", "test", false);

/** The value of an Output, once known. */
export function valueOf<T>(output: pulumi.Output<T>): Promise<T> {
    // The SDK's own promise of the value: unlike apply, it rejects when the Output failed.
    return (output as unknown as { promise(): Promise<T> }).promise();
}

/** Waits until each resource is registered with the mock engine. */
export async function registrationOf(...resources: pulumi.Resource[]): Promise<void> {
    await Promise.all(resources.map((resource) => valueOf(resource.urn)));
}

/** The registered resources of a type, in registration order. */
export function registeredOfType(type: string): RegisteredResource[] {
    return registered.filter((resource) => resource.type === type);
}

/** The one registered resource of this type and name. */
export function registeredResource(type: string, name: string): RegisteredResource {
    const matches = registered.filter((resource) => resource.type === type && resource.name === name);
    if (matches.length !== 1) {
        throw new Error(`expected one ${type} named ${name}, found ${matches.length}: ${registered.map((r) => `${r.type}/${r.name}`).join(", ")}`);
    }
    return matches[0];
}

let nameCounter = 0;

/** A resource name no other test uses, so that a test reads only what it registered. */
export function uniqueName(prefix: string): string {
    nameCounter += 1;
    return `${prefix}${nameCounter}`;
}

/** Waits until the mock engine has seen no new registration for a while: every pending resource is in. */
export async function settled(): Promise<void> {
    let seen = -1;
    while (seen !== registered.length) {
        seen = registered.length;
        await new Promise((resolve) => setTimeout(resolve, 30));
    }
}

/**
 * Checks that a component refuses bad arguments in its constructor, and (once registrations have
 * settled, since the engine hears of resources asynchronously) that it created no child.
 */
export function refusals(componentType: string): {
    assertRefused(construct: (name: string) => unknown, message: RegExp): void;
    assertNoChildRegistered(): Promise<void>;
} {
    const refusedNames: string[] = [];
    return {
        assertRefused(construct, message) {
            const name = uniqueName("refused");
            refusedNames.push(name);
            assert.throws(() => construct(name), (error: unknown) => error instanceof pulumi.ResourceError && message.test(error.message));
        },
        async assertNoChildRegistered() {
            await settled();
            const children = registered.filter((resource) => resource.type !== componentType && refusedNames.some((name) => resource.name.startsWith(name)));
            assert.deepEqual(children, []);
        },
    };
}

/**
 * Unhandled rejections: mocha re-emits them on the process and, without another listener, they
 * vanish. Those the tests provoke on purpose are components refusing a value once an Output is known
 * (`pulumi.ResourceError`): the SDK then abandons the registration of every child that takes that
 * value, rethrowing the error unhandled, and leaves those children's URNs and outputs pending for good.
 * At exit the SDK counts such pending promises as leaks ("N promises were still active").
 */
const unhandled = new Set<unknown>();
// A Set: mocha re-emits each rejection on the process, so listeners hear it twice.
process.on("unhandledRejection", (reason) => unhandled.add(reason));

interface DebuggablePromise {
    _debugCtx?: string;
    _debugStackTrace?: string;
}

/** The promises the SDK still waits for, once they stop settling (the SDK's own leak candidates). */
async function pendingSdkPromises(): Promise<Set<DebuggablePromise>> {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { getStore } = require("@pulumi/pulumi/runtime/state") as { getStore(): { leakCandidates: Set<DebuggablePromise> } };
    await settled();
    let size = -1;
    for (let round = 0; round < 50 && size !== getStore().leakCandidates.size; round += 1) {
        size = getStore().leakCandidates.size;
        await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return getStore().leakCandidates;
}

/** The logical name of a resource, as the SDK keeps it. */
function resourceName(resource: pulumi.Resource | undefined): string | undefined {
    return (resource as unknown as { __name?: string } | undefined)?.__name;
}

// Once every test has run: what is still pending must be explained by a refusal a test provoked, and
// every unhandled rejection must be such a refusal. Anything else is a real failure, and fails here.
after(async function () {
    this.timeout(10000);
    const pending = await pendingSdkPromises();
    const unhandledRejections = [...unhandled];
    const refusals = unhandledRejections.filter((reason): reason is pulumi.ResourceError => pulumi.ResourceError.isInstance(reason));
    const others = unhandledRejections.filter((reason) => !pulumi.ResourceError.isInstance(reason));
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
});
