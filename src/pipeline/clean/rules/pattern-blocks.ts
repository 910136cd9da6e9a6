/**
 * Short blocks that match a boilerplate pattern: copyright lines, newsletter and subscription
 * boxes, social widgets. One cleaner per concern, sharing the matching: a block longer than
 * `maxBoilerplateChars` is article text whatever words it contains.
 */
import type { Cleaner } from '../../types.js';
import { boilerplate, type Boilerplate } from '../boilerplate.js';
import { removeBlocks } from '../block-text.js';

function patternCleaner(name: string, patterns: (b: Boilerplate) => readonly RegExp[]): Cleaner {
  return {
    name,
    apply(blocks, ctx) {
      const vocab = boilerplate();
      const list = patterns(vocab);
      return removeBlocks(
        blocks,
        ctx,
        name,
        (b) => {
          if (b.tag === 'figure' || b.text.length > vocab.maxBoilerplateChars) return false;
          const text = b.text.trim();
          return list.some((re) => re.test(text));
        },
      );
    },
  };
}

export const copyright = patternCleaner('copyright', (b) => b.copyright);
export const newsletter = patternCleaner('newsletter', (b) => b.newsletter);
export const social = patternCleaner('social', (b) => b.social);
