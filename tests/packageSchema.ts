/**
 * The schema Pulumi derives for the components package, as other languages see it. Deriving it
 * compiles the package's TypeScript (seconds), so it is derived once per change: cached under
 * node_modules/.cache, keyed by the components' sources and the versions of the SDK and TypeScript,
 * by one test process of a run.
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
    const cacheFile = join(cacheDir, `schema-${schemaInputsHash()}.json`);
    const lockFile = `${cacheFile}.lock`;
    fs.mkdirSync(cacheDir, { recursive: true });
    for (;;) {
        if (fs.existsSync(cacheFile)) {
            return JSON.parse(fs.readFileSync(cacheFile, "utf8")) as PackageSchema;
        }
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
        const json = await new ComponentProvider({ name: pulumiPackageName, dirname: componentsDir, components: pulumiComponents }).getSchema();
        // Written whole, then renamed: a reader never sees half a file.
        const partial = `${cacheFile}.${process.pid}`;
        fs.writeFileSync(partial, json);
        fs.renameSync(partial, cacheFile);
        return JSON.parse(json) as PackageSchema;
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
