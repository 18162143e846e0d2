import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

import { DescribeAddonVersionsCommand, DescribeClusterCommand, DescribeClusterVersionsCommand, EKSClient, ListAccessEntriesCommand, ListAssociatedAccessPoliciesCommand, ResourceNotFoundException } from "@aws-sdk/client-eks";
import { GetRoleCommand, GetUserCommand, IAMClient, ListOpenIDConnectProvidersCommand, NoSuchEntityException } from "@aws-sdk/client-iam";
import { HeadBucketCommand, S3Client } from "@aws-sdk/client-s3";
import { ListServiceQuotasCommand, ServiceQuotasClient } from "@aws-sdk/client-service-quotas";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { AwsClientStub, mockClient } from "aws-sdk-client-mock";
import { parse, stringify } from "yaml";

import { callerOf } from "../preflight/principal";
import { runPreflight } from "../preflight/run";
import { stackArgument } from "../preflight/main";
import { projectDir } from "./stackFiles";

// The SDK warns once per process that its releases after January 2027 need Node.js 22; the lock pins these.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";

const account = "111122223333";
const deployerRole = `arn:aws:iam::${account}:role/ci/github-actions-deployer`;
const teamRole = `arn:aws:iam::${account}:role/platform-admins`;
const region = "us-west-2";

const projectDirs: string[] = [];
after(() => projectDirs.forEach((directory) => fs.rmSync(directory, { recursive: true, force: true })));

/** A project directory with the repository's Pulumi.yaml and one stack file: prod's, with changes. */
function projectWith(changes: Record<string, unknown>, stack = "team"): string {
    const directory = fs.mkdtempSync(path.join(os.tmpdir(), "preflight-"));
    projectDirs.push(directory);
    fs.copyFileSync(path.join(projectDir, "Pulumi.yaml"), path.join(directory, "Pulumi.yaml"));
    const prod = parse(fs.readFileSync(path.join(projectDir, "Pulumi.prod.yaml"), "utf8")) as { config: Record<string, unknown> };
    const config = Object.fromEntries(Object.entries({ ...prod.config, "eks-irsa:clusterAdminArns": [teamRole], ...changes }).filter(([, value]) => value !== undefined));
    fs.writeFileSync(path.join(directory, `Pulumi.${stack}.yaml`), stringify({ config }));
    return directory;
}

/** The stack reading an existing bucket: the settings of a created one do not apply. */
const existingBucket = { "eks-irsa:bucketName": "team-reports", "eks-irsa:bucketVersioning": false, "eks-irsa:bucketProtect": false };

function awsError<T extends Error>(error: T, status?: number): T {
    return Object.assign(error, { $metadata: { httpStatusCode: status } });
}

let sts: AwsClientStub<STSClient>;
let eks: AwsClientStub<EKSClient>;
let iam: AwsClientStub<IAMClient>;
let quotas: AwsClientStub<ServiceQuotasClient>;
let s3: AwsClientStub<S3Client>;
let address: string | Error;

/** A clean account: nothing there that `pulumi up` of the team stack would trip on. */
function cleanAccount(): void {
    sts = mockClient(STSClient);
    eks = mockClient(EKSClient);
    iam = mockClient(IAMClient);
    quotas = mockClient(ServiceQuotasClient);
    s3 = mockClient(S3Client);
    address = "203.0.113.9";
    sts.on(GetCallerIdentityCommand).resolves({ Account: account, Arn: `arn:aws:sts::${account}:assumed-role/github-actions-deployer/run-1234`, UserId: "AROA:run-1234" });
    iam.on(GetRoleCommand).callsFake((input: { RoleName: string }) => {
        const known: Record<string, string> = { "github-actions-deployer": deployerRole, "platform-admins": teamRole };
        if (known[input.RoleName] === undefined) {
            throw awsError(new NoSuchEntityException({ message: `The role with name ${input.RoleName} cannot be found.`, $metadata: {} }), 404);
        }
        return { Role: { Arn: known[input.RoleName], RoleName: input.RoleName, Path: "/", RoleId: "AROA", CreateDate: new Date() } };
    });
    iam.on(GetUserCommand).rejects(awsError(new NoSuchEntityException({ message: "no such user", $metadata: {} }), 404));
    iam.on(ListOpenIDConnectProvidersCommand).resolves({
        OpenIDConnectProviderList: Array.from({ length: 3 }, (_, index) => ({ Arn: `arn:aws:iam::${account}:oidc-provider/oidc.eks.${region}.amazonaws.com/id/${String(index).repeat(32)}` })),
    });
    quotas.on(ListServiceQuotasCommand).resolves({
        Quotas: [
            { QuotaName: "Role trust policy length", QuotaCode: "L-C07B4B0D", Value: 4096 },
            { QuotaName: "OpenId connect providers per account", QuotaCode: "L-858F3967", Value: 100 },
        ],
    });
    eks.on(DescribeClusterCommand).rejects(new ResourceNotFoundException({ message: "No cluster found for name: eks-irsa-prod.", $metadata: {} }));
    eks.on(DescribeClusterVersionsCommand).resolves({
        clusterVersions: ["1.35", "1.34", "1.33"].map((version) => ({ clusterVersion: version, versionStatus: "STANDARD_SUPPORT" as const })),
    });
    eks.on(DescribeAddonVersionsCommand).callsFake((input: { addonName: string }) => ({
        addons: [{ addonName: input.addonName, addonVersions: [{ addonVersion: `v1.0.0-eksbuild.1-${input.addonName}` }] }],
    }));
    s3.on(HeadBucketCommand).resolves({});
}

const allStubs = () => [sts, eks, iam, quotas, s3];

async function preflight(changes: Record<string, unknown> = {}): Promise<{ report: string; exitCode: number; errors: string[]; warnings: string[] }> {
    const fetchText = async () => {
        if (address instanceof Error) {
            throw address;
        }
        return address;
    };
    const { report, exitCode } = await runPreflight("team", { projectDir: projectWith(changes), fetchText });
    const lines = report.split("\n");
    return { report, exitCode, errors: lines.filter((line) => line.startsWith("ERROR")), warnings: lines.filter((line) => line.startsWith("WARNING")) };
}

describe("npm run preflight", () => {
    beforeEach(cleanAccount);
    afterEach(() => allStubs().forEach((stub) => stub.restore()));

    it("reports a clean account as such, naming who deploys (the session's role, with its path) and exits 0", async () => {
        const { report, exitCode, errors, warnings } = await preflight();
        assert.deepEqual(errors, [], report);
        assert.deepEqual(warnings, [], report);
        assert.equal(exitCode, 0);
        assert.match(report, new RegExp(`arn:aws:sts::${account}:assumed-role/github-actions-deployer/run-1234 \\(account ${account}\\), whose access entry names ${deployerRole.replace(/\//g, "\\/")}`));
        assert.match(report, /creates cluster eks-irsa-prod and gets cluster-admin through the entry EKS makes for its creator/);
        assert.match(report, /203\.0\.113\.9 is inside 203\.0\.113\.0\/24/);
        assert.match(report, /3 in the account, 0 added by this stack, the quota in force 100/);
        assert.match(report, /trust policy length: the quota in force is 4096 characters/);
        assert.match(report, /EKS in us-west-2 offers 1\.35 \(STANDARD_SUPPORT\)/);
        for (const addon of ["vpc-cni", "kube-proxy", "coredns", "eks-pod-identity-agent"]) {
            assert.match(report, new RegExp(`ok +add-ons: ${addon} v1\\.0\\.0`));
        }
        assert.match(report, /Nothing found that would make `pulumi up` of stack team fail\./);
    });

    it("sends read-only calls only: every command a Get, List, Describe or Head", async () => {
        eks.on(DescribeClusterCommand).resolves({ cluster: { name: "eks-irsa-prod", version: "1.35" } });
        eks.on(ListAccessEntriesCommand).resolves({ accessEntries: [deployerRole] });
        eks.on(ListAssociatedAccessPoliciesCommand).resolves({ associatedAccessPolicies: [{ policyArn: "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy", accessScope: { type: "cluster" } }] });
        await preflight({ ...existingBucket, "eks-irsa:clusterViewerArns": [`arn:aws:iam::${account}:user/auditor`] });
        const sent = allStubs().flatMap((stub) => stub.calls().map((call) => (call.args[0] as object).constructor.name));
        assert.ok(sent.length >= 12, sent.join(", "));
        for (const name of sent) {
            assert.match(name, /^(Get|List|Describe|Head)[A-Za-z]+Command$/);
        }
        // And no module of the preflight can send another: every command it imports reads.
        for (const file of fs.readdirSync(path.join(projectDir, "preflight"))) {
            const source = fs.readFileSync(path.join(projectDir, "preflight", file), "utf8");
            for (const [, name] of source.matchAll(/\b([A-Z][A-Za-z]+Command)\b/g)) {
                assert.match(name, /^(Get|List|Describe|Head)[A-Za-z]+Command$/, `${file} uses ${name}`);
            }
        }
    });

    it("refuses credentials of an account aws:allowedAccountIds does not allow", async () => {
        const { errors, exitCode } = await preflight({ "aws:allowedAccountIds": ["444455556666"] });
        assert.equal(exitCode, 1);
        assert.deepEqual(errors, [
            "ERROR   deployer: the credentials are of account 111122223333, which aws:allowedAccountIds (444455556666) does not allow: the AWS provider refuses to run; use the stack's account's credentials (change aws:allowedAccountIds)",
        ]);
    });

    it("warns that the access checks are of the caller when the AWS provider assumes a role", async () => {
        const { warnings } = await preflight({ "aws:assumeRoles": [{ roleArn: `arn:aws:iam::${account}:role/deployer-target` }] });
        assert.deepEqual(warnings, [
            `WARNING deployer: the AWS provider assumes arn:aws:iam::${account}:role/deployer-target: that role creates the cluster and gets the creator's entry, not ${deployerRole}; the access checks below are of ${deployerRole}, run the preflight as that role to check it (change aws:assumeRoles)`,
        ]);
    });

    it("refuses the creator listed in clusterAdminArns (EKS already gives it its entry: ResourceInUseException)", async () => {
        const { errors, exitCode } = await preflight({ "eks-irsa:clusterAdminArns": [teamRole, deployerRole] });
        assert.equal(exitCode, 1);
        assert.equal(errors.length, 1);
        assert.match(errors[0], /github-actions-deployer creates cluster eks-irsa-prod, and EKS gives its creator an access entry; listed too, the stack's second entry for it fails with ResourceInUseException.*\(change eks-irsa:clusterAdminArns\)$/);
        // Named without its path, it is the same principal to EKS: the same refusal.
        const pathless = await preflight({ "eks-irsa:clusterViewerArns": [`arn:aws:iam::${account}:role/github-actions-deployer`] });
        assert.equal(pathless.errors.length, 1);
        assert.match(pathless.errors[0], /listed too, .*ResourceInUseException.*\(change eks-irsa:clusterViewerArns\)$/);
    });

    it("warns when after a first update nobody but the deployer reaches the cluster", async () => {
        const { warnings, exitCode } = await preflight({ "eks-irsa:clusterAdminArns": undefined });
        assert.equal(exitCode, 0);
        assert.equal(warnings.length, 1);
        assert.match(warnings[0], /after this update only .*github-actions-deployer reaches the cluster: list the CI role .*\(change eks-irsa:clusterAdminArns\)$/);
    });

    it("finds a deployer without an access entry on the existing cluster, and one that is only a viewer", async () => {
        eks.on(DescribeClusterCommand).resolves({ cluster: { name: "eks-irsa-prod", version: "1.35" } });
        eks.on(ListAccessEntriesCommand).resolves({ accessEntries: [teamRole] });
        const missing = await preflight();
        assert.equal(missing.exitCode, 1);
        assert.match(missing.errors.join("\n"), /github-actions-deployer has no access entry on eks-irsa-prod: every Kubernetes object fails with Unauthorized; add it to eks-irsa:clusterAdminArns \(change eks-irsa:clusterAdminArns\)/);
        const viewer = await preflight({ "eks-irsa:clusterViewerArns": [deployerRole] });
        assert.match(viewer.errors.join("\n"), /is only in eks-irsa:clusterViewerArns: AmazonEKSViewPolicy cannot create the stack's Kubernetes objects/);
        // Listed as an admin, it gets its entry in this very update.
        const listed = await preflight({ "eks-irsa:clusterAdminArns": [teamRole, deployerRole] });
        assert.deepEqual(listed.errors, []);
    });

    it("finds an existing entry of the deployer without AmazonEKSClusterAdminPolicy", async () => {
        eks.on(DescribeClusterCommand).resolves({ cluster: { name: "eks-irsa-prod", version: "1.35" } });
        eks.on(ListAccessEntriesCommand).resolves({ accessEntries: [deployerRole, teamRole] });
        eks.on(ListAssociatedAccessPoliciesCommand).resolves({ associatedAccessPolicies: [{ policyArn: "arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy", accessScope: { type: "cluster" } }] });
        const { errors } = await preflight();
        assert.equal(errors.length, 1);
        assert.match(errors[0], /access entry on eks-irsa-prod has no AmazonEKSClusterAdminPolicy: the stack's Kubernetes objects fail with Forbidden/);
    });

    it("warns of a listed role whose path is not IAM's", async () => {
        const { warnings, errors } = await preflight({ "eks-irsa:clusterAdminArns": [`arn:aws:iam::${account}:role/admins/platform-admins`] });
        assert.deepEqual(errors, []);
        assert.deepEqual(warnings, [
            `WARNING cluster access: arn:aws:iam::${account}:role/admins/platform-admins has another path than IAM's ${teamRole}: name the role as IAM does, or without its path (change eks-irsa:clusterAdminArns)`,
        ]);
    });

    it("finds a listed principal IAM does not know", async () => {
        const { errors } = await preflight({ "eks-irsa:clusterAdminArns": [teamRole, `arn:aws:iam::${account}:role/platform-admin-typo`] });
        assert.deepEqual(errors, [
            `ERROR   cluster access: IAM has no principal arn:aws:iam::${account}:role/platform-admin-typo: EKS refuses its access entry, failing the update; correct or remove it (change eks-irsa:clusterAdminArns)`,
        ]);
    });

    it("finds this machine's address outside the endpoint's CIDRs, and warns clearly when it cannot be found", async () => {
        address = "192.0.2.44";
        const outside = await preflight();
        assert.equal(outside.exitCode, 1);
        assert.deepEqual(outside.errors, [
            "ERROR   endpoint: this machine's public address 192.0.2.44 is in none of 203.0.113.0/24, 198.51.100.16/28: the cluster would be created, then every Kubernetes object would time out; add 192.0.2.44/32 (or the deployer's egress block) (change eks-irsa:endpointPublicAccessCidrs)",
        ]);
        address = new Error("getaddrinfo ENOTFOUND checkip.amazonaws.com");
        const unknown = await preflight();
        assert.equal(unknown.exitCode, 0);
        assert.match(unknown.warnings.join("\n"), /could not find this machine's public address as AWS sees it \(Error: getaddrinfo ENOTFOUND checkip\.amazonaws\.com\); check it is inside 203\.0\.113\.0\/24, 198\.51\.100\.16\/28 yourself/);
        const privateOnly = await preflight({ "eks-irsa:endpointPublicAccess": false, "eks-irsa:endpointPublicAccessCidrs": [] });
        assert.match(privateOnly.warnings.join("\n"), /the public endpoint is off: `pulumi up` must run inside the VPC/);
    });

    it("finds an IRSA cluster's provider over the OIDC quota, and counts none for an existing cluster's provider", async () => {
        const providers = Array.from({ length: 100 }, (_, index) => ({ Arn: `arn:aws:iam::${account}:oidc-provider/oidc.eks.${region}.amazonaws.com/id/${index.toString(16).toUpperCase().padStart(32, "0")}` }));
        iam.on(ListOpenIDConnectProvidersCommand).resolves({ OpenIDConnectProviderList: providers });
        const full = await preflight({ "eks-irsa:identityMechanism": "irsa" });
        assert.equal(full.exitCode, 1);
        assert.deepEqual(full.errors, [
            "ERROR   OIDC providers: 100 in the account, 1 added by this stack, the quota in force 100: creating the cluster's provider fails with LimitExceeded; use pod-identity (no provider), delete unused providers, or raise the quota (change eks-irsa:identityMechanism)",
        ]);
        assert.deepEqual((await preflight()).errors, [], "Pod Identity needs no provider");
        eks.on(DescribeClusterCommand).resolves({ cluster: { version: "1.35", identity: { oidc: { issuer: `https://oidc.eks.${region}.amazonaws.com/id/${"0".repeat(32)}` } } } });
        eks.on(ListAccessEntriesCommand).resolves({ accessEntries: [deployerRole] });
        eks.on(ListAssociatedAccessPoliciesCommand).resolves({ associatedAccessPolicies: [{ policyArn: "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy", accessScope: { type: "cluster" } }] });
        assert.deepEqual((await preflight({ "eks-irsa:identityMechanism": "irsa" })).errors, [], "the existing cluster's provider is counted already");
        quotas.on(ListServiceQuotasCommand).resolves({ Quotas: [] });
        iam.on(ListOpenIDConnectProvidersCommand).resolves({ OpenIDConnectProviderList: providers.slice(0, 95) });
        eks.on(DescribeClusterCommand).rejects(new ResourceNotFoundException({ message: "none", $metadata: {} }));
        const close = await preflight({ "eks-irsa:identityMechanism": "irsa" });
        assert.match(close.warnings.join("\n"), /95 in the account, 1 added by this stack, the default quota \(Service Quotas: no applied value\) 100: close to the quota/);
    });

    it("reads the trust policy length quota where Service Quotas has it, else says it assumes the default 2048", async () => {
        quotas.on(ListServiceQuotasCommand).rejects(awsError(Object.assign(new Error("User is not authorized to perform servicequotas:ListServiceQuotas"), { name: "AccessDeniedException" }), 400));
        const { report, exitCode } = await preflight();
        assert.equal(exitCode, 0);
        assert.match(report, /ok +trust policy length: assumed the default 2048 characters \(Service Quotas: AccessDeniedException: User is not authorized/);
        assert.match(report, /the default quota \(Service Quotas: AccessDeniedException/);
    });

    it("finds a Kubernetes version the region does not offer, and an upgrade EKS cannot make in one step", async () => {
        eks.on(DescribeClusterVersionsCommand).resolves({
            clusterVersions: [
                { clusterVersion: "1.34", versionStatus: "STANDARD_SUPPORT" },
                { clusterVersion: "1.33", versionStatus: "STANDARD_SUPPORT" },
            ],
        });
        const { errors } = await preflight();
        assert.deepEqual(errors, ["ERROR   Kubernetes version: EKS in us-west-2 does not offer 1.35: creating the cluster fails; use one of 1.34, 1.33 (change eks-irsa:kubernetesVersion)"]);
        cleanAccount();
        eks.on(DescribeClusterCommand).resolves({ cluster: { version: "1.33" } });
        eks.on(ListAccessEntriesCommand).resolves({ accessEntries: [] });
        const jump = await preflight({ "eks-irsa:clusterAdminArns": [teamRole, deployerRole] });
        assert.deepEqual(jump.errors, [
            "ERROR   Kubernetes version: cluster eks-irsa-prod runs 1.33; EKS upgrades one minor version at a time, so 1.35 fails: go through each version between (change eks-irsa:kubernetesVersion)",
        ]);
    });

    it("finds an add-on EKS publishes no version of for the stack's Kubernetes version", async () => {
        eks.on(DescribeAddonVersionsCommand, { addonName: "eks-pod-identity-agent" }).resolves({ addons: [] });
        const { errors } = await preflight();
        assert.deepEqual(errors, [
            "ERROR   add-ons: EKS in us-west-2 publishes no eks-pod-identity-agent version for Kubernetes 1.35: the program's add-on lookup fails; use a version EKS supports (change eks-irsa:kubernetesVersion)",
        ]);
    });

    it("judges an existing bucket by S3 HeadBucket with this account as the expected owner: 200 yours, 403 another account's, 404 free", async () => {
        const yours = await preflight(existingBucket);
        assert.match(yours.report, /ok +bucket: bucket team-reports exists and belongs to account 111122223333/);
        assert.deepEqual(s3.commandCalls(HeadBucketCommand)[0].args[0].input, { Bucket: "team-reports", ExpectedBucketOwner: account });
        s3.on(HeadBucketCommand).rejects(awsError(Object.assign(new Error("Forbidden"), { name: "Forbidden" }), 403));
        assert.match((await preflight(existingBucket)).errors.join("\n"), /bucket team-reports belongs to another account.*\(change eks-irsa:bucketName\)$/);
        s3.on(HeadBucketCommand).rejects(awsError(Object.assign(new Error("NotFound"), { name: "NotFound" }), 404));
        assert.match((await preflight(existingBucket)).errors.join("\n"), /no bucket is named team-reports \(S3 answers 404\).*\(change eks-irsa:bucketName\)$/);
        assert.match((await preflight()).report, /ok +bucket: the stack creates its buckets under names Pulumi completes with a random suffix/);
    });

    it("stops with one clear message, not a stack trace, without credentials or with a bad stack file", async () => {
        sts.on(GetCallerIdentityCommand).rejects(Object.assign(new Error("Could not load credentials from any providers"), { name: "CredentialsProviderError" }));
        const none = await preflight();
        assert.equal(none.exitCode, 2);
        assert.equal(none.report, "preflight of stack team stopped: no AWS credentials found: set AWS_PROFILE (or aws:profile in the stack), run `aws sso login`, or export AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY");
        sts.on(GetCallerIdentityCommand).rejects(Object.assign(new Error("The security token included in the request is expired"), { name: "ExpiredToken" }));
        assert.match((await preflight()).report, /AWS refused the credentials \(ExpiredToken\): they are expired or wrong/);
        sts.on(GetCallerIdentityCommand).rejects(Object.assign(new Error("getaddrinfo ENOTFOUND sts.mars-1.amazonaws.com"), { code: "ENOTFOUND" }));
        assert.match((await preflight({ "aws:region": "mars-1" })).report, /could not reach AWS STS in region mars-1 .*check aws:region in the stack's file/);
        const bad = await preflight({ "eks-irsa:kubernetesVersion": "1.10" });
        assert.equal(bad.exitCode, 2);
        assert.match(bad.report, /^preflight of stack team stopped: invalid configuration:\n {2}eks-irsa:kubernetesVersion "1\.10" is invalid/);
        assert.equal(sts.commandCalls(GetCallerIdentityCommand).length, 3, "bad config stops before any AWS call");
    });
});

describe("preflight parts", () => {
    it("maps a role session to its role, and reads users, roles and the root", () => {
        assert.deepEqual(callerOf(`arn:aws:sts::${account}:assumed-role/AWSReservedSSO_Admin_0123/jane@example.com`), { kind: "session", partition: "aws", account, roleName: "AWSReservedSSO_Admin_0123" });
        assert.deepEqual(callerOf(`arn:aws-cn:iam::${account}:user/ops/jane`), { kind: "user", principalArn: `arn:aws-cn:iam::${account}:user/ops/jane`, name: "jane" });
        assert.equal(callerOf(`arn:aws:iam::${account}:root`).kind, "root");
    });

    it("takes --stack NAME, and says what is wrong with anything else", () => {
        assert.deepEqual(stackArgument(["--stack", "prod"]), { stack: "prod" });
        assert.deepEqual(stackArgument(["-s", "dev"]), { stack: "dev" });
        assert.deepEqual(stackArgument([]), { error: "--stack is required" });
        assert.deepEqual(stackArgument(["--stack"]), { error: "--stack needs a stack name" });
        assert.deepEqual(stackArgument(["prod"]), { error: 'unknown argument "prod"' });
    });
});

