export { analyze, type AnalyzeInput } from './analyze';
export { classifyMessage, ACTIONS, type Classification } from './classify';
export { maskMessage, maskToken, tokenize, WILDCARD } from './masking';
export { SignatureMiner, DEFAULT_MINER_OPTIONS, type MinedSignature, type SignatureMinerOptions } from './signature-miner';
export { mineAll, type BatchSignature } from './mine-all';
export { groupingAccuracy, parsingAccuracy, groupingF1, parseCsv, parseStructuredCsv, LOGHUB_SYSTEMS } from './loghub';
export { generateScenario, generateMessages, SCENARIO_KINDS, type Scenario, type ScenarioKind } from './scenarios/incident-generator';
