/**
 * What every function of the add-on catalogue returns, and the small pieces they share: managed
 * policy ARNs, ARNs joined from inputs, and the add-on's ServiceAccount with its overrides.
 */
import * as pulumi from "@pulumi/pulumi";

import type { PolicyConditionArgs, PolicyStatementArgs } from "../permissions";
import type { ServiceAccountSubject } from "../subjects";
import { checkNamespace, checkServiceAccountName } from "../validation";
import { checkedInput, checkPartition, refuse } from "./validation";

/**
 * The permissions one add-on needs, in the shape of the bindings' own arguments. Pass them with
 * {@link bindingArgsOf}, or field by field.
 */
export interface AddonPermissions {
    /** The ServiceAccount the add-on's pods run as: its chart's or EKS add-on's default unless overridden. */
    serviceAccount: ServiceAccountSubject;
    /** AWS-managed (or other managed) policies to attach to the role. */
    policyArns: pulumi.Input<string>[];
    /** Inline `Allow` statements, each scoped to what the add-on needs within the scope given. */
    policyStatements: PolicyStatementArgs[];
    /**
     * Set (to `true`) only where the add-on's published policy needs `"*"` as the resource of actions
     * that AWS cannot scope to a resource (`Describe*`, `List*` calls); the function's documentation
     * names them.
     */
    allowBroadPermissions?: boolean;
}

/**
 * The arguments of `IrsaBinding` and `PodIdentityBinding` that an add-on's permissions fill in. The
 * add-on's opt-in for broad permissions is not among them: it travels with the catalogue's own
 * statements (see {@link bindingArgsOf}), so it cannot cover statements added beside them.
 */
export interface AddonBindingArgs {
    /** Namespace of the add-on's ServiceAccount. */
    namespace: string;
    /** Name of the add-on's ServiceAccount. */
    serviceAccountName: string;
    /** Managed policies to attach. */
    policyArns: pulumi.Input<string>[];
    /** Inline statements: the catalogue's own, frozen, each carrying the add-on's opt-in. */
    policyStatements: PolicyStatementArgs[];
}

/**
 * The permissions as binding arguments, ready to spread into `IrsaBinding` or `PodIdentityBinding`:
 *
 * ```ts
 * new IrsaBinding("external-dns", {
 *     oidcProviderArn,
 *     ...addons.bindingArgsOf(addons.externalDns({ hostedZoneIds: [zone.zoneId] })),
 *     serviceAccountMode: "annotate",
 * });
 * ```
 *
 * The add-on's opt-in (where it needs `"*"` for reads AWS cannot scope) is carried by its statements,
 * which the catalogue froze as it made them: the bindings judge each statement that is exactly one of
 * the catalogue's under its add-on's opt-in, and every other statement (one added beside them, or a
 * copy, however alike) and every managed policy under the binding's own `allowBroadPermissions`.
 */
export function bindingArgsOf(permissions: AddonPermissions): AddonBindingArgs {
    return {
        namespace: permissions.serviceAccount.namespace,
        serviceAccountName: permissions.serviceAccount.serviceAccountName,
        policyArns: permissions.policyArns,
        policyStatements: permissions.policyStatements,
    };
}

/** The catalogue function a statement comes from, and the opt-in the function set for its statements. */
export interface CatalogueOrigin {
    /** The catalogue function, as `addons.<functionName>()` names it. */
    functionName: string;
    /** Whether the function set `allowBroadPermissions` for its statements. */
    allowBroadPermissions: boolean;
}

/**
 * The statements the catalogue made, each to the call that made it: module-private, so only
 * addonPermissions adds to it, and weak, so a statement is held no longer than its program holds it.
 */
const catalogueStatements = new WeakMap<object, CatalogueOrigin>();

/**
 * The catalogue call a statement is exactly one of (the same object, which the catalogue froze), or
 * undefined for any other value: a statement written, copied or changed by anyone else.
 */
export function catalogueOriginOf(statement: unknown): CatalogueOrigin | undefined {
    return typeof statement === "object" && statement !== null ? catalogueStatements.get(statement) : undefined;
}

/** A statement frozen through its lists and conditions (its Inputs stay as they are), so what the catalogue judged is what is granted. */
function frozenStatement(statement: PolicyStatementArgs): PolicyStatementArgs {
    const conditions = statement.conditions?.map((each) => Object.freeze({ ...each, values: Object.freeze([...each.values]) as pulumi.Input<string>[] }));
    return Object.freeze({
        actions: Object.freeze([...statement.actions]) as string[],
        resources: Object.freeze([...statement.resources]) as pulumi.Input<string>[],
        ...(conditions !== undefined && { conditions: Object.freeze(conditions) as PolicyConditionArgs[] }),
    });
}

/** The ServiceAccount override every catalogue function accepts. */
export interface ServiceAccountOverride {
    namespace?: string;
    serviceAccountName?: string;
}

/** The add-on's ServiceAccount: the default, or the override, checked. */
export function serviceAccountOf(functionName: string, defaults: ServiceAccountSubject, override: ServiceAccountOverride): ServiceAccountSubject {
    const namespace = override.namespace ?? defaults.namespace;
    const serviceAccountName = override.serviceAccountName ?? defaults.serviceAccountName;
    refuse(checkNamespace(`${functionName}.namespace`, namespace) ?? checkServiceAccountName(`${functionName}.serviceAccountName`, serviceAccountName));
    return { namespace, serviceAccountName };
}

/** The default partition of the ARNs the catalogue writes. */
export const defaultPartition = "aws";

/** The partition argument, checked. */
export function partitionOf(functionName: string, partition: pulumi.Input<string> | undefined): pulumi.Input<string> {
    return checkedInput(`${functionName}.partition`, partition ?? defaultPartition, checkPartition);
}

/** The parts joined into one string: a plain string when every part is one, else an Output. */
export function joined(...parts: pulumi.Input<string>[]): pulumi.Input<string> {
    if (parts.every((part): part is string => typeof part === "string")) {
        return parts.join("");
    }
    return pulumi.all(parts).apply((known) => known.join(""));
}

/** The ARN of an AWS-managed policy (`arn:<partition>:iam::aws:policy/<path and name>`). */
export function awsManagedPolicyArn(partition: pulumi.Input<string>, pathAndName: string): pulumi.Input<string> {
    return joined("arn:", partition, ":iam::aws:policy/", pathAndName);
}

/** A statement of the catalogue: `Allow`, its conditions written as `aws.iam.getPolicyDocument` does. */
export function statement(actions: string[], resources: pulumi.Input<string>[], ...conditions: PolicyConditionArgs[]): PolicyStatementArgs {
    return conditions.length > 0 ? { actions, resources, conditions } : { actions, resources };
}

/** A condition. */
export function condition(test: string, variable: string, ...values: pulumi.Input<string>[]): PolicyConditionArgs {
    return { test, variable, values };
}

/**
 * The permissions of catalogue function `functionName`, with `allowBroadPermissions` set exactly when
 * a statement has a `"*"` resource; each statement frozen and recorded with that opt-in (catalogueOriginOf).
 */
export function addonPermissions(functionName: string, serviceAccount: ServiceAccountSubject, policyArns: pulumi.Input<string>[], policyStatements: PolicyStatementArgs[]): AddonPermissions {
    const broad = policyStatements.some((each) => each.resources.includes("*"));
    const origin: CatalogueOrigin = Object.freeze({ functionName, allowBroadPermissions: broad });
    const statements = policyStatements.map((each) => {
        const frozen = frozenStatement(each);
        catalogueStatements.set(frozen, origin);
        return frozen;
    });
    return { serviceAccount, policyArns, policyStatements: statements, ...(broad && { allowBroadPermissions: true }) };
}
