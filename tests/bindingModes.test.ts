import * as assert from "node:assert/strict";

import * as pulumi from "@pulumi/pulumi";

import { mockAccountId, mockRegion, refusals, registered, registeredResource, registrationOf, settled, uniqueName, valueOf } from "./mocks";
import { allowedByIdentityPolicy, allowedByTrustPolicy } from "./iamEvaluator";
import { registeredInlinePolicy } from "./inlinePolicies";
import {
    eksClusterArn,
    identityHash,
    IrsaBinding,
    IrsaBindingArgs,
    PodIdentityBinding,
    PodIdentityBindingArgs,
    PolicyDocument,
} from "../components/index";

const issuer = "oidc.eks.us-west-2.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF";
const providerArn = `arn:aws:iam::${mockAccountId}:oidc-provider/${issuer}`;
const bucketArn = "arn:aws:s3:::reports-bucket";
const queueArn = `arn:aws:sqs:${mockRegion}:${mockAccountId}:orders`;
const targetRoleArn = "arn:aws:iam::999988887777:role/reports-in-data-account";

function irsaArgs(overrides: Partial<IrsaBindingArgs> = {}): IrsaBindingArgs {
    return { oidcProviderArn: providerArn, namespace: "apps", serviceAccountName: "reports-reader", s3Read: { bucketArns: [bucketArn] }, ...overrides };
}

function podIdentityArgs(overrides: Partial<PodIdentityBindingArgs> = {}): PodIdentityBindingArgs {
    return { clusterName: "demo", namespace: "apps", serviceAccountName: "reports-reader", s3Read: { bucketArns: [bucketArn] }, ...overrides };
}

/** Everything registered under a binding's name. */
function childrenOf(name: string): { type: string; name: string }[] {
    return registered.filter((resource) => resource.name === name || resource.name.startsWith(`${name}-`)).map(({ type, name: childName }) => ({ type, name: childName }));
}

function kubernetesTypesOf(name: string): string[] {
    return childrenOf(name)
        .map((child) => child.type)
        .filter((type) => type.startsWith("kubernetes:"))
        .sort();
}

function trustOf(name: string): PolicyDocument {
    return JSON.parse(registeredResource("aws:iam/role:Role", name).inputs.assumeRolePolicy as string) as PolicyDocument;
}

describe("serviceAccountMode", () => {
    it("create (the default) creates the ServiceAccount and the reader", async () => {
        const name = uniqueName("mode-create");
        const binding = new IrsaBinding(name, irsaArgs());
        await registrationOf(binding.role, binding.serviceAccount!, binding.deployment!);
        assert.deepEqual(kubernetesTypesOf(name), ["kubernetes:apps/v1:Deployment", "kubernetes:core/v1:ServiceAccount"]);
        assert.equal(binding.serviceAccountPatch, undefined);
    });

    it("annotate patches only the role annotation onto the existing ServiceAccount, and the reader uses it", async () => {
        const name = uniqueName("mode-annotate");
        const binding = new IrsaBinding(name, irsaArgs({ serviceAccountMode: "annotate" }));
        await registrationOf(binding.role, binding.serviceAccountPatch!, binding.deployment!);
        assert.equal(binding.serviceAccount, undefined);
        assert.deepEqual(kubernetesTypesOf(name), ["kubernetes:apps/v1:Deployment", "kubernetes:core/v1:ServiceAccountPatch"]);
        const patch = registeredResource("kubernetes:core/v1:ServiceAccountPatch", name).inputs;
        // Only metadata: a server-side patch owns just these fields, and gives them up when deleted.
        assert.deepEqual(patch, {
            apiVersion: "v1",
            kind: "ServiceAccount",
            metadata: {
                name: "reports-reader",
                namespace: "apps",
                annotations: { "eks.amazonaws.com/role-arn": await valueOf(binding.roleArn), "eks.amazonaws.com/sts-regional-endpoints": "true" },
            },
        });
        const pod = (registeredResource("kubernetes:apps/v1:Deployment", `${name}-reader`).inputs as { spec: { template: { spec: { serviceAccountName: string } } } }).spec.template.spec;
        assert.equal(pod.serviceAccountName, "reports-reader");
    });

    it("none registers no Kubernetes object and outputs the annotations to pass on", async () => {
        const name = uniqueName("mode-none");
        const binding = new IrsaBinding(name, irsaArgs({ serviceAccountMode: "none" }));
        await registrationOf(binding.role);
        await settled();
        assert.deepEqual(kubernetesTypesOf(name), []);
        assert.equal(binding.deployment, undefined);
        assert.deepEqual(await valueOf(binding.serviceAccountAnnotations), {
            "eks.amazonaws.com/role-arn": await valueOf(binding.roleArn),
            "eks.amazonaws.com/sts-regional-endpoints": "true",
        });
    });

    it("with Pod Identity, annotate and none touch no ServiceAccount: the association names it", async () => {
        for (const mode of ["annotate", "none"]) {
            const name = uniqueName(`pod-identity-${mode}`);
            const binding = new PodIdentityBinding(name, podIdentityArgs({ serviceAccountMode: mode, reader: { enabled: false } }));
            await registrationOf(binding.role, binding.association!);
            await settled();
            assert.deepEqual(kubernetesTypesOf(name), [], mode);
            assert.deepEqual(await valueOf(binding.serviceAccountAnnotations), {});
        }
    });

    it("runs no reader where the binding reads no S3, and refuses one asked for without a bucket or Kubernetes", async () => {
        const name = uniqueName("no-s3");
        const binding = new IrsaBinding(name, irsaArgs({ s3Read: undefined, policyStatements: [{ actions: ["sqs:ReceiveMessage"], resources: [queueArn] }] }));
        await registrationOf(binding.role, binding.serviceAccount!);
        await settled();
        assert.equal(binding.deployment, undefined);
        assert.deepEqual(kubernetesTypesOf(name), ["kubernetes:core/v1:ServiceAccount"]);
    });

    describe("refusals", () => {
        const irsa = refusals("eks-irsa:index:IrsaBinding");
        const refuse = (args: IrsaBindingArgs, message: RegExp) => irsa.assertRefused((name) => new IrsaBinding(name, args), message);

        it("names the field and the rule", () => {
            refuse(irsaArgs({ serviceAccountMode: "adopt" }), /^serviceAccountMode "adopt" is invalid: expected one of create, annotate, none/);
            refuse(irsaArgs({ serviceAccountMode: "none", reader: { enabled: true } }), /^reader is invalid: serviceAccountMode "none" creates no Kubernetes object/);
            refuse(irsaArgs({ s3Read: undefined, reader: { enabled: true } }), /^reader is invalid: the reader lists the buckets of s3Read/);
            refuse(irsaArgs({ serviceAccountMode: "none", restartDeploymentNames: ["app"] }), /^restartDeploymentNames is invalid: serviceAccountMode "none"/);
            refuse(irsaArgs({ restartDeploymentNames: ["App"] }), /^restartDeploymentNames\[0\] "App" is invalid/);
        });

        it("creates nothing for a refused binding", async () => {
            await irsa.assertNoChildRegistered();
        });
    });
});

describe("more ServiceAccounts on one role", () => {
    it("IRSA: adds each to the trust policy, patterns in their own StringLike statement; creates only the binding's own ServiceAccount", async () => {
        const name = uniqueName("several");
        const binding = new IrsaBinding(
            name,
            irsaArgs({
                additionalServiceAccounts: [
                    { namespace: "apps-eu", serviceAccountName: "reports-reader" },
                    { namespace: "crossplane-system", serviceAccountName: "provider-aws-*" },
                ],
                allowServiceAccountPatterns: true,
            }),
        );
        await registrationOf(binding.role, binding.serviceAccount!);
        const trust = trustOf(name);
        assert.deepEqual(
            trust.Statement.map((statement) => statement.Condition),
            [
                { StringEquals: { [`${issuer}:sub`]: ["system:serviceaccount:apps:reports-reader", "system:serviceaccount:apps-eu:reports-reader"], [`${issuer}:aud`]: "sts.amazonaws.com" } },
                { StringEquals: { [`${issuer}:aud`]: "sts.amazonaws.com" }, StringLike: { [`${issuer}:sub`]: "system:serviceaccount:crossplane-system:provider-aws-*" } },
            ],
        );
        assert.equal(registered.filter((resource) => resource.type === "kubernetes:core/v1:ServiceAccount" && resource.name.startsWith(name)).length, 1);
    });

    it("refuses patterns without the opt-in, wildcard namespaces, and the binding's own ServiceAccount again", async () => {
        const irsa = refusals("eks-irsa:index:IrsaBinding");
        const refuse = (args: IrsaBindingArgs, message: RegExp) => irsa.assertRefused((name) => new IrsaBinding(name, args), message);
        refuse(irsaArgs({ additionalServiceAccounts: [{ namespace: "apps", serviceAccountName: "*" }] }), /^additionalServiceAccounts\[0\]\.serviceAccountName "\*" is invalid: .*allowServiceAccountPatterns/);
        refuse(
            irsaArgs({ additionalServiceAccounts: [{ namespace: "*", serviceAccountName: "reader" }], allowServiceAccountPatterns: true }),
            /^additionalServiceAccounts\[0\]\.namespace "\*" is invalid: a namespace is never a pattern/,
        );
        refuse(
            irsaArgs({ additionalServiceAccounts: [{ namespace: "apps", serviceAccountName: "reports-reader" }] }),
            /^additionalServiceAccounts\[0\] "system:serviceaccount:apps:reports-reader" is invalid: it is the binding's own ServiceAccount/,
        );
        await irsa.assertNoChildRegistered();
    });

    it("Pod Identity: one association per ServiceAccount and cluster, each admitted by the trust policy", async () => {
        const name = uniqueName("fleet");
        const binding = new PodIdentityBinding(
            name,
            podIdentityArgs({ additionalServiceAccounts: [{ namespace: "jobs", serviceAccountName: "exporter" }], additionalClusterNames: ["demo-blue"] }),
        );
        await registrationOf(binding.role, ...binding.associations);
        const associations = registered
            .filter((resource) => resource.type === "aws:eks/podIdentityAssociation:PodIdentityAssociation" && resource.name.startsWith(name))
            .map((resource) => `${resource.inputs.clusterName as string}/${resource.inputs.namespace as string}/${resource.inputs.serviceAccount as string}`)
            .sort();
        assert.deepEqual(associations, ["demo-blue/apps/reports-reader", "demo-blue/jobs/exporter", "demo/apps/reports-reader", "demo/jobs/exporter"]);
        const trust = trustOf(name);
        const clusterArns = ["demo", "demo-blue"].map((cluster) => eksClusterArn("aws", mockRegion, mockAccountId, cluster));
        const ask = (cluster: string, namespace: string, serviceAccount: string) =>
            allowedByTrustPolicy(trust, {
                principal: "pods.eks.amazonaws.com",
                action: "sts:AssumeRole",
                roleArn: `arn:aws:iam::${mockAccountId}:role/x`,
                context: {
                    "aws:SourceAccount": mockAccountId,
                    "aws:RequestTag/eks-cluster-arn": cluster,
                    "aws:RequestTag/kubernetes-namespace": namespace,
                    "aws:RequestTag/kubernetes-service-account": serviceAccount,
                },
            });
        assert.equal(await ask(clusterArns[1], "jobs", "exporter"), true);
        assert.equal(await ask(clusterArns[0], "apps", "reports-reader"), true);
        assert.equal(await ask(eksClusterArn("aws", mockRegion, mockAccountId, "other"), "apps", "reports-reader"), false);
        assert.equal(await ask(clusterArns[0], "jobs", "reports-reader"), false);
    });

    it("Pod Identity refuses patterns: an association names one ServiceAccount", async () => {
        const podIdentity = refusals("eks-irsa:index:PodIdentityBinding");
        podIdentity.assertRefused(
            (name) => new PodIdentityBinding(name, podIdentityArgs({ additionalServiceAccounts: [{ namespace: "apps", serviceAccountName: "x-*" }], allowServiceAccountPatterns: true })),
            /^allowServiceAccountPatterns is invalid: an EKS Pod Identity association names one ServiceAccount exactly/,
        );
        await podIdentity.assertNoChildRegistered();
    });
});

describe("policy statements and broad permissions", () => {
    it("grant the statements through their own inline policy", async () => {
        const name = uniqueName("statements");
        const binding = new IrsaBinding(
            name,
            irsaArgs({
                s3Read: undefined,
                policyStatements: [{ actions: ["sqs:ReceiveMessage", "sqs:DeleteMessage"], resources: [pulumi.output(queueArn)] }],
            }),
        );
        await registrationOf(binding.role, binding.serviceAccount!);
        await settled();
        const policy = registeredInlinePolicy(name, "statements");
        assert.equal(await allowedByIdentityPolicy(policy, { action: "sqs:DeleteMessage", resource: queueArn }), true);
        assert.equal(await allowedByIdentityPolicy(policy, { action: "sqs:SendMessage", resource: queueArn }), false);
    });

    it("refuse '*' and broad managed policies without the opt-in, and take them with it", async () => {
        const irsa = refusals("eks-irsa:index:IrsaBinding");
        irsa.assertRefused(
            (name) => new IrsaBinding(name, irsaArgs({ policyStatements: [{ actions: ["ec2:DescribeInstances"], resources: ["*"] }] })),
            /^policyStatements\[0\]\.resources\[0\] "\*" is invalid: .*allowBroadPermissions/,
        );
        irsa.assertRefused(
            (name) => new IrsaBinding(name, irsaArgs({ policyArns: ["arn:aws:iam::aws:policy/AdministratorAccess"] })),
            /^policyArns\[0\] "arn:aws:iam::aws:policy\/AdministratorAccess" is invalid: .*allowBroadPermissions/,
        );
        irsa.assertRefused(
            (name) => new IrsaBinding(name, irsaArgs({ s3Read: { bucketArns: [bucketArn], keyPrefixes: ["${aws:username}/"] } })),
            /^s3Read\.keyPrefixes\[0\] "\$\{aws:username\}\/" is invalid: a key prefix may not contain '\$\{'/,
        );
        await irsa.assertNoChildRegistered();
        const name = uniqueName("broad");
        const broad = new IrsaBinding(
            name,
            irsaArgs({
                policyStatements: [{ actions: ["ec2:DescribeInstances"], resources: ["*"] }],
                policyArns: ["arn:aws:iam::aws:policy/AmazonS3FullAccess"],
                allowBroadPermissions: true,
            }),
        );
        await registrationOf(broad.role);
        await settled();
        assert.ok(registeredResource("aws:iam/rolePolicyAttachment:RolePolicyAttachment", `${name}-policy-0`));
    });

    it("checks statements whose resources are Outputs once they are known", async () => {
        const binding = new IrsaBinding(uniqueName("late-statement"), irsaArgs({ policyStatements: [{ actions: ["sqs:ReceiveMessage"], resources: [pulumi.output("*")] }] }));
        await assert.rejects(valueOf(binding.namespace), /policyStatements\[0\]\.resources\[0\] "\*" is invalid/);
    });
});

describe("pods pick up identity changes", () => {
    function identityHashOf(name: string): string {
        const template = (registeredResource("kubernetes:apps/v1:Deployment", `${name}-reader`).inputs as { spec: { template: { metadata: { annotations: Record<string, string> } } } }).spec
            .template;
        return template.metadata.annotations["eks-irsa/identity-hash"];
    }

    it("the reader's pod template carries a hash of the role it gets, which changes with the role", async () => {
        const first = uniqueName("hash");
        const second = uniqueName("hash");
        const a = new IrsaBinding(first, irsaArgs({ roleName: "reader-a" }));
        const b = new IrsaBinding(second, irsaArgs({ roleName: "reader-b" }));
        await registrationOf(a.deployment!, b.deployment!);
        assert.equal(identityHashOf(first), identityHash({ mechanism: "irsa", roleArn: await valueOf(a.roleArn), audience: "sts.amazonaws.com" }));
        assert.notEqual(identityHashOf(first), identityHashOf(second));
    });

    it("the Pod Identity reader's hash follows the association", async () => {
        const name = uniqueName("hash-pi");
        const binding = new PodIdentityBinding(name, podIdentityArgs());
        await registrationOf(binding.deployment!);
        assert.equal(
            identityHashOf(name),
            identityHash({ mechanism: "pod-identity", roleArn: await valueOf(binding.roleArn), associationId: await valueOf(binding.association!.associationId), targetRoleArn: "" }),
        );
    });

    it("restartDeploymentNames patches the hash onto workloads others manage", async () => {
        const name = uniqueName("restart");
        const binding = new IrsaBinding(name, irsaArgs({ serviceAccountMode: "annotate", s3Read: undefined, restartDeploymentNames: ["chart-app"] }));
        await registrationOf(binding.role, binding.serviceAccountPatch!);
        await settled();
        const patch = registeredResource("kubernetes:apps/v1:DeploymentPatch", `${name}-restart-chart-app`).inputs as {
            metadata: { name: string; namespace: string };
            spec: { template: { metadata: { annotations: Record<string, string> } } };
        };
        assert.deepEqual(patch.metadata, { name: "chart-app", namespace: "apps" });
        assert.equal(patch.spec.template.metadata.annotations["eks-irsa/identity-hash"], identityHash({ mechanism: "irsa", roleArn: await valueOf(binding.roleArn), audience: "sts.amazonaws.com" }));
    });
});

describe("Pod Identity across accounts and mechanisms", () => {
    it("a target role: the association names it, the role may only assume it, and the target's trust policy is given", async () => {
        const name = uniqueName("cross-account");
        const binding = new PodIdentityBinding(name, podIdentityArgs({ s3Read: undefined, targetRoleArn }));
        await registrationOf(binding.role, binding.association!);
        await settled();
        assert.equal(registeredResource("aws:eks/podIdentityAssociation:PodIdentityAssociation", name).inputs.targetRoleArn, targetRoleArn);
        const policy = registeredInlinePolicy(name, "statements");
        assert.equal(await allowedByIdentityPolicy(policy, { action: "sts:AssumeRole", resource: targetRoleArn }), true);
        assert.equal(await allowedByIdentityPolicy(policy, { action: "sts:TagSession", resource: targetRoleArn }), true);
        assert.equal(await allowedByIdentityPolicy(policy, { action: "sts:AssumeRole", resource: "arn:aws:iam::999988887777:role/admin" }), false);
        const targetTrust = JSON.parse(await valueOf(binding.targetRoleTrustPolicy!)) as PolicyDocument;
        const roleArn = await valueOf(binding.roleArn);
        const ask = (principal: string, externalId: string) =>
            allowedByTrustPolicy(targetTrust, { principal, action: "sts:AssumeRole", roleArn: targetRoleArn, context: { "sts:ExternalId": externalId } });
        assert.equal(await ask(roleArn, `external-id-of-${name}`), true);
        assert.equal(await ask(roleArn, "another-association"), false);
        assert.equal(await ask(`arn:aws:iam::${mockAccountId}:role/other`, `external-id-of-${name}`), false);
    });

    it("a target role refuses permissions on this role, which the pods would never use", async () => {
        const podIdentity = refusals("eks-irsa:index:PodIdentityBinding");
        podIdentity.assertRefused((name) => new PodIdentityBinding(name, podIdentityArgs({ targetRoleArn })), /^targetRoleArn is invalid with s3Read, policyStatements or policyArns/);
        podIdentity.assertRefused(
            (name) => new PodIdentityBinding(name, podIdentityArgs({ s3Read: undefined, targetRoleArn: "arn:aws:iam::999988887777:user/x" })),
            /^targetRoleArn "arn:aws:iam::999988887777:user\/x" is invalid: expected an IAM role ARN/,
        );
        // '?' and '${...}' are valid in a role's path, but in the policy that assumes it they match other roles.
        for (const pattern of ["arn:aws:iam::999988887777:role/???/admin", "arn:aws:iam::999988887777:role/${aws:PrincipalTag/team}/admin"]) {
            podIdentity.assertRefused(
                (name) => new PodIdentityBinding(name, podIdentityArgs({ s3Read: undefined, targetRoleArn: pattern })),
                /^targetRoleArn ".*" is invalid: expected an IAM role ARN .*no wildcards '\*' or '\?', no policy variables/,
            );
        }
        await podIdentity.assertNoChildRegistered();
    });

    it("a switch keeps the other mechanism's trust for the same ServiceAccount while old pods run", async () => {
        const fromIrsa = uniqueName("switch-to-pod-identity");
        const toPodIdentity = new PodIdentityBinding(fromIrsa, podIdentityArgs({ transitionalOidcProviderArn: providerArn }));
        const fromPodIdentity = uniqueName("switch-to-irsa");
        const toIrsa = new IrsaBinding(fromPodIdentity, irsaArgs({ transitionalPodIdentityClusterName: "demo" }));
        await registrationOf(toPodIdentity.role, toIrsa.role);
        const roleArn = `arn:aws:iam::${mockAccountId}:role/x`;
        const webIdentity = (trust: PolicyDocument, sub: string) =>
            allowedByTrustPolicy(trust, {
                principal: providerArn,
                action: "sts:AssumeRoleWithWebIdentity",
                roleArn,
                context: { [`${issuer}:sub`]: sub, [`${issuer}:aud`]: "sts.amazonaws.com" },
            });
        assert.equal(await webIdentity(trustOf(fromIrsa), "system:serviceaccount:apps:reports-reader"), true);
        assert.equal(await webIdentity(trustOf(fromIrsa), "system:serviceaccount:apps:other"), false);
        const podIdentity = (trust: PolicyDocument, serviceAccount: string) =>
            allowedByTrustPolicy(trust, {
                principal: "pods.eks.amazonaws.com",
                action: "sts:AssumeRole",
                roleArn,
                context: {
                    "aws:SourceAccount": mockAccountId,
                    "aws:RequestTag/eks-cluster-arn": eksClusterArn("aws", mockRegion, mockAccountId, "demo"),
                    "aws:RequestTag/kubernetes-namespace": "apps",
                    "aws:RequestTag/kubernetes-service-account": serviceAccount,
                },
            });
        assert.equal(await podIdentity(trustOf(fromPodIdentity), "reports-reader"), true);
        assert.equal(await podIdentity(trustOf(fromPodIdentity), "other"), false);
        // Without the transition, neither role trusts the other mechanism.
        const plain = uniqueName("no-switch");
        const irsaOnly = new IrsaBinding(plain, irsaArgs());
        await registrationOf(irsaOnly.role);
        assert.equal(await podIdentity(trustOf(plain), "reports-reader"), false);
    });
});
