// A new ServiceAccount for your own workload, reading one folder of a bucket.
import * as pulumi from "@pulumi/pulumi";
import { IrsaBinding } from "@eks-irsa/components";

const config = new pulumi.Config();

const reports = new IrsaBinding("reports", {
    oidcProviderArn: config.require("oidcProviderArn"), // eks.Cluster.oidcProviderArn, or a stack reference
    namespace: "reports",
    serviceAccountName: "reports-api",
    s3Read: { bucketArns: [config.require("bucketArn")], keyPrefixes: ["published/"] },
    reader: { enabled: false }, // your Deployment uses serviceAccountName: reports-api
});

export const reportsRoleArn = reports.roleArn;
