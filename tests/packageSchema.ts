/**
 * The schema Pulumi derives for the components package, as other languages see it. Deriving it
 * compiles the package's TypeScript (seconds), so it is derived once per change: cached under
 * node_modules/.cache, keyed by the components' sources and the versions of the SDK and TypeScript.
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import { join, relative } from "node:path";

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

const componentsDir = join(__dirname, "..", "components");
const cacheDir = join(__dirname, "..", "node_modules", ".cache", "eks-irsa");

/** Every input of the derivation: the components' TypeScript and package.json, the SDK's and TypeScript's versions. */
export function schemaInputsHash(): string {
    const hash = createHash("sha256");
    const walk = (dir: string): void => {
        for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
            const path = join(dir, entry.name);
            if (entry.isDirectory() && entry.name !== "bin" && entry.name !== "node_modules") {
                walk(path);
            } else if (entry.isFile() && (entry.name.endsWith(".ts") || entry.name === "package.json")) {
                hash.update(`${relative(componentsDir, path)}\0`).update(fs.readFileSync(path)).update("\0");
            }
        }
    };
    walk(componentsDir);
    for (const dependency of ["@pulumi/pulumi", "typescript"]) {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        hash.update(`${dependency}@${(require(`${dependency}/package.json`) as { version: string }).version}\0`);
    }
    return hash.digest("hex").slice(0, 32);
}

async function derivedSchema(): Promise<PackageSchema> {
    const cacheFile = join(cacheDir, `schema-${schemaInputsHash()}.json`);
    if (fs.existsSync(cacheFile)) {
        return JSON.parse(fs.readFileSync(cacheFile, "utf8")) as PackageSchema;
    }
    const json = await new ComponentProvider({ name: pulumiPackageName, dirname: componentsDir, components: pulumiComponents }).getSchema();
    const schema = JSON.parse(json) as PackageSchema;
    fs.mkdirSync(cacheDir, { recursive: true });
    // Written whole, then renamed: a reader never sees half a file.
    const partial = `${cacheFile}.${process.pid}`;
    fs.writeFileSync(partial, json);
    fs.renameSync(partial, cacheFile);
    return schema;
}

let schema: Promise<PackageSchema> | undefined;

/** The package's schema, derived from the components' source on first use after they change. */
export function packageSchema(): Promise<PackageSchema> {
    schema ??= derivedSchema();
    return schema;
}
