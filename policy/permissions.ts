/**
 * What a policy document grants, judged by the escalation model the components share
 * (components/iam): every action, and whole services, of each statement. Pure functions.
 */
import { CapabilityId, describePathKind, escalationPaths, grantStatementsOf, statementCapabilities } from "@eks-irsa/components/iam";
import { IndexedStatement } from "./documents";

export { awsManagedPolicyName } from "@eks-irsa/components/iam";

/** The problems of a statement, for the capabilities given: what grants them, and the path they open. */
function capabilityProblems(indexed: IndexedStatement, ids: CapabilityId[]): string[] {
    const read = grantStatementsOf({ Statement: [indexed.statement] });
    if ("error" in read) {
        return [];
    }
    const [statement] = read.statements;
    return statementCapabilities(statement)
        .filter((capability) => ids.includes(capability.id))
        .map((capability) => {
            const path = escalationPaths.find((each) => each.needs.includes(capability.id))!;
            return `${capability.evidence.replace(/^Statement\[0\] /, "")}: ${describePathKind(path)}; list the actions the workload needs`;
        });
}

/**
 * The problems of an `Allow` statement that grants every action (`*`, `**`, `*:*`, or `NotAction`),
 * or every action of most services: it includes IAM and STS, so whoever holds the role can create
 * principals, or become other roles.
 */
export function wildcardActionProblems(indexed: IndexedStatement): string[] {
    return capabilityProblems(indexed, ["every-action", "most-services"]);
}

/** The advisory problems of an `Allow` statement that grants all or most actions of a service (`s3:*`, `iam:**`, `s3:Put*`). */
export function serviceWildcardActionProblems(indexed: IndexedStatement): string[] {
    return capabilityProblems(indexed, ["service-wide"]);
}

/** AWS-managed policies refused by name, whatever the table says of their documents. */
export const defaultAdministratorPolicyNames = ["AdministratorAccess", "PowerUserAccess", "IAMFullAccess"];
