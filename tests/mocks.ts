/**
 * Pulumi mocks shared by every test file: one set for the whole mocha process, recording each
 * registered resource so tests can read what a program or component asked for. The state they
 * synthesise comes from the mock engine the offline plan uses too.
 */
import * as assert from "node:assert/strict";

import * as pulumi from "@pulumi/pulumi";

import { createMockEngine, RegisteredResource, sentinels } from "../scripts/offline/mocks";
import type { PolicyDocument } from "../components/index";

export type { RegisteredResource } from "../scripts/offline/mocks";

export const mockAccountId = sentinels.accountId;
export const mockRegion = "us-west-2";

const engine = createMockEngine({ accountId: mockAccountId, region: mockRegion });

export const registered: RegisteredResource[] = engine.registered;

/** Makes IAM hold a customer-managed policy with this document as its default version, for `aws.iam.getPolicy`. */
export function mockCustomerPolicy(policyArn: string, document: unknown): void {
    engine.customerPolicies.set(policyArn, JSON.stringify(document));
}

/** A customer-managed policy of the mock account, named `name`, that IAM holds with this document; its ARN. */
export function customerPolicy(name: string, document: unknown): string {
    const arn = `arn:aws:iam::${mockAccountId}:policy/${name}`;
    mockCustomerPolicy(arn, document);
    return arn;
}

/** A customer-managed policy of the mock account whose document IAM holds as this exact text; its ARN. */
export function customerPolicyText(name: string, text: string): string {
    const arn = `arn:aws:iam::${mockAccountId}:policy/${name}`;
    engine.customerPolicies.set(arn, text);
    return arn;
}

/** A policy document of these statements, written as IAM holds them. */
export function documentOf(...statements: Record<string, unknown>[]): PolicyDocument {
    return { Version: "2012-10-17", Statement: statements } as unknown as PolicyDocument;
}

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
