import * as assert from "node:assert/strict";

import { checkedWebIdentityTrustPolicy, policyLength, s3ReadPolicy, serviceAccountSubject, webIdentityTrustPolicy } from "../components/index";
import { allowedByIdentityPolicy, allowedByTrustPolicy } from "./iamEvaluator";

const issuer = "oidc.eks.us-west-2.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF";
const providerArn = `arn:aws:iam::123456789012:oidc-provider/${issuer}`;
const otherIssuer = "oidc.eks.eu-west-1.amazonaws.com/id/FEDCBA9876543210FEDCBA9876543210";
const otherProviderArn = `arn:aws:iam::123456789012:oidc-provider/${otherIssuer}`;
const roleArn = "arn:aws:iam::123456789012:role/reports-reader";

describe("webIdentityTrustPolicy", () => {
    const trust = webIdentityTrustPolicy({
        providers: [{ arn: providerArn, issuer }],
        subjects: [{ namespace: "apps", serviceAccountName: "reports-reader" }],
        audience: "sts.amazonaws.com",
    });

    /** Whether a token with these claims, issued through this provider, may assume the role. */
    function assume(claims: { sub?: string; aud?: string }, provider = { arn: providerArn, issuer }): Promise<boolean> {
        const context: Record<string, string> = {};
        if (claims.sub !== undefined) {
            context[`${provider.issuer}:sub`] = claims.sub;
        }
        if (claims.aud !== undefined) {
            context[`${provider.issuer}:aud`] = claims.aud;
        }
        return allowedByTrustPolicy(trust, { principal: provider.arn, action: "sts:AssumeRoleWithWebIdentity", roleArn, context });
    }

    it("lets the bound ServiceAccount's token for sts.amazonaws.com assume the role", async () => {
        assert.equal(await assume({ sub: "system:serviceaccount:apps:reports-reader", aud: "sts.amazonaws.com" }), true);
    });

    it("refuses another ServiceAccount, the same name elsewhere, and names that extend the bound one", async () => {
        for (const sub of [
            "system:serviceaccount:apps:default",
            "system:serviceaccount:other:reports-reader",
            "system:serviceaccount:apps:reports-reader-2",
            "system:serviceaccount:apps:reports-reader:extra",
            "system:serviceaccount:apps-2:reports-reader",
            "system:serviceaccount:apps:*",
        ]) {
            assert.equal(await assume({ sub, aud: "sts.amazonaws.com" }), false, sub);
        }
    });

    it("refuses a token without an audience or for another one", async () => {
        assert.equal(await assume({ sub: "system:serviceaccount:apps:reports-reader" }), false);
        assert.equal(await assume({ sub: "system:serviceaccount:apps:reports-reader", aud: "other-client" }), false);
        assert.equal(await assume({ aud: "sts.amazonaws.com" }), false);
    });

    it("refuses another cluster's tokens, even with the same claims", async () => {
        assert.equal(
            await assume({ sub: "system:serviceaccount:apps:reports-reader", aud: "sts.amazonaws.com" }, { arn: otherProviderArn, issuer: otherIssuer }),
            false,
        );
    });

    it("refuses other ways in: plain AssumeRole, and IAM principals of the account", async () => {
        assert.equal(await allowedByTrustPolicy(trust, { principal: providerArn, action: "sts:AssumeRole", roleArn }), false);
        assert.equal(
            await allowedByTrustPolicy(trust, { principal: "arn:aws:iam::123456789012:role/admin", action: "sts:AssumeRole", roleArn }),
            false,
        );
    });

    it("trusts each additional cluster for the same ServiceAccount only", async () => {
        const multi = webIdentityTrustPolicy({
            providers: [
                { arn: providerArn, issuer },
                { arn: otherProviderArn, issuer: otherIssuer },
            ],
            subjects: [{ namespace: "apps", serviceAccountName: "reports-reader" }],
            audience: "sts.amazonaws.com",
        });
        const request = (sub: string, arn: string, claimsIssuer: string) =>
            allowedByTrustPolicy(multi, {
                principal: arn,
                action: "sts:AssumeRoleWithWebIdentity",
                roleArn,
                context: { [`${claimsIssuer}:sub`]: sub, [`${claimsIssuer}:aud`]: "sts.amazonaws.com" },
            });
        assert.equal(await request("system:serviceaccount:apps:reports-reader", otherProviderArn, otherIssuer), true);
        assert.equal(await request("system:serviceaccount:apps:reports-reader", providerArn, issuer), true);
        assert.equal(await request("system:serviceaccount:apps:other", otherProviderArn, otherIssuer), false);
        // One cluster's claims do not open the role to the other cluster's principal.
        assert.equal(await request("system:serviceaccount:apps:reports-reader", otherProviderArn, issuer), false);
    });

    it("never uses a wildcard or a pattern operator", () => {
        const json = JSON.stringify(trust);
        assert.ok(!json.includes("*"));
        assert.ok(!json.includes("StringLike"));
        assert.equal(serviceAccountSubject("apps", "reports-reader"), "system:serviceaccount:apps:reports-reader");
    });
});

describe("webIdentityTrustPolicy with several ServiceAccounts and patterns", () => {
    const trust = webIdentityTrustPolicy({
        providers: [{ arn: providerArn, issuer }],
        subjects: [
            { namespace: "apps", serviceAccountName: "reports-reader" },
            { namespace: "jobs", serviceAccountName: "exporter" },
            { namespace: "crossplane-system", serviceAccountName: "provider-aws-*" },
            { namespace: "monitoring", serviceAccountName: "*" },
        ],
        audience: "sts.amazonaws.com",
    });
    const assume = (sub: string, aud = "sts.amazonaws.com") =>
        allowedByTrustPolicy(trust, {
            principal: providerArn,
            action: "sts:AssumeRoleWithWebIdentity",
            roleArn,
            context: { [`${issuer}:sub`]: sub, [`${issuer}:aud`]: aud },
        });

    it("matches exact subjects with StringEquals and patterns with StringLike, aud always with StringEquals", () => {
        assert.deepEqual(trust.Statement.map((statement) => statement.Condition), [
            {
                StringEquals: {
                    [`${issuer}:sub`]: ["system:serviceaccount:apps:reports-reader", "system:serviceaccount:jobs:exporter"],
                    [`${issuer}:aud`]: "sts.amazonaws.com",
                },
            },
            {
                StringEquals: { [`${issuer}:aud`]: "sts.amazonaws.com" },
                StringLike: { [`${issuer}:sub`]: ["system:serviceaccount:crossplane-system:provider-aws-*", "system:serviceaccount:monitoring:*"] },
            },
        ]);
    });

    it("admits each exact subject and what each pattern names", async () => {
        assert.equal(await assume("system:serviceaccount:apps:reports-reader"), true);
        assert.equal(await assume("system:serviceaccount:jobs:exporter"), true);
        assert.equal(await assume("system:serviceaccount:crossplane-system:provider-aws-s3"), true);
        assert.equal(await assume("system:serviceaccount:crossplane-system:provider-aws-ec2"), true);
        assert.equal(await assume("system:serviceaccount:monitoring:prometheus"), true);
    });

    it("admits nothing else: other namespaces, names sharing a prefix, longer subjects, other audiences", async () => {
        for (const sub of [
            "system:serviceaccount:apps:exporter",
            "system:serviceaccount:jobs:reports-reader",
            "system:serviceaccount:apps:reports-reader-2",
            "system:serviceaccount:apps:reports-reader:extra",
            "system:serviceaccount:apps-2:reports-reader",
            "system:serviceaccount:crossplane-system:provider-gcp-storage",
            "system:serviceaccount:crossplane-system-2:provider-aws-s3",
            "system:serviceaccount:crossplane:provider-aws-s3",
            "system:serviceaccount:other:provider-aws-s3",
            "system:serviceaccount:monitoring-2:prometheus",
            "system:serviceaccount:monitoringx:prometheus",
            "system:serviceaccounts:monitoring",
            "system:node:monitoring:prometheus",
        ]) {
            assert.equal(await assume(sub), false, sub);
        }
        assert.equal(await assume("system:serviceaccount:crossplane-system:provider-aws-s3", "sts.amazonaws.com*"), false);
        assert.equal(await assume("system:serviceaccount:monitoring:prometheus", "other"), false);
    });
});

describe("checkedWebIdentityTrustPolicy", () => {
    const readerSubject = [{ namespace: "apps", serviceAccountName: "reports-reader" }];
    const clusters = (count: number) =>
        Array.from({ length: count }, (_, index) => `arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-west-2.amazonaws.com/id/${String(index % 10).repeat(32)}${index}`);

    it("counts length as IAM does, without white space", () => {
        const { document } = checkedWebIdentityTrustPolicy([providerArn], readerSubject, "sts.amazonaws.com", 2048);
        assert.equal(policyLength(document), JSON.stringify(document, null, 4).replace(/\s/g, "").length);
        assert.ok(policyLength(document) < JSON.stringify(document, null, 4).length);
    });

    it("accepts as many clusters as fit the limit and refuses the next one, saying size, limit and remedy", () => {
        let fitting = 1;
        while (checkedWebIdentityTrustPolicy(clusters(fitting + 1), readerSubject, "sts.amazonaws.com", 2048).problem === undefined) {
            fitting += 1;
        }
        const over = checkedWebIdentityTrustPolicy(clusters(fitting + 1), readerSubject, "sts.amazonaws.com", 2048);
        assert.ok(policyLength(over.document) > 2048);
        assert.ok(policyLength(checkedWebIdentityTrustPolicy(clusters(fitting), readerSubject, "sts.amazonaws.com", 2048).document) <= 2048);
        assert.match(
            over.problem ?? "",
            new RegExp(`^trust policy is ${policyLength(over.document)} characters \\(white space not counted\\), over the limit of 2048 for 1 ServiceAccount\\(s\\) and ${fitting + 1} cluster\\(s\\): 0 ServiceAccount\\(s\\) fit with ${fitting + 1} cluster\\(s\\), and ${fitting} cluster\\(s\\) with 1 ServiceAccount\\(s\\)\\. .*trustPolicyLengthLimit`),
        );
        assert.equal(checkedWebIdentityTrustPolicy(clusters(fitting + 1), readerSubject, "sts.amazonaws.com", 4096).problem, undefined);
    });

    it("counts every subject's statement, and says how many ServiceAccounts fit", () => {
        const subjects = Array.from({ length: 60 }, (_, index) => ({ namespace: `team-${index}`, serviceAccountName: `service-account-${index}` }));
        const over = checkedWebIdentityTrustPolicy(clusters(2), subjects, "sts.amazonaws.com", 2048);
        const [, fit] = /: (\d+) ServiceAccount\(s\) fit with 2 cluster\(s\)/.exec(over.problem ?? "") ?? [];
        assert.ok(Number(fit) > 0 && Number(fit) < 60, over.problem);
        assert.equal(checkedWebIdentityTrustPolicy(clusters(2), subjects.slice(0, Number(fit)), "sts.amazonaws.com", 2048).problem, undefined);
        assert.notEqual(checkedWebIdentityTrustPolicy(clusters(2), subjects.slice(0, Number(fit) + 1), "sts.amazonaws.com", 2048).problem, undefined);
    });
});

describe("s3ReadPolicy", () => {
    const bucketArn = "arn:aws:s3:::reports-bucket";
    const keyArn = "arn:aws:kms:us-west-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    const wholeBucket = s3ReadPolicy({ bucketArns: [bucketArn], keyPrefixes: [], kmsKeyArns: [] });
    const prefixed = s3ReadPolicy({ bucketArns: [bucketArn], keyPrefixes: ["daily/", "monthly/"], kmsKeyArns: [keyArn] });

    it("reads and lists the whole bucket when no prefix is given", async () => {
        assert.equal(await allowedByIdentityPolicy(wholeBucket, { action: "s3:GetObject", resource: `${bucketArn}/any/key.csv` }), true);
        assert.equal(await allowedByIdentityPolicy(wholeBucket, { action: "s3:ListBucket", resource: bucketArn }), true);
    });

    it("never writes, deletes, or changes ACLs or bucket settings", async () => {
        for (const [action, resource] of [
            ["s3:PutObject", `${bucketArn}/any/key.csv`],
            ["s3:DeleteObject", `${bucketArn}/any/key.csv`],
            ["s3:PutObjectAcl", `${bucketArn}/any/key.csv`],
            ["s3:DeleteObjectVersion", `${bucketArn}/any/key.csv`],
            ["s3:PutBucketPolicy", bucketArn],
            ["s3:PutBucketAcl", bucketArn],
            ["s3:DeleteBucket", bucketArn],
            ["s3:PutBucketPublicAccessBlock", bucketArn],
            ["s3:PutLifecycleConfiguration", bucketArn],
        ]) {
            assert.equal(await allowedByIdentityPolicy(wholeBucket, { action, resource }), false, action);
            assert.equal(await allowedByIdentityPolicy(prefixed, { action, resource: resource.replace("any/", "daily/") }), false, action);
        }
    });

    it("refuses other buckets, including ones whose name extends the granted one", async () => {
        for (const other of ["arn:aws:s3:::other-bucket", "arn:aws:s3:::reports-bucket-2"]) {
            assert.equal(await allowedByIdentityPolicy(wholeBucket, { action: "s3:GetObject", resource: `${other}/key.csv` }), false, other);
            assert.equal(await allowedByIdentityPolicy(wholeBucket, { action: "s3:ListBucket", resource: other }), false, other);
        }
    });

    it("limits reads and listing to the prefixes", async () => {
        assert.equal(await allowedByIdentityPolicy(prefixed, { action: "s3:GetObject", resource: `${bucketArn}/daily/2026-11-29.csv` }), true);
        assert.equal(await allowedByIdentityPolicy(prefixed, { action: "s3:GetObject", resource: `${bucketArn}/monthly/2026-11.csv` }), true);
        assert.equal(await allowedByIdentityPolicy(prefixed, { action: "s3:GetObject", resource: `${bucketArn}/secret/keys.csv` }), false);
        assert.equal(await allowedByIdentityPolicy(prefixed, { action: "s3:GetObject", resource: `${bucketArn}/daily-archive/old.csv` }), false);
        const list = (prefix?: string) =>
            allowedByIdentityPolicy(prefixed, { action: "s3:ListBucket", resource: bucketArn, context: prefix === undefined ? {} : { "s3:prefix": prefix } });
        assert.equal(await list("daily/"), true);
        assert.equal(await list("daily/2026/"), true);
        assert.equal(await list("secret/"), false);
        assert.equal(await list(""), false);
        assert.equal(await list(), false);
    });

    it("decrypts with the given keys only, and only as S3 asks for these buckets' objects", async () => {
        const throughS3 = (encryptionContext: string, service = "s3.us-west-2.amazonaws.com") => ({
            "kms:ViaService": service,
            "kms:EncryptionContext:aws:s3:arn": encryptionContext,
        });
        const keysUnknownToSimulator = ["kms:EncryptionContext:aws:s3:arn"];
        const decrypt = (resource: string, context: Record<string, string>) =>
            allowedByIdentityPolicy(prefixed, { action: "kms:Decrypt", resource, context, keysUnknownToSimulator });
        assert.equal(await decrypt(keyArn, throughS3(`${bucketArn}/daily/2026-11-29.csv`)), true);
        assert.equal(await decrypt(keyArn, throughS3(bucketArn)), true, "with an S3 Bucket Key the context is the bucket");
        assert.equal(await decrypt(keyArn, {}), false, "directly, outside S3");
        assert.equal(await decrypt(keyArn, throughS3(`${bucketArn}/daily/x.csv`, "secretsmanager.us-west-2.amazonaws.com")), false, "through another service");
        assert.equal(await decrypt(keyArn, throughS3("arn:aws:s3:::other-bucket/daily/x.csv")), false, "for another bucket");
        assert.equal(await decrypt(keyArn, throughS3(`${bucketArn}/secret/keys.csv`)), false, "outside the prefixes");
        assert.equal(await decrypt("arn:aws:kms:us-west-2:123456789012:key/99999999-12ab-34cd-56ef-1234567890ab", throughS3(`${bucketArn}/daily/x.csv`)), false);
        assert.equal(await allowedByIdentityPolicy(prefixed, { action: "kms:Encrypt", resource: keyArn, context: throughS3(`${bucketArn}/daily/x.csv`), keysUnknownToSimulator }), false);
        assert.equal(await allowedByIdentityPolicy(wholeBucket, { action: "kms:Decrypt", resource: keyArn, context: throughS3(`${bucketArn}/x.csv`), keysUnknownToSimulator }), false);
    });

    it("works in other partitions", async () => {
        const china = s3ReadPolicy({ bucketArns: ["arn:aws-cn:s3:::reports-cn"], keyPrefixes: [], kmsKeyArns: [] });
        assert.equal(await allowedByIdentityPolicy(china, { action: "s3:GetObject", resource: "arn:aws-cn:s3:::reports-cn/key.csv" }), true);
        assert.equal(await allowedByIdentityPolicy(china, { action: "s3:GetObject", resource: "arn:aws:s3:::reports-cn/key.csv" }), false);
    });
});
