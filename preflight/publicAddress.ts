/**
 * This machine's public IPv4 address as AWS sees it: AWS's own checkip service answers with the
 * address a request from here arrives from, which is what the cluster's endpoint filter sees too.
 */
export const checkIpUrl = "https://checkip.amazonaws.com";

/** Fetches a URL's body as text; global `fetch` by default, a stub in the tests. */
export type TextFetcher = (url: string, signal: AbortSignal) => Promise<string>;

const globalFetcher: TextFetcher = async (url, signal) => {
    const response = await fetch(url, { signal });
    if (!response.ok) {
        throw new Error(`${url} answered ${response.status}`);
    }
    return response.text();
};

/** The public address, or an error saying why it could not be found. */
export async function publicAddress(fetcher: TextFetcher = globalFetcher, timeoutMs = 5000): Promise<string> {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    try {
        const body = (await fetcher(checkIpUrl, controller.signal)).trim();
        if (!/^\d{1,3}(\.\d{1,3}){3}$/.test(body)) {
            throw new Error(`${checkIpUrl} answered ${JSON.stringify(body.slice(0, 60))}, not an IPv4 address`);
        }
        return body;
    } finally {
        clearTimeout(timer);
    }
}
