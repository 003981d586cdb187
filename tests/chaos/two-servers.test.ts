import { describeChaos } from './support/chaos-suite.js';

describeChaos('two API processes on one data directory, one SIGKILLed under load', 2);
