/**
 * The thin layer that reads the account, with the deployer's credentials: read-only calls only
 * (Get, List, Describe, Head), each answer turned into plain facts for the checks. A call the
 * deployer may not make becomes an unknown fact with its reason, never a failure of the run.
 */
import { DescribeAddonVersionsCommand, DescribeClusterCommand, DescribeClusterVersionsCommand, EKSClient, ListAccessEntriesCommand, ListAssociatedAccessPoliciesCommand } from "@aws-sdk/client-eks";
import { GetRoleCommand, GetUserCommand, IAMClient, ListOpenIDConnectProvidersCommand } from "@aws-sdk/client-iam";
import { HeadBucketCommand, S3Client } from "@aws-sdk/client-s3";
import { ListServiceQuotasCommand, ServiceQuotasClient } from "@aws-sdk/client-service-quotas";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";

import { AddonName } from "../program/addons";
import { accessPolicyNames } from "../program/access";
import { setupErrorOf, reasonOf } from "./errors";
import { AccountFacts, BucketOwnership, Deployer, ExistingCluster, OfferedVersion } from "./facts";
import { known, Readout, unknown } from "./findings";
import { StackNeeds } from "./needs";
import { callerOf, nameOfPrincipalArn, namesPrincipal, roleArnWithoutPath } from "./principal";

/** The SDK clients the preflight reads with. */
export interface PreflightClients {
    sts: STSClient;
    eks: EKSClient;
    iam: IAMClient;
    quotas: ServiceQuotasClient;
    s3: S3Client;
}

/** The region Service Quotas serves IAM's (global) quotas from, per partition. */
function quotasRegionOf(region: string): string {
    return region.startsWith("cn-") ? "cn-north-1" : region.startsWith("us-gov-") ? "us-gov-west-1" : "us-east-1";
}

/** Clients for the stack's region (and profile, when the stack's aws:profile names one). */
export function createClients(region: string, profile?: string): PreflightClients {
    const common = { region, profile, maxAttempts: 3 };
    return {
        sts: new STSClient(common),
        eks: new EKSClient(common),
        iam: new IAMClient(common),
        quotas: new ServiceQuotasClient({ ...common, region: quotasRegionOf(region) }),
        s3: new S3Client({ ...common, followRegionRedirects: true }),
    };
}

/** Runs a read, turning a refusal or any other error into an unknown fact with its reason. */
async function attempt<T>(read: () => Promise<T>): Promise<Readout<T>> {
    try {
        return known(await read());
    } catch (error) {
        return unknown(reasonOf(error));
    }
}

function errorName(error: unknown): string {
    return (error as { name?: string }).name ?? "";
}

/** Who is deploying: STS, then the role's ARN with its path (iam:GetRole), as an access entry names it. */
export async function readDeployer(clients: PreflightClients, region: string, profile?: string): Promise<Deployer> {
    let identity: { Account?: string; Arn?: string };
    try {
        identity = await clients.sts.send(new GetCallerIdentityCommand({}));
    } catch (error) {
        throw setupErrorOf(error, region, profile);
    }
    const callerArn = identity.Arn ?? "";
    const account = identity.Account ?? callerArn.split(":")[4] ?? "";
    const caller = callerOf(callerArn);
    switch (caller.kind) {
        case "session": {
            const withoutPath = roleArnWithoutPath(caller.partition, caller.account, caller.roleName);
            const role = await attempt(async () => (await clients.iam.send(new GetRoleCommand({ RoleName: caller.roleName }))).Role?.Arn);
            return role.ok && role.value !== undefined
                ? { account, callerArn, principalArn: role.value }
                : { account, callerArn, principalArn: withoutPath, principalNote: `the role's path is not known (iam:GetRole: ${role.ok ? "no ARN" : role.reason}); an access entry may name the role without it` };
        }
        case "user":
        case "role":
            return { account, callerArn, principalArn: caller.principalArn };
        case "root":
        case "federated":
            return { account, callerArn, principalArn: caller.arn };
    }
}

async function readAccessEntries(clients: PreflightClients, clusterName: string, deployer: Deployer): Promise<ExistingCluster["accessEntries"]> {
    return attempt(async () => {
        const principals: string[] = [];
        let nextToken: string | undefined;
        do {
            const page = await clients.eks.send(new ListAccessEntriesCommand({ clusterName, nextToken }));
            principals.push(...(page.accessEntries ?? []));
            nextToken = page.nextToken;
        } while (nextToken !== undefined);
        return Promise.all(
            principals.map(async (principalArn) => ({
                principalArn,
                // Only the deployer's own entry matters here: one more call for it, none for the others.
                clusterAdmin: namesPrincipal(principalArn, deployer.principalArn)
                    ? await attempt(async () => {
                          const page = await clients.eks.send(new ListAssociatedAccessPoliciesCommand({ clusterName, principalArn }));
                          return (page.associatedAccessPolicies ?? []).some((policy) => policy.policyArn?.endsWith(`/${accessPolicyNames.admin}`) && policy.accessScope?.type !== "namespace");
                      })
                    : unknown<boolean>("not read"),
            })),
        );
    });
}

async function readCluster(clients: PreflightClients, clusterName: string, deployer: Deployer): Promise<Readout<ExistingCluster | undefined>> {
    try {
        const { cluster } = await clients.eks.send(new DescribeClusterCommand({ name: clusterName }));
        return known({ version: cluster?.version ?? "", oidcIssuer: cluster?.identity?.oidc?.issuer, accessEntries: await readAccessEntries(clients, clusterName, deployer) });
    } catch (error) {
        return errorName(error) === "ResourceNotFoundException" ? known(undefined) : unknown(reasonOf(error));
    }
}

async function readClusterVersions(clients: PreflightClients): Promise<Readout<OfferedVersion[]>> {
    return attempt(async () => {
        const versions: OfferedVersion[] = [];
        let nextToken: string | undefined;
        do {
            const page = await clients.eks.send(new DescribeClusterVersionsCommand({ includeAll: true, nextToken }));
            for (const entry of page.clusterVersions ?? []) {
                if (entry.clusterVersion !== undefined) {
                    versions.push({ version: entry.clusterVersion, status: entry.versionStatus ?? String(entry.status ?? "").toUpperCase().replace(/-/g, "_") });
                }
            }
            nextToken = page.nextToken;
        } while (nextToken !== undefined);
        return versions;
    });
}

async function readAddonVersions(clients: PreflightClients, addonName: AddonName, kubernetesVersion: string): Promise<Readout<string[]>> {
    return attempt(async () => {
        const page = await clients.eks.send(new DescribeAddonVersionsCommand({ addonName, kubernetesVersion }));
        return (page.addons ?? []).flatMap((addon) => (addon.addonVersions ?? []).flatMap((version) => (version.addonVersion === undefined ? [] : [version.addonVersion])));
    });
}

/** The applied values of IAM's quotas in Service Quotas, by name. */
async function readIamQuotas(clients: PreflightClients): Promise<Readout<Map<string, number>>> {
    return attempt(async () => {
        const quotas = new Map<string, number>();
        let NextToken: string | undefined;
        do {
            const page = await clients.quotas.send(new ListServiceQuotasCommand({ ServiceCode: "iam", NextToken }));
            for (const quota of page.Quotas ?? []) {
                if (quota.QuotaName !== undefined && quota.Value !== undefined) {
                    quotas.set(quota.QuotaName.toLowerCase(), quota.Value);
                }
            }
            NextToken = page.NextToken;
        } while (NextToken !== undefined);
        return quotas;
    });
}

function quotaNamed(quotas: Readout<Map<string, number>>, pattern: RegExp): Readout<number | undefined> {
    if (!quotas.ok) {
        return quotas;
    }
    const match = [...quotas.value.entries()].find(([name]) => pattern.test(name));
    return known(match?.[1]);
}

async function readBucket(clients: PreflightClients, bucket: string, account: string): Promise<Readout<BucketOwnership>> {
    try {
        await clients.s3.send(new HeadBucketCommand({ Bucket: bucket, ExpectedBucketOwner: account }));
        return known("yours");
    } catch (error) {
        const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
        return status === 404 ? known("free") : status === 403 ? known("another-account") : unknown(reasonOf(error));
    }
}

/** A role or user of the deployer's account as IAM has it (other accounts' principals are not read): its ARN, or undefined. */
async function readPrincipal(clients: PreflightClients, arn: string): Promise<Readout<string | undefined>> {
    const name = nameOfPrincipalArn(arn);
    try {
        if (arn.split(":")[5]?.startsWith("user/")) {
            return known((await clients.iam.send(new GetUserCommand({ UserName: name }))).User?.Arn ?? arn);
        }
        return known((await clients.iam.send(new GetRoleCommand({ RoleName: name }))).Role?.Arn ?? arn);
    } catch (error) {
        return /NoSuchEntity/.test(errorName(error)) ? known(undefined) : unknown(reasonOf(error));
    }
}

/** Everything the checks need, read with the given clients. */
export async function readFacts(needs: StackNeeds, clients: PreflightClients, findAddress: () => Promise<string>, profile?: string): Promise<AccountFacts> {
    const deployer = await readDeployer(clients, needs.region, profile);
    const ownPrincipals = [...needs.adminArns, ...needs.viewerArns].filter((arn) => arn.split(":")[4] === deployer.account);
    const [publicAddress, cluster, oidcProviders, iamQuotas, clusterVersions, addonVersions, bucket, principals] = await Promise.all([
        attempt(findAddress),
        readCluster(clients, needs.clusterName, deployer),
        attempt(async () => ((await clients.iam.send(new ListOpenIDConnectProvidersCommand({}))).OpenIDConnectProviderList ?? []).flatMap((provider) => (provider.Arn ? [provider.Arn] : []))),
        readIamQuotas(clients),
        readClusterVersions(clients),
        Promise.all(needs.addons.map(async (addon) => [addon, await readAddonVersions(clients, addon, needs.kubernetesVersion)] as const)),
        needs.existingBucket === undefined ? Promise.resolve(undefined) : readBucket(clients, needs.existingBucket, deployer.account),
        Promise.all(ownPrincipals.map(async (arn) => [arn, await readPrincipal(clients, arn)] as const)),
    ]);
    return {
        deployer,
        publicAddress,
        cluster,
        oidcProviders,
        oidcProviderQuota: quotaNamed(iamQuotas, /openid connect providers/),
        trustPolicyQuota: quotaNamed(iamQuotas, /role trust policy length/),
        clusterVersions,
        addonVersions: Object.fromEntries(addonVersions),
        bucket,
        principals: Object.fromEntries(principals),
    };
}
