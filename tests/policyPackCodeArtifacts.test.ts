/**
 * The code compute loads each time it runs, and the runs that choose it: a workload role that may push
 * the image an ECS task definition pulls by tag, put the script a Glue job runs, or start the job
 * with its own `--scriptLocation` (`glue:StartJobRun`, a run-as action of the escalation model now)
 * runs its code as that compute's role. Each input got through before; the IAM evaluator decides
 * what the workload's policy allows.
 */
import * as assert from "node:assert/strict";

import { checkPolicyStatements, PolicyDocument } from "../components/index";
import { PlainResource } from "../policy/evaluate";
import { allowedByIdentityPolicy, allowedCall } from "./iamEvaluator";
import {
    account,
    administratorAccess,
    administratorFindings as administrator,
    allow,
    computeRole as runner,
    readOneBucket,
    resource,
    role,
    roleArnOf as arnOf,
    serviceTrust,
    workloadWithPolicy as workload,
} from "./policyPackFixtures";

const stack = "prod";
const region = "us-west-2";

const repositoryArn = `arn:aws:ecr:${region}:${account}:repository/migrations`;
const image = (suffix: string): string => `${account}.dkr.ecr.${region}.amazonaws.com/migrations${suffix}`;
const taskDefinition = (imageUri: string): PlainResource =>
    resource(stack, "aws:ecs/taskDefinition:TaskDefinition", "migrations", { family: "migrations", taskRoleArn: arnOf("runner"), containerDefinitions: JSON.stringify([{ name: "app", image: imageUri }]) });
const jobArn = `arn:aws:glue:${region}:${account}:job/etl`;
const glueJob = (extra: Record<string, unknown> = {}): PlainResource =>
    resource(stack, "aws:glue/job:Job", "etl", { name: "etl", arn: jobArn, roleArn: arnOf("runner"), command: { scriptLocation: "s3://scripts/etl/job.py" }, ...extra });

describe("policy pack: the code compute of the stack loads, and the runs that choose it", () => {
    it("glue:StartJobRun on a named Glue job runs any script (--scriptLocation) as its admin role; on every job it is the model's run-as-other-role", async () => {
        const policy = allow("glue:StartJobRun", jobArn);
        assert.equal(await allowedByIdentityPolicy(policy, { action: "glue:StartJobRun", resource: jobArn }), true);
        const found = await administrator(workload(policy), runner("glue.amazonaws.com"), glueJob());
        assert.equal(found.length, 1, found.join("\n"));
        assert.match(found[0], /"runner" is a workload role \(pods reach it .*allows glue:StartJobRun on "arn:aws:glue:us-west-2:\d+:job\/etl", aws:glue\/job:Job "etl" \(a Glue job\), which runs as aws:iam\/role:Role "runner"/);
        assert.match(checkPolicyStatements("policyStatements", [{ actions: ["glue:StartJobRun"], resources: [`arn:aws:glue:${region}:${account}:job/*`], conditions: [] }], false) ?? "", /"run-as-other-role"/);
    });

    it("ecr:PutImage on the repository an ECS task definition pulls by tag, or on every repository, and s3:PutObject on a Glue job's script: refused", async () => {
        const cases: [string, PolicyDocument, string, PlainResource, string][] = [
            ["a named repository", allow("ecr:PutImage", repositoryArn), "ecr:PutImage", taskDefinition(image(":latest")), repositoryArn],
            ["every repository", allow("ecr:PutImage", "*"), "ecr:PutImage", taskDefinition(image(":v1")), repositoryArn],
            ["the script's prefix", allow("s3:PutObject", "arn:aws:s3:::scripts/etl/*"), "s3:PutObject", glueJob(), "arn:aws:s3:::scripts/etl/job.py"],
        ];
        for (const [what, policy, action, compute, written] of cases) {
            assert.equal(await allowedCall(policy, action, written), true, what);
            const service = compute.type.startsWith("aws:glue") ? "glue.amazonaws.com" : "ecs-tasks.amazonaws.com";
            const all = await administrator(workload(policy), runner(service), compute);
            // A push to every repository is also the model's own path on the workload role (run-as-other-role).
            const found = all.filter((violation) => !/"api" is a workload role \(pods assume it .*"run-as-other-role"/.test(violation));
            assert.equal(all.length - found.length, what === "every repository" ? 1 : 0, `${what}: ${all.join("\n")}`);
            assert.equal(found.length, 1, `${what}: ${found.join("\n")}`);
            assert.match(found[0], new RegExp(String.raw`allows ${action} on .*, which writes ${written.replace(/[/.]/g, "\\$&")}, the code ${compute.type.replace(/\//g, "\\/")} "\w+" \(an? [^)]+\) loads each time it runs as aws:iam/role:Role "runner"`), what);
        }
    });

    it("the same in a CloudFormation template: a task definition's image", async () => {
        const templateBody = JSON.stringify({
            Resources: {
                Runner: { Type: "AWS::IAM::Role", Properties: { AssumeRolePolicyDocument: serviceTrust("ecs-tasks.amazonaws.com"), ManagedPolicyArns: [administratorAccess] } },
                Task: { Type: "AWS::ECS::TaskDefinition", Properties: { Family: "migrations", TaskRoleArn: { "Fn::GetAtt": ["Runner", "Arn"] }, ContainerDefinitions: [{ Name: "app", Image: image(":latest") }] } },
            },
        });
        const found = await administrator(workload(allow("ecr:PutImage", repositoryArn)), resource(stack, "aws:cloudformation/stack:Stack", "cfn", { templateBody }));
        assert.equal(found.length, 1, found.join("\n"));
        assert.match(found[0], /template resource "Runner" \(AWS::IAM::Role\) is a workload role .*which writes arn:aws:ecr:us-west-2:\d+:repository\/migrations, the code .*template resource "Task" \(AWS::ECS::TaskDefinition\)/);
    });

    it("a CodeBuild project's build image pulled by tag, and its S3 source: each build runs what was pushed, as the project's service role", async () => {
        const project = (environmentImage: string, source: Record<string, unknown>): PlainResource =>
            resource(stack, "aws:codebuild/project:Project", "builder", {
                name: "builder",
                arn: `arn:aws:codebuild:${region}:${account}:project/builder`,
                serviceRole: arnOf("runner"),
                environment: { image: environmentImage, type: "LINUX_CONTAINER", computeType: "BUILD_GENERAL1_SMALL" },
                source,
            });
        const sourceZip = "arn:aws:s3:::build-sources/builder/source.zip";
        const cases: [string, PolicyDocument, string, PlainResource, string][] = [
            ["the build image", allow("ecr:PutImage", repositoryArn), "ecr:PutImage", project(image(":latest"), { type: "GITHUB", location: "https://github.com/example/app" }), repositoryArn],
            ["the S3 source", allow("s3:PutObject", "arn:aws:s3:::build-sources/builder/*"), "s3:PutObject", project("aws/codebuild/standard:7.0", { type: "S3", location: "build-sources/builder/source.zip" }), sourceZip],
        ];
        for (const [what, policy, action, compute, written] of cases) {
            assert.equal(await allowedCall(policy, action, written), true, what);
            const found = await administrator(workload(policy), runner("codebuild.amazonaws.com"), compute);
            assert.equal(found.length, 1, `${what}: ${found.join("\n")}`);
            assert.match(found[0], new RegExp(String.raw`which writes ${written.replace(/[/.]/g, "\\$&")}, the code aws:codebuild/project:Project "builder" \(a CodeBuild project\) loads each time it runs as aws:iam/role:Role "runner"`), what);
        }
        // Near misses: the image pinned by digest, a curated image, a source in Git.
        const pinned = project(image("@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"), { type: "GITHUB", location: "https://github.com/example/app" });
        assert.deepEqual(await administrator(workload(allow("ecr:PutImage", repositoryArn)), runner("codebuild.amazonaws.com"), pinned), []);
        assert.deepEqual(await administrator(workload(allow("s3:PutObject", "arn:aws:s3:::build-sources/*")), runner("codebuild.amazonaws.com"), project("aws/codebuild/standard:7.0", { type: "GITHUB", location: "https://github.com/example/app" })), []);
    });

    it("near misses: an image pinned by digest, another repository or prefix, a narrow role, starting another job", async () => {
        const digest = "@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
        assert.deepEqual(await administrator(workload(allow("ecr:PutImage", repositoryArn)), runner("ecs-tasks.amazonaws.com"), taskDefinition(image(digest))), []);
        const otherRepository = `arn:aws:ecr:${region}:${account}:repository/web`;
        assert.equal(await allowedCall(allow("ecr:PutImage", otherRepository), "ecr:PutImage", repositoryArn), false);
        assert.deepEqual(await administrator(workload(allow("ecr:PutImage", otherRepository)), runner("ecs-tasks.amazonaws.com"), taskDefinition(image(":latest"))), []);
        assert.deepEqual(await administrator(workload(allow("s3:PutObject", "arn:aws:s3:::scripts/reports/*")), runner("glue.amazonaws.com"), glueJob()), []);
        assert.deepEqual(await administrator(workload(allow("ecr:PutImage", repositoryArn)), runner("ecs-tasks.amazonaws.com", false), taskDefinition(image(":latest"))), []);
        const reportsJob = resource(stack, "aws:glue/job:Job", "reports", { name: "reports", arn: `arn:aws:glue:${region}:${account}:job/reports`, roleArn: arnOf("reports"), command: { scriptLocation: "s3://scripts/reports.py" } });
        const reportsRole = role(stack, "reports", serviceTrust("glue.amazonaws.com"), { arn: arnOf("reports"), inlinePolicies: [{ name: "read", policy: JSON.stringify(readOneBucket) }] });
        assert.deepEqual(await administrator(workload(allow("glue:StartJobRun", `arn:aws:glue:${region}:${account}:job/reports`)), runner("glue.amazonaws.com"), glueJob(), reportsRole, reportsJob), []);
    });
});
