/** Polls until the check holds, or fails with a message after timeoutMs. */
export async function waitFor(check: () => Promise<boolean> | boolean, timeoutMs: number, what = "condition"): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${what} not met within ${timeoutMs} ms`);
}
