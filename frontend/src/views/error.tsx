// What a view shows when reading the chain failed: a revert by name (no such product), or the node down.
import { useEffect } from 'preact/hooks';
import { nodeDown, said } from '../actions';
import { Empty, useShop } from './common';

export function ViewError({ error }: { error: unknown }) {
  const shop = useShop();
  const words = said(error);
  const network = words.kind === 'network';
  useEffect(() => {
    if (network) nodeDown(shop);
  }, [network]);
  return (
    <Empty title={network ? 'The store is unreachable' : words.title}>
      <p>{words.message}</p>
    </Empty>
  );
}

/** A view that only says what is wrong with the link. */
export function NotFound({ reason }: { reason: string | null }) {
  return (
    <Empty title="Page not found" {...(reason ? { problem: 'route' } : {})}>
      {reason ? <p>{reason}</p> : null}
      <p>
        <a href="#/">Back to the shop</a>
      </p>
    </Empty>
  );
}
