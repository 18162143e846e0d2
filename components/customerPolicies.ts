/**
 * Customer-managed policies of `policyArns`, judged by their documents: the binding reads each one's
 * default version from IAM (`aws.iam.getPolicy`) at deploy time and judges it with the escalation
 * model the policy pack uses, so a policy that makes pods administrators is refused without
 * `allowBroadPermissions` whatever its name. AWS-managed policies are judged by the table, without a read.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

import { awsManagedPolicyName } from "./iam";
import { checkCustomerManagedPolicy } from "./permissions";

/**
 * The reads and judgements of the customer-managed entries of `policyArns`; it fails with a
 * ResourceError naming the entry and the paths its document opens. Undefined when no entry needs a
 * read (every one known and AWS-managed, or broad permissions allowed), so the common case costs nothing.
 */
export function judgedCustomerPolicies(parent: pulumi.Resource, policyArns: pulumi.Input<string>[], allowBroadPermissions: boolean): pulumi.Output<void> | undefined {
    if (allowBroadPermissions) {
        return undefined;
    }
    const judged = policyArns.flatMap((entry, index) => {
        if (typeof entry === "string" && awsManagedPolicyName(entry) !== undefined) {
            return [];
        }
        return [
            pulumi.output(entry).apply((policyArn) => {
                if (awsManagedPolicyName(policyArn) !== undefined) {
                    return undefined;
                }
                return aws.iam.getPolicyOutput({ arn: policyArn }, { parent }).policy.apply((document) => {
                    const problem = checkCustomerManagedPolicy(`policyArns[${index}]`, policyArn, document);
                    if (problem !== undefined) {
                        throw new pulumi.ResourceError(problem, parent);
                    }
                    return undefined;
                });
            }),
        ];
    });
    return judged.length === 0 ? undefined : pulumi.all(judged).apply(() => undefined);
}
