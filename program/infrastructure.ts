/**
 * Everything a stack creates: the network, the EKS cluster (its logs, Secrets key and add-ons), the
 * nodes, the bucket, and the namespace with its NetworkPolicies and the binding (IRSA or EKS Pod
 * Identity) that lets the reader's pods read the bucket.
 */
import * as aws from "@pulumi/aws";
import * as eks from "@pulumi/eks";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { IrsaBinding, PodIdentityBinding, WorkloadClusterIdentity, WorkloadIdentities } from "@eks-irsa/components";

import { ClusterAccessGrant, createClusterAccess } from "./access";
import { createAddon, vpcCniNetworkPolicyConfiguration } from "./addons";
import { Bucket, createBucket } from "./bucket";
import { ProgramConfig, projectName } from "./config";
import { createSecretsKey, SecretsKey } from "./encryption";
import { createControlPlaneLogGroup, createFlowLogs, FlowLogs } from "./logging";
import { bindingAliases, clusterAddonAliases, guardedClusterName, identityPlan, IdentityPlan } from "./migration";
import { createNetwork, Network } from "./network";
import { createNetworkPolicies } from "./networkPolicy";
import { createNodes, Nodes } from "./nodes";
import { createAwsNodeRollout, createVpcCniBinding, VpcCniBinding } from "./vpcCniRole";
import { createStackWorkloads } from "./workloads";

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

/** The labels of the reader's pods (the components' reader Deployment), which its NetworkPolicy selects. */
export const readerPodLabels: Record<string, string> = { "app.kubernetes.io/name": readerName };

/** What a stack creates, for its outputs and for tests. */
export interface Infrastructure {
    network: Network;
    /** Undefined when `vpcFlowLogs` is off. */
    flowLogs: FlowLogs | undefined;
    controlPlaneLogGroup: aws.cloudwatch.LogGroup;
    /** Undefined when `secretsEncryption` is off. */
    secretsKey: SecretsKey | undefined;
    cluster: eks.Cluster;
    /** The access entries of `clusterAdminArns` and `clusterViewerArns`. */
    clusterAccess: ClusterAccessGrant[];
    /** How the mechanism (and a switch of it) shapes the cluster and the bindings. */
    identity: IdentityPlan;
    /** The aws-node DaemonSet's role. */
    vpcCniBinding: VpcCniBinding;
    /** Restarts aws-node when the mechanism changes. */
    awsNodeRollout: k8s.apps.v1.DaemonSetPatch;
    addons: { vpcCni: aws.eks.Addon; kubeProxy: aws.eks.Addon; coreDns: aws.eks.Addon; podIdentityAgent: aws.eks.Addon | undefined };
    nodes: Nodes;
    bucket: Bucket;
    provider: k8s.Provider;
    namespace: k8s.core.v1.Namespace;
    networkPolicies: k8s.networking.v1.NetworkPolicy[];
    binding: IrsaBinding | PodIdentityBinding;
    /** The fleet of `eks-irsa:workloads`; undefined when the stack declares none. */
    workloads: WorkloadIdentities | undefined;
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
    /** The cluster's IAM OIDC provider; undefined where no binding uses IRSA, since then the cluster has none. */
    oidcProviderArn: pulumi.Output<string> | undefined;
    roleArn: pulumi.Output<string>;
    namespace: pulumi.Output<string>;
    serviceAccountName: pulumi.Output<string>;
    bucketName: pulumi.Output<string>;
    /** Writes a kubeconfig entry for the cluster. */
    updateKubeconfigCommand: pulumi.Output<string>;
    /** Follows the reader's log. */
    readerLogsCommand: pulumi.Output<string>;
    /** Per workload of `eks-irsa:workloads`: its role and ServiceAccount annotations on the cluster; undefined without workloads. */
    workloadIdentities: pulumi.Output<{ [workload: string]: WorkloadClusterIdentity }> | undefined;
}

/** Creates a stack's resources from its validated configuration. */
export function createInfrastructure(config: ProgramConfig): Infrastructure {
    // Logical names stay fixed, so renaming the cluster in config does not also rebuild the network and bucket.
    const name = projectName;
    const clusterName = guardedClusterName(name, config.clusterName, config.allowClusterReplacement);
    const identity = identityPlan(config.identityMechanism, config.identityMechanismTransition);
    const { retentionDays } = config.logging;

    const network = createNetwork(name, config.network);
    const flowLogs = config.logging.vpcFlowLogs ? createFlowLogs(name, { vpcId: network.vpcId, retentionDays }) : undefined;
    const controlPlaneLogGroup = createControlPlaneLogGroup(name, { clusterName, retentionDays, protect: config.deletionProtection });
    const secretsKey = config.secretsEncryption ? createSecretsKey(name, { clusterName, protect: config.deletionProtection }) : undefined;
    const cluster = new eks.Cluster(
        name,
        {
            name: clusterName,
            version: config.kubernetesVersion,
            // Chosen, not defaulted (the provider's default is EXTENDED): see README, "Security".
            upgradePolicy: { supportType: config.upgradeSupportType },
            deletionProtection: config.deletionProtection,
            vpcId: network.vpcId,
            privateSubnetIds: network.privateSubnetIds,
            publicSubnetIds: network.publicSubnetIds.length > 0 ? network.publicSubnetIds : undefined,
            // Access entries instead of the deprecated aws-auth ConfigMap; EKS adds the node role's own entry.
            authenticationMode: eks.AuthenticationMode.Api,
            createOidcProvider: identity.oidcProvider,
            skipDefaultNodeGroup: true,
            // Managed node groups use the security group EKS creates; the provider's extra groups would serve no node.
            skipDefaultSecurityGroups: true,
            endpointPrivateAccess: true,
            endpointPublicAccess: config.endpoint.publicAccess,
            publicAccessCidrs: config.endpoint.publicAccess ? config.endpoint.publicAccessCidrs : undefined,
            enabledClusterLogTypes: config.logging.clusterLogTypes,
            encryptionConfigKeyArn: secretsKey?.key.arn,
            // The program manages the add-ons itself (addons.ts), each visible and at the cluster's version.
            useDefaultVpcCni: true,
            kubeProxyAddonOptions: { enabled: false },
            corednsAddonOptions: { enabled: false },
        },
        // The log group must exist before EKS first writes to it, or EKS creates it without a retention.
        { protect: config.deletionProtection, dependsOn: [controlPlaneLogGroup] },
    );
    const addonAliases = clusterAddonAliases(name, cluster.urn);

    // The add-ons that nodes need before they can become ready: the CNI (with its role), kube-proxy and,
    // for Pod Identity, the agent that hands aws-node its credentials. DaemonSets: ready without nodes.
    const podIdentityAgent = identity.podIdentityAgent
        ? createAddon(`${name}-pod-identity-agent`, "eks-pod-identity-agent", { clusterName, kubernetesVersion: config.kubernetesVersion, preserve: false, dependsOn: [cluster] })
        : undefined;
    const vpcCniBinding = createVpcCniBinding(`${name}-vpc-cni`, {
        identity,
        // Through the agent: with Pod Identity the association waits for it, and so for the cluster.
        clusterName: podIdentityAgent?.clusterName ?? clusterName,
        oidcProviderArn: cluster.oidcProviderArn,
        tags: { "eks-irsa/cluster": clusterName },
    });
    const vpcCni = createAddon(`${name}-addon-vpc-cni`, "vpc-cni", {
        clusterName,
        kubernetesVersion: config.kubernetesVersion,
        serviceAccountRoleArn: vpcCniBinding.serviceAccountRoleArn,
        configuration: config.networkPolicy ? vpcCniNetworkPolicyConfiguration : undefined,
        aliases: [addonAliases.vpcCni],
        // aws-node must start with its role in place: with Pod Identity, the association must exist first.
        dependsOn: [cluster, vpcCniBinding.binding],
    });
    const clusterAccess = createClusterAccess(name, { clusterName, access: config.access, dependsOn: [cluster] });
    // Kubernetes objects go through the cluster's endpoint, with the deployer's credentials: a deployer
    // who has just listed itself reaches the API only once its entry and policy exist.
    const provider = new k8s.Provider(`${name}-k8s`, { kubeconfig: cluster.kubeconfigJson }, { dependsOn: clusterAccess.map((grant) => grant.association) });
    const awsNodeRollout = createAwsNodeRollout(`${name}-aws-node`, { mechanism: config.identityMechanism, provider, dependsOn: [vpcCni] });
    const kubeProxy = createAddon(`${name}-addon-kube-proxy`, "kube-proxy", {
        clusterName,
        kubernetesVersion: config.kubernetesVersion,
        aliases: [addonAliases.kubeProxy],
        dependsOn: [cluster],
    });
    const nodes = createNodes(`${name}-nodes`, {
        cluster,
        clusterName,
        kubernetesVersion: config.kubernetesVersion,
        subnetIds: network.privateSubnetIds,
        config: config.nodes,
        dependsOn: [vpcCni, awsNodeRollout, kubeProxy, ...(podIdentityAgent ? [podIdentityAgent] : [])],
    });
    // CoreDNS is a Deployment: it becomes active only once nodes run it.
    const coreDns = createAddon(`${name}-addon-coredns`, "coredns", { clusterName, kubernetesVersion: config.kubernetesVersion, dependsOn: [nodes.nodeGroup] });
    const bucket = createBucket(`${name}-data`, config.bucket, retentionDays);

    const namespace = new k8s.core.v1.Namespace(
        `${name}-namespace`,
        { metadata: { name: config.namespace, labels: podSecurityLabels } },
        { provider },
    );
    const networkPolicies = config.networkPolicy
        ? createNetworkPolicies(`${name}-namespace`, { namespace: namespace.metadata.name, readerLabels: readerPodLabels, provider, dependsOn: [namespace, vpcCni] })
        : [];

    const bindingArgs = {
        namespace: namespace.metadata.name,
        serviceAccountName: config.serviceAccountName,
        s3Read: { bucketArns: [bucket.arn], keyPrefixes: config.reader.keyPrefixes },
        reader: { name: readerName, replicas: config.reader.replicas, intervalSeconds: config.reader.intervalSeconds },
        tags: { "eks-irsa/cluster": clusterName },
    };
    // The reader's pods need nodes to run on, and their egress allowed, before its Deployment can become ready.
    // The alias to the other mechanism's type makes a switch of mechanism an update of the same objects.
    const bindingOpts: pulumi.ComponentResourceOptions = {
        providers: { kubernetes: provider },
        dependsOn: [namespace, nodes.nodeGroup, ...networkPolicies],
        aliases: bindingAliases(config.identityMechanism),
    };
    let binding: IrsaBinding | PodIdentityBinding;
    if (config.identityMechanism === "pod-identity") {
        // Naming the cluster through the add-on makes the association wait for the agent, and so for the cluster.
        binding = new PodIdentityBinding(
            `${name}-reader`,
            {
                clusterName: podIdentityAgent!.clusterName,
                ...bindingArgs,
                transitionalOidcProviderArn: identity.trustOidcDuringSwitch ? cluster.oidcProviderArn : undefined,
            },
            bindingOpts,
        );
    } else {
        binding = new IrsaBinding(
            `${name}-reader`,
            {
                oidcProviderArn: cluster.oidcProviderArn,
                ...bindingArgs,
                transitionalPodIdentityClusterName: identity.trustPodIdentityDuringSwitch ? clusterName : undefined,
            },
            bindingOpts,
        );
    }

    // The stack's further workloads, on its cluster with its mechanism (and the other one too while switching);
    // the Pod Identity agent's add-on names the cluster, so associations wait for it.
    const workloads = createStackWorkloads(
        `${name}-workloads`,
        config.workloads,
        {
            clusterName: config.clusterName,
            mechanism: config.identityMechanism,
            transition: config.identityMechanismTransition,
            oidcProviderArn: cluster.oidcProviderArn,
            podIdentityClusterName: podIdentityAgent?.clusterName,
            kubeconfig: cluster.kubeconfigJson,
        },
        aws.getPartitionOutput().partition,
    );

    const region = aws.getRegionOutput().region;
    const deploymentName = binding.deployment!.metadata.name;
    const outputs: StackOutputs = {
        clusterName,
        identityMechanism: pulumi.output(config.identityMechanism),
        kubeconfig: pulumi.secret(cluster.kubeconfigJson),
        oidcProviderArn: identity.oidcProvider ? cluster.oidcProviderArn : undefined,
        roleArn: binding.roleArn,
        namespace: binding.namespace,
        serviceAccountName: binding.serviceAccountName,
        bucketName: bucket.name,
        updateKubeconfigCommand: pulumi.interpolate`aws eks update-kubeconfig --region ${region} --name ${clusterName}`,
        readerLogsCommand: pulumi.interpolate`kubectl logs --namespace ${binding.namespace} deployment/${deploymentName} --follow`,
        workloadIdentities: workloads?.identities.apply((identities) =>
            Object.fromEntries(Object.entries(identities).map(([workload, byMechanism]) => [workload, byMechanism[config.identityMechanism]])),
        ),
    };
    return {
        network,
        flowLogs,
        controlPlaneLogGroup,
        secretsKey,
        cluster,
        clusterAccess,
        identity,
        vpcCniBinding,
        awsNodeRollout,
        addons: { vpcCni, kubeProxy, coreDns, podIdentityAgent },
        nodes,
        bucket,
        provider,
        namespace,
        networkPolicies,
        binding,
        workloads,
        outputs,
    };
}
