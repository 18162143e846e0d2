/**
 * The mock engine shared by the offline plan and the tests: it answers the Pulumi SDK in place of
 * the engine and the providers, synthesising the state a provider would return, and records every
 * resource it is asked to register.
 *
 * Values only the cloud knows are sentinels: they pass the components' validation (a 12-digit
 * account, a 32-character issuer ID) and are distinctive enough for the plan to swap them for markers.
 */
import * as fs from "node:fs";
import * as path from "node:path";

import * as pulumi from "@pulumi/pulumi";
import type * as yaml from "yaml";

/** The sentinels the engine puts where the cloud would put values only it knows. */
export const sentinels = {
    /** The AWS account ID. */
    accountId: "123456789012",
    /** The ID in the cluster's OIDC issuer URL (AWS's documentation example). */
    oidcIssuerId: "EXAMPLED539D4633E53DE1B71EXAMPLE",
    /** The random suffix Pulumi appends to auto-named resources. */
    randomSuffix: "1a2b3c4",
    /** The host of the cluster's API server, before its region. */
    clusterEndpointPrefix: "EXAMPLEENDPOINT0000000000000000",
} as const;

/** A resource as the engine was asked to register it. */
export interface RegisteredResource {
    type: string;
    name: string;
    inputs: Record<string, unknown>;
    /** The provider reference (`urn::id`) the resource was registered with. */
    provider: string | undefined;
    /** The ID of a resource that was read (`Resource.get`) or imported, not created; undefined for a created one. */
    readId?: string;
}

/** Where the mocked resources live. */
export interface MockEngineOptions {
    accountId: string;
    region: string;
}

/** Mocks for `pulumi.runtime.setMocks`, and the record of what they registered. */
export interface MockEngine {
    mocks: pulumi.runtime.Mocks;
    registered: RegisteredResource[];
    /** Customer-managed policies IAM holds, by ARN: their default version's document (JSON), for `aws.iam.getPolicy`. */
    customerPolicies: Map<string, string>;
}

function stringInput(inputs: Record<string, unknown>, key: string): string | undefined {
    const value = inputs[key];
    return typeof value === "string" ? value : undefined;
}

/**
 * The objects of YAML text, one per document (empty documents dropped). The parser is loaded on first
 * use: a program without YAML objects (the one `pulumi up` loads, timed by the bench) does not pay for it.
 */
function yamlObjects(text: string): Record<string, unknown>[] {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { parseAllDocuments } = require("yaml") as typeof yaml;
    return parseAllDocuments(text)
        .map((document) => document.toJS() as unknown)
        .filter((value): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value));
}

function asList(value: unknown): unknown[] {
    return value === undefined || value === null ? [] : Array.isArray(value) ? value : [value];
}

/**
 * The children the kubernetes provider registers for a `kubernetes:yaml/v2:ConfigGroup` (`objs`,
 * `yaml`, `files`) or `ConfigFile` (`file`): each object as a resource of type
 * `kubernetes:<group/version>:<Kind>` (`core/v1` for the core group), named
 * `<resourcePrefix, by default the component's name>-[<namespace>/]<name>`. Files are read from the
 * working directory, as the provider reads them from the program's. No other type has any.
 */
export function yamlChildren(type: string, name: string, inputs: Record<string, unknown>): Omit<RegisteredResource, "provider">[] {
    if (type !== "kubernetes:yaml/v2:ConfigGroup" && type !== "kubernetes:yaml/v2:ConfigFile") {
        return [];
    }
    const files = [...asList(inputs.files), ...asList(inputs.file)].filter((file): file is string => typeof file === "string");
    const objects = [
        ...asList(inputs.objs).filter((value): value is Record<string, unknown> => typeof value === "object" && value !== null),
        ...asList(inputs.yaml).filter((text): text is string => typeof text === "string").flatMap(yamlObjects),
        ...files.flatMap((file) => yamlObjects(fs.readFileSync(path.resolve(file), "utf8"))),
    ];
    const prefix = stringInput(inputs, "resourcePrefix") ?? name;
    return objects.flatMap((object) => {
        const apiVersion = object.apiVersion;
        const kind = object.kind;
        const metadata = (object.metadata ?? {}) as { name?: unknown; namespace?: unknown };
        if (typeof apiVersion !== "string" || typeof kind !== "string" || typeof metadata.name !== "string") {
            return [];
        }
        const namespace = typeof metadata.namespace === "string" ? `${metadata.namespace}/` : "";
        return [{ type: `kubernetes:${apiVersion.includes("/") ? apiVersion : `core/${apiVersion}`}:${kind}`, name: `${prefix === "" ? "" : `${prefix}-`}${namespace}${metadata.name}`, inputs: object }];
    });
}

/** The OIDC issuer of a mocked EKS cluster, without its scheme. */
export function mockOidcIssuer(region: string): string {
    return `oidc.eks.${region}.amazonaws.com/id/${sentinels.oidcIssuerId}`;
}

/** The API server URL of a mocked EKS cluster. */
export function mockClusterEndpoint(region: string): string {
    return `https://${sentinels.clusterEndpointPrefix}.gr7.${region}.eks.amazonaws.com`;
}

/** A kubeconfig shaped like the one @pulumi/eks returns, which authenticates with `aws eks get-token`. */
function mockKubeconfig(clusterName: string, region: string): Record<string, unknown> {
    return {
        apiVersion: "v1",
        kind: "Config",
        clusters: [{ name: "kubernetes", cluster: { server: mockClusterEndpoint(region), "certificate-authority-data": "LS0tLS1CRUdJTi1NT0NLLUNBLS0tLS0=" } }],
        contexts: [{ name: "aws", context: { cluster: "kubernetes", user: "aws" } }],
        "current-context": "aws",
        users: [
            {
                name: "aws",
                user: {
                    exec: {
                        apiVersion: "client.authentication.k8s.io/v1beta1",
                        command: "aws",
                        args: ["eks", "get-token", "--cluster-name", clusterName, "--output", "json"],
                    },
                },
            },
        ],
    };
}

/** Creates a mock engine for one account and region. */
export function createMockEngine(options: MockEngineOptions): MockEngine {
    const { accountId, region } = options;
    const registered: RegisteredResource[] = [];
    const customerPolicies = new Map<string, string>();

    /** The name the provider would give the resource: its own, or the logical name with a random suffix. */
    const physicalNameOf = (name: string, inputs: Record<string, unknown>): string => stringInput(inputs, "name") ?? `${name}-${sentinels.randomSuffix}`;

    const arnOf = (type: string, name: string, inputs: Record<string, unknown>): string => {
        const resourceName = physicalNameOf(name, inputs);
        switch (type) {
            case "aws:iam/role:Role":
                return `arn:aws:iam::${accountId}:role${stringInput(inputs, "path") ?? "/"}${resourceName}`;
            case "aws:iam/openIdConnectProvider:OpenIdConnectProvider":
                return `arn:aws:iam::${accountId}:oidc-provider/${String(inputs.url).replace(/^https:\/\//, "")}`;
            case "aws:s3/bucket:Bucket":
            case "aws:s3/bucketV2:BucketV2":
                return `arn:aws:s3:::${stringInput(inputs, "bucket") ?? resourceName}`;
            case "aws:eks/cluster:Cluster":
                return `arn:aws:eks:${region}:${accountId}:cluster/${resourceName}`;
            default:
                return `arn:aws:mock:${region}:${accountId}:${type}/${resourceName}`;
        }
    };

    const stateOf = (type: string, name: string, inputs: Record<string, unknown>): Record<string, unknown> => {
        const physicalName = physicalNameOf(name, inputs);
        if (type === "eks:index:Cluster") {
            const issuer = mockOidcIssuer(region);
            const kubeconfig = mockKubeconfig(physicalName, region);
            return {
                kubeconfig,
                kubeconfigJson: JSON.stringify(kubeconfig),
                oidcIssuer: issuer,
                oidcProviderUrl: `https://${issuer}`,
                oidcProviderArn: `arn:aws:iam::${accountId}:oidc-provider/${issuer}`,
                clusterSecurityGroupId: `sg-${name}`,
                nodeSecurityGroupId: `sg-${name}`,
            };
        }
        if (type === "pulumi:pulumi:StackReference") {
            // A stack that has never been deployed: known, with no outputs (as a first `pulumi up` reads it).
            return { ...inputs, outputs: {}, secretOutputNames: [] };
        }
        const state: Record<string, unknown> = { ...inputs, arn: arnOf(type, name, inputs) };
        if (type.startsWith("aws:iam/")) {
            state.name = physicalName;
        }
        if (type === "aws:s3/bucket:Bucket" || type === "aws:s3/bucketV2:BucketV2") {
            state.bucket = stringInput(inputs, "bucket") ?? physicalName;
        }
        if (type === "aws:ec2/launchTemplate:LaunchTemplate") {
            state.latestVersion = 1;
        }
        if (type === "aws:ec2/eip:Eip") {
            state.allocationId = `eipalloc-${name}`;
        }
        if (type === "aws:eks/podIdentityAssociation:PodIdentityAssociation") {
            state.associationId = `a-${name}`;
            // EKS makes an external ID for associations with a target role, for the target's trust policy.
            if (typeof inputs.targetRoleArn === "string") {
                state.externalId = `external-id-of-${name}`;
            }
        }
        return state;
    };

    const mocks: pulumi.runtime.Mocks = {
        newResource(args: pulumi.runtime.MockResourceArgs): { id: string; state: Record<string, unknown> } {
            registered.push({ type: args.type, name: args.name, inputs: args.inputs, provider: args.provider, ...(args.id ? { readId: args.id } : {}) });
            // The kubernetes provider's yaml/v2 components register their objects themselves (Construct); the engine would hear of each.
            registered.push(...yamlChildren(args.type, args.name, args.inputs).map((child) => ({ ...child, provider: args.provider })));
            const state = stateOf(args.type, args.name, args.inputs);
            // A bucket's ID is its name; other IDs only need to be unique.
            return { id: typeof state.bucket === "string" ? state.bucket : `${args.name}-id`, state };
        },
        call(args: pulumi.runtime.MockCallArgs): Record<string, unknown> {
            switch (args.token) {
                case "aws:index/getCallerIdentity:getCallerIdentity":
                    return { accountId, arn: `arn:aws:iam::${accountId}:user/mock`, userId: "mock", id: accountId };
                case "aws:index/getRegion:getRegion":
                    return { name: region, region, id: region };
                case "aws:index/getPartition:getPartition":
                    return { partition: "aws", dnsSuffix: "amazonaws.com", id: "aws" };
                case "aws:index/getAvailabilityZones:getAvailabilityZones":
                    return { names: ["a", "b", "c"].map((zone) => `${region}${zone}`), zoneIds: [1, 2, 3].map((zone) => `${region}-az${zone}`), id: region };
                case "aws:eks/getCluster:getCluster": {
                    const clusterName = String(args.inputs.name);
                    return {
                        name: clusterName,
                        id: clusterName,
                        arn: `arn:aws:eks:${region}:${accountId}:cluster/${clusterName}`,
                        endpoint: mockClusterEndpoint(region),
                        certificateAuthorities: [{ data: "LS0tLS1CRUdJTi1NT0NLLUNBLS0tLS0=" }],
                        identities: [{ oidcs: [{ issuer: `https://${mockOidcIssuer(region)}` }] }],
                    };
                }
                case "aws:iam/getOpenIdConnectProvider:getOpenIdConnectProvider": {
                    const url = String(args.inputs.url).replace(/^https:\/\//, "");
                    return { url, arn: `arn:aws:iam::${accountId}:oidc-provider/${url}`, id: url };
                }
                case "aws:eks/getAddonVersion:getAddonVersion": {
                    // EKS's answer depends on the add-on and the Kubernetes version; the sentinel names both.
                    const addonName = String(args.inputs.addonName);
                    const kubernetesVersion = String(args.inputs.kubernetesVersion);
                    return { ...args.inputs, version: `mock-${addonName}-for-${kubernetesVersion}`, id: `${addonName}-${kubernetesVersion}` };
                }
                case "aws:iam/getPolicy:getPolicy": {
                    const policyArn = String(args.inputs.arn);
                    const policy = customerPolicies.get(policyArn);
                    if (policy === undefined) {
                        // As IAM answers for a policy that does not exist; the engine hands the SDK the message as the gRPC error's details.
                        const message = `invocation of aws:iam/getPolicy:getPolicy returned an error: reading IAM Policy (${policyArn}): NoSuchEntity: Policy ${policyArn} does not exist or is not attachable.`;
                        throw Object.assign(new Error(message), { details: message });
                    }
                    return { arn: policyArn, id: policyArn, name: policyArn.slice(policyArn.lastIndexOf("/") + 1), path: "/", policy };
                }
                case "aws:s3/getBucket:getBucket": {
                    const bucket = String(args.inputs.bucket);
                    return { bucket, arn: `arn:aws:s3:::${bucket}`, id: bucket, region };
                }
                default:
                    return args.inputs;
            }
        },
    };
    return { mocks, registered, customerPolicies };
}
