/**
 * The wiring both bindings share: their arguments and checks, the role and its permissions, the
 * ServiceAccount and the reader. The bindings differ only in who the role trusts and how pods find it.
 */
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

import { Eventually, isPlain, select, selectWith, settle } from "./eventually";
import {
    checkManagedPolicyBreadth,
    checkPolicyStatements,
    PolicyStatementArgs,
    policyStatementsDocument,
    ResolvedPolicyStatement,
} from "./permissions";
import { assumeTargetRolePolicy, PolicyDocument, policyLength, s3ReadPolicy } from "./policy";
import { defaultReaderImage, defaultReaderIntervalSeconds, defaultReaderReplicas, identityHashAnnotation, readerDeployment, ReadLocation } from "./reader";
import {
    checkServiceAccountMode,
    createServiceAccountObjects,
    defaultServiceAccountMode,
    managesKubernetes,
    ServiceAccountMode,
    ServiceAccountObjects,
} from "./serviceAccount";
import { checkSubjects, serviceAccountSubject, ServiceAccountSubject } from "./subjects";
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
    checkSamePartition,
    checkServiceAccountName,
    checkWorkloadName,
    FieldCheck,
    integerBetween,
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
     * Whether to run the reader. It lists the buckets of `s3Read` as the ServiceAccount, so it needs
     * `s3Read` and a `serviceAccountMode` other than `none`.
     * @default true where the binding has `s3Read` and Kubernetes objects, else false
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
    /** Name of the ServiceAccount to bind (a DNS-1123 subdomain). */
    serviceAccountName: pulumi.Input<string>;
    /**
     * Who owns the ServiceAccount: `"create"` (the binding creates it), `"annotate"` (it exists, e.g.
     * a Helm chart's: the binding adds only what the mechanism needs, with a server-side patch that
     * deleting the binding removes again), or `"none"` (the binding creates no Kubernetes object; pass
     * `serviceAccountAnnotations` to whoever creates the ServiceAccount, such as a chart's values).
     * @default "create"
     */
    serviceAccountMode?: string;
    /**
     * More ServiceAccounts whose pods may get the role, such as the same workload in other namespaces.
     * The binding creates or patches none of them. With IRSA each adds a `sub` claim to the trust
     * policy; with Pod Identity each gets an association (and a trust statement).
     * @default []
     */
    additionalServiceAccounts?: ServiceAccountSubject[];
    /**
     * Whether a name in `additionalServiceAccounts` may be a pattern with `*` (`provider-aws-*`, or `*`
     * for every ServiceAccount of a namespace), matched with `StringLike`. IRSA only; namespaces are
     * never patterns.
     * @default false
     */
    allowServiceAccountPatterns?: boolean;
    /**
     * Read-only access to S3 objects, granted by an inline policy.
     * @default no S3 access
     */
    s3Read?: S3ReadArgs;
    /**
     * ARNs of further managed policies to attach to the role. Broad AWS-managed policies
     * (`AdministratorAccess`, `PowerUserAccess`, `IAMFullAccess`, any `*FullAccess`) need `allowBroadPermissions`.
     * @default []
     */
    policyArns?: pulumi.Input<string>[];
    /**
     * `Allow` statements of an inline policy, for permissions beyond `s3Read`. A `*` action
     * (`*` or `service:*`) or a `*` resource needs `allowBroadPermissions`.
     * @default []
     */
    policyStatements?: PolicyStatementArgs[];
    /**
     * The opt-in for broad permissions: `*` actions or resources in `policyStatements`, and broad
     * AWS-managed policies in `policyArns`. Some controllers need them for actions AWS cannot scope.
     * @default false
     */
    allowBroadPermissions?: boolean;
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
     * @default { enabled: true } where the binding has `s3Read` and Kubernetes objects
     */
    reader?: ReaderArgs;
    /**
     * Deployments in the ServiceAccount's namespace that others manage (a Helm chart's) and whose pods
     * use the ServiceAccount: the binding puts the `eks-irsa/identity-hash` annotation on their pod
     * template with a server-side patch, so they restart and take new credentials when the role or
     * association changes. Not with `serviceAccountMode` `none`.
     * @default []
     */
    restartDeploymentNames?: string[];
}

/** IAM's limit on the inline policies of one role, all together, white space not counted. */
export const inlinePolicyLengthLimit = 10240;

/** Throws the problem, if there is one, as an error of the component. */
export function failOn(parent: pulumi.Resource, problem: string | undefined): void {
    if (problem !== undefined) {
        throw new pulumi.ResourceError(problem, parent);
    }
}

/** The first problem of a value, or undefined when it is fine or not known yet (an Output is checked once known). */
function checkIfKnown<T>(field: string, value: pulumi.Input<T> | undefined, check: FieldCheck<T>): string | undefined {
    return value === undefined || !isPlain(value) ? undefined : check(field, value as T);
}

/** The first problem of the plain entries of a list; Outputs are checked once known. */
function checkKnownEntries(field: string, values: readonly pulumi.Input<string>[], check: FieldCheck<string>): string | undefined {
    for (const [index, value] of values.entries()) {
        const problem = checkIfKnown(`${field}[${index}]`, value, check);
        if (problem !== undefined) {
            return problem;
        }
    }
    return undefined;
}

/** The first of the problems, in the order given. */
export function firstProblem(...problems: (() => string | undefined)[]): string | undefined {
    for (const problem of problems) {
        const found = problem();
        if (found !== undefined) {
            return found;
        }
    }
    return undefined;
}

/** The default reader name: the ServiceAccount's name with `-reader`, cut to a valid label. */
export function defaultReaderName(serviceAccountName: string): string {
    return `${serviceAccountName.replace(/\./g, "-").slice(0, 56).replace(/-+$/, "")}-reader`;
}

/** What the plain arguments settle about a binding before anything is known of its Outputs. */
export interface BindingShape {
    mode: ServiceAccountMode;
    readerEnabled: boolean;
    keyPrefixes: string[];
    additionalServiceAccounts: ServiceAccountSubject[];
    allowBroadPermissions: boolean;
}

/**
 * Checks what can be checked at once: every plain argument, and every plain entry of a list. Bad
 * input then fails before the first resource is registered; Outputs are checked once known.
 */
export function checkBindingShape(args: BindingArgs): { shape: BindingShape; problem?: string } {
    const mode = (args.serviceAccountMode ?? defaultServiceAccountMode) as ServiceAccountMode;
    const readerEnabled = args.reader?.enabled ?? (args.s3Read !== undefined && managesKubernetes(mode));
    const shape: BindingShape = {
        mode,
        readerEnabled,
        keyPrefixes: args.s3Read?.keyPrefixes ?? [],
        additionalServiceAccounts: args.additionalServiceAccounts ?? [],
        allowBroadPermissions: args.allowBroadPermissions ?? false,
    };
    const allowPatterns = args.allowServiceAccountPatterns ?? false;
    const statements = args.policyStatements ?? [];
    const problem = firstProblem(
        () => checkIfKnown("namespace", args.namespace, checkNamespace),
        () => checkIfKnown("serviceAccountName", args.serviceAccountName, checkServiceAccountName),
        () => checkServiceAccountMode("serviceAccountMode", mode),
        () => checkSubjects("additionalServiceAccounts", shape.additionalServiceAccounts, allowPatterns),
        () => checkIfKnown("roleName", args.roleName, checkRoleName),
        () => checkIfKnown("rolePath", args.rolePath, checkRolePath),
        () => checkIfKnown("maxSessionDurationSeconds", args.maxSessionDurationSeconds, integerBetween(3600, 43200)),
        () => checkIfKnown("reader.name", args.reader?.name, checkWorkloadName),
        () => checkIfKnown("reader.image", args.reader?.image, checkImage),
        () => checkIfKnown("reader.replicas", args.reader?.replicas, integerBetween(1, 10)),
        () => checkIfKnown("reader.intervalSeconds", args.reader?.intervalSeconds, integerBetween(5, 3600)),
        () =>
            readerEnabled && args.s3Read === undefined
                ? "reader is invalid: the reader lists the buckets of s3Read, and there are none; give s3Read.bucketArns or set reader.enabled to false"
                : undefined,
        () =>
            readerEnabled && !managesKubernetes(mode)
                ? `reader is invalid: serviceAccountMode "none" creates no Kubernetes object, so no reader either; set reader.enabled to false or choose another mode`
                : undefined,
        () => checkList("s3Read.keyPrefixes", shape.keyPrefixes, checkKeyPrefix, { nonEmpty: false }),
        () => (args.s3Read !== undefined && args.s3Read.bucketArns.length === 0 ? "s3Read.bucketArns is invalid: it must name at least one entry" : undefined),
        () => checkKnownEntries("s3Read.bucketArns", args.s3Read?.bucketArns ?? [], checkBucketArn),
        () => checkKnownEntries("s3Read.kmsKeyArns", args.s3Read?.kmsKeyArns ?? [], checkKmsKeyArn),
        () => checkKnownEntries("policyArns", args.policyArns ?? [], checkManagedPolicyArn),
        () => checkKnownEntries("policyArns", args.policyArns ?? [], (field, arn) => checkManagedPolicyBreadth(field, arn, shape.allowBroadPermissions)),
        () => checkIfKnown("permissionsBoundaryArn", args.permissionsBoundaryArn, checkManagedPolicyArn),
        () => (isPlain(statements) ? checkPolicyStatements("policyStatements", resolvedStatements(statements as never), shape.allowBroadPermissions) : undefined),
        () => checkList("restartDeploymentNames", args.restartDeploymentNames ?? [], checkWorkloadName, { nonEmpty: false }),
        () =>
            (args.restartDeploymentNames ?? []).length > 0 && !managesKubernetes(mode)
                ? `restartDeploymentNames is invalid: serviceAccountMode "none" creates no Kubernetes object; restart the workload's pods yourself when the role changes`
                : undefined,
    );
    return { shape, problem };
}

/** The statements with their Inputs known, as the pure policy builders take them. */
function resolvedStatements(statements: pulumi.Unwrap<PolicyStatementArgs[]>): ResolvedPolicyStatement[] {
    return statements.map((statement) => ({
        actions: statement.actions,
        resources: statement.resources,
        conditions: (statement.conditions ?? []).map((condition) => ({ test: condition.test, variable: condition.variable, values: condition.values })),
    }));
}

/** The Inputs of a binding's shared arguments, to settle together with the mechanism's own. */
export function sharedInputs(args: BindingArgs) {
    return {
        namespace: args.namespace,
        serviceAccountName: args.serviceAccountName,
        bucketArns: args.s3Read?.bucketArns ?? [],
        kmsKeyArns: args.s3Read?.kmsKeyArns ?? [],
        policyArns: args.policyArns ?? [],
        policyStatements: args.policyStatements ?? [],
        permissionsBoundaryArn: args.permissionsBoundaryArn,
    };
}

/** The shared arguments, known. */
export type KnownSharedInputs = pulumi.Unwrap<ReturnType<typeof sharedInputs>>;

/** The permissions of a binding's role, known: its inline policies and attachments. */
export interface PermissionsPlan {
    /** The S3 read policy; undefined without `s3Read`. */
    s3ReadPolicy: PolicyDocument | undefined;
    /** The policy of `policyStatements` (and the assumption of a cross-account target role); undefined when empty. */
    statementsPolicy: PolicyDocument | undefined;
    policyArns: string[];
    permissionsBoundaryArn: string | undefined;
}

/**
 * Checks the shared arguments once all are known and builds the role's permissions: the S3 read
 * and statements policies, which together must fit IAM's inline limit, and the attachments.
 */
export function planPermissions(
    known: KnownSharedInputs,
    shape: BindingShape,
    options: { s3Read: boolean; targetRoleArn?: string },
): { plan: PermissionsPlan; problem?: string } {
    const statements = resolvedStatements(known.policyStatements);
    const s3Read = options.s3Read ? s3ReadPolicy({ bucketArns: known.bucketArns, keyPrefixes: shape.keyPrefixes, kmsKeyArns: known.kmsKeyArns }) : undefined;
    const statementsPolicy: PolicyDocument | undefined =
        statements.length > 0 || options.targetRoleArn !== undefined
            ? {
                  Version: "2012-10-17",
                  Statement: [
                      ...policyStatementsDocument(statements).Statement,
                      ...(options.targetRoleArn === undefined ? [] : assumeTargetRolePolicy(options.targetRoleArn).Statement),
                  ],
              }
            : undefined;
    const plan: PermissionsPlan = { s3ReadPolicy: s3Read, statementsPolicy, policyArns: known.policyArns, permissionsBoundaryArn: known.permissionsBoundaryArn };
    const inlineLength = (s3Read ? policyLength(s3Read) : 0) + (statementsPolicy ? policyLength(statementsPolicy) : 0);
    const problem = firstProblem(
        () => checkNamespace("namespace", known.namespace),
        () => checkServiceAccountName("serviceAccountName", known.serviceAccountName),
        () => {
            const own = serviceAccountSubject(known.namespace, known.serviceAccountName);
            const index = shape.additionalServiceAccounts.findIndex((subject) => serviceAccountSubject(subject.namespace, subject.serviceAccountName) === own);
            return index < 0 ? undefined : `additionalServiceAccounts[${index}] ${JSON.stringify(own)} is invalid: it is the binding's own ServiceAccount (namespace and serviceAccountName)`;
        },
        () => (options.s3Read ? checkList("s3Read.bucketArns", known.bucketArns, checkBucketArn, { nonEmpty: true }) : undefined),
        () => checkList("s3Read.kmsKeyArns", known.kmsKeyArns, checkKmsKeyArn, { nonEmpty: false }),
        () => checkList("policyArns", known.policyArns, checkManagedPolicyArn, { nonEmpty: false }),
        () => checkKnownEntries("policyArns", known.policyArns, (field, arn) => checkManagedPolicyBreadth(field, arn, shape.allowBroadPermissions)),
        () => checkIfKnown("permissionsBoundaryArn", known.permissionsBoundaryArn, checkManagedPolicyArn),
        () => checkPolicyStatements("policyStatements", statements, shape.allowBroadPermissions),
        () => {
            if (inlineLength <= inlinePolicyLengthLimit) {
                return undefined;
            }
            const sources = [...(s3Read ? ["s3Read"] : []), ...(statementsPolicy ? ["policyStatements"] : [])];
            return (
                `${sources.join(" and ")} ${sources.length > 1 ? "are" : "is"} invalid: the role's inline policies are ${inlineLength} characters (white space not counted), ` +
                `over IAM's limit of ${inlinePolicyLengthLimit} for a role's inline policies; read fewer buckets or prefixes, or whole buckets, merge statements, or attach a managed policy through policyArns`
            );
        },
    );
    return { plan, problem };
}

/**
 * The first resource of another partition than the role's: a role is granted resources of its own
 * partition only. Known only with the role's partition, so apart from the other checks.
 */
export function checkPartitions(known: KnownSharedInputs, partition: string): string | undefined {
    return firstProblem(
        () => checkSamePartition("s3Read.bucketArns", known.bucketArns, partition),
        () => checkSamePartition("s3Read.kmsKeyArns", known.kmsKeyArns, partition),
        () => checkSamePartition("policyArns", known.policyArns, partition),
    );
}

/**
 * Everything a binding's resources are built from but the trust policy, known: it depends on the
 * shared arguments alone, so it is plain whenever they are, whatever the trust waits for.
 */
export interface BindingPlan {
    namespace: string;
    serviceAccountName: string;
    description: string;
    /** The S3 read policy as JSON; undefined without `s3Read`. */
    s3ReadPolicy: string | undefined;
    /** The statements policy as JSON; undefined without statements. */
    statementsPolicy: string | undefined;
    policyArns: string[];
    permissionsBoundaryArn: string | undefined;
    readLocations: ReadLocation[];
}

/** The plan of a binding from its checked permissions. */
export function bindingPlan(known: KnownSharedInputs, shape: BindingShape, parts: { mechanism: string; permissions: PermissionsPlan }): BindingPlan {
    return {
        namespace: known.namespace,
        serviceAccountName: known.serviceAccountName,
        description: `${parts.mechanism} role of ${serviceAccountSubject(known.namespace, known.serviceAccountName)}`,
        s3ReadPolicy: parts.permissions.s3ReadPolicy && JSON.stringify(parts.permissions.s3ReadPolicy),
        statementsPolicy: parts.permissions.statementsPolicy && JSON.stringify(parts.permissions.statementsPolicy),
        policyArns: parts.permissions.policyArns,
        permissionsBoundaryArn: parts.permissions.permissionsBoundaryArn,
        readLocations: known.bucketArns.flatMap((arn) =>
            (shape.keyPrefixes.length > 0 ? shape.keyPrefixes : [""]).map((prefix) => ({ bucket: bucketNameOfArn(arn), prefix })),
        ),
    };
}

/** The name of the role's inline policy of `s3Read`. */
export const s3ReadPolicyName = "s3-read";
/** The name of the role's inline policy of `policyStatements` (and the target role's assumption). */
export const statementsPolicyName = "statements";

/** A binding's role and the resources that grant its permissions. */
export interface BindingRole {
    role: aws.iam.Role;
    /** The role, which carries the inline policies, and the attachments: pods must not start before they exist. */
    permissions: pulumi.Resource[];
}

/**
 * Plans a binding's permissions from the shared arguments alone: checked, and plain when they are.
 * Throws (or, for Outputs, fails the resources built from it) with the first problem.
 */
export function settleBindingPlan(
    parent: pulumi.Resource,
    args: BindingArgs,
    shape: BindingShape,
    mechanism: { name: string; targetRoleArn?: pulumi.Input<string> },
): Eventually<BindingPlan> {
    return settle({ shared: sharedInputs(args), targetRoleArn: mechanism.targetRoleArn }, (known) => {
        const permissions = planPermissions(known.shared, shape, { s3Read: args.s3Read !== undefined, targetRoleArn: known.targetRoleArn });
        failOn(parent, permissions.problem);
        return bindingPlan(known.shared, shape, { mechanism: mechanism.name, permissions: permissions.plan });
    });
}

/** Creates a binding's role with the trust policy (JSON) and the plan's permissions. */
export function createBindingRole(
    parent: pulumi.Resource,
    name: string,
    args: BindingArgs,
    plan: Eventually<BindingPlan>,
    trustPolicy: pulumi.Input<string>,
    options: { statementsPolicy: boolean },
): BindingRole {
    const opts = { parent };
    const inlinePolicies: { name: string; policy: pulumi.Input<string> }[] = [];
    if (args.s3Read !== undefined) {
        inlinePolicies.push({ name: s3ReadPolicyName, policy: select(plan, (known) => known.s3ReadPolicy!) });
    }
    if (options.statementsPolicy) {
        inlinePolicies.push({ name: statementsPolicyName, policy: select(plan, (known) => known.statementsPolicy!) });
    }
    const role = new aws.iam.Role(
        name,
        {
            name: args.roleName,
            path: args.rolePath ?? "/",
            description: select(plan, (known) => known.description),
            assumeRolePolicy: trustPolicy,
            // The role's inline policies are these and no others: one added out of band is removed on the next update
            // (an empty block says "none"). Carried by the role itself, they cost no resource of their own.
            inlinePolicies: inlinePolicies.length > 0 ? inlinePolicies : [{}],
            permissionsBoundary: args.permissionsBoundaryArn === undefined ? undefined : select(plan, (known) => known.permissionsBoundaryArn),
            maxSessionDuration: args.maxSessionDurationSeconds ?? 3600,
            tags: args.tags,
        },
        opts,
    );
    const attachments = (args.policyArns ?? []).map(
        (_, index) => new aws.iam.RolePolicyAttachment(`${name}-policy-${index}`, { role: role.name, policyArn: select(plan, (known) => known.policyArns[index]) }, opts),
    );
    return { role, permissions: [role, ...attachments] };
}

/** A binding's Kubernetes objects. */
export interface BindingPods extends ServiceAccountObjects {
    /** Undefined when the reader is off. */
    deployment: k8s.apps.v1.Deployment | undefined;
    /** The patches that restart `restartDeploymentNames` when the identity changes. */
    restartPatches: k8s.apps.v1.DeploymentPatch[];
}

/**
 * Creates the ServiceAccount (as the mode says) and, unless it is off, the reader, whose pods start
 * only once everything in `dependsOn` exists: before the role can do what they ask, their first
 * reads are refused. The pods carry `identityHash`, so they restart when it changes.
 */
export function createBindingPods(
    parent: pulumi.Resource,
    name: string,
    args: BindingArgs,
    shape: BindingShape,
    plan: Eventually<BindingPlan>,
    pods: {
        annotations: { [key: string]: pulumi.Input<string> };
        /** The region of the cluster, for the reader's SDK; undefined when not known. */
        region: pulumi.Input<string | undefined>;
        /** The `identityHash` of what the pods' credentials depend on; asked for only where some pods carry it. */
        identityHash: () => pulumi.Output<string>;
        dependsOn: pulumi.Resource[];
    },
): BindingPods {
    const namespace = select(plan, (known) => known.namespace);
    const objects = createServiceAccountObjects(parent, name, shape.mode, {
        namespace,
        name: select(plan, (known) => known.serviceAccountName),
        annotations: pods.annotations,
    });
    const restartNames = args.restartDeploymentNames ?? [];
    const hash = shape.readerEnabled || restartNames.length > 0 ? pods.identityHash() : undefined;
    const restartPatches = restartNames.map(
        (deploymentName) =>
            new k8s.apps.v1.DeploymentPatch(
                `${name}-restart-${deploymentName}`,
                { metadata: { name: deploymentName, namespace }, spec: { template: { metadata: { annotations: { [identityHashAnnotation]: hash! } } } } },
                { parent, dependsOn: pods.dependsOn },
            ),
    );
    if (!shape.readerEnabled || hash === undefined) {
        return { ...objects, deployment: undefined, restartPatches };
    }
    // Chained rather than pulumi.all, which walks its arguments and captures a stack each time.
    const hashAndRegion = hash.apply((knownHash) => pulumi.output(pods.region).apply((region) => ({ knownHash, region })));
    const manifest = selectWith(plan, hashAndRegion, (known, { knownHash, region }) =>
        readerDeployment({
            name: args.reader?.name ?? defaultReaderName(known.serviceAccountName),
            namespace: known.namespace,
            serviceAccountName: known.serviceAccountName,
            image: args.reader?.image ?? defaultReaderImage,
            replicas: args.reader?.replicas ?? defaultReaderReplicas,
            intervalSeconds: args.reader?.intervalSeconds ?? defaultReaderIntervalSeconds,
            region,
            locations: known.readLocations,
            identityHash: knownHash,
        }),
    );
    const serviceAccountObject = objects.serviceAccount ?? objects.serviceAccountPatch;
    const deployment = new k8s.apps.v1.Deployment(
        `${name}-reader`,
        { metadata: manifest.metadata, spec: manifest.spec },
        { parent, dependsOn: [...(serviceAccountObject ? [serviceAccountObject] : []), ...pods.dependsOn] },
    );
    return { ...objects, deployment, restartPatches };
}
