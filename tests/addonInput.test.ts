/**
 * The bindings' `addon` input: generated from the catalogue's functions, so every add-on is there,
 * typed with its function's scope and documented with its function's TSDoc in the schema other
 * languages see; and in TypeScript it gives what `addons.<name>()` gives, with the same errors.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";

import { addons, IrsaBinding, PodIdentityBinding } from "../components/index";
import { addonNames } from "../components/bindingAddon";
import { addonArgsFile, catalogueFunctions, renderAddonArgs } from "../scripts/addonArgs";
import { inlinePolicyOf } from "./inlinePolicies";
import { mockAccountId, registeredResource, registrationOf, uniqueName, valueOf } from "./mocks";
import { packageSchema, PropertySchema } from "./packageSchema";

const oidcProviderArn = `arn:aws:iam::${mockAccountId}:oidc-provider/oidc.eks.us-west-2.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE`;

describe("the bindings' addon input", function () {
    this.timeout(60000);

    it("is what scripts/addonArgs.ts writes from the catalogue's functions (npm run generate)", () => {
        assert.equal(fs.readFileSync(addonArgsFile, "utf8"), renderAddonArgs());
    });

    it("names every function of the catalogue, which the bindings call", () => {
        const catalogue = catalogueFunctions().map((each) => each.name);
        assert.deepEqual(addonNames, catalogue);
        assert.deepEqual(
            Object.keys(addons)
                .filter((name) => catalogue.includes(name))
                .sort(),
            [...catalogue].sort(),
        );
    });

    it("is in the schema of both bindings, each add-on typed with its scope and described with its function's TSDoc", async () => {
        const schema = await packageSchema();
        for (const type of ["IrsaBinding", "PodIdentityBinding"]) {
            assert.equal(schema.resources[`eks-irsa:index:${type}`].inputProperties.addon.$ref, "#/types/eks-irsa:index:AddonArgs");
        }
        const addonType = schema.types["eks-irsa:index:AddonArgs"];
        assert.deepEqual(addonType.required ?? [], []);
        for (const each of catalogueFunctions()) {
            const property: PropertySchema = addonType.properties[each.name];
            assert.equal(property.$ref, `#/types/eks-irsa:index:${each.argsType}`, each.name);
            const described = (property.description ?? "").replace(/\s+/g, " ");
            assert.ok(described.startsWith(each.doc.join(" ").replace(/\s+/g, " ").trim().slice(0, 200)), `${each.name}: ${described.slice(0, 120)}`);
            assert.ok(schema.types[`eks-irsa:index:${each.argsType}`], `${each.argsType} is not in the schema`);
        }
    });

    it("has no description TypeScript parsed into objects (a {@link} in a doc comment would be '[object Object]')", async () => {
        assert.doesNotMatch(JSON.stringify(await packageSchema()), /\[object Object\]/);
    });

    it("fills an IrsaBinding from addons.externalDns(): its ServiceAccount and its statements", async () => {
        const name = uniqueName("edns");
        const binding = new IrsaBinding(name, { oidcProviderArn, addon: { externalDns: { hostedZoneIds: ["Z0123456789ABCDEFGHIJ"] } } });
        await registrationOf(binding, binding.role);
        assert.deepEqual([await valueOf(binding.namespace), await valueOf(binding.serviceAccountName)], ["external-dns", "external-dns"]);
        const expected = addons.externalDns({ hostedZoneIds: ["Z0123456789ABCDEFGHIJ"] });
        const policy = inlinePolicyOf(registeredResource("aws:iam/role:Role", name).inputs, "statements") as unknown as { Statement: { Action: string | string[] }[] };
        assert.deepEqual(
            policy.Statement.map((statement) => statement.Action),
            expected.policyStatements.map((statement) => (statement.actions.length === 1 ? statement.actions[0] : statement.actions)),
        );
    });

    it("refuses what addons.<name>() refuses, naming the field under addon", () => {
        assert.throws(
            () => new PodIdentityBinding(uniqueName("lbc"), { clusterName: "apps", addon: { awsLoadBalancerController: { clusterName: "-bad" } } }),
            /^Error: addon\.awsLoadBalancerController\.clusterName "-bad" is invalid/,
        );
        assert.throws(() => new IrsaBinding(uniqueName("none"), { oidcProviderArn, addon: {} }), /addon is invalid: set exactly one add-on, none is set/);
        assert.throws(() => new IrsaBinding(uniqueName("unknown"), { oidcProviderArn, addon: { nginx: {} } as never }), /addon\.nginx is invalid: the catalogue has no add-on of that name/);
    });

    it("keeps the binding's own statements under its own allowBroadPermissions, even where the add-on's opt-in covers its own reads", () => {
        assert.throws(
            () =>
                new IrsaBinding(uniqueName("broad"), {
                    oidcProviderArn,
                    addon: { awsLoadBalancerController: { clusterName: "apps" } },
                    policyStatements: [{ actions: ["s3:GetObject"], resources: ["*"] }],
                }),
            /policyStatements\[0\]/,
        );
        assert.throws(
            () => new IrsaBinding(uniqueName("admin"), { oidcProviderArn, addon: { clusterAutoscaler: { clusterName: "apps" } }, policyArns: ["arn:aws:iam::aws:policy/AdministratorAccess"] }),
            /policyArns\[0\]/,
        );
    });
});
