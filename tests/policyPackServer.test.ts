/**
 * The policy pack as the Pulumi CLI runs it: the Node.js language host's `run-policy-pack` loads
 * policy/ (its main, packEntry.js, which runs index.ts through ts-node with policy/tsconfig.json), the PolicyPack starts
 * the analyzer's gRPC server and prints its port, and the engine calls the Analyzer service.
 */
import * as assert from "node:assert/strict";
import { ChildProcess, spawn } from "node:child_process";
import * as path from "node:path";

import * as grpc from "@grpc/grpc-js";
import * as analyzerRpc from "@pulumi/pulumi/proto/analyzer_grpc_pb";
import * as analyzerProto from "@pulumi/pulumi/proto/analyzer_pb";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";

import { packName, policies } from "../policy/pack";
import { allowedByIdentityPolicy, allowedByTrustPolicy } from "./iamEvaluator";
import { account, document, irsaStatement, issuer, providerArn } from "./policyPackFixtures";
import { projectDir } from "./stackFiles";

const policyDir = path.join(projectDir, "policy");
/** The engine's marker for a string unknown during preview. */
const unknownString = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** Starts the pack as the CLI does and resolves with the port it prints. */
function startPack(): Promise<{ child: ChildProcess; port: number }> {
    return new Promise((resolve, reject) => {
        // The engine address argument is what the CLI passes; run-policy-pack drops it.
        const child = spawn(process.execPath, [path.join(projectDir, "node_modules/@pulumi/pulumi/cmd/run-policy-pack"), "127.0.0.1:0", "."], {
            cwd: policyDir,
            stdio: ["ignore", "pipe", "pipe"],
        });
        let stdout = "";
        let stderr = "";
        child.stdout!.on("data", (chunk: Buffer) => {
            stdout += chunk.toString();
            const line = /^(\d+)\n/.exec(stdout);
            if (line) {
                resolve({ child, port: Number(line[1]) });
            }
        });
        child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
        child.on("exit", (code) => reject(new Error(`the policy pack exited (${code}) before serving:\n${stdout}\n${stderr}`)));
    });
}

/** Calls a unary method of the Analyzer service. */
function call<Request, Response>(client: analyzerRpc.AnalyzerClient, method: string, request: Request): Promise<Response> {
    return new Promise((resolve, reject) => {
        const fn = (client as unknown as Record<string, (request: Request, callback: (error: grpc.ServiceError | null, response: Response) => void) => void>)[method].bind(client);
        fn(request, (error, response) => (error ? reject(error) : resolve(response)));
    });
}

function stackResource(type: string, name: string, props: Record<string, unknown>): analyzerProto.AnalyzerResource {
    return new analyzerProto.AnalyzerResource()
        .setType(type)
        .setName(name)
        .setUrn(`urn:pulumi:prod::guarded::${type}::${name}`)
        .setProperties(Struct.fromJavaScript(props as never))
        .setOptions(new analyzerProto.AnalyzerResourceOptions());
}

function analyzeRequest(stack: string, type: string, name: string, props: Record<string, unknown>): analyzerProto.AnalyzeRequest {
    return new analyzerProto.AnalyzeRequest()
        .setType(type)
        .setName(name)
        .setUrn(`urn:pulumi:${stack}::guarded::${type}::${name}`)
        .setProperties(Struct.fromJavaScript(props as never))
        .setOptions(new analyzerProto.AnalyzerResourceOptions());
}

interface Diagnostic {
    policy: string;
    level: string;
    message: string;
    urn: string;
}

function diagnostics(response: analyzerProto.AnalyzeResponse): Diagnostic[] {
    const levels = Object.fromEntries(Object.entries(analyzerProto.EnforcementLevel).map(([name, value]) => [value, name.toLowerCase()]));
    return response.getDiagnosticsList().map((diagnostic) => ({
        policy: diagnostic.getPolicyname(),
        level: levels[diagnostic.getEnforcementlevel()],
        message: diagnostic.getMessage(),
        urn: diagnostic.getUrn(),
    }));
}

describe("policy pack: the analyzer server the CLI starts", function () {
    // The language host starts Node.js, the SDK and ts-node, which compiles the pack.
    this.timeout(180000);
    let pack: { child: ChildProcess; port: number };
    let client: analyzerRpc.AnalyzerClient;

    before(async () => {
        pack = await startPack();
        client = new analyzerRpc.AnalyzerClient(`127.0.0.1:${pack.port}`, grpc.credentials.createInsecure());
    });

    after(() => {
        client?.close();
        pack?.child.removeAllListeners("exit");
        pack?.child.kill();
    });

    it("describes the pack: its name, version and every policy with its level and config schema", async () => {
        const info = await call<Empty, analyzerProto.AnalyzerInfo>(client, "getAnalyzerInfo", new Empty());
        assert.equal(info.getName(), packName);
        assert.equal(info.getVersion(), "0.1.0");
        assert.ok(info.getSupportsconfig());
        const served = info.getPoliciesList().map((policy) => [policy.getName(), policy.getEnforcementlevel() === analyzerProto.EnforcementLevel.MANDATORY ? "mandatory" : "advisory"]);
        assert.deepEqual(served, policies.map((policy) => [policy.name, policy.enforcementLevel]));
        const endpoint = info.getPoliciesList().find((policy) => policy.getName() === "eks-cluster-endpoint-restricted")!;
        const schema = endpoint.getConfigschema()!.getProperties()!.toJavaScript() as { nonProductionStacks: { default: string[] } };
        assert.ok(schema.nonProductionStacks.default.includes("dev"));
    });

    it("Analyze: an IRSA role any ServiceAccount can assume is a mandatory violation naming the statement", async () => {
        const statement = irsaStatement({ StringEquals: { [`${issuer}:aud`]: "sts.amazonaws.com" } });
        const request = analyzeRequest("prod", "aws:iam/role:Role", "open", { assumeRolePolicy: JSON.stringify(document(statement)) });
        const found = diagnostics(await call(client, "analyze", request));
        assert.deepEqual(found.map(({ policy, level }) => [policy, level]), [["irsa-trust-bounded-subject", "mandatory"]]);
        assert.ok(found[0].message.startsWith("A role trusting an EKS cluster's IAM OIDC provider"));
        assert.ok(found[0].message.includes(`trust policy Statement[0] ${JSON.stringify(statement)}: no StringEquals (or namespace-confined StringLike) condition on ${issuer}:sub`));
    });

    it("Analyze: an open cluster endpoint is mandatory in prod and advisory in dev (a level per violation)", async () => {
        const cluster = { vpcConfig: { publicAccessCidrs: ["0.0.0.0/0"] }, enabledClusterLogTypes: ["api", "audit", "authenticator"] };
        const prod = diagnostics(await call(client, "analyze", analyzeRequest("prod", "aws:eks/cluster:Cluster", "apps", cluster)));
        const dev = diagnostics(await call(client, "analyze", analyzeRequest("dev", "aws:eks/cluster:Cluster", "apps", cluster)));
        assert.deepEqual(prod.map(({ policy, level }) => [policy, level]), [["eks-cluster-endpoint-restricted", "mandatory"]]);
        assert.deepEqual(dev.map(({ policy, level }) => [policy, level]), [["eks-cluster-endpoint-restricted", "advisory"]]);
        assert.equal(dev[0].message, `${prod[0].message} (advisory: stack "dev" is non-production)`, "the same message, description first");
    });

    it("Analyze during preview: one cluster setting unknown does not hide another", async () => {
        const cluster = { vpcConfig: { subnetIds: [unknownString], publicAccessCidrs: unknownString }, enabledClusterLogTypes: ["api"] };
        const found = diagnostics(await call(client, "analyze", analyzeRequest("prod", "aws:eks/cluster:Cluster", "apps", cluster)));
        assert.deepEqual(
            found.map(({ policy, level }) => [policy, level]),
            [
                ["eks-cluster-endpoint-restricted", "advisory"],
                ["eks-cluster-audit-logging", "mandatory"],
            ],
        );
        assert.match(found[0].message, /can't run policy 'eks-cluster-endpoint-restricted' .* during preview/);
    });

    it("Analyze: a value unknown during preview is not judged; the server says the policy could not run", async () => {
        const found = diagnostics(await call(client, "analyze", analyzeRequest("prod", "aws:iam/role:Role", "pending", { assumeRolePolicy: unknownString })));
        assert.ok(found.length > 0 && found.every((diagnostic) => diagnostic.level === "advisory" && /can't run policy .* during preview/.test(diagnostic.message)));
    });

    it("Analyze during preview: a ServiceAccount whose role ARN is not known yet is still judged on its token", async () => {
        const metadata = { name: "api", namespace: "apps", annotations: { "eks.amazonaws.com/role-arn": unknownString } };
        const mounted = diagnostics(await call(client, "analyze", analyzeRequest("prod", "kubernetes:core/v1:ServiceAccount", "api", { metadata })));
        assert.deepEqual(mounted.map(({ policy, level }) => [policy, level]), [["service-account-no-token-automount", "advisory"]]);
        const unmounted = diagnostics(await call(client, "analyze", analyzeRequest("prod", "kubernetes:core/v1:ServiceAccount", "api", { metadata, automountServiceAccountToken: false })));
        assert.deepEqual(unmounted, []);
    });

    it("AnalyzeStack: finds a node group's launch template through its property dependencies", async () => {
        const template = new analyzerProto.AnalyzerResource()
            .setType("aws:ec2/launchTemplate:LaunchTemplate")
            .setName("nodes")
            .setUrn("urn:pulumi:prod::guarded::aws:ec2/launchTemplate:LaunchTemplate::nodes")
            .setProperties(Struct.fromJavaScript({ metadataOptions: { httpTokens: "required", httpPutResponseHopLimit: 2 } }))
            .setOptions(new analyzerProto.AnalyzerResourceOptions());
        const nodeGroup = new analyzerProto.AnalyzerResource()
            .setType("aws:eks/nodeGroup:NodeGroup")
            .setName("nodes")
            .setUrn("urn:pulumi:prod::guarded::aws:eks/nodeGroup:NodeGroup::nodes")
            .setProperties(Struct.fromJavaScript({ launchTemplate: { id: "lt-0123", version: "1" } }))
            .setOptions(new analyzerProto.AnalyzerResourceOptions());
        nodeGroup.getPropertydependenciesMap().set("launchTemplate", new analyzerProto.AnalyzerPropertyDependencies().setUrnsList([template.getUrn()]));
        const request = new analyzerProto.AnalyzeStackRequest().setResourcesList([template, nodeGroup]);
        const found = diagnostics(await call(client, "analyzeStack", request));
        assert.deepEqual(found.map(({ policy, level, urn }) => [policy, level, urn]), [["eks-node-group-imds", "mandatory", nodeGroup.getUrn()]]);
        assert.match(found[0].message, /launches from aws:ec2\/launchTemplate:LaunchTemplate "nodes": metadataOptions.httpPutResponseHopLimit is 2/);
    });

    it("AnalyzeStack during preview: an attachment whose role name is unknown still finds its workload role; a role whose trust is unknown fails closed", async () => {
        const workload = stackResource("aws:iam/role:Role", "workload", { name: unknownString, arn: unknownString, assumeRolePolicy: JSON.stringify(document(irsaStatement())) });
        const pending = stackResource("aws:iam/role:Role", "pending", { assumeRolePolicy: unknownString });
        const admin = stackResource("aws:iam/rolePolicyAttachment:RolePolicyAttachment", "admin", { role: unknownString, policyArn: "arn:aws:iam::aws:policy/AdministratorAccess" });
        admin.getPropertydependenciesMap().set("role", new analyzerProto.AnalyzerPropertyDependencies().setUrnsList([workload.getUrn()]));
        const found = diagnostics(await call(client, "analyzeStack", new analyzerProto.AnalyzeStackRequest().setResourcesList([workload, pending, admin])));
        assert.deepEqual(found.map(({ policy, level, urn }) => [policy, level, urn]), [["workload-role-no-administrator-policy", "mandatory", admin.getUrn()]]);
        assert.match(found[0].message, /aws:iam\/role:Role "workload" is a workload role .* attaches arn:aws:iam::aws:policy\/AdministratorAccess/);
        // The grant to the role whose trust names a provider not created yet is reported before `pulumi up` creates it.
        const grant = stackResource("aws:iam/rolePolicyAttachment:RolePolicyAttachment", "grant", { role: unknownString, policyArn: "arn:aws:iam::aws:policy/IAMFullAccess" });
        grant.getPropertydependenciesMap().set("role", new analyzerProto.AnalyzerPropertyDependencies().setUrnsList([pending.getUrn()]));
        const failClosed = diagnostics(await call(client, "analyzeStack", new analyzerProto.AnalyzeStackRequest().setResourcesList([pending, grant])));
        const refused = failClosed.filter(({ level }) => level === "mandatory");
        assert.ok(refused.length > 0 && refused.every(({ policy, urn }) => policy === "workload-role-no-administrator-policy" && urn === grant.getUrn()));
        assert.match(refused[0].message, /aws:iam\/role:Role "pending" is a workload role \(its trust policy is not known yet \(preview\), so it could be a workload role\) and the escalation path "iam-policy-write"/);
    });

    it("AnalyzeStack: an aws-native role, a CloudControl role and a CloudFormation stack's role, each given administrator rights", async () => {
        const trust = document(irsaStatement());
        const native = stackResource("aws-native:iam:Role", "native", { assumeRolePolicyDocument: trust, managedPolicyArns: ["arn:aws:iam::aws:policy/AdministratorAccess-Amplify"] });
        const cloudControl = stackResource("aws:cloudcontrol/resource:Resource", "cc", {
            typeName: "AWS::IAM::Role",
            desiredState: JSON.stringify({ AssumeRolePolicyDocument: trust, Policies: [{ PolicyName: "all", PolicyDocument: document({ Effect: "Allow", Action: "iam:**", Resource: "*" }) }] }),
        });
        const template = { Resources: { Pods: { Type: "AWS::IAM::Role", Properties: { AssumeRolePolicyDocument: trust, ManagedPolicyArns: ["arn:aws:iam::aws:policy/AdministratorAccess"] } } } };
        const cfn = stackResource("aws:cloudformation/stack:Stack", "cfn", { name: "pods", templateBody: JSON.stringify(template) });
        const found = diagnostics(await call(client, "analyzeStack", new analyzerProto.AnalyzeStackRequest().setResourcesList([native, cloudControl, cfn])));
        const mandatory = found.filter(({ policy }) => policy === "workload-role-no-administrator-policy");
        assert.ok(mandatory.every(({ level }) => level === "mandatory"));
        assert.deepEqual([...new Set(mandatory.map(({ urn }) => urn))], [native.getUrn(), cloudControl.getUrn(), cfn.getUrn()]);
        const on = (resourceUrn: string): string => mandatory.filter(({ urn }) => urn === resourceUrn).map(({ message }) => message).join("\n");
        assert.match(on(native.getUrn()), /aws-native:iam:Role "native" is a workload role .*"iam-policy-write"/);
        assert.match(on(cloudControl.getUrn()), /aws:cloudcontrol\/resource:Resource "cc" is a workload role .*"iam-policy-write"/);
        assert.match(on(cfn.getUrn()), /template resource "Pods" \(AWS::IAM::Role\) is a workload role .*"every-action"/);
    });

    it("AnalyzeStack: a CloudControl AWS::CloudFormation::Stack whose template grants the workload role every action from the policy's side", async () => {
        const api = stackResource("aws:iam/role:Role", "api", { name: "api", assumeRolePolicy: JSON.stringify(document(irsaStatement())) });
        const template = { Resources: { Grant: { Type: "AWS::IAM::Policy", Properties: { PolicyName: "grant", Roles: ["api"], PolicyDocument: document({ Effect: "Allow", Action: "*", Resource: "*" }) } } } };
        const cloudControl = stackResource("aws:cloudcontrol/resource:Resource", "cfn-cc", { typeName: "AWS::CloudFormation::Stack", desiredState: JSON.stringify({ StackName: "grants", TemplateBody: JSON.stringify(template) }) });
        const found = diagnostics(await call(client, "analyzeStack", new analyzerProto.AnalyzeStackRequest().setResourcesList([api, cloudControl])));
        const mandatory = found.filter(({ policy, level }) => policy === "workload-role-no-administrator-policy" && level === "mandatory");
        assert.equal(mandatory.length, 1, JSON.stringify(found));
        assert.equal(mandatory[0].urn, cloudControl.getUrn());
        assert.match(mandatory[0].message, /aws:iam\/role:Role "api" is a workload role .*"every-action" .*aws:cloudcontrol\/resource:Resource "cfn-cc" template resource "Grant" \(AWS::IAM::Policy\) Statement\[0\]/);
    });

    it("pulumi up --skip-preview: each grant is refused at its own Analyze, before the engine creates it, judged against the roles analyzed before it", async () => {
        // One deployment, as the engine runs it: ConfigureStack when it loads the pack, then Analyze per
        // resource after Check (autonamed names set, every input resolved), dependencies first.
        await call(client, "configureStack", new analyzerProto.AnalyzerStackConfigureRequest().setStack("prod").setProject("guarded").setDryRun(false));
        const analyze = async (type: string, name: string, props: Record<string, unknown>): Promise<Diagnostic[]> =>
            diagnostics(await call(client, "analyze", analyzeRequest("prod", type, name, props))).filter(({ policy }) => policy === "workload-role-no-administrator-policy");
        const urn = (type: string, name: string): string => `urn:pulumi:prod::guarded::${type}::${name}`;
        const workloadTrust = document(irsaStatement());
        const lambdaTrust = document({ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" });
        // The evaluator decides who can hold each role.
        const sa = { [`${issuer}:sub`]: "system:serviceaccount:apps:api", [`${issuer}:aud`]: "sts.amazonaws.com" };
        assert.equal(await allowedByTrustPolicy(workloadTrust as never, { principal: providerArn, action: "sts:AssumeRoleWithWebIdentity", roleArn: `arn:aws:iam::${account}:role/api-7f3a1c2`, context: sa }), true);
        assert.equal(await allowedByTrustPolicy(lambdaTrust as never, { principal: providerArn, action: "sts:AssumeRoleWithWebIdentity", roleArn: `arn:aws:iam::${account}:role/fn-0b9e4d1`, context: sa }), false);

        // An update stops at its first mandatory violation; each case below has its own workload role.
        for (const name of ["api", "batch", "jobs", "keys", "reader"]) {
            assert.deepEqual(await analyze("aws:iam/role:Role", name, { name: `${name}-7f3a1c2`, assumeRolePolicy: JSON.stringify(workloadTrust) }), []);
        }
        assert.deepEqual(await analyze("aws:iam/role:Role", "fn", { name: "fn-0b9e4d1", assumeRolePolicy: JSON.stringify(lambdaTrust) }), []);

        // An AWS-managed administrator policy attached by the role's autonamed name.
        const admin = await analyze("aws:iam/rolePolicyAttachment:RolePolicyAttachment", "api-admin", { role: "api-7f3a1c2", policyArn: "arn:aws:iam::aws:policy/AdministratorAccess" });
        assert.deepEqual(admin.map(({ level, urn: at }) => [level, at]), [["mandatory", urn("aws:iam/rolePolicyAttachment:RolePolicyAttachment", "api-admin")]]);
        assert.match(admin[0].message, /aws:iam\/role:Role "api" is a workload role \(pods assume it through IRSA or EKS Pod Identity\) and the administrator path "every-action"/);

        // A customer-managed policy, analyzed before the attachment that takes its ARN.
        const everything = document({ Effect: "Allow", Action: "*", Resource: "*" });
        assert.equal(await allowedByIdentityPolicy(everything as never, { action: "iam:CreateUser", resource: `arn:aws:iam::${account}:user/intruder` }), true);
        assert.deepEqual(await analyze("aws:iam/policy:Policy", "everything", { name: "everything-5d2c9a0", policy: JSON.stringify(everything) }), []);
        const customer = await analyze("aws:iam/rolePolicyAttachment:RolePolicyAttachment", "batch-everything", { role: "batch-7f3a1c2", policyArn: `arn:aws:iam::${account}:policy/everything-5d2c9a0` });
        assert.equal(customer.length, 1);
        assert.match(customer[0].message, /attaches aws:iam\/policy:Policy "everything" Statement\[0\] grants every action/);

        // A path made of two grants is refused at the one that completes it.
        const passRole = document({ Effect: "Allow", Action: "iam:PassRole", Resource: "*" });
        const runInstances = document({ Effect: "Allow", Action: "ec2:RunInstances", Resource: "*" });
        assert.equal(await allowedByIdentityPolicy(passRole as never, { action: "iam:PassRole", resource: `arn:aws:iam::${account}:role/any-other`, context: { "iam:PassedToService": "ec2.amazonaws.com" } }), true);
        assert.deepEqual(await analyze("aws:iam/rolePolicy:RolePolicy", "jobs-pass", { name: "pass", role: "jobs-7f3a1c2", policy: JSON.stringify(passRole) }), []);
        const completed = await analyze("aws-native:iam:RolePolicy", "jobs-run", { policyName: "run", roleName: "jobs-7f3a1c2", policyDocument: runInstances });
        assert.deepEqual(completed.map(({ urn: at }) => at), [urn("aws-native:iam:RolePolicy", "jobs-run")]);
        assert.match(completed[0].message, /the escalation path "pass-role-compute"/);

        // Through CloudControl, and to a role the deployment has not shown (it could be a workload role).
        const cloudControl = await analyze("aws:cloudcontrol/resource:Resource", "keys-cc", { typeName: "AWS::IAM::RolePolicy", desiredState: JSON.stringify({ RoleName: "keys-7f3a1c2", PolicyName: "keys", PolicyDocument: document({ Effect: "Allow", Action: "iam:CreateAccessKey", Resource: "*" }) }) });
        assert.match(cloudControl[0].message, /the escalation path "user-credentials"/);
        const elsewhere = await analyze("aws:iam/rolePolicyAttachment:RolePolicyAttachment", "elsewhere", { role: "made-elsewhere", policyArn: "arn:aws:iam::aws:policy/IAMFullAccess" });
        assert.match(elsewhere[0].message, /the role made-elsewhere is a workload role \(it is not a role of this stack, so its trust cannot be read and it could be a workload role\)/);

        // Near misses: administrator rights on the Lambda role, a narrow grant on the workload role.
        assert.deepEqual(await analyze("aws:iam/rolePolicyAttachment:RolePolicyAttachment", "fn-admin", { role: "fn-0b9e4d1", policyArn: "arn:aws:iam::aws:policy/AdministratorAccess" }), []);
        const read = document({ Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::reports/*" });
        assert.equal(await allowedByIdentityPolicy(read as never, { action: "s3:PutObject", resource: "arn:aws:s3:::reports/x" }), false);
        assert.deepEqual(await analyze("aws:iam/rolePolicy:RolePolicy", "reader-read", { name: "read", role: "reader-7f3a1c2", policy: JSON.stringify(read) }), []);

        // The Lambda role handed to pods as a Pod Identity target role: the association is refused.
        const association = await analyze("aws:eks/podIdentityAssociation:PodIdentityAssociation", "fn-pods", {
            clusterName: "apps",
            namespace: "apps",
            serviceAccount: "api",
            roleArn: `arn:aws:iam::${account}:role/api-7f3a1c2`,
            targetRoleArn: `arn:aws:iam::${account}:role/fn-0b9e4d1`,
        });
        assert.ok(association.length > 0 && association.every(({ urn: at }) => at === urn("aws:eks/podIdentityAssociation:PodIdentityAssociation", "fn-pods")));
        assert.match(association.map(({ message }) => message).join("\n"), /aws:iam\/role:Role "fn" is a workload role \(aws:eks\/podIdentityAssociation:PodIdentityAssociation "fn-pods" gives its credentials to pods .*"every-action"/);

        // The stack pass at the end repeats none of them.
        const all = [
            stackResource("aws:iam/role:Role", "api", { name: "api-7f3a1c2", assumeRolePolicy: JSON.stringify(workloadTrust) }),
            stackResource("aws:iam/rolePolicyAttachment:RolePolicyAttachment", "api-admin", { role: "api-7f3a1c2", policyArn: "arn:aws:iam::aws:policy/AdministratorAccess" }),
        ];
        const atEnd = diagnostics(await call(client, "analyzeStack", new analyzerProto.AnalyzeStackRequest().setResourcesList(all)));
        assert.deepEqual(atEnd.filter(({ policy }) => policy === "workload-role-no-administrator-policy"), []);
    });

    it("a new deployment (ConfigureStack) forgets the last one's roles", async () => {
        await call(client, "configureStack", new analyzerProto.AnalyzerStackConfigureRequest().setStack("prod").setProject("guarded").setDryRun(false));
        const found = diagnostics(await call(client, "analyze", analyzeRequest("prod", "aws:iam/rolePolicyAttachment:RolePolicyAttachment", "fn-admin", { role: "fn-0b9e4d1", policyArn: "arn:aws:iam::aws:policy/AdministratorAccess" })));
        assert.match(found.map(({ message }) => message).join("\n"), /the role fn-0b9e4d1 is a workload role \(it is not a role of this stack/);
    });

    it("Configure: the pack config changes a policy's level and settings", async () => {
        const configure = (entries: [string, analyzerProto.EnforcementLevel, Record<string, unknown>][]): Promise<unknown> => {
            const request = new analyzerProto.ConfigureAnalyzerRequest();
            for (const [name, level, properties] of entries) {
                request.getPolicyconfigMap().set(name, new analyzerProto.PolicyConfig().setEnforcementlevel(level).setProperties(Struct.fromJavaScript(properties as never)));
            }
            return call(client, "configure", request);
        };
        const cluster = { vpcConfig: { publicAccessCidrs: ["0.0.0.0/0"] }, enabledClusterLogTypes: ["audit"] };
        try {
            await configure([["eks-cluster-endpoint-restricted", analyzerProto.EnforcementLevel.MANDATORY, { nonProductionStacks: ["qa-*"] }]]);
            const qa = diagnostics(await call(client, "analyze", analyzeRequest("qa-1", "aws:eks/cluster:Cluster", "apps", cluster)));
            const dev = diagnostics(await call(client, "analyze", analyzeRequest("dev", "aws:eks/cluster:Cluster", "apps", cluster)));
            assert.deepEqual([...qa, ...dev].map(({ level }) => level), ["advisory", "mandatory"]);
            await configure([["eks-cluster-endpoint-restricted", analyzerProto.EnforcementLevel.DISABLED, {}]]);
            assert.deepEqual(diagnostics(await call(client, "analyze", analyzeRequest("prod", "aws:eks/cluster:Cluster", "apps", cluster))), []);
        } finally {
            await configure([]);
        }
    });
});
