/**
 * Where EKS nodes start, read into one shape for the node and cluster rules: launch templates and
 * launch configurations (where metadata settings live), the things that start instances from them
 * (node groups, Auto Scaling groups, fleets, instances), and CloudControl resources, read as the
 * aws-native type of their typeName (CloudFormation's property names, in camelCase as aws-native
 * spells them), and the same types in the templates of CloudFormation stacks and stack sets, read
 * the same way once the intrinsic functions the stack knows are resolved.
 */
import { PolicyResource } from "@pulumi/policy";

import {
    desiredStateObject,
    provisionedProductOf,
    heldTemplateOf,
    intrinsicsAlong,
    linkedReferences,
    referencedLogicalId,
    resolveIntrinsics,
    templateSourceOf,
    unexpandedConstructs,
} from "./cloudformation";
import { MetadataField, MetadataOptions, metadataOptionsFrom } from "./eks";
import { at, plain, readOr, resourceLabel } from "./runtime";

/**
 * The CloudFormation (and CloudControl) type names the node and cluster rules read, and the
 * aws-native type of the same shape.
 */
const cloudControlTypes: Record<string, string> = {
    "AWS::EC2::LaunchTemplate": "aws-native:ec2:LaunchTemplate",
    "AWS::EC2::Instance": "aws-native:ec2:Instance",
    "AWS::AutoScaling::LaunchConfiguration": "aws-native:autoscaling:LaunchConfiguration",
    "AWS::AutoScaling::AutoScalingGroup": "aws-native:autoscaling:AutoScalingGroup",
    "AWS::EKS::Nodegroup": "aws-native:eks:Nodegroup",
    "AWS::EKS::Cluster": "aws-native:eks:Cluster",
    "AWS::EC2::EC2Fleet": "aws-native:ec2:Ec2Fleet",
    "AWS::EC2::SpotFleet": "aws-native:ec2:SpotFleet",
    "AWS::Batch::ComputeEnvironment": "aws-native:batch:ComputeEnvironment",
    "AWS::SageMaker::Cluster": "aws-native:sagemaker:Cluster",
};

const cloudControlType = "aws:cloudcontrol/resource:Resource";

/** A resource as the node and cluster rules read it. */
export interface NodeView {
    /** The type whose shape `props` has: the resource's own, or for CloudControl the aws-native type of its typeName. */
    type: string;
    /** For messages: the resource, and for CloudControl its typeName and desiredState. */
    label: string;
    urn: string;
    props: Record<string, unknown>;
    /** The property of the resource itself a property of the view came from (its dependencies are recorded there). */
    sourceKey(key: string): string;
    /** The engine's identifiers of it (outputs), which other resources may name it by. */
    identifiers(): unknown[];
    /** Why its properties cannot be read (a CloudControl desiredState that is not a JSON object). */
    unreadable?: string;
    /** The fields the rules judge that a template gives by intrinsic functions the pack cannot resolve. */
    unresolved?: UnresolvedField[];
}

/** What a judged field decides: a metadata setting, the template a starter launches from, a cluster's endpoint or audit log. */
export type Judged = MetadataField | "httpEndpoint" | "template" | "endpoint" | "auditLog";

/** A field of a template resource the rules judge, given by an intrinsic function the pack cannot resolve. */
export interface UnresolvedField {
    judges: Judged;
    /** The field, as CloudFormation spells it (`LaunchTemplateData.MetadataOptions.HttpTokens`). */
    field: string;
    /** What it holds, after the values the stack knows are put in. */
    value: unknown;
    /** The stack's parameters are not known yet (preview), so it may be one of them: judged at the update, when they are. */
    pending: boolean;
}

/**
 * A value with every object key's first letter in lower case: CloudFormation's `LaunchTemplateData`
 * is aws-native's `launchTemplateData`. Values are kept as they are.
 */
export function camelCased(value: unknown): unknown {
    if (Array.isArray(value)) {
        return value.map(camelCased);
    }
    if (typeof value === "object" && value !== null) {
        return Object.fromEntries(Object.entries(value).map(([key, entry]) => [key.charAt(0).toLowerCase() + key.slice(1), camelCased(entry)]));
    }
    return value;
}

/**
 * The resource as the node and cluster rules read it, or undefined for a CloudControl resource of a
 * type they do not read. Throws the engine's unknown-value error when a CloudControl resource's
 * typeName or desiredState is unknown (preview), as reading any other property would.
 */
export function nodeView(resource: { type: string; name: string; urn: string; props: Record<string, unknown> }): NodeView | undefined {
    const ownIdentifiers = (): unknown[] => [resource.props.id, resource.props.arn, resource.props.launchTemplateId, resource.props.identifier].map((value) => plain(value));
    if (resource.type !== cloudControlType) {
        return { type: resource.type, label: resourceLabel(resource), urn: resource.urn, props: resource.props, sourceKey: (key) => key, identifiers: ownIdentifiers };
    }
    const typeName = plain(resource.props.typeName);
    const type = typeof typeName === "string" ? cloudControlTypes[typeName] : undefined;
    if (type === undefined) {
        return undefined;
    }
    const desired = plain(resource.props.desiredState);
    const state = desiredStateObject(desired);
    return {
        type,
        label: `${resourceLabel(resource)} (${String(typeName)}, desiredState)`,
        urn: resource.urn,
        props: (camelCased(state ?? {}) as Record<string, unknown>),
        // desiredState is one string: every template it names depends through it.
        sourceKey: () => "desiredState",
        identifiers: ownIdentifiers,
        unreadable: state === undefined ? "its desiredState is not a JSON object, so its settings cannot be read" : undefined,
    };
}

/**
 * Every value at a path whose `"[]"` steps stand for each element of a list
 * (`["launchTemplateConfigs", "[]", "launchTemplateSpecification", "launchTemplateId"]`); only
 * values that are there (not undefined or null).
 */
export function valuesAt(value: unknown, path: string[]): unknown[] {
    if (value === undefined || value === null) {
        return [];
    }
    if (path.length === 0) {
        return [plain(value)];
    }
    const [step, ...rest] = path;
    if (step === "[]") {
        return Array.isArray(value) ? Array.from({ length: value.length }, (_, index) => valuesAt(value[index], rest)).flat() : [];
    }
    return valuesAt(at(value, step), rest);
}

/** Where each kind of launch template (or launch configuration) keeps its metadata settings. */
const templateMetadataPaths: Record<string, string[]> = {
    "aws:ec2/launchTemplate:LaunchTemplate": ["metadataOptions"],
    "aws:ec2/launchConfiguration:LaunchConfiguration": ["metadataOptions"],
    "aws-native:ec2:LaunchTemplate": ["launchTemplateData", "metadataOptions"],
    "aws-native:autoscaling:LaunchConfiguration": ["metadataOptions"],
};

/** Whether a view is a launch template or launch configuration. */
export function isTemplate(view: NodeView): boolean {
    return templateMetadataPaths[view.type] !== undefined;
}

/** The metadata settings of a template, of an instance or of a spot fleet's launch specification (`metadataOptions`). */
export function metadataOptionsOf(view: NodeView): MetadataOptions | undefined {
    return metadataOptionsFrom(plain(at(view.props, ...(templateMetadataPaths[view.type] ?? ["metadataOptions"]))));
}

/** The names other resources may name a template by. */
export function templateNames(view: NodeView): unknown[] {
    return ["name", "launchTemplateName", "launchConfigurationName"].map((key) => plain(view.props[key]));
}

/** How a resource that starts instances names its launch templates. */
export interface StarterShape {
    /** The properties that hold a template (their dependencies name it too). */
    template: string[];
    /** Paths to IDs of the templates it names. */
    byId: string[][];
    /** Paths to names of the templates (or launch configurations) it names. */
    byName: string[][];
    /** An instance may start without a template: its own metadataOptions are its settings. */
    templateOptional?: boolean;
    /**
     * Whether a resource of the type starts instances at all, by its properties (an AWS Batch
     * compute environment of Fargate starts none, a HyperPod cluster orchestrated by Slurm no EKS
     * node); a value not known yet (preview) may start some. Always, when not given.
     */
    startsNodes?: (props: Record<string, unknown>) => boolean;
    /** Why it can name no template (its API takes none), and what to do: the message for one that starts nodes without one. */
    noTemplates?: string;
}

/**
 * An AWS Batch compute environment's EC2 and Spot instances (on EKS, nodes of the cluster; on ECS,
 * hosts of the jobs' containers) start from `computeResources.launchTemplate` and its overrides, in
 * aws classic and in aws-native (CloudFormation's names in camelCase) alike. Fargate and unmanaged
 * environments start no instance of the stack's.
 */
const batchComputeEnvironment: StarterShape = {
    template: ["computeResources.launchTemplate"],
    byId: [
        ["computeResources", "launchTemplate", "launchTemplateId"],
        ["computeResources", "launchTemplate", "overrides", "[]", "launchTemplateId"],
    ],
    byName: [
        ["computeResources", "launchTemplate", "launchTemplateName"],
        ["computeResources", "launchTemplate", "overrides", "[]", "launchTemplateName"],
    ],
    startsNodes: (props) => {
        const compute = plain(props.computeResources);
        if (typeof compute !== "object" || compute === null) {
            return false;
        }
        const type = plain((compute as Record<string, unknown>).type);
        return !(typeof type === "string" && /^FARGATE/i.test(type));
    },
};

/**
 * A SageMaker HyperPod cluster orchestrated by EKS: each instance group's instances join the EKS
 * cluster as nodes, and pods are scheduled on them. Its API takes no launch template and no
 * metadata options, so nothing in the stack sets IMDSv2 or the hop limit of those nodes.
 */
const hyperPodCluster: StarterShape = {
    template: [],
    byId: [],
    byName: [],
    startsNodes: (props) => plain(at(props, "orchestrator", "eks")) !== undefined,
    noTemplates:
        "starts EKS nodes (its instance groups join the cluster its orchestrator.eks names) from SageMaker HyperPod, whose API takes no launch template or metadata options, so nothing in this stack keeps pods from their instance role's credentials (IMDSv2 required, hop limit 1); " +
        "run pods that must not hold the instance group's ExecutionRole on node groups with such a template, and lower this rule for the stacks that use HyperPod",
};

const overrides = ["mixedInstancesPolicy", "launchTemplate", "overrides", "[]", "launchTemplateSpecification"];
const mixed = ["mixedInstancesPolicy", "launchTemplate", "launchTemplateSpecification"];
const managed: StarterShape = { template: ["launchTemplate"], byId: [["launchTemplate", "id"]], byName: [["launchTemplate", "name"]] };
const instance: StarterShape = { ...managed, templateOptional: true };

/** Things that start nodes (or any instance) from a template, and the properties that name it. */
const starterShapes: Record<string, StarterShape> = {
    "aws:eks/nodeGroup:NodeGroup": managed,
    // Without a launchTemplate the eks provider writes one only for enableIMDSv2, with a hop limit of 2.
    "eks:index:ManagedNodeGroup": managed,
    "aws-native:eks:Nodegroup": managed,
    "aws:autoscaling/group:Group": {
        template: ["launchTemplate", "mixedInstancesPolicy", "launchConfiguration"],
        byId: [["launchTemplate", "id"], [...mixed, "launchTemplateId"], [...overrides, "launchTemplateId"]],
        byName: [["launchTemplate", "name"], [...mixed, "launchTemplateName"], [...overrides, "launchTemplateName"], ["launchConfiguration"]],
    },
    "aws-native:autoscaling:AutoScalingGroup": {
        template: ["launchTemplate", "mixedInstancesPolicy", "launchConfigurationName"],
        byId: [["launchTemplate", "launchTemplateId"], [...mixed, "launchTemplateId"], [...overrides, "launchTemplateId"]],
        byName: [["launchTemplate", "launchTemplateName"], [...mixed, "launchTemplateName"], [...overrides, "launchTemplateName"], ["launchConfigurationName"]],
    },
    "aws:ec2/fleet:Fleet": {
        template: ["launchTemplateConfigs"],
        byId: [["launchTemplateConfigs", "[]", "launchTemplateSpecification", "launchTemplateId"]],
        byName: [["launchTemplateConfigs", "[]", "launchTemplateSpecification", "launchTemplateName"]],
    },
    // launchSpecifications start instances without a template; the resource rule refuses them.
    "aws:ec2/spotFleetRequest:SpotFleetRequest": {
        template: ["launchTemplateConfigs", "launchSpecifications"],
        byId: [["launchTemplateConfigs", "[]", "launchTemplateSpecification", "id"]],
        byName: [["launchTemplateConfigs", "[]", "launchTemplateSpecification", "name"]],
    },
    "aws:batch/computeEnvironment:ComputeEnvironment": batchComputeEnvironment,
    "aws-native:batch:ComputeEnvironment": batchComputeEnvironment,
    "aws-native:sagemaker:Cluster": hyperPodCluster,
    "aws:ec2/instance:Instance": instance,
    "aws:ec2/spotInstanceRequest:SpotInstanceRequest": instance,
    "aws-native:ec2:Instance": { template: ["launchTemplate"], byId: [["launchTemplate", "launchTemplateId"]], byName: [["launchTemplate", "launchTemplateName"]], templateOptional: true },
    "aws-native:ec2:Ec2Fleet": {
        template: ["launchTemplateConfigs"],
        byId: [["launchTemplateConfigs", "[]", "launchTemplateSpecification", "launchTemplateId"]],
        byName: [["launchTemplateConfigs", "[]", "launchTemplateSpecification", "launchTemplateName"]],
    },
    // Its launchSpecifications, like aws classic's, start instances without a template; the resource rule refuses them.
    "aws-native:ec2:SpotFleet": {
        template: ["spotFleetRequestConfigData"],
        byId: [["spotFleetRequestConfigData", "launchTemplateConfigs", "[]", "launchTemplateSpecification", "launchTemplateId"]],
        byName: [["spotFleetRequestConfigData", "launchTemplateConfigs", "[]", "launchTemplateSpecification", "launchTemplateName"]],
    },
};

/**
 * How a view names its launch templates, if it starts instances (a value not known yet that decides
 * whether it does counts as one that does: fail closed).
 */
export function starterShape(view: NodeView): StarterShape | undefined {
    const shape = starterShapes[view.type];
    if (shape?.startsNodes === undefined) {
        return shape;
    }
    const startsNodes = shape.startsNodes;
    return readOr(() => startsNodes(view.props), true) ? shape : undefined;
}

/** Where a spot fleet keeps the launch specifications that start instances without a template (and so without metadata options). */
const launchSpecificationPaths: Record<string, string[]> = {
    "aws:ec2/spotFleetRequest:SpotFleetRequest": ["launchSpecifications"],
    "aws-native:ec2:SpotFleet": ["spotFleetRequestConfigData", "launchSpecifications"],
};

/** A spot fleet's launch specifications: the field they are in, for messages, and how many there are. */
export function launchSpecificationsOf(view: NodeView): { field: string; count: number } | undefined {
    const path = launchSpecificationPaths[view.type];
    if (path === undefined) {
        return undefined;
    }
    const specifications = plain(at(view.props, ...path));
    return { field: path.join("."), count: Array.isArray(specifications) ? specifications.length : 0 };
}

const metadataFields: ("httpTokens" | "httpPutResponseHopLimit" | "httpEndpoint")[] = ["httpTokens", "httpPutResponseHopLimit", "httpEndpoint"];

/** The paths (aws-native's camelCase) of the fields the rules judge on a view of this type, and what each decides. */
function judgedPaths(type: string): { path: string[]; judges: Judged }[] {
    const metadata = templateMetadataPaths[type] ?? (instanceSigns[type] !== undefined ? ["metadataOptions"] : undefined);
    const shape = starterShapes[type];
    return [
        ...(metadata === undefined ? [] : metadataFields.map((field) => ({ path: [...metadata, field], judges: field }))),
        ...(shape === undefined ? [] : [...shape.byId, ...shape.byName].map((path) => ({ path, judges: "template" as const }))),
        ...(type === "aws-native:eks:Cluster"
            ? [
                  { path: ["resourcesVpcConfig", "endpointPublicAccess"], judges: "endpoint" as const },
                  { path: ["resourcesVpcConfig", "publicAccessCidrs"], judges: "endpoint" as const },
                  { path: ["logging", "clusterLogging", "enabledTypes", "[]", "type"], judges: "auditLog" as const },
              ]
            : []),
    ];
}

/**
 * CloudFormation takes "true" and "false" for a boolean (a `Ref` of a String parameter gives one):
 * the cluster's endpointPublicAccess is read as the boolean it stands for.
 */
function withTemplateBooleans(type: string, props: Record<string, unknown>): Record<string, unknown> {
    const vpc = props.resourcesVpcConfig;
    if (type !== "aws-native:eks:Cluster" || typeof vpc !== "object" || vpc === null) {
        return props;
    }
    const access = (vpc as Record<string, unknown>).endpointPublicAccess;
    return access === "true" || access === "false" ? { ...props, resourcesVpcConfig: { ...vpc, endpointPublicAccess: access === "true" } } : props;
}

/**
 * The resources of a CloudFormation stack's or stack set's template that the node and cluster rules
 * read, as the aws-native type of the same shape: the intrinsic functions the stack knows are
 * resolved (its parameters and pseudo-parameters), a `Ref` or `Fn::GetAtt` of the template's own
 * resource becomes a reference its view answers to (a node group naming `!Ref Lt` launches from
 * `Lt`), and each judged field still holding an intrinsic function is recorded as unresolved.
 * Empty for other resources and for a template the pack cannot read ({@link templateReadProblems}).
 * Throws the engine's unknown-value error when the template is not known yet (preview).
 */
export function templateViews(resource: { type: string; name: string; urn: string; props: Record<string, unknown> }): NodeView[] {
    const source = heldTemplateOf(resource);
    if (source === undefined || source.held.kind !== "template") {
        return [];
    }
    const { holder, held } = source;
    const logicalIds = new Set(held.resources.map((each) => each.logicalId));
    const reference = (logicalId: string): string => `${resource.urn}#${logicalId}`;
    // A template's own launch template (or launch configuration) names it; any other resource's attribute
    // (a custom resource's output, say) or intrinsic function names a template the pack cannot know.
    const templateIds = new Set(held.resources.filter((each) => templateMetadataPaths[cloudControlTypes[each.type] ?? ""] !== undefined).map((each) => each.logicalId));
    const ownReference = (value: unknown): boolean => templateIds.has(referencedLogicalId(value) ?? "");
    return held.resources.flatMap((each) => {
        const type = cloudControlTypes[each.type];
        if (type === undefined) {
            return [];
        }
        const resolved = resolveIntrinsics(each.properties, held.known);
        const unresolved = judgedPaths(type).flatMap(({ path, judges }) =>
            intrinsicsAlong(resolved, path)
                .filter(({ value }) => judges !== "template" || !ownReference(value))
                .map(({ field, value }) => ({ judges, field, value, pending: held.parametersPending })),
        );
        const view: NodeView = {
            type,
            label: `${resourceLabel(resource)} template resource ${JSON.stringify(each.logicalId)} (${each.type})`,
            urn: resource.urn,
            props: withTemplateBooleans(type, camelCased(linkedReferences(resolved, logicalIds, reference)) as Record<string, unknown>),
            // The template is one value: every template it names depends through it.
            sourceKey: () => holder.body,
            identifiers: () => [reference(each.logicalId)],
            unresolved,
        };
        return [view];
    });
}

/** Which template resources a rule judges: the node rules' (templates, instances, what starts them) or the cluster rules'. */
export type TemplateKinds = "nodes" | "clusters";

const kindsOf: Record<TemplateKinds, { judged: (type: string) => boolean; what: string }> = {
    nodes: {
        judged: (type) => cloudControlTypes[type] !== undefined && type !== "AWS::EKS::Cluster",
        what: "launch templates, launch configurations, instances, Auto Scaling groups, node groups, fleets, Batch compute environments and HyperPod clusters",
    },
    clusters: { judged: (type) => type === "AWS::EKS::Cluster", what: "EKS clusters" },
};

/**
 * Why a CloudFormation stack's or stack set's template may create, out of the pack's sight, what a
 * rule judges: a template it cannot read (behind `templateUrl`, not JSON or YAML), and the parts of
 * it the pack does not expand (a transform or macro, a loop over those types, a nested stack). Each
 * message names the holder and the part. Empty for other resources.
 */
export function templateReadProblems(resource: { type: string; name: string; props: Record<string, unknown> }, kinds: TemplateKinds): string[] {
    const { judged, what } = kindsOf[kinds];
    const product = provisionedProductOf(resource);
    if (product !== undefined) {
        return [`${resourceLabel(resource)}: ${product}, so the ${what} it may create cannot be judged; deploy the template as a CloudFormation stack's templateBody`];
    }
    // A Serverless Application Repository application is someone else's template: without IAM capabilities it still creates launch templates, clusters and access entries.
    if (resource.type === "aws:serverlessrepository/cloudFormationStack:CloudFormationStack") {
        return [`${resourceLabel(resource)}: it deploys a Serverless Application Repository application, whose template the pack cannot read, so the ${what} it may create cannot be judged; deploy the template as a CloudFormation stack's templateBody`];
    }
    const source = heldTemplateOf(resource);
    if (source === undefined) {
        return [];
    }
    const { holder, held } = source;
    const label = resourceLabel(resource);
    if (held.kind === "unreadable") {
        return [`${label}: ${held.why}, so the ${what} it may create cannot be judged; give the template as ${holder.body}`];
    }
    return held.kind === "template" ? unexpandedConstructs(held.template, judged, what).map(({ where, why }) => `${label} template ${where}: ${why}`) : [];
}

/** Where an instance keeps its user data and tags, for the signs that it is an EKS node. */
const instanceSigns: Record<string, { userData: string[]; userDataBase64: string[]; tagKeys: (props: Record<string, unknown>) => string[] }> = {
    "aws:ec2/instance:Instance": { userData: ["userData"], userDataBase64: ["userDataBase64"], tagKeys: (props) => mapKeys(plain(props.tags)) },
    "aws:ec2/spotInstanceRequest:SpotInstanceRequest": { userData: ["userData"], userDataBase64: ["userDataBase64"], tagKeys: (props) => mapKeys(plain(props.tags)) },
    // CloudFormation's UserData is base64, its Tags a list of { Key, Value }.
    "aws-native:ec2:Instance": { userData: [], userDataBase64: ["userData"], tagKeys: (props) => valuesAt(props, ["tags", "[]", "key"]).filter((key): key is string => typeof key === "string") },
};

/** Whether a view is an EC2 instance (which may be a node whatever it carries). */
export function isInstance(view: NodeView): boolean {
    return instanceSigns[view.type] !== undefined;
}

/** An instance's user data as text (decoded where it is base64) and its tag keys. */
export function instanceSignsOf(view: NodeView): { userData: string[]; tagKeys: string[] } {
    const signs = instanceSigns[view.type];
    if (signs === undefined) {
        return { userData: [], tagKeys: [] };
    }
    const texts = (path: string[]): string[] => valuesAt(view.props, path).filter((value): value is string => typeof value === "string");
    return { userData: [...texts(signs.userData), ...texts(signs.userDataBase64).map(decodedBase64)], tagKeys: signs.tagKeys(view.props) };
}

function mapKeys(value: unknown): string[] {
    return typeof value === "object" && value !== null && !Array.isArray(value) ? Object.keys(value) : [];
}

const base64Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/** Base64 text decoded byte by byte into a string (Latin-1): enough to find ASCII markers, without Node's Buffer types. */
export function decodedBase64(text: string): string {
    let bits = 0;
    let buffered = 0;
    let out = "";
    for (const char of text) {
        const value = base64Alphabet.indexOf(char);
        if (value < 0) {
            continue;
        }
        buffered = (buffered << 6) | value;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out += String.fromCharCode((buffered >> bits) & 0xff);
        }
    }
    return out;
}

/** The views of one resource: its own, or those of the resources of the template it holds. */
export function nodeViewsOf(resource: { type: string; name: string; urn: string; props: Record<string, unknown> }): NodeView[] {
    if (templateSourceOf(resource) !== undefined) {
        return templateViews(resource);
    }
    const view = nodeView(resource);
    return view === undefined ? [] : [view];
}

/** The resource views of a stack the node rules read, each once (a template's resources included); resources of types they do not read are left out. */
export function viewsOf(resources: PolicyResource[], knownOr: <T>(read: () => T, fallback: T) => T): NodeView[] {
    return resources.flatMap((resource) => knownOr(() => nodeViewsOf(resource), []));
}
