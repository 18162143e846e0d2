/**
 * Chains through compute: a workload role that may pass a named role of the stack to compute it
 * starts, or change the code of (or send commands to) named compute of the stack, runs as that
 * role; and the named roles outside the stack pods reach, which the pack cannot judge. Each input
 * got through the pack before (a red-team's reproductions); what IAM admits or grants is decided by
 * the IAM evaluator, never by the code under test.
 */
import * as assert from "node:assert/strict";

import { computeStartingActions } from "../components/iam/escalation";
import { PolicyDocument } from "../components/index";
import { actionsWithoutServices, servicesStartedBy } from "../policy/compute";
import { evaluatePolicies, PlainResource } from "../policy/evaluate";
import { policies } from "../policy/pack";
import { allowedByIdentityPolicy, allowedByTrustPolicy, allowedCall } from "./iamEvaluator";
import { account, administratorAccess, document, findingsOf, irsaStatement, otherAccount, podIdentityStatement, readOneBucket, resource, role, roleArnOf as arnOf, serviceTrust } from "./policyPackFixtures";

const stack = "prod";
const region = "us-west-2";
const admin = document({ Effect: "Allow", Action: "*", Resource: "*" }) as PolicyDocument;
const putRolePolicy = document({ Effect: "Allow", Action: "iam:PutRolePolicy", Resource: "*" }) as PolicyDocument;
const functionArn = (name: string): string => `arn:aws:lambda:${region}:${account}:function:${name}`;

/** A role as the engine shows it at the end of an update: its name and ARN known, with inline policies. */
function stackRole(name: string, trust: unknown, inline: PolicyDocument[], extra: Record<string, unknown> = {}): PlainResource {
    return role(stack, name, trust, { arn: arnOf(name), inlinePolicies: inline.map((policy, index) => ({ name: `p${index}`, policy: JSON.stringify(policy) })), ...extra });
}

/** The IRSA role pods hold, with these policies. */
const workload = (...inline: PolicyDocument[]): PlainResource => stackRole("api", document(irsaStatement()), inline);

async function findings(resources: PlainResource[], policyName: string): Promise<string[]> {
    return findingsOf(await evaluatePolicies(policies, resources), policyName);
}
const administrator = (...resources: PlainResource[]): Promise<string[]> => findings(resources, "workload-role-no-administrator-policy");
const fullAccess = (...resources: PlainResource[]): Promise<string[]> => findings(resources, "workload-role-no-full-access-policy");

/** A policy that passes one named role and starts compute with these actions (on any resource). */
function passAndStart(roleName: string, actions: string[]): PolicyDocument {
    return document({ Effect: "Allow", Action: "iam:PassRole", Resource: arnOf(roleName) }, { Effect: "Allow", Action: actions, Resource: "*" }) as PolicyDocument;
}

describe("policy pack: a workload role passes a named role of the stack to compute it starts", () => {
    it("iam:PassRole on a Lambda role with AdministratorAccess, and lambda:CreateFunction: the passed role is judged as the pods'", async () => {
        const policy = passAndStart("lambda-admin", ["lambda:CreateFunction", "lambda:InvokeFunction"]);
        const lambdaTrust = serviceTrust("lambda.amazonaws.com");
        assert.equal(await allowedByIdentityPolicy(policy, { action: "iam:PassRole", resource: arnOf("lambda-admin") }), true);
        assert.equal(await allowedByIdentityPolicy(policy, { action: "lambda:CreateFunction", resource: functionArn("x") }), true);
        assert.equal(await allowedByTrustPolicy(lambdaTrust, { principal: "lambda.amazonaws.com", action: "sts:AssumeRole", roleArn: arnOf("lambda-admin") }), true);
        for (const passed of [
            stackRole("lambda-admin", lambdaTrust, [], { managedPolicyArns: [administratorAccess] }),
            stackRole("lambda-admin", lambdaTrust, [admin]),
        ]) {
            const found = await administrator(workload(policy), passed);
            assert.equal(found.length, 1, JSON.stringify(found));
            assert.match(
                found[0],
                new RegExp(
                    String.raw`^mandatory: aws:iam/role:Role "lambda-admin" is a workload role \(pods reach it by role chaining from aws:iam/role:Role "api" \(pods assume it through IRSA.*\): aws:iam/role:Role "api" -> aws:iam/role:Role "lambda-admin", ` +
                        String.raw`as aws:iam/role:Role "api" inlinePolicies\[0\] \(p0\) Statement\[0\] allows iam:PassRole on "arn:aws:iam::\d+:role/lambda-admin", whose trust \(aws:iam/role:Role "lambda-admin" assumeRolePolicy\) admits lambda.amazonaws.com, ` +
                        String.raw`and aws:iam/role:Role "api" inlinePolicies\[0\] \(p0\) Statement\[1\] grants lambda:CreateFunction, which starts that service's compute as the role passed to it\) and the administrator path "every-action"`,
                ),
            );
        }
        assert.equal(await allowedByIdentityPolicy(admin, { action: "iam:CreateUser", resource: `arn:aws:iam::${account}:user/intruder` }), true);
    });

    it("the other services whose compute the model starts: EC2 with an instance profile, ECS tasks, Glue, CodeBuild, Step Functions, SageMaker", async () => {
        const cases: [string, string[], string, string][] = [
            ["ec2.amazonaws.com", ["ec2:RunInstances"], "ec2:RunInstances", `arn:aws:ec2:${region}:${account}:instance/i-0123456789abcdef0`],
            ["ecs-tasks.amazonaws.com", ["ecs:RegisterTaskDefinition", "ecs:RunTask"], "ecs:RunTask", `arn:aws:ecs:${region}:${account}:task-definition/x:1`],
            ["glue.amazonaws.com", ["glue:CreateJob", "glue:StartJobRun"], "glue:CreateJob", `arn:aws:glue:${region}:${account}:job/x`],
            ["codebuild.amazonaws.com", ["codebuild:CreateProject"], "codebuild:CreateProject", `arn:aws:codebuild:${region}:${account}:project/x`],
            ["states.amazonaws.com", ["states:CreateStateMachine", "states:StartExecution"], "states:CreateStateMachine", `arn:aws:states:${region}:${account}:stateMachine:x`],
            ["sagemaker.amazonaws.com", ["sagemaker:CreateTrainingJob"], "sagemaker:CreateTrainingJob", `arn:aws:sagemaker:${region}:${account}:training-job/x`],
        ];
        for (const [service, actions, starts, startsOn] of cases) {
            const policy = passAndStart("runner", actions);
            assert.equal(await allowedByIdentityPolicy(policy, { action: "iam:PassRole", resource: arnOf("runner") }), true);
            assert.equal(await allowedCall(policy, starts, startsOn), true, starts);
            assert.equal(await allowedByTrustPolicy(serviceTrust(service), { principal: service, action: "sts:AssumeRole", roleArn: arnOf("runner") }), true, service);
            const runner = stackRole("runner", serviceTrust(service), [putRolePolicy]);
            const profile = resource(stack, "aws:iam/instanceProfile:InstanceProfile", "runner", { name: "runner", role: "runner", arn: `arn:aws:iam::${account}:instance-profile/runner` });
            // ecs:RunTask on every task definition is a path of its own too (it runs existing definitions as their roles): only the chain is asserted here.
            const found = (await administrator(workload(policy), runner, ...(service.startsWith("ec2") ? [profile] : []))).filter((line) => line.includes('"runner" is a workload role'));
            assert.equal(found.length, 1, `${service}: ${JSON.stringify(found)}`);
            assert.match(found[0], new RegExp(String.raw`"runner" is a workload role \(pods reach it .*allows iam:PassRole on "arn:aws:iam::\d+:role/runner", whose trust .* admits ${service.replace(/\./g, "\\.")}, and .* grants ${starts}, .*the escalation path "iam-policy-write"`));
        }
    });

    it("is refused at the resource that opens the chain, as the update reaches it, not only at the end", async () => {
        const opener = resource(stack, "aws:iam/rolePolicy:RolePolicy", "api-pass", { role: "api", name: "pass", policy: JSON.stringify(passAndStart("lambda-admin", ["lambda:CreateFunction"])) });
        const all = await evaluatePolicies(policies, [stackRole("lambda-admin", serviceTrust("lambda.amazonaws.com"), [admin]), workload(), opener]);
        const chained = all.filter((finding) => finding.policyName === "workload-role-no-administrator-policy");
        assert.deepEqual(chained.map((finding) => [finding.enforcementLevel, finding.urn]), [["mandatory", opener.urn]]);
        assert.match(chained[0].message, /"lambda-admin" is a workload role \(pods reach it by role chaining from aws:iam\/role:Role "api".*aws:iam\/rolePolicy:RolePolicy "api-pass" Statement\[0\] allows iam:PassRole/);
    });

    it("every compute-starting action of the model names the services whose compute it starts", () => {
        assert.deepEqual(actionsWithoutServices(), []);
        assert.ok(computeStartingActions.every((action) => servicesStartedBy(action).length > 0));
        // One the table does not know is taken to start any service's compute.
        assert.deepEqual(servicesStartedBy("newservice:StartThing"), ["*"]);
    });

    it("near miss: Karpenter's controller passes its node role, whose grants are the narrow node policies, and launches instances", async () => {
        const nodeArn = arnOf("karpenter-node");
        const controller = document(
            { Effect: "Allow", Action: "iam:PassRole", Resource: nodeArn, Condition: { StringEquals: { "iam:PassedToService": "ec2.amazonaws.com" } } },
            { Effect: "Allow", Action: ["ec2:RunInstances", "ec2:CreateFleet", "ec2:CreateLaunchTemplate", "ec2:CreateTags"], Resource: "*" },
        ) as PolicyDocument;
        assert.equal(await allowedByIdentityPolicy(controller, { action: "iam:PassRole", resource: nodeArn, context: { "iam:PassedToService": "ec2.amazonaws.com" } }), true);
        assert.equal(await allowedByIdentityPolicy(controller, { action: "iam:PassRole", resource: arnOf("lambda-admin"), context: { "iam:PassedToService": "ec2.amazonaws.com" } }), false);
        const node = stackRole("karpenter-node", serviceTrust("ec2.amazonaws.com"), [], {
            managedPolicyArns: [
                "arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy",
                "arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy",
                "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly",
                "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore",
            ],
        });
        const karpenter = stackRole("karpenter", document(irsaStatement()), [controller]);
        assert.deepEqual(await administrator(karpenter, node), []);
        assert.deepEqual(await fullAccess(karpenter, node), []);
    });

    it("near miss: a passed admin role that trusts no service the workload starts compute in, or no compute action at all", async () => {
        const ec2Admin = stackRole("ec2-admin", serviceTrust("ec2.amazonaws.com"), [admin]);
        const onlyLambda = passAndStart("ec2-admin", ["lambda:CreateFunction"]);
        assert.equal(await allowedByTrustPolicy(serviceTrust("ec2.amazonaws.com"), { principal: "lambda.amazonaws.com", action: "sts:AssumeRole", roleArn: arnOf("ec2-admin") }), false);
        assert.equal(await allowedByIdentityPolicy(onlyLambda, { action: "ec2:RunInstances", resource: `arn:aws:ec2:${region}:${account}:instance/i-0123456789abcdef0` }), false);
        assert.deepEqual(await administrator(workload(onlyLambda), ec2Admin), []);
        const passOnly = document({ Effect: "Allow", Action: "iam:PassRole", Resource: arnOf("lambda-admin") }) as PolicyDocument;
        assert.deepEqual(await administrator(workload(passOnly), stackRole("lambda-admin", serviceTrust("lambda.amazonaws.com"), [admin])), []);
    });
});

describe("policy pack: a workload role changes the code of, or sends commands to, named compute of the stack", () => {
    const opsRole = (trust: string, ...inline: PolicyDocument[]): PlainResource => stackRole("ops", serviceTrust(trust), inline);

    it("lambda:UpdateFunctionCode on a named Lambda function whose role has AdministratorAccess", async () => {
        const fn = functionArn("ops");
        const policy = document({ Effect: "Allow", Action: ["lambda:UpdateFunctionCode", "lambda:InvokeFunction"], Resource: fn }) as PolicyDocument;
        assert.equal(await allowedByIdentityPolicy(policy, { action: "lambda:UpdateFunctionCode", resource: fn }), true);
        assert.equal(await allowedByTrustPolicy(serviceTrust("lambda.amazonaws.com"), { principal: "lambda.amazonaws.com", action: "sts:AssumeRole", roleArn: arnOf("ops") }), true);
        const ops = stackRole("ops", serviceTrust("lambda.amazonaws.com"), [], { managedPolicyArns: [administratorAccess] });
        // Known by its ARN (after create), or by its name alone (its ARN not known yet).
        for (const props of [{ name: "ops", role: arnOf("ops"), arn: fn }, { name: "ops", role: arnOf("ops") }]) {
            const found = await administrator(workload(policy), ops, resource(stack, "aws:lambda/function:Function", "ops", props));
            assert.equal(found.length, 1, JSON.stringify(found));
            assert.match(
                found[0],
                /^mandatory: aws:iam\/role:Role "ops" is a workload role \(pods reach it by role chaining from aws:iam\/role:Role "api" .*: aws:iam\/role:Role "api" -> aws:iam\/role:Role "ops", as aws:iam\/role:Role "api" inlinePolicies\[0\] \(p0\) Statement\[0\] allows lambda:UpdateFunctionCode on "arn:aws:lambda:us-west-2:\d+:function:ops", aws:lambda\/function:Function "ops" \(a Lambda function\), which runs as aws:iam\/role:Role "ops"\) and the administrator path "every-action".*attaches arn:aws:iam::aws:policy\/AdministratorAccess/,
            );
        }
    });

    it("codebuild:StartBuild on a named project, states:UpdateStateMachine on a named state machine, ssm:SendCommand on a named instance of an instance profile", async () => {
        const projectArn = `arn:aws:codebuild:${region}:${account}:project/ops`;
        const machineArn = `arn:aws:states:${region}:${account}:stateMachine:ops`;
        const instanceArn = `arn:aws:ec2:${region}:${account}:instance/i-0123456789abcdef0`;
        const cases: [string, string, string, PlainResource[], RegExp][] = [
            ["codebuild.amazonaws.com", "codebuild:StartBuild", projectArn, [resource(stack, "aws:codebuild/project:Project", "ops", { name: "ops", arn: projectArn, serviceRole: arnOf("ops") })], /aws:codebuild\/project:Project "ops" \(a CodeBuild project\), which runs as aws:iam\/role:Role "ops"/],
            ["states.amazonaws.com", "states:UpdateStateMachine", machineArn, [resource(stack, "aws:sfn/stateMachine:StateMachine", "ops", { name: "ops", arn: machineArn, roleArn: arnOf("ops") })], /aws:sfn\/stateMachine:StateMachine "ops" \(a Step Functions state machine\), which runs as aws:iam\/role:Role "ops"/],
            [
                "ec2.amazonaws.com",
                "ssm:SendCommand",
                instanceArn,
                [
                    resource(stack, "aws:iam/instanceProfile:InstanceProfile", "ops", { name: "ops-profile", role: "ops", arn: `arn:aws:iam::${account}:instance-profile/ops-profile` }),
                    resource(stack, "aws:ec2/instance:Instance", "ops", { id: "i-0123456789abcdef0", arn: instanceArn, iamInstanceProfile: "ops-profile" }),
                ],
                /aws:ec2\/instance:Instance "ops" \(an? EC2 instance\), which runs as aws:iam\/role:Role "ops" through aws:iam\/instanceProfile:InstanceProfile "ops"/,
            ],
        ];
        for (const [service, action, target, compute, names] of cases) {
            const policy = document({ Effect: "Allow", Action: action, Resource: target }) as PolicyDocument;
            assert.equal(await allowedByIdentityPolicy(policy, { action, resource: target }), true, action);
            const found = await administrator(workload(policy), opsRole(service, putRolePolicy), ...compute);
            assert.equal(found.length, 1, `${action}: ${JSON.stringify(found)}`);
            assert.match(found[0], new RegExp(String.raw`"ops" is a workload role \(pods reach it .* allows ${action} on "${target.replace(/[/.]/g, "\\$&")}", `));
            assert.match(found[0], names);
            assert.match(found[0], /the escalation path "iam-policy-write"/);
        }
    });

    it("is refused at the compute that opens the chain, registered after the grant naming it", async () => {
        const fn = functionArn("ops");
        const policy = document({ Effect: "Allow", Action: "lambda:UpdateFunctionCode", Resource: fn }) as PolicyDocument;
        const fnResource = resource(stack, "aws:lambda/function:Function", "ops", { name: "ops", role: arnOf("ops"), arn: fn });
        const all = await evaluatePolicies(policies, [opsRole("lambda.amazonaws.com", admin), workload(policy), fnResource]);
        const chained = all.filter((finding) => finding.policyName === "workload-role-no-administrator-policy");
        assert.deepEqual(chained.map((finding) => [finding.enforcementLevel, finding.urn]), [["mandatory", fnResource.urn]]);
    });

    it("near misses: a named function whose role is narrow; lambda:InvokeFunction alone on the admin function; the code of another function", async () => {
        const fn = functionArn("ops");
        const invoke = document({ Effect: "Allow", Action: "lambda:InvokeFunction", Resource: fn }) as PolicyDocument;
        const otherCode = document({ Effect: "Allow", Action: "lambda:UpdateFunctionCode", Resource: functionArn("reports") }) as PolicyDocument;
        const ownCode = document({ Effect: "Allow", Action: "lambda:UpdateFunctionCode", Resource: fn }) as PolicyDocument;
        assert.equal(await allowedByIdentityPolicy(invoke, { action: "lambda:UpdateFunctionCode", resource: fn }), false);
        assert.equal(await allowedByIdentityPolicy(otherCode, { action: "lambda:UpdateFunctionCode", resource: fn }), false);
        assert.equal(await allowedByIdentityPolicy(readOneBucket, { action: "iam:PutRolePolicy", resource: arnOf("ops") }), false);
        const fnResource = resource(stack, "aws:lambda/function:Function", "ops", { name: "ops", role: arnOf("ops"), arn: fn });
        const reports = resource(stack, "aws:lambda/function:Function", "reports", { name: "reports", role: arnOf("reports"), arn: functionArn("reports") });
        const reportsRole = stackRole("reports", serviceTrust("lambda.amazonaws.com"), [readOneBucket]);
        assert.deepEqual(await administrator(workload(ownCode), stackRole("ops", serviceTrust("lambda.amazonaws.com"), [readOneBucket]), fnResource), []);
        assert.deepEqual(await administrator(workload(invoke), opsRole("lambda.amazonaws.com", admin), fnResource), []);
        assert.deepEqual(await administrator(workload(otherCode), opsRole("lambda.amazonaws.com", admin), fnResource, reportsRole, reports), []);
    });
});

describe("policy pack: named roles outside the stack that pods reach are advisory findings", () => {
    const outsideArn = arnOf("Admin");

    it("sts:AssumeRole, or iam:PassRole with a compute-starting action, on a named role the stack does not hold", async () => {
        const assume = document({ Effect: "Allow", Action: "sts:AssumeRole", Resource: outsideArn }) as PolicyDocument;
        assert.equal(await allowedByIdentityPolicy(assume, { action: "sts:AssumeRole", resource: outsideArn }), true);
        const found = await fullAccess(workload(assume));
        assert.deepEqual(found, [
            `advisory: "${outsideArn}" is a role this stack does not hold, and pods reach it: aws:iam/role:Role "api" inlinePolicies[0] (p0) Statement[0] lets aws:iam/role:Role "api", a workload role, call sts:AssumeRole on it; its trust and permissions are defined elsewhere, so what the pods get cannot be judged here: keep that role narrow where it is defined`,
        ]);
        assert.deepEqual(await administrator(workload(assume)), []);
        const pass = passAndStart("Admin", ["lambda:CreateFunction"]);
        assert.equal(await allowedByIdentityPolicy(pass, { action: "iam:PassRole", resource: outsideArn }), true);
        const passed = await fullAccess(workload(pass));
        assert.equal(passed.length, 1, JSON.stringify(passed));
        assert.match(passed[0], /^advisory: "arn:aws:iam::\d+:role\/Admin" is a role this stack does not hold, .*Statement\[0\] lets aws:iam\/role:Role "api", a workload role, iam:PassRole it to compute it may start/);
        assert.deepEqual(await administrator(workload(pass)), []);
    });

    it("a Pod Identity association whose roleArn, or cross-account targetRoleArn, names a role the stack does not hold", async () => {
        const byRoleArn = resource(stack, "aws:eks/podIdentityAssociation:PodIdentityAssociation", "assoc", { clusterName: "apps", namespace: "apps", serviceAccount: "api", roleArn: arnOf("OrganizationAccountAccessRole") });
        assert.deepEqual(await fullAccess(byRoleArn), [
            `advisory: "${arnOf("OrganizationAccountAccessRole")}" is a role this stack does not hold, and pods reach it: aws:eks/podIdentityAssociation:PodIdentityAssociation "assoc" gives pods the credentials of "${arnOf("OrganizationAccountAccessRole")}" (its roleArn); its trust and permissions are defined elsewhere, so what the pods get cannot be judged here: keep that role narrow where it is defined`,
        ]);
        assert.deepEqual(await administrator(byRoleArn), []);
        const targetArn = `arn:aws:iam::${otherAccount}:role/Admin`;
        const pods = stackRole("pods", document(podIdentityStatement()), [document({ Effect: "Allow", Action: ["sts:AssumeRole", "sts:TagSession"], Resource: targetArn }) as PolicyDocument]);
        const byTarget = resource(stack, "aws:eks/podIdentityAssociation:PodIdentityAssociation", "assoc2", { clusterName: "apps", namespace: "apps", serviceAccount: "api", roleArn: arnOf("pods"), targetRoleArn: targetArn });
        const found = await fullAccess(pods, byTarget);
        // One finding for the role, with both ways the pods reach it.
        assert.equal(found.length, 1, JSON.stringify(found));
        assert.match(found[0], /^advisory: "arn:aws:iam::210987654321:role\/Admin" is a role this stack does not hold, and pods reach it: .*"assoc2" gives pods the credentials of .* \(its targetRoleArn\); .*"pods" inlinePolicies\[0\] \(p0\) Statement\[0\] lets aws:iam\/role:Role "pods", a workload role, call sts:AssumeRole on it/);
        assert.deepEqual(await administrator(pods, byTarget), []);
    });

    it("near misses: iam:PassRole on an outside role without compute; sts:AssumeRole on one from a role pods cannot hold; an association of the stack's own role", async () => {
        const passOnly = document({ Effect: "Allow", Action: "iam:PassRole", Resource: outsideArn }) as PolicyDocument;
        assert.deepEqual(await fullAccess(workload(passOnly)), []);
        const assume = document({ Effect: "Allow", Action: "sts:AssumeRole", Resource: outsideArn }) as PolicyDocument;
        assert.deepEqual(await fullAccess(stackRole("batch", serviceTrust("ec2.amazonaws.com"), [assume])), []);
        const pods = stackRole("pods", document(podIdentityStatement()), [readOneBucket]);
        const own = resource(stack, "aws:eks/podIdentityAssociation:PodIdentityAssociation", "assoc", { clusterName: "apps", namespace: "apps", serviceAccount: "api", roleArn: arnOf("pods") });
        assert.deepEqual(await fullAccess(pods, own), []);
    });
});

describe("policy pack: compute of the stack in every form the red team's second pass wrote it", () => {
    const adminRole = (name: string, service: string): PlainResource => stackRole(name, serviceTrust(service), [admin]);
    const commands = (action: string, target: string): PolicyDocument => document({ Effect: "Allow", Action: action, Resource: target }) as PolicyDocument;

    it("aws-native Lambda functions, ECS task definitions, CloudFormation stacks and aws-native instance profiles: changing or running them runs as their roles", async () => {
        const taskDefinitionArn = `arn:aws:ecs:${region}:${account}:task-definition/migrations:7`;
        const stackArn = `arn:aws:cloudformation:${region}:${account}:stack/platform/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b`;
        const instanceArn = `arn:aws:ec2:${region}:${account}:instance/i-0123456789abcdef0`;
        const cases: [string, PlainResource[], PolicyDocument, string, string][] = [
            [
                "aws-native:lambda:Function",
                [adminRole("fn-admin", "lambda.amazonaws.com"), resource(stack, "aws-native:lambda:Function", "fn", { functionName: "payouts", arn: functionArn("payouts"), role: arnOf("fn-admin") })],
                commands("lambda:UpdateFunctionCode", functionArn("payouts")),
                "lambda:UpdateFunctionCode",
                functionArn("payouts"),
            ],
            [
                "aws:ecs/taskDefinition:TaskDefinition",
                [adminRole("task-admin", "ecs-tasks.amazonaws.com"), resource(stack, "aws:ecs/taskDefinition:TaskDefinition", "td", { family: "migrations", arn: taskDefinitionArn, taskRoleArn: arnOf("task-admin") })],
                commands("ecs:RunTask", taskDefinitionArn),
                "ecs:RunTask",
                taskDefinitionArn,
            ],
            [
                "aws:cloudformation/stack:Stack",
                [adminRole("cfn-admin", "cloudformation.amazonaws.com"), resource(stack, "aws:cloudformation/stack:Stack", "platform", { name: "platform", id: stackArn, iamRoleArn: arnOf("cfn-admin"), templateBody: JSON.stringify({ Resources: { Topic: { Type: "AWS::SNS::Topic" } } }) })],
                commands("cloudformation:UpdateStack", stackArn),
                "cloudformation:UpdateStack",
                stackArn,
            ],
            [
                "aws-native:iam:InstanceProfile",
                [
                    adminRole("node-admin", "ec2.amazonaws.com"),
                    resource(stack, "aws-native:iam:InstanceProfile", "profile", { instanceProfileName: "node-admin", arn: `arn:aws:iam::${account}:instance-profile/node-admin`, roles: ["node-admin"] }),
                    resource(stack, "aws:ec2/instance:Instance", "box", { id: "i-0123456789abcdef0", arn: instanceArn, iamInstanceProfile: "node-admin", metadataOptions: { httpTokens: "required", httpPutResponseHopLimit: 1 } }),
                ],
                commands("ssm:SendCommand", instanceArn),
                "ssm:SendCommand",
                instanceArn,
            ],
        ];
        for (const [type, compute, policy, action, target] of cases) {
            assert.equal(await allowedByIdentityPolicy(policy, { action, resource: target }), true, type);
            const found = await administrator(workload(policy), ...compute);
            assert.equal(found.length, 1, `${type}: ${JSON.stringify(found)}`);
            assert.match(found[0], /is a workload role \(pods reach it by role chaining from aws:iam\/role:Role "api".*the administrator path "every-action"/, type);
        }
        // Near miss: the same task definition with a narrow task role.
        const narrow = [stackRole("task-reader", serviceTrust("ecs-tasks.amazonaws.com"), [readOneBucket]), resource(stack, "aws:ecs/taskDefinition:TaskDefinition", "td", { family: "migrations", arn: taskDefinitionArn, taskRoleArn: arnOf("task-reader") })];
        assert.deepEqual(await administrator(workload(commands("ecs:RunTask", taskDefinitionArn)), ...narrow), []);
    });

    it("a CloudFormation template's Lambda function runs as its template role: changing its code by name reaches that role", async () => {
        const templateBody = JSON.stringify({
            Resources: {
                FnRole: { Type: "AWS::IAM::Role", Properties: { RoleName: "fn-admin", AssumeRolePolicyDocument: serviceTrust("lambda.amazonaws.com"), ManagedPolicyArns: [administratorAccess] } },
                Fn: { Type: "AWS::Lambda::Function", Properties: { FunctionName: "payouts", Role: { "Fn::GetAtt": ["FnRole", "Arn"] }, Runtime: "python3.12", Handler: "index.handler", Code: { ZipFile: "def handler(e, c): pass" } } },
            },
        });
        const update = commands("lambda:UpdateFunctionCode", functionArn("payouts"));
        assert.equal(await allowedByIdentityPolicy(update, { action: "lambda:UpdateFunctionCode", resource: functionArn("payouts") }), true);
        const found = await administrator(workload(update), resource(stack, "aws:cloudformation/stack:Stack", "cfn", { templateBody }));
        assert.equal(found.length, 1, JSON.stringify(found));
        assert.match(found[0], /template resource "FnRole" \(AWS::IAM::Role\) is a workload role \(pods reach it by role chaining from aws:iam\/role:Role "api".*template resource "Fn" \(AWS::Lambda::Function\) \(a Lambda function\), which runs as/);
        // Near miss: the code of another function of the stack, whose role is narrow. (A function the stack does not hold
        // could run as the template's admin role, created elsewhere: tests/policyPackUnfollowedCompute.test.ts.)
        const reports = resource(stack, "aws:lambda/function:Function", "reports", { name: "reports", role: arnOf("reports"), arn: functionArn("reports") });
        const reportsRole = stackRole("reports", serviceTrust("lambda.amazonaws.com"), [readOneBucket]);
        assert.deepEqual(await administrator(workload(commands("lambda:UpdateFunctionCode", functionArn("reports"))), resource(stack, "aws:cloudformation/stack:Stack", "cfn", { templateBody }), reportsRole, reports), []);
    });

    it("aws-native CodeBuild projects and Step Functions state machines, and a CloudControl Lambda function, run as their roles too", async () => {
        const projectArn = `arn:aws:codebuild:${region}:${account}:project/builder`;
        const machineArn = `arn:aws:states:${region}:${account}:stateMachine:flow`;
        const cases: [PlainResource[], PolicyDocument][] = [
            [[adminRole("cb-admin", "codebuild.amazonaws.com"), resource(stack, "aws-native:codebuild:Project", "builder", { name: "builder", arn: projectArn, serviceRole: arnOf("cb-admin") })], commands("codebuild:StartBuild", projectArn)],
            [[adminRole("sm-admin", "states.amazonaws.com"), resource(stack, "aws-native:stepfunctions:StateMachine", "flow", { stateMachineName: "flow", arn: machineArn, roleArn: arnOf("sm-admin") })], commands("states:UpdateStateMachine", machineArn)],
            [
                [
                    adminRole("fn-admin", "lambda.amazonaws.com"),
                    resource(stack, "aws:cloudcontrol/resource:Resource", "fn", { typeName: "AWS::Lambda::Function", identifier: "fn", desiredState: JSON.stringify({ FunctionName: "fn", Role: arnOf("fn-admin"), Runtime: "python3.12", Handler: "x" }) }),
                ],
                commands("lambda:UpdateFunctionCode", functionArn("fn")),
            ],
        ];
        for (const [compute, policy] of cases) {
            const found = await administrator(workload(policy), ...compute);
            assert.equal(found.length, 1, `${compute[1].type}: ${JSON.stringify(found)}`);
            assert.match(found[0], /is a workload role \(pods reach it by role chaining from aws:iam\/role:Role "api"/);
        }
    });

    it("passes a named admin role to the compute of the escalation model's newer starters: SSM Automation, EMR Serverless, SageMaker models, CodePipeline", async () => {
        const starters: [string, string][] = [
            ["ssm:StartAutomationExecution", "ssm.amazonaws.com"],
            ["emr-serverless:StartJobRun", "emr-serverless.amazonaws.com"],
            ["sagemaker:CreateModel", "sagemaker.amazonaws.com"],
            ["codepipeline:CreatePipeline", "codepipeline.amazonaws.com"],
        ];
        for (const [action, service] of starters) {
            const policy = passAndStart("runner", [action]);
            assert.equal(await allowedByIdentityPolicy(policy, { action: "iam:PassRole", resource: arnOf("runner") }), true, action);
            assert.equal(await allowedByTrustPolicy(serviceTrust(service), { principal: service, action: "sts:AssumeRole", roleArn: arnOf("runner") }), true, service);
            const found = (await administrator(workload(policy), adminRole("runner", service))).filter((line) => line.includes('"runner" is a workload role'));
            assert.equal(found.length, 1, `${action}: ${JSON.stringify(found)}`);
        }
    });
});
