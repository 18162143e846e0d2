/**
 * Role chaining inside a stack: a role that pods hold may reach another role of the stack, and the
 * pods then hold that role's permissions too. A role reaches another (same account):
 * - by assuming it: the target's trust names the caller's ARN (no identity policy needed), or the
 *   caller's identity policies allow `sts:AssumeRole` on the target by name and its trust admits the
 *   caller (by ARN, by the caller's account, `*`, or a trust the pack cannot read);
 * - by passing it to compute it starts: the caller may `iam:PassRole` the target by name, the
 *   target's trust admits a service, and the caller may start that service's compute (one of the
 *   model's `computeStartingActions`), which then runs the caller's code as the target;
 * - by changing named compute of the stack that runs as the target: the code of a Lambda function,
 *   a CodeBuild project's build, a state machine's definition, commands on an EC2 instance (whose
 *   instance profile holds the target). The shared model counts these on compute a grant does not
 *   name; the pack, which sees the stack, follows the name to the compute's role.
 * Every role reached, directly or through further roles, is judged as a workload role, so its
 * administrator and escalation paths are the pods' (policy/workloads.ts). Named roles the stack does
 * not hold, which pods reach the same ways, cannot be judged: `outsideRolesReached` lists them for an
 * advisory finding. Pure functions.
 */
import { computeStartingActions, GrantStatement, grantsAction, grantStatementsOf, iamPatternMatches, isPattern, namedAssumableRoles, reaches, roleArnShape, runAsOtherRoleActions } from "@eks-irsa/components/iam";

import { standInAccountId } from "./cloudformation";
import { anyService, computeKinds, namesCompute, runAsTargetOf, serviceName, servicesStartedBy } from "./compute";
import { AssociationRecord, attachedStackPolicy, ComputeRecord, GrantRecord, linksTo, RoleLink, RoleRecord, StackGrants, unknown } from "./grants";
import { awsTrusteesOf, serviceTrusteesOf } from "./trust";

/** One step of a chain: the role reached (assumed, passed to compute, or run as by named compute), and why IAM admits it. */
export interface ChainStep {
    from: RoleRecord;
    to: RoleRecord;
    how: string;
}

/** A role reached by chaining, with the chain from a role pods hold. */
export interface ChainedRole {
    /** The role pods hold that the chain starts from, and why they hold it. */
    origin: { role: RoleRecord; reason: string };
    steps: ChainStep[];
}

/** The documents of a grant the pack can read from the stack: its own, or the stack's customer-managed policy it attaches. */
function grantDocuments(grant: GrantRecord, stack: StackGrants): { label: string; document: unknown }[] {
    const content = grant.content;
    if ("document" in content) {
        return [{ label: grant.label, document: content.document }];
    }
    if ("policyArn" in content || "policyReference" in content) {
        const policy = attachedStackPolicy(content, stack);
        return policy === undefined || policy.document === unknown ? [] : [{ label: `${grant.label} attaches ${policy.label}`, document: policy.document }];
    }
    return [];
}

/** A statement of a role's grants, with the resource of the grant it comes from. */
interface RoleStatement {
    statement: GrantStatement;
    urn: string;
}

/** The statements of every grant of a role the pack can read from the stack (AWS-managed policies are judged by capabilities, not named resources). */
function roleStatements(role: RoleRecord, stack: StackGrants): RoleStatement[] {
    return stack.grants
        .filter((grant) => linksTo(grant.role, role))
        .flatMap((grant) => grantDocuments(grant, stack).map((each) => ({ ...each, urn: grant.urn })))
        .flatMap(({ label, document, urn }) => {
            const read = grantStatementsOf(document, `${label} `);
            return "error" in read ? [] : read.statements.map((statement) => ({ statement, urn }));
        });
}

/** A role ARN a statement names, with the statement's label and grant. */
interface NamedRole {
    arn: string;
    label: string;
    urn: string;
}

/** The role ARNs these statements let their holder assume by name, each with the statement that does. */
function assumptionsIn(statements: RoleStatement[]): NamedRole[] {
    return statements.flatMap(({ statement, urn }) => namedAssumableRoles(statement).map((arn) => ({ arn, label: statement.label, urn })));
}

/**
 * The roles an `Allow` statement lets its holder pass by name (`iam:PassRole` in any spelling, on
 * exact role ARNs). Patterns and NotResource are the model's "pass-unnamed-role" capability.
 */
export function namedPassableRoles(statement: GrantStatement): string[] {
    if (statement.effect !== "Allow" || statement.notResources !== undefined || !grantsAction(statement, "iam:PassRole")) {
        return [];
    }
    return (statement.resources ?? []).filter((resource) => !isPattern(resource) && reaches(resource, roleArnShape));
}

/** The role ARNs these statements let their holder pass by name, each with the statement that does. */
function passesIn(statements: RoleStatement[]): NamedRole[] {
    return statements.flatMap(({ statement, urn }) => namedPassableRoles(statement).map((arn) => ({ arn, label: statement.label, urn })));
}

/** The compute-starting actions of the model a role's statements grant (on any resource: the role passed is what matters), each with the statement that does. */
function computeStartsIn(statements: RoleStatement[]): { action: string; label: string }[] {
    return statements.flatMap(({ statement }) =>
        statement.effect !== "Allow" ? [] : computeStartingActions.filter((action) => grantsAction(statement, action)).map((action) => ({ action, label: statement.label })),
    );
}

/** Whether a link names a role by one of these ARNs. */
function arnLinksTo(arn: string, role: RoleRecord): boolean {
    return linksTo({ references: [arn], dependencies: [], unknownReference: false }, role);
}

/** The account of a role, from an ARN it is known by; undefined while no ARN is known. */
function accountOf(role: RoleRecord): string | undefined {
    return role.references.map((reference) => /^arn:[^:]+:iam::(\d{12}):role\//.exec(reference)?.[1]).find((account) => account !== undefined);
}

/**
 * The role a role-session principal (`arn:<partition>:sts::<account>:assumed-role/<role>/<session>`)
 * is a session of: its account and role name (a pattern where the principal holds one). Whoever
 * holds the role chooses the session name (`RoleSessionName`), so a trust naming any session of a
 * role admits every holder of that role. Undefined for any other principal.
 */
export function sessionRoleOf(principal: string): { account: string; roleName: string } | undefined {
    const match = /^arn:[^:]+:sts::([^:]*):assumed-role\/([^/]+)\/.+$/.exec(principal);
    return match === null ? undefined : { account: match[1], roleName: match[2] };
}

/** The names a role is known by: its references' last segments (`arn:...:role/path/app` is `app`). */
function roleNames(role: RoleRecord): string[] {
    return role.references.filter((reference) => !reference.startsWith("urn:")).map((reference) => reference.slice(reference.lastIndexOf("/") + 1));
}

/** Whether a principal ARN of a trust policy is this role, or a session of it. */
function isRole(principal: string, role: RoleRecord): boolean {
    const session = sessionRoleOf(principal);
    if (session !== undefined) {
        // An assumed-role ARN has no path: it names the role by name, in its account.
        const account = accountOf(role);
        const sameAccount = account === undefined || !/^\d{12}$/.test(session.account) || session.account === account || session.account === standInAccountId;
        return sameAccount && roleNames(role).some((name) => iamPatternMatches(session.roleName, name));
    }
    return /^arn:[^:]+:iam::[^:]*:role\//.test(principal) && linksTo({ references: [principal], dependencies: [], unknownReference: false }, role);
}

/** Who a role's trust admits among AWS principals; "unreadable" when it is not known (preview) or cannot be read, which admits anyone the identity policies let in. */
type Trustees = ReturnType<typeof awsTrusteesOf> | "unreadable";

/** The trustees of each role record, read once (a deployment's records are judged again at each resource). */
const trusteesByRole = new WeakMap<RoleRecord, { trustees: Trustees }>();

function trusteesOf(role: RoleRecord): Trustees {
    const cached = trusteesByRole.get(role);
    if (cached !== undefined) {
        return cached.trustees;
    }
    const trustees: Trustees = role.trust === unknown ? "unreadable" : (awsTrusteesOf(role.trust) ?? "unreadable");
    trusteesByRole.set(role, { trustees });
    return trustees;
}

/** How a trust admits `from` to `sts:AssumeRole`: by naming it (alone enough), by its account (with an identity policy), or not at all. */
function trustAdmits(trustees: Trustees, from: RoleRecord): "names" | "with-identity-policy" | undefined {
    if (trustees === "unreadable") {
        return "with-identity-policy";
    }
    if (trustees === undefined) {
        return undefined;
    }
    // A `*` principal admits every caller as a named one would (the trust rules refuse it anyway).
    if (trustees.anyone || trustees.principals.some((principal) => isRole(principal, from))) {
        return "names";
    }
    const account = accountOf(from);
    // The stand-in account of a template's trust is the account the template deploys to, which may be any.
    return trustees.accounts.some((each) => account === undefined || each === account || each === standInAccountId) ? "with-identity-policy" : undefined;
}

/** The steps out of one role by `sts:AssumeRole`: every other role of the stack whose trust admits AWS principals and that it may assume. */
function assumeSteps(from: RoleRecord, statements: RoleStatement[], targets: { role: RoleRecord; trustees: Trustees }[]): ChainStep[] {
    const assumptions = assumptionsIn(statements);
    return targets.flatMap(({ role: to, trustees }) => {
        if (to === from) {
            return [];
        }
        const admits = trustAdmits(trustees, from);
        if (admits === "names") {
            return [{ from, to, how: `${to.trustLabel} admits ${from.label} to sts:AssumeRole by name (or anyone), so no identity policy is needed` }];
        }
        if (admits === undefined) {
            return [];
        }
        const allowed = assumptions.find(({ arn }) => arnLinksTo(arn, to));
        return allowed === undefined ? [] : [{ from, to, how: `${allowed.label} allows sts:AssumeRole on ${JSON.stringify(allowed.arn)}, which ${to.trustLabel} admits` }];
    });
}

/** The services a role's trust admits to `sts:AssumeRole`, by short name, read once per role record; none while it is not known or cannot be read (such a role is judged as a workload role already). */
const servicesByRole = new WeakMap<RoleRecord, { services: { principal: string; name: string }[] }>();

function trustedServices(role: RoleRecord): { principal: string; name: string }[] {
    const cached = servicesByRole.get(role);
    if (cached !== undefined) {
        return cached.services;
    }
    const principals = role.trust === unknown ? [] : (serviceTrusteesOf(role.trust) ?? []);
    const services = principals.map((principal) => ({ principal, name: principal === "*" ? anyService : serviceName(principal) }));
    servicesByRole.set(role, { services });
    return services;
}

/** The compute-starting action of these that starts compute of a service the role trusts, with that service; undefined if none does. */
function startsComputeAs(to: RoleRecord, starts: { action: string; label: string }[]): { action: string; label: string; principal: string } | undefined {
    const services = trustedServices(to);
    for (const start of starts) {
        const started = servicesStartedBy(start.action);
        const service = services.find(({ name }) => name === anyService || started.includes(anyService) || started.includes(name));
        if (service !== undefined) {
            return { ...start, principal: service.principal };
        }
    }
    return undefined;
}

/** The steps out of one role by `iam:PassRole` on a named role of the stack that trusts a service whose compute the role may start. */
function passSteps(from: RoleRecord, statements: RoleStatement[], roles: readonly RoleRecord[]): ChainStep[] {
    const passes = passesIn(statements);
    const starts = passes.length === 0 ? [] : computeStartsIn(statements);
    if (starts.length === 0) {
        return [];
    }
    return roles.flatMap((to) => {
        const pass = to === from ? undefined : passes.find(({ arn }) => arnLinksTo(arn, to));
        const start = pass === undefined ? undefined : startsComputeAs(to, starts);
        if (pass === undefined || start === undefined) {
            return [];
        }
        return [
            {
                from,
                to,
                how:
                    `${pass.label} allows iam:PassRole on ${JSON.stringify(pass.arn)}, whose trust (${to.trustLabel}) admits ${start.principal}, ` +
                    `and ${start.label} grants ${start.action}, which starts that service's compute as the role passed to it`,
            },
        ];
    });
}

/** The roles of the stack a piece of compute runs as (through its instance profile, for an instance), each with how. */
export function computeRoles(compute: ComputeRecord, stack: StackGrants): RoleRecord[] {
    return computeRolesVia(compute, stack).map(({ role }) => role);
}

/** The chain steps from a role to the roles a piece of compute runs as (other than its own), each told by `how`. */
function stepsToComputeRoles(from: RoleRecord, compute: ComputeRecord, stack: StackGrants, how: (to: RoleRecord, via: string) => string): ChainStep[] {
    return computeRolesVia(compute, stack)
        .filter(({ role }) => role !== from)
        .map(({ role: to, via }) => ({ from, to, how: how(to, via) }));
}

function computeRolesVia(compute: ComputeRecord, stack: StackGrants): { role: RoleRecord; via: string }[] {
    if ("role" in compute.runsAs) {
        const link = compute.runsAs.role;
        return stack.roles.filter((role) => linksTo(link, role)).map((role) => ({ role, via: "" }));
    }
    const link = compute.runsAs.instanceProfile;
    return stack.instanceProfiles
        .filter((profile) => linksTo(link, profile))
        .flatMap((profile) => stack.roles.filter((role) => linksTo(profile.role, role)).map((role) => ({ role, via: ` through ${profile.label}` })));
}

/** The steps out of one role by changing the code of, or sending commands to, compute of the stack it names, which runs as another role. */
function computeSteps(from: RoleRecord, statements: RoleStatement[], stack: StackGrants): ChainStep[] {
    return stack.compute.flatMap((compute) => {
        const kind = computeKinds[compute.kind];
        const grant = statements
            .filter(({ statement }) => statement.effect === "Allow" && statement.notResources === undefined)
            .flatMap(({ statement }) => {
                const action = kind.actions.find((each) => grantsAction(statement, each));
                const resource = action === undefined ? undefined : (statement.resources ?? []).find((each) => namesCompute(each, compute));
                return action === undefined || resource === undefined ? [] : [{ label: statement.label, action, resource }];
            })[0];
        if (grant === undefined) {
            return [];
        }
        return stepsToComputeRoles(from, compute, stack, (to, via) => `${grant.label} allows ${grant.action} on ${JSON.stringify(grant.resource)}, ${compute.label} (a ${kind.what}), which runs as ${to.label}${via}`);
    });
}

/**
 * The steps out of one role by changing the code of, or sending commands to, named compute that no
 * compute of the stack is (an Auto Scaling group's instance, a function another tool created, a kind
 * the pack does not follow, such as a Glue job or a SageMaker notebook): its role is not known, and
 * may be any role of the stack that trusts the service that compute runs as, so each of them is
 * reached, failing closed. A pattern on compute it does not name is the model's `run-as-other-role`
 * path already. Judged on the whole stack only (preview, and the end of an update): while a
 * deployment is under way the compute may be a resource it registers later.
 */
function unfollowedComputeSteps(from: RoleRecord, statements: RoleStatement[], stack: StackGrants): ChainStep[] {
    if (stack.partial === true) {
        return [];
    }
    const grants = statements
        .filter(({ statement }) => statement.effect === "Allow" && statement.notResources === undefined)
        .flatMap(({ statement }) =>
            runAsOtherRoleActions
                .filter((action) => grantsAction(statement, action))
                .flatMap((action) => {
                    const target = runAsTargetOf(action);
                    return (statement.resources ?? [])
                        .filter((resource) => !isPattern(resource) && target.arn.test(resource) && !stack.compute.some((compute) => namesCompute(resource, compute)))
                        .map((resource) => ({ label: statement.label, action, resource, services: target.services }));
                }),
        );
    if (grants.length === 0) {
        return [];
    }
    return stack.roles.flatMap((to) => {
        if (to === from) {
            return [];
        }
        const services = trustedServices(to);
        const grant = grants.find((each) => services.some(({ name }) => name === anyService || each.services.includes(anyService) || each.services.includes(name)));
        const service = grant === undefined ? undefined : services.find(({ name }) => name === anyService || grant.services.includes(anyService) || grant.services.includes(name));
        if (grant === undefined || service === undefined) {
            return [];
        }
        return [
            {
                from,
                to,
                how:
                    `${grant.label} allows ${grant.action} on ${JSON.stringify(grant.resource)}, compute that no resource of this stack is, so its role is not known: ` +
                    `it may run as ${to.label}, whose trust (${to.trustLabel}) admits ${service.principal}`,
            },
        ];
    });
}

/**
 * The actions that write code at an ARN a piece of compute loads, each with the ARN it is authorized
 * on: an image pushed to an ECR repository, an object put in S3, and the resource policies that can
 * grant those writes to the caller itself (a repository's policy, the bucket's), since within one
 * account a resource policy naming the caller allows on its own.
 */
function writeActionsOf(arn: string): { action: string; on: string; writes: string }[] {
    const grantsWrite = "whose resource policy can grant it the write of";
    if (/^arn:[^:]+:ecr:/.test(arn)) {
        return [
            { action: "ecr:PutImage", on: arn, writes: "which writes" },
            { action: "ecr:SetRepositoryPolicy", on: arn, writes: grantsWrite },
        ];
    }
    if (/^arn:[^:]+:s3:::/.test(arn)) {
        return [
            { action: "s3:PutObject", on: arn, writes: "which writes" },
            { action: "s3:PutBucketPolicy", on: arn.replace(/\/.*$/, ""), writes: grantsWrite },
        ];
    }
    return [];
}

/**
 * The steps out of one role by writing the code compute of the stack loads each time it runs (an
 * image it pulls by tag, a script in S3): the next task or run executes the caller's code as the
 * compute's role. Patterns count here (`ecr:PutImage` on `*` writes every repository).
 */
function artifactSteps(from: RoleRecord, statements: RoleStatement[], stack: StackGrants): ChainStep[] {
    return stack.compute.flatMap((compute) => {
        const grant = (compute.loads ?? []).flatMap((arn) =>
            writeActionsOf(arn).flatMap(({ action, on, writes }) =>
                statements
                    .filter(({ statement }) => statement.effect === "Allow" && grantsAction(statement, action))
                    .flatMap(({ statement }) => {
                        const resource =
                            statement.notResources !== undefined
                                ? statement.notResources.some((pattern) => iamPatternMatches(pattern, on))
                                    ? undefined
                                    : `NotResource ${JSON.stringify(statement.notResources)}`
                                : (statement.resources ?? []).find((pattern) => iamPatternMatches(pattern, on));
                        return resource === undefined ? [] : [{ label: statement.label, action, resource, arn, writes }];
                    }),
            ),
        )[0];
        if (grant === undefined) {
            return [];
        }
        return stepsToComputeRoles(
            from,
            compute,
            stack,
            (to, via) => `${grant.label} allows ${grant.action} on ${JSON.stringify(grant.resource)}, ${grant.writes} ${grant.arn}, the code ${compute.label} (a ${computeKinds[compute.kind].what}) loads each time it runs as ${to.label}${via}`,
        );
    });
}

/** Every step out of one role: the roles of the stack it assumes, passes to compute it starts, or runs as through named compute. */
function stepsFrom(from: RoleRecord, stack: StackGrants, targets: { role: RoleRecord; trustees: Trustees }[]): ChainStep[] {
    const statements = roleStatements(from, stack);
    return [
        ...assumeSteps(from, statements, targets),
        ...passSteps(from, statements, stack.roles),
        ...computeSteps(from, statements, stack),
        ...unfollowedComputeSteps(from, statements, stack),
        ...artifactSteps(from, statements, stack),
    ];
}

/**
 * The roles of the stack that pods reach by chaining from the roles they hold (those `heldBy` gives
 * a reason for), each with its shortest chain; the roles pods hold themselves are not in it.
 */
export function chainedRoles(stack: StackGrants, heldBy: (role: RoleRecord) => string | undefined): Map<RoleRecord, ChainedRole> {
    const reached = new Map<RoleRecord, ChainedRole>();
    const queue: { role: RoleRecord; chain: ChainedRole | undefined; origin: { role: RoleRecord; reason: string } }[] = [];
    const held = new Set<RoleRecord>();
    for (const role of stack.roles) {
        const reason = heldBy(role);
        if (reason !== undefined) {
            held.add(role);
            queue.push({ role, chain: undefined, origin: { role, reason } });
        }
    }
    // Only roles whose trust admits some AWS principal can be assumed by another role.
    const targets = stack.roles
        .map((role) => ({ role, trustees: trusteesOf(role) }))
        .filter(({ trustees }) => trustees === "unreadable" || (trustees !== undefined && (trustees.anyone || trustees.principals.length > 0 || trustees.accounts.length > 0)));
    for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
        for (const step of stepsFrom(next.role, stack, targets)) {
            if (held.has(step.to) || reached.has(step.to)) {
                continue;
            }
            const chain: ChainedRole = { origin: next.origin, steps: [...(next.chain?.steps ?? []), step] };
            reached.set(step.to, chain);
            queue.push({ role: step.to, chain, origin: next.origin });
        }
    }
    return reached;
}

/** A chain as the reason a role is a workload role: where it starts, each role on the way, and why IAM admits each step. */
export function describeChain(chain: ChainedRole): string {
    const roles = [chain.origin.role, ...chain.steps.map((step) => step.to)].map((role) => role.label).join(" -> ");
    return (
        `pods reach it by role chaining from ${chain.origin.role.label} (${chain.origin.reason}): ${roles}, ` +
        `as ${chain.steps.map((step) => step.how).join("; then ")}`
    );
}

/** A named role the stack does not hold that pods reach, and how; its permissions cannot be judged. */
export interface OutsideRole {
    arn: string;
    /** The grant or association that reaches it. */
    urn: string;
    evidence: string;
}

/** The ARNs a link names that link to no role of the stack (a link not known yet names none). */
function outsideArns(references: readonly string[], stack: StackGrants): string[] {
    return references.filter((reference) => /^arn:[^:]+:iam::[^:]*:role\//.test(reference) && !stack.roles.some((role) => arnLinksTo(reference, role)));
}

/** An association's role links, by the property each comes from (both readers list `roleArn`, then `targetRoleArn`). */
const associationKeys = ["roleArn", "targetRoleArn"] as const;

function associationOutsideRoles(association: AssociationRecord, stack: StackGrants): OutsideRole[] {
    return association.roles.flatMap((link: RoleLink, index) =>
        "self" in link
            ? []
            : outsideArns(link.references, stack).map((arn) => ({
                  arn,
                  urn: association.urn,
                  evidence: `${association.label} gives pods the credentials of ${JSON.stringify(arn)} (its ${associationKeys[index] ?? "role"})`,
              })),
    );
}

/**
 * The named roles the stack does not hold that pods reach: a Pod Identity association's role or
 * target role, and the roles a role pods hold (or reach by chaining) may assume by name, or pass by
 * name while it may start compute. The pack cannot read them, and a role in another account is a
 * supported pattern (a Pod Identity target role), so they are reported as advisory, not refused.
 */
export function outsideRolesReached(stack: StackGrants, heldBy: (role: RoleRecord) => string | undefined): OutsideRole[] {
    const chained = chainedRoles(stack, heldBy);
    const workloads = stack.roles.filter((role) => heldBy(role) !== undefined || chained.has(role));
    const fromRoles = workloads.flatMap((role) => {
        const statements = roleStatements(role, stack);
        const assumed = assumptionsIn(statements).filter(({ arn }) => outsideArns([arn], stack).length > 0);
        const passed = computeStartsIn(statements).length === 0 ? [] : passesIn(statements).filter(({ arn }) => outsideArns([arn], stack).length > 0);
        return [
            ...assumed.map(({ arn, label, urn }) => ({ arn, urn, evidence: `${label} lets ${role.label}, a workload role, call sts:AssumeRole on it` })),
            ...passed.map(({ arn, label, urn }) => ({ arn, urn, evidence: `${label} lets ${role.label}, a workload role, iam:PassRole it to compute it may start` })),
        ];
    });
    return [...stack.associations.flatMap((association) => associationOutsideRoles(association, stack)), ...fromRoles];
}
