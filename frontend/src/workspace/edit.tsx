// Edit a listed product's title, description and photos from the seller's desk: a new product@1 document
// (its `variant` kept: the options of a group are not edited here), its new photos prepared and added as the
// listing form adds them (photos.tsx, ipfs.ts: every CID the node reports checked against the page's), then
// one setMetadata per product. setMetadata bumps the product's terms version, so a purchase signed against
// the old description reverts (CatalogTermsChanged: the buyer's page says so and shows the new one); open
// orders keep the terms they were bought under. A product of a group (MERCH-SPEC §1) is edited with its whole
// group, one transaction per listed product, each keeping its own options: the group's card shows its first
// product's title and photos, and its products should not disagree.
import { useState } from 'preact/hooks';
import type { Product } from '../chain/contract';
import { SCHEMAS, type DocData } from '../docs';
import type { Shop } from '../state';
import { groupOf } from '../variants';
import { ipfsApi } from './inbox';
import { apiUrl, putBlock } from './ipfs';
import { kit } from './kit';
import { PhotoField, photoCount, putPhotos, type Photo } from './photos';
import { chainSteps } from './steps';
import { andList, editedDocuments, variantLabel, type EditTarget } from './product';

type Target = EditTarget & { product: Product; label: string };

type Form =
  | { status: 'closed' }
  | { status: 'loading' }
  | { status: 'unavailable'; reason: string }
  | { status: 'open'; targets: Target[]; delisted: string[]; optionNames: string[] };

/** The product's current document and, for a product of a group, its group's (listing order). */
async function loadTargets(shop: Shop, product: Product, products: readonly Product[]) {
  const load = (p: Product) => shop.docs.load(p.metadataDigest, p.metadataCodec, SCHEMAS.product);
  const own = await load(product);
  if (own.status !== 'ok') {
    const reason = own.status === 'none' ? 'it has none' : own.reason;
    throw new Error(`The current description of #${product.id} cannot be read (${reason}), so it is not edited here.`);
  }
  const data = new Map<bigint, DocData>([[product.id, own.data]]);
  let members = [product];
  const variant = own.data.variant;
  if (variant) {
    const others = products.filter((p) => p.id !== product.id);
    const docs = await Promise.all(others.map(load));
    const candidates = others.flatMap((p, i) => {
      const doc = docs[i]!;
      if (doc.status !== 'ok' || !doc.data.variant) return [];
      data.set(p.id, doc.data);
      return [{ product: p, variant: doc.data.variant }];
    });
    members = groupOf({ product, variant }, candidates)?.map((m) => m.product) ?? [product];
  }
  const targets = members.map((p) => {
    const d = data.get(p.id)!;
    return {
      product: p,
      metadataDigest: p.metadataDigest,
      metadataCodec: p.metadataCodec,
      variant: d.variant,
      label: d.variant ? variantLabel(d.variant) : `#${p.id}`,
    };
  });
  // The form starts from the group's first product: the one its card shows.
  return { first: data.get(members[0]!.id)!, targets };
}

/** The "Edit description and photos" action of one of the seller's listed products, and its form. */
export function EditDocument({
  shop,
  product,
  products,
}: {
  shop: Shop;
  product: Product;
  products: readonly Product[];
}) {
  const [form, setForm] = useState<Form>({ status: 'closed' });
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [photos, setPhotos] = useState<Photo[]>([]);
  const [problem, setProblem] = useState('');
  const [preparing, setPreparing] = useState(false);
  const [progress, setProgress] = useState('');
  const [saved, setSaved] = useState('');
  const api = ipfsApi(shop);

  const open = async () => {
    setSaved('');
    setProblem('');
    setForm({ status: 'loading' });
    try {
      const { first, targets } = await loadTargets(shop, product, products);
      setName(first.name);
      setDescription(first.description);
      setPhotos(first.images.map((cid, i) => ({ name: `Photo ${i + 1}`, cid, url: shop.docs.imageUrl(cid) })));
      setForm({
        status: 'open',
        targets: targets.filter((t) => t.product.listed),
        delisted: targets.filter((t) => !t.product.listed).map((t) => t.label),
        optionNames: first.variant ? Object.keys(first.variant.choices) : [],
      });
    } catch (error) {
      setForm({ status: 'unavailable', reason: (error as Error).message });
    }
  };

  const save = async () => {
    if (form.status !== 'open') return;
    setProblem('');
    setProgress('');
    let edits;
    try {
      edits = await editedDocuments(
        name,
        description,
        photos.map((p) => p.cid),
        form.targets,
      );
    } catch (error) {
      return setProblem((error as Error).message);
    }
    if (!edits.length) {
      return setProblem(
        'Nothing changed: this title, description and these photos are already on chain. Nothing was sent.',
      );
    }
    if (!api)
      return setProblem(
        'No IPFS node to add the photos and description to: enter a Kubo RPC API under “Shop profile”.',
      );
    let endpoint: string;
    try {
      endpoint = apiUrl(api);
    } catch (error) {
      return setProblem((error as Error).message);
    }
    const { act, catalogCall } = kit();
    const store = shop.config.address;
    const calls = edits.map(({ target, block }) =>
      catalogCall(store, 'setMetadata', [target.product.id, block.digest, block.codec]),
    );
    const count = edits.length;
    const group = form.targets.length > 1;
    const label = (i: number) => `${edits[i]!.target.label} (${i + 1} of ${count})`;
    const fresh = photos.filter((p) => p.upload).length;
    const what = count > 1 ? `${count} descriptions` : 'the description';
    const onChain = chainSteps(calls, { step: 'Update', doing: 'Updating' }, group ? label : null, setProgress);
    const ok = await act(shop, `Edit “${name.trim()}”`, product.currency, (wallet) => [
      {
        label: fresh ? `Add ${photoCount(fresh)} and ${what} to IPFS` : `Add ${what} to IPFS`,
        waiting: 'checking, then uploading',
        doneNote: `${edits[0]!.block.cid.slice(0, 16)}…`,
        send: async () => {
          // an edit the chain would refuse uploads nothing
          await shop.node.simulate(calls[0]!, wallet.account);
          await putPhotos(endpoint, photos);
          for (const { bytes, block } of edits) await putBlock(endpoint, bytes, block);
          return edits.map((e) => e.block.cid);
        },
      },
      ...onChain.steps,
    ]);
    setProgress('');
    const reached = onChain.reached();
    if (ok) {
      setForm({ status: 'closed' });
      setSaved(
        count > 1
          ? `Saved: the new description of ${andList(edits.map((e) => e.target.label))} is on chain.`
          : 'Saved: the new description is on chain.',
      );
    } else if (reached > 0) {
      const done = edits.slice(0, reached).map((e) => e.target.label);
      const left = edits.slice(reached).map((e) => e.target.label);
      setProblem(
        `Updated ${done.join(', ')} (${reached} of ${count}); not updated: ${left.join(', ')}. ` +
          'Save again to update the rest (the updated ones are left as they are).',
      );
    }
  };

  if (!product.listed) return null; // setMetadata is for listed products
  if (form.status !== 'open') {
    return (
      <div class="edit-document-action">
        <button
          class="btn secondary"
          type="button"
          data-action="edit-document"
          disabled={form.status === 'loading'}
          onClick={() => void open()}
        >
          Edit description and photos
        </button>
        {saved ? (
          <p class="small" data-edited={String(product.id)}>
            {saved}
          </p>
        ) : null}
        {form.status === 'unavailable' ? (
          <p class="small warn-text" data-problem="edit">
            {form.reason}
          </p>
        ) : null}
      </div>
    );
  }
  const { targets, delisted, optionNames } = form;
  const group = targets.length > 1;
  return (
    <section
      class="edit-document"
      data-edit={String(product.id)}
      data-targets={targets.map((t) => t.product.id).join(' ')}
    >
      <h3>{group ? 'Description and photos of the group' : `Description and photos of #${product.id}`}</h3>
      {group ? (
        <p class="small" data-group-edit={String(targets.length)}>
          {`This edits all ${targets.length} products of the group (${targets.map((t) => t.label).join(', ')}), ` +
            `one transaction each; each keeps its own ${andList(optionNames)}, price and stock.`}
          {delisted.length ? ` Delisted ones (${delisted.join(', ')}) are left as they are.` : ''}
        </p>
      ) : null}
      <div class="listing-grid">
        <label>
          Title
          <input type="text" maxLength={200} value={name} onInput={(e) => setName(e.currentTarget.value)} />
        </label>
        <label>
          Description
          <textarea rows={4} value={description} onInput={(e) => setDescription(e.currentTarget.value)} />
        </label>
        <PhotoField photos={photos} onChange={setPhotos} onProblem={setProblem} onBusy={setPreparing} />
      </div>
      <p class="small muted terms-note">
        {`Saving changes the product's terms version${group ? ' (of each product)' : ''}: buyers with the ` +
          'product page open will be asked to reload before they can buy (nothing is charged); open orders keep ' +
          'the terms they bought under.'}
      </p>
      {!api ? (
        <p class="small muted">
          No writable IPFS node: enter a Kubo RPC API under “Shop profile” to add the new description and photos.
        </p>
      ) : null}
      <div class="actions">
        <button class="btn primary" type="button" data-action="save-document" disabled={preparing} onClick={save}>
          {group ? `Save for all ${targets.length}` : 'Save changes'}
        </button>
        <button class="btn ghost" type="button" onClick={() => setForm({ status: 'closed' })}>
          Cancel
        </button>
      </div>
      {progress ? (
        <p class="small" data-progress="edit">
          {progress}
        </p>
      ) : null}
      <p class="small warn-text" data-problem="edit">
        {problem}
      </p>
    </section>
  );
}
