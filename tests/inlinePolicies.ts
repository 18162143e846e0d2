/**
 * The inline policies a binding's role carries (its `inlinePolicies`), read back from what the mock
 * engine registered.
 */
import { PolicyDocument } from "../components/index";
import { registeredResource } from "./mocks";

/** The named inline policy of a role's registered inputs. */
export function inlinePolicyOf(roleInputs: Record<string, unknown>, policyName: string): PolicyDocument {
    const policies = (roleInputs.inlinePolicies ?? []) as { name?: string; policy?: string }[];
    const found = policies.find((policy) => policy.name === policyName);
    if (found?.policy === undefined) {
        throw new Error(`the role has no inline policy ${policyName}: it has ${policies.map((policy) => policy.name ?? "(none)").join(", ")}`);
    }
    return JSON.parse(found.policy) as PolicyDocument;
}

/** The named inline policy (`s3-read`, `statements`) of the registered role of that name. */
export function registeredInlinePolicy(roleName: string, policyName: string): PolicyDocument {
    return inlinePolicyOf(registeredResource("aws:iam/role:Role", roleName).inputs, policyName);
}

/** The names of a registered role's inline policies. */
export function inlinePolicyNames(roleName: string): string[] {
    return ((registeredResource("aws:iam/role:Role", roleName).inputs.inlinePolicies ?? []) as { name?: string }[]).flatMap((policy) => (policy.name ? [policy.name] : []));
}
