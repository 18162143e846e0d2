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
    checkSamePartition,
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

/** The arguments both bindings take, with the same meaning. */
export interface BindingArgs {
    /** Namespace of the ServiceAccount (a DNS-1123 label). It must exist. */
    namespace: pulumi.Input<string>;
    /** Name of the ServiceAccount to create and bind (a DNS-1123 subdomain). */
    serviceAccountName: pulumi.Input<string>;
    /**
     * Read-only access to S3 objects, granted by an inline policy.
     * @default no S3 access
     */
    s3Read?: S3ReadArgs;
    /**
     * ARNs of further managed policies to attach to the role.
     * @default []
     */
    policyArns?: pulumi.Input<string>[];
    /**
     * The role's name (1 to 64 of letters, digits and `_+=,.@-`).
     * @default the component's name with a random suffix
     */
    roleName?: string;
    /**
     * The role's IAM path.
     * @default "/"
     */
    rolePath?: string;
    /**
     * ARN of a managed policy that bounds the role's permissions.
     * @default no boundary
     */
    permissionsBoundaryArn?: pulumi.Input<string>;
    /**
     * The longest session, in seconds, from 3600 to 43200.
     * @default 3600
     */
    maxSessionDurationSeconds?: number;
    /**
     * Tags for the role.
     * @default {}
     */
    tags?: { [key: string]: pulumi.Input<string> };
    /**
     * The reader Deployment that lists the buckets as the ServiceAccount.
     * @default { enabled: true }
     */
    reader?: ReaderArgs;
}

/** IAM's limit on the inline policies of one role, white space not counted. */
export const inlinePolicyLengthLimit = 10240;

/** Throws the problem, if there is one, as an error of the component. */
export function failOn(parent: pulumi.Resource, problem: string | undefined): void {
    if (problem !== undefined) {
        throw new pulumi.ResourceError(problem, parent);
    }
}

/**
 * Checks a value against a rule: a plain value at once, so that bad input fails before any resource is
 * registered; an Output once it is known, failing the resources that use it. Both with the same message.
 */
export function checked(parent: pulumi.Resource, field: string, value: pulumi.Input<string>, check: FieldCheck<string>): pulumi.Output<string> {
    if (typeof value === "string") {
        failOn(parent, check(field, value));
        return pulumi.output(value);
    }
    return pulumi.output(value).apply((known) => {
        failOn(parent, check(field, known));
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
    // An empty list is known before its entries are, so it fails before any resource is registered.
    failOn(parent, options.nonEmpty && values.length === 0 ? checkList(field, [], check, options) : undefined);
    const entries = values.map((value, index) => checked(parent, `${field}[${index}]`, value, check));
    return pulumi.all(entries).apply((known) => {
        failOn(parent, checkList(field, known, check, options));
        return known;
    });
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
        failOn(parent, checkSamePartition("s3Read.bucketArns", buckets, rolePartition) ?? checkSamePartition("s3Read.kmsKeyArns", keys, rolePartition));
        const document = s3ReadPolicy({ bucketArns: buckets, keyPrefixes, kmsKeyArns: keys });
        const length = policyLength(document);
        failOn(
            parent,
            length > inlinePolicyLengthLimit
                ? `s3Read is invalid: its policy is ${length} characters (white space not counted), over IAM's limit of ${inlinePolicyLengthLimit} for a role's inline policies; read fewer buckets or prefixes, or use whole buckets`
                : undefined,
        );
        return document;
    });
}

/** A binding's arguments once checked: the values every resource of the binding is built from. */
export interface CheckedBindingArgs {
    namespace: pulumi.Output<string>;
    serviceAccountName: pulumi.Output<string>;
    keyPrefixes: string[];
    /** Undefined when the binding grants no S3 read. */
    bucketArns: pulumi.Output<string[]> | undefined;
    kmsKeyArns: pulumi.Output<string[]>;
    policyArns: pulumi.Output<string>[];
    permissionsBoundaryArn: pulumi.Output<string> | undefined;
}

/**
 * Checks the arguments both bindings share. Plain values are checked at once, so that bad input fails
 * before the first resource is registered; Outputs when known, failing the resources built from them.
 */
export function checkBindingArgs(parent: pulumi.Resource, args: BindingArgs): CheckedBindingArgs {
    const namespace = checked(parent, "namespace", args.namespace, checkNamespace);
    const serviceAccountName = checked(parent, "serviceAccountName", args.serviceAccountName, checkServiceAccountName);
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
        failOn(parent, value === undefined ? undefined : check(field, value as never));
    }
    if ((args.reader?.enabled ?? true) && args.s3Read === undefined) {
        failOn(parent, "reader is invalid: the reader lists the buckets of s3Read, and there are none; give s3Read.bucketArns or set reader.enabled to false");
    }
    const keyPrefixes = args.s3Read?.keyPrefixes ?? [];
    failOn(parent, checkList("s3Read.keyPrefixes", keyPrefixes, checkKeyPrefix, { nonEmpty: false }));
    return {
        namespace,
        serviceAccountName,
        keyPrefixes,
        bucketArns: args.s3Read && checkedList(parent, "s3Read.bucketArns", args.s3Read.bucketArns, checkBucketArn, { nonEmpty: true }),
        kmsKeyArns: checkedList(parent, "s3Read.kmsKeyArns", args.s3Read?.kmsKeyArns ?? [], checkKmsKeyArn, { nonEmpty: false }),
        policyArns: (args.policyArns ?? []).map((arn, index) => checked(parent, `policyArns[${index}]`, arn, checkManagedPolicyArn)),
        permissionsBoundaryArn:
            args.permissionsBoundaryArn === undefined ? undefined : checked(parent, "permissionsBoundaryArn", args.permissionsBoundaryArn, checkManagedPolicyArn),
    };
}

/** A binding's role and the resources that grant its permissions. */
export interface BindingRole {
    role: aws.iam.Role;
    /** The role's trust policy, as JSON. */
    trustPolicy: pulumi.Output<string>;
    /** The inline policy and attachments: pods must not start before they exist. */
    permissions: pulumi.Resource[];
}

/** Creates a binding's role with the trust policy given and the permissions its arguments ask for. */
export function createBindingRole(
    parent: pulumi.Resource,
    name: string,
    args: BindingArgs,
    bound: CheckedBindingArgs,
    trust: { mechanism: string; partition: pulumi.Input<string>; document: pulumi.Output<PolicyDocument> },
): BindingRole {
    const opts = { parent };
    const trustPolicy = pulumi.jsonStringify(trust.document);
    const role = new aws.iam.Role(
        name,
        {
            name: args.roleName,
            path: args.rolePath ?? "/",
            description: pulumi.interpolate`${trust.mechanism} role of system:serviceaccount:${bound.namespace}:${bound.serviceAccountName}`,
            assumeRolePolicy: trustPolicy,
            permissionsBoundary: bound.permissionsBoundaryArn,
            maxSessionDuration: args.maxSessionDurationSeconds ?? 3600,
            tags: args.tags,
        },
        opts,
    );
    const permissions: pulumi.Resource[] = [];
    if (bound.bucketArns) {
        const document = s3ReadPolicyDocument(parent, bound.bucketArns, bound.keyPrefixes, bound.kmsKeyArns, trust.partition);
        permissions.push(new aws.iam.RolePolicy(`${name}-s3-read`, { role: role.name, policy: pulumi.jsonStringify(document) }, opts));
    }
    bound.policyArns.forEach((policyArn, index) => {
        permissions.push(new aws.iam.RolePolicyAttachment(`${name}-policy-${index}`, { role: role.name, policyArn }, opts));
    });
    return { role, trustPolicy, permissions };
}

/** A binding's Kubernetes objects. */
export interface BindingPods {
    serviceAccount: k8s.core.v1.ServiceAccount;
    /** Undefined when the reader is off. */
    deployment: k8s.apps.v1.Deployment | undefined;
}

/**
 * Creates the ServiceAccount and, unless it is off, the reader, whose pods start only once
 * everything in `dependsOn` exists: before the role can do what they ask, their first reads are refused.
 */
export function createBindingPods(
    parent: pulumi.Resource,
    name: string,
    args: BindingArgs,
    bound: CheckedBindingArgs,
    pods: { annotations: pulumi.Input<{ [key: string]: pulumi.Input<string> }>; region: pulumi.Input<string | undefined>; dependsOn: pulumi.Resource[] },
): BindingPods {
    const serviceAccount = new k8s.core.v1.ServiceAccount(
        name,
        {
            metadata: { name: bound.serviceAccountName, namespace: bound.namespace, annotations: pods.annotations },
            // Pods of this account call AWS, not the Kubernetes API.
            automountServiceAccountToken: false,
        },
        { parent },
    );
    if (!(args.reader?.enabled ?? true)) {
        return { serviceAccount, deployment: undefined };
    }
    const locations: pulumi.Output<ReadLocation[]> = pulumi.output(bound.bucketArns ?? []).apply((arns) =>
        arns.flatMap((arn) => (bound.keyPrefixes.length > 0 ? bound.keyPrefixes : [""]).map((prefix) => ({ bucket: bucketNameOfArn(arn), prefix }))),
    );
    const manifest = pulumi
        .all([bound.namespace, bound.serviceAccountName, locations, pods.region])
        .apply(([namespace, serviceAccountName, knownLocations, region]) =>
            readerDeployment({
                name: args.reader?.name ?? defaultReaderName(serviceAccountName),
                namespace,
                serviceAccountName,
                image: args.reader?.image ?? defaultReaderImage,
                replicas: args.reader?.replicas ?? defaultReaderReplicas,
                intervalSeconds: args.reader?.intervalSeconds ?? defaultReaderIntervalSeconds,
                region,
                locations: knownLocations,
            }),
        );
    const deployment = new k8s.apps.v1.Deployment(
        `${name}-reader`,
        { metadata: manifest.metadata, spec: manifest.spec },
        { parent, dependsOn: [serviceAccount, ...pods.dependsOn] },
    );
    return { serviceAccount, deployment };
}
