/**
 * Role chaining inside a stack: a role that pods hold may assume another role of the stack, and the
 * pods then hold that role's permissions too. A role is reached from another when IAM would let the
 * one assume the other (same account): the target's trust names the caller's ARN (no identity
 * policy needed), or the caller's identity policies allow `sts:AssumeRole` on the target by name
 * and its trust admits the caller (by ARN, by the caller's account, `*`, or a trust the pack cannot
 * read). Every role reached, directly or through further roles, is judged as a workload role, so its
 * administrator and escalation paths are the pods' (policy/workloads.ts). Pure functions.
 */
import { grantStatementsOf, iamPatternMatches, namedAssumableRoles } from "@eks-irsa/components/iam";

import { attachedStackPolicy, GrantRecord, linksTo, RoleRecord, StackGrants, unknown } from "./grants";
import { awsTrusteesOf } from "./trust";

/** One step of a chain: the role assumed, and why IAM admits the call. */
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

/** The role ARNs a role's grants let it assume by name, each with the statement that does. */
export function namedAssumptions(role: RoleRecord, stack: StackGrants): { arn: string; label: string }[] {
    return stack.grants
        .filter((grant) => linksTo(grant.role, role))
        .flatMap((grant) => grantDocuments(grant, stack))
        .flatMap(({ label, document }) => {
            const read = grantStatementsOf(document, `${label} `);
            return "error" in read ? [] : read.statements.flatMap((statement) => namedAssumableRoles(statement).map((arn) => ({ arn, label: statement.label })));
        });
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
        const sameAccount = account === undefined || !/^\d{12}$/.test(session.account) || session.account === account;
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
    return trustees.accounts.some((each) => account === undefined || each === account) ? "with-identity-policy" : undefined;
}

/** The steps out of one role: every other role of the stack whose trust admits AWS principals and that it may assume. */
function stepsFrom(from: RoleRecord, stack: StackGrants, targets: { role: RoleRecord; trustees: Trustees }[]): ChainStep[] {
    let assumptions: { arn: string; label: string }[] | undefined;
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
        assumptions ??= namedAssumptions(from, stack);
        const allowed = assumptions.find(({ arn }) => linksTo({ references: [arn], dependencies: [], unknownReference: false }, to));
        return allowed === undefined ? [] : [{ from, to, how: `${allowed.label} allows sts:AssumeRole on ${JSON.stringify(allowed.arn)}, which ${to.trustLabel} admits` }];
    });
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
