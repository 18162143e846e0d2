/**
 * A stack's configuration merged the way the Pulumi CLI merges it: the defaults declared in
 * Pulumi.yaml's `config:` block, then the values of Pulumi.<stack>.yaml. Values reach the program as
 * the CLI passes them: strings, with lists and maps as JSON.
 */
import * as fs from "node:fs";
import * as path from "node:path";

import { parse } from "yaml";

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

/**
 * Merges a stack's config over the project's declarations, checking values against their declared
 * types and that every declared key without a default has a value.
 */
export function mergeStackConfig(project: ProjectFile, stack: string, stackFile: StackFile): Record<string, string> {
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
            throw new StackConfigError(`Stack '${stack}' with configuration key '${fullKey}' must be of type '${typeName(declaration)}'`);
        }
    }
    return Object.fromEntries(Object.entries(merged).map(([key, value]) => [key, asProgramValue(value)]));
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

/**
 * A stack's merged config, from Pulumi.<stack>.yaml or, like the CLI's `--config-file`, from the file
 * given. A stack without a file is an error naming the stacks that exist.
 */
export function loadStackConfig(projectDir: string, stack: string, configFile?: string): { project: ProjectFile; config: Record<string, string> } {
    const stacks = listStacks(projectDir);
    if (configFile === undefined && !stacks.includes(stack)) {
        throw new StackConfigError(`stack "${stack}" does not exist: no Pulumi.${stack}.yaml; the stacks are ${stacks.join(", ") || "(none)"}`);
    }
    const project = readProject(projectDir);
    const file =
        configFile ?? ["yaml", "yml"].map((extension) => path.join(projectDir, `Pulumi.${stack}.${extension}`)).find((candidate) => fs.existsSync(candidate))!;
    if (!fs.existsSync(file)) {
        throw new StackConfigError(`config file ${file} does not exist`);
    }
    const stackFile = readYaml(file);
    if (stackFile !== null && stackFile !== undefined && !isRecord(stackFile)) {
        throw new StackConfigError(`${path.basename(file)} must be a map with a config: block`);
    }
    const configBlock = isRecord(stackFile) ? stackFile.config : undefined;
    if (configBlock !== undefined && configBlock !== null && !isRecord(configBlock)) {
        throw new StackConfigError(`${path.basename(file)}: config must be a map of keys to values`);
    }
    return { project, config: mergeStackConfig(project, stack, { config: configBlock }) };
}
