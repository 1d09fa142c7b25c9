/**
 * The identifying strings of the simulator's canary residents (API.md): NIKs, KK numbers, names,
 * mothers' and fathers' names, street lines, birth-certificate numbers. Kept apart from the
 * simulator so that the scanner does not load the simulator's population.
 */
export const CANARY_STRINGS: readonly string[] = [
  '6474015709900001',
  '6474011203150004',
  'SITI KENARI RAHAYU',
  'MARYAM KENARI',
  'AHMAD KENARI',
  'JL. KENARI NO. 7',
  '6474-LT-17091990-0001',
  '3316010101850002',
  '3316012002100001',
  'BUDI MERPATI SANTOSO',
  'SRI MERPATI',
  'SUGENG SANTOSO',
  'JL. MERPATI NO. 12',
  '3316-LT-01011985-0002',
];
