/**
 * Customer-managed policies in `policyArns`: the bindings read each one's default version from IAM
 * and judge it with the escalation model the pack uses. Whether a document grants something is
 * decided by the IAM evaluator, never by the code under test.
 */
import * as assert from "node:assert/strict";

import * as pulumi from "@pulumi/pulumi";

import { IrsaBinding, IrsaBindingArgs, PodIdentityBinding, PolicyDocument } from "../components/index";
import { evaluatePolicies } from "../policy/evaluate";
import { policies } from "../policy/pack";
import { allowedByIdentityPolicy } from "./iamEvaluator";
import { customerPolicy, customerPolicyText, documentOf, mockAccountId, registered, settled, uniqueName, valueOf } from "./mocks";
import { findingsOf, resource, role as roleResource } from "./policyPackFixtures";

const providerArn = `arn:aws:iam::${mockAccountId}:oidc-provider/oidc.eks.us-west-2.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE`;
const bucketArn = "arn:aws:s3:::reports-bucket";

function irsaArgs(overrides: Partial<IrsaBindingArgs> = {}): IrsaBindingArgs {
    return { oidcProviderArn: providerArn, namespace: "apps", serviceAccountName: "reports-reader", serviceAccountMode: "none", reader: { enabled: false }, ...overrides };
}


function typesRegisteredAs(name: string): string[] {
    return registered.filter((each) => each.name === name || each.name.startsWith(`${name}-`)).map((each) => each.type);
}

/** The options of a binding that hand back its role's trust policy input: the role waits for the customer policies' judgement through it. */
function capturingRoleTrust(): { opts: pulumi.ComponentResourceOptions; trust: () => pulumi.Output<string> } {
    let trust: pulumi.Output<string> | undefined;
    return {
        opts: {
            transformations: [
                ({ type, props }) => {
                    if (type === "aws:iam/role:Role") {
                        trust = pulumi.output(props.assumeRolePolicy as pulumi.Input<string>);
                    }
                    return undefined;
                },
            ],
        },
        trust: () => trust ?? assert.fail("the binding made no role"),
    };
}

/** A binding that must be refused: the role's input fails with the message, and neither the role nor an attachment is registered. */
async function assertRefused(construct: (name: string, opts: pulumi.ComponentResourceOptions) => unknown, message: RegExp): Promise<void> {
    const name = uniqueName("customer");
    const { opts, trust } = capturingRoleTrust();
    construct(name, opts);
    await assert.rejects(valueOf(trust()), (error: unknown) => error instanceof pulumi.ResourceError && message.test(error.message));
    await settled();
    const created = typesRegisteredAs(name).filter((type) => type === "aws:iam/role:Role" || type === "aws:iam/rolePolicyAttachment:RolePolicyAttachment");
    assert.deepEqual(created, [], "nothing that grants is created");
}

describe("customer-managed policies in policyArns, judged by their documents", () => {
    it("refuses documents that open a path of the escalation model, whatever their spelling, naming the entry and the path", async () => {
        const everything = documentOf({ Effect: "Allow", Action: "*", Resource: "*" });
        assert.equal(await allowedByIdentityPolicy(everything, { action: "iam:CreateUser", resource: `arn:aws:iam::${mockAccountId}:user/intruder` }), true);
        await assertRefused(
            (name, opts) => new IrsaBinding(name, irsaArgs({ policyArns: ["arn:aws:iam::aws:policy/AmazonSQSReadOnlyAccess", customerPolicy(`${name}-everything`, everything)] }), opts),
            /policyArns\[1\] "arn:aws:iam::\d+:policy\/customer\d+-everything" is invalid: its document, as IAM holds it, opens the administrator path "every-action" .*Statement\[0\] grants every action/,
        );

        const putRolePolicy = documentOf({ Effect: "Allow", Action: "iam:Put?olePolicy", Resource: "*" });
        assert.equal(await allowedByIdentityPolicy(putRolePolicy, { action: "iam:PutRolePolicy", resource: `arn:aws:iam::${mockAccountId}:role/any` }), true);
        await assertRefused((name, opts) => new IrsaBinding(name, irsaArgs({ policyArns: [customerPolicy(`${name}-put`, putRolePolicy)] }), opts), /policyArns\[0\] .* opens the escalation path "iam-policy-write"/);

        const passAndRun = documentOf({ Effect: "Allow", Action: "iam:PassRole", Resource: "*" }, { Effect: "Allow", Action: "ec2:RunInstances", Resource: "*" });
        assert.equal(await allowedByIdentityPolicy(passAndRun, { action: "iam:PassRole", resource: `arn:aws:iam::${mockAccountId}:role/admin`, context: { "iam:PassedToService": "ec2.amazonaws.com" } }), true);
        await assertRefused(
            (name, opts) => new PodIdentityBinding(name, { clusterName: "demo", namespace: "apps", serviceAccountName: "api", serviceAccountMode: "none", reader: { enabled: false }, policyArns: [customerPolicy(`${name}-pass`, passAndRun)] }, opts),
            /policyArns\[0\] .* opens the escalation path "pass-role-compute"/,
        );
    });

    it("refuses documents that reach every resource, as the bindings' own statements may not: \"*\", NotResource, names all wildcards", async () => {
        const secret = `arn:aws:secretsmanager:us-west-2:${mockAccountId}:secret:prod/db-AbCdEf`;
        const documents: [string, PolicyDocument, RegExp][] = [
            ["every", documentOf({ Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: "*" }), /grants in Statement\[0\] "\*": it grants the actions on every resource of the account/],
            ["not", documentOf({ Effect: "Allow", Action: "secretsmanager:GetSecretValue", NotResource: "arn:aws:secretsmanager:*:*:secret:audit-*" }), /grants in Statement\[0\] "NotResource .*": it grants the actions on every resource of the account but those/],
            ["names", documentOf({ Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: "arn:aws:secretsmanager:*:*:secret:*-??????" }), /grants in Statement\[0\] ".*": its names are all wildcards, so it matches every secretsmanager:secret resource/],
        ];
        for (const [label, document, message] of documents) {
            assert.equal(await allowedByIdentityPolicy(document, { action: "secretsmanager:GetSecretValue", resource: secret }), true, label);
            await assertRefused((name, opts) => new IrsaBinding(name, irsaArgs({ policyArns: [customerPolicy(`${name}-${label}`, document)] }), opts), new RegExp(`policyArns\\[0\\] .* is invalid: its document, as IAM holds it, ${message.source}`));
        }
        // Bounded by the secrets' tags: the same wildcard names reach only the team's secrets.
        const tagged = documentOf({ Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: "arn:aws:secretsmanager:*:*:secret:*", Condition: { StringEquals: { "aws:ResourceTag/team": "reports" } } });
        assert.equal(await allowedByIdentityPolicy(tagged, { action: "secretsmanager:GetSecretValue", resource: secret, context: { "aws:ResourceTag/team": "payroll" } }), false);
        const name = uniqueName("customer-tagged");
        const binding = new IrsaBinding(name, irsaArgs({ policyArns: [customerPolicy(`${name}-tagged`, tagged)] }));
        assert.match(await valueOf(binding.roleArn), /^arn:aws:iam::/);
    });

    it("refuses a document it cannot read, before the role exists", async () => {
        await assertRefused(
            (name, opts) => new IrsaBinding(name, irsaArgs({ policyArns: [customerPolicy(`${name}-garbled`, { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: 5, Resource: "*" }] })] }), opts),
            /policyArns\[0\] .* is invalid: its document, as IAM holds it, has a Statement\[0\] whose Action is not a string .*cannot be judged/,
        );
    });

    it("refuses a document that names a key twice (its first Action grants every action, the last one reads one bucket), before the role exists", async () => {
        const text = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Action":"s3:GetObject","Resource":"${bucketArn}/*"}]}`;
        assert.equal(await allowedByIdentityPolicy(documentOf({ Effect: "Allow", Action: "*", Resource: `${bucketArn}/*` }), { action: "s3:DeleteObject", resource: `${bucketArn}/report` }), true);
        await assertRefused(
            (name, opts) => new IrsaBinding(name, irsaArgs({ policyArns: [customerPolicyText(`${name}-twice`, text)] }), opts),
            /policyArns\[0\] .* is invalid: its document, as IAM holds it, names the key "Action" twice in Statement\[0\]: which one IAM keeps is not documented.*cannot be judged/,
        );
    });

    it("refuses a policy IAM does not hold, naming the entry the binding was given, the rule and IAM's answer, before the role exists", async () => {
        const missing = `arn:aws:iam::${mockAccountId}:policy/team/not-there`;
        await assertRefused(
            (name, opts) => new IrsaBinding(name, irsaArgs({ policyArns: ["arn:aws:iam::aws:policy/AmazonSQSReadOnlyAccess", missing] }), opts),
            /policyArns\[1\] "arn:aws:iam::\d+:policy\/team\/not-there" is invalid: IAM holds no policy of that ARN \(NoSuchEntity\).*NoSuchEntity: Policy .* does not exist.*judged by its document .* before the role is created.*allowBroadPermissions/,
        );
        // Known only later, and behind an add-on's own policies: the entry is named as the binding's arguments name it.
        await assertRefused(
            (name, opts) => new PodIdentityBinding(name, { clusterName: "demo", addon: { ebsCsiDriver: {} }, serviceAccountMode: "none", reader: { enabled: false }, policyArns: [pulumi.output(missing)] }, opts),
            /policyArns\[0\] "arn:aws:iam::\d+:policy\/team\/not-there" is invalid: IAM holds no policy of that ARN/,
        );
    });

    it("judges an ARN known only later (a policy of the same stack) once it is known", async () => {
        const everything = documentOf({ Effect: "Allow", NotAction: "sts:GetCallerIdentity", Resource: "*" });
        assert.equal(await allowedByIdentityPolicy(everything, { action: "iam:AttachRolePolicy", resource: `arn:aws:iam::${mockAccountId}:role/any` }), true);
        await assertRefused(
            (name, opts) => new IrsaBinding(name, irsaArgs({ policyArns: [pulumi.output(customerPolicy(`${name}-later`, everything))] }), opts),
            /policyArns\[0\] .* opens the administrator path/,
        );
    });

    it("near misses: a narrow customer policy is attached; allowBroadPermissions accepts a broad one without a read", async () => {
        const read = documentOf({ Effect: "Allow", Action: ["s3:GetObject", "s3:ListBucket"], Resource: [bucketArn, `${bucketArn}/*`] });
        assert.equal(await allowedByIdentityPolicy(read, { action: "s3:GetObject", resource: `${bucketArn}/report.csv` }), true);
        assert.equal(await allowedByIdentityPolicy(read, { action: "s3:PutObject", resource: `${bucketArn}/report.csv` }), false);
        assert.equal(await allowedByIdentityPolicy(read, { action: "iam:CreateUser", resource: `arn:aws:iam::${mockAccountId}:user/intruder` }), false);
        const name = uniqueName("customer");
        const policyArn = customerPolicy(`${name}-read`, read);
        const narrow = new IrsaBinding(name, irsaArgs({ policyArns: [policyArn] }));
        assert.match(await valueOf(narrow.roleArn), /^arn:aws:iam::\d+:role\//);
        await settled();
        const attachment = registered.find((each) => each.type === "aws:iam/rolePolicyAttachment:RolePolicyAttachment" && each.name.startsWith(`${name}-`));
        assert.equal(attachment?.inputs.policyArn, policyArn);

        // Opted in: a policy IAM does not hold shows that no read is made.
        const broad = new IrsaBinding(uniqueName("customer"), irsaArgs({ allowBroadPermissions: true, policyArns: [`arn:aws:iam::${mockAccountId}:policy/not-read`] }));
        assert.match(await valueOf(broad.roleArn), /^arn:aws:iam::\d+:role\//);
    });

    it("agrees with the pack: the same document refused by the component is a mandatory violation on a workload role of a stack", async () => {
        const keys = documentOf({ Effect: "Allow", Action: ["iam:CreateAccessKey", "iam:CreateLoginProfile"], Resource: `arn:aws:iam::${mockAccountId}:user/*` });
        assert.equal(await allowedByIdentityPolicy(keys, { action: "iam:CreateAccessKey", resource: `arn:aws:iam::${mockAccountId}:user/admin` }), true);
        await assertRefused((name, opts) => new IrsaBinding(name, irsaArgs({ policyArns: [customerPolicy(`${name}-keys`, keys)] }), opts), /policyArns\[0\] .* opens the escalation path "user-credentials"/);
        const trust = documentOf({ Effect: "Allow", Principal: { Federated: providerArn }, Action: "sts:AssumeRoleWithWebIdentity", Condition: { StringEquals: { [`${providerArn.split("oidc-provider/")[1]}:sub`]: "system:serviceaccount:apps:api", [`${providerArn.split("oidc-provider/")[1]}:aud`]: "sts.amazonaws.com" } } });
        const findings = await evaluatePolicies(policies, [
            roleResource("prod", "api", trust),
            resource("prod", "aws:iam/policy:Policy", "keys", { name: "keys", policy: JSON.stringify(keys) }),
            resource("prod", "aws:iam/rolePolicyAttachment:RolePolicyAttachment", "keys", { role: "api", policyArn: `arn:aws:iam::${mockAccountId}:policy/keys` }),
        ]);
        assert.match(findingsOf(findings, "workload-role-no-administrator-policy").join("\n"), /^mandatory: .* the escalation path "user-credentials"/);
    });
});
