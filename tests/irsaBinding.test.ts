import * as assert from "node:assert/strict";

import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

import { refusals, registered, registeredResource, registrationOf, uniqueName as uniqueNameFor, valueOf } from "./mocks";
import { IrsaBinding, IrsaBindingArgs, PolicyDocument, readerScript } from "../components/index";
import { checkBindingShape } from "../components/bindingArgs";
import { checkPartitions, planPermissions } from "../components/bindingPlan";
import { inlinePolicyNames, registeredInlinePolicy } from "./inlinePolicies";

const issuer = "oidc.eks.us-west-2.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF";
const providerArn = `arn:aws:iam::123456789012:oidc-provider/${issuer}`;
const otherIssuer = "oidc.eks.us-east-1.amazonaws.com/id/FEDCBA9876543210FEDCBA9876543210";
const otherProviderArn = `arn:aws:iam::123456789012:oidc-provider/${otherIssuer}`;
const bucketArn = "arn:aws:s3:::reports-bucket";

/** A name no other test uses, so each test reads only what it registered. */
const uniqueName = (): string => uniqueNameFor("binding");

function baseArgs(overrides: Partial<IrsaBindingArgs> = {}): IrsaBindingArgs {
    return {
        oidcProviderArn: providerArn,
        namespace: "apps",
        serviceAccountName: "reports-reader",
        s3Read: { bucketArns: [bucketArn] },
        ...overrides,
    };
}

interface Deployed {
    binding: IrsaBinding;
    name: string;
    dependencies: Map<string, pulumi.Input<pulumi.Input<pulumi.Resource>[]> | pulumi.Input<pulumi.Resource> | undefined>;
}

/** Creates a binding and waits until all it registers is registered; records each child's dependsOn. */
async function deploy(args: IrsaBindingArgs, opts: pulumi.ComponentResourceOptions = {}): Promise<Deployed> {
    const name = uniqueName();
    const dependencies: Deployed["dependencies"] = new Map();
    const binding = new IrsaBinding(name, args, {
        ...opts,
        transformations: [
            ({ type, name: childName, opts: childOpts }) => {
                dependencies.set(`${type}::${childName}`, childOpts.dependsOn);
                return undefined;
            },
        ],
    });
    const children: pulumi.Resource[] = [binding, binding.role];
    for (const child of [binding.serviceAccount, binding.serviceAccountPatch, binding.deployment]) {
        if (child) {
            children.push(child);
        }
    }
    await registrationOf(...children);
    await valueOf(binding.trustPolicy);
    return { binding, name, dependencies };
}

type Json = Record<string, unknown>;

/** `type::name` of a URN (`urn:pulumi:stack::project::parent$type::name`). */
function typeAndName(urn: string): string {
    const [typePath, name] = urn.split("::").slice(-2);
    return `${typePath.split("$").pop()}::${name}`;
}

function deploymentOf(name: string): { metadata: Json; spec: { replicas: number; template: { spec: Json & { containers: Json[] } } } } {
    return registeredResource("kubernetes:apps/v1:Deployment", `${name}-reader`).inputs as never;
}

describe("IrsaBinding under mocks", () => {
    it("registers the type token eks-irsa:index:IrsaBinding", async () => {
        const { name } = await deploy(baseArgs());
        assert.equal(registeredResource("eks-irsa:index:IrsaBinding", name).type, "eks-irsa:index:IrsaBinding");
    });

    it("trusts only the ServiceAccount's tokens for sts.amazonaws.com from the cluster's provider", async () => {
        const { binding, name } = await deploy(baseArgs());
        const role = registeredResource("aws:iam/role:Role", name);
        const trust = JSON.parse(role.inputs.assumeRolePolicy as string) as PolicyDocument;
        assert.deepEqual(trust.Statement, [
            {
                Effect: "Allow",
                Principal: { Federated: providerArn },
                Action: "sts:AssumeRoleWithWebIdentity",
                Condition: {
                    StringEquals: {
                        [`${issuer}:sub`]: "system:serviceaccount:apps:reports-reader",
                        [`${issuer}:aud`]: "sts.amazonaws.com",
                    },
                },
            },
        ]);
        assert.equal(await valueOf(binding.trustPolicy), role.inputs.assumeRolePolicy);
    });

    it("adds one statement for each additional cluster and honours a custom audience", async () => {
        const { name } = await deploy(baseArgs({ additionalOidcProviderArns: [pulumi.output(otherProviderArn)], audience: "my-audience" }));
        const trust = JSON.parse(registeredResource("aws:iam/role:Role", name).inputs.assumeRolePolicy as string) as PolicyDocument;
        assert.deepEqual(
            trust.Statement.map((statement) => statement.Principal?.Federated),
            [providerArn, otherProviderArn],
        );
        assert.equal(trust.Statement[1].Condition?.StringEquals[`${otherIssuer}:aud`], "my-audience");
        assert.equal(trust.Statement[1].Condition?.StringEquals[`${otherIssuer}:sub`], "system:serviceaccount:apps:reports-reader");
    });

    it("names, paths, bounds and tags the role as asked", async () => {
        const { binding, name } = await deploy(
            baseArgs({
                roleName: "reports-reader",
                rolePath: "/workloads/",
                permissionsBoundaryArn: "arn:aws:iam::123456789012:policy/boundary",
                maxSessionDurationSeconds: 7200,
                tags: { team: "data" },
            }),
        );
        const role = registeredResource("aws:iam/role:Role", name).inputs;
        assert.equal(role.name, "reports-reader");
        assert.equal(role.path, "/workloads/");
        assert.equal(role.permissionsBoundary, "arn:aws:iam::123456789012:policy/boundary");
        assert.equal(role.maxSessionDuration, 7200);
        assert.deepEqual(role.tags, { team: "data" });
        assert.equal(await valueOf(binding.roleName), "reports-reader");
        assert.equal(await valueOf(binding.roleArn), "arn:aws:iam::123456789012:role/workloads/reports-reader");
    });

    it("grants S3 read through an inline policy and attaches the extra managed policies", async () => {
        const { name } = await deploy(
            baseArgs({
                s3Read: { bucketArns: [bucketArn], keyPrefixes: ["daily/"], kmsKeyArns: ["arn:aws:kms:us-west-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"] },
                policyArns: ["arn:aws:iam::aws:policy/AmazonSQSReadOnlyAccess"],
            }),
        );
        const policy = registeredInlinePolicy(name, "s3-read");
        assert.deepEqual(
            policy.Statement.map((statement) => [statement.Action, statement.Resource]),
            [
                ["s3:GetObject", [`${bucketArn}/daily/*`]],
                ["s3:ListBucket", [bucketArn]],
                ["kms:Decrypt", ["arn:aws:kms:us-west-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"]],
            ],
        );
        const attachment = registeredResource("aws:iam/rolePolicyAttachment:RolePolicyAttachment", `${name}-policy-0`);
        assert.equal(attachment.inputs.policyArn, "arn:aws:iam::aws:policy/AmazonSQSReadOnlyAccess");
        assert.equal(attachment.inputs.role, `${name}-1a2b3c4`);
    });

    it("annotates the ServiceAccount with the role's ARN and mounts no API token", async () => {
        const { binding, name } = await deploy(baseArgs());
        const serviceAccount = registeredResource("kubernetes:core/v1:ServiceAccount", name).inputs as { metadata: Json; automountServiceAccountToken: boolean };
        assert.deepEqual(serviceAccount.metadata, {
            name: "reports-reader",
            namespace: "apps",
            annotations: {
                "eks.amazonaws.com/role-arn": await valueOf(binding.roleArn),
                "eks.amazonaws.com/sts-regional-endpoints": "true",
            },
        });
        assert.equal(serviceAccount.automountServiceAccountToken, false);
        assert.equal(await valueOf(binding.serviceAccountName), "reports-reader");
        assert.equal(await valueOf(binding.namespace), "apps");
    });

    it("runs the reader as the ServiceAccount, pinned, looping, probed and restricted", async () => {
        const { name } = await deploy(baseArgs({ reader: { replicas: 2, intervalSeconds: 30 } }));
        const deployment = deploymentOf(name);
        assert.equal(deployment.metadata.namespace, "apps");
        assert.equal(deployment.spec.replicas, 2);
        const pod = deployment.spec.template.spec;
        assert.equal(pod.serviceAccountName, "reports-reader");
        assert.equal(pod.automountServiceAccountToken, false);
        assert.deepEqual(pod.securityContext, {
            runAsNonRoot: true,
            runAsUser: 1000,
            runAsGroup: 1000,
            fsGroup: 1000,
            seccompProfile: { type: "RuntimeDefault" },
        });
        const [container] = pod.containers as {
            image: string;
            command: string[];
            env: { name: string; value: string }[];
            readinessProbe: { exec: { command: string[] } };
            resources: { requests: Json; limits: Json };
            securityContext: Json;
            volumeMounts: { mountPath: string }[];
        }[];
        assert.match(container.image, /^public\.ecr\.aws\/aws-cli\/aws-cli:2\.\d+\.\d+$/);
        assert.deepEqual(container.command, ["/bin/sh", "-c", readerScript]);
        const env = Object.fromEntries(container.env.map(({ name: key, value }) => [key, value]));
        assert.equal(env.AWS_REGION, "us-west-2");
        assert.equal(env.AWS_STS_REGIONAL_ENDPOINTS, "regional");
        assert.equal(env.READ_LOCATIONS, "reports-bucket/");
        assert.equal(env.READ_INTERVAL_SECONDS, "30");
        assert.equal(env.HOME, "/home/reader");
        assert.match(container.readinessProbe.exec.command.join(" "), /\.last-read-succeeded/);
        assert.deepEqual(container.securityContext, {
            allowPrivilegeEscalation: false,
            readOnlyRootFilesystem: true,
            runAsNonRoot: true,
            capabilities: { drop: ["ALL"] },
        });
        assert.ok(container.resources.requests.cpu && container.resources.requests.memory && container.resources.limits.memory);
        assert.ok(container.volumeMounts.some((mount) => mount.mountPath === "/home/reader"));
    });

    it("starts the reader only after the ServiceAccount and the role's permissions exist", async () => {
        const { name, dependencies } = await deploy(baseArgs({ policyArns: ["arn:aws:iam::aws:policy/AmazonSQSReadOnlyAccess"] }));
        const dependsOn = dependencies.get(`kubernetes:apps/v1:Deployment::${name}-reader`) as pulumi.Resource[];
        const urns = await Promise.all(dependsOn.map((resource) => valueOf(resource.urn)));
        assert.deepEqual(urns.map(typeAndName), [
            `kubernetes:core/v1:ServiceAccount::${name}`,
            `aws:iam/role:Role::${name}`,
            `aws:iam/rolePolicyAttachment:RolePolicyAttachment::${name}-policy-0`,
        ]);
    });

    it("sends Kubernetes objects through the provider in opts.providers, and AWS ones elsewhere", async () => {
        const provider = new k8s.Provider("target-cluster", { kubeconfig: "{}" });
        const { name } = await deploy(baseArgs(), { providers: { kubernetes: provider } });
        const providerUrn = await valueOf(provider.urn);
        assert.ok(registeredResource("kubernetes:core/v1:ServiceAccount", name).provider?.startsWith(`${providerUrn}::`));
        assert.ok(registeredResource("kubernetes:apps/v1:Deployment", `${name}-reader`).provider?.startsWith(`${providerUrn}::`));
        assert.ok(!registeredResource("aws:iam/role:Role", name).provider?.startsWith(providerUrn));
    });

    it("accepts the provider as opts.provider too", async () => {
        const provider = new k8s.Provider("target-cluster-2", { kubeconfig: "{}" });
        const { name } = await deploy(baseArgs(), { provider });
        const providerUrn = await valueOf(provider.urn);
        assert.ok(registeredResource("kubernetes:core/v1:ServiceAccount", name).provider?.startsWith(`${providerUrn}::`));
    });

    it("creates no Deployment when the reader is off, and needs no bucket then", async () => {
        const { binding, name } = await deploy(baseArgs({ s3Read: undefined, reader: { enabled: false } }));
        assert.equal(binding.deployment, undefined);
        assert.equal(registered.filter((resource) => resource.name.startsWith(`${name}-`)).length, 0);
        assert.deepEqual(inlinePolicyNames(name), []);
        // One empty block: the role's inline policies are managed, as none, so one added out of band is removed.
        assert.deepEqual(registeredResource("aws:iam/role:Role", name).inputs.inlinePolicies, [{}]);
    });

    it("works in other partitions", async () => {
        const chinaIssuer = "oidc.eks.cn-north-1.amazonaws.com.cn/id/0123456789ABCDEF";
        const { name } = await deploy(
            baseArgs({ oidcProviderArn: `arn:aws-cn:iam::123456789012:oidc-provider/${chinaIssuer}`, s3Read: { bucketArns: ["arn:aws-cn:s3:::reports-cn"] } }),
        );
        const trust = JSON.parse(registeredResource("aws:iam/role:Role", name).inputs.assumeRolePolicy as string) as PolicyDocument;
        assert.equal(trust.Statement[0].Principal?.Federated, `arn:aws-cn:iam::123456789012:oidc-provider/${chinaIssuer}`);
        const env = (deploymentOf(name).spec.template.spec.containers[0].env as { name: string; value: string }[]).find((entry) => entry.name === "AWS_REGION");
        assert.equal(env?.value, "cn-north-1");
    });
});

describe("IrsaBinding validation", () => {
    const { assertRefused: refuse, assertNoChildRegistered } = refusals("eks-irsa:index:IrsaBinding");
    const assertRefused = (args: IrsaBindingArgs, message: RegExp): void => refuse((name) => new IrsaBinding(name, args), message);

    it("refuses a namespace that is not a DNS-1123 label, naming the field and value", () => {
        assertRefused(baseArgs({ namespace: "Apps_1" }), /namespace "Apps_1" is invalid: .*DNS-1123 label/);
        assertRefused(baseArgs({ namespace: "a".repeat(64) }), /namespace "a{64}" is invalid/);
    });

    it("refuses a ServiceAccount name that is not a DNS-1123 subdomain", () => {
        assertRefused(baseArgs({ serviceAccountName: "reader*" }), /serviceAccountName "reader\*" is invalid: .*DNS-1123 subdomain/);
    });

    it("refuses provider ARNs that are not OIDC provider ARNs", () => {
        assertRefused(baseArgs({ oidcProviderArn: "arn:aws:iam::123456789012:role/x" }), /oidcProviderArn .* is invalid: expected an IAM OIDC provider ARN/);
        assertRefused(baseArgs({ oidcProviderArn: `arn:aws:iam::123456789012:oidc-provider/https://${issuer}` }), /oidcProviderArn/);
        assertRefused(baseArgs({ additionalOidcProviderArns: ["arn:aws:iam::123456789012:oidc-provider/*"] }), /additionalOidcProviderArns\[0\] .* is invalid/);
    });

    it("refuses an empty bucket list, wildcard buckets and object ARNs", () => {
        assertRefused(baseArgs({ s3Read: { bucketArns: [] } }), /s3Read.bucketArns is invalid: it must name at least one entry/);
        assertRefused(baseArgs({ s3Read: { bucketArns: ["arn:aws:s3:::*"] } }), /s3Read.bucketArns\[0\] "arn:aws:s3:::\*" is invalid: a bucket ARN may not contain wildcards/);
        assertRefused(baseArgs({ s3Read: { bucketArns: ["arn:aws:s3:::reports-*"] } }), /wildcards/);
        assertRefused(baseArgs({ s3Read: { bucketArns: ["arn:aws:s3:::reports/daily"] } }), /not objects in it/);
    });

    it("refuses key prefixes that are not folders, and KMS aliases", () => {
        assertRefused(baseArgs({ s3Read: { bucketArns: [bucketArn], keyPrefixes: ["daily"] } }), /s3Read.keyPrefixes\[0\] "daily" is invalid: a key prefix names a folder/);
        assertRefused(baseArgs({ s3Read: { bucketArns: [bucketArn], keyPrefixes: ["*/"] } }), /keyPrefixes\[0\]/);
        assertRefused(
            baseArgs({ s3Read: { bucketArns: [bucketArn], kmsKeyArns: ["arn:aws:kms:us-west-2:123456789012:alias/reports"] } }),
            /s3Read.kmsKeyArns\[0\] .* is invalid: expected a KMS key ARN/,
        );
    });

    it("refuses bad audiences, role names, paths and durations", () => {
        assertRefused(baseArgs({ audience: "" }), /audience "" is invalid/);
        assertRefused(baseArgs({ audience: "sts.*" }), /audience "sts.\*" is invalid/);
        assertRefused(baseArgs({ roleName: "a".repeat(65) }), /roleName "a{65}" is invalid: an IAM role name is 1 to 64/);
        assertRefused(baseArgs({ roleName: "reader role" }), /roleName/);
        assertRefused(baseArgs({ rolePath: "workloads" }), /rolePath "workloads" is invalid/);
        assertRefused(baseArgs({ maxSessionDurationSeconds: 60 }), /maxSessionDurationSeconds 60 is invalid: expected a whole number from 3600 to 43200/);
        assertRefused(baseArgs({ trustPolicyLengthLimit: 100 }), /trustPolicyLengthLimit 100 is invalid/);
        assertRefused(baseArgs({ policyArns: ["AmazonS3ReadOnlyAccess"] }), /policyArns\[0\] "AmazonS3ReadOnlyAccess" is invalid/);
    });

    it("refuses a reader image that is not pinned, and a reader with nothing to read", () => {
        assertRefused(baseArgs({ reader: { image: "public.ecr.aws/aws-cli/aws-cli" } }), /reader.image .* is invalid: an image must be pinned/);
        assertRefused(baseArgs({ reader: { image: "amazon/aws-cli:latest" } }), /reader.image .* 'latest' tag is not a pin/);
        assertRefused(baseArgs({ reader: { replicas: 0 } }), /reader.replicas 0 is invalid/);
        assertRefused(baseArgs({ s3Read: undefined, reader: { enabled: true } }), /reader is invalid: the reader lists the buckets of s3Read/);
    });

    it("checks Outputs once known, with the same messages", async () => {
        const badNamespace = new IrsaBinding(uniqueName(), baseArgs({ namespace: pulumi.output("Bad_Namespace") }));
        await assert.rejects(valueOf(badNamespace.namespace), /namespace "Bad_Namespace" is invalid: .*DNS-1123 label/);
        const wildcard = new IrsaBinding(uniqueName(), baseArgs({ s3Read: { bucketArns: [pulumi.output(bucketArn), pulumi.output("arn:aws:s3:::*")] } }));
        await assert.rejects(valueOf(wildcard.namespace), /s3Read.bucketArns\[1\] "arn:aws:s3:::\*" is invalid: a bucket ARN may not contain wildcards/);
        const twice = new IrsaBinding(uniqueName(), baseArgs({ s3Read: { bucketArns: [bucketArn, pulumi.output(bucketArn)] } }));
        await assert.rejects(valueOf(twice.namespace), /s3Read.bucketArns "arn:aws:s3:::reports-bucket" is invalid: each entry may appear only once/);
        const provider = new IrsaBinding(uniqueName(), baseArgs({ oidcProviderArn: pulumi.output("arn:aws:iam::123456789012:role/x") }));
        await assert.rejects(valueOf(provider.trustPolicy), /oidcProviderArn .* is invalid: expected an IAM OIDC provider ARN/);
        // The trust does not wait for the permissions plan: it checks the ServiceAccount it names itself.
        const trusting = new IrsaBinding(uniqueName(), baseArgs({ s3Read: undefined, description: "given", namespace: pulumi.output("Bad NS*") }));
        await assert.rejects(valueOf(trusting.trustPolicy), /namespace "Bad NS\*" is invalid: .*DNS-1123 label/);
    });

    it("refuses a trust policy over the length limit, and accepts it under a raised one", async () => {
        const manyClusters = Array.from({ length: 8 }, (_, index) => `arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-west-2.amazonaws.com/id/${String(index).repeat(32)}`);
        assertRefused(
            baseArgs({ additionalOidcProviderArns: manyClusters }),
            /trust policy is \d+ characters \(white space not counted\), over the limit of 2048 for 1 ServiceAccount\(s\) and 9 cluster\(s\): 0 ServiceAccount\(s\) fit with 9 cluster\(s\), and 4 cluster\(s\) with 1 ServiceAccount\(s\)/,
        );
        const raised = new IrsaBinding(uniqueName(), baseArgs({ additionalOidcProviderArns: manyClusters, trustPolicyLengthLimit: 4096 }));
        assert.equal((JSON.parse(await valueOf(raised.trustPolicy)) as PolicyDocument).Statement.length, 9);
        const later = new IrsaBinding(uniqueName(), baseArgs({ additionalOidcProviderArns: manyClusters.map((arn) => pulumi.output(arn)) }));
        await assert.rejects(valueOf(later.trustPolicy), /over the limit of 2048 for 1 ServiceAccount\(s\) and 9 cluster\(s\)/);
    });

    it("refuses trusting a provider of another account or the same cluster twice", () => {
        assertRefused(
            baseArgs({ additionalOidcProviderArns: [`arn:aws:iam::999999999999:oidc-provider/${otherIssuer}`] }),
            /additionalOidcProviderArns .* is invalid: a role trusts OIDC providers of its own account and partition only/,
        );
        assertRefused(baseArgs({ additionalOidcProviderArns: [providerArn] }), /may be trusted only once/);
    });

    /** The permissions of a binding reading these buckets and keys, planned for a role in the `aws` partition. */
    function plannedS3Read(bucketArns: string[], kmsKeyArns: string[], keyPrefixes: string[] = []): ReturnType<typeof planPermissions> {
        const { shape } = checkBindingShape(baseArgs({ s3Read: { bucketArns, kmsKeyArns, keyPrefixes } }));
        const known = { namespace: "apps", serviceAccountName: "reports-reader", bucketArns, kmsKeyArns, policyArns: [], policyStatements: [], permissionsBoundaryArn: undefined };
        const planned = planPermissions(known, shape, { s3Read: true });
        return { ...planned, problem: planned.problem ?? checkPartitions(known, "aws") };
    }

    it("refuses buckets and keys of another partition than the role's", () => {
        const kmsKeyArn = "arn:aws:kms:us-west-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
        assert.match(plannedS3Read(["arn:aws-cn:s3:::reports"], []).problem ?? "", /s3Read.bucketArns "arn:aws-cn:s3:::reports" is invalid: it is in another AWS partition than the role \(aws\)/);
        assert.match(plannedS3Read([bucketArn], [kmsKeyArn.replace("arn:aws:", "arn:aws-us-gov:")]).problem ?? "", /s3Read.kmsKeyArns "arn:aws-us-gov:kms:.*" is invalid: it is in another AWS partition/);
        const sameKey = plannedS3Read([bucketArn], [kmsKeyArn]);
        assert.equal(sameKey.problem, undefined);
        assert.equal(sameKey.plan.s3ReadPolicy?.Statement.length, 3);
    });

    it("refuses S3 access whose policy exceeds IAM's inline policy limit", () => {
        const buckets = Array.from({ length: 40 }, (_, index) => `arn:aws:s3:::reports-bucket-${index}`);
        const prefixes = Array.from({ length: 5 }, (_, index) => `department-${index}/daily/`);
        assert.match(
            plannedS3Read(buckets, [], prefixes).problem ?? "",
            /s3Read is invalid: the role's inline policies are \d+ characters \(white space not counted\), over IAM's limit of 10240/,
        );
    });

    it("registers no child of a binding it refused", async () => {
        await assertNoChildRegistered();
    });
});
