/**
 * The wiring both bindings share: the role and its permissions, the ServiceAccount and the reader.
 * The bindings differ only in who the role trusts and how the ServiceAccount finds the role.
 */
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

import { PolicyDocument, policyLength, s3ReadPolicy } from "./policy";
import { defaultReaderImage, defaultReaderIntervalSeconds, defaultReaderReplicas, readerDeployment, ReadLocation } from "./reader";
import {
    bucketNameOfArn,
    checkBucketArn,
    checkImage,
    checkKeyPrefix,
    checkKmsKeyArn,
    checkList,
    checkManagedPolicyArn,
    checkNamespace,
    checkRoleName,
    checkRolePath,
    checkServiceAccountName,
    checkWorkloadName,
    FieldCheck,
    integerBetween,
    partitionOfArn,
} from "./validation";

/** What the workload may read from S3. */
export interface S3ReadArgs {
    /** ARNs of the buckets the workload reads (`arn:aws:s3:::my-bucket`). At least one; no wildcards. */
    bucketArns: pulumi.Input<string>[];
    /**
     * Folders the read is limited to, each ending in `/` (`reports/`). Objects are readable under
     * them only, and listing is allowed for them only.
     * @default [] (whole buckets)
     */
    keyPrefixes?: string[];
    /**
     * ARNs of the KMS keys that encrypt the objects (SSE-KMS); the role may `kms:Decrypt` with these only.
     * @default [] (SSE-S3 or no encryption)
     */
    kmsKeyArns?: pulumi.Input<string>[];
}

/** The reader Deployment that proves the binding by listing the S3 locations in a loop. */
export interface ReaderArgs {
    /**
     * Whether to run the reader.
     * @default true
     */
    enabled?: boolean;
    /**
     * The Deployment's name (a DNS-1123 label).
     * @default "<serviceAccountName>-reader", cut to 63 characters
     */
    name?: string;
    /**
     * An image with the AWS CLI v2, pinned by version tag or digest (never `latest`).
     * @default "public.ecr.aws/aws-cli/aws-cli:2.31.39"
     */
    image?: string;
    /**
     * How many reader pods to run, from 1 to 10.
     * @default 1
     */
    replicas?: number;
    /**
     * Seconds between successful reads, from 5 to 3600.
     * @default 60
     */
    intervalSeconds?: number;
}

/** The arguments both bindings take with the same meaning. */
export interface WorkloadArgs {
    namespace: pulumi.Input<string>;
    serviceAccountName: pulumi.Input<string>;
    s3Read?: S3ReadArgs;
    policyArns?: pulumi.Input<string>[];
    roleName?: string;
    rolePath?: string;
    permissionsBoundaryArn?: pulumi.Input<string>;
    maxSessionDurationSeconds?: number;
    tags?: { [key: string]: pulumi.Input<string> };
    reader?: ReaderArgs;
}

/** The checked identity of the ServiceAccount a role is bound to. */
export interface BoundServiceAccount {
    namespace: pulumi.Output<string>;
    serviceAccountName: pulumi.Output<string>;
}

/** What the mechanism adds to the shared wiring. */
export interface IdentityMechanism {
    /** The mechanism's name in the role's description. */
    label: string;
    /** The AWS partition of the role, for checking the ARNs it is granted. */
    partition: pulumi.Input<string>;
    /** The role's trust policy document, checked. */
    trustPolicy: (account: BoundServiceAccount) => pulumi.Output<PolicyDocument>;
    /** The ServiceAccount's annotations, given the role. */
    serviceAccountAnnotations: (role: aws.iam.Role) => pulumi.Input<{ [key: string]: pulumi.Input<string> }>;
    /** The region the reader talks to; undefined leaves it to the pod's environment. */
    region: pulumi.Input<string | undefined>;
    /** Resources, given the role, that must exist before the reader's pods start. */
    linkRole?: (role: aws.iam.Role, account: BoundServiceAccount) => pulumi.Resource[];
}

/** The resources of a binding. */
export interface Workload extends BoundServiceAccount {
    role: aws.iam.Role;
    /** The role's trust policy, as JSON. */
    trustPolicy: pulumi.Output<string>;
    serviceAccount: k8s.core.v1.ServiceAccount;
    deployment: k8s.apps.v1.Deployment | undefined;
}

/** IAM's limit on the inline policies of one role, white space not counted. */
export const inlinePolicyLengthLimit = 10240;

/**
 * Checks a value against a rule: a plain value at once, so that bad input fails before any resource is
 * registered; an Output once it is known, failing the resources that use it. Both with the same message.
 */
export function checked(parent: pulumi.Resource, field: string, value: pulumi.Input<string>, check: FieldCheck<string>): pulumi.Output<string> {
    const fail = (message: string | undefined): void => {
        if (message !== undefined) {
            throw new pulumi.ResourceError(message, parent);
        }
    };
    if (typeof value === "string") {
        fail(check(field, value));
        return pulumi.output(value);
    }
    return pulumi.output(value).apply((known) => {
        fail(check(field, known));
        return known;
    });
}

/** Checks a list of inputs entry by entry, and the list as a whole once every entry is known. */
export function checkedList(
    parent: pulumi.Resource,
    field: string,
    values: pulumi.Input<string>[],
    check: FieldCheck<string>,
    options: { nonEmpty: boolean },
): pulumi.Output<string[]> {
    const fail = (message: string | undefined): void => {
        if (message !== undefined) {
            throw new pulumi.ResourceError(message, parent);
        }
    };
    fail(options.nonEmpty && values.length === 0 ? `${field} is invalid: it must name at least one entry` : undefined);
    const entries = values.map((value, index) => checked(parent, `${field}[${index}]`, value, check));
    return pulumi.all(entries).apply((known) => {
        fail(checkList(field, known, check, options));
        return known;
    });
}

function checkPartitions(parent: pulumi.Resource, partition: string, field: string, arns: string[]): void {
    const stranger = arns.find((arn) => partitionOfArn(arn) !== partition);
    if (stranger !== undefined) {
        throw new pulumi.ResourceError(
            `${field} ${JSON.stringify(stranger)} is invalid: it is in another AWS partition than the role (${partition}); a role can only be granted resources of its own partition`,
            parent,
        );
    }
}

/** The default reader name: the ServiceAccount's name with `-reader`, cut to a valid label. */
export function defaultReaderName(serviceAccountName: string): string {
    return `${serviceAccountName.replace(/\./g, "-").slice(0, 56).replace(/-+$/, "")}-reader`;
}

/** The S3 read policy document, checked against IAM's inline policy limit. */
export function s3ReadPolicyDocument(
    parent: pulumi.Resource,
    bucketArns: pulumi.Output<string[]>,
    keyPrefixes: string[],
    kmsKeyArns: pulumi.Output<string[]>,
    partition: pulumi.Input<string>,
): pulumi.Output<PolicyDocument> {
    return pulumi.all([bucketArns, kmsKeyArns, partition]).apply(([buckets, keys, rolePartition]) => {
        checkPartitions(parent, rolePartition, "s3Read.bucketArns", buckets);
        checkPartitions(parent, rolePartition, "s3Read.kmsKeyArns", keys);
        const document = s3ReadPolicy({ bucketArns: buckets, keyPrefixes, kmsKeyArns: keys });
        const length = policyLength(document);
        if (length > inlinePolicyLengthLimit) {
            throw new pulumi.ResourceError(
                `s3Read is invalid: its policy is ${length} characters (white space not counted), over IAM's limit of ${inlinePolicyLengthLimit} for a role's inline policies; read fewer buckets or prefixes, or use whole buckets`,
                parent,
            );
        }
        return document;
    });
}

/**
 * Creates a binding's role, permissions, ServiceAccount and reader as children of `parent`. Every
 * plain argument is checked before the first resource is registered.
 */
export function createWorkload(
    parent: pulumi.ComponentResource,
    name: string,
    args: WorkloadArgs,
    mechanism: IdentityMechanism,
): Workload {
    const opts = { parent };
    const namespace = checked(parent, "namespace", args.namespace, checkNamespace);
    const serviceAccountName = checked(parent, "serviceAccountName", args.serviceAccountName, checkServiceAccountName);
    const account = { namespace, serviceAccountName };
    const plainChecks: [string, unknown, FieldCheck<never>][] = [
        ["roleName", args.roleName, checkRoleName],
        ["rolePath", args.rolePath, checkRolePath],
        ["maxSessionDurationSeconds", args.maxSessionDurationSeconds, integerBetween(3600, 43200)],
        ["reader.name", args.reader?.name, checkWorkloadName],
        ["reader.image", args.reader?.image, checkImage],
        ["reader.replicas", args.reader?.replicas, integerBetween(1, 10)],
        ["reader.intervalSeconds", args.reader?.intervalSeconds, integerBetween(5, 3600)],
    ];
    for (const [field, value, check] of plainChecks) {
        const message = value === undefined ? undefined : check(field, value as never);
        if (message !== undefined) {
            throw new pulumi.ResourceError(message, parent);
        }
    }
    if ((args.reader?.enabled ?? true) && args.s3Read === undefined) {
        throw new pulumi.ResourceError(
            "reader is invalid: the reader lists the buckets of s3Read, and there are none; give s3Read.bucketArns or set reader.enabled to false",
            parent,
        );
    }
    const keyPrefixes = args.s3Read?.keyPrefixes ?? [];
    const prefixProblem = checkList("s3Read.keyPrefixes", keyPrefixes, checkKeyPrefix, { nonEmpty: false });
    if (prefixProblem !== undefined) {
        throw new pulumi.ResourceError(prefixProblem, parent);
    }
    const bucketArns = args.s3Read && checkedList(parent, "s3Read.bucketArns", args.s3Read.bucketArns, checkBucketArn, { nonEmpty: true });
    const kmsKeyArns = args.s3Read && checkedList(parent, "s3Read.kmsKeyArns", args.s3Read.kmsKeyArns ?? [], checkKmsKeyArn, { nonEmpty: false });
    const policyArns = (args.policyArns ?? []).map((arn, index) => checked(parent, `policyArns[${index}]`, arn, checkManagedPolicyArn));
    const permissionsBoundary =
        args.permissionsBoundaryArn === undefined ? undefined : checked(parent, "permissionsBoundaryArn", args.permissionsBoundaryArn, checkManagedPolicyArn);

    const trustPolicy = pulumi.jsonStringify(mechanism.trustPolicy(account));
    const role = new aws.iam.Role(
        name,
        {
            name: args.roleName,
            path: args.rolePath ?? "/",
            description: pulumi.interpolate`${mechanism.label} role of system:serviceaccount:${namespace}:${serviceAccountName}`,
            assumeRolePolicy: trustPolicy,
            permissionsBoundary,
            maxSessionDuration: args.maxSessionDurationSeconds ?? 3600,
            tags: args.tags,
        },
        opts,
    );

    const permissions: pulumi.Resource[] = [];
    if (args.s3Read && bucketArns && kmsKeyArns) {
        const document = s3ReadPolicyDocument(parent, bucketArns, keyPrefixes, kmsKeyArns, mechanism.partition);
        permissions.push(new aws.iam.RolePolicy(`${name}-s3-read`, { role: role.name, policy: pulumi.jsonStringify(document) }, opts));
    }
    policyArns.forEach((policyArn, index) => {
        permissions.push(new aws.iam.RolePolicyAttachment(`${name}-policy-${index}`, { role: role.name, policyArn }, opts));
    });
    const roleLinks = mechanism.linkRole?.(role, account) ?? [];

    const serviceAccount = new k8s.core.v1.ServiceAccount(
        name,
        {
            metadata: { name: serviceAccountName, namespace, annotations: mechanism.serviceAccountAnnotations(role) },
            // Pods of this account call AWS, not the Kubernetes API.
            automountServiceAccountToken: false,
        },
        opts,
    );

    let deployment: k8s.apps.v1.Deployment | undefined;
    if (args.reader?.enabled ?? true) {
        const locations: pulumi.Output<ReadLocation[]> = pulumi.output(bucketArns ?? []).apply((arns) =>
            arns.flatMap((arn) => (keyPrefixes.length > 0 ? keyPrefixes : [""]).map((prefix) => ({ bucket: bucketNameOfArn(arn), prefix }))),
        );
        const manifest = pulumi
            .all([namespace, serviceAccountName, locations, mechanism.region])
            .apply(([knownNamespace, knownServiceAccountName, knownLocations, region]) =>
                readerDeployment({
                    name: args.reader?.name ?? defaultReaderName(knownServiceAccountName),
                    namespace: knownNamespace,
                    serviceAccountName: knownServiceAccountName,
                    image: args.reader?.image ?? defaultReaderImage,
                    replicas: args.reader?.replicas ?? defaultReaderReplicas,
                    intervalSeconds: args.reader?.intervalSeconds ?? defaultReaderIntervalSeconds,
                    region,
                    locations: knownLocations,
                }),
            );
        deployment = new k8s.apps.v1.Deployment(
            `${name}-reader`,
            { metadata: manifest.metadata, spec: manifest.spec },
            // Pods start only once the role can do what they ask, or their first reads are refused.
            { parent, dependsOn: [serviceAccount, ...permissions, ...roleLinks] },
        );
    }

    return { role, trustPolicy, serviceAccount, deployment, namespace, serviceAccountName };
}
