/**
 * Resources written by hand for the policy pack's tests: well-formed IRSA and Pod Identity roles,
 * and resources that break each rule.
 */
import type { PolicyDocument } from "../components/index";
import { evaluatePolicies, Finding, PlainResource, urnOf } from "../policy/evaluate";
import { policies } from "../policy/pack";

export const account = "123456789012";
export const otherAccount = "210987654321";
export const issuer = "oidc.eks.us-west-2.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE";
export const otherIssuer = "oidc.eks.eu-west-1.amazonaws.com/id/0THER0000000000000000000000000000";
export const providerArn = `arn:aws:iam::${account}:oidc-provider/${issuer}`;
export const clusterArn = `arn:aws:eks:us-west-2:${account}:cluster/apps`;

/** The ARN of a role of the test account. */
export const roleArnOf = (name: string): string => `arn:aws:iam::${account}:role/${name}`;
export const administratorAccess = "arn:aws:iam::aws:policy/AdministratorAccess";

/** A resource of a stack of project `guarded`, its props as given. */
export function resource(stack: string, type: string, name: string, props: Record<string, unknown>, propertyDependencies?: Record<string, string[]>): PlainResource {
    return { type, name, urn: urnOf(stack, "guarded", type, name), props, propertyDependencies };
}

/** An IAM role with this trust policy (an object, serialised as a program would). */
export function role(stack: string, name: string, trust: unknown, extra: Record<string, unknown> = {}): PlainResource {
    return resource(stack, "aws:iam/role:Role", name, { name, assumeRolePolicy: typeof trust === "string" ? trust : JSON.stringify(trust), ...extra });
}

/** A trust policy of these statements. */
export function document(...statements: unknown[]): { Version: string; Statement: unknown[] } {
    return { Version: "2012-10-17", Statement: statements };
}

/** An IRSA statement for one ServiceAccount, as the component writes it. */
export function irsaStatement(conditions: Record<string, Record<string, string | string[]>> = {
    StringEquals: { [`${issuer}:sub`]: "system:serviceaccount:apps:api", [`${issuer}:aud`]: "sts.amazonaws.com" },
}): Record<string, unknown> {
    return { Effect: "Allow", Principal: { Federated: providerArn }, Action: "sts:AssumeRoleWithWebIdentity", Condition: conditions };
}

/** A Pod Identity statement with source and session-tag conditions, as the component writes it. */
export function podIdentityStatement(conditions: Record<string, Record<string, string | string[]>> = {
    StringEquals: {
        "aws:SourceAccount": account,
        "aws:RequestTag/eks-cluster-arn": clusterArn,
        "aws:RequestTag/kubernetes-namespace": "apps",
        "aws:RequestTag/kubernetes-service-account": "api",
    },
}): Record<string, unknown> {
    return { Effect: "Allow", Principal: { Service: "pods.eks.amazonaws.com" }, Action: ["sts:AssumeRole", "sts:TagSession"], Condition: conditions };
}

/** The findings of one policy, as `level: detail` (the message without the description line). */
export function findingsOf(findings: Finding[], policyName: string): string[] {
    return findings
        .filter((finding) => finding.policyName === policyName)
        .map((finding) => `${finding.enforcementLevel}: ${finding.message.split("\n").slice(1).join("\n")}`);
}

/** A policy reading one bucket's prefix: a narrow role's grants. */
export const readOneBucket = document({ Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::reports/*" }) as PolicyDocument;

/** A trust policy admitting an AWS service (`lambda.amazonaws.com`, ...). */
export function serviceTrust(service: string): PolicyDocument {
    return document({ Effect: "Allow", Principal: { Service: service }, Action: "sts:AssumeRole" }) as PolicyDocument;
}

/** A policy allowing one action on one resource (or pattern). */
export function allow(action: string, target: string): PolicyDocument {
    return document({ Effect: "Allow", Action: action, Resource: target }) as PolicyDocument;
}

/** The workload role `api` of stack `prod` (IRSA) holding one inline policy. */
export function workloadWithPolicy(policy: PolicyDocument): PlainResource {
    return role("prod", "api", document(irsaStatement()), { arn: roleArnOf("api"), inlinePolicies: [{ name: "p0", policy: JSON.stringify(policy) }] });
}

/** The role `runner` of stack `prod` that a service's compute runs as: AdministratorAccess, or (not wide) a read of one bucket. */
export function computeRole(service: string, wide = true): PlainResource {
    return role("prod", "runner", serviceTrust(service), {
        arn: roleArnOf("runner"),
        ...(wide ? { managedPolicyArns: [administratorAccess] } : { inlinePolicies: [{ name: "read", policy: JSON.stringify(readOneBucket) }] }),
    });
}

/** The pack's `workload-role-no-administrator-policy` findings on some resources. */
export async function administratorFindings(...resources: PlainResource[]): Promise<string[]> {
    return findingsOf(await evaluatePolicies(policies, resources), "workload-role-no-administrator-policy");
}
