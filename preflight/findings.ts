/**
 * What the preflight reports: findings, each naming the stack key to change, and how the report
 * reads and exits. An `error` is what would make `pulumi up` fail (or leave the deployer locked out
 * halfway); a `warning` deserves a look; `ok` says what was checked and found right.
 */

/** How much a finding matters. */
export type FindingLevel = "error" | "warning" | "ok";

/** One result of a check. */
export interface Finding {
    level: FindingLevel;
    /** The check that found it, as the report groups them. */
    check: string;
    /** The stack key (`eks-irsa:...`, `aws:...`) to change, when one would fix it. */
    key?: string;
    message: string;
}

/** What a read from AWS returned: the value, or why it could not be read (a denied call, a throttle). */
export type Readout<T> = { ok: true; value: T } | { ok: false; reason: string };

export function known<T>(value: T): Readout<T> {
    return { ok: true, value };
}

export function unknown<T>(reason: string): Readout<T> {
    return { ok: false, reason };
}

const marks: Record<FindingLevel, string> = { error: "ERROR  ", warning: "WARNING", ok: "ok     " };

/** The report as printed: one line (or more) per finding, errors first, then what to do. */
export function renderReport(stack: string, findings: Finding[]): string {
    const order: FindingLevel[] = ["error", "warning", "ok"];
    const sorted = [...findings].sort((a, b) => order.indexOf(a.level) - order.indexOf(b.level));
    const lines = sorted.map((finding) => {
        const key = finding.key === undefined ? "" : ` (change ${finding.key})`;
        return `${marks[finding.level]} ${finding.check}: ${finding.message}${key}`;
    });
    const errors = findings.filter((finding) => finding.level === "error").length;
    const warnings = findings.filter((finding) => finding.level === "warning").length;
    const verdict =
        errors > 0
            ? `${errors} finding(s) would make \`pulumi up\` of stack ${stack} fail: fix them first.`
            : `Nothing found that would make \`pulumi up\` of stack ${stack} fail${warnings > 0 ? `; ${warnings} warning(s) to read` : ""}.`;
    return [`Preflight of stack ${stack}`, "", ...lines, "", verdict].join("\n");
}

/** The process exit code of a report: 1 when a finding would make `pulumi up` fail. */
export function exitCodeOf(findings: Finding[]): number {
    return findings.some((finding) => finding.level === "error") ? 1 : 0;
}
