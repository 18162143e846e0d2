/**
 * Kubernetes RBAC that lets a subject other than a workload ServiceAccount become it: a Role or
 * ClusterRole that runs pods (directly or through any workload kind), mints tokens, reads Secrets,
 * impersonates or grants itself roles, bound in that ServiceAccount's namespace (or cluster-wide) to
 * another ServiceAccount, a group or a user. Each input passed the pack before; the IAM evaluator
 * shows that a pod running as the ServiceAccount gets the role, and that the subject's own pods do not.
 */
import * as assert from "node:assert/strict";

import { UnknownValueError } from "@pulumi/policy";

import { PolicyDocument } from "../components/index";
import { evaluatePolicies, PlainResource } from "../policy/evaluate";
import { policies } from "../policy/pack";
import { builtInClusterRoles, powersOf } from "../policy/rbac";
import { allowedByTrustPolicy } from "./iamEvaluator";
import { account, document, findingsOf, irsaStatement, issuer, podIdentityStatement, providerArn, resource, role } from "./policyPackFixtures";

const stack = "prod";
const arnOf = (name: string): string => `arn:aws:iam::${account}:role/${name}`;
const subject = (namespace: string, name: string) => ({ StringEquals: { [`${issuer}:sub`]: `system:serviceaccount:${namespace}:${name}`, [`${issuer}:aud`]: "sts.amazonaws.com" } });
const rbac = "kubernetes:rbac.authorization.k8s.io/v1";

/** The payments role, meant for payments/processor only, and its ServiceAccount. */
const paymentsTrust = document(irsaStatement(subject("payments", "processor"))) as PolicyDocument;
const payments = role(stack, "payments", paymentsTrust, { arn: arnOf("payments") });
const processor = resource(stack, "kubernetes:core/v1:ServiceAccount", "processor", {
    metadata: { name: "processor", namespace: "payments", annotations: { "eks.amazonaws.com/role-arn": arnOf("payments") } },
    automountServiceAccountToken: false,
});
/** The api role (apps/api), alone in its namespace. */
const api = role(stack, "api", document(irsaStatement()), { arn: arnOf("api") });
const base = [payments, processor, api];

type Rule = { apiGroups?: string[]; resources?: string[]; verbs?: string[]; resourceNames?: string[] };
const k8sRole = (name: string, namespace: string, rules: Rule[]) => resource(stack, `${rbac}:Role`, name, { metadata: { name, namespace }, rules });
const clusterRole = (name: string, rules: Rule[] | undefined, extra: Record<string, unknown> = {}) => resource(stack, `${rbac}:ClusterRole`, name, { metadata: { name, ...((extra.metadata as object) ?? {}) }, rules, ...extra });
const sa = (namespace: string, name: string) => ({ kind: "ServiceAccount", name, namespace });
const roleBinding = (name: string, namespace: string, roleRef: { kind: string; name: string }, subjects: unknown[]) =>
    resource(stack, `${rbac}:RoleBinding`, name, { metadata: { name, namespace }, roleRef: { apiGroup: "rbac.authorization.k8s.io", ...roleRef }, subjects });
const clusterRoleBinding = (name: string, roleRef: { kind: string; name: string }, subjects: unknown[]) =>
    resource(stack, `${rbac}:ClusterRoleBinding`, name, { metadata: { name }, roleRef: { apiGroup: "rbac.authorization.k8s.io", ...roleRef }, subjects });

async function rbacFindings(...resources: PlainResource[]): Promise<string[]> {
    return findingsOf(await evaluatePolicies(policies, resources), "workload-serviceaccount-rbac");
}

/** A Role in payments with these rules, bound to the ci ServiceAccount of payments. */
async function grantedToCi(rules: Rule[]): Promise<string[]> {
    return rbacFindings(...base, k8sRole("deployer", "payments", rules), roleBinding("deployer", "payments", { kind: "Role", name: "deployer" }, [sa("payments", "ci")]));
}

const webIdentity = (namespace: string, name: string) => ({
    principal: providerArn,
    action: "sts:AssumeRoleWithWebIdentity",
    roleArn: arnOf("payments"),
    context: { [`${issuer}:sub`]: `system:serviceaccount:${namespace}:${name}`, [`${issuer}:aud`]: "sts.amazonaws.com" },
});

describe("policy pack: RBAC that lets another subject become a workload ServiceAccount", () => {
    it("the payments role admits a pod running as payments/processor, not the ci ServiceAccount's own pods: the evaluator's view", async () => {
        assert.equal(await allowedByTrustPolicy(paymentsTrust, webIdentity("payments", "ci")), false);
        assert.equal(await allowedByTrustPolicy(paymentsTrust, webIdentity("payments", "processor")), true, "a pod ci creates with serviceAccountName: processor gets the role");
    });

    it("every workload kind that makes pods, in its API group, with create (or update/patch) and '*': refused", async () => {
        const cases: [Rule, RegExp][] = [
            [{ apiGroups: [""], resources: ["pods"], verbs: ["create"] }, /create pods \(pods, replicationcontrollers\) with any ServiceAccount of the namespace/],
            [{ apiGroups: [""], resources: ["replicationcontrollers"], verbs: ["create"] }, /create pods/],
            ...["deployments", "daemonsets", "statefulsets", "replicasets"].map((kind): [Rule, RegExp] => [{ apiGroups: ["apps"], resources: [kind], verbs: ["create"] }, /create pods \(deployments, daemonsets, statefulsets, replicasets\)/]),
            ...["jobs", "cronjobs"].map((kind): [Rule, RegExp] => [{ apiGroups: ["batch"], resources: [kind], verbs: ["create"] }, /create pods \(jobs, cronjobs\)/]),
            [{ apiGroups: ["apps"], resources: ["deployments"], verbs: ["patch"], resourceNames: ["processor"] }, /change what pods \(deployments, .*\) run, or their ServiceAccount/],
            [{ apiGroups: ["apps"], resources: ["statefulsets"], verbs: ["update"] }, /change what pods/],
            [{ apiGroups: [""], resources: ["pods"], verbs: ["patch"] }, /change what pods \(pods, replicationcontrollers\) run/],
            [{ apiGroups: [""], resources: ["pods/exec"], verbs: ["create"] }, /run commands in running pods/],
            [{ apiGroups: [""], resources: ["pods/ephemeralcontainers"], verbs: ["patch"] }, /run commands in running pods/],
            [{ apiGroups: ["*"], resources: ["pods"], verbs: ["create"] }, /create pods/],
            [{ apiGroups: [""], resources: ["*"], verbs: ["create"] }, /create pods \(pods, replicationcontrollers\)/],
            [{ apiGroups: ["batch"], resources: ["jobs"], verbs: ["*"] }, /create pods \(jobs, cronjobs\)/],
            [{ apiGroups: ["*"], resources: ["*"], verbs: ["*"] }, /create pods.*create tokens for ServiceAccounts.*read Secrets/],
        ];
        for (const [rule, expected] of cases) {
            const found = await grantedToCi([{ apiGroups: ["", "apps"], resources: ["configmaps"], verbs: ["get"] }, rule]);
            assert.equal(found.length, 1, `${JSON.stringify(rule)}: ${found.join("\n")}`);
            assert.match(found[0], /^mandatory: kubernetes:rbac\.authorization\.k8s\.io\/v1:RoleBinding "deployer" binds the Role "deployer" to the ServiceAccount payments\/ci in the namespace payments: /);
            assert.match(found[0], new RegExp(`kubernetes:rbac\\.authorization\\.k8s\\.io/v1:Role "deployer" rules\\[1\\] ${JSON.stringify(rule).replace(/[[\]{}()*+?.\\^$|/]/g, "\\$&")} lets it`), JSON.stringify(rule));
            assert.match(found[0], expected, JSON.stringify(rule));
            assert.match(found[0], /so it can become the ServiceAccount payments\/processor \(aws:iam\/role:Role "payments" \(pods assume it through IRSA or EKS Pod Identity\); kubernetes:core\/v1:ServiceAccount "processor", annotated eks.amazonaws.com\/role-arn\), and hold the workload roles bound to them/);
        }
    });

    it("tokens, impersonation, Secrets, escalate and bind: refused", async () => {
        const cases: [Rule, RegExp][] = [
            [{ apiGroups: [""], resources: ["serviceaccounts/token"], verbs: ["create"] }, /create tokens for ServiceAccounts/],
            [{ apiGroups: [""], resources: ["serviceaccounts/token"], verbs: ["create"], resourceNames: ["processor"] }, /create tokens for ServiceAccounts/],
            [{ apiGroups: [""], resources: ["*/token"], verbs: ["create"] }, /create tokens for ServiceAccounts/],
            [{ apiGroups: [""], resources: ["serviceaccounts"], verbs: ["impersonate"] }, /impersonate ServiceAccounts/],
            [{ apiGroups: [""], resources: ["secrets"], verbs: ["get"] }, /read Secrets \(a ServiceAccount's legacy token Secret among them\)/],
            [{ apiGroups: [""], resources: ["secrets"], verbs: ["list"] }, /read Secrets/],
            [{ apiGroups: ["rbac.authorization.k8s.io"], resources: ["roles"], verbs: ["escalate"] }, /grant itself any role \(escalate, bind\)/],
            [{ apiGroups: ["rbac.authorization.k8s.io"], resources: ["clusterroles"], verbs: ["bind"], resourceNames: ["cluster-admin"] }, /grant itself any role/],
        ];
        for (const [rule, expected] of cases) {
            const found = await grantedToCi([rule]);
            assert.equal(found.length, 1, `${JSON.stringify(rule)}: ${found.join("\n")}`);
            assert.match(found[0], expected, JSON.stringify(rule));
            assert.match(found[0], /become the ServiceAccount payments\/processor/);
        }
    });

    it("cluster-scoped powers through a ClusterRoleBinding: impersonating users and groups, nodes/proxy, mutating webhooks", async () => {
        const cases: [Rule, RegExp][] = [
            [{ apiGroups: [""], resources: ["users", "groups"], verbs: ["impersonate"] }, /impersonate users, groups or UIDs/],
            [{ apiGroups: [""], resources: ["nodes/proxy"], verbs: ["get"] }, /run commands in any pod through the kubelet/],
            [{ apiGroups: ["admissionregistration.k8s.io"], resources: ["mutatingwebhookconfigurations"], verbs: ["create"] }, /admission webhooks/],
            // Kubernetes 1.32+: a MutatingAdmissionPolicy and its binding mutate pods in admission with CEL, as a mutating webhook does.
            [{ apiGroups: ["admissionregistration.k8s.io"], resources: ["mutatingadmissionpolicies", "mutatingadmissionpolicybindings"], verbs: ["create"] }, /mutating admission policies/],
            // A validating webhook is sent the objects it selects as they are written: a service-account-token Secret the token controller fills.
            [{ apiGroups: ["admissionregistration.k8s.io"], resources: ["validatingwebhookconfigurations"], verbs: ["patch"] }, /validating webhooks/],
        ];
        for (const [rule, expected] of cases) {
            const found = await rbacFindings(...base, clusterRole("powers", [rule]), clusterRoleBinding("powers", { kind: "ClusterRole", name: "powers" }, [sa("tools", "ci")]));
            assert.equal(found.length, 1, `${JSON.stringify(rule)}: ${found.join("\n")}`);
            assert.match(found[0], /ClusterRoleBinding "powers" binds the ClusterRole "powers" to the ServiceAccount tools\/ci in every namespace: /);
            assert.match(found[0], expected);
        }
        // Near misses: a ValidatingAdmissionPolicy evaluates CEL in the API server and can only refuse (it sends nothing anywhere, changes nothing);
        // reading webhook configurations changes no admission.
        for (const rule of [
            { apiGroups: ["admissionregistration.k8s.io"], resources: ["validatingadmissionpolicies", "validatingadmissionpolicybindings"], verbs: ["create", "update"] },
            { apiGroups: ["admissionregistration.k8s.io"], resources: ["mutatingwebhookconfigurations", "validatingwebhookconfigurations", "mutatingadmissionpolicies"], verbs: ["get", "list", "watch"] },
        ]) {
            assert.deepEqual(await rbacFindings(...base, clusterRole("powers", [rule]), clusterRoleBinding("powers", { kind: "ClusterRole", name: "powers" }, [sa("tools", "ci")])), [], JSON.stringify(rule));
        }
        // Through a RoleBinding a cluster-scoped resource is granted nowhere.
        assert.deepEqual(await rbacFindings(...base, k8sRole("imp", "payments", [cases[0][0]]), roleBinding("imp", "payments", { kind: "Role", name: "imp" }, [sa("payments", "ci")])), []);
    });

    it("every kind of other subject: groups of ServiceAccounts, the authenticated, a user, another namespace's ServiceAccount, the workload's own ServiceAccount elsewhere", async () => {
        const rules = [{ apiGroups: [""], resources: ["pods"], verbs: ["create"] }];
        const subjects: [unknown, RegExp][] = [
            [{ kind: "Group", name: "system:serviceaccounts" }, /to the Group "system:serviceaccounts"/],
            [{ kind: "Group", name: "system:serviceaccounts:payments" }, /to the Group "system:serviceaccounts:payments"/],
            [{ kind: "Group", name: "system:authenticated" }, /to the Group "system:authenticated"/],
            [{ kind: "User", name: "alice@example.com" }, /to the User "alice@example.com"/],
            [{ kind: "User", name: "system:serviceaccount:payments:ci" }, /to the ServiceAccount payments\/ci/],
            [sa("tools", "ci"), /to the ServiceAccount tools\/ci/],
            // The api pods' own ServiceAccount, given the right in payments, becomes payments/processor.
            [sa("apps", "api"), /to the ServiceAccount apps\/api/],
            // A ServiceAccount subject without a namespace is the RoleBinding's.
            [{ kind: "ServiceAccount", name: "default" }, /to the ServiceAccount payments\/default/],
        ];
        for (const [each, expected] of subjects) {
            const found = await rbacFindings(...base, k8sRole("runner", "payments", rules), roleBinding("runner", "payments", { kind: "Role", name: "runner" }, [each]));
            assert.equal(found.length, 1, `${JSON.stringify(each)}: ${found.join("\n")}`);
            assert.match(found[0], expected);
            assert.match(found[0], /become the ServiceAccount payments\/processor/);
        }
        // A ClusterRoleBinding reaches every namespace: the api ServiceAccount becomes payments/processor from apps.
        const cluster = await rbacFindings(...base, clusterRole("runner", rules), clusterRoleBinding("runner", { kind: "ClusterRole", name: "runner" }, [sa("apps", "api")]));
        assert.equal(cluster.length, 1, cluster.join("\n"));
        assert.match(cluster[0], /ClusterRoleBinding "runner" binds the ClusterRole "runner" to the ServiceAccount apps\/api in every namespace: .*become the ServiceAccount payments\/processor/);
        assert.doesNotMatch(cluster[0], /ServiceAccount apps\/api \(/, "it already is apps/api");
    });

    it("two workload ServiceAccounts in one namespace: either creating pods becomes the other", async () => {
        const worker = role(stack, "worker", document(irsaStatement(subject("apps", "worker"))), { arn: arnOf("worker") });
        const found = await rbacFindings(...base, worker, k8sRole("runner", "apps", [{ apiGroups: [""], resources: ["pods"], verbs: ["create"] }]), roleBinding("runner", "apps", { kind: "Role", name: "runner" }, [sa("apps", "api")]));
        assert.equal(found.length, 1, found.join("\n"));
        assert.match(found[0], /to the ServiceAccount apps\/api in the namespace apps: .*become the ServiceAccount apps\/worker \(aws:iam\/role:Role "worker"/);
    });

    it("Kubernetes' built-in ClusterRoles bound by name: cluster-admin, admin and edit create pods; patches and aggregation", async () => {
        for (const name of ["cluster-admin", "admin", "edit", "system:aggregate-to-edit", "system:controller:deployment-controller"]) {
            const found = await rbacFindings(...base, roleBinding("bound", "payments", { kind: "ClusterRole", name }, [sa("payments", "ci")]));
            assert.equal(found.length, 1, `${name}: ${found.join("\n")}`);
            assert.match(found[0], new RegExp(`binds the (built-in )?ClusterRole "${name}" to the ServiceAccount payments/ci`));
        }
        assert.ok(builtInClusterRoles.edit.power !== undefined && builtInClusterRoles.view.power === undefined);
        // A ClusterRole labelled to aggregate into view makes view create pods.
        const aggregated = clusterRole("pods-to-view", [{ apiGroups: [""], resources: ["pods"], verbs: ["create"] }], { metadata: { labels: { "rbac.authorization.k8s.io/aggregate-to-view": "true" } } });
        const throughView = await rbacFindings(...base, aggregated, roleBinding("viewers", "payments", { kind: "ClusterRole", name: "view" }, [{ kind: "Group", name: "system:serviceaccounts:payments" }]));
        assert.equal(throughView.length, 2, throughView.join("\n"));
        assert.match(throughView[0], /^mandatory: kubernetes:rbac\.authorization\.k8s\.io\/v1:ClusterRole "pods-to-view" is labelled rbac\.authorization\.k8s\.io\/aggregate-to-view, so every subject bound to the built-in ClusterRole "view", in this stack or not .*create pods/);
        assert.match(throughView[1], /binds the built-in ClusterRole "view" .*ClusterRole "pods-to-view" rules\[0\]/);
        // Even with no binding in the stack: view is bound outside it (EKS access policies map to it).
        const unbound = await rbacFindings(...base, aggregated);
        assert.equal(unbound.length, 1, unbound.join("\n"));
        assert.match(unbound[0], /"pods-to-view" is labelled .*become the ServiceAccount payments\/processor/);
        const readsToView = clusterRole("reads-to-view", [{ apiGroups: ["example.com"], resources: ["widgets"], verbs: ["get", "list"] }], { metadata: { labels: { "rbac.authorization.k8s.io/aggregate-to-view": "true" } } });
        assert.deepEqual(await rbacFindings(...base, readsToView), [], "near miss: an aggregated reader");
        // An aggregated ClusterRole of the stack: the rules of the ClusterRoles it selects, the built-ins' too.
        const picked = clusterRole("token-minter", [{ apiGroups: [""], resources: ["serviceaccounts/token"], verbs: ["create"] }], { metadata: { labels: { "example.com/aggregate-to-ci": "true" } } });
        const aggregating = clusterRole("ci", undefined, { aggregationRule: { clusterRoleSelectors: [{ matchLabels: { "example.com/aggregate-to-ci": "true" } }] } });
        const viaAggregation = await rbacFindings(...base, picked, aggregating, roleBinding("ci", "payments", { kind: "ClusterRole", name: "ci" }, [sa("payments", "ci")]));
        assert.equal(viaAggregation.length, 1, viaAggregation.join("\n"));
        assert.match(viaAggregation[0], /ClusterRole "token-minter" rules\[0\] .* lets it create tokens for ServiceAccounts/);
        const ofEdit = clusterRole("edit-too", undefined, { aggregationRule: { clusterRoleSelectors: [{ matchExpressions: [{ key: "rbac.authorization.k8s.io/aggregate-to-edit", operator: "Exists" }] }] } });
        const viaEdit = await rbacFindings(...base, ofEdit, roleBinding("ci", "payments", { kind: "ClusterRole", name: "edit-too" }, [sa("payments", "ci")]));
        assert.equal(viaEdit.length, 1, viaEdit.join("\n"));
        assert.match(viaEdit[0], /aggregates the built-in ClusterRole "system:aggregate-to-edit"/);
        // Patches: a ClusterRoleBindingPatch, and a RolePatch that leaves the rules unseen.
        const patched = await rbacFindings(...base, resource(stack, `${rbac}:ClusterRoleBindingPatch`, "admins", { metadata: { name: "admins" }, roleRef: { kind: "ClusterRole", name: "cluster-admin" }, subjects: [{ kind: "Group", name: "ops" }] }));
        assert.equal(patched.length, 1, patched.join("\n"));
        assert.match(patched[0], /ClusterRoleBindingPatch "admins" binds the built-in ClusterRole "cluster-admin" to the Group "ops" in every namespace/);
        const rolePatch = await rbacFindings(...base, resource(stack, `${rbac}:RolePatch`, "deployer", { metadata: { name: "deployer", namespace: "payments", labels: { team: "ci" } } }), roleBinding("deployer", "payments", { kind: "Role", name: "deployer" }, [sa("payments", "ci")]));
        assert.equal(rolePatch.length, 1, rolePatch.join("\n"));
        assert.match(rolePatch[0], /patches a role without setting its rules, so the rules it keeps cannot be read/);
        const subjectsKept = await rbacFindings(...base, resource(stack, `${rbac}:RoleBindingPatch`, "viewers", { metadata: { name: "viewers", namespace: "payments" }, roleRef: { kind: "ClusterRole", name: "edit" } }));
        assert.match(subjectsKept[0], /to a subject the pack cannot read \(.*RoleBindingPatch "viewers" patches a binding without setting its subjects/);
        const list = await rbacFindings(...base, resource(stack, `${rbac}:RoleBindingList`, "bindings", { items: [{ metadata: { name: "a", namespace: "payments" }, roleRef: { kind: "ClusterRole", name: "admin" }, subjects: [sa("payments", "ci")] }] }));
        assert.match(list[0], /RoleBindingList "bindings" items\[0\] binds the built-in ClusterRole "admin" to the ServiceAccount payments\/ci/);
        // A role the stack does not hold cannot be read.
        const outside = await rbacFindings(...base, roleBinding("deployer", "payments", { kind: "Role", name: "made-by-helm" }, [sa("payments", "ci")]));
        assert.match(outside[0], /the Role "made-by-helm" is not a role of this stack, so its rules cannot be read/);
    });

    it("Pod Identity: the association's ServiceAccount is a workload ServiceAccount", async () => {
        const podRole = role(stack, "pod-payments", document(podIdentityStatement()), { arn: arnOf("pod-payments") });
        const association = resource(stack, "aws:eks/podIdentityAssociation:PodIdentityAssociation", "processor", { clusterName: "apps", namespace: "billing", serviceAccount: "processor", roleArn: arnOf("pod-payments") });
        const found = await rbacFindings(podRole, association, k8sRole("deployer", "billing", [{ apiGroups: ["apps"], resources: ["deployments"], verbs: ["create"] }]), roleBinding("deployer", "billing", { kind: "Role", name: "deployer" }, [sa("billing", "ci")]));
        assert.equal(found.length, 1, found.join("\n"));
        assert.match(found[0], /become the ServiceAccount billing\/processor \(aws:eks\/podIdentityAssociation:PodIdentityAssociation "processor", a Pod Identity association\)/);
        // Its trust's session tags name apps/api (policyPackFixtures): without the association, that one.
        const byTags = await rbacFindings(podRole, k8sRole("deployer", "apps", [{ apiGroups: [""], resources: ["pods"], verbs: ["create"] }]), roleBinding("deployer", "apps", { kind: "Role", name: "deployer" }, [sa("apps", "ci")]));
        assert.match(byTags[0], /become the ServiceAccount apps\/api \(aws:iam\/role:Role "pod-payments"/);
    });

    it("during preview, values not known yet fail closed", async () => {
        const unknownString = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
        const unknownAt = (props: Record<string, unknown>, key: string): Record<string, unknown> => {
            Object.defineProperty(props, key, { enumerable: true, get: () => { throw new UnknownValueError(unknownString, [key]); } });
            return props;
        };
        // The rules, the subjects, the namespace of the binding, and a roleRef named by another resource's output.
        const unknownRules = await rbacFindings(...base, resource(stack, `${rbac}:Role`, "deployer", unknownAt({ metadata: { name: "deployer", namespace: "payments" } }, "rules")), roleBinding("deployer", "payments", { kind: "Role", name: "deployer" }, [sa("payments", "ci")]));
        assert.match(unknownRules[0], /^mandatory: .*the rules of kubernetes:rbac\.authorization\.k8s\.io\/v1:Role "deployer" are not known yet \(preview\)/);
        const runner = k8sRole("runner", "payments", [{ apiGroups: [""], resources: ["pods"], verbs: ["create"] }]);
        const unknownSubjects = await rbacFindings(...base, runner, resource(stack, `${rbac}:RoleBinding`, "runner", unknownAt({ metadata: { name: "runner", namespace: "payments" }, roleRef: { kind: "Role", name: "runner" } }, "subjects")));
        assert.match(unknownSubjects[0], /to a subject the pack cannot read \(the subjects of .* are not known yet \(preview\)\)/);
        const unknownNamespace = await rbacFindings(...base, runner, resource(stack, `${rbac}:RoleBinding`, "runner", { metadata: unknownAt({ name: "runner" }, "namespace"), roleRef: { kind: "Role", name: "runner" }, subjects: [sa("tools", "ci")] }));
        assert.match(unknownNamespace[0], /in a namespace not known yet or not set \(any\)/);
        const byDependency = resource(stack, `${rbac}:RoleBinding`, "runner", unknownAt({ metadata: { name: "runner", namespace: "payments" }, subjects: [sa("payments", "ci")] }, "roleRef"), { roleRef: [runner.urn] });
        assert.match((await rbacFindings(...base, runner, byDependency))[0], /binds kubernetes:rbac\.authorization\.k8s\.io\/v1:Role "runner" to the ServiceAccount payments\/ci/);
        const readOnly = k8sRole("reader", "payments", [{ apiGroups: [""], resources: ["pods"], verbs: ["get"] }]);
        assert.deepEqual(await rbacFindings(...base, readOnly, resource(stack, `${rbac}:RoleBinding`, "reader", unknownAt({ metadata: { name: "reader", namespace: "payments" }, subjects: [sa("payments", "ci")] }, "roleRef"), { roleRef: [readOnly.urn] })), [], "the role it depends on reads only");
        // A workload role whose trust is not known yet could be bound to any ServiceAccount, so a RoleBinding in any namespace counts.
        const pending = resource(stack, "aws:iam/role:Role", "pending", unknownAt({ name: "pending" }, "assumeRolePolicy"));
        const anywhere = await rbacFindings(pending, k8sRole("runner", "tools", [{ apiGroups: [""], resources: ["pods"], verbs: ["create"] }]), roleBinding("runner", "tools", { kind: "Role", name: "runner" }, [sa("tools", "ci")]));
        assert.match(anywhere[0], /become any ServiceAccount \(aws:iam\/role:Role "pending" \(its trust policy is not known yet \(preview\)/);
        // A ServiceAccount whose role ARN is not known yet keeps its known namespace.
        const saPending = resource(stack, "kubernetes:core/v1:ServiceAccount", "processor", { metadata: { name: "processor", namespace: "payments", annotations: unknownAt({}, "eks.amazonaws.com/role-arn") } });
        assert.deepEqual(await rbacFindings(saPending, k8sRole("runner", "tools", [{ apiGroups: [""], resources: ["pods"], verbs: ["create"] }]), roleBinding("runner", "tools", { kind: "Role", name: "runner" }, [sa("tools", "ci")])), []);
        assert.equal((await rbacFindings(saPending, runner, roleBinding("runner", "payments", { kind: "Role", name: "runner" }, [sa("payments", "ci")]))).length, 1);
    });

    it("during an update each finding is refused at the resource that completes it, before the engine creates it, and once", async () => {
        const runner = k8sRole("runner", "payments", [{ apiGroups: [""], resources: ["pods"], verbs: ["create"] }]);
        const binding = roleBinding("runner", "payments", { kind: "Role", name: "runner" }, [sa("payments", "ci")]);
        const reported = async (...resources: PlainResource[]) =>
            (await evaluatePolicies(policies, resources)).filter((finding) => finding.policyName === "workload-serviceaccount-rbac").map((finding) => ({ urn: finding.urn, level: finding.enforcementLevel }));
        // The binding after its role and the bound ServiceAccount: refused at the binding.
        assert.deepEqual(await reported(...base, runner, binding), [{ urn: binding.urn, level: "mandatory" }]);
        // The binding before the role it names: no guess at the binding; the role completes it.
        assert.deepEqual(await reported(...base, binding, runner), [{ urn: runner.urn, level: "mandatory" }]);
        // The RBAC before the ServiceAccount and its role: the ServiceAccount's annotation completes it.
        assert.deepEqual(await reported(runner, binding, processor, payments), [{ urn: processor.urn, level: "mandatory" }]);
        // A role the stack never registers: the whole-stack pass fails closed on it.
        const dangling = roleBinding("dangling", "payments", { kind: "Role", name: "nowhere" }, [sa("payments", "ci")]);
        assert.deepEqual(await reported(...base, dangling), [{ urn: dangling.urn, level: "mandatory" }]);
    });

    it("near misses: reading pods, view, a namespace with no workload ServiceAccount, the ServiceAccount's own rights, its own token", async () => {
        const readPods = [{ apiGroups: [""], resources: ["pods", "pods/log"], verbs: ["get", "list", "watch"] }];
        assert.deepEqual(await grantedToCi(readPods), []);
        assert.deepEqual(await grantedToCi([{ apiGroups: [""], resources: ["configmaps", "secrets/status"], verbs: ["*"] }, { apiGroups: ["apps"], resources: ["deployments/scale"], verbs: ["patch"] }]), []);
        assert.deepEqual(await grantedToCi([{ apiGroups: ["networking.k8s.io"], resources: ["pods"], verbs: ["create"] }]), [], "pods are not of that group");
        assert.deepEqual(await rbacFindings(...base, roleBinding("viewers", "payments", { kind: "ClusterRole", name: "view" }, [{ kind: "Group", name: "system:authenticated" }])), []);
        assert.deepEqual(await rbacFindings(...base, clusterRoleBinding("viewers", { kind: "ClusterRole", name: "view" }, [{ kind: "Group", name: "system:serviceaccounts" }])), []);
        const createPods = [{ apiGroups: [""], resources: ["pods"], verbs: ["create"] }];
        assert.deepEqual(await rbacFindings(...base, k8sRole("runner", "tools", createPods), roleBinding("runner", "tools", { kind: "Role", name: "runner" }, [sa("tools", "ci")])), [], "no workload ServiceAccount lives in tools");
        assert.deepEqual(await rbacFindings(...base, k8sRole("runner", "apps", createPods), roleBinding("runner", "apps", { kind: "Role", name: "runner" }, [sa("apps", "api")])), [], "apps/api alone in apps becomes nothing it is not");
        const ownToken = [{ apiGroups: [""], resources: ["serviceaccounts/token"], verbs: ["create"], resourceNames: ["processor"] }];
        assert.deepEqual(await rbacFindings(...base, k8sRole("self", "payments", ownToken), roleBinding("self", "payments", { kind: "Role", name: "self" }, [sa("payments", "processor")])), []);
        assert.deepEqual(await grantedToCi([{ apiGroups: [""], resources: ["serviceaccounts/token"], verbs: ["create"], resourceNames: ["ci"] }]), [], "ci's own token");
        // A User subject spelled as the ServiceAccount's username is that ServiceAccount.
        assert.deepEqual(await rbacFindings(...base, k8sRole("self", "payments", ownToken), roleBinding("self", "payments", { kind: "Role", name: "self" }, [{ kind: "User", name: "system:serviceaccount:payments:processor" }])), []);
        // No workload ServiceAccount at all: RBAC is someone else's concern.
        assert.deepEqual(await rbacFindings(k8sRole("runner", "payments", createPods), roleBinding("runner", "payments", { kind: "Role", name: "runner" }, [sa("payments", "ci")])), []);
    });

    it("a workload ServiceAccount only a ServiceAccountList, a CustomResource ServiceAccount, a CloudControl or a CloudFormation Pod Identity association names (the role made elsewhere)", async () => {
        // EKS Pod Identity hands the association's role to every pod that runs as its ServiceAccount (EKS User Guide, "Pod Identity"), and the
        // pod identity webhook injects the annotated role into pods of an annotated ServiceAccount: whoever creates pods in payments as it gets the role.
        const external = "arn:aws:iam::123456789012:role/made-elsewhere";
        const association = { ClusterName: "apps", Namespace: "payments", ServiceAccount: "processor", RoleArn: external };
        const holders: PlainResource[] = [
            // A ServiceAccount written as a kubernetes.apiextensions.CustomResource of apiVersion v1 is registered as kubernetes:v1:ServiceAccount.
            resource(stack, "kubernetes:v1:ServiceAccount", "processor", { apiVersion: "v1", kind: "ServiceAccount", metadata: { name: "processor", namespace: "payments", annotations: { "eks.amazonaws.com/role-arn": external } } }),
            resource(stack, "kubernetes:core/v1:ServiceAccountList", "accounts", { items: [{ metadata: { name: "processor", namespace: "payments", annotations: { "eks.amazonaws.com/role-arn": external } } }] }),
            resource(stack, "aws:cloudcontrol/resource:Resource", "association", { typeName: "AWS::EKS::PodIdentityAssociation", desiredState: JSON.stringify(association) }),
            resource(stack, "aws:cloudformation/stack:Stack", "cfn", { templateBody: JSON.stringify({ Resources: { Association: { Type: "AWS::EKS::PodIdentityAssociation", Properties: association } } }) }),
        ];
        const runner = [k8sRole("runner", "payments", [{ apiGroups: [""], resources: ["pods"], verbs: ["create"] }]), roleBinding("runner", "payments", { kind: "Role", name: "runner" }, [sa("payments", "ci")])];
        for (const holder of holders) {
            const found = await rbacFindings(holder, ...runner);
            assert.equal(found.length, 1, `${holder.type}: ${found.join("\n")}`);
            assert.match(found[0], /binds the Role "runner" to the ServiceAccount payments\/ci in the namespace payments: .*become the ServiceAccount payments\/processor/);
        }
        // Near miss: the same association for a ServiceAccount of another namespace.
        const elsewhere = resource(stack, "aws:cloudcontrol/resource:Resource", "association", { typeName: "AWS::EKS::PodIdentityAssociation", desiredState: JSON.stringify({ ...association, Namespace: "tools" }) });
        assert.deepEqual(await rbacFindings(elsewhere, ...runner), []);
    });

    it("pods made through a custom resource whose controller runs them as the ServiceAccount the object names", async () => {
        // An Argo Workflow's spec.serviceAccountName, a Tekton TaskRun's spec.serviceAccountName (taskRunTemplate for a PipelineRun), a KEDA
        // ScaledJob's jobTargetRef pod template, a Knative Service's template: the controller creates the pods as that ServiceAccount of the namespace.
        for (const [group, resources] of [["argoproj.io", ["workflows"]], ["tekton.dev", ["taskruns"]], ["keda.sh", ["scaledjobs"]], ["serving.knative.dev", ["services"]]] as const) {
            const found = await grantedToCi([{ apiGroups: [group], resources: [...resources], verbs: ["create"] }]);
            assert.equal(found.length, 1, `${group}: ${found.join("\n")}`);
            assert.match(found[0], /create pods \(.*\) with any ServiceAccount of the namespace.*become the ServiceAccount payments\/processor/);
        }
        // Near miss: templates and reads start nothing (an Argo WorkflowTemplate runs only when a Workflow names it).
        assert.deepEqual(await grantedToCi([{ apiGroups: ["argoproj.io"], resources: ["workflowtemplates"], verbs: ["create"] }, { apiGroups: ["argoproj.io"], resources: ["workflows"], verbs: ["get", "list"] }]), []);
    });

    it("powersOf: a RoleBinding grants no cluster-scoped resource, resourceNames restrict tokens only", () => {
        const rules = [{ rule: { apiGroups: [""], resources: ["nodes/proxy", "serviceaccounts/token"], verbs: ["get", "create"], resourceNames: ["a"] }, evidence: "r" }];
        assert.deepEqual(powersOf([{ rules }], false).map((power) => [power.what, power.names]), [["create tokens for ServiceAccounts", ["a"]]]);
        assert.deepEqual(powersOf([{ rules }], true).map((power) => power.what), ["create tokens for ServiceAccounts", "run commands in any pod through the kubelet (nodes/proxy)"]);
    });
});

describe("policy pack: an EKS add-on's Pod Identity associations", () => {
    // An add-on's podIdentityAssociations make a Pod Identity association of the role with each ServiceAccount the add-on runs
    // (EKS User Guide, "IAM roles for Amazon EKS add-ons" / Pod Identity), in the add-on's namespace (namespaceConfig, else the add-on's own).
    const external = "arn:aws:iam::123456789012:role/made-elsewhere";
    const runner = (namespace: string) => [k8sRole("runner", namespace, [{ apiGroups: [""], resources: ["pods"], verbs: ["create"] }]), roleBinding("runner", namespace, { kind: "Role", name: "runner" }, [sa(namespace, "ci")])];
    const addons = (namespace?: string): PlainResource[] => [
        resource(stack, "aws:eks/addon:Addon", "ebs", { clusterName: "apps", addonName: "aws-ebs-csi-driver", podIdentityAssociations: [{ roleArn: external, serviceAccount: "ebs-csi-controller-sa" }], ...(namespace !== undefined && { namespaceConfig: { namespace } }) }),
        resource(stack, "aws-native:eks:Addon", "ebs", { clusterName: "apps", addonName: "aws-ebs-csi-driver", podIdentityAssociations: [{ roleArn: external, serviceAccount: "ebs-csi-controller-sa" }], ...(namespace !== undefined && { namespaceConfig: { namespace } }) }),
        resource(stack, "aws:cloudformation/stack:Stack", "cfn", {
            templateBody: JSON.stringify({ Resources: { Ebs: { Type: "AWS::EKS::Addon", Properties: { ClusterName: "apps", AddonName: "aws-ebs-csi-driver", PodIdentityAssociations: [{ RoleArn: external, ServiceAccount: "ebs-csi-controller-sa" }], ...(namespace !== undefined && { NamespaceConfig: { Namespace: namespace } }) } } } }),
        }),
        resource(stack, "aws:cloudcontrol/resource:Resource", "ebs", {
            typeName: "AWS::EKS::Addon",
            desiredState: JSON.stringify({ ClusterName: "apps", AddonName: "aws-ebs-csi-driver", PodIdentityAssociations: [{ RoleArn: external, ServiceAccount: "ebs-csi-controller-sa" }], ...(namespace !== undefined && { NamespaceConfig: { Namespace: namespace } }) }),
        }),
    ];

    it("its ServiceAccount is a workload ServiceAccount: in its namespaceConfig, or (EKS chooses it) in any namespace", async () => {
        for (const addon of addons("storage")) {
            const found = await rbacFindings(addon, ...runner("storage"));
            assert.equal(found.length, 1, `${addon.type}: ${found.join("\n")}`);
            assert.match(found[0], /binds the Role "runner" to the ServiceAccount storage\/ci in the namespace storage: .*become the ServiceAccount storage\/ebs-csi-controller-sa .*[pP]odIdentityAssociations\[0\], a Pod Identity association/);
        }
        for (const addon of addons()) {
            const found = await rbacFindings(addon, ...runner("kube-system"));
            assert.equal(found.length, 1, `${addon.type}: ${found.join("\n")}`);
        }
    });

    it("near misses: the add-on's namespace is another; a role whose trust names the add-on's ServiceAccount bounds an association whose namespace EKS chooses", async () => {
        for (const addon of addons("storage")) {
            assert.deepEqual(await rbacFindings(addon, ...runner("apps")), [], addon.type);
        }
        const tagged = role(stack, "ebs", document(podIdentityStatement({ StringEquals: { "aws:SourceAccount": account, "aws:RequestTag/kubernetes-namespace": "kube-system", "aws:RequestTag/kubernetes-service-account": "ebs-csi-controller-sa" } })), { arn: arnOf("ebs") });
        const addon = resource(stack, "aws:eks/addon:Addon", "ebs", { clusterName: "apps", addonName: "aws-ebs-csi-driver", podIdentityAssociations: [{ roleArn: arnOf("ebs"), serviceAccount: "ebs-csi-controller-sa" }] });
        assert.deepEqual(await rbacFindings(tagged, addon, ...runner("apps")), []);
        const found = await rbacFindings(tagged, addon, ...runner("kube-system"));
        assert.equal(found.length, 1, found.join("\n"));
        assert.match(found[0], /become the ServiceAccount kube-system\/ebs-csi-controller-sa/);
    });
});
