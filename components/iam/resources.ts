/**
 * Resource entries judged by what they match, not how they are spelled: an ARN pattern whose names are
 * all wildcards (`arn:aws:s3:::?*`, `arn:aws:secretsmanager:*:*:secret:*`, `arn:aws:sqs:*:*:?*`) names
 * every resource of its type in the account, as `"*"` does. The ARN formats are the catalogue's.
 */
import { CatalogueAction, catalogueResourceArn } from "./catalogue";
import { iamPatternMatches, isPattern } from "./patterns";

/** A name no policy is written for: a pattern that matches it matches resources no one named. */
const unwrittenName = "zq0unwritten7name";

/** An ARN of the format with every name unwritten, in the pattern's own partition, region and account where it gives them literally. */
function unwrittenArn(format: string, pattern: string): string {
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
                return unwrittenName;
        }
    });
}

/**
 * Actions that make new resources (AWS's API verbs for it): the new resource's ARN is not known before
 * it exists, so a grant of them names it with a wildcard (`ec2:RunInstances` on `instance/*`). What
 * they make is judged by the escalation model (roles passed, credentials created), not here.
 */
const makesNewResources = /^[a-z0-9-]+:(?:Create|Run|Request|Allocate|Import|Register|Copy)[A-Z]/;

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
 * resources, or part of their names, and for `"*"` itself (judged as such). Actions that make new
 * resources are left out: naming what does not exist yet takes a wildcard.
 */
export function unnamedResourcesOf(resource: string, actions: readonly CatalogueAction[]): UnnamedResources | undefined {
    if (resource === "*" || !isPattern(resource)) {
        return undefined;
    }
    for (const action of actions) {
        if (makesNewResources.test(action.name)) {
            continue;
        }
        const service = action.name.split(":")[0];
        for (const resourceType of action.resourceTypes ?? []) {
            const format = catalogueResourceArn(service, resourceType);
            if (format !== undefined && iamPatternMatches(resource, unwrittenArn(format, resource))) {
                return { resourceType: `${service}:${resourceType}`, action: action.name };
            }
        }
    }
    return undefined;
}
