// kubectl create generators with kubectl 1.30-1.31 (JSON bodies) and 1.32-1.33 (protobuf bodies).
import { describeGenerators } from './create-generators.js';

describeGenerators([30, 31, 32, 33]);
