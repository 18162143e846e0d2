import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { readerDeployment, readerScript, readinessCheck } from "../components/index";

/**
 * Runs the reader's real script with stand-ins for `aws` and `sleep`: `aws` answers from a list of
 * outcomes, and `sleep` records how long the loop waits and whether the pod would be ready, then ends
 * the run after `passes` waits.
 */
function runReader(outcomes: ("ok" | "fail")[], passes: number): { sleeps: string[]; ready: boolean[]; awsCalls: string[]; stdout: string; stderr: string } {
    const dir = mkdtempSync(join(tmpdir(), "reader-"));
    try {
        const bin = join(dir, "bin");
        const home = join(dir, "home");
        spawnSync("mkdir", ["-p", bin, home]);
        writeFileSync(join(dir, "outcomes"), outcomes.join("\n") + "\n");
        writeFileSync(
            join(bin, "aws"),
            `#!/bin/sh
echo "$*" >> "${dir}/aws-calls"
outcome=$(head -n 1 "${dir}/outcomes"); sed -i 1d "${dir}/outcomes"
if [ "$outcome" = ok ]; then echo 3; else echo "AccessDenied" >&2; exit 254; fi
`,
        );
        writeFileSync(
            join(bin, "sleep"),
            `#!/bin/sh
echo "$1" >> "${dir}/sleeps"
if [ -f "$HOME/.last-read-succeeded" ]; then echo ready >> "${dir}/ready"; else echo not-ready >> "${dir}/ready"; fi
[ "$(wc -l < "${dir}/sleeps")" -ge ${passes} ] && kill -TERM $PPID
exit 0
`,
        );
        chmodSync(join(bin, "aws"), 0o755);
        chmodSync(join(bin, "sleep"), 0o755);
        const run = spawnSync("/bin/sh", ["-c", readerScript], {
            env: {
                PATH: `${bin}:/usr/bin:/bin`,
                HOME: home,
                READ_LOCATIONS: "reports-bucket/daily/\nother-bucket/",
                READ_INTERVAL_SECONDS: "30",
            },
            encoding: "utf8",
            timeout: 10000,
        });
        const lines = (file: string) => (existsSync(join(dir, file)) ? readFileSync(join(dir, file), "utf8").trim().split("\n") : []);
        return { sleeps: lines("sleeps"), ready: lines("ready").map((line) => line === "ready"), awsCalls: lines("aws-calls"), stdout: run.stdout, stderr: run.stderr };
    } finally {
        rmSync(dir, { recursive: true, force: true });
    }
}

describe("the reader's loop", () => {
    it("lists every location each pass, becomes ready, and waits the interval", () => {
        const run = runReader(["ok", "ok", "ok", "ok"], 2);
        assert.deepEqual(run.awsCalls, [
            "s3api list-objects-v2 --bucket reports-bucket --prefix daily/ --max-keys 1000 --no-paginate --query KeyCount --output text",
            "s3api list-objects-v2 --bucket other-bucket --prefix  --max-keys 1000 --no-paginate --query KeyCount --output text",
            "s3api list-objects-v2 --bucket reports-bucket --prefix daily/ --max-keys 1000 --no-paginate --query KeyCount --output text",
            "s3api list-objects-v2 --bucket other-bucket --prefix  --max-keys 1000 --no-paginate --query KeyCount --output text",
        ]);
        assert.deepEqual(run.sleeps, ["30", "30"]);
        assert.deepEqual(run.ready, [true, true]);
        assert.match(run.stdout, /listed s3:\/\/reports-bucket\/daily\/: 3 keys/);
    });

    it("keeps running when reads fail, backing off exponentially and reporting not ready", () => {
        const run = runReader(["fail", "ok", "fail", "ok", "fail", "ok", "ok", "ok", "fail", "ok"], 5);
        assert.deepEqual(run.sleeps, ["5", "10", "20", "30", "5"]);
        assert.deepEqual(run.ready, [false, false, false, true, false]);
        assert.match(run.stderr, /cannot list s3:\/\/reports-bucket\/daily\/; retrying in 5s/);
    });

    it("caps the backoff at five minutes", () => {
        const run = runReader(Array<"fail">(16).fill("fail"), 8);
        assert.deepEqual(run.sleeps, ["5", "10", "20", "40", "80", "160", "300", "300"]);
    });
});

describe("the reader's readiness check", () => {
    function ready(marker: "fresh" | "stale" | "missing"): boolean {
        const home = mkdtempSync(join(tmpdir(), "reader-home-"));
        try {
            const file = join(home, ".last-read-succeeded");
            if (marker !== "missing") {
                writeFileSync(file, "");
            }
            if (marker === "stale") {
                const anHourAgo = new Date(Date.now() - 3600 * 1000);
                utimesSync(file, anHourAgo, anHourAgo);
            }
            return spawnSync("/bin/sh", ["-c", readinessCheck(60)], { env: { HOME: home, PATH: "/usr/bin:/bin" } }).status === 0;
        } finally {
            rmSync(home, { recursive: true, force: true });
        }
    }

    it("passes only while the last pass succeeded recently", () => {
        assert.equal(ready("fresh"), true);
        assert.equal(ready("missing"), false);
        assert.equal(ready("stale"), false);
    });
});

describe("readerDeployment", () => {
    const manifest = readerDeployment({
        name: "reports-reader",
        namespace: "apps",
        serviceAccountName: "reports",
        image: "public.ecr.aws/aws-cli/aws-cli:2.31.39",
        replicas: 1,
        intervalSeconds: 60,
        locations: [{ bucket: "reports-bucket", prefix: "" }],
    });

    it("selects its own pods by labels that match the template", () => {
        assert.deepEqual(manifest.spec.selector, { matchLabels: { "app.kubernetes.io/name": "reports-reader", "app.kubernetes.io/component": "s3-reader" } });
        assert.deepEqual((manifest.spec.template as { metadata: { labels: unknown } }).metadata.labels, (manifest.spec.selector as { matchLabels: unknown }).matchLabels);
    });

    it("sets no region when none is known, leaving it to the pod's environment", () => {
        const env = JSON.stringify(manifest.spec.template);
        assert.ok(!env.includes("AWS_REGION"));
        assert.ok(env.includes("AWS_STS_REGIONAL_ENDPOINTS"));
    });
});
