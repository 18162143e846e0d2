/**
 * Resources that create what a CloudFormation template holds, beyond a stack's own `templateBody`:
 * a CloudControl resource of `AWS::CloudFormation::Stack` or `AWS::CloudFormation::StackSet` (its
 * desired state is the stack's properties, so it holds the template as `TemplateBody`), and a
 * provisioned Service Catalog product (its template is the product's, which the pack cannot read).
 * Each got through with no mandatory violation; what the template's grant opens is decided by the
 * IAM evaluator, never by the code under test.
 */
import * as assert from "node:assert/strict";

import { UnknownValueError } from "@pulumi/policy";

import { PolicyDocument } from "../components/index";
import { evaluatePolicies, PlainResource } from "../policy/evaluate";
import { policies } from "../policy/pack";
import { allowedByIdentityPolicy } from "./iamEvaluator";
import { document, findingsOf, irsaStatement, resource, role, roleArnOf } from "./policyPackFixtures";

const stack = "prod";
const api = role(stack, "api", document(irsaStatement()), { arn: roleArnOf("api") });
const admin = document({ Effect: "Allow", Action: "*", Resource: "*" }) as PolicyDocument;
const readReports = document({ Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::reports/*" }) as PolicyDocument;

/** A template granting this document to the role `api` from the policy's side (`AWS::IAM::Policy` `Roles`). */
const grantingTemplate = (policy: PolicyDocument): string =>
    JSON.stringify({ Resources: { Grant: { Type: "AWS::IAM::Policy", Properties: { PolicyName: "grant", Roles: ["api"], PolicyDocument: policy } } } });

/** A CloudControl resource of this type with this desired state (CloudFormation's property names). */
const cloudControl = (typeName: string, desiredState: Record<string, unknown>, extra: Record<string, unknown> = {}): PlainResource =>
    resource(stack, "aws:cloudcontrol/resource:Resource", "cc", { typeName, desiredState: JSON.stringify(desiredState), ...extra });

async function administrator(...resources: PlainResource[]): Promise<string[]> {
    return findingsOf(await evaluatePolicies(policies, resources), "workload-role-no-administrator-policy");
}

async function mandatory(...resources: PlainResource[]): Promise<string[]> {
    return (await evaluatePolicies(policies, resources)).filter((finding) => finding.enforcementLevel === "mandatory").map((finding) => `${finding.policyName}: ${finding.message.split("\n").slice(1).join("\n")}`);
}

describe("policy pack readers: a CloudControl CloudFormation stack or stack set holds its template in the desired state", () => {
    // aws-native:cloudformation:Stack (templateBody, templateUrl, parameters) is generated from the registry schema CloudControl serves for AWS::CloudFormation::Stack.
    it("a template granting every action to the workload role from the policy's side, in a CloudControl AWS::CloudFormation::Stack or StackSet", async () => {
        assert.equal(await allowedByIdentityPolicy(admin, { action: "iam:AttachRolePolicy", resource: roleArnOf("api") }), true);
        for (const typeName of ["AWS::CloudFormation::Stack", "AWS::CloudFormation::StackSet", "aws::cloudformation::stack"]) {
            const found = await administrator(api, cloudControl(typeName, { StackName: "grants", StackSetName: "grants", TemplateBody: grantingTemplate(admin) }));
            assert.equal(found.length, 1, `${typeName}: ${found.join("\n")}`);
            assert.match(found[0], /^mandatory: aws:iam\/role:Role "api" is a workload role .*the administrator path "every-action" .*aws:cloudcontrol\/resource:Resource "cc" template resource "Grant" \(AWS::IAM::Policy\) Statement\[0\]/);
        }
    });

    it("its parameters are the stack's: a role named by a parameter the desired state passes", async () => {
        const template = JSON.stringify({
            Parameters: { Target: { Type: "String" } },
            Resources: { Grant: { Type: "AWS::IAM::Policy", Properties: { PolicyName: "grant", Roles: [{ Ref: "Target" }], PolicyDocument: admin } } },
        });
        const found = await administrator(api, cloudControl("AWS::CloudFormation::Stack", { StackName: "grants", TemplateBody: template, Parameters: { Target: "api" } }));
        assert.equal(found.length, 1, found.join("\n"));
        assert.match(found[0], /^mandatory: aws:iam\/role:Role "api" is a workload role .*"cc" template resource "Grant"/);
    });

    it("a template behind TemplateURL, or a desired state that is not a JSON object, cannot be read: refused for any role, and by the node and cluster rules", async () => {
        const url = await mandatory(api, cloudControl("AWS::CloudFormation::Stack", { StackName: "grants", TemplateURL: "https://s3.amazonaws.com/templates/grants.json" }));
        assert.ok(url.some((each) => /^workload-role-no-administrator-policy: any role is a workload role .*"cc" cannot be judged: its template is at TemplateURL, which the pack cannot read/.test(each)), url.join("\n"));
        assert.ok(url.some((each) => /^launch-template-imdsv2: aws:cloudcontrol\/resource:Resource "cc": its template is at TemplateURL/.test(each)), url.join("\n"));
        assert.ok(url.some((each) => /^eks-cluster-endpoint-restricted: aws:cloudcontrol\/resource:Resource "cc": its template is at TemplateURL/.test(each)), url.join("\n"));
        const garbled = await administrator(api, resource(stack, "aws:cloudcontrol/resource:Resource", "cc", { typeName: "AWS::CloudFormation::Stack", desiredState: "{TemplateBody:" }));
        assert.match(garbled.join("\n"), /any role is a workload role .*"cc" cannot be judged: its desiredState is not a JSON object, so its template cannot be read/);
    });

    it("during preview, a desired state not known yet is a grant to a role not known yet", async () => {
        const props: Record<string, unknown> = { typeName: "AWS::CloudFormation::Stack" };
        Object.defineProperty(props, "desiredState", { enumerable: true, get: () => { throw new UnknownValueError("04da6b54-80e4-46f7-96ec-b56ff0331ba9", ["desiredState"]); } });
        const found = await administrator(api, resource(stack, "aws:cloudcontrol/resource:Resource", "cc", props));
        assert.equal(found.length, 1, found.join("\n"));
        assert.match(found[0], /^mandatory: the role a role not known yet \(preview\) is a workload role .*"cc" cannot be judged: its desiredState is not known yet \(preview\)/);
    });

    it("the template's launch templates and access entries are judged as a stack's are", async () => {
        const template = JSON.stringify({
            Resources: {
                Lt: { Type: "AWS::EC2::LaunchTemplate", Properties: { LaunchTemplateData: { MetadataOptions: { HttpTokens: "optional" } } } },
                Entry: { Type: "AWS::EKS::AccessEntry", Properties: { ClusterName: "apps", PrincipalArn: roleArnOf("api"), KubernetesGroups: ["system:masters"] } },
            },
        });
        const found = await mandatory(api, cloudControl("AWS::CloudFormation::Stack", { StackName: "nodes", TemplateBody: template }));
        assert.ok(found.some((each) => /^launch-template-imdsv2: aws:cloudcontrol\/resource:Resource "cc" template resource "Lt" \(AWS::EC2::LaunchTemplate\): metadataOptions.httpTokens is "optional"/.test(each)), found.join("\n"));
        assert.ok(found.some((each) => /^workload-role-no-cluster-access: .*"cc" template resource "Entry" \(AWS::EKS::AccessEntry\)/.test(each)), found.join("\n"));
    });

    it("near miss: the same door with a narrow, named grant; a CloudControl resource of another type", async () => {
        assert.equal(await allowedByIdentityPolicy(readReports, { action: "iam:AttachRolePolicy", resource: roleArnOf("api") }), false);
        assert.deepEqual(await mandatory(api, cloudControl("AWS::CloudFormation::Stack", { StackName: "grants", TemplateBody: grantingTemplate(readReports) })), []);
        assert.deepEqual(await mandatory(api, cloudControl("AWS::S3::Bucket", { BucketName: "reports" })), []);
    });
});

describe("policy pack readers: a provisioned Service Catalog product creates what its template holds", () => {
    // "A launch constraint specifies the IAM role that AWS Service Catalog assumes when an end user launches, updates, or terminates
    // a product" (Service Catalog Administrator Guide, Launch constraints): CloudFormation creates the product's template, kept by its
    // provisioning artifact, with that role, so it may grant to any role.
    const products = [
        resource(stack, "aws:servicecatalog/provisionedProduct:ProvisionedProduct", "pp", { name: "pp", productName: "platform", provisioningArtifactName: "v1" }),
        resource(stack, "aws-native:servicecatalog:CloudFormationProvisionedProduct", "pp", { productName: "platform", provisioningArtifactName: "v1" }),
        cloudControl("AWS::ServiceCatalog::CloudFormationProvisionedProduct", { ProductName: "platform", ProvisioningArtifactName: "v1" }),
    ];

    it("is a grant the pack cannot read, to any role, and may create nodes and clusters: aws, aws-native and CloudControl", async () => {
        for (const product of products) {
            const found = await mandatory(api, product);
            const label = `${product.type} "${product.name}"`.replace(/[/]/g, "\\/");
            assert.match(found.join("\n"), new RegExp(`workload-role-no-administrator-policy: any role is a workload role .*${label} cannot be judged: it provisions a Service Catalog product, whose CloudFormation template .* the pack cannot read`), found.join("\n"));
            assert.ok(found.some((each) => each.startsWith(`launch-template-imdsv2: ${product.type} "${product.name}": it provisions a Service Catalog product`)), found.join("\n"));
            assert.ok(found.some((each) => each.startsWith(`eks-cluster-audit-logging: ${product.type} "${product.name}": it provisions a Service Catalog product`)), found.join("\n"));
        }
    });

    it("near miss: defining a product and its portfolio provisions nothing", async () => {
        const product = resource(stack, "aws:servicecatalog/product:Product", "product", { name: "platform", owner: "platform", type: "CLOUD_FORMATION_TEMPLATE", provisioningArtifactParameters: { templateUrl: "https://s3.amazonaws.com/templates/platform.json" } });
        const portfolio = resource(stack, "aws:servicecatalog/portfolio:Portfolio", "portfolio", { name: "platform", providerName: "platform" });
        assert.deepEqual(await mandatory(api, product, portfolio), []);
    });
});


describe("policy pack readers: a YAML template's merge keys", () => {
    // AWS's announcement of YAML templates excludes hash merges and aliases ("CloudFormation supports essentially all of YAML, with the
    // exception of hash merges, aliases, and some tags"), but templates using `<<` are reported to deploy (awslabs/aws-cfn-template-flip#118):
    // the pack reads a merge as YAML 1.1 defines it, which shows it every property CloudFormation could take from it.
    const yamlTemplate = (merged: string): string => `
Resources:
  Grant:
    Type: AWS::IAM::Policy
    Properties:
      PolicyName: grant
      Roles: [api]
      <<: {PolicyDocument: {Statement: [${merged}]}}
`;

    it("a policy document given through a merge key is the policy's document", async () => {
        assert.equal(await allowedByIdentityPolicy(admin, { action: "iam:PutRolePolicy", resource: roleArnOf("api") }), true);
        const found = await administrator(api, resource(stack, "aws:cloudformation/stack:Stack", "cfn", { templateBody: yamlTemplate('{Effect: Allow, Action: "*", Resource: "*"}') }));
        assert.equal(found.length, 1, found.join("\n"));
        assert.match(found[0], /^mandatory: aws:iam\/role:Role "api" is a workload role .*the administrator path "every-action" .*"cfn" template resource "Grant" \(AWS::IAM::Policy\) Statement\[0\]/);
    });

    it("near miss: a narrow, named grant through the same merge key", async () => {
        assert.deepEqual(await mandatory(api, resource(stack, "aws:cloudformation/stack:Stack", "cfn", { templateBody: yamlTemplate('{Effect: Allow, Action: "s3:GetObject", Resource: "arn:aws:s3:::reports/*"}') })), []);
    });
});

describe("policy pack readers: an EKS add-on's Pod Identity association hands its role to pods, whatever the role's trust says", () => {
    // EKS creates a Pod Identity association for each of an add-on's podIdentityAssociations (EKS User Guide, "IAM roles for Amazon EKS add-ons").
    const addonRole = (policy: PolicyDocument): PlainResource =>
        role(stack, "ebs", document({ Effect: "Allow", Principal: { AWS: `arn:aws:iam::123456789012:root` }, Action: "sts:AssumeRole" }), { arn: roleArnOf("ebs"), inlinePolicies: [{ name: "p0", policy: JSON.stringify(policy) }] });
    const addon = resource(stack, "aws:eks/addon:Addon", "ebs", { clusterName: "apps", addonName: "aws-ebs-csi-driver", podIdentityAssociations: [{ roleArn: roleArnOf("ebs"), serviceAccount: "ebs-csi-controller-sa" }] });

    it("the role an add-on associates is judged as a workload role", async () => {
        assert.equal(await allowedByIdentityPolicy(admin, { action: "iam:AttachRolePolicy", resource: roleArnOf("ebs") }), true);
        const found = await administrator(addonRole(admin), addon);
        assert.equal(found.length, 1, found.join("\n"));
        assert.match(found[0], /^mandatory: aws:iam\/role:Role "ebs" is a workload role \(aws:eks\/addon:Addon "ebs" podIdentityAssociations\[0\] gives its credentials to pods .*"every-action"/);
    });

    it("near miss: the same add-on's role with a narrow, named grant", async () => {
        assert.deepEqual(await administrator(addonRole(readReports), addon), []);
    });
});

describe("policy pack readers: a CloudControl stack's template roles are judged by the trust rules", () => {
    it("a template role any principal may assume, in a CloudControl AWS::CloudFormation::Stack", async () => {
        const template = JSON.stringify({ Resources: { Open: { Type: "AWS::IAM::Role", Properties: { AssumeRolePolicyDocument: document({ Effect: "Allow", Principal: "*", Action: "sts:AssumeRole" }) } } } });
        const found = findingsOf(await evaluatePolicies(policies, [cloudControl("AWS::CloudFormation::Stack", { StackName: "roles", TemplateBody: template })]), "trust-no-wildcard-principal");
        assert.equal(found.length, 1, found.join("\n"));
        assert.match(found[0], /^mandatory: aws:cloudcontrol\/resource:Resource "cc" template resource "Open" \(AWS::IAM::Role\): trust policy Statement\[0\] \{"Effect":"Allow","Principal":"\*","Action":"sts:AssumeRole"\}/);
    });
});
