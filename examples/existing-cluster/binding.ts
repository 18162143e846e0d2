import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { IrsaBinding } from "@eks-irsa/components";

import { kubeconfigFor } from "./kubeconfig";

/** What to bind: a workload on a cluster that exists already, to a bucket that exists already. */
export interface ExistingClusterBindingArgs {
    clusterName: string;
    bucketName: string;
    /** Folders of the bucket the workload may read; empty for the whole bucket. */
    keyPrefixes: string[];
    namespace: string;
    serviceAccountName: string;
}

/**
 * Looks the cluster and its IAM OIDC provider up by the cluster's name, and binds the workload to
 * the bucket through the cluster's own API server.
 */
export function bindWorkloadOnExistingCluster(args: ExistingClusterBindingArgs): IrsaBinding {
    const cluster = aws.eks.getClusterOutput({ name: args.clusterName });
    // Fails, naming the issuer, when the cluster has no IAM OIDC provider in this account.
    const oidcProvider = aws.iam.getOpenIdConnectProviderOutput({ url: cluster.identities[0].oidcs[0].issuer });
    const partition = aws.getPartitionOutput().partition;
    const region = aws.getRegionOutput().region;

    const kubernetes = new k8s.Provider(args.clusterName, {
        kubeconfig: pulumi.jsonStringify(
            pulumi.all([cluster.endpoint, cluster.certificateAuthorities[0].data, region]).apply(([endpoint, certificateAuthorityData, knownRegion]) =>
                kubeconfigFor({ clusterName: args.clusterName, endpoint, certificateAuthorityData, region: knownRegion }),
            ),
        ),
    });

    return new IrsaBinding(
        args.serviceAccountName,
        {
            oidcProviderArn: oidcProvider.arn,
            namespace: args.namespace,
            serviceAccountName: args.serviceAccountName,
            s3Read: { bucketArns: [pulumi.interpolate`arn:${partition}:s3:::${args.bucketName}`], keyPrefixes: args.keyPrefixes },
        },
        { providers: { kubernetes } },
    );
}
