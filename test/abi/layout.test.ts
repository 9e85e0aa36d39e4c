/**
 * The AssemblyScript copy of the layout constants (assembly/layout.ts) must agree with the
 * TypeScript copy (src/memory/layout.ts): same names, same values, in both directions.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as layout from '../../src/memory/layout.js';

function assemblyConstants(): Map<string, number> {
  const text = readFileSync(new URL('../../assembly/layout.ts', import.meta.url), 'utf8');
  const constants = new Map<string, number>();
  const pattern = /^export const (\w+)\s*:\s*\w+\s*=\s*(-?(?:0x[0-9a-fA-F_]+|[0-9_]+))\s*;/gm;
  for (const match of text.matchAll(pattern)) constants.set(match[1]!, Number(match[2]!.replaceAll('_', '')));
  // every `export const` must have matched the literal form above, or the check would miss it
  const declared = [...text.matchAll(/^export const (\w+)/gm)].map((m) => m[1]!);
  expect(declared.filter((name) => !constants.has(name)), 'constants that are not plain integer literals').toEqual([]);
  return constants;
}

describe('layout constants', () => {
  it('assembly/layout.ts and src/memory/layout.ts agree on every numeric constant', () => {
    const assembly = assemblyConstants();
    const typescript = new Map<string, number>();
    for (const [name, value] of Object.entries(layout)) if (typeof value === 'number') typescript.set(name, value);
    expect(assembly.size).toBeGreaterThan(10);
    expect([...assembly.keys()].sort()).toEqual([...typescript.keys()].sort());
    for (const [name, value] of assembly) expect(value, name).toBe(typescript.get(name));
  });
});
