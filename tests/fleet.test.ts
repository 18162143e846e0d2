import * as assert from "node:assert/strict";

import { FleetWorkloadArgs, fleetRoleName, mergeWorkload, planFleet, PolicyDocument, shardTrust, ShardableCluster, webIdentityTrustPolicy, WorkloadIdentitiesArgs } from "../components/index";

/** The length IAM counts, measured here on the JSON itself: characters, white space not counted. */
const iamLength = (document: PolicyDocument): number => JSON.stringify(document).replace(/\s/g, "").length;

const issuerOf = (index: number): string => `oidc.eks.us-west-2.amazonaws.com/id/${index.toString(16).toUpperCase().padStart(32, "0")}`;
const providerArnOf = (index: number): string => `arn:aws:iam::123456789012:oidc-provider/${issuerOf(index)}`;
const clustersOf = (count: number): ShardableCluster[] => Array.from({ length: count }, (_, index) => ({ name: `c${index}`, measuredProviderArn: providerArnOf(index) }));
const subjects = [{ namespace: "apps", serviceAccountName: "reports-reader" }];

/** The trust policy a group of clusters gets: the document an IRSA binding creates for them. */
function groupTrust(clusterNames: string[], someSubjects = subjects): PolicyDocument {
    const providers = clusterNames.map((name) => Number(name.slice(1))).map((index) => ({ arn: providerArnOf(index), issuer: issuerOf(index) }));
    return webIdentityTrustPolicy({ providers, subjects: someSubjects, audience: "sts.amazonaws.com" });
}

describe("fleet role names", () => {
    it("are the prefix and the workload's name, with a suffix for later trust groups and for Pod Identity", () => {
        assert.equal(fleetRoleName("platform-", "external-dns", { mechanism: "irsa", group: 0 }), "platform-external-dns");
        assert.equal(fleetRoleName("platform-", "external-dns", { mechanism: "irsa", group: 1 }), "platform-external-dns.2");
        assert.equal(fleetRoleName("platform-", "external-dns", { mechanism: "irsa", group: 11 }), "platform-external-dns.12");
        assert.equal(fleetRoleName("platform-", "external-dns", { mechanism: "pod-identity" }), "platform-external-dns.pod-identity");
    });

    it("are cut to 64 characters with a hash of the whole name, deterministically, and stay valid role names", () => {
        const long = "a".repeat(60);
        for (const place of [{ mechanism: "irsa", group: 0 }, { mechanism: "irsa", group: 9 }, { mechanism: "pod-identity" }] as const) {
            const name = fleetRoleName("team-", long, place);
            assert.ok(name.length <= 64, name);
            assert.match(name, /^[\w+=,.@-]{1,64}$/);
            assert.equal(fleetRoleName("team-", long, place), name);
        }
        // Two names that share everything the cut keeps differ by their hash.
        const first = fleetRoleName("team-", `${"b".repeat(58)}-one`, { mechanism: "irsa", group: 0 });
        const second = fleetRoleName("team-", `${"b".repeat(58)}-two`, { mechanism: "irsa", group: 0 });
        assert.notEqual(first, second);
        assert.equal(first.length, 64);
    });

    it("never collide, whatever the workloads are called: suffixes and hashes use characters a workload name cannot hold", () => {
        const names = ["a", "a-2", "a-pod-identity", "a2", "x".repeat(63), `${"x".repeat(62)}y`, `${"x".repeat(50)}-2`, `${"x".repeat(40)}`];
        const all: string[] = [];
        for (const name of names) {
            for (let group = 0; group < 12; group += 1) {
                all.push(fleetRoleName("p-", name, { mechanism: "irsa", group }));
            }
            all.push(fleetRoleName("p-", name, { mechanism: "pod-identity" }));
        }
        assert.equal(new Set(all.map((name) => name.toLowerCase())).size, all.length);
        assert.ok(all.every((name) => name.length <= 64));
    });
});

describe("trust sharding", () => {
    it("puts 40 IRSA clusters at the 2,048 limit in the fewest roles that fit, every trust under the limit", () => {
        const { groups, problem } = shardTrust(clustersOf(40), subjects, "sts.amazonaws.com", 2048);
        assert.equal(problem, undefined);
        // The most clusters one role can trust: the first count whose trust no longer fits, less one.
        let mostPerRole = 1;
        while (iamLength(groupTrust(clustersOf(mostPerRole + 1).map((cluster) => cluster.name))) <= 2048) {
            mostPerRole += 1;
        }
        assert.equal(mostPerRole, 4);
        assert.equal(groups.length, Math.ceil(40 / mostPerRole));
        assert.deepEqual(groups.flatMap((group) => group.clusters), clustersOf(40).map((cluster) => cluster.name));
        for (const group of groups) {
            const length = iamLength(groupTrust(group.clusters));
            assert.ok(length <= 2048, `${group.clusters.join(",")}: ${length}`);
            assert.equal(group.trustPolicyLength, length);
        }
    });

    it("leaves every existing group as it was when a 41st cluster is added: the new one opens a group of its own", () => {
        const before = shardTrust(clustersOf(40), subjects, "sts.amazonaws.com", 2048).groups;
        const after = shardTrust(clustersOf(41), subjects, "sts.amazonaws.com", 2048).groups;
        assert.deepEqual(after.slice(0, before.length), before);
        assert.deepEqual(after.slice(before.length).map((group) => group.clusters), [["c40"]]);
    });

    it("fills a last group that has room, and moves no cluster, as clusters are added one by one", () => {
        let previous = shardTrust(clustersOf(1), subjects, "sts.amazonaws.com", 2048).groups;
        for (let count = 2; count <= 13; count += 1) {
            const next = shardTrust(clustersOf(count), subjects, "sts.amazonaws.com", 2048).groups;
            // Every cluster keeps its group, and every group but the last keeps its clusters.
            for (const [index, group] of previous.entries()) {
                assert.deepEqual(next[index].clusters.slice(0, group.clusters.length), group.clusters);
                if (index < previous.length - 1) {
                    assert.deepEqual(next[index], group);
                }
            }
            previous = next;
        }
        assert.deepEqual(previous.map((group) => group.clusters.length), [4, 4, 4, 1]);
    });

    it("fits more clusters per role at a raised limit, and refuses a workload whose trust fits no single cluster", () => {
        assert.equal(shardTrust(clustersOf(40), subjects, "sts.amazonaws.com", 8192).groups.length, 3);
        const many = Array.from({ length: 30 }, (_, index) => ({ namespace: "apps", serviceAccountName: `account-with-a-long-name-${index}` }));
        const { problem } = shardTrust(clustersOf(2), many, "sts.amazonaws.com", 2048);
        assert.match(problem ?? "", /trust of one cluster \(c0\) is \d+ characters for 30 ServiceAccount\(s\), over the limit of 2048/);
    });
});

describe("planning a fleet", () => {
    const irsaClusters = Array.from({ length: 6 }, (_, index) => ({ name: `irsa-${index}`, oidcProviderArn: providerArnOf(index) }));
    const fleet = (overrides: Partial<WorkloadIdentitiesArgs> = {}): WorkloadIdentitiesArgs => ({
        clusters: [...irsaClusters, { name: "pi-west", podIdentityClusterName: "west" }, { name: "pi-east", podIdentityClusterName: "east", region: "us-east-1" }],
        workloads: [
            { name: "external-dns", namespace: "kube-system", serviceAccountName: "external-dns" },
            { name: "reports", namespace: "apps", serviceAccountName: "reports", clusters: ["irsa-0", "pi-east"] },
        ],
        roleNamePrefix: "platform-",
        ...overrides,
    });

    it("gives each workload its IRSA groups and one role for its Pod Identity clusters, on its clusters only", () => {
        const { plan, problem } = planFleet(fleet());
        assert.equal(problem, undefined);
        const [dns, reports] = plan!.workloads;
        assert.deepEqual(
            dns.roles.map((role) => [role.roleName, role.clusters]),
            [
                ["platform-external-dns", ["irsa-0", "irsa-1", "irsa-2", "irsa-3"]],
                ["platform-external-dns.2", ["irsa-4", "irsa-5"]],
                ["platform-external-dns.pod-identity", ["pi-west", "pi-east"]],
            ],
        );
        assert.deepEqual(
            reports.roles.map((role) => [role.roleName, role.clusters]),
            [
                ["platform-reports", ["irsa-0"]],
                ["platform-reports.pod-identity", ["pi-east"]],
            ],
        );
        assert.deepEqual(reports.clusters, ["irsa-0", "pi-east"]);
    });

    it("orders a workload's clusters by the fleet's list, whatever order the workload names them in", () => {
        const { plan } = planFleet(fleet({ workloads: [{ name: "w", namespace: "apps", serviceAccountName: "w", clusters: ["irsa-5", "irsa-0", "pi-west"] }] }));
        assert.deepEqual(plan!.workloads[0].roles[0].clusters, ["irsa-0", "irsa-5"]);
    });

    it("merges the defaults into each workload: the workload's own fields win, tags are added together", () => {
        const merged = mergeWorkload(
            { namespace: "apps", serviceAccountName: "default", policyArns: ["arn:aws:iam::aws:policy/ReadOnlyAccess"], tags: { team: "platform", env: "dev" } },
            { name: "w", serviceAccountName: "w", tags: { env: "prod" }, clusters: undefined } as FleetWorkloadArgs,
        );
        assert.deepEqual(merged, { name: "w", namespace: "apps", serviceAccountName: "w", policyArns: ["arn:aws:iam::aws:policy/ReadOnlyAccess"], tags: { team: "platform", env: "prod" } });
        const { plan } = planFleet(fleet({ defaults: { namespace: "shared", serviceAccountName: "shared", clusters: ["irsa-1"] }, workloads: [{ name: "a" }, { name: "b", clusters: ["pi-west"] }] }));
        assert.deepEqual(
            plan!.workloads.map((workload) => [workload.namespace, workload.clusters]),
            [
                ["shared", ["irsa-1"]],
                ["shared", ["pi-west"]],
            ],
        );
    });

    it("places a workload's addon as the bindings do (its ServiceAccount), and hands its bindings the addon beside the workload's own permissions and opt-in", () => {
        const addon = { awsLoadBalancerController: { clusterName: "blue" } };
        const { plan, problem } = planFleet(fleet({ workloads: [{ name: "lb", addon, policyArns: ["arn:aws:iam::aws:policy/AmazonSQSReadOnlyAccess"] }] }));
        assert.equal(problem, undefined);
        const [lb] = plan!.workloads;
        assert.deepEqual([lb.namespace, lb.serviceAccountName], ["kube-system", "aws-load-balancer-controller"]);
        assert.deepEqual([lb.bindingArgs.namespace, lb.bindingArgs.serviceAccountName], ["kube-system", "aws-load-balancer-controller"]);
        assert.deepEqual(lb.bindingArgs.addon, addon);
        assert.deepEqual(lb.bindingArgs.policyArns, ["arn:aws:iam::aws:policy/AmazonSQSReadOnlyAccess"]);
        assert.equal(lb.bindingArgs.policyStatements, undefined);
        // The add-on's opt-in is the add-on's: the workload's own stays false.
        assert.equal(lb.bindingArgs.allowBroadPermissions ?? false, false);
    });

    const refusals: [string, Partial<WorkloadIdentitiesArgs>, RegExp][] = [
        [
            "an unknown cluster name in a workload",
            { workloads: [{ name: "dns", namespace: "a", serviceAccountName: "b", clusters: ["irsa-0", "blue"] }] },
            /^workloads\[0\] \(dns\)\.clusters\[1\] "blue" is invalid: no cluster of the fleet has that name \(the clusters are irsa-0, .*pi-east\)/,
        ],
        ["an unknown cluster name in the defaults", { defaults: { clusters: ["green"] } }, /^defaults\.clusters\[0\] "green" is invalid: no cluster of the fleet/],
        [
            "two workloads with one key",
            { workloads: [{ name: "dns", namespace: "a", serviceAccountName: "b" }, { name: "dns", namespace: "c", serviceAccountName: "d" }] },
            /^workloads\[1\]\.name "dns" is invalid: workloads\[0\] has that name already/,
        ],
        ["a name that cannot make a valid role name", { workloads: [{ name: "External_DNS", namespace: "a", serviceAccountName: "b" }] }, /^workloads\[0\]\.name "External_DNS" is invalid: .*names the workload's roles/],
        ["a name too long for a label", { workloads: [{ name: "x".repeat(64), namespace: "a", serviceAccountName: "b" }] }, /^workloads\[0\]\.name "x{64}" is invalid/],
        ["a workload on no cluster", { workloads: [{ name: "dns", namespace: "a", serviceAccountName: "b", clusters: [] }] }, /^workloads\[0\] \(dns\)\.clusters is invalid: a workload runs on at least one cluster/],
        ["defaults putting workloads on no cluster", { defaults: { clusters: [] } }, /^defaults\.clusters is invalid: a workload runs on at least one cluster/],
        ["a workload without a namespace", { workloads: [{ name: "dns", serviceAccountName: "b" }] }, /^workloads\[0\] \(dns\)\.namespace is missing: give the workload's namespace, or defaults\.namespace/],
        ["a bad namespace", { workloads: [{ name: "dns", namespace: "Kube_System", serviceAccountName: "b" }] }, /^workloads\[0\] \(dns\)\.namespace "Kube_System" is invalid/],
        [
            "a binding argument the bindings refuse",
            { workloads: [{ name: "dns", namespace: "a", serviceAccountName: "b", policyArns: ["arn:aws:iam::aws:policy/AdministratorAccess"] }] },
            /^workloads\[0\] \(dns\): policyArns\[0\] .*allowBroadPermissions/,
        ],
        [
            "a ServiceAccount pattern",
            { workloads: [{ name: "dns", namespace: "a", serviceAccountName: "b", additionalServiceAccounts: [{ namespace: "a", serviceAccountName: "c-*" }] }] },
            /^workloads\[0\] \(dns\): additionalServiceAccounts\[0\]\.serviceAccountName "c-\*" is invalid/,
        ],
        ["a cluster with both mechanisms", { clusters: [{ name: "x", oidcProviderArn: providerArnOf(1), podIdentityClusterName: "x" }] }, /^clusters\[0\] \(x\) is invalid: give exactly one of oidcProviderArn/],
        ["a cluster with neither", { clusters: [{ name: "x" }] }, /^clusters\[0\] \(x\) is invalid: give exactly one of oidcProviderArn/],
        ["two clusters with one key", { clusters: [irsaClusters[0], { ...irsaClusters[1], name: "irsa-0" }] }, /^clusters\[1\]\.name "irsa-0" is invalid: clusters\[0\] has that name already/],
        ["two clusters with one provider", { clusters: [irsaClusters[0], { ...irsaClusters[0], name: "copy" }] }, /^clusters\[1\]\.oidcProviderArn is invalid: clusters\[0\] \(irsa-0\) has the same OIDC provider/],
        ["a bad cluster key", { clusters: [{ name: "blue green", oidcProviderArn: providerArnOf(1) }] }, /^clusters\[0\]\.name "blue green" is invalid/],
        ["a bad provider ARN", { clusters: [{ name: "x", oidcProviderArn: "arn:aws:iam::123456789012:role/x" }] }, /^clusters\[0\]\.oidcProviderArn ".*" is invalid: expected an IAM OIDC provider ARN/],
        ["a region on an IRSA cluster", { clusters: [{ name: "x", oidcProviderArn: providerArnOf(1), region: "us-east-1" }] }, /^clusters\[0\]\.region is invalid: the region of an IRSA cluster is its OIDC provider's/],
        ["a bad region", { clusters: [{ name: "x", podIdentityClusterName: "x", region: "mars" }] }, /^clusters\[0\]\.region "mars" is invalid/],
        ["no cluster at all", { clusters: [] }, /^clusters is invalid: a fleet names at least one cluster/],
        ["a prefix that cannot start a role name", { roleNamePrefix: "team/" }, /^roleNamePrefix "team\/" is invalid/],
        ["a prefix that leaves no room", { roleNamePrefix: "p".repeat(33) }, /^roleNamePrefix "p{33}" is invalid: a role name prefix is at most 32/],
        ["a limit IAM cannot have", { trustPolicyLengthLimit: 9000 }, /^trustPolicyLengthLimit 9000 is invalid: expected a whole number from 2048 to 8192/],
        [
            "an existing role whose trust for the workload's clusters would not fit",
            { workloads: [{ name: "payments", namespace: "apps", serviceAccountName: "api", roleArn: "arn:aws:iam::123456789012:role/payments" }] },
            /^workloads\[0\] \(payments\)\.roleArn is invalid: the trust statements of an existing role for its 6 IRSA clusters are \d+ characters, over the limit of 2048/,
        ],
        [
            "an existing role with permissions the fleet would add",
            { workloads: [{ name: "payments", namespace: "apps", serviceAccountName: "api", roleArn: "arn:aws:iam::123456789012:role/payments", clusters: ["irsa-0"], policyArns: ["arn:aws:iam::aws:policy/ReadOnlyAccess"] }] },
            /^workloads\[0\] \(payments\): policyArns is invalid with roleArn/,
        ],
        [
            "a workload on more Pod Identity clusters than one role's trust can name",
            {
                clusters: Array.from({ length: 26 }, (_, index) => ({ name: `pi-${index}`, podIdentityClusterName: `platform-production-cluster-${index}`, region: "ap-southeast-2" })),
                workloads: [{ name: "dns", namespace: "kube-system", serviceAccountName: "external-dns" }],
            },
            /^workloads\[0\] \(dns\)\.clusters is invalid: its Pod Identity role would trust 26 clusters with a trust policy of at least \d+ characters, over the limit of 2048/,
        ],
        [
            "an addon the catalogue does not have",
            { workloads: [{ name: "lb", addon: { awsLoadBalancer: {} } as never }] },
            /^workloads\[0\] \(lb\): addon\.awsLoadBalancer is invalid: the catalogue has no add-on of that name/,
        ],
        [
            "a workload's own broad statements under its addon's opt-in",
            { workloads: [{ name: "lb", addon: { awsLoadBalancerController: { clusterName: "blue" } }, policyStatements: [{ actions: ["s3:GetObject"], resources: ["*"] }] }] },
            /^workloads\[0\] \(lb\): policyStatements\[0\]/,
        ],
        [
            "a workload whose trust fits no cluster",
            {
                workloads: [
                    {
                        name: "many",
                        namespace: "apps",
                        serviceAccountName: "first",
                        additionalServiceAccounts: Array.from({ length: 30 }, (_, index) => ({ namespace: "apps", serviceAccountName: `account-with-a-long-name-${index}` })),
                    },
                ],
            },
            /^workloads\[0\] \(many\): the trust of one cluster \(irsa-0\)/,
        ],
    ];
    for (const [what, overrides, message] of refusals) {
        it(`refuses ${what}, naming the workload or cluster and the field`, () => {
            const { plan, problem } = planFleet(fleet(overrides));
            assert.equal(plan, undefined);
            assert.match(problem ?? "", message);
        });
    }
});
