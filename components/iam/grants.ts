/**
 * What an identity policy grants, judged by meaning: its action patterns expanded against the IAM
 * action catalogue, its resources read as named or not, and the capabilities that follow, from
 * which the escalation model's paths are found. Conditions are not counted as bounds here: a path
 * is judged by what the statement can grant, since a condition's keys are often the caller's to set.
 */
import { CatalogueAction, catalogueActions, catalogueServices } from "./catalogue";
import {
    CapabilityId,
    clusterAccessActions,
    computeStartingActions,
    EscalationPath,
    escalationPaths,
    identityProviderActions,
    runAsOtherRoleActions,
    userCredentialActions,
} from "./escalation";
import { ArnShape, coversUnnamed, everyAction, expandActionPattern, iamArnShape, isPattern, reaches, roleArnShape, userArnShape } from "./patterns";

/** One statement of an identity policy, as both the components and the pack read it. */
export interface GrantStatement {
    /** How a message names it, e.g. `Statement[2]` or `policyStatements[2]`. */
    label: string;
    effect: "Allow" | "Deny";
    actions?: string[];
    notActions?: string[];
    resources?: string[];
    notResources?: string[];
}

/** A capability of a grant, with where it comes from. */
export interface Capability {
    id: CapabilityId;
    /** What grants it, for messages: the statement and the actions (and resources) that do. */
    evidence: string;
}

/** The share of a service's write actions a wildcard must reach to be "most" of the service. */
export const mostOfServiceShare = 0.5;

function names(actions: CatalogueAction[]): Set<string> {
    return new Set(actions.map((action) => action.name.toLowerCase()));
}

function shown(values: readonly string[], limit = 3): string {
    const quoted = values.slice(0, limit).map((value) => JSON.stringify(value));
    return values.length > limit ? `${quoted.join(", ")} and ${values.length - limit} more` : quoted.join(", ");
}

/**
 * Whether an action writes permissions: the catalogue's "Permissions management" level, less the few
 * reads it files there too (`billing:GetResourcePolicy`), which a read verb gives away.
 */
export function writesPermissions(action: CatalogueAction): boolean {
    return action.accessLevels.includes("Permissions management") && !/^[^:]+:(?:Get|List|Describe|Search|View|BatchGet)/i.test(action.name);
}

/** Whether an action changes something: any level but Read and List. */
export function isWriteAction(action: CatalogueAction): boolean {
    return action.accessLevels.some((level) => level !== "Read" && level !== "List") && !/^[^:]+:(?:Get|List|Describe|Search|View|BatchGet)/i.test(action.name);
}

const writesByService = new Map<string, CatalogueAction[]>();

function writesOf(service: string): CatalogueAction[] {
    return writesByService.get(service) ?? writesByService.set(service, catalogueActions(service).filter(isWriteAction)).get(service)!;
}

/** The actions a statement grants: its patterns expanded, or, with NotAction, every action but those. */
export function grantedActions(statement: GrantStatement): CatalogueAction[] {
    if (statement.notActions !== undefined) {
        const excluded = names(statement.notActions.flatMap(expandActionPattern));
        return everyAction().filter((action) => !excluded.has(action.name.toLowerCase()));
    }
    const seen = new Map<string, CatalogueAction>();
    for (const action of (statement.actions ?? []).flatMap(expandActionPattern)) {
        seen.set(action.name.toLowerCase(), action);
    }
    return [...seen.values()];
}

/** The actions granted through wildcards (or NotAction): the only ones that can add up to a whole service. */
function wildcardGrantedActions(statement: GrantStatement): CatalogueAction[] {
    if (statement.notActions !== undefined) {
        return grantedActions(statement);
    }
    return (statement.actions ?? []).filter((action) => /[*?]/.test(action)).flatMap(expandActionPattern);
}

/**
 * The services of which a statement's wildcards grant every action, and those of which they grant
 * most of the actions that change something (reads alone, such as `s3:Get*`, are not "most").
 */
function serviceCoverage(statement: GrantStatement): { all: string[]; most: string[] } {
    const byService = new Map<string, Set<string>>();
    for (const action of wildcardGrantedActions(statement)) {
        const service = action.name.split(":")[0].toLowerCase();
        (byService.get(service) ?? byService.set(service, new Set()).get(service)!).add(action.name.toLowerCase());
    }
    const all: string[] = [];
    const most: string[] = [];
    for (const [service, granted] of byService) {
        const actions = catalogueActions(service);
        if (actions.length === 0) {
            continue;
        }
        const writes = writesOf(service);
        const grantedWrites = writes.filter((action) => granted.has(action.name.toLowerCase()));
        if (granted.size === actions.length) {
            all.push(service);
        } else if (writes.length > 0 && grantedWrites.length / writes.length > mostOfServiceShare) {
            most.push(service);
        }
    }
    return { all: all.sort(), most: most.sort() };
}

/** The services the catalogue lists actions for (a few prefixes have none). */
function servicesWithActions(): string[] {
    return catalogueServices().filter((service) => catalogueActions(service).length > 0);
}

/** The capabilities one statement grants. Deny statements grant none (and are not counted as taking any away). */
export function statementCapabilities(statement: GrantStatement): Capability[] {
    if (statement.effect !== "Allow") {
        return [];
    }
    const granted = grantedActions(statement);
    const grantedNames = names(granted);
    const resources = statement.resources ?? [];
    const resourceText = statement.notResources !== undefined ? `NotResource ${shown(statement.notResources)}` : `on ${shown(resources)}`;
    const unnamed = (shape?: ArnShape): boolean =>
        statement.notResources !== undefined || resources.some((resource) => (shape === undefined ? isPattern(resource) : coversUnnamed(resource, shape)));
    const reachesAny = (shape: ArnShape): boolean => statement.notResources !== undefined || resources.some((resource) => reaches(resource, shape));
    const grantedOf = (list: readonly string[]): string[] => list.filter((action) => grantedNames.has(action.toLowerCase()));
    const capabilities: Capability[] = [];
    const add = (id: CapabilityId, actions: string[], withResources: boolean): void => {
        capabilities.push({ id, evidence: `${statement.label} grants ${shown(actions)}${withResources ? ` ${resourceText}` : ""}` });
    };

    const coverage = serviceCoverage(statement);
    const services = coverage.all.length > 0 ? servicesWithActions() : [];
    const written = statement.notActions !== undefined ? [`NotAction ${shown(statement.notActions)}`] : (statement.actions ?? []).filter((action) => /[*?]/.test(action));
    if (services.length > 0 && coverage.all.length === services.length) {
        capabilities.push({ id: "every-action", evidence: `${statement.label} grants every action (${written.join(", ")})` });
    } else if (coverage.all.length > services.length / 2) {
        capabilities.push({ id: "most-services", evidence: `${statement.label} grants every action of ${coverage.all.length} of ${services.length} services (${written.join(", ")})` });
    }
    const serviceWide = [...coverage.all, ...coverage.most];
    if (serviceWide.length > 0 && capabilities.length === 0) {
        capabilities.push({
            id: "service-wide",
            evidence: `${statement.label} grants all or most actions of ${shown(serviceWide)} (${shown(written)})`,
        });
    }
    const iamPolicyWrites = granted.filter((action) => action.name.toLowerCase().startsWith("iam:") && writesPermissions(action));
    if (iamPolicyWrites.length > 0 && reachesAny(iamArnShape)) {
        add("iam-policy-write", iamPolicyWrites.map((action) => action.name), true);
    }
    if (grantedNames.has("iam:passrole") && unnamed(roleArnShape)) {
        add("pass-unnamed-role", ["iam:PassRole"], true);
    }
    const compute = grantedOf(computeStartingActions);
    if (compute.length > 0) {
        add("start-compute", compute, false);
    }
    if (grantedNames.has("sts:assumerole") && unnamed(roleArnShape)) {
        add("assume-unnamed-role", ["sts:AssumeRole"], true);
    }
    const credentials = grantedOf(userCredentialActions);
    if (credentials.length > 0 && reachesAny(userArnShape)) {
        add("user-credentials", credentials, true);
    }
    const runAs = grantedOf(runAsOtherRoleActions);
    if (runAs.length > 0 && unnamed()) {
        add("run-as-other-role", runAs, true);
    }
    const providers = grantedOf(identityProviderActions);
    if (providers.length > 0 && unnamed()) {
        add("identity-provider-write", providers, true);
    }
    const clusterAccess = grantedOf(clusterAccessActions);
    if (clusterAccess.length > 0 && unnamed()) {
        add("cluster-access-write", clusterAccess, true);
    }
    const resourcePolicyWrites = granted.filter((action) => !action.name.toLowerCase().startsWith("iam:") && writesPermissions(action));
    if (resourcePolicyWrites.length > 0 && unnamed()) {
        add("resource-policy-write", resourcePolicyWrites.map((action) => action.name), true);
    }
    return capabilities;
}

/** A path the grants of one role open, with the capabilities (and their evidence) it is made of. */
export interface PathFinding {
    path: EscalationPath;
    evidence: string[];
}

/**
 * The paths a role's capabilities open, strongest first. A broad path whose capabilities an
 * administrator or escalation path already uses is not repeated.
 */
export function pathsOf(capabilities: readonly Capability[]): PathFinding[] {
    const found: PathFinding[] = [];
    const used = new Set<CapabilityId>();
    for (const { needs, ...path } of escalationPaths) {
        if (!needs.every((need) => capabilities.some((capability) => capability.id === need))) {
            continue;
        }
        if (path.level === "broad" && needs.every((need) => used.has(need))) {
            continue;
        }
        // Administrator power includes every escalation; one finding says it all.
        if (path.level !== "administrator" && found.some((finding) => finding.path.level === "administrator")) {
            continue;
        }
        needs.forEach((need) => used.add(need));
        found.push({ path, evidence: [...new Set(capabilities.filter((capability) => needs.includes(capability.id)).map((capability) => capability.evidence))] });
    }
    return found;
}

/** A path as a phrase: its level, name and what it lets a pod do. */
export function describePathKind(path: EscalationPath): string {
    return `the ${path.level} path "${path.id}" (it ${path.why})`;
}

/** A path finding as a sentence: the path, what it lets a pod do, and what grants it. */
export function describePath(finding: PathFinding): string {
    return `${describePathKind(finding.path)}: ${finding.evidence.join("; ")}`;
}

/** Whether a path needs `allowBroadPermissions` in the components (every level does) or is mandatory in the pack. */
export function isMandatoryPath(path: EscalationPath): boolean {
    return path.level !== "broad";
}
