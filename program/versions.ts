/**
 * The Kubernetes versions EKS runs, and for how long: the program refuses a version EKS no longer
 * supports (or never offered) before anything is created, rather than letting `pulumi up` fail on
 * the control plane twenty minutes in.
 *
 * Source: the "Amazon EKS Kubernetes release calendar" of the EKS User Guide
 * (https://docs.aws.amazon.com/eks/latest/userguide/kubernetes-versions.html), cross-checked with
 * https://endoflife.date/amazon-eks; read 2026-11-29. A version is in standard support for 14 months
 * after its EKS release, then in extended support (billed per cluster hour at a higher rate) for 12 more;
 * after that EKS upgrades the cluster itself. When EKS releases a new version, add its row here.
 */

/** One minor version's support window on EKS; dates are the first day the state no longer holds (UTC). */
export interface EksVersionSupport {
    version: string;
    /** The day EKS made the version available. */
    released: string;
    /** The day standard support ends; a cluster with the STANDARD upgrade policy is upgraded by EKS then. */
    endOfStandardSupport: string;
    /** The day extended support ends; every cluster still on the version is upgraded by EKS then. */
    endOfExtendedSupport: string;
}

/** The EKS release calendar, newest first. */
export const eksVersionCalendar: readonly EksVersionSupport[] = [
    { version: "1.35", released: "2026-01-27", endOfStandardSupport: "2027-03-27", endOfExtendedSupport: "2028-03-27" },
    { version: "1.34", released: "2025-10-02", endOfStandardSupport: "2026-12-02", endOfExtendedSupport: "2027-12-02" },
    { version: "1.33", released: "2025-05-29", endOfStandardSupport: "2026-07-29", endOfExtendedSupport: "2027-07-29" },
    { version: "1.32", released: "2025-01-23", endOfStandardSupport: "2026-03-23", endOfExtendedSupport: "2027-03-23" },
    { version: "1.31", released: "2024-09-26", endOfStandardSupport: "2025-11-26", endOfExtendedSupport: "2026-11-26" },
    { version: "1.30", released: "2024-05-23", endOfStandardSupport: "2025-07-23", endOfExtendedSupport: "2026-07-23" },
    { version: "1.29", released: "2024-01-23", endOfStandardSupport: "2025-03-23", endOfExtendedSupport: "2026-03-23" },
];

/**
 * The cluster's upgrade policy (`upgradePolicy.supportType`): STANDARD lets EKS upgrade the control
 * plane when standard support ends (no extended-support charge); EXTENDED keeps the version for 12
 * more months at the extended rate.
 */
export type UpgradeSupportType = "STANDARD" | "EXTENDED";

/** The upgrade policies, as `eks-irsa:upgradeSupportType` names them. */
export const upgradeSupportTypes: readonly UpgradeSupportType[] = ["STANDARD", "EXTENDED"];

/** Where a version stands on a given day. */
export type SupportState = "not-yet-released" | "standard" | "extended" | "ended" | "unknown";

/** The support state of a version on a day (`YYYY-MM-DD`, UTC). */
export function supportStateOf(version: string, today: string): SupportState {
    const row = eksVersionCalendar.find((entry) => entry.version === version);
    if (row === undefined) {
        return "unknown";
    }
    if (today < row.released) {
        return "not-yet-released";
    }
    if (today < row.endOfStandardSupport) {
        return "standard";
    }
    return today < row.endOfExtendedSupport ? "extended" : "ended";
}

/** The versions a cluster with this policy can run today, newest first. */
export function runnableVersions(supportType: UpgradeSupportType, today: string): string[] {
    return eksVersionCalendar
        .filter((row) => {
            const state = supportStateOf(row.version, today);
            return state === "standard" || (state === "extended" && supportType === "EXTENDED");
        })
        .map((row) => row.version);
}

/**
 * Why the version cannot be run with the upgrade policy today, or undefined when it can. A STANDARD
 * cluster past its standard support is upgraded by EKS, after which the configured version no longer
 * matches the cluster (and `pulumi up` would try a downgrade EKS refuses), so that is refused too.
 */
export function versionProblem(version: string, supportType: UpgradeSupportType, today: string): string | undefined {
    const row = eksVersionCalendar.find((entry) => entry.version === version);
    const runnable = runnableVersions(supportType, today).join(", ");
    switch (supportStateOf(version, today)) {
        case "unknown":
            return `expected a Kubernetes minor version EKS supports (today, with upgrade policy ${supportType}: ${runnable}); a newer release must first be added to program/versions.ts from the EKS release calendar`;
        case "not-yet-released":
            return `EKS releases ${version} on ${row!.released}; until then use one of ${runnable}`;
        case "ended":
            return `EKS support for ${version} ended on ${row!.endOfExtendedSupport} (standard and extended); use one of ${runnable}`;
        case "extended":
            return supportType === "STANDARD"
                ? `standard support for ${version} ended on ${row!.endOfStandardSupport}, and with upgrade policy STANDARD EKS upgrades the cluster itself: use one of ${runnable}, or set eks-irsa:upgradeSupportType EXTENDED (billed at the extended-support rate)`
                : undefined;
        case "standard":
            return undefined;
    }
}

/** A warning when the version leaves its current support within `days` days; undefined otherwise. */
export function versionWarning(version: string, supportType: UpgradeSupportType, today: string, days = 60): string | undefined {
    const row = eksVersionCalendar.find((entry) => entry.version === version);
    const state = supportStateOf(version, today);
    if (row === undefined || (state !== "standard" && state !== "extended")) {
        return undefined;
    }
    const ends = state === "standard" ? row.endOfStandardSupport : row.endOfExtendedSupport;
    const daysLeft = Math.round((Date.parse(ends) - Date.parse(today)) / 86_400_000);
    if (daysLeft > days) {
        return undefined;
    }
    const consequence =
        state === "standard" && supportType === "EXTENDED"
            ? "the cluster then moves to extended support, billed at the higher rate"
            : "EKS then upgrades the control plane itself";
    return `Kubernetes ${version} leaves ${state} support on ${ends} (${daysLeft} days): ${consequence}; plan the upgrade of eks-irsa:kubernetesVersion`;
}

/** Today as `YYYY-MM-DD` in UTC. */
export function todayUtc(now: Date = new Date()): string {
    return now.toISOString().slice(0, 10);
}
