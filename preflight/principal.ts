/**
 * The IAM principal behind a caller ARN, as an EKS access entry names it: STS prints a role's
 * session (`arn:aws:sts::<account>:assumed-role/<role>/<session>`), an access entry names the role.
 */

/** What STS GetCallerIdentity's ARN is. */
export type Caller =
    | { kind: "user" | "role"; principalArn: string; name: string }
    | { kind: "session"; roleName: string; partition: string; account: string }
    | { kind: "root" | "federated"; arn: string };

/** Reads a caller ARN. */
export function callerOf(arn: string): Caller {
    const session = /^arn:(aws[a-z-]*):sts::(\d{12}):assumed-role\/([^/]+)\/.+$/.exec(arn);
    if (session) {
        return { kind: "session", partition: session[1], account: session[2], roleName: session[3] };
    }
    const principal = /^arn:aws[a-z-]*:iam::\d{12}:(user|role)\/(?:.*\/)?([^/]+)$/.exec(arn);
    if (principal) {
        return { kind: principal[1] as "user" | "role", principalArn: arn, name: principal[2] };
    }
    return { kind: /:root$/.test(arn) ? "root" : "federated", arn };
}

/** A role's ARN without its path: what a session ARN tells of it. */
export function roleArnWithoutPath(partition: string, account: string, roleName: string): string {
    return `arn:${partition}:iam::${account}:role/${roleName}`;
}

/** The name of a role or user ARN: its last segment, the path left out. */
export function nameOfPrincipalArn(arn: string): string {
    return arn.slice(arn.lastIndexOf("/") + 1);
}

/**
 * Whether two role or user ARNs name the same principal: the same account, kind and name. The path
 * does not tell principals apart (IAM names are unique in an account), and an access entry may name
 * a role with or without its path (EKS User Guide, "Create access entries"), but names one principal once.
 */
export function namesPrincipal(listed: string, principalArn: string): boolean {
    const accountOf = (arn: string) => arn.split(":")[4];
    const kindOf = (arn: string) => arn.split(":")[5]?.split("/")[0];
    return accountOf(listed) === accountOf(principalArn) && kindOf(listed) === kindOf(principalArn) && nameOfPrincipalArn(listed) === nameOfPrincipalArn(principalArn);
}
