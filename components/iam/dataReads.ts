/**
 * Reads of data, judged by what a statement reaches: an action that returns what a resource holds
 * (an object's bytes, a secret's value, a parameter, a decrypted ciphertext, a table's items) granted
 * on every resource of its type (`"*"`, `NotResource`, or names all wildcards) that no condition on
 * the resources' tags bounds. The components refuse such a grant without `allowBroadPermissions`,
 * whether a statement of theirs or an AWS-managed policy's document (the derived table records it).
 */
import { CatalogueAction } from "./catalogue";
import { grantStatementsOf, parsePolicyDocument } from "./documents";
import { GrantStatement, grantedActions } from "./grants";
import { unnamedResourcesOf } from "./resources";

/**
 * Actions that return the data a resource holds, not its configuration or metadata: whoever holds
 * one of them on every resource of its type reads every object, secret, parameter, item, message or
 * log of the account. Listed by hand, as the escalation model's actions are: the catalogue's access
 * levels do not tell a read of data (`s3:GetObject`) from a read of settings (`s3:GetBucketPolicy`).
 */
export const dataReadActions: readonly string[] = [
    "s3:GetObject",
    "s3:GetObjectVersion",
    "s3:GetObjectTorrent",
    "s3:GetObjectVersionTorrent",
    "s3express:CreateSession",
    "s3-outposts:GetObject",
    "s3-object-lambda:GetObject",
    "s3-object-lambda:GetObjectVersion",
    "secretsmanager:GetSecretValue",
    "secretsmanager:BatchGetSecretValue",
    "ssm:GetParameter",
    "ssm:GetParameters",
    "ssm:GetParametersByPath",
    "ssm:GetParameterHistory",
    "kms:Decrypt",
    "kms:ReEncryptFrom",
    "dynamodb:GetItem",
    "dynamodb:BatchGetItem",
    "dynamodb:Query",
    "dynamodb:Scan",
    "dynamodb:PartiQLSelect",
    "dynamodb:GetRecords",
    "sqs:ReceiveMessage",
    "kinesis:GetRecords",
    "kinesis:SubscribeToShard",
    "logs:GetLogEvents",
    "logs:FilterLogEvents",
    "logs:StartLiveTail",
    "logs:StartQuery",
    "athena:GetQueryResults",
    "rds-data:ExecuteStatement",
    "rds-data:BatchExecuteStatement",
    // Database logins as any user: the data of every database the pod reaches.
    "rds-db:connect",
    "redshift:GetClusterCredentials",
    "redshift:GetClusterCredentialsWithIAM",
    "redshift-serverless:GetCredentials",
    "dsql:DbConnect",
    "dsql:DbConnectAdmin",
    "elasticache:Connect",
    "memorydb:Connect",
    "es:ESHttpGet",
    "cassandra:Select",
    "neptune-db:ReadDataViaQuery",
    "ebs:GetSnapshotBlock",
    "glacier:GetJobOutput",
    "ec2:GetPasswordData",
    "lambda:GetFunction",
    "codecommit:GitPull",
    "codecommit:GetBlob",
    "codecommit:GetFile",
    "codecommit:GetFolder",
    "appconfig:GetLatestConfiguration",
    "kinesisvideo:GetMedia",
    "timestream:Select",
    "redshift-data:GetStatementResult",
    "ecr:GetDownloadUrlForLayer",
    "ecr:BatchGetImage",
    "backup-storage:MountCapsule",
];

const dataReads = new Set(dataReadActions.map((action) => action.toLowerCase()));

/** A condition of a statement, as `aws.iam.getPolicyDocument` writes it: operator, key and values. */
export interface StatementCondition {
    test: string;
    variable: string;
    values: string[];
}

/**
 * Whether a condition narrows which resources a statement reaches: a positive string or ARN comparison
 * (no `IfExists`, which admits resources without the key, and not `ForAllValues`, which an empty set
 * satisfies) of the resources' own tags (`aws:ResourceTag/...`, a service's `ec2:ResourceTag/...`,
 * `s3:ExistingObjectTag/...`), or `ec2:CreateAction` (tags only while creating), with values that are
 * neither policy variables nor wildcards alone. The tags a request sets (`aws:RequestTag/...`) are the
 * caller's to choose, so they bound nothing that exists (what an action makes needs no bound here);
 * keys of the principal, the connection or the request's form (`aws:PrincipalAccount`,
 * `aws:SecureTransport`, `s3:authType`...) hold for every request of the pod and narrow nothing.
 */
export function boundsResources(condition: StatementCondition): boolean {
    const positive = /^(?:ForAnyValue:)?(?:StringEquals|StringEqualsIgnoreCase|StringLike|ArnEquals|ArnLike)$/.test(condition.test);
    const ofResources = /^[a-z0-9-]+:(?:ResourceTag|ExistingObjectTag|BucketTag)\/./i.test(condition.variable) || /^ec2:CreateAction$/i.test(condition.variable);
    return positive && ofResources && condition.values.length > 0 && condition.values.every((value) => !value.includes("${") && !/^[*?]*$/.test(value));
}

/** The conditions of a statement as IAM writes them (`{ operator: { key: value or values } }`), as a list. */
export function statementConditionsOf(condition: unknown): StatementCondition[] {
    if (typeof condition !== "object" || condition === null || Array.isArray(condition)) {
        return [];
    }
    return Object.entries(condition).flatMap(([test, keys]) =>
        typeof keys === "object" && keys !== null && !Array.isArray(keys)
            ? Object.entries(keys as Record<string, unknown>).map(([variable, values]) => ({ test, variable, values: (Array.isArray(values) ? values : [values]).map((value) => String(value)) }))
            : [],
    );
}

/** The data-read actions among those a statement grants. */
export function grantedDataReads(statement: GrantStatement): CatalogueAction[] {
    return grantedActions(statement).filter((action) => dataReads.has(action.name.toLowerCase()));
}

/**
 * Where an `Allow` statement reads the data of every resource of a type, as a phrase for messages
 * (`Statement[0] grants "s3:GetObject" on "*"`), or undefined: its data-read actions on `"*"`, on
 * `NotResource`, or on a resource whose names are all wildcards, with no condition on the resources'
 * tags to bound them.
 */
export function everyResourceDataRead(statement: GrantStatement, conditions: readonly StatementCondition[]): string | undefined {
    if (statement.effect !== "Allow") {
        return undefined;
    }
    const reads = grantedDataReads(statement);
    if (reads.length === 0 || conditions.some(boundsResources)) {
        return undefined;
    }
    const named = (actions: readonly CatalogueAction[]): string => actions.slice(0, 3).map((action) => JSON.stringify(action.name)).join(", ") + (actions.length > 3 ? ` and ${actions.length - 3} more` : "");
    if (statement.notResources !== undefined) {
        return `${statement.label} grants ${named(reads)} on every resource but NotResource ${JSON.stringify(statement.notResources)}`;
    }
    for (const resource of statement.resources ?? []) {
        if (resource === "*") {
            return `${statement.label} grants ${named(reads)} on "*"`;
        }
        const unnamed = unnamedResourcesOf(resource, reads);
        if (unnamed !== undefined) {
            return `${statement.label} grants ${JSON.stringify(unnamed.action)} on ${JSON.stringify(resource)}, ${unnamed.reach}`;
        }
    }
    return undefined;
}

/**
 * Where a policy document reads the data of every resource of a type ({@link everyResourceDataRead}
 * of each statement, with its own conditions), one entry a statement that does; empty for a document
 * that does not, or that cannot be read (whose readers report that themselves).
 */
export function documentDataReads(document: unknown, labelPrefix = ""): string[] {
    const read = grantStatementsOf(document, labelPrefix);
    const parsed = parsePolicyDocument(document);
    if ("error" in read || "error" in parsed) {
        return [];
    }
    return read.statements.flatMap((statement, position) => everyResourceDataRead(statement, statementConditionsOf(parsed.statements[position]?.statement.Condition)) ?? []);
}
