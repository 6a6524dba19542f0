// The checkout form as its own lazy chunk (build.mjs: LAZY names a chunk by its file's name).
export { Checkout } from './checkout';
