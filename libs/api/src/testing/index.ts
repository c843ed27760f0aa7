export { startCoturn, turnserverAvailable, type Coturn } from './coturn.ts';
