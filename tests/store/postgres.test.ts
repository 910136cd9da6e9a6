import { describe } from 'vitest';
import { articleContract } from './contract-articles.js';
import { queryContract } from './contract-queries.js';
import { postgresHarness } from './helpers.js';

describe('PostgreSQL store: contract', () => {
  articleContract(postgresHarness);
  queryContract(postgresHarness);
});
