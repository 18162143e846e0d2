/**
 * What a role may do: wildcard actions in its inline policies, and broad AWS-managed policies
 * attached to a workload role. Pure functions over documents and ARNs.
 */
import { IndexedStatement, isAllow, stringList } from "./documents";

/**
 * The problems of an `Allow` statement that grants every action (`*`, or `NotAction`, which grants
 * everything but what it lists). Every action includes `iam:*` and `sts:AssumeRole`: whoever holds
 * the role can create principals, or become other roles.
 */
export function wildcardActionProblems(indexed: IndexedStatement): string[] {
    const { statement } = indexed;
    if (!isAllow(statement)) {
        return [];
    }
    if (statement.NotAction !== undefined) {
        return [`Allow with NotAction grants every action except ${JSON.stringify(stringList(statement.NotAction))}; list the actions the workload needs`];
    }
    return stringList(statement.Action)
        .filter((action) => /^\*+$/.test(action))
        .map(() => 'Action "*" grants every action of every service, IAM and STS included; list the actions the workload needs');
}

/**
 * The advisory problems of an `Allow` statement that grants a whole service (`s3:*`, `iam:*`): every
 * present and future action of it, deletes and permission changes included.
 */
export function serviceWildcardActionProblems(indexed: IndexedStatement): string[] {
    const { statement } = indexed;
    if (!isAllow(statement)) {
        return [];
    }
    return stringList(statement.Action)
        .filter((action) => /^[^:*]+:\*+$/.test(action))
        .map((action) => `Action ${JSON.stringify(action)} grants every action of the service, deletes and permission changes included; list the actions the workload needs`);
}

/** AWS-managed policies that give administrator power, or the power to make oneself administrator. */
export const defaultAdministratorPolicyNames = ["AdministratorAccess", "PowerUserAccess", "IAMFullAccess"];

/** The name of an AWS-managed policy from its ARN (`arn:aws:iam::aws:policy/AdministratorAccess`), or undefined for a customer-managed one. */
export function awsManagedPolicyName(policyArn: string): string | undefined {
    const match = /^arn:[^:]+:iam::aws:policy\/(?:.*\/)?([^/]+)$/.exec(policyArn);
    return match?.[1];
}

/** Whether the ARN is one of the named AWS-managed policies (in any partition or path). */
export function isAwsManagedPolicyOf(policyArn: string, names: string[]): boolean {
    const name = awsManagedPolicyName(policyArn);
    return name !== undefined && names.some((candidate) => candidate.toLowerCase() === name.toLowerCase());
}

/** Whether the ARN is an AWS-managed `*FullAccess` policy: every action of a service on every resource. */
export function isAwsManagedFullAccessPolicy(policyArn: string): boolean {
    return /FullAccess(?:_v\d+)?$/i.test(awsManagedPolicyName(policyArn) ?? "");
}
