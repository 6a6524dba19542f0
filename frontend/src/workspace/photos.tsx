// A product's photos in the workspace's forms (listing, editing a description). A photo chosen here is
// re-encoded through a canvas (resized, and a canvas keeps no EXIF: no location, no camera serial), each to
// one raw block of at most 256 KiB, so the page's CIDs are the ones `ipfs add --cid-version=1 --raw-leaves`
// and `dapp cid` give without chunking (a photo that would not fit even at 640 px is refused, and the message
// says so). A photo the product's document already names is kept by its CID: it is on IPFS already.
import { useState } from 'preact/hooks';
import { MAX_BLOCK, putBlock, rawBlock, type RawBlock } from './ipfs';

export const MAX_PHOTO_BYTES = 20 * 1024 * 1024; // what a phone camera gives, with room; a 30 MB file is refused
export const MAX_PHOTOS = 6;
const LONG_SIDE = 1600;
const MIN_LONG_SIDE = 640;

/** One photo of a form, in the order the document lists them (the first is the card's). */
export interface Photo {
  name: string;
  cid: string;
  url: string | null;
  /** Chosen in this form: the JPEG to add to IPFS. A photo the document already names has none. */
  upload?: { bytes: Uint8Array; block: RawBlock; width: number; height: number };
}

const mb = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MB`;

/** A photo file made ready to publish: checked, resized, re-encoded as JPEG (no EXIF), one raw block. */
export async function preparePhoto(file: File): Promise<Photo> {
  if (file.size > MAX_PHOTO_BYTES) {
    throw new Error(`${file.name} is ${mb(file.size)}; a photo can be at most ${mb(MAX_PHOTO_BYTES)}`);
  }
  if (!file.type.startsWith('image/')) {
    throw new Error(`${file.name} is not an image (${file.type || 'unknown type'}): choose a JPEG, PNG or WebP photo`);
  }
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(file);
  } catch {
    throw new Error(`${file.name} is not an image this browser can read`);
  }
  try {
    for (let side = LONG_SIDE; side >= MIN_LONG_SIDE; side = Math.floor(side * 0.8)) {
      const scale = Math.min(1, side / Math.max(bitmap.width, bitmap.height));
      const width = Math.max(1, Math.round(bitmap.width * scale));
      const height = Math.max(1, Math.round(bitmap.height * scale));
      const canvas = document.createElement('canvas');
      canvas.width = width;
      canvas.height = height;
      const context = canvas.getContext('2d');
      if (!context) throw new Error('this browser cannot draw images (no canvas)');
      context.fillStyle = '#fff'; // a transparent PNG gets a white background, as JPEG has no alpha
      context.fillRect(0, 0, width, height);
      context.drawImage(bitmap, 0, 0, width, height);
      const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/jpeg', 0.85));
      if (!blob) throw new Error(`${file.name} could not be re-encoded`);
      if (blob.size > MAX_BLOCK) continue;
      const bytes = new Uint8Array(await blob.arrayBuffer());
      const block = await rawBlock(bytes);
      return {
        name: file.name,
        cid: block.cid,
        url: URL.createObjectURL(blob),
        upload: { bytes, block, width, height },
      };
    }
  } finally {
    bitmap.close();
  }
  throw new Error(`${file.name} does not fit in 256 KiB even at ${MIN_LONG_SIDE} px (one IPFS block); crop it`);
}

/** Add the photos chosen in the form to the node at `api`, each checked against the page's CID. */
export async function putPhotos(api: string, photos: readonly Photo[]): Promise<void> {
  for (const { upload } of photos) if (upload) await putBlock(api, upload.bytes, upload.block);
}

/** "1 photo", "2 photos". */
export const photoCount = (n: number) => `${n} photo${n === 1 ? '' : 's'}`;

/**
 * The photos field: choose files (refusals go to `onProblem`, '' clears it), remove a photo, move it
 * earlier or later. `onBusy` is told while chosen files are being prepared.
 */
export function PhotoField({
  photos,
  onChange,
  onProblem,
  onBusy,
}: {
  photos: readonly Photo[];
  onChange: (photos: Photo[]) => void;
  onProblem: (message: string) => void;
  onBusy: (busy: boolean) => void;
}) {
  const [preparing, setPreparing] = useState(false);
  const busy = (on: boolean) => {
    setPreparing(on);
    onBusy(on);
  };
  const add = async (files: FileList | null) => {
    if (!files?.length) return;
    onProblem('');
    busy(true);
    const ready: Photo[] = [];
    const refused: string[] = [];
    for (const file of Array.from(files)) {
      if (photos.length + ready.length >= MAX_PHOTOS) {
        refused.push(`at most ${MAX_PHOTOS} photos`);
        break;
      }
      try {
        ready.push(await preparePhoto(file));
      } catch (error) {
        refused.push((error as Error).message);
      }
    }
    onChange([...photos, ...ready]);
    busy(false);
    if (refused.length) onProblem(`Photo refused: ${refused.join('; ')}.`);
  };
  const move = (from: number, to: number) => {
    const next = [...photos];
    next.splice(to, 0, ...next.splice(from, 1));
    onChange(next);
  };
  return (
    <>
      <label>
        Photos (resized in your browser, location and camera data removed)
        <input
          type="file"
          accept="image/*"
          multiple
          aria-label="Photos"
          onChange={(e) => {
            void add(e.currentTarget.files);
            e.currentTarget.value = '';
          }}
        />
      </label>
      {photos.length || preparing ? (
        <div class="photo-strip">
          {photos.map((p, i) => (
            <figure key={p.cid} data-cid={p.cid} data-new={p.upload ? 'true' : undefined}>
              {p.url ? <img src={p.url} alt={p.name} width={96} height={96} /> : <span class="media small" />}
              <figcaption class="small muted">
                {p.upload
                  ? `${p.upload.width}×${p.upload.height} · ${Math.ceil(p.upload.bytes.length / 1024)} KB `
                  : 'on IPFS '}
                {i ? (
                  <>
                    <button
                      class="link"
                      type="button"
                      aria-label={`Move photo ${i + 1} earlier`}
                      onClick={() => move(i, i - 1)}
                    >
                      ←
                    </button>{' '}
                  </>
                ) : null}
                {i < photos.length - 1 ? (
                  <>
                    <button
                      class="link"
                      type="button"
                      aria-label={`Move photo ${i + 1} later`}
                      onClick={() => move(i, i + 1)}
                    >
                      →
                    </button>{' '}
                  </>
                ) : null}
                <button
                  class="link"
                  type="button"
                  aria-label={`Remove photo ${i + 1}`}
                  onClick={() => onChange(photos.filter((_, j) => j !== i))}
                >
                  remove
                </button>
              </figcaption>
            </figure>
          ))}
          {preparing ? <span class="small muted">Preparing…</span> : null}
        </div>
      ) : null}
    </>
  );
}
