// @ts-check
/**
 * How `pulumi up` loads this repository's TypeScript: `Pulumi.yaml` turns the language host's
 * ts-node off (`typescript: false`) and preloads this file (`nodeargs: --require ./loader/register.js`),
 * as the Pulumi maintainers suggest for a loader of one's own (pulumi/pulumi#18574). The plan, the
 * bench and the repository's scripts preload it too.
 *
 * What it does, and why, each measured by `npm run bench` (README, "Issue 19"):
 *
 * - `.ts` files are transpiled by SWC and each output is kept (transpile.js): a run with unchanged
 *   sources transpiles nothing. ts-node, which the language host would register, transpiles every file
 *   at every run and costs more than SWC itself to set up.
 * - V8's compiled code is kept between runs (Node.js's `module.enableCompileCache` where it has one,
 *   22.1 and later; the `v8-compile-cache` package before): the four Pulumi SDKs are 1,200 modules and
 *   17 MB of JavaScript, which V8 otherwise parses and compiles afresh at every preview and update.
 *   `DISABLE_V8_COMPILE_CACHE=1` turns that off.
 * - Errors still name the `.ts` line: the source maps of the transpiled files are handed to the
 *   SDK's own `source-map-support`, the stack trace formatter `@pulumi/pulumi/cmd/run` installs.
 *
 * Plain JavaScript on purpose: it is what loads TypeScript.
 */
"use strict";

const fs = require("node:fs");
const Module = require("node:module");
const path = require("node:path");

const { transpile, cacheDirectory, counts } = require("./transpile");

/** What this loader set up, for the tests and the bench to read (see scripts/offline/languageHostRun.js). */
const loaderMark = Symbol.for("eks-irsa.loader");

/** @returns {"node" | "v8-compile-cache" | "off"} */
function enableCompileCache() {
    if (process.env.DISABLE_V8_COMPILE_CACHE) {
        return "off";
    }
    const directory = path.join(cacheDirectory, "..", "compiled");
    const nodeCompileCache = /** @type {{ enableCompileCache?: (directory: string) => unknown }} */ (/** @type {unknown} */ (Module)).enableCompileCache;
    if (typeof nodeCompileCache === "function") {
        nodeCompileCache(directory);
        return "node";
    }
    // v8-compile-cache reads its directory from the environment once, as it loads: set for that moment only.
    const previous = process.env.V8_COMPILE_CACHE_CACHE_DIR;
    process.env.V8_COMPILE_CACHE_CACHE_DIR = previous ?? directory;
    try {
        require("v8-compile-cache");
    } finally {
        if (previous === undefined) delete process.env.V8_COMPILE_CACHE_CACHE_DIR;
    }
    return "v8-compile-cache";
}

/** The source maps of the files transpiled in this process, by path. */
const sourceMaps = new Map();

/**
 * The `source-map-support` that will format stack traces: the SDK's own (`@pulumi/pulumi/cmd/run`
 * installs it before it loads the program), else this repository's copy (the plan and the scripts).
 * @returns {{ install(options: object): void }}
 */
function sourceMapSupport() {
    /** @type {string[]} */
    const from = [];
    try {
        from.push(path.dirname(require.resolve("@pulumi/pulumi", { paths: [process.cwd(), __dirname] })));
    } catch {
        // No SDK where the program runs: this repository's copy is the one.
    }
    from.push(__dirname);
    return require(require.resolve("source-map-support", { paths: from }));
}

/** @param {NodeJS.Module & { _compile(code: string, filename: string): void }} module @param {string} filename */
function loadTypeScript(module, filename) {
    const { code, map } = transpile(fs.readFileSync(filename, "utf8"), filename);
    sourceMaps.set(filename, map);
    module._compile(code, filename);
}

function register() {
    const registered = /** @type {Record<symbol, unknown>} */ (/** @type {unknown} */ (process))[loaderMark];
    if (registered !== undefined) {
        return;
    }
    const compileCache = enableCompileCache();
    sourceMapSupport().install({
        environment: "node",
        // The SDK's runner installs the handler it wants; this only adds the maps.
        handleUncaughtExceptions: false,
        /** @param {string} source */
        retrieveSourceMap(source) {
            const map = sourceMaps.get(source);
            return map === undefined ? null : { url: source, map };
        },
    });
    // require.extensions is deprecated for new extensions, yet it is what CommonJS loaders hook (ts-node too).
    require.extensions[".ts"] = /** @type {(module: NodeJS.Module, filename: string) => void} */ (loadTypeScript);
    Object.defineProperty(process, loaderMark, {
        value: Object.freeze({ transpiler: "swc", compileCache, cacheDirectory, counts }),
    });
}

register();
