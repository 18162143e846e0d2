/**
 * Validation rules for the components' arguments. Each check takes the field's name and value and
 * returns undefined when the value is acceptable, or a message naming the field, the value and the
 * rule it breaks. The same checks serve plain values (checked before any resource is registered)
 * and Outputs (checked once their values are known).
 */

/** A check of one field: undefined when the value is fine, else the message to show. */
export type FieldCheck<T> = (field: string, value: T) => string | undefined;

const dns1123Label = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const dns1123Subdomain = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
/** Partitions are `aws`, `aws-cn`, `aws-us-gov`, `aws-iso`, `aws-iso-b` and later ones of that shape. */
const partitionPattern = "aws(?:-[a-z]+)*";
const accountPattern = "\\d{12}";
const regionPattern = "[a-z]{2}(?:-[a-z]+)+-\\d+";
/** The issuer is a host name and an optional path, without its scheme. */
const oidcProviderArnPattern = new RegExp(`^arn:(${partitionPattern}):iam::(${accountPattern}):oidc-provider/([A-Za-z0-9.-]+(?:/[\\w.~-]+)*)$`);
const bucketNamePattern = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const bucketArnPattern = new RegExp(`^arn:(${partitionPattern}):s3:::([^/]*)$`);
const kmsKeyArnPattern = new RegExp(`^arn:(${partitionPattern}):kms:${regionPattern}:${accountPattern}:key/[A-Za-z0-9-]+$`);
const managedPolicyArnPattern = new RegExp(`^arn:(${partitionPattern}):iam::(${accountPattern}|aws):policy/[\\w+=,.@/-]+$`);
const roleArnPattern = new RegExp(`^arn:(${partitionPattern}):iam::(${accountPattern}):role/(?:[\\u0021-\\u007E]*/)?[\\w+=,.@-]{1,64}$`);
const clusterNamePattern = /^[0-9A-Za-z][A-Za-z0-9\-_]{0,99}$/;

function quoted(value: unknown): string {
    return JSON.stringify(value) ?? String(value);
}

function problem(field: string, value: unknown, rule: string): string {
    return `${field} ${quoted(value)} is invalid: ${rule}`;
}

/** The parts of an IAM OIDC identity provider ARN. */
export interface OidcProviderArnParts {
    /** The AWS partition, e.g. `aws` or `aws-cn`. */
    partition: string;
    /** The account that owns the provider. */
    accountId: string;
    /** The issuer without its scheme, e.g. `oidc.eks.us-east-1.amazonaws.com/id/EXAMPLE`. */
    issuer: string;
}

/** Splits an OIDC provider ARN, or returns undefined when it is not one. */
export function parseOidcProviderArn(arn: string): OidcProviderArnParts | undefined {
    const match = oidcProviderArnPattern.exec(arn);
    return match ? { partition: match[1], accountId: match[2], issuer: match[3] } : undefined;
}

/** The region of an EKS OIDC issuer (`oidc.eks.<region>.amazonaws.com[.cn]/id/...`), if it is one. */
export function regionOfEksIssuer(issuer: string): string | undefined {
    return new RegExp(`^oidc\\.eks\\.(${regionPattern})\\.amazonaws\\.com(?:\\.cn)?/`).exec(issuer)?.[1];
}

/** The name of the bucket an S3 bucket ARN names; assumes the ARN passed {@link checkBucketArn}. */
export function bucketNameOfArn(arn: string): string {
    return arn.slice(arn.lastIndexOf(":") + 1);
}

/** The partition of an ARN (`arn:<partition>:...`). */
export function partitionOfArn(arn: string): string {
    return arn.split(":")[1] ?? "";
}

export const checkNamespace: FieldCheck<string> = (field, value) =>
    value.length <= 63 && dns1123Label.test(value)
        ? undefined
        : problem(field, value, "a Kubernetes namespace must be a DNS-1123 label: at most 63 lowercase letters, digits or '-', starting and ending with a letter or digit");

export const checkServiceAccountName: FieldCheck<string> = (field, value) =>
    value.length <= 253 && dns1123Subdomain.test(value)
        ? undefined
        : problem(field, value, "a ServiceAccount name must be a DNS-1123 subdomain: at most 253 lowercase letters, digits, '-' or '.', each dot-separated part starting and ending with a letter or digit");

export const checkWorkloadName: FieldCheck<string> = (field, value) =>
    value.length <= 63 && dns1123Label.test(value)
        ? undefined
        : problem(field, value, "a workload name must be a DNS-1123 label (it is also a label value): at most 63 lowercase letters, digits or '-', starting and ending with a letter or digit");

export const checkOidcProviderArn: FieldCheck<string> = (field, value) =>
    parseOidcProviderArn(value)
        ? undefined
        : problem(field, value, "expected an IAM OIDC provider ARN such as arn:aws:iam::111122223333:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/EXAMPLE (the issuer without https://, no wildcards)");

export const checkRoleArn: FieldCheck<string> = (field, value) =>
    // '?' and '${' are valid in an IAM path but, in a policy naming the role, a wildcard and a policy variable.
    roleArnPattern.test(value) && !/[*?]|\$\{/.test(value)
        ? undefined
        : problem(field, value, "expected an IAM role ARN such as arn:aws:iam::111122223333:role/my-role (no wildcards '*' or '?', no policy variables)");

/** The name of a role from its ARN (the part after the last `/` of its path); assumes the ARN passed {@link checkRoleArn}. */
export function roleNameOfArn(arn: string): string {
    return arn.slice(arn.lastIndexOf("/") + 1);
}

/** The account of an ARN (`arn:<partition>:<service>:<region>:<account>:...`). */
export function accountOfArn(arn: string): string {
    return arn.split(":")[4] ?? "";
}

export const checkBucketArn: FieldCheck<string> = (field, value) => {
    const match = bucketArnPattern.exec(value);
    if (!match) {
        return problem(field, value, "expected an S3 bucket ARN such as arn:aws:s3:::my-bucket (the bucket itself, not objects in it)");
    }
    const bucket = match[2];
    if (/[*?]/.test(bucket)) {
        return problem(field, value, "a bucket ARN may not contain wildcards: name each bucket the workload reads");
    }
    return bucketNamePattern.test(bucket) && !bucket.includes("..")
        ? undefined
        : problem(field, value, "a bucket name is 3 to 63 lowercase letters, digits, '.' or '-', starting and ending with a letter or digit");
};

export const checkKmsKeyArn: FieldCheck<string> = (field, value) =>
    kmsKeyArnPattern.test(value)
        ? undefined
        : problem(field, value, "expected a KMS key ARN such as arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab (a key, not an alias; no wildcards)");

export const checkManagedPolicyArn: FieldCheck<string> = (field, value) =>
    managedPolicyArnPattern.test(value)
        ? undefined
        : problem(field, value, "expected a managed IAM policy ARN such as arn:aws:iam::aws:policy/ReadOnlyAccess or arn:aws:iam::111122223333:policy/my-policy");

export const checkKeyPrefix: FieldCheck<string> = (field, value) => {
    if (value.includes("${")) {
        return problem(field, value, "a key prefix may not contain '${': IAM would read it as a policy variable and grant other keys than the ones named");
    }
    return value.length > 0 && value.length <= 1024 && value.endsWith("/") && !value.startsWith("/") && !/[*?]/.test(value)
        ? undefined
        : problem(field, value, "a key prefix names a folder: it ends with '/', does not start with '/', has no '*' or '?', and is at most 1024 characters (\"data\" would also grant \"database/\")");
};

export const checkAudience: FieldCheck<string> = (field, value) =>
    value.length > 0 && value.length <= 255 && !/[\s*?]/.test(value) && !value.includes("${")
        ? undefined
        : problem(field, value, "an audience is 1 to 255 characters with no white space, no wildcards and no policy variable ('${'), which IAM would replace by a value of the request");

export const checkRoleName: FieldCheck<string> = (field, value) =>
    /^[\w+=,.@-]{1,64}$/.test(value)
        ? undefined
        : problem(field, value, "an IAM role name is 1 to 64 letters, digits or any of _+=,.@-");

export const checkRoleNamePrefix: FieldCheck<string> = (field, value) =>
    /^[\w+=,.@-]{1,38}$/.test(value)
        ? undefined
        : problem(field, value, "an IAM role name prefix is 1 to 38 letters, digits or any of _+=,.@- (IAM adds a 26-character unique suffix)");

export const checkRoleDescription: FieldCheck<string> = (field, value) =>
    value.length <= 1000 && [...value].every((character) => "\t\n\r".includes(character) || /[\u0020-\u007E\u00A1-\u00FF]/.test(character))
        ? undefined
        : problem(field, value, "an IAM role description is at most 1000 printable Latin-1 characters");

export const checkRolePath: FieldCheck<string> = (field, value) =>
    value.length <= 512 && /^\/(?:[\u0021-\u007E]*\/)?$/.test(value) && !value.includes("//")
        ? undefined
        : problem(field, value, "an IAM path is '/' or starts and ends with '/', with printable ASCII between, at most 512 characters");

export const checkClusterName: FieldCheck<string> = (field, value) =>
    clusterNamePattern.test(value)
        ? undefined
        : problem(field, value, "an EKS cluster name is 1 to 100 letters, digits, '-' or '_', starting with a letter or digit");

export const checkRegion: FieldCheck<string> = (field, value) =>
    new RegExp(`^${regionPattern}$`).test(value)
        ? undefined
        : problem(field, value, "expected an AWS region such as us-east-1");

export const checkImage: FieldCheck<string> = (field, value) => {
    if (/@sha256:[a-f0-9]{64}$/.test(value) && !/\s/.test(value)) {
        return undefined;
    }
    const lastPathComponent = value.slice(value.lastIndexOf("/") + 1);
    const tagStart = lastPathComponent.indexOf(":");
    const tag = tagStart < 0 ? "" : lastPathComponent.slice(tagStart + 1);
    if (!/^\w[\w.-]{0,127}$/.test(tag) || /\s/.test(value)) {
        return problem(field, value, "an image must be pinned with a tag or a sha256 digest, so every pod runs the same CLI");
    }
    return tag === "latest" ? problem(field, value, "the 'latest' tag is not a pin: name a version or a digest") : undefined;
};

/** The ARN of an EKS cluster. */
export function eksClusterArn(partition: string, region: string, accountId: string, clusterName: string): string {
    return `arn:${partition}:eks:${region}:${accountId}:cluster/${clusterName}`;
}

/** The first of the ARNs that is not in the given partition: a role is granted resources of its own partition only. */
export function checkSamePartition(field: string, arns: readonly string[], partition: string): string | undefined {
    const stranger = arns.find((arn) => partitionOfArn(arn) !== partition);
    return stranger === undefined
        ? undefined
        : problem(field, stranger, `it is in another AWS partition than the role (${partition}); a role can only be granted resources of its own partition`);
}

/**
 * The problem of a switch that is not a plain `true` or `false`: it decides what a role grants or
 * admits, which is settled before anything is created, so it cannot wait for an Output (a secret, or a
 * value another resource computes; other languages' SDKs send secrets so), whose object would
 * otherwise read as `true`.
 */
export function checkPlainBoolean(field: string, value: unknown): string | undefined {
    return value === undefined || value === null || typeof value === "boolean"
        ? undefined
        : `${field} is invalid: expected true or false as a plain value, known before anything is created (not an Output or a secret), since it decides what the role grants or admits`;
}

/**
 * The problem of a list argument that is not a list the program holds: one Output (a value not known
 * yet, or a secret as a whole, as other languages' SDKs send them) or anything else. The binding
 * makes a resource or a trust statement per entry before any Output is known, so it needs the list
 * itself, with Outputs only as the values inside its entries where their field allows them.
 */
export function checkPlainList(field: string, value: unknown): string | undefined {
    return value === undefined || value === null || Array.isArray(value)
        ? undefined
        : `${field} is invalid: expected a list held by the program, not one value not known yet or secret as a whole (an Output); ` +
              "the binding makes a resource, policy or trust statement of each entry before any Output is known, so give the list itself, with Outputs only as values inside its entries";
}

/**
 * The problem of a field that must be a plain string before anything is created (a ServiceAccount
 * that goes into the trust policy, measured before any Output is known): an Output or a secret is refused.
 */
export function checkPlainString(field: string, value: unknown): string | undefined {
    return typeof value === "string"
        ? undefined
        : `${field} is invalid: expected a plain string, known before anything is created (not an Output or a secret), since it decides who the role admits`;
}

/** A check that the value is a whole number in [min, max]. */
export function integerBetween(min: number, max: number): FieldCheck<number> {
    return (field, value) =>
        Number.isInteger(value) && value >= min && value <= max
            ? undefined
            : problem(field, value, `expected a whole number from ${min} to ${max}`);
}

/** The first problem with a list: empty when it must not be, or an entry breaking `check`. */
export function checkList<T>(field: string, values: readonly T[], check: FieldCheck<T>, options: { nonEmpty: boolean }): string | undefined {
    if (options.nonEmpty && values.length === 0) {
        return `${field} is invalid: it must name at least one entry`;
    }
    for (const [index, value] of values.entries()) {
        const message = check(`${field}[${index}]`, value);
        if (message) {
            return message;
        }
    }
    return checkNoDuplicates(field, values);
}

/** The problem of a list that names an entry twice. */
export function checkNoDuplicates<T>(field: string, values: readonly T[]): string | undefined {
    const duplicate = values.find((value, index) => values.indexOf(value) !== index);
    return duplicate === undefined ? undefined : problem(field, duplicate, "each entry may appear only once");
}
