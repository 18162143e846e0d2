/**
 * Customer-managed policies of `policyArns`, judged by their documents: the binding reads each one's
 * default version from IAM (`aws.iam.getPolicy`) at deploy time and judges it with the escalation
 * model the policy pack uses, so a policy that makes pods administrators is refused without
 * `allowBroadPermissions` whatever its name. AWS-managed policies are judged by the table, without a read.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

import { awsManagedPolicyName } from "./iam";
import { checkCustomerManagedPolicy, customerPolicyReadProblem } from "./permissions";

/** The document of a customer-managed policy as IAM holds it, or the read's error as the engine reports it. */
async function readCustomerPolicy(parent: pulumi.Resource, policyArn: string): Promise<{ document: string } | { error: string }> {
    try {
        return { document: (await aws.iam.getPolicy({ arn: policyArn }, { parent })).policy };
    } catch (error) {
        return { error: error instanceof Error ? error.message : String(error) };
    }
}

/**
 * The reads and judgements of the customer-managed entries of `policyArns`; it fails with a
 * ResourceError naming the entry and the paths its document opens, or that IAM did not give it
 * (a policy that does not exist). Undefined when no entry needs a read (every one known and
 * AWS-managed, or broad permissions allowed for it), so the common case costs nothing.
 * @param broadAllowed whether entry `index` may be broad: its opt-in (an add-on's entries have their own)
 * @param fieldOf how the binding's arguments name entry `index` of `policyArns`
 */
export function judgedCustomerPolicies(
    parent: pulumi.Resource,
    policyArns: pulumi.Input<string>[],
    broadAllowed: (index: number) => boolean,
    fieldOf: (index: number) => string,
): pulumi.Output<void> | undefined {
    const judged = policyArns.flatMap((entry, index) => {
        if (broadAllowed(index) || (typeof entry === "string" && awsManagedPolicyName(entry) !== undefined)) {
            return [];
        }
        return [
            pulumi.output(entry).apply(async (policyArn) => {
                if (awsManagedPolicyName(policyArn) !== undefined) {
                    return undefined;
                }
                const read = await readCustomerPolicy(parent, policyArn);
                const problem = "error" in read ? customerPolicyReadProblem(fieldOf(index), policyArn, read.error) : checkCustomerManagedPolicy(fieldOf(index), policyArn, read.document);
                if (problem !== undefined) {
                    throw new pulumi.ResourceError(problem, parent);
                }
                return undefined;
            }),
        ];
    });
    return judged.length === 0 ? undefined : pulumi.all(judged).apply(() => undefined);
}
