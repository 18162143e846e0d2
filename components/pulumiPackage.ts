import { IrsaBinding } from "./irsaBinding";
import { PodIdentityBinding } from "./podIdentityBinding";
import { WorkloadIdentities } from "./workloadIdentities";

/** The Pulumi package the components belong to: their type tokens are `eks-irsa:index:<Class>`. */
export const pulumiPackageName = "eks-irsa";

/** The components served to other Pulumi languages. */
export const pulumiComponents = [IrsaBinding, PodIdentityBinding, WorkloadIdentities];
