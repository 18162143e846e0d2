/**
 * The bindings' `addon` input: the catalogue function it names, called with its scope, fills the
 * binding's permissions and, where the binding gives none, its namespace and ServiceAccount. The same
 * functions as `addons.<name>()`, so the same checks and errors; pure, nothing is created.
 */
import * as pulumi from "@pulumi/pulumi";

import { AddonEntries, BindingArgs, failOn } from "./bindingArgs";
import { AddonArgs } from "./addons/args";
import { privateCaIssuer } from "./addons/certificates";
import { fsxLustreCsiDriver, fsxOpenZfsCsiDriver } from "./addons/fsx";
import { gatewayApiController } from "./addons/lattice";
import { nodeTerminationHandler } from "./addons/lifecycle";
import { awsLoadBalancerController, awsLoadBalancerControllerTargetGroupBinding, vpcCni } from "./addons/networking";
import { cloudWatchObservability, fluentBit, managedPrometheus } from "./addons/observability";
import { clusterAutoscaler, karpenter } from "./addons/scaling";
import { externalSecrets } from "./addons/secrets";
import { certManager, externalDns } from "./addons/dns";
import { ebsCsiDriver, efsCsiDriver, mountpointS3CsiDriver, velero } from "./addons/storage";
import type { AddonPermissions } from "./addons/types";
import { AddonScopeError } from "./addons/validation";

/** A property name of `addon`: a function of the catalogue. */
export type AddonName = keyof AddonArgs;

/** Each property of `addon` and the catalogue function it calls: the compiler keeps the two in step. */
const catalogue: { [Name in AddonName]-?: (scope: NonNullable<AddonArgs[Name]>) => AddonPermissions } = {
    vpcCni,
    awsLoadBalancerController,
    awsLoadBalancerControllerTargetGroupBinding,
    gatewayApiController,
    ebsCsiDriver,
    efsCsiDriver,
    mountpointS3CsiDriver,
    velero,
    fsxLustreCsiDriver,
    fsxOpenZfsCsiDriver,
    externalDns,
    certManager,
    privateCaIssuer,
    clusterAutoscaler,
    karpenter,
    nodeTerminationHandler,
    externalSecrets,
    cloudWatchObservability,
    managedPrometheus,
    fluentBit,
};

/** The names `addon` accepts, in the catalogue's order. */
export const addonNames = Object.keys(catalogue) as AddonName[];

/** The add-on `addon` names, and its permissions. */
export interface SelectedAddon {
    name: AddonName;
    permissions: AddonPermissions;
}

/** Thrown for an `addon` input the bindings refuse, with the field named. */
export class AddonInputError extends Error {}

/**
 * The add-on of an `addon` input, its function called with the scope given; undefined without one.
 * Throws when none or several are set, for an unknown name, and with the catalogue's own errors
 * (prefixed `addon.`, the path of the field in the binding's arguments).
 */
export function selectAddon(addon: AddonArgs | undefined): SelectedAddon | undefined {
    if (addon === undefined || addon === null) {
        return undefined;
    }
    if (pulumi.Output.isInstance(addon) || pulumi.isUnknown(addon)) {
        throw new AddonInputError(
            "addon is invalid: it is one value not known yet (or secret as a whole), so which add-on it names cannot be told; give the add-on's scope as an object, with Outputs only as the values of its ARNs",
        );
    }
    if (typeof addon !== "object" || Array.isArray(addon)) {
        throw new AddonInputError(`addon ${JSON.stringify(addon)} is invalid: expected an object with one of ${addonNames.join(", ")}`);
    }
    // In the catalogue's order, whatever the order the engine sent them in.
    const set = Object.entries(addon)
        .filter(([, scope]) => scope !== undefined && scope !== null)
        .sort(([a], [b]) => (addonNames as string[]).indexOf(a) - (addonNames as string[]).indexOf(b));
    const unknown = set.find(([name]) => !(addonNames as string[]).includes(name));
    if (unknown !== undefined) {
        throw new AddonInputError(`addon.${unknown[0]} is invalid: the catalogue has no add-on of that name; expected one of ${addonNames.join(", ")}`);
    }
    if (set.length !== 1) {
        throw new AddonInputError(
            `addon is invalid: set exactly one add-on, ${set.length === 0 ? "none is set" : `not ${set.map(([name]) => name).join(" and ")}`}; a binding is the role of one add-on (expected one of ${addonNames.join(", ")})`,
        );
    }
    const [name, scope] = set[0] as [AddonName, object];
    if (typeof scope !== "object" || Array.isArray(scope)) {
        throw new AddonInputError(`addon.${name} ${JSON.stringify(scope)} is invalid: expected the scope of addons.${name}() as an object (an empty one where it needs none)`);
    }
    try {
        return { name, permissions: (catalogue[name] as (scope: object) => AddonPermissions)(scope) };
    } catch (error) {
        if (error instanceof AddonScopeError) {
            throw new AddonInputError(`addon.${error.message}`);
        }
        throw error;
    }
}

/**
 * The binding's arguments with the add-on's filled in: its namespace and ServiceAccount where the
 * binding gives none, its managed policies and statements before the binding's own. The merged
 * `allowBroadPermissions` stays the binding's own: the add-on's opt-in (for the reads AWS cannot
 * scope) covers the add-on's entries only, which `entries` tells checkBindingShape apart.
 */
export function withAddon<T extends BindingArgs>(args: T, selected: SelectedAddon | undefined): { args: T; entries?: AddonEntries } {
    if (selected === undefined) {
        return { args };
    }
    const { permissions } = selected;
    return {
        args: {
            ...args,
            namespace: args.namespace ?? permissions.serviceAccount.namespace,
            serviceAccountName: args.serviceAccountName ?? permissions.serviceAccount.serviceAccountName,
            policyArns: [...permissions.policyArns, ...(args.policyArns ?? [])],
            policyStatements: [...permissions.policyStatements, ...(args.policyStatements ?? [])],
            allowBroadPermissions: args.allowBroadPermissions ?? false,
        },
        entries: {
            name: selected.name,
            policyArns: permissions.policyArns.length,
            policyStatements: permissions.policyStatements.length,
            allowBroadPermissions: permissions.allowBroadPermissions ?? false,
        },
    };
}

/** The first required argument missing: one the engine let through (other languages' SDKs may not check). */
function missingRequired(args: { [field: string]: unknown }, fields: string[], addon: SelectedAddon | undefined): string | undefined {
    const missing = fields.find((field) => args[field] === undefined || args[field] === null);
    if (missing === undefined) {
        return undefined;
    }
    const fromAddon = ["namespace", "serviceAccountName"].includes(missing) && addon === undefined ? ", or an addon, whose default it then is" : "";
    return `${missing} is required: it is missing from the binding's arguments; give it${fromAddon}`;
}

/**
 * A binding's arguments with its `addon` applied: a bad `addon` or a missing required argument fails
 * at once, as an error of the component. The permissions are checked by checkBindingShape, with `entries`.
 */
export function resolveAddon<T extends BindingArgs>(
    parent: pulumi.Resource,
    args: T,
    required: string[],
): { args: T; addon: SelectedAddon | undefined; entries: AddonEntries | undefined } {
    let addon: SelectedAddon | undefined;
    try {
        addon = selectAddon(args.addon);
    } catch (error) {
        if (error instanceof AddonInputError) {
            failOn(parent, error.message);
        }
        throw error;
    }
    const merged = withAddon(args, addon);
    // An EKS add-on owns its ServiceAccount: the binding leaves Kubernetes alone unless told otherwise (and is refused then).
    if (args.eksAddon !== undefined && args.serviceAccountMode === undefined) {
        merged.args = { ...merged.args, serviceAccountMode: "none" };
    }
    failOn(parent, missingRequired(merged.args as unknown as { [field: string]: unknown }, ["namespace", "serviceAccountName", ...required], addon));
    return { args: merged.args, addon, entries: merged.entries };
}
