/**
 * `npm run bench [-- --runs N] [--sizes 50,500] [--no-cdk]`: measures, side by side in one run, and
 * prints the ratios:
 *
 *   1. loading the program as `pulumi up` does: with type checking (as it did before Pulumi.yaml named
 *      tsconfig.deploy.json) and transpile-only (as it does now); time and peak memory, each run in a
 *      new process through the SDK's own language-host entry (scripts/offline/languageHost.ts);
 *   2. `npm run plan`;
 *   3. N IrsaBindings and PodIdentityBindings under the mock engine (scripts/offline/benchBindings.ts),
 *      and the AWS CDK synthesizing the same N roles, policies and ServiceAccount manifests
 *      (scripts/offline/benchCdk.js): time per binding, t(largest)/t(smallest), peak memory;
 *   4. a WorkloadIdentities fleet of 20 and of 200 workloads on 10 IRSA clusters (scripts/offline/benchFleet.ts):
 *      time, memory, roles and resources per workload, and the ratio of the two.
 *
 * Every figure is the median of `--runs` child processes (default 3), run one after the other. The
 * CDK (aws-cdk-lib and constructs, pinned below) is installed on first use into
 * node_modules/.cache/eks-irsa-bench, outside the project's dependencies. No test asserts a time.
 */
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

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
}

const usage = "usage: npm run bench [-- --runs N] [--sizes 50,500] [--no-cdk]";

/** Parses the benchmark's arguments. */
export function parseBenchArgs(argv: string[]): BenchOptions {
    const options: BenchOptions = { runs: 3, sizes: [50, 500], cdk: true };
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

/** 1. The program loaded as the language host loads it, with and without type checking. */
async function programLoad(runs: number): Promise<string> {
    const { config } = loadStackConfig(projectDir, "dev");
    const load = (typeCheck: boolean) => async (): Promise<{ milliseconds: number; maxRssKiB: number }> => {
        const started = process.hrtime.bigint();
        const run = await runLikeLanguageHost({
            projectDir,
            project: "eks-irsa",
            stack: "dev",
            config,
            // Before: ts-node from tsconfig.json, which type-checks (the language host's default); its SWC off, which refuses type checking.
            ...(typeCheck ? { tsconfig: path.join(__dirname, "offline", "tsconfig.typecheck.json"), env: { PULUMI_NODEJS_TRANSPILE_ONLY: "false" } } : {}),
        });
        if (run.code !== 0 || run.report === undefined) {
            throw new Error(`loading the program failed:\n${run.stderr}\n${run.report?.errors.join("\n") ?? ""}`);
        }
        return { milliseconds: Number(process.hrtime.bigint() - started) / 1e6, maxRssKiB: run.report.maxRssKiB };
    };
    const checked = await medianOf(runs, load(true));
    const transpiled = await medianOf(runs, load(false));
    return [
        "== Loading the program as `pulumi up` does (stack dev, under the mock engine; process start to exit)",
        table([
            ["", "time", "peak RSS"],
            ["type-checked (tsconfig.json, before)", seconds(checked.milliseconds), mebibytes(checked.maxRssKiB)],
            ["transpile-only (tsconfig.deploy.json, now)", seconds(transpiled.milliseconds), mebibytes(transpiled.maxRssKiB)],
            ["ratio", ratio(checked.milliseconds, transpiled.milliseconds), ratio(checked.maxRssKiB, transpiled.maxRssKiB)],
        ]),
    ].join("\n");
}

/** 2. `npm run plan`, as typed. */
async function planCommand(runs: number): Promise<string> {
    const timed = await medianOf(runs, async () => {
        const run = await runProcess("npm", ["run", "plan", "--silent"]);
        if (run.code !== 0) throw new Error(`npm run plan failed:\n${run.stderr}`);
        return { milliseconds: run.milliseconds };
    });
    return `== npm run plan (stack dev)\n${table([
        ["", "time"],
        ["npm run plan", seconds(timed.milliseconds)],
    ])}`;
}

interface BindingsFigures extends Record<string, number> {
    milliseconds: number;
    maxRssKiB: number;
    resources: number;
}

/** One child process of scripts/offline/benchBindings.ts or benchCdk.js. */
async function bindingsRun(tool: "pulumi" | "cdk", kind: string, count: number): Promise<BindingsFigures> {
    const run =
        tool === "pulumi"
            ? await runProcess(process.execPath, ["--conditions=eks-irsa-source", "-r", "ts-node/register/transpile-only", path.join(__dirname, "offline", "benchBindings.ts"), kind, String(count)])
            : await runProcess(process.execPath, [path.join(__dirname, "offline", "benchCdk.js"), cdkDir, kind, String(count)]);
    if (run.code !== 0) throw new Error(`${tool} ${kind} x${count} failed:\n${run.stderr}`);
    const result = JSON.parse(run.stdout.trim().split("\n").pop()!) as { milliseconds: number; maxRssKiB: number; registered?: number; resources?: number };
    return { milliseconds: result.milliseconds, maxRssKiB: result.maxRssKiB, resources: result.registered ?? result.resources ?? 0 };
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
async function bindings(options: BenchOptions): Promise<string> {
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
        lines.push(`ours: ${marginal(ours)}`);
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

/** The command: every measurement, printed as it completes. */
export async function main(argv: string[]): Promise<void> {
    const options = parseBenchArgs(argv);
    process.stdout.write(
        `npm run bench: ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? "unknown"}), Node.js ${process.version}, ${Math.round(os.totalmem() / 2 ** 30)} GiB; median of ${options.runs} run(s) each\n\n`,
    );
    for (const section of [() => programLoad(options.runs), () => planCommand(options.runs), () => bindings(options), () => fleet(options.runs)]) {
        process.stdout.write(`${await section()}\n\n`);
    }
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
