/**
 * What EKS Pod Identity sends to STS when it assumes a role for a pod, as AWS documents it: the
 * source account (IAM User Guide, global condition keys: a service principal acting for a resource)
 * and the six session tags (EKS User Guide, "pod-id-role" and "pod-id-abac"). No `aws:SourceArn`:
 * AWS documents no value of it for `pods.eks.amazonaws.com`, so a trust must not depend on one.
 */
import { ContextValues } from "./iamEvaluator";

/** The pod a request is made for. */
export interface PodIdentityPod {
    /** The ARN of the pod's cluster: `arn:<partition>:eks:<region>:<account>:cluster/<name>`. */
    clusterArn: string;
    namespace: string;
    serviceAccount: string;
    podName?: string;
}

/** The session tags EKS Pod Identity adds to every AssumeRole it makes (EKS User Guide, "pod-id-abac"). */
export const documentedSessionTagKeys = ["eks-cluster-arn", "eks-cluster-name", "kubernetes-namespace", "kubernetes-service-account", "kubernetes-pod-name", "kubernetes-pod-uid"];

/** The request context of EKS Pod Identity assuming a role for `pod`, with its session tags (unless disabled). */
export function podIdentityRequestContext(pod: PodIdentityPod, options: { sessionTags?: boolean } = {}): ContextValues {
    const account = pod.clusterArn.split(":")[4];
    if (options.sessionTags === false) {
        return { "aws:SourceAccount": account };
    }
    const tags: Record<string, string> = {
        "eks-cluster-arn": pod.clusterArn,
        "eks-cluster-name": pod.clusterArn.slice(pod.clusterArn.lastIndexOf("/") + 1),
        "kubernetes-namespace": pod.namespace,
        "kubernetes-service-account": pod.serviceAccount,
        "kubernetes-pod-name": pod.podName ?? `${pod.serviceAccount}-5d8f7c9b6-x2k4q`,
        "kubernetes-pod-uid": "0b6f0c5e-3f0e-4d7e-9b1a-2f1c8e4d6a7b",
    };
    return {
        "aws:SourceAccount": account,
        "aws:TagKeys": Object.keys(tags),
        ...Object.fromEntries(Object.entries(tags).map(([key, value]) => [`aws:RequestTag/${key}`, value])),
    };
}
