/**
 * What a condition value bounds. A value with a policy variable (`${...}`) is replaced by a value of
 * the request itself, so `"${<issuer>:sub}"` compared with the claim always matches; a pattern
 * (`????????????`, `arn:aws:eks:*:*:cluster/*`) matches other accounts and clusters than the stack's.
 */
import { isPattern } from "@eks-irsa/components/iam";

/** Whether a value holds a policy variable. */
export function isPolicyVariable(value: string): boolean {
    return value.includes("${");
}

/** Whether a value names one thing: no wildcard, no policy variable, not empty. */
export function namesOneValue(value: string): boolean {
    return value.length > 0 && !isPattern(value);
}

/** Whether a value names one account: twelve digits, no pattern. */
export function namesOneAccount(value: string): boolean {
    return /^\d{12}$/.test(value);
}

/**
 * Whether an ARN value stays inside one account's named resource: the account is twelve digits and
 * the resource part (a cluster, an association) has no wildcard or variable. A wildcard region is
 * allowed: it reaches only the same account's resource of that name.
 */
export function confinedToOneAccountsResource(value: string): boolean {
    const [arn, partition, service, region, account, ...resource] = value.split(":");
    return (
        arn === "arn" &&
        namesOneValue(partition ?? "") &&
        namesOneValue(service ?? "") &&
        region !== undefined &&
        !isPolicyVariable(region) &&
        namesOneAccount(account ?? "") &&
        resource.length > 0 &&
        namesOneValue(resource.join(":"))
    );
}
