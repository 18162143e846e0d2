import * as assert from "node:assert/strict";

import { evaluatePolicies, Finding, PlainResource } from "../policy/evaluate";
import { policies } from "../policy/pack";
import { allowedByIdentityPolicy } from "./iamEvaluator";
import { account, clusterArn, document, findingsOf, irsaStatement, podIdentityStatement, resource, role } from "./policyPackFixtures";

const stack = "prod";
const workloadTrust = document(irsaStatement());
const admin = document({ Effect: "Allow", Action: "*", Resource: "*" });
const passAndRun = document({ Effect: "Allow", Action: ["iam:PassRole", "ec2:RunInstances"], Resource: "*" });
const urn = (type: string, name: string): string => `urn:pulumi:${stack}::guarded::${type}::${name}`;

async function administrator(...resources: PlainResource[]): Promise<string[]> {
    const findings: Finding[] = await evaluatePolicies(policies, resources);
    return findingsOf(findings, "workload-role-no-administrator-policy");
}

describe("policy pack: every way a stack grants a workload role permissions", () => {
    it("a customer-managed aws.iam.Policy with Action '*', attached by each attachment kind", async () => {
        assert.equal(await allowedByIdentityPolicy(admin as never, { action: "iam:CreateUser", resource: `arn:aws:iam::${account}:user/intruder` }), true);
        const policy = resource(stack, "aws:iam/policy:Policy", "everything", { name: "everything", arn: `arn:aws:iam::${account}:policy/everything`, policy: JSON.stringify(admin) });
        const attachments = [
            resource(stack, "aws:iam/rolePolicyAttachment:RolePolicyAttachment", "a", { role: "api", policyArn: `arn:aws:iam::${account}:policy/everything` }),
            resource(stack, "aws:iam/policyAttachment:PolicyAttachment", "b", { roles: ["api"], policyArn: `arn:aws:iam::${account}:policy/everything` }),
            resource(stack, "aws:iam/rolePolicyAttachmentsExclusive:RolePolicyAttachmentsExclusive", "c", { roleName: "api", policyArns: [`arn:aws:iam::${account}:policy/everything`] }),
        ];
        for (const attachment of attachments) {
            const found = await administrator(role(stack, "api", workloadTrust), policy, attachment);
            assert.equal(found.length, 1, attachment.type);
            assert.match(found[0], /^mandatory: aws:iam\/role:Role "api" is a workload role .*the administrator path "every-action" .*attaches aws:iam\/policy:Policy "everything" Statement\[0\] grants every action/);
        }
        // Near miss: the same policy on a role pods cannot assume.
        const nodeTrust = document({ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" });
        assert.deepEqual(await administrator(role(stack, "api", nodeTrust), policy, attachments[0]), []);
    });

    it("the escalation model's newer paths, shared with the components: State Manager associations, launch template versions, group membership, a cluster's identity provider", async () => {
        const grants: [string, string, string, RegExp][] = [
            ["ssm:CreateAssociation", "arn:aws:ec2:*:*:instance/*", `arn:aws:ec2:us-west-2:${account}:instance/i-0123456789abcdef0`, /the escalation path "run-as-other-role"/],
            ["ec2:CreateLaunchTemplateVersion", `arn:aws:ec2:us-west-2:${account}:launch-template/*`, `arn:aws:ec2:us-west-2:${account}:launch-template/lt-0123456789abcdef0`, /the escalation path "run-as-other-role"/],
            ["iam:AddUserToGroup", `arn:aws:iam::${account}:group/admins`, `arn:aws:iam::${account}:group/admins`, /the escalation path "user-credentials"/],
            ["eks:AssociateIdentityProviderConfig", `arn:aws:eks:us-west-2:${account}:cluster/*`, clusterArn, /the escalation path "cluster-access-write"/],
        ];
        for (const [action, granted, target, path] of grants) {
            const policy = document({ Effect: "Allow", Action: action, Resource: granted });
            assert.equal(await allowedByIdentityPolicy(policy as never, { action, resource: target }), true, action);
            const found = await administrator(role(stack, "api", workloadTrust, { inlinePolicies: [{ name: "p", policy: JSON.stringify(policy) }] }));
            assert.equal(found.length, 1, action);
            assert.match(found[0], path, action);
        }
    });

    it("aws-native roles: policies and managedPolicyArns; RolePolicy and ManagedPolicy", async () => {
        const nativeRole = (extra: Record<string, unknown>) =>
            resource(stack, "aws-native:iam:Role", "native", { roleName: "native", assumeRolePolicyDocument: workloadTrust, ...extra });
        assert.match((await administrator(nativeRole({ policies: [{ policyName: "p", policyDocument: admin }] })))[0], /aws-native:iam:Role "native" policies\[0\] \(p\) Statement\[0\] grants every action/);
        assert.match((await administrator(nativeRole({ managedPolicyArns: ["arn:aws:iam::aws:policy/AdministratorAccess-Amplify"] })))[0], /the escalation path "iam-policy-write"/);
        assert.match((await administrator(nativeRole({}), resource(stack, "aws-native:iam:RolePolicy", "rp", { roleName: "native", policyName: "x", policyDocument: passAndRun })))[0], /the escalation path "pass-role-compute"/);
        assert.match((await administrator(nativeRole({}), resource(stack, "aws-native:iam:ManagedPolicy", "mp", { roles: ["native"], policyDocument: admin })))[0], /aws-native:iam:ManagedPolicy "mp" Statement\[0\] grants every action/);
        assert.deepEqual(await administrator(nativeRole({ policies: [{ policyName: "read", policyDocument: document({ Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::b/*" }) }] })), []);
    });

    it("CloudControl resources of AWS::IAM::* types", async () => {
        const ccRole = resource(stack, "aws:cloudcontrol/resource:Resource", "cc-role", {
            typeName: "AWS::IAM::Role",
            desiredState: JSON.stringify({ RoleName: "cc", AssumeRolePolicyDocument: workloadTrust, ManagedPolicyArns: ["arn:aws:iam::aws:policy/AdministratorAccess"] }),
        });
        assert.match((await administrator(ccRole))[0], /^mandatory: aws:cloudcontrol\/resource:Resource "cc-role" is a workload role .*the administrator path "every-action"/);
        const ccPolicy = resource(stack, "aws:cloudcontrol/resource:Resource", "cc-policy", { typeName: "AWS::IAM::RolePolicy", desiredState: JSON.stringify({ RoleName: "api", PolicyName: "p", PolicyDocument: passAndRun }) });
        assert.match((await administrator(role(stack, "api", workloadTrust), ccPolicy))[0], /the escalation path "pass-role-compute"/);
    });

    it("the IAM roles of a CloudFormation stack's template, JSON and YAML", async () => {
        const template = {
            Resources: {
                Workload: { Type: "AWS::IAM::Role", Properties: { AssumeRolePolicyDocument: workloadTrust } },
                Admin: { Type: "AWS::IAM::ManagedPolicy", Properties: { Roles: [{ Ref: "Workload" }], PolicyDocument: document({ Effect: "Allow", Action: "sts:AssumeRole", Resource: "*" }) } },
            },
        };
        const json = await administrator(resource(stack, "aws:cloudformation/stack:Stack", "cfn", { templateBody: JSON.stringify(template) }));
        assert.match(json[0], /template resource "Workload" \(AWS::IAM::Role\) is a workload role .*the escalation path "assume-any-role"/);
        const yaml = [
            "Resources:",
            "  Workload:",
            "    Type: AWS::IAM::Role",
            "    Properties:",
            `      AssumeRolePolicyDocument: ${JSON.stringify(workloadTrust)}`,
            "      Policies:",
            "        - PolicyName: all",
            "          PolicyDocument:",
            "            Statement:",
            "              - Effect: Allow",
            "                Action: !Sub '${Service}:*'",
            "                Resource: !GetAtt Bucket.Arn",
        ].join("\n");
        const found = await administrator(resource(stack, "aws:cloudformation/stack:Stack", "cfn", { templateBody: yaml }));
        assert.match(found[0], /template resource "Workload" .* Policies\[0\] Statement\[0\] grants every action/, "an action only CloudFormation knows is read as the widest");
    });

    it("the target role of a Pod Identity association, whose credentials the pods hold, whatever its trust", async () => {
        const targetArn = `arn:aws:iam::${account}:role/target`;
        const target = role(stack, "target", document({ Effect: "Allow", Principal: { AWS: `arn:aws:iam::${account}:role/pods` }, Action: "sts:AssumeRole" }), {
            arn: targetArn,
            managedPolicyArns: ["arn:aws:iam::aws:policy/IAMFullAccess"],
        });
        const association = resource(stack, "aws:eks/podIdentityAssociation:PodIdentityAssociation", "assoc", { clusterName: "apps", namespace: "a", serviceAccount: "b", roleArn: `arn:aws:iam::${account}:role/pods`, targetRoleArn: targetArn });
        const found = await administrator(role(stack, "pods", document(podIdentityStatement())), target, association);
        // Its trust names the association's role too, so it is also reached by role chaining (policyPackChains.test.ts).
        assert.match(found.join("\n"), /^mandatory: aws:iam\/role:Role "target" is a workload role \(aws:eks\/podIdentityAssociation:PodIdentityAssociation "assoc" gives its credentials to pods/m);
        assert.ok(clusterArn.length > 0);
    });

    it("a grant the pack cannot read is a violation: a customer policy elsewhere, an unknown AWS policy, a garbled document, RolePoliciesExclusive of names no resource holds", async () => {
        const api = role(stack, "api", workloadTrust);
        const cases: [PlainResource, RegExp][] = [
            [resource(stack, "aws:iam/rolePolicyAttachment:RolePolicyAttachment", "x", { role: "api", policyArn: `arn:aws:iam::${account}:policy/elsewhere` }), /customer-managed policy this stack does not hold/],
            [resource(stack, "aws:iam/rolePolicyAttachment:RolePolicyAttachment", "x", { role: "api", policyArn: "arn:aws:iam::aws:policy/AdministratorAcces" }), /does not know, so what it grants cannot be judged/],
            [resource(stack, "aws:iam/rolePolicy:RolePolicy", "x", { role: "api", policy: '{"Statement":[{"Effect":"Allow","Action":{"not":"a string"},"Resource":"*"}]}' }), /whose Action is not a string or a list of strings/],
            [resource(stack, "aws:iam/rolePoliciesExclusive:RolePoliciesExclusive", "x", { roleName: "api", policyNames: ["made-elsewhere"] }), /inline policies \["made-elsewhere"\] that no policy resource of this stack holds/],
        ];
        for (const [grant, why] of cases) {
            const found = await administrator(api, grant);
            assert.equal(found.length, 1, grant.type);
            assert.match(found[0], why);
        }
        // Near miss: RolePoliciesExclusive of the inline policies the stack holds.
        const held = resource(stack, "aws:iam/rolePolicy:RolePolicy", "read", { role: "api", name: "read", policy: document({ Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::b/*" }) });
        assert.deepEqual(await administrator(api, held, resource(stack, "aws:iam/rolePoliciesExclusive:RolePoliciesExclusive", "x", { roleName: "api", policyNames: ["read"] })), []);
    });

    it("a grant to a role the stack does not hold is judged as a grant to a workload role", async () => {
        const found = await administrator(resource(stack, "aws:iam/rolePolicyAttachment:RolePolicyAttachment", "x", { role: "made-elsewhere", policyArn: "arn:aws:iam::aws:policy/AdministratorAccess" }));
        assert.match(found[0], /^mandatory: the role made-elsewhere is a workload role \(it is not a role of this stack/);
        assert.ok(found.every((line) => !line.includes(urn("aws:iam/role:Role", "made-elsewhere"))));
    });
});

describe("policy pack: trust policies of roles made through CloudControl and CloudFormation", () => {
    const openTrust = document({ ...irsaStatement(), Condition: undefined });

    it("judges a CloudControl role's and a template role's trust like any role's", async () => {
        const cc = resource(stack, "aws:cloudcontrol/resource:Resource", "cc", { typeName: "AWS::IAM::Role", desiredState: JSON.stringify({ AssumeRolePolicyDocument: openTrust }) });
        const cfn = resource(stack, "aws:cloudformation/stack:Stack", "cfn", { templateBody: JSON.stringify({ Resources: { Open: { Type: "AWS::IAM::Role", Properties: { AssumeRolePolicyDocument: openTrust } } } }) });
        const found = findingsOf(await evaluatePolicies(policies, [cc, cfn]), "irsa-trust-bounded-subject");
        assert.ok(found.some((line) => line.startsWith('mandatory: aws:cloudcontrol/resource:Resource "cc": trust policy Statement[0]')), found.join("\n"));
        assert.ok(found.some((line) => line.startsWith('mandatory: aws:cloudformation/stack:Stack "cfn" template resource "Open" (AWS::IAM::Role): trust policy Statement[0]')), found.join("\n"));
        const bounded = resource(stack, "aws:cloudcontrol/resource:Resource", "cc", { typeName: "AWS::IAM::Role", desiredState: JSON.stringify({ AssumeRolePolicyDocument: workloadTrust }) });
        assert.deepEqual(findingsOf(await evaluatePolicies(policies, [bounded]), "irsa-trust-bounded-subject"), []);
    });
});
