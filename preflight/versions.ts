/**
 * The Kubernetes version and the add-on versions EKS offers in the stack's region: a version the
 * region no longer offers fails the cluster's creation (or update), and an add-on without a version
 * for it fails the add-on's lookup, both after `pulumi up` has started creating.
 */
import { fullKey } from "../program/config";
import { eksVersionCalendar } from "../program/versions";
import { AccountFacts } from "./facts";
import { Finding } from "./findings";
import { StackNeeds } from "./needs";

const versionKey = fullKey("kubernetesVersion");

/** `1.35` as [1, 35], to compare minor versions. */
function minorOf(version: string): [number, number] {
    const [major, minor] = version.split(".").map(Number);
    return [major ?? 0, minor ?? 0];
}

function minorsBetween(from: string, to: string): number {
    const [fromMajor, fromMinor] = minorOf(from);
    const [toMajor, toMinor] = minorOf(to);
    return fromMajor === toMajor ? toMinor - fromMinor : Number.NaN;
}

export function kubernetesVersionFindings(needs: StackNeeds, facts: AccountFacts): Finding[] {
    const check = "Kubernetes version";
    const version = needs.kubernetesVersion;
    const findings: Finding[] = [];
    const cluster = facts.cluster.ok ? facts.cluster.value : undefined;
    if (cluster !== undefined) {
        const step = minorsBetween(cluster.version, version);
        if (step < 0) {
            findings.push({ level: "error", check, key: versionKey, message: `cluster ${needs.clusterName} runs ${cluster.version}; EKS cannot downgrade it to ${version}` });
        } else if (step > 1) {
            findings.push({ level: "error", check, key: versionKey, message: `cluster ${needs.clusterName} runs ${cluster.version}; EKS upgrades one minor version at a time, so ${version} fails: go through each version between` });
        }
    }
    if (!facts.clusterVersions.ok) {
        findings.push({ level: "warning", check, message: `could not read the versions EKS offers in ${needs.region} (${facts.clusterVersions.reason}); the add-on versions below stand in` });
        return findings;
    }
    const offered = facts.clusterVersions.value;
    const entry = offered.find((candidate) => candidate.version === version);
    const supported = offered.filter((candidate) => candidate.status !== "UNSUPPORTED").map((candidate) => candidate.version);
    if (entry === undefined || entry.status === "UNSUPPORTED") {
        findings.push({ level: "error", check, key: versionKey, message: `EKS in ${needs.region} does not offer ${version}${entry ? " any more" : ""}: creating the cluster fails; use one of ${supported.join(", ")}` });
    } else {
        findings.push({ level: "ok", check, message: `EKS in ${needs.region} offers ${version} (${entry.status})` });
    }
    const known = new Set(eksVersionCalendar.map((row) => row.version));
    const newer = supported.filter((candidate) => !known.has(candidate) && minorsBetween(eksVersionCalendar[0].version, candidate) > 0);
    if (newer.length > 0) {
        findings.push({ level: "warning", check, message: `EKS offers ${newer.join(", ")}, which program/versions.ts does not know yet: add its row from the EKS release calendar to use it` });
    }
    return findings;
}

export function addonVersionFindings(needs: StackNeeds, facts: AccountFacts): Finding[] {
    const check = "add-ons";
    return needs.addons.map((addon): Finding => {
        const versions = facts.addonVersions[addon];
        if (versions === undefined || !versions.ok) {
            return { level: "warning", check, message: `could not read the ${addon} versions for Kubernetes ${needs.kubernetesVersion} (${versions?.ok === false ? versions.reason : "not read"})` };
        }
        if (versions.value.length === 0) {
            return {
                level: "error",
                check,
                key: versionKey,
                message: `EKS in ${needs.region} publishes no ${addon} version for Kubernetes ${needs.kubernetesVersion}: the program's add-on lookup fails; use a version EKS supports`,
            };
        }
        return { level: "ok", check, message: `${addon} ${versions.value[0]} (the newest for Kubernetes ${needs.kubernetesVersion}, which the program installs)` };
    });
}
