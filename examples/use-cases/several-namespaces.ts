// One role for the same app in several namespaces, and for every ServiceAccount a controller creates in its own.
import * as pulumi from "@pulumi/pulumi";
import { IrsaBinding } from "@eks-irsa/components";

const config = new pulumi.Config();

const ingest = new IrsaBinding("ingest", {
    oidcProviderArn: config.require("oidcProviderArn"),
    namespace: "ingest-eu",
    serviceAccountName: "ingest",
    additionalServiceAccounts: [
        { namespace: "ingest-us", serviceAccountName: "ingest" },
        { namespace: "ingest-jobs", serviceAccountName: "backfill-*" }, // a pattern: only with allowServiceAccountPatterns
    ],
    allowServiceAccountPatterns: true,
    s3Read: { bucketArns: [config.require("bucketArn")], keyPrefixes: ["incoming/"] },
});

export const ingestTrustPolicy = ingest.trustPolicy;
