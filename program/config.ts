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

import { parseCidr } from "./cidr";

/** The Pulumi project name, which namespaces the project's own config keys. */
export const projectName = "eks-irsa";

/** Every key the program reads, without the project namespace; Pulumi.yaml declares exactly these. */
export const configKeys = [
    "clusterName",
    "identityMechanism",
    "kubernetesVersion",
    "endpointPublicAccessCidrs",
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
    "namespace",
    "serviceAccountName",
    "readerKeyPrefixes",
    "readerReplicas",
    "readerIntervalSeconds",
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
      };

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
export type BucketConfig = { kind: "existing"; name: string } | { kind: "new"; versioned: boolean; protect: boolean };

/** How the reader's pods get their role: IRSA (OIDC provider and annotation) or EKS Pod Identity (agent add-on and association). */
export type IdentityMechanism = "irsa" | "pod-identity";

/** The identity mechanisms, as `eks-irsa:identityMechanism` names them. */
export const identityMechanisms: readonly IdentityMechanism[] = ["irsa", "pod-identity"];

/** The program's configuration, validated. */
export interface ProgramConfig {
    clusterName: string;
    identityMechanism: IdentityMechanism;
    kubernetesVersion: string;
    endpointPublicAccessCidrs: string[];
    network: NetworkConfig;
    nodes: NodesConfig;
    bucket: BucketConfig;
    namespace: string;
    serviceAccountName: string;
    reader: { keyPrefixes: string[]; replicas: number; intervalSeconds: number };
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

const instanceTypePattern = /^[a-z][a-z0-9-]*\.[a-z0-9]+$/;
const vpcIdPattern = /^vpc-(?:[0-9a-f]{8}|[0-9a-f]{17})$/;
const subnetIdPattern = /^subnet-(?:[0-9a-f]{8}|[0-9a-f]{17})$/;
const bucketNamePattern = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
/** Namespaces every cluster already has: the stack creates its namespace, so these cannot be used. */
const builtInNamespaces = ["default", "kube-system", "kube-public", "kube-node-lease"];
/** Oldest minor version EKS still runs (extended support included). */
const oldestKubernetesMinor = 28;

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
const checkAccessCidr = cidrCheck([0, 32], "203.0.113.0/24");

const checkKubernetesVersion: FieldCheck<string> = (field, value) => {
    const match = /^1\.(\d{1,2})$/.exec(value);
    return match && Number(match[1]) >= oldestKubernetesMinor
        ? undefined
        : problem(field, value, `expected a Kubernetes minor version that EKS runs, 1.${oldestKubernetesMinor} or later, such as 1.34`);
};

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
export function parseConfig(lookup: ConfigLookup): ProgramConfig {
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
    const identityMechanism = text("identityMechanism", oneOf(identityMechanisms)) as IdentityMechanism;
    const kubernetesVersion = text("kubernetesVersion", checkKubernetesVersion);
    const endpointPublicAccessCidrs = list("endpointPublicAccessCidrs", checkAccessCidr, { nonEmpty: true });

    const vpcId = text("vpcId");
    const privateSubnetIds = list("privateSubnetIds", checkSubnetId, { nonEmpty: false });
    const vpcCidr = text("vpcCidr", checkVpcCidr);
    const availabilityZoneCount = integer("availabilityZoneCount", 2, 3);
    const natGateways = text("natGateways", oneOf(["single", "per-az"])) as "single" | "per-az";
    let network: NetworkConfig;
    if (vpcId === "") {
        if (privateSubnetIds.length > 0) {
            report(problem(fullKey("privateSubnetIds"), privateSubnetIds, `subnets of an existing network need ${fullKey("vpcId")} too; leave both empty to create a VPC`));
        }
        network = { kind: "new", vpcCidr, availabilityZoneCount, natGateways };
    } else {
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
    let bucket: BucketConfig;
    if (bucketName === "") {
        bucket = { kind: "new", versioned, protect };
    } else {
        report(checkBucketName(fullKey("bucketName"), bucketName));
        for (const [key, value] of [["bucketVersioning", versioned], ["bucketProtect", protect]] as const) {
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

    if (problems.length > 0) {
        throw new ConfigError(problems);
    }
    return {
        clusterName,
        identityMechanism,
        kubernetesVersion,
        endpointPublicAccessCidrs,
        network,
        nodes: { instanceTypes, architecture: architectures[0], capacityType, minSize, desiredSize, maxSize, diskSizeGiB },
        bucket,
        namespace,
        serviceAccountName,
        reader: { keyPrefixes, replicas, intervalSeconds },
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
