/**
 * Keys a JSON text names twice in one object. `JSON.parse` keeps the last of them; the IAM policy
 * grammar does not say which one IAM keeps, and a document read one way by the rules and another by
 * IAM would be judged on what it does not grant (terraform-provider-aws refuses such documents for
 * that reason: hashicorp/terraform-provider-aws#33570, "Check for duplicate keys in IAM policy JSON
 * arguments"). Objects a program builds cannot hold a key twice; only a text can.
 */

/** A key named twice, and where: the path of the object that holds it (`Statement[0].Condition`). */
export interface DuplicateKey {
    key: string;
    path: string;
}

interface Frame {
    /** The keys seen so far in an object; undefined for an array. */
    keys: Set<string> | undefined;
    /** The path of this container. */
    path: string;
    /** The key (of an object) or the index (of an array) of the value being read. */
    member: string;
    index: number;
    expectingKey: boolean;
}

/** The path of the value a frame is reading now. */
function memberPath(frame: Frame): string {
    if (frame.keys === undefined) {
        return `${frame.path}[${frame.index}]`;
    }
    return frame.path === "" ? frame.member : `${frame.path}.${frame.member}`;
}

/**
 * The first key a JSON text names twice in one object (compared exactly, as JSON does), or
 * undefined. Expects a text `JSON.parse` accepts; on any other the answer means nothing.
 */
export function firstDuplicateKey(text: string): DuplicateKey | undefined {
    const stack: Frame[] = [];
    for (let position = 0; position < text.length; position += 1) {
        const char = text[position];
        const top = stack[stack.length - 1];
        if (char === '"') {
            let end = position + 1;
            while (text[end] !== '"') {
                end += text[end] === "\\" ? 2 : 1;
            }
            if (top?.keys !== undefined && top.expectingKey) {
                const key = JSON.parse(text.slice(position, end + 1)) as string;
                if (top.keys.has(key)) {
                    return { key, path: top.path };
                }
                top.keys.add(key);
                top.member = key;
                top.expectingKey = false;
            }
            position = end;
        } else if (char === "{" || char === "[") {
            const path = top === undefined ? "" : memberPath(top);
            stack.push({ keys: char === "{" ? new Set() : undefined, path, member: "", index: 0, expectingKey: char === "{" });
        } else if (char === "}" || char === "]") {
            stack.pop();
        } else if (char === "," && top !== undefined) {
            top.index += 1;
            top.expectingKey = top.keys !== undefined;
        }
    }
    return undefined;
}
