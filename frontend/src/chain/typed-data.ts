// EIP-712 typed data as eth_signTypedData_v4 takes it: the domain's own type spelled out, as wallets expect.
import { serializeTypedData, type TypedDataDefinition } from 'viem';

export function typedDataJson(typedData: TypedDataDefinition): string {
  const {
    domain = {},
    types,
    primaryType,
    message,
  } = typedData as TypedDataDefinition & {
    domain?: Record<string, unknown>;
  };
  const field = (name: string, type: string) => (domain[name] !== undefined ? [{ name, type }] : []);
  const EIP712Domain = [
    ...field('name', 'string'),
    ...field('version', 'string'),
    ...field('chainId', 'uint256'),
    ...field('verifyingContract', 'address'),
  ];
  return serializeTypedData({
    domain,
    types: { EIP712Domain, ...types },
    primaryType,
    message,
  } as unknown as TypedDataDefinition);
}
