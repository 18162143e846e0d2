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
);
