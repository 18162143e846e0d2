/**
 * IAM policy documents as both the components and the policy pack read them: from a JSON string
 * (what `JSON.stringify`, `pulumi.jsonStringify` and `aws.iam.getPolicyDocument(...).json` produce)
 * or an object, with every element IAM allows in two shapes (one value or a list) read as a list.
 */
import { GrantStatement } from "./grants";
import { firstDuplicateKey } from "./jsonKeys";

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
 * statements; anything that is not a JSON object, whose statements are not objects, or (a string)
 * that names a key twice in one object, is an error.
 */
export function parsePolicyDocument(document: unknown): ParsedDocument {
    let value: unknown = document;
    if (typeof document === "string") {
        try {
            value = JSON.parse(document);
        } catch (error) {
            return { error: `is not valid JSON (${(error as Error).message})` };
        }
        // JSON.parse keeps the last of a key named twice; what IAM keeps is not documented, so the text cannot be judged.
        const duplicate = firstDuplicateKey(document);
        if (duplicate !== undefined) {
            return {
                error: `names the key ${JSON.stringify(duplicate.key)} twice in ${duplicate.path === "" ? "the document" : duplicate.path}: which one IAM keeps is not documented, so the rules cannot tell what it says; write the key once`,
            };
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

/** A value IAM allows as one string or a list of strings, as a list (non-strings dropped). */
export function stringList(value: Json | undefined): string[] {
    if (value === undefined || value === null) {
        return [];
    }
    return (Array.isArray(value) ? value : [value]).filter((entry): entry is string => typeof entry === "string");
}

/**
 * The statements of an identity policy as the escalation model reads them, or why they cannot be
 * read. An element that is neither a string nor a list of strings is an error, not an empty list:
 * IAM would refuse the document, and a rule must not pass what it could not read.
 */
export function grantStatementsOf(document: unknown, labelPrefix = ""): { statements: GrantStatement[] } | { error: string } {
    const parsed = parsePolicyDocument(document);
    if ("error" in parsed) {
        return parsed;
    }
    const statements: GrantStatement[] = [];
    for (const { index, statement } of parsed.statements) {
        const list = (key: string): string[] | undefined | null => {
            const value = statement[key];
            if (value === undefined) {
                return undefined;
            }
            const entries = Array.isArray(value) ? value : [value];
            return entries.every((entry) => typeof entry === "string") ? (entries as string[]) : null;
        };
        const fields = { actions: list("Action"), notActions: list("NotAction"), resources: list("Resource"), notResources: list("NotResource") };
        const bad = ["Action", "NotAction", "Resource", "NotResource"].find((key) => list(key) === null);
        if (bad !== undefined) {
            return { error: `has a Statement[${index}] whose ${bad} is not a string or a list of strings` };
        }
        if (statement.Effect !== "Allow" && statement.Effect !== "Deny") {
            return { error: `has a Statement[${index}] whose Effect is neither "Allow" nor "Deny"` };
        }
        statements.push({
            label: `${labelPrefix}Statement[${index}]`,
            effect: statement.Effect,
            ...(fields.actions && { actions: fields.actions }),
            ...(fields.notActions && { notActions: fields.notActions }),
            ...(fields.resources && { resources: fields.resources }),
            ...(fields.notResources && { notResources: fields.notResources }),
        });
    }
    return { statements };
}
