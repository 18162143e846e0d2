/**
 * Role chaining inside a stack: a workload role that may assume another role of the stack hands the
 * pods that role's permissions. Whether IAM lets one role assume the other, and what the target may
 * do, is decided by the IAM evaluator, never by the code under test.
 */
import * as assert from "node:assert/strict";

import { PolicyDocument } from "../components/index";
import { evaluatePolicies, PlainResource } from "../policy/evaluate";
import { policies } from "../policy/pack";
import { allowedByIdentityPolicy, allowedToAssumeRole } from "./iamEvaluator";
import { account, document, findingsOf, irsaStatement, otherAccount, readOneBucket, resource, role, roleArnOf as arnOf } from "./policyPackFixtures";

const stack = "prod";
const trustOf = (...principals: string[]): PolicyDocument => document({ Effect: "Allow", Principal: { AWS: principals.length === 1 ? principals[0] : principals }, Action: "sts:AssumeRole" }) as PolicyDocument;
const accountRoot = `arn:aws:iam::${account}:root`;
const admin = document({ Effect: "Allow", Action: "*", Resource: "*" }) as PolicyDocument;
const putRolePolicy = document({ Effect: "Allow", Action: "iam:PutRolePolicy", Resource: "*" }) as PolicyDocument;
const assume = (action: string | string[], ...roleNames: string[]): PolicyDocument =>
    document({ Effect: "Allow", Action: action, Resource: roleNames.length === 1 ? arnOf(roleNames[0]) : roleNames.map(arnOf) }) as PolicyDocument;

/** A role as the engine shows it at the end of an update: its name and ARN known, with inline policies. */
function stackRole(name: string, trust: unknown, ...inline: PolicyDocument[]): PlainResource {
    return role(stack, name, trust, { arn: arnOf(name), inlinePolicies: inline.map((policy, index) => ({ name: `p${index}`, policy: JSON.stringify(policy) })) });
}

const workload = (...inline: PolicyDocument[]): PlainResource => stackRole("api", document(irsaStatement()), ...inline);

async function administrator(...resources: PlainResource[]): Promise<string[]> {
    return findingsOf(await evaluatePolicies(policies, resources), "workload-role-no-administrator-policy");
}

describe("policy pack: role chaining from a workload role to a powerful role of the stack", () => {
    it("a workload role allowed sts:AssumeRole on a named admin role, in any spelling, whose trust admits the account", async () => {
        for (const action of ["sts:AssumeRol?", "sts:*", ["s3:GetObject", "sts:AssumeRole*"], "STS:assumerole"]) {
            const policy = assume(action, "admin");
            assert.equal(await allowedToAssumeRole({ caller: arnOf("api"), callerPolicies: [policy], roleArn: arnOf("admin"), trustPolicy: trustOf(accountRoot) }), true, JSON.stringify(action));
            assert.equal(await allowedByIdentityPolicy(admin, { action: "iam:CreateUser", resource: `arn:aws:iam::${account}:user/intruder` }), true);
            const found = await administrator(workload(policy), stackRole("admin", trustOf(accountRoot), admin));
            assert.equal(found.length, 1, JSON.stringify(found));
            assert.match(
                found[0],
                /^mandatory: aws:iam\/role:Role "admin" is a workload role \(pods reach it by role chaining from aws:iam\/role:Role "api" \(pods assume it through IRSA.*\): aws:iam\/role:Role "api" -> aws:iam\/role:Role "admin", as aws:iam\/role:Role "api" inlinePolicies\[0\] \(p0\) Statement\[0\] allows sts:AssumeRole on "arn:aws:iam::\d+:role\/admin", which aws:iam\/role:Role "admin" assumeRolePolicy admits\) and .*the administrator path "every-action"/,
            );
        }
        // The account's ID alone is the account too.
        assert.equal((await administrator(workload(assume("sts:AssumeRole", "admin")), stackRole("admin", trustOf(account), admin))).length, 1);
    });

    it("transitively, through a narrow role whose trust names the previous role (no identity policy needed), to an escalation role", async () => {
        assert.equal(await allowedToAssumeRole({ caller: arnOf("hop"), callerPolicies: [], roleArn: arnOf("escalate"), trustPolicy: trustOf(arnOf("hop")) }), true);
        assert.equal(await allowedByIdentityPolicy(putRolePolicy, { action: "iam:PutRolePolicy", resource: arnOf("escalate") }), true);
        const found = await administrator(
            workload(assume("sts:AssumeRole", "hop")),
            stackRole("hop", trustOf(accountRoot), readOneBucket),
            stackRole("escalate", trustOf(arnOf("hop")), putRolePolicy),
        );
        assert.equal(found.length, 1, JSON.stringify(found));
        assert.match(found[0], /"escalate" is a workload role \(pods reach it by role chaining from aws:iam\/role:Role "api" .*"api" -> aws:iam\/role:Role "hop" -> aws:iam\/role:Role "escalate", .*; then aws:iam\/role:Role "escalate" assumeRolePolicy admits aws:iam\/role:Role "hop" to sts:AssumeRole by name.*\) and .*the escalation path "iam-policy-write"/);
    });

    it("the reverse spelling: an admin role whose trust names the workload role's ARN, the workload granted nothing", async () => {
        assert.equal(await allowedToAssumeRole({ caller: arnOf("api"), callerPolicies: [], roleArn: arnOf("admin"), trustPolicy: trustOf(arnOf("api")) }), true);
        const found = await administrator(
            role(stack, "api", document(irsaStatement()), { arn: arnOf("api") }),
            role(stack, "admin", trustOf(arnOf("api")), { arn: arnOf("admin") }),
            resource(stack, "aws:iam/rolePolicyAttachment:RolePolicyAttachment", "admin-access", { role: "admin", policyArn: "arn:aws:iam::aws:policy/AdministratorAccess" }),
        );
        assert.equal(found.length, 1, JSON.stringify(found));
        assert.match(found[0], /^mandatory: aws:iam\/role:Role "admin" is a workload role \(pods reach it by role chaining from aws:iam\/role:Role "api".*\) and .*attaches arn:aws:iam::aws:policy\/AdministratorAccess/);
    });

    it("is refused at the resource that opens the chain, as the update reaches it (before the engine creates it), not only at the end", async () => {
        // The engine analyzes the admin role first, then the workload's policy that opens the chain: the violation is that policy's.
        const opener = resource(stack, "aws:iam/rolePolicy:RolePolicy", "api-assume", { role: "api", name: "assume", policy: JSON.stringify(assume("sts:AssumeRole", "admin")) });
        const findings = await evaluatePolicies(policies, [stackRole("admin", trustOf(accountRoot), admin), workload(), opener]);
        const chained = findings.filter((finding) => finding.policyName === "workload-role-no-administrator-policy");
        assert.deepEqual(chained.map((finding) => [finding.enforcementLevel, finding.urn]), [["mandatory", opener.urn]]);
        assert.match(chained[0].message, /"admin" is a workload role \(pods reach it by role chaining from aws:iam\/role:Role "api".*aws:iam\/rolePolicy:RolePolicy "api-assume" Statement\[0\] allows sts:AssumeRole/);
    });

    it("near misses: a named narrow role; a named admin role whose trust admits only a service, or another account", async () => {
        const policy = assume("sts:AssumeRole", "reader", "admin");
        // The narrow role: pods may assume it, and it reads one bucket and nothing else.
        assert.equal(await allowedToAssumeRole({ caller: arnOf("api"), callerPolicies: [policy], roleArn: arnOf("reader"), trustPolicy: trustOf(accountRoot) }), true);
        assert.equal(await allowedByIdentityPolicy(readOneBucket, { action: "s3:GetObject", resource: "arn:aws:s3:::reports/q1.csv" }), true);
        assert.equal(await allowedByIdentityPolicy(readOneBucket, { action: "iam:PutRolePolicy", resource: arnOf("reader") }), false);
        assert.equal(await allowedByIdentityPolicy(readOneBucket, { action: "sts:AssumeRole", resource: arnOf("admin") }), false);
        // The admin role: IAM refuses the call, whatever the workload's identity policy says.
        const serviceTrust = document({ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }) as PolicyDocument;
        assert.equal(await allowedToAssumeRole({ caller: arnOf("api"), callerPolicies: [policy], roleArn: arnOf("admin"), trustPolicy: serviceTrust }), false);
        const foreignTrust = trustOf(`arn:aws:iam::${otherAccount}:root`);
        assert.equal(await allowedToAssumeRole({ caller: arnOf("api"), callerPolicies: [policy], roleArn: arnOf("admin"), trustPolicy: foreignTrust }), false);
        for (const adminTrust of [serviceTrust, foreignTrust]) {
            assert.deepEqual(await administrator(workload(policy), stackRole("reader", trustOf(accountRoot), readOneBucket), stackRole("admin", adminTrust, admin)), []);
        }
    });
});
