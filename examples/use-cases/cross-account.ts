// Pods in this account working on a role in another account (EKS Pod Identity role chaining).
import * as pulumi from "@pulumi/pulumi";
import { PodIdentityBinding } from "@eks-irsa/components";

const config = new pulumi.Config();

const analytics = new PodIdentityBinding("analytics", {
    clusterName: config.require("clusterName"),
    namespace: "analytics",
    serviceAccountName: "analytics",
    targetRoleArn: config.require("dataAccountRoleArn"), // e.g. arn:aws:iam::999988887777:role/analytics-reader
});

// Give this trust policy to the target role in the data account (its permissions live there).
export const targetRoleTrustPolicy = analytics.targetRoleTrustPolicy;
