/**
 * CloudFormation templates as the rules read them: JSON or YAML (with the short forms `!Ref`,
 * `!Sub`, `!GetAtt`, ...), their resources by logical ID. Intrinsic functions are values only
 * CloudFormation knows, except where the stack gives them: `Ref`, `Fn::Sub` and `Fn::Join` of
 * pseudo-parameters and parameters the stack knows are resolved; `Ref` and `Fn::GetAtt` of a
 * resource of the same template are kept as a reference to it; every other function reads as
 * unknown. Transforms, loops and nested templates, which the pack does not expand, are listed as
 * what it cannot read.
 */
import { parse as parseYaml, Tags } from "yaml";
import { firstDuplicateKey } from "@eks-irsa/components/iam";

import { plain, readOr } from "./runtime";

/** A resource of a template. */
export interface TemplateResource {
    logicalId: string;
    type: string;
    properties: Record<string, unknown>;
}

const shortForms = ["Ref", "Condition"].map((name) => ({ tag: `!${name}`, key: name })).concat(
    ["Sub", "GetAtt", "Join", "If", "Select", "Split", "FindInMap", "ImportValue", "Base64", "Cidr", "GetAZs", "Equals", "And", "Or", "Not", "Transform", "Length", "ToJsonString"].map(
        (name) => ({ tag: `!${name}`, key: `Fn::${name}` }),
    ),
);

const customTags: Tags = shortForms.flatMap(({ tag, key }) =>
    (["scalar", "seq", "map"] as const).map((collection) => ({
        tag,
        ...(collection === "scalar" ? {} : { collection }),
        resolve: (value: unknown) => {
            const plainValue = value !== null && typeof value === "object" && "toJSON" in value ? (value as { toJSON(): unknown }).toJSON() : value;
            // `!GetAtt Role.Arn` is the short form of ["Role", "Arn"].
            return { [key]: key === "Fn::GetAtt" && typeof plainValue === "string" ? plainValue.split(".") : plainValue };
        },
    })),
) as Tags;

/**
 * A template's top-level sections as plain values (JSON or YAML text, or an object), or why it cannot
 * be read. YAML merge keys (`<<: {...}`, `<<: *anchor`) are merged: AWS announced YAML templates
 * without hash merges and aliases, yet templates using them are reported to deploy, and reading a
 * merge as a merge only shows more of what a template may create (one CloudFormation refuses fails anyway).
 */
export function templateOf(template: unknown): { template: Record<string, unknown> } | { error: string } {
    let value: unknown = template;
    if (typeof template === "string") {
        try {
            value = JSON.parse(template);
            // JSON.parse keeps the last of a key named twice; CloudFormation's choice is not documented (a YAML text is refused by its parser).
            const duplicate = firstDuplicateKey(template);
            if (duplicate !== undefined) {
                return { error: `names the key ${JSON.stringify(duplicate.key)} twice in ${duplicate.path === "" ? "the template" : duplicate.path}, and which one CloudFormation keeps is not documented` };
            }
        } catch {
            try {
                value = parseYaml(template, { customTags, merge: true });
            } catch (error) {
                return { error: `is neither JSON nor YAML (${(error as Error).message})` };
            }
        }
    }
    const resources = (value as { Resources?: unknown } | null)?.Resources;
    if (typeof resources !== "object" || resources === null || Array.isArray(resources)) {
        return { error: "has no Resources object" };
    }
    return { template: value as Record<string, unknown> };
}

/** The resources of a template given as JSON or YAML text (or an object), or why it cannot be read. */
export function templateResources(template: unknown): { resources: TemplateResource[] } | { error: string } {
    const read = templateOf(template);
    if ("error" in read) {
        return read;
    }
    const resources = read.template.Resources;
    return {
        resources: Object.entries(resources as Record<string, unknown>).map(([logicalId, resource]) => {
            const record = (resource ?? {}) as { Type?: unknown; Properties?: unknown };
            return {
                logicalId,
                type: typeof record.Type === "string" ? record.Type : "",
                properties: typeof record.Properties === "object" && record.Properties !== null ? (record.Properties as Record<string, unknown>) : {},
            };
        }),
    };
}

/** Whether a value is an intrinsic function (`{ "Ref": ... }`, `{ "Fn::Sub": ... }`). */
export function isIntrinsic(value: unknown): value is Record<string, unknown> {
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
        return false;
    }
    const keys = Object.keys(value);
    return keys.length === 1 && (keys[0] === "Ref" || keys[0] === "Condition" || keys[0].startsWith("Fn::"));
}

/** The logical ID a `Ref` or `Fn::GetAtt` points to, if it is one. */
export function referencedLogicalId(value: unknown): string | undefined {
    if (!isIntrinsic(value)) {
        return undefined;
    }
    if (typeof value.Ref === "string") {
        return value.Ref;
    }
    const getAtt = value["Fn::GetAtt"];
    return Array.isArray(getAtt) && typeof getAtt[0] === "string" ? getAtt[0] : undefined;
}

/** Whether a value holds an intrinsic function anywhere. */
export function containsIntrinsic(value: unknown): boolean {
    if (isIntrinsic(value)) {
        return true;
    }
    if (Array.isArray(value)) {
        return value.some(containsIntrinsic);
    }
    return typeof value === "object" && value !== null && Object.values(value).some(containsIntrinsic);
}

/**
 * A policy document with every intrinsic function replaced by `*`: what CloudFormation will put
 * there is unknown here, so it is read as the widest value (an action, a resource, a principal).
 */
export function widenedDocument(value: unknown): unknown {
    if (isIntrinsic(value)) {
        return "*";
    }
    if (Array.isArray(value)) {
        return value.map(widenedDocument);
    }
    if (typeof value === "object" && value !== null) {
        return Object.fromEntries(Object.entries(value).map(([key, entry]) => [key, widenedDocument(entry)]));
    }
    return value;
}

/** Values a template's references take: pseudo-parameters (`AWS::AccountId`) and parameters, by name. */
export type KnownValues = Readonly<Record<string, string | string[]>>;

/** The pseudo-parameters a stack's own values give, when they give them (its region, an ARN of it). */
export function pseudoParameters(facts: { arns: string[]; region?: string; perAccount: boolean }): Record<string, string> {
    const fromArn = facts.arns.map((arn) => /^arn:([^:]+):[^:]*:([^:]*):(\d{12})?:/.exec(arn)).find((match) => match !== null);
    const region = facts.region ?? (fromArn?.[2] || undefined);
    const partition = fromArn?.[1] ?? (region === undefined ? undefined : partitionOfRegion(region));
    return {
        ...(partition !== undefined && { "AWS::Partition": partition, "AWS::URLSuffix": partition.startsWith("aws-cn") ? "amazonaws.com.cn" : "amazonaws.com" }),
        // A stack set's instances run in accounts and regions of their own: only the partition is the set's.
        ...(!facts.perAccount && region !== undefined && { "AWS::Region": region }),
        ...(!facts.perAccount && fromArn?.[3] !== undefined && { "AWS::AccountId": fromArn[3] }),
    };
}

/** The account a trust policy is read in when the stack does not say its own yet: see {@link trustValues}. */
export const standInAccountId = "000000000000";
const standInRegions: Readonly<Record<string, string>> = { aws: "us-east-1", "aws-cn": "cn-north-1", "aws-us-gov": "us-gov-west-1" };

/**
 * The values a template's trust policies are read with: the stack's, and stand-ins for the
 * pseudo-parameters it does not know yet (its ARN exists once it is created; a stack set's instances
 * each have their own account and region). Each pseudo-parameter is one concrete value wherever a
 * template uses it, never a pattern, so reading every use as the same stand-in judges what
 * CloudFormation deploys: an OIDC provider ARN and the condition keys of its issuer stay one issuer,
 * `aws:SourceAccount` and the cluster ARNs one account. Only trusts: grants match policies and roles
 * by account, which a stand-in would get wrong.
 */
export function trustValues(known: KnownValues): KnownValues {
    const partition = typeof known["AWS::Partition"] === "string" ? known["AWS::Partition"] : "aws";
    return {
        "AWS::Partition": partition,
        "AWS::URLSuffix": partition.startsWith("aws-cn") ? "amazonaws.com.cn" : "amazonaws.com",
        "AWS::Region": standInRegions[partition] ?? "us-east-1",
        "AWS::AccountId": standInAccountId,
        ...known,
    };
}

/** The partition of a region, by its name. */
function partitionOfRegion(region: string): string {
    const prefixes: [string, string][] = [["cn-", "aws-cn"], ["us-gov-", "aws-us-gov"], ["us-isob-", "aws-iso-b"], ["us-iso-", "aws-iso"], ["eu-isoe-", "aws-iso-e"], ["us-isof-", "aws-iso-f"]];
    return prefixes.find(([prefix]) => region.startsWith(prefix))?.[1] ?? "aws";
}

/**
 * The values of a template's parameters the stack passes (`parameters`), else their defaults; list
 * types (`CommaDelimitedList`, `List<...>`) as lists, as `Ref` gives them.
 */
export function parameterValues(template: Record<string, unknown>, given: Record<string, unknown>): Record<string, string | string[]> {
    const declared = template.Parameters;
    if (typeof declared !== "object" || declared === null) {
        return {};
    }
    return Object.fromEntries(
        Object.entries(declared as Record<string, unknown>).flatMap(([name, declaration]) => {
            const { Type: type, Default: fallback } = (declaration ?? {}) as { Type?: unknown; Default?: unknown };
            // An SSM parameter type: what the stack gives is a parameter's name, and CloudFormation reads its value from SSM.
            if (typeof type === "string" && type.startsWith("AWS::SSM::Parameter::Value<")) {
                return [];
            }
            const value = given[name] ?? fallback;
            if (typeof value !== "string" && typeof value !== "number") {
                return [];
            }
            const text = String(value);
            const isList = typeof type === "string" && (type === "CommaDelimitedList" || type.startsWith("List<"));
            return [[name, isList ? text.split(",").map((entry) => entry.trim()) : text]];
        }),
    );
}

/** `Fn::Sub`'s text with the variables it knows replaced; undefined while one is not known. */
function substituted(text: string, variables: (name: string) => string | undefined): string | undefined {
    let complete = true;
    const result = text.replace(/\$\{([^}]*)\}/g, (whole, name: string) => {
        if (name.startsWith("!")) {
            return `\${${name.slice(1)}}`;
        }
        const value = variables(name.trim());
        complete &&= value !== undefined;
        return value ?? whole;
    });
    return complete ? result : undefined;
}

/**
 * A value with the intrinsic functions the pack can evaluate replaced by their values: `Ref` of a
 * known value, `Fn::Sub` and `Fn::Join` whose parts are all known. Every other function (and one of
 * a value not known: another resource's attribute, a condition, an import) is kept as written.
 */
export function resolveIntrinsics(value: unknown, known: KnownValues): unknown {
    if (typeof value === "string") {
        return dynamicReference(value);
    }
    if (Array.isArray(value)) {
        return value.map((entry) => resolveIntrinsics(entry, known));
    }
    if (typeof value !== "object" || value === null) {
        return value;
    }
    if (!isIntrinsic(value)) {
        return Object.fromEntries(Object.entries(value).map(([key, entry]) => [key, resolveIntrinsics(entry, known)]));
    }
    const [[name, argument]] = Object.entries(value);
    if (name === "Ref" && typeof argument === "string" && Object.hasOwn(known, argument)) {
        // A parameter's value may itself be a dynamic reference CloudFormation resolves.
        const value = known[argument];
        return Array.isArray(value) ? value.map(dynamicReference) : dynamicReference(value);
    }
    if (name === "Fn::Sub") {
        const [text, variables] = Array.isArray(argument) ? [argument[0], resolveIntrinsics(argument[1] ?? {}, known)] : [argument, {}];
        const own = (typeof variables === "object" && variables !== null ? variables : {}) as Record<string, unknown>;
        const lookup = (variable: string): string | undefined => {
            const found = Object.hasOwn(own, variable) ? own[variable] : Object.hasOwn(known, variable) ? known[variable] : undefined;
            return typeof found === "string" ? found : undefined;
        };
        const result = typeof text === "string" ? substituted(text, lookup) : undefined;
        return result === undefined ? value : dynamicReference(result);
    }
    if (name === "Fn::Join" && Array.isArray(argument) && typeof argument[0] === "string") {
        const parts = resolveIntrinsics(argument[1], known);
        return Array.isArray(parts) && parts.every((part) => typeof part === "string") ? dynamicReference(parts.join(argument[0])) : value;
    }
    return { [name]: resolveIntrinsics(argument, known) };
}

/**
 * A string as CloudFormation reads it: one holding a dynamic reference (`{{resolve:ssm:/eks/provider}}`,
 * `{{resolve:secretsmanager:...}}`), which CloudFormation replaces in any property with a value only
 * the account holds, is a value the pack cannot know, marked as an intrinsic so every reader treats it
 * as one (a document reads it as `*`, a trust or a node setting as unjudgeable).
 */
function dynamicReference(text: string): unknown {
    return text.includes("{{resolve:") ? { "Fn::DynamicReference": text } : text;
}

/** The names of the intrinsic functions a value holds (`Fn::Sub`, `Ref`), each once. */
export function intrinsicNames(value: unknown): string[] {
    if (isIntrinsic(value)) {
        return [Object.keys(value)[0]];
    }
    const children = Array.isArray(value) ? value : typeof value === "object" && value !== null ? Object.values(value) : [];
    return [...new Set(children.flatMap(intrinsicNames))];
}

/** Resource types that create resources from a template the pack does not read (nested stacks, SAM, modules, provisioned products). */
function producesResources(type: string): boolean {
    return (
        ["AWS::CloudFormation::Stack", "AWS::CloudFormation::StackSet", "AWS::ServiceCatalog::CloudFormationProvisionedProduct"].includes(type) ||
        type.startsWith("AWS::Serverless::") ||
        type.endsWith("::MODULE")
    );
}

/** Every value under `Fn::ForEach::*` keys of a value: the fragments a loop replicates. */
function loopFragments(value: unknown): { key: string; fragment: unknown }[] {
    if (Array.isArray(value)) {
        return value.flatMap(loopFragments);
    }
    if (typeof value !== "object" || value === null) {
        return [];
    }
    return Object.entries(value).flatMap(([key, entry]) => (key.startsWith("Fn::ForEach::") ? [{ key, fragment: entry }] : loopFragments(entry)));
}

/** The `Type` of every resource a fragment declares, at any depth. */
function declaredTypes(value: unknown): unknown[] {
    if (Array.isArray(value)) {
        return value.flatMap(declaredTypes);
    }
    if (typeof value !== "object" || value === null) {
        return [];
    }
    const record = value as Record<string, unknown>;
    return [...("Type" in record ? [record.Type] : []), ...Object.values(record).flatMap(declaredTypes)];
}

/** Where a value holds `Fn::Transform`: the macros' names. */
function transformsIn(value: unknown): string[] {
    if (Array.isArray(value)) {
        return value.flatMap(transformsIn);
    }
    if (typeof value !== "object" || value === null) {
        return [];
    }
    return Object.entries(value).flatMap(([key, entry]) =>
        key === "Fn::Transform" ? [JSON.stringify((entry as { Name?: unknown } | null)?.Name ?? entry)] : transformsIn(entry),
    );
}

/** Transforms that only add the intrinsic functions the pack reads as unknown; `Fn::ForEach` is judged on its own. */
const readableTransforms = ["AWS::LanguageExtensions"];

/**
 * The parts of a template that create what the IAM rules cannot read: a transform or macro
 * (`Transform`, `Fn::Transform`: `AWS::Include`, `AWS::SecretsManager-*`, custom macros rewrite the
 * template before CloudFormation creates it), a loop (`Fn::ForEach::*`) over IAM or EKS resources, and
 * resources made from other templates or expansions (nested stacks and stack sets, SAM resources, which
 * make their own roles, modules, Service Catalog products). Each may create roles, grants and
 * associations, so each is a grant the pack cannot read.
 */
export function unreadableConstructs(template: Record<string, unknown>): { where: string; why: string }[] {
    return unexpandedConstructs(template, (type) => /^AWS::(IAM|EKS)::/.test(type), "roles, policies and associations", producesResources);
}

/** How a resource that holds a CloudFormation template gives it, and the stack's own values its intrinsic functions may take. */
export interface TemplateHolder {
    /** The property holding the template's text (or object). */
    body: string;
    /** The property naming a template the pack cannot fetch. */
    url: string;
    /** A stack set: its instances run in accounts and regions of their own, with parameter overrides of their own. */
    perAccount: boolean;
    /** The properties holding the stack's ARN, once it exists (its account, region and partition). */
    arns: string[];
    /** The property holding the values the stack passes its template's parameters. */
    parameters: string;
}

const holders: Readonly<Record<string, TemplateHolder>> = {
    "aws:cloudformation/stack:Stack": { body: "templateBody", url: "templateUrl", perAccount: false, arns: ["id", "arn"], parameters: "parameters" },
    "aws-native:cloudformation:Stack": { body: "templateBody", url: "templateUrl", perAccount: false, arns: ["stackId", "id"], parameters: "parameters" },
    "aws:cloudformation/stackSet:StackSet": { body: "templateBody", url: "templateUrl", perAccount: true, arns: ["arn"], parameters: "parameters" },
    "aws-native:cloudformation:StackSet": { body: "templateBody", url: "templateUrl", perAccount: true, arns: ["stackSetId"], parameters: "parameters" },
};

/**
 * The CloudFormation types CloudControl creates from a template of the desired state (in
 * CloudFormation's names, as the registry schemas spell them), as holders of their desired state;
 * the resource's `identifier` is the stack's (or stack set's) ID, its ARN.
 */
const cloudControlHolders: Readonly<Record<string, TemplateHolder>> = {
    "AWS::CloudFormation::Stack": { body: "TemplateBody", url: "TemplateURL", perAccount: false, arns: ["StackId", "identifier"], parameters: "Parameters" },
    "AWS::CloudFormation::StackSet": { body: "TemplateBody", url: "TemplateURL", perAccount: true, arns: ["StackSetId", "identifier"], parameters: "Parameters" },
};

/** The type of a CloudControl resource that holds a template (whatever the case of its `typeName`), if it is one. */
export function cloudControlHolderType(typeName: unknown): string | undefined {
    return typeof typeName === "string" ? Object.keys(cloudControlHolders).find((type) => type.toLowerCase() === typeName.toLowerCase()) : undefined;
}

/** A resource that holds a template, as its holder reads it: the holder, and the properties in the holder's names. */
export interface TemplateSource {
    holder: TemplateHolder;
    props: Record<string, unknown>;
    /** Why the properties cannot be read at all (a CloudControl desired state that is not a JSON object). */
    unreadable?: string;
}

/**
 * How a resource holds a CloudFormation template, if it does: a stack or stack set (aws, aws-native)
 * by its own properties, and a CloudControl resource of `AWS::CloudFormation::Stack` or
 * `AWS::CloudFormation::StackSet` by its desired state, which CloudControl hands to CloudFormation
 * as the stack's properties: the same template, with the same power to create roles and grants.
 * Throws the engine's unknown-value error when a CloudControl resource's `typeName` or
 * `desiredState` is not known yet (preview), as reading any other property would.
 */
export function templateSourceOf(resource: { type: string; props: Record<string, unknown> }): TemplateSource | undefined {
    const holder = holders[resource.type];
    if (holder !== undefined) {
        return { holder, props: resource.props };
    }
    if (resource.type !== "aws:cloudcontrol/resource:Resource") {
        return undefined;
    }
    const type = cloudControlHolderType(plain(resource.props.typeName));
    if (type === undefined) {
        return undefined;
    }
    const state = desiredStateObject(plain(resource.props.desiredState));
    const identifier = knownProperty(resource.props, "identifier")?.value;
    return state === undefined
        ? { holder: cloudControlHolders[type], props: {}, unreadable: "its desiredState is not a JSON object" }
        : { holder: cloudControlHolders[type], props: { ...state, ...(identifier !== undefined && { identifier }) } };
}

/** The Service Catalog types that provision a product: CloudFormation creates what the product's template holds. */
const productTypes = ["aws:servicecatalog/provisionedProduct:ProvisionedProduct", "aws-native:servicecatalog:CloudFormationProvisionedProduct"];

/**
 * Why a resource creates what a template the pack cannot read holds, if it does: a provisioned
 * Service Catalog product (aws, aws-native, CloudControl `AWS::ServiceCatalog::CloudFormationProvisionedProduct`),
 * which CloudFormation launches from the product's template (kept in S3 by the product's
 * provisioning artifact) with the launch role, so it may create roles, grants to any role, nodes and
 * clusters. A CloudControl resource whose `typeName` is not known yet (preview) is left to the update.
 */
export function provisionedProductOf(resource: { type: string; props: Record<string, unknown> }): string | undefined {
    const typeName = resource.type === "aws:cloudcontrol/resource:Resource" ? knownProperty(resource.props, "typeName")?.value : undefined;
    const product = productTypes.includes(resource.type) || (typeof typeName === "string" && typeName.toLowerCase() === "aws::servicecatalog::cloudformationprovisionedproduct");
    return product ? "it provisions a Service Catalog product, whose CloudFormation template (the product's provisioning artifact) the pack cannot read" : undefined;
}

/** A CloudControl desired state (JSON text or an object) as an object; undefined when it is neither. */
export function desiredStateObject(value: unknown): Record<string, unknown> | undefined {
    let parsed = value;
    if (typeof value === "string") {
        try {
            parsed = JSON.parse(value);
        } catch {
            return undefined;
        }
    }
    return typeof parsed === "object" && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
}

/** The resource types that hold a CloudFormation template (a stack or stack set, aws or aws-native). */
export const templateHolderTypes: readonly string[] = Object.keys(holders);

/** How a resource of this type holds a CloudFormation template (a stack or stack set, aws or aws-native), if it does. */
export function templateHolderOf(type: string): TemplateHolder | undefined {
    return holders[type];
}

/** A holder's template as the rules read it, or why it cannot be read, or that it holds none. */
export type HeldTemplate =
    | {
          kind: "template";
          template: Record<string, unknown>;
          resources: TemplateResource[];
          /** The pseudo-parameters and parameters the stack gives. */
          known: KnownValues;
          /** Its parameters are not known yet (preview): a reference left may be one of them, known at the update. */
          parametersPending: boolean;
      }
    | { kind: "unreadable"; why: string }
    | { kind: "none" };

/** A property of the engine's, or undefined when it is not known yet (preview). */
function knownProperty(props: Record<string, unknown>, key: string): { value: unknown } | undefined {
    return readOr(() => ({ value: plain(props[key]) }), undefined);
}

/**
 * The template a resource holds ({@link templateSourceOf}: a stack, a stack set, or a CloudControl
 * resource of either type) and how it holds it, read as {@link heldTemplate} reads it; undefined for
 * a resource that holds none. Throws the engine's unknown-value error as both do.
 */
export function heldTemplateOf(resource: { type: string; props: Record<string, unknown> }): { holder: TemplateHolder; held: HeldTemplate } | undefined {
    const source = templateSourceOf(resource);
    if (source === undefined) {
        return undefined;
    }
    return { holder: source.holder, held: source.unreadable !== undefined ? { kind: "unreadable", why: source.unreadable } : heldTemplate({ props: source.props }, source.holder) };
}

/**
 * The template a stack or stack set holds, with the values of the stack its intrinsic functions
 * take (as the IAM reading of `grants.ts` takes them: pseudo-parameters from the stack's region and
 * ARN, a stack's parameters, else their defaults; a stack set's only its partition). Throws the
 * engine's unknown-value error when the template itself is not known yet (preview), as reading
 * any other property would; its ARN or parameters not known yet are left out.
 */
export function heldTemplate(resource: { props: Record<string, unknown> }, holder: TemplateHolder): HeldTemplate {
    const body = plain(resource.props[holder.body]);
    if (body === undefined || body === null || body === "") {
        const url = plain(resource.props[holder.url]);
        return url !== undefined && url !== null && url !== "" ? { kind: "unreadable", why: `its template is at ${holder.url}, which the pack cannot read` } : { kind: "none" };
    }
    const parsed = templateOf(body);
    const read = "error" in parsed ? parsed : templateResources(parsed.template);
    if ("error" in parsed || "error" in read) {
        return { kind: "unreadable", why: `its ${holder.body} ${"error" in read ? read.error : "cannot be read"}` };
    }
    const region = knownProperty(resource.props, "region")?.value;
    const arns = holder.arns.flatMap((key) => {
        const value = knownProperty(resource.props, key)?.value;
        return typeof value === "string" ? [value] : [];
    });
    const pseudo = pseudoParameters({ arns, perAccount: holder.perAccount, ...(typeof region === "string" && { region }) });
    const given = holder.perAccount ? { value: {} } : knownProperty(resource.props, holder.parameters);
    const passed = typeof given?.value === "object" && given.value !== null ? (given.value as Record<string, unknown>) : {};
    // Stack set instances override parameters per account: only defaults would be known, and they are not the instances' values.
    const parameters = holder.perAccount || given === undefined ? {} : parameterValues(parsed.template, passed);
    const declaresParameters = typeof parsed.template.Parameters === "object" && parsed.template.Parameters !== null;
    return { kind: "template", template: parsed.template, resources: read.resources, known: { ...parameters, ...pseudo }, parametersPending: given === undefined && declaresParameters };
}

/**
 * A value with every `Ref` and `Fn::GetAtt` of a resource of the same template replaced by
 * `reference(logicalId)`: what links a node group to the template's own launch template, which
 * CloudFormation gives an ID only once it creates it.
 */
export function linkedReferences(value: unknown, logicalIds: ReadonlySet<string>, reference: (logicalId: string) => string): unknown {
    const id = referencedLogicalId(value);
    if (id !== undefined && logicalIds.has(id)) {
        return reference(id);
    }
    if (Array.isArray(value)) {
        return value.map((entry) => linkedReferences(entry, logicalIds, reference));
    }
    if (typeof value === "object" && value !== null) {
        return Object.fromEntries(Object.entries(value).map(([key, entry]) => [key, linkedReferences(entry, logicalIds, reference)]));
    }
    return value;
}

/** Where a path of a template resource's properties holds an intrinsic function, in CloudFormation's names. */
export interface IntrinsicAt {
    /** The field, as CloudFormation spells it (`LaunchTemplateData.MetadataOptions.HttpTokens`, `LaunchTemplateConfigs[1]`). */
    field: string;
    /** The intrinsic function (or the value holding it) found there. */
    value: unknown;
}

/**
 * The intrinsic functions met along a path of properties given in aws-native's camelCase
 * (`["launchTemplateData", "metadataOptions", "httpTokens"]`, `"[]"` for each element of a list),
 * read in CloudFormation's names (the first letter in upper case): one on the way (a whole
 * `MetadataOptions` as `Fn::If`) stands for every field under it; at the end, any value holding one.
 */
export function intrinsicsAlong(properties: unknown, path: readonly string[], field = ""): IntrinsicAt[] {
    if (isIntrinsic(properties) || (path.length === 0 && containsIntrinsic(properties))) {
        return [{ field, value: properties }];
    }
    if (path.length === 0 || typeof properties !== "object" || properties === null) {
        return [];
    }
    const [step, ...rest] = path;
    if (step === "[]") {
        return Array.isArray(properties) ? properties.flatMap((entry, index) => intrinsicsAlong(entry, rest, `${field}[${index}]`)) : [];
    }
    const key = step.charAt(0).toUpperCase() + step.slice(1);
    return intrinsicsAlong((properties as Record<string, unknown>)[key], rest, field === "" ? key : `${field}.${key}`);
}

/**
 * Resource types that create resources of any type from a template or an expansion the pack does
 * not read: nested stacks and stack sets, modules, Service Catalog products, and SAM's
 * `AWS::Serverless::Application` (a nested stack of the Serverless Application Repository). SAM's
 * other types expand into functions, APIs and tables, not instances or clusters.
 */
export function createsFromUnreadTemplates(type: string): boolean {
    return (
        ["AWS::CloudFormation::Stack", "AWS::CloudFormation::StackSet", "AWS::ServiceCatalog::CloudFormationProvisionedProduct", "AWS::Serverless::Application"].includes(type) ||
        type.endsWith("::MODULE")
    );
}

/**
 * The parts of a template the pack does not expand that may create resources of the types a rule
 * judges (`judged`, described as `what` in the reasons): a transform or macro other than
 * `AWS::LanguageExtensions` and SAM's, `Fn::Transform`, a loop (`Fn::ForEach::*`) declaring a
 * judged type (or a type it computes), and resources made from templates the pack does not read
 * (`createsUnread`, by default {@link createsFromUnreadTemplates}). {@link unreadableConstructs} is
 * the IAM rules' reading.
 */
export function unexpandedConstructs(
    template: Record<string, unknown>,
    judged: (type: string) => boolean,
    what: string,
    createsUnread: (type: string) => boolean = createsFromUnreadTemplates,
): { where: string; why: string }[] {
    const declared = template.Transform;
    const transforms = (Array.isArray(declared) ? declared : declared === undefined ? [] : [declared]).map((entry) => (typeof entry === "string" ? entry : JSON.stringify(entry)));
    const serverless = (name: string): boolean => /^AWS::Serverless-\d{4}-\d{2}-\d{2}$/.test(name);
    const resources = (template.Resources ?? {}) as Record<string, unknown>;
    const looped = (type: unknown): boolean => typeof type !== "string" || judged(type) || createsUnread(type);
    const unread = `so the ${what} it may create cannot be judged`;
    return [
        // SAM's transform expands only AWS::Serverless::* resources, whose applications are reported below.
        ...transforms
            .filter((name) => !readableTransforms.includes(name) && !serverless(name))
            .map((name) => ({ where: `Transform ${name}`, why: `is a transform (macro) that rewrites the template before CloudFormation creates it, ${unread}` })),
        ...transformsIn(resources).map((name) => ({ where: `Fn::Transform ${name}`, why: `is a macro that rewrites the template before CloudFormation creates it, ${unread}` })),
        ...loopFragments(resources)
            .filter(({ fragment }) => declaredTypes(fragment).some(looped))
            .map(({ key }) => ({ where: key, why: `is a loop (AWS::LanguageExtensions) over ${what}, which the pack does not expand, ${unread}` })),
        ...Object.entries(resources).flatMap(([logicalId, resource]) => {
            const type = (resource as { Type?: unknown } | null)?.Type;
            return typeof type === "string" && createsUnread(type)
                ? [{ where: `resource ${JSON.stringify(logicalId)} (${type})`, why: `creates resources from a template or expansion the pack cannot read, ${unread}` }]
                : [];
        }),
    ];
}
