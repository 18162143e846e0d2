/**
 * The Pulumi program: reads and validates the stack's configuration, creates its resources, and
 * exports what a platform engineer needs to reach the cluster and check the reader.
 */
import { mapOnlyTypeScriptFrames } from "@eks-irsa/components";
import * as pulumi from "@pulumi/pulumi";

import { configWarnings, loadConfig } from "./program/config";
import { createInfrastructure } from "./program/infrastructure";

// Before any resource: the SDK formats a stack trace for each promise it creates (components/stackTraces.ts).
mapOnlyTypeScriptFrames();

const config = loadConfig();
for (const warning of configWarnings(config)) {
    pulumi.log.warn(warning);
}
const { outputs } = createInfrastructure(config);

export const clusterName = outputs.clusterName;
export const identityMechanism = outputs.identityMechanism;
export const kubeconfig = outputs.kubeconfig;
export const roleArn = outputs.roleArn;
export const namespace = outputs.namespace;
export const serviceAccountName = outputs.serviceAccountName;
export const bucketName = outputs.bucketName;
export const updateKubeconfigCommand = outputs.updateKubeconfigCommand;
export const readerLogsCommand = outputs.readerLogsCommand;
// Only a cluster that serves IRSA has an OIDC provider to name; the others export no empty value.
if (outputs.oidcProviderArn !== undefined) {
    exports.oidcProviderArn = outputs.oidcProviderArn;
}
// The roles of eks-irsa:workloads and the annotations their charts' ServiceAccounts need, where the stack declares some.
if (outputs.workloadIdentities !== undefined) {
    exports.workloadIdentities = outputs.workloadIdentities;
}
