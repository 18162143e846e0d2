import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import Module from "node:module";
import * as os from "node:os";
import * as path from "node:path";

import { copyProject, LanguageHostRun, readRuntimeOptions, runLikeLanguageHost } from "../scripts/offline/languageHost";
import { listStacks, loadStackConfig } from "../scripts/offline/stackConfig";
import { projectDir } from "./stackFiles";

/** The binding component each identity mechanism uses. */
const bindingTypes: Record<string, string> = {
    irsa: "eks-irsa:index:IrsaBinding",
    "pod-identity": "eks-irsa:index:PodIdentityBinding",
};

/**
 * A program of a few lines, in a project with this one's runtime options and tsconfig files: a legacy
 * decorator, `export =`, and the stack of an error, whose second line must name this file's line 15.
 */
const probeProgram = `/** Records each call of the method it decorates. */
function recorded(_target: object, key: string, descriptor: PropertyDescriptor): void {
    const method = descriptor.value as (...args: unknown[]) => unknown;
    descriptor.value = function (this: { calls: string[] }, ...args: unknown[]): unknown {
        this.calls.push(key);
        return method.apply(this, args);
    };
}
class Probe {
    public readonly calls: string[] = [];
    @recorded
    public greeting(): string { return "decorated"; }
}
const probe = new Probe();
const error = new Error("where");
export = { greeting: probe.greeting(), calls: probe.calls.join(","), errorFrame: (error.stack ?? "").split("\\n")[1].trim() };
`;

/** The `.ts` files under a folder, build outputs and dependencies left out. */
function typeScriptFiles(folder: string): string[] {
    return fs.readdirSync(folder, { withFileTypes: true, recursive: true })
        .filter((entry) => entry.isFile() && entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts"))
        .map((entry) => path.join(entry.parentPath, entry.name))
        .filter((file) => !/[\\/](node_modules|bin|dist)[\\/]/.test(path.relative(folder, file)));
}

/** Sets up the probe project in a directory, next to the copy whose node_modules it uses. */
function writeProbeProject(copy: string, probeDir: string): void {
    fs.mkdirSync(probeDir, { recursive: true });
    for (const file of ["Pulumi.yaml", "tsconfig.json"]) {
        fs.copyFileSync(path.join(copy, file), path.join(probeDir, file));
    }
    fs.cpSync(path.join(copy, "loader"), path.join(probeDir, "loader"), { recursive: true });
    fs.writeFileSync(path.join(probeDir, "package.json"), JSON.stringify({ name: "probe", private: true, main: "index.ts" }));
    fs.writeFileSync(path.join(probeDir, "index.ts"), probeProgram);
    fs.symlinkSync(path.join(copy, "node_modules"), path.join(probeDir, "node_modules"), "dir");
}

/** The probe's outputs as TypeScript's own transpiler, with tsconfig.json's options, emits it (in this process). */
function probeWithTypeScript(probeDir: string): Record<string, string> {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const ts = require("typescript") as typeof import("typescript");
    const file = path.join(probeDir, "index.ts");
    const { config } = ts.readConfigFile(path.join(probeDir, "tsconfig.json"), ts.sys.readFile);
    const { options } = ts.convertCompilerOptionsFromJson((config as { compilerOptions: object }).compilerOptions, probeDir);
    const { outputText } = ts.transpileModule(probeProgram, { compilerOptions: { ...options, noEmit: false, incremental: false, tsBuildInfoFile: undefined }, fileName: file });
    const compiled = new Module(file);
    (compiled as unknown as { _compile(code: string, filename: string): void })._compile(outputText, file);
    return compiled.exports as Record<string, string>;
}

describe("pulumi up after npm ci: the language host loads the program, with no build step", function () {
    // Each run starts Node.js and the SDK, and transpiles the program (the first time): a few seconds on two cores.
    this.timeout(120000);
    const copy = fs.mkdtempSync(path.join(os.tmpdir(), "eks-irsa-clone-"));
    const stacks = listStacks(projectDir);
    const probeDir = `${copy}-probe`;
    const runs: Record<string, LanguageHostRun> = {};
    let probe: LanguageHostRun;

    before(async () => {
        // A fresh clone after `npm ci`: the sources and the installed dependencies, no build output.
        copyProject(projectDir, copy);
        writeProbeProject(copy, probeDir);
        const [probeRun, ...stackRuns] = await Promise.all([
            runLikeLanguageHost({ projectDir: probeDir, project: "probe", stack: "dev", config: {} }),
            ...stacks.map((stack) => runLikeLanguageHost({ projectDir: copy, project: "eks-irsa", stack, config: loadStackConfig(copy, stack).config })),
        ]);
        probe = probeRun;
        stacks.forEach((stack, index) => (runs[stack] = stackRuns[index]));
    });

    after(() => {
        fs.rmSync(copy, { recursive: true, force: true });
        fs.rmSync(probeDir, { recursive: true, force: true });
    });

    it("starts from a copy with no build output, whose workspace package is the copy's own", () => {
        assert.deepEqual(stacks, ["dev", "prod"]);
        assert.equal(fs.existsSync(path.join(copy, "components", "bin")), false);
        assert.equal(fs.realpathSync(path.join(copy, "node_modules", "@eks-irsa", "components")), fs.realpathSync(path.join(copy, "components")));
    });

    for (const stack of ["dev", "prod"]) {
        it(`runs stack ${stack}: the stack, the EKS cluster and the stack's binding component are registered, the outputs computed`, () => {
            const run = runs[stack];
            assert.equal(run.code, 0, `${run.stderr}\n${run.report?.errors.join("\n")}`);
            const config = loadStackConfig(copy, stack).config;
            const registered = run.report!.registered.map((resource) => `${resource.type} ${resource.name}`);
            assert.ok(registered.includes(`pulumi:pulumi:Stack eks-irsa-${stack}`), registered.join("\n"));
            assert.ok(registered.some((resource) => resource.startsWith("eks:index:Cluster ")), registered.join("\n"));
            const binding = bindingTypes[config["eks-irsa:identityMechanism"]];
            assert.ok(registered.some((resource) => resource.startsWith(`${binding} `)), `${binding} missing: ${registered.join("\n")}`);
            assert.match(run.report!.outputs.clusterName, /^eks-irsa/);
            assert.equal(run.report!.outputs.identityMechanism, config["eks-irsa:identityMechanism"]);
        });
    }

    it("resolves @eks-irsa/components to the copy's TypeScript source, through the node arguments of Pulumi.yaml", () => {
        const runtime = readRuntimeOptions(copy);
        for (const stack of stacks) {
            assert.deepEqual(runs[stack].report!.execArgv, runtime.nodeArgs);
            assert.equal(runs[stack].report!.components, path.join(fs.realpathSync(copy), "components", "index.ts"));
        }
    });

    it("narrows the source mapping of stack traces to the TypeScript frames, first thing in the program (a program that does not keeps ts-node's, which rewrites every frame)", () => {
        for (const stack of stacks) {
            assert.equal(runs[stack].report!.stackTraces, "typescript-frames-only", stack);
        }
        assert.equal(probe.report!.stackTraces, "every-frame");
    });

    it("loads the TypeScript with loader/register.js, which nodeargs preloads, not the language host's ts-node (typescript: false)", () => {
        const runtime = readRuntimeOptions(copy);
        assert.equal(runtime.typescript, false);
        assert.equal(runtime.tsconfig, undefined, "no tsconfig for a ts-node that is not registered");
        for (const stack of stacks) {
            const { report } = runs[stack];
            assert.equal(report!.tsNode, undefined, `${stack}: ts-node is registered`);
            assert.deepEqual({ ...report!.loader, transpiled: undefined, fromCache: undefined }, {
                transpiler: "swc",
                compileCache: typeof (Module as unknown as { enableCompileCache?: unknown }).enableCompileCache === "function" ? "node" : "v8-compile-cache",
                transpiled: undefined,
                fromCache: undefined,
            });
            assert.ok(report!.loader!.transpiled + report!.loader!.fromCache > 50, `${stack}: ${JSON.stringify(report!.loader)}`);
        }
    });

    it("transpiles nothing the second time: a run with unchanged sources reads every file's output from the loader's cache; DISABLE_V8_COMPILE_CACHE turns V8's compile cache off", async () => {
        // One run for both: the transpiled outputs and V8's compiled code are kept apart.
        const again = await runLikeLanguageHost({ projectDir: copy, project: "eks-irsa", stack: "dev", config: loadStackConfig(copy, "dev").config, env: { DISABLE_V8_COMPILE_CACHE: "1" } });
        assert.equal(again.code, 0, `${again.stderr}\n${again.report?.errors.join("\n")}`);
        const first = runs.dev.report!.loader!;
        assert.deepEqual(again.report!.loader, { ...first, compileCache: "off", transpiled: 0, fromCache: first.transpiled + first.fromCache });
        assert.deepEqual(again.report!.registered, runs.dev.report!.registered);
        assert.deepEqual(again.report!.outputs, runs.dev.report!.outputs);
    });

    it("emits, file by file, what ts-node emits with SWC from tsconfig.json, as mocha registers it: the code the tests run is the code pulumi up runs", () => {
        // This very process: mocha's ts-node (.mocharc.json), with tsconfig.json's "ts-node": { "swc": true }.
        const own = (process as unknown as Record<symbol, { options: { swc?: boolean }; configFilePath?: string } | undefined>)[Symbol.for("ts-node.register.instance")];
        assert.equal(own?.options.swc, true);
        assert.equal(own?.configFilePath, path.join(projectDir, "tsconfig.json"));
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const { transpile } = require("../loader/transpile") as { transpile(source: string, filename: string): { code: string; map: string } };
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const tsNode = require("ts-node") as typeof import("ts-node");
        // A service of the same configuration, whose compile() gives the output without running it.
        const service = tsNode.create({ project: path.join(projectDir, "tsconfig.json"), transpileOnly: true });
        assert.equal(service.options.swc, true, "tsconfig.json's ts-node section");
        const sources = ["index.ts", ...["program", "components", "policy"].flatMap((folder) => typeScriptFiles(path.join(projectDir, folder)).map((file) => path.relative(projectDir, file)))];
        assert.ok(sources.length > 80, `${sources.length} files`);
        for (const file of sources) {
            const filename = path.join(projectDir, file);
            const source = fs.readFileSync(filename, "utf8");
            const tsNodeCode = service.compile(source, filename).replace(/\n\/\/# sourceMappingURL=\S+\s*$/, "");
            assert.equal(transpile(source, filename).code.trimEnd(), tsNodeCode.trimEnd(), file);
        }
    });

    it("keeps TypeScript's semantics under SWC: a decorator, export =, and errors whose stack names the .ts line", () => {
        assert.equal(probe.code, 0, `${probe.stderr}\n${probe.report?.errors.join("\n")}`);
        assert.equal(probe.report!.loader!.transpiler, "swc");
        const { greeting, calls, errorFrame } = probe.report!.outputs;
        assert.deepEqual({ greeting, calls }, { greeting: "decorated", calls: "greeting" });
        assert.ok(errorFrame.startsWith("at Object.<anonymous> (") && errorFrame.endsWith(")"), errorFrame);
        assert.match(errorFrame.slice(errorFrame.indexOf("(") + 1), new RegExp(`^${path.join(fs.realpathSync(probeDir), "index.ts").replace(/[.\\/]/g, "\\$&")}:15:\\d+\\)$`), errorFrame);
        const typescript = probeWithTypeScript(probeDir);
        assert.deepEqual({ greeting: typescript.greeting, calls: typescript.calls }, { greeting, calls });
    });

    it("would fail as it did before without those node arguments: Node.js would look for the build output", () => {
        const resolved = spawnSync(process.execPath, ["-e", "require('@eks-irsa/components')"], { cwd: copy, encoding: "utf8", env: { PATH: process.env.PATH } });
        assert.notEqual(resolved.status, 0);
        assert.match(resolved.stderr, /Cannot find module '[^']*@eks-irsa\/components\/bin\/index\.js'/);
    });

    it("and the plan, the bench and the scripts load the program and the components' source the same way; mocha resolves the same source", () => {
        assert.equal(require.resolve("@eks-irsa/components"), path.join(projectDir, "components", "index.ts"));
        const nodeArgs = readRuntimeOptions(projectDir).nodeArgs;
        assert.deepEqual(nodeArgs, ["--conditions=eks-irsa-source", "--require", "./loader/register.js"]);
        const scripts = (JSON.parse(fs.readFileSync(path.join(projectDir, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts;
        for (const script of ["plan", "bench", "preflight", "generate", "derive:managed-policies"]) {
            assert.ok(scripts[script].startsWith(`node ${nodeArgs.join(" ")} `), `${script}: ${scripts[script]}`);
        }
        const mocharc = JSON.parse(fs.readFileSync(path.join(projectDir, ".mocharc.json"), "utf8")) as { "node-option": string[] };
        assert.deepEqual(mocharc["node-option"].map((option) => `--${option}`), nodeArgs.slice(0, 1));
    });
});
