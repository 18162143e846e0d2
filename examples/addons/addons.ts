import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { addons, IrsaBinding } from "@eks-irsa/components";

import { kubeconfigFor } from "./kubeconfig";

/** The cluster that exists already, and what its add-ons may reach. */
export interface ClusterAddonsArgs {
    clusterName: string;
    /** Route 53 hosted zones external-dns manages. */
    hostedZoneIds: string[];
    /** Customer managed keys of encrypted EBS volumes. */
    ebsKmsKeyArns: string[];
}

/** The three bindings, and the EKS add-on that uses the EBS CSI driver's role. */
export interface ClusterAddons {
    loadBalancerController: IrsaBinding;
    ebsCsiDriver: IrsaBinding;
    ebsCsiDriverAddon: aws.eks.Addon;
    externalDns: IrsaBinding;
}

/**
 * Looks the cluster and its IAM OIDC provider up by name, and gives three add-ons their roles, each
 * from the package's add-on catalogue and each owning its ServiceAccount differently:
 * - the AWS Load Balancer Controller: the binding creates `kube-system/aws-load-balancer-controller`
 *   (install the chart with `serviceAccount.create=false`);
 * - the EBS CSI driver: the EKS add-on owns its ServiceAccount, so the binding creates only the role
 *   (`serviceAccountMode: "none"`) and the add-on gets it as `serviceAccountRoleArn`;
 * - external-dns: role only as well; its chart creates the ServiceAccount with the annotations the
 *   binding outputs (`serviceAccountAnnotations`).
 */
export function bindClusterAddons(args: ClusterAddonsArgs): ClusterAddons {
    const partition = aws.getPartitionOutput().partition;
    // Bad scope (a malformed zone ID or key ARN) fails here, before any resource is created.
    const loadBalancerControllerPermissions = addons.awsLoadBalancerController({ clusterName: args.clusterName, partition });
    const ebsCsiDriverPermissions = addons.ebsCsiDriver({ kmsKeyArns: args.ebsKmsKeyArns, partition });
    const externalDnsPermissions = addons.externalDns({ hostedZoneIds: args.hostedZoneIds, partition });

    const cluster = aws.eks.getClusterOutput({ name: args.clusterName });
    // Fails, naming the issuer, when the cluster has no IAM OIDC provider in this account.
    const oidcProvider = aws.iam.getOpenIdConnectProviderOutput({ url: cluster.identities[0].oidcs[0].issuer });
    const region = aws.getRegionOutput().region;

    const kubernetes = new k8s.Provider(args.clusterName, {
        kubeconfig: pulumi.jsonStringify(
            pulumi.all([cluster.endpoint, cluster.certificateAuthorities[0].data, region]).apply(([endpoint, certificateAuthorityData, knownRegion]) =>
                kubeconfigFor({ clusterName: args.clusterName, endpoint, certificateAuthorityData, region: knownRegion }),
            ),
        ),
    });

    const loadBalancerController = new IrsaBinding(
        "aws-load-balancer-controller",
        {
            oidcProviderArn: oidcProvider.arn,
            ...addons.bindingArgsOf(loadBalancerControllerPermissions),
        },
        { providers: { kubernetes } },
    );

    const ebsCsiDriver = new IrsaBinding(
        "ebs-csi-driver",
        {
            oidcProviderArn: oidcProvider.arn,
            ...addons.bindingArgsOf(ebsCsiDriverPermissions),
            serviceAccountMode: "none",
        },
        { providers: { kubernetes } },
    );
    const ebsCsiDriverAddon = new aws.eks.Addon("aws-ebs-csi-driver", {
        clusterName: cluster.name,
        addonName: "aws-ebs-csi-driver",
        serviceAccountRoleArn: ebsCsiDriver.roleArn,
    });

    const externalDns = new IrsaBinding(
        "external-dns",
        {
            oidcProviderArn: oidcProvider.arn,
            ...addons.bindingArgsOf(externalDnsPermissions),
            serviceAccountMode: "none",
        },
        { providers: { kubernetes } },
    );

    return { loadBalancerController, ebsCsiDriver, ebsCsiDriverAddon, externalDns };
}
