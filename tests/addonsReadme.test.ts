/**
 * The catalogue's section of components/README.md: its table says what the functions do, and its
 * snippets compile against the package.
 */
import * as assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";

import * as ts from "typescript";

import { addons } from "../components/index";

const root = join(__dirname, "..");
const readme = readFileSync(join(root, "components", "README.md"), "utf8");
const heading = "## Catalogue of add-on permissions\n";
const snippetsFile = join(root, "examples", "addon-catalogue", "snippets.ts");

function catalogueSection(): string {
    const start = readme.indexOf(heading);
    assert.ok(start >= 0, "components/README.md has no catalogue section");
    const end = readme.indexOf("\n## ", start + heading.length);
    return readme.slice(start, end < 0 ? undefined : end);
}

/** One call of each function with the least scope it takes. */
const minimalCalls: Record<string, () => addons.AddonPermissions> = {
    vpcCni: () => addons.vpcCni(),
    ebsCsiDriver: () => addons.ebsCsiDriver(),
    efsCsiDriver: () => addons.efsCsiDriver(),
    mountpointS3CsiDriver: () => addons.mountpointS3CsiDriver({ bucketArns: ["arn:aws:s3:::bucket"] }),
    awsLoadBalancerController: () => addons.awsLoadBalancerController({ clusterName: "prod" }),
    externalDns: () => addons.externalDns({ hostedZoneIds: ["Z0123456789ABCDEFGHIJ"] }),
    certManager: () => addons.certManager({ hostedZoneIds: ["Z0123456789ABCDEFGHIJ"] }),
    clusterAutoscaler: () => addons.clusterAutoscaler({ clusterName: "prod" }),
    karpenter: () =>
        addons.karpenter({ clusterName: "prod", nodeRoleArn: "arn:aws:iam::111122223333:role/node", interruptionQueueArn: "arn:aws:sqs:us-west-2:111122223333:prod" }),
    externalSecrets: () => addons.externalSecrets({ secretArns: ["arn:aws:secretsmanager:us-west-2:111122223333:secret:prod/*"] }),
    velero: () => addons.velero({ bucketArn: "arn:aws:s3:::backups" }),
    cloudWatchObservability: () => addons.cloudWatchObservability(),
    managedPrometheus: () => addons.managedPrometheus({ workspaceArns: ["arn:aws:aps:us-west-2:111122223333:workspace/ws-0123"] }),
    awsLoadBalancerControllerTargetGroupBinding: () =>
        addons.awsLoadBalancerControllerTargetGroupBinding({ targetGroupArns: ["arn:aws:elasticloadbalancing:us-west-2:111122223333:targetgroup/apps/0123456789abcdef"] }),
    gatewayApiController: () => addons.gatewayApiController(),
    fsxLustreCsiDriver: () => addons.fsxLustreCsiDriver(),
    fsxOpenZfsCsiDriver: () => addons.fsxOpenZfsCsiDriver(),
    privateCaIssuer: () => addons.privateCaIssuer({ certificateAuthorityArns: ["arn:aws:acm-pca:us-west-2:111122223333:certificate-authority/11223344-5566-7788-9900-aabbccddeeff"] }),
    nodeTerminationHandler: () => addons.nodeTerminationHandler({ queueArns: ["arn:aws:sqs:us-west-2:111122223333:nth"] }),
    fluentBit: () => addons.fluentBit({ logGroupArns: ["arn:aws:logs:us-west-2:111122223333:log-group:/aws/eks/prod/*"] }),
};

describe("the add-on catalogue in components/README.md", () => {
    it("lists every function of the catalogue, with the default ServiceAccount the function returns", () => {
        const rows = [...catalogueSection().matchAll(/^\| [^|]+ \| `addons\.(\w+)` \| `([^`/]+)\/([^`]+)` \|/gm)];
        assert.deepEqual(rows.map((row) => row[1]).sort(), Object.keys(minimalCalls).sort());
        for (const [, name, namespace, serviceAccountName] of rows) {
            assert.deepEqual(minimalCalls[name]().serviceAccount, { namespace, serviceAccountName }, name);
        }
        const functions = Object.entries(addons).filter(([name, value]) => typeof value === "function" && /^[a-z]/.test(name) && !name.startsWith("check") && name !== "bindingArgsOf");
        assert.deepEqual(functions.map(([name]) => name).sort(), Object.keys(minimalCalls).sort());
    });

    it("has a snippet per add-on, and the snippets are examples/addon-catalogue/snippets.ts, which npm run typecheck compiles against the package", () => {
        const blocks = [...catalogueSection().matchAll(/```ts\n([\s\S]*?)```/g)].map((match) => match[1]);
        const [, ...snippets] = blocks;
        for (const name of Object.keys(minimalCalls)) {
            assert.ok(snippets.some((snippet) => snippet.includes(`addons.${name}(`)), `no snippet calls addons.${name}`);
        }
        // The file is the page's code, the shared setup first, after a heading comment of its own.
        const file = readFileSync(snippetsFile, "utf8");
        assert.equal(file.replace(/^\/\*\*[\s\S]*?\*\/\n/, ""), blocks.join("\n"), "the page's snippets and examples/addon-catalogue/snippets.ts differ");
        // What `npm run typecheck` (tsc -b tsconfig.json) compiles: the file, with the project's strict options.
        const parsed = ts.getParsedCommandLineOfConfigFile(join(root, "tsconfig.json"), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: (diagnostic) => assert.fail(ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n")) });
        assert.ok(parsed?.fileNames.includes(snippetsFile), "tsconfig.json does not compile examples/addon-catalogue/snippets.ts");
        assert.equal(parsed!.options.strict, true);
    });
});
