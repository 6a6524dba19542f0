// Hands the lazy view chunks (the seller's workspace, the checkout form, the order forms) the page's own Preact, signals and
// the page code they call (src/workspace/kit.ts says why). Installed once, before the first such import().
import { computed, signal } from '@preact/signals';
import { Fragment } from 'preact';
import { jsx, jsxs } from 'preact/jsx-runtime';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { act, readyWallet, refresh, said } from './actions';
import { catalogCall } from './chain/contract';
import { digestToCid } from './cid';
import { reviewDocument, sha256Hex } from './docs';
import { loadProfile } from './profiles';
import { money } from './state';
import { Icon } from './views/common';
import { installKit } from './workspace/kit';

let done = false;

export function handOver(): void {
  if (done) return;
  done = true;
  installKit({
    preact: { Fragment },
    jsxRuntime: { jsx, jsxs, Fragment },
    hooks: { useState, useEffect, useRef, useMemo },
    signals: { signal, computed },
    act,
    readyWallet,
    refresh,
    said,
    catalogCall,
    loadProfile,
    money,
    Icon,
    reviewDocument,
    sha256Hex,
    digestToCid,
    loadCrypto: () => import('./crypto'),
    loadCheckout: () => import('./chain/checkout'),
    loadOrderData: () => import('./chain/order-data'),
  });
}
