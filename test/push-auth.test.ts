import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { parsePushAuthKey, pushAuthHash, signPushAuthKey, verifyPushAuth } from "../src/domain/push-auth";

const PRIMARY = "0123456789abcdef0123456789abcdef";
const BACKUP = "fedcba9876543210fedcba9876543210";
const CAM1 = { app: "live", stream: "cam1" };
const EXPIRY = 1767225600; // 2026-01-01T00:00:00Z
const RAND = "477b3bbc253f467b8def6711128c7bec";
const BEFORE_EXPIRY = new Date((EXPIRY - 60) * 1000);

const query = (authKey: string) => new URLSearchParams({ auth_key: authKey });
const verify = (authKey: string, path = CAM1, now = BEFORE_EXPIRY) => verifyPushAuth(path, query(authKey), [PRIMARY, BACKUP], now);

describe("push auth signing", () => {
  it("hashes like Alibaba's type A (md5 of /app/stream-expiry-rand-uid-key, computed by md5sum)", () => {
    // printf '%s' '/live/cam1-1767225600-477b3bbc253f467b8def6711128c7bec-0-0123456789abcdef0123456789abcdef' | md5sum
    expect(pushAuthHash(CAM1, { expiry: String(EXPIRY), rand: RAND, uid: "0" }, PRIMARY)).toBe("851eaa044c6c4cd3f4c5ac353ac0921a");
    expect(signPushAuthKey(CAM1, PRIMARY, EXPIRY, { rand: RAND })).toBe(`${EXPIRY}-${RAND}-0-851eaa044c6c4cd3f4c5ac353ac0921a`);
    // The same with the backup key: ... | md5sum gives ae8caeb2135a9df76bb9aaade41811df
    expect(signPushAuthKey(CAM1, BACKUP, EXPIRY, { rand: RAND })).toBe(`${EXPIRY}-${RAND}-0-ae8caeb2135a9df76bb9aaade41811df`);
  });

  it("gives a fresh random part to every key", () => {
    const a = signPushAuthKey(CAM1, PRIMARY, EXPIRY);
    const b = signPushAuthKey(CAM1, PRIMARY, EXPIRY);
    expect(a).not.toBe(b);
    expect(a).toMatch(/^1767225600-[0-9a-f]{32}-0-[0-9a-f]{32}$/);
  });

  it("refuses to sign a time that is not whole epoch seconds", () => {
    expect(() => signPushAuthKey(CAM1, PRIMARY, 1.5)).toThrow(RangeError);
    expect(() => signPushAuthKey(CAM1, PRIMARY, -1)).toThrow(RangeError);
    expect(() => signPushAuthKey(CAM1, PRIMARY, EXPIRY, { uid: "a-b" })).toThrow(RangeError);
  });
});

describe("push auth verification", () => {
  it("accepts a key signed with the primary or the backup key, until its expiry second has passed", () => {
    expect(verify(signPushAuthKey(CAM1, PRIMARY, EXPIRY))).toEqual({ ok: true });
    expect(verify(signPushAuthKey(CAM1, BACKUP, EXPIRY))).toEqual({ ok: true });
    expect(verify(signPushAuthKey(CAM1, PRIMARY, EXPIRY), CAM1, new Date(EXPIRY * 1000 + 999))).toEqual({ ok: true });
    expect(verify(signPushAuthKey(CAM1, PRIMARY, EXPIRY), CAM1, new Date((EXPIRY + 1) * 1000))).toMatchObject({
      ok: false,
      reason: "auth_expired",
      message: "auth_key expired at 2026-01-01T00:00:00.000Z",
    });
  });

  it("accepts keys signed elsewhere with another rand and uid", () => {
    expect(verify(signPushAuthKey(CAM1, PRIMARY, EXPIRY, { rand: "0", uid: "user_42" }))).toEqual({ ok: true });
  });

  it("refuses a key for another stream or app, or signed with another key", () => {
    const key = signPushAuthKey(CAM1, PRIMARY, EXPIRY);
    expect(verify(key, { app: "live", stream: "cam2" })).toMatchObject({ ok: false, reason: "auth_invalid" });
    expect(verify(key, { app: "other", stream: "cam1" })).toMatchObject({ ok: false, reason: "auth_invalid" });
    expect(verify(signPushAuthKey(CAM1, randomBytes(16).toString("hex"), EXPIRY))).toMatchObject({ ok: false, reason: "auth_invalid" });
  });

  it("refuses a key whose expiry, rand or uid was changed after signing", () => {
    const [expiry, rand, uid, hash] = signPushAuthKey(CAM1, PRIMARY, EXPIRY, { rand: RAND }).split("-");
    for (const tampered of [
      `${Number(expiry) + 3600}-${rand}-${uid}-${hash}`,
      `${expiry}-${rand}0-${uid}-${hash}`,
      `${expiry}-${rand}-1-${hash}`,
    ]) {
      expect(verify(tampered)).toMatchObject({ ok: false, reason: "auth_invalid" });
    }
  });

  it("says when there is no auth_key, or more than one", () => {
    expect(verifyPushAuth(CAM1, new URLSearchParams("token=x"), [PRIMARY], BEFORE_EXPIRY)).toEqual({
      ok: false,
      reason: "auth_missing",
      message: "the publish URL has no auth_key",
    });
    const key = signPushAuthKey(CAM1, PRIMARY, EXPIRY);
    const twice = new URLSearchParams([["auth_key", key], ["auth_key", key]]);
    expect(verifyPushAuth(CAM1, twice, [PRIMARY], BEFORE_EXPIRY)).toMatchObject({ ok: false, reason: "auth_malformed" });
  });

  it.each([
    ["an empty value", "", /<expiry>-<rand>-<uid>-<md5hash>/],
    ["three parts", `${EXPIRY}-${RAND}-851eaa044c6c4cd3f4c5ac353ac0921a`, /<expiry>-<rand>-<uid>-<md5hash>/],
    ["five parts", `${EXPIRY}-${RAND}-0-0-851eaa044c6c4cd3f4c5ac353ac0921a`, /<expiry>-<rand>-<uid>-<md5hash>/],
    ["a signed expiry", `+${EXPIRY}-${RAND}-0-851eaa044c6c4cd3f4c5ac353ac0921a`, /expiry must be epoch seconds/],
    ["a decimal expiry", `${EXPIRY}.5-${RAND}-0-851eaa044c6c4cd3f4c5ac353ac0921a`, /expiry must be epoch seconds/],
    ["a 13-digit expiry (milliseconds)", `${EXPIRY}000-${RAND}-0-851eaa044c6c4cd3f4c5ac353ac0921a`, /expiry must be epoch seconds/],
    ["an empty rand", `${EXPIRY}--0-851eaa044c6c4cd3f4c5ac353ac0921a`, /rand must be/],
    ["a rand of 65 characters", `${EXPIRY}-${"a".repeat(65)}-0-851eaa044c6c4cd3f4c5ac353ac0921a`, /rand must be/],
    ["a uid with a space", `${EXPIRY}-${RAND}-a b-851eaa044c6c4cd3f4c5ac353ac0921a`, /uid must be/],
    ["an upper-case hash", `${EXPIRY}-${RAND}-0-851EAA044C6C4CD3F4C5AC353AC0921A`, /32 lower-case hex/],
    ["a 31-digit hash", `${EXPIRY}-${RAND}-0-851eaa044c6c4cd3f4c5ac353ac0921`, /32 lower-case hex/],
    ["a 33-digit hash", `${EXPIRY}-${RAND}-0-851eaa044c6c4cd3f4c5ac353ac0921a0`, /32 lower-case hex/],
    ["a hash that is not hex", `${EXPIRY}-${RAND}-0-851eaa044c6c4cd3f4c5ac353ac0921g`, /32 lower-case hex/],
    ["an absurdly long value", "1".repeat(100_000), /longer than 200 characters/],
  ])("refuses %s as malformed, saying why", (_, value, why) => {
    const verdict = verify(value);
    expect(verdict).toMatchObject({ ok: false, reason: "auth_malformed" });
    expect(verdict.ok === false && verdict.message).toMatch(why);
  });

  it("accepts what it signs and refuses any one-character change of the hash, for random paths and keys", () => {
    const alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.~-";
    const name = () => Array.from(randomBytes(1 + (randomBytes(1)[0]! % 40)), (b) => alphabet[b % alphabet.length]).join("");
    for (let i = 0; i < 200; i++) {
      const path = { app: name(), stream: name() };
      const key = randomBytes(16).toString("hex");
      const expiry = EXPIRY + (randomBytes(2).readUInt16BE() % 1000);
      const signed = signPushAuthKey(path, key, expiry);
      expect(parsePushAuthKey(signed)).not.toHaveProperty("error");
      expect(verifyPushAuth(path, query(signed), [key], BEFORE_EXPIRY)).toEqual({ ok: true });
      const at = signed.length - 1 - (i % 32);
      const flipped = signed.slice(0, at) + (signed[at] === "0" ? "1" : "0") + signed.slice(at + 1);
      expect(verifyPushAuth(path, query(flipped), [key], BEFORE_EXPIRY)).toMatchObject({ ok: false, reason: "auth_invalid" });
    }
  });
});
