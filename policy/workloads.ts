/**
 * Which roles pods can hold, and what every grant to them opens in the escalation model shared
 * with the components (components/iam). A role is judged as a workload role when its trust admits
 * IRSA or EKS Pod Identity, when a Pod Identity association names it (as its role or target role),
 * when pods reach it from such a role by role chaining (policy/chains.ts: the role may assume it),
 * and, failing closed, when its trust is not known (preview) or cannot be read, or when a grant
 * names a role this stack does not hold.
 */
import {
    awsManagedPolicyName,
    Capability,
    documentDataReads,
    grantStatementsOf,
    managedPolicyCapabilities,
    managedPolicyDataRead,
    managedPolicyTableSource,
    isMandatoryPath,
    PathFinding,
    pathsOf,
    statementCapabilities,
} from "@eks-irsa/components/iam";
import { attachedStackPolicy, GrantRecord, linksTo, policyLinkOf, RoleLink, RoleRecord, StackGrants, unknown } from "./grants";
import { chainedRoles, describeChain, outsideRolesReached } from "./chains";
import { isWorkloadTrustPolicy } from "./trust";
import { parsePolicyDocument } from "./documents";

/** A role judged, with why it counts as a workload role. */
export interface WorkloadJudgement {
    /** How messages name the role. */
    role: string;
    /** Why pods can hold it, or could. */
    reason: string;
    /** The paths its grants open, each with the resource to report it on. */
    findings: { finding: PathFinding; urn: string }[];
    /** Grants the pack cannot read, which are violations for a workload role. */
    unreadable: { label: string; urn: string; why: string }[];
    /**
     * Grants that read the data of every resource of a type (every object, secret, parameter...), as
     * the components judge them (components/iam/dataReads.ts), each with the resource to report it on.
     */
    dataReads: { evidence: string; urn: string }[];
}

/** Options of the judgement, from the pack's config. */
export interface JudgementOptions {
    /** AWS-managed policies refused by name whatever their documents say. */
    forbiddenPolicyNames: string[];
    /** AWS-managed policies whose broad paths are accepted (a team's exceptions). */
    allowedBroadPolicyNames: string[];
}

/** Why pods hold a role themselves (its trust, an association, or a trust the pack cannot read), if they do. */
function heldByPods(role: RoleRecord, stack: StackGrants): string | undefined {
    const association = stack.associations.find((each) => each.roles.some((link) => linksTo(link, role)));
    if (association !== undefined) {
        return `${association.label} gives its credentials to pods (roleArn or targetRoleArn)`;
    }
    return trustReason(role);
}

/** What a role's trust alone says, read once per role record (the deployment's records are judged again at each resource). */
const trustReasons = new WeakMap<RoleRecord, { reason: string | undefined }>();

function trustReason(role: RoleRecord): string | undefined {
    const cached = trustReasons.get(role);
    if (cached !== undefined) {
        return cached.reason;
    }
    const reason =
        role.unjudgeable !== undefined
            ? "its trust policy holds intrinsic functions only CloudFormation resolves, so it could be a workload role"
            : role.trust === unknown
            ? "its trust policy is not known yet (preview), so it could be a workload role"
            : "error" in parsePolicyDocument(role.trust)
              ? "its trust policy cannot be read, so it could be a workload role"
              : isWorkloadTrustPolicy(role.trust)
                ? "pods assume it through IRSA or EKS Pod Identity"
                : undefined;
    trustReasons.set(role, { reason });
    return reason;
}

/**
 * The roles on every chain (policy/chains.ts) that passes through one of these roles: where it
 * starts, the roles on the way and the one it reaches. A deployment's judgement at one resource
 * needs them, or it could not see a chain to, or from, the roles that resource touches.
 */
export function rolesChainedWith(stack: StackGrants, roles: readonly RoleRecord[]): RoleRecord[] {
    const members = new Set<RoleRecord>();
    for (const [target, chain] of chainedRoles(stack, (role) => heldByPods(role, stack))) {
        const onChain = [chain.origin.role, ...chain.steps.map((step) => step.to), target];
        if (onChain.some((role) => roles.includes(role))) {
            onChain.forEach((role) => members.add(role));
        }
    }
    return [...members];
}

function linkText(link: RoleLink): string {
    if ("self" in link) {
        return link.self;
    }
    return link.references.length > 0 ? link.references.join(", ") : link.anyRole !== undefined ? "any role" : "a role not known yet (preview)";
}

/**
 * The roles a grant names that the stack does not hold, as messages name them: each reference that
 * links to no role of the stack (a grant to several roles gives each its permissions, so one role of
 * the stack among them hides none of the others), or, when it links to none and names none, the role
 * not known yet.
 */
function outsideRoles(link: RoleLink, linked: RoleRecord[], stack: StackGrants): { names: string; label: string; reason: string }[] {
    if ("self" in link) {
        return [];
    }
    const outside = "it is not a role of this stack, so its trust cannot be read and it could be a workload role";
    if (linked.length === 0) {
        const names = linkText(link);
        if (link.references.length > 0) {
            return [{ names, label: `the role ${names}`, reason: outside }];
        }
        return [{ names, label: link.anyRole !== undefined ? names : `the role ${names}`, reason: `${link.anyRole ?? "it is not known yet (preview)"}, so it could be a workload role` }];
    }
    return link.references
        .filter((reference) => !stack.roles.some((role) => linksTo({ references: [reference], dependencies: [], unknownReference: false }, role)))
        .map((reference) => ({ names: reference, label: `the role ${reference}`, reason: outside }));
}

/** What one grant opens: its capabilities, each with its resource, where it reads every resource's data, or why it cannot be read. */
interface GrantJudgement {
    capabilities: { capability: Capability; urn: string }[];
    dataReads?: string[];
    unreadable?: string;
}

/** The capabilities of one grant, each with its resource; or why it cannot be read. */
function grantCapabilities(grant: GrantRecord, stack: StackGrants, role: RoleRecord | undefined, options: JudgementOptions): GrantJudgement {
    const fromDocument = (document: unknown, label: string): GrantJudgement => {
        const read = grantStatementsOf(document, `${label} `);
        if ("error" in read) {
            return { capabilities: [], unreadable: `cannot be judged: its document ${read.error}` };
        }
        return { capabilities: read.statements.flatMap(statementCapabilities).map((capability) => ({ capability, urn: grant.urn })), dataReads: documentDataReads(document, `${label} `) };
    };
    const content = grant.content;
    if ("document" in content) {
        return fromDocument(content.document, grant.label);
    }
    if ("unreadable" in content) {
        return { capabilities: [], unreadable: `cannot be judged: ${content.unreadable}` };
    }
    if ("exclusiveNames" in content) {
        const held = stack.grants.filter((other) => other.policyName !== undefined && role !== undefined && linksTo(other.role, role)).map((other) => other.policyName);
        const missing = content.exclusiveNames.filter((name) => !held.includes(name));
        return missing.length === 0 ? { capabilities: [] } : { capabilities: [], unreadable: `cannot be judged: it keeps inline policies ${JSON.stringify(missing)} that no policy resource of this stack holds, so their documents cannot be read` };
    }
    const policyLink = policyLinkOf(content);
    if ("policyArn" in content) {
        const name = awsManagedPolicyName(content.policyArn);
        const managed = managedPolicyCapabilities(content.policyArn);
        const forbidden = name !== undefined && options.forbiddenPolicyNames.some((each) => each.toLowerCase() === name.toLowerCase());
        if (forbidden && (managed === undefined || "unknown" in managed || !pathsOf(managed.capabilities).some((finding) => isMandatoryPath(finding.path)))) {
            return { capabilities: [], unreadable: `attaches ${content.policyArn}, which this policy's policyNames refuse by name` };
        }
        if (managed !== undefined) {
            if ("unknown" in managed) {
                return { capabilities: [], unreadable: `cannot be judged: it attaches ${content.policyArn}, which the table derived from ${managedPolicyTableSource()} does not know, so what it grants cannot be judged` };
            }
            const allowed = options.allowedBroadPolicyNames.some((each) => each.toLowerCase() === (name ?? "").toLowerCase());
            const dataRead = allowed ? undefined : managedPolicyDataRead(content.policyArn);
            return {
                capabilities: managed.capabilities.map((capability) => ({
                    capability: { ...capability, evidence: `${grant.label} attaches ${capability.evidence}`, ...(allowed && { acceptedBroad: true }) },
                    urn: grant.urn,
                })),
                ...(dataRead !== undefined && { dataReads: [`${grant.label} attaches ${content.policyArn}, whose document as AWS publishes it: ${dataRead}`] }),
            };
        }
    }
    const policy = attachedStackPolicy(content, stack);
    if (policy === undefined) {
        return {
            capabilities: [],
            unreadable: `cannot be judged: it attaches ${linkText(policyLink)}, a customer-managed policy this stack does not hold (or not known yet), so its document cannot be read`,
        };
    }
    if (policy.document === unknown) {
        return { capabilities: [], unreadable: `cannot be judged: the document of ${policy.label}, which it attaches, is not known yet (preview)` };
    }
    return fromDocument(policy.document, `${grant.label} attaches ${policy.label}`);
}

/** Every workload role of the stack (or role that could be one), judged. */
export function judgeWorkloadRoles(stack: StackGrants, options: JudgementOptions): WorkloadJudgement[] {
    const judged = new Map<string, { judgement: WorkloadJudgement; capabilities: { capability: Capability; urn: string }[] }>();
    const entry = (key: string, role: string, reason: string) =>
        judged.get(key) ?? judged.set(key, { judgement: { role, reason, findings: [], unreadable: [], dataReads: [] }, capabilities: [] }).get(key)!;
    // Roles pods hold, and the roles of the stack those let them assume (role chaining), directly or through further roles.
    const chained = chainedRoles(stack, (role) => heldByPods(role, stack));
    const workloadReason = (role: RoleRecord): string | undefined => {
        const chain = chained.get(role);
        return heldByPods(role, stack) ?? (chain === undefined ? undefined : describeChain(chain));
    };
    for (const grant of stack.grants) {
        const roles = stack.roles.filter((role) => linksTo(grant.role, role));
        const targets: { key: string; role: RoleRecord | undefined; label: string; reason: string }[] = [];
        for (const role of roles) {
            const reason = workloadReason(role);
            if (reason !== undefined) {
                targets.push({ key: `${role.urn} ${role.label}`, role, label: role.label, reason });
            }
        }
        for (const outside of outsideRoles(grant.role, roles, stack)) {
            targets.push({
                key: `outside ${grant.urn} ${outside.names}`,
                role: undefined,
                label: outside.label,
                reason: outside.reason,
            });
        }
        for (const target of targets) {
            const judgedRole = entry(target.key, target.label, target.reason);
            const { capabilities, unreadable, dataReads } = grantCapabilities(grant, stack, target.role, options);
            judgedRole.capabilities.push(...capabilities);
            // Reads are judged on the roles pods hold themselves: a role they reach by chaining (a node role
            // Karpenter passes) is judged by the paths it opens, its reads being what its compute needs.
            if (target.role !== undefined && heldByPods(target.role, stack) !== undefined) {
                judgedRole.judgement.dataReads.push(...(dataReads ?? []).map((evidence) => ({ evidence, urn: grant.urn })));
            }
            if (unreadable !== undefined) {
                judgedRole.judgement.unreadable.push({ label: grant.label, urn: grant.urn, why: unreadable });
            }
        }
    }
    return [...judged.values()].map(({ judgement, capabilities }) => {
        const findings = pathsOf(capabilities.map((each) => each.capability));
        const administrator = findings.some((finding) => finding.path.level === "administrator");
        return {
            ...judgement,
            // An administrator reads everything anyway: that finding says it.
            dataReads: administrator ? [] : judgement.dataReads,
            findings: findings.map((finding) => {
                // Accepted exceptions take a broad path away only when every capability of it comes from them.
                const sources = capabilities.filter((each) => finding.evidence.includes(each.capability.evidence));
                const accepted = finding.path.level === "broad" && sources.length > 0 && sources.every((each) => (each.capability as { acceptedBroad?: boolean }).acceptedBroad === true);
                return { finding, urn: accepted ? "" : (sources[0]?.urn ?? "") };
            }).filter((each) => each.urn !== ""),
        };
    });
}

/** A named role the stack does not hold that pods reach, with every way they do; the first one's resource reports it. */
export interface OutsideRoleJudgement {
    arn: string;
    urn: string;
    evidence: string[];
}

/**
 * The named roles outside the stack that pods reach (policy/chains.ts, `outsideRolesReached`), one
 * per role: the pack cannot read what they may do, so they are advisory findings.
 */
export function judgeOutsideRoles(stack: StackGrants): OutsideRoleJudgement[] {
    const byArn = new Map<string, OutsideRoleJudgement>();
    for (const { arn, urn, evidence } of outsideRolesReached(stack, (role) => heldByPods(role, stack))) {
        const judged = byArn.get(arn) ?? byArn.set(arn, { arn, urn, evidence: [] }).get(arn)!;
        if (!judged.evidence.includes(evidence)) {
            judged.evidence.push(evidence);
        }
    }
    return [...byArn.values()];
}

/**
 * The roles of the stack pods hold, or reach by role chaining, each with why: the roles the
 * workload rules judge (a role whose trust is not known or cannot be read among them, failing closed).
 */
export function workloadRolesOf(stack: StackGrants): { role: RoleRecord; reason: string }[] {
    const chained = chainedRoles(stack, (role) => heldByPods(role, stack));
    return stack.roles.flatMap((role) => {
        const chain = chained.get(role);
        const reason = heldByPods(role, stack) ?? (chain === undefined ? undefined : describeChain(chain));
        return reason === undefined ? [] : [{ role, reason }];
    });
}
