import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";

import { parse } from "yaml";

import { configKeys, fullKey } from "../program/config";

import { listStacks, loadStackConfig, mergeStackConfig, ProjectFile, StackConfigError } from "../scripts/offline/stackConfig";
import { projectDir } from "./stackFiles";

const project: ProjectFile = {
    name: "demo",
    config: {
        size: { type: "integer", default: 2, description: "" },
        zones: { type: "array", items: { type: "string" }, default: ["a"] },
        flag: { type: "boolean", default: false },
        label: { type: "string" },
        "aws:region": "us-east-1",
    },
};

describe("stack config merge", () => {
    it("applies Pulumi.yaml defaults, then the stack's values, namespacing the project's keys", () => {
        assert.deepEqual(mergeStackConfig(project, "dev", { config: { "demo:label": "x", "demo:size": 3, "aws:region": "eu-west-1" } }), {
            "demo:size": "3",
            "demo:zones": '["a"]',
            "demo:flag": "false",
            "demo:label": "x",
            "aws:region": "eu-west-1",
        });
    });

    it("checks values against the declared types, as the CLI does", () => {
        assert.throws(
            () => mergeStackConfig(project, "dev", { config: { "demo:label": "x", "demo:size": "three" } }),
            new StackConfigError("Stack 'dev' with configuration key 'demo:size' must be of type 'integer'"),
        );
        assert.throws(
            () => mergeStackConfig(project, "dev", { config: { "demo:label": "x", "demo:zones": [1] } }),
            /configuration key 'demo:zones' must be of type 'array<string>'/,
        );
        assert.throws(() => mergeStackConfig(project, "dev", { config: {} }), /Stack 'dev' is missing configuration value 'demo:label'/);
        assert.throws(() => mergeStackConfig(project, "dev", { config: { "demo:label": { secure: "v1:abc" } } }), /cannot decrypt/);
    });

    it("finds this project's stacks, and names them when asked for one that does not exist", () => {
        assert.deepEqual(listStacks(projectDir), ["dev", "prod"]);
        // The wording is the plan's; what a user relies on is the name asked for and the names that exist.
        assert.throws(
            () => loadStackConfig(projectDir, "staging"),
            (error: unknown) => error instanceof StackConfigError && /'staging'|"staging"/.test(error.message) && /\bdev, prod\b/.test(error.message),
        );
    });

    it("sets in each stack file only keys the program reads, so a misspelt hardening key cannot go unnoticed", () => {
        const known = new Set<string>(configKeys.map(fullKey));
        for (const stack of listStacks(projectDir)) {
            const file = parse(fs.readFileSync(path.join(projectDir, `Pulumi.${stack}.yaml`), "utf8")) as { config: Record<string, unknown> };
            const unknown = Object.keys(file.config).filter((key) => key.startsWith("eks-irsa:") && !known.has(key));
            assert.deepEqual(unknown, [], stack);
        }
    });
});
