// @ts-check
import eslint from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
    { ignores: ["node_modules/", "**/bin/", "**/dist/"] },
    eslint.configs.recommended,
    ...tseslint.configs.strict,
    {
        languageOptions: { globals: { console: "readonly", process: "readonly" } },
        rules: {
            "@typescript-eslint/no-explicit-any": "error",
            "@typescript-eslint/no-non-null-assertion": "off",
        },
    },
    {
        // Plain CommonJS scripts, for processes that must start without a TypeScript loader.
        files: ["**/*.js", "**/*.cjs"],
        languageOptions: { sourceType: "commonjs", globals: { require: "readonly", module: "writable", __dirname: "readonly" } },
        rules: { "@typescript-eslint/no-require-imports": "off" },
    },
);
