/**
 * `npm run plan` prints the policy pack's findings for the stack it plans, after everything else
 * (the command itself, on the dev stack: tests/plan.test.ts, which runs it once for every test).
 */
import * as assert from "node:assert/strict";

import { RegisteredResource, sentinels } from "../scripts/offline/mocks";
import { plainResources, policyFindings, renderPolicyFindings } from "../scripts/offline/policyFindings";
import { renderPlan } from "../scripts/offline/render";
import { issuer } from "./policyPackFixtures";

const accountId = sentinels.accountId;

/** An IRSA role any ServiceAccount may assume, with AdministratorAccess, and nodes with hop limit 2, as the mock engine records them. */
const registered: RegisteredResource[] = [
    {
        type: "aws:iam/role:Role",
        name: "open",
        provider: undefined,
        inputs: {
            assumeRolePolicy: JSON.stringify({
                Version: "2012-10-17",
                Statement: [
                    {
                        Effect: "Allow",
                        Principal: { Federated: `arn:aws:iam::${accountId}:oidc-provider/${issuer}` },
                        Action: "sts:AssumeRoleWithWebIdentity",
                        Condition: { StringEquals: { [`${issuer}:aud`]: "sts.amazonaws.com" } },
                    },
                ],
            }),
        },
    },
    { type: "aws:iam/rolePolicyAttachment:RolePolicyAttachment", name: "open-admin", provider: undefined, inputs: { role: `open-${sentinels.randomSuffix}`, policyArn: "arn:aws:iam::aws:policy/AdministratorAccess" } },
    { type: "aws:ec2/launchTemplate:LaunchTemplate", name: "nodes", provider: undefined, inputs: { metadataOptions: { httpTokens: "required", httpPutResponseHopLimit: 2 } } },
    { type: "aws:eks/nodeGroup:NodeGroup", name: "nodes", provider: undefined, inputs: { launchTemplate: { id: "nodes-id", version: "1" } } },
];

describe("npm run plan: the policy pack's findings", () => {
    it("fills in what the mock engine synthesises, so attachments find their role and node groups their template", () => {
        const resources = plainResources(registered, { stack: "prod", project: "guarded" });
        assert.equal(resources[0].urn, "urn:pulumi:prod::guarded::aws:iam/role:Role::open");
        assert.equal(resources[0].props.name, `open-${sentinels.randomSuffix}`);
        assert.equal(resources[2].props.id, "nodes-id");
    });

    it("renders a count by level, then each finding with its policy, markers for the account", async () => {
        const findings = await policyFindings(registered, { stack: "prod", project: "guarded" });
        const text = renderPlan({
            project: "guarded",
            stack: "prod",
            region: "us-west-2",
            accountId,
            config: {},
            configFile: "Pulumi.prod.yaml",
            resources: [],
            registered,
            outputs: [],
            policyFindings: renderPolicyFindings(findings),
        }).text;
        const section = text.slice(text.indexOf("== Policy pack\n"));
        assert.ok(text.indexOf("== Stack outputs") < text.indexOf("== Policy pack"), "printed last");
        const lines = section.split("\n");
        assert.equal(lines[1], "Policy pack eks-workload-identity (policy/, `pulumi preview --policy-pack policy`) on the resources above: 4 mandatory, 0 advisory.");
        assert.deepEqual(
            lines.filter((line) => /^\w+: \[/.test(line)),
            ["mandatory: [irsa-trust-bounded-subject]", "mandatory: [workload-role-no-administrator-policy]", "mandatory: [launch-template-imdsv2]", "mandatory: [eks-node-group-imds]"],
        );
        assert.ok(section.includes(`Principal":{"Federated":"arn:aws:iam::<account-id>:oidc-provider/`), "the account is a marker, as everywhere in the plan");
        assert.ok(!section.includes(accountId));
    });

    it("says so when nothing is wrong", () => {
        assert.equal(renderPolicyFindings([]), "Policy pack eks-workload-identity (policy/, `pulumi preview --policy-pack policy`) on the resources above: 0 mandatory, 0 advisory.\nNo violations.");
    });
});
