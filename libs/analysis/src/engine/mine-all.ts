/**
 * Two-pass mining of a whole batch of messages: mine every line, then report for each line the FINAL
 * template of its cluster (what the signatures CLI prints and the accuracy bench scores).
 */
import { SignatureMiner, type SignatureMinerOptions } from './signature-miner';

export interface BatchSignature {
  clusterId: string;
  template: string;
}

export function mineAll(messages: readonly string[], options?: SignatureMinerOptions): BatchSignature[] {
  const miner = new SignatureMiner(options);
  const ids = new Array<number>(messages.length);
  for (let i = 0; i < messages.length; i++) ids[i] = miner.addId(messages[i]);
  const out = new Array<BatchSignature>(messages.length);
  for (let i = 0; i < messages.length; i++) out[i] = miner.resolve(messages[i], ids[i]);
  return out;
}
