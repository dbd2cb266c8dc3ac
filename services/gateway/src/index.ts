export { definition } from './definition.ts';
