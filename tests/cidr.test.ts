import * as assert from "node:assert/strict";

import { formatCidr, parseCidr, subnet, subnetLayout } from "../program/cidr";

describe("CIDR arithmetic", () => {
    it("parses aligned IPv4 blocks and refuses the rest", () => {
        assert.deepEqual(parseCidr("10.0.0.0/16"), { address: 10 * 2 ** 24, prefixLength: 16 });
        assert.deepEqual(parseCidr("0.0.0.0/0"), { address: 0, prefixLength: 0 });
        assert.deepEqual(parseCidr("255.255.255.255/32"), { address: 2 ** 32 - 1, prefixLength: 32 });
        for (const text of ["10.0.0.1/16", "10.0.0.0", "10.0.0.0/33", "256.0.0.0/8", "10.0.0/16", " 10.0.0.0/16", "::/0"]) {
            assert.equal(parseCidr(text), undefined, text);
        }
    });

    it("formats what it parses", () => {
        for (const text of ["10.0.0.0/16", "172.16.32.0/20", "192.168.255.128/25", "255.255.255.255/32"]) {
            assert.equal(formatCidr(parseCidr(text)!), text);
        }
    });

    it("numbers sub-blocks like cidrsubnet, and refuses those that do not fit", () => {
        const vpc = parseCidr("10.0.0.0/16")!;
        assert.equal(formatCidr(subnet(vpc, 2, 1)), "10.0.64.0/18");
        assert.equal(formatCidr(subnet(vpc, 8, 255)), "10.0.255.0/24");
        assert.throws(() => subnet(vpc, 2, 4), RangeError);
        assert.throws(() => subnet(vpc, 17, 0), RangeError);
    });

    it("lays out large private and small public subnets per zone, none overlapping, all inside the VPC", () => {
        assert.deepEqual(subnetLayout("10.0.0.0/16", 2), [
            { private: "10.0.0.0/18", public: "10.0.192.0/21" },
            { private: "10.0.64.0/18", public: "10.0.200.0/21" },
        ]);
        for (const vpcText of ["10.20.0.0/16", "172.16.0.0/20"]) {
            const vpc = parseCidr(vpcText)!;
            const blocks = subnetLayout(vpcText, 3).flatMap((zone) => [zone.private, zone.public]).map((text) => parseCidr(text)!);
            const ranges = blocks.map((block) => [block.address, block.address + 2 ** (32 - block.prefixLength)]).sort((a, b) => a[0] - b[0]);
            ranges.forEach(([start, end], index) => {
                assert.ok(start >= vpc.address && end <= vpc.address + 2 ** (32 - vpc.prefixLength), `${vpcText}: outside the VPC`);
                assert.ok(index === 0 || start >= ranges[index - 1][1], `${vpcText}: overlap`);
            });
            assert.ok(blocks.every((block) => block.prefixLength <= 28), "AWS subnets are /28 or larger");
        }
        assert.throws(() => subnetLayout("10.0.0.0/16", 4), RangeError);
    });
});
