/**
 * The project's stacks as the CLI would configure them, for tests: the merged config of a stack,
 * and a lookup over it with some values replaced.
 */
import * as path from "node:path";

import { ConfigKey, ConfigLookup, fullKey } from "../program/config";
import { loadStackConfig } from "../scripts/offline/stackConfig";

export const projectDir = path.resolve(__dirname, "..");

/** The merged config of one of the project's stacks. */
export function stackConfig(stack: string): Record<string, string> {
    return loadStackConfig(projectDir, stack).config;
}

/** A lookup over a stack's config with some keys overridden (undefined removes a key). */
export function lookupWith(stack: string, overrides: Partial<Record<ConfigKey, string | undefined>> = {}): ConfigLookup {
    const values: Record<string, string | undefined> = { ...stackConfig(stack) };
    for (const [key, value] of Object.entries(overrides)) {
        values[fullKey(key as ConfigKey)] = value;
    }
    return (key) => values[key];
}
