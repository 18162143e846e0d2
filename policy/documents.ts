/**
 * IAM policy documents as the rules read them: from a JSON string (what `JSON.stringify`,
 * `pulumi.jsonStringify` and `aws.iam.getPolicyDocument(...).json` produce) or an object (what a
 * program may pass to an `assumeRolePolicy` or `policy` input), with every element IAM allows in
 * two shapes (one value or a list) read as a list. Pure functions: no Pulumi, no I/O.
 */

import { iamPatternMatches as matches, IndexedStatement, Json, stringList } from "@eks-irsa/components/iam";

// One reader of documents for the components and the pack.
export { parsePolicyDocument, stringList } from "@eks-irsa/components/iam";
export type { IndexedStatement, Json, ParsedDocument } from "@eks-irsa/components/iam";
export { iamPatternMatches } from "@eks-irsa/components/iam";

function isRecord(value: unknown): value is Record<string, Json> {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A statement as a message quotes it: its index and its exact JSON. */
export function describeStatement(statement: IndexedStatement): string {
    return `Statement[${statement.index}] ${JSON.stringify(statement.statement)}`;
}

/** Whether the statement allows (rather than denies). */
export function isAllow(statement: Record<string, Json>): boolean {
    return statement.Effect === "Allow";
}

/** The principals of a statement by kind (`AWS`, `Service`, `Federated`, `CanonicalUser`); `"*"` is `{ "*": ["*"] }`. */
export function principalsOf(statement: Record<string, Json>): Record<string, string[]> {
    const principal = statement.Principal;
    if (principal === "*") {
        return { "*": ["*"] };
    }
    if (!isRecord(principal)) {
        return {};
    }
    return Object.fromEntries(Object.entries(principal).map(([kind, value]) => [kind, stringList(value)]));
}

/** Whether the statement's `Action` (or, inverted, its `NotAction`) covers the action. */
export function statementCoversAction(statement: Record<string, Json>, action: string): boolean {
    if (statement.NotAction !== undefined) {
        return !stringList(statement.NotAction).some((pattern) => matches(pattern, action));
    }
    return stringList(statement.Action).some((pattern) => matches(pattern, action));
}

/** One condition of a statement: `operator` (as written, e.g. `StringEquals`), `key`, and its values. */
export interface ConditionEntry {
    operator: string;
    key: string;
    values: string[];
}

/** Every condition of a statement, flattened. */
export function conditionsOf(statement: Record<string, Json>): ConditionEntry[] {
    const condition = statement.Condition;
    if (!isRecord(condition)) {
        return [];
    }
    return Object.entries(condition).flatMap(([operator, block]) =>
        isRecord(block) ? Object.entries(block).map(([key, values]) => ({ operator, key, values: stringList(values) })) : [],
    );
}

/** The conditions on one key (condition keys are case-insensitive in IAM). */
export function conditionsOn(conditions: ConditionEntry[], key: string): ConditionEntry[] {
    return conditions.filter((condition) => condition.key.toLowerCase() === key.toLowerCase());
}

/** Whether an operator is exactly this one (IAM operator names compared case-insensitively). */
export function isOperator(condition: ConditionEntry, ...operators: string[]): boolean {
    return operators.some((operator) => condition.operator.toLowerCase() === operator.toLowerCase());
}
