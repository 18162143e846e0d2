/**
 * Who reaches the cluster besides its creator: `eks-irsa:clusterAdminArns` and `clusterViewerArns`,
 * validated before anything is created, and each an access entry with its access policy.
 */
import * as assert from "node:assert/strict";

import { accessEntryPlan, principalArnProblem } from "../program/access";
import { ConfigError, ConfigKey, parseConfig } from "../program/config";
import { deployStack } from "./programRun";
import { lookupWith } from "./stackFiles";

const today = "2026-11-29";
const ciRole = "arn:aws:iam::111122223333:role/ci-deployer";
const ssoRole = "arn:aws:iam::111122223333:role/aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_PlatformAdmin_0123456789abcdef";
const auditor = "arn:aws:iam::111122223333:user/auditor";

function problemsOf(overrides: Partial<Record<ConfigKey, string>>): string[] {
    try {
        parseConfig(lookupWith("prod", overrides), today);
    } catch (error) {
        assert.ok(error instanceof ConfigError, String(error));
        return error.problems;
    }
    return [];
}

describe("cluster access entries", () => {
    it("accepts IAM role and user ARNs, with paths and in every partition", () => {
        for (const arn of [ciRole, ssoRole, auditor, "arn:aws-cn:iam::111122223333:role/deployer", "arn:aws-us-gov:iam::111122223333:role/team/deployer"]) {
            assert.equal(principalArnProblem(arn), undefined, arn);
        }
    });

    it("refuses sessions, wildcards, other resources and malformed ARNs, naming the key and the value", () => {
        const cases: [string, RegExp][] = [
            ["arn:aws:sts::111122223333:assumed-role/ci-deployer/run-42", /role session .* arn:aws:iam::111122223333:role\/ci-deployer/],
            ["arn:aws:iam::111122223333:role/*", /wildcards are not accepted/],
            ["arn:aws:iam::111122223333:group/admins", /expected an IAM role or user ARN/],
            ["arn:aws:iam::1111:role/ci", /expected an IAM role or user ARN/],
            ["ci-deployer", /expected an IAM role or user ARN/],
        ];
        for (const [value, rule] of cases) {
            for (const key of ["clusterAdminArns", "clusterViewerArns"] as const) {
                const problems = problemsOf({ [key]: JSON.stringify([value]) });
                assert.equal(problems.length, 1, problems.join("\n"));
                assert.ok(problems[0].startsWith(`eks-irsa:${key}[0] ${JSON.stringify(value)} is invalid: `), problems[0]);
                assert.match(problems[0], rule);
            }
        }
        assert.match(problemsOf({ clusterAdminArns: '"arn:aws:iam::111122223333:role/ci"' })[0], /^eks-irsa:clusterAdminArns .* expected a list of strings/);
    });

    it("refuses a principal listed twice, in one list or in both", () => {
        assert.deepEqual(problemsOf({ clusterAdminArns: JSON.stringify([ciRole, ciRole]) }), [
            `eks-irsa:clusterAdminArns ${JSON.stringify(ciRole)} is invalid: each entry may appear only once`,
        ]);
        const [both] = problemsOf({ clusterAdminArns: JSON.stringify([ciRole]), clusterViewerArns: JSON.stringify([ciRole]) });
        assert.match(both, /^eks-irsa:clusterViewerArns "arn:aws:iam::111122223333:role\/ci-deployer" is invalid: it is in eks-irsa:clusterAdminArns too/);
    });

    it("plans one entry per principal, named by the principal whatever its place in the lists, with the policy of its partition", () => {
        const plan = accessEntryPlan("eks-irsa", { adminArns: [ciRole, "arn:aws-cn:iam::111122223333:role/deployer"], viewerArns: [auditor] });
        assert.deepEqual(
            plan.map(({ principalArn, level, policyArn }) => [principalArn, level, policyArn]),
            [
                [ciRole, "admin", "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy"],
                ["arn:aws-cn:iam::111122223333:role/deployer", "admin", "arn:aws-cn:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy"],
                [auditor, "viewer", "arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy"],
            ],
        );
        const reordered = accessEntryPlan("eks-irsa", { adminArns: [auditor], viewerArns: [ciRole] });
        assert.equal(reordered.find((entry) => entry.principalArn === ciRole)!.logicalName, plan[0].logicalName);
        assert.equal(new Set(plan.map((entry) => entry.logicalName)).size, plan.length);
        assert.notEqual(
            accessEntryPlan("eks-irsa", { adminArns: ["arn:aws:iam::444455556666:role/ci-deployer"], viewerArns: [] })[0].logicalName,
            plan[0].logicalName,
            "the same role name in another account is another entry",
        );
    });

    for (const stack of ["dev", "prod"]) {
        it(`gives stack ${stack} no entry of its own beyond the creator's, and one per listed principal with its policy on the whole cluster`, async () => {
            const none = await deployStack(stack);
            assert.deepEqual(none.ofType("aws:eks/accessEntry:AccessEntry"), []);
            assert.deepEqual(none.ofType("aws:eks/accessPolicyAssociation:AccessPolicyAssociation"), []);

            const deployed = await deployStack(stack, { clusterAdminArns: JSON.stringify([ciRole, ssoRole]), clusterViewerArns: JSON.stringify([auditor]) });
            const clusterName = deployed.one("eks:index:Cluster", "eks-irsa").inputs.name;
            assert.equal(deployed.one("eks:index:Cluster", "eks-irsa").inputs.authenticationMode, "API");
            const entries = deployed.ofType("aws:eks/accessEntry:AccessEntry");
            assert.deepEqual(
                entries.map((entry) => [entry.inputs.clusterName, entry.inputs.principalArn, entry.inputs.type]),
                [ciRole, ssoRole, auditor].map((arn) => [clusterName, arn, "STANDARD"]),
            );
            const associations = deployed.ofType("aws:eks/accessPolicyAssociation:AccessPolicyAssociation");
            assert.deepEqual(
                associations.map((association) => [association.inputs.clusterName, association.inputs.principalArn, association.inputs.policyArn, association.inputs.accessScope]),
                [
                    [clusterName, ciRole, "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy", { type: "cluster" }],
                    [clusterName, ssoRole, "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy", { type: "cluster" }],
                    [clusterName, auditor, "arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy", { type: "cluster" }],
                ],
            );
            assert.equal(deployed.infra.clusterAccess.length, 3);
        });
    }
});
