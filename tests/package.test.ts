import * as assert from "node:assert/strict";
import { execFile, execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

import { runLikeLanguageHost } from "../scripts/offline/languageHost";
import { loadStackConfig } from "../scripts/offline/stackConfig";

const root = resolve(__dirname, "..");
const componentsDir = join(root, "components");
const exampleDir = join(root, "examples", "existing-cluster");
const componentsPackage = JSON.parse(fs.readFileSync(join(componentsDir, "package.json"), "utf8")) as { name: string; version: string; peerDependencies: Record<string, string> };

/** A file of the copied-out example that passes a number where the binding takes a namespace. */
const wrongArgument = `import * as pulumi from "@pulumi/pulumi";
import { IrsaBinding } from "@eks-irsa/components";

new IrsaBinding("wrong", {
    oidcProviderArn: pulumi.output("arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-west-2.amazonaws.com/id/ABC"),
    namespace: 42,
    serviceAccountName: "reader",
});
`;

interface Run {
    code: number;
    output: string;
}

function run(command: string, args: string[], cwd: string): Promise<Run> {
    return new Promise((done) => {
        execFile(command, args, { cwd, encoding: "utf8", maxBuffer: 64 * 1024 * 1024, env: { ...process.env, npm_config_yes: "true" } }, (error, stdout, stderr) =>
            done({ code: error ? Number(error.code ?? 1) : 0, output: `${stdout}${stderr}` }),
        );
    });
}

/** The TypeScript errors of a tsc run, as `file(line,col): error TSxxxx` lines. */
function errorLines(output: string): string[] {
    return output.split("\n").filter((line) => / error TS\d+:/.test(line));
}

/** Does a version satisfy a range of the simple form `>=A <B`? */
function inRange(version: string, range: string): boolean {
    const numbers = (text: string): number[] => text.split(".").map(Number);
    const compare = (a: number[], b: number[]): number => a.map((part, index) => part - (b[index] ?? 0)).find((difference) => difference !== 0) ?? 0;
    const [, lowest, below] = /^>=(\S+) <(\S+)$/.exec(range) ?? [];
    assert.ok(lowest && below, `unexpected range ${range}`);
    return compare(numbers(version), numbers(lowest)) >= 0 && compare(numbers(version), numbers(below)) < 0;
}

/**
 * The copied-out example, installed with npm into a cache that outlives the run (a fresh install of
 * the AWS and Kubernetes SDKs takes a while): keyed by what decides the installed tree, so a change
 * to the example's dependencies or the package's peers installs afresh. A directory lock keeps two
 * test runs from installing into it at once.
 */
function consumerDirectory(): string {
    const key = createHash("sha256")
        .update(fs.readFileSync(join(exampleDir, "package.json")))
        .update(JSON.stringify(componentsPackage.peerDependencies))
        .update(`${process.version} ${execFileSync("npm", ["--version"], { encoding: "utf8" })}`)
        .digest("hex")
        .slice(0, 16);
    return join(root, "node_modules", ".cache", "eks-irsa", `copied-out-example-${key}`);
}

async function lock(dir: string): Promise<() => void> {
    const lockDir = `${dir}.lock`;
    for (let attempt = 0; ; attempt += 1) {
        try {
            fs.mkdirSync(lockDir, { recursive: false });
            return () => fs.rmSync(lockDir, { recursive: true, force: true });
        } catch (error) {
            const stale = fs.existsSync(lockDir) && Date.now() - fs.statSync(lockDir).mtimeMs > 10 * 60 * 1000;
            if ((error as NodeJS.ErrnoException).code !== "EEXIST" || attempt > 600) throw error;
            if (stale) fs.rmSync(lockDir, { recursive: true, force: true });
            await new Promise((wait) => setTimeout(wait, 500));
        }
    }
}

describe("the components package, packed, and the example installed from it as a stranger would", function () {
    // A first run installs the SDKs into the cache (from the npm cache when it has them); then seconds.
    this.timeout(300000);
    const workDir = fs.mkdtempSync(join(tmpdir(), "eks-irsa-package-"));
    const consumerDir = consumerDirectory();
    let unlock: () => void = () => undefined;
    let packedFiles: string[];
    let install: Run;
    let installedTypeScript: string;
    const compiles: Record<string, Run> = {};

    before(async () => {
        fs.mkdirSync(join(consumerDir, ".."), { recursive: true });
        unlock = await lock(consumerDir);
        // The package as `npm publish` would ship it: built, then packed.
        const build = await run(process.execPath, [join(root, "node_modules", "typescript", "bin", "tsc"), "-b", componentsDir], root);
        assert.equal(build.code, 0, build.output);
        const [packed] = JSON.parse(execFileSync("npm", ["pack", "--json", "--ignore-scripts", "--pack-destination", workDir], { cwd: componentsDir, encoding: "utf8" })) as {
            filename: string;
            files: { path: string }[];
        }[];
        packedFiles = packed.files.map((file) => file.path).sort();

        // The example copied out of the repository, then installed as its README says.
        fs.mkdirSync(consumerDir, { recursive: true });
        for (const file of fs.readdirSync(exampleDir)) {
            if (file !== "node_modules") fs.copyFileSync(join(exampleDir, file), join(consumerDir, file));
        }
        install = await installPackage(join(workDir, packed.filename));
        assert.equal(install.code, 0, install.output);
        installedTypeScript = (JSON.parse(fs.readFileSync(join(consumerDir, "node_modules", "typescript", "package.json"), "utf8")) as { version: string }).version;

        // One compile per TypeScript: the example and a file with a wrong argument, under the example's own tsconfig.
        fs.writeFileSync(join(consumerDir, "wrong-argument.ts"), wrongArgument);
        fs.writeFileSync(join(consumerDir, "tsconfig.check.json"), JSON.stringify({ extends: "./tsconfig.json", compilerOptions: { noEmit: true }, files: ["index.ts", "wrong-argument.ts"] }));
        const tarball = fs.readFileSync(join(workDir, packed.filename));
        const [installed, oldest] = await Promise.all([compile(join(consumerDir, "node_modules", "typescript"), tarball), oldestTypeScript().then((dir) => compile(dir, tarball))]);
        compiles.installed = installed;
        compiles.oldest = oldest;
    });

    /**
     * Installs the packed package into the copied-out example with npm, as its README says. What npm
     * installs depends only on the tarball and the example's manifest and lockfile (the SDKs come from
     * the cache directory's key): the verdict is kept next to the tree by a hash of them, so an
     * unchanged package, whose tree is already installed, is not installed again; any change installs afresh.
     */
    async function installPackage(tarballPath: string): Promise<Run> {
        const hash = createHash("sha256").update(fs.readFileSync(tarballPath));
        for (const file of ["package.json", "package-lock.json"].filter((name) => fs.existsSync(join(exampleDir, name)))) {
            hash.update(`${file}\0`).update(fs.readFileSync(join(exampleDir, file)));
        }
        const key = hash.digest("hex").slice(0, 32);
        const verdictFile = join(consumerDir, "..", "install-verdicts", `${key}.json`);
        // Which install the tree holds: another package's verdict must not stand for it.
        const treeKeyFile = join(consumerDir, "node_modules", ".eks-irsa-installed");
        if (fs.existsSync(verdictFile) && fs.existsSync(treeKeyFile) && fs.readFileSync(treeKeyFile, "utf8") === key) {
            return JSON.parse(fs.readFileSync(verdictFile, "utf8")) as Run;
        }
        fs.rmSync(treeKeyFile, { force: true });
        const verdict = await run("npm", ["install", tarballPath, "--prefer-offline", "--no-audit", "--no-fund", "--ignore-scripts", "--loglevel=error"], consumerDir);
        // Only a successful install leaves a tree to reuse.
        if (verdict.code === 0) {
            fs.mkdirSync(join(verdictFile, ".."), { recursive: true });
            fs.writeFileSync(verdictFile, JSON.stringify(verdict));
            fs.writeFileSync(treeKeyFile, key);
        }
        return verdict;
    }

    /**
     * The oldest TypeScript of the declared peer range (its lowest minor, latest patch), installed on
     * first use next to the copied-out example: from the npm cache when it has it, else the registry.
     */
    async function oldestTypeScript(): Promise<string> {
        const lowest = /^>=(\d+\.\d+)/.exec(componentsPackage.peerDependencies.typescript)?.[1];
        assert.ok(lowest, componentsPackage.peerDependencies.typescript);
        const prefix = join(consumerDir, "..", `typescript-${lowest}`);
        const dir = join(prefix, "node_modules", "typescript");
        if (!fs.existsSync(join(dir, "bin", "tsc"))) {
            fs.mkdirSync(prefix, { recursive: true });
            const installed = await run("npm", ["install", "--prefix", prefix, `typescript@~${lowest}.0`, "--no-save", "--prefer-offline", "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error"], prefix);
            assert.equal(installed.code, 0, `installing TypeScript ${lowest}, the peer range's oldest: ${installed.output}`);
        }
        return dir;
    }

    /**
     * Compiles the copied-out example with a TypeScript. The result depends only on that compiler, the
     * packed package (npm packs reproducibly) and the example's sources and tsconfig: it is kept under
     * node_modules/.cache by a hash of them, as tsc -b keeps a build, so an unchanged package costs no
     * compile; any change compiles afresh.
     */
    async function compile(typescriptDir: string, tarball: Buffer): Promise<Run> {
        const hash = createHash("sha256").update(fs.readFileSync(join(typescriptDir, "package.json"))).update(tarball);
        for (const file of fs.readdirSync(consumerDir).filter((name) => /\.(ts|json)$/.test(name) && !["package.json", "package-lock.json"].includes(name)).sort()) {
            hash.update(`${file}\0`).update(fs.readFileSync(join(consumerDir, file)));
        }
        const verdictFile = join(consumerDir, "..", "compile-verdicts", `${hash.digest("hex").slice(0, 32)}.json`);
        if (fs.existsSync(verdictFile)) {
            return JSON.parse(fs.readFileSync(verdictFile, "utf8")) as Run;
        }
        const verdict = await run(process.execPath, [join(typescriptDir, "bin", "tsc"), "-p", "tsconfig.check.json"], consumerDir);
        fs.mkdirSync(join(verdictFile, ".."), { recursive: true });
        fs.writeFileSync(verdictFile, JSON.stringify(verdict));
        return verdict;
    }

    after(() => {
        for (const file of ["wrong-argument.ts", "tsconfig.check.json"]) fs.rmSync(join(consumerDir, file), { force: true });
        unlock();
        fs.rmSync(workDir, { recursive: true, force: true });
    });

    it("ships the built JavaScript with declarations, the plugin's source and manifest, and the README", () => {
        for (const file of ["bin/index.js", "bin/index.d.ts", "bin/irsaBinding.d.ts", "PulumiPlugin.yaml", "pluginEntry.js", "transpileOnly.js", "plugin.ts", "pulumiPackage.ts", "index.ts", "tsconfig.json", "README.md", "package.json"]) {
            assert.ok(packedFiles.includes(file), `${file} is missing from ${packedFiles.join(", ")}`);
        }
        // Every TypeScript source the plugin compiles, in subfolders too.
        const sources = (dir: string, prefix = ""): string[] =>
            fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
                entry.isDirectory() && !["bin", "node_modules"].includes(entry.name) ? sources(join(dir, entry.name), `${prefix}${entry.name}/`) : entry.name.endsWith(".ts") ? [`${prefix}${entry.name}`] : [],
            );
        assert.deepEqual(sources(componentsDir).filter((file) => !packedFiles.includes(file)), []);
        assert.deepEqual(
            packedFiles.filter((file) => /test|\.tgz$|tsbuildinfo/.test(file)),
            [],
        );
    });

    it("installs with npm as is (no --legacy-peer-deps, no linked peers), with a TypeScript of the peer range for the example's ^5.0.0", () => {
        assert.doesNotMatch(install.output, /ERESOLVE|peer dep/i);
        assert.ok(inRange(installedTypeScript, componentsPackage.peerDependencies.typescript), `npm installed TypeScript ${installedTypeScript}, outside ${componentsPackage.peerDependencies.typescript}`);
        assert.ok(!fs.lstatSync(join(consumerDir, "node_modules", "@pulumi", "pulumi")).isSymbolicLink());
    });

    for (const [compiler, description] of [
        ["installed", "the TypeScript npm installed"],
        ["oldest", "the oldest TypeScript of the peer range"],
    ]) {
        it(`compiles the example with ${description} and its usual Pulumi tsconfig; a wrong argument is the only error`, () => {
            const { code, output } = compiles[compiler];
            assert.notEqual(code, 0, output);
            assert.deepEqual(
                errorLines(output).map((line) => line.replace(/^(\S+\(\d+,\d+\)): error (TS\d+):.*$/, "$1 $2")),
                ["wrong-argument.ts(6,5) TS2322"],
                output,
            );
            assert.match(output, /wrong-argument\.ts\(6,5\): error TS2322: Type 'number' is not assignable to type 'Input<string>/);
        });
    }

    it("declares a peer range that excludes TypeScript 6, with which the usual tsconfig (moduleResolution node) fails with TS5107", () => {
        assert.equal(inRange("6.0.0", componentsPackage.peerDependencies.typescript), false);
        assert.equal(inRange("4.8.4", componentsPackage.peerDependencies.typescript), true);
        const example = JSON.parse(fs.readFileSync(join(exampleDir, "tsconfig.json"), "utf8")) as { compilerOptions: Record<string, string> };
        assert.equal(example.compilerOptions.moduleResolution, "node");
    });

    it("resolves the declarations through exports for node16 resolution too", () => {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const ts = require(join(consumerDir, "node_modules", "typescript")) as typeof import("typescript");
        const resolved = ts.resolveModuleName(
            "@eks-irsa/components",
            join(consumerDir, "index.ts"),
            { module: ts.ModuleKind.Node16, moduleResolution: ts.ModuleResolutionKind.Node16 },
            ts.sys,
        ).resolvedModule;
        assert.equal(resolved?.resolvedFileName, join(consumerDir, "node_modules", "@eks-irsa", "components", "bin", "index.d.ts"));
    });

    it("runs the copied-out example as `pulumi up` starts it, loading the package's build, not its source", async () => {
        const { config } = loadStackConfig(consumerDir, "dev");
        // Transpile only (as PULUMI_NODEJS_TRANSPILE_ONLY=true would): the compiles above type-checked it.
        const started = await runLikeLanguageHost({ projectDir: consumerDir, project: "eks-irsa-existing-cluster", stack: "dev", config, env: { PULUMI_NODEJS_TRANSPILE_ONLY: "true" } });
        assert.equal(started.code, 0, `${started.stderr}\n${started.report?.errors.join("\n")}`);
        assert.equal(started.report!.components, join(fs.realpathSync(consumerDir), "node_modules", "@eks-irsa", "components", "bin", "index.js"));
        const registered = started.report!.registered.map((resource) => `${resource.type} ${resource.name}`);
        for (const expected of ["eks-irsa:index:IrsaBinding reports-reader", "pulumi:providers:kubernetes platform-dev", "kubernetes:core/v1:ServiceAccount reports-reader", "aws:iam/role:Role reports-reader"]) {
            assert.ok(registered.includes(expected), `${expected} missing: ${registered.join(", ")}`);
        }
        assert.match(started.report!.outputs.roleArn, /^arn:aws:iam::123456789012:role\/reports-reader/);
    });

    it("loads at run time from the installed package's entry point, without TypeScript", async () => {
        const load = await run(process.execPath, ["-e", "const c = require('@eks-irsa/components'); if (typeof c.IrsaBinding !== 'function' || typeof c.PodIdentityBinding !== 'function') process.exit(3);"], consumerDir);
        assert.equal(load.code, 0, load.output);
    });
});
