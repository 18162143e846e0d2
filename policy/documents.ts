/**
 * IAM policy documents as the rules read them: from a JSON string (what `JSON.stringify`,
 * `pulumi.jsonStringify` and `aws.iam.getPolicyDocument(...).json` produce) or an object (what a
 * program may pass to an `assumeRolePolicy` or `policy` input), with every element IAM allows in
 * two shapes (one value or a list) read as a list. Pure functions: no Pulumi, no I/O.
 */

/** A JSON value as a document holds it. */
export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

/** One statement, as written, with its position in the document. */
export interface IndexedStatement {
    /** Position in the document's `Statement` list (0 when `Statement` is a single object). */
    index: number;
    /** The statement exactly as the document has it. */
    statement: Record<string, Json>;
}

/** A document that could be read, or why not. */
export type ParsedDocument = { statements: IndexedStatement[] } | { error: string };

function isRecord(value: unknown): value is Record<string, Json> {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Reads a policy document given as a JSON string or an object. A document with no `Statement` has no
 * statements; anything that is not a JSON object, or whose statements are not objects, is an error.
 */
export function parsePolicyDocument(document: unknown): ParsedDocument {
    let value: unknown = document;
    if (typeof document === "string") {
        try {
            value = JSON.parse(document);
        } catch (error) {
            return { error: `is not valid JSON (${(error as Error).message})` };
        }
    }
    if (!isRecord(value)) {
        return { error: "is not a JSON object" };
    }
    const statement = value.Statement;
    if (statement === undefined) {
        return { statements: [] };
    }
    const list = Array.isArray(statement) ? statement : [statement];
    const statements: IndexedStatement[] = [];
    for (const [index, entry] of list.entries()) {
        if (!isRecord(entry)) {
            return { error: `has a Statement[${index}] that is not an object` };
        }
        statements.push({ index, statement: entry });
    }
    return { statements };
}

/** A statement as a message quotes it: its index and its exact JSON. */
export function describeStatement(statement: IndexedStatement): string {
    return `Statement[${statement.index}] ${JSON.stringify(statement.statement)}`;
}

/** A value IAM allows as one string or a list of strings, as a list (non-strings dropped). */
export function stringList(value: Json | undefined): string[] {
    if (value === undefined || value === null) {
        return [];
    }
    return (Array.isArray(value) ? value : [value]).filter((entry): entry is string => typeof entry === "string");
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

/** Whether an IAM pattern (`*` any run of characters, `?` one character) matches a value, case-insensitively as IAM compares actions. */
export function iamPatternMatches(pattern: string, value: string): boolean {
    const regex = pattern
        .split("")
        .map((char) => (char === "*" ? ".*" : char === "?" ? "." : char.replace(/[.+^${}()|[\]\\]/g, "\\$&")))
        .join("");
    return new RegExp(`^${regex}$`, "i").test(value);
}

/** Whether the statement's `Action` (or, inverted, its `NotAction`) covers the action. */
export function statementCoversAction(statement: Record<string, Json>, action: string): boolean {
    if (statement.NotAction !== undefined) {
        return !stringList(statement.NotAction).some((pattern) => iamPatternMatches(pattern, action));
    }
    return stringList(statement.Action).some((pattern) => iamPatternMatches(pattern, action));
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
