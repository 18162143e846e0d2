/**
 * How the catalogue's tests judge an add-on's permissions: its statements resolved and written as
 * the binding would write them, and calls asked of the IAM evaluator.
 */
import * as assert from "node:assert/strict";

import * as pulumi from "@pulumi/pulumi";

import { addons, PolicyDocument, policyStatementsDocument, PolicyStatementArgs, ResolvedPolicyStatement } from "../components/index";
import { allowedCall as allows, ContextValues } from "./iamEvaluator";
import { valueOf } from "./mocks";

/**
 * The value of an input. For an Output, every promise it carries is awaited, as a resource that takes
 * it would: a refused value then rejects here, and nowhere unobserved.
 */
export async function resolved(value: pulumi.Input<string>): Promise<string> {
    if (typeof value === "string") {
        return value;
    }
    const output = pulumi.output(value);
    const internals = output as unknown as { isKnown: Promise<boolean>; isSecret: Promise<boolean>; allResources?: () => Promise<unknown> };
    await Promise.allSettled([internals.isKnown, internals.isSecret, internals.allResources?.()]);
    return valueOf(output);
}

export async function resolvedStatements(statements: PolicyStatementArgs[]): Promise<ResolvedPolicyStatement[]> {
    return Promise.all(
        statements.map(async (each) => ({
            actions: each.actions,
            resources: await Promise.all(each.resources.map(resolved)),
            conditions: await Promise.all(
                (each.conditions ?? []).map(async ({ test, variable, values }) => ({ test, variable, values: await Promise.all(values.map(resolved)) })),
            ),
        })),
    );
}

/** The inline policy a binding would write for these permissions. */
export async function documentOf(permissions: addons.AddonPermissions): Promise<PolicyDocument> {
    return policyStatementsDocument(await resolvedStatements(permissions.policyStatements));
}

export type Call = [action: string, resource: string, context?: ContextValues];

/** Asserts that every call of `allowed` is allowed and every call of `refused` is refused. */
export async function assertCalls(permissions: addons.AddonPermissions, allowed: Call[], refused: Call[]): Promise<void> {
    const policy = await documentOf(permissions);
    const decide = (action: string, resource: string, context: ContextValues | undefined) =>
        allows(policy, action, resource, context).catch((error: Error) => {
            throw new Error(`${action} on ${resource}: ${error.message}`);
        });
    for (const [action, resource, context] of allowed) {
        assert.equal(await decide(action, resource, context), true, `should allow ${action} on ${resource} ${JSON.stringify(context ?? {})}`);
    }
    for (const [action, resource, context] of refused) {
        assert.equal(await decide(action, resource, context), false, `should refuse ${action} on ${resource} ${JSON.stringify(context ?? {})}`);
    }
}

/** Asserts that the call throws an error whose message matches, naming the field. */
export function assertRefusedScope(call: () => unknown, message: RegExp): void {
    assert.throws(call, (error: unknown) => error instanceof addons.AddonScopeError && message.test(error.message));
}
