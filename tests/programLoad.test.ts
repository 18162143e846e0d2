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

/** Sets up the probe project in a directory, next to the copy whose node_modules it uses. */
function writeProbeProject(copy: string, probeDir: string): void {
    fs.mkdirSync(probeDir, { recursive: true });
    for (const file of ["Pulumi.yaml", "tsconfig.json", "tsconfig.deploy.json"]) {
        fs.copyFileSync(path.join(copy, file), path.join(probeDir, file));
    }
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
    // Each run starts Node.js, the SDK and ts-node, and transpiles the program: a few seconds on two cores.
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

    it("transpiles only, as Pulumi.yaml's tsconfig says: type checking is npm test's", () => {
        assert.equal(readRuntimeOptions(copy).tsconfig, "tsconfig.deploy.json");
        for (const stack of stacks) {
            assert.deepEqual(runs[stack].report!.tsNode, { transpileOnly: true, configFile: path.join(fs.realpathSync(copy), "tsconfig.deploy.json"), noCheck: true, transpiler: "swc" });
        }
    });

    it("transpiles with SWC, from tsconfig.json's ts-node section that tsconfig.deploy.json extends: the transpiler of mocha, the plan and the bench too", () => {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const ts = require("typescript") as typeof import("typescript");
        const tsNodeSection = (file: string): unknown => (ts.readConfigFile(path.join(projectDir, file), ts.sys.readFile).config as { "ts-node"?: unknown })["ts-node"];
        assert.deepEqual(tsNodeSection("tsconfig.json"), { swc: true });
        assert.equal(tsNodeSection("tsconfig.deploy.json"), undefined, "inherited, not repeated");
        // This very process: mocha's ts-node (ts-node/register/transpile-only, as the plan and the bench register it).
        const own = (process as unknown as Record<symbol, { options: { swc?: boolean }; configFilePath?: string } | undefined>)[Symbol.for("ts-node.register.instance")];
        assert.equal(own?.options.swc, true);
        assert.equal(own?.configFilePath, path.join(projectDir, "tsconfig.json"));
        assert.ok(Object.keys(require.cache).some((file) => file.includes(`${path.sep}@swc${path.sep}core${path.sep}`)), "SWC's compiler is loaded");
    });

    it("keeps TypeScript's semantics under SWC: a decorator, export =, and errors whose stack names the .ts line", () => {
        assert.equal(probe.code, 0, `${probe.stderr}\n${probe.report?.errors.join("\n")}`);
        assert.equal(probe.report!.tsNode!.transpiler, "swc");
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

    it("repeats in tsconfig.deploy.json the options the language host would otherwise default (it does not follow extends)", () => {
        const read = (file: string): Record<string, unknown> => {
            // The language host's own reader of tsconfig files (comments allowed).
            // eslint-disable-next-line @typescript-eslint/no-require-imports
            const { loadTypeScriptCompilerOptions } = require("@pulumi/pulumi/tsutils") as { loadTypeScriptCompilerOptions(file: string): Record<string, unknown> };
            return loadTypeScriptCompilerOptions(path.join(projectDir, file));
        };
        const base = read("tsconfig.json");
        const deploy = read("tsconfig.deploy.json");
        for (const option of ["target", "module", "moduleResolution"]) {
            assert.equal(deploy[option], base[option], option);
        }
        assert.equal(deploy.noCheck, true);
        assert.equal(base.noCheck, undefined, "tsconfig.json is the editors' and npm run typecheck's: it must check");
    });

    it("and the tests, the plan and the benchmark run against the components' source, not a build, with the same node arguments", () => {
        assert.equal(require.resolve("@eks-irsa/components"), path.join(projectDir, "components", "index.ts"));
        const nodeArgs = readRuntimeOptions(projectDir).nodeArgs;
        const scripts = (JSON.parse(fs.readFileSync(path.join(projectDir, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts;
        for (const script of ["plan", "bench"]) {
            assert.ok(scripts[script].startsWith(`node ${nodeArgs.join(" ")} `), `${script}: ${scripts[script]}`);
        }
        const mocharc = JSON.parse(fs.readFileSync(path.join(projectDir, ".mocharc.json"), "utf8")) as { "node-option": string[] };
        assert.deepEqual(mocharc["node-option"].map((option) => `--${option}`), nodeArgs);
    });
});
