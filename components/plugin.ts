/**
 * The plugin itself (pluginEntry.js loads it; see PulumiPlugin.yaml): serves the components to every
 * Pulumi language as package `eks-irsa`, their schema derived from the TypeScript source in this
 * folder, once for each version of it (pluginSchema.ts).
 */
import { main } from "@pulumi/pulumi/provider";

import { ComponentProviderWithSchemaCache } from "./pluginSchema";
import { pulumiComponents, pulumiPackageName } from "./pulumiPackage";
import { mapOnlyTypeScriptFrames } from "./stackTraces";

// Before any Construct: the SDK formats a stack trace for each promise it creates (stackTraces.ts).
mapOnlyTypeScriptFrames();

// Pulumi's plugin runner awaits what the entry point exports, and reports a failure to serve.
export = main(new ComponentProviderWithSchemaCache({ name: pulumiPackageName, dirname: __dirname, components: pulumiComponents }), process.argv.slice(2));
