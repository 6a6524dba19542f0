// What the workspace chunk uses of the page it is loaded into. The page's build makes each lazy module a
// standalone bundle (build.mjs), so this chunk cannot import the page's own Preact, signals or transaction
// runner: a second copy of Preact would not render inside the first. The seller view hands them over in one
// object (installKit) before it imports the chunk; build.mjs points the chunk's `preact`, `preact/hooks`,
// `preact/jsx-runtime` and `@preact/signals` imports at it. Node tests import the real modules instead.
import type { Fragment } from 'preact';
import type { jsx, jsxs } from 'preact/jsx-runtime';
import type { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { computed, signal } from '@preact/signals';
import type { act, readyWallet, refresh, said } from '../actions';
import type { catalogCall } from '../chain/contract';
import type { loadProfile } from '../profiles';

export interface Kit {
  preact: { Fragment: typeof Fragment };
  jsxRuntime: { jsx: typeof jsx; jsxs: typeof jsxs; Fragment: typeof Fragment };
  hooks: { useState: typeof useState; useEffect: typeof useEffect; useRef: typeof useRef; useMemo: typeof useMemo };
  signals: { signal: typeof signal; computed: typeof computed };
  act: typeof act;
  readyWallet: typeof readyWallet;
  refresh: typeof refresh;
  said: typeof said;
  catalogCall: typeof catalogCall;
  loadProfile: typeof loadProfile;
  loadCrypto: () => Promise<typeof import('../crypto')>;
}

const KEY = '__ownerlessStoreKit';

export function installKit(kit: Kit): void {
  (globalThis as Record<string, unknown>)[KEY] = kit;
}

export function kit(): Kit {
  const found = (globalThis as Record<string, unknown>)[KEY] as Kit | undefined;
  if (!found) throw new Error('the workspace was loaded before the page handed it its kit');
  return found;
}
