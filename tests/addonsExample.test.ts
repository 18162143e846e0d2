import * as assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";

import { parse } from "yaml";

import { mockAccountId, mockRegion, registered, registeredResource, registrationOf, settled, valueOf } from "./mocks";
import { bindClusterAddons, ClusterAddons } from "../examples/addons/addons";
import { mockOidcIssuer } from "../scripts/offline/mocks";
import { registeredInlinePolicy } from "./inlinePolicies";

const example = join(__dirname, "..", "examples", "addons");
const zone = "Z0123456789ABCDEFGHIJ";
const keyArn = `arn:aws:kms:${mockRegion}:${mockAccountId}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;

interface Statement {
    Action: string | string[];
    Resource: string | string[];
    Condition?: Record<string, Record<string, string | string[]>>;
}

function inlinePolicy(bindingName: string): Statement[] {
    return registeredInlinePolicy(bindingName, "statements").Statement as Statement[];
}

function attachedPolicies(bindingName: string): string[] {
    return registered
        .filter((resource) => resource.type === "aws:iam/rolePolicyAttachment:RolePolicyAttachment" && resource.name.startsWith(`${bindingName}-policy-`))
        .map((resource) => resource.inputs.policyArn as string);
}

describe("example: add-on roles on an existing cluster", () => {
    let bound: ClusterAddons;

    before(async () => {
        bound = bindClusterAddons({ clusterName: "platform-addons", hostedZoneIds: [zone], ebsKmsKeyArns: [keyArn] });
        await registrationOf(bound.loadBalancerController.role, bound.ebsCsiDriver.role, bound.externalDns.role, bound.ebsCsiDriverAddon);
        await settled();
    });

    it("trusts the looked-up cluster's OIDC provider for each add-on's own ServiceAccount", async () => {
        const provider = `arn:aws:iam::${mockAccountId}:oidc-provider/${mockOidcIssuer(mockRegion)}`;
        for (const [binding, subject] of [
            [bound.loadBalancerController, "system:serviceaccount:kube-system:aws-load-balancer-controller"],
            [bound.ebsCsiDriver, "system:serviceaccount:kube-system:ebs-csi-controller-sa"],
            [bound.externalDns, "system:serviceaccount:external-dns:external-dns"],
        ] as const) {
            const trust = JSON.parse(await valueOf(binding.trustPolicy)) as { Statement: { Principal: { Federated: string }; Condition: Record<string, Record<string, string>> }[] };
            assert.deepEqual(
                trust.Statement.map((statement) => statement.Principal.Federated),
                [provider],
            );
            assert.equal(trust.Statement[0].Condition.StringEquals[`${mockOidcIssuer(mockRegion)}:sub`], subject);
        }
    });

    it("scopes the Load Balancer Controller to the cluster's tags, and creates its ServiceAccount with the role", async () => {
        const statements = inlinePolicy("aws-load-balancer-controller");
        const deletions = statements.find((statement) => [statement.Action].flat().includes("elasticloadbalancing:DeleteLoadBalancer"));
        assert.deepEqual(deletions?.Condition, { StringEquals: { "aws:ResourceTag/elbv2.k8s.aws/cluster": "platform-addons" } });
        const serviceAccount = registeredResource("kubernetes:core/v1:ServiceAccount", "aws-load-balancer-controller");
        const metadata = serviceAccount.inputs.metadata as { namespace: string; name: string; annotations: Record<string, string> };
        assert.equal(metadata.namespace, "kube-system");
        assert.equal(metadata.name, "aws-load-balancer-controller");
        assert.equal(metadata.annotations["eks.amazonaws.com/role-arn"], await valueOf(bound.loadBalancerController.roleArn));
        assert.ok(serviceAccount.provider?.includes("::platform-addons::"), serviceAccount.provider);
    });

    it("gives the EBS CSI driver's role to the EKS add-on, with the managed policy and the key, and no ServiceAccount of its own", async () => {
        assert.deepEqual(attachedPolicies("ebs-csi-driver"), ["arn:aws:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy"]);
        const keyStatements = inlinePolicy("ebs-csi-driver");
        assert.ok(keyStatements.every((statement) => statement.Resource === keyArn));
        const addon = registeredResource("aws:eks/addon:Addon", "aws-ebs-csi-driver");
        assert.equal(addon.inputs.addonName, "aws-ebs-csi-driver");
        assert.equal(addon.inputs.clusterName, "platform-addons");
        assert.equal(addon.inputs.serviceAccountRoleArn, await valueOf(bound.ebsCsiDriver.roleArn));
        assert.equal(bound.ebsCsiDriver.serviceAccount, undefined);
    });

    it("limits external-dns to the configured zone and leaves its ServiceAccount to the chart, passing the annotation", async () => {
        const [changes] = inlinePolicy("external-dns");
        assert.equal(changes.Resource, `arn:aws:route53:::hostedzone/${zone}`);
        assert.equal(bound.externalDns.serviceAccount, undefined);
        assert.equal((await valueOf(bound.externalDns.serviceAccountAnnotations))["eks.amazonaws.com/role-arn"], await valueOf(bound.externalDns.roleArn));
        const kubernetesObjects = registered.filter((resource) => resource.type.startsWith("kubernetes:") && resource.name.startsWith("external-dns"));
        assert.deepEqual(kubernetesObjects, []);
    });

    it("refuses a bad hosted zone ID or key ARN before any resource is created", async () => {
        await settled();
        const before = registered.length;
        assert.throws(() => bindClusterAddons({ clusterName: "platform-addons", hostedZoneIds: ["example.com"], ebsKmsKeyArns: [] }), /^AddonScopeError: externalDns\.hostedZoneIds\[0\] "example\.com" is invalid/);
        assert.throws(() => bindClusterAddons({ clusterName: "platform-addons", hostedZoneIds: [zone], ebsKmsKeyArns: ["alias/ebs"] }), /ebsCsiDriver\.kmsKeyArns\[0\] "alias\/ebs" is invalid/);
        await settled();
        assert.deepEqual(registered.slice(before), []);
    });

    it("declares every config key its program reads", () => {
        const project = parse(readFileSync(join(example, "Pulumi.yaml"), "utf8")) as { config: Record<string, unknown> };
        const program = readFileSync(join(example, "index.ts"), "utf8");
        const read = [...program.matchAll(/config\.(?:require|get|requireObject<[^>]+>|getObject<[^>]+>)\("([^"]+)"\)/g)].map((match) => match[1]).sort();
        assert.deepEqual(read, Object.keys(project.config).sort());
    });
});
