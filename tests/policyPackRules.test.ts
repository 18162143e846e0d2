import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";

import * as aws from "@pulumi/aws";
import { PolicyPackConfig, validateResourceOfType } from "@pulumi/policy";

import { parsePolicyDocument, statementCoversAction } from "../policy/documents";
import { auditLoggingProblems, endpointProblems, imdsProblems, isNonProductionStack } from "../policy/eks";
import { evaluatePolicies, Finding } from "../policy/evaluate";
import { annotatedRoleProblems, tokenAutomountProblems } from "../policy/kubernetes";
import { policies } from "../policy/pack";
import { awsManagedPolicyName, serviceWildcardActionProblems, wildcardActionProblems } from "../policy/permissions";
import {
    isWorkloadTrustPolicy,
    podIdentityClusterProblems,
    podIdentitySessionTagProblems,
    podIdentitySourceProblems,
    webIdentityStatementProblems,
    wildcardPrincipalProblems,
} from "../policy/trust";
import { account, clusterArn, document, findingsOf, irsaStatement, issuer, otherAccount, otherIssuer, podIdentityStatement, providerArn, resource, role } from "./policyPackFixtures";

/** A statement at index 0, for the pure checks. */
function at0(statement: unknown): { index: number; statement: Record<string, never> } {
    return { index: 0, statement: statement as Record<string, never> };
}

describe("policy pack: reading policy documents", () => {
    it("reads a JSON string, the same document as an object, and a single Statement object alike", () => {
        const statement = irsaStatement();
        const fromString = parsePolicyDocument(JSON.stringify(document(statement)));
        const fromObject = parsePolicyDocument(document(statement));
        const single = parsePolicyDocument({ Version: "2012-10-17", Statement: statement });
        assert.deepEqual(fromString, { statements: [{ index: 0, statement }] });
        assert.deepEqual(fromObject, fromString);
        assert.deepEqual(single, fromString);
    });

    it("reads aws.iam.getPolicyDocument's output: indented JSON, single values as strings", () => {
        // The shape the provider's getPolicyDocument returns in `json`.
        const json = [
            "{",
            '  "Version": "2012-10-17",',
            '  "Statement": [',
            "    {",
            '      "Effect": "Allow",',
            '      "Action": "sts:AssumeRoleWithWebIdentity",',
            '      "Principal": {',
            `        "Federated": "${providerArn}"`,
            "      },",
            '      "Condition": {',
            '        "StringLike": {',
            `          "${issuer}:sub": "system:serviceaccount:*:api"`,
            "        }",
            "      }",
            "    }",
            "  ]",
            "}",
        ].join("\n");
        const parsed = parsePolicyDocument(json);
        assert.ok("statements" in parsed);
        assert.match(webIdentityStatementProblems(parsed.statements[0]).join("\n"), /StringLike on .*:sub admits "system:serviceaccount:\*:api", which is not confined to one namespace/);
    });

    it("says why a document cannot be read", () => {
        assert.match((parsePolicyDocument("{not json") as { error: string }).error, /^is not valid JSON/);
        assert.deepEqual(parsePolicyDocument("[1]"), { error: "is not a JSON object" });
        assert.deepEqual(parsePolicyDocument({ Statement: ["x"] }), { error: "has a Statement[0] that is not an object" });
    });

    it("matches actions as IAM does: wildcards, case-insensitively, and NotAction inverted", () => {
        assert.ok(statementCoversAction({ Action: "sts:AssumeRole*" }, "sts:AssumeRoleWithWebIdentity"));
        assert.ok(statementCoversAction({ Action: ["s3:GetObject", "STS:assumerolewithwebidentity"] }, "sts:AssumeRoleWithWebIdentity"));
        assert.ok(!statementCoversAction({ Action: "sts:AssumeRole" }, "sts:AssumeRoleWithWebIdentity"));
        assert.ok(statementCoversAction({ NotAction: "s3:*" }, "sts:AssumeRoleWithWebIdentity"));
        assert.ok(!statementCoversAction({ NotAction: "sts:*" }, "sts:AssumeRoleWithWebIdentity"));
    });
});

describe("policy pack: trust statements", () => {
    const sub = `${issuer}:sub`;
    const aud = `${issuer}:aud`;

    it("accepts exact ServiceAccounts, and patterns confined to one namespace", () => {
        assert.deepEqual(webIdentityStatementProblems(at0(irsaStatement())), []);
        const several = irsaStatement({ StringEquals: { [sub]: ["system:serviceaccount:a:x", "system:serviceaccount:b:y"], [aud]: "sts.amazonaws.com" } });
        assert.deepEqual(webIdentityStatementProblems(at0(several)), []);
        const pattern = irsaStatement({ StringEquals: { [aud]: "sts.amazonaws.com" }, StringLike: { [sub]: ["system:serviceaccount:crossplane:provider-aws-*", "system:serviceaccount:tools:*"] } });
        assert.deepEqual(webIdentityStatementProblems(at0(pattern)), []);
    });

    it("refuses a statement without conditions: any ServiceAccount and any audience", () => {
        assert.deepEqual(webIdentityStatementProblems(at0({ ...irsaStatement(), Condition: undefined })), [
            `no StringEquals (or namespace-confined StringLike) condition on ${sub}: every ServiceAccount of every namespace of the cluster can assume the role; bound it to system:serviceaccount:<namespace>:<name>`,
            `no StringEquals condition on ${aud}: tokens issued for any audience are accepted; require sts.amazonaws.com`,
        ]);
    });

    it("refuses StringLike on aud, a wildcard or missing namespace, and IfExists", () => {
        const problems = (conditions: Record<string, Record<string, string | string[]>>): string[] => webIdentityStatementProblems(at0(irsaStatement(conditions)));
        assert.deepEqual(problems({ StringEquals: { [sub]: "system:serviceaccount:a:x" }, StringLike: { [aud]: "sts.*" } }), [
            `StringLike on ${aud} (["sts.*"]): the audience must be matched exactly, with StringEquals`,
            `no StringEquals condition on ${aud}: tokens issued for any audience are accepted; require sts.amazonaws.com`,
        ]);
        for (const value of ["system:serviceaccount:*:api", "system:serviceaccount:team-*:api", "system:serviceaccount:a?:x", "system:serviceaccount:*", "*"]) {
            assert.deepEqual(problems({ StringEquals: { [aud]: "sts.amazonaws.com" }, StringLike: { [sub]: value } }), [
                `StringLike on ${sub} admits ${JSON.stringify(value)}, which is not confined to one namespace: write system:serviceaccount:<namespace>:<name pattern>, with no wildcard in the namespace`,
            ]);
        }
        assert.deepEqual(problems({ StringEqualsIfExists: { [sub]: "system:serviceaccount:a:x" }, StringEquals: { [aud]: "sts.amazonaws.com" } }), [
            `StringEqualsIfExists on ${sub} also passes for a token without that claim, so it bounds nothing; use StringEquals`,
            `no StringEquals (or namespace-confined StringLike) condition on ${sub}: every ServiceAccount of every namespace of the cluster can assume the role; bound it to system:serviceaccount:<namespace>:<name>`,
        ]);
    });

    it("refuses conditions on another issuer's keys, which bound nothing for this provider", () => {
        const foreign = irsaStatement({ StringEquals: { [`${otherIssuer}:sub`]: "system:serviceaccount:a:x", [`${otherIssuer}:aud`]: "sts.amazonaws.com" } });
        const problems = webIdentityStatementProblems(at0(foreign));
        assert.equal(problems.length, 4);
        assert.match(problems[0], new RegExp(`^no StringEquals .* on ${issuer}:sub`));
        assert.equal(problems[2], `the condition key ${otherIssuer}:sub belongs to another issuer than the statement's principal (${issuer}): it constrains nothing about this provider's tokens; use the principal's own issuer in the key`);
        assert.match(problems[3], new RegExp(`^the condition key ${otherIssuer}:aud belongs to another issuer`));
    });

    it("leaves Deny statements, other principals and other actions alone", () => {
        assert.deepEqual(webIdentityStatementProblems(at0({ ...irsaStatement(), Effect: "Deny", Condition: undefined })), []);
        assert.deepEqual(webIdentityStatementProblems(at0({ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" })), []);
        assert.deepEqual(webIdentityStatementProblems(at0({ ...irsaStatement(), Action: "sts:TagSession", Condition: undefined })), []);
    });

    it("Pod Identity: needs aws:SourceAccount and the clusters in aws:RequestTag/eks-cluster-arn (aws:SourceArn does not count); advises the ServiceAccount session tags", () => {
        assert.deepEqual(podIdentitySourceProblems(at0(podIdentityStatement())), []);
        assert.deepEqual(podIdentityClusterProblems(at0(podIdentityStatement())), []);
        assert.deepEqual(podIdentitySessionTagProblems(at0(podIdentityStatement())), []);
        const bare = podIdentityStatement({});
        assert.deepEqual(podIdentitySourceProblems(at0(bare)), [
            "no StringEquals condition on aws:SourceAccount: EKS Pod Identity may assume the role for a cluster of any account; name this account",
        ]);
        assert.deepEqual(podIdentityClusterProblems(at0(bare)), [
            "no StringEquals condition on aws:RequestTag/eks-cluster-arn naming EKS cluster ARNs: EKS Pod Identity may assume the role for any cluster of the account; name the clusters' ARNs (a role whose associations disable session tags cannot, and relies on iam:PassRole alone)",
        ]);
        // The previous shape, the cluster in aws:SourceArn: AWS documents no such value, so it names no cluster.
        const bySourceArn = podIdentityStatement({
            StringEquals: { "aws:SourceAccount": account, "aws:RequestTag/kubernetes-namespace": "apps", "aws:RequestTag/kubernetes-service-account": "api" },
            ArnEquals: { "aws:SourceArn": clusterArn },
        });
        assert.deepEqual(podIdentitySourceProblems(at0(bySourceArn)), []);
        assert.match(podIdentityClusterProblems(at0(bySourceArn))[0], /aws:SourceArn does not count: AWS documents no value of it for pods\.eks\.amazonaws\.com/);
        const sourceOnly = podIdentityStatement({ StringEquals: { "aws:SourceAccount": account }, StringLike: { "aws:RequestTag/eks-cluster-arn": "*" } });
        assert.equal(podIdentityClusterProblems(at0(sourceOnly)).length, 1, "a lone * is no bound");
        assert.equal(podIdentityClusterProblems(at0(podIdentityStatement({ StringEquals: { "aws:SourceAccount": account, "aws:RequestTag/eks-cluster-arn": `arn:aws:eks:us-west-2:${account}:nodegroup/demo/ng/1` } }))).length, 1, "not a cluster");
        assert.deepEqual(podIdentitySessionTagProblems(at0(sourceOnly)), [
            "no StringEquals condition on aws:RequestTag/kubernetes-namespace: any ServiceAccount associated with the role gets it; name the namespace and ServiceAccount the role is for",
            "no StringEquals condition on aws:RequestTag/kubernetes-service-account: any ServiceAccount associated with the role gets it; name the namespace and ServiceAccount the role is for",
        ]);
        const otherAccountsCluster = podIdentityStatement({ StringEquals: { "aws:SourceAccount": account, "aws:RequestTag/eks-cluster-arn": "arn:aws:eks:us-west-2:999999999999:cluster/demo" } });
        assert.match(podIdentityClusterProblems(at0(otherAccountsCluster))[0], /names clusters of 999999999999, an account aws:SourceAccount does not name/);
    });

    it("refuses '*' principals in every form, and NotPrincipal", () => {
        assert.equal(wildcardPrincipalProblems(at0({ Effect: "Allow", Principal: "*", Action: "sts:AssumeRole" })).length, 1);
        assert.deepEqual(wildcardPrincipalProblems(at0({ Effect: "Allow", Principal: { AWS: ["arn:aws:iam::123456789012:root", "*"] }, Action: "sts:AssumeRole" })), [
            'Principal {"AWS": "*"} lets any principal of that kind, in any AWS account, assume the role; name the principals',
        ]);
        assert.equal(wildcardPrincipalProblems(at0({ Effect: "Allow", NotPrincipal: { AWS: "arn:aws:iam::123456789012:root" }, Action: "sts:AssumeRole" })).length, 1);
        assert.deepEqual(wildcardPrincipalProblems(at0({ Effect: "Deny", Principal: "*", Action: "sts:AssumeRole" })), []);
    });

    it("tells workload roles (IRSA, Pod Identity) from others", () => {
        assert.ok(isWorkloadTrustPolicy(JSON.stringify(document(irsaStatement()))));
        assert.ok(isWorkloadTrustPolicy(document(podIdentityStatement())));
        assert.ok(!isWorkloadTrustPolicy(document({ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" })));
    });
});

describe("policy pack: permissions, nodes, ServiceAccounts, clusters", () => {
    it("finds every action ('*', '**', NotAction) apart from whole services ('s3:*', 'iam:**'), in Allow statements only", () => {
        assert.equal(wildcardActionProblems(at0({ Effect: "Allow", Action: ["s3:GetObject", "*"], Resource: "*" })).length, 1);
        assert.equal(wildcardActionProblems(at0({ Effect: "Allow", Action: "*?*", Resource: "*" })).length, 1);
        assert.match(wildcardActionProblems(at0({ Effect: "Allow", NotAction: "iam:*", Resource: "*" }))[0], /the administrator path "most-services"/);
        assert.deepEqual(wildcardActionProblems(at0({ Effect: "Deny", Action: "*", Resource: "*" })), []);
        assert.deepEqual(wildcardActionProblems(at0({ Effect: "Allow", Action: "s3:*", Resource: "*" })), []);
        assert.deepEqual(serviceWildcardActionProblems(at0({ Effect: "Allow", Action: ["s3:*", "s3:Get*"], Resource: "*" })).length, 1);
        assert.match(serviceWildcardActionProblems(at0({ Effect: "Allow", Action: "iam:**", Resource: "*" }))[0], /all or most actions of "iam" \("iam:\*\*"\): the broad path "service-wide"/);
        assert.deepEqual(serviceWildcardActionProblems(at0({ Effect: "Allow", Action: ["s3:Get*", "s3:List*"], Resource: "*" })), [], "reads are not most of S3");
    });

    it("names AWS-managed policies in any partition and path", () => {
        assert.equal(awsManagedPolicyName("arn:aws-us-gov:iam::aws:policy/AdministratorAccess"), "AdministratorAccess");
        assert.equal(awsManagedPolicyName("arn:aws:iam::aws:policy/job-function/ViewOnlyAccess"), "ViewOnlyAccess");
        assert.equal(awsManagedPolicyName(`arn:aws:iam::${account}:policy/AdministratorAccess`), undefined, "a customer policy of that name is not AWS's");
    });

    it("IMDS: tokens required, hop limit 1 where pods run; IMDS off is fine", () => {
        assert.deepEqual(imdsProblems({ httpTokens: "required", httpPutResponseHopLimit: 1 }, { hopLimit: true }), []);
        assert.deepEqual(imdsProblems({ httpEndpoint: "disabled" }, { hopLimit: true }), []);
        assert.deepEqual(imdsProblems({ httpTokens: "required", httpPutResponseHopLimit: 2 }, { hopLimit: false }), []);
        assert.deepEqual(imdsProblems({ httpTokens: "optional", httpPutResponseHopLimit: 2 }, { hopLimit: true }), [
            'metadataOptions.httpTokens is "optional", so IMDSv1 is allowed; set it to "required"',
            "metadataOptions.httpPutResponseHopLimit is 2, so pods can reach the node role's credentials; set it to 1",
        ]);
        assert.equal(imdsProblems(undefined, { hopLimit: true }).length, 2);
    });

    it("clusters: open or default endpoint CIDRs, a private-only endpoint, the audit log", () => {
        assert.deepEqual(endpointProblems({ endpointPublicAccess: false }), []);
        assert.deepEqual(endpointProblems({ publicAccessCidrs: ["203.0.113.0/24"] }), []);
        assert.match(endpointProblems({ publicAccessCidrs: ["203.0.113.0/24", "::/0"] })[0], /open to ::\/0/);
        assert.match(endpointProblems({})[0], /publicAccessCidrs is not set, so EKS opens it to 0\.0\.0\.0\/0/);
        assert.deepEqual(auditLoggingProblems(["api", "audit"]), []);
        assert.match(auditLoggingProblems(["api"])[0], /\["api"\] lacks "audit"/);
        assert.ok(isNonProductionStack("dev", ["dev", "*-sandbox"]) && isNonProductionStack("alice-SANDBOX", ["dev", "*-sandbox"]));
        assert.ok(!isNonProductionStack("prod", ["dev", "*-sandbox"]) && !isNonProductionStack("devops", ["dev"]));
    });

    it("ServiceAccounts: no token, and a role ARN of the stack's account", () => {
        assert.deepEqual(tokenAutomountProblems(false), []);
        assert.match(tokenAutomountProblems(undefined)[0], /not set \(Kubernetes mounts the token\)/);
        assert.deepEqual(annotatedRoleProblems(`arn:aws:iam::${account}:role/api`, [account]), []);
        assert.deepEqual(annotatedRoleProblems(`arn:aws:iam::${otherAccount}:role/api`, []), [], "no account known: nothing to compare with");
        assert.match(annotatedRoleProblems(`arn:aws:iam::${otherAccount}:role/api`, [account])[0], new RegExp(`role of account ${otherAccount}, not the stack's \\(${account}\\)`));
        assert.match(annotatedRoleProblems("my-role", [account])[0], /is not an IAM role ARN/);
    });
});

/** A stack of hand-written resources that break every rule once. */
function badStack(stack: string): ReturnType<typeof resource>[] {
    const workloadTrust = document(irsaStatement());
    return [
        role(stack, "open-irsa", document({ ...irsaStatement(), Condition: undefined })),
        role(stack, "loose-irsa", document(irsaStatement({ StringEquals: { [`${issuer}:aud`]: "sts.amazonaws.com" }, StringLike: { [`${issuer}:sub`]: "system:serviceaccount:*:api" } }))),
        role(stack, "deputy", document(podIdentityStatement({}))),
        role(stack, "anyone", document({ Effect: "Allow", Principal: { AWS: "*" }, Action: "sts:AssumeRole" })),
        role(stack, "garbled", "{not json"),
        role(stack, "shared", document(irsaStatement(), { Effect: "Allow", Principal: { AWS: `arn:aws:iam::${otherAccount}:root` }, Action: "sts:AssumeRole" })),
        role(stack, "shared-ci", document(irsaStatement(), { Effect: "Allow", Principal: { AWS: `arn:aws:iam::${account}:role/ci` }, Action: "sts:AssumeRole" })),
        role(stack, "workload", workloadTrust, { inlinePolicies: [{ name: "everything", policy: JSON.stringify(document({ Effect: "Allow", NotAction: "iam:*", Resource: "*" })) }] }),
        role(stack, "legacy", workloadTrust, { managedPolicyArns: ["arn:aws:iam::aws:policy/PowerUserAccess"] }),
        resource(stack, "aws:iam/rolePolicy:RolePolicy", "star", { role: "workload", policy: JSON.stringify(document({ Effect: "Allow", Action: "*", Resource: "*" })) }),
        resource(stack, "aws:iam/rolePolicy:RolePolicy", "all-of-s3", { role: "workload", policy: document({ Effect: "Allow", Action: "s3:*", Resource: "*" }) }),
        resource(stack, "aws:iam/rolePolicyAttachment:RolePolicyAttachment", "admin", { role: "workload", policyArn: "arn:aws:iam::aws:policy/AdministratorAccess" }),
        resource(stack, "aws:eks/accessEntry:AccessEntry", "masters", { clusterName: "apps", principalArn: `arn:aws:iam::${account}:role/workload`, kubernetesGroups: ["system:masters"] }),
        role(stack, "storage", workloadTrust),
        resource(stack, "aws:iam/rolePolicyAttachment:RolePolicyAttachment", "s3-full", { role: "storage", policyArn: "arn:aws:iam::aws:policy/AmazonS3FullAccess" }),
        resource(stack, "aws:ec2/launchTemplate:LaunchTemplate", "v1-template", { metadataOptions: { httpTokens: "optional", httpPutResponseHopLimit: 1 } }),
        resource(stack, "aws:ec2/launchTemplate:LaunchTemplate", "hop-template", { metadataOptions: { httpTokens: "required", httpPutResponseHopLimit: 2 } }),
        resource(stack, "aws:eks/nodeGroup:NodeGroup", "hopping", { launchTemplate: { id: "lt-hop", version: "1" } }, { launchTemplate: [`urn:pulumi:${stack}::guarded::aws:ec2/launchTemplate:LaunchTemplate::hop-template`] }),
        resource(stack, "aws:eks/nodeGroup:NodeGroup", "defaults", { clusterName: "apps" }),
        resource(stack, "kubernetes:core/v1:ServiceAccount", "tokened", { metadata: { name: "api", namespace: "apps", annotations: { "eks.amazonaws.com/role-arn": `arn:aws:iam::${account}:role/workload` } } }),
        resource(stack, "kubernetes:core/v1:ServiceAccount", "elsewhere", {
            metadata: { name: "api", namespace: "apps", annotations: { "eks.amazonaws.com/role-arn": `arn:aws:iam::${otherAccount}:role/api` } },
            automountServiceAccountToken: false,
        }),
        resource(stack, "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding", "editors", {
            metadata: { name: "editors", namespace: "apps" },
            roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "edit" },
            subjects: [{ kind: "Group", name: "system:serviceaccounts:apps" }],
        }),
        resource(stack, "aws:eks/cluster:Cluster", "open", { vpcConfig: { endpointPublicAccess: true, publicAccessCidrs: ["0.0.0.0/0"], subnetIds: ["subnet-1"] }, enabledClusterLogTypes: ["api"] }),
    ];
}

describe("policy pack: a stack of bad resources", () => {
    let findings: Finding[];
    before(async () => {
        findings = await evaluatePolicies(policies, badStack("prod"));
    });

    it("IRSA: no conditions, and a wildcard namespace, on the roles that have them", () => {
        assert.deepEqual(findingsOf(findings, "irsa-trust-bounded-subject"), [
            `mandatory: aws:iam/role:Role "open-irsa": trust policy Statement[0] ${JSON.stringify({ ...irsaStatement(), Condition: undefined })}: no StringEquals (or namespace-confined StringLike) condition on ${issuer}:sub: every ServiceAccount of every namespace of the cluster can assume the role; bound it to system:serviceaccount:<namespace>:<name>`,
            `mandatory: aws:iam/role:Role "open-irsa": trust policy Statement[0] ${JSON.stringify({ ...irsaStatement(), Condition: undefined })}: no StringEquals condition on ${issuer}:aud: tokens issued for any audience are accepted; require sts.amazonaws.com`,
            `mandatory: aws:iam/role:Role "loose-irsa": trust policy Statement[0] ${JSON.stringify(irsaStatement({ StringEquals: { [`${issuer}:aud`]: "sts.amazonaws.com" }, StringLike: { [`${issuer}:sub`]: "system:serviceaccount:*:api" } }))}: StringLike on ${issuer}:sub admits "system:serviceaccount:*:api", which is not confined to one namespace: write system:serviceaccount:<namespace>:<name pattern>, with no wildcard in the namespace`,
        ]);
        const finding = findings.find((candidate) => candidate.policyName === "irsa-trust-bounded-subject")!;
        assert.equal(finding.urn, "urn:pulumi:prod::guarded::aws:iam/role:Role::open-irsa");
        assert.match(finding.message, /^A role trusting an EKS cluster's IAM OIDC provider must name the ServiceAccounts/, "the description comes first, as the CLI shows it");
    });

    it("Pod Identity: the confused deputy (mandatory) and the session tags (advisory)", () => {
        assert.deepEqual(
            findingsOf(findings, "pod-identity-trust-source").map((line) => line.replace(/Statement\[0\] \{.*\}: /, "Statement[0] …: ")),
            [
                'mandatory: aws:iam/role:Role "deputy": trust policy Statement[0] …: no StringEquals condition on aws:SourceAccount: EKS Pod Identity may assume the role for a cluster of any account; name this account',
            ],
        );
        assert.deepEqual(
            findingsOf(findings, "pod-identity-trust-cluster").map((line) => line.replace(/Statement\[0\] \{.*\}: /, "Statement[0] …: ")),
            [
                'mandatory: aws:iam/role:Role "deputy": trust policy Statement[0] …: no StringEquals condition on aws:RequestTag/eks-cluster-arn naming EKS cluster ARNs: EKS Pod Identity may assume the role for any cluster of the account; name the clusters\' ARNs (a role whose associations disable session tags cannot, and relies on iam:PassRole alone)',
            ],
        );
        assert.deepEqual(
            findingsOf(findings, "pod-identity-trust-session-tags").map((line) => line.slice(0, line.indexOf(":", "advisory: ".length + 20))),
            ['advisory: aws:iam/role:Role "deputy"', 'advisory: aws:iam/role:Role "deputy"'],
        );
    });

    it("'*' principal, and a trust policy that cannot be read", () => {
        const [anyone, garbled, ...others] = findingsOf(findings, "trust-no-wildcard-principal");
        assert.equal(
            anyone,
            `mandatory: aws:iam/role:Role "anyone": trust policy Statement[0] {"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole"}: Principal {"AWS": "*"} lets any principal of that kind, in any AWS account, assume the role; name the principals`,
        );
        assert.match(garbled, /^mandatory: aws:iam\/role:Role "garbled": its trust policy is not valid JSON \(.+\), so no rule can tell who may assume the role$/);
        assert.deepEqual(others, []);
    });

    it("a workload role that also admits AWS principals: another account's (mandatory), its own account's (advisory)", () => {
        assert.deepEqual(findingsOf(findings, "workload-trust-foreign-principal").map((line) => line.replace(/Statement\[1\] \{.*\}: /, "Statement[1] …: ")), [
            `mandatory: aws:iam/role:Role "shared": trust policy Statement[1] …: a workload role (it trusts IRSA or EKS Pod Identity) that also admits "arn:aws:iam::${otherAccount}:root", of account ${otherAccount}, which is not the account of the role's OIDC provider or aws:SourceAccount: principals the stack does not control (any that account lets call sts:AssumeRole) get the pods' permissions, whatever the conditions say; give them a role of their own`,
        ]);
        assert.deepEqual(findingsOf(findings, "workload-trust-aws-principal").map((line) => line.replace(/Statement\[1\] \{.*\}: /, "Statement[1] …: ")), [
            `advisory: aws:iam/role:Role "shared-ci": trust policy Statement[1] …: a workload role (it trusts IRSA or EKS Pod Identity) that also admits "arn:aws:iam::${account}:role/ci", of the role's own account ${account}: whoever holds it (or, for the account, any principal an identity policy lets call sts:AssumeRole on the role) gets the pods' permissions; give it a role of its own`,
        ]);
    });

    it("inline policies: '*' and NotAction (mandatory), whole services (advisory)", () => {
        const wildcard = findingsOf(findings, "iam-inline-policy-no-wildcard-action");
        assert.equal(wildcard.length, 2);
        assert.match(wildcard[0], /^mandatory: aws:iam\/role:Role "workload" inlinePolicies\[0\] \(everything\) Statement\[0\] \{"Effect":"Allow","NotAction":"iam:\*","Resource":"\*"\}: grants every action of \d+ of \d+ services .*the administrator path "most-services"/);
        assert.match(wildcard[1], /^mandatory: aws:iam\/rolePolicy:RolePolicy "star" Statement\[0\] \{"Effect":"Allow","Action":"\*","Resource":"\*"\}: grants every action \(\*\): the administrator path "every-action"/);
        const service = findingsOf(findings, "iam-inline-policy-no-service-wildcard-action");
        assert.deepEqual(service.map((line) => /^advisory: (\S+ "[^"]+")/.exec(line)?.[1]), ['aws:iam/rolePolicy:RolePolicy "all-of-s3"']);
        assert.match(service[0], /all or most actions of "s3" \("s3:\*"\): the broad path "service-wide"/);
    });

    it("administrator and broad policies on workload roles, by attachment or managedPolicyArns, judged by their documents", () => {
        // Reported at each resource that opens a path or adds a grant to one, in the order the engine analyzes them.
        const administrator = findings.filter((finding) => finding.policyName === "workload-role-no-administrator-policy").map((finding) => ({ urn: finding.urn, line: findingsOf([finding], finding.policyName)[0] }));
        const on = (name: string): string[] => administrator.filter(({ urn }) => urn?.endsWith(`::${name}`)).map(({ line }) => line);
        assert.equal(administrator.length, 4);
        assert.match(on("workload").join("\n"), /^mandatory: aws:iam\/role:Role "workload" is a workload role \(pods assume it through IRSA or EKS Pod Identity\) and the administrator path "most-services" .*inlinePolicies\[0\] \(everything\) Statement\[0\]/);
        assert.match(on("star").join("\n"), /^mandatory: aws:iam\/role:Role "workload" is a workload role .*the administrator path "every-action" .*RolePolicy "star" Statement\[0\] grants every action \(\*\)/);
        assert.match(on("admin").join("\n"), /^mandatory: aws:iam\/role:Role "workload" .*the administrator path "every-action" .*RolePolicy "star" Statement\[0\] grants every action \(\*\); .*RolePolicyAttachment "admin" policyArn attaches arn:aws:iam::aws:policy\/AdministratorAccess/);
        assert.match(on("legacy").join("\n"), /^mandatory: aws:iam\/role:Role "legacy" .* the administrator path "most-services" .*managedPolicyArns attaches arn:aws:iam::aws:policy\/PowerUserAccess/);
        assert.deepEqual(on("all-of-s3"), [], "s3:* on a role that is already administrator adds no administrator path");
        assert.equal(findings.find((finding) => finding.policyName === "workload-role-no-administrator-policy" && finding.message.includes("PowerUserAccess"))?.urn, "urn:pulumi:prod::guarded::aws:iam/role:Role::legacy");
        const broad = findingsOf(findings, "workload-role-no-full-access-policy");
        assert.ok(broad.some((line) => /^advisory: aws:iam\/role:Role "storage" .*the broad path "service-wide".*"s3-full" policyArn attaches arn:aws:iam::aws:policy\/AmazonS3FullAccess/.test(line)), broad.join("\n"));
    });

    it("launch templates (IMDSv1, hop limit) and node groups (hop limit, no template)", () => {
        assert.deepEqual(findingsOf(findings, "launch-template-imdsv2"), [
            'mandatory: aws:ec2/launchTemplate:LaunchTemplate "v1-template": metadataOptions.httpTokens is "optional", so IMDSv1 is allowed; set it to "required"',
            `mandatory: aws:ec2/launchTemplate:LaunchTemplate "hop-template": metadataOptions.httpPutResponseHopLimit is 2, so pods can reach the node role's credentials; set it to 1`,
        ]);
        assert.deepEqual(findingsOf(findings, "eks-node-group-imds"), [
            `mandatory: aws:eks/nodeGroup:NodeGroup "hopping" launches from aws:ec2/launchTemplate:LaunchTemplate "hop-template": metadataOptions.httpPutResponseHopLimit is 2, so pods can reach the node role's credentials; set it to 1`,
            'mandatory: aws:eks/nodeGroup:NodeGroup "defaults" has no launch template, so its nodes get the metadata settings of a template this stack does not control; give it a launch template with metadataOptions httpTokens "required" and httpPutResponseHopLimit 1',
        ]);
    });

    it("ServiceAccounts: an API token, and a role of another account than the stack's", () => {
        assert.deepEqual(findingsOf(findings, "service-account-no-token-automount"), [
            'advisory: kubernetes:core/v1:ServiceAccount "tokened": automountServiceAccountToken is not set (Kubernetes mounts the token): every pod gets a Kubernetes API token it does not need for AWS; set it to false (pods that call the API can still mount one)',
        ]);
        assert.deepEqual(findingsOf(findings, "service-account-role-same-account"), [
            `advisory: kubernetes:core/v1:ServiceAccount "elsewhere": eks.amazonaws.com/role-arn names a role of account ${otherAccount}, not the stack's (${account}): use a role of this account, or add the account to this policy's accountIds if the cross-account binding is intended`,
        ]);
    });

    it("clusters: mandatory in a production stack, advisory in a non-production one", async () => {
        assert.deepEqual(findingsOf(findings, "eks-cluster-endpoint-restricted"), [
            'mandatory: aws:eks/cluster:Cluster "open": the public API endpoint is open to 0.0.0.0/0: anyone can reach the API server and probe it; name the CIDR blocks of your deployers, or turn the public endpoint off',
        ]);
        assert.deepEqual(findingsOf(findings, "eks-cluster-audit-logging"), [
            'mandatory: aws:eks/cluster:Cluster "open": enabledClusterLogTypes ["api"] lacks "audit": no record of who did what through the Kubernetes API; add "audit" (and "authenticator")',
        ]);
        const dev = await evaluatePolicies(policies, badStack("dev"));
        assert.deepEqual(findingsOf(dev, "eks-cluster-endpoint-restricted"), [
            'advisory: aws:eks/cluster:Cluster "open": the public API endpoint is open to 0.0.0.0/0: anyone can reach the API server and probe it; name the CIDR blocks of your deployers, or turn the public endpoint off (advisory: stack "dev" is non-production)',
        ]);
    });

    it("RBAC: a group of the namespace can edit, and so run pods as the bound ServiceAccount", () => {
        const found = findingsOf(findings, "workload-serviceaccount-rbac");
        assert.equal(found.length, 1, found.join("\n"));
        assert.match(found[0], /^mandatory: kubernetes:rbac\.authorization\.k8s\.io\/v1:RoleBinding "editors" binds the built-in ClusterRole "edit" to the Group "system:serviceaccounts:apps" in the namespace apps: the built-in ClusterRole "edit" lets it create pods and workloads, .*so it can become any ServiceAccount \(aws:iam\/role:Role "open-irsa" .*; the ServiceAccount \*\/api \(aws:iam\/role:Role "loose-irsa" .*; the ServiceAccount apps\/api \(aws:iam\/role:Role "shared"/);
    });

    it("every policy of the pack fires on this stack", () => {
        assert.deepEqual(
            policies.map((policy) => policy.name).filter((name) => !findings.some((finding) => finding.policyName === name)),
            [],
        );
    });
});

describe("policy pack: configuration", () => {
    it("changes a policy's level, disables it, and passes its settings", async () => {
        const findings = await evaluatePolicies(policies, badStack("staging"), {
            config: {
                "pod-identity-trust-session-tags": "mandatory",
                "trust-no-wildcard-principal": { enforcementLevel: "disabled" },
                "eks-cluster-endpoint-restricted": { nonProductionStacks: ["staging"] },
                "service-account-role-same-account": { accountIds: [account, otherAccount] },
                "workload-role-no-administrator-policy": { policyNames: ["AmazonS3FullAccess"] },
            },
        });
        assert.ok(findingsOf(findings, "pod-identity-trust-session-tags").every((line) => line.startsWith("mandatory: ")));
        assert.deepEqual(findingsOf(findings, "trust-no-wildcard-principal"), []);
        assert.match(findingsOf(findings, "eks-cluster-endpoint-restricted")[0], /^advisory: .*\(advisory: stack "staging" is non-production\)$/);
        assert.match(findingsOf(findings, "eks-cluster-audit-logging")[0], /^mandatory: /, "staging is production for a policy not told otherwise");
        assert.deepEqual(findingsOf(findings, "service-account-role-same-account"), []);
        assert.ok(
            findingsOf(findings, "workload-role-no-administrator-policy").some((line) => /"s3-full" policyArn attaches arn:aws:iam::aws:policy\/AmazonS3FullAccess, which this policy's policyNames refuse by name/.test(line)),
            "a name the config refuses, though its document opens no mandatory path",
        );
    });

    it("policy/README.md documents every policy of the pack in its table, at its level", () => {
        const readme = fs.readFileSync(path.join(__dirname, "..", "policy", "README.md"), "utf8");
        for (const policy of policies) {
            const row = readme.split("\n").find((line) => line.startsWith(`| \`${policy.name}\` |`));
            assert.ok(row !== undefined, `${policy.name} has no row`);
            assert.match(row, new RegExp(`^\\| \`${policy.name}\` \\| ${policy.enforcementLevel}`), policy.name);
        }
    });

    it("takes the example config of policy/README.md as it is", async () => {
        const config = JSON.parse(fs.readFileSync(path.join(__dirname, "..", "policy", "config.example.json"), "utf8")) as PolicyPackConfig;
        assert.deepEqual(Object.keys(config).filter((name) => !policies.some((policy) => policy.name === name)), [], "every key names a policy");
        const findings = await evaluatePolicies(policies, badStack("alice-sandbox"), { config });
        assert.ok(findingsOf(findings, "pod-identity-trust-session-tags").every((line) => line.startsWith("mandatory: ")));
        assert.ok(findingsOf(findings, "eks-cluster-endpoint-restricted").every((line) => line.startsWith("advisory: ")));
        assert.deepEqual(findingsOf(findings, "service-account-role-same-account").length, 1, "the other account is not among accountIds");
    });

    it("the offline evaluator runs @pulumi/policy's typed helpers as the server does", async () => {
        const seen: string[] = [];
        const typed = {
            name: "typed",
            description: "Roles only.",
            enforcementLevel: "advisory" as const,
            validateResource: validateResourceOfType(aws.iam.Role, (role, args) => {
                seen.push(`${args.name}:${typeof role.assumeRolePolicy}`);
            }),
        };
        const findings = await evaluatePolicies([typed], badStack("prod"));
        assert.deepEqual(findings, []);
        assert.deepEqual(seen.slice(0, 2), ["open-irsa:string", "loose-irsa:string"]);
        assert.ok(!seen.some((entry) => entry.startsWith("star:")), "a RolePolicy is not a Role");
    });
});
