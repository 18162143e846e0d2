/**
 * An add-on's `allowBroadPermissions` covers the add-on's own permissions and nothing else: the
 * binding's (or fleet workload's) own `policyArns` and `policyStatements`, known at once or only as
 * Outputs, customer-managed or AWS-managed, stay under the binding's own opt-in. Whether a document
 * grants something is decided by the IAM evaluator, never by the code under test.
 */
import * as assert from "node:assert/strict";

import * as pulumi from "@pulumi/pulumi";

import { addons, IrsaBinding, IrsaBindingArgs, PodIdentityBinding, WorkloadIdentities, WorkloadIdentitiesArgs } from "../components/index";
import { checkPolicyStatements, policyStatementsDocument, ResolvedPolicyStatement } from "../components/permissions";
import { allowedByIdentityPolicy } from "./iamEvaluator";
import { inlinePolicyOf } from "./inlinePolicies";
import { customerPolicy, documentOf, mockAccountId, registered, settled, uniqueName, valueOf } from "./mocks";

const issuer = "oidc.eks.us-west-2.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE";
const oidcProviderArn = `arn:aws:iam::${mockAccountId}:oidc-provider/${issuer}`;
const administratorAccess = "arn:aws:iam::aws:policy/AdministratorAccess";
/** Add-ons whose catalogue functions set `allowBroadPermissions` for reads AWS cannot scope. */
const optedInAddons: { label: string; addon: IrsaBindingArgs["addon"] }[] = [
    { label: "clusterAutoscaler", addon: { clusterAutoscaler: { clusterName: "apps" } } },
    {
        label: "karpenter",
        addon: { karpenter: { clusterName: "apps", nodeRoleArn: `arn:aws:iam::${mockAccountId}:role/karpenter-node`, interruptionQueueArn: `arn:aws:sqs:us-west-2:${mockAccountId}:apps` } },
    },
];


/** Options that hand back the inputs of each role the component makes: they wait for every check of Outputs and reads. */
function watchingRoles(): { opts: pulumi.ComponentResourceOptions; roleInputs: pulumi.Output<unknown>[] } {
    const roleInputs: pulumi.Output<unknown>[] = [];
    return {
        opts: {
            transformations: [
                ({ type, props }) => {
                    if (type === "aws:iam/role:Role") {
                        roleInputs.push(pulumi.output(props));
                    }
                    return undefined;
                },
            ],
        },
        roleInputs,
    };
}

function grantsRegisteredUnder(name: string): string[] {
    return registered
        .filter((each) => each.name.startsWith(name) && (each.type === "aws:iam/role:Role" || each.type === "aws:iam/rolePolicyAttachment:RolePolicyAttachment"))
        .map((each) => each.type);
}

/** A binding (or fleet) refused once its Outputs or reads are known: an error naming the field, and no role or attachment registered. */
async function assertRefusedLater(construct: (name: string, opts: pulumi.ComponentResourceOptions) => unknown, message: RegExp): Promise<void> {
    const name = uniqueName("optin");
    const { opts, roleInputs } = watchingRoles();
    construct(name, opts);
    assert.ok(roleInputs.length > 0, "the component made a role to watch");
    const outcomes = await Promise.allSettled(roleInputs.map(valueOf));
    const reasons = outcomes.flatMap((outcome) => (outcome.status === "rejected" ? [outcome.reason as unknown] : []));
    assert.ok(
        reasons.some((reason) => reason instanceof pulumi.ResourceError && message.test(reason.message)),
        `refused with ${message}; got ${reasons.map((reason) => (reason instanceof Error ? reason.message : String(reason))).join(" | ") || "no error"}`,
    );
    await settled();
    assert.deepEqual(grantsRegisteredUnder(name), [], "nothing that grants is created");
}

describe("an add-on's opt-in for broad permissions covers the add-on's own permissions only", function () {
    this.timeout(60000);

    const administrator = documentOf({ Effect: "Allow", Action: "*", Resource: "*" });

    before(async () => {
        assert.equal(await allowedByIdentityPolicy(administrator, { action: "iam:CreateUser", resource: `arn:aws:iam::${mockAccountId}:user/intruder` }), true);
    });

    for (const { label, addon } of optedInAddons) {
        it(`refuses a customer-managed administrator policy of the binding's own beside addon.${label}, naming policyArns[0]`, async () => {
            await assertRefusedLater(
                (name, opts) => new IrsaBinding(name, { oidcProviderArn, addon, policyArns: [customerPolicy(`${name}-admin`, administrator)] }, opts),
                /(?:^|: )policyArns\[0\] "arn:aws:iam::\d+:policy\/optin\d+-admin" is invalid: its document, as IAM holds it, opens the administrator path "every-action"/,
            );
            await assertRefusedLater(
                (name, opts) => new PodIdentityBinding(name, { clusterName: "apps", addon, policyArns: [pulumi.output(customerPolicy(`${name}-admin`, administrator))] }, opts),
                /(?:^|: )policyArns\[0\] .* opens the administrator path "every-action"/,
            );
        });
    }

    it("refuses the binding's own AWS-managed administrator policy and broad statements beside an add-on when they are Outputs", async () => {
        const addon = optedInAddons[0].addon;
        await assertRefusedLater(
            (name, opts) => new IrsaBinding(name, { oidcProviderArn, addon, policyArns: [pulumi.output(administratorAccess)] }, opts),
            /(?:^|: )policyArns\[0\] "arn:aws:iam::aws:policy\/AdministratorAccess" is invalid: its document, as AWS publishes it, opens the administrator path/,
        );
        await assertRefusedLater(
            (name, opts) => new IrsaBinding(name, { oidcProviderArn, addon, policyStatements: [{ actions: ["s3:GetObject"], resources: [pulumi.output("*")] }] }, opts),
            /(?:^|: )policyStatements\[0\]\.resources\[0\] "\*" is invalid: it grants the actions on every resource/,
        );
        await assertRefusedLater(
            (name, opts) =>
                new IrsaBinding(name, { oidcProviderArn, addon, policyStatements: [{ actions: ["secretsmanager:GetSecretValue"], resources: [pulumi.output("arn:aws:secretsmanager:*:*:secret:*")] }] }, opts),
            /(?:^|: )policyStatements\[0\]\.resources\[0\] "arn:aws:secretsmanager:\*:\*:secret:\*" is invalid: its names are all wildcards/,
        );
        const passAnyRole = [{ actions: ["iam:PassRole"], resources: [pulumi.output(`arn:aws:iam::${mockAccountId}:role/*`)] }];
        assert.equal(
            await allowedByIdentityPolicy(documentOf({ Effect: "Allow", Action: "iam:PassRole", Resource: `arn:aws:iam::${mockAccountId}:role/*` }), {
                action: "iam:PassRole",
                resource: `arn:aws:iam::${mockAccountId}:role/admin`,
            }),
            true,
        );
        await assertRefusedLater(
            (name, opts) => new PodIdentityBinding(name, { clusterName: "apps", addon: optedInAddons[1].addon, policyStatements: passAnyRole }, opts),
            /(?:^|: )policyStatements\[0\]\.actions\[0\] "iam:PassRole" is invalid: it opens the broad path "pass-any-role"/,
        );
    });

    it("still grants what the binding's own opt-in allows beside the add-on, and a narrow customer-managed policy without it", async () => {
        const addon = optedInAddons[0].addon;
        const own = new IrsaBinding(uniqueName("optin-own"), { oidcProviderArn, addon, allowBroadPermissions: true, policyArns: [pulumi.output(administratorAccess)] });
        assert.match(await valueOf(own.roleArn), /^arn:aws:iam::/);

        const readReports = documentOf({ Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::reports-bucket/*" });
        assert.equal(await allowedByIdentityPolicy(readReports, { action: "iam:CreateUser", resource: `arn:aws:iam::${mockAccountId}:user/intruder` }), false);
        const name = uniqueName("optin-narrow");
        const narrow = new IrsaBinding(name, { oidcProviderArn, addon, policyArns: [customerPolicy(`${name}-read`, readReports)] });
        assert.match(await valueOf(narrow.roleArn), /^arn:aws:iam::/);
        await settled();
        assert.deepEqual(
            registered.filter((each) => each.name.startsWith(`${name}-policy-`)).map((each) => each.inputs.policyArn),
            [...addons.clusterAutoscaler({ clusterName: "apps" }).policyArns, `arn:aws:iam::${mockAccountId}:policy/${name}-read`],
        );
    });

    it("judges the binding's own statements together with the add-on's: a path they open only together is refused", async () => {
        // An add-on that may pass roles it does not name, under its own opt-in; the binding's own statement starts compute.
        const addonStatements: ResolvedPolicyStatement[] = [{ actions: ["iam:PassRole"], resources: [`arn:aws:iam::${mockAccountId}:role/*`], conditions: [] }];
        const createFunction: ResolvedPolicyStatement[] = [{ actions: ["lambda:CreateFunction"], resources: [`arn:aws:lambda:us-west-2:${mockAccountId}:function:reports`], conditions: [] }];
        const together = policyStatementsDocument([...addonStatements, ...createFunction]);
        assert.equal(await allowedByIdentityPolicy(together, { action: "iam:PassRole", resource: `arn:aws:iam::${mockAccountId}:role/admin` }), true);
        assert.equal(await allowedByIdentityPolicy(together, { action: "lambda:CreateFunction", resource: `arn:aws:lambda:us-west-2:${mockAccountId}:function:reports` }), true);

        const beside = { label: "the statements of addon.example", statements: addonStatements };
        assert.equal(checkPolicyStatements("policyStatements", createFunction, false), undefined, "alone, creating one named function is no path");
        assert.match(
            checkPolicyStatements("policyStatements", createFunction, false, beside) ?? "",
            /^policyStatements is invalid: its statements together with the statements of addon\.example open the escalation path "pass-role-compute"/,
        );
        assert.equal(checkPolicyStatements("policyStatements", createFunction, true, beside), undefined, "the binding's own opt-in allows it");
        const readReports: ResolvedPolicyStatement[] = [{ actions: ["s3:GetObject"], resources: ["arn:aws:s3:::reports-bucket/*"], conditions: [] }];
        assert.equal(checkPolicyStatements("policyStatements", readReports, false, beside), undefined, "what the add-on opened alone is its own opt-in's");
    });

    describe("spread with addons.bindingArgsOf: the opt-in travels with the catalogue's statements, not as an argument", () => {
        const zone = "Z0123456789ABCDEFGHIJ";
        const readEveryObject = { actions: ["s3:GetObject"], resources: ["*"] };
        const payroll = "arn:aws:s3:::payroll/salaries.csv";

        before(async () => {
            const dns = addons.externalDns({ hostedZoneIds: [zone] });
            assert.equal(dns.allowBroadPermissions, true, "external-dns needs \"*\" for route53:ListHostedZones, so its statements carry the opt-in");
            // What the user's statement would grant: every object of every bucket.
            const granted = policyStatementsDocument([...dns.policyStatements, readEveryObject].map((each) => ({ ...each, conditions: [] }) as ResolvedPolicyStatement));
            assert.equal(await allowedByIdentityPolicy(granted, { action: "s3:GetObject", resource: payroll }), true);
        });

        it("refuses a statement the user adds beside the add-on's, under the user's own (absent) opt-in, naming policyStatements[i]", () => {
            const dns = addons.externalDns({ hostedZoneIds: [zone] });
            const spread = addons.bindingArgsOf(dns);
            assert.equal("allowBroadPermissions" in spread, false, "no opt-in to spread");
            const index = dns.policyStatements.length;
            for (const make of [
                (name: string) => new IrsaBinding(name, { oidcProviderArn, ...spread, policyStatements: [...spread.policyStatements, readEveryObject] }),
                (name: string) => new PodIdentityBinding(name, { clusterName: "apps", ...spread, policyStatements: [...spread.policyStatements, readEveryObject] }),
                // The opt-in written beside the spread as the add-on's own, from before this change: it is the user's, and covers the user's statements.
                (name: string) => new IrsaBinding(name, { oidcProviderArn, ...spread, policyStatements: [readEveryObject, ...spread.policyStatements], allowBroadPermissions: false }),
            ]) {
                assert.throws(() => make(uniqueName("optin-spread")), new RegExp(`policyStatements\\[(?:${index}|0)\\]\\.resources\\[0\\] "\\*" is invalid: it grants the actions on every resource`));
            }
        });

        it("refuses a copy of a catalogue statement, however alike, and permissions made by hand that claim an opt-in", () => {
            const dns = addons.externalDns({ hostedZoneIds: [zone] });
            const copied = dns.policyStatements.map((each) => ({ ...each, resources: [...each.resources] }));
            assert.throws(
                () => new IrsaBinding(uniqueName("optin-copy"), { oidcProviderArn, namespace: "external-dns", serviceAccountName: "external-dns", policyStatements: copied }),
                /policyStatements\[\d\]\.resources\[0\] "\*" is invalid: it grants the actions on every resource/,
            );
            const byHand = addons.bindingArgsOf({ ...dns, policyStatements: [readEveryObject], allowBroadPermissions: true });
            assert.throws(() => new IrsaBinding(uniqueName("optin-hand"), { oidcProviderArn, ...byHand }), /policyStatements\[0\]\.resources\[0\] "\*" is invalid/);
            // The catalogue's statements cannot be changed in place to grant more under its opt-in.
            assert.throws(() => (dns.policyStatements[0].resources as string[]).push("arn:aws:s3:::*/*"), TypeError);
            assert.throws(() => {
                (dns.policyStatements[0] as { actions: string[] }).actions = ["s3:GetObject"];
            }, TypeError);
        });

        it("refuses a role-passing statement of the user's beside karpenter's compute-starting statements", () => {
            const karpenter = addons.karpenter({ clusterName: "apps", nodeRoleArn: `arn:aws:iam::${mockAccountId}:role/karpenter-node`, interruptionQueueArn: `arn:aws:sqs:us-west-2:${mockAccountId}:apps` });
            const spread = addons.bindingArgsOf(karpenter);
            const passAnyRole = { actions: ["iam:PassRole"], resources: [`arn:aws:iam::${mockAccountId}:role/*`] };
            assert.throws(
                () => new IrsaBinding(uniqueName("optin-path"), { oidcProviderArn, ...spread, policyStatements: [...spread.policyStatements, passAnyRole] }),
                /policyStatements\[\d+\]\.actions\[0\] "iam:PassRole" is invalid: it opens the broad path "pass-any-role"/,
            );
        });

        it("judges the user's managed policies beside a spread add-on under the user's own opt-in, in a binding and in a fleet", async () => {
            const dns = addons.externalDns({ hostedZoneIds: [zone] });
            const spread = addons.bindingArgsOf(dns);
            // Before: the spread opt-in covered AdministratorAccess added beside the add-on's (none) managed policies.
            assert.throws(
                () => new IrsaBinding(uniqueName("optin-arns"), { oidcProviderArn, ...spread, policyArns: [...spread.policyArns, administratorAccess] }),
                /policyArns\[0\] "arn:aws:iam::aws:policy\/AdministratorAccess" is invalid: its document, as AWS publishes it, opens the administrator path/,
            );
            const fleetOf = (name: string, policyStatements: IrsaBindingArgs["policyStatements"]): WorkloadIdentitiesArgs => ({
                clusters: [{ name: "blue", oidcProviderArn }],
                workloads: [{ name: "dns", ...spread, policyStatements }],
                roleNamePrefix: `${name}-`,
            });
            assert.throws(
                () => new WorkloadIdentities(uniqueName("optin-fleet-spread"), fleetOf("a", [...spread.policyStatements, readEveryObject])),
                new RegExp(`workloads\\[0\\] \\(dns\\): policyStatements\\[${dns.policyStatements.length}\\]\\.resources\\[0\\] "\\*" is invalid`),
            );
            const name = uniqueName("optin-fleet-spread");
            const fleet = new WorkloadIdentities(name, fleetOf(name, spread.policyStatements));
            assert.equal((await valueOf(fleet.summary)).rolesCreated, 1, "the add-on's statements spread into a workload keep their add-on's opt-in");
        });

        it("still grants the add-on's statements spread as they are, alone or with narrow statements of the user's", async () => {
            const dns = addons.externalDns({ hostedZoneIds: [zone] });
            const spread = addons.bindingArgsOf(dns);
            const readReports = { actions: ["s3:GetObject"], resources: ["arn:aws:s3:::reports-bucket/*"] };
            const alone = new IrsaBinding(uniqueName("optin-as-is"), { oidcProviderArn, ...spread, serviceAccountMode: "annotate" });
            const narrow = new PodIdentityBinding(uniqueName("optin-narrow"), { clusterName: "apps", ...spread, policyStatements: [...spread.policyStatements, readReports] });
            assert.match(await valueOf(alone.roleArn), /^arn:aws:iam::/);
            assert.match(await valueOf(narrow.roleArn), /^arn:aws:iam::/);
            // And the user's own opt-in covers the user's own statement.
            const optedIn = new IrsaBinding(uniqueName("optin-mine"), { oidcProviderArn, ...spread, policyStatements: [...spread.policyStatements, readEveryObject], allowBroadPermissions: true });
            assert.match(await valueOf(optedIn.roleArn), /^arn:aws:iam::/);
        });
    });

    it("holds in a WorkloadIdentities fleet: a workload's own policies stay under its own opt-in, and its bindings get the add-on's permissions", async () => {
        const fleetArgs = (name: string, own: Partial<WorkloadIdentitiesArgs["workloads"][number]>): WorkloadIdentitiesArgs => ({
            clusters: [
                { name: "blue", oidcProviderArn },
                { name: "green", podIdentityClusterName: "green" },
            ],
            workloads: [{ name: "autoscaler", addon: optedInAddons[0].addon, ...own }],
            roleNamePrefix: `${name}-`,
        });
        await assertRefusedLater(
            (name, opts) => new WorkloadIdentities(name, fleetArgs(name, { policyArns: [customerPolicy(`${name}-admin`, administrator)] }), opts),
            /(?:^|: )policyArns\[0\] "arn:aws:iam::\d+:policy\/optin\d+-admin" is invalid: its document, as IAM holds it, opens the administrator path "every-action"/,
        );
        await assertRefusedLater(
            (name, opts) => new WorkloadIdentities(name, fleetArgs(name, { policyArns: [pulumi.output(administratorAccess)] }), opts),
            /(?:^|: )policyArns\[0\] "arn:aws:iam::aws:policy\/AdministratorAccess" is invalid/,
        );

        const name = uniqueName("optin-fleet");
        const fleet = new WorkloadIdentities(name, fleetArgs(name, { policyArns: ["arn:aws:iam::aws:policy/AmazonSQSReadOnlyAccess"] }));
        const summary = await valueOf(fleet.summary);
        await settled();
        assert.equal(summary.rolesCreated, 2);
        for (const role of summary.roles) {
            const registeredRole = registered.find((each) => each.type === "aws:iam/role:Role" && each.name.startsWith(`${name}-`) && each.inputs.name === role.roleName);
            assert.ok(registeredRole, role.roleName);
            const statements = inlinePolicyOf(registeredRole.inputs, "statements");
            assert.equal(await allowedByIdentityPolicy(statements, {
                action: "autoscaling:SetDesiredCapacity",
                resource: `arn:aws:autoscaling:us-west-2:${mockAccountId}:autoScalingGroup:12345678-1234-1234-1234-123456789012:autoScalingGroupName/apps-nodes`,
                context: { "aws:ResourceTag/k8s.io/cluster-autoscaler/enabled": "true", "aws:ResourceTag/k8s.io/cluster-autoscaler/apps": "owned" },
            }), true, role.roleName);
        }
        const attached = registered.filter((each) => each.type === "aws:iam/rolePolicyAttachment:RolePolicyAttachment" && each.name.startsWith(`${name}-`)).map((each) => each.inputs.policyArn);
        assert.deepEqual(attached, ["arn:aws:iam::aws:policy/AmazonSQSReadOnlyAccess", "arn:aws:iam::aws:policy/AmazonSQSReadOnlyAccess"]);
    });
});
