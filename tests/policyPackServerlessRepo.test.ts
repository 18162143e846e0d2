/**
 * A Serverless Application Repository application (`aws.serverlessrepository.CloudFormationStack`)
 * deploys the application's template, which the pack cannot read ("AWS SAM applications ... are
 * deployed as AWS CloudFormation stacks", Serverless Application Repository Developer Guide); only
 * its IAM resources need capabilities, so launch templates and clusters it may create went unjudged
 * by the node and endpoint rules, though the grants' reading refused it.
 */
import * as assert from "node:assert/strict";

import { evaluatePolicies } from "../policy/evaluate";
import { policies } from "../policy/pack";
import { resource } from "./policyPackFixtures";

const application = (capabilities: string[]) =>
    resource("prod", "aws:serverlessrepository/cloudFormationStack:CloudFormationStack", "sar", { name: "app", applicationId: "arn:aws:serverlessrepo:us-east-1:123456789012:applications/app", capabilities });

describe("policy pack: a Serverless Application Repository application counts as an unreadable template for the node and cluster rules", () => {
    it("without IAM capabilities: launch-template-imdsv2 and eks-cluster-endpoint-restricted refuse it", async () => {
        const found = (await evaluatePolicies(policies, [application([])])).filter((finding) => finding.enforcementLevel === "mandatory");
        const names = found.map((finding) => finding.policyName);
        assert.ok(names.includes("launch-template-imdsv2"), JSON.stringify(found));
        assert.ok(names.includes("eks-cluster-endpoint-restricted"), JSON.stringify(found));
        assert.match(found.map((finding) => finding.message).join("\n"), /"sar": it deploys a Serverless Application Repository application, whose template the pack cannot read/);
    });

    it("near miss: a CloudFormation stack of the stack's own readable template with no nodes or clusters", async () => {
        const stack = resource("prod", "aws:cloudformation/stack:Stack", "cfn", { name: "topics", templateBody: JSON.stringify({ Resources: { Topic: { Type: "AWS::SNS::Topic" } } }) });
        assert.deepEqual((await evaluatePolicies(policies, [stack])).filter((finding) => finding.enforcementLevel === "mandatory"), []);
    });
});
