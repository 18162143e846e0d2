/**
 * VPC endpoints of a created VPC, so the reader's AWS traffic stays inside the VPC instead of going
 * out through a NAT gateway (where it is billed per GB and leaves the VPC): an S3 gateway endpoint
 * (free) on the private route tables, and interface endpoints (billed per zone and hour) with private
 * DNS for STS (IRSA's AssumeRoleWithWebIdentity) and EKS Auth (the Pod Identity agent's calls).
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

import { VpcEndpointsConfig } from "./config";

/** The endpoints created. */
export interface VpcEndpoints {
    s3Gateway: aws.ec2.VpcEndpoint | undefined;
    /** Undefined without interface endpoints. */
    securityGroup: aws.ec2.SecurityGroup | undefined;
    interfaces: aws.ec2.VpcEndpoint[];
}

/** The PrivateLink service name of an AWS service in a region. */
export function endpointServiceName(region: string, service: string): string {
    return `com.amazonaws.${region}.${service}`;
}

/** Creates the configured endpoints in a VPC. */
export function createVpcEndpoints(
    name: string,
    args: { vpcId: pulumi.Input<string>; vpcCidr: string; privateSubnetIds: pulumi.Input<string>[]; privateRouteTableIds: pulumi.Input<string>[]; config: VpcEndpointsConfig },
): VpcEndpoints {
    const region = aws.getRegionOutput().region;
    const s3Gateway = args.config.s3Gateway
        ? new aws.ec2.VpcEndpoint(`${name}-s3`, {
              vpcId: args.vpcId,
              serviceName: region.apply((known) => endpointServiceName(known, "s3")),
              vpcEndpointType: "Gateway",
              routeTableIds: args.privateRouteTableIds,
              tags: { Name: `${name}-s3` },
          })
        : undefined;
    if (args.config.interfaceServices.length === 0) {
        return { s3Gateway, securityGroup: undefined, interfaces: [] };
    }
    // The endpoints' network interfaces answer HTTPS from inside the VPC, and nothing else.
    const securityGroup = new aws.ec2.SecurityGroup(`${name}-endpoints`, {
        vpcId: args.vpcId,
        description: "Interface endpoints: HTTPS from the VPC",
        ingress: [{ description: "HTTPS from the VPC", protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: [args.vpcCidr] }],
        egress: [],
        tags: { Name: `${name}-endpoints` },
    });
    const interfaces = args.config.interfaceServices.map(
        (service) =>
            new aws.ec2.VpcEndpoint(`${name}-${service}`, {
                vpcId: args.vpcId,
                serviceName: region.apply((known) => endpointServiceName(known, service)),
                vpcEndpointType: "Interface",
                // The service's regional host name resolves to the endpoint inside the VPC: SDKs need no change.
                privateDnsEnabled: true,
                subnetIds: args.privateSubnetIds,
                securityGroupIds: [securityGroup.id],
                tags: { Name: `${name}-${service}` },
            }),
    );
    return { s3Gateway, securityGroup, interfaces };
}
