/**
 * Observability add-ons: Amazon CloudWatch Observability, Amazon Managed Service for Prometheus, and
 * AWS for Fluent Bit.
 */
import * as pulumi from "@pulumi/pulumi";

import type { PolicyStatementArgs } from "../permissions";
import { addonPermissions, AddonPermissions, awsManagedPolicyArn, partitionOf, serviceAccountOf, statement } from "./types";
import { AddonScopeError, checkDeliveryStreamArn, checkedInputs, checkedPartitionOf, checkLogGroupArn, checkWorkspaceArn, flag } from "./validation";

/** The scope of the Amazon CloudWatch Observability add-on's role. */
export interface CloudWatchObservabilityArgs {
    /**
     * Whether to attach `AWSXrayWriteOnlyAccess` besides `CloudWatchAgentServerPolicy`: the EKS
     * User Guide requires both for the add-on (Application Signals sends traces to X-Ray). Set it
     * to `false` only when Application Signals is off.
     * @default true
     */
    xray?: boolean;
    /**
     * The partition of the role (`aws.getPartitionOutput().partition`).
     * @default "aws"
     */
    partition?: pulumi.Input<string>;
    /**
     * Namespace of the agent's ServiceAccount.
     * @default "amazon-cloudwatch"
     */
    namespace?: string;
    /**
     * Name of the agent's ServiceAccount.
     * @default "cloudwatch-agent"
     */
    serviceAccountName?: string;
}

/**
 * The Amazon CloudWatch Observability EKS add-on (`amazon-cloudwatch-observability`: the CloudWatch
 * agent and Fluent Bit, Container Insights and Application Signals).
 *
 * Source: EKS User Guide, "Amazon CloudWatch Observability agent: Required IAM permissions"
 * (`workloads/eks-add-ons.adoc`, 2024-12): the AWS-managed `CloudWatchAgentServerPolicy` and
 * `AWSXrayWriteOnlyAccess`, for the ServiceAccount `amazon-cloudwatch/cloudwatch-agent`. No inline
 * statements, so `allowBroadPermissions` is not set (the managed policies are not broad ones).
 *
 * EKS Pod Identity: supported from add-on v3.1.0 (CloudWatch User Guide, "Quick start with the
 * Amazon CloudWatch Observability EKS add-on"). EKS add-on:
 * `new aws.eks.Addon("cloudwatch", { addonName: "amazon-cloudwatch-observability", serviceAccountRoleArn: binding.roleArn })`
 * with an `IrsaBinding` in `serviceAccountMode: "none"`, or a `PodIdentityBinding` (which creates the
 * association). Fluent Bit runs as `amazon-cloudwatch/fluent-bit`: to give it the role too, add that
 * ServiceAccount to the binding's `additionalServiceAccounts`.
 */
export function cloudWatchObservability(args: CloudWatchObservabilityArgs = {}): AddonPermissions {
    const serviceAccount = serviceAccountOf("cloudWatchObservability", { namespace: "amazon-cloudwatch", serviceAccountName: "cloudwatch-agent" }, args);
    const partition = partitionOf("cloudWatchObservability", args.partition);
    const policies = [awsManagedPolicyArn(partition, "CloudWatchAgentServerPolicy")];
    if (flag("cloudWatchObservability.xray", args.xray, true)) {
        policies.push(awsManagedPolicyArn(partition, "AWSXrayWriteOnlyAccess"));
    }
    return addonPermissions("cloudWatchObservability", serviceAccount, policies, []);
}

/** The scope of a Prometheus server's (or collector's) role for Amazon Managed Service for Prometheus. */
export interface ManagedPrometheusArgs {
    /** ARNs of the workspaces (`aws.amp.Workspace.arn`). At least one. */
    workspaceArns: pulumi.Input<string>[];
    /**
     * Whether the role may send samples (`aps:RemoteWrite`).
     * @default true
     */
    remoteWrite?: boolean;
    /**
     * Whether the role may query (`aps:QueryMetrics`, `aps:GetSeries`, `aps:GetLabels`,
     * `aps:GetMetricMetadata`), for Grafana or a query proxy.
     * @default false
     */
    query?: boolean;
    /**
     * Namespace of the sender's ServiceAccount.
     * @default "prometheus"
     */
    namespace?: string;
    /**
     * Name of the sender's ServiceAccount.
     * @default "amp-iamproxy-ingest-service-account"
     */
    serviceAccountName?: string;
}

/**
 * A Prometheus server, agent or collector writing to (or querying) Amazon Managed Service for
 * Prometheus workspaces.
 *
 * Source: Amazon Managed Service for Prometheus User Guide, "Set up IAM roles for service accounts
 * for the ingestion of metrics" (ServiceAccount `prometheus/amp-iamproxy-ingest-service-account`)
 * and the AWS-managed `AmazonPrometheusRemoteWriteAccess` / `AmazonPrometheusQueryAccess`, whose
 * actions this grants on the given workspaces instead of `*`; so `allowBroadPermissions` is never set.
 *
 * EKS Pod Identity: supported by senders on an AWS SDK with container credentials (Prometheus with
 * SigV4, and the AWS Distro for OpenTelemetry EKS add-on from v0.94.1). The AWS managed collector
 * (`aws.amp.Scraper`) needs no ServiceAccount role.
 */
export function managedPrometheus(args: ManagedPrometheusArgs): AddonPermissions {
    const serviceAccount = serviceAccountOf("managedPrometheus", { namespace: "prometheus", serviceAccountName: "amp-iamproxy-ingest-service-account" }, args);
    const workspaces = checkedInputs("managedPrometheus.workspaceArns", args.workspaceArns, checkWorkspaceArn, { nonEmpty: true });
    const plainPartition = workspaces.find((arn): arn is string => typeof arn === "string")?.split(":")[1];
    const checkedWorkspaces = plainPartition === undefined ? workspaces : checkedPartitionOf("managedPrometheus.workspaceArns", workspaces, plainPartition);
    const remoteWrite = flag("managedPrometheus.remoteWrite", args.remoteWrite, true);
    const query = flag("managedPrometheus.query", args.query, false);
    if (!remoteWrite && !query) {
        throw new AddonScopeError("managedPrometheus.remoteWrite is invalid: with query also false the role could do nothing; set remoteWrite, query, or both");
    }
    const statements: PolicyStatementArgs[] = [];
    if (remoteWrite) {
        statements.push(statement(["aps:RemoteWrite"], checkedWorkspaces));
    }
    if (query) {
        statements.push(statement(["aps:QueryMetrics", "aps:GetSeries", "aps:GetLabels", "aps:GetMetricMetadata"], checkedWorkspaces));
    }
    return addonPermissions("managedPrometheus", serviceAccount, [], statements);
}

/** The scope of the AWS for Fluent Bit role. */
export interface FluentBitArgs {
    /**
     * ARNs of the CloudWatch Logs log groups the `cloudwatch_logs` outputs write to, without the
     * `:*` suffix (`arn:aws:logs:us-west-2:111122223333:log-group:/aws/eks/apps/containers`), or a
     * name prefix ending in `*` (`.../log-group:/aws/eks/apps/*`). Fluent Bit may create them
     * (`auto_create_group`), and their streams.
     * @default []
     */
    logGroupArns?: pulumi.Input<string>[];
    /**
     * ARNs of the Firehose delivery streams the `kinesis_firehose` outputs write to. No wildcards.
     * @default []
     */
    deliveryStreamArns?: pulumi.Input<string>[];
    /**
     * Namespace of Fluent Bit's ServiceAccount.
     * @default "kube-system"
     */
    namespace?: string;
    /**
     * Name of Fluent Bit's ServiceAccount (the chart's `serviceAccount.name`).
     * @default "aws-for-fluent-bit"
     */
    serviceAccountName?: string;
}

/**
 * AWS for Fluent Bit (chart `eks/aws-for-fluent-bit`) shipping container logs to CloudWatch Logs
 * or Firehose.
 *
 * Source: aws/aws-for-fluent-bit v2.32.3 `tests/daemonset/template.yml`, the project's own EKS
 * DaemonSet policy: `logs:CreateLogGroup` on `*`, `logs:CreateLogStream`, `DescribeLogStreams` and
 * `PutLogEvents` on every log group, `firehose:PutRecordBatch` on `*`. Narrowed: the log calls on
 * the given log groups and their streams only, `firehose:PutRecordBatch` on the given streams only;
 * at least one destination. Nothing on `"*"`, so `allowBroadPermissions` is never set.
 *
 * EKS Pod Identity: supported from aws-for-fluent-bit 2.32.0 (Fluent Bit 1.9.10 with AWS SDK
 * credential providers that read Pod Identity). No EKS add-on (the CloudWatch Observability add-on
 * runs its own Fluent Bit: see `cloudWatchObservability`).
 */
export function fluentBit(args: FluentBitArgs): AddonPermissions {
    const serviceAccount = serviceAccountOf("fluentBit", { namespace: "kube-system", serviceAccountName: "aws-for-fluent-bit" }, args);
    const logGroups = checkedInputs("fluentBit.logGroupArns", args.logGroupArns, checkLogGroupArn, { nonEmpty: false });
    const streams = checkedInputs("fluentBit.deliveryStreamArns", args.deliveryStreamArns, checkDeliveryStreamArn, { nonEmpty: false });
    if (logGroups.length === 0 && streams.length === 0) {
        throw new AddonScopeError("fluentBit.logGroupArns is invalid: name at least one destination, a log group (logGroupArns) or a delivery stream (deliveryStreamArns)");
    }
    const suffixed = (suffix: string) => logGroups.map((arn) => (typeof arn === "string" ? `${arn}${suffix}` : pulumi.output(arn).apply((known) => `${known}${suffix}`)));
    const statements: PolicyStatementArgs[] = [];
    if (logGroups.length > 0) {
        statements.push(statement(["logs:CreateLogGroup", "logs:DescribeLogStreams"], [...logGroups, ...suffixed(":*")]));
        statements.push(statement(["logs:CreateLogStream", "logs:PutLogEvents"], suffixed(":log-stream:*")));
    }
    if (streams.length > 0) {
        statements.push(statement(["firehose:PutRecordBatch"], streams));
    }
    return addonPermissions("fluentBit", serviceAccount, [], statements);
}
