/**
 * Switches that decide what a role grants or admits (`allowBroadPermissions`,
 * `allowServiceAccountPatterns`, `disableSessionTags`, `reader.enabled`, the add-ons' scope switches)
 * are plain `true` or `false`: an Output (a secret, or a value of another resource) is refused before
 * anything is created, naming the field, instead of reading as `true`.
 */
import * as assert from "node:assert/strict";

import * as pulumi from "@pulumi/pulumi";

import { addons, IrsaBinding, IrsaBindingArgs, PodIdentityBinding, PolicyDocument, webIdentityTrustPolicy } from "../components/index";
import { planFleet } from "../components/fleet/plan";
import { allowedByTrustPolicy } from "./iamEvaluator";
import { mockAccountId, refusals } from "./mocks";

const issuer = "oidc.eks.us-west-2.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE";
const oidcProviderArn = `arn:aws:iam::${mockAccountId}:oidc-provider/${issuer}`;
const plainSwitch = /is invalid: expected true or false as a plain value, known before anything is created \(not an Output or a secret\)/;

describe("switches that decide what a role grants or admits are plain booleans", function () {
    this.timeout(60000);

    it("refuses an Output or a secret for the bindings' switches, naming the field, and creates nothing", async () => {
        const irsa = refusals("eks-irsa:index:IrsaBinding");
        const base = { oidcProviderArn, namespace: "apps", serviceAccountName: "api", serviceAccountMode: "none", reader: { enabled: false } };
        irsa.assertRefused(
            (name) => new IrsaBinding(name, { ...base, allowBroadPermissions: pulumi.output(false) as unknown as boolean, policyStatements: [{ actions: ["*"], resources: ["*"] }] }),
            new RegExp(`^allowBroadPermissions ${plainSwitch.source}`),
        );
        irsa.assertRefused(
            (name) => new IrsaBinding(name, { ...base, allowBroadPermissions: pulumi.secret(true) as unknown as boolean }),
            new RegExp(`^allowBroadPermissions ${plainSwitch.source}`),
        );
        irsa.assertRefused(
            (name) =>
                new IrsaBinding(name, {
                    ...base,
                    allowServiceAccountPatterns: pulumi.output(false) as unknown as boolean,
                    additionalServiceAccounts: [{ namespace: "kube-system", serviceAccountName: "*" }],
                }),
            new RegExp(`^allowServiceAccountPatterns ${plainSwitch.source}`),
        );
        irsa.assertRefused(
            (name) => new IrsaBinding(name, { ...base, serviceAccountMode: "create", s3Read: { bucketArns: ["arn:aws:s3:::reports-bucket"] }, reader: { enabled: pulumi.output(false) as unknown as boolean } }),
            new RegExp(`^reader\\.enabled ${plainSwitch.source}`),
        );
        await irsa.assertNoChildRegistered();

        const podIdentity = refusals("eks-irsa:index:PodIdentityBinding");
        podIdentity.assertRefused(
            (name) => new PodIdentityBinding(name, { clusterName: "apps", namespace: "apps", serviceAccountName: "api", serviceAccountMode: "none", disableSessionTags: pulumi.output(false) as unknown as boolean }),
            new RegExp(`^disableSessionTags ${plainSwitch.source}`),
        );
        await podIdentity.assertNoChildRegistered();
    });

    it("refuses a list that is one Output (as other languages' SDKs send secrets and unknowns), and subjects that are not plain strings, naming the field", async () => {
        const irsa = refusals("eks-irsa:index:IrsaBinding");
        const base = { oidcProviderArn, namespace: "apps", serviceAccountName: "api", serviceAccountMode: "none", reader: { enabled: false } };
        const whole = <T>(value: T): T => pulumi.secret(value) as unknown as T;
        const plainList = "is invalid: expected a list held by the program, not one value not known yet or secret as a whole \\(an Output\\)";
        // Before: a whole-Output list of statements was dropped without a word (the role got no statements policy),
        // a whole-Output policyArns or subject list failed as a TypeError, and an Output subject name as "name.includes is not a function".
        const cases: [string, Partial<IrsaBindingArgs>][] = [
            ["policyStatements", { policyStatements: whole([{ actions: ["s3:GetObject"], resources: ["*"] }]) }],
            ["policyStatements\\[0\\]\\.resources", { policyStatements: [{ actions: ["s3:GetObject"], resources: whole(["*"]) }] }],
            ["policyStatements\\[0\\]\\.conditions", { policyStatements: [{ actions: ["s3:GetObject"], resources: ["arn:aws:s3:::*/*"], conditions: whole([{ test: "StringLike", variable: "aws:ResourceTag/team", values: ["*"] }]) }] }],
            ["policyArns", { policyArns: whole(["arn:aws:iam::aws:policy/AdministratorAccess"]) }],
            ["additionalServiceAccounts", { additionalServiceAccounts: whole([{ namespace: "kube-system", serviceAccountName: "default" }]) }],
            ["s3Read\\.keyPrefixes", { s3Read: { bucketArns: ["arn:aws:s3:::reports-bucket"], keyPrefixes: whole(["daily/"]) } }],
        ];
        for (const [field, args] of cases) {
            irsa.assertRefused((name) => new IrsaBinding(name, { ...base, ...args }), new RegExp(`^${field} ${plainList}`));
        }
        irsa.assertRefused(
            (name) => new IrsaBinding(name, { ...base, additionalServiceAccounts: [{ namespace: "kube-system", serviceAccountName: pulumi.secret("default") as unknown as string }] }),
            /^additionalServiceAccounts\[0\]\.serviceAccountName is invalid: expected a plain string, known before anything is created/,
        );
        irsa.assertRefused(
            (name) => new IrsaBinding(name, { ...base, audience: pulumi.output("sts.amazonaws.com") as unknown as string }),
            /^audience is invalid: expected a plain string, known before anything is created/,
        );
        await irsa.assertNoChildRegistered();
        // Near miss: Outputs inside the entries, where their fields take them, are checked once known.
        const accepted = new IrsaBinding(`plain-lists-${Date.now()}`, {
            ...base,
            policyStatements: [{ actions: ["s3:GetObject"], resources: [pulumi.secret("arn:aws:s3:::reports-bucket/daily/*")] }],
            policyArns: [pulumi.output("arn:aws:iam::aws:policy/AmazonSQSReadOnlyAccess")],
        });
        assert.ok(accepted.role);
    });

    it("is why: the pattern a truthy Output would have let in admits every ServiceAccount of the namespace", async () => {
        const trust: PolicyDocument = webIdentityTrustPolicy({
            providers: [{ arn: oidcProviderArn, issuer }],
            subjects: [{ namespace: "kube-system", serviceAccountName: "*" }],
            audience: "sts.amazonaws.com",
        });
        const admitted = await allowedByTrustPolicy(trust, {
            principal: oidcProviderArn,
            action: "sts:AssumeRoleWithWebIdentity",
            roleArn: `arn:aws:iam::${mockAccountId}:role/api`,
            context: { [`${issuer}:sub`]: "system:serviceaccount:kube-system:anything-at-all", [`${issuer}:aud`]: "sts.amazonaws.com" },
        });
        assert.equal(admitted, true);
    });

    it("refuses an Output for a fleet workload's opt-in and for the add-ons' scope switches", () => {
        const { problem } = planFleet({
            clusters: [{ name: "blue", oidcProviderArn }],
            workloads: [{ name: "api", namespace: "apps", serviceAccountName: "api", allowBroadPermissions: pulumi.output(false) as unknown as boolean }],
        });
        assert.match(problem ?? "", new RegExp(`^workloads\\[0\\] \\(api\\): allowBroadPermissions ${plainSwitch.source}`));

        const caArn = `arn:aws:acm-pca:us-west-2:${mockAccountId}:certificate-authority/12345678-1234-1234-1234-123456789012`;
        assert.throws(
            () => addons.privateCaIssuer({ certificateAuthorityArns: [caArn], allowSubordinateCertificateAuthorities: pulumi.output(false) as unknown as boolean }),
            new RegExp(`privateCaIssuer\\.allowSubordinateCertificateAuthorities ${plainSwitch.source}`),
        );
        assert.throws(() => addons.mountpointS3CsiDriver({ bucketArns: ["arn:aws:s3:::reports-bucket"], readOnly: pulumi.output(true) as unknown as boolean }), /mountpointS3CsiDriver\.readOnly is invalid/);
        assert.throws(
            () => new IrsaBinding("switch-in-addon", { oidcProviderArn, addon: { certManager: { hostedZoneIds: ["Z0123456789ABCDEFGHIJ"], listHostedZonesByName: pulumi.output(false) as unknown as boolean } } }),
            (error: unknown) => error instanceof pulumi.ResourceError && /^addon\.certManager\.listHostedZonesByName is invalid: expected true or false/.test(error.message),
        );
        // Plain values are as before.
        assert.equal(addons.privateCaIssuer({ certificateAuthorityArns: [caArn], allowSubordinateCertificateAuthorities: false }).policyStatements.length > 0, true);
    });
});
