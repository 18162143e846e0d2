import * as assert from "node:assert/strict";
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

import { parse, parseAllDocuments, stringify } from "yaml";

import { readRuntimeOptions } from "../scripts/offline/languageHost";
import { help, main, parseArgs, planConfig } from "../scripts/plan";
import { StackConfigError } from "../scripts/offline/stackConfig";
import { projectDir, stackConfig } from "./stackFiles";

interface Run {
    code: number;
    stdout: string;
    stderr: string;
    /** Every module the process compiled, with how many times (tests/loadTrace.js). */
    compiled: Record<string, number>;
}

/**
 * Runs the plan command as `npm run plan` does: the loader and the components from source, as Pulumi.yaml's node
 * arguments load them; tests/loadTrace.js watching what it compiles.
 */
function runPlan(...args: string[]): Promise<Run> {
    const traceFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "eks-irsa-plan-trace-")), "trace.json");
    return new Promise((resolve) => {
        execFile(
            process.execPath,
            [...readRuntimeOptions(projectDir).nodeArgs, "-r", path.join(__dirname, "loadTrace.js"), path.join(projectDir, "scripts", "plan.ts"), ...args],
            { cwd: projectDir, maxBuffer: 16 * 1024 * 1024, env: { ...process.env, EKS_IRSA_LOAD_TRACE: traceFile } },
            (error, stdout, stderr) => {
                const compiled = fs.existsSync(traceFile) ? (JSON.parse(fs.readFileSync(traceFile, "utf8")) as { compiled: Record<string, number> }).compiled : {};
                fs.rmSync(path.dirname(traceFile), { recursive: true, force: true });
                resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr, compiled });
            },
        );
    });
}

function section(text: string, title: string): string {
    const start = text.indexOf(`== ${title}`);
    assert.ok(start >= 0, `no section ${title}`);
    const end = text.indexOf("\n== ", start + 1);
    return text.slice(text.indexOf("\n", start) + 1, end < 0 ? undefined : end);
}

/** The titles of the IAM policies the plan prints. */
function policyTitles(text: string): string[] {
    return section(text, "IAM policies")
        .split("\n")
        .filter((line) => line.startsWith("-- "))
        .map((line) => line.slice(3));
}

/** The pretty-printed JSON under a policy's title. */
function policyUnder(text: string, title: string): { Statement: Record<string, unknown>[] } {
    const policies = `\n${section(text, "IAM policies")}`;
    const start = policies.indexOf(`\n-- ${title}\n`);
    assert.ok(start >= 0, `no policy ${title}`);
    const json = policies.slice(start + `\n-- ${title}\n`.length).split(/\n\n|\n== /)[0];
    return JSON.parse(json) as { Statement: Record<string, unknown>[] };
}

describe("npm run plan", function () {
    // Three runs of the command, each loading the SDKs and the program afresh: seconds each on two shared cores.
    this.timeout(120000);
    const tempDir = fs.mkdtempSync(path.join(os.tmpdir(), "eks-irsa-plan-"));
    const outDir = path.join(tempDir, "out");
    const runs: Record<string, Run> = {};
    /** The dev stack's values, changed: a stack file for --config-file. */
    const devWith = (file: string, change: (config: Record<string, unknown>) => void, extraLines = ""): string => {
        const dev = parse(fs.readFileSync(path.join(projectDir, "Pulumi.dev.yaml"), "utf8")) as { config: Record<string, unknown> };
        change(dev.config);
        fs.writeFileSync(path.join(tempDir, file), `${stringify({ config: dev.config })}${extraLines}`);
        return path.join(tempDir, file);
    };

    before(async function () {
        // Three runs of the whole program at once: on a loaded machine, more than mocha's default 20 s.
        this.timeout(120000);
        // A bad value, and a misspelt key the program does not read.
        const bad = devWith("bad.yaml", (config) => Object.assign(config, { "eks-irsa:namespace": "Team_A", "eks-irsa:nodeMinsize": 2 }));
        // Each run loads the program and the SDK afresh (seconds of CPU each): the command runs whole
        // for what only it shows (output, files, exit codes); the checks before the program, in-process.
        const entries = await Promise.all(
            Object.entries({
                dev: [],
                out: ["--stack", "prod", "--out", outDir],
                bad: ["--config-file", bad],
            }).map(async ([name, args]) => [name, await runPlan(...args)] as const),
        );
        Object.assign(runs, Object.fromEntries(entries));
        // The prod stack's plan, as --out wrote it (the same text the command prints).
        runs.prod = { ...runs.out, stdout: fs.existsSync(path.join(outDir, "plan.txt")) ? fs.readFileSync(path.join(outDir, "plan.txt"), "utf8") : "" };
    });

    after(() => fs.rmSync(tempDir, { recursive: true, force: true }));

    it("plans the dev stack by default, explaining its markers", () => {
        const { code, stdout, stderr } = runs.dev;
        assert.equal(code, 0, stderr);
        assert.match(stdout, /^Offline plan of stack "dev" of project eks-irsa \(region us-west-2\)/);
        for (const marker of ["<account-id>", "<oidc-issuer-id>", "<cluster-endpoint>", "-<random-suffix>"]) {
            assert.ok(section(stdout, "Configuration").length > 0);
            assert.match(stdout.slice(0, stdout.indexOf("== ")), new RegExp(`^ {2}${marker} +\\S`, "m"), marker);
        }
        assert.match(section(stdout, "Configuration"), /^eks-irsa:nodeCapacityType +SPOT$/m);
        assert.match(stdout, /^Pods get their AWS role through IRSA: .* \(eks-irsa:identityMechanism: irsa\)\.$/m);
    });

    it("shows the prod stack's mechanism, EKS Pod Identity: the agent add-on, the binding and its association", () => {
        const { stdout } = runs.prod;
        assert.match(stdout, /^Pods get their AWS role through EKS Pod Identity: .* \(eks-irsa:identityMechanism: pod-identity\)\.$/m);
        const tree = section(stdout, "Resources");
        assert.match(tree, /^├─ aws:eks\/addon:Addon {2}eks-irsa-pod-identity-agent$/m);
        assert.match(tree, /^[├└]─ eks-irsa:index:PodIdentityBinding {2}eks-irsa-reader$/m);
        assert.match(tree, /^│ {2}├─ aws:eks\/podIdentityAssociation:PodIdentityAssociation {2}eks-irsa-reader$/m);
        assert.match(tree, /^ {3}└─ eks-irsa:index:PodIdentityBinding {2}eks-irsa-workloads-ebs-csi-driver-pod-identity$/m);
        const trust = policyUnder(stdout, "Trust policy of role eks-irsa-reader");
        assert.deepEqual(trust.Statement[0].Principal, { Service: "pods.eks.amazonaws.com" });
        assert.match(section(stdout, "Stack outputs"), /^identityMechanism +pod-identity$/m);
    });

    it("prints the resource tree: types, names and parents, with the bucket unprotected in dev", () => {
        const tree = section(runs.dev.stdout, "Resources");
        assert.match(tree, /^pulumi:pulumi:Stack {2}eks-irsa-dev$/m);
        assert.match(tree, /^├─ eks:index:Cluster {2}eks-irsa {2}\(remote component/m);
        assert.match(tree, /^├─ aws:ec2\/launchTemplate:LaunchTemplate {2}eks-irsa-nodes-template$/m);
        assert.match(tree, /^├─ aws:s3\/bucket:Bucket {2}eks-irsa-data$/m);
        assert.match(tree, /^│ {2}├─ aws:s3\/bucketPublicAccessBlock:BucketPublicAccessBlock {2}eks-irsa-data-public-access$/m);
        assert.match(tree, /^├─ eks-irsa:index:IrsaBinding {2}eks-irsa-reader\n│ {2}├─ aws:iam\/role:Role {2}eks-irsa-reader$/m);
        // The stack's eks-irsa:workloads, through the fleet: a role each from the catalogue, trusting this cluster.
        assert.match(tree, /^└─ eks-irsa:index:WorkloadIdentities {2}eks-irsa-workloads\n {3}├─ eks-irsa:index:IrsaBinding {2}eks-irsa-workloads-aws-load-balancer-controller\n {3}│ {2}└─ aws:iam\/role:Role {2}eks-irsa-workloads-aws-load-balancer-controller$/m);
        assert.match(tree, /^ {3}└─ eks-irsa:index:IrsaBinding {2}eks-irsa-workloads-cluster-autoscaler$/m);
        assert.doesNotMatch(tree, /protected|BucketVersioning/);
        assert.equal((tree.match(/aws:ec2\/natGateway:NatGateway/g) ?? []).length, 1);
    });

    it("protects and versions the prod bucket, with NAT in each of three zones", () => {
        const { code, stdout, stderr } = runs.prod;
        assert.equal(code, 0, stderr);
        const tree = section(stdout, "Resources");
        assert.match(tree, /^├─ aws:s3\/bucket:Bucket {2}eks-irsa-data {2}\[protected\]$/m);
        assert.match(tree, /aws:s3\/bucketVersioning:BucketVersioning {2}eks-irsa-data-versioning {2}\[protected\]/);
        assert.equal((tree.match(/aws:ec2\/natGateway:NatGateway/g) ?? []).length, 3);
        assert.equal((tree.match(/aws:ec2\/subnet:Subnet {2}eks-irsa-private-/g) ?? []).length, 3);
    });

    it("prints the reader's trust policy with the cloud's values as markers, and the policies as JSON", () => {
        const { stdout } = runs.dev;
        const trust = policyUnder(stdout, "Trust policy of role eks-irsa-reader");
        const issuer = "oidc.eks.us-west-2.amazonaws.com/id/<oidc-issuer-id>";
        assert.deepEqual(trust.Statement[0].Principal, { Federated: `arn:aws:iam::<account-id>:oidc-provider/${issuer}` });
        assert.deepEqual(trust.Statement[0].Condition, { StringEquals: { [`${issuer}:sub`]: "system:serviceaccount:irsa-demo:s3-reader", [`${issuer}:aud`]: "sts.amazonaws.com" } });
        // The reader's S3 read policy: a RolePolicy of its own, or an entry of the role's inlinePolicies.
        const readTitle = policyTitles(stdout).find((title) => /^Inline policy (eks-irsa-reader-)?s3-read of role eks-irsa-reader\b/.test(title));
        assert.ok(readTitle, policyTitles(stdout).join("\n"));
        const read = policyUnder(stdout, readTitle);
        assert.ok(read.Statement.every((statement) => String(statement.Resource).startsWith("arn:aws:s3:::eks-irsa-data-<random-suffix>")));
        const tlsOnly = policyUnder(stdout, "Bucket policy eks-irsa-data-tls-only of bucket eks-irsa-data-<random-suffix>");
        assert.deepEqual(tlsOnly.Statement[0].Condition, { Bool: { "aws:SecureTransport": "false" } });
        assert.doesNotMatch(stdout, /123456789012|EXAMPLED539D4633E53DE1B71EXAMPLE|1a2b3c4/);
    });

    it("prints the Kubernetes objects as YAML", () => {
        const documents = parseAllDocuments(section(runs.dev.stdout, "Kubernetes objects")).map((document) => document.toJS() as Record<string, unknown>);
        assert.deepEqual(
            documents.map((document) => document.kind).filter((kind) => ["Namespace", "ServiceAccount", "Deployment"].includes(String(kind))),
            ["Namespace", "ServiceAccount", "Deployment"],
        );
        const [namespace, serviceAccount] = ["Namespace", "ServiceAccount"].map((kind) => documents.find((document) => document.kind === kind)) as {
            metadata: { labels?: Record<string, string>; annotations?: Record<string, string> };
        }[];
        assert.equal(namespace.metadata.labels?.["pod-security.kubernetes.io/enforce"], "restricted");
        assert.equal(serviceAccount.metadata.annotations?.["eks.amazonaws.com/role-arn"], "arn:aws:iam::<account-id>:role/eks-irsa-reader-<random-suffix>");
    });

    it("prints the policy pack's findings for the planned stack, last", () => {
        const { stdout } = runs.dev;
        const findings = stdout.slice(stdout.lastIndexOf("\n== ") + 1);
        assert.ok(findings.startsWith("== Policy pack\nPolicy pack eks-workload-identity"), "the last section");
        const cidrs = JSON.parse(stackConfig("dev")["eks-irsa:endpointPublicAccessCidrs"] ?? "[]") as string[];
        const opensToAll = cidrs.includes("0.0.0.0/0");
        assert.match(findings, new RegExp(`: 0 mandatory, ${opensToAll ? 1 : 0} advisory\\.`));
        if (opensToAll) {
            assert.match(findings, /advisory: \[eks-cluster-endpoint-restricted\]\n {2}eks:index:Cluster "eks-irsa": the public API endpoint is open to 0\.0\.0\.0\/0.*\(advisory: stack "dev" is non-production\)/);
        }
    });

    it("prints the stack outputs, the kubeconfig hidden", () => {
        const outputs = section(runs.dev.stdout, "Stack outputs");
        assert.match(outputs, /^kubeconfig +\[secret\]$/m);
        assert.match(outputs, /^clusterName +eks-irsa-dev$/m);
        assert.match(outputs, /^readerLogsCommand +kubectl logs --namespace irsa-demo deployment\/s3-reader --follow$/m);
    });

    it("writes the same plan as files with --out", () => {
        const { code, stdout, stderr } = runs.out;
        assert.equal(code, 0, stderr);
        assert.match(stdout, /^wrote the plan of stack "prod" to \d+ files:/);
        assert.match(runs.prod.stdout, /^Offline plan of stack "prod" of project eks-irsa \(region /);
        assert.equal(fs.readFileSync(path.join(outDir, "resources.txt"), "utf8"), `${section(runs.prod.stdout, "Resources").trimEnd()}\n`);
        const trustFile = path.join(outDir, "policies", "trust-policy-of-role-eks-irsa-reader.json");
        assert.deepEqual(JSON.parse(fs.readFileSync(trustFile, "utf8")), policyUnder(runs.prod.stdout, "Trust policy of role eks-irsa-reader"));
        assert.equal(fs.readFileSync(path.join(outDir, "kubernetes.yaml"), "utf8").trimEnd(), section(runs.prod.stdout, "Kubernetes objects").trimEnd());
        assert.equal(`${fs.readFileSync(path.join(outDir, "inputs.yaml"), "utf8").trimEnd()}\n`, `${section(runs.prod.stdout, "Resource inputs").trimEnd()}\n`);
    });

    it("names the --out files with the markers their contents use, never the mock engine's values", () => {
        const files = fs.readdirSync(path.join(outDir, "policies")).sort();
        const titles = policyTitles(runs.prod.stdout);
        assert.deepEqual(files, titles.map((title) => `${title.replace(/[^A-Za-z0-9]+/g, "-").replace(/^-|-$/g, "").toLowerCase()}.json`).sort());
        assert.ok(files.includes("bucket-policy-eks-irsa-data-tls-only-of-bucket-eks-irsa-data-random-suffix.json"), files.join(", "));
        assert.deepEqual(
            files.filter((file) => /123456789012|1a2b3c4|EXAMPLE/i.test(file)),
            [],
        );
    });

    it("shows the inputs of every resource, not only IAM and Kubernetes: nodes, launch template, endpoint, subnets, the Pod Identity association", () => {
        const inputsOf = (stdout: string, type: string, name: string): Record<string, unknown> => {
            const heading = `# ${type}  ${name}\n`;
            const document = section(stdout, "Resource inputs")
                .split(/^---\n/m)
                .find((candidate) => candidate.startsWith(heading));
            assert.ok(document, `no inputs of ${type} ${name}`);
            return parse(document.slice(heading.length)) as Record<string, unknown>;
        };
        assert.deepEqual(inputsOf(runs.dev.stdout, "aws:eks/nodeGroup:NodeGroup", "eks-irsa-nodes").scalingConfig, { minSize: 1, desiredSize: 1, maxSize: 2 });
        const metadataOptions = inputsOf(runs.dev.stdout, "aws:ec2/launchTemplate:LaunchTemplate", "eks-irsa-nodes-template").metadataOptions as Record<string, unknown>;
        assert.deepEqual([metadataOptions.httpTokens, metadataOptions.httpPutResponseHopLimit], ["required", 1]);
        const cluster = inputsOf(runs.dev.stdout, "eks:index:Cluster", "eks-irsa");
        const dev = parse(fs.readFileSync(path.join(projectDir, "Pulumi.dev.yaml"), "utf8")) as { config: Record<string, unknown> };
        assert.deepEqual(cluster.publicAccessCidrs, dev.config["eks-irsa:endpointPublicAccessCidrs"]);
        assert.deepEqual(cluster.privateSubnetIds, ["eks-irsa-private-0-id", "eks-irsa-private-1-id"]);
        assert.equal(inputsOf(runs.dev.stdout, "aws:ec2/subnet:Subnet", "eks-irsa-private-0").availabilityZone, "us-west-2a");
        const association = inputsOf(runs.prod.stdout, "aws:eks/podIdentityAssociation:PodIdentityAssociation", "eks-irsa-reader");
        assert.equal(association.serviceAccount, "s3-reader");
        assert.equal(association.roleArn, "arn:aws:iam::<account-id>:role/eks-irsa-reader-<random-suffix>");
        // Policy documents are named, and printed once, as JSON, under their own heading.
        assert.equal(inputsOf(runs.dev.stdout, "aws:iam/role:Role", "eks-irsa-reader").assumeRolePolicy, "(as JSON under IAM policies: Trust policy of role eks-irsa-reader)");
    });

    it("loads nothing twice, and the policy pack only when it prints its findings", () => {
        const policyModules = (run: Run): string[] => Object.keys(run.compiled).filter((file) => file.startsWith(path.join(projectDir, "policy") + path.sep) || file.includes(`${path.sep}@pulumi${path.sep}policy${path.sep}`));
        for (const name of ["dev", "out", "bad"]) {
            assert.ok(Object.keys(runs[name].compiled).length > 0, `${name}: no trace`);
            assert.deepEqual(Object.entries(runs[name].compiled).filter(([, times]) => times > 1), [], `${name}: compiled more than once`);
        }
        assert.ok(runs.dev.compiled[path.join(projectDir, "policy", "pack.ts")] === 1, "the dev plan prints findings, so it loads the pack");
        // A bad config value fails the program before anything is printed: the pack is never loaded.
        assert.equal(runs.bad.code, 1);
        assert.ok(runs.bad.compiled[path.join(projectDir, "index.ts")] === 1, "the program ran");
        assert.deepEqual(policyModules(runs.bad), []);
    });

    it("refuses a stack that does not exist with the Pulumi CLI's message, then names those that do", () => {
        assert.throws(
            () => planConfig("staging"),
            new StackConfigError("no stack named 'staging' found\n  the stacks of this project (a Pulumi.<stack>.yaml each) are dev, prod"),
        );
    });

    it("fails with the program's own error on a bad config value, and warns of a key the program does not declare, naming the closest", () => {
        const { code, stdout, stderr } = runs.bad;
        assert.equal(code, 1);
        assert.equal(stdout, "");
        assert.match(stderr, /^warning: \S*bad\.yaml sets eks-irsa:nodeMinsize, which Pulumi\.yaml does not declare: the program never reads it; did you mean eks-irsa:nodeMinSize\?$/m);
        assert.match(stderr, /^error: invalid configuration:\n(?: {2}.*\n)*? {2}eks-irsa:namespace "Team_A" is invalid: a Kubernetes namespace must be a DNS-1123 label/m);
    });

    it("names the --config-file in its errors, not the stack's own file", () => {
        const noRegion = devWith("no-region.yaml", (config) => delete config["aws:region"]);
        assert.throws(
            () => planConfig("dev", noRegion),
            (error: unknown) => error instanceof StackConfigError && /^\S*no-region\.yaml sets no aws:region; the AWS provider needs one$/.test(error.message) && !/Pulumi\.dev\.yaml/.test(error.message),
        );
    });

    it("warns of a key the program does not declare, naming the closest declared key, before running anything", () => {
        const warnings: string[] = [];
        planConfig("dev", devWith("misspelt.yaml", (config) => Object.assign(config, { "eks-irsa:nodeMinsize": 2, "eks-irsa:nothingLikeAnyKey": true })), (warning) => warnings.push(warning));
        assert.deepEqual(
            warnings.map((warning) => warning.replace(/^\S*misspelt\.yaml/, "misspelt.yaml")),
            [
                "misspelt.yaml sets eks-irsa:nodeMinsize, which Pulumi.yaml does not declare: the program never reads it; did you mean eks-irsa:nodeMinSize?",
                "misspelt.yaml sets eks-irsa:nothingLikeAnyKey, which Pulumi.yaml does not declare: the program never reads it",
            ],
        );
    });

    it("hints to quote a version YAML reads as a number", () => {
        // Unquoted, as people write versions: YAML reads 1.30 as the number 1.3.
        const unquoted = devWith("unquoted.yaml", (config) => delete config["eks-irsa:kubernetesVersion"], "  eks-irsa:kubernetesVersion: 1.30\n");
        assert.throws(
            () => planConfig("dev", unquoted),
            (error: unknown) =>
                error instanceof StackConfigError &&
                /^Stack 'dev' with configuration key 'eks-irsa:kubernetesVersion' must be of type 'string'\n {2}\S*unquoted\.yaml writes eks-irsa:kubernetesVersion: 1\.30, which YAML reads as the number 1\.3; quote it: eks-irsa:kubernetesVersion: "1\.30"$/.test(
                    error.message,
                ),
        );
    });

    it("explains itself with --help, and nothing else", async () => {
        const written: string[] = [];
        const write = process.stdout.write.bind(process.stdout);
        process.stdout.write = ((chunk: string) => written.push(chunk) > 0) as typeof process.stdout.write;
        try {
            await main(["--help"]);
        } finally {
            process.stdout.write = write;
        }
        assert.deepEqual(written, [help]);
        for (const option of ["--stack", "--config-file", "--out", "--help"]) {
            assert.match(help, new RegExp(`^ +(-\\w, )?${option}`, "m"), option);
        }
    });

    it("parses its arguments, refusing unknown ones", () => {
        assert.deepEqual(parseArgs([]), { stack: "dev", out: undefined, configFile: undefined, help: false });
        assert.deepEqual(parseArgs(["--stack=prod", "--out", "plan-out"]), { stack: "prod", out: "plan-out", configFile: undefined, help: false });
        assert.deepEqual(parseArgs(["-h"]).help, true);
        assert.throws(() => parseArgs(["--stack"]), /--stack needs a value/);
        assert.throws(() => parseArgs(["prod"]), /unknown argument "prod"/);
    });
});
