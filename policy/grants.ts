/**
 * Every way a Pulumi stack gives a role a trust policy or a permission, read into one shape: roles
 * (with their trust, or "unknown"), grants (a document, an attached policy ARN, or something that
 * cannot be read) and customer-managed policies. aws classic, aws-native, CloudControl resources of
 * `AWS::IAM::*` types, the resources of CloudFormation stacks' templates, and EKS Pod Identity
 * associations, whose target roles' credentials the pods end up holding.
 */
import { containsIntrinsic, referencedLogicalId, templateResources, widenedDocument } from "./cloudformation";
import { isUnknownValue, plain, resourceLabel } from "./runtime";

/** A resource as the stack policies see it. */
export interface StackResource {
    type: string;
    name: string;
    urn: string;
    props: Record<string, unknown>;
    propertyDependencies: Record<string, { urn: string }[]>;
}

/** A value the engine does not know yet (preview), or one only CloudFormation will know. */
export const unknown = Symbol("unknown");
export type Maybe<T> = T | typeof unknown;

/** A role of the stack. */
export interface RoleRecord {
    label: string;
    urn: string;
    /** The names, ARNs and IDs it may be referred to by (and, for template roles, a logical reference). */
    references: string[];
    trust: Maybe<unknown>;
    /** Where the trust policy is, for the trust rules; undefined when it is not a document the rules can read. */
    trustLabel: string;
}

/** Which role a grant is for. */
export type RoleLink = { self: string } | { references: string[]; dependencies: string[]; unknownReference: boolean };

/** What a grant gives. */
export type GrantContent =
    | { document: unknown }
    | { policyArn: string; dependencies: string[] }
    | { policyReference: RoleLink }
    | { exclusiveNames: string[] }
    | { unreadable: string };

/** One grant to a role. */
export interface GrantRecord {
    label: string;
    urn: string;
    role: RoleLink;
    content: GrantContent;
    /** The inline policy's name, for RolePoliciesExclusive. */
    policyName?: string;
}

/** A customer-managed policy of the stack, by the names an attachment may use. */
export interface PolicyRecord {
    label: string;
    urn: string;
    references: string[];
    document: Maybe<unknown>;
    /** The account it is in, when known without its ARN (a template's policy, from the stack's account). */
    account?: string;
    /**
     * An inline policy of users, groups or roles (a template's `AWS::IAM::Policy`): its document is
     * judged, but it is no managed policy, so no attachment can name it (its name says nothing about
     * the managed policy of that name an attachment gets).
     */
    inline?: true;
}

/** A Pod Identity association: its roles are workload roles whatever their trust says. */
export interface AssociationRecord {
    label: string;
    urn: string;
    roles: RoleLink[];
}

/** Everything read from a stack. */
export interface StackGrants {
    roles: RoleRecord[];
    grants: GrantRecord[];
    policies: PolicyRecord[];
    associations: AssociationRecord[];
}

/** Reads a property; `unknown` when the engine does not know it yet. */
function read(props: Record<string, unknown>, key: string): Maybe<unknown> {
    try {
        return plain(props[key]);
    } catch (error) {
        if (isUnknownValue(error)) {
            return unknown;
        }
        throw error;
    }
}

function strings(value: Maybe<unknown>): string[] {
    if (value === unknown || value === undefined || value === null) {
        return [];
    }
    return (Array.isArray(value) ? value : [value]).filter((entry): entry is string => typeof entry === "string");
}

/** A reference and, for an ARN, the name it ends in (`arn:aws:iam::1:role/path/app` is also `app`). */
export function referenceForms(reference: string): string[] {
    const match = /^arn:[^:]+:iam::[^:]*:(?:role|policy)\/(?:.*\/)?([^/]+)$/.exec(reference);
    return match ? [reference, match[1]] : [reference];
}

function link(resource: StackResource, ...keys: string[]): RoleLink {
    const values = keys.map((key) => read(resource.props, key));
    return {
        references: values.flatMap(strings),
        dependencies: keys.flatMap((key) => (resource.propertyDependencies[key] ?? []).map((dependency) => dependency.urn)),
        unknownReference: values.some((value) => value === unknown) || values.some((value) => Array.isArray(value) && value.some((entry) => typeof entry !== "string")),
    };
}

function referencesOf(resource: StackResource, ...keys: string[]): string[] {
    return keys.flatMap((key) => strings(read(resource.props, key)));
}

/** The grants of a policy ARN list (`managedPolicyArns`, `policyArns`). */
function arnGrants(resource: StackResource, key: string, role: RoleLink, label: string): GrantRecord[] {
    const value = read(resource.props, key);
    if (value === unknown) {
        return [{ label: `${label} ${key}`, urn: resource.urn, role, content: { policyReference: { references: [], dependencies: (resource.propertyDependencies[key] ?? []).map((d) => d.urn), unknownReference: true } } }];
    }
    const dependencies = (resource.propertyDependencies[key] ?? []).map((dependency) => dependency.urn);
    return strings(value).map((policyArn) => ({ label: `${label} ${key}`, urn: resource.urn, role, content: { policyArn, dependencies } }));
}

function documentContent(document: Maybe<unknown>, what: string): GrantContent {
    if (document === unknown) {
        return { unreadable: `its ${what} is not known yet (preview), so what it grants cannot be judged` };
    }
    return document === undefined || document === null || document === "" ? { document: { Statement: [] } } : { document };
}

/** The CloudFormation (and CloudControl) shape of IAM resources: the same property names in both. */
function readCfnResource(
    type: string,
    properties: Record<string, unknown>,
    place: { label: string; urn: string; selfReferences: string[]; resolve: (value: unknown) => { references: string[]; unknownReference: boolean } },
    into: StackGrants,
): void {
    const roleLinkOf = (values: unknown): RoleLink => {
        const list = Array.isArray(values) ? values : values === undefined ? [] : [values];
        const resolved = list.map(place.resolve);
        return { references: resolved.flatMap((entry) => entry.references), dependencies: [], unknownReference: resolved.some((entry) => entry.unknownReference) };
    };
    const doc = (value: unknown): unknown => (containsIntrinsic(value) ? widenedDocument(value) : value);
    switch (type) {
        case "AWS::IAM::Role": {
            const trust = properties.AssumeRolePolicyDocument;
            into.roles.push({
                label: place.label,
                urn: place.urn,
                references: [...place.selfReferences, ...(typeof properties.RoleName === "string" ? [properties.RoleName] : [])],
                trust: containsIntrinsic(trust) ? unknown : trust,
                trustLabel: `${place.label} AssumeRolePolicyDocument`,
            });
            const self: RoleLink = { self: place.label };
            (Array.isArray(properties.Policies) ? properties.Policies : []).forEach((policy: unknown, index) => {
                const entry = (policy ?? {}) as { PolicyDocument?: unknown };
                into.grants.push({ label: `${place.label} Policies[${index}]`, urn: place.urn, role: self, content: { document: doc(entry.PolicyDocument) } });
            });
            (Array.isArray(properties.ManagedPolicyArns) ? properties.ManagedPolicyArns : []).forEach((arn: unknown, index) => {
                const label = `${place.label} ManagedPolicyArns[${index}]`;
                into.grants.push({
                    label,
                    urn: place.urn,
                    role: self,
                    content: typeof arn === "string" ? { policyArn: arn, dependencies: [] } : { policyReference: { ...roleLinkOf(arn), dependencies: [] } },
                });
            });
            return;
        }
        case "AWS::IAM::RolePolicy":
            into.grants.push({
                label: place.label,
                urn: place.urn,
                role: roleLinkOf(properties.RoleName),
                content: { document: doc(properties.PolicyDocument) },
                ...(typeof properties.PolicyName === "string" && { policyName: properties.PolicyName }),
            });
            return;
        case "AWS::IAM::ManagedPolicy":
        case "AWS::IAM::Policy":
            into.policies.push({
                label: place.label,
                urn: place.urn,
                references: [...place.selfReferences, ...(type === "AWS::IAM::ManagedPolicy" ? strings(properties.ManagedPolicyName as never) : [])],
                document: doc(properties.PolicyDocument),
                ...(type === "AWS::IAM::Policy" && { inline: true as const }),
            });
            if (properties.Roles !== undefined) {
                into.grants.push({ label: place.label, urn: place.urn, role: roleLinkOf(properties.Roles), content: { document: doc(properties.PolicyDocument) } });
            }
            return;
        case "AWS::EKS::PodIdentityAssociation":
            into.associations.push({ label: place.label, urn: place.urn, roles: [roleLinkOf(properties.RoleArn), roleLinkOf(properties.TargetRoleArn)] });
            return;
    }
}

/** Reads one resource into the stack's records. */
export function readResource(resource: StackResource, into: StackGrants): void {
    const label = resourceLabel(resource);
    const self: RoleLink = { self: resource.urn };
    const props = resource.props;
    switch (resource.type) {
        case "aws:iam/role:Role":
        case "aws-native:iam:Role": {
            const native = resource.type === "aws-native:iam:Role";
            const trustKey = native ? "assumeRolePolicyDocument" : "assumeRolePolicy";
            into.roles.push({ label, urn: resource.urn, references: referencesOf(resource, "name", "arn", "id", "roleName", "roleId"), trust: read(props, trustKey), trustLabel: `${label} ${trustKey}` });
            const inlineKey = native ? "policies" : "inlinePolicies";
            const inline = read(props, inlineKey);
            if (inline === unknown) {
                into.grants.push({ label: `${label} ${inlineKey}`, urn: resource.urn, role: self, content: documentContent(unknown, inlineKey) });
            } else if (Array.isArray(inline)) {
                inline.forEach((entry: unknown, index) => {
                    const policy = (entry ?? {}) as Record<string, unknown>;
                    const name = policy[native ? "policyName" : "name"];
                    into.grants.push({
                        label: `${label} ${inlineKey}[${index}]${typeof name === "string" ? ` (${name})` : ""}`,
                        urn: resource.urn,
                        role: self,
                        content: documentContent(policy[native ? "policyDocument" : "policy"], "document"),
                    });
                });
            }
            into.grants.push(...arnGrants(resource, "managedPolicyArns", self, label));
            return;
        }
        case "aws:iam/rolePolicy:RolePolicy":
        case "aws-native:iam:RolePolicy": {
            const native = resource.type === "aws-native:iam:RolePolicy";
            const name = read(props, native ? "policyName" : "name");
            into.grants.push({
                label,
                urn: resource.urn,
                role: link(resource, native ? "roleName" : "role"),
                content: documentContent(read(props, native ? "policyDocument" : "policy"), "policy"),
                ...(typeof name === "string" && { policyName: name }),
            });
            return;
        }
        case "aws:iam/policy:Policy":
            into.policies.push({ label, urn: resource.urn, references: referencesOf(resource, "arn", "id", "name", "policyId"), document: read(props, "policy") });
            return;
        case "aws-native:iam:ManagedPolicy": {
            const document = read(props, "policyDocument");
            into.policies.push({ label, urn: resource.urn, references: referencesOf(resource, "policyArn", "id", "managedPolicyName"), document });
            if (read(props, "roles") !== undefined) {
                into.grants.push({ label, urn: resource.urn, role: link(resource, "roles"), content: documentContent(document, "policyDocument") });
            }
            return;
        }
        case "aws:iam/rolePolicyAttachment:RolePolicyAttachment":
            into.grants.push(...arnGrants(resource, "policyArn", link(resource, "role"), label));
            return;
        case "aws:iam/policyAttachment:PolicyAttachment":
            into.grants.push(...arnGrants(resource, "policyArn", link(resource, "roles"), label));
            return;
        case "aws:iam/rolePolicyAttachmentsExclusive:RolePolicyAttachmentsExclusive":
            into.grants.push(...arnGrants(resource, "policyArns", link(resource, "roleName"), label));
            return;
        case "aws:iam/rolePoliciesExclusive:RolePoliciesExclusive": {
            // It names the role's inline policies; the ones no RolePolicy of the stack holds are documents the pack cannot read.
            const names = read(props, "policyNames");
            into.grants.push({
                label,
                urn: resource.urn,
                role: link(resource, "roleName"),
                content: names === unknown ? { unreadable: "its policyNames are not known yet (preview)" } : { exclusiveNames: strings(names) },
            });
            return;
        }
        case "aws:eks/podIdentityAssociation:PodIdentityAssociation":
        case "aws-native:eks:PodIdentityAssociation":
            into.associations.push({ label, urn: resource.urn, roles: [link(resource, "roleArn"), link(resource, "targetRoleArn")] });
            return;
        case "aws:cloudcontrol/resource:Resource": {
            const typeName = read(props, "typeName");
            if (typeof typeName !== "string" || !/^AWS::(IAM|EKS)::/.test(typeName)) {
                if (typeName === unknown) {
                    into.grants.push({ label, urn: resource.urn, role: { references: [], dependencies: [], unknownReference: true }, content: { unreadable: "its typeName is not known yet (preview)" } });
                }
                return;
            }
            const desired = read(props, "desiredState");
            let state: unknown = desired;
            if (typeof desired === "string") {
                try {
                    state = JSON.parse(desired);
                } catch {
                    state = undefined;
                }
            }
            if (desired === unknown || typeof state !== "object" || state === null) {
                const why = desired === unknown ? "its desiredState is not known yet (preview)" : "its desiredState is not a JSON object";
                if (typeName === "AWS::IAM::Role") {
                    into.roles.push({ label, urn: resource.urn, references: referencesOf(resource, "identifier"), trust: unknown, trustLabel: `${label} desiredState` });
                    into.grants.push({ label, urn: resource.urn, role: self, content: { unreadable: why } });
                } else {
                    into.grants.push({ label, urn: resource.urn, role: { references: [], dependencies: [], unknownReference: true }, content: { unreadable: why } });
                }
                return;
            }
            const dependencies = (resource.propertyDependencies.desiredState ?? []).map((dependency) => dependency.urn);
            const before = into.grants.length;
            readCfnResource(typeName, state as Record<string, unknown>, {
                label,
                urn: resource.urn,
                selfReferences: [resource.urn, ...referencesOf(resource, "identifier")],
                resolve: (value) => (typeof value === "string" ? { references: [value], unknownReference: false } : { references: [], unknownReference: true }),
            }, into);
            // A role named by another resource's output reaches the engine as a known string, or with that resource as dependency.
            for (const grant of into.grants.slice(before)) {
                if ("references" in grant.role) {
                    grant.role.dependencies.push(...dependencies);
                }
            }
            for (const role of into.roles.filter((each) => each.urn === resource.urn && each.label === label)) {
                role.references.push(resource.urn);
            }
            return;
        }
        case "aws:cloudformation/stack:Stack": {
            const body = read(props, "templateBody");
            if (body === unknown) {
                into.grants.push({ label, urn: resource.urn, role: { references: [], dependencies: [], unknownReference: true }, content: { unreadable: "its templateBody is not known yet (preview)" } });
                return;
            }
            if (body === undefined) {
                const url = read(props, "templateUrl");
                if (url !== undefined) {
                    into.grants.push({ label, urn: resource.urn, role: { references: [], dependencies: [], unknownReference: true }, content: { unreadable: "its template is at templateUrl, which the pack cannot read" } });
                }
                return;
            }
            const template = templateResources(body);
            if ("error" in template) {
                into.grants.push({ label, urn: resource.urn, role: { references: [], dependencies: [], unknownReference: true }, content: { unreadable: `its templateBody ${template.error}` } });
                return;
            }
            const logical = (id: string): string => `${resource.urn}#${id}`;
            for (const each of template.resources) {
                readCfnResource(each.type, each.properties, {
                    label: `${label} template resource ${JSON.stringify(each.logicalId)} (${each.type})`,
                    urn: resource.urn,
                    selfReferences: [logical(each.logicalId)],
                    resolve: (value) => {
                        if (typeof value === "string") {
                            return { references: [value], unknownReference: false };
                        }
                        const id = referencedLogicalId(value);
                        return id === undefined ? { references: [], unknownReference: true } : { references: [logical(id)], unknownReference: false };
                    },
                }, into);
            }
            return;
        }
    }
}

/** Reads every resource of a stack. */
export function readStack(resources: StackResource[]): StackGrants {
    const into: StackGrants = { roles: [], grants: [], policies: [], associations: [] };
    resources.forEach((resource) => readResource(resource, into));
    return into;
}

/** Whether a role is the one a link names: itself, a dependency, or a name or ARN in common. */
export function linksTo(linkTo: RoleLink, role: { urn: string; label: string; references: string[] }): boolean {
    if ("self" in linkTo) {
        return linkTo.self === role.urn || linkTo.self === role.label;
    }
    if (linkTo.dependencies.includes(role.urn) && !role.label.includes(" template resource ")) {
        return true;
    }
    const ours = new Set(role.references.flatMap(referenceForms));
    return linkTo.references.flatMap(referenceForms).some((reference) => ours.has(reference));
}

/** The link of an attachment's policy: the ARN it names, or the reference it holds. */
export function policyLinkOf(content: { policyArn: string; dependencies: string[] } | { policyReference: RoleLink }): RoleLink {
    return "policyArn" in content ? { references: [content.policyArn], dependencies: content.dependencies, unknownReference: false } : content.policyReference;
}

/** The account and name of a customer-managed policy ARN (`arn:<partition>:iam::<account>:policy/<path>/<name>`). */
export function policyArnParts(reference: string): { account: string; name: string } | undefined {
    const match = /^arn:[^:]+:iam::([^:]*):policy\/(?:.*\/)?([^/]+)$/.exec(reference);
    return match === null ? undefined : { account: match[1], name: match[2] };
}

/**
 * Whether a link names this managed policy: a dependency on it, a reference in common, or an ARN of
 * its account and name. A policy's name is unique only within its account, so an ARN of another
 * account is another policy; one whose account is not known (named, before it is created) is matched
 * by name.
 */
export function linksToPolicy(link: RoleLink, policy: PolicyRecord): boolean {
    if ("self" in link || policy.inline === true) {
        return false;
    }
    if (link.dependencies.includes(policy.urn) && !policy.label.includes(" template resource ")) {
        return true;
    }
    const ownArns = policy.references.flatMap((reference) => policyArnParts(reference) ?? []);
    return link.references.some((reference) => {
        if (policy.references.includes(reference)) {
            return true;
        }
        const arn = policyArnParts(reference);
        if (arn === undefined) {
            return false;
        }
        if (ownArns.length > 0) {
            return ownArns.some((own) => own.account === arn.account && own.name === arn.name);
        }
        return policy.references.includes(arn.name) && (policy.account === undefined || policy.account === arn.account);
    });
}

/** The customer-managed policy of this stack an attachment names, if the stack holds it. */
export function attachedStackPolicy(content: { policyArn: string; dependencies: string[] } | { policyReference: RoleLink }, stack: StackGrants): PolicyRecord | undefined {
    const link = policyLinkOf(content);
    return stack.policies.find((each) => linksToPolicy(link, each));
}
