// The bytes a purchase carries as its `orderData`: emitted in the Purchased event for the seller, never
// stored. Empty for now; the checkout's encrypted shipping details (../crypto, HPKE to the seller and the
// buyer) will be made here. A module of its own, loaded with the first Buy click like the checkout, so the
// encryption code never weighs on browsing.
import type { Address, Hex } from 'viem';
import type { Product } from './contract';
import type { Shop } from '../state';

/** The order data to send with a purchase of `product` by `buyer`: `0x` (none) today. */
export async function orderData(_shop: Shop, _product: Product, _buyer: Address): Promise<Hex> {
  return '0x';
}
