import * as assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const root = resolve(__dirname, "..");
const componentsDir = join(root, "components");

/** Dependencies the consumer shares with this repository, as an installed project would have them. */
const sharedModules = ["@pulumi/pulumi", "@pulumi/aws", "@pulumi/kubernetes", "typescript", "@types/node"];

const consumerProgram = `import * as pulumi from "@pulumi/pulumi";
import { IrsaBinding, IrsaBindingArgs, PodIdentityBinding, s3ReadPolicy } from "@eks-irsa/components";

const args: IrsaBindingArgs = {
    oidcProviderArn: pulumi.output("arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-west-2.amazonaws.com/id/ABC"),
    namespace: "apps",
    serviceAccountName: "reader",
    s3Read: { bucketArns: ["arn:aws:s3:::reports"], keyPrefixes: ["daily/"] },
    reader: { replicas: 2 },
};
const binding = new IrsaBinding("reader", args);
new PodIdentityBinding("reader-pod-identity", { clusterName: "demo", namespace: "apps", serviceAccountName: "reader", reader: { enabled: false } });
export const roleArn: pulumi.Output<string> = binding.roleArn;
export const statements: number = s3ReadPolicy({ bucketArns: [], keyPrefixes: [], kmsKeyArns: [] }).Statement.length;
`;

function run(command: string, args: string[], cwd: string): { status: number | null; output: string } {
    const result = spawnSync(command, args, { cwd, encoding: "utf8", env: { ...process.env, npm_config_yes: "true" } });
    return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

describe("the components package, packed and installed like a user would", function () {
    // Packing, installing and compiling against the AWS and Kubernetes typings takes several seconds.
    this.timeout(120000);
    let workDir: string;
    let consumerDir: string;
    let packedFiles: string[];

    before(() => {
        workDir = mkdtempSync(join(tmpdir(), "eks-irsa-package-"));
        const [packed] = JSON.parse(execFileSync("npm", ["pack", "--json", "--ignore-scripts", "--pack-destination", workDir], { cwd: componentsDir, encoding: "utf8" })) as {
            filename: string;
            files: { path: string }[];
        }[];
        packedFiles = packed.files.map((file) => file.path).sort();

        consumerDir = join(workDir, "consumer");
        mkdirSync(consumerDir);
        writeFileSync(join(consumerDir, "package.json"), JSON.stringify({ name: "consumer", private: true, version: "1.0.0" }));
        // Without its peers the package itself needs nothing but the tarball: no registry. The peers
        // are then linked from this repository, as if the consumer had installed them too.
        const install = run("npm", ["install", "--offline", "--ignore-scripts", "--legacy-peer-deps", join(workDir, packed.filename)], consumerDir);
        assert.equal(install.status, 0, install.output);
        mkdirSync(join(consumerDir, "node_modules", "@pulumi"), { recursive: true });
        mkdirSync(join(consumerDir, "node_modules", "@types"), { recursive: true });
        for (const name of sharedModules) {
            symlinkSync(join(root, "node_modules", name), join(consumerDir, "node_modules", name), "dir");
        }
        writeFileSync(
            join(consumerDir, "tsconfig.json"),
            JSON.stringify({ compilerOptions: { strict: true, module: "node16", moduleResolution: "node16", target: "ES2022", noEmit: true, skipLibCheck: true, types: ["node"] } }),
        );
    });

    after(() => rmSync(workDir, { recursive: true, force: true }));

    it("ships the built JavaScript with declarations, the plugin's source and manifest, and the README", () => {
        for (const file of ["bin/index.js", "bin/index.d.ts", "bin/irsaBinding.d.ts", "PulumiPlugin.yaml", "plugin.ts", "pulumiPackage.ts", "index.ts", "tsconfig.json", "README.md", "package.json"]) {
            assert.ok(packedFiles.includes(file), `${file} is missing from ${packedFiles.join(", ")}`);
        }
        assert.deepEqual(
            packedFiles.filter((file) => /test|\.tgz$/.test(file)),
            [],
        );
    });

    it("compiles a strict program against the installed package", () => {
        writeFileSync(join(consumerDir, "index.ts"), consumerProgram);
        const compile = run(process.execPath, [join(root, "node_modules", "typescript", "bin", "tsc"), "-p", "."], consumerDir);
        assert.equal(compile.status, 0, compile.output);
    });

    it("carries real types: a wrong argument does not compile", () => {
        writeFileSync(join(consumerDir, "index.ts"), consumerProgram.replace('namespace: "apps",\n    serviceAccountName: "reader",\n    s3Read', "namespace: 42,\n    serviceAccountName: \"reader\",\n    s3Read"));
        const compile = run(process.execPath, [join(root, "node_modules", "typescript", "bin", "tsc"), "-p", "."], consumerDir);
        assert.notEqual(compile.status, 0);
        assert.match(compile.output, /index\.ts\(6,5\): error TS2322: Type 'number' is not assignable to type 'Input<string>'/);
    });

    it("loads at run time from the installed package's entry point", () => {
        const load = run(process.execPath, ["-e", "const c = require('@eks-irsa/components'); if (typeof c.IrsaBinding !== 'function' || typeof c.PodIdentityBinding !== 'function') process.exit(3);"], consumerDir);
        assert.equal(load.status, 0, load.output);
    });
});
