/**
 * CloudFormation templates as the rules read them: JSON or YAML (with the short forms `!Ref`,
 * `!Sub`, `!GetAtt`, ...), their resources by logical ID. Intrinsic functions are values only
 * CloudFormation knows: `Ref` and `Fn::GetAtt` of a resource of the same template are kept as a
 * reference to it; every other function reads as unknown.
 */
import { parse as parseYaml, Tags } from "yaml";

/** A resource of a template. */
export interface TemplateResource {
    logicalId: string;
    type: string;
    properties: Record<string, unknown>;
}

const shortForms = ["Ref", "Condition"].map((name) => ({ tag: `!${name}`, key: name })).concat(
    ["Sub", "GetAtt", "Join", "If", "Select", "Split", "FindInMap", "ImportValue", "Base64", "Cidr", "GetAZs", "Equals", "And", "Or", "Not", "Transform", "Length", "ToJsonString"].map(
        (name) => ({ tag: `!${name}`, key: `Fn::${name}` }),
    ),
);

const customTags: Tags = shortForms.flatMap(({ tag, key }) =>
    (["scalar", "seq", "map"] as const).map((collection) => ({
        tag,
        ...(collection === "scalar" ? {} : { collection }),
        resolve: (value: unknown) => {
            const plainValue = value !== null && typeof value === "object" && "toJSON" in value ? (value as { toJSON(): unknown }).toJSON() : value;
            // `!GetAtt Role.Arn` is the short form of ["Role", "Arn"].
            return { [key]: key === "Fn::GetAtt" && typeof plainValue === "string" ? plainValue.split(".") : plainValue };
        },
    })),
) as Tags;

/** The resources of a template given as JSON or YAML text (or an object), or why it cannot be read. */
export function templateResources(template: unknown): { resources: TemplateResource[] } | { error: string } {
    let value: unknown = template;
    if (typeof template === "string") {
        try {
            value = JSON.parse(template);
        } catch {
            try {
                value = parseYaml(template, { customTags });
            } catch (error) {
                return { error: `is neither JSON nor YAML (${(error as Error).message})` };
            }
        }
    }
    const resources = (value as { Resources?: unknown } | null)?.Resources;
    if (typeof resources !== "object" || resources === null || Array.isArray(resources)) {
        return { error: "has no Resources object" };
    }
    return {
        resources: Object.entries(resources as Record<string, unknown>).map(([logicalId, resource]) => {
            const record = (resource ?? {}) as { Type?: unknown; Properties?: unknown };
            return {
                logicalId,
                type: typeof record.Type === "string" ? record.Type : "",
                properties: typeof record.Properties === "object" && record.Properties !== null ? (record.Properties as Record<string, unknown>) : {},
            };
        }),
    };
}

/** Whether a value is an intrinsic function (`{ "Ref": ... }`, `{ "Fn::Sub": ... }`). */
export function isIntrinsic(value: unknown): value is Record<string, unknown> {
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
        return false;
    }
    const keys = Object.keys(value);
    return keys.length === 1 && (keys[0] === "Ref" || keys[0] === "Condition" || keys[0].startsWith("Fn::"));
}

/** The logical ID a `Ref` or `Fn::GetAtt` points to, if it is one. */
export function referencedLogicalId(value: unknown): string | undefined {
    if (!isIntrinsic(value)) {
        return undefined;
    }
    if (typeof value.Ref === "string") {
        return value.Ref;
    }
    const getAtt = value["Fn::GetAtt"];
    return Array.isArray(getAtt) && typeof getAtt[0] === "string" ? getAtt[0] : undefined;
}

/** Whether a value holds an intrinsic function anywhere. */
export function containsIntrinsic(value: unknown): boolean {
    if (isIntrinsic(value)) {
        return true;
    }
    if (Array.isArray(value)) {
        return value.some(containsIntrinsic);
    }
    return typeof value === "object" && value !== null && Object.values(value).some(containsIntrinsic);
}

/**
 * A policy document with every intrinsic function replaced by `*`: what CloudFormation will put
 * there is unknown here, so it is read as the widest value (an action, a resource, a principal).
 */
export function widenedDocument(value: unknown): unknown {
    if (isIntrinsic(value)) {
        return "*";
    }
    if (Array.isArray(value)) {
        return value.map(widenedDocument);
    }
    if (typeof value === "object" && value !== null) {
        return Object.fromEntries(Object.entries(value).map(([key, entry]) => [key, widenedDocument(entry)]));
    }
    return value;
}
