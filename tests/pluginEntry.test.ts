/**
 * The components plugin's entry point (components/pluginEntry.js, package.json `main`), started as the
 * Node.js language host starts a plugin: `@pulumi/pulumi/cmd/run-plugin` on a folder, which registers
 * ts-node with type checking before it loads `main`. The entry must run the folder's plugin.ts without
 * that check (the package is type-checked before it is published), with the folder's compiler options
 * and errors that name the `.ts` line. A probe folder holds the entry as it ships and a plugin.ts that
 * type-checking refuses.
 */
import * as assert from "node:assert/strict";
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

import { componentsDir } from "./pluginHost";
import { projectDir } from "./stackFiles";

/** A plugin.ts whose first line type checking refuses, and which prints what it ran as and where its error points. */
const probePlugin = `const count: number = "three" as unknown as string;
const error = new Error("where");
process.stdout.write(\`\${JSON.stringify({ count, frame: (error.stack ?? "").split("\\n")[1].trim() })}\\n\`);
`;

/** What run-plugin printed and how it ended. */
interface PluginRun {
    code: number | null;
    stdout: string;
    stderr: string;
}

/** Runs cmd/run-plugin on a folder as the language host does (PULUMI_NODEJS_TYPESCRIPT set, in the folder). */
function runPlugin(folder: string): Promise<PluginRun> {
    const env: NodeJS.ProcessEnv = {};
    for (const [name, value] of Object.entries(process.env)) {
        // Nothing of mocha's own ts-node may reach the plugin's.
        if (!/^(TS_NODE_|PULUMI_)/.test(name) && name !== "NODE_OPTIONS") env[name] = value;
    }
    env.PULUMI_NODEJS_TYPESCRIPT = "true";
    return new Promise((resolve) => {
        // The engine address is never dialled: the probe serves nothing.
        const child = spawn(process.execPath, [path.join(projectDir, "node_modules/@pulumi/pulumi/cmd/run-plugin"), folder, "127.0.0.1:1"], { cwd: folder, env });
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
        child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
        child.on("close", (code) => resolve({ code, stdout, stderr }));
    });
}

/** A plugin folder with the components' entry, tsconfig.json and the probe plugin.ts, its main as given. */
function probeFolder(main: string): string {
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), "eks-irsa-plugin-entry-"));
    for (const file of ["pluginEntry.js", "tsconfig.json"]) {
        fs.copyFileSync(path.join(componentsDir, file), path.join(folder, file));
    }
    fs.writeFileSync(path.join(folder, "package.json"), JSON.stringify({ name: "probe", private: true, main }));
    fs.writeFileSync(path.join(folder, "plugin.ts"), probePlugin);
    fs.symlinkSync(path.join(projectDir, "node_modules"), path.join(folder, "node_modules"), "dir");
    return folder;
}

describe("the components plugin's entry point, as run-plugin loads it", function () {
    // Each run starts Node.js, the SDK and ts-node.
    this.timeout(60000);
    const folders: string[] = [];
    let throughEntry: PluginRun;
    let direct: PluginRun;

    before(async () => {
        folders.push(probeFolder("pluginEntry.js"), probeFolder("plugin.ts"));
        [throughEntry, direct] = await Promise.all(folders.map(runPlugin));
    });

    after(() => {
        for (const folder of folders) fs.rmSync(folder, { recursive: true, force: true });
    });

    it("is the package's main", () => {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        assert.equal((require("../components/package.json") as { main: string }).main, "pluginEntry.js");
        assert.equal(require.resolve(componentsDir), path.join(componentsDir, "pluginEntry.js"));
    });

    it("runs plugin.ts without run-plugin's type check, which refuses the same file loaded as main", () => {
        assert.equal(throughEntry.code, 0, throughEntry.stderr);
        assert.equal((JSON.parse(throughEntry.stdout) as { count: unknown }).count, "three");
        assert.match(direct.stdout + direct.stderr, /TSError: ⨯ Unable to compile TypeScript:[\s\S]*plugin\.ts\(1,7\): error TS2322/);
    });

    it("keeps errors naming the .ts line", () => {
        const { frame } = JSON.parse(throughEntry.stdout) as { frame: string };
        assert.match(frame, /plugin\.ts:2:15\)$/);
    });
});
