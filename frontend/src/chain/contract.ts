// The Catalog's ABI, typed from the generated artifact module, and the encoded calls every write is made of.
// A misspelled function or a wrong argument is a compile error here, not a revert at the first click.
import { abi } from 'catalog-artifact';
import {
  encodeFunctionData,
  erc20Abi,
  type Abi,
  type Address,
  type ContractFunctionArgs,
  type ContractFunctionName,
  type ContractFunctionReturnType,
  type EncodeFunctionDataParameters,
  type Hex,
} from 'viem';

export { abi };
export type CatalogAbi = typeof abi;

type Reads = 'view' | 'pure';
type Writes = 'nonpayable' | 'payable';
export type ReadName = ContractFunctionName<CatalogAbi, Reads>;
export type ReadArgs<F extends ReadName> = ContractFunctionArgs<CatalogAbi, Reads, F>;
export type ReadResult<F extends ReadName> = ContractFunctionReturnType<CatalogAbi, Reads, F>;
export type WriteName = ContractFunctionName<CatalogAbi, Writes>;
export type WriteArgs<F extends WriteName> = ContractFunctionArgs<CatalogAbi, Writes, F>;

export type Product = ReadResult<'getProduct'>;
export type Order = ReadResult<'getOrder'>;

/** A transaction ready to simulate and send: where, what, how much ETH. */
export interface Call {
  to: Address;
  data: Hex;
  value: bigint;
  /** The function it calls, for a step's label and a revert's words. */
  functionName: string;
}

export const ZERO_ADDRESS: Address = '0x0000000000000000000000000000000000000000';
export const isZeroAddress = (a: string | null | undefined): boolean => !a || /^0x0{40}$/i.test(a);

/** Encode `functionName(args)` against any ABI (viem checks the name and the arguments' types). */
export function encodeCall<const A extends Abi, F extends ContractFunctionName<A, Writes>>(
  to: Address,
  callAbi: A,
  functionName: F,
  args: ContractFunctionArgs<A, Writes, F>,
  value = 0n,
): Call {
  const params = { abi: callAbi, functionName, args } as unknown as EncodeFunctionDataParameters;
  return { to, data: encodeFunctionData(params), value, functionName };
}

/** A write to the store's Catalog at `address`. */
export function catalogCall<F extends WriteName>(
  address: Address,
  functionName: F,
  args: WriteArgs<F>,
  value = 0n,
): Call {
  return encodeCall(address, abi, functionName, args, value);
}

/** A write to an ERC-20 token (approve before a purchase without permit). */
export function tokenCall<F extends ContractFunctionName<typeof erc20Abi, Writes>>(
  token: Address,
  functionName: F,
  args: ContractFunctionArgs<typeof erc20Abi, Writes, F>,
): Call {
  return encodeCall(token, erc20Abi, functionName, args);
}
