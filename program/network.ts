/**
 * The network the cluster runs in: an existing VPC named in config, or a new one with private
 * subnets for the nodes in each zone, and public subnets whose NAT gateways let nodes pull images.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

import { subnetLayout } from "./cidr";
import { fullKey, NetworkConfig } from "./config";
import { createVpcEndpoints, VpcEndpoints } from "./vpcEndpoints";

/** What the cluster needs from the network. */
export interface Network {
    vpcId: pulumi.Input<string>;
    /** Where nodes run; no public addresses. */
    privateSubnetIds: pulumi.Input<string>[];
    /** Where internet-facing load balancers go; empty for an existing network. */
    publicSubnetIds: pulumi.Input<string>[];
    /** The VPC endpoints the stack created; undefined for an existing network. */
    endpoints: VpcEndpoints | undefined;
}

/** The network of the config: the existing one as is, or a new VPC. */
export function createNetwork(name: string, config: NetworkConfig): Network {
    if (config.kind === "existing") {
        return { vpcId: config.vpcId, privateSubnetIds: config.privateSubnetIds, publicSubnetIds: [], endpoints: undefined };
    }
    const zones = aws.getAvailabilityZonesOutput({
        state: "available",
        // Local and Wavelength zones are opt-in and cannot host EKS nodes.
        filters: [{ name: "opt-in-status", values: ["opt-in-not-required"] }],
    });
    const zoneName = (index: number): pulumi.Output<string> =>
        zones.names.apply((names) => {
            if (names.length < config.availabilityZoneCount) {
                throw new Error(
                    `${fullKey("availabilityZoneCount")} ${config.availabilityZoneCount} is invalid: this region has only ${names.length} availability zone(s) (${names.join(", ")})`,
                );
            }
            return names[index];
        });

    const vpc = new aws.ec2.Vpc(`${name}-vpc`, {
        cidrBlock: config.vpcCidr,
        // EKS needs both for nodes to register and for private endpoint access.
        enableDnsSupport: true,
        enableDnsHostnames: true,
        tags: { Name: `${name}-vpc` },
    });
    const gateway = new aws.ec2.InternetGateway(`${name}-igw`, { vpcId: vpc.id, tags: { Name: `${name}-igw` } });
    const publicRoutes = new aws.ec2.RouteTable(`${name}-public`, { vpcId: vpc.id, tags: { Name: `${name}-public` } });
    new aws.ec2.Route(`${name}-public-internet`, { routeTableId: publicRoutes.id, destinationCidrBlock: "0.0.0.0/0", gatewayId: gateway.id });

    const layout = subnetLayout(config.vpcCidr, config.availabilityZoneCount);
    const publicSubnets = layout.map((blocks, index) => {
        const subnet = new aws.ec2.Subnet(`${name}-public-${index}`, {
            vpcId: vpc.id,
            cidrBlock: blocks.public,
            availabilityZone: zoneName(index),
            // Only NAT gateways and load balancers live here, and they get their own addresses.
            mapPublicIpOnLaunch: false,
            tags: { Name: `${name}-public-${index}`, "kubernetes.io/role/elb": "1" },
        });
        new aws.ec2.RouteTableAssociation(`${name}-public-${index}`, { subnetId: subnet.id, routeTableId: publicRoutes.id });
        return subnet;
    });
    const natCount = config.natGateways === "per-az" ? config.availabilityZoneCount : 1;
    const natGateways = publicSubnets.slice(0, natCount).map((subnet, index) => {
        const address = new aws.ec2.Eip(`${name}-nat-${index}`, { domain: "vpc", tags: { Name: `${name}-nat-${index}` } }, { dependsOn: [gateway] });
        return new aws.ec2.NatGateway(
            `${name}-nat-${index}`,
            { allocationId: address.allocationId, subnetId: subnet.id, tags: { Name: `${name}-nat-${index}` } },
            { dependsOn: [gateway] },
        );
    });
    const privateRouteTables: aws.ec2.RouteTable[] = [];
    const privateSubnets = layout.map((blocks, index) => {
        const subnet = new aws.ec2.Subnet(`${name}-private-${index}`, {
            vpcId: vpc.id,
            cidrBlock: blocks.private,
            availabilityZone: zoneName(index),
            mapPublicIpOnLaunch: false,
            tags: { Name: `${name}-private-${index}`, "kubernetes.io/role/internal-elb": "1" },
        });
        const routes = new aws.ec2.RouteTable(`${name}-private-${index}`, { vpcId: vpc.id, tags: { Name: `${name}-private-${index}` } });
        privateRouteTables.push(routes);
        new aws.ec2.Route(`${name}-private-${index}-internet`, {
            routeTableId: routes.id,
            destinationCidrBlock: "0.0.0.0/0",
            natGatewayId: natGateways[index % natCount].id,
        });
        new aws.ec2.RouteTableAssociation(`${name}-private-${index}`, { subnetId: subnet.id, routeTableId: routes.id });
        return subnet;
    });
    const privateSubnetIds = privateSubnets.map((subnet) => subnet.id);
    const endpoints = createVpcEndpoints(name, {
        vpcId: vpc.id,
        vpcCidr: config.vpcCidr,
        privateSubnetIds,
        privateRouteTableIds: privateRouteTables.map((table) => table.id),
        config: config.endpoints,
    });
    return { vpcId: vpc.id, privateSubnetIds, publicSubnetIds: publicSubnets.map((subnet) => subnet.id), endpoints };
}
