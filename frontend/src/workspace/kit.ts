// What the lazy view chunks (the workspace, the checkout form, the order forms) use of the page they are loaded into. The page's build makes each lazy module a
// standalone bundle (build.mjs), so this chunk cannot import the page's own Preact, signals or transaction
// runner: a second copy of Preact would not render inside the first. The page hands them over in one object
// (../handover.ts: installKit) before it imports such a chunk; build.mjs points the chunk's `preact`, `preact/hooks`,
// `preact/jsx-runtime` and `@preact/signals` imports at it. Node tests import the real modules instead.
import type { Fragment } from 'preact';
import type { jsx, jsxs } from 'preact/jsx-runtime';
import type { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { computed, signal } from '@preact/signals';
import type { act, readyWallet, refresh, said } from '../actions';
import type { catalogCall } from '../chain/contract';
import type { digestToCid } from '../cid';
import type { reviewDocument, sha256Hex } from '../docs';
import type { loadProfile } from '../profiles';
import type { money } from '../state';
import type { Icon } from '../views/common';

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
  money: typeof money;
  Icon: typeof Icon;
  reviewDocument: typeof reviewDocument;
  sha256Hex: typeof sha256Hex;
  digestToCid: typeof digestToCid;
  loadCrypto: () => Promise<typeof import('../crypto')>;
  loadCheckout: () => Promise<typeof import('../chain/checkout')>;
  loadOrderData: () => Promise<typeof import('../chain/order-data')>;
}

const KEY = '__ownerlessStoreKit';

export function installKit(kit: Kit): void {
  (globalThis as Record<string, unknown>)[KEY] = kit;
}

export function kit(): Kit {
  const found = (globalThis as Record<string, unknown>)[KEY] as Kit | undefined;
  if (!found) throw new Error('a lazy view was loaded before the page handed it its kit');
  return found;
}
