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
    resourceSharingActions,
    runAsAnyTargetActions,
    runAsOtherRoleActions,
    userCredentialActions,
    wellKnownAdministratorRole,
} from "./escalation";
import { ArnShape, coversUnnamed, everyAction, expandActionPattern, groupArnShape, iamArnShape, iamPatternMatches, isPattern, reaches, roleArnShape, rootUserArnShape, userArnShape } from "./patterns";

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

const sharing = new Set(resourceSharingActions.map((action) => action.toLowerCase()));

const writesByService = new Map<string, CatalogueAction[]>();

function writesOf(service: string): CatalogueAction[] {
    return writesByService.get(service) ?? writesByService.set(service, catalogueActions(service).filter(isWriteAction)).get(service)!;
}

/** What a statement's action patterns (Action or NotAction) grant, worked out once for each set of patterns. */
interface ActionAnalysis {
    granted: CatalogueAction[];
    /** The granted actions' names, lowercased. */
    grantedNames: Set<string>;
    coverage: { all: string[]; most: string[] };
    /** The granted IAM actions that write permissions, and those of other services. */
    iamPolicyWrites: string[];
    resourcePolicyWrites: string[];
}

/**
 * The analyses by patterns: the same few patterns recur in every role a stack, a fleet or a suite
 * judges, and `*` alone is the whole catalogue. Bounded, since a pack runs for a whole preview.
 */
const analyses = new Map<string, ActionAnalysis>();
const analysesKept = 512;

function actionAnalysis(statement: GrantStatement): ActionAnalysis {
    const key = JSON.stringify(statement.notActions !== undefined ? { notActions: statement.notActions } : { actions: statement.actions ?? [] });
    const cached = analyses.get(key);
    if (cached !== undefined) {
        return cached;
    }
    const granted = expandStatementActions(statement);
    const writes = (iam: boolean): string[] => granted.filter((action) => action.name.toLowerCase().startsWith("iam:") === iam && writesPermissions(action)).map((action) => action.name);
    const analysis: ActionAnalysis = {
        granted,
        grantedNames: names(granted),
        coverage: serviceCoverage(statement, granted),
        iamPolicyWrites: writes(true),
        resourcePolicyWrites: [...new Set([...writes(false), ...granted.filter((action) => sharing.has(action.name.toLowerCase())).map((action) => action.name)])],
    };
    if (analyses.size >= analysesKept) {
        analyses.clear();
    }
    analyses.set(key, analysis);
    return analysis;
}

function expandStatementActions(statement: GrantStatement): CatalogueAction[] {
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

/** The actions a statement grants: its patterns expanded, or, with NotAction, every action but those. */
export function grantedActions(statement: GrantStatement): readonly CatalogueAction[] {
    return actionAnalysis(statement).granted;
}

/** The actions granted through wildcards (or NotAction): the only ones that can add up to a whole service. */
function wildcardGrantedActions(statement: GrantStatement, granted: CatalogueAction[]): CatalogueAction[] {
    if (statement.notActions !== undefined) {
        return granted;
    }
    return (statement.actions ?? []).filter((action) => /[*?]/.test(action)).flatMap(expandActionPattern);
}

/**
 * The services of which a statement's wildcards grant every action, and those of which they grant
 * most of the actions that change something (reads alone, such as `s3:Get*`, are not "most").
 */
function serviceCoverage(statement: GrantStatement, granted: CatalogueAction[]): { all: string[]; most: string[] } {
    const byService = new Map<string, Set<string>>();
    for (const action of wildcardGrantedActions(statement, granted)) {
        const service = action.name.split(":")[0].toLowerCase();
        (byService.get(service) ?? byService.set(service, new Set()).get(service)!).add(action.name.toLowerCase());
    }
    const all: string[] = [];
    const most: string[] = [];
    for (const [service, grantedOfService] of byService) {
        const actions = catalogueActions(service);
        if (actions.length === 0) {
            continue;
        }
        const writes = writesOf(service);
        const grantedWrites = writes.filter((action) => grantedOfService.has(action.name.toLowerCase()));
        if (grantedOfService.size === actions.length) {
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
    const { grantedNames, coverage, iamPolicyWrites, resourcePolicyWrites } = actionAnalysis(statement);
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
    if (iamPolicyWrites.length > 0 && reachesAny(iamArnShape)) {
        add("iam-policy-write", iamPolicyWrites, true);
    }
    // A well-known administrator role (the CDK bootstrap's, StackSets', Organizations') is as good as any role.
    const administratorRoles = resources.filter((resource) => !isPattern(resource) && wellKnownAdministratorRole(resource) !== undefined);
    const addAdministratorRoles = (id: CapabilityId, action: string): void => {
        for (const resource of administratorRoles) {
            capabilities.push({ id, evidence: `${statement.label} grants ${action} on ${JSON.stringify(resource)}, ${wellKnownAdministratorRole(resource)}` });
        }
    };
    if (grantedNames.has("iam:passrole") && unnamed(roleArnShape)) {
        add("pass-unnamed-role", ["iam:PassRole"], true);
    } else if (grantedNames.has("iam:passrole")) {
        addAdministratorRoles("pass-unnamed-role", "iam:PassRole");
    }
    const compute = grantedOf(computeStartingActions);
    if (compute.length > 0) {
        add("start-compute", compute, false);
    }
    if (grantedNames.has("sts:assumerole") && unnamed(roleArnShape)) {
        add("assume-unnamed-role", ["sts:AssumeRole"], true);
    } else if (grantedNames.has("sts:assumerole")) {
        addAdministratorRoles("assume-unnamed-role", "sts:AssumeRole");
    }
    // Credentials are authorized on the user; group membership on the group the user joins; a root
    // session on the member account's root user, which naming bounds nothing: it is that whole account.
    const credentials = grantedOf(userCredentialActions).filter((action) => action !== "iam:AddUserToGroup" && action !== "sts:AssumeRoot");
    const groupJoins = grantedOf(["iam:AddUserToGroup"]);
    const rootSessions = grantedOf(["sts:AssumeRoot"]);
    if ((credentials.length > 0 && reachesAny(userArnShape)) || (groupJoins.length > 0 && reachesAny(groupArnShape)) || (rootSessions.length > 0 && reachesAny(rootUserArnShape))) {
        add("user-credentials", [...credentials, ...groupJoins, ...rootSessions], true);
    }
    // On a named container too, for the actions whose request chooses the compute (runAsAnyTargetActions).
    const runAs = unnamed() ? grantedOf([...new Set([...runAsOtherRoleActions, ...runAsAnyTargetActions])]) : grantedOf(runAsAnyTargetActions);
    if (runAs.length > 0) {
        add("run-as-other-role", runAs, true);
    }
    const providers = grantedOf(identityProviderActions);
    if (providers.length > 0 && unnamed()) {
        add("identity-provider-write", providers, true);
    }
    // On a named cluster too: the principal, groups and access policy are the request's, so the caller
    // makes itself administrator of that cluster (the workload's own), with every ServiceAccount's role.
    const clusterAccess = grantedOf(clusterAccessActions);
    if (clusterAccess.length > 0) {
        add("cluster-access-write", clusterAccess, true);
    }
    if (resourcePolicyWrites.length > 0 && unnamed()) {
        add("resource-policy-write", resourcePolicyWrites, true);
    }
    return capabilities;
}

/** Whether a statement's actions (or, inverted, its NotAction) cover one action, in any spelling IAM reads (`sts:*`, `sts:AssumeRol?`, `*`). */
export function grantsAction(statement: GrantStatement, action: string): boolean {
    if (statement.notActions !== undefined) {
        return !statement.notActions.some((pattern) => iamPatternMatches(pattern, action));
    }
    return (statement.actions ?? []).some((pattern) => iamPatternMatches(pattern, action));
}

/**
 * The roles an `Allow` statement lets its holder assume by name: the exact role ARNs of a statement
 * that grants `sts:AssumeRole` in any spelling. Patterns and NotResource are not named: they are the
 * capability "assume-unnamed-role" (statementCapabilities); a named role is as powerful as what that
 * role may do, which only the whole stack shows (the policy pack's role chaining).
 */
export function namedAssumableRoles(statement: GrantStatement): string[] {
    if (statement.effect !== "Allow" || statement.notResources !== undefined || !grantsAction(statement, "sts:AssumeRole")) {
        return [];
    }
    return (statement.resources ?? []).filter((resource) => !isPattern(resource) && reaches(resource, roleArnShape));
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
