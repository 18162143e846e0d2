/**
 * The rules on EKS nodes and clusters: instance metadata of node launch templates, and the cluster's
 * public endpoint and audit log, whose level depends on whether the stack is production.
 */
import { PolicyResource, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";

import { auditLoggingProblems, defaultMaxPublicAddressShare, defaultNonProductionStacks, EndpointSettings, endpointProblems, imdsProblems, isNonProductionStack, MetadataOptions } from "../eks";
import { at, isUnknownValue, plain, report, resourceLabel, stackOfUrn, stringsAt } from "../runtime";

/** Where each kind of launch template (or launch configuration) keeps its metadata settings. */
const templateMetadataPaths: Record<string, string[]> = {
    "aws:ec2/launchTemplate:LaunchTemplate": ["metadataOptions"],
    "aws:ec2/launchConfiguration:LaunchConfiguration": ["metadataOptions"],
    "aws-native:ec2:LaunchTemplate": ["launchTemplateData", "metadataOptions"],
};

/** Karpenter's node classes: their nodes run pods, and Karpenter's defaults are IMDSv2 with hop limit 1. */
const nodeClassTypes = ["kubernetes:karpenter.k8s.aws/v1:EC2NodeClass", "kubernetes:karpenter.k8s.aws/v1beta1:EC2NodeClass"];

/** Things that start nodes from a template, and the properties that name it. */
const nodeStarters: Record<string, { template: string[][]; byId: string[][]; byName: string[][] }> = {
    "aws:eks/nodeGroup:NodeGroup": { template: [["launchTemplate"]], byId: [["launchTemplate", "id"]], byName: [["launchTemplate", "name"]] },
    // Without a launchTemplate the eks provider writes one only for enableIMDSv2, with a hop limit of 2.
    "eks:index:ManagedNodeGroup": { template: [["launchTemplate"]], byId: [["launchTemplate", "id"]], byName: [["launchTemplate", "name"]] },
    "aws-native:eks:Nodegroup": { template: [["launchTemplate"]], byId: [["launchTemplate", "id"]], byName: [["launchTemplate", "name"]] },
    "aws:autoscaling/group:Group": {
        template: [["launchTemplate"], ["mixedInstancesPolicy"], ["launchConfiguration"]],
        byId: [["launchTemplate", "id"], ["mixedInstancesPolicy", "launchTemplate", "launchTemplateSpecification", "launchTemplateId"], ["launchConfiguration"]],
        byName: [["launchTemplate", "name"], ["mixedInstancesPolicy", "launchTemplate", "launchTemplateSpecification", "launchTemplateName"], ["launchConfiguration"]],
    },
    "aws-native:autoscaling:AutoScalingGroup": {
        template: [["launchTemplate"], ["mixedInstancesPolicy"], ["launchConfigurationName"]],
        byId: [["launchTemplate", "launchTemplateId"], ["mixedInstancesPolicy", "launchTemplate", "launchTemplateSpecification", "launchTemplateId"]],
        byName: [["launchTemplate", "launchTemplateName"], ["mixedInstancesPolicy", "launchTemplate", "launchTemplateSpecification", "launchTemplateName"], ["launchConfigurationName"]],
    },
};

function metadataOptionsOf(resource: { type: string; props: Record<string, unknown> }): MetadataOptions | undefined {
    const path = templateMetadataPaths[resource.type] ?? ["metadataOptions"];
    return plain(at(resource.props, ...path)) as MetadataOptions | undefined;
}

/** Every launch template: IMDSv2 only. */
export const launchTemplateImdsv2Rule: ResourceValidationPolicy = {
    name: "launch-template-imdsv2",
    description:
        "Every EC2 launch template must require IMDSv2 (metadataOptions.httpTokens \"required\"): with IMDSv1, any request a process can make or provoke (a pod on an EKS node, a server-side request forgery) reads the instance role's credentials.",
    enforcementLevel: "mandatory",
    validateResource: (args, reportViolation) => {
        if (nodeClassTypes.includes(args.type)) {
            // Unset, Karpenter requires tokens and a hop limit of 1; only what the class sets can weaken that.
            const options = (plain(at(args.props, "spec", "metadataOptions")) ?? {}) as MetadataOptions;
            const withDefaults: MetadataOptions = { httpTokens: "required", httpPutResponseHopLimit: 1, ...options };
            for (const problem of imdsProblems(withDefaults, { hopLimit: true })) {
                reportViolation(`${resourceLabel(args)}: spec.${problem}`);
            }
            return;
        }
        if (templateMetadataPaths[args.type] === undefined) {
            return;
        }
        for (const problem of imdsProblems(metadataOptionsOf(args), { hopLimit: false })) {
            reportViolation(`${resourceLabel(args)}: ${problem}`);
        }
    },
};

/** Reads a value, or the fallback when it is unknown during preview. */
function knownOr<T>(read: () => T, fallback: T): T {
    try {
        return read();
    } catch (error) {
        if (isUnknownValue(error)) {
            return fallback;
        }
        throw error;
    }
}

/**
 * Every launch template a node group or Auto Scaling group could launch from: each one its template
 * properties depend on, and each one it names by ID or name. All are judged, so that naming one
 * template while depending on another does not choose the judged one.
 */
function templatesOf(starter: PolicyResource, templates: PolicyResource[]): PolicyResource[] {
    const shape = nodeStarters[starter.type];
    const dependencies = shape.template.flatMap(([key]) => starter.propertyDependencies[key] ?? []);
    const ids = shape.byId.map((path) => knownOr(() => plain(at(starter.props, ...path)), undefined)).filter((value) => value !== undefined);
    const names = shape.byName.map((path) => knownOr(() => plain(at(starter.props, ...path)), undefined)).filter((value) => value !== undefined);
    return templates.filter(
        (template) =>
            dependencies.some((dependency) => dependency.urn === template.urn) ||
            ids.some((id) => knownOr(() => [template.props.id, template.props.arn, template.props.launchTemplateId].includes(id as never), false)) ||
            names.some((name) => knownOr(() => [template.props.name, template.props.launchTemplateName].includes(name as never), false)),
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
            const noDefaultNodeGroup = knownOr(
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

/** Node groups and Auto Scaling groups: IMDSv2 only, hop limit 1, from every template they name. */
export const nodeGroupImdsRule: StackValidationPolicy = {
    name: "eks-node-group-imds",
    description:
        "Every EKS managed node group and every Auto Scaling group (self-managed nodes), the eks provider's node groups included, must launch from a launch template that requires IMDSv2 and sets the metadata hop limit to 1: otherwise every pod can read the node role's credentials and bypass the least privilege of IRSA and Pod Identity.",
    enforcementLevel: "mandatory",
    validateStack: (args, reportViolation) => {
        for (const resource of args.resources) {
            const problem = providerNodeGroupProblem(resource);
            if (problem !== undefined) {
                reportViolation(problem, resource.urn);
            }
        }
        const templates = args.resources.filter((resource) => templateMetadataPaths[resource.type] !== undefined);
        for (const starter of args.resources.filter((resource) => nodeStarters[resource.type] !== undefined)) {
            const shape = nodeStarters[starter.type];
            // A launch template whose every field is unknown during preview is still a launch template.
            const hasTemplate = shape.template.some(([key]) => knownOr(() => starter.props[key] !== undefined && starter.props[key] !== null, true));
            if (!hasTemplate) {
                reportViolation(
                    `${resourceLabel(starter)} has no launch template, so its nodes get the metadata settings of a template this stack does not control` +
                        (starter.type === "eks:index:ManagedNodeGroup" ? " (with enableIMDSv2 the eks provider writes one with a hop limit of 2)" : "") +
                        "; " +
                        'give it a launch template with metadataOptions httpTokens "required" and httpPutResponseHopLimit 1',
                    starter.urn,
                );
                continue;
            }
            // Templates not found are another stack's (its own stack's policies judge them) or not known until deployed.
            for (const template of templatesOf(starter, templates)) {
                const options = knownOr(() => ({ known: true, options: metadataOptionsOf(template) }), { known: false, options: undefined });
                if (!options.known) {
                    continue;
                }
                for (const problem of imdsProblems(options.options, { hopLimit: true })) {
                    reportViolation(`${resourceLabel(starter)} launches from ${resourceLabel(template)}: ${problem}`, starter.urn);
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
 * Reads a cluster's settings, from an aws:eks/cluster:Cluster or the inputs of the eks:index:Cluster
 * component; each on its own, so that one unknown during preview does not hide the other.
 */
interface ClusterSettings {
    endpoint(): EndpointSettings;
    enabledClusterLogTypes(): string[] | undefined;
}

function clusterSettings(type: string, props: Record<string, unknown>): ClusterSettings | undefined {
    const logTypes = (): string[] | undefined => stringsAt(plain(props.enabledClusterLogTypes));
    switch (type) {
        case "aws:eks/cluster:Cluster":
            return {
                endpoint: () => ({
                    endpointPublicAccess: plain(at(props, "vpcConfig", "endpointPublicAccess")) as boolean | undefined,
                    publicAccessCidrs: stringsAt(plain(at(props, "vpcConfig", "publicAccessCidrs"))),
                }),
                enabledClusterLogTypes: logTypes,
            };
        case "eks:index:Cluster":
            return {
                endpoint: () => ({
                    endpointPublicAccess: plain(props.endpointPublicAccess) as boolean | undefined,
                    publicAccessCidrs: stringsAt(plain(props.publicAccessCidrs)),
                }),
                enabledClusterLogTypes: logTypes,
            };
        default:
            return undefined;
    }
}

function clusterRule(
    name: string,
    description: string,
    check: (settings: ClusterSettings, config: ClusterRuleConfig) => string[],
    configSchema: ResourceValidationPolicy["configSchema"] = clusterConfigSchema,
): ResourceValidationPolicy {
    const policy: ResourceValidationPolicy = {
        name,
        description,
        enforcementLevel: "mandatory",
        configSchema,
        validateResource: (args, reportViolation) => {
            const settings = clusterSettings(args.type, args.props);
            if (settings === undefined) {
                return;
            }
            const stack = stackOfUrn(args.urn);
            const config = args.getConfig<ClusterRuleConfig>();
            const nonProduction = isNonProductionStack(stack, config.nonProductionStacks ?? defaultNonProductionStacks);
            for (const problem of check(settings, config)) {
                const where = nonProduction ? ` (advisory: stack "${stack}" is non-production)` : "";
                report(reportViolation, policy, `${resourceLabel(args)}: ${problem}${where}`, { level: nonProduction ? "advisory" : undefined });
            }
        },
    };
    return policy;
}

/** The API server, not on the open internet. */
export const clusterEndpointRule = clusterRule(
    "eks-cluster-endpoint-restricted",
    "An EKS cluster's public API endpoint may not be open to 0.0.0.0/0 (or ::/0), nor to blocks that together cover more than a set share of the address space (0.0.0.0/1 with 128.0.0.0/1 is everyone): name the CIDR blocks that deploy to it, or use the private endpoint. Advisory in non-production stacks.",
    (settings, config) => endpointProblems(settings.endpoint(), config.maxPublicAddressShare ?? defaultMaxPublicAddressShare),
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
    (settings) => auditLoggingProblems(settings.enabledClusterLogTypes()),
);
