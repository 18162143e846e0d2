/**
 * The escalation model: the known ways a workload role's permissions reach more power than they
 * name, each a path with a level. `administrator` and `escalation` paths are mandatory violations in
 * the policy pack and refusals without `allowBroadPermissions` in the components; `broad` paths are
 * advisory in the pack and refusals without `allowBroadPermissions` in the components. One model,
 * read by both (README, "The escalation model").
 */

/** How bad a path is. */
export type PathLevel = "administrator" | "escalation" | "broad";

/** One known path from a role's grants to more power. */
export interface EscalationPath {
    id: string;
    level: PathLevel;
    /** What the grant lets a pod do, for messages. */
    why: string;
}

/** The facts about a grant the paths are made of. */
export type CapabilityId =
    | "every-action"
    | "most-services"
    | "iam-policy-write"
    | "pass-unnamed-role"
    | "start-compute"
    | "assume-unnamed-role"
    | "user-credentials"
    | "run-as-other-role"
    | "identity-provider-write"
    | "cluster-access-write"
    | "resource-policy-write"
    | "service-wide";

/**
 * Actions that start compute running as a role the caller passes (with `iam:PassRole`): whoever may
 * pass any role and start one of these runs code as that role.
 */
export const computeStartingActions: readonly string[] = [
    "lambda:CreateFunction",
    "lambda:UpdateFunctionConfiguration",
    "ec2:RunInstances",
    "ec2:RequestSpotInstances",
    "ec2:RequestSpotFleet",
    "ec2:CreateFleet",
    "ec2:AssociateIamInstanceProfile",
    "ec2:ReplaceIamInstanceProfileAssociation",
    "autoscaling:CreateAutoScalingGroup",
    "autoscaling:UpdateAutoScalingGroup",
    "autoscaling:CreateLaunchConfiguration",
    "ecs:RunTask",
    "ecs:StartTask",
    "ecs:RegisterTaskDefinition",
    "ecs:CreateService",
    "ecs:UpdateService",
    "batch:SubmitJob",
    "batch:RegisterJobDefinition",
    "glue:CreateDevEndpoint",
    "glue:UpdateDevEndpoint",
    "glue:CreateJob",
    "glue:UpdateJob",
    "glue:CreateSession",
    "cloudformation:CreateStack",
    "cloudformation:UpdateStack",
    "cloudformation:CreateChangeSet",
    "cloudformation:CreateStackSet",
    "cloudformation:UpdateStackSet",
    "datapipeline:CreatePipeline",
    "datapipeline:PutPipelineDefinition",
    "sagemaker:CreateNotebookInstance",
    "sagemaker:CreateTrainingJob",
    "sagemaker:CreateProcessingJob",
    "sagemaker:CreateHyperParameterTuningJob",
    "codebuild:CreateProject",
    "codebuild:UpdateProject",
    "states:CreateStateMachine",
    "states:UpdateStateMachine",
    "apprunner:CreateService",
    "apprunner:UpdateService",
    "eks:CreateNodegroup",
    "eks:CreateCluster",
    "eks:CreateFargateProfile",
    "eks:CreatePodIdentityAssociation",
    "eks:UpdatePodIdentityAssociation",
    "events:PutTargets",
    "scheduler:CreateSchedule",
    "scheduler:UpdateSchedule",
    "elasticbeanstalk:CreateEnvironment",
    "elasticmapreduce:RunJobFlow",
    "airflow:CreateEnvironment",
    "ssm:StartAutomationExecution",
    "emr-serverless:StartJobRun",
    "sagemaker:CreateModel",
    "codepipeline:CreatePipeline",
    "codepipeline:UpdatePipeline",
    "kinesisanalytics:CreateApplication",
    "bedrock-agentcore:CreateCodeInterpreter",
    // An agent runtime's container runs as the role it is given (roleArn, required on update too).
    "bedrock-agentcore:CreateAgentRuntime",
    "bedrock-agentcore:UpdateAgentRuntime",
    // Image Builder's build and test instances launch with the instance profile its infrastructure configuration names.
    "imagebuilder:CreateInfrastructureConfiguration",
    "imagebuilder:UpdateInfrastructureConfiguration",
    // A pipeline's steps, and Studio's apps (of a domain or user profile), run as the execution role given.
    "sagemaker:CreatePipeline",
    "sagemaker:CreateDomain",
    "sagemaker:CreateUserProfile",
    // An Amplify app's builds run as its service role (iamServiceRoleArn).
    "amplify:CreateApp",
    // A build's serviceRoleOverride runs it, and its buildspec, as the role passed instead of the project's.
    "codebuild:StartBuild",
    "codebuild:StartBuildBatch",
    // A HealthOmics run's workflow tasks (containers the caller chooses) run as the role it passes.
    "omics:StartRun",
];

/** Actions that create or revive credentials of IAM users, or put users into groups: become that user. */
export const userCredentialActions: readonly string[] = [
    "iam:CreateAccessKey",
    "iam:UpdateAccessKey",
    "iam:CreateLoginProfile",
    "iam:UpdateLoginProfile",
    "iam:CreateServiceSpecificCredential",
    "iam:ResetServiceSpecificCredential",
    "iam:UpdateServiceSpecificCredential",
    "iam:UploadSSHPublicKey",
    "iam:UploadSigningCertificate",
    "iam:AddUserToGroup",
    "iam:DeactivateMFADevice",
    // A privileged session as a member account's root user (from the management or delegated administrator account), whose task policies include creating the root user's password: that account's root.
    "sts:AssumeRoot",
];

/** Actions that run code or commands inside compute that already runs as some role. */
export const runAsOtherRoleActions: readonly string[] = [
    "lambda:UpdateFunctionCode",
    "lambda:UpdateFunctionConfiguration",
    "glue:UpdateDevEndpoint",
    "ssm:SendCommand",
    "ssm:StartSession",
    "ssm:StartAutomationExecution",
    "ec2-instance-connect:SendSSHPublicKey",
    "ec2-instance-connect:SendSerialConsoleSSHPublicKey",
    "ecs:ExecuteCommand",
    "codebuild:StartBuild",
    "codebuild:StartBuildBatch",
    "codebuild:UpdateProject",
    "cloudformation:UpdateStack",
    "cloudformation:ExecuteChangeSet",
    "sagemaker:CreatePresignedNotebookInstanceUrl",
    "sagemaker:CreatePresignedDomainUrl",
    "sagemaker:UpdateNotebookInstanceLifecycleConfig",
    "ec2:ModifyInstanceAttribute",
    // Commands that State Manager runs on instances, as their roles.
    "ssm:CreateAssociation",
    "ssm:CreateAssociationBatch",
    "ssm:UpdateAssociation",
    // A new version of a launch template that groups launch `$Latest` (or `$Default`, once made the default) of: new user data, the same instance profile, no iam:PassRole.
    "ec2:CreateLaunchTemplateVersion",
    "ec2:ModifyLaunchTemplate",
    // Updates in place that keep the role: a new definition or source runs as the role already set.
    "states:UpdateStateMachine",
    "cloudformation:UpdateStackSet",
    "apprunner:UpdateService",
    "glue:UpdateJob",
    // A run's arguments override the job's (`--scriptLocation`, `--extra-py-files`): any script runs as the job's role.
    "glue:StartJobRun",
    // Tasks and jobs of definitions that exist, their commands overridden: they run as the definition's role, no iam:PassRole asked.
    "ecs:RunTask",
    "ecs:StartTask",
    "batch:SubmitJob",
    // Steps on a running EMR cluster, statements in a Glue session, a CLI token of an Airflow environment, a notebook's new lifecycle configuration: run as their roles.
    "elasticmapreduce:AddJobFlowSteps",
    "glue:RunStatement",
    "airflow:CreateCliToken",
    "sagemaker:UpdateNotebookInstance",
    // An image pushed under a tag that exists (`:latest`, `:v1` where tags are mutable): the pods, tasks and functions that pull it run its code as their roles.
    "ecr:PutImage",
    // CodeBuild's sandbox: a session or shell commands in the project's build environment, as its service role.
    "codebuild:StartSandbox",
    "codebuild:StartSandboxConnection",
    "codebuild:StartCommandExecution",
    // A maintenance window's Run Command task targets instances by ID and runs as Systems Manager's service-linked role when it names none (no iam:PassRole): commands on those instances, as their roles.
    "ssm:RegisterTaskWithMaintenanceWindow",
    "ssm:UpdateMaintenanceWindowTask",
    // A new version (or default version) of a document the account's associations and windows run on instances at `$LATEST` or `$DEFAULT`.
    "ssm:UpdateDocument",
    "ssm:UpdateDocumentDefaultVersion",
    // A trigger's arguments replace the job's (`--scriptLocation`), as glue:StartJobRun's do: any script runs as the job's role when it fires.
    "glue:CreateTrigger",
    "glue:UpdateTrigger",
    // A new definition of a pipeline that keeps its role (RoleArn is optional on update): its steps run as that role.
    "sagemaker:UpdatePipeline",
    // A new application version deployed to an environment, or new DAGs, plugins or startup script for an Airflow environment, or a CodeDeploy revision's hooks: run as the instances' or environment's role.
    "elasticbeanstalk:UpdateEnvironment",
    "airflow:UpdateEnvironment",
    "codedeploy:CreateDeployment",
    // A new build specification of an Amplify app or branch: its next build runs as the app's service role.
    "amplify:UpdateApp",
    "amplify:UpdateBranch",
    "amplify:CreateBranch",
    // Code run in a custom code interpreter, as its execution role.
    "bedrock-agentcore:StartCodeInterpreterSession",
    "bedrock-agentcore:InvokeCodeInterpreter",
    // A job run names its execution role (any role onboarded to the virtual cluster); IAM asks no iam:PassRole, only emr-containers:ExecutionRoleArn can bound it.
    "emr-containers:StartJobRun",
    // A read-write member of a Cloud9 environment has a terminal on its instance, with its role.
    "cloud9:CreateEnvironmentMembership",
    "cloud9:UpdateEnvironmentMembership",
    // Studio lifecycle configurations and custom images of a domain, user profile or space run in its apps as the execution role (sagemaker:StudioLifecycleConfigArns, sagemaker:ImageArns); no iam:PassRole while the role is kept.
    "sagemaker:UpdateDomain",
    "sagemaker:UpdateUserProfile",
    "sagemaker:UpdateSpace",
    // A Managed Service for Apache Flink application's new code (ApplicationCodeConfigurationUpdate) runs as its service execution role, kept.
    "kinesisanalytics:UpdateApplication",
    // Resource policies that can grant the actions above: a function's policy can grant lambda:UpdateFunctionCode, a repository's ecr:PutImage, to the caller itself (within the account a resource policy alone allows).
    "lambda:AddPermission",
    "lambda:PutResourcePolicy",
    "ecr:SetRepositoryPolicy",
];

/**
 * Run-as actions authorized on a container whose request, not the resource, chooses the compute and
 * the role it runs as, so naming the container bounds nothing: a State Manager association's targets,
 * which IAM does not check against the instances named; a maintenance window's task names its
 * targets by instance ID and runs as Systems Manager's service-linked role when it names no role; a
 * service-managed StackSet (`PermissionModel: SERVICE_MANAGED`, from the management or a delegated
 * administrator account) deploys the caller's template to member accounts through AWS-made
 * execution roles, with no iam:PassRole.
 */
export const runAsAnyTargetActions: readonly string[] = [
    "ssm:RegisterTaskWithMaintenanceWindow",
    "ssm:UpdateMaintenanceWindowTask",
    "cloudformation:CreateStackSet",
    // State Manager checks the instance resource only against the deprecated InstanceId parameter, never against Targets
    // ("Working with associations using IAM", Systems Manager user guide): a grant on a named document or instance runs on any instance.
    "ssm:CreateAssociation",
    "ssm:CreateAssociationBatch",
    "ssm:UpdateAssociation",
];

/**
 * Actions that share a resource with other accounts (or everyone) though the catalogue files them as
 * writes, not permissions management: they are resource-policy writes all the same.
 */
export const resourceSharingActions: readonly string[] = [
    "ec2:ModifyImageAttribute",
    "ec2:ModifySnapshotAttribute",
    "ec2:ModifyFpgaImageAttribute",
    "rds:ModifyDBSnapshotAttribute",
    "rds:ModifyDBClusterSnapshotAttribute",
    "redshift:AuthorizeSnapshotAccess",
];

/** Actions that change identity providers roles trust: mint identities those roles accept. */
export const identityProviderActions: readonly string[] = [
    "iam:CreateOpenIDConnectProvider",
    "iam:UpdateOpenIDConnectProviderThumbprint",
    "iam:AddClientIDToOpenIDConnectProvider",
    "iam:CreateSAMLProvider",
    "iam:UpdateSAMLProvider",
];

/**
 * Actions that give a principal Kubernetes access to EKS clusters: cluster admin, every pod's
 * ServiceAccount. Naming the cluster bounds nothing: the cluster a pod runs on is the one it names.
 */
export const clusterAccessActions: readonly string[] = [
    "eks:CreateAccessEntry",
    "eks:UpdateAccessEntry",
    "eks:AssociateAccessPolicy",
    // An OIDC identity provider of the cluster: it mints the users and groups the cluster's RBAC binds.
    "eks:AssociateIdentityProviderConfig",
];

/**
 * Roles that exist by convention in AWS accounts with administrator power (a bootstrap, a service
 * or AWS Organizations creates them, outside any stack): a grant naming one of them (`sts:AssumeRole`,
 * or `iam:PassRole` with compute) reaches that power as a grant naming no role would, so it counts as
 * one on roles it does not name. By role name (the last segment of the ARN), with why.
 */
export const wellKnownAdministratorRoles: readonly { name: RegExp; why: string }[] = [
    {
        name: /^cdk-[a-z0-9]+-deploy-role-\d{12}-[a-z0-9-]+$/,
        why: "the AWS CDK bootstrap's deploy role, whose trust admits the whole account and which passes the bootstrap's CloudFormation execution role (AdministratorAccess unless the bootstrap was given other policies)",
    },
    { name: /^cdk-[a-z0-9]+-cfn-exec-role-\d{12}-[a-z0-9-]+$/, why: "the AWS CDK bootstrap's CloudFormation execution role (AdministratorAccess unless the bootstrap was given other policies)" },
    { name: /^AWSCloudFormationStackSetExecutionRole$/, why: "the execution role of self-managed StackSets, AdministratorAccess as AWS documents it, trusting the administrator account" },
    { name: /^AWSCloudFormationStackSetAdministrationRole$/, why: "the administration role of self-managed StackSets, which assumes AWSCloudFormationStackSetExecutionRole in the target accounts" },
    { name: /^OrganizationAccountAccessRole$/, why: "the role AWS Organizations creates in member accounts, AdministratorAccess, trusting the management account" },
    { name: /^AWSControlTowerExecution$/, why: "the role AWS Control Tower creates in enrolled accounts, AdministratorAccess, trusting the management account" },
];

/** Why a role ARN names a well-known administrator role (`wellKnownAdministratorRoles`), or undefined. */
export function wellKnownAdministratorRole(arn: string): string | undefined {
    const match = /^arn:[^:]+:iam::[^:]*:role\/(?:.*\/)?([^/]+)$/.exec(arn);
    return match === null ? undefined : wellKnownAdministratorRoles.find((role) => role.name.test(match[1]))?.why;
}

/** The paths, each made of the capabilities it needs, all of them. */
export const escalationPaths: readonly (EscalationPath & { needs: CapabilityId[] })[] = [
    { id: "every-action", level: "administrator", needs: ["every-action"], why: "grants every action of every service, IAM and STS included: the account's administrator" },
    { id: "most-services", level: "administrator", needs: ["most-services"], why: "grants every action of most services: administrator of the account's resources" },
    {
        id: "iam-policy-write",
        level: "escalation",
        needs: ["iam-policy-write"],
        why: "writes IAM policies, permissions boundaries or trust policies (Permissions management): it can attach AdministratorAccess to its own role, or let itself assume any role",
    },
    {
        id: "pass-role-compute",
        level: "escalation",
        needs: ["pass-unnamed-role", "start-compute"],
        why: "passes roles it does not name (iam:PassRole) and starts compute that runs as the passed role: it runs code as any role the account has",
    },
    { id: "assume-any-role", level: "escalation", needs: ["assume-unnamed-role"], why: "assumes roles it does not name (sts:AssumeRole): it becomes any role whose trust admits the account" },
    { id: "user-credentials", level: "escalation", needs: ["user-credentials"], why: "creates or revives credentials of IAM users (access keys, login profiles, group membership) or of a member account's root user (sts:AssumeRoot): it becomes those users" },
    {
        id: "run-as-other-role",
        level: "escalation",
        needs: ["run-as-other-role"],
        why: "changes the code or runs commands in compute it does not name (lambda:UpdateFunctionCode, ssm:SendCommand, ...): it runs as the roles of that compute",
    },
    {
        id: "identity-provider-write",
        level: "escalation",
        needs: ["identity-provider-write"],
        why: "changes the account's OIDC or SAML identity providers: it mints identities the roles trusting them accept",
    },
    {
        id: "cluster-access-write",
        level: "escalation",
        needs: ["cluster-access-write"],
        why: "creates or changes EKS access entries, access policies or identity providers of a cluster, the one it names too: it makes itself that cluster's administrator, with every ServiceAccount's role",
    },
    { id: "pass-any-role", level: "broad", needs: ["pass-unnamed-role"], why: "passes roles it does not name (iam:PassRole): name the role and the service it is passed to" },
    {
        id: "resource-policy-write",
        level: "broad",
        needs: ["resource-policy-write"],
        why: "writes resource policies or grants (Permissions management) on resources it does not name: it can open them to anyone",
    },
    { id: "service-wide", level: "broad", needs: ["service-wide"], why: "grants all or most actions of a service, deletes and permission changes included, present and future" },
];
