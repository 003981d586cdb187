import { describeChaos } from './support/chaos-suite.js';

describeChaos('one API process SIGKILLed under mixed load', 1);
