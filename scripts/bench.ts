/**
 * `npm run bench [-- --runs N] [--sizes 50,500] [--no-cdk] [--no-npm-test]`: measures, side by side in
 * one run, and prints the ratios:
 *
 *   0. loading the four Pulumi SDKs the program uses, alone (the unit of the ratios);
 *   1. loading the program as `pulumi up` does, each run in a new process through the SDK's own
 *      language-host entry (scripts/offline/languageHost.ts): through the language host's ts-node as
 *      before (type-checked, transpile-only with TypeScript's transpiler, with SWC), and through
 *      loader/register.js as Pulumi.yaml says now, first run (its caches removed) and later runs;
 *   2. `npm run plan` as typed (the loader), and through ts-node with SWC and with TypeScript's transpiler;
 *   3. N IrsaBindings and PodIdentityBindings under the mock engine (scripts/offline/benchBindings.ts),
 *      and the AWS CDK synthesizing the same N roles, policies and ServiceAccount manifests
 *      (scripts/offline/benchCdk.js): time per binding, t(largest)/t(smallest), peak memory;
 *   4. a WorkloadIdentities fleet of 20 and of 200 workloads on 10 IRSA clusters (scripts/offline/benchFleet.ts):
 *      time, memory, roles and resources per workload, and the ratio of the two;
 *   5. `npm test` once cold (its caches under node_modules/.cache and the package's build removed, as
 *      after `npm ci` in a fresh clone) and once warm (right after);
 *
 * then the table of issue 19: each figure with its ratio to the SDK load (the bindings to the CDK).
 * Every figure but npm test's is the median of `--runs` child processes (default 3), run one after the
 * other. The CDK (aws-cdk-lib and constructs, pinned below) is installed on first use into
 * node_modules/.cache/eks-irsa-bench, outside the project's dependencies. No test asserts a time.
 */
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

import type { BindingsMeasurement } from "./offline/benchBindings";
import { runLikeLanguageHost } from "./offline/languageHost";
import { loadStackConfig } from "./offline/stackConfig";

const projectDir = path.resolve(__dirname, "..");
const cdkDir = path.join(projectDir, "node_modules", ".cache", "eks-irsa-bench");
/** The CDK the comparison runs against. */
const cdkPackages = ["aws-cdk-lib@2.276.0", "constructs@10.8.1"];

/** The command line, parsed. */
export interface BenchOptions {
    runs: number;
    sizes: number[];
    cdk: boolean;
    /** Whether to run `npm test` cold and warm (minutes). */
    npmTest: boolean;
}

const usage = "usage: npm run bench [-- --runs N] [--sizes 50,500] [--no-cdk] [--no-npm-test]";

/** Parses the benchmark's arguments. */
export function parseBenchArgs(argv: string[]): BenchOptions {
    const options: BenchOptions = { runs: 3, sizes: [50, 500], cdk: true, npmTest: true };
    for (let index = 0; index < argv.length; index += 1) {
        const [flag, inline] = argv[index].split(/=(.*)/s, 2);
        const value = (): string => inline ?? argv[(index += 1)] ?? "";
        if (flag === "--runs" && /^[1-9]\d*$/.test((inline ?? argv[index + 1]) || "")) {
            options.runs = Number(value());
        } else if (flag === "--sizes" && /^\d+(,\d+)+$/.test((inline ?? argv[index + 1]) || "")) {
            options.sizes = value()
                .split(",")
                .map(Number)
                .sort((a, b) => a - b);
        } else if (flag === "--no-cdk") {
            options.cdk = false;
        } else if (flag === "--no-npm-test") {
            options.npmTest = false;
        } else {
            throw new Error(`bad argument ${JSON.stringify(argv[index])}\n${usage}`);
        }
    }
    return options;
}

interface ProcessRun {
    code: number;
    stdout: string;
    stderr: string;
    milliseconds: number;
}

function runProcess(command: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<ProcessRun> {
    const started = process.hrtime.bigint();
    return new Promise((resolve) => {
        execFile(command, args, { cwd: projectDir, env, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) =>
            resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr, milliseconds: Number(process.hrtime.bigint() - started) / 1e6 }),
        );
    });
}

export function median(values: number[]): number {
    const sorted = [...values].sort((a, b) => a - b);
    const middle = Math.floor(sorted.length / 2);
    return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** Runs a measurement `runs` times, one after the other, and keeps the medians of its figures. */
async function medianOf<T extends Record<string, number>>(runs: number, measure: () => Promise<T>): Promise<T> {
    const results: T[] = [];
    for (let run = 0; run < runs; run += 1) {
        results.push(await measure());
    }
    return Object.fromEntries(Object.keys(results[0]).map((key) => [key, median(results.map((result) => result[key]))])) as T;
}

const seconds = (milliseconds: number): string => `${(milliseconds / 1000).toFixed(2)} s`;
const mebibytes = (kibibytes: number): string => `${Math.round(kibibytes / 1024)} MiB`;
const ratio = (a: number, b: number): string => `${(a / b).toFixed(2)}x`;

function table(rows: string[][]): string {
    const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)));
    return rows.map((row) => row.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]) : cell.padStart(widths[column]))).join("  ")).join("\n");
}

/** The figures of issue 19's table, filled in as the sections run. */
interface Summary {
    sdkLoad?: number;
    /** Pulumi.yaml's way, later runs (the loader's caches kept). */
    programLoad?: number;
    /** Pulumi.yaml's way, the first run after `npm ci`. */
    programLoadCold?: number;
    plan?: number;
    npmTestWarm?: number;
    npmTestCold?: number;
    /** At the largest N: ours, ours with every stack frame source-mapped, and the CDK's time, by kind. */
    bindings: Record<string, { ours: number; everyFrame: number; cdk: number | undefined; count: number }>;
}

/** Time and peak memory of one child process. */
interface Timed extends Record<string, number> {
    milliseconds: number;
    maxRssKiB: number;
}

/** 0. Loading the four SDKs the program imports, and nothing else: what any Pulumi TypeScript program of this stack pays. */
async function sdkLoad(runs: number, summary: Summary): Promise<string> {
    const requireAll = ["@pulumi/pulumi", "@pulumi/aws", "@pulumi/kubernetes", "@pulumi/eks"].map((sdk) => `require(${JSON.stringify(sdk)});`).join(" ");
    const timed = await medianOf(runs, async (): Promise<Timed> => {
        const run = await runProcess(process.execPath, ["-e", `${requireAll} process.stdout.write(String(process.resourceUsage().maxRSS));`]);
        if (run.code !== 0) throw new Error(`loading the SDKs failed:\n${run.stderr}`);
        return { milliseconds: run.milliseconds, maxRssKiB: Number(run.stdout) };
    });
    summary.sdkLoad = timed.milliseconds;
    return [
        "== Loading the four Pulumi SDKs alone (@pulumi/pulumi, aws, kubernetes, eks; process start to exit): the unit of the ratios below",
        table([
            ["", "time", "peak RSS"],
            ["SDK load", seconds(timed.milliseconds), mebibytes(timed.maxRssKiB)],
        ]),
    ].join("\n");
}

/** The tsconfig files of the "before" rows, for the language host's ts-node (`typescript: true`). */
const beforeConfigs = {
    typeChecked: path.join(__dirname, "offline", "tsconfig.typecheck.json"),
    typeScriptTranspiler: path.join(__dirname, "offline", "tsconfig.typescript-transpiler.json"),
    tsNodeSwc: path.join(__dirname, "offline", "tsconfig.ts-node-swc.json"),
};

/** Where loader/register.js keeps its transpiled outputs and V8's compiled code. */
const loaderCache = path.join(projectDir, "node_modules", ".cache", "eks-irsa-loader");

/** The node arguments of Pulumi.yaml without the loader: what the "before" rows ran with. */
const conditionsOnly = ["--conditions=eks-irsa-source"];

/** 1. The program loaded as the language host loads it: the ways of before, and Pulumi.yaml's (the loader) cold and warm. */
async function programLoad(runs: number, summary: Summary): Promise<string> {
    const { config } = loadStackConfig(projectDir, "dev");
    type Way = { tsNode: "typescript" | "swc"; tsconfig: string; env?: Record<string, string> } | { loader: "cold" | "warm" };
    const load = (way: Way) => async (): Promise<Timed> => {
        if ("loader" in way && way.loader === "cold") fs.rmSync(loaderCache, { recursive: true, force: true });
        const started = process.hrtime.bigint();
        const run = await runLikeLanguageHost({
            projectDir,
            project: "eks-irsa",
            stack: "dev",
            config,
            ...("tsNode" in way ? { typescript: true, nodeArgs: conditionsOnly, tsconfig: way.tsconfig, env: way.env } : {}),
        });
        if (run.code !== 0 || run.report === undefined) {
            throw new Error(`loading the program failed:\n${run.stderr}\n${run.report?.errors.join("\n") ?? ""}`);
        }
        const loadedBy = run.report.loader ? "loader" : run.report.tsNode?.transpiler;
        if (loadedBy !== ("tsNode" in way ? way.tsNode : "loader")) {
            throw new Error(`expected ${JSON.stringify(way)}, got ${JSON.stringify({ loader: run.report.loader, tsNode: run.report.tsNode })}`);
        }
        return { milliseconds: Number(process.hrtime.bigint() - started) / 1e6, maxRssKiB: run.report.maxRssKiB };
    };
    // Before issue 19: ts-node's default, type checking; then transpile-only with TypeScript's transpileModule.
    const checked = await medianOf(runs, load({ tsNode: "typescript", tsconfig: beforeConfigs.typeChecked, env: { PULUMI_NODEJS_TRANSPILE_ONLY: "false" } }));
    const typescript = await medianOf(runs, load({ tsNode: "typescript", tsconfig: beforeConfigs.typeScriptTranspiler }));
    // The first half of issue 19: the language host's ts-node, transpile-only with SWC.
    const tsNodeSwc = await medianOf(runs, load({ tsNode: "swc", tsconfig: beforeConfigs.tsNodeSwc }));
    // Now: Pulumi.yaml as it is. Cold as after `npm ci` (the loader's caches removed before each run), then warm.
    const cold = await medianOf(runs, load({ loader: "cold" }));
    await load({ loader: "warm" })();
    const warm = await medianOf(runs, load({ loader: "warm" }));
    summary.programLoad = warm.milliseconds;
    summary.programLoadCold = cold.milliseconds;
    const sdk = summary.sdkLoad!;
    const row = (what: string, timed: Timed): string[] => [what, seconds(timed.milliseconds), ratio(timed.milliseconds, sdk), mebibytes(timed.maxRssKiB)];
    return [
        "== Loading the program as `pulumi up` does (stack dev, under the mock engine; process start to exit)",
        table([
            ["", "time", "/ SDK load", "peak RSS"],
            row("ts-node, type-checked (its default)", checked),
            row("ts-node, transpile-only, TypeScript's transpiler (before issue 19)", typescript),
            row("ts-node, transpile-only, SWC", tsNodeSwc),
            row("loader/register.js, first run (its caches removed)", cold),
            row("loader/register.js, later runs (Pulumi.yaml, now)", warm),
        ]),
    ].join("\n");
}

/** 2. `npm run plan` as typed (the loader), and through ts-node as before: SWC, and TypeScript's transpiler. */
async function planCommand(runs: number, summary: Summary): Promise<string> {
    const viaTsNode = [...conditionsOnly, "--require", "ts-node/register/transpile-only", path.join(__dirname, "plan.ts")];
    const plan = (command: string, args: string[], env: NodeJS.ProcessEnv) => async (): Promise<{ milliseconds: number }> => {
        const run = await runProcess(command, args, env);
        if (run.code !== 0) throw new Error(`the plan failed:\n${run.stderr}`);
        return { milliseconds: run.milliseconds };
    };
    const now = await medianOf(runs, plan("npm", ["run", "plan", "--silent"], process.env));
    // ts-node reads TS_NODE_PROJECT in place of tsconfig.json.
    const tsNodeSwc = await medianOf(runs, plan(process.execPath, viaTsNode, { ...process.env, TS_NODE_PROJECT: beforeConfigs.tsNodeSwc }));
    const typescript = await medianOf(runs, plan(process.execPath, viaTsNode, { ...process.env, TS_NODE_PROJECT: beforeConfigs.typeScriptTranspiler }));
    summary.plan = now.milliseconds;
    const sdk = summary.sdkLoad!;
    return `== npm run plan (stack dev)\n${table([
        ["", "time", "/ SDK load"],
        ["ts-node, TypeScript's transpiler (before issue 19)", seconds(typescript.milliseconds), ratio(typescript.milliseconds, sdk)],
        ["ts-node, SWC", seconds(tsNodeSwc.milliseconds), ratio(tsNodeSwc.milliseconds, sdk)],
        ["loader/register.js (now)", seconds(now.milliseconds), ratio(now.milliseconds, sdk)],
    ])}`;
}

/** What `npm ci` in a fresh clone leaves no trace of: the caches `npm test` keeps, and the package's build. */
const npmTestCaches = [path.join("node_modules", ".cache", "eks-irsa"), path.join("node_modules", ".cache", "eks-irsa-plugin"), path.join("node_modules", ".cache", "eks-irsa-loader"), path.join("components", "bin"), path.join("components", "tsconfig.tsbuildinfo")];

/** 5. `npm test`, cold then warm. */
async function npmTest(summary: Summary): Promise<string> {
    const run = async (): Promise<number> => {
        const result = await runProcess("npm", ["test", "--silent"]);
        if (result.code !== 0) throw new Error(`npm test failed:\n${result.stdout.slice(-4000)}\n${result.stderr.slice(-4000)}`);
        return result.milliseconds;
    };
    for (const cache of npmTestCaches) {
        fs.rmSync(path.join(projectDir, cache), { recursive: true, force: true });
    }
    const cold = await run();
    const warm = await run();
    summary.npmTestCold = cold;
    summary.npmTestWarm = warm;
    const sdk = summary.sdkLoad!;
    return `== npm test (build, typecheck, lint, mocha on ${os.cpus().length} workers; once each)\n${table([
        ["", "time", "/ SDK load"],
        [`cold (${npmTestCaches.join(", ")} removed)`, seconds(cold), ratio(cold, sdk)],
        ["warm (the run right after)", seconds(warm), ratio(warm, sdk)],
    ])}`;
}

interface BindingsFigures extends Record<string, number> {
    milliseconds: number;
    maxRssKiB: number;
    resources: number;
}

/** One child process of scripts/offline/benchBindings.ts or benchCdk.js. */
async function bindingsRun(tool: "pulumi" | "pulumi, every frame mapped" | "cdk", kind: string, count: number): Promise<BindingsFigures> {
    const allFrames = tool === "pulumi, every frame mapped" ? ["--map-all-frames"] : [];
    const run =
        tool !== "cdk"
            ? await runProcess(process.execPath, ["--conditions=eks-irsa-source", "-r", "ts-node/register/transpile-only", path.join(__dirname, "offline", "benchBindings.ts"), kind, String(count), ...allFrames])
            : await runProcess(process.execPath, [path.join(__dirname, "offline", "benchCdk.js"), cdkDir, kind, String(count)]);
    if (run.code !== 0) throw new Error(`${tool} ${kind} x${count} failed:\n${run.stderr}`);
    const result = JSON.parse(run.stdout.trim().split("\n").pop()!) as { milliseconds: number; maxRssKiB: number; registered?: number; resources?: number };
    return { milliseconds: result.milliseconds, maxRssKiB: result.maxRssKiB, resources: result.registered ?? result.resources ?? 0 };
}

/** What the SDK creates for one binding: a run of its own (counting costs time), N bindings, divided by N. */
async function sdkWorkPerBinding(kind: string, count: number): Promise<string> {
    const run = await runProcess(process.execPath, ["--conditions=eks-irsa-source", "-r", "ts-node/register/transpile-only", path.join(__dirname, "offline", "benchBindings.ts"), kind, String(count), "--count"]);
    if (run.code !== 0) throw new Error(`counting ${kind} x${count} failed:\n${run.stderr}`);
    const counted = JSON.parse(run.stdout.trim().split("\n").pop()!) as BindingsMeasurement;
    const each = (total: number): string => (total / count).toFixed(1);
    return `per binding (N = ${count}): ${each(counted.registered)} resources, ${each(counted.outputs)} Outputs, ${each(counted.applies)} applies, ${each(counted.promises)} SDK promises (each with a stack trace)`;
}

/** Installs the pinned CDK into the cache, once. Undefined when it is there; else why it is not. */
async function installCdk(): Promise<string | undefined> {
    if (fs.existsSync(path.join(cdkDir, "node_modules", "aws-cdk-lib", "package.json"))) {
        const installed = (JSON.parse(fs.readFileSync(path.join(cdkDir, "node_modules", "aws-cdk-lib", "package.json"), "utf8")) as { version: string }).version;
        if (`aws-cdk-lib@${installed}` === cdkPackages[0]) return undefined;
    }
    process.stderr.write(`installing ${cdkPackages.join(" ")} into ${path.relative(projectDir, cdkDir)} (once)...\n`);
    fs.mkdirSync(cdkDir, { recursive: true });
    const run = await runProcess("npm", ["install", "--prefix", cdkDir, ...cdkPackages, "--no-save", "--ignore-scripts", "--no-audit", "--no-fund", "--prefer-offline", "--loglevel=error"]);
    return run.code === 0 ? undefined : `npm install ${cdkPackages.join(" ")} failed (exit ${run.code}):\n${run.stderr.trim()}`;
}

/** 3. N bindings of each kind, ours and the CDK's. */
async function bindings(options: BenchOptions, summary: Summary): Promise<string> {
    const cdkProblem = options.cdk ? await installCdk() : "skipped (--no-cdk)";
    const smallest = options.sizes[0];
    const largest = options.sizes[options.sizes.length - 1];
    const lines: string[] = [
        "== Bindings under the mock engine, N at once, each in a new process (no reader Deployment; the AWS CDK: see scripts/offline/benchCdk.js)",
    ];
    for (const kind of ["irsa", "pod-identity"]) {
        const rows = [["", "N", "time", "per binding", "resources", "peak RSS"]];
        const figures: Record<string, Record<number, BindingsFigures>> = { pulumi: {}, cdk: {} };
        for (const tool of ["pulumi", "cdk"] as const) {
            if (tool === "cdk" && cdkProblem !== undefined) continue;
            for (const count of options.sizes) {
                const measured = await medianOf(options.runs, () => bindingsRun(tool, kind, count));
                figures[tool][count] = measured;
                rows.push([
                    tool === "pulumi" ? (kind === "irsa" ? "IrsaBinding" : "PodIdentityBinding") : `AWS CDK ServiceAccount (${kind})`,
                    String(count),
                    seconds(measured.milliseconds),
                    `${(measured.milliseconds / count).toFixed(1)} ms`,
                    String(measured.resources),
                    mebibytes(measured.maxRssKiB),
                ]);
            }
        }
        lines.push("", table(rows));
        // What one more binding costs, from the smallest N to the largest: loading the libraries drops out.
        const marginal = (of: Record<number, BindingsFigures>): string =>
            `t${largest}/t${smallest} ${ratio(of[largest].milliseconds, of[smallest].milliseconds)}, each binding past ${smallest}: ${((of[largest].milliseconds - of[smallest].milliseconds) / (largest - smallest)).toFixed(1)} ms and ${((of[largest].maxRssKiB - of[smallest].maxRssKiB) / (largest - smallest) / 1024).toFixed(2)} MiB`;
        const ours = figures.pulumi;
        // The same bindings with ts-node's source-map support left to rewrite every frame of the SDK's stack traces (a program that does not call mapOnlyTypeScriptFrames).
        const everyFrame = await medianOf(options.runs, () => bindingsRun("pulumi, every frame mapped", kind, largest));
        summary.bindings[kind] = { ours: ours[largest].milliseconds, cdk: figures.cdk[largest]?.milliseconds, count: largest, everyFrame: everyFrame.milliseconds };
        lines.push(
            `ours: ${marginal(ours)}`,
            `      ${await sdkWorkPerBinding(kind, smallest)}`,
            `      with every frame of those stack traces source-mapped (no mapOnlyTypeScriptFrames): ${seconds(everyFrame.milliseconds)} at N = ${largest}, ${ratio(everyFrame.milliseconds, ours[largest].milliseconds)} the time`,
        );
        if (cdkProblem === undefined) {
            const cdk = figures.cdk;
            lines.push(`CDK:  ${marginal(cdk)}`);
            lines.push(
                `at N = ${largest}, ours/CDK: time ${ratio(ours[largest].milliseconds, cdk[largest].milliseconds)}, peak RSS ${ratio(ours[largest].maxRssKiB, cdk[largest].maxRssKiB)}`,
            );
        }
    }
    if (cdkProblem !== undefined) {
        lines.push("", `AWS CDK comparison not run: ${cdkProblem}`);
    }
    return lines.join("\n");
}

interface FleetFigures extends Record<string, number> {
    milliseconds: number;
    maxRssKiB: number;
    resources: number;
    roles: number;
}

/** 4. A fleet of W workloads on C IRSA clusters, each workload's trust split as the limit demands. */
async function fleet(runs: number): Promise<string> {
    const clusters = 10;
    const measure = (workloads: number) => async (): Promise<FleetFigures> => {
        const run = await runProcess(process.execPath, ["--conditions=eks-irsa-source", "-r", "ts-node/register/transpile-only", path.join(__dirname, "offline", "benchFleet.ts"), String(workloads), String(clusters)]);
        if (run.code !== 0) throw new Error(`fleet ${workloads}x${clusters} failed:\n${run.stderr}`);
        const result = JSON.parse(run.stdout.trim().split("\n").pop()!) as { milliseconds: number; maxRssKiB: number; registered: number; roles: number };
        return { milliseconds: result.milliseconds, maxRssKiB: result.maxRssKiB, resources: result.registered, roles: result.roles };
    };
    const rows = [["", "workloads", "time", "per workload", "roles", "resources per workload", "peak RSS"]];
    const figures: Record<number, FleetFigures> = {};
    for (const workloads of [20, 200]) {
        const measured = await medianOf(runs, measure(workloads));
        figures[workloads] = measured;
        rows.push([
            `WorkloadIdentities on ${clusters} IRSA clusters`,
            String(workloads),
            seconds(measured.milliseconds),
            `${(measured.milliseconds / workloads).toFixed(1)} ms`,
            String(measured.roles),
            (measured.resources / workloads).toFixed(1),
            mebibytes(measured.maxRssKiB),
        ]);
    }
    return [
        "== A fleet under the mock engine, each in a new process (an s3Read role per trust group of 4 clusters at 2,048 characters; the charts own the ServiceAccounts)",
        table(rows),
        `t200/t20 ${ratio(figures[200].milliseconds, figures[20].milliseconds)}, each workload past 20: ${((figures[200].milliseconds - figures[20].milliseconds) / 180).toFixed(1)} ms and ${((figures[200].maxRssKiB - figures[20].maxRssKiB) / 180 / 1024).toFixed(2)} MiB`,
    ].join("\n");
}

/** Issue 19's table: each figure of this run with its ratio, and the goal it is held to. */
function issueTable(summary: Summary): string {
    const sdk = summary.sdkLoad!;
    const rows = [["what", "now", "ratio", "goal"]];
    const againstSdk = (what: string, milliseconds: number | undefined, goal: string): void => {
        if (milliseconds !== undefined) rows.push([what, seconds(milliseconds), `${ratio(milliseconds, sdk)} the SDK load`, goal]);
    };
    againstSdk("npm run plan (dev)", summary.plan, "<= 2x the SDK load");
    againstSdk("program load as pulumi up does it", summary.programLoad, "<= 1.3x the SDK load");
    againstSdk("  the same, first run after npm ci", summary.programLoadCold, "");
    againstSdk("npm test, warm", summary.npmTestWarm, "<= 30 s");
    againstSdk("npm test, cold", summary.npmTestCold, "<= 60 s");
    for (const [kind, goal] of [
        ["pod-identity", "<= 1.0x the CDK"],
        ["irsa", "<= 0.8x the CDK"],
    ]) {
        const figures = summary.bindings[kind];
        if (figures === undefined) continue;
        const name = kind === "irsa" ? "IrsaBinding" : "PodIdentityBinding";
        rows.push([
            `${name} x ${figures.count} under mocks`,
            seconds(figures.ours),
            figures.cdk === undefined ? `${ratio(figures.ours, sdk)} the SDK load` : `${ratio(figures.ours, figures.cdk)} the CDK`,
            goal,
        ]);
        rows.push([
            `  the same, every stack frame source-mapped`,
            seconds(figures.everyFrame),
            figures.cdk === undefined ? `${ratio(figures.everyFrame, sdk)} the SDK load` : `${ratio(figures.everyFrame, figures.cdk)} the CDK`,
            "",
        ]);
    }
    return `== Issue 19's table (SDK load ${seconds(sdk)})\n${table(rows)}`;
}

/** The command: every measurement, printed as it completes, then the table of issue 19. */
export async function main(argv: string[]): Promise<void> {
    const options = parseBenchArgs(argv);
    const [load1, load5] = os.loadavg();
    process.stdout.write(
        `npm run bench: ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? "unknown"}), Node.js ${process.version}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, load average ${load1.toFixed(2)} (1 min) ${load5.toFixed(2)} (5 min) at the start; median of ${options.runs} run(s) each\n\n`,
    );
    const summary: Summary = { bindings: {} };
    const sections = [() => sdkLoad(options.runs, summary), () => programLoad(options.runs, summary), () => planCommand(options.runs, summary), () => bindings(options, summary), () => fleet(options.runs)];
    if (options.npmTest) {
        sections.push(() => npmTest(summary));
    }
    for (const section of sections) {
        process.stdout.write(`${await section()}\n\n`);
    }
    process.stdout.write(`${issueTable(summary)}\n\nload average ${os.loadavg()[0].toFixed(2)} (1 min) at the end\n`);
}

if (require.main === module) {
    main(process.argv.slice(2)).then(
        () => process.exit(0),
        (error: unknown) => {
            process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
            process.exit(1);
        },
    );
}
