/**
 * `npm run plan [-- --stack NAME] [--out DIR] [--config-file FILE]`: shows what `pulumi up` would create for a stack,
 * without an AWS account. It runs the real program (index.ts) under Pulumi mocks, with the stack's
 * config merged as the CLI merges it, and prints the resource tree, the IAM policies and the
 * Kubernetes objects.
 */
import * as fs from "node:fs";
import * as path from "node:path";

import * as pulumi from "@pulumi/pulumi";

import { createMockEngine, sentinels } from "./offline/mocks";
import { PlannedOutput, PlannedResource, renderPlan, RenderedPlan } from "./offline/render";
import { LoadedStackConfig, loadStackConfig, StackConfigError } from "./offline/stackConfig";

/** The project directory: Pulumi.yaml and index.ts sit one level above this script. */
const projectDir = path.resolve(__dirname, "..");

/** The command line, parsed. */
export interface PlanOptions {
    stack: string;
    out: string | undefined;
    /** Like the CLI's `--config-file`: the stack's config from this file instead of Pulumi.<stack>.yaml. */
    configFile: string | undefined;
    /** Print what the command does and its options, and nothing else. */
    help: boolean;
}

/** A mistake on the command line. */
export class UsageError extends Error {}

const usage = "usage: npm run plan [-- --stack NAME] [--out DIR] [--config-file FILE] [--help]";

/** What `npm run plan -- --help` prints. */
export const help = `${usage}

Shows what \`pulumi up\` would create for a stack, without an AWS account or the Pulumi CLI: runs the
program (index.ts) under Pulumi mocks with the stack's config merged as the CLI merges it (the
defaults of Pulumi.yaml, then Pulumi.<stack>.yaml), and prints every resource with its inputs, the
IAM policies as JSON, the Kubernetes objects as YAML and the stack outputs. Values only the cloud
knows are markers such as <account-id>.

options:
  -s, --stack NAME        the stack to plan (default: dev); one of the Pulumi.<stack>.yaml files
  --config-file FILE      the stack's values from FILE instead of Pulumi.<stack>.yaml, like
                          \`pulumi --config-file\`
  --out DIR               write the plan as files (plan.txt, resources.txt, inputs.yaml,
                          policies/*.json, kubernetes.yaml, outputs.txt) instead of printing it
  -h, --help              print this and exit
`;

/** Parses the plan's arguments. */
export function parseArgs(argv: string[]): PlanOptions {
    const options: PlanOptions = { stack: "dev", out: undefined, configFile: undefined, help: false };
    for (let index = 0; index < argv.length; index += 1) {
        const [flag, inline] = argv[index].split(/=(.*)/s, 2);
        const value = (): string => {
            const next = inline ?? argv[(index += 1)];
            if (next === undefined || next === "") {
                throw new UsageError(`${flag} needs a value\n${usage}`);
            }
            return next;
        };
        if (flag === "--stack" || flag === "-s") {
            options.stack = value();
        } else if (flag === "--out") {
            options.out = value();
        } else if (flag === "--config-file") {
            options.configFile = path.resolve(value());
        } else if (flag === "--help" || flag === "-h") {
            options.help = true;
        } else {
            throw new UsageError(`unknown argument ${JSON.stringify(argv[index])}\n${usage}`);
        }
    }
    return options;
}

/**
 * A stack's merged config and region, checked as the CLI and the AWS provider would before the
 * program runs. Warnings about the stack's file (keys the program does not declare) go to `warn`.
 */
export function planConfig(stack: string, configFile?: string, warn: (warning: string) => void = () => undefined): LoadedStackConfig & { region: string } {
    const loaded = loadStackConfig(projectDir, stack, configFile);
    loaded.warnings.forEach(warn);
    const region = loaded.config["aws:region"];
    if (region === undefined) {
        throw new StackConfigError(`${configFile === undefined ? `Pulumi.${stack}.yaml` : path.relative(process.cwd(), configFile)} sets no aws:region; the AWS provider needs one`);
    }
    return { ...loaded, region };
}

/** Runs the program of a stack under mocks and renders what it would create. */
export async function plan(stack: string, configFile?: string, warn: (warning: string) => void = () => undefined): Promise<RenderedPlan> {
    const { project, config, region } = planConfig(stack, configFile, warn);
    const engine = createMockEngine({ accountId: sentinels.accountId, region });
    pulumi.runtime.setAllConfig(config, []);
    await pulumi.runtime.setMocks(engine.mocks, project.name, stack, false);

    const resources: PlannedResource[] = [];
    const records = new Map<pulumi.Resource, PlannedResource>();
    let exports: Record<string, unknown> = {};
    await pulumi.runtime.runInPulumiStack(async () => {
        pulumi.runtime.registerStackTransformation(({ resource, type, name, opts }) => {
            const parent = opts.parent === undefined ? undefined : records.get(opts.parent);
            // Like the engine, a resource without its own protect option inherits its parent's.
            const record: PlannedResource = { type, name, parent: parent && { type: parent.type, name: parent.name }, protect: opts.protect ?? parent?.protect ?? false };
            records.set(resource, record);
            resources.push(record);
            return undefined;
        });
        // The program is loaded only now, so that it reads this stack's config and reaches these mocks.
        exports = (await import(path.join(projectDir, "index"))) as Record<string, unknown>;
        return exports;
    });
    await pulumi.runtime.disconnect();

    const outputs: PlannedOutput[] = [];
    // By name, as the CLI lists a stack's outputs (however the transpiler ordered the module's exports).
    for (const [name, value] of Object.entries(exports).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
        if (name === "default" || name === "__esModule") {
            continue;
        }
        const output = pulumi.output(value);
        outputs.push({ name, value: await (output as unknown as { promise(): Promise<unknown> }).promise(), secret: await pulumi.isSecret(output) });
    }
    // The policy pack (its rules, @pulumi/policy) is loaded only now, when there are findings to print.
    const { policyFindings, renderPolicyFindings } = await import("./offline/policyFindings");
    return renderPlan({
        project: project.name,
        stack,
        region,
        accountId: sentinels.accountId,
        config,
        configFile: configFile ?? `Pulumi.${stack}.yaml`,
        resources,
        registered: engine.registered,
        outputs,
        // What `pulumi preview --policy-pack policy` would report for these resources.
        policyFindings: renderPolicyFindings(await policyFindings(engine.registered, { stack, project: project.name })),
    });
}

/** Writes the plan as files: the whole text, and each part on its own. */
export function writePlan(rendered: RenderedPlan, dir: string): string[] {
    const files: [string, string][] = [
        ["plan.txt", rendered.text],
        ["resources.txt", rendered.resources],
        ["inputs.yaml", rendered.inputs],
        ["kubernetes.yaml", rendered.kubernetes],
        ["outputs.txt", rendered.outputs],
        ...rendered.policies.map((policy): [string, string] => [path.join("policies", policy.file), `${policy.json}\n`]),
    ];
    for (const [file, content] of files) {
        fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
        fs.writeFileSync(path.join(dir, file), content);
    }
    return files.map(([file]) => path.join(dir, file));
}

function fail(error: unknown): never {
    // The program's own errors (config, validation) are for the user; anything else keeps its stack.
    const known = error instanceof StackConfigError || error instanceof UsageError || error instanceof pulumi.RunError || error instanceof pulumi.ResourceError;
    process.stderr.write(`error: ${known ? (error as Error).message : error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(error instanceof UsageError ? 2 : 1);
}

/** The command: plan one stack and print it, or write it to `--out`. */
export async function main(argv: string[]): Promise<void> {
    const options = parseArgs(argv);
    if (options.help) {
        process.stdout.write(help);
        return;
    }
    // Failures inside the program's Outputs (a component rejecting a value) surface here.
    process.on("unhandledRejection", fail);
    const rendered = await plan(options.stack, options.configFile, (warning) => process.stderr.write(`warning: ${warning}\n`));
    if (options.out === undefined) {
        process.stdout.write(rendered.text);
    } else {
        const files = writePlan(rendered, path.resolve(options.out));
        process.stdout.write(`wrote the plan of stack "${options.stack}" to ${files.length} files:\n${files.map((file) => `  ${file}\n`).join("")}`);
    }
}

if (require.main === module) {
    main(process.argv.slice(2)).then(() => process.exit(0), fail);
}
