import { graphql } from "../gql";
import type { Run } from "./api";

export const PushUrl = graphql(`
  query PushUrl($domain: String!, $app: String!, $stream: String!, $expiresInSeconds: Int) {
    pushUrl(domain: $domain, app: $app, stream: $stream, expiresInSeconds: $expiresInSeconds) { url server streamKey expiresAt }
  }
`);

export const UpdateDomainGroup = graphql(`
  mutation UpdateDomainGroup($id: ID!, $input: UpdateDomainGroupInput!) {
    updateDomainGroup(id: $id, input: $input) { id pushDomain playDomain pushAuth pushAuthKeys { primary backup } }
  }
`);

export const RotatePushAuthKey = graphql(`
  mutation RotatePushAuthKey($id: ID!) {
    rotatePushAuthKey(id: $id) { id pushAuth pushAuthKeys { primary backup } }
  }
`);

/** Asks livesnap for a signed publish URL, as a user would before pushing; fails the test on any error. */
export async function signedPushUrl(run: Run, domain: string, app: string, stream: string): Promise<string> {
  const result = await run(PushUrl, { domain, app, stream });
  if (!result.data?.pushUrl) throw new Error(`pushUrl for ${domain}/${app}/${stream} failed: ${JSON.stringify(result.errors)}`);
  return result.data.pushUrl.url;
}

/** Turns push auth off for a domain group, for tests about something else than publish authentication. */
export async function acceptUnsignedPublishes(run: Run, domainGroupId: string): Promise<void> {
  const result = await run(UpdateDomainGroup, { id: domainGroupId, input: { pushAuth: "OFF" } });
  if (result.data?.updateDomainGroup.pushAuth !== "OFF") throw new Error(`updateDomainGroup failed: ${JSON.stringify(result.errors)}`);
}
