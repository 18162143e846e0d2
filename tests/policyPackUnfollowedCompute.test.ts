/**
 * Named compute the pack cannot follow to its role: a kind it has no shape for (a SageMaker notebook,
 * an EMR cluster, a launch template groups launch from), or compute the stack does not hold (a function
 * made elsewhere with the stack's role, an Auto Scaling group's instance). A workload role that may
 * change its code or send it commands by name may run as any role of the stack that trusts the
 * service the compute runs as: each such role is judged as the pods'. Every input got through the
 * pack before; the IAM evaluator decides what is granted and admitted.
 */
import * as assert from "node:assert/strict";

import { runAsOtherRoleActions } from "../components/iam/escalation";
import { PolicyDocument } from "../components/index";
import { runAsActionsWithoutTargets, runAsTargetOf } from "../policy/compute";
import { evaluatePolicies, PlainResource } from "../policy/evaluate";
import { policies } from "../policy/pack";
import { allowedByIdentityPolicy, allowedByTrustPolicy } from "./iamEvaluator";
import { account, administratorAccess, allow, document, findingsOf, irsaStatement, resource, role, roleArnOf as arnOf, serviceTrust } from "./policyPackFixtures";

const stack = "prod";
const region = "us-west-2";
const workload = (policy: PolicyDocument): PlainResource =>
    role(stack, "api", document(irsaStatement()), { arn: arnOf("api"), inlinePolicies: [{ name: "p0", policy: JSON.stringify(policy) }] });
const adminRole = (name: string, service: string): PlainResource => role(stack, name, serviceTrust(service), { arn: arnOf(name), managedPolicyArns: [administratorAccess] });

async function administrator(...resources: PlainResource[]): Promise<string[]> {
    return findingsOf(await evaluatePolicies(policies, resources), "workload-role-no-administrator-policy");
}

describe("policy pack: named compute the pack cannot follow may run as any role of the stack trusting its service", () => {
    const cases: { what: string; action: string; target: string; service: string; extra: PlainResource[] }[] = [
        {
            what: "a SageMaker notebook instance (a Jupyter terminal as its role)",
            action: "sagemaker:CreatePresignedNotebookInstanceUrl",
            target: `arn:aws:sagemaker:${region}:${account}:notebook-instance/research`,
            service: "sagemaker.amazonaws.com",
            extra: [resource(stack, "aws:sagemaker/notebookInstance:NotebookInstance", "research", { name: "research", roleArn: arnOf("runner"), instanceType: "ml.t3.medium" })],
        },
        {
            what: "an EMR cluster (a step runs on its instances, as their instance profile's role)",
            action: "elasticmapreduce:AddJobFlowSteps",
            target: `arn:aws:elasticmapreduce:${region}:${account}:cluster/j-2AXXXXXXGAPLF`,
            service: "ec2.amazonaws.com",
            extra: [resource(stack, "aws:emr/cluster:Cluster", "analytics", { name: "analytics", serviceRole: arnOf("emr-service"), ec2Attributes: { instanceProfile: "runner" } })],
        },
        {
            what: "a Lambda function made outside the stack with the stack's role",
            action: "lambda:UpdateFunctionCode",
            target: `arn:aws:lambda:${region}:${account}:function:made-elsewhere`,
            service: "lambda.amazonaws.com",
            extra: [],
        },
        {
            what: "an instance an Auto Scaling group launched with the stack's instance profile",
            action: "ssm:SendCommand",
            target: `arn:aws:ec2:${region}:${account}:instance/i-0fedcba9876543210`,
            service: "ec2.amazonaws.com",
            extra: [resource(stack, "aws:iam/instanceProfile:InstanceProfile", "runner", { name: "runner", role: "runner", arn: `arn:aws:iam::${account}:instance-profile/runner` })],
        },
        {
            what: "a launch template groups launch $Latest of (new user data, the same instance profile)",
            action: "ec2:CreateLaunchTemplateVersion",
            target: `arn:aws:ec2:${region}:${account}:launch-template/lt-0123456789abcdef0`,
            service: "ec2.amazonaws.com",
            extra: [
                resource(stack, "aws:ec2/launchTemplate:LaunchTemplate", "nodes", {
                    id: "lt-0123456789abcdef0",
                    iamInstanceProfile: { name: "runner" },
                    metadataOptions: { httpTokens: "required", httpPutResponseHopLimit: 1 },
                }),
            ],
        },
    ];

    it("each reaches the admin role of the stack that trusts the compute's service: a mandatory violation naming the grant and the role", async () => {
        for (const each of cases) {
            const policy = allow(each.action, each.target);
            assert.equal(await allowedByIdentityPolicy(policy, { action: each.action, resource: each.target }), true, each.what);
            assert.equal(await allowedByTrustPolicy(serviceTrust(each.service), { principal: each.service, action: "sts:AssumeRole", roleArn: arnOf("runner") }), true, each.service);
            const found = await administrator(workload(policy), adminRole("runner", each.service), ...each.extra);
            assert.equal(found.length, 1, `${each.what}: ${found.join("\n")}`);
            assert.match(
                found[0],
                new RegExp(
                    String.raw`^mandatory: aws:iam/role:Role "runner" is a workload role \(pods reach it by role chaining from aws:iam/role:Role "api" .*allows ${each.action} on "${each.target.replace(/[/.]/g, "\\$&")}", compute that no resource of this stack is, so its role is not known: it may run as aws:iam/role:Role "runner", whose trust .* admits ${each.service.replace(/\./g, "\\.")}\) and the administrator path "every-action"`,
                ),
                each.what,
            );
        }
    });

    it("every run-as action of the model names the compute it runs in and the services that compute runs as", () => {
        assert.deepEqual(runAsActionsWithoutTargets(), []);
        // Except a push of an image (or the repository policy that grants one), which writes code, not compute: the pack follows
        // it to the compute of the stack that pulls it; and an EMR on EKS job run, whose role trusts the cluster's OIDC provider, no service.
        const noService = ["ecr:PutImage", "ecr:SetRepositoryPolicy", "emr-containers:StartJobRun"];
        assert.ok(runAsOtherRoleActions.every((action) => runAsTargetOf(action).services.length > 0 || noService.includes(action)));
        assert.deepEqual(runAsTargetOf("newservice:RunThing").services, ["*"]);
    });

    it("near misses: the node role it may reach is narrow; no role of the stack trusts the service; the resource is no compute (an SSM document)", async () => {
        const nodeRole = role(stack, "node", serviceTrust("ec2.amazonaws.com"), {
            arn: arnOf("node"),
            managedPolicyArns: ["arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy", "arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy", "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly", "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"],
        });
        const instance = `arn:aws:ec2:${region}:${account}:instance/i-0fedcba9876543210`;
        assert.deepEqual(await administrator(workload(allow("ssm:SendCommand", instance)), nodeRole), []);
        assert.deepEqual(await administrator(workload(allow("sagemaker:CreatePresignedNotebookInstanceUrl", cases[0].target)), adminRole("runner", "lambda.amazonaws.com")), []);
        assert.equal(await allowedByTrustPolicy(serviceTrust("lambda.amazonaws.com"), { principal: "sagemaker.amazonaws.com", action: "sts:AssumeRole", roleArn: arnOf("runner") }), false);
        const runShell = `arn:aws:ssm:${region}::document/AWS-RunShellScript`;
        assert.equal(await allowedByIdentityPolicy(allow("ssm:SendCommand", runShell), { action: "ssm:SendCommand", resource: instance }), false);
        assert.deepEqual(await administrator(workload(allow("ssm:SendCommand", runShell)), adminRole("runner", "ec2.amazonaws.com")), []);
    });
});
