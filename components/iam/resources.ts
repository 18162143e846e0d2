/**
 * Resource entries judged by what they match, not how they are spelled: an ARN pattern whose names are
 * all wildcards (`arn:aws:s3:::?*`, `arn:aws:secretsmanager:*:*:secret:*`, `arn:aws:sqs:*:*:?*`) names
 * every resource of its type in the account, as `"*"` does. The ARN formats are the catalogue's.
 */
import { CatalogueAction, catalogueResourceArn } from "./catalogue";
import { iamPatternMatches, isPattern } from "./patterns";

/**
 * Names no policy is written for, in the shapes AWS gives names and IDs: a plain token, an EC2-style ID
 * (`i-...`), a UUID (KMS keys), a path (SSM parameters, IAM), a Secrets Manager name with its random
 * suffix, a KMS multi-Region key. A pattern that matches one of them matches resources no one named:
 * its literal parts, if any, are the ones every name of that shape has.
 */
const unwrittenNames = [
    "zq0unwritten7name",
    "i-0f9e8d7c6b5a43210",
    "0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b",
    "zq0unwritten/zq1path/zq2name",
    "zq0unwritten7name-AbCdEf",
    "mrk-0f1e2d3c4b5a69788a9b0c1d2e3f4a5b",
];

/** An ARN of the format with every name `name`, in the pattern's own partition, region and account where it gives them literally. */
function unwrittenArn(format: string, pattern: string, name: string): string {
    const [, partition, , region, account] = pattern.split(":");
    const literal = (value: string | undefined, fallback: string): string => (value === undefined || value === "" || isPattern(value) ? fallback : value);
    return format.replace(/\$\{(\w+)\}/g, (_, variable: string) => {
        switch (variable) {
            case "Partition":
                return literal(partition, "aws");
            case "Region":
                return literal(region, "us-east-1");
            case "Account":
                return literal(account, "111122223333");
            default:
                return name;
        }
    });
}

/**
 * Actions that make new resources (AWS's API verbs for it): the new resource's ARN is not known before
 * it exists, so a grant of them names it with a wildcard (`ec2:RunInstances` on `instance/*`). Only
 * the types they make are left out, told by the action's name (`ec2:CreateSnapshot` makes a
 * `snapshot`, and reads any `volume` it is granted); what they make is judged by the escalation model
 * (roles passed, credentials created), not here.
 */
const makesNewResources = /^[a-z0-9-]+:(?:Create|Run|Request|Allocate|Import|Register|Copy)[A-Z]/;

/** What EC2's launches make besides what their names say: the instances' volumes and network interfaces. */
const madeByLaunches: Record<string, readonly string[]> = {
    "ec2:runinstances": ["instance", "volume", "network-interface", "elastic-gpu", "elastic-inference"],
    "ec2:createfleet": ["fleet", "instance", "volume", "network-interface"],
    "ec2:requestspotinstances": ["spot-instances-request", "instance", "volume", "network-interface"],
};

/** Whether the action makes resources of the type (so its grant may name them with a wildcard). */
function makesResourceType(action: CatalogueAction, resourceType: string): boolean {
    if (!makesNewResources.test(action.name)) {
        return false;
    }
    const name = action.name.toLowerCase();
    return madeByLaunches[name]?.includes(resourceType) ?? name.split(":")[1].includes(resourceType.replace(/-/g, ""));
}

/** A resource type an entry reaches every resource of, with an action of the grant that acts on it. */
export interface UnnamedResources {
    /** `service:type`, as the catalogue names the type (`s3:object`, `secretsmanager:secret`). */
    resourceType: string;
    /** An action of the grant that acts on that type. */
    action: string;
}

/**
 * The first resource type of the granted actions of which a resource entry matches every resource,
 * whatever its name (in the entry's partition, region and account); undefined for an entry that names
 * resources, or part of their names, and for `"*"` itself (judged as such). The types an action makes
 * are left out: naming what does not exist yet takes a wildcard.
 */
export function unnamedResourcesOf(resource: string, actions: readonly CatalogueAction[]): UnnamedResources | undefined {
    if (resource === "*" || !isPattern(resource)) {
        return undefined;
    }
    for (const action of actions) {
        const service = action.name.split(":")[0];
        for (const resourceType of action.resourceTypes ?? []) {
            if (makesResourceType(action, resourceType)) {
                continue;
            }
            const format = catalogueResourceArn(service, resourceType);
            if (format !== undefined && unwrittenNames.some((name) => iamPatternMatches(resource, unwrittenArn(format, resource, name)))) {
                return { resourceType: `${service}:${resourceType}`, action: action.name };
            }
        }
    }
    return undefined;
}
