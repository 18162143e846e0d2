/**
 * A stack's configuration merged the way the Pulumi CLI merges it: the defaults declared in
 * Pulumi.yaml's `config:` block, then the values of Pulumi.<stack>.yaml. Values reach the program as
 * the CLI passes them: strings, with lists and maps as JSON.
 */
import * as fs from "node:fs";
import * as path from "node:path";

import { isMap, isScalar, parse, parseDocument } from "yaml";

/** A problem with the project or stack files, reported as the CLI would before running the program. */
export class StackConfigError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "StackConfigError";
    }
}

type Declared = "string" | "integer" | "boolean" | "array";

/** A config key's declaration in Pulumi.yaml. */
interface Declaration {
    type?: Declared;
    items?: { type: Declared };
    default?: unknown;
    value?: unknown;
}

/** The parts of Pulumi.yaml the merge reads. */
export interface ProjectFile {
    name: string;
    config?: Record<string, unknown>;
}

/** The parts of Pulumi.<stack>.yaml the merge reads. */
export interface StackFile {
    config?: Record<string, unknown> | null;
}

function isRecord(value: unknown): value is Record<string, unknown> {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Bare keys of the project file belong to the project; `aws:region` and the like keep their namespace. */
function namespaced(project: string, key: string): string {
    return key.includes(":") ? key : `${project}:${key}`;
}

function hasType(value: unknown, type: Declared, items: Declaration["items"]): boolean {
    switch (type) {
        case "string":
            return typeof value === "string";
        case "integer":
            return typeof value === "number" && Number.isInteger(value);
        case "boolean":
            return typeof value === "boolean";
        case "array":
            return Array.isArray(value) && (items === undefined || value.every((entry) => hasType(entry, items.type, undefined)));
    }
}

function typeName(declaration: Declaration): string {
    return declaration.type === "array" && declaration.items ? `array<${declaration.items.type}>` : String(declaration.type);
}

/** How the CLI hands a value to the program: scalars as text, structures as JSON. */
function asProgramValue(value: unknown): string {
    return typeof value === "string" ? value : JSON.stringify(value);
}

/** The stacks of a project directory: each Pulumi.<stack>.yaml next to Pulumi.yaml. */
export function listStacks(projectDir: string): string[] {
    return fs
        .readdirSync(projectDir)
        .map((file) => /^Pulumi\.(.+)\.ya?ml$/.exec(file)?.[1])
        .filter((stack): stack is string => stack !== undefined)
        .sort();
}

/** Where the stack's values came from, for messages that point at them. */
export interface StackFileSource {
    /** The file's name as the user gave it (Pulumi.<stack>.yaml, or the --config-file). */
    file: string;
    /** Each key's value as written in the file, before YAML read it. */
    rawValues: Map<string, string>;
}

/** Why a value of a declared string has another type: YAML read an unquoted value as a number or boolean. */
function quotingHint(key: string, value: unknown, source: StackFileSource | undefined): string {
    const raw = source?.rawValues.get(key);
    if (raw === undefined || (typeof value !== "number" && typeof value !== "boolean")) {
        return "";
    }
    return `\n  ${source!.file} writes ${key}: ${raw}, which YAML reads as the ${typeof value} ${JSON.stringify(value)}; quote it: ${key}: "${raw}"`;
}

/**
 * Merges a stack's config over the project's declarations, checking values against their declared
 * types and that every declared key without a default has a value.
 */
export function mergeStackConfig(project: ProjectFile, stack: string, stackFile: StackFile, source?: StackFileSource): Record<string, string> {
    const merged: Record<string, unknown> = {};
    const declarations = new Map<string, Declaration>();
    for (const [key, entry] of Object.entries(project.config ?? {})) {
        const fullKey = namespaced(project.name, key);
        if (isRecord(entry) && ("type" in entry || "default" in entry || "value" in entry)) {
            const declaration = entry as Declaration;
            declarations.set(fullKey, declaration);
            const value = declaration.value ?? declaration.default;
            if (value !== undefined) {
                merged[fullKey] = value;
            }
        } else {
            merged[fullKey] = entry;
        }
    }
    for (const [key, value] of Object.entries(stackFile.config ?? {})) {
        const fullKey = namespaced(project.name, key);
        if (isRecord(value) && "secure" in value) {
            throw new StackConfigError(`Stack '${stack}' has a secret in '${fullKey}', which the offline plan cannot decrypt; it needs the stack's secrets provider (pulumi preview)`);
        }
        merged[fullKey] = value;
    }
    for (const [fullKey, declaration] of declarations) {
        const value = merged[fullKey];
        if (value === undefined) {
            throw new StackConfigError(`Stack '${stack}' is missing configuration value '${fullKey}'`);
        }
        if (declaration.type !== undefined && !hasType(value, declaration.type, declaration.items)) {
            const hint = declaration.type === "string" ? quotingHint(fullKey, value, source) : "";
            throw new StackConfigError(`Stack '${stack}' with configuration key '${fullKey}' must be of type '${typeName(declaration)}'${hint}`);
        }
    }
    return Object.fromEntries(Object.entries(merged).map(([key, value]) => [key, asProgramValue(value)]));
}

/** The edit distance between two keys, ignoring case (so nodeMinsize is next to nodeMinSize). */
function distance(a: string, b: string): number {
    const [x, y] = [a.toLowerCase(), b.toLowerCase()];
    let previous = Array.from({ length: y.length + 1 }, (_, index) => index);
    for (let i = 1; i <= x.length; i += 1) {
        const current = [i];
        for (let j = 1; j <= y.length; j += 1) {
            current.push(Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (x[i - 1] === y[j - 1] ? 0 : 1)));
        }
        previous = current;
    }
    return previous[y.length];
}

/**
 * Keys of the project's namespace that the stack file sets but Pulumi.yaml does not declare: the
 * program never reads them, so a misspelt key silently leaves its default in place. Each comes
 * with the closest declared key, when one is close.
 */
export function undeclaredKeys(project: ProjectFile, stackFile: StackFile): { key: string; closest: string | undefined }[] {
    const declared = Object.keys(project.config ?? {}).map((key) => namespaced(project.name, key));
    return Object.keys(stackFile.config ?? {})
        .map((key) => namespaced(project.name, key))
        .filter((key) => key.startsWith(`${project.name}:`) && !declared.includes(key))
        .map((key) => {
            const [closest] = declared
                .map((candidate) => ({ candidate, cost: distance(key, candidate) }))
                .filter(({ cost }) => cost <= 3)
                .sort((a, b) => a.cost - b.cost);
            return { key, closest: closest?.candidate };
        });
}

/** Reads and parses a YAML file, naming the file when it is not valid YAML. */
function readYaml(file: string): unknown {
    try {
        return parse(fs.readFileSync(file, "utf8"));
    } catch (error) {
        throw new StackConfigError(`${path.basename(file)} is not valid YAML: ${(error as Error).message}`);
    }
}

/** The project file of a directory. */
export function readProject(projectDir: string): ProjectFile {
    const project = readYaml(path.join(projectDir, "Pulumi.yaml"));
    if (!isRecord(project) || typeof project.name !== "string") {
        throw new StackConfigError("Pulumi.yaml must name the project");
    }
    return { name: project.name, config: isRecord(project.config) ? project.config : undefined };
}

/** The config block's values as written in the file, keyed as the merge keys them. */
function rawValues(projectName: string, text: string): Map<string, string> {
    const values = new Map<string, string>();
    const config = parseDocument(text).get("config", true);
    if (isMap(config)) {
        for (const pair of config.items) {
            if (isScalar(pair.key) && isScalar(pair.value) && pair.value.range) {
                values.set(namespaced(projectName, String(pair.key.value)), text.slice(pair.value.range[0], pair.value.range[1]));
            }
        }
    }
    return values;
}

/** A stack's merged config, and the warnings about its file. */
export interface LoadedStackConfig {
    project: ProjectFile;
    config: Record<string, string>;
    /** Keys the program does not declare, with the closest declared key. */
    warnings: string[];
}

/**
 * A stack's merged config, from Pulumi.<stack>.yaml or, like the CLI's `--config-file`, from the file
 * given. A stack without a file is the CLI's error, with the stacks that exist.
 */
export function loadStackConfig(projectDir: string, stack: string, configFile?: string): LoadedStackConfig {
    const stacks = listStacks(projectDir);
    if (configFile === undefined && !stacks.includes(stack)) {
        throw new StackConfigError(`no stack named '${stack}' found\n  the stacks of this project (a Pulumi.<stack>.yaml each) are ${stacks.join(", ") || "none"}`);
    }
    const project = readProject(projectDir);
    const file =
        configFile ?? ["yaml", "yml"].map((extension) => path.join(projectDir, `Pulumi.${stack}.${extension}`)).find((candidate) => fs.existsSync(candidate))!;
    if (!fs.existsSync(file)) {
        throw new StackConfigError(`config file ${file} does not exist`);
    }
    const stackFile = readYaml(file);
    const fileName = configFile === undefined ? path.basename(file) : path.relative(process.cwd(), file) || file;
    if (stackFile !== null && stackFile !== undefined && !isRecord(stackFile)) {
        throw new StackConfigError(`${fileName} must be a map with a config: block`);
    }
    const configBlock = isRecord(stackFile) ? stackFile.config : undefined;
    if (configBlock !== undefined && configBlock !== null && !isRecord(configBlock)) {
        throw new StackConfigError(`${fileName}: config must be a map of keys to values`);
    }
    const source = { file: fileName, rawValues: rawValues(project.name, fs.readFileSync(file, "utf8")) };
    const warnings = undeclaredKeys(project, { config: configBlock }).map(
        ({ key, closest }) =>
            `${fileName} sets ${key}, which Pulumi.yaml does not declare: the program never reads it${closest === undefined ? "" : `; did you mean ${closest}?`}`,
    );
    return { project, config: mergeStackConfig(project, stack, { config: configBlock }, source), warnings };
}
