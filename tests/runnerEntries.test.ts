/**
 * The entry points the SDK's runners load: the components plugin's (components/pluginEntry.js, which
 * `@pulumi/pulumi/cmd/run-plugin` loads) and the policy pack's (policy/packEntry.js, which
 * `cmd/run-policy-pack` loads), each started as the Node.js language host starts it. Both runners
 * register ts-node with type checking before they load the folder's `main`; the entry must run the
 * folder's TypeScript without that check (it is type-checked before it is published), with the
 * folder's compiler options and errors that name the `.ts` line. A probe folder holds the entry as it
 * ships and a source that type checking refuses.
 */
import * as assert from "node:assert/strict";
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

import { componentsDir } from "./pluginHost";
import { projectDir } from "./stackFiles";

/** A source whose first line type checking refuses, and which prints what it ran as and where its error points. */
const probeSource = `const count: number = "three" as unknown as string;
const error = new Error("where");
process.stdout.write(\`\${JSON.stringify({ count, frame: (error.stack ?? "").split("\\n")[1].trim() })}\\n\`);
`;

/** What the runner printed and how it ended. */
interface PluginRun {
    code: number | null;
    stdout: string;
    stderr: string;
}

/** An entry point and the runner that loads it, as the CLI starts it. */
interface RunnerEntry {
    what: string;
    /** The folder the entry ships in. */
    dir: string;
    /** The entry point, package.json `main`, and the TypeScript file it runs. */
    main: string;
    source: string;
    /** The files of the folder the entry needs beside it. */
    beside: string[];
    /** The runner's arguments after the folder's path, or in place of it. */
    runnerArgs(folder: string): string[];
}

const entries: RunnerEntry[] = [
    {
        what: "the components plugin (cmd/run-plugin)",
        dir: componentsDir,
        main: "pluginEntry.js",
        source: "plugin.ts",
        beside: ["transpileOnly.js", "tsconfig.json"],
        runnerArgs: (folder) => [path.join(projectDir, "node_modules/@pulumi/pulumi/cmd/run-plugin"), folder, "127.0.0.1:1"],
    },
    {
        what: "the policy pack (cmd/run-policy-pack)",
        dir: path.join(projectDir, "policy"),
        main: "packEntry.js",
        source: "index.ts",
        beside: ["tsconfig.json"],
        // The engine address, which run-policy-pack drops, then the pack's folder.
        runnerArgs: () => [path.join(projectDir, "node_modules/@pulumi/pulumi/cmd/run-policy-pack"), "127.0.0.1:1", "."],
    },
];

/** Runs the runner on a folder as the language host does (PULUMI_NODEJS_TYPESCRIPT set, in the folder). */
function runEntry(entry: RunnerEntry, folder: string): Promise<PluginRun> {
    const env: NodeJS.ProcessEnv = {};
    for (const [name, value] of Object.entries(process.env)) {
        // Nothing of mocha's own ts-node may reach the runner's.
        if (!/^(TS_NODE_|PULUMI_)/.test(name) && name !== "NODE_OPTIONS") env[name] = value;
    }
    env.PULUMI_NODEJS_TYPESCRIPT = "true";
    return new Promise((resolve) => {
        // The engine address is never dialled: the probe serves nothing.
        const child = spawn(process.execPath, entry.runnerArgs(folder), { cwd: folder, env });
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
        child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
        child.on("close", (code) => resolve({ code, stdout, stderr }));
    });
}

/** A folder with the entry as it ships, the folder's tsconfig.json and the probe as its TypeScript source, its main as given. */
function probeFolder(entry: RunnerEntry, main: string): string {
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), "eks-irsa-runner-entry-"));
    for (const file of [entry.main, ...entry.beside]) {
        fs.copyFileSync(path.join(entry.dir, file), path.join(folder, file));
    }
    fs.writeFileSync(path.join(folder, "package.json"), JSON.stringify({ name: "probe", private: true, main }));
    fs.writeFileSync(path.join(folder, entry.source), probeSource);
    fs.symlinkSync(path.join(projectDir, "node_modules"), path.join(folder, "node_modules"), "dir");
    return folder;
}

for (const entry of entries) {
    describe(`the entry point of ${entry.what}, as the runner loads it`, function () {
        // Each run starts Node.js, the SDK and ts-node.
        this.timeout(60000);
        const folders: string[] = [];
        let throughEntry: PluginRun;
        let direct: PluginRun;

        before(async () => {
            folders.push(probeFolder(entry, entry.main), probeFolder(entry, entry.source));
            [throughEntry, direct] = await Promise.all(folders.map((folder) => runEntry(entry, folder)));
        });

        after(() => {
            for (const folder of folders) fs.rmSync(folder, { recursive: true, force: true });
        });

        it(`is the folder's main, ${entry.main}`, () => {
            // eslint-disable-next-line @typescript-eslint/no-require-imports
            assert.equal((require(path.join(entry.dir, "package.json")) as { main: string }).main, entry.main);
        });

        it(`runs ${entry.source} without the runner's type check, which refuses the same file loaded as main`, () => {
            assert.equal(throughEntry.code, 0, throughEntry.stderr);
            assert.equal((JSON.parse(throughEntry.stdout) as { count: unknown }).count, "three");
            assert.match(direct.stdout + direct.stderr, new RegExp(`TSError: ⨯ Unable to compile TypeScript:[\\s\\S]*${entry.source.replace(".", "\\.")}\\(1,7\\): error TS2322`));
        });

        it("keeps errors naming the .ts line", () => {
            const { frame } = JSON.parse(throughEntry.stdout) as { frame: string };
            assert.match(frame, new RegExp(`${entry.source.replace(".", "\\.")}:2:15\\)$`));
        });
    });
}
