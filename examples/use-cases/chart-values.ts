// Role only: the binding creates no Kubernetes object, and the chart's values carry its annotation.
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { IrsaBinding } from "@eks-irsa/components";

const config = new pulumi.Config();

const uploader = new IrsaBinding("uploader", {
    oidcProviderArn: config.require("oidcProviderArn"),
    namespace: "media",
    serviceAccountName: "uploader",
    serviceAccountMode: "none",
    policyStatements: [{ actions: ["s3:PutObject"], resources: [pulumi.interpolate`${config.require("bucketArn")}/uploads/*`] }],
});

new k8s.helm.v3.Release("uploader", {
    chart: "oci://registry.example.com/charts/uploader",
    version: "2.0.1",
    namespace: "media",
    values: { serviceAccount: { create: true, name: "uploader", annotations: uploader.serviceAccountAnnotations } },
});
