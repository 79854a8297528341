import type { AdmissionPlugin } from './admission.js';

/** The admission chain every write passes, in order (mutating steps run before validating ones). */
export function defaultAdmission(): AdmissionPlugin[] {
  return [];
}
