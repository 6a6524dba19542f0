// An EIP-1193 test wallet for the page tests, injected with context.add_init_script before the page's own
// scripts. It announces itself through EIP-6963 and forwards to the test's anvil, whose unlocked dev
// accounts sign. window.__testWallet lets a test act as the user: reject the next request (or the transaction
// after N sent), start on a wrong chain, sign messages non-deterministically (every other personal_sign gives
// another signature).
// Parameters are substituted by the Python fixture (__WALLET_CONFIG__).
(() => {
  const config = __WALLET_CONFIG__;
  const state = {
    account: config.account,
    chainId: config.chainId, // what the wallet says it is on; anvil's own id unless a test changes it
    knownChains: new Set([config.anvilChainId]),
    rejectNext: false,
    rejectAfterSends: null, // a number N: send N transactions, then reject the next one (a run stopped midway)
    nondeterministic: false,
    signatures: 0,
    // Like a real wallet, it remembers that this site was allowed (across reloads, per origin).
    connected: Boolean(config.connected || sessionStorage.getItem('test-wallet-connected')),
    requests: [],
  };
  const listeners = {};
  const emit = (event, value) => (listeners[event] || []).forEach((fn) => fn(value));
  const rpcError = (code, message) => Object.assign(new Error(message), { code });
  let id = 0;
  async function forward(method, params) {
    const response = await fetch(config.rpcUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: ++id, method, params: params || [] }),
    });
    const body = await response.json();
    if (body.error) throw Object.assign(new Error(body.error.message), { code: body.error.code, data: body.error.data });
    return body.result;
  }
  const prompts = new Set(['eth_requestAccounts', 'eth_sendTransaction', 'eth_signTypedData_v4', 'personal_sign', 'wallet_switchEthereumChain', 'wallet_addEthereumChain']);
  const provider = {
    isTestWallet: true,
    async request({ method, params }) {
      state.requests.push(method);
      if (prompts.has(method) && state.rejectNext) {
        state.rejectNext = false;
        throw rpcError(4001, 'User rejected the request.');
      }
      switch (method) {
        case 'eth_requestAccounts':
        case 'eth_accounts':
          if (method === 'eth_accounts' && !state.connected) return [];
          state.connected = true;
          sessionStorage.setItem('test-wallet-connected', '1');
          return [state.account];
        case 'eth_chainId':
          return '0x' + state.chainId.toString(16);
        case 'wallet_switchEthereumChain': {
          const wanted = parseInt(params[0].chainId, 16);
          if (!state.knownChains.has(wanted)) throw rpcError(4902, `Unrecognized chain ID ${params[0].chainId}.`);
          state.chainId = wanted;
          emit('chainChanged', params[0].chainId);
          return null;
        }
        case 'wallet_addEthereumChain':
          state.knownChains.add(parseInt(params[0].chainId, 16));
          state.added = params[0];
          return null;
        case 'personal_sign': {
          const signature = await forward(method, params);
          if (!state.nondeterministic || state.signatures++ % 2 === 0) return signature;
          // Another valid-looking signature of the same message: r's last byte changed.
          const last = (parseInt(signature.slice(64, 66), 16) ^ 1).toString(16).padStart(2, '0');
          return signature.slice(0, 64) + last + signature.slice(66);
        }
        case 'eth_sendTransaction':
          if (state.chainId !== config.anvilChainId) throw rpcError(4901, 'The wallet is on another chain.');
          if (state.rejectAfterSends !== null && state.rejectAfterSends-- <= 0) {
            state.rejectAfterSends = null;
            throw rpcError(4001, 'User rejected the request.');
          }
          return forward(method, [{ ...params[0], from: state.account }]);
        default:
          return forward(method, params);
      }
    },
    on(event, fn) {
      (listeners[event] = listeners[event] || []).push(fn);
    },
    removeListener(event, fn) {
      listeners[event] = (listeners[event] || []).filter((f) => f !== fn);
    },
  };
  window.__testWallet = state;
  if (!config.announce) return;
  const info = Object.freeze({
    uuid: '6f1e1c52-2c2a-4a55-9d3e-7e2f0c9a0b11',
    name: 'Test Wallet',
    icon: 'data:image/svg+xml,%3Csvg xmlns=%22http://www.w3.org/2000/svg%22 viewBox=%220 0 8 8%22%3E%3Crect width=%228%22 height=%228%22 rx=%222%22 fill=%22%23446%22/%3E%3C/svg%3E',
    rdns: 'test.wallet',
  });
  const announce = () => window.dispatchEvent(new CustomEvent('eip6963:announceProvider', { detail: Object.freeze({ info, provider }) }));
  window.addEventListener('eip6963:requestProvider', announce);
  announce();
})();
