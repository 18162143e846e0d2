// @ts-check
/**
 * The plugin's entry point, package.json `main` (see PulumiPlugin.yaml): runs plugin.ts from the
 * TypeScript source without the type check `cmd/run-plugin` hard-codes (transpileOnly.js says why).
 */
"use strict";

const path = require("node:path");

require("./transpileOnly.js").withoutRunnerTypeCheck(path.join(__dirname, "tsconfig.json"));

module.exports = require("./plugin.ts");
