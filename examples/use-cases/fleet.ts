// A platform's workload identities as data: workloads on a fleet of clusters (IRSA and Pod Identity), with shared defaults.
import * as pulumi from "@pulumi/pulumi";
import { WorkloadIdentities } from "@eks-irsa/components";

const config = new pulumi.Config();

const platform = new WorkloadIdentities("platform", {
    clusters: [
        // Append new clusters at the end: a cluster's place decides its IRSA trust group, so no other cluster moves.
        { name: "blue", oidcProviderArn: config.require("oidcProviderArn") },
        { name: "green", podIdentityClusterName: config.require("clusterName") },
    ],
    defaults: { namespace: "platform", serviceAccountMode: "none", tags: { team: "platform" } },
    workloads: [
        { name: "reports", serviceAccountName: "reports", s3Read: { bucketArns: [config.require("bucketArn")], keyPrefixes: ["daily/"] } },
        { name: "exporter", serviceAccountName: "exporter", clusters: ["green"], policyArns: ["arn:aws:iam::aws:policy/CloudWatchAgentServerPolicy"] },
    ],
    roleNamePrefix: "platform-",
});

// Per workload and cluster: the role, and the annotations to give the chart that creates the ServiceAccount.
export const identities = platform.identities;
// The roles created, each trust's length against IAM's limit, and the OIDC providers named against the account's 100.
export const summary = platform.summary;
