export { definition } from './definition.ts';
export { writeDevGenesis, type DevGenesis } from './dev-genesis.ts';
