/**
 * Writes components/addons/args.ts, the bindings' `addon` input, from the catalogue's functions: a
 * property per function, named after it, typed with its scope argument and documented with its own
 * TSDoc, so that the schema other languages see says what the TypeScript function says. The
 * functions stay the one source: tests/addonInput.test.ts fails when the file is not what this
 * script writes (`npm run generate` rewrites it).
 */
import * as fs from "node:fs";
import * as path from "node:path";

import * as ts from "typescript";

const addonsDir = path.join(__dirname, "..", "components", "addons");

/** The catalogue's modules, in the order their add-ons are listed. */
const catalogueModules = ["networking", "lattice", "storage", "fsx", "dns", "certificates", "scaling", "lifecycle", "secrets", "observability"];

/** The generated file. */
export const addonArgsFile = path.join(addonsDir, "args.ts");

/** One catalogue function: its name, the interface of its scope, its module and its TSDoc lines. */
export interface CatalogueFunction {
    name: string;
    argsType: string;
    module: string;
    doc: string[];
}

/** The TSDoc of a declaration, as lines without the comment markers. */
function docLines(source: ts.SourceFile, node: ts.Node): string[] {
    const ranges = ts.getLeadingCommentRanges(source.text, node.pos) ?? [];
    const last = ranges.filter((range) => source.text.startsWith("/**", range.pos)).pop();
    if (last === undefined) {
        throw new Error(`${source.fileName}: ${node.getText(source).slice(0, 60)} has no TSDoc`);
    }
    return source.text
        .slice(last.pos + 3, last.end - 2)
        .split("\n")
        .map((line) => line.replace(/^\s*\* ?/, "").trimEnd())
        .filter((line, index, lines) => !(line === "" && (index === 0 || index === lines.length - 1)))
        // The schema's description is the comment's text: a link would come out as the objects TypeScript parses it into.
        .map((line) => line.replace(/\{@link ([^}\s]+)\}/g, "`addons.$1()`"));
}

/** Every exported function of the catalogue that returns `AddonPermissions`, in catalogue order. */
export function catalogueFunctions(): CatalogueFunction[] {
    return catalogueModules.flatMap((module) => {
        const file = path.join(addonsDir, `${module}.ts`);
        const source = ts.createSourceFile(file, fs.readFileSync(file, "utf8"), ts.ScriptTarget.ES2022, true);
        return source.statements.flatMap((statement): CatalogueFunction[] => {
            const exported = ts.getModifiers(statement as ts.FunctionDeclaration)?.some((modifier) => modifier.kind === ts.SyntaxKind.ExportKeyword);
            if (!ts.isFunctionDeclaration(statement) || !exported || statement.name === undefined || statement.type?.getText(source) !== "AddonPermissions") {
                return [];
            }
            const [parameter] = statement.parameters;
            if (parameter?.type === undefined || statement.parameters.length !== 1) {
                throw new Error(`${file}: ${statement.name.text} must take one scope argument`);
            }
            return [{ name: statement.name.text, argsType: parameter.type.getText(source), module, doc: docLines(source, statement) }];
        });
    });
}

/** The text of components/addons/args.ts. */
export function renderAddonArgs(): string {
    const functions = catalogueFunctions();
    const imports = catalogueModules
        .map((module) => [module, functions.filter((each) => each.module === module).map((each) => each.argsType).sort()] as const)
        .filter(([, types]) => types.length > 0)
        .map(([module, types]) => `import type { ${types.join(", ")} } from "./${module}";`);
    const properties = functions.map((each) =>
        [`    /**`, ...each.doc.map((line) => (line === "" ? "     *" : `     * ${line}`)), `     * @default not set`, `     */`, `    ${each.name}?: ${each.argsType};`].join("\n"),
    );
    return [
        `// Written by scripts/addonArgs.ts from the catalogue's functions (npm run generate); edit those, not this file.`,
        ...imports,
        ``,
        `/**`,
        ` * The add-on whose role a binding is: set exactly one property, named after the catalogue's function`,
        ` * (\`addons.<name>()\`) and taking that function's scope. It fills the binding's permissions, and its`,
        ` * namespace and ServiceAccount where the binding gives none.`,
        ` */`,
        `export interface AddonArgs {`,
        properties.join("\n"),
        `}`,
        ``,
    ].join("\n");
}

if (require.main === module) {
    fs.writeFileSync(addonArgsFile, renderAddonArgs());
    console.log(`wrote ${path.relative(process.cwd(), addonArgsFile)}`);
}
