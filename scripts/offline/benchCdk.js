// @ts-check
/**
 * The AWS CDK side of `npm run bench`, in a process of its own: N bindings of one kind synthesized
 * to CloudFormation, as close to ours as the CDK gets. Per binding an `aws_eks.ServiceAccount` on an
 * imported cluster (`Cluster.fromClusterAttributes` with its IAM OIDC provider): an IAM role trusting
 * the cluster's OIDC provider for that ServiceAccount (IRSA), or the Pod Identity service with an
 * association (`IdentityType.POD_IDENTITY`), and the ServiceAccount manifest applied through
 * `KubernetesManifest`; plus the same S3 read statements as an IAM policy of the role. Timed from the
 * first construct to the cloud assembly on disk (`app.synth()`), in one stack (its 500-resource check
 * lifted). Prints one JSON line.
 *
 *   node benchCdk.js <directory with aws-cdk-lib installed> <irsa|pod-identity> <N>
 *
 * Plain JavaScript: aws-cdk-lib is installed on demand outside the project's dependencies.
 */
"use strict";

const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");

const [cdkDir, kind, countText] = process.argv.slice(2);
if (!cdkDir || (kind !== "irsa" && kind !== "pod-identity") || !/^\d+$/.test(countText ?? "")) {
    process.stderr.write("usage: benchCdk.js <cdk dir> <irsa|pod-identity> <N>\n");
    process.exit(2);
}
const count = Number(countText);

const cdk = require(require.resolve("aws-cdk-lib", { paths: [cdkDir] }));
const { aws_eks: eks, aws_iam: iam, aws_lambda: lambda } = cdk;
const account = "123456789012";
const issuer = "oidc.eks.us-west-2.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE";

const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "eks-irsa-bench-cdk-"));
const rssBeforeKiB = Math.round(process.memoryUsage().rss / 1024);
const started = process.hrtime.bigint();

// CloudFormation takes 500 resources a stack, which N = 500 bindings exceed fourfold; the CDK refuses
// to synthesize such a stack unless the check is lifted. Lifted: one stack, as our program is one.
const app = new cdk.App({ outdir, context: { "@aws-cdk/core:stackResourceLimit": 0 } });
const stack = new cdk.Stack(app, "Bench", { env: { account, region: "us-west-2" } });
const cluster = eks.Cluster.fromClusterAttributes(stack, "Cluster", {
    clusterName: "platform-dev",
    openIdConnectProvider: iam.OpenIdConnectProvider.fromOpenIdConnectProviderArn(stack, "Oidc", `arn:aws:iam::${account}:oidc-provider/${issuer}`),
    kubectlRoleArn: `arn:aws:iam::${account}:role/kubectl`,
    kubectlLayer: lambda.LayerVersion.fromLayerVersionArn(stack, "KubectlLayer", `arn:aws:lambda:us-west-2:${account}:layer:kubectl:1`),
});
for (let index = 0; index < count; index += 1) {
    const serviceAccount = new eks.ServiceAccount(stack, `Reader${index}`, {
        cluster,
        name: `reader-${index}`,
        namespace: "apps",
        identityType: kind === "irsa" ? eks.IdentityType.IRSA : eks.IdentityType.POD_IDENTITY,
    });
    serviceAccount.addToPrincipalPolicy(
        new iam.PolicyStatement({ actions: ["s3:ListBucket"], resources: ["arn:aws:s3:::reports"], conditions: { StringLike: { "s3:prefix": ["daily/", "daily/*"] } } }),
    );
    serviceAccount.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ["s3:GetObject"], resources: ["arn:aws:s3:::reports/daily/*"] }));
}
const assembly = app.synth();
const milliseconds = Number(process.hrtime.bigint() - started) / 1e6;

const template = JSON.parse(fs.readFileSync(path.join(outdir, assembly.getStackByName("Bench").templateFile), "utf8"));
const resources = Object.values(template.Resources ?? {}).map((resource) => /** @type {{ Type: string }} */ (resource).Type);
fs.rmSync(outdir, { recursive: true, force: true });
process.stdout.write(
    `${JSON.stringify({
        kind,
        count,
        milliseconds,
        resources: resources.length,
        resourceTypes: [...new Set(resources)].sort(),
        cdkVersion: require(require.resolve("aws-cdk-lib/package.json", { paths: [cdkDir] })).version,
        rssBeforeKiB,
        maxRssKiB: process.resourceUsage().maxRSS,
    })}\n`,
);
