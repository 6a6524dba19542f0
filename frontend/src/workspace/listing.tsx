// List a product from the page: title, description, photos, price in ETH or a token the shop prices in,
// stock, handling time, escrow window, arbiter. Photos are prepared as photos.tsx says (resized, no EXIF, one
// raw block each). The product@1 document is canonical JSON as dapp.ipfs.metadata builds it (product.ts).
// Every CID the node reports is checked against the page's before listProduct goes on chain; the listing is
// simulated before anything is uploaded. With
// options (up to 3, such as size and colour) the form lists a group as `dapp list-product --option` does: one
// document and one listProduct per combination of values (the contract lists one product per call), the photos
// shared; if one fails midway the message names the combinations already listed. With a pinning service
// (endpoint and token, kept in this tab's memory only), every new CID is also pinned there (pinning.ts): the
// listing goes on chain once the service has accepted each pin request, and the statuses keep updating.
import { useEffect, useRef, useState } from 'preact/hooks';
import { getAddress, isAddress, type Address } from 'viem';
import type { Product } from '../chain/contract';
import { parseUnits } from '../format';
import type { Shop } from '../state';
import { ipfsApi } from './inbox';
import { apiUrl, putBlock, rawBlock } from './ipfs';
import { kit } from './kit';
import { PhotoField, photoCount, putPhotos, type Photo } from './photos';
import { chainSteps } from './steps';
import {
  WATCH_MS,
  PinningError,
  checkService,
  nodeOrigins,
  pinService,
  requestPin,
  watchPins,
  type PinService,
  type PinState,
} from './pinning';
import {
  MAX_COMBINATIONS,
  andList,
  MAX_OPTION_NAMES,
  MAX_OPTION_VALUES,
  cartesian,
  comboLabel,
  optionGroup,
  optionLabel,
  productDocument,
  splitValues,
  type OptionField,
  type OptionGroup,
} from './product';

const ZERO_ADDRESS = '0x0000000000000000000000000000000000000000';
const DAY = 86400;
const NO_OPTION: OptionField = { name: '', values: '' };
const PLACEHOLDERS = [
  ['size', 'S, M, L'],
  ['colour', 'Black, White'],
  ['fit', 'Regular, Slim'],
] as const;

/** ["size"] -> "size"; ["size", "colour"] -> "combination of size and colour". */
const perWhat = (names: readonly string[]) => (names.length === 1 ? names[0]! : `combination of ${andList(names)}`);

/** A word for the shell: quoted when it holds anything but plain characters. */
const shellWord = (word: string) => (/^[\w.,=/:@+-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`);

// The pinning service's endpoint and token for this tab only: no storage, so a reload forgets them.
const remembered = { endpoint: '', token: '' };

/** One CID sent to the pinning service: what it is, and its state there ('asking' until it answered). */
interface PinRow {
  cid: string;
  what: string;
  requestid: string;
  state: PinState | 'asking';
}

/** A pinning service refused before anything went on chain: said so. */
function beforeChain(error: unknown): never {
  if (error instanceof PinningError) {
    throw new PinningError(`${error.message}${/[.?!]$/.test(error.message) ? '' : '.'} Nothing was sent on chain.`);
  }
  throw error;
}

/** Days as typed ("3", "0.5") to whole seconds; null when it is not a number of days. */
function days(text: string): number | null {
  if (!/^\d+(\.\d+)?$/.test(text.trim())) return null;
  return Math.round(Number(text) * DAY);
}

interface Terms {
  currency: Address;
  price: bigint;
  stock: bigint;
  handling: bigint;
  escrow: bigint;
  arbiter: Address;
}

/** The listing terms as the contract takes them, or the first problem in words (said before any prompt). */
export function listingTerms(
  fields: { currency: string; price: string; stock: string; handling: string; escrow: string; arbiter: string },
  decimals: number,
  seller: string,
  catalog: string,
): Terms {
  let price: bigint;
  try {
    price = parseUnits(fields.price, decimals);
  } catch (error) {
    throw new Error(`Price: ${(error as Error).message}`);
  }
  if (price === 0n) throw new Error('Price: must be more than 0');
  if (price >= 2n ** 96n) throw new Error('Price: too large');
  if (!/^\d+$/.test(fields.stock.trim())) throw new Error('Stock: a whole number');
  const stock = BigInt(fields.stock.trim());
  if (stock >= 2n ** 32n) throw new Error(`Stock: at most ${2n ** 32n - 1n}`);
  const escrow = days(fields.escrow);
  if (escrow === null) throw new Error('Escrow window: a number of days (0: paid to you at once)');
  if (escrow !== 0 && (escrow < DAY || escrow > 365 * DAY)) throw new Error('Escrow window: 1 to 365 days, or 0');
  let handling = 0;
  if (escrow) {
    const typed = days(fields.handling);
    if (typed === null || typed < 3600 || typed > 365 * DAY) {
      throw new Error('Handling time: 1 hour (0.05 days) to 365 days to ship an order');
    }
    handling = typed;
  }
  let arbiter: Address = ZERO_ADDRESS;
  if (fields.arbiter.trim()) {
    const typed = fields.arbiter.trim();
    if (!isAddress(typed, { strict: false })) throw new Error(`Arbiter: “${typed}” is not an address`);
    if (typed !== typed.toLowerCase() && !isAddress(typed)) throw new Error('Arbiter: the address fails its checksum');
    if (!escrow) throw new Error('Arbiter: only an escrowed product (escrow window above 0) has disputes to settle');
    if (typed.toLowerCase() === seller.toLowerCase()) throw new Error('Arbiter: you cannot arbitrate your own sales');
    if (typed.toLowerCase() === catalog.toLowerCase()) {
      throw new Error('Arbiter: the Catalog contract itself can never rule; name a person or a service');
    }
    arbiter = getAddress(typed);
  }
  return {
    currency: fields.currency as Address,
    price,
    stock,
    handling: BigInt(handling),
    escrow: BigInt(escrow),
    arbiter,
  };
}

export function ListingPanel({
  shop,
  account,
  products,
}: {
  shop: Shop;
  account: Address;
  products: readonly Product[];
}) {
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [photos, setPhotos] = useState<Photo[]>([]);
  const [currency, setCurrency] = useState<string>(ZERO_ADDRESS);
  const [price, setPrice] = useState('');
  const [stock, setStock] = useState('10');
  const [handling, setHandling] = useState('3');
  const [escrow, setEscrow] = useState('14');
  const [arbiter, setArbiter] = useState('');
  const [problem, setProblem] = useState('');
  const [preparing, setPreparing] = useState(false);
  const [listed, setListed] = useState<{ first: bigint; count: number } | null>(null);
  const [options, setOptions] = useState<OptionField[]>([NO_OPTION]);
  const [stocks, setStocks] = useState<Record<string, string>>({});
  const [progress, setProgress] = useState('');
  const [pinEndpoint, setPinEndpoint] = useState(remembered.endpoint);
  const [pinToken, setPinToken] = useState(remembered.token);
  const [pins, setPins] = useState<{ endpoint: string; rows: PinRow[]; note: string } | null>(null);
  const alive = useRef(true);
  const run = useRef(0); // the listing whose pins the panel shows: an older one's watch stops
  useEffect(
    () => () => {
      alive.current = false; // the panel is gone: stop asking the service
    },
    [],
  );
  const api = ipfsApi(shop);
  const stockOf = (values: readonly string[]) => stocks[JSON.stringify(values)] ?? stock;
  const setOption = (index: number, change: Partial<OptionField>) =>
    setOptions(options.map((o, i) => (i === index ? { ...o, ...change } : o)));
  // the combinations of the values typed so far (each value once), for a stock field of their own
  const typedChoices = options
    .map((o, i) => ({
      name: o.name.trim() || `option ${i + 1}`,
      values: [...new Set(splitValues(o.values).filter(Boolean))].slice(0, MAX_OPTION_VALUES),
    }))
    .filter((o) => o.values.length);
  const typedCount = typedChoices.reduce((n, o) => n * o.values.length, typedChoices.length ? 1 : 0);
  const typedCombos = typedCount && typedCount <= MAX_COMBINATIONS ? cartesian(typedChoices.map((o) => o.values)) : [];
  const hasOptions = typedCount > 0;
  // ETH, and every token this shop already prices in (their symbols and decimals are read)
  const tokens = [...new Set(products.map((p) => p.currency.toLowerCase()))].filter((c) => c !== ZERO_ADDRESS);
  const info = (c: string) =>
    c === ZERO_ADDRESS ? { symbol: 'ETH', decimals: 18 } : (shop.reader.tokens.get(c) ?? { symbol: c, decimals: 18 });

  const list = async () => {
    setProblem('');
    setListed(null);
    setProgress('');
    setPins(null);
    let terms: Terms;
    let group: OptionGroup | null;
    let documents: Uint8Array[];
    let service: PinService | null;
    try {
      service = pinService(pinEndpoint, pinToken);
      group = optionGroup(name, options, stockOf);
      terms = listingTerms(
        { currency, price, stock: group ? '0' : stock, handling, escrow, arbiter },
        info(currency).decimals,
        account,
        shop.config.address,
      );
      const images = photos.map((p) => p.cid);
      documents = group
        ? group.combos.map((c) => productDocument(name, description, images, c.variant))
        : [productDocument(name, description, images)];
    } catch (error) {
      return setProblem((error as Error).message);
    }
    if (!api) return setProblem('No IPFS node to add the photos and description to: enter a Kubo RPC API above.');
    let endpoint: string;
    try {
      endpoint = apiUrl(api);
    } catch (error) {
      return setProblem((error as Error).message);
    }
    const docs = await Promise.all(documents.map((d) => rawBlock(d)));
    // every CID this listing adds, once each (a group's photos are shared), in the order they are added
    const rows: PinRow[] = [];
    const add = (cid: string, what: string) => {
      if (!rows.some((r) => r.cid === cid)) rows.push({ cid, what, requestid: '', state: 'asking' });
    };
    photos.forEach((p, i) => add(p.cid, `photo ${i + 1} (${p.name})`));
    docs.forEach((d, i) => add(d.cid, group ? `description of ${group.combos[i]!.label}` : 'description'));
    const pinStep = service ? pinningStep(service, rows, endpoint, name.trim()) : [];
    const { act, catalogCall } = kit();
    const calls = docs.map((doc, i) =>
      catalogCall(shop.config.address, 'listProduct', [
        terms.currency,
        terms.price,
        group ? group.combos[i]!.stock : terms.stock,
        terms.handling,
        terms.escrow,
        terms.arbiter,
        doc.digest,
        doc.codec,
      ]),
    );
    const count = docs.length;
    const label = (i: number) => `${group!.combos[i]!.label} (${i + 1} of ${count})`;
    const onChain = chainSteps(calls, { step: 'List', doing: 'Listing' }, group ? label : null, setProgress);
    const photoWords = photoCount(photos.length);
    const ok = await act(shop, `List “${name.trim()}”`, terms.currency, (wallet) => [
      {
        label: group
          ? `Add ${photoWords} and ${count} descriptions (one per ${perWhat(group.names)}) to IPFS`
          : `Add ${photoWords} and the description to IPFS`,
        waiting: 'checking, then uploading',
        doneNote: `${docs[0]!.cid.slice(0, 16)}…`,
        send: async () => {
          // a listing the chain would refuse uploads nothing (the group's differ only in stock)
          await shop.node.simulate(calls[0]!, wallet.account);
          // a token or an origin the service refuses is found before anything is uploaded
          if (service) await checkService(service).catch(beforeChain);
          await putPhotos(endpoint, photos);
          for (const [i, doc] of docs.entries()) await putBlock(endpoint, documents[i]!, doc);
          return docs.map((d) => d.cid);
        },
      },
      ...pinStep,
      ...onChain.steps,
    ]);
    setProgress('');
    const reached = onChain.reached();
    if (ok) {
      const last = await shop.node.read('productCount', []);
      setListed({ first: last - BigInt(count) + 1n, count });
      setName('');
      setDescription('');
      setPhotos([]);
      setPrice('');
      setOptions([NO_OPTION]);
      setStocks({});
    } else if (group && reached > 0) {
      const done = group.combos.slice(0, reached).map((c) => c.label);
      const left = group.combos.slice(reached).map((c) => c.label);
      setProblem(
        `Listed ${done.join(', ')} of “${name.trim()}” (${reached} of ${count}); not listed: ${left.join(', ')}. ` +
          'The listed ones are in the catalog; delist them below to start the group again.',
      );
    }
  };

  /**
   * The step that asks `service` to pin `rows` (fetching them from the Kubo node at `kubo`): done once every
   * request was accepted; then the statuses are watched beside the chain steps.
   */
  function pinningStep(service: PinService, rows: PinRow[], kubo: string, title: string) {
    const mine = ++run.current;
    const current = () => alive.current && run.current === mine;
    const show = (note = '') => {
      if (current()) setPins({ endpoint: service.endpoint, rows: rows.map((r) => ({ ...r })), note });
    };
    return [
      {
        label: `Ask ${new URL(service.endpoint).host} to pin ${rows.length} CID${rows.length === 1 ? '' : 's'}`,
        waiting: 'sending the pin requests',
        doneNote: 'accepted',
        send: async () => {
          show();
          const origins = await nodeOrigins(kubo);
          try {
            for (const row of rows) {
              const accepted = await requestPin(service, row.cid, `${title}: ${row.what}`, origins);
              Object.assign(row, { requestid: accepted.requestid, state: accepted.status });
              show();
            }
          } catch (error) {
            if (current()) setPins(null);
            beforeChain(error);
          }
          void watchPins(
            service,
            rows.filter((r) => r.state !== 'pinned' && r.state !== 'failed').map((r) => r.requestid),
            (id, state) => {
              const row = rows.find((r) => r.requestid === id);
              if (row && row.state !== state) {
                row.state = state;
                show();
              }
            },
            current,
            (message) => show(`${message}; asking again.`),
          ).then((end) => {
            if (end === 'timeout') show(`Still not pinned after ${WATCH_MS / 60000} minutes: check the service.`);
          });
          return rows.map((r) => r.requestid);
        },
      },
    ];
  }

  const cli =
    `dapp list-product --name ${JSON.stringify(name || 'Tour T-shirt')} --price ${price || '0.02'}` +
    `${currency === ZERO_ADDRESS ? 'ether' : ` --currency ${currency}`}` +
    (typedCombos.length
      ? typedChoices.map((o) => ` --option ${shellWord(`${o.name}=${o.values.join(',')}`)}`).join('') +
        ` --stock ${shellWord(typedCombos.map((c) => `${comboLabel(c)}=${stockOf(c) || 0}`).join(','))}`
      : ` --stock ${stock || 10}`) +
    `${Number(escrow) ? ` --escrow ${escrow}d --handling ${handling}d` : ''}` +
    `${photos.map((p) => ` --image ${JSON.stringify(p.name)}`).join('')}`;

  return (
    <section class="listing-panel">
      <h2>List a product</h2>
      <div class="listing-grid">
        <label>
          Title
          <input type="text" maxLength={200} value={name} onInput={(e) => setName(e.currentTarget.value)} />
        </label>
        <label>
          Description
          <textarea rows={3} value={description} onInput={(e) => setDescription(e.currentTarget.value)} />
        </label>
        <PhotoField photos={photos} onChange={setPhotos} onProblem={setProblem} onBusy={setPreparing} />
        <div class="listing-row">
          <label>
            Price
            <input type="text" inputMode="decimal" value={price} onInput={(e) => setPrice(e.currentTarget.value)} />
          </label>
          <label>
            Currency
            <select value={currency} onChange={(e) => setCurrency(e.currentTarget.value)}>
              <option value={ZERO_ADDRESS}>ETH</option>
              {tokens.map((t) => (
                <option key={t} value={t}>
                  {info(t).symbol}
                </option>
              ))}
            </select>
          </label>
          {hasOptions ? null : (
            <label>
              Stock
              <input type="number" min={0} value={stock} onInput={(e) => setStock(e.currentTarget.value)} />
            </label>
          )}
        </div>
        <fieldset class="listing-options">
          <legend>Options (optional, up to 3 such as size and colour): one product per combination</legend>
          {options.map((option, i) => (
            <div
              class={`option-field${options.length > 1 ? ' removable' : ''}`}
              key={i}
              data-option-row={String(i + 1)}
            >
              <label class="option-name">
                {optionLabel(i)}
                <input
                  type="text"
                  maxLength={20}
                  placeholder={PLACEHOLDERS[i]![0]}
                  value={option.name}
                  onInput={(e) => setOption(i, { name: e.currentTarget.value })}
                />
              </label>
              <label class="option-values">
                {i ? `Values of option ${i + 1}` : 'Values (comma-separated)'}
                <input
                  type="text"
                  placeholder={PLACEHOLDERS[i]![1]}
                  value={option.values}
                  onInput={(e) => setOption(i, { values: e.currentTarget.value })}
                />
              </label>
              {options.length > 1 ? (
                <button
                  class="btn ghost option-remove"
                  type="button"
                  aria-label={`Remove ${optionLabel(i).toLowerCase()}`}
                  onClick={() => setOptions(options.filter((_, j) => j !== i))}
                >
                  Remove
                </button>
              ) : null}
            </div>
          ))}
          {options.length < MAX_OPTION_NAMES ? (
            <div>
              <button
                class="btn secondary small-btn"
                type="button"
                data-action="add-option"
                onClick={() => setOptions([...options, NO_OPTION])}
              >
                {options.length === 1 ? 'Add another option (such as colour)' : 'Add another option'}
              </button>
            </div>
          ) : null}
          {typedCount > MAX_COMBINATIONS ? (
            <p class="small warn-text">
              {`${typedCount} combinations: the page lists at most ${MAX_COMBINATIONS} at once (each is its own transaction).`}
            </p>
          ) : typedCombos.length ? (
            <>
              <p class="small muted" data-combinations={String(typedCombos.length)}>
                {typedCombos.length === 1
                  ? '1 product, with its own stock. '
                  : `${typedCombos.length} products, one per ${perWhat(typedChoices.map((o) => o.name))}, each with its own stock. `}
                A stock of 0 lists it as sold out (you can raise it later); an empty stock is refused.
              </p>
              <div class="option-stocks">
                {typedCombos.map((values) => (
                  <label key={JSON.stringify(values)} data-option-value={comboLabel(values)}>
                    {`Stock of ${comboLabel(values)}`}
                    <input
                      type="number"
                      min={0}
                      value={stockOf(values)}
                      onInput={(e) => setStocks({ ...stocks, [JSON.stringify(values)]: e.currentTarget.value })}
                    />
                  </label>
                ))}
              </div>
            </>
          ) : null}
        </fieldset>
        <div class="listing-row">
          <label>
            Escrow window (days; 0: paid at once)
            <input type="text" inputMode="decimal" value={escrow} onInput={(e) => setEscrow(e.currentTarget.value)} />
          </label>
          <label>
            Handling time (days to ship)
            <input
              type="text"
              inputMode="decimal"
              value={handling}
              disabled={!Number(escrow)}
              onInput={(e) => setHandling(e.currentTarget.value)}
            />
          </label>
          <label>
            Arbiter (optional)
            <input type="text" value={arbiter} placeholder="0x…" onInput={(e) => setArbiter(e.currentTarget.value)} />
          </label>
        </div>
        <fieldset class="listing-pinning">
          <legend>Pinning service (optional): keeps the photos and descriptions online while your node is off</legend>
          <div class="listing-row">
            <label>
              Pinning service endpoint
              <input
                type="url"
                placeholder="the service’s …/psa address"
                value={pinEndpoint}
                onInput={(e) => setPinEndpoint((remembered.endpoint = e.currentTarget.value))}
              />
            </label>
            <label>
              Access token
              <input
                type="password"
                autoComplete="off"
                value={pinToken}
                onInput={(e) => setPinToken((remembered.token = e.currentTarget.value))}
              />
            </label>
          </div>
          <p class="small muted">
            The token stays in this tab’s memory only (never stored, never in a URL) and goes only to that endpoint. The
            service pins what your IPFS node provides (a browser cannot upload through its API), so it must allow this
            page’s origin (CORS). The listing goes on chain once every pin request is accepted; each CID’s status
            (queued, pinning, pinned or failed) keeps updating below.
          </p>
        </fieldset>
      </div>
      {!api ? (
        <p class="small muted">
          {'No writable IPFS node: enter a Kubo RPC API under “Shop profile”, or list from the command line: '}
          <code>{cli}</code>
        </p>
      ) : null}
      <div class="actions">
        <button class="btn primary" type="button" data-action="list-product" disabled={preparing} onClick={list}>
          List
        </button>
      </div>
      {progress ? (
        <p class="small" data-progress="listing">
          {progress}
        </p>
      ) : null}
      {pins ? (
        <div class="pin-status" data-pins={pins.endpoint}>
          <p class="small">
            {`Pinning on ${pins.endpoint}: ${pins.rows.filter((r) => r.state === 'pinned').length} of ${pins.rows.length} pinned`}
          </p>
          <ul class="pin-list">
            {pins.rows.map((r) => (
              <li key={r.cid} data-pin-cid={r.cid} data-pin-status={r.state}>
                <span class={`pin-state ${r.state}`}>{r.state === 'asking' ? 'asking…' : r.state}</span>
                <span class="small">{r.what}</span>
                <code class="small muted">{r.cid}</code>
              </li>
            ))}
          </ul>
          {pins.note ? <p class="small warn-text">{pins.note}</p> : null}
        </div>
      ) : null}
      {listed ? (
        <p class="small" data-listed={String(listed.first)} data-listed-count={String(listed.count)}>
          {'Listed: '}
          <a href={`#/product/${listed.first}`}>{`product #${listed.first}`}</a>
          {listed.count > 1
            ? ` to #${listed.first + BigInt(listed.count - 1)} (${listed.count} options) are in the catalog.`
            : ' is in the catalog.'}
        </p>
      ) : null}
      <p class="small warn-text" data-problem="listing">
        {problem}
      </p>
    </section>
  );
}
