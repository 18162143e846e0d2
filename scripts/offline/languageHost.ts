/**
 * Starts a project's program the way the Pulumi CLI's Node.js language host does (the `node`
 * command line and environment it builds from Pulumi.yaml's `runtime.options` and the stack's
 * config), with languageHostRun.js answering in place of the engine. The tests use it to prove that
 * `pulumi up` can load the program, the benchmark to time that load.
 */
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

import { parse } from "yaml";

/** The Node.js runtime options of Pulumi.yaml that change how the program is started. */
export interface NodeRuntimeOptions {
    /** ts-node runs the program (the CLI's default). */
    typescript: boolean;
    /** `tsconfig`: the file the language host hands to ts-node (PULUMI_NODEJS_TSCONFIG_PATH). */
    tsconfig: string | undefined;
    /** `nodeargs`, split as the language host splits them (shell words). */
    nodeArgs: string[];
}

/** Splits a string into words as a POSIX shell would (quotes and backslashes), like the language host's shlex. */
export function shellWords(text: string): string[] {
    const words: string[] = [];
    let word: string | undefined;
    let quote: '"' | "'" | undefined;
    for (let index = 0; index < text.length; index += 1) {
        const char = text[index];
        if (quote === "'") {
            if (char === "'") quote = undefined;
            else word += char;
        } else if (char === "\\" && index + 1 < text.length) {
            index += 1;
            word = (word ?? "") + text[index];
        } else if (quote === '"') {
            if (char === '"') quote = undefined;
            else word += char;
        } else if (char === '"' || char === "'") {
            quote = char;
            word ??= "";
        } else if (/\s/.test(char)) {
            if (word !== undefined) words.push(word);
            word = undefined;
        } else {
            word = (word ?? "") + char;
        }
    }
    if (quote !== undefined) {
        throw new Error(`unterminated ${quote} in ${JSON.stringify(text)}`);
    }
    if (word !== undefined) words.push(word);
    return words;
}

/** Reads the `runtime` of a project's Pulumi.yaml. */
export function readRuntimeOptions(projectDir: string): NodeRuntimeOptions {
    const project = parse(fs.readFileSync(path.join(projectDir, "Pulumi.yaml"), "utf8")) as { runtime: string | { name: string; options?: Record<string, unknown> } };
    const options = typeof project.runtime === "string" ? {} : (project.runtime.options ?? {});
    return {
        typescript: options.typescript !== false,
        tsconfig: typeof options.tsconfig === "string" ? options.tsconfig : undefined,
        nodeArgs: typeof options.nodeargs === "string" ? shellWords(options.nodeargs) : [],
    };
}

/** What languageHostRun.js reports about one run. */
export interface LanguageHostReport {
    /** Errors the program raised, as the language host would log them. */
    errors: string[];
    registered: { type: string; name: string }[];
    /** The stack outputs that are strings. */
    outputs: Record<string, string>;
    /** What loader/register.js set up, when `nodeargs` preloads it: its transpiler, V8's compile cache, and how many files it transpiled or read back from its cache. */
    loader: { transpiler: "swc"; compileCache: "node" | "v8-compile-cache" | "off"; transpiled: number; fromCache: number } | undefined;
    /** How the language host set up ts-node (`typescript: true`). */
    tsNode: { transpileOnly: boolean; configFile: string | undefined; noCheck: boolean; transpiler: "swc" | "typescript" } | undefined;
    /** Who formats stack traces once the program has run (see components/stackTraces.ts): its formatter, ts-node's source-map support alone, or V8. */
    stackTraces: "typescript-frames-only" | "every-frame" | "v8";
    execArgv: string[];
    /** Where `@eks-irsa/components` resolves from the project, if anywhere. */
    components: string | undefined;
    milliseconds: number;
    maxRssKiB: number;
}

/** One run of a program through the language host's entry point. */
export interface LanguageHostRun {
    code: number;
    stderr: string;
    /** Undefined when the process ended before it could write one (e.g. the program's entry point could not be loaded). */
    report: LanguageHostReport | undefined;
}

/** What to run, and how differently from what Pulumi.yaml says. */
export interface LanguageHostOptions {
    projectDir: string;
    project: string;
    stack: string;
    /** The stack's merged config, as the CLI passes it (PULUMI_CONFIG). */
    config: Record<string, string>;
    /** Replaces runtime.options.typescript (whether the language host registers ts-node). */
    typescript?: boolean;
    /** Replaces runtime.options.nodeargs. */
    nodeArgs?: string[];
    /** Replaces runtime.options.tsconfig; null for none (ts-node then reads tsconfig.json). */
    tsconfig?: string | null;
    /** Extra environment, e.g. PULUMI_NODEJS_TRANSPILE_ONLY. */
    env?: Record<string, string>;
}

let mockEngineFile: string | undefined;

/**
 * The mock engine (mocks.ts) as JavaScript, transpiled once a process by TypeScript's own
 * transpiler: languageHostRun.js loads it without any TypeScript loader of its own.
 */
function mockEngineJavaScript(): string {
    if (mockEngineFile === undefined) {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const ts = require("typescript") as typeof import("typescript");
        const source = path.join(__dirname, "mocks.ts");
        const { outputText } = ts.transpileModule(fs.readFileSync(source, "utf8"), {
            compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 },
            fileName: source,
        });
        const directory = fs.mkdtempSync(path.join(os.tmpdir(), "eks-irsa-mocks-"));
        mockEngineFile = path.join(directory, "mocks.js");
        fs.writeFileSync(mockEngineFile, outputText);
        process.once("exit", () => fs.rmSync(directory, { recursive: true, force: true }));
    }
    return mockEngineFile;
}

/** Runs the project's program as `pulumi preview` would start it, in a child process. */
export function runLikeLanguageHost(options: LanguageHostOptions): Promise<LanguageHostRun> {
    const runtime = readRuntimeOptions(options.projectDir);
    const tsconfig = options.tsconfig === undefined ? runtime.tsconfig : (options.tsconfig ?? undefined);
    const env: NodeJS.ProcessEnv = {};
    for (const [name, value] of Object.entries(process.env)) {
        // Nothing of this process's own loaders (mocha's ts-node) may reach the program's.
        if (!/^(TS_NODE_|PULUMI_NODEJS_|PULUMI_CONFIG)/.test(name) && name !== "NODE_OPTIONS") {
            env[name] = value;
        }
    }
    // run.js registers ts-node only when this is "true".
    env.PULUMI_NODEJS_TYPESCRIPT = String(options.typescript ?? runtime.typescript);
    if (tsconfig !== undefined) env.PULUMI_NODEJS_TSCONFIG_PATH = tsconfig;
    env.PULUMI_CONFIG = JSON.stringify(options.config);
    env.PULUMI_CONFIG_SECRET_KEYS = "[]";
    Object.assign(env, options.env);

    const reportFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "eks-irsa-langhost-")), "report.json");
    const args = [...(options.nodeArgs ?? runtime.nodeArgs), path.join(__dirname, "languageHostRun.js"), options.projectDir, options.project, options.stack, reportFile, mockEngineJavaScript()];
    return new Promise((resolve) => {
        execFile(process.execPath, args, { cwd: options.projectDir, env, maxBuffer: 64 * 1024 * 1024 }, (error, _stdout, stderr) => {
            const report = fs.existsSync(reportFile) ? (JSON.parse(fs.readFileSync(reportFile, "utf8")) as LanguageHostReport) : undefined;
            fs.rmSync(path.dirname(reportFile), { recursive: true, force: true });
            resolve({ code: error ? Number(error.code ?? 1) : 0, stderr, report });
        });
    });
}

/** Paths a project copy leaves out: dependencies (linked instead), git, and every build output. */
const notCopied = new Set(["node_modules", ".git", "bin", "dist", "plan-out"]);

/**
 * Copies a project as a fresh clone would have it after `npm ci`, without any build output: its
 * files, and a node_modules whose entries link to this one's, except workspace packages, which link
 * to their copies (as npm links them), so nothing resolves back into the original tree.
 */
export function copyProject(projectDir: string, destination: string): void {
    const copyTree = (from: string, to: string): void => {
        fs.mkdirSync(to, { recursive: true });
        for (const entry of fs.readdirSync(from, { withFileTypes: true })) {
            if (notCopied.has(entry.name) || entry.name.endsWith(".tsbuildinfo") || entry.name.endsWith(".tgz")) continue;
            const source = path.join(from, entry.name);
            if (entry.isDirectory()) copyTree(source, path.join(to, entry.name));
            else if (entry.isFile()) fs.copyFileSync(source, path.join(to, entry.name));
        }
    };
    copyTree(projectDir, destination);

    const sourceModules = path.join(projectDir, "node_modules");
    const linkModules = (from: string, to: string): void => {
        fs.mkdirSync(to, { recursive: true });
        for (const entry of fs.readdirSync(from, { withFileTypes: true })) {
            const source = path.join(from, entry.name);
            const target = path.join(to, entry.name);
            if (entry.name === ".cache") continue;
            if (entry.isSymbolicLink()) {
                const real = fs.realpathSync(source);
                const inProject = !path.relative(projectDir, real).startsWith("..") && !real.startsWith(sourceModules);
                // A workspace package: link it to its copy, relative like npm's link.
                const linked = inProject ? path.join(destination, path.relative(projectDir, real)) : real;
                fs.symlinkSync(inProject ? path.relative(to, linked) : real, target, "dir");
            } else if (entry.isDirectory() && entry.name.startsWith("@")) {
                linkModules(source, target);
            } else {
                fs.symlinkSync(source, target, entry.isDirectory() ? "dir" : "file");
            }
        }
    };
    linkModules(sourceModules, path.join(destination, "node_modules"));
}
