/**
 * Compute a role can reach the power of other roles through, for role chaining (policy/chains.ts):
 * the services whose compute an action of the escalation model's `computeStartingActions` starts
 * (a role passed to it must trust that service), and the actions that change the code of, or send
 * commands to, compute of the stack that already runs as a role. Pure functions.
 */
import { computeStartingActions, isPattern, runAsOtherRoleActions } from "@eks-irsa/components/iam";

import { ComputeKind, ComputeRecord } from "./grants";

/**
 * The service principals that run as the role passed to each compute-starting action: the service
 * the role's trust must admit for the compute to run as it. An action may start several (an ECS
 * service's task role and its service role; an EC2 instance's profile and a spot fleet's role).
 */
const servicesByAction: Record<string, readonly string[]> = {
    "lambda:createfunction": ["lambda"],
    "lambda:updatefunctionconfiguration": ["lambda"],
    "ec2:runinstances": ["ec2"],
    "ec2:requestspotinstances": ["ec2"],
    "ec2:requestspotfleet": ["ec2", "spotfleet"],
    "ec2:createfleet": ["ec2"],
    "ec2:associateiaminstanceprofile": ["ec2"],
    "ec2:replaceiaminstanceprofileassociation": ["ec2"],
    "autoscaling:createautoscalinggroup": ["ec2"],
    "autoscaling:updateautoscalinggroup": ["ec2"],
    "autoscaling:createlaunchconfiguration": ["ec2"],
    "ecs:runtask": ["ecs-tasks"],
    "ecs:starttask": ["ecs-tasks"],
    "ecs:registertaskdefinition": ["ecs-tasks"],
    "ecs:createservice": ["ecs-tasks", "ecs"],
    "ecs:updateservice": ["ecs-tasks", "ecs"],
    "batch:submitjob": ["ecs-tasks", "batch"],
    "batch:registerjobdefinition": ["ecs-tasks", "batch"],
    "glue:createdevendpoint": ["glue"],
    "glue:updatedevendpoint": ["glue"],
    "glue:createjob": ["glue"],
    "glue:updatejob": ["glue"],
    "glue:createsession": ["glue"],
    "cloudformation:createstack": ["cloudformation"],
    "cloudformation:updatestack": ["cloudformation"],
    "cloudformation:createchangeset": ["cloudformation"],
    "cloudformation:createstackset": ["cloudformation"],
    "cloudformation:updatestackset": ["cloudformation"],
    "datapipeline:createpipeline": ["datapipeline", "elasticmapreduce", "ec2"],
    "datapipeline:putpipelinedefinition": ["datapipeline", "elasticmapreduce", "ec2"],
    "sagemaker:createnotebookinstance": ["sagemaker"],
    "sagemaker:createtrainingjob": ["sagemaker"],
    "sagemaker:createprocessingjob": ["sagemaker"],
    "sagemaker:createhyperparametertuningjob": ["sagemaker"],
    "codebuild:createproject": ["codebuild"],
    "codebuild:updateproject": ["codebuild"],
    "states:createstatemachine": ["states"],
    "states:updatestatemachine": ["states"],
    "apprunner:createservice": ["tasks.apprunner", "build.apprunner"],
    "apprunner:updateservice": ["tasks.apprunner", "build.apprunner"],
    "eks:createnodegroup": ["ec2"],
    "eks:createcluster": ["eks"],
    "eks:createfargateprofile": ["eks-fargate-pods"],
    "eks:createpodidentityassociation": ["pods.eks"],
    "eks:updatepodidentityassociation": ["pods.eks"],
    "events:puttargets": ["events"],
    "scheduler:createschedule": ["scheduler"],
    "scheduler:updateschedule": ["scheduler"],
    "elasticbeanstalk:createenvironment": ["ec2", "elasticbeanstalk"],
    "elasticmapreduce:runjobflow": ["elasticmapreduce", "ec2"],
    "airflow:createenvironment": ["airflow", "airflow-env"],
    // Automation documents run their steps (aws:executeAwsApi...) as the role passed as AutomationAssumeRole.
    "ssm:startautomationexecution": ["ssm"],
    "emr-serverless:startjobrun": ["emr-serverless"],
    "sagemaker:createmodel": ["sagemaker"],
    "codepipeline:createpipeline": ["codepipeline"],
    "codepipeline:updatepipeline": ["codepipeline"],
    "kinesisanalytics:createapplication": ["kinesisanalytics"],
    "bedrock-agentcore:createcodeinterpreter": ["bedrock-agentcore"],
    "bedrock-agentcore:createagentruntime": ["bedrock-agentcore"],
    "bedrock-agentcore:updateagentruntime": ["bedrock-agentcore"],
    "imagebuilder:createinfrastructureconfiguration": ["ec2"],
    "imagebuilder:updateinfrastructureconfiguration": ["ec2"],
    "sagemaker:createpipeline": ["sagemaker"],
    "sagemaker:createdomain": ["sagemaker"],
    "sagemaker:createuserprofile": ["sagemaker"],
    "amplify:createapp": ["amplify"],
    "codebuild:startbuild": ["codebuild"],
    "codebuild:startbuildbatch": ["codebuild"],
    "omics:startrun": ["omics"],
};

/** Any service: what an action the table above does not know is taken to start, failing closed. */
export const anyService = "*";

/**
 * The service principals (`lambda.amazonaws.com` as `lambda`) whose compute a compute-starting
 * action runs as the role passed to it. An action of the model the table does not know yet is taken
 * to start compute of any service, so a new entry of `computeStartingActions` is never a way around.
 */
export function servicesStartedBy(action: string): readonly string[] {
    return servicesByAction[action.toLowerCase()] ?? [anyService];
}

/** The actions of the model with no entry of their own, for the test that keeps the two in step. */
export function actionsWithoutServices(): string[] {
    return computeStartingActions.filter((action) => servicesByAction[action.toLowerCase()] === undefined);
}

/**
 * A service principal's short name: `lambda.amazonaws.com` (or `.amazonaws.com.cn`, China's) is
 * `lambda`; a principal of another shape is kept as it is written, lowercased.
 */
export function serviceName(principal: string): string {
    return principal.toLowerCase().replace(/\.amazonaws\.com(?:\.cn)?$/, "");
}

/** What one kind of compute of the stack is called in messages, its ARN (whose last part is its name), and the actions that run code or commands in it as its role. */
export const computeKinds: Record<ComputeKind, { what: string; arn: RegExp; actions: readonly string[] }> = {
    // A new package or handler, layers or environment (without a new role: no iam:PassRole) run as the function's role.
    // A function policy written by the caller can grant it lambda:UpdateFunctionCode on the function.
    "lambda-function": {
        what: "Lambda function",
        arn: /^arn:[^:]+:lambda:[^:]*:[^:]*:function:([^:]+)(?::[^:]+)?$/,
        actions: ["lambda:UpdateFunctionCode", "lambda:UpdateFunctionConfiguration", "lambda:AddPermission", "lambda:PutResourcePolicy"],
    },
    // A build (with a buildspec override) or a new buildspec runs as the project's service role.
    "codebuild-project": { what: "CodeBuild project", arn: /^arn:[^:]+:codebuild:[^:]*:[^:]*:project\/([^/]+)$/, actions: ["codebuild:StartBuild", "codebuild:StartBuildBatch", "codebuild:UpdateProject", "codebuild:StartSandbox"] },
    // A new definition runs as the state machine's role (its tasks call any API that role may).
    "state-machine": { what: "Step Functions state machine", arn: /^arn:[^:]+:states:[^:]*:[^:]*:stateMachine:([^:]+)$/, actions: ["states:UpdateStateMachine"] },
    // Commands, sessions, SSH keys, State Manager associations and new user data run on the instance, where its profile's role is.
    "ec2-instance": {
        what: "EC2 instance",
        arn: /^arn:[^:]+:ec2:[^:]*:[^:]*:instance\/([^/]+)$/,
        actions: ["ssm:SendCommand", "ssm:StartSession", "ssm:CreateAssociation", "ec2-instance-connect:SendSSHPublicKey", "ec2-instance-connect:SendSerialConsoleSSHPublicKey", "ec2:ModifyInstanceAttribute"],
    },
    // A task of the definition, its command overridden, runs as the definition's task role: no iam:PassRole is asked.
    "ecs-task-definition": { what: "ECS task definition", arn: /^arn:[^:]+:ecs:[^:]*:[^:]*:task-definition\/([^:/]+)(?::[^:]+)?$/, actions: ["ecs:RunTask", "ecs:StartTask"] },
    // A run's arguments override the job's (`--scriptLocation`), and an update its script: either runs as the job's role.
    "glue-job": { what: "Glue job", arn: /^arn:[^:]+:glue:[^:]*:[^:]*:job\/([^/]+)$/, actions: ["glue:StartJobRun", "glue:UpdateJob"] },
    // An update, or a change set executed, creates what the caller's template says as the stack's service role.
    "cloudformation-stack": {
        what: "CloudFormation stack",
        arn: /^arn:[^:]+:cloudformation:[^:]*:[^:]*:stack\/([^/]+)(?:\/.*)?$/,
        actions: ["cloudformation:UpdateStack", "cloudformation:CreateChangeSet", "cloudformation:ExecuteChangeSet"],
    },
};

/**
 * Whether a statement's resource names this compute: one of its ARNs (a Lambda function's with a
 * version or alias too), or, while its ARN is not known, an ARN of its kind that ends in its name.
 * Compute whose name the pack cannot know (CloudFormation chooses it, an instance's ID) is named by
 * any ARN of its kind, failing closed. A pattern names nothing: it is the model's `run-as-other-role`
 * path on compute it does not name.
 */
export function namesCompute(resource: string, compute: ComputeRecord): boolean {
    if (isPattern(resource)) {
        return false;
    }
    // A Lambda function's ARN with a version or alias, a task definition's with a revision, a stack's with its ID.
    const qualified = compute.kind === "lambda-function" || compute.kind === "ecs-task-definition" ? ":" : compute.kind === "cloudformation-stack" ? "/" : undefined;
    if (compute.arns.some((arn) => resource === arn || (qualified !== undefined && resource.startsWith(`${arn}${qualified}`)))) {
        return true;
    }
    const name = computeKinds[compute.kind].arn.exec(resource)?.[1];
    // Compute whose name is chosen when it is created may be the one any ARN of its kind names.
    return compute.arns.length === 0 && name !== undefined && (compute.names.includes(name) || compute.anyName === true);
}

/**
 * The compute each action of the model's `runAsOtherRoleActions` runs code or commands in, named:
 * the ARNs of that compute (its resource types, not the documents or queues it also authorizes on)
 * and the service principals its role trusts. A grant naming compute the stack does not show (an Auto
 * Scaling group's instance, a function created by another tool, a kind the pack does not follow)
 * may reach any role of the stack that trusts that service, failing closed.
 */
const runAsTargets: Record<string, { arn: RegExp; services: readonly string[] }> = {};
const target = (actions: string[], arn: RegExp, services: readonly string[]): void => actions.forEach((action) => (runAsTargets[action.toLowerCase()] = { arn, services }));
target(["lambda:UpdateFunctionCode", "lambda:UpdateFunctionConfiguration", "lambda:AddPermission", "lambda:PutResourcePolicy"], /^arn:[^:]+:lambda:[^:]*:[^:]*:function:/, ["lambda"]);
target(["glue:UpdateDevEndpoint"], /^arn:[^:]+:glue:[^:]*:[^:]*:devEndpoint\//, ["glue"]);
target(["glue:UpdateJob", "glue:StartJobRun"], /^arn:[^:]+:glue:[^:]*:[^:]*:job\//, ["glue"]);
target(["glue:RunStatement"], /^arn:[^:]+:glue:[^:]*:[^:]*:session\//, ["glue"]);
// Instances, and the hybrid nodes Systems Manager manages (their role trusts ssm.amazonaws.com).
target(
    ["ssm:SendCommand", "ssm:StartSession", "ssm:CreateAssociation", "ssm:CreateAssociationBatch", "ssm:UpdateAssociation"],
    /^arn:[^:]+:(?:ec2:[^:]*:[^:]*:instance\/|ssm:[^:]*:[^:]*:managed-instance\/)/,
    ["ec2", "ssm"],
);
target(["ec2-instance-connect:SendSSHPublicKey", "ec2-instance-connect:SendSerialConsoleSSHPublicKey", "ec2:ModifyInstanceAttribute"], /^arn:[^:]+:ec2:[^:]*:[^:]*:instance\//, ["ec2"]);
// A new version of a template the groups launch: their instances run as its instance profile's role.
target(["ec2:CreateLaunchTemplateVersion", "ec2:ModifyLaunchTemplate"], /^arn:[^:]+:ec2:[^:]*:[^:]*:launch-template\//, ["ec2"]);
target(["ssm:StartAutomationExecution"], /^arn:[^:]+:ssm:[^:]*:[^:]*:automation-definition\//, ["ssm"]);
target(["ecs:ExecuteCommand"], /^arn:[^:]+:ecs:[^:]*:[^:]*:task\//, ["ecs-tasks"]);
target(["ecs:RunTask", "ecs:StartTask"], /^arn:[^:]+:ecs:[^:]*:[^:]*:task-definition\//, ["ecs-tasks"]);
target(["codebuild:StartBuild", "codebuild:StartBuildBatch", "codebuild:UpdateProject", "codebuild:StartSandbox"], /^arn:[^:]+:codebuild:[^:]*:[^:]*:project\//, ["codebuild"]);
target(["codebuild:StartSandboxConnection", "codebuild:StartCommandExecution"], /^arn:[^:]+:codebuild:[^:]*:[^:]*:sandbox\//, ["codebuild"]);
// A window's task, or a document associations and windows run, runs on instances the request (or the association) chooses.
target(["ssm:RegisterTaskWithMaintenanceWindow", "ssm:UpdateMaintenanceWindowTask"], /^arn:[^:]+:ssm:[^:]*:[^:]*:(?:maintenancewindow|windowtask)\//, ["ec2", "ssm"]);
target(["ssm:UpdateDocument", "ssm:UpdateDocumentDefaultVersion"], /^arn:[^:]+:ssm:[^:]*:[^:]*:document\//, ["ec2", "ssm"]);
// A trigger starts any job of the account with its arguments: the job it runs is the request's, not the trigger's.
target(["glue:CreateTrigger", "glue:UpdateTrigger"], /^arn:[^:]+:glue:[^:]*:[^:]*:trigger\//, ["glue"]);
target(["kinesisanalytics:UpdateApplication"], /^arn:[^:]+:kinesisanalytics:[^:]*:[^:]*:application\//, ["kinesisanalytics"]);
target(["sagemaker:UpdatePipeline"], /^arn:[^:]+:sagemaker:[^:]*:[^:]*:pipeline\//, ["sagemaker"]);
target(["elasticbeanstalk:UpdateEnvironment"], /^arn:[^:]+:elasticbeanstalk:[^:]*:[^:]*:environment\//, ["ec2", "elasticbeanstalk"]);
target(["airflow:UpdateEnvironment"], /^arn:[^:]+:airflow:[^:]*:[^:]*:environment\//, ["airflow", "airflow-env"]);
target(["codedeploy:CreateDeployment"], /^arn:[^:]+:codedeploy:[^:]*:[^:]*:deploymentgroup:/, ["ec2", "ssm"]);
target(["amplify:UpdateApp", "amplify:UpdateBranch", "amplify:CreateBranch"], /^arn:[^:]+:amplify:[^:]*:[^:]*:apps\//, ["amplify"]);
target(["bedrock-agentcore:StartCodeInterpreterSession", "bedrock-agentcore:InvokeCodeInterpreter"], /^arn:[^:]+:bedrock-agentcore:[^:]*:[^:]*:code-interpreter(?:-custom)?\//, ["bedrock-agentcore"]);
// The role a job run names trusts the cluster's OIDC provider (an EMR-made ServiceAccount), not a service: the pack follows no service trust for it; on virtual clusters not named it is the model's own path.
target(["emr-containers:StartJobRun"], /^arn:[^:]+:emr-containers:[^:]*:[^:]*:\/virtualclusters\//, []);
target(["cloud9:CreateEnvironmentMembership", "cloud9:UpdateEnvironmentMembership"], /^arn:[^:]+:cloud9:[^:]*:[^:]*:environment:/, ["ec2"]);
target(["cloudformation:UpdateStack", "cloudformation:ExecuteChangeSet"], /^arn:[^:]+:cloudformation:[^:]*:[^:]*:stack\//, ["cloudformation"]);
target(["cloudformation:UpdateStackSet"], /^arn:[^:]+:cloudformation:[^:]*:[^:]*:stackset\//, ["cloudformation"]);
target(["sagemaker:CreatePresignedNotebookInstanceUrl", "sagemaker:UpdateNotebookInstance"], /^arn:[^:]+:sagemaker:[^:]*:[^:]*:notebook-instance\//, ["sagemaker"]);
target(["sagemaker:UpdateNotebookInstanceLifecycleConfig"], /^arn:[^:]+:sagemaker:[^:]*:[^:]*:notebook-instance-lifecycle-config\//, ["sagemaker"]);
target(["sagemaker:CreatePresignedDomainUrl", "sagemaker:UpdateUserProfile"], /^arn:[^:]+:sagemaker:[^:]*:[^:]*:user-profile\//, ["sagemaker"]);
target(["sagemaker:UpdateDomain"], /^arn:[^:]+:sagemaker:[^:]*:[^:]*:domain\//, ["sagemaker"]);
target(["sagemaker:UpdateSpace"], /^arn:[^:]+:sagemaker:[^:]*:[^:]*:space\//, ["sagemaker"]);
target(["states:UpdateStateMachine"], /^arn:[^:]+:states:[^:]*:[^:]*:stateMachine:/, ["states"]);
target(["apprunner:UpdateService"], /^arn:[^:]+:apprunner:[^:]*:[^:]*:service\//, ["tasks.apprunner", "build.apprunner"]);
target(["batch:SubmitJob"], /^arn:[^:]+:batch:[^:]*:[^:]*:job-definition\//, ["ecs-tasks"]);
target(["elasticmapreduce:AddJobFlowSteps"], /^arn:[^:]+:elasticmapreduce:[^:]*:[^:]*:cluster\//, ["ec2", "elasticmapreduce"]);
target(["airflow:CreateCliToken"], /^arn:[^:]+:airflow:[^:]*:[^:]*:environment\//, ["airflow", "airflow-env"]);
// A repository is code, not compute: what pulls an image from it by tag is followed as the code it
// loads (chains.ts, codeArtifactChains), and a push to repositories not named is the model's own path.
target(["ecr:PutImage", "ecr:SetRepositoryPolicy"], /^arn:[^:]+:ecr:[^:]*:[^:]*:repository\//, []);

/**
 * The compute an action of `runAsOtherRoleActions` runs as, by the ARN it is named by and the
 * services its role trusts. An action of the model the table does not know yet is taken to run in
 * any compute, as any service's role, so a new entry of the model is never a way around.
 */
export function runAsTargetOf(action: string): { arn: RegExp; services: readonly string[] } {
    return runAsTargets[action.toLowerCase()] ?? { arn: /^arn:/, services: [anyService] };
}

/** The run-as actions of the model with no entry of their own, for the test that keeps the two in step. */
export function runAsActionsWithoutTargets(): string[] {
    return runAsOtherRoleActions.filter((action) => runAsTargets[action.toLowerCase()] === undefined);
}
