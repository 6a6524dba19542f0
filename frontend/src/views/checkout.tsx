// The checkout step of a product page: where the order goes, encrypted in the page for the seller and the
// buyer before anything leaves the browser. The form is drawn here; its checks, the key, the sealing and the
// saved address live in ../chain/order-data (`Kit`), loaded when the buyer starts checkout. The form is a lazy
// chunk too (./checkout-form): the page's Preact and the page code it calls are handed over (../handover.ts).
import { useRef, useState } from 'preact/hooks';
import type { Address } from 'viem';
import type { Product } from '../chain/contract';
import type { Shop } from '../state';
import { kit as page } from '../workspace/kit';

export type Kit = typeof import('../chain/order-data');
type Fields = import('../chain/order-data').AddressFields;
type FieldName = keyof Fields;
type Errors = Partial<Record<FieldName | 'form', string>>;

const EMPTY: Fields = {
  name: '',
  line1: '',
  line2: '',
  city: '',
  region: '',
  postcode: '',
  country: '',
  email: '',
  phone: '',
  note: '',
};

let regionNames: Intl.DisplayNames | null | undefined;
function countryName(code: string): string {
  if (regionNames === undefined) {
    try {
      regionNames = new Intl.DisplayNames(undefined, { type: 'region' });
    } catch {
      regionNames = null;
    }
  }
  return regionNames?.of(code) ?? code;
}

/** The buyer declined in the wallet (EIP-1193 4001), whichever way the wallet says it. */
const declined = (error: unknown) => page().said(error).kind === 'rejected';

// Path gateways serve every IPFS site from one origin: they all share this browser storage.
const sharedOrigin = () => typeof location !== 'undefined' && location.pathname.startsWith('/ipfs/');

export function Checkout({
  shop,
  kit,
  product,
  quantity,
  options,
  sellerKey,
  onClose,
}: {
  shop: Shop;
  kit: Kit;
  product: Product;
  quantity: number;
  options: Readonly<Record<string, string>>;
  sellerKey: string;
  onClose: () => void;
}) {
  const { money, readyWallet, refresh, said, Icon } = page();
  const fmt = money(shop, product.currency);
  const saved = useRef(kit.savedAddress());
  const [fields, setFields] = useState<Fields>({ ...EMPTY, ...saved.current });
  const [remember, setRemember] = useState(saved.current !== null);
  const [hasSaved, setHasSaved] = useState(saved.current !== null);
  const [touched, setTouched] = useState<ReadonlySet<string>>(new Set());
  const [formError, setFormError] = useState('');
  const [stage, setStage] = useState<'sign' | 'pay' | 'done' | null>(null);
  const [sentSize, setSentSize] = useState(0);
  const form = useRef<HTMLFormElement>(null);
  const countries = useRef<[string, string][] | null>(null);
  countries.current ??= kit.COUNTRIES.map((c): [string, string] => [c, countryName(c)]).sort((a, b) =>
    a[1].localeCompare(b[1]),
  );

  const errors: Errors = kit.fieldErrors(fields, options);
  let size: number | null = null;
  if (!Object.keys(errors).length) size = kit.sealedSize(kit.detailsOf(fields, options));
  const shown = (name: FieldName) => (touched.has(name) ? errors[name] : undefined);
  const set = (name: FieldName) => (e: Event) => {
    const value = (e.currentTarget as HTMLInputElement).value;
    setFields((f) => ({ ...f, [name]: value }));
    setFormError('');
  };
  const touch = (name: FieldName) => () => setTouched((t) => new Set(t).add(name));
  const total = fmt.amount(product.price * BigInt(quantity));

  const submit = async (e: Event) => {
    e.preventDefault();
    if (stage) return;
    setTouched(new Set(kit.FIELDS));
    if (Object.keys(errors).length) {
      const first = kit.FIELDS.find((f) => errors[f]);
      form.current?.querySelector<HTMLElement>(`[name="${first}"]`)?.focus();
      setFormError(errors.form ?? 'Some details need your attention: see the fields marked above.');
      return;
    }
    const details = kit.detailsOf(fields, options);
    const bytes = kit.sealedSize(details);
    const max = Number(await shop.node.read('MAX_ORDER_DATA', []));
    if (bytes > max) {
      setFormError(
        `Encrypted, these details come to ${bytes} bytes; the store takes at most ${max}. ` +
          'Shorten the note or the address lines. Nothing was sent.',
      );
      return;
    }
    if (remember) kit.saveAddress(fields);
    else if (hasSaved) kit.forgetAddress();
    setHasSaved(remember);
    const wallet = await readyWallet(shop);
    if (!wallet) return;
    setStage('sign');
    let data;
    try {
      data = await kit.sealOrderData(shop, wallet, product, details, sellerKey);
    } catch (error) {
      setStage(null);
      setFormError(
        error instanceof kit.NondeterministicSignerError
          ? `${error.message}. Nothing was sent.`
          : declined(error)
            ? 'You declined to sign in your wallet, so no key could encrypt your address. Nothing was sent.'
            : `Your address could not be encrypted: ${said(error).message} Nothing was sent.`,
      );
      return;
    }
    setStage('pay');
    const { purchase } = await page().loadCheckout();
    const ok = await purchase(shop, wallet as typeof wallet & { account: Address }, product, quantity, data, () =>
      refresh(shop),
    );
    setSentSize(bytes);
    setStage(ok ? 'done' : null);
  };

  if (stage === 'done') {
    return (
      <section class="checkout done" aria-live="polite">
        <h2>Order placed</h2>
        <p>
          {`Your address went with it, encrypted (${sentSize} bytes on chain): only the seller and you can read it. `}
          <a href="#/orders">See your orders</a>
        </p>
        <button class="btn secondary" type="button" onClick={onClose}>
          Done
        </button>
      </section>
    );
  }

  const field = (name: FieldName, label: string, props: Record<string, unknown> = {}, hint = '') => {
    const error = shown(name);
    const id = `ship-${name}`;
    const describedBy = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ');
    // One set of attributes for whichever control the field is (typed per field by the call above).
    const common: object = {
      id,
      name,
      value: fields[name],
      onInput: set(name),
      onBlur: touch(name),
      'aria-invalid': error ? true : undefined,
      'aria-describedby': describedBy || undefined,
      ...props,
    };
    return (
      <div class={`field${error ? ' invalid' : ''}`} data-field={name}>
        <label for={id}>{label}</label>
        {hint ? (
          <span class="hint small muted" id={`${id}-hint`}>
            {hint}
          </span>
        ) : null}
        {name === 'note' ? (
          <textarea rows={2} maxLength={280} {...common} />
        ) : name === 'country' ? (
          <select {...common} autocomplete="country">
            <option value="">Choose a country</option>
            {countries.current!.map(([code, label]) => (
              <option key={code} value={code}>
                {label}
              </option>
            ))}
          </select>
        ) : (
          <input type="text" {...common} />
        )}
        {error ? (
          <p class="field-error small" id={`${id}-error`}>
            {error}
          </p>
        ) : null}
      </div>
    );
  };

  const optionText = Object.entries(options)
    .map(([k, v]) => `${k[0]!.toUpperCase()}${k.slice(1)}: ${v}`)
    .join(' · ');
  return (
    <section class="checkout" aria-labelledby="checkout-title">
      <h2 id="checkout-title">Where should we send it?</h2>
      <p class="privacy small">
        <Icon name="shield" size={18} />
        <span>
          Your address is encrypted here, in this page, for the seller and for you only. The chain shows that an order
          was placed, its amount and when, never where it goes.
        </span>
      </p>
      <form ref={form} noValidate onSubmit={submit}>
        <fieldset>
          <legend>Delivery address</legend>
          {field('name', 'Full name', { autocomplete: 'name', maxLength: 100 })}
          {field('line1', 'Address', { autocomplete: 'address-line1', maxLength: 100 }, 'Street and number')}
          {field('line2', 'Address line 2 (optional)', { autocomplete: 'address-line2', maxLength: 100 })}
          <div class="field-row">
            {field('city', 'Town or city', { autocomplete: 'address-level2', maxLength: 64 })}
            {field('region', 'State or county (optional)', { autocomplete: 'address-level1', maxLength: 64 })}
          </div>
          <div class="field-row">
            {field('postcode', 'Postcode or ZIP', { autocomplete: 'postal-code', maxLength: 16 })}
            {field('country', 'Country')}
          </div>
        </fieldset>
        <fieldset>
          <legend>If the seller needs to reach you (optional)</legend>
          <div class="field-row">
            {field('email', 'Email', { type: 'email', autocomplete: 'email', maxLength: 254 })}
            {field('phone', 'Phone', { type: 'tel', autocomplete: 'tel', maxLength: 32 })}
          </div>
          {field('note', 'Note to the seller')}
        </fieldset>
        <div class="remember">
          <label class="check">
            <input type="checkbox" checked={remember} onChange={(e) => setRemember(e.currentTarget.checked)} />
            {' Remember this address in this browser'}
          </label>
          {hasSaved ? (
            <button
              class="link small forget"
              type="button"
              onClick={() => {
                kit.forgetAddress();
                setHasSaved(false);
                setRemember(false);
                setFields(EMPTY);
              }}
            >
              Forget the saved address
            </button>
          ) : null}
          <p class="small muted">
            {'Kept unencrypted in this browser only, never sent anywhere else.'}
            {sharedOrigin()
              ? ' This page is opened through a shared gateway address: other sites there could read it.'
              : ''}
          </p>
        </div>
        <div class="summary small">
          {optionText ? <p class="chosen">{optionText}</p> : null}
          <p class="onchain" data-bytes={size ?? ''}>
            {size === null
              ? 'Encrypted size on chain: shown once the details are complete.'
              : `Encrypted, your details come to ${size} bytes on chain.`}
          </p>
        </div>
        <p class="form-error small" role="alert" hidden={!formError}>
          {formError}
        </p>
        <div class="actions">
          <button class="btn secondary" type="button" onClick={onClose} disabled={stage !== null}>
            Cancel
          </button>
          <button class="btn buy" type="submit" disabled={stage !== null}>
            {stage === 'sign' ? 'Sign in your wallet…' : stage === 'pay' ? 'Paying…' : `Pay ${total}`}
          </button>
        </div>
        <p class="small muted">
          Your wallet first asks you to sign a message twice (free, no transaction): that makes your shipping key. Then
          it asks you to pay.
        </p>
      </form>
    </section>
  );
}
