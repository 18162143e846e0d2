/**
 * The policy pack (policy/) on what the mock engine recorded: the findings `pulumi preview
 * --policy-pack policy` would report for a stack, for the offline plan and the tests.
 */
import { PolicyPackConfig } from "@pulumi/policy";

import { evaluatePolicies, Finding, PlainResource, urnOf } from "../../policy/evaluate";
import { packName, policies } from "../../policy/pack";
import { RegisteredResource, sentinels } from "./mocks";

export type { Finding } from "../../policy/evaluate";

/**
 * The registered resources as the engine would describe them. The mock engine records inputs only,
 * so the values the pack matches resources by are filled in as it synthesises them: the ID
 * (`<name>-id`, a bucket's name) and, for IAM resources, the physical name (`<name>-<random-suffix>`
 * unless given).
 */
export function plainResources(registered: RegisteredResource[], where: { stack: string; project: string }): PlainResource[] {
    return registered.map((resource) => {
        const inputs = resource.inputs;
        const given = (key: string): string | undefined => (typeof inputs[key] === "string" ? (inputs[key] as string) : undefined);
        const physicalName = given("name") ?? `${resource.name}-${sentinels.randomSuffix}`;
        const bucket = resource.type.startsWith("aws:s3/bucket") ? (given("bucket") ?? physicalName) : undefined;
        return {
            type: resource.type,
            name: resource.name,
            urn: urnOf(where.stack, where.project, resource.type, resource.name),
            props: {
                ...inputs,
                id: bucket ?? `${resource.name}-id`,
                ...(resource.type.startsWith("aws:iam/") && { name: physicalName }),
            },
        };
    });
}

/** The pack's findings for the registered resources of a stack. */
export function policyFindings(registered: RegisteredResource[], where: { stack: string; project: string; config?: PolicyPackConfig }): Promise<Finding[]> {
    return evaluatePolicies(policies, plainResources(registered, where), { config: where.config });
}

/** The findings as the plan prints them: a count by level, then each finding with its policy and message. */
export function renderPolicyFindings(findings: Finding[]): string {
    const count = (level: string): number => findings.filter((finding) => finding.enforcementLevel === level).length;
    const header =
        `Policy pack ${packName} (policy/, \`pulumi preview --policy-pack policy\`) on the resources above: ` +
        `${count("mandatory")} mandatory, ${count("advisory")} advisory.`;
    if (findings.length === 0) {
        return `${header}\nNo violations.`;
    }
    const lines = findings.map((finding) => {
        // The first line of the message is the policy's description, which policy/README.md lists; the rest is the finding.
        const detail = finding.message.split("\n").slice(1).join("\n") || finding.message;
        return `${finding.enforcementLevel}: [${finding.policyName}]\n  ${detail.replace(/\n/g, "\n  ")}`;
    });
    return [header, ...lines].join("\n");
}
