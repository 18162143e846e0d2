// A role another team owns: the binding annotates the ServiceAccount only, and names the trust statements the owner adds.
import * as pulumi from "@pulumi/pulumi";
import { IrsaBinding } from "@eks-irsa/components";

const config = new pulumi.Config();

const payments = new IrsaBinding("payments", {
    oidcProviderArn: config.require("oidcProviderArn"),
    namespace: "payments",
    serviceAccountName: "payments-api",
    // Its owner keeps its permissions: s3Read, policyStatements and policyArns are refused here.
    roleArn: `arn:aws:iam::${config.require("accountId")}:role/payments-api`,
});

// Hand these to the role's owner, for its trust policy.
export const paymentsTrustStatements = payments.requiredTrustStatements;
