/**
 * The arguments both bindings take, and the checks of them that need no resource: every plain value
 * at once, so that bad input fails before the first resource is registered.
 */
import * as pulumi from "@pulumi/pulumi";

import type { AddonArgs } from "./addons/args";
import type { EksAddonArgs } from "./eksAddon";
import { isPlain } from "./eventually";
import { catalogueOriginOf, CatalogueOrigin } from "./addons/types";
import { checkManagedPolicyBreadth, checkStatementGroups, PolicyStatementArgs, ResolvedPolicyStatement, StatementGroup } from "./permissions";
import { checkServiceAccountMode, defaultServiceAccountMode, managesKubernetes, ServiceAccountMode } from "./serviceAccount";
import { checkSubjects, ServiceAccountSubject } from "./subjects";
import {
    checkBucketArn,
    checkImage,
    checkKeyPrefix,
    checkKmsKeyArn,
    checkList,
    checkManagedPolicyArn,
    checkNamespace,
    checkPlainBoolean,
    checkPlainList,
    checkPlainString,
    checkRoleArn,
    checkRoleDescription,
    checkRoleName,
    checkRoleNamePrefix,
    checkRolePath,
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
    /**
     * Namespace of the ServiceAccount (a DNS-1123 label). It must exist. Required unless `addon` is
     * set, whose ServiceAccount's namespace it overrides.
     * @default the add-on's namespace
     */
    namespace?: pulumi.Input<string>;
    /**
     * Name of the ServiceAccount to bind (a DNS-1123 subdomain). Required unless `addon` is set, whose
     * ServiceAccount's name it overrides.
     * @default the add-on's ServiceAccount
     */
    serviceAccountName?: pulumi.Input<string>;
    /**
     * The add-on of the catalogue this binding is the role of: exactly one property, named after the
     * catalogue's function (`vpcCni`, `awsLoadBalancerController`, ...) and holding its scope. Its
     * permissions come before `policyArns` and `policyStatements` (which add to them, under this
     * binding's own `allowBroadPermissions`); its ServiceAccount is the default of `namespace` and
     * `serviceAccountName`. The same checks as `addons.<name>()`.
     * @default no add-on: the permissions are the binding's own arguments alone
     */
    addon?: AddonArgs;
    /**
     * The EKS managed add-on to create with this binding's role, as EKS expects it:
     * `serviceAccountRoleArn` for IRSA, `podIdentityAssociations` for EKS Pod Identity (the binding
     * then creates no association of its own for the ServiceAccount, which EKS would refuse). The
     * add-on owns its ServiceAccount: `serviceAccountMode` is `none`, and another is refused.
     * @default no EKS add-on: install the add-on yourself with the binding's roleArn
     */
    eksAddon?: EksAddonArgs;
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
     * ARNs of further managed policies to attach to the role. Each is judged by its document with the
     * escalation model the policy pack uses: AWS-managed ones by the table derived from AWS's published
     * documents, customer-managed ones by their default version, read from IAM (`aws.iam.getPolicy`)
     * before the role is created. One that opens a path (administrator, escalation or broad, such as
     * `AdministratorAccess`, `IAMFullAccess`, any `*FullAccess`) needs `allowBroadPermissions`, and so
     * does an AWS-managed one that reads the data of every resource of a type (`AmazonS3ReadOnlyAccess`,
     * `ReadOnlyAccess`) and a customer-managed one that reaches every resource as `policyStatements` may not.
     * @default []
     */
    policyArns?: pulumi.Input<string>[];
    /**
     * `Allow` statements of an inline policy, for permissions beyond `s3Read`. An action pattern that
     * opens a path of the escalation model (`*`, `service:*`, `iam:**`...), a `*` resource, or one whose
     * names are all wildcards (`arn:aws:s3:::*`, `arn:aws:secretsmanager:*:*:secret:*`, unless a
     * condition on the resources' tags bounds it) needs `allowBroadPermissions`.
     * @default []
     */
    policyStatements?: PolicyStatementArgs[];
    /**
     * The opt-in for broad permissions: `*` actions or resources in `policyStatements`, paths of the
     * escalation model, and broad managed policies in `policyArns`. Some controllers need them for
     * actions AWS cannot scope. An `addon` brings its own opt-in for its own permissions only: this
     * one alone covers the binding's `policyArns` and `policyStatements`, and what they add to the add-on's.
     * @default false
     */
    allowBroadPermissions?: boolean;
    /**
     * ARN of an existing role to bind instead of creating one (its owner keeps it, in the account of the
     * cluster's OIDC provider or, with Pod Identity, of the AWS provider): the binding only annotates the
     * ServiceAccount or creates the associations, and `requiredTrustStatements` names the trust statements
     * the owner must add to the role. The owner grants the permissions too, so `s3Read`, `policyStatements`,
     * `policyArns`, `permissionsBoundaryArn` and the role's name, path, description and session length are refused.
     * @default the binding creates the role
     */
    roleArn?: pulumi.Input<string>;
    /**
     * The role's name (1 to 64 of letters, digits and `_+=,.@-`).
     * @default the component's name with a random suffix
     */
    roleName?: string;
    /**
     * The start of the role's name (1 to 38 of letters, digits and `_+=,.@-`), which IAM completes with
     * a unique suffix. Not with `roleName`.
     * @default the component's name (with a random suffix)
     */
    roleNamePrefix?: string;
    /**
     * The role's description, as the IAM console shows it (at most 1000 characters).
     * @default "<mechanism> role of system:serviceaccount:<namespace>:<serviceAccountName>"
     */
    description?: string;
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

/** Throws the problem, if there is one, as an error of the component. */
export function failOn(parent: pulumi.Resource, problem: string | undefined): void {
    if (problem !== undefined) {
        throw new pulumi.ResourceError(problem, parent);
    }
}

/** The first problem of a value, or undefined when it is fine or not known yet (an Output is checked once known). */
export function checkIfKnown<T>(field: string, value: pulumi.Input<T> | undefined, check: FieldCheck<T>): string | undefined {
    return value === undefined || !isPlain(value) ? undefined : check(field, value as T);
}

/** The first problem of the plain entries of a list; Outputs are checked once known. */
export function checkKnownEntries(field: string, values: readonly pulumi.Input<string>[], check: FieldCheck<string>): string | undefined {
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

/**
 * The add-on's part of a binding's arguments once merged in (withAddon): its managed policies and
 * statements come first, under the add-on's own opt-in, which covers them and nothing else.
 */
export interface AddonEntries {
    /** The add-on's name in the catalogue, as `addon.<name>` names it. */
    name: string;
    /** How many of the merged `policyArns` are the add-on's (the first ones). */
    policyArns: number;
    /** How many of the merged `policyStatements` are the add-on's (the first ones). */
    policyStatements: number;
    /** The add-on's opt-in for broad permissions, for its own entries. */
    allowBroadPermissions: boolean;
}

/** What the plain arguments settle about a binding before anything is known of its Outputs. */
export interface BindingShape {
    mode: ServiceAccountMode;
    readerEnabled: boolean;
    keyPrefixes: string[];
    additionalServiceAccounts: ServiceAccountSubject[];
    /** The binding's own opt-in: for its own `policyArns` and `policyStatements`. */
    allowBroadPermissions: boolean;
    /** The add-on's entries at the front of `policyArns` and `policyStatements`; undefined without `addon`. */
    addon: AddonEntries | undefined;
    /** For each entry of `policyStatements`, the catalogue call it is exactly a statement of (under that call's opt-in), if any. */
    statementOrigins: (CatalogueOrigin | undefined)[];
}

/**
 * How a binding's arguments name entry `index` of its merged `policyArns`: `addon.<name> (its policy i)`
 * for the add-on's, `policyArns[i]` for the binding's own.
 */
export function policyArnFieldOf(addon: AddonEntries | undefined): (index: number) => string {
    const fromAddon = addon?.policyArns ?? 0;
    return (index) => (index < fromAddon ? `addon.${addon!.name} (its policy ${index})` : `policyArns[${index - fromAddon}]`);
}

/** Whether entry `index` of the merged `policyArns` may be broad: the add-on's opt-in for its own, the binding's for the rest. */
export function broadPolicyArnAllowed(shape: BindingShape): (index: number) => boolean {
    const fromAddon = shape.addon?.policyArns ?? 0;
    return (index) => (index < fromAddon ? shape.addon!.allowBroadPermissions : shape.allowBroadPermissions);
}

/** The first problem of the known entries of the merged `policyArns`: a malformed ARN, or a broad AWS-managed policy beyond its opt-in. */
export function checkPolicyArns(policyArns: readonly pulumi.Input<string>[], shape: BindingShape): string | undefined {
    const fieldOf = policyArnFieldOf(shape.addon);
    const broadAllowed = broadPolicyArnAllowed(shape);
    for (const [index, policyArn] of policyArns.entries()) {
        const problem = checkIfKnown(fieldOf(index), policyArn, (field, arn) => checkManagedPolicyArn(field, arn) ?? checkManagedPolicyBreadth(field, arn, broadAllowed(index)));
        if (problem !== undefined) {
            return problem;
        }
    }
    return undefined;
}

/**
 * The first problem of the merged `policyStatements`: the add-on's under its opt-in, each statement
 * that is exactly one of the catalogue's (spread from `addons.bindingArgsOf`) under its catalogue
 * call's opt-in, and every other one under the binding's own; without the binding's opt-in, any path
 * they open together that no add-on's statements open alone is a problem too.
 */
export function checkBindingStatements(statements: readonly ResolvedPolicyStatement[], shape: BindingShape): string | undefined {
    const fromAddon = shape.addon?.policyStatements ?? 0;
    const own: StatementGroup = { label: "policyStatements", allowBroadPermissions: shape.allowBroadPermissions, entries: [] };
    const addonGroup: StatementGroup | undefined =
        shape.addon === undefined ? undefined : { label: `the statements of addon.${shape.addon.name}`, allowBroadPermissions: shape.addon.allowBroadPermissions, entries: [] };
    const catalogueGroups = new Map<CatalogueOrigin, StatementGroup>();
    for (const [index, statement] of statements.entries()) {
        if (index < fromAddon) {
            (addonGroup!.entries as { field: string; statement: ResolvedPolicyStatement }[]).push({ field: `${addonGroup!.label}[${index}]`, statement });
            continue;
        }
        const field = `policyStatements[${index - fromAddon}]`;
        const origin = shape.statementOrigins[index];
        const group =
            origin === undefined
                ? own
                : (catalogueGroups.get(origin) ??
                  catalogueGroups
                      .set(origin, { label: `the statements of addons.${origin.functionName}()`, allowBroadPermissions: origin.allowBroadPermissions, entries: [] })
                      .get(origin)!);
        (group.entries as { field: string; statement: ResolvedPolicyStatement }[]).push({ field: origin === undefined ? field : `${field} (a statement of addons.${origin.functionName}())`, statement });
    }
    return checkStatementGroups(own, [...(addonGroup === undefined ? [] : [addonGroup]), ...catalogueGroups.values()]);
}

/**
 * For each entry of the merged `policyStatements` (a plain list), the catalogue call it is exactly a
 * statement of, if any: known only from the objects themselves, before their Inputs are resolved.
 */
export function statementOriginsOf(statements: BindingArgs["policyStatements"]): (CatalogueOrigin | undefined)[] {
    return Array.isArray(statements) ? statements.map(catalogueOriginOf) : [];
}

/**
 * Checks what can be checked at once: every plain argument, and every plain entry of a list. Bad
 * input then fails before the first resource is registered; Outputs are checked once known.
 */
export function checkBindingShape(args: BindingArgs, addon?: AddonEntries): { shape: BindingShape; problem?: string } {
    const mode = (args.serviceAccountMode ?? defaultServiceAccountMode) as ServiceAccountMode;
    const readerEnabled = args.reader?.enabled ?? (args.s3Read !== undefined && managesKubernetes(mode));
    const shape: BindingShape = {
        mode,
        readerEnabled,
        keyPrefixes: args.s3Read?.keyPrefixes ?? [],
        additionalServiceAccounts: args.additionalServiceAccounts ?? [],
        allowBroadPermissions: args.allowBroadPermissions ?? false,
        addon,
        statementOrigins: statementOriginsOf(args.policyStatements),
    };
    const allowPatterns = args.allowServiceAccountPatterns ?? false;
    const statements = args.policyStatements ?? [];
    const problem = firstProblem(
        () => checkPlainBoolean("allowBroadPermissions", args.allowBroadPermissions),
        () => checkPlainBoolean("allowServiceAccountPatterns", args.allowServiceAccountPatterns),
        () => checkPlainBoolean("reader.enabled", args.reader?.enabled),
        () => checkPlainLists(args),
        () => checkIfKnown("namespace", args.namespace, checkNamespace),
        () => checkIfKnown("serviceAccountName", args.serviceAccountName, checkServiceAccountName),
        () => checkServiceAccountMode("serviceAccountMode", mode),
        () => checkSubjects("additionalServiceAccounts", shape.additionalServiceAccounts, allowPatterns),
        () => checkIfKnown("roleName", args.roleName, checkRoleName),
        () => checkIfKnown("roleNamePrefix", args.roleNamePrefix, checkRoleNamePrefix),
        () =>
            args.roleName !== undefined && args.roleNamePrefix !== undefined
                ? "roleNamePrefix is invalid with roleName: the role is named either exactly or by a prefix IAM completes; give one of them"
                : undefined,
        () => checkIfKnown("description", args.description, checkRoleDescription),
        () => checkIfKnown("roleArn", args.roleArn, checkRoleArn),
        () => (args.roleArn === undefined ? undefined : checkExistingRoleArgs(args)),
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
        () => checkPolicyArns(args.policyArns ?? [], shape),
        () => checkIfKnown("permissionsBoundaryArn", args.permissionsBoundaryArn, checkManagedPolicyArn),
        () => (isPlain(statements) ? checkBindingStatements(resolvedStatements(statements as never), shape) : undefined),
        () => checkList("restartDeploymentNames", args.restartDeploymentNames ?? [], checkWorkloadName, { nonEmpty: false }),
        () =>
            (args.restartDeploymentNames ?? []).length > 0 && !managesKubernetes(mode)
                ? `restartDeploymentNames is invalid: serviceAccountMode "none" creates no Kubernetes object; restart the workload's pods yourself when the role changes`
                : undefined,
    );
    return { shape, problem };
}

/**
 * The first list argument that is not a list the program holds (an Output as a whole), and the first
 * subject of `additionalServiceAccounts` whose namespace or name is not a plain string: the binding
 * registers a resource, an inline policy or a trust statement per entry before any Output is known,
 * so such a list would otherwise be dropped (what it grants never granted) or fail as a TypeError.
 */
function checkPlainLists(args: BindingArgs): string | undefined {
    const lists: [string, unknown][] = [
        ["additionalServiceAccounts", args.additionalServiceAccounts],
        ["policyStatements", args.policyStatements],
        ["policyArns", args.policyArns],
        ["s3Read.bucketArns", args.s3Read?.bucketArns],
        ["s3Read.keyPrefixes", args.s3Read?.keyPrefixes],
        ["s3Read.kmsKeyArns", args.s3Read?.kmsKeyArns],
        ["restartDeploymentNames", args.restartDeploymentNames],
    ];
    for (const [field, value] of lists) {
        const problem = checkPlainList(field, value);
        if (problem !== undefined) {
            return problem;
        }
    }
    for (const [index, statement] of (Array.isArray(args.policyStatements) ? args.policyStatements : []).entries()) {
        const problem = firstProblem(
            () => (typeof statement === "object" && statement !== null && !isOutputLike(statement) ? undefined : `policyStatements[${index}] is invalid: expected a statement { actions, resources, conditions? } held by the program, not an Output`),
            () => checkPlainList(`policyStatements[${index}].actions`, statement.actions),
            () => checkPlainList(`policyStatements[${index}].resources`, statement.resources),
            () => checkPlainList(`policyStatements[${index}].conditions`, statement.conditions),
        );
        if (problem !== undefined) {
            return problem;
        }
    }
    for (const [index, subject] of (Array.isArray(args.additionalServiceAccounts) ? args.additionalServiceAccounts : []).entries()) {
        const field = `additionalServiceAccounts[${index}]`;
        const problem =
            typeof subject !== "object" || subject === null || isOutputLike(subject)
                ? `${field} is invalid: expected a ServiceAccount { namespace, serviceAccountName } of plain strings, not an Output, since it decides who the role admits`
                : (checkPlainString(`${field}.namespace`, subject.namespace) ?? checkPlainString(`${field}.serviceAccountName`, subject.serviceAccountName));
        if (problem !== undefined) {
            return problem;
        }
    }
    return undefined;
}

/** Whether a value is an Output or a promise (an unknown or secret of the engine). */
function isOutputLike(value: object): boolean {
    return pulumi.Output.isInstance(value) || typeof (value as { then?: unknown }).then === "function";
}

/** With `roleArn`: the first argument that would change the role, which its owner keeps. */
function checkExistingRoleArgs(args: BindingArgs): string | undefined {
    const ownersFields: [string, boolean][] = [
        ["s3Read", args.s3Read !== undefined],
        ["policyStatements", (args.policyStatements ?? []).length > 0],
        ["policyArns", (args.policyArns ?? []).length > 0],
        ["allowBroadPermissions", args.allowBroadPermissions === true],
        ["permissionsBoundaryArn", args.permissionsBoundaryArn !== undefined],
        ["roleName", args.roleName !== undefined],
        ["roleNamePrefix", args.roleNamePrefix !== undefined],
        ["rolePath", args.rolePath !== undefined],
        ["description", args.description !== undefined],
        ["maxSessionDurationSeconds", args.maxSessionDurationSeconds !== undefined],
    ];
    const given = ownersFields.find(([, isGiven]) => isGiven);
    return given === undefined
        ? undefined
        : `${given[0]} is invalid with roleArn: the binding does not change a role it did not create; its owner grants the permissions and sets the role up (the binding names the trust statements to add in requiredTrustStatements)`;
}

/** The statements with their Inputs known, as the pure policy builders take them. */
export function resolvedStatements(statements: pulumi.Unwrap<PolicyStatementArgs[]>): ResolvedPolicyStatement[] {
    return statements.map((statement) => ({
        actions: statement.actions,
        resources: statement.resources,
        // Entries of another type than declared are kept as they are, for checkPolicyStatement to name.
        conditions: Array.isArray(statement.conditions)
            ? statement.conditions.map((condition) =>
                  typeof condition === "object" && condition !== null ? { test: condition.test, variable: condition.variable, values: condition.values } : (condition as never),
              )
            : ((statement.conditions ?? []) as never),
    }));
}

/** The Inputs of a binding's shared arguments, to settle together with the mechanism's own. */
export function sharedInputs(args: BindingArgs) {
    return {
        // Never missing here: resolveAddon refuses a binding without them.
        namespace: args.namespace!,
        serviceAccountName: args.serviceAccountName!,
        bucketArns: args.s3Read?.bucketArns ?? [],
        kmsKeyArns: args.s3Read?.kmsKeyArns ?? [],
        policyArns: args.policyArns ?? [],
        policyStatements: args.policyStatements ?? [],
        permissionsBoundaryArn: args.permissionsBoundaryArn,
    };
}

/** The shared arguments, known. */
export type KnownSharedInputs = pulumi.Unwrap<ReturnType<typeof sharedInputs>>;

/**
 * The problem of the binding's own ServiceAccount once known: checked by each of the computations that
 * write it (the trust policy, the permissions plan), as neither waits for the other.
 */
export function checkOwnServiceAccount(known: KnownSharedInputs): string | undefined {
    return checkNamespace("namespace", known.namespace) ?? checkServiceAccountName("serviceAccountName", known.serviceAccountName);
}
