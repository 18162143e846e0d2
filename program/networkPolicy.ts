/**
 * The namespace's NetworkPolicies: nothing may reach its pods and its pods may reach nothing
 * (default deny, ingress and egress), except that the reader may ask CoreDNS for names, call AWS
 * APIs over HTTPS, and fetch credentials from the EKS Pod Identity agent. A compromised reader can
 * then neither scan the cluster nor talk to anything but HTTPS endpoints. The VPC CNI's network policy
 * agent enforces them (see addons.ts). EKS Best Practices, Network security: "Create a default deny
 * policy"; CIS Amazon EKS Benchmark 5.4.4 (network policy is enabled and set as appropriate).
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

/** The link-local addresses (IPv4 and IPv6) on which the EKS Pod Identity agent serves credentials, on port 80 (EKS User Guide, "Set up the Amazon EKS Pod Identity Agent"). */
export const podIdentityAgentAddresses = ["169.254.170.23/32", "fd00:ec2::23/128"] as const;

/** A NetworkPolicy manifest, as the Kubernetes API takes it. */
export interface NetworkPolicyManifest {
    apiVersion: "networking.k8s.io/v1";
    kind: "NetworkPolicy";
    metadata: { name: string; namespace: string };
    spec: {
        podSelector: { matchLabels?: Record<string, string> };
        policyTypes: ("Ingress" | "Egress")[];
        egress?: {
            to: ({ ipBlock: { cidr: string } } | { namespaceSelector: { matchLabels: Record<string, string> }; podSelector: { matchLabels: Record<string, string> } })[];
            ports: { protocol: "TCP" | "UDP"; port: number }[];
        }[];
    };
}

/** Every pod of the namespace: no traffic in, none out, unless another policy allows it. */
export function defaultDenyPolicy(namespace: string): NetworkPolicyManifest {
    return {
        apiVersion: "networking.k8s.io/v1",
        kind: "NetworkPolicy",
        metadata: { name: "default-deny", namespace },
        spec: { podSelector: {}, policyTypes: ["Ingress", "Egress"] },
    };
}

/** The reader's pods may reach DNS (CoreDNS in kube-system, UDP and TCP 53), HTTPS anywhere (AWS APIs), and the Pod Identity agent. */
export function readerEgressPolicy(namespace: string, readerLabels: Record<string, string>): NetworkPolicyManifest {
    return {
        apiVersion: "networking.k8s.io/v1",
        kind: "NetworkPolicy",
        metadata: { name: "s3-reader-egress", namespace },
        spec: {
            podSelector: { matchLabels: readerLabels },
            policyTypes: ["Egress"],
            egress: [
                {
                    to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } }, podSelector: { matchLabels: { "k8s-app": "kube-dns" } } }],
                    ports: [
                        { protocol: "UDP", port: 53 },
                        { protocol: "TCP", port: 53 },
                    ],
                },
                // S3 (through the gateway endpoint's routes), STS and EKS Auth (through interface endpoints or NAT).
                { to: [{ ipBlock: { cidr: "0.0.0.0/0" } }], ports: [{ protocol: "TCP", port: 443 }] },
                { to: podIdentityAgentAddresses.map((cidr) => ({ ipBlock: { cidr } })), ports: [{ protocol: "TCP", port: 80 }] },
            ],
        },
    };
}

/** Creates the namespace's policies through the cluster's provider. */
export function createNetworkPolicies(
    name: string,
    args: { namespace: pulumi.Input<string>; readerLabels: Record<string, string>; provider: k8s.Provider; dependsOn: pulumi.Input<pulumi.Resource>[] },
): k8s.networking.v1.NetworkPolicy[] {
    const opts = { provider: args.provider, dependsOn: args.dependsOn };
    const manifests = pulumi.output(args.namespace).apply((namespace) => ({
        deny: defaultDenyPolicy(namespace),
        reader: readerEgressPolicy(namespace, args.readerLabels),
    }));
    return [
        new k8s.networking.v1.NetworkPolicy(`${name}-default-deny`, { metadata: manifests.deny.metadata, spec: manifests.deny.spec }, opts),
        new k8s.networking.v1.NetworkPolicy(`${name}-reader-egress`, { metadata: manifests.reader.metadata, spec: manifests.reader.spec }, opts),
    ];
}
