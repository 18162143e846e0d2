/**
 * Logs a security review asks for, each kept for the configured number of days rather than forever:
 * the control plane's (who called the API, what changed, who authenticated) and the VPC's flow logs.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { PolicyDocument } from "@eks-irsa/components";

/**
 * The log group EKS writes the control plane's logs to. EKS creates it on first use, without a
 * retention period, unless it exists: so the program creates it first, with one.
 */
export function controlPlaneLogGroupName(clusterName: string): string {
    return `/aws/eks/${clusterName}/cluster`;
}

/** The control plane's log group, created before the cluster so EKS finds it and leaves its retention alone. */
export function createControlPlaneLogGroup(
    name: string,
    args: { clusterName: pulumi.Input<string>; retentionDays: number; protect: boolean },
): aws.cloudwatch.LogGroup {
    return new aws.cloudwatch.LogGroup(
        `${name}-control-plane-logs`,
        { name: pulumi.output(args.clusterName).apply(controlPlaneLogGroupName), retentionInDays: args.retentionDays },
        // The audit trail of a protected cluster must not go with a stray destroy either.
        { protect: args.protect },
    );
}

/**
 * Who may assume the flow logs' delivery role: the VPC Flow Logs service, for flow logs of this account
 * in this region only (confused-deputy protection, as the VPC User Guide recommends).
 */
export function flowLogsTrustPolicy(partition: string, region: string, accountId: string): PolicyDocument {
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Effect: "Allow",
                Principal: { Service: "vpc-flow-logs.amazonaws.com" },
                Action: "sts:AssumeRole",
                Condition: {
                    StringEquals: { "aws:SourceAccount": accountId },
                    ArnLike: { "aws:SourceArn": `arn:${partition}:ec2:${region}:${accountId}:vpc-flow-log/*` },
                },
            },
        ],
    };
}

/** What the delivery role may do: write streams of its own log group, nothing else (the User Guide's example allows `*`). */
export function flowLogsDeliveryPolicy(logGroupArn: string): PolicyDocument {
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Effect: "Allow",
                Action: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
                Resource: [logGroupArn, `${logGroupArn}:*`],
            },
        ],
    };
}

/** The flow logs of a VPC. */
export interface FlowLogs {
    logGroup: aws.cloudwatch.LogGroup;
    role: aws.iam.Role;
    flowLog: aws.ec2.FlowLog;
}

/** Records every flow (accepted and rejected) of the VPC to a CloudWatch log group with the given retention. */
export function createFlowLogs(name: string, args: { vpcId: pulumi.Input<string>; retentionDays: number }): FlowLogs {
    const partition = aws.getPartitionOutput().partition;
    const region = aws.getRegionOutput().region;
    const accountId = aws.getCallerIdentityOutput().accountId;
    const logGroup = new aws.cloudwatch.LogGroup(`${name}-flow-logs`, {
        name: pulumi.interpolate`/aws/vpc/${args.vpcId}/flow-logs`,
        retentionInDays: args.retentionDays,
    });
    const role = new aws.iam.Role(`${name}-flow-logs`, {
        description: pulumi.interpolate`Delivers the flow logs of ${args.vpcId} to CloudWatch Logs`,
        assumeRolePolicy: pulumi.jsonStringify(pulumi.all([partition, region, accountId]).apply(([p, r, a]) => flowLogsTrustPolicy(p, r, a))),
    });
    const delivery = new aws.iam.RolePolicy(`${name}-flow-logs`, {
        role: role.name,
        policy: pulumi.jsonStringify(logGroup.arn.apply(flowLogsDeliveryPolicy)),
    });
    const flowLog = new aws.ec2.FlowLog(
        `${name}-flow-logs`,
        {
            vpcId: args.vpcId,
            trafficType: "ALL",
            logDestinationType: "cloud-watch-logs",
            logDestination: logGroup.arn,
            iamRoleArn: role.arn,
            maxAggregationInterval: 600,
            tags: { Name: `${name}-flow-logs` },
        },
        // The service checks the role's permissions when the flow log is created.
        { dependsOn: [delivery] },
    );
    return { logGroup, role, flowLog };
}
