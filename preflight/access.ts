/**
 * Who is deploying, and whether that principal reaches the cluster's Kubernetes API after the
 * cluster exists: the cluster authenticates through access entries only, EKS makes one for the
 * creator, and the stack adds `eks-irsa:clusterAdminArns` and `eks-irsa:clusterViewerArns`.
 */
import { fullKey } from "../program/config";
import { AccountFacts } from "./facts";
import { Finding } from "./findings";
import { namesPrincipal } from "./principal";
import { StackNeeds } from "./needs";

const check = "deployer";
const adminKey = fullKey("clusterAdminArns");
const viewerKey = fullKey("clusterViewerArns");

/** The account the AWS provider will accept (`aws:allowedAccountIds`), against the deployer's. */
export function accountFindings(needs: StackNeeds, facts: AccountFacts): Finding[] {
    const { account, callerArn, principalArn, principalNote } = facts.deployer;
    const who: Finding = { level: "ok", check, message: `${callerArn} (account ${account}), whose access entry names ${principalArn}${principalNote ? `; ${principalNote}` : ""}` };
    if (needs.allowedAccountIds.length > 0 && !needs.allowedAccountIds.includes(account)) {
        return [
            who,
            { level: "error", check, key: "aws:allowedAccountIds", message: `the credentials are of account ${account}, which aws:allowedAccountIds (${needs.allowedAccountIds.join(", ")}) does not allow: the AWS provider refuses to run; use the stack's account's credentials` },
        ];
    }
    if (needs.assumedRoleArns.length > 0) {
        return [
            who,
            {
                level: "warning",
                check,
                key: "aws:assumeRoles",
                message: `the AWS provider assumes ${needs.assumedRoleArns.join(", then ")}: that role creates the cluster and gets the creator's entry, not ${principalArn}; the access checks below are of ${principalArn}, run the preflight as that role to check it`,
            },
        ];
    }
    if (/:root$/.test(callerArn)) {
        return [who, { level: "warning", check, message: "the account's root user is deploying: use an IAM role (a CI role, an SSO role), and list it in eks-irsa:clusterAdminArns" }];
    }
    return [who];
}

/** Whether the deployer reaches the cluster after this update, and whether its listing would fail the update. */
export function clusterAccessFindings(needs: StackNeeds, facts: AccountFacts): Finding[] {
    const { principalArn } = facts.deployer;
    const listedAdmin = needs.adminArns.some((arn) => namesPrincipal(arn, principalArn));
    const listedViewer = needs.viewerArns.some((arn) => namesPrincipal(arn, principalArn));
    const others = needs.adminArns.filter((arn) => !namesPrincipal(arn, principalArn));
    if (!/:(role|user)\//.test(principalArn)) {
        return [{ level: "error", check: "cluster access", message: `${principalArn} is not an IAM role or user, so no access entry can name it: every Kubernetes object would fail with Unauthorized; deploy with a role listed in ${adminKey}`, key: adminKey }];
    }
    if (!facts.cluster.ok) {
        return [
            {
                level: listedAdmin ? "ok" : "warning",
                check: "cluster access",
                message: `could not tell whether cluster ${needs.clusterName} exists (${facts.cluster.reason})${listedAdmin ? `; ${principalArn} is in ${adminKey}` : `: if it does, ${principalArn} needs an access entry (add it to ${adminKey})`}`,
            },
        ];
    }
    const cluster = facts.cluster.value;
    if (cluster === undefined) {
        if (listedAdmin || listedViewer) {
            return [
                {
                    level: "error",
                    check: "cluster access",
                    key: listedAdmin ? adminKey : viewerKey,
                    message: `${principalArn} creates cluster ${needs.clusterName}, and EKS gives its creator an access entry; listed too, the stack's second entry for it fails with ResourceInUseException: remove it from the list`,
                },
            ];
        }
        const alone: Finding[] =
            others.length === 0
                ? [
                      {
                          level: "warning",
                          check: "cluster access",
                          key: adminKey,
                          message: `after this update only ${principalArn} reaches the cluster: list the CI role that runs later updates, and the team's roles, or their \`pulumi up\` fails with Unauthorized`,
                      },
                  ]
                : [];
        return [{ level: "ok", check: "cluster access", message: `${principalArn} creates cluster ${needs.clusterName} and gets cluster-admin through the entry EKS makes for its creator; ${others.length} more in ${adminKey}` }, ...alone];
    }
    if (!cluster.accessEntries.ok) {
        return [
            listedAdmin
                ? { level: "ok", check: "cluster access", message: `${principalArn} is in ${adminKey}; the access entries of ${needs.clusterName} could not be listed (${cluster.accessEntries.reason})` }
                : { level: "warning", check: "cluster access", key: adminKey, message: `could not list the access entries of ${needs.clusterName} (${cluster.accessEntries.reason}): unless ${principalArn} has one, every Kubernetes object fails with Unauthorized` },
        ];
    }
    const entry = cluster.accessEntries.value.find((candidate) => namesPrincipal(candidate.principalArn, principalArn));
    if (entry === undefined) {
        if (listedAdmin) {
            return [{ level: "ok", check: "cluster access", message: `${principalArn} is in ${adminKey}: this update creates its access entry before any Kubernetes object` }];
        }
        return [
            {
                level: "error",
                check: "cluster access",
                key: adminKey,
                message: listedViewer
                    ? `${principalArn} is only in ${viewerKey}: AmazonEKSViewPolicy cannot create the stack's Kubernetes objects; move it to ${adminKey}`
                    : `${principalArn} has no access entry on ${needs.clusterName}: every Kubernetes object fails with Unauthorized; add it to ${adminKey}`,
            },
        ];
    }
    if (entry.clusterAdmin.ok && !entry.clusterAdmin.value && !listedAdmin) {
        return [{ level: "error", check: "cluster access", key: adminKey, message: `${principalArn}'s access entry on ${needs.clusterName} has no AmazonEKSClusterAdminPolicy: the stack's Kubernetes objects fail with Forbidden; add it to ${adminKey}` }];
    }
    return [{ level: "ok", check: "cluster access", message: `${principalArn} has an access entry on ${needs.clusterName}` }];
}

/** The listed principals IAM does not know: EKS refuses an access entry for them, failing the update. */
export function listedPrincipalFindings(needs: StackNeeds, facts: AccountFacts): Finding[] {
    const listed: [string, string][] = [...needs.adminArns.map((arn): [string, string] => [arn, adminKey]), ...needs.viewerArns.map((arn): [string, string] => [arn, viewerKey])];
    return listed.flatMap(([arn, key]): Finding[] => {
        const iamArn = facts.principals[arn];
        if (iamArn === undefined) {
            return [];
        }
        if (!iamArn.ok) {
            return [{ level: "warning", check: "cluster access", key, message: `could not check that ${arn} exists (${iamArn.reason})` }];
        }
        if (iamArn.value === undefined) {
            return [{ level: "error", check: "cluster access", key, message: `IAM has no principal ${arn}: EKS refuses its access entry, failing the update; correct or remove it` }];
        }
        const withoutPath = arn.split("/").length === 2;
        return iamArn.value === arn || withoutPath
            ? []
            : [{ level: "warning", check: "cluster access", key, message: `${arn} has another path than IAM's ${iamArn.value}: name the role as IAM does, or without its path` }];
    });
}
