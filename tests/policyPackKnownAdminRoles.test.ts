/**
 * Roles that exist by convention with administrator power (the CDK bootstrap's deploy and
 * CloudFormation execution roles, self-managed StackSets', AWS Organizations' and Control Tower's):
 * naming one in `sts:AssumeRole`, or passing it with a compute-starting action, was only an advisory
 * "role this stack does not hold" finding. The shared model now counts it as naming any role, so the
 * pack refuses it on a workload role and the components refuse it without allowBroadPermissions. The
 * IAM evaluator shows the bootstrap's trust admits the pods' role.
 */
import * as assert from "node:assert/strict";

import { checkPolicyStatements, PolicyDocument } from "../components/index";
import { evaluatePolicies, PlainResource } from "../policy/evaluate";
import { policies } from "../policy/pack";
import { allowedByIdentityPolicy, allowedByTrustPolicy, allowedToAssumeRole } from "./iamEvaluator";
import { account, document, findingsOf, irsaStatement, role } from "./policyPackFixtures";

const stack = "prod";
const region = "us-west-2";
const arnOf = (name: string): string => `arn:aws:iam::${account}:role/${name}`;
const deployRole = arnOf(`cdk-hnb659fds-deploy-role-${account}-${region}`);
const execRole = arnOf(`cdk-hnb659fds-cfn-exec-role-${account}-${region}`);
const lookupRole = arnOf(`cdk-hnb659fds-lookup-role-${account}-${region}`);
const workload = (policy: PolicyDocument): PlainResource =>
    role(stack, "api", document(irsaStatement()), { arn: arnOf("api"), inlinePolicies: [{ name: "p0", policy: JSON.stringify(policy) }] });

async function findings(policyName: string, ...resources: PlainResource[]): Promise<string[]> {
    return findingsOf(await evaluatePolicies(policies, resources), policyName);
}

describe("policy pack and components: roles that are administrators by convention", () => {
    it("sts:AssumeRole on the CDK bootstrap's deploy role, whose trust admits the account: refused, naming the role", async () => {
        const policy = document({ Effect: "Allow", Action: "sts:AssumeRole", Resource: deployRole }) as PolicyDocument;
        // The bootstrap template's trust of the deploy role: the account's root.
        const bootstrapTrust = document({ Effect: "Allow", Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: ["sts:AssumeRole", "sts:TagSession"] }) as PolicyDocument;
        assert.equal(await allowedToAssumeRole({ caller: arnOf("api"), callerPolicies: [policy], roleArn: deployRole, trustPolicy: bootstrapTrust }), true);
        const found = await findings("workload-role-no-administrator-policy", workload(policy));
        assert.equal(found.length, 1, found.join("\n"));
        assert.match(found[0], /^mandatory: aws:iam\/role:Role "api" is a workload role .* the escalation path "assume-any-role" .*grants sts:AssumeRole on "arn:aws:iam::\d+:role\/cdk-hnb659fds-deploy-role-\d+-us-west-2", the AWS CDK bootstrap's deploy role/);
        assert.match(checkPolicyStatements("policyStatements", [{ actions: ["sts:AssumeRole"], resources: [deployRole], conditions: [] }], false) ?? "", /assume-any-role/);
    });

    it("iam:PassRole of the CDK execution role with cloudformation:CreateStack, and sts:AssumeRole on OrganizationAccountAccessRole or StackSets' execution role", async () => {
        const pass = document({ Effect: "Allow", Action: "iam:PassRole", Resource: execRole }, { Effect: "Allow", Action: "cloudformation:CreateStack", Resource: "*" }) as PolicyDocument;
        assert.equal(await allowedByIdentityPolicy(pass, { action: "iam:PassRole", resource: execRole }), true);
        const cfnTrust = document({ Effect: "Allow", Principal: { Service: "cloudformation.amazonaws.com" }, Action: "sts:AssumeRole" }) as PolicyDocument;
        assert.equal(await allowedByTrustPolicy(cfnTrust, { principal: "cloudformation.amazonaws.com", action: "sts:AssumeRole", roleArn: execRole }), true);
        const passed = await findings("workload-role-no-administrator-policy", workload(pass));
        assert.equal(passed.length, 1, passed.join("\n"));
        assert.match(passed[0], /the escalation path "pass-role-compute" .*grants iam:PassRole on "[^"]+cdk-hnb659fds-cfn-exec-role-[^"]+", the AWS CDK bootstrap's CloudFormation execution role/);
        for (const name of ["OrganizationAccountAccessRole", "AWSCloudFormationStackSetExecutionRole", "AWSControlTowerExecution"]) {
            const member = `arn:aws:iam::210987654321:role/${name}`;
            const found = await findings("workload-role-no-administrator-policy", workload(document({ Effect: "Allow", Action: "sts:AssumeRole", Resource: member }) as PolicyDocument));
            assert.equal(found.length, 1, `${name}: ${found.join("\n")}`);
            assert.match(found[0], new RegExp(`"assume-any-role" .*${name}`));
        }
    });

    it("near misses: the CDK lookup role (read-only) and any other named role stay advisory findings of a role the stack does not hold", async () => {
        for (const named of [lookupRole, arnOf("reports-reader")]) {
            const policy = document({ Effect: "Allow", Action: "sts:AssumeRole", Resource: named }) as PolicyDocument;
            assert.deepEqual(await findings("workload-role-no-administrator-policy", workload(policy)), [], named);
            assert.equal((await findings("workload-role-no-full-access-policy", workload(policy))).length, 1, named);
            assert.equal(checkPolicyStatements("policyStatements", [{ actions: ["sts:AssumeRole"], resources: [named], conditions: [] }], false), undefined, named);
        }
    });
});
