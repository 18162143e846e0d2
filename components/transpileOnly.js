// @ts-check
/**
 * For the entry points the SDK's runners load: the components plugin's (pluginEntry.js, which
 * `@pulumi/pulumi/cmd/run-plugin` loads) and the policy pack's (policy/packEntry.js, which
 * `cmd/run-policy-pack` loads).
 *
 * Both runners register ts-node with type checking, a setting they hard-code, before they load the
 * folder's `main`. Type-checking the sources against the SDKs' declarations costs seconds at every
 * start, and the engine starts the plugin and the pack at every preview and update. This package and
 * the pack are type-checked before they are published and by the repository's `npm test`, so their
 * entry points turn that ts-node service off and register ts-node again without the check: the same
 * compiler options (the folder's tsconfig.json), the same emitted code, errors that still name the
 * `.ts` line. A ts-node without that service (the SDK's vendored one) is left as it is.
 */
"use strict";

const path = require("node:path");

/** @typedef {{ enabled(active?: boolean): boolean, options: { transpileOnly?: boolean } }} TsNodeService */

/**
 * Replaces the type-checking ts-node service the runner registered with a transpile-only one.
 * @param {string} tsconfig the folder's tsconfig.json, whose compiler options the runner used
 */
function withoutRunnerTypeCheck(tsconfig) {
    /** @type {TsNodeService | undefined} */
    // @ts-expect-error ts-node keeps the service it registered on the process under this symbol.
    const registered = process[Symbol.for("ts-node.register.instance")];
    if (registered === undefined || typeof registered.enabled !== "function" || registered.options.transpileOnly === true) {
        return;
    }
    // The ts-node the runner registered: the one the SDK's own files resolve.
    const tsNode = require(require.resolve("ts-node", { paths: [path.dirname(require.resolve("@pulumi/pulumi"))] }));
    registered.enabled(false);
    tsNode.register({ project: tsconfig, transpileOnly: true, compilerOptions: { sourceMap: true } });
}

module.exports = { withoutRunnerTypeCheck };
