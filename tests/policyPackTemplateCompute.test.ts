/**
 * Compute inside CloudFormation templates and CloudControl resources, followed to the role it runs
 * as: a CodeBuild project, a Step Functions state machine, an ECS task definition and an EC2
 * instance (through the template's instance profile) run as their template roles, so a workload role
 * that may change them (or send them commands) by name reaches those roles. Each input passed the
 * pack before (only a template's Lambda function was followed); what IAM grants or admits is decided
 * by the IAM evaluator, never by the code under test.
 */
import * as assert from "node:assert/strict";

import { PolicyDocument } from "../components/index";
import { evaluatePolicies, PlainResource } from "../policy/evaluate";
import { policies } from "../policy/pack";
import { allowedByIdentityPolicy, allowedByTrustPolicy } from "./iamEvaluator";
import { account, administratorAccess, allow, document, findingsOf, irsaStatement, readOneBucket, resource, role, roleArnOf as arnOf, serviceTrust } from "./policyPackFixtures";

const stack = "prod";
const region = "us-west-2";

/** The IRSA role pods hold, with this inline policy. */
const workload = (policy: PolicyDocument): PlainResource =>
    role(stack, "api", document(irsaStatement()), { arn: arnOf("api"), inlinePolicies: [{ name: "p0", policy: JSON.stringify(policy) }] });

async function administrator(...resources: PlainResource[]): Promise<string[]> {
    return findingsOf(await evaluatePolicies(policies, resources), "workload-role-no-administrator-policy");
}

/** A template role trusting one service, with AdministratorAccess or a narrow policy. */
function templateRole(service: string, wide: boolean): Record<string, unknown> {
    return {
        Type: "AWS::IAM::Role",
        Properties: {
            AssumeRolePolicyDocument: serviceTrust(service),
            ...(wide ? { ManagedPolicyArns: [administratorAccess] } : { Policies: [{ PolicyName: "read", PolicyDocument: readOneBucket }] }),
        },
    };
}

const cfnStack = (resources: Record<string, unknown>): PlainResource => resource(stack, "aws:cloudformation/stack:Stack", "cfn", { templateBody: JSON.stringify({ Resources: resources }) });

const projectArn = (name: string): string => `arn:aws:codebuild:${region}:${account}:project/${name}`;
const machineArn = (name: string): string => `arn:aws:states:${region}:${account}:stateMachine:${name}`;
const taskDefinitionArn = (family: string): string => `arn:aws:ecs:${region}:${account}:task-definition/${family}:3`;
const instanceArn = `arn:aws:ec2:${region}:${account}:instance/i-0123456789abcdef0`;

/** Each kind: the service its role trusts, the template resources, the action on it by name, and that ARN. */
const kinds: { what: string; service: string; resources: (wide: boolean) => Record<string, unknown>; action: string; target: string; other: string }[] = [
    {
        what: "AWS::CodeBuild::Project",
        service: "codebuild.amazonaws.com",
        resources: (wide) => ({
            Role: templateRole("codebuild.amazonaws.com", wide),
            Build: { Type: "AWS::CodeBuild::Project", Properties: { Name: "builder", ServiceRole: { "Fn::GetAtt": ["Role", "Arn"] }, Source: { Type: "NO_SOURCE", BuildSpec: "version: 0.2" }, Artifacts: { Type: "NO_ARTIFACTS" }, Environment: { Type: "LINUX_CONTAINER", ComputeType: "BUILD_GENERAL1_SMALL", Image: "aws/codebuild/standard:7.0" } } },
        }),
        action: "codebuild:StartBuild",
        target: projectArn("builder"),
        other: projectArn("reports"),
    },
    {
        what: "AWS::StepFunctions::StateMachine",
        service: "states.amazonaws.com",
        resources: (wide) => ({
            Role: templateRole("states.amazonaws.com", wide),
            Flow: { Type: "AWS::StepFunctions::StateMachine", Properties: { StateMachineName: "flow", RoleArn: { "Fn::GetAtt": ["Role", "Arn"] }, DefinitionString: '{"StartAt":"A","States":{"A":{"Type":"Pass","End":true}}}' } },
        }),
        action: "states:UpdateStateMachine",
        target: machineArn("flow"),
        other: machineArn("reports"),
    },
    {
        what: "AWS::ECS::TaskDefinition",
        service: "ecs-tasks.amazonaws.com",
        resources: (wide) => ({
            Role: templateRole("ecs-tasks.amazonaws.com", wide),
            Task: { Type: "AWS::ECS::TaskDefinition", Properties: { Family: "migrations", TaskRoleArn: { "Fn::GetAtt": ["Role", "Arn"] }, ContainerDefinitions: [{ Name: "app", Image: "busybox" }] } },
        }),
        action: "ecs:RunTask",
        target: taskDefinitionArn("migrations"),
        other: taskDefinitionArn("reports"),
    },
    {
        what: "AWS::EC2::Instance",
        service: "ec2.amazonaws.com",
        resources: (wide) => ({
            Role: templateRole("ec2.amazonaws.com", wide),
            Profile: { Type: "AWS::IAM::InstanceProfile", Properties: { Roles: [{ Ref: "Role" }] } },
            Box: { Type: "AWS::EC2::Instance", Properties: { ImageId: "ami-1", IamInstanceProfile: { Ref: "Profile" }, MetadataOptions: { HttpTokens: "required", HttpPutResponseHopLimit: 1 } } },
        }),
        action: "ssm:SendCommand",
        // CloudFormation's instance has an ID EC2 chooses: any instance ARN may be it.
        target: instanceArn,
        other: `arn:aws:ssm:${region}::document/AWS-RunShellScript`,
    },
];

describe("policy pack: compute in a CloudFormation template runs as its template role", () => {
    it("a CodeBuild project, a state machine, an ECS task definition and an instance of the template's instance profile: changing them by name reaches their admin roles", async () => {
        for (const kind of kinds) {
            const policy = allow(kind.action, kind.target);
            assert.equal(await allowedByIdentityPolicy(policy, { action: kind.action, resource: kind.target }), true, kind.what);
            assert.equal(await allowedByTrustPolicy(serviceTrust(kind.service), { principal: kind.service, action: "sts:AssumeRole", roleArn: arnOf("template-role") }), true, kind.service);
            const found = await administrator(workload(policy), cfnStack(kind.resources(true)));
            assert.equal(found.length, 1, `${kind.what}: ${JSON.stringify(found)}`);
            assert.match(
                found[0],
                new RegExp(
                    String.raw`^mandatory: aws:cloudformation/stack:Stack "cfn" template resource "Role" \(AWS::IAM::Role\) is a workload role \(pods reach it by role chaining from aws:iam/role:Role "api" .*allows ${kind.action} on .*template resource "\w+" \(${kind.what}\) \(an? [^)]+\), which runs as .*"Role" \(AWS::IAM::Role\)`,
                ),
                kind.what,
            );
            assert.match(found[0], /the administrator path "every-action"/, kind.what);
        }
    });

    it("the same compute through CloudControl (its identifier names it)", async () => {
        const cases: [string, Record<string, unknown>, string, string][] = [
            ["AWS::CodeBuild::Project", { Name: "builder", ServiceRole: arnOf("admin") }, "builder", projectArn("builder")],
            ["AWS::StepFunctions::StateMachine", { StateMachineName: "flow", RoleArn: arnOf("admin") }, machineArn("flow"), machineArn("flow")],
            ["AWS::ECS::TaskDefinition", { Family: "migrations", TaskRoleArn: arnOf("admin") }, taskDefinitionArn("migrations"), taskDefinitionArn("migrations")],
        ];
        const actions: Record<string, string> = { "AWS::CodeBuild::Project": "codebuild:StartBuild", "AWS::StepFunctions::StateMachine": "states:UpdateStateMachine", "AWS::ECS::TaskDefinition": "ecs:RunTask" };
        for (const [typeName, state, identifier, target] of cases) {
            const adminRole = role(stack, "admin", serviceTrust("ecs-tasks.amazonaws.com"), { arn: arnOf("admin"), managedPolicyArns: [administratorAccess] });
            const compute = resource(stack, "aws:cloudcontrol/resource:Resource", "compute", { typeName, identifier, desiredState: JSON.stringify(state) });
            const found = await administrator(workload(allow(actions[typeName], target)), adminRole, compute);
            assert.equal(found.length, 1, `${typeName}: ${JSON.stringify(found)}`);
            assert.match(found[0], /^mandatory: aws:iam\/role:Role "admin" is a workload role \(pods reach it by role chaining from aws:iam\/role:Role "api"/);
        }
        // An instance and its profile by CloudControl: the profile's Roles name the role, the instance the profile.
        const adminRole = role(stack, "admin", serviceTrust("ec2.amazonaws.com"), { arn: arnOf("admin"), managedPolicyArns: [administratorAccess] });
        const profile = resource(stack, "aws:cloudcontrol/resource:Resource", "profile", { typeName: "AWS::IAM::InstanceProfile", identifier: "admin-profile", desiredState: JSON.stringify({ InstanceProfileName: "admin-profile", Roles: ["admin"] }) });
        const box = resource(stack, "aws:cloudcontrol/resource:Resource", "box", { typeName: "AWS::EC2::Instance", identifier: "i-0123456789abcdef0", desiredState: JSON.stringify({ ImageId: "ami-1", IamInstanceProfile: "admin-profile", MetadataOptions: { HttpTokens: "required", HttpPutResponseHopLimit: 1 } }) });
        const found = await administrator(workload(allow("ssm:SendCommand", instanceArn)), adminRole, profile, box);
        assert.equal(found.length, 1, JSON.stringify(found));
        assert.match(found[0], /"admin" is a workload role .*\(an? EC2 instance\), which runs as aws:iam\/role:Role "admin" through aws:cloudcontrol\/resource:Resource "profile"/);
    });

    it("aws-native instances run as their instance profile's role too", async () => {
        const adminRole = role(stack, "admin", serviceTrust("ec2.amazonaws.com"), { arn: arnOf("admin"), managedPolicyArns: [administratorAccess] });
        const profile = resource(stack, "aws:iam/instanceProfile:InstanceProfile", "profile", { name: "admin-profile", role: "admin", arn: `arn:aws:iam::${account}:instance-profile/admin-profile` });
        const box = resource(stack, "aws-native:ec2:Instance", "box", { instanceId: "i-0123456789abcdef0", iamInstanceProfile: "admin-profile", metadataOptions: { httpTokens: "required", httpPutResponseHopLimit: 1 } });
        const found = await administrator(workload(allow("ssm:SendCommand", instanceArn)), adminRole, profile, box);
        assert.equal(found.length, 1, JSON.stringify(found));
        assert.match(found[0], /"admin" is a workload role .*aws-native:ec2:Instance "box" \(an? EC2 instance\)/);
    });

    it("near misses: the same compute with a narrow role; the action on no compute (an SSM document), or on the stack's own narrow compute next to the admin one", async () => {
        for (const kind of kinds) {
            assert.deepEqual(await administrator(workload(allow(kind.action, kind.target)), cfnStack(kind.resources(false))), [], `${kind.what}, narrow`);
            assert.equal(await allowedByIdentityPolicy(allow(kind.action, kind.other), { action: kind.action, resource: kind.target }), false, kind.what);
        }
        assert.deepEqual(await administrator(workload(allow("ssm:SendCommand", kinds[3].other)), cfnStack(kinds[3].resources(true))), [], "a document is no instance");
        // The project it names is the stack's, with a narrow role: the admin project's role is not reached.
        const narrowProject = resource(stack, "aws:codebuild/project:Project", "reports", { name: "reports", arn: projectArn("reports"), serviceRole: arnOf("reports") });
        const narrowRole = role(stack, "reports", serviceTrust("codebuild.amazonaws.com"), { arn: arnOf("reports"), inlinePolicies: [{ name: "read", policy: JSON.stringify(readOneBucket) }] });
        assert.deepEqual(await administrator(workload(allow("codebuild:StartBuild", projectArn("reports"))), cfnStack(kinds[0].resources(true)), narrowRole, narrowProject), []);
    });
});
