// @ts-check
/**
 * The policy pack's entry point, package.json `main`: runs index.ts from the TypeScript source
 * without the type check `cmd/run-policy-pack` hard-codes (@eks-irsa/components' transpileOnly.js
 * says why; `npm test` type-checks the pack).
 */
"use strict";

const path = require("node:path");

require("@eks-irsa/components/transpileOnly").withoutRunnerTypeCheck(path.join(__dirname, "tsconfig.json"));

module.exports = require("./index.ts");
