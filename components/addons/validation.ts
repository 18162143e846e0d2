/**
 * Checks of the scope the add-on catalogue's functions take: plain values are checked when the
 * function is called, Outputs once their values are known. Every message names the function's
 * argument (`externalDns.hostedZoneIds[0]`), the value and the rule, like the bindings' own checks.
 */
import * as pulumi from "@pulumi/pulumi";

import { checkPlainBoolean, checkSamePartition, FieldCheck, partitionOfArn } from "../validation";

/** Partitions are `aws`, `aws-cn`, `aws-us-gov`, `aws-iso`, `aws-iso-b` and later ones of that shape. */
const partitionPattern = "aws(?:-[a-z]+)*";
const regionPattern = "[a-z]{2}(?:-[a-z]+)+-\\d+";
const accountPattern = "\\d{12}";

const hostedZoneIdPattern = /^Z[A-Z0-9]{8,31}$/;
const sqsQueueArnPattern = new RegExp(`^arn:${partitionPattern}:sqs:${regionPattern}:${accountPattern}:[\\w-]{1,80}$`);
/** A secret's name, or a name prefix ending in `*` (a secret's ARN ends in a random suffix IAM does not know beforehand). */
const secretArnPattern = new RegExp(`^arn:${partitionPattern}:secretsmanager:${regionPattern}:${accountPattern}:secret:[\\w/+=.@-]{1,512}\\*?$`);
/** A parameter's name (without its leading `/`), or a path prefix ending in `*`. */
const parameterArnPattern = new RegExp(`^arn:${partitionPattern}:ssm:${regionPattern}:${accountPattern}:parameter/[\\w.\\-/]{1,2011}\\*?$`);
const certificateAuthorityArnPattern = new RegExp(`^arn:${partitionPattern}:acm-pca:${regionPattern}:${accountPattern}:certificate-authority/[0-9a-f-]{36}$`);
const deliveryStreamArnPattern = new RegExp(`^arn:${partitionPattern}:firehose:${regionPattern}:${accountPattern}:deliverystream/[\\w.-]{1,64}$`);
/** A log group's name (letters, digits and `_-/.#`), or a name prefix ending in `*`. */
const logGroupArnPattern = new RegExp(`^arn:${partitionPattern}:logs:${regionPattern}:${accountPattern}:log-group:[\\w./#-]{1,512}\\*?$`);
const targetGroupArnPattern = new RegExp(`^arn:${partitionPattern}:elasticloadbalancing:${regionPattern}:${accountPattern}:targetgroup/[A-Za-z0-9-]{1,32}/[0-9a-f]{16}$`);
const workspaceArnPattern = new RegExp(`^arn:${partitionPattern}:aps:${regionPattern}:${accountPattern}:workspace/ws-[A-Za-z0-9-]{1,64}$`);

function problem(field: string, value: unknown, rule: string): string {
    return `${field} ${JSON.stringify(value) ?? String(value)} is invalid: ${rule}`;
}

export const checkPartition: FieldCheck<string> = (field, value) =>
    new RegExp(`^${partitionPattern}$`).test(value)
        ? undefined
        : problem(field, value, "expected an AWS partition such as aws, aws-cn or aws-us-gov (aws.getPartitionOutput().partition)");

export const checkHostedZoneId: FieldCheck<string> = (field, value) =>
    hostedZoneIdPattern.test(value)
        ? undefined
        : problem(
              field,
              value,
              "a Route 53 hosted zone ID is 'Z' and 8 to 31 uppercase letters or digits, such as Z0123456789ABCDEFGHIJ (the zone's ID as aws.route53.Zone.zoneId gives it: not its domain name, not /hostedzone/<id>, no wildcards)",
          );

export const checkSqsQueueArn: FieldCheck<string> = (field, value) =>
    sqsQueueArnPattern.test(value)
        ? undefined
        : problem(field, value, "expected an SQS queue ARN such as arn:aws:sqs:us-east-1:111122223333:my-cluster (no wildcards)");

export const checkSecretArn: FieldCheck<string> = (field, value) =>
    secretArnPattern.test(value) && !value.slice(0, -1).includes("*")
        ? undefined
        : problem(
              field,
              value,
              "expected a Secrets Manager secret ARN such as arn:aws:secretsmanager:us-east-1:111122223333:secret:prod/db-AbCdEf, or a name prefix ending in '*' (arn:...:secret:prod/payments/*); no other wildcards",
          );

export const checkParameterArn: FieldCheck<string> = (field, value) =>
    parameterArnPattern.test(value) && !value.slice(0, -1).includes("*") && !value.includes("//")
        ? undefined
        : problem(
              field,
              value,
              "expected an SSM parameter ARN such as arn:aws:ssm:us-east-1:111122223333:parameter/prod/db/password (the name without its leading '/'), or a path prefix ending in '*'; no other wildcards",
          );

export const checkWorkspaceArn: FieldCheck<string> = (field, value) =>
    workspaceArnPattern.test(value)
        ? undefined
        : problem(field, value, "expected an Amazon Managed Service for Prometheus workspace ARN such as arn:aws:aps:us-east-1:111122223333:workspace/ws-0123abcd-4567-89ef-0123-456789abcdef");

export const checkCertificateAuthorityArn: FieldCheck<string> = (field, value) =>
    certificateAuthorityArnPattern.test(value)
        ? undefined
        : problem(field, value, "expected an AWS Private CA certificate authority ARN such as arn:aws:acm-pca:us-east-1:111122223333:certificate-authority/11223344-5566-7788-9900-aabbccddeeff (no wildcards)");

export const checkDeliveryStreamArn: FieldCheck<string> = (field, value) =>
    deliveryStreamArnPattern.test(value)
        ? undefined
        : problem(field, value, "expected a Firehose delivery stream ARN such as arn:aws:firehose:us-east-1:111122223333:deliverystream/logs (no wildcards)");

export const checkLogGroupArn: FieldCheck<string> = (field, value) =>
    logGroupArnPattern.test(value) && !value.slice(0, -1).includes("*")
        ? undefined
        : problem(
              field,
              value,
              "expected a CloudWatch Logs log group ARN without its ':*' suffix, such as arn:aws:logs:us-east-1:111122223333:log-group:/aws/eks/apps/containers, or a name prefix ending in '*'; no other wildcards",
          );

export const checkTargetGroupArn: FieldCheck<string> = (field, value) =>
    targetGroupArnPattern.test(value)
        ? undefined
        : problem(field, value, "expected an Elastic Load Balancing target group ARN such as arn:aws:elasticloadbalancing:us-east-1:111122223333:targetgroup/apps/0123456789abcdef (no wildcards)");

/** The region of a regional ARN (`arn:<partition>:<service>:<region>:...`). */
export function regionOfArn(arn: string): string {
    return arn.split(":")[3] ?? "";
}

/** The account of an ARN (`arn:<partition>:<service>:<region>:<account>:...`). */
export function accountOfArn(arn: string): string {
    return arn.split(":")[4] ?? "";
}

/**
 * Thrown for scope the catalogue refuses. A `RunError`, so a Pulumi program prints the message alone
 * rather than a stack trace: the message says everything.
 */
export class AddonScopeError extends pulumi.RunError {
    constructor(message: string) {
        super(message);
        this.name = "AddonScopeError";
    }
}

/** Throws the problem, if there is one. */
export function refuse(problemFound: string | undefined): void {
    if (problemFound !== undefined) {
        throw new AddonScopeError(problemFound);
    }
}

/** A switch of an add-on's scope, plain (checkPlainBoolean), or its default when not given. */
export function flag(field: string, value: boolean | undefined, fallback: boolean): boolean {
    refuse(checkPlainBoolean(field, value));
    return value ?? fallback;
}

/**
 * A value checked against a rule: a plain value now (so a bad one fails before any resource exists),
 * an Output once known (failing every resource that uses it), with the same message.
 */
export function checkedInput(field: string, value: pulumi.Input<string>, check: FieldCheck<string>): pulumi.Input<string> {
    if (typeof value === "string") {
        refuse(check(field, value));
        return value;
    }
    return pulumi.output(value).apply((known) => {
        refuse(check(field, known));
        return known;
    });
}

/**
 * A list checked entry by entry. Its length and its plain entries are checked now; Outputs once known.
 * Duplicates among the plain entries are refused, as the bindings refuse them.
 */
export function checkedInputs(
    field: string,
    values: readonly pulumi.Input<string>[] | undefined,
    check: FieldCheck<string>,
    options: { nonEmpty: boolean },
): pulumi.Input<string>[] {
    const list = values ?? [];
    if (!Array.isArray(list)) {
        throw new AddonScopeError(`${field} is invalid: expected a list`);
    }
    if (options.nonEmpty && list.length === 0) {
        throw new AddonScopeError(`${field} is invalid: it must name at least one entry`);
    }
    const checked = list.map((value, index) => checkedInput(`${field}[${index}]`, value, check));
    const plain = list.filter((value): value is string => typeof value === "string");
    const duplicate = plain.find((value, index) => plain.indexOf(value) !== index);
    refuse(duplicate === undefined ? undefined : problem(field, duplicate, "each entry may appear only once"));
    return checked;
}

/** A plain string checked now: for values that become part of a condition key, which IAM needs literally. */
export function checkedString(field: string, value: string, check: FieldCheck<string>): string {
    if (typeof value !== "string") {
        throw new AddonScopeError(
            `${field} is invalid: expected a plain string, not an Output: it becomes part of an IAM condition key, which must be known when the policy is written`,
        );
    }
    refuse(check(field, value));
    return value;
}

/**
 * Refuses ARNs of another partition than the role's: checked now for plain values and partition,
 * once known for Outputs.
 */
export function checkedPartitionOf(field: string, arns: readonly pulumi.Input<string>[], partition: pulumi.Input<string>): pulumi.Input<string>[] {
    return arns.map((arn, index) => {
        if (typeof arn === "string" && typeof partition === "string") {
            refuse(checkSamePartition(`${field}[${index}]`, [arn], partition));
            return arn;
        }
        return pulumi.all([arn, partition]).apply(([knownArn, knownPartition]) => {
            refuse(checkSamePartition(`${field}[${index}]`, [knownArn], knownPartition));
            return knownArn;
        });
    });
}

/** The partition of an ARN input. */
export function partitionOfInput(arn: pulumi.Input<string>): pulumi.Input<string> {
    return typeof arn === "string" ? partitionOfArn(arn) : pulumi.output(arn).apply(partitionOfArn);
}
