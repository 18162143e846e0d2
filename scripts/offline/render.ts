/**
 * Turns what the mock engine recorded into the offline plan's text: the resource tree, the IAM
 * policies as JSON, the Kubernetes objects as YAML and the stack outputs, with the values only the
 * cloud knows replaced by markers.
 */
import { stringify } from "yaml";

import { mockClusterEndpoint, RegisteredResource, sentinels } from "./mocks";

/** A resource as the program constructed it. */
export interface PlannedResource {
    type: string;
    name: string;
    /** Undefined for resources directly under the stack. */
    parent: { type: string; name: string } | undefined;
    protect: boolean;
}

/** A stack output, resolved. */
export interface PlannedOutput {
    name: string;
    value: unknown;
    secret: boolean;
}

/** Everything the plan prints. */
export interface PlanData {
    project: string;
    stack: string;
    region: string;
    accountId: string;
    config: Record<string, string>;
    /** The file the stack's values came from. */
    configFile: string;
    resources: PlannedResource[];
    registered: RegisteredResource[];
    outputs: PlannedOutput[];
    /** The policy pack's findings on the resources, rendered (scripts/offline/policyFindings.ts); printed last. */
    policyFindings?: string;
}

/** One IAM policy document of the plan. */
export interface PlannedPolicy {
    /** What the policy is, e.g. `Trust policy of aws:iam/role:Role eks-irsa-reader`. */
    title: string;
    /** A file name for `--out`. */
    file: string;
    /** The document, pretty-printed. */
    json: string;
}

/** The rendered plan: its whole text and the parts `--out` writes as separate files. */
export interface RenderedPlan {
    text: string;
    resources: string;
    /** Every resource's inputs as YAML (Kubernetes objects are in `kubernetes`). */
    inputs: string;
    policies: PlannedPolicy[];
    kubernetes: string;
    outputs: string;
}

/** The markers that replace sentinel values, and what each stands for. */
export function markers(data: Pick<PlanData, "accountId" | "region">): { sentinel: string; marker: string; meaning: string }[] {
    return [
        { sentinel: mockClusterEndpoint(data.region), marker: "<cluster-endpoint>", meaning: "the URL of the cluster's API server, known once EKS creates it" },
        { sentinel: sentinels.oidcIssuerId, marker: "<oidc-issuer-id>", meaning: "the ID EKS gives the cluster's OIDC issuer (oidc.eks.<region>.amazonaws.com/id/<oidc-issuer-id>)" },
        { sentinel: data.accountId, marker: "<account-id>", meaning: "the AWS account the stack deploys to" },
        { sentinel: `-${sentinels.randomSuffix}`, marker: "-<random-suffix>", meaning: "the random suffix Pulumi appends to auto-named resources" },
    ];
}

/** Replaces every sentinel in a text with its marker. */
export function redact(text: string, data: Pick<PlanData, "accountId" | "region">): string {
    return markers(data).reduce((result, { sentinel, marker }) => result.split(sentinel).join(marker), text);
}

/** Components whose children a provider plugin creates at deploy time, out of the program's sight. */
const remoteComponents: Record<string, string> = {
    "eks:index:Cluster":
        "remote component: the eks plugin creates its children during `pulumi up` (EKS control plane, cluster IAM role, IAM OIDC provider, default add-ons); they are not listed",
};

function key(resource: { type: string; name: string }): string {
    return `${resource.type}::${resource.name}`;
}

/** The resource tree, children indented under their parents, in the order the program made them. */
export function renderTree(stackName: string, resources: PlannedResource[]): string {
    const children = new Map<string, PlannedResource[]>();
    for (const resource of resources) {
        const parentKey = resource.parent ? key(resource.parent) : "";
        children.set(parentKey, [...(children.get(parentKey) ?? []), resource]);
    }
    const lines = [`pulumi:pulumi:Stack  ${stackName}`];
    const walk = (parentKey: string, indent: string): void => {
        const list = children.get(parentKey) ?? [];
        list.forEach((resource, index) => {
            const last = index === list.length - 1;
            const notes = [resource.protect ? "[protected]" : "", remoteComponents[resource.type] ? `(${remoteComponents[resource.type]})` : ""].filter(Boolean);
            lines.push(`${indent}${last ? "└─ " : "├─ "}${resource.type}  ${resource.name}${notes.length ? `  ${notes.join(" ")}` : ""}`);
            walk(key(resource), `${indent}${last ? "   " : "│  "}`);
        });
    };
    walk("", "");
    return lines.join("\n");
}

function parsedPolicy(value: unknown): unknown {
    return typeof value === "string" ? JSON.parse(value) : value;
}

function fileName(title: string): string {
    return `${title.replace(/[^A-Za-z0-9]+/g, "-").replace(/^-|-$/g, "").toLowerCase()}.json`;
}

/** An entry of a role's `inlinePolicies`. */
interface InlinePolicyInput {
    name?: string;
    policy?: unknown;
}

function inlinePoliciesOf(resource: RegisteredResource): InlinePolicyInput[] {
    return Array.isArray(resource.inputs.inlinePolicies) ? (resource.inputs.inlinePolicies as InlinePolicyInput[]) : [];
}

/**
 * The inputs of a resource that are IAM policy documents, and the title each has in the plan: a
 * path of keys into the inputs, since a role carries its inline policies in `inlinePolicies`.
 */
function policyInputs(resource: RegisteredResource): { key: (string | number)[]; title: string }[] {
    switch (resource.type) {
        case "aws:iam/role:Role":
            return [
                { key: ["assumeRolePolicy"], title: `Trust policy of role ${resource.name}` },
                // An entry without a policy (`[{}]`) only says that the role has no other inline policies.
                ...inlinePoliciesOf(resource).flatMap((entry, index) =>
                    entry.policy === undefined ? [] : [{ key: ["inlinePolicies", index, "policy"], title: `Inline policy ${entry.name ?? index} of role ${resource.name}` }],
                ),
            ];
        case "aws:iam/rolePolicy:RolePolicy":
            return [{ key: ["policy"], title: `Inline policy ${resource.name} of role ${String(resource.inputs.role)}` }];
        case "aws:iam/policy:Policy":
            return [{ key: ["policy"], title: `Managed policy ${resource.name}` }];
        case "aws:s3/bucketPolicy:BucketPolicy":
            return [{ key: ["policy"], title: `Bucket policy ${resource.name} of bucket ${String(resource.inputs.bucket)}` }];
        default:
            return [];
    }
}

/** Kubernetes objects, which the plan shows as manifests of their own. */
function isKubernetesObject(type: string): boolean {
    return type.startsWith("kubernetes:") && !type.startsWith("kubernetes:index:");
}

/**
 * Every other resource's inputs, as the program hands them to the provider: node group sizes,
 * launch template metadata options, endpoint CIDRs, subnets, associations. Policy documents are
 * named here and printed as JSON under IAM policies.
 */
export function renderInputs(registered: RegisteredResource[]): string {
    return registered
        .filter((resource) => !isKubernetesObject(resource.type) && resource.type !== "pulumi:pulumi:Stack")
        .map((resource) => {
            // A copy, each policy document in it replaced by its title.
            const inputs = structuredClone(resource.inputs) as Record<string, unknown>;
            for (const { key, title } of policyInputs(resource)) {
                const parent = key.slice(0, -1).reduce<unknown>((value, step) => (value as Record<string | number, unknown> | undefined)?.[step], inputs) as
                    | Record<string | number, unknown>
                    | undefined;
                const last = key[key.length - 1];
                if (parent?.[last] !== undefined) parent[last] = `(as JSON under IAM policies: ${title})`;
            }
            const body = Object.keys(inputs).length === 0 ? "{}\n" : stringify(inputs, { lineWidth: 0 });
            return `# ${resource.type}  ${resource.name}\n${body}`;
        })
        .join("---\n");
}

/** The IAM documents the stack would write: trust policies, inline and bucket policies, and managed attachments. */
export function plannedPolicies(registered: RegisteredResource[]): PlannedPolicy[] {
    const policies: PlannedPolicy[] = [];
    const add = (title: string, document: unknown): void => {
        policies.push({ title, file: fileName(title), json: JSON.stringify(document, null, 2) });
    };
    for (const resource of registered) {
        for (const { key, title } of policyInputs(resource)) {
            add(title, parsedPolicy(key.reduce<unknown>((value, step) => (value as Record<string | number, unknown> | undefined)?.[step], resource.inputs)));
        }
    }
    const attachments = registered.filter((resource) => resource.type === "aws:iam/rolePolicyAttachment:RolePolicyAttachment");
    if (attachments.length > 0) {
        add(
            "Managed policies attached to roles",
            attachments.map((attachment) => ({ role: attachment.inputs.role, policyArn: attachment.inputs.policyArn })),
        );
    }
    return policies;
}

/** The Kubernetes objects the stack would apply, as one multi-document YAML. */
export function renderKubernetes(registered: RegisteredResource[]): string {
    return registered
        .filter((resource) => isKubernetesObject(resource.type))
        .map((resource) => `# ${resource.type}  ${resource.name}\n${stringify(resource.inputs, { lineWidth: 0 })}`)
        .join("---\n");
}

function renderOutputs(outputs: PlannedOutput[]): string {
    const width = Math.max(0, ...outputs.map((output) => output.name.length));
    return outputs
        .map((output) => {
            const shown = output.secret ? "[secret]" : typeof output.value === "string" ? output.value : JSON.stringify(output.value);
            return `${output.name.padEnd(width)}  ${shown}`;
        })
        .join("\n");
}

/** What each identity mechanism is called in the plan's header. */
const mechanismNames: Record<string, string> = {
    irsa: "IRSA: the cluster's IAM OIDC provider and an annotated ServiceAccount",
    "pod-identity": "EKS Pod Identity: the eks-pod-identity-agent add-on and a Pod Identity association",
};

/** Renders the whole plan. */
export function renderPlan(data: PlanData): RenderedPlan {
    const clean = (text: string): string => redact(text, data);
    const stackName = `${data.project}-${data.stack}`;
    const resources = clean(renderTree(stackName, data.resources));
    // File names from the titles with their markers, so that they name what the files hold.
    const policies = plannedPolicies(data.registered).map((policy) => ({ title: clean(policy.title), file: fileName(clean(policy.title)), json: clean(policy.json) }));
    const inputs = clean(renderInputs(data.registered));
    const kubernetes = clean(renderKubernetes(data.registered));
    const outputs = clean(renderOutputs(data.outputs));
    const configWidth = Math.max(0, ...Object.keys(data.config).map((configKey) => configKey.length));
    const mechanism = data.config[`${data.project}:identityMechanism`];
    const header = [
        `Offline plan of stack "${data.stack}" of project ${data.project} (region ${data.region})`,
        `Pods get their AWS role through ${mechanismNames[mechanism] ?? mechanism} (${data.project}:identityMechanism: ${mechanism}).`,
        "",
        "The program (index.ts) ran under Pulumi mocks: nothing was sent to AWS or Kubernetes. This is what",
        "`pulumi up` would create, as the program asks for it. Values only the cloud knows are markers:",
        ...markers(data).map(({ marker, meaning }) => `  ${marker.padEnd(20)} ${meaning}`),
    ].join("\n");
    const config = Object.entries(data.config)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([configKey, value]) => `${configKey.padEnd(configWidth)}  ${value}`)
        .join("\n");
    const text = [
        header,
        `== Configuration (Pulumi.yaml defaults, then ${data.configFile})\n${config}`,
        `== Resources (${data.resources.length})\n${resources}`,
        `== Resource inputs (Kubernetes objects under their own heading)\n${inputs.trimEnd()}`,
        `== IAM policies\n${policies.map((policy) => `-- ${policy.title}\n${policy.json}`).join("\n\n")}`,
        `== Kubernetes objects\n${kubernetes.trimEnd()}`,
        `== Stack outputs\n${outputs}`,
        ...(data.policyFindings === undefined ? [] : [`== Policy pack\n${clean(data.policyFindings)}`]),
    ].join("\n\n");
    return { text: `${text}\n`, resources: `${resources}\n`, inputs, policies, kubernetes, outputs: `${outputs}\n` };
}
