// @ts-check
/**
 * The plugin's entry point, package.json `main` (see PulumiPlugin.yaml): serves plugin.ts, from the
 * TypeScript source, type-checked where it is built rather than each time it starts.
 *
 * The SDK's plugin runner (`@pulumi/pulumi/cmd/run-plugin`) registers ts-node with type checking, a
 * setting it hard-codes, before it loads this file. Type-checking these components against the SDKs'
 * declarations costs several seconds at every start, and the engine starts the plugin at every
 * preview and update of a program in another language. The components are type-checked before they
 * are published (`prepack`) and by this repository's `npm test`, so this entry turns that ts-node
 * service off and registers ts-node again without the check, with this folder's tsconfig.json: the
 * same compiler options, the same emitted code, errors that still name the `.ts` line. A ts-node
 * without that service (the SDK's vendored one) is left as it is.
 */
"use strict";

const path = require("node:path");

/** @typedef {{ enabled(active?: boolean): boolean, options: { typeCheck?: boolean, transpileOnly?: boolean } }} TsNodeService */

/** @type {TsNodeService | undefined} */
// @ts-expect-error ts-node keeps the service it registered on the process under this symbol.
const typeChecking = process[Symbol.for("ts-node.register.instance")];

if (typeChecking !== undefined && typeof typeChecking.enabled === "function" && typeChecking.options.transpileOnly !== true) {
    // The ts-node the SDK registered: the one its own files resolve.
    const tsNode = require(require.resolve("ts-node", { paths: [path.dirname(require.resolve("@pulumi/pulumi"))] }));
    typeChecking.enabled(false);
    tsNode.register({ project: path.join(__dirname, "tsconfig.json"), transpileOnly: true, compilerOptions: { sourceMap: true } });
}

module.exports = require("./plugin.ts");
