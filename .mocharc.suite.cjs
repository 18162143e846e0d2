// @ts-check
/**
 * The whole suite, as `npm test` runs it (`npm run test:unit`: `mocha --config .mocharc.suite.cjs`):
 * .mocharc.json's settings, which a run of a single file (`npx mocha tests/<file>.test.ts`) uses
 * alone, and every test file in an order.
 *
 * mocha runs each file in one of three worker processes, taking the files in this order as a worker
 * comes free. A few files run the real entry points in child processes (the components plugin as the
 * engine starts it, the policy pack's analyzer server, the program loaded as `pulumi up` loads it,
 * the packed package) and take several times as long as any other. They come first, so that each
 * overlaps the many short files on the other workers instead of running alone at the end; the rest
 * follow in name order. Three workers on the two cores: while one waits on its child process, or on
 * the engine stand-in's calls, the other two keep both cores busy (about 3 s less than two workers in
 * alternating runs; README, "Issue 19").
 */
const fs = require("node:fs");
const path = require("node:path");

const settings = JSON.parse(fs.readFileSync(path.join(__dirname, ".mocharc.json"), "utf8"));

/**
 * The longest files, longest first (README, "Issue 19"): the packed package's install and compiles,
 * the longest of all on a first run (its verdicts are kept afterwards), then the child processes'.
 */
const longestFirst = ["package", "pluginProvider", "policyPackServer", "programLoad", "clusterAccess"].map((name) => `tests/${name}.test.ts`);

for (const file of longestFirst) {
    if (!fs.existsSync(path.join(__dirname, file))) {
        throw new Error(`.mocharc.suite.cjs: ${file} is listed among the longest test files but does not exist`);
    }
}

const inNameOrder = fs
    .readdirSync(path.join(__dirname, "tests"))
    .filter((name) => name.endsWith(".test.ts"))
    .sort()
    .map((name) => `tests/${name}`);

module.exports = {
    ...settings,
    jobs: 3,
    spec: [...longestFirst, ...inNameOrder.filter((file) => !longestFirst.includes(file))],
};
