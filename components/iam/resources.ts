/**
 * Resource entries judged by what they match, not how they are spelled: an ARN pattern whose names are
 * all wildcards (`arn:aws:s3:::?*`, `arn:aws:secretsmanager:*:*:secret:*`, `arn:aws:sqs:eu-*`,
 * `instance/i-*`) names every resource of its type, as `"*"` does. The ARN formats are the catalogue's.
 */
import { CatalogueAction, catalogueResourceArns } from "./catalogue";
import { iamPatternRegExp, isPattern } from "./patterns";

/**
 * Prefixes of the IDs EC2 and other services give their resources (`vol-0abc...`, `fs-0abc...`), as
 * their user guides list them: a pattern of one of them and wildcards matches every ID of its kind.
 */
const idPrefixes = [
    "i", "vol", "snap", "ami", "sg", "eni", "subnet", "vpc", "lt", "eipalloc", "igw", "nat", "rtb", "acl", "key",
    "tgw", "tgw-attach", "vpce", "pcx", "dopt", "cgw", "vgw", "fleet", "sfr", "sir", "r", "fl", "eigw", "lgw", "pl", "mrk", "elbv2",
    // Other services' IDs of the same shape: EFS and FSx file systems, access points and volumes, EMR clusters, Directory Service, Transfer servers, WorkSpaces.
    "fs", "fsap", "fsvol", "j", "d", "s", "ws",
];

/** Hex runs of the lengths AWS IDs have (8, 16, 17, 32): load balancer and listener IDs, EC2 IDs, KMS multi-Region keys. */
const hexRuns = ["0f9e8d7c", "0f9e8d7c6b5a4321", "0f9e8d7c6b5a43210", "0f1e2d3c4b5a69788a9b0c1d2e3f4a5b"];

/**
 * Names no policy is written for, in the shapes AWS gives names and IDs: plain tokens, IDs of every
 * prefix above and hex runs, a UUID (KMS keys), a path (SSM parameters, IAM), a Secrets Manager name
 * with its random suffix, a Cognito pool ID (`<region>_<id>`). A pattern that matches one of them
 * matches resources no one named: its literal parts, if any, are the ones every name of that shape has.
 */
const unwrittenNames = [
    "zq0unwritten7name",
    ...hexRuns,
    ...idPrefixes.map((prefix) => `${prefix}-${hexRuns[2]}`),
    "0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b",
    "zq0unwritten/zq1path/zq2name",
    "zq0unwritten7name-AbCdEf",
    "zq0unwritten7name.zq1dotted",
    "us-east-1_Zq0Unwrtn7",
];

/**
 * A stand-in that an ARN field pattern matches (`eu-*` gives `eu-`, `12345678901?` gives `123456789010`),
 * or the fallback where the pattern leaves the field out. The samples must be in the account and region
 * the pattern reaches, or a pattern that fixes neither but names no resource would never match them.
 */
function fieldStandIn(pattern: string | undefined, fallback: string): string {
    return pattern === undefined || pattern === "" ? fallback : pattern.replace(/\*/g, "").replace(/\?/g, "0");
}

/** ARNs of the format with every name `name`, in the partition, region and account the pattern reaches. */
function unwrittenArn(format: string, pattern: string, name: string): string {
    const [, partition, , region, account] = pattern.split(":");
    return format.replace(/\$\{(\w+)\}/g, (_, variable: string) => {
        switch (variable) {
            case "Partition":
                return fieldStandIn(partition, "aws");
            case "Region":
                return fieldStandIn(region, "us-east-1");
            case "Account":
                return fieldStandIn(account, "111122223333");
            default:
                return name;
        }
    });
}

/**
 * The verbs of actions that make new resources: the new resource's ARN is not known before it exists,
 * so a grant of them names it with a wildcard (`sqs:CreateQueue` on `...:*`). Not `Import`, which may
 * replace a resource that exists (`acm:ImportCertificate` with its ARN), and not `Copy`, which IAM
 * authorizes on its source too, a resource of the same type that exists: `rds:CopyDBSnapshot` on
 * `snapshot:*` copies every snapshot of the account, to restore or share.
 */
const makingVerb = /^(?:Create|Run|Request|Allocate|Register)(?=[A-Z])/;

/** What EC2's launches make besides what their names say: the instances' volumes and network interfaces. */
const madeByLaunches: Readonly<Record<string, readonly string[]>> = {
    "ec2:runinstances": ["instance", "volume", "network-interface", "elastic-gpu", "elastic-inference"],
    "ec2:createfleet": ["fleet", "instance", "volume", "network-interface"],
    "ec2:requestspotinstances": ["spot-instances-request", "instance", "volume", "network-interface"],
};

/**
 * Whether the action makes resources of the type, told by its name: what follows the verb is the type
 * (`CreateQueue`, `CreateDBSnapshot` of `snapshot`), so `lambda:CreateFunctionUrlConfig`, which changes
 * an existing function, makes no `function`. What they make is judged by the escalation model.
 */
function makesResourceType(action: CatalogueAction, resourceType: string): boolean {
    const [service, name] = action.name.split(":");
    const verb = makingVerb.exec(name);
    if (verb === null) {
        return false;
    }
    const launched = madeByLaunches[`${service}:${name}`.toLowerCase()];
    if (launched !== undefined) {
        return launched.includes(resourceType);
    }
    const made = name.slice(verb[0].length).toLowerCase();
    const type = resourceType.replace(/-/g, "");
    return made === type || made === `${type}s` || made.endsWith(type);
}

/**
 * The first name of an ARN format as a pattern writes it (the bucket of an object pattern: `*` in
 * `arn:aws:s3:::*` followed by `/reports/` and a wildcard), or undefined where the pattern does not
 * take the format's shape: the name that holds the others (a bucket its objects, a log group its
 * streams, a table its indexes).
 */
function firstNameOf(format: string, pattern: string): string | undefined {
    const fixedFields = new Set(["Partition", "Region", "Account"]);
    let firstName: number | undefined;
    let group = 0;
    const source = format
        .split(/(\$\{\w+\})/)
        .map((part) => {
            const variable = /^\$\{(\w+)\}$/.exec(part)?.[1];
            if (variable === undefined) {
                return part.replace(/[.*+?^${}()|[\]\\/-]/g, "\\$&");
            }
            group += 1;
            if (fixedFields.has(variable)) {
                return "([^:]*)";
            }
            firstName ??= group;
            return firstName === group ? "(.*?)" : "(.*)";
        })
        .join("");
    const match = new RegExp(`^${source}$`, "is").exec(pattern);
    return match === null || firstName === undefined ? undefined : match[firstName];
}

/**
 * Policy variables whose value is fixed for every session of a workload role the bindings make: the
 * role's account, and the session tags EKS Pod Identity sets that the role's trust pins (namespace,
 * ServiceAccount, cluster). Without such a trust (IRSA, or `disableSessionTags`) a tag is absent, and
 * a statement with a variable IAM cannot fill matches nothing.
 */
const fixedVariable = /^\$\{(?:aws:PrincipalAccount|aws:PrincipalTag\/(?:kubernetes-namespace|kubernetes-service-account|eks-cluster-name|eks-cluster-arn))\}$/i;

/**
 * A resource entry with its policy variables read for what they can match: IAM's escapes (`${*}`,
 * `${?}`, `${$}`) and the variables a binding's trust fixes are one literal name each; every other
 * variable (`${aws:PrincipalTag/kubernetes-pod-name}`, a request's keys, `${aws:userid}`) takes a
 * value the caller or whoever starts the pod chooses, so it matches as `*` does.
 */
export function variablesAsWildcards(resource: string): string {
    return resource.replace(/\$\{[^}]*\}/g, (variable) => (/^\$\{[*?$]\}$/.test(variable) ? "0" : fixedVariable.test(variable) ? "zq0fixed" : "*"));
}

/** A resource type an entry reaches every resource of, with an action of the grant that acts on it. */
export interface UnnamedResources {
    /** `service:type`, as the catalogue names the type (`s3:object`, `secretsmanager:secret`). */
    resourceType: string;
    /** An action of the grant that acts on that type. */
    action: string;
    /** How many of them it reaches, for messages: `every s3:object resource`, or `the s3:object resources of every BucketName`. */
    reach: string;
    /** Why it reaches them, for an entry that is no pattern (the root of a path a read is authorized on); undefined for a pattern. */
    because?: string;
}

/**
 * Reads authorized on the path they name rather than on what they return: Parameter Store's
 * `GetParametersByPath` on a path returns every parameter below it, at every level ("How Parameter
 * Store authorizes parameter retrieval", AWS Systems Manager User Guide), so on the root path, an ARN
 * with no pattern in it, it returns every parameter.
 */
const pathAuthorizedReads: readonly { action: string; root: RegExp; resourceType: string }[] = [
    { action: "ssm:GetParametersByPath", root: /^arn:[^:]+:ssm:[^:]*:[^:]*:parameter\/?$/, resourceType: "ssm:parameter" },
];

/** A read of every resource through the root of a path it is authorized on (pathAuthorizedReads), or undefined. */
function rootPathRead(resource: string, actions: readonly CatalogueAction[]): UnnamedResources | undefined {
    for (const read of pathAuthorizedReads) {
        const acting = actions.find((action) => action.name.toLowerCase() === read.action.toLowerCase());
        if (acting !== undefined && read.root.test(resource)) {
            return {
                resourceType: read.resourceType,
                action: acting.name,
                reach: `every ${read.resourceType} resource`,
                because: `it is the root path, and ${acting.name} is authorized on the path it reads and returns everything below it`,
            };
        }
    }
    return undefined;
}

/**
 * The first resource type of the granted actions' services of which a resource entry matches every
 * resource, whatever its name (in the entry's partition, region and account); undefined for an entry
 * that names resources, or part of their names, and for `"*"` itself (judged as such). Every type of
 * the service is tried, not only those the catalogue lists for the action (it lists some actions with
 * too few). The types an action makes are left out: naming what does not exist yet takes a wildcard.
 * A policy variable matches what its value can be (variablesAsWildcards).
 */
export function unnamedResourcesOf(resource: string, actions: readonly CatalogueAction[]): UnnamedResources | undefined {
    const byPath = rootPathRead(resource, actions);
    if (byPath !== undefined) {
        return byPath;
    }
    if (resource === "*" || !isPattern(resource)) {
        return undefined;
    }
    resource = variablesAsWildcards(resource);
    const byService = new Map<string, CatalogueAction[]>();
    for (const action of actions) {
        const service = action.name.split(":")[0].toLowerCase();
        byService.set(service, [...(byService.get(service) ?? []), action]);
    }
    const pattern = iamPatternRegExp(resource);
    for (const [service, granted] of byService) {
        for (const [resourceType, format] of catalogueResourceArns(service)) {
            // Every name unwritten, or the name that holds the others all wildcards (`*/reports/*`: that folder of every bucket).
            const holder = firstNameOf(format, resource);
            const holderUnnamed = holder !== undefined && /^[*?]+$/.test(holder);
            const everyName = unwrittenNames.some((name) => pattern.test(unwrittenArn(format, resource, name)));
            if (!holderUnnamed && !everyName) {
                continue;
            }
            const acting = granted.find((action) => !makesResourceType(action, resourceType));
            if (acting !== undefined) {
                const holderName = /\$\{(?!Partition\}|Region\}|Account\})(\w+)\}/.exec(format)?.[1] ?? "name";
                return {
                    resourceType: `${service}:${resourceType}`,
                    action: acting.name,
                    reach: everyName ? `every ${service}:${resourceType} resource` : `the ${service}:${resourceType} resources of every ${holderName}`,
                };
            }
        }
    }
    return undefined;
}
