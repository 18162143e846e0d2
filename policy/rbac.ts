/**
 * Kubernetes RBAC a stack writes that lets a subject obtain the identity of a ServiceAccount bound to
 * a workload role (policy/workloads.ts), and so that role: pods it creates (directly or through a
 * workload controller) may name any ServiceAccount of their namespace, a token it mints or a Secret it
 * reads is that ServiceAccount's, impersonation and `escalate` / `bind` make it whoever it likes.
 * Read from `Role`, `ClusterRole`, `RoleBinding`, `ClusterRoleBinding` (their `Patch` and `List`
 * forms too), aggregated ClusterRoles by their `aggregationRule`, and Kubernetes' built-in
 * ClusterRoles bound by name. Pure functions over the engine's plain values; a value unknown during
 * preview, or a role the pack cannot read, fails closed.
 */
import { iamPatternMatches, isPattern } from "@eks-irsa/components/iam";

import { conditionsOf, conditionsOn, isAllow, isOperator, parsePolicyDocument, principalsOf } from "./documents";
import { linksTo, readStack, StackGrants, StackResource } from "./grants";
import { roleArnAnnotation } from "./kubernetes";
import { canonicalType, plain, plainOr, readOr, resourceLabel } from "./runtime";
import { workloadRolesOf } from "./workloads";

/**
 * A ServiceAccount a workload role is bound to, as patterns of its namespace and name (IAM pattern
 * syntax, `*` and `?`; `*` where the pack cannot tell, failing closed).
 */
export interface WorkloadIdentity {
    namespace: string;
    name: string;
    /** Why it holds a workload role, for messages. */
    source: string;
    /** Who it is cannot be told (a value not known yet, a trust that bounds nothing): no subject is it. */
    undetermined?: true;
}

/** One rule of a Role or ClusterRole, each field as a list (absent: empty). */
export interface RbacRule {
    apiGroups: string[];
    resources: string[];
    verbs: string[];
    resourceNames: string[];
}

/** The rules a role gives: read rules with where they come from, or why they cannot be read. */
export type RoleRules = { rules: { rule: RbacRule; evidence: string }[] } | { unreadable: string } | { builtIn: string; power: string };

/** A Role or ClusterRole of the stack. */
export interface RbacRole {
    label: string;
    urn: string;
    kind: "Role" | "ClusterRole";
    /** Its name; undefined when not known yet. */
    name: string | undefined;
    /** A Role's namespace (`*` when not known or not set). */
    namespace: string;
    labels: Record<string, string> | undefined;
    /** Its own rules (a patch without `rules` keeps rules the pack cannot see). */
    own: RoleRules;
    /** An aggregated ClusterRole's selectors; `"unknown"` when not known yet. */
    aggregation?: LabelSelector[] | "unknown";
}

/** A subject of a binding; `unknown` when the binding's subjects are not known yet or not set. */
export type RbacSubject = { kind: "ServiceAccount"; namespace: string; name: string } | { kind: "User" | "Group"; name: string } | { kind: "unknown"; why: string };

/** A RoleBinding or ClusterRoleBinding of the stack. */
export interface RbacBinding {
    label: string;
    urn: string;
    kind: "RoleBinding" | "ClusterRoleBinding";
    /** A RoleBinding's namespace (`*` when not known or not set); `*` for a ClusterRoleBinding. */
    namespace: string;
    roleRef: { kind: string; name: string } | undefined;
    /** The resources `roleRef` depends on (a role named by another resource's output). */
    roleDependencies: string[];
    subjects: RbacSubject[];
}

/** A Kubernetes label selector (`matchLabels`, `matchExpressions`). */
export interface LabelSelector {
    matchLabels: Record<string, string>;
    matchExpressions: { key: string; operator: string; values: string[] }[];
}

/** What a subject can do to become other ServiceAccounts: the names it reaches in a namespace (`*` any). */
export interface Power {
    what: string;
    evidence: string;
    /** The ServiceAccount names it reaches; `["*"]` for any (and any identity at all). */
    names: string[];
}

/** One violation: a binding that hands a subject the identity of workload ServiceAccounts. */
export interface RbacFinding {
    label: string;
    urn: string;
    message: string;
    /** What it is about (the binding and subject, or the aggregated role): the same finding however many ServiceAccounts it reaches. */
    key: string;
}

const rbacType = /^kubernetes:rbac\.authorization\.k8s\.io\/v1(?:alpha1|beta1)?:(Role|ClusterRole|RoleBinding|ClusterRoleBinding)(Patch|List)?$/;

/** Reads a value, `unknownValue` when the engine does not know it yet. */
const unknownValue = Symbol("unknown");
const read = (value: unknown): unknown => plainOr(value, unknownValue);

/** A property of an object the engine hands over, read alone (its siblings may be unknown during preview), or `unknownValue`. */
function field(value: unknown, key: string): unknown {
    return readOr(() => (typeof value !== "object" || value === null ? undefined : plain((value as Record<string, unknown>)[key])), unknownValue);
}

/** A property as the engine hands it over (a proxy for an object), without reading what it holds; `unknownValue` when it is itself unknown. */
function raw(value: unknown, key: string): unknown {
    return readOr(() => (typeof value === "object" && value !== null ? (value as Record<string, unknown>)[key] : undefined), unknownValue);
}

function strings(value: unknown): string[] {
    return (Array.isArray(value) ? value : value === undefined || value === null ? [] : [value]).filter((entry): entry is string => typeof entry === "string");
}

function record(value: unknown): Record<string, unknown> {
    return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/** A metadata namespace: the value, or `*` when not known yet or not set (the provider's default, which the pack cannot see). */
function namespaceOf(metadata: unknown): string {
    const namespace = field(metadata, "namespace");
    return typeof namespace === "string" && namespace !== "" ? namespace : "*";
}

function rulesOf(value: unknown, label: string, patch: boolean): RoleRules {
    const rules = read(value);
    if (rules === unknownValue) {
        return { unreadable: `the rules of ${label} are not known yet (preview)` };
    }
    if (rules === undefined || rules === null) {
        return patch ? { unreadable: `${label} patches a role without setting its rules, so the rules it keeps cannot be read` } : { rules: [] };
    }
    if (!Array.isArray(rules)) {
        return { unreadable: `the rules of ${label} are not a list` };
    }
    return {
        rules: rules.map((entry: unknown, index) => {
            const rule = record(entry);
            return {
                rule: { apiGroups: strings(rule.apiGroups), resources: strings(rule.resources), verbs: strings(rule.verbs), resourceNames: strings(rule.resourceNames) },
                evidence: `${label} rules[${index}] ${JSON.stringify(entry)}`,
            };
        }),
    };
}

function selectorsOf(value: unknown): LabelSelector[] | "unknown" | undefined {
    const aggregation = read(value);
    if (aggregation === unknownValue) {
        return "unknown";
    }
    if (aggregation === undefined || aggregation === null) {
        return undefined;
    }
    const selectors = record(aggregation).clusterRoleSelectors;
    return (Array.isArray(selectors) ? selectors : []).map((entry: unknown) => {
        const selector = record(entry);
        const labels = record(selector.matchLabels);
        return {
            matchLabels: Object.fromEntries(Object.entries(labels).map(([key, label]) => [key, String(label)])),
            matchExpressions: (Array.isArray(selector.matchExpressions) ? selector.matchExpressions : []).map((expression: unknown) => {
                const each = record(expression);
                return { key: String(each.key), operator: String(each.operator), values: strings(each.values) };
            }),
        };
    });
}

function subjectsOf(value: unknown, namespace: string, label: string, patch: boolean): RbacSubject[] {
    const subjects = read(value);
    if (subjects === unknownValue) {
        return [{ kind: "unknown", why: `the subjects of ${label} are not known yet (preview)` }];
    }
    if (patch && (subjects === undefined || subjects === null)) {
        return [{ kind: "unknown", why: `${label} patches a binding without setting its subjects, so the subjects it keeps cannot be read` }];
    }
    if (!Array.isArray(subjects)) {
        return subjects === undefined || subjects === null ? [] : [{ kind: "unknown", why: `the subjects of ${label} are not a list` }];
    }
    return subjects.map((entry: unknown): RbacSubject => {
        const subject = record(entry);
        const name = typeof subject.name === "string" ? subject.name : "";
        if (subject.kind === "ServiceAccount") {
            // A ServiceAccount without a namespace is the binding's (Kubernetes' RBAC authorizer).
            return { kind: "ServiceAccount", namespace: typeof subject.namespace === "string" && subject.namespace !== "" ? subject.namespace : namespace, name };
        }
        // A User named as a ServiceAccount's username is that ServiceAccount (the authorizer compares user names).
        const asServiceAccount = subject.kind === "User" ? /^system:serviceaccount:([^:]+):([^:]+)$/.exec(name) : null;
        if (asServiceAccount !== null) {
            return { kind: "ServiceAccount", namespace: asServiceAccount[1], name: asServiceAccount[2] };
        }
        return subject.kind === "User" || subject.kind === "Group" ? { kind: subject.kind, name } : { kind: "unknown", why: `a subject of kind ${JSON.stringify(subject.kind)}` };
    });
}

/** The objects of one resource: itself, or each item of a `List`. */
function objectsOf(resource: StackResource): { kind: string; patch: boolean; label: string; body: Record<string, unknown> }[] {
    const match = rbacType.exec(resource.type);
    if (match === null) {
        return [];
    }
    const label = resourceLabel(resource);
    if (match[2] === "List") {
        const items = read(raw(resource.props, "items"));
        if (items === unknownValue && match[1].endsWith("Binding")) {
            // Bindings not known yet (preview): any role, to anyone, anywhere.
            return [{ kind: match[1], patch: true, label: `${label} items (not known yet, preview)`, body: {} }];
        }
        return (Array.isArray(items) ? items : []).map((item: unknown, index) => ({ kind: match[1], patch: false, label: `${label} items[${index}]`, body: record(item) }));
    }
    return [{ kind: match[1], patch: match[2] === "Patch", label, body: resource.props }];
}

/** The RBAC objects of a stack. */
export function rbacObjectsOf(resources: readonly StackResource[]): { roles: RbacRole[]; bindings: RbacBinding[] } {
    const roles: RbacRole[] = [];
    const bindings: RbacBinding[] = [];
    for (const resource of resources) {
        for (const { kind, patch, label, body } of objectsOf(resource)) {
            const metadata = raw(body, "metadata");
            const name = field(metadata, "name");
            if (kind === "Role" || kind === "ClusterRole") {
                const labels = field(metadata, "labels");
                roles.push({
                    label,
                    urn: resource.urn,
                    kind,
                    name: typeof name === "string" ? name : undefined,
                    namespace: kind === "Role" ? namespaceOf(metadata) : "*",
                    labels: labels === unknownValue ? undefined : Object.fromEntries(Object.entries(record(labels)).map(([key, value]) => [key, String(value)])),
                    own: rulesOf(raw(body, "rules"), label, patch),
                    ...(kind === "ClusterRole" && { aggregation: selectorsOf(raw(body, "aggregationRule")) }),
                });
                continue;
            }
            const namespace = kind === "RoleBinding" ? namespaceOf(metadata) : "*";
            const roleRef = read(raw(body, "roleRef"));
            const ref = record(roleRef === unknownValue ? undefined : roleRef);
            bindings.push({
                label,
                urn: resource.urn,
                kind: kind as RbacBinding["kind"],
                namespace,
                roleRef: typeof ref.kind === "string" && typeof ref.name === "string" ? { kind: ref.kind, name: ref.name } : undefined,
                roleDependencies: (resource.propertyDependencies.roleRef ?? []).map((dependency) => dependency.urn),
                subjects: subjectsOf(raw(body, "subjects"), namespace, label, patch),
            });
        }
    }
    return { roles, bindings };
}

/** The label every built-in ClusterRole carries. */
const bootstrapping = { "kubernetes.io/bootstrapping": "rbac-defaults" };

/**
 * Kubernetes' built-in ClusterRoles, as the pack judges them: `power` when they let their holder run
 * pods as any ServiceAccount of their scope, read Secrets or make itself anyone (cluster-admin; admin
 * and edit create pods and workloads; the aggregated pieces of those; the controllers' and nodes'
 * roles), `view` and the discovery roles read nothing that gives an identity. Their labels, for
 * aggregated ClusterRoles whose selectors pick them.
 */
export const builtInClusterRoles: Readonly<Record<string, { labels: Record<string, string>; power?: string }>> = {
    "cluster-admin": { labels: bootstrapping, power: "do anything (every verb on every resource)" },
    admin: { labels: { ...bootstrapping }, power: "create pods and workloads, read Secrets, create ServiceAccount tokens" },
    edit: { labels: { ...bootstrapping, "rbac.authorization.k8s.io/aggregate-to-admin": "true" }, power: "create pods and workloads, read Secrets, create ServiceAccount tokens" },
    view: { labels: { ...bootstrapping, "rbac.authorization.k8s.io/aggregate-to-edit": "true" } },
    // Roles and RoleBindings within what their holder already has; admin's pods come from edit, which it aggregates.
    "system:aggregate-to-admin": { labels: { ...bootstrapping, "rbac.authorization.k8s.io/aggregate-to-admin": "true" } },
    "system:aggregate-to-edit": { labels: { ...bootstrapping, "rbac.authorization.k8s.io/aggregate-to-edit": "true" }, power: "create pods and workloads, read Secrets, impersonate ServiceAccounts (its part of edit)" },
    "system:aggregate-to-view": { labels: { ...bootstrapping, "rbac.authorization.k8s.io/aggregate-to-view": "true" } },
    "system:basic-user": { labels: bootstrapping },
    "system:discovery": { labels: bootstrapping },
    "system:public-info-viewer": { labels: bootstrapping },
    "system:auth-delegator": { labels: bootstrapping },
    "system:heapster": { labels: bootstrapping },
    "system:kube-dns": { labels: bootstrapping },
    "system:monitoring": { labels: bootstrapping },
    "system:node-proxier": { labels: bootstrapping },
    "system:volume-scheduler": { labels: bootstrapping },
    "system:node": { labels: bootstrapping, power: "read the tokens and Secrets of the pods on a node (a node's access)" },
    "system:kube-controller-manager": { labels: bootstrapping, power: "create pods and read every Secret (the controller manager's access)" },
};

function selectorMatches(selector: LabelSelector, labels: Record<string, string>): boolean {
    return (
        Object.entries(selector.matchLabels).every(([key, value]) => labels[key] === value) &&
        selector.matchExpressions.every(({ key, operator, values }) => {
            switch (operator) {
                case "In":
                    return key in labels && values.includes(labels[key]);
                case "NotIn":
                    return !(key in labels) || !values.includes(labels[key]);
                case "Exists":
                    return key in labels;
                case "DoesNotExist":
                    return !(key in labels);
                default:
                    // An operator the API server refuses: read it as matching, failing closed.
                    return true;
            }
        })
    );
}

/** The rules a role holds: its own and, aggregated, those of every ClusterRole of the stack (or built-in) its selectors pick. */
function effectiveRules(role: RbacRole | { builtIn: string }, roles: readonly RbacRole[], seen: Set<unknown> = new Set()): RoleRules[] {
    if ("builtIn" in role) {
        const builtIn = builtInClusterRoles[role.builtIn];
        const own: RoleRules[] = builtIn.power === undefined ? [] : [{ builtIn: `the built-in ClusterRole ${JSON.stringify(role.builtIn)}`, power: builtIn.power }];
        // view, edit and admin aggregate the stack's ClusterRoles labelled for them.
        const label = { view: "aggregate-to-view", edit: "aggregate-to-edit", admin: "aggregate-to-admin" }[role.builtIn];
        const aggregated = label === undefined ? [] : roles.filter((each) => each.kind === "ClusterRole" && (each.labels === undefined || each.labels[`rbac.authorization.k8s.io/${label}`] === "true"));
        return [...own, ...aggregated.flatMap((each) => (seen.has(each) ? [] : (seen.add(each), effectiveRules(each, roles, seen))))];
    }
    const own = [role.own];
    if (role.aggregation === undefined) {
        return own;
    }
    if (role.aggregation === "unknown") {
        return [...own, { unreadable: `the aggregationRule of ${role.label} is not known yet (preview)` }];
    }
    const selectors = role.aggregation;
    const picks = (labels: Record<string, string> | undefined) => labels === undefined || selectors.some((selector) => selectorMatches(selector, labels));
    const builtIns = Object.entries(builtInClusterRoles).filter(([, each]) => each.power !== undefined && picks(each.labels)).map(([name]) => name);
    const stackRoles = roles.filter((each) => each !== role && each.kind === "ClusterRole" && picks(each.labels));
    return [
        ...own,
        ...builtIns.map((name): RoleRules => ({ builtIn: `${role.label} aggregates the built-in ClusterRole ${JSON.stringify(name)}, which`, power: builtInClusterRoles[name].power ?? "" })),
        ...stackRoles.flatMap((each) => (seen.has(each) ? [] : (seen.add(each), effectiveRules(each, roles, seen)))),
    ];
}

/** Whether a rule allows one of these verbs on a resource (`pods`, or a subresource such as `pods/exec`) of one of these groups; a `*` resource counts, and so does `*` followed by the subresource. */
function allows(rule: RbacRule, groups: readonly string[], resource: string, verbs: readonly string[]): boolean {
    const sub = resource.split("/")[1];
    return (
        rule.apiGroups.some((group) => group === "*" || groups.includes(group)) &&
        rule.resources.some((each) => each === "*" || each === resource || (sub !== undefined && each === `*/${sub}`)) &&
        rule.verbs.some((verb) => verb === "*" || verbs.includes(verb))
    );
}

/** A way to become other ServiceAccounts, as RBAC authorizes it. */
interface PowerShape {
    what: string;
    groups: string[];
    resources: string[];
    verbs: string[];
    /** Cluster-scoped: granted only by a ClusterRoleBinding. */
    cluster?: true;
    /** resourceNames restrict it to those ServiceAccounts (a token, an impersonation). */
    byName?: true;
    /** resourceNames do not restrict it (create carries no name; a Secret's name says nothing of whose token it holds). */
    anyName?: true;
}

/** The workload kinds that make pods, by API group. */
const podMakers: { groups: string[]; resources: string[] }[] = [
    { groups: [""], resources: ["pods", "replicationcontrollers"] },
    { groups: ["apps", "extensions"], resources: ["deployments", "daemonsets", "statefulsets", "replicasets"] },
    { groups: ["batch"], resources: ["jobs", "cronjobs"] },
    // Custom resources whose controllers start pods with a ServiceAccount the object names (a field of its spec), as a Deployment does:
    // Argo Workflows and Rollouts, Tekton runs, KEDA scaled jobs, Knative services, Spark, Ray and Kubeflow jobs, Volcano jobs.
    { groups: ["argoproj.io"], resources: ["workflows", "cronworkflows", "rollouts"] },
    { groups: ["tekton.dev"], resources: ["taskruns", "pipelineruns"] },
    { groups: ["keda.sh"], resources: ["scaledjobs"] },
    { groups: ["serving.knative.dev"], resources: ["services", "configurations"] },
    { groups: ["sparkoperator.k8s.io"], resources: ["sparkapplications", "scheduledsparkapplications"] },
    { groups: ["ray.io"], resources: ["rayjobs", "rayclusters", "rayservices"] },
    { groups: ["kubeflow.org"], resources: ["pytorchjobs", "tfjobs", "mpijobs", "xgboostjobs", "notebooks"] },
    { groups: ["batch.volcano.sh"], resources: ["jobs"] },
];

/** Every way the pack knows a role's rules let their holder act as other ServiceAccounts. */
export const powerShapes: readonly PowerShape[] = [
    ...podMakers.map(({ groups, resources }) => ({ what: `create pods (${resources.join(", ")}) with any ServiceAccount of the namespace`, groups, resources, verbs: ["create"], anyName: true as const })),
    ...podMakers.map(({ groups, resources }) => ({ what: `change what pods (${resources.join(", ")}) run, or their ServiceAccount`, groups, resources, verbs: ["update", "patch"], anyName: true as const })),
    { what: "run commands in running pods (exec, attach, ephemeral containers)", groups: [""], resources: ["pods/exec", "pods/attach"], verbs: ["create", "get"], anyName: true },
    { what: "run commands in running pods (exec, attach, ephemeral containers)", groups: [""], resources: ["pods/ephemeralcontainers"], verbs: ["update", "patch"], anyName: true },
    { what: "create tokens for ServiceAccounts", groups: [""], resources: ["serviceaccounts/token"], verbs: ["create"], byName: true },
    { what: "impersonate ServiceAccounts", groups: [""], resources: ["serviceaccounts"], verbs: ["impersonate"], byName: true },
    { what: "read Secrets (a ServiceAccount's legacy token Secret among them)", groups: [""], resources: ["secrets"], verbs: ["get", "list", "watch"], anyName: true },
    { what: "grant itself any role (escalate, bind)", groups: ["rbac.authorization.k8s.io"], resources: ["roles", "clusterroles"], verbs: ["escalate", "bind"], anyName: true },
    { what: "impersonate users, groups or UIDs (system:masters among them)", groups: ["", "authentication.k8s.io"], resources: ["users", "groups", "uids"], verbs: ["impersonate"], cluster: true, anyName: true },
    { what: "run commands in any pod through the kubelet (nodes/proxy)", groups: [""], resources: ["nodes/proxy"], verbs: ["get", "create"], cluster: true, anyName: true },
    { what: "change pods as they are admitted (admission webhooks)", groups: ["admissionregistration.k8s.io"], resources: ["mutatingwebhookconfigurations"], verbs: ["create", "update", "patch"], cluster: true, anyName: true },
    // A MutatingAdmissionPolicy (admissionregistration.k8s.io v1alpha1 in 1.32, v1beta1 in 1.34) rewrites objects with CEL as they are
    // admitted, as a webhook does: bound to pods, it adds a container or changes an image of a workload's pod, which then runs with its ServiceAccount.
    { what: "change pods as they are admitted (mutating admission policies)", groups: ["admissionregistration.k8s.io"], resources: ["mutatingadmissionpolicies", "mutatingadmissionpolicybindings"], verbs: ["create", "update", "patch"], cluster: true, anyName: true },
    // A validating webhook is sent every object it selects as it is written: a Secret of type kubernetes.io/service-account-token among them when the token controller fills it.
    { what: "receive Secrets as they are written, a ServiceAccount's token Secret among them (validating webhooks)", groups: ["admissionregistration.k8s.io"], resources: ["validatingwebhookconfigurations"], verbs: ["create", "update", "patch"], cluster: true, anyName: true },
    { what: "approve certificates for any user (certificate signers)", groups: ["certificates.k8s.io"], resources: ["signers"], verbs: ["approve"], cluster: true, anyName: true },
];

/** The powers rules give in a binding's scope (a RoleBinding gives no cluster-scoped resource). */
export function powersOf(rules: readonly RoleRules[], clusterScope: boolean): Power[] {
    return rules.flatMap((each): Power[] => {
        if ("unreadable" in each) {
            return [{ what: "do whatever its rules allow, which the pack cannot read", evidence: each.unreadable, names: ["*"] }];
        }
        if ("builtIn" in each) {
            return [{ what: each.power, evidence: each.builtIn, names: ["*"] }];
        }
        return each.rules.flatMap(({ rule, evidence }) =>
            powerShapes
                .filter((shape) => (clusterScope || shape.cluster !== true) && shape.resources.some((resource) => allows(rule, shape.groups, resource, shape.verbs)))
                .map((shape) => ({ what: shape.what, evidence, names: shape.byName === true && rule.resourceNames.length > 0 ? rule.resourceNames : ["*"] })),
        );
    });
}

/** The roles a binding names: in the stack (by name, or by the resource its roleRef depends on), built in, or unreadable. */
function rulesOfBinding(binding: RbacBinding, roles: readonly RbacRole[], partial: boolean): { label: string; rules: RoleRules[] } {
    const ref = binding.roleRef;
    if (ref === undefined) {
        const linked = roles.filter((role) => binding.roleDependencies.includes(role.urn));
        if (partial && linked.length === 0) {
            // A resource's own check does not see the resources its roleRef depends on: the whole stack judges it.
            return { label: "a role not known yet", rules: [] };
        }
        return linked.length > 0
            ? { label: linked.map((role) => role.label).join(", "), rules: linked.flatMap((role) => effectiveRules(role, roles)) }
            : { label: "a role not known yet", rules: [{ unreadable: `the roleRef of ${binding.label} is not known yet (preview), or not set` }] };
    }
    const named = roles.filter(
        (role) =>
            role.kind === ref.kind &&
            (role.name === ref.name || (role.name === undefined && binding.roleDependencies.includes(role.urn))) &&
            (ref.kind === "ClusterRole" || overlaps(role.namespace, binding.namespace)),
    );
    const text = `the ${ref.kind} ${JSON.stringify(ref.name)}`;
    if (named.length > 0) {
        // A patch of a built-in role keeps the built-in's rules.
        const builtIn = ref.kind === "ClusterRole" && ref.name in builtInClusterRoles ? effectiveRules({ builtIn: ref.name }, roles) : [];
        return { label: text, rules: [...builtIn, ...named.flatMap((role) => effectiveRules(role, roles))] };
    }
    if (ref.kind === "ClusterRole" && ref.name in builtInClusterRoles) {
        return { label: `the built-in ${ref.kind} ${JSON.stringify(ref.name)}`, rules: effectiveRules({ builtIn: ref.name }, roles) };
    }
    // While a deployment is analyzed, the role may be registered after its binding: the whole stack judges it.
    return { label: text, rules: partial ? [] : [{ unreadable: `${text} is not a role of this stack, so its rules cannot be read` }] };
}

/** Whether two namespace patterns can be the same namespace. */
function overlaps(first: string, second: string): boolean {
    return iamPatternMatches(first, second) || iamPatternMatches(second, first) || (isPattern(first) && isPattern(second));
}

function identityFrom(value: string, source: string): WorkloadIdentity {
    const match = /^system:serviceaccount:([^:]*):(.+)$/.exec(value);
    if (match === null || value.includes("${")) {
        return { namespace: "*", name: "*", source, undetermined: true };
    }
    return { namespace: match[1], name: match[2], source };
}

/** The ServiceAccounts a workload role's trust admits: its IRSA `sub` and its Pod Identity namespace and name tags. */
function trustIdentities(trust: unknown, source: string): WorkloadIdentity[] {
    const parsed = parsePolicyDocument(trust);
    if ("error" in parsed) {
        return [{ namespace: "*", name: "*", source, undetermined: true }];
    }
    return parsed.statements.flatMap(({ statement }) => {
        if (!isAllow(statement)) {
            return [];
        }
        const principals = principalsOf(statement);
        const positive = (key: string) => conditionsOn(conditionsOf(statement), key).filter((condition) => isOperator(condition, "StringEquals", "StringLike"));
        if ((principals.Federated ?? []).length > 0) {
            const subjects = conditionsOf(statement).filter((condition) => /:sub$/i.test(condition.key) && isOperator(condition, "StringEquals", "StringLike"));
            return subjects.length === 0 ? [{ namespace: "*", name: "*", source, undetermined: true as const }] : subjects.flatMap((condition) => condition.values.map((value) => identityFrom(value, source)));
        }
        if ((principals.Service ?? []).includes("pods.eks.amazonaws.com")) {
            const namespaces = positive("aws:RequestTag/kubernetes-namespace").flatMap((condition) => condition.values);
            const names = positive("aws:RequestTag/kubernetes-service-account").flatMap((condition) => condition.values);
            // Without both tags, its associations (in this stack or not) decide: any ServiceAccount.
            return namespaces.length === 0 || names.length === 0
                ? [{ namespace: "*", name: "*", source, undetermined: true as const }]
                : namespaces.flatMap((namespace) => names.map((name) => (namespace.includes("${") || name.includes("${") ? { namespace: "*", name: "*", source, undetermined: true as const } : { namespace, name, source })));
        }
        return [];
    });
}

/**
 * The ServiceAccounts an association whose namespace (or name) is not known can give its role to,
 * when its role's trust names them: EKS sets the session tags `kubernetes-namespace` and
 * `kubernetes-service-account` from the pod's own ServiceAccount (EKS User Guide, "Pod Identity
 * role"), so a trust conditioned on both admits only those, whatever the association says. An
 * add-on's associations are in the add-on's namespace, which EKS chooses unless `namespaceConfig`
 * sets it. Undefined when a role it names is not the stack's or its trust does not name both.
 */
function trustBound(association: StackGrants["associations"][number], stack: StackGrants, source: string): WorkloadIdentity[] | undefined {
    const bounds = association.roles.map((link) => {
        const roles = stack.roles.filter((role) => linksTo(link, role));
        const named = roles.map((role) => (typeof role.trust === "symbol" || role.unjudgeable !== undefined ? [] : trustIdentities(role.trust, `${source} (${role.label}'s trust names its ServiceAccounts)`)));
        return roles.length > 0 && named.every((each) => each.length > 0 && each.every((identity) => identity.undetermined !== true)) ? named.flat() : undefined;
    });
    return bounds.length > 0 && bounds.every((bound) => bound !== undefined) ? bounds.flatMap((bound) => bound ?? []) : undefined;
}

/**
 * Every ServiceAccount of the stack bound to a workload role: the ServiceAccounts a workload role's
 * trust admits (IRSA `sub`, Pod Identity tags; a trust not known yet or unreadable admits any), those
 * annotated `eks.amazonaws.com/role-arn`, and those of Pod Identity associations.
 */
export function workloadIdentitiesOf(resources: readonly StackResource[]): WorkloadIdentity[] {
    const stack = readStack([...resources]);
    const identities: WorkloadIdentity[] = [];
    for (const { role, reason } of workloadRolesOf(stack)) {
        const source = `${role.label} (${reason})`;
        if (typeof role.trust === "symbol" || role.unjudgeable !== undefined) {
            identities.push({ namespace: "*", name: "*", source, undetermined: true });
        } else if (!stack.associations.some((association) => association.roles.some((link) => linksTo(link, role)))) {
            identities.push(...trustIdentities(role.trust, source));
        }
    }
    // Every Pod Identity association the stack reads (aws, aws-native, CloudControl, a CloudFormation template): its ServiceAccount's pods get the roles.
    for (const association of stack.associations) {
        const source = `${association.label}, a Pod Identity association`;
        const { namespace, serviceAccount: name } = association;
        identities.push(...(namespace !== undefined && name !== undefined ? [{ namespace, name, source }] : (trustBound(association, stack, source) ?? [{ namespace: "*", name: "*", source, undetermined: true as const }])));
    }
    for (const resource of resources) {
        const serviceAccounts = /^kubernetes:core\/v1:ServiceAccount(Patch)?$/.test(canonicalType(resource.type))
            ? [{ label: resourceLabel(resource), body: resource.props }]
            : canonicalType(resource.type) === "kubernetes:core/v1:ServiceAccountList"
              ? serviceAccountItems(resource)
              : [];
        for (const { label, body } of serviceAccounts) {
            if (body === unknownValue) {
                identities.push({ namespace: "*", name: "*", source: label, undetermined: true });
                continue;
            }
            const metadata = raw(body, "metadata");
            const annotations = raw(metadata, "annotations");
            // Object.keys reads the keys without touching the (possibly unknown) values.
            // Annotations not known yet (preview) may hold it: fail closed.
            if (annotations !== unknownValue && (typeof annotations !== "object" || annotations === null || !Object.keys(annotations).includes(roleArnAnnotation))) {
                continue;
            }
            const name = field(metadata, "name");
            const namespace = namespaceOf(metadata);
            const source = `${label}, annotated ${roleArnAnnotation}`;
            identities.push(typeof name === "string" ? { namespace, name, source } : { namespace: "*", name: "*", source, undetermined: true });
        }
    }
    return identities;
}

/** The ServiceAccounts of a `ServiceAccountList`: each item, or (items not known yet, preview) one that may be annotated, failing closed. */
function serviceAccountItems(resource: StackResource): { label: string; body: unknown }[] {
    const label = resourceLabel(resource);
    const items = read(raw(resource.props, "items"));
    if (items === unknownValue) {
        return [{ label: `${label} items (not known yet, preview)`, body: unknownValue }];
    }
    return (Array.isArray(items) ? items : []).map((item: unknown, index) => ({ label: `${label} items[${index}]`, body: item }));
}

function describeSubject(subject: RbacSubject): string {
    switch (subject.kind) {
        case "ServiceAccount":
            return `the ServiceAccount ${subject.namespace}/${subject.name}`;
        case "unknown":
            return `a subject the pack cannot read (${subject.why})`;
        default:
            return `the ${subject.kind} ${JSON.stringify(subject.name)}`;
    }
}

/** The identities, one entry per ServiceAccount with every source that binds it. */
function describeIdentities(identities: readonly WorkloadIdentity[]): string {
    const bySubject = new Map<string, string[]>();
    for (const identity of identities) {
        const key = identity.undetermined === true ? "any ServiceAccount" : `the ServiceAccount ${identity.namespace}/${identity.name}`;
        const sources = bySubject.get(key) ?? bySubject.set(key, []).get(key)!;
        sources.push(identity.undetermined === true ? `${identity.source}, bound to ServiceAccounts the pack cannot tell` : identity.source);
    }
    return [...bySubject].map(([key, sources]) => `${key} (${sources.join("; ")})`).join("; ");
}

/** Whether a subject already is the identity (so becoming it gains nothing). */
function isIdentity(subject: RbacSubject, identity: WorkloadIdentity): boolean {
    return (
        subject.kind === "ServiceAccount" &&
        identity.undetermined !== true &&
        !isPattern(subject.namespace) &&
        iamPatternMatches(identity.namespace, subject.namespace) &&
        iamPatternMatches(identity.name, subject.name)
    );
}

/**
 * The bindings of a stack that hand a subject other than a workload ServiceAccount itself the power
 * to become that ServiceAccount: rights in its namespace (a RoleBinding there, in a namespace not
 * known yet, or any ClusterRoleBinding) to run pods, mint tokens, read Secrets, impersonate or grant
 * itself roles.
 */
export function rbacFindings(resources: readonly StackResource[], options: { partial?: boolean } = {}): RbacFinding[] {
    const { roles, bindings } = rbacObjectsOf(resources);
    if (bindings.length === 0 && roles.length === 0) {
        return [];
    }
    const identities = workloadIdentitiesOf(resources);
    if (identities.length === 0) {
        return [];
    }
    const findings: RbacFinding[] = [];
    // A ClusterRole aggregated into the built-in view hands its rules to every holder of view, bound in the stack or not (EKS's AmazonEKSViewPolicy among them).
    for (const role of roles.filter((each) => each.kind === "ClusterRole" && each.labels?.["rbac.authorization.k8s.io/aggregate-to-view"] === "true")) {
        const powers = powersOf(effectiveRules(role, roles), true);
        if (powers.length > 0) {
            const grants = [...new Set(powers.map((power) => `${power.evidence} lets it ${power.what}`))].join("; ");
            findings.push({
                label: role.label,
                urn: role.urn,
                key: `${role.urn}\n${role.label}\naggregate-to-view`,
                message:
                    `${role.label} is labelled rbac.authorization.k8s.io/aggregate-to-view, so every subject bound to the built-in ClusterRole "view", in this stack or not (an EKS access policy AmazonEKSViewPolicy among them), gets its rules: ${grants}; ` +
                    `so they can become ${describeIdentities(identities)}, and hold the workload roles bound to them. Keep rights that run pods, mint tokens or read Secrets out of view`,
            });
        }
    }
    for (const binding of bindings) {
        const inScope = identities.filter((identity) => overlaps(identity.namespace, binding.namespace));
        if (inScope.length === 0) {
            continue;
        }
        const { label: roleLabel, rules } = rulesOfBinding(binding, roles, options.partial === true);
        const powers = powersOf(rules, binding.kind === "ClusterRoleBinding");
        const scope = binding.kind === "ClusterRoleBinding" ? "every namespace" : binding.namespace === "*" ? "a namespace not known yet or not set (any)" : `the namespace ${binding.namespace}`;
        for (const subject of binding.subjects) {
            const reached: WorkloadIdentity[] = [];
            const byEvidence = new Map<string, string[]>();
            for (const power of powers) {
                const these = inScope.filter(
                    (identity) =>
                        !isIdentity(subject, identity) &&
                        (power.names.includes("*") || identity.undetermined === true || power.names.some((name) => iamPatternMatches(identity.name, name))),
                );
                if (these.length === 0) {
                    continue;
                }
                these.filter((identity) => !reached.includes(identity)).forEach((identity) => reached.push(identity));
                const whats = byEvidence.get(power.evidence) ?? byEvidence.set(power.evidence, []).get(power.evidence)!;
                if (!whats.includes(power.what)) {
                    whats.push(power.what);
                }
            }
            if (reached.length === 0) {
                continue;
            }
            const grants = [...byEvidence].map(([evidence, whats]) => `${evidence} lets it ${whats.join("; ")}`).join("; ");
            findings.push({
                label: binding.label,
                urn: binding.urn,
                key: `${binding.urn}\n${binding.label}\n${describeSubject(subject)}`,
                message:
                    `${binding.label} binds ${roleLabel} to ${describeSubject(subject)} in ${scope}: ${grants}; so it can become ` +
                    `${describeIdentities(reached)}, and hold the workload roles bound to them. ` +
                    "Grant such rights only to the ServiceAccount itself, in a namespace where no other ServiceAccount holds a workload role (or give the workload a namespace of its own)",
            });
        }
    }
    return findings;
}

/** Whether a resource can change what the RBAC rule finds: RBAC objects, ServiceAccounts, associations and what holds roles. */
function bearsOnRbac(type: string): boolean {
    return (
        rbacType.test(type) ||
        /^kubernetes:core\/v1:ServiceAccount(Patch|List)?$/.test(canonicalType(type)) ||
        /PodIdentityAssociation$/.test(type) ||
        ["aws:eks/addon:Addon", "aws-native:eks:Addon"].includes(type) ||
        ["aws:iam/role:Role", "aws-native:iam:Role", "aws:cloudcontrol/resource:Resource"].includes(type) ||
        /^aws(-native)?:cloudformation/.test(type)
    );
}

/**
 * What the analyzer has seen of one deployment, so a binding (or the role, ServiceAccount or workload
 * role that completes a finding) is refused at its own Analyze call, before the engine creates it.
 * Judged on the resources seen so far: a role a binding names that has not been seen yet is left to
 * the whole-stack pass, which fails closed on it.
 */
export class RbacDeploymentMemory {
    private readonly seen = new Map<string, StackResource>();
    private readonly reported = new Set<string>();

    /** Remembers a resource and returns the findings it brings, reported on it. */
    analyze(resource: StackResource): RbacFinding[] {
        this.seen.delete(resource.urn);
        this.seen.set(resource.urn, resource);
        if (!bearsOnRbac(resource.type)) {
            return [];
        }
        const all = [...this.seen.values()];
        if (!all.some((each) => rbacType.test(each.type))) {
            return [];
        }
        const before = new Set(rbacFindings(all.filter((each) => each !== resource), { partial: true }).map((finding) => finding.key));
        const introduced = rbacFindings(all, { partial: true }).filter((finding) => !before.has(finding.key) && !this.reported.has(finding.key));
        introduced.forEach((finding) => this.reported.add(finding.key));
        return introduced.map((finding) => ({ ...finding, urn: resource.urn }));
    }

    /** Whether this finding (by its key) was already reported at a resource of this deployment. */
    wasReported(finding: RbacFinding): boolean {
        return this.reported.has(finding.key);
    }
}

const deployments = new WeakMap<object, RbacDeploymentMemory>();

/** The memory of the deployment a policy call belongs to, keyed by the `stackTags` object the SDK gives every call of it. */
export function rbacDeploymentMemory(stackTags: object): RbacDeploymentMemory {
    let memory = deployments.get(stackTags);
    if (memory === undefined) {
        memory = new RbacDeploymentMemory();
        deployments.set(stackTags, memory);
    }
    return memory;
}
