/**
 * For a platform team adding the usual add-ons to a cluster that exists already: the AWS Load
 * Balancer Controller, the EBS CSI driver and external-dns, each with the least-privilege role the
 * package's add-on catalogue describes.
 */
import * as pulumi from "@pulumi/pulumi";

import { bindClusterAddons } from "./addons";

const config = new pulumi.Config();
const hostedZoneIds = config.requireObject<string[]>("hostedZoneIds");
const bound = bindClusterAddons({
    clusterName: config.require("clusterName"),
    hostedZoneIds,
    ebsKmsKeyArns: config.getObject<string[]>("ebsKmsKeyArns") ?? [],
});

export const loadBalancerControllerRoleArn = bound.loadBalancerController.roleArn;
export const ebsCsiDriverRoleArn = bound.ebsCsiDriver.roleArn;
/** Helm values for the external-dns chart: its ServiceAccount, annotated with the role. */
export const externalDnsValues = {
    serviceAccount: { create: true, name: bound.externalDns.serviceAccountName, annotations: bound.externalDns.serviceAccountAnnotations },
    provider: { name: "aws" },
    extraArgs: hostedZoneIds.map((zoneId) => `--zone-id-filter=${zoneId}`),
};
