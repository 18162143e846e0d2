/**
 * The names of a fleet's roles: `<roleNamePrefix><workload>` and a suffix for the role's place, so a
 * platform reads in the IAM console whose role it is. Pure and deterministic: a role's name depends
 * on the prefix, the workload's name and the role's place alone, never on the rest of the fleet, so
 * adding workloads or clusters never renames a role.
 *
 * Why the names cannot collide: a workload name is a DNS-1123 label, so it never holds `.` or `_`.
 * The suffix starts with `.` (`.2`, `.pod-identity`), so it cannot be mistaken for part of another
 * workload's name; a name cut to 64 characters carries `_` and a hash of the whole uncut name at a
 * place past the prefix, where no uncut name has a `_`.
 */
import { createHash } from "node:crypto";

import { checkWorkloadName } from "../validation";

/** IAM's limit on a role's name. */
export const roleNameLengthLimit = 64;
/** The longest `roleNamePrefix`: enough room after it for a cut name's hash and suffix. */
export const roleNamePrefixLengthLimit = 32;
/** The suffix of a workload's Pod Identity role. */
export const podIdentityRoleSuffix = ".pod-identity";

const hashLength = 8;

/** Where a role stands among its workload's roles. */
export type RolePlace = { mechanism: "irsa"; group: number } | { mechanism: "pod-identity" };

/** The suffix of a role's place: none for the first IRSA group, `.<n>` for the n-th (from 2), `.pod-identity`. */
export function roleSuffix(place: RolePlace): string {
    if (place.mechanism === "pod-identity") {
        return podIdentityRoleSuffix;
    }
    return place.group === 0 ? "" : `.${place.group + 1}`;
}

/** The role's name: prefix, workload and suffix, cut with a hash of the whole where longer than 64 characters. */
export function fleetRoleName(prefix: string, workloadName: string, place: RolePlace): string {
    const suffix = roleSuffix(place);
    const whole = `${prefix}${workloadName}`;
    if (whole.length + suffix.length <= roleNameLengthLimit) {
        return `${whole}${suffix}`;
    }
    const hash = createHash("sha256").update(whole).digest("hex").slice(0, hashLength);
    const kept = whole.slice(0, roleNameLengthLimit - suffix.length - hash.length - 1).replace(/-+$/, "");
    return `${kept}_${hash}${suffix}`;
}

/** The first problem of a role name prefix. */
export function checkFleetRoleNamePrefix(field: string, prefix: string): string | undefined {
    return prefix.length <= roleNamePrefixLengthLimit && /^[\w+=,.@-]*$/.test(prefix)
        ? undefined
        : `${field} ${JSON.stringify(prefix)} is invalid: a role name prefix is at most ${roleNamePrefixLengthLimit} letters, digits or any of _+=,.@- (the rest of the name is the workload's)`;
}

/** The first problem of a workload's name, which must also make a valid role name. */
export function checkFleetWorkloadName(field: string, name: string): string | undefined {
    const problem = checkWorkloadName(field, name);
    return problem === undefined ? undefined : `${problem}; it names the workload's roles and resources, so it cannot hold '.', '_' or capitals`;
}

/** The description of a fleet role that has none of its own: whose it is and where it stands, stable as clusters are added. */
export function defaultFleetRoleDescription(workloadName: string, place: RolePlace): string {
    return place.mechanism === "pod-identity" ? `EKS Pod Identity role of workload ${workloadName}` : `IRSA role of workload ${workloadName}, trust group ${place.group + 1}`;
}
