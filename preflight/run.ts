/**
 * One preflight of a stack: its config read as the program reads it (Pulumi.yaml's defaults, then
 * Pulumi.<stack>.yaml, then the program's own validation), the account read, the report made.
 */
import * as path from "node:path";

import { ConfigError, parseConfig } from "../program/config";
import { loadStackConfig, StackConfigError } from "../scripts/offline/stackConfig";
import { createClients, PreflightClients, readFacts } from "./aws";
import { preflightFindings } from "./checks";
import { PreflightSetupError } from "./errors";
import { exitCodeOf, renderReport } from "./findings";
import { stackNeeds, StackNeeds } from "./needs";
import { publicAddress, TextFetcher } from "./publicAddress";

/** The project directory: Pulumi.yaml sits one level above this folder. */
export const projectDir = path.resolve(__dirname, "..");

/** What the preflight needs from its surroundings; the tests stub the clients and the address. */
export interface PreflightEnvironment {
    projectDir?: string;
    clients?: (region: string, profile: string | undefined) => PreflightClients;
    fetchText?: TextFetcher;
}

/** A report and its exit code: 0 clean, 1 a finding that would fail `pulumi up`, 2 a setup problem. */
export interface PreflightResult {
    report: string;
    exitCode: number;
}

/** The stack's needs, from its files through the program's own config validation. */
export function readStack(stack: string, directory: string): { needs: StackNeeds; profile: string | undefined; warnings: string[] } {
    const loaded = loadStackConfig(directory, stack);
    const config = parseConfig((key) => loaded.config[key]);
    const needs = stackNeeds(stack, loaded.config, config);
    if (needs.region === "") {
        throw new PreflightSetupError(`Pulumi.${stack}.yaml sets no aws:region; the AWS provider, and so the preflight, need one`);
    }
    return { needs, profile: loaded.config["aws:profile"], warnings: loaded.warnings };
}

export async function runPreflight(stack: string, environment: PreflightEnvironment = {}): Promise<PreflightResult> {
    try {
        const { needs, profile, warnings } = readStack(stack, environment.projectDir ?? projectDir);
        const clients = (environment.clients ?? createClients)(needs.region, profile);
        const facts = await readFacts(needs, clients, () => publicAddress(environment.fetchText), profile);
        const findings = preflightFindings(needs, facts);
        const notes = warnings.map((warning) => `note: ${warning}`);
        return { report: [...notes, ...(notes.length > 0 ? [""] : []), renderReport(stack, findings)].join("\n"), exitCode: exitCodeOf(findings) };
    } catch (error) {
        if (error instanceof ConfigError || error instanceof StackConfigError || error instanceof PreflightSetupError) {
            return { report: `preflight of stack ${stack} stopped: ${error.message}`, exitCode: 2 };
        }
        throw error;
    }
}
