/**
 * A policy document written as a text that names a key twice in one object. `JSON.parse` keeps the
 * last; the IAM policy grammar does not say which one IAM keeps (terraform-provider-aws refuses such
 * texts for that reason, hashicorp/terraform-provider-aws#33570), so an author puts the broad reading
 * first and the narrow one last. Before, the pack judged the last one only and passed both documents
 * below; the IAM evaluator shows what the first reading admits and grants.
 */
import * as assert from "node:assert/strict";

import { PolicyDocument } from "../components/index";
import { firstDuplicateKey, parsePolicyDocument } from "../components/iam";
import { evaluatePolicies, PlainResource } from "../policy/evaluate";
import { policies } from "../policy/pack";
import { allowedByIdentityPolicy, allowedByTrustPolicy } from "./iamEvaluator";
import { account, document, findingsOf, irsaStatement, issuer, providerArn, resource, role } from "./policyPackFixtures";

const stack = "prod";
const roleArn = `arn:aws:iam::${account}:role/api`;
const audienceOnly = { StringEquals: { [`${issuer}:aud`]: "sts.amazonaws.com" } };
const narrow = { StringEquals: { [`${issuer}:sub`]: "system:serviceaccount:apps:api", [`${issuer}:aud`]: "sts.amazonaws.com" } };

/** A trust statement whose Condition is written twice: the broad one first, the narrow one last. */
const twiceConditioned =
    `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":${JSON.stringify(providerArn)}},"Action":"sts:AssumeRoleWithWebIdentity",` +
    `"Condition":${JSON.stringify(audienceOnly)},"Condition":${JSON.stringify(narrow)}}]}`;

/** The mandatory findings, as `policy: detail`. */
async function mandatory(...resources: PlainResource[]): Promise<string[]> {
    return (await evaluatePolicies(policies, resources))
        .filter((finding) => finding.enforcementLevel === "mandatory")
        .map((finding) => `${finding.policyName}: ${finding.message.split("\n").slice(1).join("\n")}`);
}

describe("policy documents that name a key twice", () => {
    it("a trust whose Condition is written twice: read by its first, any ServiceAccount of any namespace assumes the role", async () => {
        const firstReading = document({ ...irsaStatement(), Condition: audienceOnly }) as PolicyDocument;
        const lastReading = JSON.parse(twiceConditioned) as PolicyDocument;
        const token = { [`${issuer}:sub`]: "system:serviceaccount:other:intruder", [`${issuer}:aud`]: "sts.amazonaws.com" };
        const request = { principal: providerArn, action: "sts:AssumeRoleWithWebIdentity", roleArn, context: token };
        assert.equal(await allowedByTrustPolicy(firstReading, request), true);
        assert.equal(await allowedByTrustPolicy(lastReading, request), false);

        const found = await mandatory(role(stack, "api", twiceConditioned));
        assert.ok(
            found.some((line) =>
                /^trust-no-wildcard-principal: aws:iam\/role:Role "api": its trust policy names the key "Condition" twice in Statement\[0\]: which one IAM keeps is not documented/.test(line),
            ),
            found.join("\n"),
        );
        // An unreadable trust could be a workload role's: an administrator grant to it stays mandatory.
        const admin = resource(stack, "aws:iam/rolePolicyAttachment:RolePolicyAttachment", "admin", { role: "api", policyArn: "arn:aws:iam::aws:policy/AdministratorAccess" });
        assert.match(
            findingsOf(await evaluatePolicies(policies, [role(stack, "api", twiceConditioned), admin]), "workload-role-no-administrator-policy").join("\n"),
            /^mandatory: aws:iam\/role:Role "api" is a workload role \(its trust policy cannot be read/,
        );
    });

    it("a workload role's inline policy whose Action is written twice: read by its first, it grants every action", async () => {
        const text = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Action":"s3:GetObject","Resource":"*"}]}';
        assert.equal(await allowedByIdentityPolicy(document({ Effect: "Allow", Action: "*", Resource: "*" }) as PolicyDocument, { action: "iam:CreateUser", resource: `arn:aws:iam::${account}:user/intruder` }), true);
        assert.equal(await allowedByIdentityPolicy(JSON.parse(text) as PolicyDocument, { action: "iam:CreateUser", resource: `arn:aws:iam::${account}:user/intruder` }), false);
        const grant = resource(stack, "aws:iam/rolePolicy:RolePolicy", "x", { role: "api", policy: text });
        const found = findingsOf(await evaluatePolicies(policies, [role(stack, "api", document(irsaStatement())), grant]), "workload-role-no-administrator-policy");
        assert.equal(found.length, 1, found.join("\n"));
        assert.match(found[0], /names the key "Action" twice in Statement\[0\]/);
    });

    it("a CloudControl role's desiredState or a CloudFormation template that names a key twice cannot be judged: a mandatory violation", async () => {
        const roleState = `{"AssumeRolePolicyDocument":${JSON.stringify(document({ ...irsaStatement(), Condition: audienceOnly }))},"AssumeRolePolicyDocument":${JSON.stringify(document(irsaStatement()))}}`;
        const holders: [PlainResource, RegExp][] = [
            [resource(stack, "aws:cloudcontrol/resource:Resource", "cc", { typeName: "AWS::IAM::Role", desiredState: roleState }), /its desiredState names the key "AssumeRolePolicyDocument" twice/],
            [
                resource(stack, "aws:cloudformation/stack:Stack", "cfn", { templateBody: `{"Resources":{"Api":{"Type":"AWS::IAM::Role","Properties":${roleState}}}}` }),
                /names the key "AssumeRolePolicyDocument" twice in Resources\.Api\.Properties, and which one CloudFormation keeps is not documented/,
            ],
        ];
        for (const [holder, why] of holders) {
            const found = await mandatory(holder);
            assert.ok(found.some((line) => why.test(line)), `${holder.type}:\n${found.join("\n")}`);
        }
        // Near miss: the same role written once.
        const once = resource(stack, "aws:cloudcontrol/resource:Resource", "cc", { typeName: "AWS::IAM::Role", desiredState: JSON.stringify({ AssumeRolePolicyDocument: document(irsaStatement()) }) });
        assert.deepEqual(await mandatory(once), []);
    });

    it("near miss: the same names in sibling objects, in values, and in a document the program builds pass", async () => {
        const text = JSON.stringify(document(irsaStatement(), { ...irsaStatement(), Sid: "Condition" }), null, 2);
        assert.equal(firstDuplicateKey(text), undefined);
        assert.ok(!("error" in parsePolicyDocument(text)));
        assert.deepEqual(await mandatory(role(stack, "api", text)), []);
        // Escapes inside strings do not end them, and the same key may appear in nested objects.
        assert.equal(firstDuplicateKey('{"a":"\\"}","b":{"a":{"a":1}},"c":["a","a"]}'), undefined);
        assert.deepEqual(firstDuplicateKey('{"Statement":[{"Effect":"Allow"},{"Condition":{"StringEquals":{"k":"\\\\","k":"v"}}}]}'), { key: "k", path: "Statement[1].Condition.StringEquals" });
    });
});
