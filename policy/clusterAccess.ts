/**
 * Kubernetes access a stack gives IAM roles to its EKS clusters: access entries (their Kubernetes
 * groups, their type and their access policies), access policy associations, and the `aws-auth`
 * ConfigMap's `mapRoles` (as a ConfigMap, a patch of it, or an `eks:index:Cluster`'s
 * `roleMappings`). A workload role with such access makes its pods Kubernetes principals beyond
 * their ServiceAccount: with the power to run pods as other ServiceAccounts, or to read their
 * tokens, they hold every role those ServiceAccounts are bound to, roles not meant for them. Pure
 * functions over the engine's plain values.
 */
import { parse as parseYaml } from "yaml";

import { cloudControlHolderType, heldTemplateOf, linkedReferences, resolveIntrinsics } from "./cloudformation";
import { RoleLink } from "./grants";
import { camelCased } from "./nodeStarts";
import { canonicalType, plainOr, plainPropertyOr, readOr, resourceLabel } from "./runtime";

/** One grant of Kubernetes access to a principal: who, and what it gives. */
export interface ClusterAccessRecord {
    /** The resource (and, in a template, the logical ID) and the field, for messages. */
    label: string;
    urn: string;
    principal: RoleLink;
    /** What the access is, for messages (`the access policy AmazonEKSEditPolicy at namespace scope`). */
    what: string;
}

/**
 * EKS access policies that let their holder read Kubernetes objects only, Secrets excluded
 * (`AmazonEKSViewPolicy`, Kubernetes' `view`): they let no one run pods or read tokens. Every other
 * one (`AmazonEKSClusterAdminPolicy`, `AmazonEKSAdminPolicy`, `AmazonEKSEditPolicy` create pods
 * with any ServiceAccount of their scope; `AmazonEKSAdminViewPolicy` reads Secrets; the service
 * policies write what their services manage) is more than a pod's IAM role should carry.
 */
export const readOnlyAccessPolicies: readonly string[] = ["AmazonEKSViewPolicy"];

/** The name of an EKS access policy ARN (`arn:aws:eks::aws:cluster-access-policy/<name>`), or the value as given. */
function accessPolicyName(arn: string): string {
    return /^arn:[^:]+:eks::aws:cluster-access-policy\/(.+)$/.exec(arn)?.[1] ?? arn;
}

/** A value the engine does not know yet (preview): judged as the widest it could be. */
const notKnown = Symbol("not known yet");

/** Reads a value, or `undefined` for a value the engine does not know yet. */
const known = (value: unknown): unknown => plainOr(value, undefined);

/**
 * A field of an object the engine handed over, or {@link notKnown} when it is not known yet
 * (preview). The read is guarded, as the engine's proxy throws on it: one unknown field must
 * neither stop the rule (which would hide every other grant of the stack) nor pass for absent.
 */
function field(record: unknown, key: string): unknown {
    return typeof record === "object" && record !== null ? plainPropertyOr(record as Record<string, unknown>, key, notKnown) : undefined;
}

function text(value: unknown): string[] {
    const read = value === notKnown ? [] : known(value);
    return (Array.isArray(read) ? read : [read]).filter((entry): entry is string => typeof entry === "string" && entry !== "");
}

/**
 * The principal a record gives access to. One not known yet (preview) is the role it depends on
 * (`principalArn: role.arn`), or, with none of the stack's, a role that could be a workload role.
 */
function principalLink(value: unknown, dependencies: string[] = []): RoleLink {
    return value === notKnown ? { references: [], dependencies, unknownReference: true } : { references: text(value), dependencies: [], unknownReference: false };
}

/** What an access policy gives, or undefined for one that reads without Secrets. */
function policyAccess(policyArn: unknown, scope: unknown): string | undefined {
    if (policyArn === notKnown) {
        return "an access policy not known yet (preview), which may be AmazonEKSClusterAdminPolicy";
    }
    const arn = text(policyArn)[0];
    if (arn === undefined || readOnlyAccessPolicies.includes(accessPolicyName(arn))) {
        return undefined;
    }
    const scopeType = scope === notKnown ? "a scope not known yet (preview)" : (text(field(scope, "type"))[0] ?? "cluster");
    return `the access policy ${accessPolicyName(arn)} at ${scopeType} scope`;
}

/** The records of an access entry, in aws-native's (camelCase) shape, aws classic's being the same for these fields. */
function accessEntryRecords(label: string, urn: string, props: Record<string, unknown>, dependencies: string[] = []): ClusterAccessRecord[] {
    const principal = principalLink(field(props, "principalArn"), dependencies);
    const records: ClusterAccessRecord[] = [];
    const groupsField = field(props, "kubernetesGroups");
    const groups = text(groupsField);
    if (groupsField === notKnown) {
        records.push({ label: `${label} kubernetesGroups`, urn, principal, what: "Kubernetes groups not known yet (preview), which may be system:masters" });
    } else if (groups.length > 0) {
        records.push({ label: `${label} kubernetesGroups`, urn, principal, what: `the Kubernetes groups ${JSON.stringify(groups)} (whatever RBAC binds to them, in or outside this stack)` });
    }
    const typeField = field(props, "type");
    const type = text(typeField)[0];
    if (typeField === notKnown) {
        records.push({ label: `${label} type`, urn, principal, what: "a type not known yet (preview), which may be a node's (the kubelet's access, which reads the ServiceAccount tokens of the pods bound to it)" });
    } else if (type !== undefined && type.toUpperCase() !== "STANDARD") {
        records.push({ label: `${label} type`, urn, principal, what: `the access of a node (type ${type}): the kubelet's, which reads the ServiceAccount tokens of the pods bound to it` });
    }
    const policies = field(props, "accessPolicies");
    if (policies === notKnown) {
        records.push({ label: `${label} accessPolicies`, urn, principal, what: "access policies not known yet (preview), which may be AmazonEKSClusterAdminPolicy" });
    }
    (Array.isArray(policies) ? policies : []).forEach((entry: unknown, index) => {
        const what = policyAccess(field(entry, "policyArn"), field(entry, "accessScope"));
        if (what !== undefined) {
            records.push({ label: `${label} accessPolicies[${index}]`, urn, principal, what });
        }
    });
    return records;
}

/**
 * The access entries an `eks:index:Cluster` creates from its `accessEntries` (a map of entries, each
 * with a map of `accessPolicies`): the component's own children, which the pack does not see, are
 * the entries these inputs describe, so they are read as aws classic's.
 */
function componentAccessEntries(label: string, urn: string, entries: unknown, dependencies: string[]): ClusterAccessRecord[] {
    if (entries === notKnown) {
        return [{ label: `${label} accessEntries`, urn, principal: principalLink(notKnown, dependencies), what: "access entries not known yet (preview), which may give any access" }];
    }
    const read = known(entries);
    if (typeof read !== "object" || read === null || Array.isArray(read)) {
        return [];
    }
    return Object.entries(read as Record<string, unknown>).flatMap(([key, entry]) => {
        const props = (known(entry) ?? {}) as Record<string, unknown>;
        const policies = known(props.accessPolicies);
        const accessPolicies = typeof policies === "object" && policies !== null && !Array.isArray(policies) ? Object.values(policies) : policies;
        return accessEntryRecords(`${label} accessEntries.${key}`, urn, { ...props, accessPolicies }, dependencies);
    });
}

/** The `mapRoles` entries of an `aws-auth` ConfigMap (YAML text, or a list) that give roles Kubernetes groups. */
function roleMappingRecords(label: string, urn: string, mappings: unknown, keys: { role: string; groups: string }, dependencies: string[] = []): ClusterAccessRecord[] {
    if (mappings === notKnown) {
        // mapRoles built from a role's ARN (`pulumi.interpolate`) is unknown as a whole: it maps the roles it depends on.
        return [{ label, urn, principal: principalLink(notKnown, dependencies), what: "Kubernetes groups not known yet (preview), which may be system:masters" }];
    }
    let entries = known(mappings);
    if (typeof entries === "string") {
        try {
            entries = parseYaml(entries) as unknown;
        } catch {
            return [];
        }
    }
    return (Array.isArray(entries) ? entries : []).flatMap((entry: unknown, index) => {
        const mapping = (entry ?? {}) as Record<string, unknown>;
        const groupsField = field(mapping, keys.groups);
        const groups = text(groupsField);
        const principal = principalLink(field(mapping, keys.role), dependencies);
        if (groupsField === notKnown) {
            return [{ label: `${label}[${index}]`, urn, principal, what: "Kubernetes groups not known yet (preview), which may be system:masters" }];
        }
        return groups.length === 0
            ? []
            : [{ label: `${label}[${index}]`, urn, principal, what: `the Kubernetes groups ${JSON.stringify(groups)} (whatever RBAC binds to them, in or outside this stack)` }];
    });
}

/** The `mapRoles` of an object's `data`: {@link notKnown} when the data (or it) is not known yet. */
function mapRolesOf(data: unknown): unknown {
    return data === notKnown ? notKnown : field(data, "mapRoles");
}

/** Whether a Kubernetes object's metadata names the `aws-auth` ConfigMap of `kube-system`. */
function isAwsAuth(metadata: unknown): boolean {
    // A name or namespace not known yet (preview) may be aws-auth's.
    if (metadata === notKnown) {
        return true;
    }
    const name = field(metadata, "name");
    const namespace = field(metadata, "namespace");
    return (name === notKnown || name === "aws-auth") && (namespace === notKnown || (namespace ?? "default") === "kube-system");
}

/**
 * The Kubernetes access one resource gives principals: aws classic's and aws-native's access entries
 * and access policy associations, CloudControl's and a CloudFormation template's
 * `AWS::EKS::AccessEntry` (a template's own roles by `Ref`/`Fn::GetAtt`), the `aws-auth` ConfigMap
 * (or a patch of it, or an item of a `ConfigMapList`) and an `eks:index:Cluster`'s `roleMappings` and `accessEntries`. Empty for other resources.
 */
export function clusterAccessOf(resource: {
    type: string;
    name: string;
    urn: string;
    props: Record<string, unknown>;
    propertyDependencies?: Record<string, { urn: string }[]>;
}): ClusterAccessRecord[] {
    const label = resourceLabel(resource);
    const props = resource.props;
    const dependencies = (key: string): string[] => (resource.propertyDependencies?.[key] ?? []).map((dependency) => dependency.urn);
    switch (canonicalType(resource.type)) {
        case "aws:eks/accessEntry:AccessEntry":
        case "aws-native:eks:AccessEntry":
            return accessEntryRecords(label, resource.urn, props, dependencies("principalArn"));
        case "aws:eks/accessPolicyAssociation:AccessPolicyAssociation": {
            const what = policyAccess(field(props, "policyArn"), field(props, "accessScope"));
            return what === undefined ? [] : [{ label, urn: resource.urn, principal: principalLink(field(props, "principalArn"), dependencies("principalArn")), what }];
        }
        case "aws:cloudcontrol/resource:Resource": {
            const typeName = field(props, "typeName");
            // A typeName not known yet (preview) is refused by the grants' reading, as a grant to any role.
            if (typeName === notKnown) {
                return [];
            }
            if (cloudControlHolderType(typeName) !== undefined) {
                return templateAccessRecords(resource);
            }
            // Another spelling of the type is judged as the type, as the grants' reading does (should CloudControl take it).
            if (String(typeName).toLowerCase() !== "aws::eks::accessentry") {
                return [];
            }
            const desired = field(props, "desiredState");
            if (desired === notKnown) {
                return [{ label: `${label} desiredState`, urn: resource.urn, principal: principalLink(notKnown, dependencies("desiredState")), what: "an access entry not known yet (preview), which may give any access" }];
            }
            let state: unknown = desired;
            if (typeof desired === "string") {
                try {
                    state = JSON.parse(desired);
                } catch {
                    return [];
                }
            }
            return typeof state === "object" && state !== null ? accessEntryRecords(`${label} desiredState`, resource.urn, camelCased(state) as Record<string, unknown>) : [];
        }
        case "kubernetes:core/v1:ConfigMap":
        case "kubernetes:core/v1:ConfigMapPatch":
            return isAwsAuth(field(props, "metadata")) ? roleMappingRecords(`${label} data.mapRoles`, resource.urn, mapRolesOf(field(props, "data")), { role: "rolearn", groups: "groups" }, dependencies("data")) : [];
        case "kubernetes:core/v1:ConfigMapList": {
            // A list applies each of its items: the aws-auth ConfigMap among them.
            const items = field(props, "items");
            if (items === notKnown) {
                return [{ label: `${label} items`, urn: resource.urn, principal: principalLink(notKnown, dependencies("items")), what: "objects not known yet (preview), which may be the aws-auth ConfigMap mapping roles to system:masters" }];
            }
            return (Array.isArray(items) ? items : []).flatMap((item: unknown, index) =>
                isAwsAuth(field(item, "metadata"))
                    ? roleMappingRecords(`${label} items[${index}] data.mapRoles`, resource.urn, mapRolesOf(field(item, "data")), { role: "rolearn", groups: "groups" }, dependencies("items"))
                    : [],
            );
        }
        case "eks:index:Cluster":
            return [
                ...roleMappingRecords(`${label} roleMappings`, resource.urn, field(props, "roleMappings"), { role: "roleArn", groups: "groups" }, dependencies("roleMappings")),
                ...componentAccessEntries(label, resource.urn, field(props, "accessEntries"), dependencies("accessEntries")),
            ];
        default:
            return templateAccessRecords(resource);
    }
}

/** The access entries of the template a resource holds (a stack, a stack set, or a CloudControl resource of either); none while it is not known. */
function templateAccessRecords(resource: { type: string; name: string; urn: string; props: Record<string, unknown> }): ClusterAccessRecord[] {
    const label = resourceLabel(resource);
    const source = readOr(() => heldTemplateOf(resource), undefined);
    if (source?.held.kind !== "template") {
        return [];
    }
    const held = source.held;
    const logicalIds = new Set(held.resources.map((each) => each.logicalId));
    return held.resources
        .filter((each) => each.type === "AWS::EKS::AccessEntry")
        .flatMap((each) => {
            const resolved = linkedReferences(resolveIntrinsics(each.properties, held.known), logicalIds, (id) => `${resource.urn}#${id}`);
            return accessEntryRecords(`${label} template resource ${JSON.stringify(each.logicalId)} (AWS::EKS::AccessEntry)`, resource.urn, camelCased(resolved) as Record<string, unknown>);
        });
}
