// The shop's profile in the seller's workspace: what the chain says now (name, description, banner, the
// encryption key) and, in one click, "derive and publish": the shop key from the wallet's signatures, the
// seller@1 document (dapp/ipfs/metadata.py's schema, canonical JSON) added through the Kubo API and checked
// against the CID computed here, then setProfile.
import { useEffect, useState } from 'preact/hooks';
import type { Address } from 'viem';
import { normalizeCid } from '../cid';
import { shortAddress } from '../format';
import type { Profile } from '../profiles';
import type { Shop } from '../state';
import { deriveSessionKey, ipfsApi, ipfsApiSetting, keyProblem, sessionKey } from './inbox';
import { apiUrl, putBlock, rawBlock } from './ipfs';
import { kit } from './kit';

const SELLER_SCHEMA = 'ownerless-store/seller@1';
const ZERO_ADDRESS = '0x0000000000000000000000000000000000000000';

const MAX_NAME = 200;
const MAX_TEXT = 10000;
// metadata.py's rule: controls but tab, newline and CRLF are refused (a terminal would obey them)
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]|\r(?!\n)/;

const hex = (bytes: Uint8Array) => `0x${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;

/** The seller@1 document's canonical bytes (sorted keys, no spaces), or an error naming the field. */
export function profileDocument(fields: {
  name: string;
  description: string;
  banner: string;
  encryptionKey: string;
}): Uint8Array {
  const check = (field: string, value: string, limit: number, required: boolean) => {
    if (required && !value.trim()) throw new Error(`${field} must not be empty`);
    if (value.length > limit) throw new Error(`${field} is ${value.length} characters; at most ${limit}`);
    if (CONTROL.test(value)) throw new Error(`${field} contains control characters; only text is allowed`);
  };
  check('Name', fields.name, MAX_NAME, true);
  check('Description', fields.description, MAX_TEXT, false);
  const doc: Record<string, string> = {
    description: fields.description,
    encryptionKey: fields.encryptionKey,
    name: fields.name,
    schema: SELLER_SCHEMA,
  };
  if (fields.banner.trim()) {
    const cid = normalizeCid(fields.banner);
    if (!cid) throw new Error(`Banner: “${fields.banner}” is not a CID`);
    doc.banner = cid;
  }
  const sorted = Object.fromEntries(Object.entries(doc).sort(([a], [b]) => (a < b ? -1 : 1)));
  return new TextEncoder().encode(JSON.stringify(sorted));
}

export function ProfilePanel({ shop, account }: { shop: Shop; account: Address }) {
  const version = shop.version.value;
  const [profile, setProfile] = useState<Profile | null>(null);
  useEffect(() => {
    let live = true;
    void kit()
      .loadProfile(shop, account)
      .then((p) => live && setProfile(p));
    return () => {
      live = false;
    };
  }, [account, version]);
  if (!profile) return null;
  return <ProfileForm key={profile.status === 'ok' ? profile.cid : profile.status} profile={profile} shop={shop} />;
}

function ProfileForm({ profile, shop }: { profile: Profile; shop: Shop }) {
  const current = profile.status === 'ok' ? profile : null;
  const [name, setName] = useState(current?.name ?? '');
  const [description, setDescription] = useState(current?.description ?? '');
  const [banner, setBanner] = useState(current?.banner ?? '');
  const [api, setApi] = useState(ipfsApi(shop) ?? '');
  const [problem, setProblem] = useState('');
  const account = shop.account.value;
  const derived = account ? sessionKey(shop, account) : undefined;
  const publishedKey = current?.encryptionKey ?? null;
  const derivedHex = derived ? hex(derived.publicKey) : null;
  let keyState: string;
  if (!publishedKey) keyState = 'No encryption key published: buyers cannot send you a shipping address.';
  else if (derivedHex && derivedHex !== publishedKey)
    keyState = `The published key (${shortAddress(publishedKey)}) is not your wallet's: addresses sent to it cannot be read here. Publish again.`;
  else
    keyState = `Encryption key published (${shortAddress(publishedKey)}): buyers can send you their address, encrypted.`;
  const cli = `dapp profile set --name ${JSON.stringify(name || 'My shop')} --encryption-key derive`;

  const publish = async () => {
    const { act, catalogCall, refresh } = kit();
    setProblem('');
    let endpoint: string;
    try {
      endpoint = apiUrl(api);
    } catch (error) {
      return setProblem(api.trim() ? (error as Error).message : 'Enter the Kubo RPC API the profile is added through.');
    }
    ipfsApiSetting.value = endpoint;
    try {
      profileDocument({ name, description, banner, encryptionKey: `0x${'11'.repeat(32)}` }); // the text first
    } catch (error) {
      return setProblem((error as Error).message);
    }
    let key;
    try {
      key = await deriveSessionKey(shop);
    } catch (error) {
      return setProblem(keyProblem(error));
    }
    if (!key) return;
    const bytes = profileDocument({ name, description, banner, encryptionKey: hex(key.publicKey) });
    const block = await rawBlock(bytes);
    const call = catalogCall(shop.config.address, 'setProfile', [block.digest, block.codec]);
    const ok = await act(shop, 'Publish your shop profile', ZERO_ADDRESS, (w) => [
      {
        label: 'Add the profile document to IPFS',
        waiting: 'checking, then uploading',
        doneNote: `${block.cid.slice(0, 16)}…`,
        send: async () => {
          await shop.node.simulate(call, w.account);
          return putBlock(endpoint, bytes, block);
        },
      },
      { label: 'Publish it on chain (setProfile)', call: () => call },
    ]);
    if (ok) {
      // profiles are read once per page load: this one changed, so read it again
      shop.profiles.delete((shop.account.value ?? '').toLowerCase());
      refresh(shop);
    }
  };

  return (
    <section class="profile-panel" data-profile={profile.status}>
      <h2>Shop profile</h2>
      <p class="small" data-key={publishedKey ? (derivedHex && derivedHex !== publishedKey ? 'stale' : 'ok') : 'none'}>
        {current ? (
          <>
            <strong>{current.name}</strong>
            {current.source === 'build' ? ' (from this page’s build; not yet on chain)' : ' (on chain)'}
            {' · '}
          </>
        ) : profile.status === 'unavailable' ? (
          `Your profile document ${profile.cid} cannot be read (${profile.reason}). `
        ) : (
          'No profile on chain yet. '
        )}
        {keyState}
      </p>
      <div class="profile-form">
        <label>
          Shop name
          <input type="text" maxLength={MAX_NAME} value={name} onInput={(e) => setName(e.currentTarget.value)} />
        </label>
        <label>
          Description
          <textarea rows={3} value={description} onInput={(e) => setDescription(e.currentTarget.value)} />
        </label>
        <label>
          Banner image CID (optional)
          <input type="text" value={banner} placeholder="bafkrei…" onInput={(e) => setBanner(e.currentTarget.value)} />
        </label>
        <label>
          IPFS node (Kubo RPC API) the documents are added through
          <input
            type="text"
            inputMode="url"
            value={api}
            placeholder="its http URL (IPFS Desktop: port 5001)"
            aria-label="IPFS API"
            onInput={(e) => {
              setApi(e.currentTarget.value);
              ipfsApiSetting.value = e.currentTarget.value.trim() || null; // the ship form writes through it too
            }}
          />
        </label>
      </div>
      {!api.trim() ? (
        <p class="small muted">
          {'Without a writable IPFS node (IPFS Desktop, with this page’s origin allowed in its API settings), '}
          {'publish from the command line instead: '}
          <code>{cli}</code>
        </p>
      ) : null}
      <div class="actions">
        <button class="btn primary" type="button" data-action="publish-profile" onClick={() => void publish()}>
          Derive key and publish profile
        </button>
      </div>
      <p class="small warn-text" data-problem="profile">
        {problem}
      </p>
    </section>
  );
}
