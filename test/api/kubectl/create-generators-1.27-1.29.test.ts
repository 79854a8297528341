// kubectl create generators with kubectl 1.27-1.29 (JSON bodies), compared with 1.33.
import { describeGenerators } from './create-generators.js';

describeGenerators([27, 28, 29]);
