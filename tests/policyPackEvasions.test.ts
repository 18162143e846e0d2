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
import { allowedToAssumeRole } from "./iamEvaluator";
import { account, document, findingsOf, irsaStatement, role } from "./policyPackFixtures";

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
