// One Pod Identity role in two regions, each association narrowed by a session policy to what its pods need.
import * as pulumi from "@pulumi/pulumi";
import { PodIdentityBinding } from "@eks-irsa/components";

const config = new pulumi.Config();
const bucketArn = config.require("bucketArn");

new PodIdentityBinding("daily-reports", {
    clusterName: config.require("clusterName"),
    additionalClusters: [{ clusterName: config.require("clusterName"), region: "eu-west-1" }],
    namespace: "reports",
    serviceAccountName: "daily-reports",
    serviceAccountMode: "none",
    s3Read: { bucketArns: [bucketArn] },
    // A session policy needs EKS to leave the sessions untagged: the trust then names this account only, and
    // the associations alone decide which clusters and ServiceAccounts get the role.
    disableSessionTags: true,
    sessionPolicyStatements: [{ actions: ["s3:GetObject"], resources: [`${bucketArn}/daily/*`] }],
});
