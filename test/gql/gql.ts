/* eslint-disable */
import * as types from './graphql';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "\n  query Templates($first: Int, $after: String) {\n    snapshotTemplates(first: $first, after: $after) {\n      edges { cursor node { id name } }\n      pageInfo { hasNextPage hasPreviousPage endCursor }\n    }\n  }\n": typeof types.TemplatesDocument,
    "\n  query GetTemplate($id: ID!) { snapshotTemplate(id: $id) { id name intervalSeconds width height fillMode bucket } }\n": typeof types.GetTemplateDocument,
    "\n  mutation UpdateTemplate($id: ID!, $input: UpdateSnapshotTemplateInput!) {\n    updateSnapshotTemplate(id: $id, input: $input) { id name intervalSeconds width height updatedAt createdAt }\n  }\n": typeof types.UpdateTemplateDocument,
    "mutation DeleteTemplate($id: ID!) { deleteSnapshotTemplate(id: $id) }": typeof types.DeleteTemplateDocument,
    "\n  mutation CreateDomainGroup($input: CreateDomainGroupInput!) {\n    createDomainGroup(input: $input) { id pushDomain playDomain sourceId createdAt }\n  }\n": typeof types.CreateDomainGroupDocument,
    "\n  mutation CreateTemplate($input: CreateSnapshotTemplateInput!) {\n    createSnapshotTemplate(input: $input) {\n      id name format intervalSeconds width height fillMode storageMode bucket createdAt updatedAt\n    }\n  }\n": typeof types.CreateTemplateDocument,
    "\n  mutation CreateConfig($input: CreateSnapshotConfigInput!) {\n    createSnapshotConfig(input: $input) { id domain appName streamName level template { id name } }\n  }\n": typeof types.CreateConfigDocument,
    "\n  query Effective($domain: String!, $app: String!, $stream: String!) {\n    effectiveTemplate(domain: $domain, app: $app, stream: $stream) {\n      level\n      template { id name }\n      config { id level appName streamName }\n    }\n  }\n": typeof types.EffectiveDocument,
};
const documents: Documents = {
    "\n  query Templates($first: Int, $after: String) {\n    snapshotTemplates(first: $first, after: $after) {\n      edges { cursor node { id name } }\n      pageInfo { hasNextPage hasPreviousPage endCursor }\n    }\n  }\n": types.TemplatesDocument,
    "\n  query GetTemplate($id: ID!) { snapshotTemplate(id: $id) { id name intervalSeconds width height fillMode bucket } }\n": types.GetTemplateDocument,
    "\n  mutation UpdateTemplate($id: ID!, $input: UpdateSnapshotTemplateInput!) {\n    updateSnapshotTemplate(id: $id, input: $input) { id name intervalSeconds width height updatedAt createdAt }\n  }\n": types.UpdateTemplateDocument,
    "mutation DeleteTemplate($id: ID!) { deleteSnapshotTemplate(id: $id) }": types.DeleteTemplateDocument,
    "\n  mutation CreateDomainGroup($input: CreateDomainGroupInput!) {\n    createDomainGroup(input: $input) { id pushDomain playDomain sourceId createdAt }\n  }\n": types.CreateDomainGroupDocument,
    "\n  mutation CreateTemplate($input: CreateSnapshotTemplateInput!) {\n    createSnapshotTemplate(input: $input) {\n      id name format intervalSeconds width height fillMode storageMode bucket createdAt updatedAt\n    }\n  }\n": types.CreateTemplateDocument,
    "\n  mutation CreateConfig($input: CreateSnapshotConfigInput!) {\n    createSnapshotConfig(input: $input) { id domain appName streamName level template { id name } }\n  }\n": types.CreateConfigDocument,
    "\n  query Effective($domain: String!, $app: String!, $stream: String!) {\n    effectiveTemplate(domain: $domain, app: $app, stream: $stream) {\n      level\n      template { id name }\n      config { id level appName streamName }\n    }\n  }\n": types.EffectiveDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Templates($first: Int, $after: String) {\n    snapshotTemplates(first: $first, after: $after) {\n      edges { cursor node { id name } }\n      pageInfo { hasNextPage hasPreviousPage endCursor }\n    }\n  }\n"): (typeof documents)["\n  query Templates($first: Int, $after: String) {\n    snapshotTemplates(first: $first, after: $after) {\n      edges { cursor node { id name } }\n      pageInfo { hasNextPage hasPreviousPage endCursor }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query GetTemplate($id: ID!) { snapshotTemplate(id: $id) { id name intervalSeconds width height fillMode bucket } }\n"): (typeof documents)["\n  query GetTemplate($id: ID!) { snapshotTemplate(id: $id) { id name intervalSeconds width height fillMode bucket } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UpdateTemplate($id: ID!, $input: UpdateSnapshotTemplateInput!) {\n    updateSnapshotTemplate(id: $id, input: $input) { id name intervalSeconds width height updatedAt createdAt }\n  }\n"): (typeof documents)["\n  mutation UpdateTemplate($id: ID!, $input: UpdateSnapshotTemplateInput!) {\n    updateSnapshotTemplate(id: $id, input: $input) { id name intervalSeconds width height updatedAt createdAt }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation DeleteTemplate($id: ID!) { deleteSnapshotTemplate(id: $id) }"): (typeof documents)["mutation DeleteTemplate($id: ID!) { deleteSnapshotTemplate(id: $id) }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateDomainGroup($input: CreateDomainGroupInput!) {\n    createDomainGroup(input: $input) { id pushDomain playDomain sourceId createdAt }\n  }\n"): (typeof documents)["\n  mutation CreateDomainGroup($input: CreateDomainGroupInput!) {\n    createDomainGroup(input: $input) { id pushDomain playDomain sourceId createdAt }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateTemplate($input: CreateSnapshotTemplateInput!) {\n    createSnapshotTemplate(input: $input) {\n      id name format intervalSeconds width height fillMode storageMode bucket createdAt updatedAt\n    }\n  }\n"): (typeof documents)["\n  mutation CreateTemplate($input: CreateSnapshotTemplateInput!) {\n    createSnapshotTemplate(input: $input) {\n      id name format intervalSeconds width height fillMode storageMode bucket createdAt updatedAt\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateConfig($input: CreateSnapshotConfigInput!) {\n    createSnapshotConfig(input: $input) { id domain appName streamName level template { id name } }\n  }\n"): (typeof documents)["\n  mutation CreateConfig($input: CreateSnapshotConfigInput!) {\n    createSnapshotConfig(input: $input) { id domain appName streamName level template { id name } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Effective($domain: String!, $app: String!, $stream: String!) {\n    effectiveTemplate(domain: $domain, app: $app, stream: $stream) {\n      level\n      template { id name }\n      config { id level appName streamName }\n    }\n  }\n"): (typeof documents)["\n  query Effective($domain: String!, $app: String!, $stream: String!) {\n    effectiveTemplate(domain: $domain, app: $app, stream: $stream) {\n      level\n      template { id name }\n      config { id level appName streamName }\n    }\n  }\n"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;