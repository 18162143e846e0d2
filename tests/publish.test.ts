/**
 * The components package as `npm publish` would ship it, offline (`--dry-run`): built by its own
 * `prepack`, so the JavaScript in the tarball is never older than its source, and holding what a
 * consumer needs (the build with its declarations, the TypeScript the plugin serves other languages
 * from, the plugin's manifest, README, CHANGELOG, licence terms in package.json) and nothing else.
 */
import * as assert from "node:assert/strict";
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import { join, relative } from "node:path";

import * as ts from "typescript";

import { componentsDir } from "./pluginHost";

interface PackageJson {
    name: string;
    version: string;
    main: string;
    types: string;
    exports: Record<string, string | Record<string, string>>;
    files: string[];
    repository: { type: string; url: string; directory: string };
    publishConfig: { access: string };
    license: string;
    scripts: Record<string, string>;
    peerDependencies: Record<string, string>;
}

const manifest = JSON.parse(fs.readFileSync(join(componentsDir, "package.json"), "utf8")) as PackageJson;

/** The TypeScript sources of the package, relative to its folder. */
function sources(dir = componentsDir): string[] {
    return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
        const path = join(dir, entry.name);
        if (entry.isDirectory()) return ["bin", "node_modules"].includes(entry.name) ? [] : sources(path);
        return entry.name.endsWith(".ts") ? [relative(componentsDir, path)] : [];
    });
}

describe("the components package, published (npm publish --dry-run)", function () {
    // prepack compiles the package.
    this.timeout(180000);
    let files: string[];
    let output: string;

    before(async () => {
        output = await new Promise((resolve, reject) =>
            // The repository's .npmrc turns scripts off for installs; a release turns them on for prepack, as here.
            execFile("npm", ["publish", "--dry-run", "--json", "--offline", "--ignore-scripts=false", "--loglevel=notice"], { cwd: componentsDir, encoding: "utf8", maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) =>
                error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(`${stdout}\n${stderr}`),
            ),
        );
        const json = output.slice(output.indexOf("{"), output.lastIndexOf("}") + 1);
        const published = (JSON.parse(json) as Record<string, { files: { path: string }[]; name: string; version: string }>)[manifest.name];
        assert.equal(published.version, manifest.version);
        files = published.files.map((file) => file.path).sort();
    });

    it("is named, licensed, public, with its repository folder, and builds itself before it is packed", () => {
        assert.equal(manifest.name, "@eks-irsa/components");
        assert.equal(manifest.license, "Apache-2.0");
        assert.equal(manifest.publishConfig.access, "public");
        assert.equal(manifest.repository.directory, "components");
        assert.match(manifest.repository.url, /^git\+https:\/\/github\.com\/.+\.git$/);
        assert.match(manifest.scripts.prepack, /tsc -b/);
        assert.match(output, /> tsc -b tsconfig\.json/, "npm ran prepack");
    });

    it("holds the build of every source, with declarations and source maps, and the sources themselves", () => {
        for (const source of sources().filter((file) => file !== "plugin.ts")) {
            const built = `bin/${source.replace(/\.ts$/, "")}`;
            for (const file of [source, `${built}.js`, `${built}.d.ts`, `${built}.js.map`]) {
                assert.ok(files.includes(file), `${file} is missing from the tarball`);
            }
        }
        assert.ok(files.includes("plugin.ts"), "the plugin, which other languages run");
        assert.ok(files.includes("pluginEntry.js"), "the plugin's entry point, package.json main");
        assert.ok(files.includes("transpileOnly.js"), "what the plugin's and the policy pack's entry points call");
    });

    it("builds from every source as a root, so that tsc -b sees a change to any of them, not only to index.ts", () => {
        const configFile = join(componentsDir, "tsconfig.json");
        const config = ts.readConfigFile(configFile, ts.sys.readFile);
        const roots = ts.parseJsonConfigFileContent(config.config, ts.sys, componentsDir).fileNames.map((file) => relative(componentsDir, file)).sort();
        assert.deepEqual(roots, sources().filter((file) => file !== "plugin.ts").sort());
    });

    it("holds nothing else: no tests, build state, tarballs or stray files", () => {
        const expected = new Set(["package.json", "README.md", "CHANGELOG.md", "PulumiPlugin.yaml", "pluginEntry.js", "transpileOnly.js", "tsconfig.json", ...sources()]);
        const unexpected = files.filter((file) => !expected.has(file) && !/^bin\/.+\.(js|d\.ts|js\.map)$/.test(file));
        assert.deepEqual(unexpected, []);
        const stale = files.filter((file) => file.startsWith("bin/") && !sources().includes(`${file.slice(4).replace(/\.(js|d\.ts|js\.map)$/, "")}.ts`));
        assert.deepEqual(stale, [], "built files whose source is gone");
    });

    it("points main, types and exports at files the tarball holds", () => {
        const targets = [manifest.main, manifest.types, ...Object.values(manifest.exports).flatMap((target) => (typeof target === "string" ? [target] : Object.values(target)))];
        for (const target of targets) {
            assert.ok(files.includes(target.replace(/^\.\//, "")), `${target} is not in the tarball`);
        }
    });

    it("has a CHANGELOG with this version, and says how versions change", () => {
        const changelog = fs.readFileSync(join(componentsDir, "CHANGELOG.md"), "utf8");
        assert.match(changelog, new RegExp(`^## ${manifest.version.replace(/\./g, "\\.")}\\b`, "m"));
        assert.match(changelog, /semantic versioning/i);
    });
});
