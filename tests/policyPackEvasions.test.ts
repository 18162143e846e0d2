/**
 * Ways around the pack a red-team found, each closed: an input that got through with no mandatory
 * violation is now refused, naming the resource (and the statement where there is one), and a near
 * miss stays allowed. What IAM admits or grants is decided by the IAM evaluator, never by the code
 * under test.
 */
import * as assert from "node:assert/strict";

import { PolicyDocument } from "../components/index";
import { evaluatePolicies, PlainResource } from "../policy/evaluate";
import { policies } from "../policy/pack";
import { allowedByIdentityPolicy, allowedToAssumeRole } from "./iamEvaluator";
import { account, document, findingsOf, irsaStatement, otherAccount, resource, role } from "./policyPackFixtures";

const stack = "prod";
const arnOf = (name: string): string => `arn:aws:iam::${account}:role/${name}`;
const workloadTrust = document(irsaStatement());
const administratorAccess = "arn:aws:iam::aws:policy/AdministratorAccess";

async function administrator(...resources: PlainResource[]): Promise<string[]> {
    return findingsOf(await evaluatePolicies(policies, resources), "workload-role-no-administrator-policy");
}

describe("policy pack evasions: role chaining through a role-session principal", () => {
    const session = (roleName: string, name = "pod"): string => `arn:aws:sts::${account}:assumed-role/${roleName}/${name}`;
    const sessionTrust = (principal: string): PolicyDocument => document({ Effect: "Allow", Principal: { AWS: principal }, Action: "sts:AssumeRole" }) as PolicyDocument;
    const adminRole = (trust: PolicyDocument): PlainResource => role(stack, "admin", trust, { arn: arnOf("admin"), managedPolicyArns: [administratorAccess] });

    it("a role whose trust names a session of the workload role is reached by its pods, who choose the session name", async () => {
        assert.equal(await allowedToAssumeRole({ caller: session("api"), callerPolicies: [], roleArn: arnOf("admin"), trustPolicy: sessionTrust(session("api")) }), true);
        for (const principal of [session("api"), session("api", "*"), `arn:aws:sts::${account}:assumed-role/ap?/x`]) {
            const found = await administrator(role(stack, "api", workloadTrust, { arn: arnOf("api") }), adminRole(sessionTrust(principal)));
            assert.equal(found.length, 1, `${principal}: ${found.join("\n")}`);
            assert.match(found[0], /^mandatory: aws:iam\/role:Role "admin" is a workload role \(pods reach it by role chaining from aws:iam\/role:Role "api" .*admits aws:iam\/role:Role "api" to sts:AssumeRole by name.*attaches arn:aws:iam::aws:policy\/AdministratorAccess/);
        }
    });

    it("near miss: a trust naming a session of a role pods cannot hold, or of the workload role's name in another account", async () => {
        const reader = role(stack, "reader", document({ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }), { arn: arnOf("reader") });
        const api = role(stack, "api", workloadTrust, { arn: arnOf("api") });
        assert.deepEqual(await administrator(api, reader, adminRole(sessionTrust(session("reader")))), []);
        assert.deepEqual(await administrator(api, adminRole(sessionTrust("arn:aws:sts::210987654321:assumed-role/api/pod"))), []);
        assert.equal(await allowedToAssumeRole({ caller: session("api"), callerPolicies: [], roleArn: arnOf("admin"), trustPolicy: sessionTrust(session("reader")) }), false);
    });
});

describe("policy pack evasions: a managed policy is matched by its ARN, account included", () => {
    const readOps = document({ Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::ops/*" });
    const attachOps = (policyAccount: string): PlainResource =>
        resource(stack, "aws:iam/rolePolicyAttachment:RolePolicyAttachment", "att", { role: "api", policyArn: `arn:aws:iam::${policyAccount}:policy/ops` });

    it("a template's inline AWS::IAM::Policy named like the attached managed policy does not stand in for it", async () => {
        const template = JSON.stringify({
            Resources: {
                Ops: { Type: "AWS::IAM::Group", Properties: {} },
                Inline: { Type: "AWS::IAM::Policy", Properties: { PolicyName: "ops", Groups: [{ Ref: "Ops" }], PolicyDocument: readOps } },
            },
        });
        const found = await administrator(role(stack, "api", workloadTrust, { arn: arnOf("api") }), resource(stack, "aws:cloudformation/stack:Stack", "cfn", { templateBody: template }), attachOps(account));
        assert.equal(found.length, 1, found.join("\n"));
        assert.match(found[0], /^mandatory: aws:iam\/role:Role "api" is a workload role .*aws:iam\/rolePolicyAttachment:RolePolicyAttachment "att" policyArn cannot be judged: it attaches arn:aws:iam::123456789012:policy\/ops, a customer-managed policy this stack does not hold/);
    });

    it("a policy of the same name in another account is another policy", async () => {
        const ops = resource(stack, "aws:iam/policy:Policy", "ops", { name: "ops", arn: `arn:aws:iam::${otherAccount}:policy/ops`, policy: JSON.stringify(readOps) });
        const found = await administrator(role(stack, "api", workloadTrust, { arn: arnOf("api") }), ops, attachOps(account));
        assert.equal(found.length, 1, found.join("\n"));
        assert.match(found[0], /"att" policyArn cannot be judged: it attaches arn:aws:iam::123456789012:policy\/ops, a customer-managed policy this stack does not hold/);
    });

    it("near misses: the stack's own managed policy of that name, by ARN, or by name before its ARN is known; a template's managed policy", async () => {
        const api = role(stack, "api", workloadTrust, { arn: arnOf("api") });
        assert.deepEqual(await administrator(api, resource(stack, "aws:iam/policy:Policy", "ops", { name: "ops", arn: `arn:aws:iam::${account}:policy/team/ops`, policy: JSON.stringify(readOps) }), attachOps(account)), []);
        assert.deepEqual(await administrator(api, resource(stack, "aws:iam/policy:Policy", "ops", { name: "ops", policy: JSON.stringify(readOps) }), attachOps(account)), []);
        const template = JSON.stringify({ Resources: { Ops: { Type: "AWS::IAM::ManagedPolicy", Properties: { ManagedPolicyName: "ops", PolicyDocument: readOps } } } });
        assert.deepEqual(await administrator(api, resource(stack, "aws:cloudformation/stack:Stack", "cfn", { templateBody: template }), attachOps(account)), []);
    });
});

describe("policy pack evasions: a grant to several roles, one of them the stack's", () => {
    const reader = role(stack, "reader", document({ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }), { arn: arnOf("reader") });
    const putRolePolicy = document({ Effect: "Allow", Action: "iam:PutRolePolicy", Resource: "*" }) as PolicyDocument;

    it("judges the role the stack does not hold as it judges a grant to such a role alone", async () => {
        assert.equal(await allowedByIdentityPolicy(putRolePolicy, { action: "iam:PutRolePolicy", resource: arnOf("irsa-made-elsewhere") }), true);
        const attachment = resource(stack, "aws:iam/policyAttachment:PolicyAttachment", "pa", { roles: ["reader", "irsa-made-elsewhere"], policyArn: administratorAccess });
        const found = await administrator(reader, attachment);
        assert.equal(found.length, 1, found.join("\n"));
        assert.match(found[0], /^mandatory: the role irsa-made-elsewhere is a workload role \(it is not a role of this stack.*\) and .*aws:iam\/policyAttachment:PolicyAttachment "pa" policyArn attaches arn:aws:iam::aws:policy\/AdministratorAccess/);
        const managed = resource(stack, "aws-native:iam:ManagedPolicy", "mp", { roles: ["reader", "irsa-made-elsewhere"], policyDocument: putRolePolicy });
        const native = await administrator(reader, managed);
        assert.equal(native.length, 1, native.join("\n"));
        assert.match(native[0], /^mandatory: the role irsa-made-elsewhere is a workload role .*the escalation path "iam-policy-write" .*aws-native:iam:ManagedPolicy "mp" Statement\[0\]/);
    });

    it("near miss: an attachment to roles the stack holds, none of which pods can assume", async () => {
        const writer = role(stack, "writer", document({ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }), { arn: arnOf("writer") });
        assert.deepEqual(await administrator(reader, writer, resource(stack, "aws:iam/policyAttachment:PolicyAttachment", "pa", { roles: ["reader", arnOf("writer")], policyArn: administratorAccess })), []);
    });
});
