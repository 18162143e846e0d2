// @ts-check
/**
 * TypeScript to JavaScript for the loader (register.js): SWC with the options ts-node derives from
 * this repository's tsconfig.json, each file's output kept on disk so that the next run reads it
 * instead of transpiling again.
 *
 * Plain JavaScript on purpose: it is what loads TypeScript, so it cannot be TypeScript itself.
 */
"use strict";

const crypto = require("node:crypto");
const fs = require("node:fs");
const path = require("node:path");

/**
 * What ts-node's SWC transpiler makes of tsconfig.json's compilerOptions (target ES2022, module
 * commonjs, esModuleInterop, experimentalDecorators; no emitDecoratorMetadata, no importHelpers), for
 * a `.ts` file: the same emitted code as mocha's ts-node, which tests/programLoad.test.ts compares file
 * by file. Repeated here rather than read from tsconfig.json, whose comments only TypeScript's own
 * reader parses, and loading TypeScript is what the loader saves.
 * @type {import("@swc/core").Options}
 */
const swcOptions = {
    swcrc: false,
    // The map without the sources in it: a formatter reads a file from disk to show its line.
    sourceMaps: true,
    inlineSourcesContent: false,
    module: { type: "commonjs", noInterop: false, strictMode: true, ignoreDynamic: false },
    jsc: {
        parser: { syntax: "typescript", tsx: false, decorators: true, dynamicImport: true },
        target: "es2022",
        transform: { legacyDecorator: true, decoratorMetadata: false, useDefineForClassFields: true },
        keepClassNames: true,
    },
};

/** Where the outputs are kept: cleared by `npm ci` with the rest of node_modules. */
const cacheDirectory = path.join(__dirname, "..", "node_modules", ".cache", "eks-irsa-loader", "transpiled");

/** @typedef {{ code: string, map: string }} Transpiled */
/** @typedef {{ sourceHash: string } & Transpiled} CacheEntry */

/** @type {typeof import("@swc/core") | undefined} */
let swc;
/** @type {string | undefined} */
let optionsKey;

/** The installed SWC's version and the options: a change of either makes every kept output stale. */
function transpilerKey() {
    if (optionsKey === undefined) {
        const swcPackage = path.join(path.dirname(require.resolve("@swc/core")), "package.json");
        const { version } = /** @type {{ version: string }} */ (JSON.parse(fs.readFileSync(swcPackage, "utf8")));
        optionsKey = `${version}\0${JSON.stringify(swcOptions)}`;
    }
    return optionsKey;
}

const sha256 = (/** @type {string} */ text) => crypto.createHash("sha256").update(text).digest("hex");

/** How many files this process transpiled, and how many it read back from the cache. */
const counts = { transpiled: 0, fromCache: 0 };

/**
 * The JavaScript and source map of one TypeScript file. One cache entry per file and transpiler (a
 * changed file replaces its entry), checked against the source's hash before it is used.
 * @param {string} source the file's TypeScript
 * @param {string} filename its absolute path, which the source map names
 * @returns {Transpiled}
 */
function transpile(source, filename) {
    const sourceHash = sha256(source);
    const entryFile = path.join(cacheDirectory, `${sha256(`${transpilerKey()}\0${filename}`)}.json`);
    try {
        const entry = /** @type {CacheEntry} */ (JSON.parse(fs.readFileSync(entryFile, "utf8")));
        if (entry.sourceHash === sourceHash && typeof entry.code === "string" && typeof entry.map === "string") {
            counts.fromCache += 1;
            return entry;
        }
    } catch {
        // No entry yet, or one a crashed writer left unreadable: transpiled again below.
    }
    swc ??= require("@swc/core");
    const output = swc.transformSync(source, { ...swcOptions, filename });
    const transpiled = { code: output.code, map: output.map ?? "" };
    counts.transpiled += 1;
    try {
        fs.mkdirSync(cacheDirectory, { recursive: true });
        // Written aside and renamed: a process reading the entry at the same time sees all of it or none.
        const partial = `${entryFile}.${process.pid}.tmp`;
        fs.writeFileSync(partial, JSON.stringify({ sourceHash, ...transpiled }));
        fs.renameSync(partial, entryFile);
    } catch {
        // A read-only checkout still loads; it transpiles again next time.
    }
    return transpiled;
}

module.exports = { transpile, swcOptions, cacheDirectory, counts };
