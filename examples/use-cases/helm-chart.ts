// A Helm chart that creates its own ServiceAccount: annotate it, and restart the chart's pods when the role changes.
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { IrsaBinding } from "@eks-irsa/components";

const config = new pulumi.Config();

const chart = new k8s.helm.v3.Release("exporter", {
    chart: "oci://registry.example.com/charts/exporter",
    version: "1.4.2",
    namespace: "exporter",
    values: { serviceAccount: { create: true, name: "exporter" } },
});

const exporter = new IrsaBinding(
    "exporter",
    {
        oidcProviderArn: config.require("oidcProviderArn"),
        namespace: "exporter",
        serviceAccountName: "exporter",
        serviceAccountMode: "annotate", // the chart owns the ServiceAccount; the binding adds only the role annotation
        restartDeploymentNames: ["exporter"],
        policyStatements: [{ actions: ["cloudwatch:PutMetricData"], resources: ["*"], conditions: [{ test: "StringEquals", variable: "cloudwatch:namespace", values: ["Exporter"] }] }],
        allowBroadPermissions: true, // PutMetricData has no resource ARN: AWS scopes it by the condition only
    },
    { dependsOn: [chart] },
);

export const exporterRoleArn = exporter.roleArn;
