/**
 * Values known now or later (components/eventually.ts): what the bindings compute their documents
 * with. Plain inputs cost no Output; an Output or promise anywhere inside them is waited for, with
 * its secrecy, its unknown-ness in a preview and its resources kept.
 */
import * as assert from "node:assert/strict";

import * as pulumi from "@pulumi/pulumi";

import { asOutput, Later, select, settle } from "../components/eventually";
import { valueOf } from "./mocks";

/** An Output as the SDK makes them for a resource's property: its value, whether known and secret. */
function outputOf<T>(value: T, options: { known?: boolean; secret?: boolean } = {}): pulumi.Output<T> {
    const OutputImpl = pulumi.Output as unknown as new (resources: Set<pulumi.Resource>, promise: Promise<T>, isKnown: Promise<boolean>, isSecret: Promise<boolean>, allResources: Promise<Set<pulumi.Resource>> | undefined) => pulumi.Output<T>;
    return new OutputImpl(new Set(), Promise.resolve(value), Promise.resolve(options.known ?? true), Promise.resolve(options.secret ?? false), undefined);
}

describe("values known now or later", () => {
    it("computes from plain inputs at once, as a plain value", () => {
        const computed = settle({ names: ["a", "b"], nested: { count: 2 } }, (known) => `${known.names.join("")}${known.nested.count}`);
        assert.equal(computed, "ab2");
        assert.equal(select(computed, (value) => value.length), 3);
    });

    it("waits for Outputs and promises wherever they are, and gives each its value in place", async () => {
        const inputs = { first: outputOf("one"), list: ["two", Promise.resolve("three"), outputOf("four")], deep: { value: outputOf(5) }, plain: true };
        const computed = settle(inputs, (known) => known);
        assert.ok(computed instanceof Later);
        assert.deepEqual(await valueOf(asOutput(select(computed, (value) => value))), { first: "one", list: ["two", "three", "four"], deep: { value: 5 }, plain: true });
    });

    it("keeps an input's secrecy, and stays unknown while an input is (a preview)", async () => {
        const secret = settle({ key: outputOf("s3cr3t", { secret: true }), other: outputOf("x") }, (known) => `${known.key}${known.other}`);
        const secretOutput = asOutput(select(secret, (value) => value));
        assert.equal(await pulumi.isSecret(secretOutput), true);
        assert.equal(await valueOf(secretOutput), "s3cr3tx");

        let ran = false;
        const unknown = settle({ arn: outputOf("arn", { known: false }), other: outputOf("x") }, (known) => {
            ran = true;
            return known.arn;
        });
        const unknownOutput = asOutput(select(unknown, (value) => value));
        assert.equal(await (unknownOutput as unknown as { isKnown: Promise<boolean> }).isKnown, false);
        assert.equal(ran, false, "nothing is computed from a value not known yet");
    });

    it("wraps a value as an Output once: an Output is itself", () => {
        const output = outputOf("x");
        assert.equal(asOutput(output), output);
        assert.ok(pulumi.Output.isInstance(asOutput("x")));
    });
});
