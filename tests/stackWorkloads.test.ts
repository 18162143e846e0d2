import * as assert from "node:assert/strict";

import { ConfigError, parseConfig } from "../program/config";
import { mockOidcIssuer } from "../scripts/offline/mocks";
import { allowedByTrustPolicy } from "./iamEvaluator";
import { mockAccountId, mockRegion, valueOf } from "./mocks";
import { deployStack } from "./programRun";
import { lookupWith } from "./stackFiles";
import { eksClusterArn, PolicyDocument } from "../components/index";

/** The problems of the dev stack with eks-irsa:workloads set to these entries. */
function problemsWith(entries: unknown, stack = "dev"): string[] {
    try {
        parseConfig(lookupWith(stack, { workloads: typeof entries === "string" ? entries : JSON.stringify(entries) }));
    } catch (error) {
        return (error as ConfigError).problems;
    }
    return [];
}

describe("eks-irsa:workloads", () => {
    it("takes a stack's workloads from the catalogue or written out, and checks each entry by index and field", () => {
        assert.deepEqual(problemsWith([{ name: "reports", namespace: "apps", serviceAccountName: "reports", policyArns: ["arn:aws:iam::aws:policy/AmazonSQSReadOnlyAccess"] }]), []);
        assert.deepEqual(problemsWith([]), []);
        // A managed policy that reads every object of the account needs the workload's opt-in, as a statement on "*" does.
        assert.match(
            problemsWith([{ name: "reports", namespace: "apps", serviceAccountName: "reports", policyArns: ["arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"] }]).join("\n"),
            /policyArns\[0\] "arn:aws:iam::aws:policy\/AmazonS3ReadOnlyAccess" is invalid: its document, as AWS publishes it, reads the data of every resource of a type/,
        );
        // Any add-on of the catalogue, its scope written out, as the bindings' addon takes it.
        assert.deepEqual(problemsWith([{ name: "external-dns", addon: { externalDns: { hostedZoneIds: ["Z0123456789ABCDEFGHIJ"] } }, serviceAccountMode: "none" }]), []);
        const refusals: [unknown, RegExp][] = [
            ["{}", /^eks-irsa:workloads \{\} is invalid: expected a list of workloads/],
            [["dns"], /^eks-irsa:workloads\[0\] "dns" is invalid: a workload is a mapping/],
            [[{ namespace: "a", serviceAccountName: "b" }], /^eks-irsa:workloads\[0\]\.name is missing/],
            [[{ name: "dns", nmespace: "a" }], /^eks-irsa:workloads\[0\]\.nmespace is invalid: not a field of a workload; the fields are name, catalogue, /],
            [[{ name: "dns", policyArns: "arn:aws:iam::aws:policy/ReadOnlyAccess" }], /^eks-irsa:workloads\[0\]\.policyArns "arn:aws:iam::aws:policy\/ReadOnlyAccess" is invalid: expected a list/],
            [[{ name: "lb", catalogue: "aws-load-balancer" }], /^eks-irsa:workloads\[0\]\.catalogue "aws-load-balancer" is invalid: expected one of aws-load-balancer-controller, cluster-autoscaler, ebs-csi-driver/],
            [[{ name: "dns", serviceAccountName: "dns" }], /^eks-irsa:workloads\[0\] \(dns\)\.namespace is missing/],
            [
                [
                    { name: "lb", catalogue: "aws-load-balancer-controller" },
                    { name: "lb", catalogue: "cluster-autoscaler" },
                ],
                /^eks-irsa:workloads\[1\]\.name "lb" is invalid: workloads\[0\] has that name already/,
            ],
            [[{ name: "Load_Balancer", catalogue: "aws-load-balancer-controller" }], /^eks-irsa:workloads\[0\]\.name "Load_Balancer" is invalid/],
            [[{ name: "dns", namespace: "Kube_System", serviceAccountName: "dns" }], /^eks-irsa:workloads\[0\] \(dns\)\.namespace "Kube_System" is invalid/],
            [[{ name: "admin", namespace: "a", serviceAccountName: "b", policyArns: ["arn:aws:iam::aws:policy/AdministratorAccess"] }], /^eks-irsa:workloads\[0\] \(admin\): policyArns\[0\] .*allowBroadPermissions/],
            [[{ name: "lb", catalogue: "aws-load-balancer-controller", clusters: ["other"] }], /^eks-irsa:workloads\[0\]\.clusters is invalid: not a field of a workload/],
            [[{ name: "lb", catalogue: "aws-load-balancer-controller", addon: { vpcCni: {} } }], /^eks-irsa:workloads\[0\]\.addon is invalid with catalogue/],
            [[{ name: "dns", addon: { externalDns: { hostedZoneIds: [] } } }], /^eks-irsa:workloads\[0\] \(dns\): addon\.externalDns\.hostedZoneIds is invalid/],
            [[{ name: "dns", addon: { externalDn: {} } }], /^eks-irsa:workloads\[0\] \(dns\): addon\.externalDn is invalid: the catalogue has no add-on of that name/],
        ];
        for (const [entries, message] of refusals) {
            const problems = problemsWith(entries);
            assert.equal(problems.length, 1, problems.join("\n"));
            assert.match(problems[0], message);
        }
    });

    it("binds dev's two catalogue workloads through IRSA: a role each, trusting the cluster's provider for the chart's ServiceAccount only", async () => {
        const deployed = await deployStack("dev");
        const identities = await valueOf(deployed.infra.outputs.workloadIdentities!);
        assert.deepEqual(Object.keys(identities), ["aws-load-balancer-controller", "cluster-autoscaler"]);
        assert.equal(identities["aws-load-balancer-controller"].roleName, "eks-irsa-dev-aws-load-balancer-controller");
        assert.deepEqual(identities["cluster-autoscaler"].serviceAccountAnnotations, {
            "eks.amazonaws.com/role-arn": identities["cluster-autoscaler"].roleArn,
            "eks.amazonaws.com/sts-regional-endpoints": "true",
        });
        const role = deployed.one("aws:iam/role:Role", "eks-irsa-workloads-aws-load-balancer-controller");
        const issuer = mockOidcIssuer(mockRegion);
        const assume = (serviceAccount: string) =>
            allowedByTrustPolicy(JSON.parse(role.inputs.assumeRolePolicy as string) as PolicyDocument, {
                principal: `arn:aws:iam::${mockAccountId}:oidc-provider/${issuer}`,
                action: "sts:AssumeRoleWithWebIdentity",
                roleArn: identities["aws-load-balancer-controller"].roleArn,
                context: { [`${issuer}:sub`]: serviceAccount, [`${issuer}:aud`]: "sts.amazonaws.com" },
            });
        assert.equal(await assume("system:serviceaccount:kube-system:aws-load-balancer-controller"), true);
        assert.equal(await assume("system:serviceaccount:kube-system:cluster-autoscaler"), false);
        // The charts create the ServiceAccounts: the fleet adds no Kubernetes object, and no provider of its own.
        assert.deepEqual(deployed.resources.filter((resource) => resource.name.startsWith("eks-irsa-workloads") && resource.type.startsWith("kubernetes:")), []);
    });

    it("binds prod's two catalogue workloads through Pod Identity: one association each, on the stack's cluster", async () => {
        const deployed = await deployStack("prod");
        const identities = await valueOf(deployed.infra.outputs.workloadIdentities!);
        assert.deepEqual(Object.keys(identities), ["aws-load-balancer-controller", "ebs-csi-driver"]);
        assert.equal(identities["ebs-csi-driver"].mechanism, "pod-identity");
        assert.equal(identities["ebs-csi-driver"].associationIds.length, 1);
        const association = deployed.one("aws:eks/podIdentityAssociation:PodIdentityAssociation", "eks-irsa-workloads-ebs-csi-driver-pod-identity");
        assert.deepEqual([association.inputs.clusterName, association.inputs.namespace, association.inputs.serviceAccount], ["eks-irsa-prod", "kube-system", "ebs-csi-controller-sa"]);
        const role = deployed.one("aws:iam/role:Role", "eks-irsa-workloads-ebs-csi-driver-pod-identity");
        assert.equal(role.inputs.name, "eks-irsa-prod-ebs-csi-driver.pod-identity");
        const clusterArn = eksClusterArn("aws", mockRegion, mockAccountId, "eks-irsa-prod");
        const ask = (serviceAccount: string) =>
            allowedByTrustPolicy(JSON.parse(role.inputs.assumeRolePolicy as string) as PolicyDocument, {
                principal: "pods.eks.amazonaws.com",
                action: "sts:AssumeRole",
                roleArn: identities["ebs-csi-driver"].roleArn,
                context: {
                    "aws:SourceAccount": mockAccountId,
                    "aws:RequestTag/eks-cluster-arn": clusterArn,
                    "aws:RequestTag/kubernetes-namespace": "kube-system",
                    "aws:RequestTag/kubernetes-service-account": serviceAccount,
                },
            });
        assert.equal(await ask("ebs-csi-controller-sa"), true);
        assert.equal(await ask("aws-load-balancer-controller"), false);
        assert.deepEqual(deployed.one("aws:iam/rolePolicyAttachment:RolePolicyAttachment", "eks-irsa-workloads-ebs-csi-driver-pod-identity-policy-0").inputs.policyArn, "arn:aws:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy");
    });
});
