/**
 * Every way a Pulumi stack gives a role a trust policy or a permission, read into one shape: roles
 * (with their trust, or "unknown"), grants (a document, an attached policy ARN, or something that
 * cannot be read) and customer-managed policies. aws classic, aws-native, CloudControl resources of
 * `AWS::IAM::*` types, the resources of CloudFormation stacks' and stack sets' templates (with the
 * values the stack gives their parameters, and what the pack cannot expand as unreadable grants),
 * and EKS Pod Identity associations, whose target roles' credentials the pods end up holding.
 */
import {
    cloudControlHolderType,
    containsIntrinsic,
    intrinsicNames,
    isIntrinsic,
    KnownValues,
    parameterValues,
    provisionedProductOf,
    pseudoParameters,
    referencedLogicalId,
    resolveIntrinsics,
    TemplateHolder,
    templateHolderOf,
    templateHolderTypes,
    templateOf,
    templateResources,
    templateSourceOf,
    trustValues,
    unreadableConstructs,
    widenedDocument,
} from "./cloudformation";
import { camelCased } from "./nodeStarts";
import { firstDuplicateKey } from "@eks-irsa/components/iam";
import { plainPropertyOr, resourceLabel } from "./runtime";

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
    /**
     * Why the pack cannot judge a template role's trust: the parts of it (a statement, or the whole
     * document) that hold intrinsic functions only CloudFormation resolves. Its trust is then
     * `unknown`, so the workload rules judge it as a workload role, and the trust rules report these.
     */
    unjudgeable?: string[];
}

/** Which role a grant is for. */
export type RoleLink =
    | { self: string }
    | {
          references: string[];
          dependencies: string[];
          unknownReference: boolean;
          /** Why the grant may be to any role, when that is not a value unknown during preview (a template the pack cannot read). */
          anyRole?: string;
      };

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
    /** The ServiceAccount whose pods get the roles: its namespace and name, each undefined when not known (preview, an intrinsic). */
    namespace: string | undefined;
    serviceAccount: string | undefined;
}

/** A name an association gives, or undefined when it is not a plain string yet. */
const nameOrUndefined = (value: unknown): string | undefined => (typeof value === "string" && value !== "" ? value : undefined);

/**
 * The Pod Identity associations an EKS add-on makes (`podIdentityAssociations`: a role for each of
 * the add-on's ServiceAccounts), in the add-on's namespace (`namespaceConfig.namespace`; EKS's
 * default for the add-on, which the pack cannot know, when not set). A list not known yet (preview)
 * is one association of a role and ServiceAccount not known yet.
 */
function addonAssociations(label: string, urn: string, entries: Maybe<unknown>, namespaceConfig: Maybe<unknown>, dependencies: string[]): AssociationRecord[] {
    const namespace = namespaceConfig === unknown ? undefined : nameOrUndefined((namespaceConfig as { namespace?: unknown } | undefined)?.namespace);
    if (entries === unknown) {
        return [{ label: `${label} podIdentityAssociations`, urn, roles: [{ references: [], dependencies, unknownReference: true }], namespace: undefined, serviceAccount: undefined }];
    }
    return (Array.isArray(entries) ? entries : []).map((entry: unknown, index) => {
        const { roleArn, serviceAccount } = (entry ?? {}) as { roleArn?: unknown; serviceAccount?: unknown };
        return {
            label: `${label} podIdentityAssociations[${index}]`,
            urn,
            roles: [{ references: typeof roleArn === "string" ? [roleArn] : [], dependencies, unknownReference: typeof roleArn !== "string" }],
            namespace,
            serviceAccount: nameOrUndefined(serviceAccount),
        };
    });
}

/** The kinds of compute of the stack the pack follows to the role they run as (policy/compute.ts). */
export type ComputeKind = "lambda-function" | "codebuild-project" | "state-machine" | "ec2-instance" | "ecs-task-definition" | "cloudformation-stack" | "glue-job";

/**
 * Compute of the stack that runs as a role: whoever may change its code or send it commands by name
 * runs as that role, so a grant naming it is a step of a chain (policy/chains.ts).
 */
export interface ComputeRecord {
    label: string;
    urn: string;
    kind: ComputeKind;
    /** The ARNs it is known by (none while not known yet). */
    arns: string[];
    /** Its name (or, for an instance, its ID): what an ARN of its kind ends in. */
    names: string[];
    /**
     * Its name and ARN are chosen when it is created, by CloudFormation (a template's compute the
     * template does not name, an instance's ID): any ARN of its kind may be it, so one names it.
     */
    anyName?: true;
    /** The role it runs as, or (an EC2 instance) the instance profile that holds it. */
    runsAs: { role: RoleLink } | { instanceProfile: RoleLink };
    /**
     * The code it loads each time it runs, by the ARN whoever may write it needs: the ECR repositories
     * of the images it pulls by tag (a digest is fixed), the S3 objects of its scripts.
     */
    loads?: string[];
}

/** An instance profile of the stack: the role EC2 instances launched with it run as. */
export interface InstanceProfileRecord {
    label: string;
    urn: string;
    references: string[];
    role: RoleLink;
}

/** Everything read from a stack. */
export interface StackGrants {
    roles: RoleRecord[];
    grants: GrantRecord[];
    policies: PolicyRecord[];
    associations: AssociationRecord[];
    compute: ComputeRecord[];
    instanceProfiles: InstanceProfileRecord[];
    /**
     * Only the resources a deployment has analyzed so far: what is not in it may be registered later,
     * so the rules that read "not in the stack" as "anything" wait for the whole stack.
     */
    partial?: true;
}

/** A stack with nothing read yet. */
export function emptyStackGrants(): StackGrants {
    return { roles: [], grants: [], policies: [], associations: [], compute: [], instanceProfiles: [] };
}

/** Reads a property; `unknown` when the engine does not know it yet. */
function read(props: Record<string, unknown>, key: string): Maybe<unknown> {
    return plainPropertyOr(props, key, unknown);
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

/** Where a CloudFormation-shaped resource is, and what the pack knows of the values its intrinsic functions take. */
interface CfnPlace {
    label: string;
    urn: string;
    selfReferences: string[];
    resolve: (value: unknown) => { references: string[]; unknownReference: boolean };
    /** Pseudo-parameters and parameters the stack gives (none for CloudControl, whose state holds no intrinsic functions). */
    known: KnownValues;
    /** What compute it creates is known by besides the name its properties give (CloudControl's identifier: a name, an ID or an ARN). */
    computeIds?: string[];
}

/** An intrinsic function as messages quote it. */
function quoted(value: unknown): string {
    return JSON.stringify(value);
}

/**
 * The parts of a (resolved) trust policy that still hold intrinsic functions: the whole document, or
 * each statement (its index and JSON) that is not a Deny. A principal, a condition, an action or an
 * effect only CloudFormation knows could admit anyone, so the pack cannot judge who may assume the role.
 */
export function unjudgeableTrustParts(trust: unknown): string[] {
    const why = (value: unknown): string => `holds ${intrinsicNames(value).join(", ")}, which only CloudFormation resolves, so no rule can tell who may assume the role`;
    if (!containsIntrinsic(trust)) {
        return [];
    }
    const statements = typeof trust === "object" && trust !== null && !isIntrinsic(trust) ? (trust as { Statement?: unknown }).Statement : undefined;
    if (statements === undefined || isIntrinsic(statements) || containsIntrinsic({ ...(trust as object), Statement: [] })) {
        return [`its trust policy ${quoted(trust)} ${why(trust)}`];
    }
    return (Array.isArray(statements) ? statements : [statements]).flatMap((statement, index) =>
        containsIntrinsic(statement) && (statement as { Effect?: unknown } | null)?.Effect !== "Deny" ? [`trust policy Statement[${index}] ${quoted(statement)} ${why(statement)}`] : [],
    );
}

/** The CloudFormation (and CloudControl) shape of IAM resources: the same property names in both. */
function readCfnResource(type: string, properties: Record<string, unknown>, place: CfnPlace, into: StackGrants): void {
    const resolved = (value: unknown): unknown => resolveIntrinsics(value, place.known);
    const roleLinkOf = (values: unknown): RoleLink => {
        const value = resolved(values);
        const list = Array.isArray(value) ? value : value === undefined ? [] : [value];
        const links = list.map(place.resolve);
        return { references: links.flatMap((entry) => entry.references), dependencies: [], unknownReference: links.some((entry) => entry.unknownReference) };
    };
    const doc = (value: unknown): unknown => {
        const document = resolved(value);
        return containsIntrinsic(document) ? widenedDocument(document) : document;
    };
    const unreadable = (label: string, value: unknown, what: string): GrantRecord => ({
        label,
        urn: place.urn,
        role: { self: place.label },
        content: { unreadable: `its ${what} is ${quoted(value)}, an intrinsic function the pack cannot resolve, so what it grants cannot be known` },
    });
    switch (type) {
        case "AWS::IAM::Role": {
            const trust = resolveIntrinsics(properties.AssumeRolePolicyDocument, trustValues(place.known));
            const unjudgeable = unjudgeableTrustParts(trust);
            const roleName = resolved(properties.RoleName);
            into.roles.push({
                label: place.label,
                urn: place.urn,
                references: [...place.selfReferences, ...(typeof roleName === "string" ? [roleName, ...roleArns(roleName, resolved(properties.Path), place.known)] : [])],
                trust: unjudgeable.length > 0 ? unknown : trust,
                trustLabel: `${place.label} AssumeRolePolicyDocument`,
                ...(unjudgeable.length > 0 && { unjudgeable }),
            });
            const self: RoleLink = { self: place.label };
            const policies = resolved(properties.Policies);
            if (policies !== undefined && !Array.isArray(policies)) {
                into.grants.push(unreadable(`${place.label} Policies`, policies, "Policies list"));
            }
            (Array.isArray(policies) ? policies : []).forEach((policy: unknown, index) => {
                const label = `${place.label} Policies[${index}]`;
                if (isIntrinsic(policy)) {
                    into.grants.push(unreadable(label, policy, "policy"));
                    return;
                }
                const entry = (policy ?? {}) as { PolicyDocument?: unknown };
                into.grants.push({ label, urn: place.urn, role: self, content: { document: doc(entry.PolicyDocument) } });
            });
            const arns = resolved(properties.ManagedPolicyArns);
            if (arns !== undefined && !Array.isArray(arns)) {
                into.grants.push(unreadable(`${place.label} ManagedPolicyArns`, arns, "ManagedPolicyArns list"));
            }
            (Array.isArray(arns) ? arns : []).forEach((arn: unknown, index) => {
                const label = `${place.label} ManagedPolicyArns[${index}]`;
                if (typeof arn === "string") {
                    into.grants.push({ label, urn: place.urn, role: self, content: { policyArn: arn, dependencies: [] } });
                    return;
                }
                // A policy of the same template is followed; any other value names a policy the pack cannot know.
                const policy = place.resolve(arn);
                into.grants.push(
                    policy.unknownReference || referencedLogicalId(arn) === undefined
                        ? unreadable(label, arn, "policy ARN")
                        : { label, urn: place.urn, role: self, content: { policyReference: { ...policy, dependencies: [] } } },
                );
            });
            return;
        }
        case "AWS::IAM::RolePolicy": {
            const policyName = resolved(properties.PolicyName);
            into.grants.push({
                label: place.label,
                urn: place.urn,
                role: roleLinkOf(properties.RoleName),
                content: { document: doc(properties.PolicyDocument) },
                ...(typeof policyName === "string" && { policyName }),
            });
            return;
        }
        case "AWS::IAM::ManagedPolicy":
        case "AWS::IAM::Policy": {
            const managedName = type === "AWS::IAM::ManagedPolicy" ? resolved(properties.ManagedPolicyName) : undefined;
            const account = place.known["AWS::AccountId"];
            into.policies.push({
                label: place.label,
                urn: place.urn,
                references: [...place.selfReferences, ...(typeof managedName === "string" ? [managedName] : [])],
                document: doc(properties.PolicyDocument),
                ...(typeof account === "string" && { account }),
                ...(type === "AWS::IAM::Policy" && { inline: true as const }),
            });
            if (properties.Roles !== undefined) {
                into.grants.push({ label: place.label, urn: place.urn, role: roleLinkOf(properties.Roles), content: { document: doc(properties.PolicyDocument) } });
            }
            return;
        }
        case "AWS::EKS::PodIdentityAssociation":
            into.associations.push({
                label: place.label,
                urn: place.urn,
                roles: [roleLinkOf(properties.RoleArn), roleLinkOf(properties.TargetRoleArn)],
                namespace: nameOrUndefined(resolved(properties.Namespace)),
                serviceAccount: nameOrUndefined(resolved(properties.ServiceAccount)),
            });
            return;
        case "AWS::EKS::Addon": {
            const entries = resolved(properties.PodIdentityAssociations);
            const list = Array.isArray(entries) ? entries : entries === undefined ? [] : [entries];
            const namespace = nameOrUndefined(resolved((properties.NamespaceConfig as { Namespace?: unknown } | undefined)?.Namespace));
            into.associations.push(
                ...list.map((entry: unknown, index) => {
                    const association = (isIntrinsic(entry) ? {} : (entry ?? {})) as { RoleArn?: unknown; ServiceAccount?: unknown };
                    const role = isIntrinsic(entry) ? { references: [quoted(entry)], dependencies: [], unknownReference: true } : roleLinkOf(association.RoleArn);
                    return { label: `${place.label} PodIdentityAssociations[${index}]`, urn: place.urn, roles: [role], namespace, serviceAccount: nameOrUndefined(resolved(association.ServiceAccount)) };
                }),
            );
            return;
        }
        case "AWS::IAM::InstanceProfile": {
            // Instances launched with it run as its role; an instance names it by its name (`!Ref` of it).
            const profileName = resolved(properties.InstanceProfileName);
            into.instanceProfiles.push({
                label: place.label,
                urn: place.urn,
                references: [...place.selfReferences, ...(typeof profileName === "string" ? [profileName] : [])],
                role: roleLinkOf(properties.Roles),
            });
            return;
        }
        default: {
            const shape = cfnComputeShapes[type];
            if (shape === undefined) {
                return;
            }
            // A template's compute runs as its role: its code changed (or commands sent) by name runs as that role, as an aws resource's does.
            const name = shape.name === undefined ? undefined : resolved(properties[shape.name]);
            const ids = place.computeIds ?? [];
            const names = [...(typeof name === "string" ? [name] : []), ...ids.filter((id) => !id.startsWith("arn:"))];
            const arns = ids.filter((id) => id.startsWith("arn:"));
            const runsAs = "role" in shape.runsAs ? { role: roleLinkOf(properties[shape.runsAs.role]) } : { instanceProfile: roleLinkOf(properties[shape.runsAs.instanceProfile]) };
            const cased = camelCased(resolved(properties));
            const loads = codeLoadedBy(shape.kind, typeof cased === "object" && cased !== null ? (cased as Record<string, unknown>) : {});
            into.compute.push({
                label: place.label,
                urn: place.urn,
                kind: shape.kind,
                arns,
                names,
                runsAs,
                ...(loads.length > 0 && { loads }),
                // CloudFormation names what the template does not: a name the pack cannot know may be any of its kind.
                ...(names.length === 0 && arns.length === 0 && { anyName: true as const }),
            });
            return;
        }
    }
}

/**
 * The compute of CloudFormation (and CloudControl) types the pack follows to its role: where each
 * keeps its name (an instance has none the template gives: EC2 chooses its ID) and its role, or the
 * instance profile that holds it. The same kinds as `computeShapes`, in CloudFormation's names.
 */
export const cfnComputeShapes: Record<string, { kind: ComputeKind; name?: string; runsAs: { role: string } | { instanceProfile: string } }> = {
    "AWS::Lambda::Function": { kind: "lambda-function", name: "FunctionName", runsAs: { role: "Role" } },
    "AWS::CodeBuild::Project": { kind: "codebuild-project", name: "Name", runsAs: { role: "ServiceRole" } },
    "AWS::StepFunctions::StateMachine": { kind: "state-machine", name: "StateMachineName", runsAs: { role: "RoleArn" } },
    "AWS::ECS::TaskDefinition": { kind: "ecs-task-definition", name: "Family", runsAs: { role: "TaskRoleArn" } },
    "AWS::EC2::Instance": { kind: "ec2-instance", runsAs: { instanceProfile: "IamInstanceProfile" } },
    "AWS::Glue::Job": { kind: "glue-job", name: "Name", runsAs: { role: "Role" } },
};

/** A template role's ARN, when the stack's account and partition are known (chains compare accounts by it). */
function roleArns(roleName: string, path: unknown, known: KnownValues): string[] {
    const account = known["AWS::AccountId"];
    const partition = known["AWS::Partition"];
    const prefix = typeof path === "string" && path.startsWith("/") ? path : "/";
    return typeof account === "string" && typeof partition === "string" ? [`arn:${partition}:iam::${account}:role${prefix}${roleName}`] : [];
}

/** The resource types whose template the pack reads (a CloudFormation stack, stack set, aws or aws-native). */
export const templateResourceTypes: readonly string[] = templateHolderTypes;

/** A grant to a role the pack cannot know, of something it cannot read; `anyRole` says why it may be to any role, when that is not a preview unknown. */
function unreadableGrant(label: string, urn: string, why: string, anyRole?: string): GrantRecord {
    return { label, urn, role: { references: [], dependencies: [], unknownReference: true, ...(anyRole !== undefined && { anyRole }) }, content: { unreadable: why } };
}

const unreadTemplate = "what the template creates cannot be read, so it may grant to any role";

/** The values a template's intrinsic functions take that the stack knows: pseudo-parameters, and (not for stack sets) parameters. */
function knownValuesOf(resource: StackResource, holder: TemplateHolder, template: Record<string, unknown>): KnownValues {
    const region = read(resource.props, "region");
    const arns = holder.arns.flatMap((key) => strings(read(resource.props, key)));
    const pseudo = pseudoParameters({ arns, perAccount: holder.perAccount, ...(typeof region === "string" && { region }) });
    const given = read(resource.props, holder.parameters);
    // Stack set instances override parameters per account; a stack's parameters not known yet (preview) are not known.
    const parameters = holder.perAccount || given === unknown ? {} : parameterValues(template, typeof given === "object" && given !== null ? (given as Record<string, unknown>) : {});
    return { ...parameters, ...pseudo };
}

/** Reads the template of a CloudFormation stack or stack set: its IAM and EKS resources, and what in it cannot be read. */
function readTemplateHolder(resource: StackResource, holder: TemplateHolder, into: StackGrants): void {
    const label = resourceLabel(resource);
    const body = read(resource.props, holder.body);
    if (body === unknown) {
        into.grants.push(unreadableGrant(label, resource.urn, `its ${holder.body} is not known yet (preview)`));
        return;
    }
    if (body === undefined || body === null || body === "") {
        const url = read(resource.props, holder.url);
        if (url !== undefined && url !== null) {
            into.grants.push(unreadableGrant(label, resource.urn, `its template is at ${holder.url}, which the pack cannot read`, unreadTemplate));
        }
        return;
    }
    const parsed = templateOf(body);
    const template = "error" in parsed ? undefined : templateResources(parsed.template);
    if ("error" in parsed || template === undefined || "error" in template) {
        into.grants.push(unreadableGrant(label, resource.urn, `its ${holder.body} ${"error" in parsed ? parsed.error : "cannot be read"}`, unreadTemplate));
        return;
    }
    const logical = (id: string): string => `${resource.urn}#${id}`;
    const known = knownValuesOf(resource, holder, parsed.template);
    const templateRoles = into.roles.length;
    for (const each of template.resources) {
        readCfnResource(each.type, each.properties, {
            label: `${label} template resource ${JSON.stringify(each.logicalId)} (${each.type})`,
            urn: resource.urn,
            selfReferences: [logical(each.logicalId)],
            known,
            resolve: (value) => {
                if (typeof value === "string") {
                    return { references: [value], unknownReference: false };
                }
                const id = referencedLogicalId(value);
                // An intrinsic function of a value not known here names a role (or policy) the stack does not hold.
                return id === undefined || !Object.hasOwn(parsed.template.Resources as object, id) ? { references: [quoted(value)], unknownReference: true } : { references: [logical(id)], unknownReference: false };
            },
        }, into);
    }
    // What the pack cannot expand may grant to any role: the template's own, and any other.
    const roles = into.roles.slice(templateRoles);
    for (const { where, why } of unreadableConstructs(parsed.template)) {
        const grantLabel = `${label} template ${where}`;
        into.grants.push(unreadableGrant(grantLabel, resource.urn, why, unreadTemplate));
        roles.forEach((role) => into.grants.push({ label: grantLabel, urn: resource.urn, role: { self: role.label }, content: { unreadable: why } }));
    }
}

/** Where each compute type keeps its name (or ID), its ARNs and its role (or instance profile). */
const computeShapes: Record<string, { kind: ComputeKind; names: string[]; arns: string[]; runsAs: { role: string } | { instanceProfile: string } }> = {
    "aws:lambda/function:Function": { kind: "lambda-function", names: ["name"], arns: ["arn", "qualifiedArn"], runsAs: { role: "role" } },
    "aws-native:lambda:Function": { kind: "lambda-function", names: ["functionName"], arns: ["arn"], runsAs: { role: "role" } },
    "aws:ecs/taskDefinition:TaskDefinition": { kind: "ecs-task-definition", names: ["family"], arns: ["arn", "arnWithoutRevision"], runsAs: { role: "taskRoleArn" } },
    "aws-native:ecs:TaskDefinition": { kind: "ecs-task-definition", names: ["family"], arns: ["taskDefinitionArn"], runsAs: { role: "taskRoleArn" } },
    // A stack's updates run as its service role: a template the caller writes creates what that role may.
    "aws:cloudformation/stack:Stack": { kind: "cloudformation-stack", names: ["name"], arns: ["id"], runsAs: { role: "iamRoleArn" } },
    "aws-native:cloudformation:Stack": { kind: "cloudformation-stack", names: ["stackName"], arns: ["stackId", "id"], runsAs: { role: "roleArn" } },
    "aws:codebuild/project:Project": { kind: "codebuild-project", names: ["name"], arns: ["arn"], runsAs: { role: "serviceRole" } },
    "aws-native:codebuild:Project": { kind: "codebuild-project", names: ["name"], arns: ["arn"], runsAs: { role: "serviceRole" } },
    "aws-native:stepfunctions:StateMachine": { kind: "state-machine", names: ["stateMachineName"], arns: ["arn"], runsAs: { role: "roleArn" } },
    "aws:sfn/stateMachine:StateMachine": { kind: "state-machine", names: ["name"], arns: ["arn"], runsAs: { role: "roleArn" } },
    // An instance runs as the role of its instance profile, named by the profile's name.
    "aws:ec2/instance:Instance": { kind: "ec2-instance", names: ["id"], arns: ["arn"], runsAs: { instanceProfile: "iamInstanceProfile" } },
    "aws:ec2/spotInstanceRequest:SpotInstanceRequest": { kind: "ec2-instance", names: ["spotInstanceId"], arns: [], runsAs: { instanceProfile: "iamInstanceProfile" } },
    "aws-native:ec2:Instance": { kind: "ec2-instance", names: ["instanceId", "id"], arns: [], runsAs: { instanceProfile: "iamInstanceProfile" } },
    "aws:glue/job:Job": { kind: "glue-job", names: ["name"], arns: ["arn"], runsAs: { role: "roleArn" } },
    "aws-native:glue:Job": { kind: "glue-job", names: ["name"], arns: [], runsAs: { role: "role" } },
};

/**
 * The ECR repository an image is pulled from by tag (`<account>.dkr.ecr.<region>.amazonaws.com/<repo>:<tag>`),
 * by its ARN; undefined for an image pinned by digest (its content is fixed) or from another registry.
 */
export function ecrRepositoryOfImage(image: string): string | undefined {
    const match = /^(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com(\.cn)?\/([^:@]+)(?::[^@]+)?$/.exec(image);
    return match === null ? undefined : `arn:${match[3] === undefined ? "aws" : "aws-cn"}:ecr:${match[2]}:${match[1]}:repository/${match[4]}`;
}

/** The S3 object an `s3://<bucket>/<key>` location is, by its ARN; undefined for anything else. */
export function s3ObjectOfLocation(location: string): string | undefined {
    const match = /^s3:\/\/([^/]+)\/(.+)$/.exec(location);
    return match === null ? undefined : `arn:aws:s3:::${match[1]}/${match[2]}`;
}

/**
 * The code a piece of compute loads each time it runs, by the ARNs whoever changes it writes: an ECS
 * task definition's container images pulled by tag (aws classic's `containerDefinitions` is JSON
 * text; aws-native's and CloudFormation's a list), a Glue job's `command.scriptLocation`, a CodeBuild
 * project's build image pulled by tag (`environment.image`) and its S3 source (`source.location`,
 * `bucket/key`, which each build downloads and whose buildspec it runs). Props in aws-native's camelCase.
 */
export function codeLoadedBy(kind: ComputeKind, props: Record<string, unknown>): string[] {
    const value = (key: string): unknown => plainPropertyOr(props, key, undefined);
    if (kind === "ecs-task-definition") {
        let containers = value("containerDefinitions");
        if (typeof containers === "string") {
            try {
                containers = JSON.parse(containers) as unknown;
            } catch {
                containers = [];
            }
        }
        return (Array.isArray(containers) ? containers : []).flatMap((container: unknown) => {
            const image = (container as { image?: unknown } | null)?.image;
            const repository = typeof image === "string" ? ecrRepositoryOfImage(image) : undefined;
            return repository === undefined ? [] : [repository];
        });
    }
    if (kind === "glue-job") {
        const location = (value("command") as { scriptLocation?: unknown } | undefined)?.scriptLocation;
        const object = typeof location === "string" ? s3ObjectOfLocation(location) : undefined;
        return object === undefined ? [] : [object];
    }
    if (kind === "codebuild-project") {
        const image = (value("environment") as { image?: unknown } | undefined)?.image;
        const repository = typeof image === "string" ? ecrRepositoryOfImage(image) : undefined;
        const source = value("source") as { type?: unknown; location?: unknown } | undefined;
        const object = source?.type === "S3" && typeof source.location === "string" && /^[^/\s]+\/.+$/.test(source.location) ? `arn:aws:s3:::${source.location}` : undefined;
        return [...(repository === undefined ? [] : [repository]), ...(object === undefined ? [] : [object])];
    }
    return [];
}

function computeRecord(resource: StackResource, shape: (typeof computeShapes)[string]): ComputeRecord {
    const loads = codeLoadedBy(shape.kind, resource.props);
    return {
        label: resourceLabel(resource),
        urn: resource.urn,
        kind: shape.kind,
        arns: referencesOf(resource, ...shape.arns),
        names: referencesOf(resource, ...shape.names),
        runsAs: "role" in shape.runsAs ? { role: link(resource, shape.runsAs.role) } : { instanceProfile: link(resource, shape.runsAs.instanceProfile) },
        ...(loads.length > 0 && { loads }),
    };
}

/** The CloudFormation types the CloudControl reading follows: IAM and EKS identities, and the compute readCfnResource knows. */
const cloudControlIdentityTypes = [
    "AWS::IAM::Role",
    "AWS::IAM::RolePolicy",
    "AWS::IAM::ManagedPolicy",
    "AWS::IAM::Policy",
    "AWS::IAM::InstanceProfile",
    "AWS::EKS::PodIdentityAssociation",
    ...Object.keys(cfnComputeShapes),
];

/**
 * A CloudControl type name as the pack compares it: one of the types it reads, whatever its case, so
 * another spelling is judged rather than skipped (should CloudControl take it). Others as given.
 */
function canonicalTypeName(typeName: Maybe<unknown>): Maybe<unknown> {
    return typeof typeName === "string" ? (cloudControlIdentityTypes.find((type) => type.toLowerCase() === typeName.toLowerCase()) ?? typeName) : typeName;
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
            into.associations.push({
                label,
                urn: resource.urn,
                roles: [link(resource, "roleArn"), link(resource, "targetRoleArn")],
                namespace: nameOrUndefined(read(props, "namespace")),
                serviceAccount: nameOrUndefined(read(props, "serviceAccount")),
            });
            return;
        case "aws:eks/addon:Addon":
        case "aws-native:eks:Addon":
            into.associations.push(...addonAssociations(label, resource.urn, read(props, "podIdentityAssociations"), read(props, "namespaceConfig"), (resource.propertyDependencies.podIdentityAssociations ?? []).map((d) => d.urn)));
            return;
        case "aws:serverlessrepository/cloudFormationStack:CloudFormationStack": {
            // An application of the Serverless Application Repository: someone else's template, which creates IAM resources only with these capabilities.
            const capabilities = read(props, "capabilities");
            if (capabilities === unknown || strings(capabilities).some((capability) => /^CAPABILITY_(?:NAMED_)?IAM$|^CAPABILITY_RESOURCE_POLICY$|^CAPABILITY_AUTO_EXPAND$/.test(capability))) {
                into.grants.push(unreadableGrant(label, resource.urn, "it deploys a Serverless Application Repository application, whose template the pack cannot read, with IAM capabilities", unreadTemplate));
            }
            return;
        }
        case "aws:servicecatalog/provisionedProduct:ProvisionedProduct":
        case "aws-native:servicecatalog:CloudFormationProvisionedProduct":
            into.grants.push(unreadableGrant(label, resource.urn, provisionedProductOf(resource) ?? "", unreadTemplate));
            return;
        case "aws:iam/instanceProfile:InstanceProfile":
            into.instanceProfiles.push({ label, urn: resource.urn, references: referencesOf(resource, "name", "arn", "id"), role: link(resource, "role") });
            return;
        case "aws-native:iam:InstanceProfile":
            into.instanceProfiles.push({ label, urn: resource.urn, references: referencesOf(resource, "instanceProfileName", "arn", "id"), role: link(resource, "roles") });
            return;
        case "aws:cloudcontrol/resource:Resource": {
            const typeName = canonicalTypeName(read(props, "typeName"));
            const holderType = cloudControlHolderType(typeName);
            const product = provisionedProductOf({ type: resource.type, props: { typeName } });
            if (product !== undefined) {
                into.grants.push(unreadableGrant(label, resource.urn, product, unreadTemplate));
                return;
            }
            // IAM and EKS types, the compute readCfnResource follows to its role, and stacks whose template the desired state holds.
            if (typeof typeName !== "string" || !(/^AWS::(IAM|EKS)::/.test(typeName) || cloudControlIdentityTypes.includes(typeName) || holderType !== undefined)) {
                if (typeName === unknown) {
                    into.grants.push({ label, urn: resource.urn, role: { references: [], dependencies: [], unknownReference: true }, content: { unreadable: "its typeName is not known yet (preview)" } });
                }
                return;
            }
            const desired = read(props, "desiredState");
            let state: unknown = desired;
            // A key named twice: JSON.parse keeps the last, and which one CloudControl keeps is not documented.
            const duplicate = typeof desired === "string" ? firstDuplicateKey(desired) : undefined;
            if (typeof desired === "string") {
                try {
                    state = duplicate === undefined ? JSON.parse(desired) : undefined;
                } catch {
                    state = undefined;
                }
            }
            if (desired === unknown || typeof state !== "object" || state === null) {
                const why =
                    desired === unknown
                        ? "its desiredState is not known yet (preview)"
                        : duplicate !== undefined
                          ? `its desiredState names the key ${JSON.stringify(duplicate.key)} twice in ${duplicate.path === "" ? "the object" : duplicate.path}, and which one CloudControl keeps is not documented`
                          : "its desiredState is not a JSON object";
                if (typeName === "AWS::IAM::Role") {
                    into.roles.push({ label, urn: resource.urn, references: referencesOf(resource, "identifier"), trust: unknown, trustLabel: `${label} desiredState` });
                    into.grants.push({ label, urn: resource.urn, role: self, content: { unreadable: why } });
                } else if (holderType !== undefined && desired !== unknown) {
                    into.grants.push(unreadableGrant(label, resource.urn, `${why}, so its template cannot be read`, unreadTemplate));
                } else {
                    into.grants.push({ label, urn: resource.urn, role: { references: [], dependencies: [], unknownReference: true }, content: { unreadable: why } });
                }
                return;
            }
            const source = holderType === undefined ? undefined : templateSourceOf({ type: resource.type, props: { typeName: holderType, desiredState: state } });
            if (source !== undefined) {
                // The stack CloudControl creates from the desired state holds the template, with the resource's identifier as its ID.
                readTemplateHolder({ ...resource, props: { ...source.props, identifier: read(props, "identifier") } }, source.holder, into);
                return;
            }
            const dependencies = (resource.propertyDependencies.desiredState ?? []).map((dependency) => dependency.urn);
            const before = into.grants.length;
            readCfnResource(typeName, state as Record<string, unknown>, {
                label,
                urn: resource.urn,
                selfReferences: [resource.urn, ...referencesOf(resource, "identifier")],
                known: {},
                computeIds: referencesOf(resource, "identifier"),
                resolve: (value) => (typeof value === "string" ? { references: [value], unknownReference: false } : { references: [quoted(value)], unknownReference: true }),
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
        default: {
            // Compute (a CloudFormation stack among it, which also holds a template) is read by its shape in computeShapes.
            const holder = templateHolderOf(resource.type);
            const computeShape = computeShapes[resource.type];
            if (computeShape !== undefined) {
                into.compute.push(computeRecord(resource, computeShape));
            }
            if (holder !== undefined) {
                readTemplateHolder(resource, holder, into);
            }
            return;
        }
    }
}

/** Reads every resource of a stack. */
export function readStack(resources: StackResource[]): StackGrants {
    const into = emptyStackGrants();
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
