/**
 * The plugin's entry point (see PulumiPlugin.yaml): serves the components to every Pulumi language
 * as package `eks-irsa`, their schema derived from the TypeScript source in this folder.
 */
import { componentProviderHost } from "@pulumi/pulumi/provider/experimental";

import { pulumiComponents, pulumiPackageName } from "./pulumiPackage";
import { mapOnlyTypeScriptFrames } from "./stackTraces";

// Before any Construct: the SDK formats a stack trace for each promise it creates (stackTraces.ts).
mapOnlyTypeScriptFrames();

// Pulumi's plugin runner awaits what the entry point exports, and reports a failure to serve.
export = componentProviderHost({ name: pulumiPackageName, components: pulumiComponents });
