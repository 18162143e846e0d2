/**
 * Everything a stack creates: the network, the EKS cluster with its OIDC provider, the nodes, the
 * bucket, and the namespace with the binding (IRSA or EKS Pod Identity) that lets the reader's pods read the bucket.
 */
import * as aws from "@pulumi/aws";
import * as eks from "@pulumi/eks";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { IrsaBinding, PodIdentityBinding } from "@eks-irsa/components";

import { Bucket, createBucket } from "./bucket";
import { ProgramConfig, projectName } from "./config";
import { createNetwork, Network } from "./network";
import { createNodes, Nodes } from "./nodes";

/** The Pod Security labels of the namespace: enforce, warn about and audit the `restricted` profile. */
export const podSecurityLabels: Record<string, string> = {
    "pod-security.kubernetes.io/enforce": "restricted",
    "pod-security.kubernetes.io/enforce-version": "latest",
    "pod-security.kubernetes.io/warn": "restricted",
    "pod-security.kubernetes.io/warn-version": "latest",
    "pod-security.kubernetes.io/audit": "restricted",
    "pod-security.kubernetes.io/audit-version": "latest",
};

/** The reader's Deployment: named for what it does, whatever the ServiceAccount is called. */
export const readerName = "s3-reader";

/** What a stack creates, for its outputs and for tests. */
export interface Infrastructure {
    network: Network;
    cluster: eks.Cluster;
    nodes: Nodes;
    bucket: Bucket;
    provider: k8s.Provider;
    namespace: k8s.core.v1.Namespace;
    /** The EKS Pod Identity agent add-on; only with the `pod-identity` mechanism. */
    podIdentityAgent: aws.eks.Addon | undefined;
    binding: IrsaBinding | PodIdentityBinding;
    /** The stack outputs. */
    outputs: StackOutputs;
}

/** The stack outputs. */
export interface StackOutputs {
    clusterName: pulumi.Output<string>;
    /** `irsa` or `pod-identity`: how the reader's pods get their role. */
    identityMechanism: pulumi.Output<string>;
    /** Secret: it names the cluster's endpoint and CA. */
    kubeconfig: pulumi.Output<string>;
    oidcProviderArn: pulumi.Output<string>;
    roleArn: pulumi.Output<string>;
    namespace: pulumi.Output<string>;
    serviceAccountName: pulumi.Output<string>;
    bucketName: pulumi.Output<string>;
    /** Writes a kubeconfig entry for the cluster. */
    updateKubeconfigCommand: pulumi.Output<string>;
    /** Follows the reader's log. */
    readerLogsCommand: pulumi.Output<string>;
}

/** Creates a stack's resources from its validated configuration. */
export function createInfrastructure(config: ProgramConfig): Infrastructure {
    // Logical names stay fixed, so renaming the cluster in config does not also rebuild the network and bucket.
    const name = projectName;
    const network = createNetwork(name, config.network);
    const cluster = new eks.Cluster(name, {
        name: config.clusterName,
        version: config.kubernetesVersion,
        vpcId: network.vpcId,
        privateSubnetIds: network.privateSubnetIds,
        publicSubnetIds: network.publicSubnetIds.length > 0 ? network.publicSubnetIds : undefined,
        // Access entries instead of the deprecated aws-auth ConfigMap; EKS adds the node role's own entry.
        authenticationMode: eks.AuthenticationMode.Api,
        createOidcProvider: true,
        skipDefaultNodeGroup: true,
        // Managed node groups use the security group EKS creates; the provider's extra groups would serve no node.
        skipDefaultSecurityGroups: true,
        endpointPrivateAccess: true,
        endpointPublicAccess: true,
        publicAccessCidrs: config.endpointPublicAccessCidrs,
    });
    const nodes = createNodes(`${name}-nodes`, { cluster, clusterName: config.clusterName, subnetIds: network.privateSubnetIds, config: config.nodes });
    const bucket = createBucket(`${name}-data`, config.bucket);

    const provider = new k8s.Provider(`${name}-k8s`, { kubeconfig: cluster.kubeconfigJson });
    const namespace = new k8s.core.v1.Namespace(
        `${name}-namespace`,
        { metadata: { name: config.namespace, labels: podSecurityLabels } },
        { provider },
    );
    const bindingArgs = {
        namespace: namespace.metadata.name,
        serviceAccountName: config.serviceAccountName,
        s3Read: { bucketArns: [bucket.arn], keyPrefixes: config.reader.keyPrefixes },
        reader: { name: readerName, replicas: config.reader.replicas, intervalSeconds: config.reader.intervalSeconds },
        tags: { "eks-irsa/cluster": config.clusterName },
    };
    // The reader's pods need nodes to run on before its Deployment can become ready.
    const bindingOpts = { providers: { kubernetes: provider }, dependsOn: [namespace, nodes.nodeGroup] };
    let podIdentityAgent: aws.eks.Addon | undefined;
    let binding: IrsaBinding | PodIdentityBinding;
    if (config.identityMechanism === "pod-identity") {
        // The agent's DaemonSet hands pods their credentials; the add-on turns active once it runs on the nodes.
        podIdentityAgent = new aws.eks.Addon(`${name}-pod-identity-agent`, { clusterName: config.clusterName, addonName: "eks-pod-identity-agent" }, { dependsOn: [nodes.nodeGroup] });
        // Naming the cluster through the add-on makes the association wait for the agent, and so for the cluster.
        binding = new PodIdentityBinding(`${name}-reader`, { clusterName: podIdentityAgent.clusterName, ...bindingArgs }, bindingOpts);
    } else {
        binding = new IrsaBinding(`${name}-reader`, { oidcProviderArn: cluster.oidcProviderArn, ...bindingArgs }, bindingOpts);
    }

    const region = aws.getRegionOutput().region;
    const deploymentName = binding.deployment!.metadata.name;
    const outputs: StackOutputs = {
        clusterName: pulumi.output(config.clusterName),
        identityMechanism: pulumi.output(config.identityMechanism),
        kubeconfig: pulumi.secret(cluster.kubeconfigJson),
        oidcProviderArn: cluster.oidcProviderArn,
        roleArn: binding.roleArn,
        namespace: binding.namespace,
        serviceAccountName: binding.serviceAccountName,
        bucketName: bucket.name,
        updateKubeconfigCommand: pulumi.interpolate`aws eks update-kubeconfig --region ${region} --name ${config.clusterName}`,
        readerLogsCommand: pulumi.interpolate`kubectl logs --namespace ${binding.namespace} deployment/${deploymentName} --follow`,
    };
    return { network, cluster, nodes, bucket, provider, namespace, podIdentityAgent, binding, outputs };
}
