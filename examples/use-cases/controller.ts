// A controller with its own permissions: consume one queue, and read its configuration parameters.
import * as pulumi from "@pulumi/pulumi";
import { IrsaBinding } from "@eks-irsa/components";

const config = new pulumi.Config();
const queueArn = config.require("queueArn");

const worker = new IrsaBinding("order-worker", {
    oidcProviderArn: config.require("oidcProviderArn"),
    namespace: "orders",
    serviceAccountName: "order-worker",
    policyStatements: [
        { actions: ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility", "sqs:GetQueueAttributes"], resources: [queueArn] },
        {
            actions: ["ssm:GetParameter", "ssm:GetParametersByPath"],
            resources: [pulumi.interpolate`arn:aws:ssm:${config.require("region")}:${config.require("accountId")}:parameter/orders/*`],
        },
    ],
});

export const workerRoleArn = worker.roleArn;
