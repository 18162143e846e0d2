/**
 * Runs the program under the shared mocks for a stack's config and returns what it registered: the
 * resources' inputs (from the mock engine) and, when asked, their options (from a stack
 * transformation, since `protect`, `aliases`, `retainOnDelete` and `dependsOn` never reach the mocks).
 */
import * as assert from "node:assert/strict";

import * as pulumi from "@pulumi/pulumi";
import * as runtimeState from "@pulumi/pulumi/runtime/state";

import { ConfigKey, parseConfig, ProgramConfig } from "../program/config";
import { createInfrastructure, Infrastructure } from "../program/infrastructure";
import { RegisteredResource } from "../scripts/offline/mocks";
import { registered, registrationOf, settled, valueOf } from "./mocks";
import { lookupWith } from "./stackFiles";

/** What one run of the program registered. */
export interface Deployment {
    infra: Infrastructure;
    resources: RegisteredResource[];
    ofType(type: string): RegisteredResource[];
    one(type: string, name: string): RegisteredResource;
}

/** The config of a stack with some keys overridden, as the program reads it. */
export function configOf(stack: string, overrides: Partial<Record<ConfigKey, string>> = {}): ProgramConfig {
    return parseConfig(lookupWith(stack, overrides));
}

async function collect(start: number, infra: Infrastructure): Promise<Deployment> {
    await Promise.all(Object.values(infra.outputs).map((output) => (output === undefined ? undefined : valueOf(output))));
    await registrationOf(infra.cluster, infra.nodes.nodeGroup, infra.namespace, infra.binding.deployment!, infra.addons.coreDns);
    await settled();
    const resources = registered.slice(start);
    const ofType = (type: string): RegisteredResource[] => resources.filter((resource) => resource.type === type);
    const one = (type: string, name: string): RegisteredResource => {
        const matches = resources.filter((resource) => resource.type === type && resource.name === name);
        assert.equal(matches.length, 1, `${type} ${name}: ${matches.length} registered`);
        return matches[0];
    };
    return { infra, resources, ofType, one };
}

/** Runs the program for a stack's config (with overrides) and returns what it registered. */
export async function deployStack(stack: string, overrides: Partial<Record<ConfigKey, string>> = {}): Promise<Deployment> {
    const start = registered.length;
    return collect(start, createInfrastructure(configOf(stack, overrides)));
}

/** A resource as the engine would identify it, with the options the program gave it. */
export interface PlannedResource {
    type: string;
    name: string;
    /** The URN the engine would give it: the type chain of its parents, then its own type and name. */
    urn: string;
    parentUrn: string | undefined;
    /** The aliases it asked for, as URNs: its own (a type or name it had before) and those inherited from its parents'. */
    aliasUrns: string[];
    protect: boolean;
    retainOnDelete: boolean;
    dependsOn: pulumi.Input<pulumi.Input<pulumi.Resource>[] | pulumi.Resource> | undefined;
}

/** The URN of a resource, as the engine builds it: `urn:pulumi:<stack>::<project>::<parent types$>type::name`. */
function urnOf(type: string, name: string, parentUrn: string | undefined): string {
    const prefix = "urn:pulumi:test::eks-irsa::";
    const parentTypes = parentUrn === undefined ? "" : `${parentUrn.slice(prefix.length, parentUrn.lastIndexOf("::"))}$`;
    return `${prefix}${parentTypes}${type}::${name}`;
}

/**
 * Runs the program inside a stack, as `pulumi up` does, recording each resource's URN, aliases and
 * options. Aliases are resolved as the engine resolves them: a resource's own alias specs (a `type`
 * or `name` it had) and, for each alias of a parent, the same child under the aliased parent.
 */
export async function planStack(config: ProgramConfig): Promise<{ deployment: Deployment; planned: PlannedResource[] }> {
    const start = registered.length;
    const planned: PlannedResource[] = [];
    const byResource = new Map<pulumi.Resource, PlannedResource>();
    // Aliases given as URN Outputs (pulumi.createUrn) are known only once their parents are registered.
    const pendingAliases: Promise<void>[] = [];
    let infra: Infrastructure | undefined;
    await pulumi.runtime.runInPulumiStack(async () => {
        pulumi.runtime.registerStackTransformation(({ resource, type, name, opts }) => {
            const parent = opts.parent === undefined ? undefined : byResource.get(opts.parent);
            const urn = urnOf(type, name, parent?.urn);
            const own = (opts.aliases ?? []).flatMap((alias) => {
                if (typeof alias === "string") {
                    return [alias];
                }
                if (pulumi.Output.isInstance(alias)) {
                    pendingAliases.push(valueOf(alias as pulumi.Output<string>).then((urn) => void record.aliasUrns.push(urn)));
                    return [];
                }
                const spec = alias as pulumi.Alias;
                return typeof spec.type === "string" || typeof spec.name === "string"
                    ? [urnOf(typeof spec.type === "string" ? spec.type : type, typeof spec.name === "string" ? spec.name : name, parent?.urn)]
                    : [];
            });
            const inherited = (parent?.aliasUrns ?? []).map((parentAlias) => urnOf(type, name, parentAlias));
            const record: PlannedResource = {
                type,
                name,
                urn,
                parentUrn: parent?.urn,
                aliasUrns: [...own, ...inherited],
                protect: opts.protect ?? parent?.protect ?? false,
                retainOnDelete: (opts as pulumi.CustomResourceOptions).retainOnDelete ?? false,
                dependsOn: opts.dependsOn,
            };
            byResource.set(resource, record);
            planned.push(record);
            return undefined;
        });
        infra = createInfrastructure(config);
        return {};
    });
    // Other tests register their resources outside any stack, as before (the SDK's own setter: internal, untyped).
    (runtimeState as unknown as { setStackResource(stack: undefined): void }).setStackResource(undefined);
    const deployment = await collect(start, infra!);
    await Promise.all(pendingAliases);
    return { deployment, planned };
}

/** What an update from one run to the next would do with each resource, by URN and alias. */
export interface UpdatePlan {
    /** In both runs under the same URN. */
    kept: PlannedResource[];
    /** In the new run under an alias of a resource of the old one: updated in place, not replaced. */
    aliased: { from: string; to: PlannedResource }[];
    created: PlannedResource[];
    deleted: PlannedResource[];
}

/** Compares two runs as the engine would match their resources. */
export function updatePlan(before: PlannedResource[], after: PlannedResource[]): UpdatePlan {
    const old = new Map(before.map((resource) => [resource.urn, resource]));
    const matched = new Set<string>();
    const plan: UpdatePlan = { kept: [], aliased: [], created: [], deleted: [] };
    for (const resource of after) {
        if (old.has(resource.urn)) {
            matched.add(resource.urn);
            plan.kept.push(resource);
            continue;
        }
        const alias = resource.aliasUrns.find((urn) => old.has(urn) && !matched.has(urn));
        if (alias !== undefined) {
            matched.add(alias);
            plan.aliased.push({ from: alias, to: resource });
        } else {
            plan.created.push(resource);
        }
    }
    plan.deleted = before.filter((resource) => !matched.has(resource.urn));
    return plan;
}
