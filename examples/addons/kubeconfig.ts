/** A kubeconfig for an EKS cluster that authenticates with `aws eks get-token`, as `aws eks update-kubeconfig` writes it. */
export interface ClusterAccess {
    clusterName: string;
    endpoint: string;
    /** The cluster's CA certificate, base64-encoded. */
    certificateAuthorityData: string;
    region: string;
}

/** The kubeconfig, as an object to serialise. */
export function kubeconfigFor(access: ClusterAccess): object {
    return {
        apiVersion: "v1",
        kind: "Config",
        clusters: [{ name: access.clusterName, cluster: { server: access.endpoint, "certificate-authority-data": access.certificateAuthorityData } }],
        contexts: [{ name: access.clusterName, context: { cluster: access.clusterName, user: access.clusterName } }],
        "current-context": access.clusterName,
        users: [
            {
                name: access.clusterName,
                user: {
                    exec: {
                        apiVersion: "client.authentication.k8s.io/v1beta1",
                        command: "aws",
                        args: ["eks", "get-token", "--cluster-name", access.clusterName, "--region", access.region, "--output", "json"],
                        interactiveMode: "Never",
                    },
                },
            },
        ],
    };
}
