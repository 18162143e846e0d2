/**
 * Bindings wired to EKS managed add-ons: the role handed to `aws.eks.Addon` as EKS expects it
 * (`serviceAccountRoleArn` for IRSA, `podIdentityAssociations` for Pod Identity, no standalone
 * association besides), and every binding that would conflict with the add-on refused, naming why.
 */
import * as assert from "node:assert/strict";

import { IrsaBinding, PodIdentityBinding } from "../components/index";
import { mockAccountId, registered, registeredResource, registrationOf, settled, uniqueName, valueOf } from "./mocks";

const oidcProviderArn = `arn:aws:iam::${mockAccountId}:oidc-provider/oidc.eks.us-west-2.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE`;

/** What a binding registered under its name. */
function registeredUnder(name: string): string[] {
    return registered.filter((resource) => resource.name === name || resource.name.startsWith(`${name}-`)).map((resource) => resource.type);
}

describe("bindings wired to EKS managed add-ons", () => {
    it("IRSA: the add-on gets the role as serviceAccountRoleArn, and the binding leaves its ServiceAccount to it", async () => {
        const name = uniqueName("cni");
        const binding = new IrsaBinding(name, { oidcProviderArn, addon: { vpcCni: {} }, eksAddon: { clusterName: "apps", addonVersion: "v1.19.0-eksbuild.1" } });
        await registrationOf(binding, binding.role, binding.eksAddon!);
        await settled();
        const addon = registeredResource("aws:eks/addon:Addon", `${name}-addon`);
        assert.equal(addon.inputs.addonName, "vpc-cni");
        assert.equal(addon.inputs.clusterName, "apps");
        assert.equal(addon.inputs.addonVersion, "v1.19.0-eksbuild.1");
        assert.equal(addon.inputs.serviceAccountRoleArn, await valueOf(binding.roleArn));
        assert.equal(addon.inputs.podIdentityAssociations, undefined);
        assert.equal(addon.inputs.resolveConflictsOnCreate, "OVERWRITE");
        assert.equal(binding.serviceAccount, undefined);
        assert.ok(!registeredUnder(name).includes("kubernetes:core/v1:ServiceAccount"));
        assert.deepEqual([await valueOf(binding.namespace), await valueOf(binding.serviceAccountName)], ["kube-system", "aws-node"]);
    });

    it("Pod Identity: the add-on carries the association, and the binding creates no standalone one for the same ServiceAccount", async () => {
        const name = uniqueName("ebs");
        const binding = new PodIdentityBinding(name, { clusterName: "apps", addon: { ebsCsiDriver: {} }, eksAddon: {} });
        await registrationOf(binding, binding.role, binding.eksAddon!);
        await settled();
        const addon = registeredResource("aws:eks/addon:Addon", `${name}-addon`);
        assert.equal(addon.inputs.addonName, "aws-ebs-csi-driver");
        assert.equal(addon.inputs.clusterName, "apps");
        assert.deepEqual(addon.inputs.podIdentityAssociations, [{ roleArn: await valueOf(binding.roleArn), serviceAccount: "ebs-csi-controller-sa" }]);
        assert.equal(addon.inputs.serviceAccountRoleArn, undefined);
        assert.ok(!registeredUnder(name).includes("aws:eks/podIdentityAssociation:PodIdentityAssociation"), registeredUnder(name).join(", "));
        assert.equal(binding.association, undefined);
        assert.deepEqual(binding.associations, []);
    });

    it("Pod Identity: more ServiceAccounts of the add-on's namespace get associations of the add-on too", async () => {
        const name = uniqueName("efs");
        const binding = new PodIdentityBinding(name, {
            clusterName: "apps",
            addon: { efsCsiDriver: {} },
            additionalServiceAccounts: [{ namespace: "kube-system", serviceAccountName: "efs-csi-node-sa" }],
            eksAddon: {},
        });
        await registrationOf(binding, binding.eksAddon!);
        const addon = registeredResource("aws:eks/addon:Addon", `${name}-addon`);
        assert.deepEqual(
            (addon.inputs.podIdentityAssociations as { serviceAccount: string }[]).map((each) => each.serviceAccount),
            ["efs-csi-controller-sa", "efs-csi-node-sa"],
        );
    });

    const refusals: [string, () => unknown, RegExp][] = [
        [
            "a ServiceAccount the binding would create besides the add-on's",
            () => new IrsaBinding(uniqueName("x"), { oidcProviderArn, addon: { vpcCni: {} }, serviceAccountMode: "create", eksAddon: { clusterName: "apps" } }),
            /^serviceAccountMode "create" is invalid with eksAddon: the EKS add-on vpc-cni creates and owns its ServiceAccount/,
        ],
        [
            "an annotation patch of the add-on's ServiceAccount",
            () => new PodIdentityBinding(uniqueName("x"), { clusterName: "apps", addon: { ebsCsiDriver: {} }, serviceAccountMode: "annotate", eksAddon: {} }),
            /^serviceAccountMode "annotate" is invalid with eksAddon/,
        ],
        [
            "an add-on that is no EKS add-on",
            () => new IrsaBinding(uniqueName("x"), { oidcProviderArn, addon: { awsLoadBalancerController: { clusterName: "apps" } }, eksAddon: { clusterName: "apps" } }),
            /^eksAddon is invalid with addon\.awsLoadBalancerController: it is not an EKS add-on/,
        ],
        [
            "another EKS add-on than the addon's",
            () => new IrsaBinding(uniqueName("x"), { oidcProviderArn, addon: { vpcCni: {} }, eksAddon: { clusterName: "apps", addonName: "aws-ebs-csi-driver" } }),
            /^eksAddon\.addonName "aws-ebs-csi-driver" is invalid: addon\.vpcCni is the EKS add-on vpc-cni/,
        ],
        ["no add-on named at all", () => new IrsaBinding(uniqueName("x"), { oidcProviderArn, namespace: "kube-system", serviceAccountName: "x", eksAddon: { clusterName: "apps" } }), /^eksAddon\.addonName is required/],
        ["IRSA without the add-on's cluster", () => new IrsaBinding(uniqueName("x"), { oidcProviderArn, addon: { vpcCni: {} }, eksAddon: {} }), /^eksAddon\.clusterName is required with an IrsaBinding/],
        [
            "Pod Identity in several clusters",
            () => new PodIdentityBinding(uniqueName("x"), { clusterName: "apps", additionalClusterNames: ["apps-blue"], addon: { vpcCni: {} }, eksAddon: {} }),
            /^additionalClusterNames is invalid with eksAddon: an EKS add-on belongs to one cluster/,
        ],
        [
            "Pod Identity with a target role",
            () => new PodIdentityBinding(uniqueName("x"), { clusterName: "apps", targetRoleArn: "arn:aws:iam::210987654321:role/target", addon: { vpcCni: {} }, eksAddon: {} }),
            /^targetRoleArn is invalid with eksAddon/,
        ],
        [
            "Pod Identity with the add-on in another cluster",
            () => new PodIdentityBinding(uniqueName("x"), { clusterName: "apps", addon: { vpcCni: {} }, eksAddon: { clusterName: "other" } }),
            /^eksAddon\.clusterName "other" is invalid: the add-on's associations would be in another cluster/,
        ],
        [
            "a ServiceAccount outside the add-on's namespace",
            () =>
                new PodIdentityBinding(uniqueName("x"), {
                    clusterName: "apps",
                    addon: { efsCsiDriver: {} },
                    additionalServiceAccounts: [{ namespace: "apps", serviceAccountName: "efs" }],
                    eksAddon: {},
                }),
            /^additionalServiceAccounts\[0\] is invalid with eksAddon/,
        ],
        [
            "an unknown conflict resolution",
            () => new IrsaBinding(uniqueName("x"), { oidcProviderArn, addon: { vpcCni: {} }, eksAddon: { clusterName: "apps", resolveConflictsOnUpdate: "MERGE" } }),
            /^eksAddon\.resolveConflictsOnUpdate "MERGE" is invalid/,
        ],
    ];
    for (const [what, construct, message] of refusals) {
        it(`refuses ${what}, naming the argument, before anything is created`, () => {
            const before = registered.length;
            assert.throws(construct, (error: Error) => message.test(error.message));
            assert.equal(registered.filter((resource, index) => index >= before && resource.type !== "eks-irsa:index:IrsaBinding" && resource.type !== "eks-irsa:index:PodIdentityBinding").length, 0);
        });
    }
});
