/**
 * ServiceAccounts bound to an IAM role through the IRSA annotation: pure checks of what they carry.
 */

/** The annotation that binds a ServiceAccount to an IAM role through IRSA. */
export const roleArnAnnotation = "eks.amazonaws.com/role-arn";

/** The account of an IAM role ARN (`arn:aws:iam::123456789012:role/path/name`), or undefined when it is not one. */
export function accountOfRoleArn(arn: string): string | undefined {
    return /^arn:[^:]+:iam::(\d{12}):role\/.+$/.exec(arn)?.[1];
}

/** The account of any ARN that names one (its fifth field, 12 digits). */
export function accountOfArn(arn: string): string | undefined {
    const account = arn.split(":")[4];
    return arn.startsWith("arn:") && account !== undefined && /^\d{12}$/.test(account) ? account : undefined;
}

/**
 * The problem of a bound ServiceAccount that mounts a Kubernetes API token into its pods: the pods
 * need AWS credentials, which come from another (projected) token; the API token only lets whoever
 * takes over a pod act as the ServiceAccount in the cluster. `undefined` means the Kubernetes
 * default, which mounts it.
 */
export function tokenAutomountProblems(automountServiceAccountToken: boolean | undefined): string[] {
    return automountServiceAccountToken === false
        ? []
        : [
              `automountServiceAccountToken is ${automountServiceAccountToken === undefined ? "not set (Kubernetes mounts the token)" : "true"}: ` +
                  "every pod gets a Kubernetes API token it does not need for AWS; set it to false (pods that call the API can still mount one)",
          ];
}

/**
 * The problems of the role a ServiceAccount is annotated with: not a role ARN, or a role in an
 * account other than the stack's (the pods would run with another account's permissions, on that
 * account's trust).
 */
export function annotatedRoleProblems(roleArn: string, stackAccounts: string[]): string[] {
    const account = accountOfRoleArn(roleArn);
    if (account === undefined) {
        return [`${roleArnAnnotation} ${JSON.stringify(roleArn)} is not an IAM role ARN (arn:<partition>:iam::<account>:role/<name>)`];
    }
    if (stackAccounts.length > 0 && !stackAccounts.includes(account)) {
        return [
            `${roleArnAnnotation} names a role of account ${account}, not the stack's (${stackAccounts.join(", ")}): ` +
                "use a role of this account, or add the account to this policy's accountIds if the cross-account binding is intended",
        ];
    }
    return [];
}
