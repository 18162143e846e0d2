/**
 * The plugin's schema, derived once for each version of the components' sources
 * (components/pluginSchema.ts): the provider the plugin serves keeps what the SDK's analyzer derived,
 * serves it and constructs from it at a later start without analyzing again, and derives anew when
 * the kept file is another version's or does not read whole. The analyzer is stood in for by one that
 * fails, so that "analyzed" is seen, not timed.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

import * as analyzerModule from "@pulumi/pulumi/provider/experimental/analyzer";

import { ComponentProviderWithSchemaCache, defaultSchemaCacheDir, schemaInputsHash } from "../components/pluginSchema";
import { pulumiComponents, pulumiPackageName } from "../components/pulumiPackage";
import { mockAccountId, settled, uniqueName } from "./mocks";
import { packageSchema } from "./packageSchema";
import { componentsDir } from "./pluginHost";

/** The error of the stand-in analyzer. */
const analyzed = /the analyzer ran/;

describe("the plugin's schema, derived once for each version of the sources", function () {
    // The first use after a change to the components derives the schema (seconds); later runs read it.
    this.timeout(120000);
    const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), "eks-irsa-plugin-schema-"));
    const keptName = () => `${pulumiPackageName}-${schemaInputsHash(componentsDir)}.json`;
    const provider = () => new ComponentProviderWithSchemaCache({ name: pulumiPackageName, dirname: componentsDir, components: pulumiComponents, cacheDir });
    const sdkAnalyzer = analyzerModule.Analyzer;

    before(async () => {
        // The derivation of this version, as the plugin (or the tests' packageSchema) kept it.
        await packageSchema();
        fs.copyFileSync(path.join(defaultSchemaCacheDir(componentsDir), keptName()), path.join(cacheDir, keptName()));
        // The SDK's provider looks its analyzer up on the module at each derivation (whose constructor already compiles).
        (analyzerModule as { Analyzer: unknown }).Analyzer = function standInAnalyzer() {
            throw new Error("the analyzer ran");
        };
    });

    after(() => {
        (analyzerModule as { Analyzer: unknown }).Analyzer = sdkAnalyzer;
        fs.rmSync(cacheDir, { recursive: true, force: true });
    });

    it("serves the kept derivation at a later start without analyzing: the schema the SDK derives from the source", async () => {
        assert.deepEqual(JSON.parse(await provider().getSchema()), await packageSchema());
    });

    it("constructs from it without analyzing: the component's state holds every output its schema names", async () => {
        const name = uniqueName("kept-schema");
        const schema = await packageSchema();
        const result = await provider().construct(
            name,
            `${pulumiPackageName}:index:IrsaBinding`,
            {
                oidcProviderArn: `arn:aws:iam::${mockAccountId}:oidc-provider/oidc.eks.us-west-2.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE`,
                namespace: "apps",
                serviceAccountName: "reader",
            },
            {},
        );
        await settled();
        assert.deepEqual(Object.keys(result.state).sort(), Object.keys(schema.resources[`${pulumiPackageName}:index:IrsaBinding`].properties).sort());
        assert.ok(result.state.roleArn !== undefined);
    });

    it("derives anew when the kept file does not read whole, or was kept for other inputs", async () => {
        const kept = path.join(cacheDir, keptName());
        const whole = fs.readFileSync(kept, "utf8");
        try {
            fs.writeFileSync(kept, whole.slice(0, whole.length / 2));
            await assert.rejects(provider().getSchema(), analyzed);
            fs.writeFileSync(kept, JSON.stringify({ ...(JSON.parse(whole) as object), inputsHash: "0".repeat(32) }));
            await assert.rejects(provider().getSchema(), analyzed);
            fs.writeFileSync(kept, JSON.stringify({ ...(JSON.parse(whole) as object), componentDefinitions: {} }));
            await assert.rejects(provider().getSchema(), analyzed);
        } finally {
            fs.writeFileSync(kept, whole);
        }
        assert.ok((await provider().getSchema()).length > 0);
    });

    it("names its file by every input of the derivation: each TypeScript source, package.json, the SDK's and TypeScript's versions", () => {
        const folder = fs.mkdtempSync(path.join(os.tmpdir(), "eks-irsa-schema-inputs-"));
        try {
            const versionOf = (dependency: string, version: string) => {
                fs.mkdirSync(path.join(folder, "node_modules", dependency), { recursive: true });
                fs.writeFileSync(path.join(folder, "node_modules", dependency, "package.json"), JSON.stringify({ name: dependency, version }));
            };
            versionOf("@pulumi/pulumi", "3.248.0");
            versionOf("typescript", "5.9.3");
            fs.mkdirSync(path.join(folder, "nested"));
            fs.mkdirSync(path.join(folder, "bin"));
            fs.writeFileSync(path.join(folder, "package.json"), '{"name":"probe","version":"1.0.0"}');
            fs.writeFileSync(path.join(folder, "index.ts"), "export const a = 1;\n");
            fs.writeFileSync(path.join(folder, "nested", "args.ts"), "export interface Args { a: number }\n");
            const first = schemaInputsHash(folder);
            const changed = (file: string, text: string): boolean => {
                const before = fs.readFileSync(path.join(folder, file), "utf8");
                fs.writeFileSync(path.join(folder, file), text);
                const hash = schemaInputsHash(folder);
                fs.writeFileSync(path.join(folder, file), before);
                return hash !== first;
            };
            assert.ok(changed("nested/args.ts", "export interface Args { a: string }\n"), "a nested source");
            assert.ok(changed("package.json", '{"name":"probe","version":"1.0.1"}'), "package.json");
            assert.ok(changed("node_modules/@pulumi/pulumi/package.json", JSON.stringify({ name: "@pulumi/pulumi", version: "3.249.0" })), "the SDK's version");
            assert.ok(changed("node_modules/typescript/package.json", JSON.stringify({ name: "typescript", version: "5.9.4" })), "TypeScript's version");
            fs.writeFileSync(path.join(folder, "bin", "index.d.ts"), "export declare const a: 2;\n");
            fs.writeFileSync(path.join(folder, "README.md"), "docs\n");
            assert.equal(schemaInputsHash(folder), first, "a build and other files are not inputs");
            fs.writeFileSync(path.join(folder, "nested", "more.ts"), "export const b = 2;\n");
            assert.notEqual(schemaInputsHash(folder), first, "a new source");
        } finally {
            fs.rmSync(folder, { recursive: true, force: true });
        }
    });
});
