/**
 * `npm run preflight -- --stack NAME`: checks the account against the stack before its first (or
 * next) `pulumi up`, with the deployer's credentials and read-only calls. See README, "Before the
 * first `pulumi up`".
 */
import { runPreflight } from "./run";

const usage = `usage: npm run preflight -- --stack NAME

Reads Pulumi.NAME.yaml as the program does, then the AWS account with the credentials in the
environment (AWS_PROFILE, SSO, keys; or the stack's aws:profile), read-only, and reports what would
make \`pulumi up\` fail, each finding with the stack key to change. Exit code: 0 nothing found,
1 a finding that would fail \`pulumi up\`, 2 the stack's files or the credentials are not usable.`;

/** The stack named on the command line, or undefined with the usage to print. */
export function stackArgument(argv: string[]): { stack?: string; error?: string } {
    let stack: string | undefined;
    for (let index = 0; index < argv.length; index += 1) {
        const flag = argv[index];
        if (flag === "--stack" || flag === "-s") {
            stack = argv[index + 1];
            index += 1;
            if (stack === undefined || stack.startsWith("-")) {
                return { error: `${flag} needs a stack name` };
            }
        } else if (flag === "--help" || flag === "-h") {
            return {};
        } else {
            return { error: `unknown argument ${JSON.stringify(flag)}` };
        }
    }
    return stack === undefined ? { error: "--stack is required" } : { stack };
}

async function main(): Promise<void> {
    const { stack, error } = stackArgument(process.argv.slice(2));
    if (stack === undefined) {
        console.error(error === undefined ? usage : `${error}\n\n${usage}`);
        process.exitCode = error === undefined ? 0 : 2;
        return;
    }
    const { report, exitCode } = await runPreflight(stack);
    console.log(report);
    process.exitCode = exitCode;
}

if (require.main === module) {
    main().catch((error: unknown) => {
        console.error(`preflight failed: ${error instanceof Error ? error.message : String(error)}`);
        process.exitCode = 2;
    });
}
