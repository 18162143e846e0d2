/**
 * Pulumi mocks shared by every test file: one set for the whole mocha process, recording each
 * registered resource so tests can read what a program or component asked for.
 */
import * as pulumi from "@pulumi/pulumi";

export const mockAccountId = "123456789012";
export const mockRegion = "us-west-2";

/** A resource as the engine was asked to register it. */
export interface RegisteredResource {
    type: string;
    name: string;
    inputs: Record<string, unknown>;
    /** The provider reference (`urn::id`) the resource was registered with. */
    provider: string | undefined;
}

export const registered: RegisteredResource[] = [];

function mockArn(type: string, name: string, inputs: Record<string, unknown>): string | undefined {
    const resourceName = (inputs.name as string | undefined) ?? name;
    switch (type) {
        case "aws:iam/role:Role":
            return `arn:aws:iam::${mockAccountId}:role${(inputs.path as string | undefined) ?? "/"}${resourceName}`;
        case "aws:iam/openIdConnectProvider:OpenIdConnectProvider":
            return `arn:aws:iam::${mockAccountId}:oidc-provider/${String(inputs.url).replace(/^https:\/\//, "")}`;
        case "aws:s3/bucket:Bucket":
        case "aws:s3/bucketV2:BucketV2":
            return `arn:aws:s3:::${(inputs.bucket as string | undefined) ?? resourceName}`;
        case "aws:eks/cluster:Cluster":
            return `arn:aws:eks:${mockRegion}:${mockAccountId}:cluster/${resourceName}`;
        default:
            return `arn:aws:mock:${mockRegion}:${mockAccountId}:${type}/${resourceName}`;
    }
}

/** The state a real provider would add to each resource's inputs. */
function mockState(type: string, name: string, inputs: Record<string, unknown>): Record<string, unknown> {
    const physicalName = (inputs.name as string | undefined) ?? `${name}-1a2b3c4`;
    const state: Record<string, unknown> = { ...inputs, arn: mockArn(type, name, inputs) };
    if (type.startsWith("aws:iam/")) {
        state.name = physicalName;
    }
    if (type === "aws:s3/bucket:Bucket" || type === "aws:s3/bucketV2:BucketV2") {
        state.bucket = (inputs.bucket as string | undefined) ?? physicalName;
    }
    return state;
}

pulumi.runtime.setMocks(
    {
        newResource(args: pulumi.runtime.MockResourceArgs): { id: string; state: Record<string, unknown> } {
            registered.push({ type: args.type, name: args.name, inputs: args.inputs, provider: args.provider });
            return { id: `${args.name}-id`, state: mockState(args.type, args.name, args.inputs) };
        },
        call(args: pulumi.runtime.MockCallArgs): Record<string, unknown> {
            switch (args.token) {
                case "aws:index/getCallerIdentity:getCallerIdentity":
                    return { accountId: mockAccountId, arn: `arn:aws:iam::${mockAccountId}:user/mock`, userId: "mock", id: mockAccountId };
                case "aws:index/getRegion:getRegion":
                    return { name: mockRegion, region: mockRegion, id: mockRegion };
                case "aws:index/getPartition:getPartition":
                    return { partition: "aws", dnsSuffix: "amazonaws.com", id: "aws" };
                case "aws:index/getAvailabilityZones:getAvailabilityZones":
                    return { names: [`${mockRegion}a`, `${mockRegion}b`, `${mockRegion}c`], zoneIds: ["usw2-az1", "usw2-az2", "usw2-az3"], id: mockRegion };
                default:
                    return args.inputs;
            }
        },
    },
    "eks-irsa",
    "test",
    false,
);

/** The value of an Output, once known. */
export function valueOf<T>(output: pulumi.Output<T>): Promise<T> {
    // The SDK's own promise of the value: unlike apply, it rejects when the Output failed.
    return (output as unknown as { promise(): Promise<T> }).promise();
}

/** Waits until each resource is registered with the mock engine. */
export async function registrationOf(...resources: pulumi.Resource[]): Promise<void> {
    await Promise.all(resources.map((resource) => valueOf(resource.urn)));
}

/** The registered resources of a type, in registration order. */
export function registeredOfType(type: string): RegisteredResource[] {
    return registered.filter((resource) => resource.type === type);
}

/** The one registered resource of this type and name. */
export function registeredResource(type: string, name: string): RegisteredResource {
    const matches = registered.filter((resource) => resource.type === type && resource.name === name);
    if (matches.length !== 1) {
        throw new Error(`expected one ${type} named ${name}, found ${matches.length}: ${registered.map((r) => `${r.type}/${r.name}`).join(", ")}`);
    }
    return matches[0];
}
