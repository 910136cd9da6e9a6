/**
 * JSON schemas shared by the routes: they validate input (unknown properties are refused, not
 * dropped: see the Ajv options in app.ts), serialize output fast, and describe the API in OpenAPI.
 */
const nullableString = { type: ['string', 'null'] } as const;

export const errorSchema = {
  $id: 'Error',
  type: 'object',
  required: ['error', 'message'],
  additionalProperties: false,
  properties: { error: { type: 'string' }, message: { type: 'string' } },
} as const;

export const articleSchema = {
  $id: 'Article',
  type: 'object',
  additionalProperties: false,
  required: ['id', 'title', 'text', 'html'],
  properties: {
    id: { type: 'string' },
    url: nullableString,
    canonicalUrl: nullableString,
    site: nullableString,
    publisher: nullableString,
    title: { type: 'string' },
    authors: { type: 'array', items: { type: 'string' } },
    dateline: nullableString,
    agency: nullableString,
    publishedAt: nullableString,
    modifiedAt: nullableString,
    language: nullableString,
    section: nullableString,
    tags: { type: 'array', items: { type: 'string' } },
    text: { type: 'string' },
    html: { type: 'string' },
    images: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        properties: { url: nullableString, caption: nullableString, credit: nullableString },
      },
    },
    wordCount: { type: 'integer' },
    contentHash: { type: 'string' },
    simhash: { type: 'string' },
    duplicateOf: nullableString,
    removed: {
      type: 'array',
      items: { type: 'object', additionalProperties: false, properties: { rule: { type: 'string' }, text: { type: 'string' } } },
    },
    fetchedAt: { type: 'string' },
    extractedAt: { type: 'string' },
    extractor: { type: 'string' },
  },
} as const;

/**
 * A list item: the article without `text` and `html` unless the list asked for `view=full`. A page of
 * twenty full articles weighs ~80 KB, most of it text a list rarely shows; the summary is ~10 KB.
 */
export const articleListItemSchema = {
  ...articleSchema,
  $id: 'ArticleListItem',
  required: ['id', 'title'],
} as const;

/** Error responses every route may give, for the OpenAPI description. */
export const errorResponses = {
  400: { $ref: 'Error#' },
  401: { $ref: 'Error#' },
  429: { $ref: 'Error#' },
  500: { $ref: 'Error#' },
} as const;

export const articleIdParams = {
  type: 'object',
  additionalProperties: false,
  required: ['id'],
  properties: { id: { type: 'string', minLength: 1, maxLength: 128, pattern: '^[A-Za-z0-9_.:-]+$' } },
} as const;
