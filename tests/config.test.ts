import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";

import { parse } from "yaml";

import { architectureOf, ConfigError, ConfigKey, configKeys, parseConfig, ProgramConfig } from "../program/config";
import { lookupWith, projectDir } from "./stackFiles";

/** The problems parseConfig reports for a stack's config with some keys replaced. */
function problemsOf(overrides: Partial<Record<ConfigKey, string | undefined>>, stack = "dev"): string[] {
    try {
        parseConfig(lookupWith(stack, overrides));
    } catch (error) {
        assert.ok(error instanceof ConfigError, String(error));
        return error.problems;
    }
    assert.fail(`accepted ${JSON.stringify(overrides)}`);
}

/** Asserts that the overrides fail with exactly one problem matching `expected`. */
function assertRefused(overrides: Partial<Record<ConfigKey, string | undefined>>, expected: RegExp, stack = "dev"): void {
    const problems = problemsOf(overrides, stack);
    assert.equal(problems.length, 1, problems.join("\n"));
    assert.match(problems[0], expected);
}

describe("config", () => {
    it("Pulumi.yaml declares exactly the keys the program reads, each with type, default and description", () => {
        const project = parse(fs.readFileSync(path.join(projectDir, "Pulumi.yaml"), "utf8")) as { config: Record<string, Record<string, unknown>> };
        assert.deepEqual(Object.keys(project.config).sort(), [...configKeys].sort());
        for (const [key, declaration] of Object.entries(project.config)) {
            assert.ok(["string", "integer", "boolean", "array"].includes(declaration.type as string), key);
            assert.ok("default" in declaration, `${key} has no default`);
            assert.equal(typeof declaration.description, "string", key);
        }
    });

    it("reads the dev stack: small, spot, two zones, one NAT, an unprotected bucket", () => {
        const config = parseConfig(lookupWith("dev"));
        const expected: ProgramConfig = {
            clusterName: "eks-irsa-dev",
            identityMechanism: "irsa",
            kubernetesVersion: "1.34",
            endpointPublicAccessCidrs: ["0.0.0.0/0"],
            network: { kind: "new", vpcCidr: "10.0.0.0/16", availabilityZoneCount: 2, natGateways: "single" },
            nodes: { instanceTypes: ["t3.medium", "t3a.medium"], architecture: "x86_64", capacityType: "SPOT", minSize: 1, desiredSize: 1, maxSize: 2, diskSizeGiB: 20 },
            bucket: { kind: "new", versioned: false, protect: false },
            namespace: "irsa-demo",
            serviceAccountName: "s3-reader",
            reader: { keyPrefixes: [], replicas: 1, intervalSeconds: 60 },
        };
        assert.deepEqual(config, expected);
    });

    it("reads the prod stack: three zones each with NAT, on-demand nodes in every zone, a protected versioned bucket", () => {
        const config = parseConfig(lookupWith("prod"));
        assert.deepEqual(config.network, { kind: "new", vpcCidr: "10.20.0.0/16", availabilityZoneCount: 3, natGateways: "per-az" });
        assert.equal(config.nodes.capacityType, "ON_DEMAND");
        assert.ok(config.nodes.minSize >= 3, "at least one node per zone");
        assert.deepEqual(config.bucket, { kind: "new", versioned: true, protect: true });
        assert.equal(config.identityMechanism, "pod-identity");
        assert.equal(config.reader.replicas, 2);
    });

    it("reads an existing network and an existing bucket", () => {
        const config = parseConfig(
            lookupWith("dev", {
                vpcId: "vpc-0123456789abcdef0",
                privateSubnetIds: JSON.stringify(["subnet-0123456789abcdef0", "subnet-89abcdef"]),
                bucketName: "reports.example-bucket",
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

    it("refuses Kubernetes versions EKS does not run", () => {
        for (const version of ["1.27", "v1.33", "1.33.1", "2.0", ""]) {
            assertRefused({ kubernetesVersion: version }, /^eks-irsa:kubernetesVersion .* is invalid: expected a Kubernetes minor version that EKS runs, 1\.28 or later/);
        }
        assert.equal(parseConfig(lookupWith("dev", { kubernetesVersion: "1.28" })).kubernetesVersion, "1.28");
    });

    it("refuses CIDR blocks that are malformed, unaligned or of the wrong size", () => {
        assertRefused({ vpcCidr: "10.0.0.1/16" }, /^eks-irsa:vpcCidr "10\.0\.0\.1\/16" is invalid: expected an IPv4 CIDR block whose address is the first of its range/);
        assertRefused({ vpcCidr: "10.0.0.0/24" }, /^eks-irsa:vpcCidr "10\.0\.0\.0\/24" is invalid: the prefix length must be from \/16 to \/20$/);
        assertRefused({ vpcCidr: "10.0.0.0/8" }, /the prefix length must be from \/16 to \/20$/);
        assertRefused({ endpointPublicAccessCidrs: JSON.stringify(["203.0.113.7/24"]) }, /^eks-irsa:endpointPublicAccessCidrs\[0\] "203\.0\.113\.7\/24" is invalid/);
        assertRefused({ endpointPublicAccessCidrs: "[]" }, /^eks-irsa:endpointPublicAccessCidrs is invalid: it must name at least one entry$/);
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
            assertRefused({ bucketName: name }, /^eks-irsa:bucketName .* is invalid: a bucket name is 3 to 63/);
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
