// viem's getLogs on its own, for a chunk of its own: importing the `viem/actions` barrel dynamically would
// make a chunk of every action.
export { getLogs } from 'viem/actions';
