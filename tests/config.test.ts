import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";

import { parse } from "yaml";

import { architectureOf, ConfigError, ConfigKey, configKeys, configWarnings, parseConfig, ProgramConfig } from "../program/config";
import { lookupWith, projectDir } from "./stackFiles";

/** The day the rules are checked on, so the support calendar's verdicts do not change under the tests. */
const today = "2026-11-29";

/** The problems parseConfig reports for a stack's config with some keys replaced. */
function problemsOf(overrides: Partial<Record<ConfigKey, string | undefined>>, stack = "dev", on = today): string[] {
    try {
        parseConfig(lookupWith(stack, overrides), on);
    } catch (error) {
        assert.ok(error instanceof ConfigError, String(error));
        return error.problems;
    }
    assert.fail(`accepted ${JSON.stringify(overrides)}`);
}

/** Asserts that the overrides fail with exactly one problem matching `expected`. */
function assertRefused(overrides: Partial<Record<ConfigKey, string | undefined>>, expected: RegExp, stack = "dev", on = today): void {
    const problems = problemsOf(overrides, stack, on);
    assert.equal(problems.length, 1, problems.join("\n"));
    assert.match(problems[0], expected);
}

describe("config", () => {
    it("Pulumi.yaml declares exactly the keys the program reads, each with type, default and description", () => {
        const project = parse(fs.readFileSync(path.join(projectDir, "Pulumi.yaml"), "utf8")) as { config: Record<string, Record<string, unknown>> };
        assert.deepEqual(Object.keys(project.config).sort(), [...configKeys].sort());
        for (const [key, declaration] of Object.entries(project.config)) {
            // workloads is a list of mappings, which no config type declares: the program checks it.
            assert.ok(key === "workloads" ? declaration.type === undefined : ["string", "integer", "boolean", "array"].includes(declaration.type as string), key);
            assert.ok("default" in declaration, `${key} has no default`);
            assert.equal(typeof declaration.description, "string", key);
        }
    });

    it("reads the dev stack: small, spot, two zones, one NAT, a throwaway bucket, the free hardening on", () => {
        const config = parseConfig(lookupWith("dev"), today);
        const expected: ProgramConfig = {
            clusterName: "eks-irsa-dev",
            allowClusterReplacement: false,
            identityMechanism: "irsa",
            identityMechanismTransition: false,
            kubernetesVersion: "1.35",
            upgradeSupportType: "STANDARD",
            endpoint: { publicAccess: true, publicAccessCidrs: ["0.0.0.0/0"] },
            logging: { clusterLogTypes: ["api", "audit", "authenticator"], retentionDays: 7, vpcFlowLogs: false },
            secretsEncryption: true,
            deletionProtection: false,
            networkPolicy: true,
            network: { kind: "new", vpcCidr: "10.0.0.0/16", availabilityZoneCount: 2, natGateways: "single", endpoints: { s3Gateway: true, interfaceServices: [] } },
            nodes: { instanceTypes: ["t3.medium", "t3a.medium"], architecture: "x86_64", capacityType: "SPOT", minSize: 1, desiredSize: 1, maxSize: 2, diskSizeGiB: 20 },
            bucket: {
                kind: "new",
                versioned: false,
                protect: false,
                forceDestroy: true,
                retainOnDelete: false,
                accessLogging: false,
                noncurrentVersionExpirationDays: 90,
            },
            namespace: "irsa-demo",
            serviceAccountName: "s3-reader",
            reader: { keyPrefixes: [], replicas: 1, intervalSeconds: 60 },
            workloads: [
                { name: "aws-load-balancer-controller", catalogue: "aws-load-balancer-controller", serviceAccountMode: "none" },
                { name: "cluster-autoscaler", catalogue: "cluster-autoscaler", serviceAccountMode: "none" },
            ],
            access: { adminArns: [], viewerArns: [] },
        };
        assert.deepEqual(config, expected);
    });

    it("reads the prod stack: three zones each with NAT, on-demand nodes in every zone, a protected versioned bucket, every hardening on", () => {
        const config = parseConfig(lookupWith("prod"), today);
        assert.deepEqual(config.network, {
            kind: "new",
            vpcCidr: "10.20.0.0/16",
            availabilityZoneCount: 3,
            natGateways: "per-az",
            endpoints: { s3Gateway: true, interfaceServices: ["sts", "eks-auth"] },
        });
        assert.equal(config.nodes.capacityType, "ON_DEMAND");
        assert.ok(config.nodes.minSize >= 3, "at least one node per zone");
        assert.deepEqual(config.bucket, {
            kind: "new",
            versioned: true,
            protect: true,
            forceDestroy: false,
            retainOnDelete: true,
            accessLogging: true,
            noncurrentVersionExpirationDays: 90,
        });
        assert.equal(config.identityMechanism, "pod-identity");
        assert.equal(config.identityMechanismTransition, false);
        assert.equal(config.reader.replicas, 2);
        assert.deepEqual(config.endpoint, { publicAccess: true, publicAccessCidrs: ["203.0.113.0/24", "198.51.100.16/28"] });
        assert.deepEqual(config.logging, { clusterLogTypes: ["api", "audit", "authenticator", "controllerManager", "scheduler"], retentionDays: 365, vpcFlowLogs: true });
        assert.deepEqual([config.secretsEncryption, config.deletionProtection, config.networkPolicy, config.upgradeSupportType], [true, true, true, "STANDARD"]);
    });

    it("warns that prod's endpoint blocks are documentation placeholders, and that dev's endpoint is open to the internet", () => {
        const prod = configWarnings(parseConfig(lookupWith("prod"), today), today);
        assert.equal(prod.length, 2);
        assert.match(prod[0], /^eks-irsa:endpointPublicAccessCidrs\[0\] 203\.0\.113\.0\/24 is a documentation range \(RFC 5737\), a placeholder: replace it with your deployer's egress block/);
        assert.match(prod[1], /^eks-irsa:endpointPublicAccessCidrs\[1\] 198\.51\.100\.16\/28 is a documentation range/);
        assert.deepEqual(configWarnings(parseConfig(lookupWith("prod", { endpointPublicAccessCidrs: JSON.stringify(["52.94.76.0/22"]) }), today), today), []);
        const dev = configWarnings(parseConfig(lookupWith("dev"), today), today);
        assert.deepEqual(dev, [
            "eks-irsa:endpointPublicAccessCidrs[0] 0.0.0.0/0 opens the cluster's API endpoint to the whole internet (eks-irsa:endpointPublicAccessFromAnywhere is true): only IAM authentication stands in the way",
        ]);
    });

    it("reads an existing network and an existing bucket", () => {
        const config = parseConfig(
            lookupWith("dev", {
                vpcId: "vpc-0123456789abcdef0",
                privateSubnetIds: JSON.stringify(["subnet-0123456789abcdef0", "subnet-89abcdef"]),
                bucketName: "reports.example-bucket",
                bucketForceDestroy: "false",
            }),
        );
        assert.deepEqual(config.network, { kind: "existing", vpcId: "vpc-0123456789abcdef0", privateSubnetIds: ["subnet-0123456789abcdef0", "subnet-89abcdef"] });
        assert.deepEqual(config.bucket, { kind: "existing", name: "reports.example-bucket" });
    });

    it("names the key, the value and the rule, reusing the components' checks", () => {
        assert.deepEqual(problemsOf({ namespace: "Apps" }), [
            'eks-irsa:namespace "Apps" is invalid: a Kubernetes namespace must be a DNS-1123 label: at most 63 lowercase letters, digits or \'-\', starting and ending with a letter or digit',
        ]);
        assertRefused({ serviceAccountName: "Reader_1" }, /^eks-irsa:serviceAccountName "Reader_1" is invalid: a ServiceAccount name must be a DNS-1123 subdomain/);
        assertRefused({ clusterName: "-cluster" }, /^eks-irsa:clusterName "-cluster" is invalid: an EKS cluster name/);
        assertRefused({ readerKeyPrefixes: JSON.stringify(["reports"]) }, /^eks-irsa:readerKeyPrefixes\[0\] "reports" is invalid: a key prefix names a folder/);
        assertRefused({ readerReplicas: "11" }, /^eks-irsa:readerReplicas 11 is invalid: expected a whole number from 1 to 10$/);
        assertRefused({ readerIntervalSeconds: "2" }, /^eks-irsa:readerIntervalSeconds 2 is invalid: expected a whole number from 5 to 3600$/);
    });

    it("refuses namespaces every cluster already has", () => {
        for (const namespace of ["default", "kube-system", "kube-public", "kube-node-lease"]) {
            assertRefused({ namespace }, new RegExp(`^eks-irsa:namespace "${namespace}" is invalid: the stack creates this namespace`));
        }
    });

    it("refuses Kubernetes versions EKS does not support today, by the release calendar and the upgrade policy", () => {
        for (const version of ["1.99", "1.27", "v1.33", "1.33.1", "2.0", ""]) {
            assertRefused(
                { kubernetesVersion: version },
                /^eks-irsa:kubernetesVersion .* is invalid: expected a Kubernetes minor version EKS supports \(today, with upgrade policy STANDARD: 1\.35, 1\.34\); a newer release must first be added to program\/versions\.ts from the EKS release calendar$/,
            );
        }
        // 1.31's extended support ended on 2026-11-26; 1.29's on 2026-03-23.
        assertRefused({ kubernetesVersion: "1.31", upgradeSupportType: "EXTENDED" }, /^eks-irsa:kubernetesVersion "1\.31" is invalid: EKS support for 1\.31 ended on 2026-11-26 \(standard and extended\); use one of 1\.35, 1\.34, 1\.33, 1\.32$/);
        assertRefused({ kubernetesVersion: "1.33" }, /^eks-irsa:kubernetesVersion "1\.33" is invalid: standard support for 1\.33 ended on 2026-07-29/);
        assertRefused({ kubernetesVersion: "1.29" }, /EKS support for 1\.29 ended on 2026-03-23/);
        // Extended support runs, but a STANDARD cluster would be upgraded by EKS under the program's feet.
        assertRefused({ kubernetesVersion: "1.32" }, /^eks-irsa:kubernetesVersion "1\.32" is invalid: standard support for 1\.32 ended on 2026-03-23, and with upgrade policy STANDARD EKS upgrades the cluster itself/, "dev", "2026-06-01");
        assert.equal(parseConfig(lookupWith("dev", { kubernetesVersion: "1.32", upgradeSupportType: "EXTENDED" }), "2026-06-01").kubernetesVersion, "1.32");
        assert.equal(parseConfig(lookupWith("dev", { kubernetesVersion: "1.32", upgradeSupportType: "EXTENDED" }), today).kubernetesVersion, "1.32");
        assert.equal(parseConfig(lookupWith("dev", { kubernetesVersion: "1.34" }), today).kubernetesVersion, "1.34");
        assertRefused({ kubernetesVersion: "1.35" }, /^eks-irsa:kubernetesVersion "1\.35" is invalid: EKS releases 1\.35 on 2026-01-27/, "dev", "2025-12-01");
        assertRefused({ upgradeSupportType: "extended" }, /^eks-irsa:upgradeSupportType "extended" is invalid: expected one of STANDARD, EXTENDED$/);
    });

    it("warns when the version leaves its support within 60 days", () => {
        const config = parseConfig(lookupWith("dev", { kubernetesVersion: "1.34" }), today);
        assert.deepEqual(configWarnings(config, today).slice(1), [
            "Kubernetes 1.34 leaves standard support on 2026-12-02 (3 days): EKS then upgrades the control plane itself; plan the upgrade of eks-irsa:kubernetesVersion",
        ]);
        assert.deepEqual(configWarnings(parseConfig(lookupWith("dev"), today), today).slice(1), []);
    });

    it("reminds that a mechanism switch is half done while the transition is on", () => {
        const config = parseConfig(lookupWith("dev", { identityMechanism: "pod-identity", identityMechanismTransition: "true" }), today);
        assert.deepEqual(configWarnings(config, today).slice(1), [
            "eks-irsa:identityMechanismTransition is true: the roles trust both IRSA and Pod Identity; once the pods have rolled onto pod-identity, set it to false and update again",
        ]);
    });

    it("refuses an API endpoint open to the internet without the opt-in, blocks EKS rejects, and an endpoint no deployer can reach", () => {
        const anywhere = /^eks-irsa:endpointPublicAccessCidrs\[0\] ".*" is invalid: it opens the cluster's API endpoint to the whole internet; name the deployer's blocks \(CI runner or VPN egress\), or opt in with eks-irsa:endpointPublicAccessFromAnywhere true$/;
        assertRefused({ endpointPublicAccessFromAnywhere: "false" }, anywhere);
        assertRefused({ endpointPublicAccessFromAnywhere: "false", endpointPublicAccessCidrs: JSON.stringify(["::/0"]) }, anywhere);
        assertRefused({ endpointPublicAccessCidrs: JSON.stringify(["0.0.0.0/0"]) }, anywhere, "prod");
        for (const [cidr, range] of [
            ["10.1.0.0/16", "10\\.0\\.0\\.0/8, a private \\(RFC 1918\\)"],
            ["172.20.0.0/16", "172\\.16\\.0\\.0/12, a private"],
            ["192.168.1.0/24", "192\\.168\\.0\\.0/16, a private"],
            ["100.64.0.0/10", "100\\.64\\.0\\.0/10, a shared carrier-grade NAT"],
            ["127.0.0.1/32", "127\\.0\\.0\\.0/8, a loopback"],
            ["169.254.169.254/32", "169\\.254\\.0\\.0/16, a link-local"],
            ["224.0.0.0/4", "224\\.0\\.0\\.0/4, a multicast"],
            ["8.0.0.0/5", "10\\.0\\.0\\.0/8, a private"],
        ]) {
            assertRefused(
                { endpointPublicAccessCidrs: JSON.stringify([cidr]) },
                new RegExp(`^eks-irsa:endpointPublicAccessCidrs\\[0\\] "${cidr.replace(/\./g, "\\.")}" is invalid: it overlaps ${range}.* range that EKS refuses for the public endpoint`),
                "prod",
            );
        }
        assertRefused({ endpointPublicAccessCidrs: JSON.stringify(["2001:db8::/32"]) }, /is invalid: the cluster's public endpoint is reached over IPv4/, "prod");
        assertRefused({ endpointPublicAccessCidrs: JSON.stringify(["203.0.113.7/24"]) }, /^eks-irsa:endpointPublicAccessCidrs\[0\] "203\.0\.113\.7\/24" is invalid: expected an IPv4 CIDR block/, "prod");
        assertRefused(
            { endpointPublicAccessCidrs: "[]", endpointPublicAccessFromAnywhere: "false" },
            /^eks-irsa:endpointPublicAccessCidrs \[\] is invalid: the public endpoint is on \(eks-irsa:endpointPublicAccess\) and no block may reach it, so pulumi up could not create the namespace and the reader: name your deployers' egress blocks .*curl -s https:\/\/checkip\.amazonaws\.com.*, or set eks-irsa:endpointPublicAccess false and run pulumi up from inside the VPC$/,
        );
        assertRefused({ endpointPublicAccess: "false" }, /^eks-irsa:endpointPublicAccessCidrs \["0\.0\.0\.0\/0"\] is invalid: the public endpoint is off/);
        assert.deepEqual(parseConfig(lookupWith("prod", { endpointPublicAccess: "false", endpointPublicAccessCidrs: "[]" }), today).endpoint, { publicAccess: false, publicAccessCidrs: [] });
        assert.deepEqual(parseConfig(lookupWith("prod", { endpointPublicAccessCidrs: JSON.stringify(["52.94.76.0/22", "3.5.140.0/22"]) }), today).endpoint.publicAccessCidrs, ["52.94.76.0/22", "3.5.140.0/22"]);
    });

    it("refuses a stack whose only gap is its deployers' blocks with that one problem, named last among several", () => {
        const project = parse(fs.readFileSync(path.join(projectDir, "Pulumi.yaml"), "utf8")) as { config: Record<string, { default: unknown }> };
        const defaults = Object.fromEntries(Object.entries(project.config).map(([key, declaration]) => [`eks-irsa:${key}`, typeof declaration.default === "string" ? declaration.default : JSON.stringify(declaration.default)]));
        const fromDefaults = (extra: Record<string, string>): string[] => {
            try {
                parseConfig((key) => ({ ...defaults, ...extra })[key], today);
            } catch (error) {
                return (error as ConfigError).problems;
            }
            return [];
        };
        const onlyDefaults = fromDefaults({});
        assert.equal(onlyDefaults.length, 1);
        assert.match(onlyDefaults[0], /^eks-irsa:endpointPublicAccessCidrs \[\] is invalid: the public endpoint is on/);
        const withNamespace = fromDefaults({ "eks-irsa:namespace": "Team_A" });
        assert.match(withNamespace[0], /^eks-irsa:namespace "Team_A" is invalid/);
        assert.match(withNamespace[1], /^eks-irsa:endpointPublicAccessCidrs \[\] is invalid/);
    });

    it("refuses control-plane logging without api, audit and authenticator, unknown log types, and retention periods CloudWatch does not offer", () => {
        assertRefused({ clusterLogTypes: JSON.stringify(["api", "scheduler"]) }, /^eks-irsa:clusterLogTypes \["api","scheduler"\] is invalid: it must include api, audit, authenticator .*; it lacks audit, authenticator$/);
        assertRefused({ clusterLogTypes: JSON.stringify(["api", "audit", "authenticator", "kubelet"]) }, /^eks-irsa:clusterLogTypes\[3\] "kubelet" is invalid: expected one of api, audit, authenticator, controllerManager, scheduler$/);
        assertRefused({ clusterLogTypes: "[]" }, /^eks-irsa:clusterLogTypes is invalid: it must name at least one entry$/);
        assertRefused({ logRetentionDays: "10" }, /^eks-irsa:logRetentionDays 10 is invalid: CloudWatch Logs keeps logs for one of 1, 3, 5, 7, 14, 30, 60, 90/);
        assertRefused({ logRetentionDays: "0" }, /^eks-irsa:logRetentionDays 0 is invalid: expected a whole number from 1 to 3653$/);
        assert.equal(parseConfig(lookupWith("dev", { logRetentionDays: "3653" }), today).logging.retentionDays, 3653);
    });

    it("refuses a bucket set both to outlive the stack and to be emptied with it, and settings for a bucket or VPC the stack does not own", () => {
        assertRefused({ bucketRetainOnDelete: "true" }, /^eks-irsa:bucketForceDestroy true is invalid: it deletes every object with the bucket, and eks-irsa:bucketRetainOnDelete says the bucket must outlive the stack/);
        assertRefused({ bucketForceDestroy: "true" }, /^eks-irsa:bucketForceDestroy true is invalid: it deletes every object with the bucket, and eks-irsa:bucketProtect says/, "prod");
        assertRefused({ bucketName: "team-reports" }, /^eks-irsa:bucketForceDestroy true is invalid: it applies to a bucket this stack creates/);
        assertRefused({ bucketNoncurrentVersionExpirationDays: "0" }, /^eks-irsa:bucketNoncurrentVersionExpirationDays 0 is invalid: expected a whole number from 1 to 3650$/, "prod");
        assertRefused(
            { vpcId: "vpc-0123456789abcdef0", privateSubnetIds: JSON.stringify(["subnet-0123456789abcdef0", "subnet-89abcdef"]) },
            /^eks-irsa:interfaceEndpoints \["sts","eks-auth"\] is invalid: endpoints are created in a VPC this stack creates/,
            "prod",
        );
        assertRefused({ interfaceEndpoints: JSON.stringify(["ec2"]) }, /^eks-irsa:interfaceEndpoints\[0\] "ec2" is invalid: expected one of sts, eks-auth$/);
    });

    it("refuses CIDR blocks that are malformed, unaligned or of the wrong size", () => {
        assertRefused({ vpcCidr: "10.0.0.1/16" }, /^eks-irsa:vpcCidr "10\.0\.0\.1\/16" is invalid: expected an IPv4 CIDR block whose address is the first of its range/);
        assertRefused({ vpcCidr: "10.0.0.0/24" }, /^eks-irsa:vpcCidr "10\.0\.0\.0\/24" is invalid: the prefix length must be from \/16 to \/20$/);
        assertRefused({ vpcCidr: "10.0.0.0/8" }, /the prefix length must be from \/16 to \/20$/);
        assertRefused({ endpointPublicAccessCidrs: JSON.stringify(["203.0.113.7/24"]) }, /^eks-irsa:endpointPublicAccessCidrs\[0\] "203\.0\.113\.7\/24" is invalid/);
        assertRefused({ endpointPublicAccessCidrs: JSON.stringify(["203.0.113.0/24", "203.0.113.0/24"]) }, /^eks-irsa:endpointPublicAccessCidrs "203\.0\.113\.0\/24" is invalid: each entry may appear only once$/);
    });

    it("refuses an existing network that is incomplete or malformed", () => {
        assertRefused({ vpcId: "vpc-0123456789abcdef0" }, /^eks-irsa:privateSubnetIds \[\] is invalid: an existing VPC \(eks-irsa:vpcId\) needs at least two private subnets/);
        assertRefused({ privateSubnetIds: JSON.stringify(["subnet-0123456789abcdef0", "subnet-89abcdef"]) }, /^eks-irsa:privateSubnetIds .* is invalid: subnets of an existing network need eks-irsa:vpcId too/);
        assertRefused(
            { vpcId: "vpc-12", privateSubnetIds: JSON.stringify(["subnet-0123456789abcdef0", "subnet-89abcdef"]) },
            /^eks-irsa:vpcId "vpc-12" is invalid: expected a VPC ID/,
        );
        assertRefused(
            { vpcId: "vpc-0123456789abcdef0", privateSubnetIds: JSON.stringify(["subnet-0123456789abcdef0", "sg-89abcdef"]) },
            /^eks-irsa:privateSubnetIds\[1\] "sg-89abcdef" is invalid: expected a subnet ID/,
        );
        assertRefused(
            { vpcId: "vpc-0123456789abcdef0", privateSubnetIds: JSON.stringify(["subnet-89abcdef", "subnet-89abcdef"]) },
            /^eks-irsa:privateSubnetIds "subnet-89abcdef" is invalid: each entry may appear only once$/,
        );
    });

    it("refuses zone counts, NAT layouts, capacity types and identity mechanisms it does not know", () => {
        assertRefused({ availabilityZoneCount: "4" }, /^eks-irsa:availabilityZoneCount 4 is invalid: expected a whole number from 2 to 3$/);
        assertRefused({ availabilityZoneCount: "two" }, /^eks-irsa:availabilityZoneCount "two" is invalid: expected a whole number from 2 to 3$/);
        assertRefused({ natGateways: "none" }, /^eks-irsa:natGateways "none" is invalid: expected one of single, per-az$/);
        assertRefused({ identityMechanism: "pod_identity" }, /^eks-irsa:identityMechanism "pod_identity" is invalid: expected one of irsa, pod-identity$/);
        assertRefused({ nodeCapacityType: "spot" }, /^eks-irsa:nodeCapacityType "spot" is invalid: expected one of ON_DEMAND, SPOT$/);
    });

    it("refuses instance types that are malformed or mix CPU architectures", () => {
        assertRefused({ nodeInstanceTypes: JSON.stringify(["t3 medium"]) }, /^eks-irsa:nodeInstanceTypes\[0\] "t3 medium" is invalid: expected an EC2 instance type/);
        assertRefused({ nodeInstanceTypes: "[]" }, /^eks-irsa:nodeInstanceTypes is invalid: it must name at least one entry$/);
        assertRefused({ nodeInstanceTypes: "t3.medium" }, /^eks-irsa:nodeInstanceTypes "t3\.medium" is invalid: expected a list of strings/);
        assertRefused({ nodeInstanceTypes: JSON.stringify(["m6i.large", "m7g.large"]) }, /^eks-irsa:nodeInstanceTypes .* is invalid: a node group runs one AMI/);
        assert.equal(parseConfig(lookupWith("dev", { nodeInstanceTypes: JSON.stringify(["m7g.large", "c6gn.xlarge", "t4g.medium"]) })).nodes.architecture, "arm64");
    });

    it("tells Graviton instance types from x86 ones", () => {
        for (const type of ["a1.large", "t4g.small", "m6g.large", "m6gd.xlarge", "c7gn.large", "x2gd.medium", "im4gn.large"]) {
            assert.equal(architectureOf(type), "arm64", type);
        }
        for (const type of ["t3.medium", "t3a.medium", "m6i.large", "g4dn.xlarge", "c5n.large", "inf2.xlarge", "p4d.24xlarge"]) {
            assert.equal(architectureOf(type), "x86_64", type);
        }
    });

    it("refuses node sizes out of range or out of order", () => {
        assertRefused({ nodeMinSize: "0" }, /^eks-irsa:nodeMinSize 0 is invalid: expected a whole number from 1 to 100$/);
        assertRefused({ nodeMaxSize: "101" }, /^eks-irsa:nodeMaxSize 101 is invalid/);
        assertRefused({ nodeDesiredSize: "1.5" }, /^eks-irsa:nodeDesiredSize "1\.5" is invalid: expected a whole number/);
        assertRefused({ nodeMinSize: "2", nodeMaxSize: "1", nodeDesiredSize: "1" }, /^eks-irsa:nodeMaxSize 1 is invalid: it must be at least eks-irsa:nodeMinSize \(2\)$/);
        assertRefused({ nodeDesiredSize: "3" }, /^eks-irsa:nodeDesiredSize 3 is invalid: it must be from eks-irsa:nodeMinSize \(1\) to eks-irsa:nodeMaxSize \(2\)$/);
        assertRefused({ nodeDiskSizeGiB: "10" }, /^eks-irsa:nodeDiskSizeGiB 10 is invalid: expected a whole number from 20 to 1000$/);
    });

    it("refuses bad bucket names, and protection or versioning of a bucket the stack does not own", () => {
        for (const name of ["ab", "Reports", "reports_2024", "reports..x", "192.168.1.1", "-reports"]) {
            assertRefused({ bucketName: name, bucketForceDestroy: "false" }, /^eks-irsa:bucketName .* is invalid: a bucket name is 3 to 63/);
        }
        assertRefused({ bucketVersioning: "yes" }, /^eks-irsa:bucketVersioning "yes" is invalid: expected true or false$/);
        assert.deepEqual(problemsOf({ bucketName: "reports" }, "prod"), [
            "eks-irsa:bucketVersioning true is invalid: it applies to a bucket this stack creates, and eks-irsa:bucketName names an existing one, which the stack does not manage",
            "eks-irsa:bucketProtect true is invalid: it applies to a bucket this stack creates, and eks-irsa:bucketName names an existing one, which the stack does not manage",
        ]);
    });

    it("reports a key missing from the merged config, and every problem at once", () => {
        assertRefused({ namespace: undefined }, /^eks-irsa:namespace is missing: Pulumi.yaml declares its default/);
        const problems = problemsOf({ namespace: "A", readerReplicas: "0", natGateways: "both" });
        assert.equal(problems.length, 3);
        const error = (() => {
            try {
                parseConfig(lookupWith("dev", { namespace: "A" }));
            } catch (caught) {
                return caught as Error;
            }
            return undefined;
        })();
        assert.match(error?.message ?? "", /^invalid configuration:\n {2}eks-irsa:namespace "A" is invalid/);
    });
});
