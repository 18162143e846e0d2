/**
 * Ways around the pack a red-team found, each closed: an input that got through with no mandatory
 * violation is now refused, naming the resource (and the statement where there is one), and a near
 * miss stays allowed. What IAM admits or grants is decided by the IAM evaluator, never by the code
 * under test.
 */
import * as assert from "node:assert/strict";

import { PolicyDocument } from "../components/index";
import { evaluatePolicies, PlainResource } from "../policy/evaluate";
import { policies } from "../policy/pack";
import { allowedByIdentityPolicy, allowedByTrustPolicy, allowedToAssumeRole } from "./iamEvaluator";
import { account, document, findingsOf, irsaStatement, issuer, otherAccount, providerArn, resource, role } from "./policyPackFixtures";

const stack = "prod";
const arnOf = (name: string): string => `arn:aws:iam::${account}:role/${name}`;
const workloadTrust = document(irsaStatement());
const administratorAccess = "arn:aws:iam::aws:policy/AdministratorAccess";
const admin = document({ Effect: "Allow", Action: "*", Resource: "*" }) as PolicyDocument;

async function administrator(...resources: PlainResource[]): Promise<string[]> {
    return findingsOf(await evaluatePolicies(policies, resources), "workload-role-no-administrator-policy");
}

/** Every mandatory finding, as `policy: detail`. */
async function mandatory(...resources: PlainResource[]): Promise<string[]> {
    return (await evaluatePolicies(policies, resources))
        .filter((finding) => finding.enforcementLevel === "mandatory")
        .map((finding) => `${finding.policyName}: ${finding.message.split("\n").slice(1).join("\n")}`);
}

describe("policy pack evasions: role chaining through a role-session principal", () => {
    const session = (roleName: string, name = "pod"): string => `arn:aws:sts::${account}:assumed-role/${roleName}/${name}`;
    const sessionTrust = (principal: string): PolicyDocument => document({ Effect: "Allow", Principal: { AWS: principal }, Action: "sts:AssumeRole" }) as PolicyDocument;
    const adminRole = (trust: PolicyDocument): PlainResource => role(stack, "admin", trust, { arn: arnOf("admin"), managedPolicyArns: [administratorAccess] });

    it("a role whose trust names a session of the workload role is reached by its pods, who choose the session name", async () => {
        assert.equal(await allowedToAssumeRole({ caller: session("api"), callerPolicies: [], roleArn: arnOf("admin"), trustPolicy: sessionTrust(session("api")) }), true);
        for (const principal of [session("api"), session("api", "*"), `arn:aws:sts::${account}:assumed-role/ap?/x`]) {
            const found = await administrator(role(stack, "api", workloadTrust, { arn: arnOf("api") }), adminRole(sessionTrust(principal)));
            assert.equal(found.length, 1, `${principal}: ${found.join("\n")}`);
            assert.match(found[0], /^mandatory: aws:iam\/role:Role "admin" is a workload role \(pods reach it by role chaining from aws:iam\/role:Role "api" .*admits aws:iam\/role:Role "api" to sts:AssumeRole by name.*attaches arn:aws:iam::aws:policy\/AdministratorAccess/);
        }
    });

    it("near miss: a trust naming a session of a role pods cannot hold, or of the workload role's name in another account", async () => {
        const reader = role(stack, "reader", document({ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }), { arn: arnOf("reader") });
        const api = role(stack, "api", workloadTrust, { arn: arnOf("api") });
        assert.deepEqual(await administrator(api, reader, adminRole(sessionTrust(session("reader")))), []);
        assert.deepEqual(await administrator(api, adminRole(sessionTrust("arn:aws:sts::210987654321:assumed-role/api/pod"))), []);
        assert.equal(await allowedToAssumeRole({ caller: session("api"), callerPolicies: [], roleArn: arnOf("admin"), trustPolicy: sessionTrust(session("reader")) }), false);
    });
});

describe("policy pack evasions: a managed policy is matched by its ARN, account included", () => {
    const readOps = document({ Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::ops/*" });
    const attachOps = (policyAccount: string): PlainResource =>
        resource(stack, "aws:iam/rolePolicyAttachment:RolePolicyAttachment", "att", { role: "api", policyArn: `arn:aws:iam::${policyAccount}:policy/ops` });

    it("a template's inline AWS::IAM::Policy named like the attached managed policy does not stand in for it", async () => {
        const template = JSON.stringify({
            Resources: {
                Ops: { Type: "AWS::IAM::Group", Properties: {} },
                Inline: { Type: "AWS::IAM::Policy", Properties: { PolicyName: "ops", Groups: [{ Ref: "Ops" }], PolicyDocument: readOps } },
            },
        });
        const found = await administrator(role(stack, "api", workloadTrust, { arn: arnOf("api") }), resource(stack, "aws:cloudformation/stack:Stack", "cfn", { templateBody: template }), attachOps(account));
        assert.equal(found.length, 1, found.join("\n"));
        assert.match(found[0], /^mandatory: aws:iam\/role:Role "api" is a workload role .*aws:iam\/rolePolicyAttachment:RolePolicyAttachment "att" policyArn cannot be judged: it attaches arn:aws:iam::123456789012:policy\/ops, a customer-managed policy this stack does not hold/);
    });

    it("a policy of the same name in another account is another policy", async () => {
        const ops = resource(stack, "aws:iam/policy:Policy", "ops", { name: "ops", arn: `arn:aws:iam::${otherAccount}:policy/ops`, policy: JSON.stringify(readOps) });
        const found = await administrator(role(stack, "api", workloadTrust, { arn: arnOf("api") }), ops, attachOps(account));
        assert.equal(found.length, 1, found.join("\n"));
        assert.match(found[0], /"att" policyArn cannot be judged: it attaches arn:aws:iam::123456789012:policy\/ops, a customer-managed policy this stack does not hold/);
    });

    it("near misses: the stack's own managed policy of that name, by ARN, or by name before its ARN is known; a template's managed policy", async () => {
        const api = role(stack, "api", workloadTrust, { arn: arnOf("api") });
        assert.deepEqual(await administrator(api, resource(stack, "aws:iam/policy:Policy", "ops", { name: "ops", arn: `arn:aws:iam::${account}:policy/team/ops`, policy: JSON.stringify(readOps) }), attachOps(account)), []);
        assert.deepEqual(await administrator(api, resource(stack, "aws:iam/policy:Policy", "ops", { name: "ops", policy: JSON.stringify(readOps) }), attachOps(account)), []);
        const template = JSON.stringify({ Resources: { Ops: { Type: "AWS::IAM::ManagedPolicy", Properties: { ManagedPolicyName: "ops", PolicyDocument: readOps } } } });
        assert.deepEqual(await administrator(api, resource(stack, "aws:cloudformation/stack:Stack", "cfn", { templateBody: template }), attachOps(account)), []);
    });
});

describe("policy pack evasions: a grant to several roles, one of them the stack's", () => {
    const reader = role(stack, "reader", document({ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }), { arn: arnOf("reader") });
    const putRolePolicy = document({ Effect: "Allow", Action: "iam:PutRolePolicy", Resource: "*" }) as PolicyDocument;

    it("judges the role the stack does not hold as it judges a grant to such a role alone", async () => {
        assert.equal(await allowedByIdentityPolicy(putRolePolicy, { action: "iam:PutRolePolicy", resource: arnOf("irsa-made-elsewhere") }), true);
        const attachment = resource(stack, "aws:iam/policyAttachment:PolicyAttachment", "pa", { roles: ["reader", "irsa-made-elsewhere"], policyArn: administratorAccess });
        const found = await administrator(reader, attachment);
        assert.equal(found.length, 1, found.join("\n"));
        assert.match(found[0], /^mandatory: the role irsa-made-elsewhere is a workload role \(it is not a role of this stack.*\) and .*aws:iam\/policyAttachment:PolicyAttachment "pa" policyArn attaches arn:aws:iam::aws:policy\/AdministratorAccess/);
        const managed = resource(stack, "aws-native:iam:ManagedPolicy", "mp", { roles: ["reader", "irsa-made-elsewhere"], policyDocument: putRolePolicy });
        const native = await administrator(reader, managed);
        assert.equal(native.length, 1, native.join("\n"));
        assert.match(native[0], /^mandatory: the role irsa-made-elsewhere is a workload role .*the escalation path "iam-policy-write" .*aws-native:iam:ManagedPolicy "mp" Statement\[0\]/);
    });

    it("near miss: an attachment to roles the stack holds, none of which pods can assume", async () => {
        const writer = role(stack, "writer", document({ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }), { arn: arnOf("writer") });
        assert.deepEqual(await administrator(reader, writer, resource(stack, "aws:iam/policyAttachment:PolicyAttachment", "pa", { roles: ["reader", arnOf("writer")], policyArn: administratorAccess })), []);
    });
});

/** A CloudFormation stack of one template, with the stack's own values (its ARN, once created; its parameters). */
function cfnStack(template: unknown, props: Record<string, unknown> = {}, type = "aws:cloudformation/stack:Stack"): PlainResource {
    return resource(stack, type, "cfn", { templateBody: typeof template === "string" ? template : JSON.stringify(template), ...props });
}

const stackArn = `arn:aws:cloudformation:us-west-2:${account}:stack/cfn/0f1e2d3c-0000-1111-2222-333344445555`;
const readOnePolicy = { PolicyName: "read", PolicyDocument: document({ Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::reports/*" }) };

describe("policy pack evasions: a template role's trust written with intrinsic functions", () => {
    const subProvider = { "Fn::Sub": `arn:\${AWS::Partition}:iam::\${AWS::AccountId}:oidc-provider/${issuer}` };
    const openTrust = (federated: unknown): unknown => document({ Effect: "Allow", Principal: { Federated: federated }, Action: "sts:AssumeRoleWithWebIdentity" });
    const apiRole = (trust: unknown): unknown => ({ Resources: { Api: { Type: "AWS::IAM::Role", Properties: { RoleName: "cfn-api", AssumeRolePolicyDocument: trust, Policies: [readOnePolicy] } } } });
    const intruder = { [`${issuer}:sub`]: "system:serviceaccount:kube-system:intruder", [`${issuer}:aud`]: "sts.amazonaws.com" };

    it("is judged with the pseudo-parameters the stack knows: an open IRSA trust is refused on its statement", async () => {
        // What CloudFormation deploys once Fn::Sub is resolved admits any ServiceAccount.
        assert.equal(await allowedByTrustPolicy(openTrust(providerArn) as PolicyDocument, { principal: providerArn, action: "sts:AssumeRoleWithWebIdentity", roleArn: arnOf("cfn-api"), context: intruder }), true);
        const found = findingsOf(await evaluatePolicies(policies, [cfnStack(apiRole(openTrust(subProvider)), { id: stackArn })]), "irsa-trust-bounded-subject");
        assert.ok(found.length > 0);
        assert.match(found[0], new RegExp(`^mandatory: aws:cloudformation/stack:Stack "cfn" template resource "Api" \\(AWS::IAM::Role\\): trust policy Statement\\[0\\] .*"Federated":"${providerArn.replace(/[.*?/]/g, "\\$&")}".*no StringEquals`));
    });

    it("reads the pseudo-parameters a stack does not know yet as the one account and region it deploys to: the open trust is refused for what it is", async () => {
        // Before the stack exists its ARN, and so its account, is not known: AWS::AccountId is still one account wherever it is used.
        const open = await mandatory(cfnStack(apiRole(openTrust(subProvider))));
        assert.ok(open.some((line) => /^irsa-trust-bounded-subject: .*"Api" .*no StringEquals/.test(line)), open.join("\n"));
        assert.ok(!open.some((line) => line.startsWith("trust-no-wildcard-principal")), open.join("\n"));
    });

    it("a principal or condition the stack cannot resolve is a trust the pack cannot judge: refused, whole documents (YAML !Sub) too", async () => {
        const imported = { "Fn::ImportValue": "cluster-oidc-provider" };
        const unresolved = await mandatory(cfnStack(apiRole(openTrust(imported))));
        assert.equal(unresolved.length, 1, unresolved.join("\n"));
        assert.match(unresolved[0], /^trust-no-wildcard-principal: aws:cloudformation\/stack:Stack "cfn" template resource "Api" \(AWS::IAM::Role\): trust policy Statement\[0\] \{"Effect":"Allow","Principal":\{"Federated":\{"Fn::ImportValue":.*\}\}.*holds Fn::ImportValue, which only CloudFormation resolves/);
        const condition = document(irsaStatement({ StringEquals: { [`${issuer}:sub`]: { "Fn::ImportValue": "subjects" } as never, [`${issuer}:aud`]: "sts.amazonaws.com" } }));
        const conditioned = await mandatory(cfnStack(apiRole(condition), { id: stackArn }));
        assert.ok(conditioned.some((line) => /^trust-no-wildcard-principal: .*"Api" .*Statement\[0\] .*holds Fn::ImportValue/.test(line)), conditioned.join("\n"));
        const yaml = (provider: string): string =>
            [
                "Parameters:",
                "  Provider:",
                "    Type: String",
                "Resources:",
                "  Api:",
                "    Type: AWS::IAM::Role",
                "    Properties:",
                "      AssumeRolePolicyDocument: !Sub |",
                `        {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"${provider}"},"Action":"sts:AssumeRoleWithWebIdentity"}]}`,
            ].join("\n");
        // A parameter without a default the stack does not pass.
        const whole = await mandatory(cfnStack(yaml("${Provider}")));
        assert.ok(whole.some((line) => /^trust-no-wildcard-principal: .*"Api" \(AWS::IAM::Role\): its trust policy \{"Fn::Sub":.* holds Fn::Sub/.test(line)), whole.join("\n"));
        // A parameter the stack passes resolves it, and the open trust is refused for what it is.
        const passed = await mandatory(cfnStack(yaml("${Provider}"), { parameters: { Provider: providerArn } }));
        assert.ok(passed.some((line) => /^irsa-trust-bounded-subject: .*"Api" .*no StringEquals/.test(line)), passed.join("\n"));
        // Fail closed for the grants too: a role whose trust cannot be judged is judged as a workload role.
        const withAdmin = await administrator(cfnStack({ Resources: { Api: { Type: "AWS::IAM::Role", Properties: { AssumeRolePolicyDocument: openTrust(imported), ManagedPolicyArns: [administratorAccess] } } } }));
        assert.match(withAdmin[0], /"Api" \(AWS::IAM::Role\) is a workload role \(its trust policy holds intrinsic functions only CloudFormation resolves/);
    });

    it("near misses: a template IRSA role with plain strings and bounded conditions; the same written with Fn::Sub the stack resolves", async () => {
        const bounded = (federated: unknown): unknown => document({ ...irsaStatement(), Principal: { Federated: federated } });
        assert.equal(await allowedByTrustPolicy(bounded(providerArn) as PolicyDocument, { principal: providerArn, action: "sts:AssumeRoleWithWebIdentity", roleArn: arnOf("cfn-api"), context: intruder }), false);
        assert.equal(
            await allowedByTrustPolicy(bounded(providerArn) as PolicyDocument, { principal: providerArn, action: "sts:AssumeRoleWithWebIdentity", roleArn: arnOf("cfn-api"), context: { ...intruder, [`${issuer}:sub`]: "system:serviceaccount:apps:api" } }),
            true,
        );
        assert.deepEqual(await mandatory(cfnStack(apiRole(bounded(providerArn)))), []);
        assert.deepEqual(await mandatory(cfnStack(apiRole(bounded(subProvider)), { id: stackArn })), []);
        assert.deepEqual(await mandatory(cfnStack(apiRole(bounded(subProvider)))), [], "before the stack exists, its account is one account all the same");
        assert.deepEqual(await mandatory(cfnStack(apiRole(bounded({ "Fn::Sub": [`arn:aws:iam::\${Account}:oidc-provider/${issuer}`, { Account: { Ref: "AWS::AccountId" } }] })), { region: "us-west-2", arn: stackArn })), []);
    });
});

describe("policy pack evasions: a template role's ManagedPolicyArns or Policies given by an intrinsic function", () => {
    const withRole = (properties: Record<string, unknown>, extra: Record<string, unknown> = {}): unknown => ({
        Parameters: { Arns: { Type: "CommaDelimitedList" } },
        Conditions: { Always: { "Fn::Equals": ["a", "a"] } },
        ...extra,
        Resources: { Workload: { Type: "AWS::IAM::Role", Properties: { RoleName: "cfn-api", AssumeRolePolicyDocument: workloadTrust, ...properties } } },
    });

    it("is a grant the pack cannot read, refused on a workload role: Fn::Split, Fn::If, a parameter the stack does not give, YAML !If", async () => {
        assert.equal(await allowedByIdentityPolicy(admin, { action: "iam:CreateUser", resource: `arn:aws:iam::${account}:user/intruder` }), true);
        const cases: [string, Record<string, unknown>, RegExp][] = [
            ["Fn::Split", { ManagedPolicyArns: { "Fn::Split": [",", administratorAccess] } }, /"Workload" \(AWS::IAM::Role\) ManagedPolicyArns cannot be judged: its ManagedPolicyArns list is \{"Fn::Split":/],
            ["Fn::If", { ManagedPolicyArns: { "Fn::If": ["Always", [administratorAccess], []] } }, /ManagedPolicyArns cannot be judged: its ManagedPolicyArns list is \{"Fn::If":/],
            ["Ref", { ManagedPolicyArns: { Ref: "Arns" } }, /ManagedPolicyArns cannot be judged: its ManagedPolicyArns list is \{"Ref":"Arns"\}/],
            ["an entry", { ManagedPolicyArns: [{ "Fn::ImportValue": "admin-policy" }] }, /ManagedPolicyArns\[0\] cannot be judged: its policy ARN is \{"Fn::ImportValue":"admin-policy"\}/],
            ["Policies Fn::If", { Policies: { "Fn::If": ["Always", [{ PolicyName: "all", PolicyDocument: admin }], []] } }, /"Workload" \(AWS::IAM::Role\) Policies cannot be judged: its Policies list is \{"Fn::If":/],
            ["a Policies entry", { Policies: [{ "Fn::If": ["Always", { PolicyName: "all", PolicyDocument: admin }, { Ref: "AWS::NoValue" }] }] }, /Policies\[0\] cannot be judged: its policy is \{"Fn::If":/],
        ];
        for (const [label, properties, why] of cases) {
            const found = await administrator(cfnStack(withRole(properties)));
            assert.equal(found.length, 1, `${label}: ${found.join("\n")}`);
            assert.match(found[0], /^mandatory: aws:cloudformation\/stack:Stack "cfn" template resource "Workload" \(AWS::IAM::Role\) is a workload role \(pods assume it through IRSA/, label);
            assert.match(found[0], why, label);
        }
        const yaml = [
            "Conditions:",
            "  Always: !Equals [a, a]",
            "Resources:",
            "  Workload:",
            "    Type: AWS::IAM::Role",
            "    Properties:",
            `      AssumeRolePolicyDocument: ${JSON.stringify(workloadTrust)}`,
            `      ManagedPolicyArns: !If [Always, [${administratorAccess}], !Ref AWS::NoValue]`,
        ].join("\n");
        assert.match((await administrator(cfnStack(yaml)))[0], /"Workload" \(AWS::IAM::Role\) ManagedPolicyArns cannot be judged: its ManagedPolicyArns list is \{"Fn::If":/);
        // A parameter the stack passes is read as its value.
        assert.match((await administrator(cfnStack(withRole({ ManagedPolicyArns: { Ref: "Arns" } }), { parameters: { Arns: administratorAccess } })))[0], /ManagedPolicyArns\[0\] attaches arn:aws:iam::aws:policy\/AdministratorAccess/);
    });

    it("near misses: a plain list naming a narrow policy of the template; the same by a parameter the stack passes", async () => {
        const narrow = { Type: "AWS::IAM::ManagedPolicy", Properties: { PolicyDocument: readOnePolicy.PolicyDocument } };
        const template = (arns: unknown): unknown => {
            const base = withRole({ ManagedPolicyArns: arns }) as { Resources: Record<string, unknown> };
            return { ...base, Resources: { ...base.Resources, Narrow: narrow } };
        };
        assert.deepEqual(await mandatory(cfnStack(template([{ Ref: "Narrow" }]))), []);
        // The engine analyzes the policy before the stack that takes its ARN.
        const policy = resource(stack, "aws:iam/policy:Policy", "narrow", { name: "narrow", arn: `arn:aws:iam::${account}:policy/narrow`, policy: JSON.stringify(readOnePolicy.PolicyDocument) });
        assert.deepEqual(await mandatory(policy, cfnStack(template({ Ref: "Arns" }), { parameters: { Arns: `arn:aws:iam::${account}:policy/narrow` } })), []);
    });
});

describe("policy pack evasions: template constructs the pack does not expand", () => {
    const api = role(stack, "api", workloadTrust, { arn: arnOf("api") });
    const grantAll = { Type: "AWS::IAM::RolePolicy", Properties: { RoleName: "api", PolicyName: "all", PolicyDocument: admin } };

    it("a loop, a nested stack, a transform or macro, SAM resources: each is a grant the pack cannot read, refused", async () => {
        const cases: [string, unknown, RegExp][] = [
            ["Fn::ForEach", { Transform: "AWS::LanguageExtensions", Resources: { "Fn::ForEach::Grants": ["Name", ["api"], { "Grant${Name}": { ...grantAll, Properties: { ...grantAll.Properties, RoleName: { Ref: "Name" } } } }] } }, /template Fn::ForEach::Grants cannot be judged: is a loop/],
            ["nested stack", { Resources: { Child: { Type: "AWS::CloudFormation::Stack", Properties: { TemplateURL: "https://s3.amazonaws.com/bucket/grant.json", Parameters: { RoleName: "api" } } } } }, /template resource "Child" \(AWS::CloudFormation::Stack\) cannot be judged: creates resources/],
            ["AWS::Include", { Resources: { "Fn::Transform": { Name: "AWS::Include", Parameters: { Location: "s3://bucket/grant.yaml" } } } }, /template Fn::Transform "AWS::Include" cannot be judged: is a macro/],
            ["a macro", { Transform: ["AWS::LanguageExtensions", "GrantEverything"], Resources: { Bucket: { Type: "AWS::S3::Bucket" } } }, /template Transform GrantEverything cannot be judged: is a transform/],
            ["SAM", { Transform: "AWS::Serverless-2016-10-31", Resources: { App: { Type: "AWS::Serverless::Application", Properties: { Location: { ApplicationId: "arn:aws:serverlessrepo:us-east-1:123456789012:applications/admin", SemanticVersion: "1.0.0" } } } } }, /template resource "App" \(AWS::Serverless::Application\) cannot be judged/],
        ];
        for (const [label, template, why] of cases) {
            const found = await administrator(api, cfnStack(template));
            assert.equal(found.length, 1, `${label}: ${found.join("\n")}`);
            assert.match(found[0], /^mandatory: any role is a workload role \(what the template creates cannot be read, so it may grant to any role, so it could be a workload role\) and aws:cloudformation\/stack:Stack "cfn" template /, label);
            assert.match(found[0], why, label);
        }
        // The template's own workload roles are refused too: what the construct makes may grant to them.
        const own = await administrator(cfnStack({ Transform: "GrantEverything", Resources: { Workload: { Type: "AWS::IAM::Role", Properties: { AssumeRolePolicyDocument: workloadTrust } } } }));
        assert.ok(own.some((line) => /^mandatory: aws:cloudformation\/stack:Stack "cfn" template resource "Workload" \(AWS::IAM::Role\) is a workload role .*template Transform GrantEverything cannot be judged/.test(line)), own.join("\n"));
    });

    it("near misses: AWS::LanguageExtensions looping over buckets, AWS SAM's transform without SAM resources", async () => {
        const buckets = { Transform: "AWS::LanguageExtensions", Resources: { "Fn::ForEach::Buckets": ["Name", ["a", "b"], { "Bucket${Name}": { Type: "AWS::S3::Bucket" } }] } };
        assert.deepEqual(await mandatory(api, cfnStack(buckets)), []);
        assert.deepEqual(await mandatory(api, cfnStack({ Transform: "AWS::Serverless-2016-10-31", Resources: { Bucket: { Type: "AWS::S3::Bucket" } } })), []);
    });
});

describe("policy pack evasions: templates of aws-native stacks and of stack sets", () => {
    const api = role(stack, "api", workloadTrust, { arn: arnOf("api") });
    const grant = (document: unknown): unknown => ({ Resources: { G: { Type: "AWS::IAM::RolePolicy", Properties: { RoleName: "api", PolicyName: "all", PolicyDocument: document } } } });
    const holders: [string, Record<string, unknown>][] = [
        ["aws-native:cloudformation:Stack", { stackName: "g" }],
        ["aws:cloudformation/stackSet:StackSet", { name: "g", permissionModel: "SELF_MANAGED" }],
        ["aws-native:cloudformation:StackSet", { stackSetName: "g", permissionModel: "SELF_MANAGED" }],
    ];

    it("are judged like a stack's template", async () => {
        for (const [type, props] of holders) {
            const found = await administrator(api, cfnStack(grant(admin), props, type));
            assert.equal(found.length, 1, `${type}: ${found.join("\n")}`);
            assert.match(found[0], new RegExp(`^mandatory: aws:iam/role:Role "api" is a workload role .*the administrator path "every-action" .*${type.replace(/[/]/g, "\\/")} "cfn" template resource "G" \\(AWS::IAM::RolePolicy\\) Statement\\[0\\]`));
        }
        // An aws-native stack's templateBody may be an object.
        const native = resource(stack, "aws-native:cloudformation:Stack", "cfn", { stackName: "g", templateBody: grant(admin) });
        assert.equal((await administrator(api, native)).length, 1);
        // A stack set's template behind a URL cannot be read.
        assert.match((await administrator(api, resource(stack, "aws:cloudformation/stackSet:StackSet", "ss", { name: "g", templateUrl: "https://s3.amazonaws.com/b/t.json" })))[0], /its template is at templateUrl/);
    });

    it("near miss: a narrow grant in each", async () => {
        for (const [type, props] of holders) {
            assert.deepEqual(await mandatory(api, cfnStack(grant(readOnePolicy.PolicyDocument), props, type)), [], type);
        }
    });
});

describe("policy pack evasions: values only CloudFormation fetches, and the account a template deploys to", () => {
    const template = (resources: Record<string, unknown>, parameters: Record<string, unknown> = {}): PlainResource =>
        resource(stack, "aws:cloudformation/stack:Stack", "cfn", { templateBody: JSON.stringify({ Parameters: parameters, Resources: resources }) });
    const adminTemplateRole = (federated: unknown): Record<string, unknown> => ({
        Api: { Type: "AWS::IAM::Role", Properties: { AssumeRolePolicyDocument: document({ Effect: "Allow", Principal: { Federated: federated }, Action: "sts:AssumeRoleWithWebIdentity" }), ManagedPolicyArns: [administratorAccess] } },
    });

    it("reads a dynamic reference ({{resolve:ssm:...}}) and an SSM-typed parameter as values it cannot know: the trust is refused, the grant read as the widest", async () => {
        // What CloudFormation deploys once the SSM parameter is read: an open trust of the provider.
        const open = document({ Effect: "Allow", Principal: { Federated: providerArn }, Action: "sts:AssumeRoleWithWebIdentity" }) as PolicyDocument;
        const intruder = { [`${issuer}:sub`]: "system:serviceaccount:evil:anything", [`${issuer}:aud`]: "sts.amazonaws.com" };
        assert.equal(await allowedByTrustPolicy(open, { principal: providerArn, action: "sts:AssumeRoleWithWebIdentity", roleArn: arnOf("cfn-api"), context: intruder }), true);
        const dynamic = await mandatory(template(adminTemplateRole("{{resolve:ssm:/eks/provider-arn}}")));
        assert.ok(dynamic.some((line) => /^trust-no-wildcard-principal: .*"Api" .*\{\{resolve:ssm:\/eks\/provider-arn\}\}/.test(line)), dynamic.join("\n"));
        assert.ok(dynamic.some((line) => line.startsWith("workload-role-no-administrator-policy")), dynamic.join("\n"));
        const ssmTyped = await mandatory(template(adminTemplateRole({ Ref: "Provider" }), { Provider: { Type: "AWS::SSM::Parameter::Value<String>", Default: "/eks/provider-arn" } }));
        assert.ok(ssmTyped.some((line) => /^trust-no-wildcard-principal: .*"Api" .*holds Ref/.test(line)), ssmTyped.join("\n"));
        // A bounded role whose permission's action is fetched from SSM: read as "*".
        const fetchedAction = await mandatory(
            template({ Api: { Type: "AWS::IAM::Role", Properties: { AssumeRolePolicyDocument: document(irsaStatement()), Policies: [{ PolicyName: "p", PolicyDocument: document({ Effect: "Allow", Action: "{{resolve:ssm:/x/action}}", Resource: "*" }) }] } } }),
        );
        assert.ok(fetchedAction.some((line) => /^workload-role-no-administrator-policy: .*"Api" .*the administrator path "every-action"/.test(line)), fetchedAction.join("\n"));
        // Near miss: a String parameter the stack passes is a value it knows.
        assert.deepEqual(await mandatory(template({ Api: { Type: "AWS::IAM::Role", Properties: { AssumeRolePolicyDocument: document(irsaStatement()) } } })), []);
    });

    it("lets a template role trusting its own account (${AWS::AccountId}, not known before the stack exists) be reached from the workload role by sts:AssumeRole", async () => {
        const accountRoot = { "Fn::Sub": "arn:${AWS::Partition}:iam::${AWS::AccountId}:root" };
        const templateAdmin = { CfnAdmin: { Type: "AWS::IAM::Role", Properties: { RoleName: "cfn-admin", AssumeRolePolicyDocument: document({ Effect: "Allow", Principal: { AWS: accountRoot }, Action: "sts:AssumeRole" }), ManagedPolicyArns: [administratorAccess] } } };
        const assumes = document({ Effect: "Allow", Action: "sts:AssumeRole", Resource: arnOf("cfn-admin") });
        const api = role(stack, "api", workloadTrust, { arn: arnOf("api"), inlinePolicies: [{ name: "assume", policy: JSON.stringify(assumes) }] });
        for (const holder of [template(templateAdmin), resource(stack, "aws:cloudformation/stackSet:StackSet", "set", { templateBody: JSON.stringify({ Resources: templateAdmin }) })]) {
            const found = await administrator(api, holder);
            assert.ok(found.some((line) => /"CfnAdmin" .*is a workload role \(pods reach it by role chaining/.test(line)), `${holder.type}: ${found.join("\n")}`);
        }
    });
});

describe("policy pack evasions: a dynamic reference behind a parameter, another spelling of a CloudControl type, a Serverless Application Repository app", () => {
    const openTrust = (principal: unknown): unknown => document({ Effect: "Allow", Principal: { Federated: principal }, Action: "sts:AssumeRoleWithWebIdentity" });

    it("reads a parameter whose value is a dynamic reference as one CloudFormation fetches: the trust it names cannot be judged", async () => {
        const templateBody = JSON.stringify({
            Parameters: { Provider: { Type: "String", Default: "{{resolve:ssm:/eks/oidc-provider-arn:1}}" } },
            Resources: { Role: { Type: "AWS::IAM::Role", Properties: { AssumeRolePolicyDocument: openTrust({ Ref: "Provider" }) } } },
        });
        const found = await mandatory(resource(stack, "aws:cloudformation/stack:Stack", "cfn", { templateBody }));
        assert.ok(found.some((line) => /^trust-no-wildcard-principal: .*"Role" .*\{\{resolve:ssm:\/eks\/oidc-provider-arn:1\}\}/.test(line)), found.join("\n"));
        const passed = await mandatory(resource(stack, "aws:cloudformation/stack:Stack", "cfn", { templateBody: templateBody.replace("{{resolve:ssm:/eks/oidc-provider-arn:1}}", "x"), parameters: { Provider: "{{resolve:ssm:/eks/oidc-provider-arn:1}}" } }));
        assert.ok(passed.some((line) => line.startsWith("trust-no-wildcard-principal")), passed.join("\n"));
    });

    it("judges a CloudControl role whatever the case of its typeName", async () => {
        const desiredState = JSON.stringify({ RoleName: "cc", AssumeRolePolicyDocument: openTrust(providerArn) });
        const found = await mandatory(resource(stack, "aws:cloudcontrol/resource:Resource", "cc", { typeName: "aws::iam::role", desiredState }));
        assert.ok(found.some((line) => line.startsWith("irsa-trust-bounded-subject")), found.join("\n"));
    });

    it("refuses a Serverless Application Repository application deployed with IAM capabilities: its template may grant to any role", async () => {
        const app = (capabilities: string[]): PlainResource =>
            resource(stack, "aws:serverlessrepository/cloudFormationStack:CloudFormationStack", "app", { applicationId: `arn:aws:serverlessrepo:us-east-1:${otherAccount}:applications/tool`, capabilities });
        const found = await administrator(role(stack, "api", workloadTrust, { arn: arnOf("api") }), app(["CAPABILITY_IAM"]));
        assert.ok(found.some((line) => /Serverless Application Repository application/.test(line)), found.join("\n"));
        // Near miss: without IAM capabilities it can create no role or policy.
        assert.deepEqual(await administrator(role(stack, "api", workloadTrust, { arn: arnOf("api") }), app([])), []);
    });
});
