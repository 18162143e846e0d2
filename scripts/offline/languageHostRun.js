// @ts-check
/**
 * Runs a Pulumi Node.js program the way `pulumi preview` and `pulumi up` start it, but against the
 * mock engine instead of a real one: the SDK's own language-host entry (`@pulumi/pulumi/cmd/run/run.js`)
 * registers ts-node from the project's files and environment and requires the program.
 *
 * Plain JavaScript on purpose: the process must start without any TypeScript loader, so that the
 * only one is the one the language host registers. Start it as the CLI's language host starts
 * node: `node <runtime.options.nodeargs> languageHostRun.js`, with PULUMI_NODEJS_TYPESCRIPT,
 * PULUMI_NODEJS_TSCONFIG_PATH (from runtime.options.tsconfig) and PULUMI_CONFIG in the environment.
 * See languageHost.ts, which does that.
 *
 * Arguments: <project directory> <project name> <stack name> <report file> <mocks.js>. The last is
 * the mock engine (mocks.ts) as JavaScript, which languageHost.ts transpiles once: this process
 * loads no TypeScript of its own, so the only loader is the one the language host's options set up.
 * The report (JSON) says what the program registered, its outputs, which loader transpiled it, the
 * time and the peak memory.
 */
"use strict";

const fs = require("node:fs");
const Module = require("node:module");
const path = require("node:path");

const [projectDir, projectName, stackName, reportFile, mocksJavaScript] = process.argv.slice(2);
if (!projectDir || !projectName || !stackName || !reportFile || !mocksJavaScript) {
    process.stderr.write("usage: node [nodeargs] languageHostRun.js <project dir> <project> <stack> <report file> <mocks.js>\n");
    process.exit(2);
}

/**
 * The mock engine the plan and the tests use (mocks.ts), from the JavaScript languageHost.ts made of
 * it, compiled as mocks.ts so that it resolves its imports from where mocks.ts sits.
 * @returns {{ mocks: import("@pulumi/pulumi").runtime.Mocks, registered: { type: string, name: string, inputs: Record<string, unknown> }[] }}
 */
function mockEngine(options) {
    const source = path.join(__dirname, "mocks.ts");
    const compiled = new Module(source, module);
    compiled.filename = source;
    compiled.paths = Module._nodeModulePaths(path.dirname(source));
    compiled._compile(fs.readFileSync(mocksJavaScript, "utf8"), source);
    return compiled.exports.createMockEngine(options);
}

/** The project's own copy of a module, as the program will load it (same instance, same mocks). */
function projectRequire(request) {
    return require(require.resolve(request, { paths: [projectDir] }));
}

async function main() {
    const started = process.hrtime.bigint();
    process.chdir(projectDir);
    const config = JSON.parse(process.env.PULUMI_CONFIG ?? "{}");
    const region = config["aws:region"] ?? "us-west-2";
    const engine = mockEngine({ accountId: "123456789012", region });

    const pulumi = projectRequire("@pulumi/pulumi");
    // As `pulumi up` runs it (not a preview): the mock engine answers with every value known.
    await pulumi.runtime.setMocks(engine.mocks, projectName, stackName, false);

    /** @type {unknown[]} */
    const errors = [];
    // run.js takes one constant from its sibling index.js, the process entry point, which would
    // connect to a real engine on load: that one module is stood in for, with the same constant,
    // after what index.js loads first (its tracing hooks, and the SDK's source-map-support, the
    // stack trace formatter of every `pulumi up`).
    const runEntry = require.resolve("@pulumi/pulumi/cmd/run", { paths: [projectDir] });
    require(path.join(path.dirname(runEntry), "instrumentation"));
    require(require.resolve("source-map-support/register", { paths: [path.dirname(runEntry)] }));
    const entryStub = new Module(runEntry, module);
    entryStub.filename = runEntry;
    entryStub.loaded = true;
    entryStub.exports = { nodeJSProcessExitedAfterLoggingUserActionableMessage: 32 };
    require.cache[runEntry] = entryStub;
    const { run } = projectRequire("@pulumi/pulumi/cmd/run/run");
    let outputs = {};
    try {
        outputs = await run(
            { _: ["."], pwd: projectDir },
            () => undefined,
            (error) => errors.push(error),
            (error) => errors.includes(error),
        );
    } catch (error) {
        errors.push(error);
    }
    // The engine hears of resources asynchronously: wait until every registration is in.
    await pulumi.runtime.disconnect();

    const loader = /** @type {{ transpiler: string, compileCache: string, counts: { transpiled: number, fromCache: number } } | undefined} */ (
        // @ts-expect-error loader/register.js marks the process with what it set up.
        process[Symbol.for("eks-irsa.loader")]
    );
    const tsNode = /** @type {{ options: { transpileOnly?: boolean, swc?: boolean }, configFilePath?: string, config: { options: Record<string, unknown> } } | undefined} */ (
        // @ts-expect-error ts-node keeps its registered service on the process under this symbol.
        process[Symbol.for("ts-node.register.instance")]
    );
    /** @type {string | undefined} */
    let components;
    try {
        components = require.resolve("@eks-irsa/components", { paths: [projectDir] });
    } catch {
        components = undefined;
    }
    const report = {
        errors: errors.map((error) => (error instanceof Error ? (error.stack ?? error.message) : String(error))),
        registered: engine.registered.map(({ type, name }) => ({ type, name })),
        outputs: Object.fromEntries(Object.entries(outputs ?? {}).filter(([, value]) => typeof value === "string")),
        loader: loader && { transpiler: loader.transpiler, compileCache: loader.compileCache, transpiled: loader.counts.transpiled, fromCache: loader.counts.fromCache },
        tsNode: tsNode && {
            transpileOnly: tsNode.options.transpileOnly === true,
            configFile: tsNode.configFilePath,
            noCheck: tsNode.config.options.noCheck === true,
            // The transpiler ts-node was set up with, and whose compiler this process actually loaded.
            transpiler: tsNode.options.swc === true && Object.keys(require.cache).some((file) => file.includes(`${path.sep}@swc${path.sep}core${path.sep}`)) ? "swc" : "typescript",
        },
        // Who formats stack traces once the program has run: components/stackTraces.ts's formatter (which
        // marks itself), another (ts-node's source-map support, rewriting every frame), or V8 alone.
        stackTraces:
            Error.prepareStackTrace === undefined ? "v8" : Symbol.for("eks-irsa.stackTraces.typeScriptFramesOnly") in Error.prepareStackTrace ? "typescript-frames-only" : "every-frame",
        execArgv: process.execArgv,
        components,
        milliseconds: Number(process.hrtime.bigint() - started) / 1e6,
        maxRssKiB: process.resourceUsage().maxRSS,
    };
    fs.writeFileSync(reportFile, JSON.stringify(report, null, 2));
    process.exit(errors.length === 0 ? 0 : 1);
}

main().catch((error) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
});
