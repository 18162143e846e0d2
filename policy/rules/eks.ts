/**
 * The rules on EKS nodes and clusters: instance metadata wherever nodes start (launch templates and
 * configurations, instances, fleets, Karpenter node classes, and what launches from templates), and
 * the cluster's public endpoint and audit log, whose level depends on whether the stack is production.
 */
import { PolicyResource, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";

import {
    auditLoggingProblems,
    defaultMaxPublicAddressShare,
    defaultNonProductionStacks,
    eksNodeEvidence,
    EndpointSettings,
    endpointProblems,
    imdsFieldProblems,
    isNonProductionStack,
    MetadataOptions,
    metadataOptionsFrom,
    MetadataProblem,
    onlySetFields,
} from "../eks";
import { intrinsicNames } from "../cloudformation";
import {
    instanceSignsOf,
    isInstance,
    isTemplate,
    Judged,
    launchSpecificationsOf,
    metadataOptionsOf,
    NodeView,
    nodeViewsOf,
    StarterShape,
    starterShape,
    templateNames,
    templateReadProblems,
    UnresolvedField,
    valuesAt,
    viewsOf,
} from "../nodeStarts";
import { at, plain, readOr, report, resourceLabel, stackOfUrn, stringsAt } from "../runtime";

/**
 * Karpenter's node classes, whose nodes run pods, and the metadata settings each API version gives a
 * class that leaves them unset: v1 requires tokens with a hop limit of 1; the Karpenter releases that
 * served v1beta1 EC2NodeClass and v1alpha1 AWSNodeTemplate defaulted to a hop limit of 2, so those
 * must set 1.
 */
const nodeClassDefaults: Record<string, MetadataOptions> = {
    "kubernetes:karpenter.k8s.aws/v1:EC2NodeClass": { httpTokens: "required", httpPutResponseHopLimit: 1 },
    "kubernetes:karpenter.k8s.aws/v1beta1:EC2NodeClass": { httpTokens: "required", httpPutResponseHopLimit: 2 },
    "kubernetes:karpenter.k8s.aws/v1alpha1:AWSNodeTemplate": { httpTokens: "required", httpPutResponseHopLimit: 2 },
};

/** Server-side patches of node classes: they change only the fields they set, so only those are judged. */
const nodeClassPatchTypes = [
    "kubernetes:karpenter.k8s.aws/v1:EC2NodeClassPatch",
    "kubernetes:karpenter.k8s.aws/v1beta1:EC2NodeClassPatch",
    "kubernetes:karpenter.k8s.aws/v1alpha1:AWSNodeTemplatePatch",
];

/** The problems of a Karpenter node class or a patch of one (`spec.metadataOptions`), or undefined for other types. */
function nodeClassProblems(resource: { type: string; props: Record<string, unknown> }): string[] | undefined {
    const defaults = nodeClassDefaults[resource.type];
    const isPatch = nodeClassPatchTypes.includes(resource.type);
    if (defaults === undefined && !isPatch) {
        return undefined;
    }
    const options = metadataOptionsFrom(plain(at(resource.props, "spec", "metadataOptions")) ?? {});
    const judged = isPatch ? onlySetFields(options) : { ...defaults, ...definedFields(options) };
    return imdsFieldProblems(judged, { hopLimit: true }).map((problem) =>
        // An unset hop limit whose default is 2 says so, rather than reading as if the class set it.
        problem.field === "httpPutResponseHopLimit" && options?.httpPutResponseHopLimit === undefined
            ? "spec.metadataOptions.httpPutResponseHopLimit is not set, and Karpenter's default for this API version is 2, so pods can reach the node role's credentials; set it to 1"
            : `spec.${problem.message}`,
    );
}

/** The fields of metadata settings that are set. */
function definedFields(options: MetadataOptions | undefined): MetadataOptions {
    return Object.fromEntries(Object.entries(options ?? {}).filter(([, value]) => value !== undefined)) as MetadataOptions;
}

/** What a judged field a template gives by an unresolved intrinsic function leaves undecided, and what to write instead. */
const unresolvedConsequences: Record<Judged, string> = {
    httpTokens: 'whether IMDSv1 is allowed cannot be judged; write "required"',
    httpPutResponseHopLimit: "whether pods can reach the node role's credentials cannot be judged; write 1",
    httpEndpoint: "whether IMDS is off cannot be judged; write the value",
    template: "the launch template its instances start from, and so their metadata settings, cannot be judged; name a launch template of the template (Ref) or of the stack by its ID or name",
    endpoint: "who may reach the API server cannot be judged; write the value",
    auditLog: 'whether the audit log is on cannot be judged; write "audit" among the EnabledTypes',
};

/** The message of a field CloudFormation alone can resolve: the pack fails closed on it. */
function unresolvedMessage(entry: UnresolvedField): string {
    return (
        `${entry.field} is ${JSON.stringify(entry.value)}, which holds ${intrinsicNames(entry.value).join(", ")}: only CloudFormation resolves it, so ` +
        `${unresolvedConsequences[entry.judges]} (a plain value, or a parameter the stack passes)`
    );
}

/**
 * Whether a view has fields of one kind a template gives by intrinsic functions the pack cannot
 * resolve, and their messages: none for one whose value may be a parameter not known yet
 * (preview), which the update judges once it is known.
 */
function unresolvedOf(view: NodeView, judges: Judged): { any: boolean; messages: string[] } {
    const entries = (view.unresolved ?? []).filter((entry) => entry.judges === judges);
    return { any: entries.length > 0, messages: [...new Set(entries.filter((entry) => !entry.pending).map(unresolvedMessage))] };
}

/** A problem's message, or, where a template gives its field by an unresolved intrinsic function, that field's (fail closed: it may have the problem). */
function withUnresolved(view: NodeView, judges: Judged, message: string): string[] {
    const unresolved = unresolvedOf(view, judges);
    return unresolved.any ? unresolved.messages : [message];
}

/** The messages of metadata problems, each said as its unresolved field where a template gives it by an intrinsic function. */
function metadataMessages(view: NodeView, problems: MetadataProblem[], wording: (problem: MetadataProblem) => string = (problem) => problem.message): string[] {
    return [...new Set(problems.flatMap((problem) => withUnresolved(view, problem.field, wording(problem))))];
}

/** Whether a starter names a template in any of its template properties (an unknown one counts: fail closed). */
function namesTemplate(view: NodeView, shape: StarterShape): boolean {
    return shape.template.some((key) => readOr(() => valuesAt(view.props, key.split(".")).length > 0, true));
}

/**
 * The problems of an EC2 instance's own metadata settings. Every instance must require tokens and keep
 * the hop limit at 1: a node cannot be told from another instance by its inputs (its bootstrap can come
 * from a script it downloads, and a cluster admits it by its role's access entry), so one that hides its
 * bootstrap is judged as a node too; the message says when the inputs show it is one. An instance that
 * names a launch template is judged here on the fields it sets; those it leaves to the template are
 * judged with the template (eks-node-group-imds).
 */
function instanceProblems(view: NodeView): string[] {
    const shape = starterShape(view)!;
    const own = metadataOptionsOf(view);
    // User data often holds outputs unknown during preview (the cluster's endpoint); it only words the message.
    const { userData, tagKeys } = readOr(() => instanceSignsOf(view), { userData: [], tagKeys: [] });
    const evidence = eksNodeEvidence(userData, tagKeys);
    const why = evidence === undefined ? "every instance is judged as a node: nothing in its inputs shows it is not one" : `it is an EKS node: ${evidence}`;
    const judged = namesTemplate(view, shape) ? onlySetFields(own) : own;
    return metadataMessages(view, imdsFieldProblems(judged, { hopLimit: true }), (problem) => `${problem.message}${problem.field === "httpPutResponseHopLimit" ? ` (${why})` : ""}`).map(
        (message) => `${view.label}: ${message}`,
    );
}

/** A spot fleet's launch specifications cannot set metadata options: the AMI or the account decides them. */
function launchSpecificationProblems(view: NodeView): string[] {
    const specifications = launchSpecificationsOf(view);
    return Array.from(
        { length: specifications?.count ?? 0 },
        (_, index) =>
            `${view.label}: ${specifications!.field}[${index}] starts instances without metadata options (a spot fleet's launch specification has none), so the AMI or the account decides IMDSv1 and the hop limit; ` +
            'use launchTemplateConfigs naming a launch template with metadataOptions httpTokens "required" and httpPutResponseHopLimit 1',
    );
}

/** The IMDS problems of one view of a resource where nodes (or any instance) start. */
function viewProblems(view: NodeView): string[] {
    if (!isTemplate(view) && !isInstance(view) && starterShape(view) === undefined) {
        return [];
    }
    if (view.unreadable !== undefined) {
        return [`${view.label}: ${view.unreadable}`];
    }
    if (isTemplate(view)) {
        return metadataMessages(view, imdsFieldProblems(metadataOptionsOf(view), { hopLimit: true })).map((message) => `${view.label}: ${message}`);
    }
    return isInstance(view) ? instanceProblems(view) : launchSpecificationProblems(view);
}

/**
 * The IMDS problems of one resource where nodes (or any instance) start, as the resource rule
 * reports them: a CloudFormation stack's for each resource of its template, and for what in it the
 * pack cannot read.
 */
function nodeStartProblems(resource: { type: string; name: string; urn: string; props: Record<string, unknown> }): string[] {
    const karpenter = nodeClassProblems(resource);
    if (karpenter !== undefined) {
        return karpenter.map((problem) => `${resourceLabel(resource)}: ${problem}`);
    }
    return [...templateReadProblems(resource, "nodes"), ...nodeViewsOf(resource).flatMap(viewProblems)];
}

/** Every launch template, launch configuration, instance and Karpenter node class: IMDSv2 only, hop limit 1. */
export const launchTemplateImdsv2Rule: ResourceValidationPolicy = {
    name: "launch-template-imdsv2",
    description:
        "Every EC2 launch template, launch configuration and instance, and every Karpenter node class, must require IMDSv2 (metadataOptions.httpTokens \"required\") and keep the metadata hop limit at 1: with IMDSv1, any request a process can make or provoke (a pod on an EKS node, a server-side request forgery) reads the instance role's credentials, and with a hop limit above 1 every container on the instance does.",
    enforcementLevel: "mandatory",
    validateResource: (args, reportViolation) => {
        for (const problem of nodeStartProblems(args)) {
            reportViolation(problem);
        }
    },
};


/**
 * Every launch template a node group, Auto Scaling group, fleet or instance could launch from: each
 * one its template properties depend on, and each one it names by ID or name (mixed instances
 * overrides and every launch template config included). All are judged, so that naming one template
 * while depending on another does not choose the judged one.
 */
function templatesOf(starter: NodeView, shape: StarterShape, resource: PolicyResource, templates: NodeView[]): NodeView[] {
    // A template property may be nested (`computeResources.launchTemplate`): its dependencies are recorded on the top-level property.
    const dependencies = shape.template.flatMap((key) => resource.propertyDependencies[starter.sourceKey(key.split(".")[0])] ?? []);
    const named = (paths: string[][]): unknown[] => paths.flatMap((path) => readOr(() => valuesAt(starter.props, path), []));
    const ids = named(shape.byId);
    const names = named(shape.byName);
    return templates.filter(
        (template) =>
            dependencies.some((dependency) => dependency.urn === template.urn) ||
            // A Ref to a template of the same template stands for its ID or its name, whichever the field takes.
            [...ids, ...names].some((id) => readOr(() => template.identifiers().includes(id), false)) ||
            names.some((name) => readOr(() => templateNames(template).includes(name), false)),
    );
}

const providerNodeGroupRemedy =
    'use an eks:index:ManagedNodeGroup, aws.eks.NodeGroup or aws.autoscaling.Group with a launch template whose metadataOptions set httpTokens "required" and httpPutResponseHopLimit 1';

/**
 * The node groups of the eks provider (`@pulumi/eks` 4.3.0, nodejs/eks/nodes/nodegroup.ts) whose nodes
 * start from a template the provider writes without metadata options, which none of their inputs can
 * set: `NodeGroup` from a launch configuration, `NodeGroupV2` and a cluster's default node group (one
 * unless skipDefaultNodeGroup, fargate or Auto Mode) from a launch template. Their nodes keep the
 * AMI's defaults (IMDSv1 on Amazon Linux 2, a hop limit of 2 on the EKS AMIs), so pods reach the node
 * role's credentials. The templates themselves are children the engine analyzes too; this names the
 * input to change, and holds where only the component is seen (a plan under mocks).
 */
function providerNodeGroupProblem(resource: PolicyResource): string | undefined {
    const written = "without metadata options (none of its inputs sets them), so its nodes keep the AMI's: IMDSv1 or a hop limit of 2, and pods reach the node role's credentials";
    switch (resource.type) {
        case "eks:index:NodeGroup":
            return `${resourceLabel(resource)} starts its nodes from a launch configuration the eks provider writes ${written}; ${providerNodeGroupRemedy}`;
        case "eks:index:NodeGroupV2":
            return `${resourceLabel(resource)} starts its nodes from a launch template the eks provider writes ${written}; ${providerNodeGroupRemedy}`;
        case "eks:index:Cluster": {
            // Fail closed: a value not known yet may be a default node group.
            const noDefaultNodeGroup = readOr(
                () => plain(resource.props.skipDefaultNodeGroup) === true || Boolean(plain(resource.props.fargate)) || plain(at(resource.props, "autoMode", "enabled")) === true,
                false,
            );
            return noDefaultNodeGroup
                ? undefined
                : `${resourceLabel(resource)} has a default node group (a NodeGroupV2) whose launch template the eks provider writes ${written}; set skipDefaultNodeGroup true and ${providerNodeGroupRemedy}`;
        }
        default:
            return undefined;
    }
}

/** Node groups, Auto Scaling groups, fleets and instances: IMDSv2 only, hop limit 1, from every template they name. */
export const nodeGroupImdsRule: StackValidationPolicy = {
    name: "eks-node-group-imds",
    description:
        "Every EKS managed node group, Auto Scaling group (self-managed nodes), EC2 fleet, spot fleet, AWS Batch compute environment of EC2 or Spot instances and instance that names a launch template, the eks provider's node groups included, must launch from launch templates that require IMDSv2 and set the metadata hop limit to 1 (mixed instances overrides and every launch template config included): otherwise every pod can read the node role's credentials and bypass the least privilege of IRSA and Pod Identity. A SageMaker HyperPod cluster orchestrated by EKS, which takes no launch template, is refused.",
    enforcementLevel: "mandatory",
    validateStack: (args, reportViolation) => {
        for (const resource of args.resources) {
            const problem = providerNodeGroupProblem(resource);
            if (problem !== undefined) {
                reportViolation(problem, resource.urn);
            }
        }
        const views = viewsOf(args.resources, readOr);
        const templates = views.filter(isTemplate);
        const resources = new Map(args.resources.map((resource) => [resource.urn, resource]));
        for (const starter of views) {
            const shape = starterShape(starter);
            if (shape === undefined || starter.unreadable !== undefined) {
                continue;
            }
            // A launch template whose every field is unknown during preview is still a launch template.
            if (!namesTemplate(starter, shape)) {
                if (shape.noTemplates !== undefined) {
                    reportViolation(`${starter.label} ${shape.noTemplates}`, starter.urn);
                } else if (!shape.templateOptional) {
                    reportViolation(
                        `${starter.label} has no launch template, so its nodes get the metadata settings of a template this stack does not control` +
                            (starter.type === "eks:index:ManagedNodeGroup" ? " (with enableIMDSv2 the eks provider writes one with a hop limit of 2)" : "") +
                            "; " +
                            'give it a launch template with metadataOptions httpTokens "required" and httpPutResponseHopLimit 1',
                        starter.urn,
                    );
                }
                continue;
            }
            // A template named by a value only CloudFormation resolves could be any template: fail closed.
            for (const message of unresolvedOf(starter, "template").messages) {
                reportViolation(`${starter.label}: ${message}`, starter.urn);
            }
            // An instance's own settings win over its template's; those it sets are judged by launch-template-imdsv2.
            const own = shape.templateOptional ? definedFields(readOr(() => metadataOptionsOf(starter), undefined)) : {};
            // Templates not found are another stack's (its own stack's policies judge them) or not known until deployed.
            for (const template of templatesOf(starter, shape, resources.get(starter.urn)!, templates)) {
                const options = readOr(() => ({ known: true, options: metadataOptionsOf(template) }), { known: false, options: undefined });
                if (!options.known) {
                    continue;
                }
                const problems = imdsFieldProblems({ ...definedFields(options.options), ...own }, { hopLimit: true }).filter((problem) => own[problem.field] === undefined);
                for (const message of metadataMessages(template, problems)) {
                    reportViolation(`${starter.label} launches from ${template.label}: ${message}`, starter.urn);
                }
            }
        }
    },
};

/** The per-policy config of the cluster rules. */
interface ClusterRuleConfig {
    nonProductionStacks?: string[];
    maxPublicAddressShare?: number;
}

const clusterConfigSchema: ResourceValidationPolicy["configSchema"] = {
    properties: {
        nonProductionStacks: {
            type: "array",
            items: { type: "string" },
            default: defaultNonProductionStacks,
            description: "Stack name patterns (* and ? wildcards, case-insensitive) treated as non-production: there, violations of this policy are advisory.",
        },
    },
};

/**
 * A cluster's settings, from an aws:eks/cluster:Cluster, the inputs of the eks:index:Cluster component,
 * an aws-native:eks:Cluster or a CloudControl AWS::EKS::Cluster; each read on its own, so that one
 * unknown during preview does not hide the other. The fields name where the settings are, for messages.
 */
interface ClusterSettings {
    endpoint(): EndpointSettings;
    enabledClusterLogTypes(): string[] | undefined;
    /** Where the endpoint settings are, when not at the top level or in vpcConfig as aws classic has them. */
    endpointField?: string;
    logTypesField: string;
}

function clusterSettings(view: NodeView): ClusterSettings | undefined {
    const props = view.props;
    const logTypes = (): string[] | undefined => stringsAt(plain(props.enabledClusterLogTypes));
    switch (view.type) {
        case "aws:eks/cluster:Cluster":
            return {
                endpoint: () => ({
                    endpointPublicAccess: plain(at(props, "vpcConfig", "endpointPublicAccess")) as boolean | undefined,
                    publicAccessCidrs: stringsAt(plain(at(props, "vpcConfig", "publicAccessCidrs"))),
                }),
                enabledClusterLogTypes: logTypes,
                logTypesField: "enabledClusterLogTypes",
            };
        case "eks:index:Cluster":
            return {
                endpoint: () => ({
                    endpointPublicAccess: plain(props.endpointPublicAccess) as boolean | undefined,
                    publicAccessCidrs: stringsAt(plain(props.publicAccessCidrs)),
                }),
                enabledClusterLogTypes: logTypes,
                logTypesField: "enabledClusterLogTypes",
            };
        case "aws-native:eks:Cluster":
            // CloudFormation's shape: ResourcesVpcConfig, and Logging.ClusterLogging.EnabledTypes as a list of { Type }.
            return {
                endpoint: () => ({
                    endpointPublicAccess: plain(at(props, "resourcesVpcConfig", "endpointPublicAccess")) as boolean | undefined,
                    publicAccessCidrs: stringsAt(plain(at(props, "resourcesVpcConfig", "publicAccessCidrs"))),
                }),
                enabledClusterLogTypes: () => {
                    const types = valuesAt(props, ["logging", "clusterLogging", "enabledTypes", "[]", "type"]);
                    return types.filter((type): type is string => typeof type === "string");
                },
                endpointField: "resourcesVpcConfig",
                logTypesField: "logging.clusterLogging.enabledTypes[].type",
            };
        default:
            return undefined;
    }
}

/**
 * A cluster rule: each cluster the resource is (or, for a CloudFormation stack, each of its
 * template), and what in a template the pack cannot read, reported at the level the stack's name
 * gives.
 */
function clusterRule(
    name: string,
    description: string,
    check: (settings: ClusterSettings, config: ClusterRuleConfig, view: NodeView) => string[],
    configSchema: ResourceValidationPolicy["configSchema"] = clusterConfigSchema,
): ResourceValidationPolicy {
    const policy: ResourceValidationPolicy = {
        name,
        description,
        enforcementLevel: "mandatory",
        configSchema,
        validateResource: (args, reportViolation) => {
            const config = args.getConfig<ClusterRuleConfig>();
            const problems = [
                ...templateReadProblems(args, "clusters"),
                ...nodeViewsOf(args).flatMap((view) => {
                    const settings = clusterSettings(view);
                    if (settings === undefined) {
                        return [];
                    }
                    return (view.unreadable === undefined ? check(settings, config, view) : [view.unreadable]).map((problem) => `${view.label}: ${problem}`);
                }),
            ];
            const stack = stackOfUrn(args.urn);
            const nonProduction = isNonProductionStack(stack, config.nonProductionStacks ?? defaultNonProductionStacks);
            for (const problem of problems) {
                const where = nonProduction ? ` (advisory: stack "${stack}" is non-production)` : "";
                report(reportViolation, policy, `${problem}${where}`, { level: nonProduction ? "advisory" : undefined });
            }
        },
    };
    return policy;
}

/** The API server, not on the open internet. */
export const clusterEndpointRule = clusterRule(
    "eks-cluster-endpoint-restricted",
    "An EKS cluster's public API endpoint may not be open to 0.0.0.0/0 (or ::/0), nor to blocks that together cover more than a set share of the address space (0.0.0.0/1 with 128.0.0.0/1 is everyone): name the CIDR blocks that deploy to it, or use the private endpoint. Advisory in non-production stacks.",
    (settings, config, view) => {
        const endpoint = settings.endpoint();
        // A private endpoint is known to be closed, whatever its CIDR blocks would be; otherwise each must be known.
        const unresolved = unresolvedOf(view, "endpoint");
        if (endpoint.endpointPublicAccess !== false && unresolved.any) {
            return unresolved.messages;
        }
        return endpointProblems(endpoint, config.maxPublicAddressShare ?? defaultMaxPublicAddressShare).map((problem) =>
            settings.endpointField === undefined ? problem : `${settings.endpointField}: ${problem}`,
        );
    },
    {
        properties: {
            ...clusterConfigSchema!.properties,
            maxPublicAddressShare: {
                type: "number",
                minimum: 0,
                maximum: 1,
                default: defaultMaxPublicAddressShare,
                description: "The share of the IPv4 (or IPv6) address space the public endpoint's CIDR blocks may cover together.",
            },
        },
    },
);

/** Who did what in the cluster, on record. */
export const clusterAuditLoggingRule = clusterRule(
    "eks-cluster-audit-logging",
    "An EKS cluster must send its audit log to CloudWatch (enabledClusterLogTypes includes \"audit\"): without it, no one can tell who did what through the Kubernetes API. Advisory in non-production stacks.",
    (settings, _config, view) => {
        const types = settings.enabledClusterLogTypes();
        // A known "audit" is enough; without it, every type must be known.
        const unresolved = unresolvedOf(view, "auditLog");
        return !(types ?? []).includes("audit") && unresolved.any ? unresolved.messages : auditLoggingProblems(types, settings.logTypesField);
    },
);
