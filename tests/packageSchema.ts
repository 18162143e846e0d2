/**
 * The schema Pulumi derives for the components package, as other languages see it. Deriving it
 * compiles the package's TypeScript (seconds), so it is derived once per change, by the plugin's own
 * provider (components/pluginSchema.ts), which keeps it under node_modules/.cache keyed by the
 * components' sources and the versions of the SDK and TypeScript; one test process of a run derives it.
 */
import * as fs from "node:fs";
import { join } from "node:path";

import { ComponentProviderWithSchemaCache, defaultSchemaCacheDir, schemaInputsHash } from "../components/pluginSchema";
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

/** Whether a process is still running. */
function isRunning(pid: number): boolean {
    try {
        process.kill(pid, 0);
        return true;
    } catch {
        return false;
    }
}

/**
 * Derives the schema once for all the test processes of a run (mocha's parallel workers): the first to
 * take the lock derives it, the others wait for its file. A lock whose process has died is taken over.
 */
async function derivedSchema(): Promise<PackageSchema> {
    const cacheDir = defaultSchemaCacheDir(componentsDir);
    const lockFile = join(cacheDir, `${pulumiPackageName}-${schemaInputsHash(componentsDir)}.lock`);
    fs.mkdirSync(cacheDir, { recursive: true });
    for (;;) {
        try {
            fs.writeFileSync(lockFile, String(process.pid), { flag: "wx" });
            break;
        } catch {
            let owner: number | undefined;
            try {
                owner = Number(fs.readFileSync(lockFile, "utf8"));
            } catch {
                continue; // Released meanwhile.
            }
            if (owner > 0 && !isRunning(owner)) {
                fs.rmSync(lockFile, { force: true });
                continue;
            }
            await new Promise((resolve) => setTimeout(resolve, 100));
        }
    }
    try {
        // The plugin's own provider: it derives the schema, or reads the derivation it (or an earlier run) kept.
        const provider = new ComponentProviderWithSchemaCache({ name: pulumiPackageName, dirname: componentsDir, components: pulumiComponents });
        return JSON.parse(await provider.getSchema()) as PackageSchema;
    } finally {
        fs.rmSync(lockFile, { force: true });
    }
}

let schema: Promise<PackageSchema> | undefined;

/** The package's schema, derived from the components' source on first use after they change. */
export function packageSchema(): Promise<PackageSchema> {
    schema ??= derivedSchema();
    return schema;
}
