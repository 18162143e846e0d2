/**
 * The rules on EKS nodes and clusters: instance metadata of node launch templates, and the cluster's
 * public endpoint and audit log, whose level depends on whether the stack is production.
 */
import { PolicyResource, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";

import { auditLoggingProblems, defaultNonProductionStacks, EndpointSettings, endpointProblems, imdsProblems, isNonProductionStack, MetadataOptions } from "../eks";
import { at, isUnknownValue, plain, report, resourceLabel, stackOfUrn, stringsAt } from "../runtime";

const launchTemplateType = "aws:ec2/launchTemplate:LaunchTemplate";
const nodeGroupType = "aws:eks/nodeGroup:NodeGroup";

function metadataOptionsOf(props: Record<string, unknown>): MetadataOptions | undefined {
    return plain(props.metadataOptions) as MetadataOptions | undefined;
}

/** Every launch template: IMDSv2 only. */
export const launchTemplateImdsv2Rule: ResourceValidationPolicy = {
    name: "launch-template-imdsv2",
    description:
        "Every EC2 launch template must require IMDSv2 (metadataOptions.httpTokens \"required\"): with IMDSv1, any request a process can make or provoke (a pod on an EKS node, a server-side request forgery) reads the instance role's credentials.",
    enforcementLevel: "mandatory",
    validateResource: (args, reportViolation) => {
        if (args.type !== launchTemplateType) {
            return;
        }
        for (const problem of imdsProblems(metadataOptionsOf(args.props), { hopLimit: false })) {
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

/** The launch template a node group launches from: the one its launchTemplate property depends on, or the one it names by ID or name. */
function templateOf(nodeGroup: PolicyResource, templates: PolicyResource[]): PolicyResource | undefined {
    const dependencies = nodeGroup.propertyDependencies.launchTemplate ?? [];
    const byDependency = templates.find((template) => dependencies.some((dependency) => dependency.urn === template.urn));
    if (byDependency !== undefined) {
        return byDependency;
    }
    const id = knownOr(() => at(nodeGroup.props, "launchTemplate", "id"), undefined);
    const name = knownOr(() => at(nodeGroup.props, "launchTemplate", "name"), undefined);
    return templates.find(
        (template) =>
            (id !== undefined && knownOr(() => [template.props.id, template.props.arn].includes(id), false)) ||
            (name !== undefined && knownOr(() => template.props.name === name, false)),
    );
}

/** The node groups' launch templates: IMDSv2 only, hop limit 1. */
export const nodeGroupImdsRule: StackValidationPolicy = {
    name: "eks-node-group-imds",
    description:
        "Every EKS managed node group must launch from a launch template that requires IMDSv2 and sets the metadata hop limit to 1: otherwise every pod can read the node role's credentials and bypass the least privilege of IRSA and Pod Identity.",
    enforcementLevel: "mandatory",
    validateStack: (args, reportViolation) => {
        const templates = args.resources.filter((resource) => resource.type === launchTemplateType);
        for (const nodeGroup of args.resources.filter((resource) => resource.type === nodeGroupType)) {
            // A launch template whose every field is unknown during preview is still a launch template.
            if (!knownOr(() => nodeGroup.props.launchTemplate !== undefined, true)) {
                reportViolation(
                    `${resourceLabel(nodeGroup)} has no launch template, so its nodes get the metadata settings of the template EKS makes, which this stack does not control; ` +
                        'give it a launch template with metadataOptions httpTokens "required" and httpPutResponseHopLimit 1',
                    nodeGroup.urn,
                );
                continue;
            }
            const template = templateOf(nodeGroup, templates);
            // Without one, the template is another stack's (its own stack's policies judge it) or not known until deployed.
            const options = template && knownOr(() => ({ known: true, options: metadataOptionsOf(template.props) }), { known: false, options: undefined });
            if (template === undefined || options === undefined || !options.known) {
                continue;
            }
            for (const problem of imdsProblems(options.options, { hopLimit: true })) {
                reportViolation(`${resourceLabel(nodeGroup)} launches from ${resourceLabel(template)}: ${problem}`, nodeGroup.urn);
            }
        }
    },
};

/** The per-policy config of the cluster rules. */
interface ClusterRuleConfig {
    nonProductionStacks?: string[];
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

function clusterRule(name: string, description: string, check: (settings: ClusterSettings) => string[]): ResourceValidationPolicy {
    const policy: ResourceValidationPolicy = {
        name,
        description,
        enforcementLevel: "mandatory",
        configSchema: clusterConfigSchema,
        validateResource: (args, reportViolation) => {
            const settings = clusterSettings(args.type, args.props);
            if (settings === undefined) {
                return;
            }
            const stack = stackOfUrn(args.urn);
            const patterns = args.getConfig<ClusterRuleConfig>().nonProductionStacks ?? defaultNonProductionStacks;
            const nonProduction = isNonProductionStack(stack, patterns);
            for (const problem of check(settings)) {
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
    "An EKS cluster's public API endpoint may not be open to 0.0.0.0/0 (or ::/0): name the CIDR blocks that deploy to it, or use the private endpoint. Advisory in non-production stacks.",
    (settings) => endpointProblems(settings.endpoint()),
);

/** Who did what in the cluster, on record. */
export const clusterAuditLoggingRule = clusterRule(
    "eks-cluster-audit-logging",
    "An EKS cluster must send its audit log to CloudWatch (enabledClusterLogTypes includes \"audit\"): without it, no one can tell who did what through the Kubernetes API. Advisory in non-production stacks.",
    (settings) => auditLoggingProblems(settings.enabledClusterLogTypes()),
);
