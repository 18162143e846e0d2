/**
 * IPv4 CIDR arithmetic for laying out a VPC's subnets: pure, so the layout is tested without AWS.
 */

/** An IPv4 CIDR block: its first address as an unsigned 32-bit number, and its prefix length. */
export interface Cidr {
    address: number;
    prefixLength: number;
}

/** Parses `a.b.c.d/n`; undefined unless the address is the first of its block (10.0.0.0/16, not 10.0.0.1/16). */
export function parseCidr(text: string): Cidr | undefined {
    const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(text);
    if (!match) {
        return undefined;
    }
    const octets = match.slice(1, 5).map(Number);
    const prefixLength = Number(match[5]);
    if (octets.some((octet) => octet > 255) || prefixLength > 32) {
        return undefined;
    }
    const address = octets.reduce((sum, octet) => sum * 256 + octet, 0);
    return address % blockSize(prefixLength) === 0 ? { address, prefixLength } : undefined;
}

function blockSize(prefixLength: number): number {
    return 2 ** (32 - prefixLength);
}

/** Formats a block as `a.b.c.d/n`. */
export function formatCidr(cidr: Cidr): string {
    const octets = [24, 16, 8, 0].map((shift) => Math.floor(cidr.address / 2 ** shift) % 256);
    return `${octets.join(".")}/${cidr.prefixLength}`;
}

/**
 * The `index`-th block of `newBits` longer prefix inside `parent` (Terraform's cidrsubnet):
 * subnet(10.0.0.0/16, 2, 1) is 10.0.64.0/18.
 */
export function subnet(parent: Cidr, newBits: number, index: number): Cidr {
    const prefixLength = parent.prefixLength + newBits;
    if (newBits < 0 || prefixLength > 32 || !Number.isInteger(index) || index < 0 || index >= 2 ** newBits) {
        throw new RangeError(`${formatCidr(parent)} has no block ${index} of /${prefixLength}`);
    }
    return { address: parent.address + index * blockSize(prefixLength), prefixLength };
}

/** The most availability zones {@link subnetLayout} lays out. */
export const maxLayoutZones = 3;

/** The subnets of one availability zone. */
export interface ZoneSubnets {
    /** Nodes and pods (the VPC CNI gives each pod a VPC address), so the large block. */
    private: string;
    /** Load balancers and NAT gateways only, so a small block. */
    public: string;
}

/**
 * Splits a VPC into per-zone subnets: the first three quarters are the private subnets of up to
 * three zones; the last quarter is cut into eighths, the first of which are the public subnets.
 * For 10.0.0.0/16 and two zones: private 10.0.0.0/18 and 10.0.64.0/18, public 10.0.192.0/21 and 10.0.200.0/21.
 */
export function subnetLayout(vpcCidr: string, zoneCount: number): ZoneSubnets[] {
    const vpc = parseCidr(vpcCidr);
    if (vpc === undefined) {
        throw new RangeError(`${JSON.stringify(vpcCidr)} is not an IPv4 CIDR block`);
    }
    if (!Number.isInteger(zoneCount) || zoneCount < 1 || zoneCount > maxLayoutZones) {
        throw new RangeError(`a VPC is laid out for 1 to ${maxLayoutZones} zones, not ${zoneCount}`);
    }
    const publicQuarter = subnet(vpc, 2, 3);
    return Array.from({ length: zoneCount }, (_, zone) => ({
        private: formatCidr(subnet(vpc, 2, zone)),
        public: formatCidr(subnet(publicQuarter, 3, zone)),
    }));
}

/** Whether an IPv4 address (`a.b.c.d`) lies inside the block. */
export function cidrContains(block: Cidr, address: string): boolean {
    const host = parseCidr(`${address}/32`);
    if (host === undefined) {
        return false;
    }
    const size = blockSize(block.prefixLength);
    return Math.floor(host.address / size) === Math.floor(block.address / size);
}
