import { describe } from 'vitest';
import { articleContract } from './contract-articles.js';
import { queryContract } from './contract-queries.js';
import { sqliteHarness } from './helpers.js';

describe('SQLite store: contract', () => {
  articleContract(sqliteHarness);
  queryContract(sqliteHarness);
});
