/**
 * Where a binding's AWS provider points: its account's caller ARN (which names the partition and
 * account) and its region. Looked up once per provider, however many bindings use it: every binding
 * of a fleet would otherwise ask the same two questions.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

/** The caller and region an AWS provider works as. */
export interface AwsContext {
    /** The caller's ARN: `arn:<partition>:...:<account>:...`. */
    callerArn: pulumi.Output<string>;
    region: pulumi.Output<string>;
}

/**
 * Lookups by explicit provider, and by the stack of the run for the default provider: the default
 * provider is configured by its stack, and one process may run several (the Automation API).
 */
const lookups = new WeakMap<object, AwsContext>();

/** The account and region of the AWS provider a component's AWS resources use. */
export function awsContextOf(component: pulumi.ComponentResource): AwsContext {
    const provider = component.getProvider("aws::");
    const key: object | undefined = provider ?? pulumi.runtime.getStackResource();
    const cached = key === undefined ? undefined : lookups.get(key);
    if (cached !== undefined) {
        return cached;
    }
    // The first component's lookups serve the others: the answers depend on the provider alone.
    const opts = { provider };
    const context = { callerArn: aws.getCallerIdentityOutput({}, opts).arn, region: aws.getRegionOutput({}, opts).region };
    if (key !== undefined) {
        lookups.set(key, context);
    }
    return context;
}
