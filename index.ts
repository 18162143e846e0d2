/**
 * The Pulumi program: reads and validates the stack's configuration, creates its resources, and
 * exports what a platform engineer needs to reach the cluster and check the reader.
 */
import { loadConfig } from "./program/config";
import { createInfrastructure } from "./program/infrastructure";

const { outputs } = createInfrastructure(loadConfig());

export const clusterName = outputs.clusterName;
export const identityMechanism = outputs.identityMechanism;
export const kubeconfig = outputs.kubeconfig;
export const oidcProviderArn = outputs.oidcProviderArn;
export const roleArn = outputs.roleArn;
export const namespace = outputs.namespace;
export const serviceAccountName = outputs.serviceAccountName;
export const bucketName = outputs.bucketName;
export const updateKubeconfigCommand = outputs.updateKubeconfigCommand;
export const readerLogsCommand = outputs.readerLogsCommand;
