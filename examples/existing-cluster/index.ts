/**
 * For a team that did not create the cluster: bind a workload on it to an existing bucket with the
 * packaged IrsaBinding, the cluster and its IAM OIDC provider looked up by the cluster's name.
 */
import * as pulumi from "@pulumi/pulumi";

import { bindWorkloadOnExistingCluster } from "./binding";

const config = new pulumi.Config();
const binding = bindWorkloadOnExistingCluster({
    clusterName: config.require("clusterName"),
    bucketName: config.require("bucketName"),
    keyPrefixes: config.getObject<string[]>("keyPrefixes") ?? [],
    namespace: config.get("namespace") ?? "apps",
    serviceAccountName: config.get("serviceAccountName") ?? "reports-reader",
});

export const roleArn = binding.roleArn;
export const serviceAccount = pulumi.interpolate`${binding.namespace}/${binding.serviceAccountName}`;
export const readerLogs = pulumi.interpolate`kubectl --namespace ${binding.namespace} logs deployment/${binding.deployment!.metadata.name} --follow`;
