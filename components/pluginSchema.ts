/**
 * The plugin's schema, derived once for each version of the sources rather than at each start.
 *
 * The SDK's `ComponentProvider` derives the package's schema from the components' TypeScript (its
 * analyzer builds a TypeScript program of this folder and the SDKs' declarations): seconds of CPU,
 * paid at every start of the plugin, because Construct needs the components' outputs from it too, and
 * the engine starts the plugin at every preview and update of a program in another language.
 * {@link ComponentProviderWithSchemaCache} keeps what the analyzer derived (the schema and the
 * components' definitions) in a file named by a hash of everything the derivation reads
 * ({@link schemaInputsHash}), so that a change to any source, to package.json, or to the SDK's or
 * TypeScript's version is derived anew. A cache that cannot be read or written is passed over: the
 * plugin then derives the schema as the SDK does.
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";

import { ComponentProvider, ComponentProviderOptions } from "@pulumi/pulumi/provider/experimental";

/** Every input of the derivation: the folder's TypeScript and package.json, the SDK's and TypeScript's versions. */
export function schemaInputsHash(componentsDir: string): string {
    const hash = createHash("sha256");
    const walk = (dir: string): void => {
        for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
            const file = path.join(dir, entry.name);
            if (entry.isDirectory() && entry.name !== "bin" && entry.name !== "node_modules") {
                walk(file);
            } else if (entry.isFile() && (entry.name.endsWith(".ts") || entry.name === "package.json")) {
                hash.update(`${path.relative(componentsDir, file)}\0`).update(fs.readFileSync(file)).update("\0");
            }
        }
    };
    walk(componentsDir);
    for (const dependency of ["@pulumi/pulumi", "typescript"]) {
        const manifest = require.resolve(`${dependency}/package.json`, { paths: [componentsDir] });
        hash.update(`${dependency}@${(JSON.parse(fs.readFileSync(manifest, "utf8")) as { version: string }).version}\0`);
    }
    return hash.digest("hex").slice(0, 32);
}

/** Where a folder's derivations are kept: `.cache/eks-irsa-plugin` in the node_modules the folder resolves the SDK from. */
export function defaultSchemaCacheDir(componentsDir: string): string {
    const sdkManifest = require.resolve("@pulumi/pulumi/package.json", { paths: [componentsDir] });
    return path.join(path.dirname(sdkManifest), "..", "..", ".cache", "eks-irsa-plugin");
}

/** What one derivation produced: the schema the engine is served, and the components' definitions Construct reads. */
interface DerivedSchema {
    inputsHash: string;
    schema: string;
    componentDefinitions: Record<string, unknown>;
}

/** The SDK's provider fields a derivation fills in (private in its declarations). */
interface DerivationFields {
    cachedSchema?: string;
    componentDefinitions?: Record<string, unknown>;
}

/** The options of {@link ComponentProviderWithSchemaCache}. */
export interface ComponentProviderWithSchemaCacheOptions extends ComponentProviderOptions {
    /** The components' folder, whose sources the schema is derived from. */
    dirname: string;
    /**
     * The folder of the cached derivations.
     * @default defaultSchemaCacheDir(dirname)
     */
    cacheDir?: string;
}

/** The cached derivation for these inputs, if one was kept and reads whole. */
function readDerivation(file: string, inputsHash: string): DerivedSchema | undefined {
    try {
        const derived = JSON.parse(fs.readFileSync(file, "utf8")) as Partial<DerivedSchema>;
        const wellFormed =
            derived.inputsHash === inputsHash &&
            typeof derived.schema === "string" &&
            typeof derived.componentDefinitions === "object" &&
            derived.componentDefinitions !== null &&
            Object.keys(derived.componentDefinitions).length > 0;
        return wellFormed ? (derived as DerivedSchema) : undefined;
    } catch {
        return undefined;
    }
}

/** Keeps a derivation: written whole, then renamed, so that a reader never sees half a file. */
function writeDerivation(file: string, derived: DerivedSchema): void {
    const partial = `${file}.${process.pid}`;
    try {
        fs.mkdirSync(path.dirname(file), { recursive: true });
        fs.writeFileSync(partial, JSON.stringify(derived));
        fs.renameSync(partial, file);
    } catch {
        // A folder the plugin may not write (an installation owned by another user): it derives again next time.
        fs.rmSync(partial, { force: true });
    }
}

/**
 * The SDK's `ComponentProvider`, serving the schema and constructing the components exactly as it
 * does, with its derivation kept on disk between starts.
 */
export class ComponentProviderWithSchemaCache extends ComponentProvider {
    private readonly derivationFile: string;
    private readonly inputsHash: string;

    constructor(options: ComponentProviderWithSchemaCacheOptions) {
        super(options);
        this.inputsHash = schemaInputsHash(options.dirname);
        const cacheDir = options.cacheDir ?? defaultSchemaCacheDir(options.dirname);
        this.derivationFile = path.join(cacheDir, `${options.name}-${this.inputsHash}.json`);
    }

    override async getSchema(): Promise<string> {
        const fields = this as unknown as DerivationFields;
        if (fields.cachedSchema === undefined) {
            const kept = readDerivation(this.derivationFile, this.inputsHash);
            if (kept !== undefined) {
                fields.cachedSchema = kept.schema;
                fields.componentDefinitions = kept.componentDefinitions;
                return kept.schema;
            }
        }
        const derivedNow = fields.cachedSchema === undefined;
        const schema = await super.getSchema();
        if (derivedNow && fields.componentDefinitions !== undefined) {
            writeDerivation(this.derivationFile, { inputsHash: this.inputsHash, schema, componentDefinitions: fields.componentDefinitions });
        }
        return schema;
    }
}
