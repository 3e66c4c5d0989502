// node:crypto, node:dns and node:net for the playground bundle (see README.md): the code
// that calls them never runs in the page (it needs a file that was read, the network, or a
// report format the page does not offer). Each name throws when called, so a change that
// starts calling one shows up as an error naming it, never as a silently wrong answer.

function unavailable(name: string): () => never {
  // a function, not an arrow: `new Socket()` must throw this error too, not "not a constructor"
  return function unavailableInThePlayground(): never {
    throw new Error(`${name} is not available in the playground (no Node.js in the browser)`);
  };
}

// node:crypto
export const createHash = unavailable('crypto.createHash');
export const randomBytes = unavailable('crypto.randomBytes');
export const scrypt = unavailable('crypto.scrypt');
export const timingSafeEqual = unavailable('crypto.timingSafeEqual');
export const createPrivateKey = unavailable('crypto.createPrivateKey');
export const X509Certificate = unavailable('crypto.X509Certificate');
// node:dns
export const promises = { Resolver: unavailable('dns.promises.Resolver') };
// node:net
export const isIP = unavailable('net.isIP');
export const Socket = unavailable('net.Socket');
