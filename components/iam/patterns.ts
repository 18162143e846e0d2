/**
 * IAM's wildcards as IAM reads them: `*` any run of characters (so `**` is `*`), `?` exactly one,
 * matched case-insensitively for actions; and what an action pattern or a resource pattern covers.
 */
import { CatalogueAction, catalogueActions, catalogueServices } from "./catalogue";

/** Whether a value holds an IAM wildcard (`*`, `?`) or a policy variable (`${...}`), so it names no one thing. */
export function isPattern(value: string): boolean {
    return /[*?]/.test(value) || value.includes("${");
}

/**
 * Patterns already compiled: the model matches the same few patterns (a stack's resources, the
 * catalogue's ARN formats) against thousands of names. Without the `g` or `y` flag a RegExp keeps no
 * state between tests, so one may be shared.
 */
const compiledPatterns = new Map<string, RegExp>();
const compiledPatternsKept = 4096;

/** The regular expression of an IAM pattern: `*` any run (across `:` and `/` too), `?` one character. */
export function iamPatternRegExp(pattern: string): RegExp {
    let compiled = compiledPatterns.get(pattern);
    if (compiled === undefined) {
        const source = [...pattern].map((char) => (char === "*" ? ".*" : char === "?" ? "." : char.replace(/[.+^${}()|[\]\\/-]/g, "\\$&"))).join("");
        compiled = new RegExp(`^${source}$`, "is");
        if (compiledPatterns.size >= compiledPatternsKept) {
            compiledPatterns.clear();
        }
        compiledPatterns.set(pattern, compiled);
    }
    return compiled;
}

/** Whether an IAM pattern matches a value, case-insensitively. */
export function iamPatternMatches(pattern: string, value: string): boolean {
    return iamPatternRegExp(pattern).test(value);
}

/** The literal start of a pattern, up to its first wildcard or policy variable. */
export function literalPrefix(pattern: string): string {
    const end = pattern.search(/[*?]|\$\{/);
    return end < 0 ? pattern : pattern.slice(0, end);
}

/** The services an action pattern can reach: those whose `service:` its literal start allows. */
function servicesOf(pattern: string): string[] {
    const prefix = literalPrefix(pattern).toLowerCase();
    const colon = prefix.indexOf(":");
    if (colon >= 0) {
        return [prefix.slice(0, colon)];
    }
    return catalogueServices().filter((service) => service.startsWith(prefix));
}

/** Wildcard patterns already expanded: a role's policies, and a stack's roles, repeat the same few. */
const expandedPatterns = new Map<string, CatalogueAction[]>();
const expandedPatternsKept = 1024;

/**
 * The catalogue's actions an action pattern grants (`s3:Get*`, `iam:**`, `*`, `s?:*`). A name the
 * catalogue does not know is kept as written, so that a list of actions still recognises it.
 */
export function expandActionPattern(pattern: string): CatalogueAction[] {
    if (!/[*?]/.test(pattern)) {
        const [service] = pattern.toLowerCase().split(":");
        const known = catalogueActions(service).find((action) => action.name.toLowerCase() === pattern.toLowerCase());
        return [known ?? { name: pattern, accessLevels: [] }];
    }
    if (/^\*+$/.test(pattern)) {
        return everyAction();
    }
    const cached = expandedPatterns.get(pattern);
    if (cached !== undefined) {
        return cached;
    }
    const regex = iamPatternRegExp(pattern);
    const expanded = servicesOf(pattern).flatMap((service) => catalogueActions(service).filter((action) => regex.test(action.name)));
    if (expandedPatterns.size >= expandedPatternsKept) {
        expandedPatterns.clear();
    }
    expandedPatterns.set(pattern, expanded);
    return expanded;
}

let allActions: CatalogueAction[] | undefined;

/** Every action of the catalogue. */
export function everyAction(): CatalogueAction[] {
    allActions ??= catalogueServices().flatMap((service) => catalogueActions(service));
    return allActions;
}

/** The shape of one kind of ARN: its service, its region field, and how its resource part starts. */
export interface ArnShape {
    service: string;
    /** Empty for global resources (IAM). */
    regional: boolean;
    resourcePrefix: string;
}

/** IAM roles: `arn:<partition>:iam::<account>:role/<path><name>`. */
export const roleArnShape: ArnShape = { service: "iam", regional: false, resourcePrefix: "role/" };

/** IAM users: `arn:<partition>:iam::<account>:user/<path><name>`. */
export const userArnShape: ArnShape = { service: "iam", regional: false, resourcePrefix: "user/" };

/** IAM groups: `arn:<partition>:iam::<account>:group/<path><name>`. */
export const groupArnShape: ArnShape = { service: "iam", regional: false, resourcePrefix: "group/" };

/** An account's root user, on which `sts:AssumeRoot` is authorized: `arn:<partition>:iam::<account>:root`. */
export const rootUserArnShape: ArnShape = { service: "iam", regional: false, resourcePrefix: "root" };

/** Anything of IAM: roles, users, groups, policies, providers. */
export const iamArnShape: ArnShape = { service: "iam", regional: false, resourcePrefix: "" };

/** Whether a resource entry can name a resource of the shape at all: one named exactly, or a pattern that reaches some. */
export function reaches(resource: string, shape: ArnShape): boolean {
    if (isPattern(resource)) {
        return coversUnnamed(resource, shape);
    }
    const [arn, , service, region, , ...rest] = resource.toLowerCase().split(":");
    return arn === "arn" && service === shape.service && (shape.regional || region === "") && rest.join(":").startsWith(shape.resourcePrefix);
}

/**
 * Whether a resource entry covers more than named resources of the shape: `*`, or a pattern (or a
 * policy variable) whose literal start an ARN of that shape could begin with. `arn:aws:s3:::b/*`
 * reaches no role; `arn:aws:iam::*:role/*`, `arn:aws:iam::111122223333:role/app-?` and `arn:*` do.
 */
export function coversUnnamed(resource: string, shape: ArnShape): boolean {
    if (!isPattern(resource)) {
        return false;
    }
    const prefix = literalPrefix(resource).toLowerCase();
    const fields = prefix.split(":");
    const expected: ((field: string, partial: boolean) => boolean)[] = [
        (field, partial) => (partial ? "arn".startsWith(field) : field === "arn"),
        () => true,
        (field, partial) => (partial ? shape.service.startsWith(field) : field === shape.service),
        (field) => shape.regional || field === "",
        () => true,
    ];
    for (const [index, field] of fields.entries()) {
        const partial = index === fields.length - 1;
        if (index >= expected.length) {
            // The resource part (which may itself hold ':').
            const rest = fields.slice(index).join(":");
            return rest.startsWith(shape.resourcePrefix) || shape.resourcePrefix.startsWith(rest);
        }
        if (!expected[index](field, partial)) {
            return false;
        }
    }
    return true;
}
