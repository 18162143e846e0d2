/**
 * The bucket the reader reads: an existing one named by `eks-irsa:bucketName` must exist and be the
 * account's (the program looks it up, and grants the reader in this account only), or `pulumi up`
 * fails at the lookup. A created bucket takes a generated suffix, so its name cannot collide.
 */
import { fullKey } from "../program/config";
import { AccountFacts } from "./facts";
import { Finding } from "./findings";
import { StackNeeds } from "./needs";

const check = "bucket";
const key = fullKey("bucketName");

export function bucketFindings(needs: StackNeeds, facts: AccountFacts): Finding[] {
    const name = needs.existingBucket;
    if (name === undefined) {
        return [{ level: "ok", check, message: "the stack creates its buckets under names Pulumi completes with a random suffix: no name to collide with" }];
    }
    const ownership = facts.bucket;
    if (ownership === undefined || !ownership.ok) {
        return [{ level: "warning", check, key, message: `could not tell who owns bucket ${name} (${ownership?.ok === false ? ownership.reason : "not read"})` }];
    }
    switch (ownership.value) {
        case "yours":
            return [{ level: "ok", check, message: `bucket ${name} exists and belongs to account ${facts.deployer.account}` }];
        case "another-account":
            return [
                {
                    level: "error",
                    check,
                    key,
                    message: `bucket ${name} belongs to another account, or this principal may not read it (S3 answers 403 to its owner check): the reader's role in this account would need that account's bucket policy too; name a bucket of account ${facts.deployer.account}, or leave ${key} empty to create one`,
                },
            ];
        case "free":
            return [{ level: "error", check, key, message: `no bucket is named ${name} (S3 answers 404): the program's lookup of it fails; correct the name, or leave ${key} empty to create one` }];
    }
}
