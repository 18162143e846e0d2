/**
 * Who else a workload role's trust admits: AWS principals of another account (mandatory), of the
 * role's own account (advisory), `"AWS": "*"` however conditioned (mandatory, as before), and public
 * web identity providers whose audience is not bound (mandatory, on any role). Each refused input
 * passed the pack before; the IAM evaluator decides whom a trust admits, never the code under test.
 */
import * as assert from "node:assert/strict";

import { PolicyDocument } from "../components/index";
import { evaluatePolicies, PlainResource } from "../policy/evaluate";
import { policies } from "../policy/pack";
import { allowedByTrustPolicy } from "./iamEvaluator";
import { account, document, findingsOf, irsaStatement, otherAccount, otherIssuer, podIdentityStatement, resource, role } from "./policyPackFixtures";

const stack = "prod";
const roleArn = `arn:aws:iam::${account}:role/api`;
const mandatoryTrust = ["irsa-trust-bounded-subject", "pod-identity-trust-source", "pod-identity-trust-cluster", "trust-no-wildcard-principal", "workload-trust-foreign-principal"];

/** The mandatory findings of the trust rules, as `policy: detail`. */
async function mandatory(...resources: PlainResource[]): Promise<string[]> {
    return (await evaluatePolicies(policies, resources))
        .filter((finding) => finding.enforcementLevel === "mandatory" && mandatoryTrust.includes(finding.policyName))
        .map((finding) => `${finding.policyName}: ${finding.message.split("\n").slice(1).join("\n")}`);
}

const assume = (principal: unknown, condition?: unknown): Record<string, unknown> => ({ Effect: "Allow", Principal: principal, Action: "sts:AssumeRole", ...(condition !== undefined && { Condition: condition }) });

describe("policy pack: AWS principals in a workload role's trust", () => {
    it("another account's root, or one of its roles, next to the IRSA or Pod Identity statement: anyone that account lets in holds the pods' role", async () => {
        for (const [workloadStatement, principal] of [
            [irsaStatement(), `arn:aws:iam::${otherAccount}:root`],
            [irsaStatement(), otherAccount],
            [podIdentityStatement(), `arn:aws:iam::${otherAccount}:role/ci`],
            // A session of another account's role: whoever holds that role names the session.
            [irsaStatement(), `arn:aws:sts::${otherAccount}:assumed-role/ci/build`],
        ] as const) {
            const trust = document(workloadStatement, assume({ AWS: principal }, { StringEquals: { "aws:PrincipalTag/team": "platform" } })) as PolicyDocument;
            assert.equal(
                // A condition the caller meets (its own tag) is no bound on who.
                await allowedByTrustPolicy(trust, { principal: principal.includes(":sts::") ? principal : `arn:aws:iam::${otherAccount}:role/ci`, action: "sts:AssumeRole", roleArn, context: { "aws:PrincipalTag/team": "platform" } }),
                true,
                principal,
            );
            const found = await mandatory(role(stack, "api", trust));
            assert.equal(found.length, 1, `${principal}: ${found.join("\n")}`);
            assert.match(
                found[0],
                new RegExp(
                    String.raw`^workload-trust-foreign-principal: aws:iam/role:Role "api": trust policy Statement\[1\] .*: a workload role \(it trusts IRSA or EKS Pod Identity\) that also admits "${principal.replace(/[/]/g, "\\/")}", of account ${otherAccount}, which is not the account of the role's OIDC provider or aws:SourceAccount`,
                ),
            );
        }
    });

    it("a principal whose account the pack cannot tell, and the same trust in aws-native, CloudControl and a CloudFormation template", async () => {
        const unique = document(irsaStatement(), assume({ AWS: "AROAEXAMPLEUNIQUEID01" })) as PolicyDocument;
        assert.match((await mandatory(role(stack, "api", unique)))[0], /^workload-trust-foreign-principal: .*admits "AROAEXAMPLEUNIQUEID01", a principal whose account the pack cannot tell/);
        const trust = document(irsaStatement(), assume({ AWS: `arn:aws:iam::${otherAccount}:root` }));
        const holders: PlainResource[] = [
            resource(stack, "aws-native:iam:Role", "api", { assumeRolePolicyDocument: trust }),
            resource(stack, "aws:cloudcontrol/resource:Resource", "api", { typeName: "AWS::IAM::Role", desiredState: JSON.stringify({ AssumeRolePolicyDocument: trust }) }),
            resource(stack, "aws:cloudformation/stack:Stack", "cfn", { templateBody: JSON.stringify({ Resources: { Api: { Type: "AWS::IAM::Role", Properties: { AssumeRolePolicyDocument: trust } } } }) }),
        ];
        for (const holder of holders) {
            const found = await mandatory(holder);
            assert.equal(found.length, 1, `${holder.type}: ${found.join("\n")}`);
            assert.match(found[0], /^workload-trust-foreign-principal: .*admits "arn:aws:iam::210987654321:root", of account 210987654321/);
        }
    });

    it('"AWS": "*" in a workload role\'s trust, even conditioned on the account, stays mandatory', async () => {
        const trust = document(irsaStatement(), assume({ AWS: "*" }, { StringEquals: { "aws:PrincipalAccount": account } })) as PolicyDocument;
        assert.equal(await allowedByTrustPolicy(trust, { principal: `arn:aws:iam::${account}:role/anything`, action: "sts:AssumeRole", roleArn, context: { "aws:PrincipalAccount": account } }), true);
        const found = await mandatory(role(stack, "api", trust));
        assert.equal(found.length, 1, found.join("\n"));
        assert.match(found[0], /^trust-no-wildcard-principal: .*Principal \{"AWS": "\*"\}/);
    });

    it("another account made to look like the role's own: a decoy OIDC provider ARN or a second aws:SourceAccount of that account", async () => {
        // A provider ARN of another account admits no token (AssumeRoleWithWebIdentity needs a provider of the role's account),
        // but it named that account "own", so its root was only advisory. A role is in one account: several named is no proof of any.
        const decoyProvider = { Effect: "Allow", Principal: { Federated: `arn:aws:iam::${otherAccount}:oidc-provider/${otherIssuer}` }, Action: "sts:AssumeRoleWithWebIdentity", Condition: { StringEquals: { [`${otherIssuer}:sub`]: "system:serviceaccount:apps:api", [`${otherIssuer}:aud`]: "sts.amazonaws.com" } } };
        const pods = podIdentityStatement();
        const twoSources = { ...pods, Condition: { StringEquals: { ...(pods.Condition as Record<string, Record<string, string>>).StringEquals, "aws:SourceAccount": [account, otherAccount] } } };
        for (const workloadStatements of [[irsaStatement(), decoyProvider], [twoSources]]) {
            const trust = document(...workloadStatements, assume({ AWS: `arn:aws:iam::${otherAccount}:root` })) as PolicyDocument;
            assert.equal(await allowedByTrustPolicy(trust, { principal: `arn:aws:iam::${otherAccount}:role/ci`, action: "sts:AssumeRole", roleArn }), true);
            const found = (await mandatory(role(stack, "api", trust))).filter((each) => each.startsWith("workload-trust-foreign-principal"));
            assert.equal(found.length, 1, found.join("\n"));
            assert.match(found[0], new RegExp(`admits "arn:aws:iam::${otherAccount}:root", of account ${otherAccount}, which the pack cannot tell is the role's own: .*name several accounts \\(${account}, ${otherAccount}\\)`));
        }
    });

    it("near miss: a role or the root of the role's own account is advisory (its owner controls them); a role trusting only AWS principals is no workload role", async () => {
        for (const [workloadStatement, principal] of [
            [irsaStatement(), `arn:aws:iam::${account}:role/ci`],
            [podIdentityStatement(), `arn:aws:iam::${account}:root`],
        ] as const) {
            const trust = document(workloadStatement, assume({ AWS: principal }));
            assert.equal(await allowedByTrustPolicy(trust as PolicyDocument, { principal: `arn:aws:iam::${otherAccount}:role/ci`, action: "sts:AssumeRole", roleArn }), false);
            const findings = await evaluatePolicies(policies, [role(stack, "api", trust)]);
            assert.deepEqual(await mandatory(role(stack, "api", trust)), [], principal);
            const advisory = findingsOf(findings, "workload-trust-aws-principal");
            assert.equal(advisory.length, 1, principal);
            assert.match(advisory[0], new RegExp(String.raw`^advisory: .*admits "${principal.replace(/[/]/g, "\\/")}", of the role's own account ${account}`));
        }
        const crossAccountOnly = role(stack, "deployer", document(assume({ AWS: `arn:aws:iam::${otherAccount}:root` })));
        assert.deepEqual(await mandatory(crossAccountOnly), []);
    });

    it("a SAML identity provider next to the IRSA statement: whoever signs in through it holds the pods' role (advisory for the role's own account, mandatory for another)", async () => {
        const saml = (provider: string): Record<string, unknown> => ({
            Effect: "Allow",
            Principal: { Federated: provider },
            Action: "sts:AssumeRoleWithSAML",
            Condition: { StringEquals: { "SAML:aud": "https://signin.aws.amazon.com/saml" } },
        });
        const own = `arn:aws:iam::${account}:saml-provider/Okta`;
        const trust = document(irsaStatement(), saml(own)) as PolicyDocument;
        assert.equal(await allowedByTrustPolicy(trust, { principal: own, action: "sts:AssumeRoleWithSAML", roleArn, context: { "SAML:aud": "https://signin.aws.amazon.com/saml" } }), true);
        assert.deepEqual(await mandatory(role(stack, "api", trust)), []);
        const advisory = findingsOf(await evaluatePolicies(policies, [role(stack, "api", trust)]), "workload-trust-aws-principal");
        assert.equal(advisory.length, 1, advisory.join("\n"));
        assert.match(advisory[0], /admits "arn:aws:iam::\d+:saml-provider\/Okta", of the role's own account/);
        const foreign = await mandatory(role(stack, "api", document(irsaStatement(), saml(`arn:aws:iam::${otherAccount}:saml-provider/Okta`))));
        assert.equal(foreign.length, 1, foreign.join("\n"));
        assert.match(foreign[0], /^workload-trust-foreign-principal: .*saml-provider\/Okta", of account 210987654321/);
        // Near miss: a role for SAML users alone is no workload role.
        assert.deepEqual(await mandatory(role(stack, "sso", document(saml(own)))), []);
    });

    it("an IAM OIDC provider of another issuer (GitHub Actions) next to the IRSA or Pod Identity statement: the workflow its sub names holds the pods' role (advisory for the role's own account)", async () => {
        const issuer = "token.actions.githubusercontent.com";
        const github = (providerAccount: string): Record<string, unknown> => ({
            Effect: "Allow",
            Principal: { Federated: `arn:aws:iam::${providerAccount}:oidc-provider/${issuer}` },
            Action: "sts:AssumeRoleWithWebIdentity",
            Condition: { StringEquals: { [`${issuer}:aud`]: "sts.amazonaws.com", [`${issuer}:sub`]: "repo:example/deploy:ref:refs/heads/main" } },
        });
        const provider = `arn:aws:iam::${account}:oidc-provider/${issuer}`;
        for (const workloadStatement of [irsaStatement(), podIdentityStatement()]) {
            const trust = document(workloadStatement, github(account)) as PolicyDocument;
            // A token of that workflow is admitted, whatever the pods' statement says.
            assert.equal(
                await allowedByTrustPolicy(trust, {
                    principal: provider,
                    action: "sts:AssumeRoleWithWebIdentity",
                    roleArn,
                    context: { [`${issuer}:aud`]: "sts.amazonaws.com", [`${issuer}:sub`]: "repo:example/deploy:ref:refs/heads/main" },
                }),
                true,
            );
            assert.deepEqual(await mandatory(role(stack, "api", trust)), []);
            const advisory = findingsOf(await evaluatePolicies(policies, [role(stack, "api", trust)]), "workload-trust-aws-principal");
            assert.equal(advisory.length, 1, advisory.join("\n"));
            assert.match(advisory[0], /admits "arn:aws:iam::\d+:oidc-provider\/token\.actions\.githubusercontent\.com", the IAM OIDC provider of token\.actions\.githubusercontent\.com, not an EKS cluster's issuer/);
        }
        // Near misses: the CI's own role (no pods), and a role for the pods of two clusters (two EKS issuers).
        assert.deepEqual(findingsOf(await evaluatePolicies(policies, [role(stack, "ci", document(github(account)))]), "workload-trust-aws-principal"), []);
        const otherCluster = {
            Effect: "Allow",
            Principal: { Federated: `arn:aws:iam::${account}:oidc-provider/${otherIssuer}` },
            Action: "sts:AssumeRoleWithWebIdentity",
            Condition: { StringEquals: { [`${otherIssuer}:sub`]: "system:serviceaccount:apps:api", [`${otherIssuer}:aud`]: "sts.amazonaws.com" } },
        };
        const twoClusters = document(irsaStatement(), otherCluster);
        assert.deepEqual(findingsOf(await evaluatePolicies(policies, [role(stack, "api", twoClusters)]), "workload-trust-aws-principal"), []);
    });
});

describe("policy pack: public web identity providers in a trust policy", () => {
    const web = (provider: string, condition?: unknown): Record<string, unknown> => ({
        Effect: "Allow",
        Principal: { Federated: provider },
        Action: "sts:AssumeRoleWithWebIdentity",
        ...(condition !== undefined && { Condition: condition }),
    });
    const pool = "us-west-2:11111111-2222-3333-4444-555555555555";
    const attackerPool = "us-east-1:99999999-8888-7777-6666-555555555555";

    it("Cognito, Google, Facebook or Login with Amazon without a bound audience: anyone who signs in anywhere assumes the role", async () => {
        const trust = document(irsaStatement(), web("cognito-identity.amazonaws.com", { StringEquals: { "cognito-identity.amazonaws.com:amr": "authenticated" } })) as PolicyDocument;
        assert.equal(
            await allowedByTrustPolicy(trust, {
                principal: "cognito-identity.amazonaws.com",
                action: "sts:AssumeRoleWithWebIdentity",
                roleArn,
                context: { "cognito-identity.amazonaws.com:aud": attackerPool, "cognito-identity.amazonaws.com:amr": "authenticated" },
            }),
            true,
        );
        const found = await mandatory(role(stack, "api", trust));
        assert.equal(found.length, 1, found.join("\n"));
        assert.match(found[0], /^trust-no-wildcard-principal: aws:iam\/role:Role "api": trust policy Statement\[1\] .*Principal \{"Federated": "cognito-identity.amazonaws.com"\} without a StringEquals condition on cognito-identity.amazonaws.com:aud/);
        for (const provider of ["accounts.google.com", "graph.facebook.com", "www.amazon.com"]) {
            const alone = await mandatory(role(stack, "web", document(web(provider, { StringLike: { [`${provider}:aud`]: "*" } }))));
            assert.equal(alone.length, 1, `${provider}: ${alone.join("\n")}`);
            assert.match(alone[0], new RegExp(`without a StringEquals condition on ${provider.replace(/\./g, "\\.")}:aud`));
        }
    });

    it("a public web identity provider with a bound audience next to the IRSA or Pod Identity statement: whoever signs in to that application (guests of a Cognito pool: anyone) holds the pods' role", async () => {
        for (const workloadStatement of [irsaStatement(), podIdentityStatement()]) {
            const trust = document(workloadStatement, web("cognito-identity.amazonaws.com", { StringEquals: { "cognito-identity.amazonaws.com:aud": pool } })) as PolicyDocument;
            // A guest (unauthenticated) identity of the pool: anyone on the internet can get one when the pool allows guests.
            assert.equal(
                await allowedByTrustPolicy(trust, {
                    principal: "cognito-identity.amazonaws.com",
                    action: "sts:AssumeRoleWithWebIdentity",
                    roleArn,
                    context: { "cognito-identity.amazonaws.com:aud": pool, "cognito-identity.amazonaws.com:amr": ["unauthenticated"] },
                }),
                true,
            );
            const found = await mandatory(role(stack, "api", trust));
            assert.equal(found.length, 1, found.join("\n"));
            assert.match(found[0], /^workload-trust-foreign-principal: aws:iam\/role:Role "api": trust policy Statement\[1\] .*admits "cognito-identity.amazonaws.com", a public web identity provider: whoever signs in to the application its audience names/);
        }
        const google = document(irsaStatement(), web("accounts.google.com", { StringEquals: { "accounts.google.com:aud": "1234567890-abc.apps.googleusercontent.com" } }));
        assert.match((await mandatory(role(stack, "api", google))).join("\n"), /^workload-trust-foreign-principal: .*admits "accounts.google.com", a public web identity provider/);
    });

    it("near miss: the audience bound to the stack's own identity pool", async () => {
        const trust = document(web("cognito-identity.amazonaws.com", { StringEquals: { "cognito-identity.amazonaws.com:aud": pool } })) as PolicyDocument;
        const request = (aud: string) => ({ principal: "cognito-identity.amazonaws.com", action: "sts:AssumeRoleWithWebIdentity", roleArn, context: { "cognito-identity.amazonaws.com:aud": aud } });
        assert.equal(await allowedByTrustPolicy(trust, request(attackerPool)), false);
        assert.equal(await allowedByTrustPolicy(trust, request(pool)), true);
        assert.deepEqual(await mandatory(role(stack, "web", trust)), []);
    });
});
