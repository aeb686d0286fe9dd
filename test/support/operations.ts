import { graphql } from "../gql";

/** Operations shared by several test files; codegen types them from schema/schema.graphql. */
export const CreateDomainGroup = graphql(`
  mutation CreateDomainGroup($input: CreateDomainGroupInput!) {
    createDomainGroup(input: $input) { id pushDomain playDomain sourceId createdAt }
  }
`);

export const CreateTemplate = graphql(`
  mutation CreateTemplate($input: CreateSnapshotTemplateInput!) {
    createSnapshotTemplate(input: $input) {
      id name format intervalSeconds width height fillMode storageMode bucket createdAt updatedAt
    }
  }
`);

export const CreateConfig = graphql(`
  mutation CreateConfig($input: CreateSnapshotConfigInput!) {
    createSnapshotConfig(input: $input) { id domain appName streamName level template { id name } }
  }
`);

export const Effective = graphql(`
  query Effective($domain: String!, $app: String!, $stream: String!) {
    effectiveTemplate(domain: $domain, app: $app, stream: $stream) {
      level
      template { id name }
      config { id level appName streamName }
    }
  }
`);
