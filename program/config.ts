/**
 * The program's configuration: every key it reads, parsed and validated in one place before any
 * resource is created. Defaults live in Pulumi.yaml only (the CLI merges them in), so a key that is
 * missing here means the project file lost its declaration.
 */
import {
    checkClusterName,
    checkKeyPrefix,
    checkList,
    checkNamespace,
    checkServiceAccountName,
    FieldCheck,
    integerBetween,
} from "@eks-irsa/components";

import * as pulumi from "@pulumi/pulumi";

import { ClusterAccessConfig, principalArnProblem } from "./access";
import { parseCidr } from "./cidr";
import { EndpointConfig, endpointCidrProblem, endpointWarnings } from "./endpoint";
import { todayUtc, UpgradeSupportType, upgradeSupportTypes, versionProblem, versionWarning } from "./versions";
import { parseWorkloadEntries, WorkloadConfig, workloadProblems } from "./workloads";

/** The Pulumi project name, which namespaces the project's own config keys. */
export const projectName = "eks-irsa";

/** Every key the program reads, without the project namespace; Pulumi.yaml declares exactly these. */
export const configKeys = [
    "clusterName",
    "allowClusterReplacement",
    "identityMechanism",
    "identityMechanismTransition",
    "kubernetesVersion",
    "upgradeSupportType",
    "endpointPublicAccess",
    "endpointPublicAccessCidrs",
    "endpointPublicAccessFromAnywhere",
    "clusterLogTypes",
    "logRetentionDays",
    "secretsEncryption",
    "deletionProtection",
    "networkPolicy",
    "vpcFlowLogs",
    "s3GatewayEndpoint",
    "interfaceEndpoints",
    "vpcId",
    "privateSubnetIds",
    "vpcCidr",
    "availabilityZoneCount",
    "natGateways",
    "nodeInstanceTypes",
    "nodeCapacityType",
    "nodeMinSize",
    "nodeDesiredSize",
    "nodeMaxSize",
    "nodeDiskSizeGiB",
    "bucketName",
    "bucketVersioning",
    "bucketProtect",
    "bucketForceDestroy",
    "bucketRetainOnDelete",
    "bucketAccessLogging",
    "bucketNoncurrentVersionExpirationDays",
    "namespace",
    "serviceAccountName",
    "readerKeyPrefixes",
    "readerReplicas",
    "readerIntervalSeconds",
    "workloads",
    "clusterAdminArns",
    "clusterViewerArns",
] as const;

/** A key of the project's config. */
export type ConfigKey = (typeof configKeys)[number];

/** Where the cluster's nodes run. */
export type NetworkConfig =
    | {
          kind: "existing";
          vpcId: string;
          /** At least two, in different availability zones, with a route to the internet (NAT) for image pulls. */
          privateSubnetIds: string[];
      }
    | {
          kind: "new";
          vpcCidr: string;
          availabilityZoneCount: number;
          /** One NAT gateway for all zones (cheap), or one per zone (a zone outage does not cut the others off). */
          natGateways: "single" | "per-az";
          /** The VPC endpoints that keep AWS API traffic off the NAT gateways. */
          endpoints: VpcEndpointsConfig;
      };

/** The VPC endpoints of a created VPC. */
export interface VpcEndpointsConfig {
    /** A gateway endpoint for S3 (free): the reader's reads and image layers from ECR stay in the VPC. */
    s3Gateway: boolean;
    /** Interface endpoints (billed per zone and hour), with private DNS. */
    interfaceServices: InterfaceEndpointService[];
}

/** The services an interface endpoint may be created for: STS (IRSA's AssumeRoleWithWebIdentity) and EKS Auth (the Pod Identity agent's AssumeRoleForPodIdentity). */
export type InterfaceEndpointService = "sts" | "eks-auth";

/** The interface endpoint services, as `eks-irsa:interfaceEndpoints` names them. */
export const interfaceEndpointServices: readonly InterfaceEndpointService[] = ["sts", "eks-auth"];

/** The managed node group. */
export interface NodesConfig {
    instanceTypes: string[];
    /** The CPU architecture all instance types share; it picks the AMI. */
    architecture: "x86_64" | "arm64";
    capacityType: "ON_DEMAND" | "SPOT";
    minSize: number;
    desiredSize: number;
    maxSize: number;
    diskSizeGiB: number;
}

/** The bucket the reader reads. */
export type BucketConfig = { kind: "existing"; name: string } | NewBucketConfig;

/** A bucket the stack creates. */
export interface NewBucketConfig {
    kind: "new";
    versioned: boolean;
    /** Pulumi refuses to delete it. */
    protect: boolean;
    /** Deleting it also deletes every object (and version) in it. */
    forceDestroy: boolean;
    /** `pulumi destroy` removes it from the stack but leaves it in the account. */
    retainOnDelete: boolean;
    /** S3 server access logs go to a log bucket the stack creates. */
    accessLogging: boolean;
    /** Days after which a noncurrent object version is deleted (versioned buckets only). */
    noncurrentVersionExpirationDays: number;
}

/** The control plane's logs, the VPC's flow logs, and how long CloudWatch keeps them. */
export interface LoggingConfig {
    clusterLogTypes: ClusterLogType[];
    retentionDays: number;
    vpcFlowLogs: boolean;
}

/** The control-plane log types EKS can send to CloudWatch Logs. */
export type ClusterLogType = "api" | "audit" | "authenticator" | "controllerManager" | "scheduler";

/** Every control-plane log type, in EKS's order. */
export const clusterLogTypes: readonly ClusterLogType[] = ["api", "audit", "authenticator", "controllerManager", "scheduler"];

/** The log types every stack sends: who called the API, what changed, and who authenticated. */
export const requiredClusterLogTypes: readonly ClusterLogType[] = ["api", "audit", "authenticator"];

/** The retention periods CloudWatch Logs accepts, in days. */
export const logRetentionPeriods: readonly number[] = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];

/** How the reader's pods get their role: IRSA (OIDC provider and annotation) or EKS Pod Identity (agent add-on and association). */
export type IdentityMechanism = "irsa" | "pod-identity";

/** The identity mechanisms, as `eks-irsa:identityMechanism` names them. */
export const identityMechanisms: readonly IdentityMechanism[] = ["irsa", "pod-identity"];

/** The program's configuration, validated. */
export interface ProgramConfig {
    clusterName: string;
    /** The opt-in for a change of `clusterName` on a deployed stack, which replaces the cluster. */
    allowClusterReplacement: boolean;
    identityMechanism: IdentityMechanism;
    /** True for the update that switches `identityMechanism`: the roles trust both mechanisms meanwhile. */
    identityMechanismTransition: boolean;
    kubernetesVersion: string;
    upgradeSupportType: UpgradeSupportType;
    endpoint: EndpointConfig;
    logging: LoggingConfig;
    /** Envelope encryption of Kubernetes Secrets with a customer-managed KMS key. */
    secretsEncryption: boolean;
    /** EKS deletion protection on the cluster, and Pulumi's `protect` on what must outlive a stray destroy. */
    deletionProtection: boolean;
    /** Default-deny NetworkPolicies in the namespace, enforced by the VPC CNI. */
    networkPolicy: boolean;
    network: NetworkConfig;
    nodes: NodesConfig;
    bucket: BucketConfig;
    namespace: string;
    serviceAccountName: string;
    reader: { keyPrefixes: string[]; replicas: number; intervalSeconds: number };
    /** The stack's further workloads (`eks-irsa:workloads`), bound on its cluster with its mechanism. */
    workloads: WorkloadConfig[];
    /** Who reaches the cluster's API besides its creator: an access entry each. */
    access: ClusterAccessConfig;
}

/** Reads one config value as the Pulumi CLI passes it: a string, with arrays as JSON; undefined when unset. */
export type ConfigLookup = (key: string) => string | undefined;

/** Bad configuration: every problem found, one per line, each naming the key, the value and the rule. */
export class ConfigError extends Error {
    constructor(public readonly problems: string[]) {
        super(`invalid configuration:\n  ${problems.join("\n  ")}`);
        this.name = "ConfigError";
    }
}

/** The full key (`eks-irsa:<key>`) as users write it in stack files and error messages name it. */
export function fullKey(key: ConfigKey): string {
    return `${projectName}:${key}`;
}

function problem(field: string, value: unknown, rule: string): string {
    return `${field} ${JSON.stringify(value)} is invalid: ${rule}`;
}

/** The problem of a field, when a rule found one. */
function ruleProblem(field: string, value: unknown, rule: string | undefined): string | undefined {
    return rule === undefined ? undefined : problem(field, value, rule);
}

const instanceTypePattern = /^[a-z][a-z0-9-]*\.[a-z0-9]+$/;
const vpcIdPattern = /^vpc-(?:[0-9a-f]{8}|[0-9a-f]{17})$/;
const subnetIdPattern = /^subnet-(?:[0-9a-f]{8}|[0-9a-f]{17})$/;
const bucketNamePattern = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
/** Namespaces every cluster already has: the stack creates its namespace, so these cannot be used. */
const builtInNamespaces = ["default", "kube-system", "kube-public", "kube-node-lease"];

/**
 * The CPU architecture of an EC2 instance type: Graviton families carry a `g` right after the
 * generation digit (m7g, c6gn, t4g, x2gd), and a1 is the first Graviton.
 */
export function architectureOf(instanceType: string): "x86_64" | "arm64" {
    const family = instanceType.split(".")[0];
    return family === "a1" || /^[a-z]+\d+g/.test(family) ? "arm64" : "x86_64";
}

const checkInstanceType: FieldCheck<string> = (field, value) =>
    instanceTypePattern.test(value) ? undefined : problem(field, value, "expected an EC2 instance type such as t3.medium");

const checkSubnetId: FieldCheck<string> = (field, value) =>
    subnetIdPattern.test(value) ? undefined : problem(field, value, "expected a subnet ID such as subnet-0123456789abcdef0");

/** An IPv4 CIDR block; `prefixRange` bounds its prefix length. */
function cidrCheck(prefixRange: [number, number], example: string): FieldCheck<string> {
    return (field, value) => {
        const cidr = parseCidr(value);
        const [shortest, longest] = prefixRange;
        if (cidr === undefined) {
            return problem(field, value, `expected an IPv4 CIDR block whose address is the first of its range, such as ${example}`);
        }
        return cidr.prefixLength >= shortest && cidr.prefixLength <= longest
            ? undefined
            : problem(field, value, `the prefix length must be from /${shortest} to /${longest}`);
    };
}

const checkVpcCidr = cidrCheck([16, 20], "10.0.0.0/16");

const checkBucketName: FieldCheck<string> = (field, value) =>
    bucketNamePattern.test(value) && !value.includes("..") && !/^\d+\.\d+\.\d+\.\d+$/.test(value)
        ? undefined
        : problem(field, value, "a bucket name is 3 to 63 lowercase letters, digits, '.' or '-', starting and ending with a letter or digit, and not an IP address");

function oneOf<T extends string>(choices: readonly T[]): FieldCheck<string> {
    return (field, value) => (choices.includes(value as T) ? undefined : problem(field, value, `expected one of ${choices.join(", ")}`));
}

/**
 * Parses and validates the configuration. Collects every problem before failing, so one run shows
 * all that needs fixing; throws {@link ConfigError} when there is any.
 */
export function parseConfig(lookup: ConfigLookup, today: string = todayUtc()): ProgramConfig {
    const problems: string[] = [];
    const report = (message: string | undefined): void => {
        if (message !== undefined) {
            problems.push(message);
        }
    };
    const raw = (key: ConfigKey): string | undefined => {
        const value = lookup(fullKey(key));
        if (value === undefined) {
            report(`${fullKey(key)} is missing: Pulumi.yaml declares its default; restore the declaration or set it in the stack's file`);
        }
        return value;
    };
    const text = (key: ConfigKey, check?: FieldCheck<string>): string => {
        const value = raw(key) ?? "";
        if (check && lookup(fullKey(key)) !== undefined) {
            report(check(fullKey(key), value));
        }
        return value;
    };
    const integer = (key: ConfigKey, min: number, max: number): number => {
        const value = raw(key);
        if (value === undefined) {
            return min;
        }
        if (!/^-?\d+$/.test(value.trim())) {
            report(problem(fullKey(key), value, `expected a whole number from ${min} to ${max}`));
            return min;
        }
        const parsed = Number(value);
        report(integerBetween(min, max)(fullKey(key), parsed));
        return parsed;
    };
    const boolean = (key: ConfigKey): boolean => {
        const value = raw(key);
        if (value === undefined || value === "true" || value === "false") {
            return value === "true";
        }
        report(problem(fullKey(key), value, "expected true or false"));
        return false;
    };
    const list = (key: ConfigKey, check: FieldCheck<string>, options: { nonEmpty: boolean }): string[] => {
        const value = raw(key);
        if (value === undefined) {
            return [];
        }
        let parsed: unknown;
        try {
            parsed = JSON.parse(value);
        } catch {
            parsed = undefined;
        }
        if (!Array.isArray(parsed) || !parsed.every((entry): entry is string => typeof entry === "string")) {
            report(problem(fullKey(key), value, "expected a list of strings (in a stack file, a YAML sequence)"));
            return [];
        }
        report(checkList(fullKey(key), parsed, check, options));
        return parsed;
    };

    const clusterName = text("clusterName", checkClusterName);
    const allowClusterReplacement = boolean("allowClusterReplacement");
    const identityMechanism = text("identityMechanism", oneOf(identityMechanisms)) as IdentityMechanism;
    const identityMechanismTransition = boolean("identityMechanismTransition");
    const upgradeSupportType = text("upgradeSupportType", oneOf(upgradeSupportTypes)) as UpgradeSupportType;
    const kubernetesVersion = text("kubernetesVersion", (field, value) =>
        upgradeSupportTypes.includes(upgradeSupportType) ? ruleProblem(field, value, versionProblem(value, upgradeSupportType, today)) : undefined,
    );

    const logTypes = list("clusterLogTypes", oneOf(clusterLogTypes), { nonEmpty: true }) as ClusterLogType[];
    const missingLogTypes = requiredClusterLogTypes.filter((type) => !logTypes.includes(type));
    if (logTypes.length > 0 && missingLogTypes.length > 0 && logTypes.every((type) => clusterLogTypes.includes(type))) {
        report(
            problem(fullKey("clusterLogTypes"), logTypes, `it must include ${requiredClusterLogTypes.join(", ")} (who called the API, what changed, who authenticated); it lacks ${missingLogTypes.join(", ")}`),
        );
    }
    const retentionDays = integer("logRetentionDays", 1, 3653);
    if (Number.isInteger(retentionDays) && retentionDays >= 1 && retentionDays <= 3653 && !logRetentionPeriods.includes(retentionDays)) {
        report(problem(fullKey("logRetentionDays"), retentionDays, `CloudWatch Logs keeps logs for one of ${logRetentionPeriods.join(", ")} days`));
    }
    const vpcFlowLogs = boolean("vpcFlowLogs");
    const secretsEncryption = boolean("secretsEncryption");
    const deletionProtection = boolean("deletionProtection");
    const networkPolicy = boolean("networkPolicy");

    const vpcId = text("vpcId");
    const privateSubnetIds = list("privateSubnetIds", checkSubnetId, { nonEmpty: false });
    const vpcCidr = text("vpcCidr", checkVpcCidr);
    const availabilityZoneCount = integer("availabilityZoneCount", 2, 3);
    const natGateways = text("natGateways", oneOf(["single", "per-az"])) as "single" | "per-az";
    const s3Gateway = boolean("s3GatewayEndpoint");
    const interfaceServices = list("interfaceEndpoints", oneOf(interfaceEndpointServices), { nonEmpty: false }) as InterfaceEndpointService[];
    let network: NetworkConfig;
    if (vpcId === "") {
        if (privateSubnetIds.length > 0) {
            report(problem(fullKey("privateSubnetIds"), privateSubnetIds, `subnets of an existing network need ${fullKey("vpcId")} too; leave both empty to create a VPC`));
        }
        network = { kind: "new", vpcCidr, availabilityZoneCount, natGateways, endpoints: { s3Gateway, interfaceServices } };
    } else {
        if (interfaceServices.length > 0) {
            report(
                problem(
                    fullKey("interfaceEndpoints"),
                    interfaceServices,
                    `endpoints are created in a VPC this stack creates, and ${fullKey("vpcId")} names an existing one, whose owner manages its endpoints (and their private DNS)`,
                ),
            );
        }
        report(vpcIdPattern.test(vpcId) ? undefined : problem(fullKey("vpcId"), vpcId, "expected a VPC ID such as vpc-0123456789abcdef0, or empty to create a VPC"));
        if (privateSubnetIds.length < 2) {
            report(problem(fullKey("privateSubnetIds"), privateSubnetIds, `an existing VPC (${fullKey("vpcId")}) needs at least two private subnets, in different availability zones, for EKS`));
        }
        network = { kind: "existing", vpcId, privateSubnetIds };
    }

    const instanceTypes = list("nodeInstanceTypes", checkInstanceType, { nonEmpty: true });
    const architectures = [...new Set(instanceTypes.map(architectureOf))];
    if (architectures.length > 1) {
        report(problem(fullKey("nodeInstanceTypes"), instanceTypes, "a node group runs one AMI, so its instance types must share one CPU architecture (all Graviton or none)"));
    }
    const capacityType = text("nodeCapacityType", oneOf(["ON_DEMAND", "SPOT"])) as NodesConfig["capacityType"];
    const minSize = integer("nodeMinSize", 1, 100);
    const desiredSize = integer("nodeDesiredSize", 1, 100);
    const maxSize = integer("nodeMaxSize", 1, 100);
    if (maxSize < minSize) {
        report(problem(fullKey("nodeMaxSize"), maxSize, `it must be at least ${fullKey("nodeMinSize")} (${minSize})`));
    } else if (desiredSize < minSize || desiredSize > maxSize) {
        report(problem(fullKey("nodeDesiredSize"), desiredSize, `it must be from ${fullKey("nodeMinSize")} (${minSize}) to ${fullKey("nodeMaxSize")} (${maxSize})`));
    }
    const diskSizeGiB = integer("nodeDiskSizeGiB", 20, 1000);

    const bucketName = text("bucketName");
    const versioned = boolean("bucketVersioning");
    const protect = boolean("bucketProtect");
    const forceDestroy = boolean("bucketForceDestroy");
    const retainOnDelete = boolean("bucketRetainOnDelete");
    const accessLogging = boolean("bucketAccessLogging");
    const noncurrentVersionExpirationDays = integer("bucketNoncurrentVersionExpirationDays", 1, 3650);
    let bucket: BucketConfig;
    if (bucketName === "") {
        if (forceDestroy && (protect || retainOnDelete)) {
            report(
                problem(
                    fullKey("bucketForceDestroy"),
                    forceDestroy,
                    `it deletes every object with the bucket, and ${protect ? fullKey("bucketProtect") : fullKey("bucketRetainOnDelete")} says the bucket must outlive the stack; set one or the other`,
                ),
            );
        }
        bucket = { kind: "new", versioned, protect, forceDestroy, retainOnDelete, accessLogging, noncurrentVersionExpirationDays };
    } else {
        report(checkBucketName(fullKey("bucketName"), bucketName));
        for (const [key, value] of [["bucketVersioning", versioned], ["bucketProtect", protect], ["bucketForceDestroy", forceDestroy]] as const) {
            if (value) {
                report(problem(fullKey(key), value, `it applies to a bucket this stack creates, and ${fullKey("bucketName")} names an existing one, which the stack does not manage`));
            }
        }
        bucket = { kind: "existing", name: bucketName };
    }

    const namespace = text("namespace", checkNamespace);
    if (builtInNamespaces.includes(namespace)) {
        report(problem(fullKey("namespace"), namespace, "the stack creates this namespace and labels it restricted, so it cannot be one every cluster already has"));
    }
    const serviceAccountName = text("serviceAccountName", checkServiceAccountName);
    const keyPrefixes = list("readerKeyPrefixes", checkKeyPrefix, { nonEmpty: false });
    const replicas = integer("readerReplicas", 1, 10);
    const intervalSeconds = integer("readerIntervalSeconds", 5, 3600);
    // The stack's further workloads: their shape here, every rule of the fleet's plan on the stack's cluster.
    const workloadEntries = parseWorkloadEntries(fullKey("workloads"), raw("workloads") ?? "[]");
    workloadEntries.problems.forEach(report);
    if (workloadEntries.problems.length === 0 && checkClusterName(fullKey("clusterName"), clusterName) === undefined && identityMechanisms.includes(identityMechanism)) {
        workloadProblems(fullKey("workloads"), workloadEntries.entries, clusterName, identityMechanism).forEach(report);
    }

    const principalList = (key: ConfigKey): string[] => list(key, (field, value) => ruleProblem(field, value, principalArnProblem(value)), { nonEmpty: false });
    const adminArns = principalList("clusterAdminArns");
    const viewerArns = principalList("clusterViewerArns");
    for (const arn of viewerArns.filter((viewer) => adminArns.includes(viewer))) {
        report(problem(fullKey("clusterViewerArns"), arn, `it is in ${fullKey("clusterAdminArns")} too; a principal has one access entry, so list it once, with the access it needs`));
    }

    const parseEndpoint = (publicAccess: boolean, allowAnywhere: boolean): EndpointConfig => {
        const cidrs = list("endpointPublicAccessCidrs", (field, value) => ruleProblem(field, value, endpointCidrProblem(value, allowAnywhere)), { nonEmpty: false });
        if (publicAccess && cidrs.length === 0) {
            report(
                problem(
                    fullKey("endpointPublicAccessCidrs"),
                    cidrs,
                    `the public endpoint is on (${fullKey("endpointPublicAccess")}) and no block may reach it, so pulumi up could not create the namespace and the reader: ` +
                        "name your deployers' egress blocks (a CI runner's, a VPN's; curl -s https://checkip.amazonaws.com shows this machine's address), " +
                        `or set ${fullKey("endpointPublicAccess")} false and run pulumi up from inside the VPC`,
                ),
            );
        }
        if (!publicAccess && cidrs.length > 0) {
            report(problem(fullKey("endpointPublicAccessCidrs"), cidrs, `the public endpoint is off (${fullKey("endpointPublicAccess")} false), so no block can reach it; empty the list or turn the endpoint on`));
        }
        return { publicAccess, publicAccessCidrs: cidrs };
    };
    // Last, so that a stack with no other mistake is told first what it must add: its deployers' blocks.
    const endpoint = parseEndpoint(boolean("endpointPublicAccess"), boolean("endpointPublicAccessFromAnywhere"));

    if (problems.length > 0) {
        throw new ConfigError(problems);
    }
    return {
        clusterName,
        allowClusterReplacement,
        identityMechanism,
        identityMechanismTransition,
        kubernetesVersion,
        upgradeSupportType,
        endpoint,
        logging: { clusterLogTypes: logTypes, retentionDays, vpcFlowLogs },
        secretsEncryption,
        deletionProtection,
        networkPolicy,
        network,
        nodes: { instanceTypes, architecture: architectures[0], capacityType, minSize, desiredSize, maxSize, diskSizeGiB },
        bucket,
        namespace,
        serviceAccountName,
        reader: { keyPrefixes, replicas, intervalSeconds },
        workloads: workloadEntries.entries,
        access: { adminArns, viewerArns },
    };
}

/**
 * Reads the configuration of the running stack. A bad value becomes a RunError, which the CLI shows
 * as the message alone, without a stack trace of this program.
 */
export function loadConfig(): ProgramConfig {
    const lookup: ConfigLookup = (key) => {
        const separator = key.indexOf(":");
        return new pulumi.Config(key.slice(0, separator)).get(key.slice(separator + 1));
    };
    try {
        return parseConfig(lookup);
    } catch (error) {
        throw error instanceof ConfigError ? new pulumi.RunError(error.message) : error;
    }
}

/** What is allowed but deserves attention on every run: placeholder endpoint blocks, a version near its end of support, a switch left half done. */
export function configWarnings(config: ProgramConfig, today: string = todayUtc()): string[] {
    const version = versionWarning(config.kubernetesVersion, config.upgradeSupportType, today);
    const transition = config.identityMechanismTransition
        ? `${fullKey("identityMechanismTransition")} is true: the roles trust both IRSA and Pod Identity; once the pods have rolled onto ${config.identityMechanism}, set it to false and update again`
        : undefined;
    return [
        ...endpointWarnings(fullKey("endpointPublicAccessCidrs"), config.endpoint.publicAccessCidrs),
        ...[version, transition].filter((warning): warning is string => warning !== undefined),
    ];
}
