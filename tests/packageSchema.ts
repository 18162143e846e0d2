/**
 * The schema Pulumi derives for the components package, as other languages see it. Deriving it
 * compiles the package's TypeScript, so it is built once for every test that needs it.
 */
import { join } from "node:path";

import { ComponentProvider } from "@pulumi/pulumi/provider/experimental";

import { pulumiComponents, pulumiPackageName } from "../components/pulumiPackage";

export interface PropertySchema {
    type?: string;
    $ref?: string;
    items?: PropertySchema;
    additionalProperties?: PropertySchema;
    optional?: boolean;
    description?: string;
}

export interface ResourceSchema {
    isComponent: boolean;
    inputProperties: Record<string, PropertySchema>;
    requiredInputs: string[];
    properties: Record<string, PropertySchema>;
    required: string[];
}

export interface ObjectTypeSchema {
    properties: Record<string, PropertySchema>;
    required?: string[];
}

export interface PackageSchema {
    name: string;
    resources: Record<string, ResourceSchema>;
    types: Record<string, ObjectTypeSchema>;
    dependencies: { name: string; version: string }[];
}

let schema: Promise<PackageSchema> | undefined;

/** The package's schema, derived from the components' source on first use. */
export function packageSchema(): Promise<PackageSchema> {
    schema ??= new ComponentProvider({ name: pulumiPackageName, dirname: join(__dirname, "..", "components"), components: pulumiComponents })
        .getSchema()
        .then((json) => JSON.parse(json) as PackageSchema);
    return schema;
}
