/**
 * The policy pack on what this package's components register, in each of their modes: a binding
 * built with the components passes every policy, advisory ones included, but for a cross-account
 * target role, which the pack cannot read and reports as advisory. And what a team opts into
 * against the components' own guard (`allowBroadPermissions`) is what a platform's pack still stops.
 */
import * as assert from "node:assert/strict";

import { IrsaBinding, IrsaBindingArgs, PodIdentityBinding, PodIdentityBindingArgs } from "../components/index";
import { Finding } from "../policy/evaluate";
import { policyFindings } from "../scripts/offline/policyFindings";
import { registered, settled, uniqueName, valueOf } from "./mocks";
import { account, otherAccount, providerArn } from "./policyPackFixtures";

const otherProviderArn = `arn:aws:iam::${account}:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/FEDCBA9876543210FEDCBA9876543210`;
const bucketArn = "arn:aws:s3:::reports-bucket";
const kmsKeyArn = `arn:aws:kms:us-west-2:${account}:key/0d4e5b6c-1111-2222-3333-444455556666`;

/** Builds a binding, waits for everything it registers, and runs the pack on it as a stack "prod" of its own. */
async function findingsFor(build: (name: string) => IrsaBinding | PodIdentityBinding): Promise<{ findings: Finding[]; types: string[] }> {
    const name = uniqueName("guarded");
    const start = registered.length;
    const binding = build(name);
    await valueOf(binding.trustPolicy);
    await valueOf(binding.roleArn);
    await settled();
    const resources = registered.slice(start).filter((resource) => resource.name === name || resource.name.startsWith(`${name}-`));
    return { findings: await policyFindings(resources, { stack: "prod", project: "guarded" }), types: resources.map((resource) => resource.type) };
}

const irsaBase: IrsaBindingArgs = { oidcProviderArn: providerArn, namespace: "apps", serviceAccountName: "reports-reader", s3Read: { bucketArns: [bucketArn] } };
const podIdentityBase: PodIdentityBindingArgs = { clusterName: "apps", namespace: "apps", serviceAccountName: "reports-reader", s3Read: { bucketArns: [bucketArn] } };

/** The findings a mode is expected to have, as policy, level and a pattern of the message: none, unless it says so. */
type Expected = [string, string, RegExp][];

const modes: { mode: string; build: (name: string) => IrsaBinding | PodIdentityBinding; registers: string[]; expected?: Expected }[] = [
    {
        mode: "IRSA, ServiceAccount created, reader",
        build: (name) => new IrsaBinding(name, irsaBase),
        registers: ["aws:iam/role:Role", "kubernetes:core/v1:ServiceAccount", "kubernetes:apps/v1:Deployment"],
    },
    {
        mode: "IRSA, existing ServiceAccount annotated, several clusters, prefixes and a KMS key",
        build: (name) =>
            new IrsaBinding(name, {
                ...irsaBase,
                serviceAccountMode: "annotate",
                additionalOidcProviderArns: [otherProviderArn],
                s3Read: { bucketArns: [bucketArn], keyPrefixes: ["reports/"], kmsKeyArns: [kmsKeyArn] },
                reader: { enabled: false },
            }),
        registers: ["kubernetes:core/v1:ServiceAccountPatch"],
    },
    {
        mode: "IRSA, role only, more ServiceAccounts and patterns, typed statements, a narrow managed policy",
        build: (name) =>
            new IrsaBinding(name, {
                oidcProviderArn: providerArn,
                namespace: "crossplane-system",
                serviceAccountName: "provider-aws",
                serviceAccountMode: "none",
                additionalServiceAccounts: [
                    { namespace: "crossplane-system", serviceAccountName: "provider-aws-*" },
                    { namespace: "tools", serviceAccountName: "*" },
                    { namespace: "batch", serviceAccountName: "importer" },
                ],
                allowServiceAccountPatterns: true,
                policyStatements: [
                    { actions: ["route53:ChangeResourceRecordSets"], resources: ["arn:aws:route53:::hostedzone/Z0123456789"], conditions: [{ test: "ForAllValues:StringEquals", variable: "route53:ChangeResourceRecordSetsRecordTypes", values: ["TXT"] }] },
                ],
                policyArns: ["arn:aws:iam::aws:policy/AmazonSQSReadOnlyAccess"],
                reader: { enabled: false },
            }),
        registers: ["aws:iam/rolePolicyAttachment:RolePolicyAttachment"],
    },
    {
        mode: "Pod Identity, ServiceAccount created, reader",
        build: (name) => new PodIdentityBinding(name, podIdentityBase),
        registers: ["aws:eks/podIdentityAssociation:PodIdentityAssociation", "kubernetes:core/v1:ServiceAccount", "kubernetes:apps/v1:Deployment"],
    },
    {
        mode: "Pod Identity, existing ServiceAccount annotated, a fleet, more ServiceAccounts, typed statements",
        build: (name) =>
            new PodIdentityBinding(name, {
                ...podIdentityBase,
                serviceAccountMode: "annotate",
                additionalClusterNames: ["apps-blue"],
                additionalServiceAccounts: [{ namespace: "batch", serviceAccountName: "importer" }],
                policyStatements: [{ actions: ["sqs:ReceiveMessage", "sqs:DeleteMessage"], resources: [`arn:aws:sqs:us-west-2:${account}:jobs`] }],
                reader: { enabled: false },
            }),
        registers: ["aws:eks/podIdentityAssociation:PodIdentityAssociation"],
    },
    {
        mode: "Pod Identity, role only, cross-account target role",
        build: (name) =>
            new PodIdentityBinding(name, {
                clusterName: "apps",
                namespace: "apps",
                serviceAccountName: "exporter",
                serviceAccountMode: "none",
                targetRoleArn: `arn:aws:iam::${otherAccount}:role/exporter`,
                reader: { enabled: false },
            }),
        registers: ["aws:iam/role:Role", "aws:eks/podIdentityAssociation:PodIdentityAssociation"],
        // The target role is in another account: the pack cannot judge what it grants, and says so (advisory).
        expected: [["workload-role-no-full-access-policy", "advisory", /^"arn:aws:iam::210987654321:role\/exporter" is a role this stack does not hold, and pods reach it: .*\(its targetRoleArn\)/m]],
    },
];

describe("policy pack: the components in each mode", () => {
    for (const { mode, build, registers, expected = [] } of modes) {
        it(`${mode}: ${expected.length === 0 ? "no violation" : "only the advisory findings it expects"}`, async () => {
            const { findings, types } = await findingsFor(build);
            for (const type of ["aws:iam/role:Role", ...registers]) {
                assert.ok(types.includes(type), `the mode registers ${type} (registered: ${types.join(", ")})`);
            }
            assert.deepEqual(findings.map((finding) => [finding.policyName, finding.enforcementLevel]), expected.map(([policy, level]) => [policy, level]), JSON.stringify(findings));
            findings.forEach((finding, index) => assert.match(finding.message, expected[index][2]));
        });
    }

    it("what a team opts into with allowBroadPermissions, the platform's pack stops", async () => {
        const { findings } = await findingsFor(
            (name) =>
                new IrsaBinding(name, {
                    ...irsaBase,
                    reader: { enabled: false },
                    allowBroadPermissions: true,
                    policyArns: ["arn:aws:iam::aws:policy/AdministratorAccess"],
                    policyStatements: [{ actions: ["*"], resources: ["*"] }],
                }),
        );
        assert.deepEqual(
            findings.map((finding) => [finding.policyName, finding.enforcementLevel]),
            [
                ["iam-inline-policy-no-wildcard-action", "mandatory"],
                ["workload-role-no-administrator-policy", "mandatory"],
                ["workload-role-no-administrator-policy", "mandatory"],
            ],
        );
        // At each resource that grants it, where `pulumi up` stops: the role (its inline statements), then the attachment.
        assert.match(findings[1].message, new RegExp(`aws:iam/role:Role "guarded\\d+" is a workload role .*the administrator path "every-action" .*inlinePolicies\\[\\d\\] \\(statements\\) Statement\\[0\\] grants every action`));
        assert.equal(findings[1].urn, findings[0].urn, "on the role itself");
        assert.match(findings[2].message, /attaches arn:aws:iam::aws:policy\/AdministratorAccess/);
        assert.match(findings[2].urn ?? "", /RolePolicyAttachment/);
    });
});
