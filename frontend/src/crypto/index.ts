// Shipping-address encryption for the checkout and the seller's inbox. Load it lazily
// (`await import('./crypto')`): it is not part of the page's first load, and importing it runs nothing.
export {
  type ShippingDetails,
  type ShippingInput,
  ShippingDetailsError,
  decodeDetails,
  encodeDetails,
  shippingDetails,
} from './details';
export {
  DecryptionError,
  type OrderContext,
  associatedData,
  envelopeSize,
  openContentKey,
  openEnvelope,
  seal,
} from './envelope';
export { MAX_NOTE, checkNote, openNote, sealNote } from './note';
export {
  NondeterministicSignerError,
  ShippingKeyError,
  type ShippingKeyPair,
  deriveKeyPair,
  deriveKeyPairChecked,
  keyMessage,
  parsePublicKey,
} from './keys';
