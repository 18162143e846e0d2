/**
 * Who owns a binding's ServiceAccount, and what the binding does to it: create it, add the role's
 * annotation to one that exists (a Helm chart's), or leave Kubernetes alone.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

/** The ways a binding treats its ServiceAccount, as `serviceAccountMode` names them. */
export const serviceAccountModes = ["create", "annotate", "none"] as const;

/** A value of `serviceAccountMode`. */
export type ServiceAccountMode = (typeof serviceAccountModes)[number];

/** The mode a binding uses when none is given. */
export const defaultServiceAccountMode: ServiceAccountMode = "create";

/** The annotation that names the role of an IRSA ServiceAccount. */
export const roleArnAnnotation = "eks.amazonaws.com/role-arn";

/** The first problem of a mode. */
export function checkServiceAccountMode(field: string, value: string): string | undefined {
    return (serviceAccountModes as readonly string[]).includes(value)
        ? undefined
        : `${field} ${JSON.stringify(value)} is invalid: expected one of ${serviceAccountModes.join(", ")} ("create" a new ServiceAccount, "annotate" an existing one, or "none" for the role alone)`;
}

/** Whether the binding registers Kubernetes objects in this mode. */
export function managesKubernetes(mode: ServiceAccountMode): boolean {
    return mode !== "none";
}

/**
 * What an IRSA ServiceAccount must carry: the role, and regional STS endpoints (the SDKs'
 * global endpoint is a single point of failure in us-east-1).
 */
export function irsaServiceAccountAnnotations<T>(roleArn: T): { [key: string]: T | string } {
    return { [roleArnAnnotation]: roleArn, "eks.amazonaws.com/sts-regional-endpoints": "true" };
}

/** The Kubernetes side of a binding's ServiceAccount. */
export interface ServiceAccountObjects {
    /** The ServiceAccount the binding created (`create` mode). */
    serviceAccount: k8s.core.v1.ServiceAccount | undefined;
    /** The patch that annotates an existing ServiceAccount (`annotate` mode, when there is something to add). */
    serviceAccountPatch: k8s.core.v1.ServiceAccountPatch | undefined;
}

/**
 * Creates or patches the ServiceAccount as the mode says. A patch is applied server-side and owns
 * only the annotations it adds, so the chart keeps the rest, and deleting the binding removes them.
 */
export function createServiceAccountObjects(
    parent: pulumi.Resource,
    name: string,
    mode: ServiceAccountMode,
    serviceAccount: { namespace: pulumi.Input<string>; name: pulumi.Input<string>; annotations: { [key: string]: pulumi.Input<string> } },
    /** The cluster's Kubernetes provider, where it is not the parent's (a fleet reaches many clusters). */
    provider?: pulumi.ProviderResource,
): ServiceAccountObjects {
    const opts = { parent, provider };
    const metadata = { name: serviceAccount.name, namespace: serviceAccount.namespace, annotations: serviceAccount.annotations };
    if (mode === "create") {
        return {
            // Pods of this account call AWS, not the Kubernetes API.
            serviceAccount: new k8s.core.v1.ServiceAccount(name, { metadata, automountServiceAccountToken: false }, opts),
            serviceAccountPatch: undefined,
        };
    }
    if (mode === "annotate" && Object.keys(serviceAccount.annotations).length > 0) {
        return { serviceAccount: undefined, serviceAccountPatch: new k8s.core.v1.ServiceAccountPatch(name, { metadata }, opts) };
    }
    return { serviceAccount: undefined, serviceAccountPatch: undefined };
}
