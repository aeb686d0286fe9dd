import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "./support/app";

interface Answer {
  data?: Record<string, { id: string; bucket: string | null } | null> | null;
  errors?: { message: string; extensions?: { code?: string; field?: string } }[];
}

describe("FS_BUCKETS", () => {
  let t: TestApp;
  let token: string;
  beforeAll(async () => {
    t = await startTestApp({ FS_BUCKETS: "livesnap, archive" });
    token = await t.token("fs-buckets");
  });
  afterAll(() => t.stop());

  const run = async (query: string) =>
    (await (
      await fetch(`${t.app.url}/graphql`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
        body: JSON.stringify({ query }),
      })
    ).json()) as Answer;
  const create = (name: string, bucket: string) =>
    run(`mutation { createSnapshotTemplate(input: { name: "${name}", format: JPG, intervalSeconds: 5, storageMode: COVERAGE, bucket: "${bucket}" }) { id bucket } }`);

  it("accepts the configured buckets and refuses any other as BAD_USER_INPUT on bucket, changing nothing", async () => {
    expect((await create("archived", "archive")).data!.createSnapshotTemplate!.bucket).toBe("archive");
    const refused = await create("elsewhere", "someone-elses-bucket");
    expect(refused.errors).toEqual([
      {
        message: 'bucket "someone-elses-bucket" is not one of the configured buckets (livesnap, archive)',
        locations: expect.anything(),
        path: ["createSnapshotTemplate"],
        extensions: { code: "BAD_USER_INPUT", field: "bucket" },
      },
    ]);

    const ok = (await create("movable", "livesnap")).data!.createSnapshotTemplate!;
    const update = await run(`mutation { updateSnapshotTemplate(id: "${ok.id}", input: { bucket: "not-configured" }) { bucket } }`);
    expect(update.errors?.[0]?.extensions).toEqual({ code: "BAD_USER_INPUT", field: "bucket" });
    const names = await run(`{ snapshotTemplates { edges { node { name bucket } } } }`);
    expect(JSON.stringify(names.data)).not.toContain("elsewhere");
    expect(JSON.stringify(names.data)).toContain('{"name":"movable","bucket":"livesnap"}');
    // No bucket means the store's default one, always allowed.
    expect((await run(`mutation { updateSnapshotTemplate(id: "${ok.id}", input: { bucket: null }) { bucket } }`)).data).toEqual({
      updateSnapshotTemplate: { bucket: null },
    });
  });
});
