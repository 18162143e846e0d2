/**
 * components/README.md, "From Python, Go, C# and YAML": its YAML program and the same program in
 * Python, checked against the schema the plugin serves. Every property the YAML gives exists there
 * with its type; every keyword argument of the Python is a schema property in snake_case, and every
 * `<Type>Args` class a schema type, as Pulumi's Python code generator names them.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";

import { parse } from "yaml";

import { packageSchema, PackageSchema, PropertySchema } from "./packageSchema";
import { componentsDir } from "./pluginHost";

const readme = fs.readFileSync(path.join(componentsDir, "README.md"), "utf8");
const section = readme.slice(readme.indexOf("## From Python, Go, C# and YAML"), readme.indexOf("\n## ", readme.indexOf("## From Python, Go, C# and YAML") + 5));

function codeBlock(language: string): string {
    const match = new RegExp("```" + language + "\\n([\\s\\S]*?)```").exec(section);
    assert.ok(match, `no ${language} block in the section`);
    return match[1];
}

const snake = (name: string): string => name.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);

/** The schema type a property refers to, if it is an object type of the package. */
function typeOf(schema: PackageSchema, property: PropertySchema | undefined): { properties: Record<string, PropertySchema>; required?: string[] } | undefined {
    return property?.$ref?.startsWith("#/types/") ? schema.types[property.$ref.slice("#/types/".length)] : undefined;
}

/** The properties a YAML value gives that the schema type lacks, or required ones it misses. */
function yamlMismatches(schema: PackageSchema, where: string, value: Record<string, unknown>, type: { properties: Record<string, PropertySchema>; required?: string[] }): string[] {
    return [
        ...(type.required ?? []).filter((name) => !(name in value)).map((name) => `${where}.${name} is required`),
        ...Object.entries(value).flatMap(([name, item]) => {
            const property = type.properties[name];
            if (property === undefined) return [`${where}.${name} is not in the schema`];
            const nested = typeOf(schema, property);
            return nested && typeof item === "object" && item !== null ? yamlMismatches(schema, `${where}.${name}`, item as Record<string, unknown>, nested) : [];
        }),
    ];
}

describe("components/README.md: From Python, Go, C# and YAML", function () {
    this.timeout(60000);
    let schema: PackageSchema;

    before(async () => {
        schema = await packageSchema();
    });

    it("gives pulumi package add a Git tag of the components folder, and names the package eks-irsa", () => {
        assert.match(section, /pulumi package add https:\/\/github\.com\/[\w.-]+\/[\w.-]+\/components@v\d+\.\d+\.\d+/);
        assert.equal(schema.name, "eks-irsa");
    });

    it("has a YAML program using addon whose every property is in the schema", () => {
        const program = parse(codeBlock("yaml")) as { packages: Record<string, string>; resources: Record<string, { type: string; properties: Record<string, unknown> }> };
        assert.ok(Object.keys(program.packages).includes("eks-irsa"));
        const resources = Object.values(program.resources);
        assert.ok(resources.some((resource) => "addon" in resource.properties));
        for (const resource of resources) {
            const component = schema.resources[resource.type];
            assert.ok(component, resource.type);
            assert.deepEqual(yamlMismatches(schema, resource.type, resource.properties, { properties: component.inputProperties, required: component.requiredInputs }), []);
        }
    });

    it("has the same program in Python, with the generated SDK's class, argument and output names", () => {
        const python = codeBlock("python");
        assert.match(python, /^import pulumi_eks_irsa as eks_irsa$/m);
        const irsa = schema.resources["eks-irsa:index:IrsaBinding"];
        const call = /eks_irsa\.IrsaBinding\(([\s\S]*)\n\)/.exec(python)?.[1] ?? "";
        // Each `eks_irsa.<Type>Args(` opens the arguments of a schema type; the keywords inside belong to the innermost open call.
        const open: { properties: Record<string, PropertySchema> }[] = [irsa.inputProperties ? { properties: irsa.inputProperties } : { properties: {} }];
        const checked: string[] = [];
        for (const token of call.matchAll(/eks_irsa\.(\w+)Args\(|(\w+)=|\)/g)) {
            if (token[1] !== undefined) {
                const type = schema.types[`eks-irsa:index:${token[1]}`];
                assert.ok(type, `eks_irsa.${token[1]}Args names no schema type`);
                open.push(type);
            } else if (token[2] !== undefined) {
                const properties = open[open.length - 1].properties;
                assert.ok(
                    Object.keys(properties).some((name) => snake(name) === token[2]),
                    `${token[2]} is not a property: expected one of ${Object.keys(properties).map(snake).join(", ")}`,
                );
                checked.push(token[2]);
            } else if (open.length > 1) {
                open.pop();
            }
        }
        assert.deepEqual(checked.sort(), ["addon", "aws_load_balancer_controller", "cluster_name", "oidc_provider_arn", "service_account_mode"]);
        for (const [, output] of python.matchAll(/load_balancer_controller\.(\w+)/g)) {
            assert.ok(Object.keys(irsa.properties).some((name) => snake(name) === output), `${output} is not an output`);
        }
    });
});
