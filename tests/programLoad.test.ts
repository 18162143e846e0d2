import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
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

describe("pulumi up after npm ci: the language host loads the program, with no build step", function () {
    // Each run starts Node.js, the SDK and ts-node, and transpiles the program: a few seconds on two cores.
    this.timeout(120000);
    const copy = fs.mkdtempSync(path.join(os.tmpdir(), "eks-irsa-clone-"));
    const stacks = listStacks(projectDir);
    const runs: Record<string, LanguageHostRun> = {};

    before(async () => {
        // A fresh clone after `npm ci`: the sources and the installed dependencies, no build output.
        copyProject(projectDir, copy);
        const stackRuns = await Promise.all(stacks.map((stack) => runLikeLanguageHost({ projectDir: copy, project: "eks-irsa", stack, config: loadStackConfig(copy, stack).config })));
        stacks.forEach((stack, index) => (runs[stack] = stackRuns[index]));
    });

    after(() => fs.rmSync(copy, { recursive: true, force: true }));

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

    it("transpiles only, as Pulumi.yaml's tsconfig says: type checking is npm test's", () => {
        assert.equal(readRuntimeOptions(copy).tsconfig, "tsconfig.deploy.json");
        for (const stack of stacks) {
            assert.deepEqual(runs[stack].report!.tsNode, { transpileOnly: true, configFile: path.join(fs.realpathSync(copy), "tsconfig.deploy.json"), noCheck: true });
        }
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
