import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../src/host-checks/canonical-json.js';

describe('canonicalJson', () => {
  it('sorts keys at every depth, so equal params give equal text however they were written', () => {
    expect(canonicalJson({ warn: 80, crit: 90, nested: { b: 1, a: [{ y: 1, x: 2 }] } })).toBe(
      canonicalJson({ nested: { a: [{ x: 2, y: 1 }], b: 1 }, crit: 90, warn: 80 }),
    );
  });

  it('orders keys by code unit, not by any locale: the text is the config fingerprint every check box compares', () => {
    // localeCompare put "å" first here (en, C), and "aa" after "z" under LANG=da_DK.
    expect(canonicalJson({ ab: 1, aa: 2, Zz: 3, å: 4, a_b: 5 })).toBe('{"Zz":3,"a_b":5,"aa":2,"ab":1,"å":4}');
  });
});
