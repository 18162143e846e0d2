/**
 * The rules on ServiceAccounts bound to a role through the IRSA annotation.
 */
import { PolicyResource, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";

import { conditionsOf, conditionsOn, parsePolicyDocument, principalsOf, stringList } from "../documents";
import { accountOfArn, annotatedRoleProblems, roleArnAnnotation, tokenAutomountProblems } from "../kubernetes";
import { at, canonicalType, plain, readOr, resourceLabel } from "../runtime";
import { issuerOfProviderArn } from "../trust";
import { trustPolicyOf } from "./trust";

const serviceAccountType = "kubernetes:core/v1:ServiceAccount";
const serviceAccountPatchType = "kubernetes:core/v1:ServiceAccountPatch";

/** Whether a ServiceAccount's metadata carries the IRSA annotation, even one whose value is still unknown. */
function hasRoleAnnotation(props: Record<string, unknown>): boolean {
    // Object.keys reads the keys without touching the (possibly unknown) values.
    const metadata = props.metadata as Record<string, unknown> | undefined;
    const annotations = metadata?.annotations as Record<string, unknown> | undefined;
    return typeof annotations === "object" && annotations !== null && Object.keys(annotations).includes(roleArnAnnotation);
}

/** Bound ServiceAccounts do not hand their pods a Kubernetes API token. */
export const serviceAccountTokenRule: ResourceValidationPolicy = {
    name: "service-account-no-token-automount",
    description:
        "A ServiceAccount bound to an IAM role (annotation eks.amazonaws.com/role-arn) should set automountServiceAccountToken to false: its pods need AWS credentials, not a Kubernetes API token that lets whoever takes over a pod act in the cluster.",
    enforcementLevel: "advisory",
    validateResource: (args, reportViolation) => {
        const type = canonicalType(args.type);
        if ((type !== serviceAccountType && type !== serviceAccountPatchType) || !hasRoleAnnotation(args.props)) {
            return;
        }
        const automount = plain(args.props.automountServiceAccountToken) as boolean | undefined;
        // A patch (a ServiceAccount someone else, e.g. a Helm chart, owns) is judged only on what it sets.
        if (type === serviceAccountPatchType && automount !== true) {
            return;
        }
        for (const problem of tokenAutomountProblems(automount)) {
            reportViolation(`${resourceLabel(args)}: ${problem}`);
        }
    },
};


/**
 * The accounts the stack deploys to, as far as its resources tell: the account of each IAM OIDC
 * provider its roles trust (a role can only trust its own account's providers), each
 * aws:SourceAccount its Pod Identity roles name, each role's ARN, and AWS providers' allowedAccountIds.
 */
export function stackAccounts(resources: PolicyResource[]): string[] {
    const accounts = new Set<string>();
    for (const resource of resources) {
        const trust = readOr(() => trustPolicyOf(resource), undefined);
        if (trust !== undefined) {
            const parsed = parsePolicyDocument(trust);
            for (const { statement } of "error" in parsed ? [] : parsed.statements) {
                for (const federated of principalsOf(statement).Federated ?? []) {
                    const account = issuerOfProviderArn(federated) === undefined ? undefined : accountOfArn(federated);
                    if (account !== undefined) {
                        accounts.add(account);
                    }
                }
                for (const condition of conditionsOn(conditionsOf(statement), "aws:SourceAccount")) {
                    condition.values.filter((value) => /^\d{12}$/.test(value)).forEach((value) => accounts.add(value));
                }
            }
            const arn = readOr(() => plain(resource.props.arn), undefined);
            const account = typeof arn === "string" ? accountOfArn(arn) : undefined;
            if (account !== undefined) {
                accounts.add(account);
            }
        }
        if (resource.type === "pulumi:providers:aws") {
            const allowed = readOr(() => plain(resource.props.allowedAccountIds), undefined);
            // Provider inputs of list type reach the engine as JSON strings.
            const list = typeof allowed === "string" && allowed.startsWith("[") ? (JSON.parse(allowed) as unknown) : allowed;
            stringList(Array.isArray(list) ? (list as string[]) : typeof list === "string" ? [list] : []).forEach((value) => accounts.add(value));
        }
    }
    return [...accounts].sort();
}

/** Bound ServiceAccounts name a role of the stack's own account. */
export const serviceAccountRoleAccountRule: StackValidationPolicy = {
    name: "service-account-role-same-account",
    description:
        "A ServiceAccount's eks.amazonaws.com/role-arn annotation should name an IAM role of the stack's own account: a role elsewhere gives the pods another account's permissions, on a trust this stack does not control.",
    enforcementLevel: "advisory",
    configSchema: {
        properties: {
            accountIds: {
                type: "array",
                items: { type: "string", pattern: "^\\d{12}$" },
                default: [],
                description: "The accounts bound roles may belong to. Empty: the accounts the stack's own resources name (trusted OIDC providers, aws:SourceAccount, role ARNs, the AWS provider's allowedAccountIds).",
            },
        },
    },
    validateStack: (args, reportViolation) => {
        const configured = args.getConfig<{ accountIds?: string[] }>().accountIds ?? [];
        const accounts = configured.length > 0 ? configured : stackAccounts(args.resources);
        for (const resource of args.resources) {
            if (canonicalType(resource.type) !== serviceAccountType && canonicalType(resource.type) !== serviceAccountPatchType) {
                continue;
            }
            // Unknown during preview when the role is created by this same stack, and so in its account.
            const roleArn = readOr(() => at(resource.props, "metadata", "annotations", roleArnAnnotation), undefined);
            if (typeof roleArn !== "string") {
                continue;
            }
            for (const problem of annotatedRoleProblems(roleArn, accounts)) {
                reportViolation(`${resourceLabel(resource)}: ${problem}`, resource.urn);
            }
        }
    },
};
