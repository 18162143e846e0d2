// @ts-check
/**
 * `node -r ./tests/loadTrace.js ...`: records, for the tests, every module the process compiled and
 * how many times, and writes them as JSON to the file EKS_IRSA_LOAD_TRACE names when the process
 * exits. It only observes: it wraps the compile step every loader ends in (Module.prototype._compile,
 * whoever installed it), so it sees each compile of the modules loaded after it.
 * Plain JavaScript, so that it needs no loader itself.
 */
"use strict";

const fs = require("node:fs");
const Module = require("node:module");

const traceFile = process.env.EKS_IRSA_LOAD_TRACE;
if (traceFile) {
    /** @type {Record<string, number>} */
    const compiled = {};
    // @ts-expect-error Module.prototype._compile is Node's internal compile step, which every loader ends in.
    const compile = Module.prototype._compile;
    // @ts-expect-error See above.
    Module.prototype._compile = function (/** @type {string} */ content, /** @type {string} */ filename) {
        compiled[filename] = (compiled[filename] ?? 0) + 1;
        return compile.call(this, content, filename);
    };
    process.on("exit", () => fs.writeFileSync(traceFile, JSON.stringify({ compiled })));
}
