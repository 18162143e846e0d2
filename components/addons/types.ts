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

/** The arguments of `IrsaBinding` and `PodIdentityBinding` that an add-on's permissions fill in. */
export interface AddonBindingArgs {
    /** Namespace of the add-on's ServiceAccount. */
    namespace: string;
    /** Name of the add-on's ServiceAccount. */
    serviceAccountName: string;
    /** Managed policies to attach. */
    policyArns: pulumi.Input<string>[];
    /** Inline statements. */
    policyStatements: PolicyStatementArgs[];
    /**
     * Whether the statements may use `"*"` resources.
     * @default false
     */
    allowBroadPermissions: boolean;
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
 */
export function bindingArgsOf(permissions: AddonPermissions): AddonBindingArgs {
    return {
        namespace: permissions.serviceAccount.namespace,
        serviceAccountName: permissions.serviceAccount.serviceAccountName,
        policyArns: permissions.policyArns,
        policyStatements: permissions.policyStatements,
        allowBroadPermissions: permissions.allowBroadPermissions ?? false,
    };
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

/** The permissions, with `allowBroadPermissions` set exactly when a statement has a `"*"` resource. */
export function addonPermissions(serviceAccount: ServiceAccountSubject, policyArns: pulumi.Input<string>[], policyStatements: PolicyStatementArgs[]): AddonPermissions {
    const broad = policyStatements.some((each) => each.resources.includes("*"));
    return { serviceAccount, policyArns, policyStatements, ...(broad && { allowBroadPermissions: true }) };
}
