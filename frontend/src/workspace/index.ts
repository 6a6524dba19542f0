// The seller's workspace (`#/sell`): the order inbox, listing and editing products, the shop's profile. A lazy
// chunk of its own, loaded by the seller view after it handed over its kit (kit.ts); importing it runs nothing.
export { EditDocument } from './edit';
export { Inbox, type CardProps } from './inbox';
export { ListingPanel } from './listing';
export { DeskPager } from './pager';
export { ProfilePanel } from './profile';
