// Replaced by the real harness (local infrastructure) below; kept minimal until then.
export default async function setup(): Promise<void> {}
