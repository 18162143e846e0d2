/**
 * External Secrets Operator, reading the secrets and parameters the user names.
 */
import * as pulumi from "@pulumi/pulumi";

import type { PolicyStatementArgs } from "../permissions";
import { checkKmsKeyArn } from "../validation";
import { addonPermissions, AddonPermissions, condition, serviceAccountOf, statement } from "./types";
import { AddonScopeError, checkedInputs, checkParameterArn, checkSecretArn, regionOfArn } from "./validation";

/** The scope of the External Secrets Operator's role. */
export interface ExternalSecretsArgs {
    /**
     * ARNs of the Secrets Manager secrets the operator reads. A secret's full ARN, or a name prefix
     * ending in `*` for every secret under it (`arn:aws:secretsmanager:us-east-1:111122223333:secret:prod/payments/*`).
     * @default []
     */
    secretArns?: pulumi.Input<string>[];
    /**
     * ARNs of the SSM parameters the operator reads (`arn:aws:ssm:us-east-1:111122223333:parameter/prod/db/password`),
     * or a path prefix ending in `*`. Reading a whole path (`ssm:GetParametersByPath`) is authorized
     * on the path's own ARN (`.../parameter/prod/db`), which `.../parameter/prod/db/*` does not match:
     * list it too.
     * @default []
     */
    parameterArns?: pulumi.Input<string>[];
    /**
     * ARNs of the customer managed KMS keys that encrypt the secrets or SecureString parameters: the
     * role may decrypt with them only through Secrets Manager and SSM of the key's region.
     * @default [] (AWS managed keys)
     */
    kmsKeyArns?: pulumi.Input<string>[];
    /**
     * ARNs of the Secrets Manager secrets `PushSecret`s may write (opt-in): a secret's full ARN, or a
     * name prefix ending in `*`. The operator may create them and set their values and resource
     * policies, and delete them, only while they carry its `managed-by: external-secrets` tag.
     * @default [] (read only)
     */
    pushSecretArns?: pulumi.Input<string>[];
    /**
     * Namespace of the operator's ServiceAccount.
     * @default "external-secrets"
     */
    namespace?: string;
    /**
     * Name of the operator's ServiceAccount.
     * @default "external-secrets"
     */
    serviceAccountName?: string;
}

/**
 * The External Secrets Operator (chart `external-secrets/external-secrets`) reading AWS Secrets
 * Manager and SSM Parameter Store, through the controller's own ServiceAccount (a SecretStore
 * without `auth`), or through another ServiceAccount named by `auth.jwt.serviceAccountRef`: then
 * give that one as `namespace` and `serviceAccountName`.
 *
 * Source: external-secrets documentation `provider/aws-secrets-manager.md` and
 * `provider/aws-parameter-store.md` (v0.1x), read-only: `secretsmanager:GetSecretValue`,
 * `DescribeSecret`, `GetResourcePolicy`, `ListSecretVersionIds` on the given secrets;
 * `ssm:GetParameter`, `GetParameters`, `GetParametersByPath` on the given parameters; `kms:Decrypt`
 * on the given keys, only via Secrets Manager or SSM. Nothing writes unless `pushSecretArns` is
 * given: then the documentation's PushSecret policy (`secretsmanager:CreateSecret`, `PutSecretValue`,
 * `TagResource`, `GetResourcePolicy`, `PutResourcePolicy`, `DeleteResourcePolicy` on the secrets,
 * `DeleteSecret` only with the operator's `managed-by: external-secrets` tag, written here with
 * the global `aws:ResourceTag/managed-by`, which Secrets Manager evaluates the same), narrowed:
 * `PutSecretValue` needs that tag too, so a secret the operator did not create stays untouched (the
 * operator itself refuses to overwrite one without it), and `PutResourcePolicy`/`DeleteResourcePolicy`
 * are left out: a resource policy can open a secret to anyone (a PushSecret's `resourcePolicy`
 * metadata then fails; add those statements yourself, with `allowBroadPermissions`). Nothing lists (`find` by name or tags needs `secretsmanager:ListSecrets` or
 * `ssm:DescribeParameters` on `*`), so `allowBroadPermissions` is never set.
 *
 * EKS Pod Identity: for the controller's own ServiceAccount only (a SecretStore without `auth.jwt`,
 * optionally with `role`); `auth.jwt.serviceAccountRef` exchanges a token for IRSA credentials and
 * needs an `IrsaBinding` (external-secrets#2951, documentation "EKS Pod Identity"). No EKS add-on.
 */
export function externalSecrets(args: ExternalSecretsArgs): AddonPermissions {
    const serviceAccount = serviceAccountOf("externalSecrets", { namespace: "external-secrets", serviceAccountName: "external-secrets" }, args);
    const secrets = checkedInputs("externalSecrets.secretArns", args.secretArns, checkSecretArn, { nonEmpty: false });
    const parameters = checkedInputs("externalSecrets.parameterArns", args.parameterArns, checkParameterArn, { nonEmpty: false });
    const keys = checkedInputs("externalSecrets.kmsKeyArns", args.kmsKeyArns, checkKmsKeyArn, { nonEmpty: false });
    const pushed = checkedInputs("externalSecrets.pushSecretArns", args.pushSecretArns, checkSecretArn, { nonEmpty: false });
    if (secrets.length === 0 && parameters.length === 0 && pushed.length === 0) {
        throw new AddonScopeError(
            "externalSecrets.secretArns is invalid: name at least one secret (secretArns) or parameter (parameterArns) the operator reads, or secret it pushes (pushSecretArns)",
        );
    }
    const statements: PolicyStatementArgs[] = [];
    if (secrets.length > 0) {
        statements.push(
            statement(["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret", "secretsmanager:GetResourcePolicy", "secretsmanager:ListSecretVersionIds"], secrets),
        );
    }
    if (parameters.length > 0) {
        statements.push(statement(["ssm:GetParameter", "ssm:GetParameters", "ssm:GetParametersByPath"], parameters));
    }
    if (pushed.length > 0) {
        const managedByOperator = condition("StringEquals", "aws:ResourceTag/managed-by", "external-secrets");
        statements.push(statement(["secretsmanager:CreateSecret", "secretsmanager:TagResource", "secretsmanager:GetResourcePolicy"], pushed));
        statements.push(statement(["secretsmanager:PutSecretValue", "secretsmanager:DeleteSecret"], pushed, managedByOperator));
    }
    if (keys.length > 0) {
        const services = [...(secrets.length > 0 || pushed.length > 0 ? ["secretsmanager"] : []), ...(parameters.length > 0 ? ["ssm"] : [])];
        const viaServices = keys.flatMap((key) =>
            services.map((service) =>
                typeof key === "string" ? `${service}.${regionOfArn(key)}.amazonaws.com` : pulumi.output(key).apply((known) => `${service}.${regionOfArn(known)}.amazonaws.com`),
            ),
        );
        const unique = viaServices.filter((value, index) => typeof value !== "string" || viaServices.indexOf(value) === index);
        statements.push(statement(["kms:Decrypt"], keys, condition("StringEquals", "kms:ViaService", ...unique)));
    }
    return addonPermissions("externalSecrets", serviceAccount, [], statements);
}
